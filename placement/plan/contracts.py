"""Tenants' contracts, capacity over time and the planning horizon, as a scenario states them.

``[[tenant]]``: MW and rules (kind, exclusive, single site, unsplittable blocks, RTT target,
users, residency) and the contract: ``price_usd_per_mw_month`` (revenue; in-house work is
valued at the planning table's opportunity price), ``start`` / ``end`` dates (UTC),
``term_days`` with ``renewable``, ``notice_days``, ``class`` = ``internal | committed | spot``
(spot may be pre-empted at no penalty), ``evictable`` (the operator's expel clause) with
``eviction_cost_usd_per_mw``, and growth ``mw_by_year = {2027 = 400, ...}``.

``[[capacity]]``: a catalog site or shell with ``mw``, ``online`` date (or ``online_year``),
``retire`` date, a ``mw_by_year`` ramp, a price override, and ``build = true`` for a campus
still to be built (online when its time to power has passed, counted from the plan's start).

``[planning]``: ``start_year``, ``end_year``, ``period = "year" | "quarter"``, migration and
eviction prices and what leaving demand unserved costs by class.

Every value is validated here (InputError naming file, tenant or capacity, field, value).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from placement.bounds import MAX_MW
from placement.catalogs.validation import InputError, require_date, require_number
from placement.latency.profiles import check_profile

KINDS = ("ground", "orbit", "any")
CLASSES = ("internal", "committed", "spot")
PERIODS = ("year", "quarter")


@dataclass(frozen=True)
class Tenant:
    """A tenant's contract: MW over time, rules, price and terms."""

    id: str
    mw: int
    internal: bool = False
    kind: str = "any"
    exclusive: bool = False
    single_site: bool = False
    block_mw: int = 0
    rtt_target_ms: float | None = None
    #: latency model for this tenant's RTT (None: the scenario's ``[parameters.latency] rtt_profile``):
    #: ``internet`` for user-facing work, ``backbone`` for site-to-site traffic, or ``great_circle``
    rtt_profile: str | None = None
    users: dict = field(default_factory=dict)
    residency: str | None = None
    latency_penalty_usd_per_mwh_per_ms: float | None = None
    description: str = ""
    #: revenue [USD per MW-month]; None: the planning opportunity price (internal) or 0
    price_usd_per_mw_month: float | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    term_days: int | None = None
    renewable: bool = True
    notice_days: int = 0
    tenant_class: str = "committed"
    evictable: bool = False
    eviction_cost_usd_per_mw: float = 0.0
    #: MW from each listed year on (before the first: ``mw``)
    mw_by_year: dict = field(default_factory=dict)
    #: the only capacities the tenant may use (empty: any its other rules allow)
    capacities: tuple = ()

    def mw_in(self, year: int) -> int:
        """MW the tenant wants in ``year`` (its ramp)."""
        mw = self.mw
        for y in sorted(self.mw_by_year):
            if y <= year:
                mw = self.mw_by_year[y]
        return mw

    @property
    def peak_mw(self) -> int:
        return max([self.mw, *self.mw_by_year.values()])


@dataclass(frozen=True)
class CapacitySpec:
    """A catalog site or shell offered as capacity, with overrides and its life."""

    id: str
    mw: float | None = None
    online_year: int = 0
    price_usd_per_mwh: float | None = None
    online: dt.datetime | None = None
    retire: dt.datetime | None = None
    mw_by_year: dict = field(default_factory=dict)
    build: bool = False


@dataclass(frozen=True)
class AssignmentParameters:
    """Prices that steer the single-period assignment [USD per MWh of IT]."""

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


@dataclass(frozen=True)
class PlanningParameters:
    """The plan over time: horizon, period and the prices of moving, expelling and not serving."""

    start_year: int = 2026
    end_year: int = 2035
    period: str = "year"
    #: Moving a MW of running load to other capacity (re-racking, data transfer, downtime) [USD/MW].
    migration_usd_per_mw: float = 100_000.0
    #: In-house work valued at what it would otherwise cost to rent [USD per MW-month] (assumption).
    internal_price_usd_per_mw_month: float = 250_000.0
    #: What leaving a class's demand unserved costs beyond the revenue lost [USD per MW-month]:
    #: a priority, not cash (assumption). Serving is worth price + this, so capacity dearer than
    #: that stays unused: in-house work first, committed contracts next (a breach; expelling an
    #: evictable tenant costs its fee instead), spot pre-empted freely. A committed tenant with no
    #: price is served only where capacity costs less than this.
    unserved_internal_usd_per_mw_month: float = 400_000.0
    unserved_committed_usd_per_mw_month: float = 200_000.0
    unserved_spot_usd_per_mw_month: float = 0.0

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.start_year, 1, 1)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime(self.end_year + 1, 1, 1)


