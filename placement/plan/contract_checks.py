"""The rules every contract meets: ``[[tenant]]``, ``[[capacity]]``, ``[assignment]`` and
``[planning]`` tables parsed from a scenario (``parse_*``) and Python-built objects checked at the
API's boundary (``check_*``) by the same checks, so a file and a Python caller get the same
refusal (an :class:`InputError` naming where, the field, the value and why); and the checks that
tie them to the planning horizon.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from placement.bounds import MAX_MW
from placement.catalogs.validation import (
    InputError,
    require_bool,
    require_date,
    require_number,
    require_text,
)
from placement.latency.profiles import check_profile
from placement.plan.contracts import (
    CLASSES,
    KINDS,
    PERIODS,
    AssignmentParameters,
    CapacitySpec,
    PlanningParameters,
    Tenant,
)


_TENANT_KEYS = {"id", "mw", "internal", "kind", "exclusive", "single_site", "block_mw", "rtt_target_ms", "users",
                "rtt_profile",
                "residency", "latency_penalty_usd_per_mwh_per_ms", "description", "price_usd_per_mw_month", "start",
                "end", "term_days", "renewable", "notice_days", "class", "evictable", "eviction_cost_usd_per_mw",
                "mw_by_year", "capacities", "uptime_target", "sla_credits", "gpus", "generations", "homogeneous",
                "any_generation", "price_usd_per_gpu_hour", "gpus_by_year", "block_gpus"}
_CAPACITY_KEYS = {"id", "mw", "online_year", "price_usd_per_mwh", "online", "retire", "mw_by_year", "build",
                  "block_mw", "gpus", "gpus_by_year", "generation"}
#: The largest MW a tenant or capacity entry may carry.


def _bool(where, key, value):
    return require_bool(where, key, value)


def _text(where, key, value, *, required=False):
    return require_text(where, key, value, required=required)


def _mw_by_year(where, value, *, allow_zero=True, prefix=""):
    if not isinstance(value, dict):
        raise InputError(where, f"{prefix}mw_by_year", value if not isinstance(value, (list, tuple)) else None,
                         "must be a table of year = MW, e.g. { 2027 = 400 }")
    out = {}
    for year, mw in value.items():
        if isinstance(year, bool):
            raise InputError(where, f"{prefix}mw_by_year", year, "keys must be years")
        try:
            y = int(str(year))
        except ValueError:
            raise InputError(where, f"{prefix}mw_by_year", year, "keys must be years") from None
        if not 1900 <= y <= 2100:
            raise InputError(where, f"{prefix}mw_by_year.{year}", mw, "year out of range 1900-2100")
        out[y] = require_number(where, f"{prefix}mw_by_year.{year}", mw, low=0 if allow_zero else 1, high=MAX_MW,
                                integer=True)
    return out


def _id_list(where, key, value):
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise InputError(where, key, value if not isinstance(value, (list, tuple)) else None,
                         "must be a list of capacity ids")
    return tuple(value)


def _date(where, key, value):
    return None if value is None else require_date(where, key, value)


def parse_tenant(where: str, table: dict) -> Tenant:
    """A ``[[tenant]]`` table of a scenario as a :class:`Tenant`: unknown keys refused, every value
    checked by :func:`check_tenant` (errors name the file, the tenant, the key and the value)."""
    for key, value in table.items():
        if key not in _TENANT_KEYS:
            raise InputError(where, key, value if not isinstance(value, dict) else None,
                             f"unknown key (allowed: {', '.join(sorted(_TENANT_KEYS))})")
    tid = _text(where, "tenant.id", table.get("id"), required=True)
    w = f"{where} [[tenant]] {tid}"
    internal = _bool(w, "internal", table.get("internal", False))
    given = {_TOML_FIELD.get(k, k): v for k, v in table.items()}
    given.setdefault("tenant_class", "internal" if internal else "committed")
    given["description"] = str(table.get("description", ""))
    users = table.get("users", {})
    if not isinstance(users, dict):
        raise InputError(w, "users", users, "must be a table of shares, e.g. { NA = 0.6, EU = 0.4 }")
    if "capacities" in table and not isinstance(table["capacities"], list):
        raise InputError(w, "capacities", table["capacities"], "must be a list of capacity ids")
    given["mw"] = table.get("mw", 0 if "gpus" in table else None)
    if isinstance(given.get("generations"), list):
        given["generations"] = tuple(given["generations"])
    return check_tenant(w, Tenant(**given))


#: TOML key -> :class:`Tenant` attribute, where they differ.
_TOML_FIELD = {"class": "tenant_class"}
_TENANT_FIELD_KEY = {v: k for k, v in _TOML_FIELD.items()}
#: Bounds of a tenant's numbers (the loader and the API check the same).
_TENANT_NUMBERS = {
    "mw": dict(low=0, high=MAX_MW, integer=True),
    "block_mw": dict(low=0, high=MAX_MW, integer=True),
    "rtt_target_ms": dict(positive=True, high=10000),
    "latency_penalty_usd_per_mwh_per_ms": dict(low=0, high=1e6),
    "price_usd_per_mw_month": dict(low=0, high=1e9),
    "term_days": dict(positive=True, high=36600, integer=True),
    "notice_days": dict(low=0, high=36600, integer=True),
    "eviction_cost_usd_per_mw": dict(low=0, high=1e9),
    "uptime_target": dict(positive=True, high=0.999999999),
}


def _same(a, b) -> bool:
    """Whether a checked value is the value given (same type too, inside tables and lists: ``5.0`` is
    not the whole number ``5``)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _normalised(obj, checked: dict):
    """``obj`` itself when checking changed nothing, else a copy with the checked values."""
    changed = {k: v for k, v in checked.items() if not _same(getattr(obj, k), v)}
    return dataclasses.replace(obj, **changed) if changed else obj


