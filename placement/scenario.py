"""Scenarios: TOML files naming demand, parameters and capacity.

Strict schema: unknown tables or keys are errors naming file, key and value.

```toml
[scenario]
name = "default"
description = "..."

[workload]                    # optional; default kind = "inference"
kind = "inference"            # one of WORKLOADS: "training" or "inference"

[demand]                      # optional
weights = { NA = 0.7, EU = 0.3 }   # continent or ISO-2 country shares
cell_deg = 3.0                # aggregation cell of the demand points [deg]

[parameters.cost]             # any group/key of placement.parameters
carbon_price_usd_per_t = 70

[sites]                       # optional
catalog = "my_sites.csv"      # relative to this file; default: the bundled catalog
include = ["colossus-1", ...] # default: every site in the catalog

[shells]                      # optional; same keys, plus the eclipse sampling
include = ["suncatcher-650-dd18"]
start = "2026-01-01"          # UTC
days = 365
step_s = 60

[assignment]                  # the single-period assignment (placement assign)
[planning]                    # the plan over years (placement plan): start_year, end_year, period
[[capacity]]                  # capacity tenants may use (placement.plan.contracts)
[[tenant]]                    # tenants and their contracts (placement.plan.contracts)
```
"""
from __future__ import annotations

import dataclasses
import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from placement.bounds import check
from placement.catalogs import (
    CATALOG_DIR,
    DEFAULT_SCENARIO,
    GROUND_SITES_CSV,
    load_ground_sites,
)
from placement.catalogs.validation import (
    InputError,
    read_text,
    require_bool,
    require_date,
    require_file,
    require_instance,
    require_number,
    require_path,
)
from placement.earth.demand import demand_points
from placement.earth.ephemeris import parse_start
from placement.fingerprint import combined, fingerprint_parts
from placement.ground.workloads import WORKLOADS as _WORKLOADS
from placement.orbit.shells import Shell, check_shell, load_shells
from placement.parameters import Parameters, same_value, check_parameters, parameters_from_table
from placement.plan.contract_checks import (
    check_against_horizon,
    check_assignment_parameters,
    check_capacity,
    check_planning_parameters,
    check_tenant,
    parse_assignment_parameters,
    parse_capacity,
    parse_planning_parameters,
    parse_tenant,
)
from placement.plan.contracts import AssignmentParameters, PlanningParameters

__all__ = ["DEFAULT_WORKLOAD", "WORKLOADS", "Scenario", "check_scenario", "default_scenario", "load_scenario"]

#: The workload kinds a scenario's ``[workload] kind`` may name (the CLI's ``--workload`` choices).
WORKLOADS = _WORKLOADS
#: The kind a scenario without ``[workload]`` has: inference, because the bundled scenario's
#: tenants serve users under a round-trip-time SLO, and inference is the case where latency to
#: users is demanding (training jobs tolerate a far-away site).
DEFAULT_WORKLOAD = "inference"

_TOP_LEVEL = {"scenario", "workload", "demand", "parameters", "sites", "shells", "assignment", "planning", "capacity",
              "tenant"}
