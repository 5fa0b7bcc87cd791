"""Ground sites as numpy columns: the figures of each site's place, overridden by what its row states.

:func:`placement.score_sites` accepts catalog rows (dicts from
:func:`placement.catalogs.load_ground_sites`), plain dicts, or a dict of arrays (a batch scan's grid
cells). Every site and every cell goes through the same steps (:func:`site_columns`):

1. its place: the ``country`` and ``region`` it names, else those of its location
   (:func:`placement.ground.place.region_at`; a site that names no country has no place);
2. the place's figures (:func:`placement.ground.place.place_columns`): power price, grid-zone carbon,
   grid availability (from its interruption statistics) and mean interruption, water stress, supply options, construction market, grid queue, gas price, water in
   grid power, and the terrain elevation;
3. the row's own figures where it states them (a named contract's price, a measured elevation, its
   own capex ...): each such figure that differs from the place's is listed in ``from_row``.

What neither the place nor the row gives has a default:

=========================== ===========================================================
``price_usd_per_mwh``,      required of a site that names no country (a place with no
``carbon_g_per_kwh``,       market row takes the median market, flagged approximate)
``availability``
``water_stress``            0 (WRI Aqueduct category; low)
``cooling_plant``           ``auto`` (climate default), unless the scenario sets a plant
``capex_usd_per_mw``        the scenario's ``facility_capex_usd_per_mw`` (a place's index
                            market, or this default, plus ``ai_build_premium``)
``queue_months``            the scenario's ``default_queue_months``
``it_load_factor``,         the scenario's ``[parameters.cost]`` values
``building_life_yr``,
``plant_life_yr``,
``it_capex_usd_per_mw``
``supply_options``          ``grid`` only
``power_mw``                unknown (NaN): the supply is sized for the scenario's
                            ``[parameters.supply] default_campus_mw``
=========================== ===========================================================

Every number is checked (finite, within physical bounds) before any kernel sees it.
"""
from __future__ import annotations

import numpy as np

from placement.catalogs import COOLING_PLANTS
from placement.catalogs.countries import APPROXIMATE_FIGURES
from placement.catalogs.validation import InputError, require_array
from placement.ground.place import place_columns, region_at
from placement.ground.terrain import terrain_elevation_m
from placement.parameters import Parameters

#: Columns every site needs; a site that names its country takes the last three from its market.
REQUIRED = ("lat_deg", "lon_deg", "availability", "price_usd_per_mwh", "carbon_g_per_kwh")
LOCATION = ("lat_deg", "lon_deg")
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
#: Numeric figures a row may state; without it the place (first group) or the scenario decides.
PLACE_FIGURES = ("price_usd_per_mwh", "carbon_g_per_kwh", "availability", "water_stress", "capex_usd_per_mw",
                 "queue_months", "elevation_m")
SCENARIO_FIGURES = ("it_load_factor", "building_life_yr", "plant_life_yr", "it_capex_usd_per_mw")
class FieldNames(tuple):
    """Names of a site's fields (its ``from_row``): a list in JSON, ``a;b`` in a CSV cell."""

    def __str__(self) -> str:
        return ";".join(self)


def _column(sites, key, n):
    """One column as a list (rows) or array (columns); None where no row has the key."""
    if isinstance(sites, dict):
        return sites.get(key)
    values = [s.get(key) for s in sites]
    return None if all(v is None for v in values) else values


def _stated(sites, key, n, where):
    """(values [float64], stated [bool]) of a numeric column: NaN and False where a row leaves it out."""
    values = _column(sites, key, n)
    if values is None:
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    if isinstance(sites, dict):
        arr = np.asarray(values, dtype=np.float64) if np.ndim(values) else np.full(n, float(values))
        if arr.shape != (n,):
            raise InputError(where, key, None, f"must have one value per site ({n})")
    else:
        arr = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    stated = ~np.isnan(arr)
    if stated.any():
        require_array(where, key, arr[stated], **BOUNDS[key])
    return np.ascontiguousarray(arr), stated


def _texts(sites, key, n) -> np.ndarray:
    values = _column(sites, key, n)
    if values is None:
        return np.full(n, "", dtype=object)
    return np.array(["" if v is None else str(v) for v in (np.atleast_1d(values) if isinstance(sites, dict)
                                                            else values)], dtype=object)