def check_tenant(where: str, tenant, field: str = "") -> Tenant:
    """A :class:`Tenant` checked with the scenario loader's rules, whether it came from a
    ``[[tenant]]`` table or was built in Python.

    Parameters
    ----------
    where : str
        Where it came from: a scenario file and tenant, or the API function called.
    tenant : Tenant
        The tenant.
    field : str
        Empty for a scenario's table (errors name its keys: ``mw``, ``class``); else the argument
        it came in (``scenario.tenants[2]``, ``new_tenant``), prefixed to its attribute names.

    Returns
    -------
    Tenant
        ``tenant`` itself, or a copy with its values normalised as the loader gives them (whole
        MW as ``int``, dates as ``datetime``, shares as ``float``, capacity ids as a tuple).

    Raises
    ------
    InputError
        Not a Tenant; an id that is not a non-empty text; ``mw``, ``block_mw``, prices, days or a
        ramp that is not a finite number within its bounds (booleans are not numbers); a
        ``kind`` other than ground, orbit or any; a class other than internal, committed or
        spot; flags that are not true/false; a bad RTT profile, user shares, residency, dates
        (end before start) or capacity ids; block_mw above mw or with an exclusive lease.
    """
    def name(attr):
        return f"{field}.{attr}" if field else _TENANT_FIELD_KEY.get(attr, attr)

    if not isinstance(tenant, Tenant):
        raise InputError(where, field or "tenant", None,
                         f"must be a placement.plan.contracts.Tenant, not {type(tenant).__name__}")
    t = tenant
    out = {"id": _text(where, name("id") if field else "tenant.id", t.id, required=True)}
    out["mw"] = require_number(where, name("mw"), t.mw, **_TENANT_NUMBERS["mw"])
    if not isinstance(t.kind, str) or t.kind not in KINDS:
        raise InputError(where, name("kind"), t.kind, "must be ground, orbit or any")
    block = out["block_mw"] = require_number(where, name("block_mw"), t.block_mw, **_TENANT_NUMBERS["block_mw"])
    if block and block > out["mw"]:
        raise InputError(where, name("block_mw"), block, f"larger than the tenant's {out['mw']} MW")
    out["rtt_target_ms"] = None if t.rtt_target_ms is None else require_number(
        where, name("rtt_target_ms"), t.rtt_target_ms, **_TENANT_NUMBERS["rtt_target_ms"])
    if t.rtt_profile is not None:
        check_profile(where, t.rtt_profile, name("rtt_profile"))
    if not isinstance(t.users, dict):
        raise InputError(where, name("users"), t.users if not isinstance(t.users, (list, tuple)) else None,
                         "must be a table of shares, e.g. { NA = 0.6, EU = 0.4 }")
    for k, v in t.users.items():
        if not isinstance(k, str):
            raise InputError(where, name("users"), k, "keys must be continent or ISO-2 country codes (texts)")
        require_number(where, name(f"users.{k}"), v, low=0, high=1e6)
    out["users"] = {k: float(v) for k, v in t.users.items()}
    if t.users and sum(out["users"].values()) <= 0:
        raise InputError(where, name("users"), t.users, "all shares are zero")
    internal = _bool(where, name("internal"), t.internal)
    if not isinstance(t.tenant_class, str) or t.tenant_class not in CLASSES:
        raise InputError(where, name("tenant_class"), t.tenant_class, f"must be one of {', '.join(CLASSES)}")
    out["internal"] = internal or t.tenant_class == "internal"
    start, end = _date(where, name("start"), t.start), _date(where, name("end"), t.end)
    if start and end and end <= start:
        raise InputError(where, name("end"), _shown(t.end), f"before the start {_shown(t.start)}")
    out["start"], out["end"] = start, end
    out["exclusive"] = _bool(where, name("exclusive"), t.exclusive)
    out["single_site"] = _bool(where, name("single_site"), t.single_site)
    out["residency"] = _text(where, name("residency"), t.residency)
    for key in ("latency_penalty_usd_per_mwh_per_ms", "price_usd_per_mw_month", "term_days"):
        out[key] = None if getattr(t, key) is None else require_number(where, name(key), getattr(t, key),
                                                                      **_TENANT_NUMBERS[key])
    out["description"] = str(t.description)[:500]
    out["renewable"] = _bool(where, name("renewable"), t.renewable)
    out["notice_days"] = require_number(where, name("notice_days"), t.notice_days, **_TENANT_NUMBERS["notice_days"])
    out["evictable"] = _bool(where, name("evictable"), t.evictable)
    out["eviction_cost_usd_per_mw"] = require_number(where, name("eviction_cost_usd_per_mw"),
                                                     t.eviction_cost_usd_per_mw,
                                                     **_TENANT_NUMBERS["eviction_cost_usd_per_mw"])
    out["mw_by_year"] = _mw_by_year(where, t.mw_by_year, prefix=f"{field}." if field else "")
    out["capacities"] = _id_list(where, name("capacities"), t.capacities)
    out["uptime_target"] = None if t.uptime_target is None else require_number(
        where, name("uptime_target"), t.uptime_target, **_TENANT_NUMBERS["uptime_target"])
    from placement.catalogs.power_supply import load_sla_credits

    schedules = load_sla_credits()
    if not isinstance(t.sla_credits, str) or t.sla_credits not in schedules:
        raise InputError(where, name("sla_credits"), t.sla_credits if isinstance(t.sla_credits, str) else None,
                         f"unknown SLA credit schedule (known: {', '.join(schedules)})")
    if out["exclusive"] and block:
        raise InputError(where, name("block_mw"), block, "an exclusive tenant takes one whole site; drop block_mw")
    from placement.plan.gpu_checks import check_tenant_gpus

    out.update(check_tenant_gpus(where, t, name))
    if out["internal"] and t.tenant_class != "internal":
        raise InputError(where, name("tenant_class"), t.tenant_class,
                         "internal = true goes with class = 'internal'" if not field else
                         "internal=True goes with tenant_class='internal'")
    return _normalised(t, out)


