"""Packaged reference data and their loaders.

Every figure carries its source (a ``*source*`` column, or the ``source`` field
of a binary file). Loaders validate as they read and raise
:class:`placement.catalogs.validation.InputError` naming file, row, field and value.
"""
from __future__ import annotations

from pathlib import Path

from placement.catalogs import markets
from placement.catalogs.reading import (  # noqa: F401 - re-exported
    CATALOG_DIR,
    DATA_DIR,
    SCENARIO_DIR,
    read_csv,
    read_csv_rows,
)
from placement.catalogs.validation import InputError, require_number

GROUND_SITES_CSV = DATA_DIR / "ground_sites.csv"
GRID_CARBON_CSV = DATA_DIR / "grid_carbon.csv"
ORBITAL_SHELLS_CSV = DATA_DIR / "orbital_shells.csv"
STATION_NORMALS_NPZ = DATA_DIR / "cru_cl2_station_normals.npz"
DEFAULT_SCENARIO = SCENARIO_DIR / "default.toml"

SUPPLY_TYPES = ("grid", "onsite_gas", "hydro_ppa", "nuclear_ppa", "mixed")
COOLING_PLANTS = ("auto", "air_economizer", "chiller_tower", "dry_cooler", "liquid")
GROUND_SITE_COLUMNS = (
    "id", "name", "lat_deg", "lon_deg", "elevation_m", "country", "grid_zone", "power_mw",
    "supply_type", "availability", "price_usd_per_mwh", "water_stress",
    "location_source", "power_source", "price_source", "other_sources",
)
#: Optional per-site columns: where to look a site up in the market tables, and overrides of
#: the figures those tables (or the scenario's parameters) would give it. Empty = the default.
GROUND_SITE_OPTIONAL_COLUMNS = (
    "region", "cost_market", "queue_region", "supply_options", "cooling_plant", "capex_usd_per_mw",
    "queue_months", "it_load_factor", "building_life_yr", "plant_life_yr", "it_capex_usd_per_mw",
)
#: Supply options a site may use when its CSV row names none but its supply_type says it burns gas on
#: site. Any other row that names none takes its place's options (one cost model for a place:
#: :mod:`placement.ground.place`), so an empty cell is not a statement of the row.
DEFAULT_SUPPLY_OPTIONS = {
    "onsite_gas": ("grid", "gas_turbines", "gas_engines"), "mixed": ("grid", "gas_turbines", "gas_bridge"),
}

__all__ = [
    "InputError", "DATA_DIR", "SCENARIO_DIR", "DEFAULT_SCENARIO", "GROUND_SITES_CSV", "COOLING_PLANTS",
    "load_ground_sites", "load_grid_carbon", "read_csv_rows", "ORBITAL_SHELLS_CSV", "load_station_normals", "list_catalogs",
]


def load_grid_carbon(path: Path = GRID_CARBON_CSV) -> dict[str, float]:
    """Grid carbon intensity [gCO2eq/kWh] by Electricity Maps zone or ISO-3 country."""
    rows = read_csv(path, ("zone", "name", "carbon_g_per_kwh", "year", "source"))
    out = {}
    for n, row in enumerate(rows, start=2):
        where = f"{path} row {n}"
        if not row["source"].strip():
            raise InputError(where, "source", row["source"], "every figure needs a source")
        out.setdefault(row["zone"], require_number(where, "carbon_g_per_kwh", row["carbon_g_per_kwh"], low=0))
    return out


def load_ground_sites(path: Path = GROUND_SITES_CSV, carbon_zones: dict | None = None) -> list[dict]:
    """Ground sites as validated dicts (numbers parsed, units in the keys)."""
    zones = load_grid_carbon() if carbon_zones is None else carbon_zones
    rows = read_csv(path, GROUND_SITE_COLUMNS, GROUND_SITE_OPTIONAL_COLUMNS)
    seen = set()
    sites = []
    for n, row in enumerate(rows, start=2):
        where = f"{path} row {n}"
        sid = row["id"].strip()
        if not sid:
            raise InputError(where, "id", sid, "empty id")
        if sid in seen:
            raise InputError(where, "id", sid, "duplicate id")
        seen.add(sid)
        site = {k: row[k].strip() for k in GROUND_SITE_COLUMNS + GROUND_SITE_OPTIONAL_COLUMNS}
        site["lat_deg"] = require_number(where, "lat_deg", row["lat_deg"], low=-90, high=90)
        site["lon_deg"] = require_number(where, "lon_deg", row["lon_deg"], low=-180, high=180)
        site["elevation_m"] = require_number(where, "elevation_m", row["elevation_m"], low=-500, high=9000)
        site["power_mw"] = require_number(where, "power_mw", row["power_mw"], positive=True, high=1e6)
        # the grid connection's availability before backup; empty: the place's interruption statistics
        site["availability"] = (None if not row["availability"].strip() else
                                require_number(where, "availability", row["availability"], positive=True, high=1))
        site["price_usd_per_mwh"] = require_number(where, "price_usd_per_mwh", row["price_usd_per_mwh"], low=0,
                                                   high=10000)
        site["water_stress"] = require_number(where, "water_stress", row["water_stress"], low=0, high=5)
        if site["supply_type"] not in SUPPLY_TYPES:
            raise InputError(where, "supply_type", site["supply_type"], f"not one of {', '.join(SUPPLY_TYPES)}")
        if site["grid_zone"] not in zones:
            raise InputError(where, "grid_zone", site["grid_zone"], "unknown grid zone (see grid_carbon.csv)")
        site["carbon_g_per_kwh"] = zones[site["grid_zone"]]
        for col in ("location_source", "power_source", "price_source", "other_sources"):
            if not site[col]:
                raise InputError(where, col, site[col], "every figure needs a source")
        _site_markets(where, site)
        sites.append(site)
    if not sites:
        raise InputError(path, None, None, "no sites")
    return sites


