"""Tenants' contracts, capacity over time and the planning horizon, as a scenario states them.

``[[tenant]]``: MW and rules (kind, exclusive, single site, unsplittable blocks, RTT target,
users, residency) and the contract: ``price_usd_per_mw_month`` (revenue; in-house work is
valued at the planning table's opportunity price), ``start`` / ``end`` dates (UTC),
``term_days`` (the contract ends at its term unless ``renewable = true``, when it renews until
its ``end`` or the plan's end), ``notice_days``, ``class`` = ``internal | committed | spot``
(spot may be pre-empted at no penalty), ``evictable`` (the operator's expel clause) with
``eviction_cost_usd_per_mw``, and growth ``mw_by_year = {2027 = 400, ...}``.

A tenant may be counted in GPUs instead (``gpus = N``, ``generations``, ``homogeneous``,
``price_usd_per_gpu_hour``) and a capacity hold a GPU fleet (``gpus = { H100 = ... }``,
``gpus_by_year``): :mod:`placement.plan.gpus`.

``[[capacity]]``: a catalog site or shell with ``mw``, ``online`` date (or ``online_year``),
``retire`` date, a ``mw_by_year`` ramp, a price override, and ``build = true`` for a campus
still to be built (online when its time to power has passed, counted from the plan's start; it
needs its ``mw``, and the whole-horizon plan builds it in ``block_mw`` blocks when it pays).

``[planning]``: ``start_year``, ``end_year``, ``period = "year" | "quarter" | "month"``, migration and
eviction prices and what leaving demand unserved costs by class.

Every value is validated by the rules in :mod:`placement.plan.contract_checks` (InputError naming
file, tenant or capacity, field, value).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


KINDS = ("ground", "orbit", "any")
CLASSES = ("internal", "committed", "spot")
PERIODS = ("year", "quarter", "month")


@dataclass(frozen=True)
class Tenant:
    """A tenant's contract: MW over time, rules, price and terms.

    Construction checks nothing (the planner copies tenants in its inner loops): a tenant built
    in Python is checked with the loader's rules by :func:`check_tenant` where it enters the API
    (``plan``, ``assign``, ``quote``, ...)."""

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
    #: the contract's term [days from ``start``]; None: no term (it runs to ``end`` or the plan's end)
    term_days: int | None = None
    #: whether the term renews (to ``end`` or the plan's end); False: the contract ends at its term
    renewable: bool = False
    notice_days: int = 0
    tenant_class: str = "committed"
    evictable: bool = False
    eviction_cost_usd_per_mw: float = 0.0
    #: MW from each listed year on (before the first: ``mw``)
    mw_by_year: dict = field(default_factory=dict)
    #: the only capacities the tenant may use (empty: any its other rules allow)
    capacities: tuple = ()
    #: share of hours [-] the tenant's capacity must have full power (None: no uptime SLA); placed
    #: only where the capacity's ``power_availability`` reaches it, unless ``[assignment]
    #: allow_sla_credits`` lets the plan pay the expected credits instead
    uptime_target: float | None = None
    #: its SLA credit schedule (an id of ``catalogs/data/sla_credits.csv``)
    sla_credits: str = "hyperscaler"
    #: a tenant counted in GPUs (0: in MW): GPUs it rents (:mod:`placement.plan.gpus`)
    gpus: int = 0
    #: generations it accepts (empty: any); a homogeneous tenant lists one, or several with
    #: ``any_generation``
    generations: tuple = ()
    #: a training block: all its GPUs of one generation on one capacity
    homogeneous: bool = False
    #: a homogeneous tenant listing several generations takes any one of them
    any_generation: bool = False
    #: revenue [USD per GPU-hour] (a GPU tenant; None: in-house work at its generation's market price)
    price_usd_per_gpu_hour: float | None = None
    #: GPUs from each listed year on (before the first: ``gpus``), a GPU tenant's ramp
    gpus_by_year: dict = field(default_factory=dict)
    #: a GPU tenant placed in unsplittable blocks of this many GPUs, each on one pool (so of one
    #: generation): successive training runs (0: the whole tenant, or split freely if not homogeneous)
    block_gpus: int = 0

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

    def units_in(self, year: int) -> int:
        """What the tenant wants in ``year``: GPUs for a GPU tenant (its ramp ``gpus_by_year``), else
        MW (:meth:`mw_in`)."""
        if not self.gpus:
            return self.mw_in(year)
        n = self.gpus
        for y in sorted(self.gpus_by_year):
            if y <= year:
                n = self.gpus_by_year[y]
        return int(n)


@dataclass(frozen=True)
class CapacitySpec:
    """A catalog site or shell offered as capacity, with overrides and its life (checked by
    :func:`check_capacity` where it enters the API, as :class:`Tenant`)."""

    id: str
    mw: float | None = None
    online_year: int = 0
    price_usd_per_mwh: float | None = None
    online: dt.datetime | None = None
    retire: dt.datetime | None = None
    mw_by_year: dict = field(default_factory=dict)
    build: bool = False
    #: a candidate's build decision comes in whole blocks of this many MW (0: its whole ``mw``);
    #: the whole-horizon plan chooses how many and when (:mod:`placement.plan.horizon_model`)
    block_mw: int = 0
    #: a GPU fleet: generation -> GPUs installed from the plan's start (empty: capacity in MW); the
    #: plan offers one pool per generation (:mod:`placement.plan.gpus`)
    gpus: dict = field(default_factory=dict)
    #: year -> {generation: GPUs} from that year on (a refresh; 0 retires a generation)
    gpus_by_year: dict = field(default_factory=dict)
    #: capacity in MW (a candidate to build, an orbital shell, any site) fitted with GPUs of this
    #: generation as its MW come online: the plan offers it as one pool of that generation, its
    #: GPUs the MW / the generation's all-in kW per GPU less spares (:func:`placement.plan.gpus.fitted_pool`)
    generation: str = ""


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
    #: Whether a tenant with an ``uptime_target`` may be placed on capacity below it, the plan then
    #: paying its expected SLA credits (itemised in the margin); False: never below its target.
    allow_sla_credits: bool = False


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
    #: What leaving a class's demand unserved costs beyond the revenue lost [USD per MW-month]
    #: (assumption). Serving is worth price + this, so capacity dearer than that stays unused:
    #: in-house work first (a priority, not cash: outside the margin), committed contracts next (a
    #: breach: SLA credits owed to the tenant, cash, in the margin; expelling an evictable tenant
    #: costs its fee instead), spot pre-empted freely. A committed tenant with no price is served
    #: only where capacity costs less than this.
    unserved_internal_usd_per_mw_month: float = 400_000.0
    unserved_committed_usd_per_mw_month: float = 200_000.0
    unserved_spot_usd_per_mw_month: float = 0.0

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.start_year, 1, 1)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime(self.end_year + 1, 1, 1)
