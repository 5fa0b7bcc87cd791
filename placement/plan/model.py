"""The assignment problem and its plan: capacities, demand nodes, allowed arcs, the solved plan.

Graph nodes are tuples, never strings built from user ids, so no tenant id (``x#1``,
``y/NA``, ``source``) can collide with another node: ``("source",)``, ``("sink",)``,
``("tenant", key)``, ``("capacity", capacity_id)``, ``("keep", key, capacity_id)``, where a
demand node's ``key`` is ``(tenant_id,)``, ``(tenant_id, "block", j)`` or
``(tenant_id, "region", group)``.

Allowed arcs are numpy arrays (demand index, capacity index, integer weight): a 10,000 x
2,000 problem has 20 million candidate pairs, which dicts of tuples cannot hold.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CENTS_PER_USD = 100
SOURCE = ("source",)
SINK = ("sink",)

#: Rules an arc can break, one bit each (``Problem.violations``).
RULES = ("kind", "online", "residency", "rtt", "size", "price", "listed", "uptime", "gpu")
RULE_BIT = {r: 1 << k for k, r in enumerate(RULES)}


def tenant_node(key: tuple) -> tuple:
    """Graph node of a demand node."""
    return ("tenant", key)


def capacity_node(cid: str) -> tuple:
    """Graph node of a capacity."""
    return ("capacity", cid)


def keep_node(key: tuple, cid: str) -> tuple:
    """Graph node that carries a demand node's load kept in place at a capacity."""
    return ("keep", key, cid)


def key_label(key: tuple) -> str:
    """How a demand node is named to people: ``t``, ``t block 2``, ``t (NA users)``."""
    if len(key) == 1:
        return str(key[0])
    if key[1] == "block":
        return f"{key[0]} block {key[2]}"
    return f"{key[0]} ({key[2]} users)"


def copied(obj, **changes):
    """A copy of a dataclass instance with ``changes`` to its fields, made without calling its
    ``__init__`` (a frozen one included): what :func:`dataclasses.replace` gives for a class whose
    construction checks and derives nothing (:class:`CapacityInfo`, a tenant), at a fraction of its
    cost in the planner's loops over every period."""
    out = object.__new__(type(obj))
    out.__dict__.update(obj.__dict__)
    out.__dict__.update(changes)
    return out


@dataclass
class CapacityInfo:
    """One capacity node: a site or shell with its levelized cost [USD/MWh_IT]."""

    id: str
    name: str
    kind: str  # ground | orbit
    mw: int
    lcoe_usd_per_mwh_it: float
    carbon_kg_per_mwh_it: float
    online_year: int
    lat_deg: float | None = None
    lon_deg: float | None = None
    #: cost components [USD/MWh_IT] for margins by site (energy, capital, carbon, water, delay)
    components: dict = field(default_factory=dict)
    #: share of hours with full IT power [-] once running on its lasting supply (ground: the site's
    #: mix after any bridge; a shell: 1, its eclipses being in its capacity factor)
    availability: float = 1.0
    #: a candidate campus's availability while a bridge carries it [-], until ``bridge_until_months``
    #: after the plan's start (0: no bridge)
    bridge_availability: float = 1.0
    bridge_until_months: float = 0.0
    #: year -> levelized cost [USD/MWh_IT] where it changes with the year (orbit: the launch
    #: price of that year on the scenario's trajectory); other years use ``lcoe_usd_per_mwh_it``
    lcoe_by_year: dict = field(default_factory=dict)
    #: a GPU pool (one generation of a site's fleet): its generation, its site's capacity id, and
    #: the MW of IT one unit of it draws (a GPU's all-in kW / 1000); ``mw`` then counts GPUs.
    #: Capacity in MW: None, "", 1.
    generation: str | None = None
    site_id: str = ""
    mw_per_unit: float = 1.0
    #: a capacity in MW fitted with one generation (:func:`placement.plan.gpus.fitted_pool`): its
    #: GPUs' depreciation [USD/MWh_IT], inside ``lcoe_usd_per_mwh_it`` and ``lcoe_by_year``
    gpu_usd_per_mwh_it: float = 0.0

    def lcoe_in(self, year: int) -> float:
        """Levelized cost [USD/MWh_IT] of capacity brought into use in ``year``."""
        return self.lcoe_by_year.get(int(year), self.lcoe_usd_per_mwh_it)

    def components_in(self, year: int) -> dict:
        """Cost components [USD/MWh_IT] in ``year`` (an orbital shell's cost is all capital)."""
        if int(year) in self.lcoe_by_year:
            gpu = self.gpu_usd_per_mwh_it
            return {"capital_usd_per_mwh_it": self.lcoe_by_year[int(year)] - gpu} | (
                {"gpu_depreciation_usd_per_mwh_it": gpu} if gpu else {})
        return self.components

    def committed_usd_per_mwh_it(self) -> float:
        """What a build commits per MWh of IT it can carry [USD/MWh_IT]: the capital component and,
        for a fitted pool, its GPUs' depreciation (paid from the build on, used or not)."""
        return float(self.components.get("capital_usd_per_mwh_it", 0.0)) + self.gpu_usd_per_mwh_it


@dataclass
class DemandNode:
    """A tenant's demand node (the whole tenant, a block, or a region's share)."""

    key: tuple
    tenant: object
    mw: int
    users: dict
    discrete: bool
    exclusive: bool
    label: str = ""