def _site_markets(where: str, site: dict) -> None:
    """Resolve a site's optional columns in place: its market rows, supply options, cooling plant and
    numeric overrides (None where the scenario's parameters decide)."""
    site["region"] = site["region"] or site["country"]
    costs = markets.load_construction_costs()
    market = site["cost_market"] or markets.matching_market(costs, site["country"], site["region"]) or "global-average"
    if market not in costs:
        raise InputError(where, "cost_market", market, "unknown market (see construction_cost_places.csv)")
    site["cost_market"] = market
    queues = markets.campus_queues()
    queue = site["queue_region"] or markets.matching_market(queues, site["country"], site["region"]) or ""
    if queue and queue not in queues:
        raise InputError(where, "queue_region", queue, "unknown queue region (see grid_interconnection_queue.csv)")
    site["queue_region"] = queue
    site["supply_options"] = (markets.supply_option_names(where, "supply_options", site["supply_options"])
                              or DEFAULT_SUPPLY_OPTIONS.get(site["supply_type"], ()))
    site["cooling_plant"] = site["cooling_plant"] or "auto"
    if site["cooling_plant"] not in COOLING_PLANTS:
        raise InputError(where, "cooling_plant", site["cooling_plant"], f"not one of {', '.join(COOLING_PLANTS)}")
    bounds = {"capex_usd_per_mw": dict(low=0, high=1e9), "queue_months": dict(low=0, high=240),
              "it_load_factor": dict(positive=True, high=1), "building_life_yr": dict(low=0.1, high=100),
              "plant_life_yr": dict(low=0.1, high=100), "it_capex_usd_per_mw": dict(low=0, high=1e9)}
    for col, b in bounds.items():
        site[col] = None if site[col] == "" else require_number(where, col, site[col], **b)
    if site["queue_months"] is None and queue:
        site["queue_months"] = queues[queue].value


def load_station_normals(path: Path = STATION_NORMALS_NPZ) -> dict:
    """CRU CL 2.0 monthly normals at stations: arrays keyed as in the file (see build_from_shared)."""
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _flagged_in_text(path: Path, column: str) -> tuple[int, int]:
    """(rows whose ``column`` says approx./assumption/estimate, rows) of a sourced CSV."""
    rows = read_csv(path, tuple(_header(path)))
    words = ("approx", "assumption", "estimate")
    return sum(any(w in r[column].lower() for w in words) for r in rows), len(rows)


def _header(path: Path) -> list[str]:
    with Path(path).open(encoding="utf-8-sig") as f:
        return next(line for line in f if not line.startswith("#")).strip().split(",")


