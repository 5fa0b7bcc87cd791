"""Tenants, capacity entries and assignment parameters of a scenario (validated)."""
from __future__ import annotations

from dataclasses import dataclass, field

from placement.catalogs.validation import InputError, require_number

KINDS = ("ground", "orbit", "any")


@dataclass(frozen=True)
class Tenant:
    """A tenant's contract: MW, rules and priority."""

    id: str
    mw: int
    internal: bool = False
    kind: str = "any"
    exclusive: bool = False
    single_site: bool = False
    block_mw: int = 0
    rtt_target_ms: float | None = None
    users: dict = field(default_factory=dict)
    residency: str | None = None
    latency_penalty_usd_per_mwh_per_ms: float | None = None
    description: str = ""


@dataclass(frozen=True)
class CapacitySpec:
    """A catalog site or shell offered as capacity, with overrides."""

    id: str
    mw: float | None = None
    online_year: int = 0
    price_usd_per_mwh: float | None = None


@dataclass(frozen=True)
class AssignmentParameters:
    """Prices that steer the assignment [USD per MWh of IT]."""

    horizon_year: int = 2030
    #: Added per ms of the tenant's demand-weighted RTT (0: latency only as a rule).
    latency_penalty_usd_per_mwh_per_ms: float = 0.0
    #: Price of leaving demand unserved: internal work first, then external (priorities).
    unserved_internal_usd_per_mwh: float = 20000.0
    unserved_external_usd_per_mwh: float = 10000.0
    #: Moving running load to other capacity when re-planning.
    migration_usd_per_mwh: float = 50.0
    #: Search limit for exclusive / unsplittable placements (branch and bound nodes).
    max_search_nodes: int = 5000
    #: Residency polygons (GeoJSON path relative to the scenario; empty: bundled).
    residency_file: str = ""


_TENANT_KEYS = {"id", "mw", "internal", "kind", "exclusive", "single_site", "block_mw", "rtt_target_ms", "users",
                "residency", "latency_penalty_usd_per_mwh_per_ms", "description"}
_CAPACITY_KEYS = {"id", "mw", "online_year", "price_usd_per_mwh"}


def _bool(where, key, value):
    if not isinstance(value, bool):
        raise InputError(where, key, value, "must be true or false")
    return value


def parse_tenant(where: str, table: dict) -> Tenant:
    for key, value in table.items():
        if key not in _TENANT_KEYS:
            raise InputError(where, key, value if not isinstance(value, dict) else None,
                             f"unknown key (allowed: {', '.join(sorted(_TENANT_KEYS))})")
    if not table.get("id"):
        raise InputError(where, "id", table.get("id"), "every tenant needs an id")
    tid = str(table["id"])
    w = f"{where} [[tenant]] {tid}"
    mw = require_number(w, "mw", table.get("mw"), low=0, integer=True)
    kind = table.get("kind", "any")
    if kind not in KINDS:
        raise InputError(w, "kind", kind, "must be ground, orbit or any")
    block = require_number(w, "block_mw", table.get("block_mw", 0), low=0, integer=True)
    if block and block > mw:
        raise InputError(w, "block_mw", block, f"larger than the tenant's {mw} MW")
    rtt = table.get("rtt_target_ms")
    rtt = None if rtt is None else require_number(w, "rtt_target_ms", rtt, positive=True)
    users = table.get("users", {})
    if not isinstance(users, dict):
        raise InputError(w, "users", users, "must be a table of shares, e.g. { NA = 0.6, EU = 0.4 }")
    for k, v in users.items():
        require_number(w, f"users.{k}", v, low=0)
    pen = table.get("latency_penalty_usd_per_mwh_per_ms")
    t = Tenant(
        id=tid, mw=mw, internal=_bool(w, "internal", table.get("internal", False)), kind=kind,
        exclusive=_bool(w, "exclusive", table.get("exclusive", False)),
        single_site=_bool(w, "single_site", table.get("single_site", False)), block_mw=block,
        rtt_target_ms=rtt, users={k: float(v) for k, v in users.items()},
        residency=table.get("residency") or None,
        latency_penalty_usd_per_mwh_per_ms=None if pen is None else require_number(w, "latency_penalty_usd_per_mwh_per_ms", pen, low=0),
        description=str(table.get("description", "")),
    )
    if t.exclusive and t.block_mw:
        raise InputError(w, "block_mw", block, "an exclusive tenant takes one whole site; drop block_mw")
    return t


def parse_capacity(where: str, table: dict) -> CapacitySpec:
    for key, value in table.items():
        if key not in _CAPACITY_KEYS:
            raise InputError(where, key, value, f"unknown key (allowed: {', '.join(sorted(_CAPACITY_KEYS))})")
    if not table.get("id"):
        raise InputError(where, "id", table.get("id"), "every capacity entry needs a site or shell id")
    cid = str(table["id"])
    w = f"{where} [[capacity]] {cid}"
    mw = table.get("mw")
    price = table.get("price_usd_per_mwh")
    return CapacitySpec(
        id=cid,
        mw=None if mw is None else require_number(w, "mw", mw, low=0),
        online_year=require_number(w, "online_year", table.get("online_year", 0), low=0, high=3000, integer=True),
        price_usd_per_mwh=None if price is None else require_number(w, "price_usd_per_mwh", price, low=0),
    )


def parse_assignment_parameters(where: str, table: dict) -> AssignmentParameters:
    import dataclasses

    known = {f.name: f for f in dataclasses.fields(AssignmentParameters)}
    changes = {}
    for key, value in table.items():
        if key not in known:
            raise InputError(where, f"assignment.{key}", value, "unknown key")
        if key == "residency_file":
            changes[key] = str(value)
            continue
        is_int = known[key].type in ("int", int)
        changes[key] = require_number(where, f"assignment.{key}", value, low=0, integer=is_int)
    return AssignmentParameters(**changes)