_KEYS = {
    "scenario": {"name", "description"},
    "workload": {"kind"},
    "demand": {"weights", "cell_deg"},
    "sites": {"catalog", "include"},
    "shells": {"catalog", "include", "start", "days", "step_s"},
}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.

    ``workload`` is one of :data:`WORKLOADS` (``[workload] kind``); without a ``[workload]`` table
    it is :data:`DEFAULT_WORKLOAD`, ``"inference"``: the bundled scenario's tenants have users and
    a round-trip-time SLO, and inference is the demanding case for latency.
    """
    name: str
    description: str
    path: Path | None
    sites: list[dict]
    demand_weights: dict[str, float]
    demand_cell_deg: float
    parameters: Parameters = field(default_factory=Parameters)
    shells: list = field(default_factory=list)
    #: every site and shell of the catalogs the scenario reads (capacity may name any of them)
    site_catalog: list = field(default_factory=list)
    shell_catalog: list = field(default_factory=list)
    shell_start_utc: str = "2026-01-01"
    shell_days: float = 365.0
    shell_step_s: float = 60.0
    capacity: list = field(default_factory=list)
    tenants: list = field(default_factory=list)
    assignment: object = None
    planning: object = None
    #: Everything that determines a result (:mod:`placement.fingerprint`): part -> hash, and one id.
    fingerprint_parts: dict = field(default_factory=dict)
    fingerprint: str = ""
    #: ``"training"`` or ``"inference"`` (:data:`WORKLOADS`); see the class docstring for the default.
    workload: str = DEFAULT_WORKLOAD

    @functools.cached_property
    def shell_start(self):
        """``shell_start_utc`` as a Skyfield ``Time``, parsed once (the loader has checked it)."""
        return parse_start(f"{self.path}: shells", self.shell_start_utc)

    def demand(self):
        """The scenario's weighted demand points."""
        return demand_points(self.demand_weights or None, cell_deg=self.demand_cell_deg,
                             where=f"{self.path}: [demand]")