def _shown(value):
    """A date as the user wrote it (text), or as ISO text."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def parse_capacity(where: str, table: dict) -> CapacitySpec:
    """A ``[[capacity]]`` table of a scenario as a :class:`CapacitySpec`: unknown keys refused, every
    value checked by :func:`check_capacity`."""
    for key, value in table.items():
        if key not in _CAPACITY_KEYS:
            raise InputError(where, key, value, f"unknown key (allowed: {', '.join(sorted(_CAPACITY_KEYS))})")
    cid = _text(where, "capacity.id", table.get("id"), required=True)
    return check_capacity(f"{where} [[capacity]] {cid}", CapacitySpec(**table))


#: Bounds of a capacity's numbers.
_CAPACITY_NUMBERS = {
    "mw": dict(low=0, high=MAX_MW, integer=True),
    "online_year": dict(low=0, high=2100, integer=True),
    "price_usd_per_mwh": dict(low=0, high=10000),
    "block_mw": dict(low=0, high=MAX_MW, integer=True),
}


def check_capacity(where: str, spec, field: str = "") -> CapacitySpec:
    """A :class:`CapacitySpec` checked with the scenario loader's rules (see :func:`check_tenant`
    for ``where`` and ``field``).

    Returns
    -------
    CapacitySpec
        ``spec`` itself, or a copy with its values normalised as the loader gives them.

    Raises
    ------
    InputError
        Not a CapacitySpec; an id that is not a non-empty text; ``mw``, ``online_year``, the price
        or a ramp that is not a finite number within its bounds; dates that are not UTC dates
        (retirement before online); ``build`` not true/false; a candidate (``build = true``)
        without ``mw``, or ``block_mw`` on capacity that is not a candidate or above its ``mw``.
    """
    def name(attr):
        return f"{field}.{attr}" if field else attr

    if not isinstance(spec, CapacitySpec):
        raise InputError(where, field or "capacity", None,
                         f"must be a placement.plan.contracts.CapacitySpec, not {type(spec).__name__}")
    c = spec
    out = {"id": _text(where, name("id") if field else "capacity.id", c.id, required=True)}
    online, retire = _date(where, name("online"), c.online), _date(where, name("retire"), c.retire)
    if online and retire and retire <= online:
        raise InputError(where, name("retire"), _shown(c.retire), f"before it comes online ({_shown(c.online)})")
    out["mw"] = None if c.mw is None else require_number(where, name("mw"), c.mw, **_CAPACITY_NUMBERS["mw"])
    out["online_year"] = require_number(where, name("online_year"), c.online_year, **_CAPACITY_NUMBERS["online_year"])
    out["price_usd_per_mwh"] = None if c.price_usd_per_mwh is None else require_number(
        where, name("price_usd_per_mwh"), c.price_usd_per_mwh, **_CAPACITY_NUMBERS["price_usd_per_mwh"])
    out["online"], out["retire"] = online, retire
    out["mw_by_year"] = _mw_by_year(where, c.mw_by_year, prefix=f"{field}." if field else "")
    out["build"] = _bool(where, name("build"), c.build)
    out["block_mw"] = require_number(where, name("block_mw"), c.block_mw, **_CAPACITY_NUMBERS["block_mw"])
    if out["build"] and out["mw"] is None:
        raise InputError(where, name("mw"), None, "a candidate to build (build = true) needs its mw")
    if out["block_mw"] and not out["build"]:
        raise InputError(where, name("block_mw"), out["block_mw"], "only a candidate (build = true) is built in blocks")
    if out["block_mw"] and out["block_mw"] > out["mw"]:
        raise InputError(where, name("block_mw"), out["block_mw"], f"larger than the candidate's {out['mw']} MW")
    from placement.plan.gpu_checks import check_capacity_gpus

    out.update(check_capacity_gpus(where, c, name))
    return _normalised(c, out)


def _parse_table(where: str, prefix: str, table: dict, cls, choices: dict):
    known = {f.name: f for f in dataclasses.fields(cls)}
    changes = {}
    for key, value in table.items():
        if key not in known:
            raise InputError(where, f"{prefix}.{key}", value, f"unknown key (allowed: {', '.join(sorted(known))})")
        if key in choices:
            if value not in choices[key]:
                raise InputError(where, f"{prefix}.{key}", value, f"must be one of {', '.join(choices[key])}")
            changes[key] = value
        elif key == "residency_file":
            changes[key] = _text(where, f"{prefix}.{key}", value)
        elif known[key].type in ("bool", bool):
            changes[key] = _bool(where, f"{prefix}.{key}", value)
        else:
            is_int = known[key].type in ("int", int)
            high = 2100 if key.endswith("_year") else 1e12
            low = 1900 if key.endswith("_year") else 0
            changes[key] = require_number(where, f"{prefix}.{key}", value, low=low, high=high, integer=is_int)
    return cls(**changes)


def parse_assignment_parameters(where: str, table: dict, prefix: str = "assignment") -> AssignmentParameters:
    return _parse_table(where, prefix, table, AssignmentParameters, {})


def parse_planning_parameters(where: str, table: dict, prefix: str = "planning") -> PlanningParameters:
    p = _parse_table(where, prefix, table, PlanningParameters, {"period": PERIODS})
    if p.end_year < p.start_year:
        raise InputError(where, f"{prefix}.end_year", p.end_year, f"before start_year {p.start_year}")
    if p.end_year - p.start_year > 50:
        raise InputError(where, f"{prefix}.end_year", p.end_year, "more than 50 years after start_year")
    return p


def _as_table(params) -> dict:
    """A parameters dataclass as the table a scenario would write for it (an empty residency file
    is the default: no key)."""
    table = {f.name: getattr(params, f.name) for f in dataclasses.fields(params)}
    if table.get("residency_file") == "":
        del table["residency_file"]
    return table


def check_assignment_parameters(where: str, params, field: str = "assignment") -> AssignmentParameters:
    """:class:`AssignmentParameters` built in Python, checked with the rules of a scenario's
    ``[assignment]`` table (None: the defaults); errors name ``field.key``.

    Raises
    ------
    InputError
        Not AssignmentParameters, or a value that is not a finite number within its bounds.
    """
    return _checked_table(where, params, field, AssignmentParameters, parse_assignment_parameters)


def check_planning_parameters(where: str, params, field: str = "planning") -> PlanningParameters:
    """:class:`PlanningParameters` built in Python, checked with the rules of a scenario's
    ``[planning]`` table (None: the defaults); errors name ``field.key``.

    Raises
    ------
    InputError
        Not PlanningParameters; a year, price or period out of bounds; end before start or more
        than 50 years after it.
    """
    return _checked_table(where, params, field, PlanningParameters, parse_planning_parameters)


def _checked_table(where: str, params, field: str, cls, parse):
    """``params`` (a ``cls``; None: the defaults) re-read through ``parse`` as the loader reads its
    table: itself when nothing changes, else the normalised copy."""
    if params is None:
        return cls()
    if not isinstance(params, cls):
        raise InputError(where, field, None, f"must be {cls.__name__}, not {type(params).__name__}")
    checked = parse(where, _as_table(params), field)
    return params if all(_same(getattr(params, k), v) for k, v in vars(checked).items()) else checked


def _ramp_inside(where: str, mw_by_year: dict, planning: PlanningParameters, prefix: str = "",
                 key: str = "mw_by_year") -> None:
    for y in mw_by_year:
        if not planning.start_year <= y <= planning.end_year:
            raise InputError(where, f"{prefix}{key}.{y}", mw_by_year[y],
                             f"outside the planning horizon {planning.start_year}-{planning.end_year}")


def check_against_horizon(where: str, planning: PlanningParameters, tenants: list, capacity: list,
                          field: str = "") -> None:
    """Ramps inside the horizon; notices no longer than it; contracts overlapping it.

    ``field`` empty: a scenario file's tables (errors name ``[[tenant]] id``); else the API argument
    the tenants and capacity came in (``scenario``: errors name ``scenario.tenants[2].notice_days``)."""
    for n, t in enumerate(tenants):
        if not field:
            check_tenant_horizon(f"{where} [[tenant]] {t.id}", planning, t)
        else:
            check_tenant_horizon(where, planning, t, f"{field}.tenants[{n}]")
    for n, c in enumerate(capacity):
        w, prefix = (f"{where} [[capacity]] {c.id}", "") if not field else (where, f"{field}.capacity[{n}].")
        _ramp_inside(w, c.mw_by_year, planning, prefix)


def check_tenant_horizon(where: str, planning: PlanningParameters, tenant: Tenant, field: str = "") -> None:
    """One tenant against the horizon: its ramp inside it, its notice no longer than it, its contract
    not over before it starts (``field``: as for :func:`check_tenant`)."""
    prefix = f"{field}." if field else ""
    span_days = (planning.end - planning.start).days
    _ramp_inside(where, tenant.mw_by_year, planning, prefix)
    _ramp_inside(where, tenant.gpus_by_year, planning, prefix, "gpus_by_year")
    if tenant.notice_days > span_days:
        raise InputError(where, f"{prefix}notice_days", tenant.notice_days,
                         f"longer than the planning horizon ({span_days} days)")
    if tenant.end is not None and tenant.end <= planning.start:
        raise InputError(where, f"{prefix}end", tenant.end.date().isoformat(), f"before the planning horizon starts "
                                                                                f"({planning.start_year})")