_TENANT_KEYS = {"id", "mw", "internal", "kind", "exclusive", "single_site", "block_mw", "rtt_target_ms", "users",
                "rtt_profile",
                "residency", "latency_penalty_usd_per_mwh_per_ms", "description", "price_usd_per_mw_month", "start",
                "end", "term_days", "renewable", "notice_days", "class", "evictable", "eviction_cost_usd_per_mw",
                "mw_by_year", "capacities"}
_CAPACITY_KEYS = {"id", "mw", "online_year", "price_usd_per_mwh", "online", "retire", "mw_by_year", "build"}
#: The largest MW a tenant or capacity entry may carry.


def _bool(where, key, value):
    if not isinstance(value, bool):
        raise InputError(where, key, value, "must be true or false")
    return value


def _text(where, key, value, *, required=False):
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(where, key, value, "must be a non-empty text")
    if len(value) > 200:
        raise InputError(where, key, value[:40] + "...", "longer than 200 characters")
    return value


def _mw_by_year(where, value, *, allow_zero=True):
    if not isinstance(value, dict):
        raise InputError(where, "mw_by_year", value, "must be a table of year = MW, e.g. { 2027 = 400 }")
    out = {}
    for year, mw in value.items():
        try:
            y = int(str(year))
        except ValueError:
            raise InputError(where, "mw_by_year", year, "keys must be years") from None
        if not 1900 <= y <= 2100:
            raise InputError(where, f"mw_by_year.{year}", mw, "year out of range 1900-2100")
        out[y] = require_number(where, f"mw_by_year.{year}", mw, low=0 if allow_zero else 1, high=MAX_MW,
                                integer=True)
    return out


def _id_list(where, key, value):
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InputError(where, key, value, "must be a list of capacity ids")
    return tuple(value)


def _date(where, key, value):
    return None if value is None else require_date(where, key, value)


def parse_tenant(where: str, table: dict) -> Tenant:
    for key, value in table.items():
        if key not in _TENANT_KEYS:
            raise InputError(where, key, value if not isinstance(value, dict) else None,
                             f"unknown key (allowed: {', '.join(sorted(_TENANT_KEYS))})")
    tid = _text(where, "tenant.id", table.get("id"), required=True)
    w = f"{where} [[tenant]] {tid}"
    mw = require_number(w, "mw", table.get("mw"), low=0, high=MAX_MW, integer=True)
    kind = table.get("kind", "any")
    if kind not in KINDS:
        raise InputError(w, "kind", kind, "must be ground, orbit or any")
    block = require_number(w, "block_mw", table.get("block_mw", 0), low=0, high=MAX_MW, integer=True)
    if block and block > mw:
        raise InputError(w, "block_mw", block, f"larger than the tenant's {mw} MW")
    rtt = table.get("rtt_target_ms")
    rtt = None if rtt is None else require_number(w, "rtt_target_ms", rtt, positive=True, high=10000)
    rtt_profile = table.get("rtt_profile")
    if rtt_profile is not None:
        check_profile(w, rtt_profile, "rtt_profile")
    users = table.get("users", {})
    if not isinstance(users, dict):
        raise InputError(w, "users", users, "must be a table of shares, e.g. { NA = 0.6, EU = 0.4 }")
    for k, v in users.items():
        require_number(w, f"users.{k}", v, low=0, high=1e6)
    if users and sum(float(v) for v in users.values()) <= 0:
        raise InputError(w, "users", users, "all shares are zero")
    pen = table.get("latency_penalty_usd_per_mwh_per_ms")
    internal = _bool(w, "internal", table.get("internal", False))
    tenant_class = table.get("class", "internal" if internal else "committed")
    if tenant_class not in CLASSES:
        raise InputError(w, "class", tenant_class, f"must be one of {', '.join(CLASSES)}")
    price = table.get("price_usd_per_mw_month")
    start, end = _date(w, "start", table.get("start")), _date(w, "end", table.get("end"))
    if start and end and end <= start:
        raise InputError(w, "end", table.get("end"), f"before the start {table.get('start')}")
    term = table.get("term_days")
    t = Tenant(
        id=tid, mw=mw, internal=internal or tenant_class == "internal", kind=kind,
        exclusive=_bool(w, "exclusive", table.get("exclusive", False)),
        single_site=_bool(w, "single_site", table.get("single_site", False)), block_mw=block,
        rtt_target_ms=rtt, rtt_profile=rtt_profile, users={k: float(v) for k, v in users.items()},
        residency=_text(w, "residency", table.get("residency")),
        latency_penalty_usd_per_mwh_per_ms=None if pen is None else require_number(
            w, "latency_penalty_usd_per_mwh_per_ms", pen, low=0, high=1e6),
        description=str(table.get("description", ""))[:500],
        price_usd_per_mw_month=None if price is None else require_number(w, "price_usd_per_mw_month", price,
                                                                          low=0, high=1e9),
        start=start, end=end,
        term_days=None if term is None else require_number(w, "term_days", term, positive=True, high=36600,
                                                            integer=True),
        renewable=_bool(w, "renewable", table.get("renewable", True)),
        notice_days=require_number(w, "notice_days", table.get("notice_days", 0), low=0, high=36600, integer=True),
        tenant_class=tenant_class,
        evictable=_bool(w, "evictable", table.get("evictable", False)),
        eviction_cost_usd_per_mw=require_number(w, "eviction_cost_usd_per_mw",
                                                table.get("eviction_cost_usd_per_mw", 0), low=0, high=1e9),
        mw_by_year=_mw_by_year(w, table.get("mw_by_year", {})),
        capacities=_id_list(w, "capacities", table.get("capacities", [])),
    )
    if t.exclusive and t.block_mw:
        raise InputError(w, "block_mw", block, "an exclusive tenant takes one whole site; drop block_mw")
    if t.internal and t.tenant_class != "internal":
        raise InputError(w, "class", t.tenant_class, "internal = true goes with class = 'internal'")
    return t


