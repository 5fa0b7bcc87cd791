"""The catalogs the route graph is built from: submarine cable systems and Internet exchange metros.

- ``catalogs/data/submarine_cables.csv``: major in-service cable systems, their landing cities in
  route order (``City, CC@lat,lon``), ready-for-service year, published length and a source per row.
  Every landing must lie on a coast (land and sea within :data:`COAST_TOLERANCE_KM` per the bundled
  land mask, or a small-island city) and in its own country.
- ``catalogs/data/internet_exchanges.csv``: the metros hosting the major Internet exchange points
  of each region (the largest exchange named, its published peak traffic or network count where
  one was found, a source per row). The internet profile routes part of the public traffic through
  them (:meth:`placement.latency.route_graph.RouteGraph.routed_path_km`).

Facts only: landing cities, lengths and exchange figures; no map geometry.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from placement.catalogs import DATA_DIR, read_csv_rows
from placement.catalogs.validation import InputError, require_number
from placement.earth.demand import _city_countries
from placement.earth.great_circles import EARTH_RADIUS_KM, arc_km, is_land, unit_vectors

SUBMARINE_CABLES_CSV = DATA_DIR / "submarine_cables.csv"
INTERNET_EXCHANGES_CSV = DATA_DIR / "internet_exchanges.csv"
#: Landing points must lie within this distance of a coast (land and sea both within it).
COAST_TOLERANCE_KM = 10.0
#: A landing is in the wrong country when the nearest GeoNames city is this close, in another
#: country, and no city of its own country is as close (cities are the only borders bundled).
COUNTRY_EVIDENCE_KM = 100.0


@dataclass(frozen=True)
class CableSystem:
    """One submarine cable system: landings (name, ISO-2 country, lat, lon [deg]) in route order."""
    name: str
    landings: tuple[tuple[str, str, float, float], ...]
    ready_for_service_year: int
    length_km: float | None
    source: str


def _near_coast(lat_deg: float, lon_deg: float, tolerance_km: float = COAST_TOLERANCE_KM) -> bool:
    """Land and sea both within ``tolerance_km`` of the point (a ring of 16 bearings, 3 radii)."""
    bearings = np.radians(np.arange(0, 360, 22.5))
    lats, lons = [lat_deg], [lon_deg]
    for r in (tolerance_km / 3, 2 * tolerance_km / 3, tolerance_km):
        d = r / EARTH_RADIUS_KM
        phi1, lam1 = np.radians(lat_deg), np.radians(lon_deg)
        phi2 = np.arcsin(np.sin(phi1) * np.cos(d) + np.cos(phi1) * np.sin(d) * np.cos(bearings))
        lam2 = lam1 + np.arctan2(np.sin(bearings) * np.sin(d) * np.cos(phi1), np.cos(d) - np.sin(phi1) * np.sin(phi2))
        lats.extend(np.degrees(phi2))
        lons.extend(np.degrees(lam2))
    land = is_land(np.array(lats), np.array(lons))
    return bool(land.any() and (~land).any())


def load_submarine_cables(path: Path | str = SUBMARINE_CABLES_CSV) -> list[CableSystem]:
    """Cable systems of a catalog CSV (``cable, landings, ready_for_service_year, length_km,
    source``), validated: every landing ``City, CC@lat,lon`` on a coast and in its country, every
    row with a source.

    Raises
    ------
    InputError
        A malformed row, a landing inland or in another country, a row without a source.
    """
    rows = read_csv_rows(path, ("cable", "landings", "ready_for_service_year", "length_km", "source"))
    cables, names = [], set()
    for n, (_, row) in enumerate(rows, start=1):
        where = f"{path} row {n}"
        name = row["cable"].strip()
        if not name or name in names:
            raise InputError(where, "cable", name, "empty or duplicate cable name")
        names.add(name)
        if not row["source"].strip():
            raise InputError(where, "source", row["source"], "every cable needs a source")
        year = int(require_number(where, "ready_for_service_year", row["ready_for_service_year"], low=1850,
                                  high=2100, integer=True))
        length = None if not row["length_km"].strip() else require_number(
            where, "length_km", row["length_km"], positive=True, high=60_000)
        landings = []
        for item in row["landings"].split(";"):
            try:
                label, coords = item.rsplit("@", 1)
                city, country = (s.strip() for s in label.rsplit(",", 1))
                lat_text, lon_text = coords.split(",")
            except ValueError:
                raise InputError(where, "landings", item, "expected 'City, CC@lat,lon'") from None
            lat = require_number(where, "landings", lat_text, low=-90, high=90)
            lon = require_number(where, "landings", lon_text, low=-180, high=180)
            problem = landing_problem(lat, lon, country)
            if problem:
                raise InputError(where, "landings", item, problem)
            landings.append((city, country, lat, lon))
        if len(landings) < 2:
            raise InputError(where, "landings", row["landings"], "a cable needs at least two landings")
        cables.append(CableSystem(name, tuple(landings), year, length, row["source"].strip()))
    if not cables:
        raise InputError(path, None, None, "no cables")
    return cables


def landing_problem(lat_deg: float, lon_deg: float, country: str) -> str | None:
    """Why a cable landing at (``lat_deg``, ``lon_deg``) [deg] in ISO-2 ``country`` is wrong, or
    ``None``: it must lie on a coast (land and sea within :data:`COAST_TOLERANCE_KM`, or a small
    island city) and not next to a city of another country only."""
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        return f"country {country!r} is not an ISO 3166-1 alpha-2 code"
    if not (_near_coast(lat_deg, lon_deg) or _small_island_city(lat_deg, lon_deg)):
        return f"not on a coast (no land and sea within {COAST_TOLERANCE_KM:g} km)"
    nearest, nearest_km = _nearest_city_country(lat_deg, lon_deg)
    if nearest != country and nearest_km <= COUNTRY_EVIDENCE_KM and not _borders(country, lat_deg, lon_deg):
        return f"in {nearest}, not {country} (nearest city {nearest_km:.0f} km away)"
    return None


def _nearest_city_country(lat_deg: float, lon_deg: float) -> tuple[str, float]:
    tree, country_of_city = _city_countries()
    chord, idx = tree.query(unit_vectors(lat_deg, lon_deg))
    return str(country_of_city[idx]), float(arc_km(chord))


def _small_island_city(lat_deg: float, lon_deg: float) -> bool:
    """A point at sea within :data:`COAST_TOLERANCE_KM` of a GeoNames city: an island too small for
    the 1 km land mask (Male in the Maldives)."""
    return (not bool(is_land(lat_deg, lon_deg))) and _nearest_city_country(lat_deg, lon_deg)[1] <= COAST_TOLERANCE_KM


def _borders(country: str, lat: float, lon: float, radius_km: float = COUNTRY_EVIDENCE_KM) -> bool:
    """Whether a city of ``country`` lies within ``radius_km`` (the nearest-city country lookup is
    wrong near borders and on small islands)."""

    tree, country_of_city = _city_countries()
    idx = tree.query_ball_point(unit_vectors(lat, lon), radius_km / EARTH_RADIUS_KM)
    return any(country_of_city[i] == country for i in idx)


@dataclass(frozen=True)
class InternetExchange:
    """One Internet exchange metro: city, ISO-2 country, centre [deg], the exchange's name and source."""
    metro: str
    country: str
    lat_deg: float
    lon_deg: float
    ixp: str
    source: str