def site_columns(sites, parameters: Parameters, where: str = "sites") -> dict:
    """Validated per-site arrays: each site's place figures, overridden by what its row states (module
    docstring). Besides the inputs, ``from_row`` (per site, the names of the figures its row overrode)
    and ``approximate`` (per site, whether a cost figure is only a global default there)."""
    if isinstance(sites, dict):
        n = int(np.size(sites.get("lat_deg", [])))
    else:
        sites = list(sites)
        n = len(sites)
        for k, s in enumerate(sites):
            if not isinstance(s, dict):
                raise InputError(where, f"[{k}]", None, f"each site must be a dict, not {type(s).__name__}")
    out = {}
    for key in LOCATION:
        values = _column(sites, key, n)
        if values is None or (not isinstance(sites, dict) and any(v is None for v in values)):
            raise InputError(where, key, None, "missing (every site needs it)")
        out[key] = np.ascontiguousarray(require_array(where, key, values, **BOUNDS[key]), dtype=np.float64)
        if out[key].shape != (n,):
            raise InputError(where, key, None, f"must have one value per site ({n})")
    country, region, other_country, other_region = _places(sites, n, out["lat_deg"], out["lon_deg"])
    place = place_columns(country, region)
    place["elevation_m"] = terrain_elevation_m(out["lat_deg"], out["lon_deg"])
    place_known = country != ""
    from_row = {"country": other_country, "region": other_region}
    k = parameters.cost
    scenario = {"capex_usd_per_mw": k.facility_capex_usd_per_mw, "it_load_factor": k.it_load_factor,
                "building_life_yr": k.building_life_yr, "plant_life_yr": k.plant_life_yr,
                "it_capex_usd_per_mw": k.it_capex_usd_per_mw}
    for key in PLACE_FIGURES + SCENARIO_FIGURES:
        values, stated = _stated(sites, key, n, where)
        if key in REQUIRED and not (stated | place_known).all():
            raise InputError(where, key, None, "missing (a site that names no country needs it)")
        own = place[key] if key in place else np.full(n, np.nan)
        if key in scenario:
            own = np.where(np.isnan(own), scenario[key], own)
        if key == "capex_usd_per_mw":  # the index's traditional build plus the AI-build premium
            own = own * (1.0 + k.ai_build_premium)
        out[key] = np.ascontiguousarray(np.where(stated, values, own))
        from_row[key] = stated & ~np.isclose(values, own, rtol=1e-9, atol=0.0, equal_nan=True)
    power, _ = _stated(sites, "power_mw", n, where)
    out["power_mw"] = power
    ids = _column(sites, "id", n)
    out["id"] = np.asarray(ids, dtype=str) if ids is not None else np.arange(n).astype(str)
    names = _column(sites, "name", n)
    out["name"] = np.asarray(names, dtype=str) if names is not None else out["id"]
    out["cooling_plant"] = _plants(sites, n, parameters, where)
    from_row["cooling_plant"] = (out["cooling_plant"] >= 0) & (parameters.cooling.plant == "auto")
    options = _column(sites, "supply_options", n)
    place_options = place["supply_options"]
    if options is None:
        out["supply_options"] = place_options
        from_row["supply_options"] = np.zeros(n, dtype=bool)
    else:
        out["supply_options"] = [tuple(o) if o else p for o, p in zip(options, place_options)]
        from_row["supply_options"] = np.array([bool(o) and tuple(o) != p for o, p in zip(options, place_options)])
    out["country"], out["region"] = place["country"], place["region"]
    out["gas_price_usd_per_mmbtu"] = place["gas_price_usd_per_mmbtu"]
    out["grid_caidi_h"] = place["grid_caidi_h"]
    default_water = parameters.supply.default_source_water_l_per_mwh
    out["source_water_l_per_mwh"] = np.where(np.isnan(place["source_water_l_per_mwh"]), default_water,
                                             place["source_water_l_per_mwh"])
    out["approximate"] = _approximate(place["approximate_figures"], from_row)
    out["from_row"] = _field_lists(from_row, n)
    return out


def _places(sites, n, lat, lon):
    """(country, region, other country, other region) per site: the country and region a site names, else
    those of its location (a site that names no country has no place: ''); and whether the named country,
    or region, is not its location's."""
    country = _texts(sites, "country", n).astype(str)
    region = _texts(sites, "region", n)
    other_country, other_region = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if isinstance(sites, dict) and (country != "").all() and (region != "").all():
        return country, region.astype(str), other_country, other_region  # a scan's cells: located already
    named = country != ""
    if named.any():
        found_country, found_region = region_at(lat[named], lon[named])
        same = found_country == country[named]
        mine = np.where(region[named] == "", np.where(same, found_region, country[named]), region[named])
        region[named] = mine
        other_country[named] = ~same
        other_region[named] = same & (mine != found_region)
    return country, region.astype(str), other_country, other_region


def _approximate(place_default, from_row) -> np.ndarray:
    """Whether one of a site's cost figures is only a global default at its place and its row does not
    state another (:data:`placement.catalogs.countries.APPROXIMATE_FIGURES`)."""
    n = place_default.shape[1]
    overridden = np.vstack([from_row.get(name, np.zeros(n, dtype=bool)) for name in APPROXIMATE_FIGURES])
    return (place_default & ~overridden).any(axis=0)


def _field_lists(from_row: dict, n: int) -> np.ndarray:
    """Per site, the :class:`FieldNames` of the figures its row overrode."""
    out = np.empty(n, dtype=object)
    names = list(from_row)
    flags = np.vstack([from_row[k] for k in names]) if names else np.zeros((0, n), dtype=bool)
    empty = FieldNames()
    any_row = flags.any(axis=0)
    out[:] = [empty] * n
    for i in np.flatnonzero(any_row):
        out[i] = FieldNames(names[j] for j in np.flatnonzero(flags[:, i]))
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