@dataclass
class Problem:
    """Everything the solver and the explanations need (arrays indexed by demand and capacity)."""

    capacities: dict  # capacity id -> CapacityInfo, in a fixed order
    demands: list  # DemandNode
    arc_demand: np.ndarray  # int64, index into demands
    arc_capacity: np.ndarray  # int64, index into capacity order
    arc_weight: np.ndarray  # int64 [cents/MWh] (or [USD/MW-period] in a plan layer)
    rtt: np.ndarray  # (demands, capacities) [ms]
    violations: np.ndarray  # (demands, capacities) uint16 bit mask of broken rules (RULE_BIT)
    unserved_weight: np.ndarray  # int64 per demand
    #: (demand index, capacity index) -> MW kept from a previous plan (stays at no extra cost)
    previous: dict = field(default_factory=dict)
    migration_weight: int = 0
    #: capacities taken out of service in a re-plan (drawn, marked, on maps)
    failed: dict = field(default_factory=dict)
    #: money beside the integer weights (a plan layer; None in the single-period assignment), in
    #: USD per MW over the period, as costs (negative: the operator gains): per allowed arc the
    #: capacity's cost minus the tenant's revenue (float, no latency nudge); per demand node the cash
    #: cost of leaving a MW unserved (an eviction fee or SLA credits; 0 where only a priority); per MW
    #: moved the migration price. ``weight - money`` is the non-cash penalty (latency nudges, in-house
    #: work's priority, hard-rule weights, rounding to whole USD).
    arc_money: np.ndarray | None = None
    unserved_money: np.ndarray | None = None
    migration_money: float = 0.0
    #: MW per unit of each demand node (1; a GPU tenant's: its reference generation's all-in kW /
    #: 1000), scaling what it pays per unit moved or expelled (None: all 1)
    unit_mw: np.ndarray | None = None

    def __post_init__(self):
        self.capacity_ids = list(self.capacities)
        self.capacity_index = {cid: j for j, cid in enumerate(self.capacity_ids)}
        self.demand_index = {d.key: i for i, d in enumerate(self.demands)}

    @property
    def demand_mw(self) -> np.ndarray:
        return np.array([d.mw for d in self.demands], dtype=np.int64)

    @property
    def capacity_mw(self) -> np.ndarray:
        return np.array([c.mw for c in self.capacities.values()], dtype=np.int64)

    @property
    def arcs(self) -> dict:
        """Allowed arcs as ``{(demand key, capacity id): weight}`` (small problems, tests, reports)."""
        keys = [d.key for d in self.demands]
        return {(keys[i], self.capacity_ids[j]): int(w)
                for i, j, w in zip(self.arc_demand.tolist(), self.arc_capacity.tolist(), self.arc_weight.tolist())}

    def rtt_ms(self, key: tuple, cid: str) -> float:
        """Demand-weighted RTT [ms] from a demand node's users to a capacity."""
        return float(self.rtt[self.demand_index[key], self.capacity_index[cid]])

    def broken_rules(self, i: int, j: int) -> tuple:
        """The rules demand node ``i`` breaks at capacity ``j`` (names from :data:`RULES`)."""
        bits = int(self.violations[i, j])
        return tuple(r for r in RULES if bits & RULE_BIT[r])

    def restricted(self, keep: np.ndarray) -> "Problem":
        """The same problem on the arcs where ``keep`` (a boolean per arc) is true."""
        return Problem(self.capacities, self.demands, self.arc_demand[keep], self.arc_capacity[keep],
                       self.arc_weight[keep], self.rtt, self.violations, self.unserved_weight, self.previous,
                       self.migration_weight, self.failed,
                       None if self.arc_money is None else self.arc_money[keep], self.unserved_money,
                       self.migration_money, self.unit_mw)


@dataclass
class Plan:
    """A solved assignment; :meth:`to_dict` gives the plan JSON of DESIGN.md.

    ``objective_cents_per_h`` is the min-cost-flow objective over :func:`placement.build_graph` in
    its integer units: US cents per hour (arc weights in cents per MWh times flows in MW),
    penalties included; :attr:`objective` is the same number. ``total_cost_usd_per_h`` is the
    real cost of the assigned capacity (levelized cost times MW), without penalties.
    """

    objective_cents_per_h: int
    flow: dict
    total_cost_usd_per_h: float
    served_mw: int
    unserved_mw: int
    assignments: list
    unserved: list
    utilization: list
    optimal: bool = True
    lower_bound_cents_per_h: int = 0
    search_nodes: int = 0
    changes: dict | None = None
    #: (demand key, capacity id) -> MW
    demand_flows: dict = field(default_factory=dict)
    #: the scenario's name and fingerprint (:mod:`placement.fingerprint`), so plan.json names its inputs
    scenario: str = ""
    fingerprint: str = ""

    @property
    def objective(self) -> int:
        """The min-cost-flow objective [US cents per hour]; alias of ``objective_cents_per_h``."""
        return self.objective_cents_per_h

    @property
    def lower_bound(self) -> int:
        """Relaxation lower bound on the objective [US cents per hour]."""
        return self.lower_bound_cents_per_h

    def to_dict(self) -> dict:
        doc = {
            "total_cost_usd_per_h": round(self.total_cost_usd_per_h, 2),
            "served_mw": self.served_mw,
            "unserved_mw": self.unserved_mw,
            "assignments": self.assignments,
            "unserved": self.unserved,
            "utilization": self.utilization,
            "objective_cents_per_h": self.objective_cents_per_h,
            "optimal": self.optimal,
            "lower_bound_cents_per_h": self.lower_bound_cents_per_h,
            "scenario": self.scenario,
            "fingerprint": self.fingerprint,
        }
        if self.changes is not None:
            doc["changes"] = self.changes
        return doc