def load_internet_exchanges(path: Path | str = INTERNET_EXCHANGES_CSV) -> list[InternetExchange]:
    """Internet exchange metros of a catalog CSV (``metro, country, lat_deg, lon_deg, ixp,
    peak_traffic_gbps, networks, year, source, approximate, notes``), validated: coordinates on
    the globe, an ISO-2 country, figures non-negative, every row with a source, no metro twice.

    Raises
    ------
    InputError
        A malformed row, a row without a source, a duplicate metro.
    """
    rows = read_csv_rows(path, ("metro", "country", "lat_deg", "lon_deg", "ixp", "peak_traffic_gbps", "networks",
                                "source"), optional=("year", "approximate", "notes"))
    out, seen = [], set()
    for n, (_, row) in enumerate(rows, start=1):
        where = f"{path} row {n}"
        metro = row["metro"].strip()
        country = row["country"].strip()
        if not metro or (metro, country) in seen:
            raise InputError(where, "metro", metro, "empty or duplicate metro")
        seen.add((metro, country))
        if len(country) != 2 or not country.isalpha() or not country.isupper():
            raise InputError(where, "country", country, "not an ISO 3166-1 alpha-2 code")
        if not row["source"].strip():
            raise InputError(where, "source", row["source"], "every exchange needs a source")
        lat = require_number(where, "lat_deg", row["lat_deg"], low=-90, high=90)
        lon = require_number(where, "lon_deg", row["lon_deg"], low=-180, high=180)
        for field, low, high in (("peak_traffic_gbps", 0, 1e6), ("networks", 0, 1e5), ("year", 1990, 2100)):
            if row[field].strip():
                require_number(where, field, row[field], low=low, high=high)
        if row["approximate"].strip() not in ("", "true", "false"):
            raise InputError(where, "approximate", row["approximate"], "must be true or false")
        out.append(InternetExchange(metro, country, lat, lon, row["ixp"].strip(), row["source"].strip()))
    if not out:
        raise InputError(path, None, None, "no exchanges")
    return out
