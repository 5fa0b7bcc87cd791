"""Ground sites as numpy columns, every input a site may leave out filled with its default.

:func:`placement.score_sites` accepts catalog rows (dicts from
:func:`placement.catalogs.load_ground_sites`), plain dicts with only ``id, name, lat_deg,
lon_deg, elevation_m, power_mw, availability, price_usd_per_mwh, carbon_g_per_kwh``, or a
dict of arrays (a batch scan's grid cells). Everything else has a default:

=========================== ===========================================================
``water_stress``            0 (WRI Aqueduct category; low)
``cooling_plant``           ``auto`` (climate default), unless the scenario sets a plant
``capex_usd_per_mw``        the scenario's ``facility_capex_usd_per_mw``
``queue_months``            the scenario's ``default_queue_months``
``it_load_factor``,         the scenario's ``[parameters.cost]`` values
``building_life_yr``,
``plant_life_yr``,
``it_capex_usd_per_mw``
``supply_options``          ``grid`` only
``power_mw``                unknown (NaN; not used in scoring)
``country`` / ``region``    none: no gas market, the default grid water intensity
=========================== ===========================================================

Every number is checked (finite, within physical bounds) before any kernel sees it.
"""
from __future__ import annotations

import numpy as np

from placement.catalogs import COOLING_PLANTS
from placement.catalogs.markets import gas_price_usd_per_mmbtu, load_electricity_water
from placement.catalogs.validation import InputError, require_array
from placement.parameters import Parameters

REQUIRED = ("lat_deg", "lon_deg", "availability", "price_usd_per_mwh", "carbon_g_per_kwh")
#: name -> bounds of the required and optional numeric columns
BOUNDS = {
    "lat_deg": dict(low=-90.0, high=90.0), "lon_deg": dict(low=-180.0, high=180.0),
    "elevation_m": dict(low=-500.0, high=9000.0), "power_mw": dict(positive=True, high=1e6),
    "availability": dict(positive=True, high=1.0), "price_usd_per_mwh": dict(low=0.0, high=10000.0),
    "carbon_g_per_kwh": dict(low=0.0, high=2000.0), "water_stress": dict(low=0.0, high=5.0),
    "capex_usd_per_mw": dict(low=0.0, high=1e9), "queue_months": dict(low=0.0, high=240.0),
    "it_load_factor": dict(positive=True, high=1.0), "building_life_yr": dict(low=0.1, high=100.0),
    "plant_life_yr": dict(low=0.1, high=100.0), "it_capex_usd_per_mw": dict(low=0.0, high=1e9),
}


def _column(sites, key, n):
    """One column as a list (rows) or array (columns); None where a row lacks the key."""
    if isinstance(sites, dict):
        return sites.get(key)
    values = [s.get(key) for s in sites]
    return None if all(v is None for v in values) else values


def site_columns(sites, parameters: Parameters, where: str = "sites") -> dict:
    """Validated per-site arrays with every default filled in (module docstring)."""
    if isinstance(sites, dict):
        n = int(np.size(sites.get("lat_deg", [])))
    else:
        sites = list(sites)
        n = len(sites)
        for k, s in enumerate(sites):
            if not isinstance(s, dict):
                raise InputError(where, f"[{k}]", None, f"each site must be a dict, not {type(s).__name__}")
    k = parameters.cost
    out = {}
    for key in REQUIRED:
        values = _column(sites, key, n)
        if values is None or (not isinstance(sites, dict) and any(v is None for v in values)):
            raise InputError(where, key, None, "missing (every site needs it)")
        out[key] = np.ascontiguousarray(require_array(where, key, values, **BOUNDS[key]), dtype=np.float64)
        if out[key].shape != (n,):
            raise InputError(where, key, None, f"must have one value per site ({n})")
    defaults = {"water_stress": 0.0, "capex_usd_per_mw": k.facility_capex_usd_per_mw, "queue_months": np.nan,
                "it_load_factor": k.it_load_factor, "building_life_yr": k.building_life_yr,
                "plant_life_yr": k.plant_life_yr, "it_capex_usd_per_mw": k.it_capex_usd_per_mw,
                "elevation_m": np.nan, "power_mw": np.nan}
    for key, default in defaults.items():
        values = _column(sites, key, n)
        if values is None:
            out[key] = np.full(n, default, dtype=np.float64)
            continue
        values = [default if v is None else v for v in values] if not isinstance(sites, dict) else values
        arr = np.asarray(values, dtype=np.float64) if np.ndim(values) else np.full(n, float(values))
        known = ~np.isnan(arr) if key in ("queue_months", "elevation_m", "power_mw") else np.ones(n, bool)
        if known.any():
            require_array(where, key, arr[known], **BOUNDS[key])
        out[key] = np.ascontiguousarray(arr)
    ids = _column(sites, "id", n)
    out["id"] = np.asarray(ids, dtype=str) if ids is not None else np.arange(n).astype(str)
    names = _column(sites, "name", n)
    out["name"] = np.asarray(names, dtype=str) if names is not None else out["id"]
    out["cooling_plant"] = _plants(sites, n, parameters, where)
    options = _column(sites, "supply_options", n)
    out["supply_options"] = [tuple(o) if o else ("grid",) for o in options] if options is not None \
        else [("grid",)] * n
    country = _column(sites, "country", n)
    region = _column(sites, "region", n)
    country = [c or "" for c in country] if country is not None else [""] * n
    region = [r or c for r, c in zip(region, country)] if region is not None else list(country)
    out["country"] = np.asarray(country, dtype=str)
    out["gas_price_usd_per_mmbtu"] = np.array([gas_price_usd_per_mmbtu(c) or np.nan for c in country])
    water = load_electricity_water()
    default_water = parameters.supply.default_source_water_l_per_mwh
    out["source_water_l_per_mwh"] = np.array(
        [(water.get(r) or water.get(c) or (default_water,))[0] for r, c in zip(region, country)], dtype=np.float64)
    return out


def _plants(sites, n, parameters, where) -> np.ndarray:
    """Plant code per site (-1: climate default): the scenario's plant, else the site's column."""
    chosen = parameters.cooling.plant
    if chosen != "auto":
        return np.full(n, COOLING_PLANTS.index(chosen) - 1, dtype=np.int64)
    column = _column(sites, "cooling_plant", n)
    if column is None:
        return np.full(n, -1, dtype=np.int64)
    codes = np.empty(n, dtype=np.int64)
    for i, name in enumerate(column):
        name = name or "auto"
        if name not in COOLING_PLANTS:
            raise InputError(where, f"cooling_plant[{i}]", name, f"not one of {', '.join(COOLING_PLANTS)}")
        codes[i] = COOLING_PLANTS.index(name) - 1
    return codes
