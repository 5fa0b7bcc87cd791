"""Scenarios: TOML files naming demand, parameters and capacity.

Strict schema: unknown tables or keys are errors naming file, key and value.

```toml
[scenario]
name = "default"
description = "..."

[demand]                      # optional
weights = { NA = 0.7, EU = 0.3 }   # continent or ISO-2 country shares
cell_deg = 3.0                # aggregation cell of the demand points [deg]

[parameters.cost]             # any group/key of placement.parameters
carbon_price_usd_per_t = 70

[sites]                       # optional
catalog = "my_sites.csv"      # relative to this file; default: the bundled catalog
include = ["colossus-1", ...] # default: every site in the catalog
```
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from catalogs import DEFAULT_SCENARIO, GROUND_SITES_CSV, load_ground_sites
from catalogs.validation import InputError, require_number
from placement.parameters import Parameters, parameters_from_table

_TOP_LEVEL = {"scenario", "demand", "parameters", "sites"}
_KEYS = {
    "scenario": {"name", "description"},
    "demand": {"weights", "cell_deg"},
    "sites": {"catalog", "include"},
}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario."""

    name: str
    description: str
    path: Path | None
    sites: list[dict]
    demand_weights: dict[str, float]
    demand_cell_deg: float
    parameters: Parameters = field(default_factory=Parameters)

    def demand(self):
        """The scenario's weighted demand points."""
        from placement.demand import demand_points

        return demand_points(self.demand_weights or None, cell_deg=self.demand_cell_deg,
                             where=f"{self.path}: [demand]")


def _check_keys(where: str, table: dict, allowed: set[str], prefix: str) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise InputError(where, f"{prefix}{key}", value if not isinstance(value, dict) else None,
                             f"unknown key (allowed: {', '.join(sorted(allowed))})")


def load_scenario(path) -> Scenario:
    """Read and validate a scenario TOML file."""
    path = Path(path)
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(where, None, None, f"cannot read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(where, None, None, f"TOML syntax error: {exc}") from None
    except UnicodeDecodeError:
        raise InputError(where, None, None, "not UTF-8 text") from None
    _check_keys(where, data, _TOP_LEVEL, "")
    for table, allowed in _KEYS.items():
        if table in data:
            if not isinstance(data[table], dict):
                raise InputError(where, table, data[table], "must be a table")
            _check_keys(where, data[table], allowed, f"{table}.")

    meta = data.get("scenario", {})
    demand = data.get("demand", {})
    weights = demand.get("weights", {})
    if not isinstance(weights, dict):
        raise InputError(where, "demand.weights", weights, "must be a table of shares")
    for key, share in weights.items():
        require_number(where, f"demand.weights.{key}", share, low=0)
    cell_deg = require_number(where, "demand.cell_deg", demand.get("cell_deg", 3.0), positive=True, high=30)

    params = parameters_from_table(where, data.get("parameters", {}))

    site_table = data.get("sites", {})
    catalog = site_table.get("catalog")
    catalog_path = (path.parent / catalog) if catalog else GROUND_SITES_CSV
    sites = load_ground_sites(catalog_path)
    include = site_table.get("include")
    if include is not None:
        if not isinstance(include, list):
            raise InputError(where, "sites.include", include, "must be a list of site ids")
        by_id = {s["id"]: s for s in sites}
        for sid in include:
            if sid not in by_id:
                raise InputError(where, "sites.include", sid, f"unknown site id (not in {catalog_path.name})")
        sites = [by_id[sid] for sid in include]

    return Scenario(
        name=str(meta.get("name", path.stem)),
        description=str(meta.get("description", "")),
        path=path,
        sites=sites,
        demand_weights={k: float(v) for k, v in weights.items()},
        demand_cell_deg=cell_deg,
        parameters=params,
    )


def default_scenario() -> Scenario:
    """The bundled default scenario (``catalogs/scenarios/default.toml``)."""
    return load_scenario(DEFAULT_SCENARIO)