def list_catalogs() -> list[dict]:
    """What is bundled: name, path, a one-line description, and how many of its figures are flagged
    approximate (``approximate`` / ``rows``) for each catalog and scenario."""
    counts = markets.approximate_counts()
    counts["ground_sites"] = _flagged_in_text(GROUND_SITES_CSV, "price_source")
    items = [
        {"name": "ground_sites", "path": str(GROUND_SITES_CSV),
         "what": "AI campuses and candidate regions with power, price, supply options and sources "
                 "(approximate: prices)"},
        {"name": "grid_carbon", "path": str(GRID_CARBON_CSV),
         "what": "grid carbon intensity by Electricity Maps zone (2024) and Ember country"},
        {"name": "construction_cost_index", "path": str(markets.CONSTRUCTION_INDEX_CSV),
         "what": "facility construction cost, US$/W of IT, 52 markets (Turner & Townsend DCCI 2025-26)"},
        {"name": "construction_cost_places", "path": str(markets.CONSTRUCTION_PLACES_CSV),
         "what": "which index market prices a place (own, nearest in country, nearest), checked by distance"},
        {"name": "grid_interconnection_queue", "path": str(markets.GRID_QUEUE_CSV),
         "what": "months to a grid connection by region (LBNL Queued Up, utilities, Ember)"},
        {"name": "supply_options", "path": str(markets.SUPPLY_OPTIONS_CSV),
         "what": "supply mixes: primary technology, bridge, backup, battery, spares, PPA share"},
        {"name": "supply_technologies", "path": str(markets.SUPPLY_TECHNOLOGIES_CSV),
         "what": "grid, engines, turbines, combined cycle, batteries, backup: unit size, forced outages, "
                 "lead time, ramp, price, carbon, water"},
        {"name": "grid_reliability", "path": str(markets.GRID_RELIABILITY_CSV),
         "what": "grid interruptions (SAIDI, SAIFI) by country and US state (EIA, regulators)"},
        {"name": "sla_credits", "path": str(markets.SLA_CREDITS_CSV),
         "what": "service-credit schedules of cloud and GPU-cloud SLAs (uptime below -> credit)"},
        {"name": "power_markets", "path": str(DATA_DIR / "power_markets.csv"),
         "what": "industrial power price and supply options by country and subdivision"},
        {"name": "subdivisions", "path": str(DATA_DIR / "subdivisions.csv"),
         "what": "GeoNames admin1 codes -> ISO 3166-2 subdivisions (where a place is)"},
        {"name": "gas_prices", "path": str(markets.GAS_PRICES_CSV),
         "what": "gas price by country or market (Henry Hub, TTF, JKM, regulated)"},
        {"name": "electricity_water_intensity", "path": str(markets.ELECTRICITY_WATER_CSV),
         "what": "water consumed per MWh of grid electricity by country and US state"},
        {"name": "orbital_shells", "path": str(ORBITAL_SHELLS_CSV),
         "what": "orbital shells (Starlink/Kuiper/OneWeb-like, dawn-dusk SSO, ASCEND, MEO, GEO) with sources"},
        {"name": "residency", "path": str(DATA_DIR / "residency.geojson"),
         "what": "data-residency polygons (EU, contiguous US) for tenant rules"},
        {"name": "latency_calibration", "path": str(DATA_DIR / "latency_calibration.toml"),
         "what": "great-circle RTT model fitted on WonderProxy pings (route factor, overhead)"},
        {"name": "submarine_cables", "path": str(DATA_DIR / "submarine_cables.csv"),
         "what": "submarine cable systems: landing cities in route order, ready-for-service year, length, source"},
        {"name": "internet_exchanges", "path": str(DATA_DIR / "internet_exchanges.csv"),
         "what": "metros of the major Internet exchange points by region: exchange, peak traffic or networks, source"},
        {"name": "route_latency_calibration", "path": str(DATA_DIR / "route_latency_calibration.toml"),
         "what": "routed RTT profiles: internet (WonderProxy minima), backbone (Azure published RTTs)"},
        {"name": "backbone_rtt_azure_2025", "path": str(DATA_DIR / "backbone_rtt_azure_2025.csv"),
         "what": "published median RTTs between Azure regions (June 2025) for the backbone profile"},
        {"name": "station_normals", "path": str(STATION_NORMALS_NPZ),
         "what": "CRU CL 2.0 monthly climate normals at 23,589 stations"},
        {"name": "gpus", "path": str(DATA_DIR / "gpus.csv"),
         "what": "GPU generations: all-in IT kW, installed capex, training throughput, useful life"},
        {"name": "gpu_rental_prices", "path": str(DATA_DIR / "gpu_rental_prices.csv"),
         "what": "published GPU rental prices by generation, year and kind (on demand, contract)"},
        {"name": "gpu_economics", "path": str(DATA_DIR / "gpu_economics.csv"),
         "what": "depreciation lives, residual value, rental price decline, training interruption rates"},
    ]
    counts.update(_gpu_counts())
    for item in items:
        flagged, rows = counts.get(item["name"], (0, None))
        item["approximate"] = flagged
        item["rows"] = rows
    for p in sorted(SCENARIO_DIR.glob("*.toml")):
        items.append({"name": f"scenario:{p.stem}", "path": str(p), "what": _scenario_title(p), "approximate": 0,
                      "rows": None})
    return items


def _gpu_counts() -> dict:
    """(approximate, rows) of the three GPU tables."""
    from placement.catalogs.gpus import load_gpu_economics, load_gpu_generations, load_gpu_prices

    tables = {"gpus": list(load_gpu_generations().values()), "gpu_rental_prices": list(load_gpu_prices()),
              "gpu_economics": list(load_gpu_economics().values())}
    return {k: (sum(r.approximate for r in v), len(v)) for k, v in tables.items()}


def _scenario_title(path: Path) -> str:
    import tomllib

    try:
        return tomllib.loads(path.read_text()).get("scenario", {}).get("description", "")
    except (OSError, tomllib.TOMLDecodeError):
        return ""