def parse_capacity(where: str, table: dict) -> CapacitySpec:
    for key, value in table.items():
        if key not in _CAPACITY_KEYS:
            raise InputError(where, key, value, f"unknown key (allowed: {', '.join(sorted(_CAPACITY_KEYS))})")
    cid = _text(where, "capacity.id", table.get("id"), required=True)
    w = f"{where} [[capacity]] {cid}"
    mw = table.get("mw")
    price = table.get("price_usd_per_mwh")
    online, retire = _date(w, "online", table.get("online")), _date(w, "retire", table.get("retire"))
    if online and retire and retire <= online:
        raise InputError(w, "retire", table.get("retire"), f"before it comes online ({table.get('online')})")
    return CapacitySpec(
        id=cid,
        mw=None if mw is None else require_number(w, "mw", mw, low=0, high=MAX_MW, integer=True),
        online_year=require_number(w, "online_year", table.get("online_year", 0), low=0, high=2100, integer=True),
        price_usd_per_mwh=None if price is None else require_number(w, "price_usd_per_mwh", price, low=0,
                                                                     high=10000),
        online=online, retire=retire, mw_by_year=_mw_by_year(w, table.get("mw_by_year", {})),
        build=_bool(w, "build", table.get("build", False)),
    )


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
        else:
            is_int = known[key].type in ("int", int)
            high = 2100 if key.endswith("_year") else 1e12
            low = 1900 if key.endswith("_year") else 0
            changes[key] = require_number(where, f"{prefix}.{key}", value, low=low, high=high, integer=is_int)
    return cls(**changes)


def parse_assignment_parameters(where: str, table: dict) -> AssignmentParameters:
    return _parse_table(where, "assignment", table, AssignmentParameters, {})


def parse_planning_parameters(where: str, table: dict) -> PlanningParameters:
    p = _parse_table(where, "planning", table, PlanningParameters, {"period": PERIODS})
    if p.end_year < p.start_year:
        raise InputError(where, "planning.end_year", p.end_year, f"before start_year {p.start_year}")
    if p.end_year - p.start_year > 50:
        raise InputError(where, "planning.end_year", p.end_year, "more than 50 years after start_year")
    return p


def _ramp_inside(where: str, mw_by_year: dict, planning: PlanningParameters) -> None:
    for y in mw_by_year:
        if not planning.start_year <= y <= planning.end_year:
            raise InputError(where, f"mw_by_year.{y}", mw_by_year[y],
                             f"outside the planning horizon {planning.start_year}-{planning.end_year}")


def check_against_horizon(where: str, planning: PlanningParameters, tenants: list, capacity: list) -> None:
    """Ramps inside the horizon; notices no longer than it; contracts overlapping it."""
    span_days = (planning.end - planning.start).days
    for t in tenants:
        w = f"{where} [[tenant]] {t.id}"
        _ramp_inside(w, t.mw_by_year, planning)
        if t.notice_days > span_days:
            raise InputError(w, "notice_days", t.notice_days, f"longer than the planning horizon ({span_days} days)")
        if t.end is not None and t.end <= planning.start:
            raise InputError(w, "end", t.end.date().isoformat(), f"before the planning horizon starts "
                                                                 f"({planning.start_year})")
    for c in capacity:
        _ramp_inside(f"{where} [[capacity]] {c.id}", c.mw_by_year, planning)
