"""Packaged reference data and their loaders.

Every figure carries its source (a ``*source*`` column, or the ``source`` field
of a binary file). Loaders validate as they read and raise
:class:`placement.catalogs.validation.InputError` naming file, row, field and value.
"""
from __future__ import annotations

import csv
from pathlib import Path

from placement.catalogs.validation import InputError, require_number

DATA_DIR = Path(__file__).resolve().parent / "data"
SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"

GROUND_SITES_CSV = DATA_DIR / "ground_sites.csv"
GRID_CARBON_CSV = DATA_DIR / "grid_carbon.csv"
ORBITAL_SHELLS_CSV = DATA_DIR / "orbital_shells.csv"
STATION_NORMALS_NPZ = DATA_DIR / "cru_cl2_station_normals.npz"
DEFAULT_SCENARIO = SCENARIO_DIR / "default.toml"

SUPPLY_TYPES = ("grid", "onsite_gas", "hydro_ppa", "nuclear_ppa", "mixed")
GROUND_SITE_COLUMNS = (
    "id", "name", "lat_deg", "lon_deg", "elevation_m", "country", "grid_zone", "power_mw",
    "supply_type", "availability", "price_usd_per_mwh", "water_stress",
    "location_source", "power_source", "price_source", "other_sources",
)

__all__ = [
    "InputError", "DATA_DIR", "SCENARIO_DIR", "DEFAULT_SCENARIO", "GROUND_SITES_CSV",
    "load_ground_sites", "load_grid_carbon", "read_csv_rows", "ORBITAL_SHELLS_CSV", "load_station_normals", "list_catalogs",
]


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[dict]:
    try:
        with Path(path).open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(row for row in f if not row.startswith("#"))
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise InputError(path, missing[0], None, "missing column")
            unknown = [c for c in header if c not in columns]
            if unknown:
                raise InputError(path, unknown[0], None, "unknown column")
            rows = list(reader)
    except OSError as exc:
        raise InputError(path, None, None, f"cannot read ({exc.strerror})") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(path, None, None, f"malformed CSV ({exc})") from None
    for n, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise InputError(f"{path} row {n}", None, None, "wrong number of fields")
    return rows


def read_csv_rows(path: Path, columns: tuple[str, ...]):
    """(row number, dict) for each row of a CSV with exactly ``columns`` (validated header)."""
    return list(enumerate(_read_csv(path, columns), start=2))


def load_grid_carbon(path: Path = GRID_CARBON_CSV) -> dict[str, float]:
    """Grid carbon intensity [gCO2eq/kWh] by Electricity Maps zone or ISO-3 country."""
    rows = _read_csv(path, ("zone", "name", "carbon_g_per_kwh", "year", "source"))
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
    rows = _read_csv(path, GROUND_SITE_COLUMNS)
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
        site = {k: row[k].strip() for k in GROUND_SITE_COLUMNS}
        site["lat_deg"] = require_number(where, "lat_deg", row["lat_deg"], low=-90, high=90)
        site["lon_deg"] = require_number(where, "lon_deg", row["lon_deg"], low=-180, high=180)
        site["elevation_m"] = require_number(where, "elevation_m", row["elevation_m"], low=-500, high=9000)
        site["power_mw"] = require_number(where, "power_mw", row["power_mw"], positive=True)
        site["availability"] = require_number(where, "availability", row["availability"], positive=True, high=1)
        site["price_usd_per_mwh"] = require_number(where, "price_usd_per_mwh", row["price_usd_per_mwh"], low=0)
        site["water_stress"] = require_number(where, "water_stress", row["water_stress"], low=0, high=5)
        if site["supply_type"] not in SUPPLY_TYPES:
            raise InputError(where, "supply_type", site["supply_type"], f"not one of {', '.join(SUPPLY_TYPES)}")
        if site["grid_zone"] not in zones:
            raise InputError(where, "grid_zone", site["grid_zone"], "unknown grid zone (see grid_carbon.csv)")
        site["carbon_g_per_kwh"] = zones[site["grid_zone"]]
        for col in ("location_source", "power_source", "price_source", "other_sources"):
            if not site[col]:
                raise InputError(where, col, site[col], "every figure needs a source")
        sites.append(site)
    if not sites:
        raise InputError(path, None, None, "no sites")
    return sites


def load_station_normals(path: Path = STATION_NORMALS_NPZ) -> dict:
    """CRU CL 2.0 monthly normals at stations: arrays keyed as in the file (see build_from_shared)."""
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def list_catalogs() -> list[dict]:
    """What is bundled: name, path and a one-line description for each catalog and scenario."""
    items = [
        {"name": "ground_sites", "path": str(GROUND_SITES_CSV),
         "what": "AI campuses and candidate regions with power, price, supply and sources"},
        {"name": "grid_carbon", "path": str(GRID_CARBON_CSV),
         "what": "grid carbon intensity by Electricity Maps zone (2024) and Ember country"},
        {"name": "orbital_shells", "path": str(ORBITAL_SHELLS_CSV),
         "what": "orbital shells (Starlink/Kuiper/OneWeb-like, dawn-dusk SSO, ASCEND, MEO, GEO) with sources"},
        {"name": "residency", "path": str(DATA_DIR / "residency.geojson"),
         "what": "data-residency polygons (EU, contiguous US) for tenant rules"},
        {"name": "latency_calibration", "path": str(DATA_DIR / "latency_calibration.toml"),
         "what": "ground RTT model fitted on WonderProxy pings (route factor, overhead)"},
        {"name": "station_normals", "path": str(STATION_NORMALS_NPZ),
         "what": "CRU CL 2.0 monthly climate normals at 23,589 stations"},
    ]
    for p in sorted(SCENARIO_DIR.glob("*.toml")):
        items.append({"name": f"scenario:{p.stem}", "path": str(p), "what": _scenario_title(p)})
    return items


def _scenario_title(path: Path) -> str:
    import tomllib

    try:
        return tomllib.loads(path.read_text()).get("scenario", {}).get("description", "")
    except (OSError, tomllib.TOMLDecodeError):
        return ""