def _check_keys(where: str, table: dict, allowed: set[str], prefix: str) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise InputError(where, f"{prefix}{key}", value if not isinstance(value, dict) else None,
                             f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _toml_type(value) -> str:
    """What a TOML value is, in the words of the TOML specification (for messages)."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


def _require_text(where: str, field: str, value) -> str:
    """``value`` itself when it is a text; else an :class:`InputError` naming the field (a table's
    contents are not echoed: the message stays one short line)."""
    if not isinstance(value, str):
        shown = None if isinstance(value, (dict, list)) else value
        raise InputError(where, field, shown, f"must be a text (a quoted string), not {_toml_type(value)}")
    return value


def _require_workload(where: str, field: str, value) -> str:
    """``value`` when it is one of :data:`WORKLOADS`; else an :class:`InputError` naming the field."""
    if not isinstance(value, str) or value not in WORKLOADS:
        shown = None if isinstance(value, (dict, list)) else value
        raise InputError(where, field, shown, f"expected one of {', '.join(WORKLOADS)}")
    return value


def load_scenario(path, *, allow_outside_paths: bool = False) -> Scenario:
    """Read and validate a scenario TOML file (strict: unknown tables and keys are errors).

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario file; catalogs it names are read relative to its folder.
    allow_outside_paths : bool
        Let the scenario name files outside its own folder and the bundled catalogs (only for
        scenarios you trust).

    Returns
    -------
    Scenario
        Demand weights, :class:`placement.Parameters`, the sites and shells it scores, its
        ``[[capacity]]`` and ``[[tenant]]`` entries, every number checked against its bounds, and
        its ``workload`` (``[workload] kind``, one of :data:`WORKLOADS`; ``"inference"`` when absent).

    Raises
    ------
    InputError
        ``path`` not a str or ``os.PathLike`` (``load_scenario: path``), ``allow_outside_paths``
        not true/false; an unreadable or malformed file, unknown key, or a value out of bounds;
        ``[scenario] name`` or ``description`` not a text; ``[workload] kind`` not one of
        :data:`WORKLOADS`; the message names the file, the field and the value.

    References
    ----------
    .. [1] TOML v1.0.0 specification, https://toml.io/en/v1.0.0 (read with :mod:`tomllib`).
    .. [2] ``catalogs/scenarios/default.toml``: every table and key, with sources for its figures.
    """
    path = require_path("load_scenario", "path", path)
    require_bool("load_scenario", "allow_outside_paths", allow_outside_paths)
    where = str(path)
    text = read_text(where, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(where, None, None, f"TOML syntax error: {exc}") from None
    except RecursionError:
        raise InputError(where, None, None, "TOML nested too deeply") from None

    def referenced(field, name):
        """A file the scenario names: relative to its folder, inside it or the bundled catalogs."""
        if not isinstance(name, str) or not name.strip():
            raise InputError(where, field, name, "must be a file name")
        return require_file(where, field, name, base=path.parent, allow_outside=allow_outside_paths,
                            bundled=CATALOG_DIR)
    _check_keys(where, data, _TOP_LEVEL, "")
    for table in ("parameters", "assignment", "planning"):
        if table in data and not isinstance(data[table], dict):
            raise InputError(where, table, data[table], "must be a table")
    for table, allowed in _KEYS.items():
        if table in data:
            if not isinstance(data[table], dict):
                raise InputError(where, table, data[table], "must be a table")
            _check_keys(where, data[table], allowed, f"{table}.")

    meta = data.get("scenario", {})
    name = _require_text(where, "scenario.name", meta.get("name", path.stem))
    description = _require_text(where, "scenario.description", meta.get("description", ""))
    workload = _require_workload(where, "workload.kind", data.get("workload", {}).get("kind", DEFAULT_WORKLOAD))
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
    catalog_path = referenced("sites.catalog", catalog) if catalog is not None else GROUND_SITES_CSV
    site_catalog = load_ground_sites(catalog_path)
    sites = _included(where, "sites", site_table.get("include"), site_catalog, lambda s: s["id"])

    shell_table = data.get("shells", {})
    shell_catalog_name = shell_table.get("catalog")
    shell_catalog_path = (referenced("shells.catalog", shell_catalog_name)
                          if shell_catalog_name is not None else None)
    shell_catalog = load_shells(shell_catalog_path)
    shells = _included(where, "shells", shell_table.get("include"), shell_catalog, lambda s: s.id)
    start = str(shell_table.get("start", "2026-01-01"))

    shell_start = parse_start(f"{where}: shells", start)
    days = check(where, "shells.days", shell_table.get("days", 365), "days")
    step_s = check(where, "shells.step_s", shell_table.get("step_s", 60), "step_s")


    assignment = data.get("assignment", {})
    if not isinstance(assignment, dict):
        raise InputError(where, "assignment", assignment, "must be a table")
    assignment_params = parse_assignment_parameters(where, assignment) if assignment else AssignmentParameters()
    planning_table = data.get("planning", {})
    planning = parse_planning_parameters(where, planning_table) if planning_table else PlanningParameters()
    referenced_files = [f for f in (catalog_path if catalog is not None else None,
                                    shell_catalog_path) if f is not None]
    if assignment_params.residency_file:
        residency = referenced("assignment.residency_file", assignment_params.residency_file)
        assignment_params = dataclasses.replace(assignment_params, residency_file=str(residency))
        referenced_files.append(residency)
    capacity, tenants = [], []
    for key, parse, out in (("capacity", parse_capacity, capacity), ("tenant", parse_tenant, tenants)):
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise InputError(where, key, None, f"write it as an array of tables: [[{key}]]")
        for n, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                raise InputError(where, f"{key}[{n}]", entry, f"must be a table: [[{key}]] with key = value lines")
            out.append(parse(where, entry))
    _check_contents(where, site_catalog, shell_catalog, capacity, tenants, planning)

    scenario = Scenario(
        name=name,
        description=description,
        path=path,
        sites=sites,
        demand_weights={k: float(v) for k, v in weights.items()},
        demand_cell_deg=cell_deg,
        parameters=params,
        shells=shells,
        site_catalog=site_catalog,
        shell_catalog=shell_catalog,
        shell_start_utc=start,
        shell_days=days,
        shell_step_s=step_s,
        capacity=capacity,
        tenants=tenants,
        assignment=assignment_params,
        planning=planning,
        fingerprint_parts=(parts := fingerprint_parts(text, tuple(referenced_files))),
        fingerprint=combined(parts),
        workload=workload,
    )
    scenario.__dict__["shell_start"] = shell_start  # parsed once: the cached property's value
    return scenario


def _check_contents(where: str, site_catalog: list, shell_catalog: list, capacity: list, tenants: list,
                    planning, field: str = "") -> None:
    """The rules across a scenario's entries, alike for a file and for a scenario built in Python:
    capacity ids in the catalogs and unique, tenant ids unique, the capacities a tenant names
    offered, ramps and contracts inside the horizon, tenants only with capacity.

    ``field`` empty: a scenario file (errors name ``capacity.id``, ``tenant.id``); else the API
    argument (``scenario``: errors name ``scenario.capacity[1].id``)."""
    def name(kind, n, key):
        return f"{field}.{kind}[{n}].{key}" if field else f"{'tenant' if kind == 'tenants' else kind}.{key}"

    site_ids = {s["id"] for s in site_catalog}
    shell_ids = {s.id for s in shell_catalog}
    seen = set()
    for n, c in enumerate(capacity):
        if c.id not in site_ids and c.id not in shell_ids:
            raise InputError(where, name("capacity", n, "id"), c.id, "unknown site or shell id")
        if c.id in seen:
            raise InputError(where, name("capacity", n, "id"), c.id, "listed twice")
        seen.add(c.id)
    seen = set()
    for n, t in enumerate(tenants):
        if t.id in seen:
            raise InputError(where, name("tenants", n, "id"), t.id, "listed twice")
        seen.add(t.id)
    capacity_ids = {c.id for c in capacity}
    for n, t in enumerate(tenants):
        for cid in t.capacities:
            if cid not in capacity_ids:
                raise InputError(where, f"{field}.tenants[{n}].capacities" if field else
                                 f"[[tenant]] {t.id}: capacities", cid, "not a [[capacity]] id of this scenario")
    check_against_horizon(where, planning, tenants, capacity, field)
    if tenants and not capacity:
        raise InputError(where, f"{field}.capacity" if field else "capacity", None,
                         "tenants need [[capacity]] entries to be assigned to")


#: Kinds of object a scenario holds, for :func:`check_scenario`'s messages.
_LISTS = {"sites": (dict, "site dicts"), "shells": (Shell, "placement.Shell"),
          "site_catalog": (dict, "site dicts"), "shell_catalog": (Shell, "placement.Shell")}


def check_scenario(where: str, scenario, field: str = "scenario") -> Scenario:
    """A :class:`Scenario` passed to the API, checked with the loader's rules wherever it was built
    (``load_scenario``, or ``dataclasses.replace`` with Python-built tenants and capacity).

    Parameters
    ----------
    where : str
        The API function called (``plan``, ``assign``, ...): the start of every message.
    scenario : Scenario
        The scenario.
    field : str
        The argument's name, prefixed to the attributes errors name (``scenario.tenants[2].mw``).

    Returns
    -------
    Scenario
        ``scenario`` itself, or a copy whose tenants, capacity and parameters carry their values
        normalised as the loader gives them.

    Raises
    ------
    InputError
        Not a Scenario; tenants, capacity, ``[assignment]``, ``[planning]`` or parameters that
        the loader would refuse (:func:`placement.plan.contract_checks.check_tenant`,
        :func:`~placement.plan.contract_checks.check_capacity`, :func:`check_parameters`); ids listed
        twice or unknown; ramps, notices or contracts outside the horizon; tenants without
        capacity; sites, shells or catalogs that are not lists of site dicts / Shells; the shell
        span's start, days or step out of bounds; ``name`` or ``description`` not a text;
        ``workload`` not one of :data:`WORKLOADS`.
    """
    require_instance(where, field, scenario, Scenario,
                     "a Scenario (placement.load_scenario or placement.default_scenario)")
    sc = scenario
    for key in ("name", "description"):
        if not isinstance(getattr(sc, key), str):
            raise InputError(where, f"{field}.{key}", None, f"must be a text, not {type(getattr(sc, key)).__name__}")
    _require_workload(where, f"{field}.workload", sc.workload)
    for key, (cls, what) in _LISTS.items():
        items = getattr(sc, key)
        if not isinstance(items, (list, tuple)):
            raise InputError(where, f"{field}.{key}", None, f"must be a list of {what}, not {type(items).__name__}")
        for n, item in enumerate(items):
            if not isinstance(item, cls):
                raise InputError(where, f"{field}.{key}[{n}]", None, f"must be a {what[:-1]}, not {type(item).__name__}")
            if cls is dict and "id" not in item:
                raise InputError(where, f"{field}.{key}[{n}].id", None, "missing (every site needs an id)")
    for key in ("shells", "shell_catalog"):
        for n, shell in enumerate(getattr(sc, key)):
            check_shell(where, shell, f"{field}.{key}[{n}]")
    for key in ("tenants", "capacity"):
        if not isinstance(getattr(sc, key), (list, tuple)):
            raise InputError(where, f"{field}.{key}", None, f"must be a list, not {type(getattr(sc, key)).__name__}")
    tenants = [check_tenant(where, t, f"{field}.tenants[{n}]") for n, t in enumerate(sc.tenants)]
    capacity = [check_capacity(where, c, f"{field}.capacity[{n}]") for n, c in enumerate(sc.capacity)]
    assignment = check_assignment_parameters(where, sc.assignment, f"{field}.assignment")
    planning = check_planning_parameters(where, sc.planning, f"{field}.planning")
    parameters = check_parameters(where, sc.parameters, f"{field}.parameters")
    if not isinstance(sc.demand_weights, dict):
        raise InputError(where, f"{field}.demand_weights", None, "must be a table of shares, e.g. {'NA': 0.7}")
    for key, share in sc.demand_weights.items():
        require_number(where, f"{field}.demand_weights.{key}", share, low=0, high=1e6)
    cell_deg = require_number(where, f"{field}.demand_cell_deg", sc.demand_cell_deg, positive=True, high=30)
    require_date(where, f"{field}.shell_start_utc", sc.shell_start_utc)
    days = check(where, f"{field}.shell_days", sc.shell_days, "days")
    step_s = check(where, f"{field}.shell_step_s", sc.shell_step_s, "step_s")
    _check_contents(where, sc.site_catalog, sc.shell_catalog, capacity, tenants, planning, field)
    checked = {"tenants": tenants, "capacity": capacity, "assignment": assignment, "planning": planning,
               "parameters": parameters, "demand_cell_deg": cell_deg, "shell_days": days, "shell_step_s": step_s}
    changed = {}
    for key, value in checked.items():
        given = getattr(sc, key)
        if isinstance(value, list):
            if type(given) is not list or len(given) != len(value) or any(a is not b for a, b in zip(given, value)):
                changed[key] = value
        elif not same_value(given, value):
            changed[key] = value
    if not changed:
        return scenario
    out = dataclasses.replace(scenario, **changed)
    if "shell_start" in scenario.__dict__:  # the parsed start (a cached property) stays valid
        out.__dict__["shell_start"] = scenario.__dict__["shell_start"]
    return out


def _included(where: str, table: str, include, catalog: list, id_of) -> list:
    """The catalog entries a scenario's ``[table] include`` list names (all of them without one)."""
    if include is None:
        return list(catalog)
    if not isinstance(include, list):
        raise InputError(where, f"{table}.include", include, "must be a list of ids")
    by_id = {id_of(x): x for x in catalog}
    for item_id in include:
        if not isinstance(item_id, str):
            raise InputError(where, f"{table}.include", item_id, "must be a list of ids (text)")
        if item_id not in by_id:
            raise InputError(where, f"{table}.include", item_id, f"unknown {table[:-1]} id")
    return [by_id[item_id] for item_id in include]


def default_scenario() -> Scenario:
    """The bundled default scenario (``catalogs/scenarios/default.toml``).

    Returns
    -------
    Scenario
        See :func:`load_scenario`.

    Raises
    ------
    InputError
        Only if the installed package's bundled files were damaged.

    References
    ----------
    .. [1] ``catalogs/scenarios/default.toml``, which cites the source of each figure it sets.
    """
    return load_scenario(DEFAULT_SCENARIO)
