"""The plan over years and money: contracts placed period by period, margins, capacity values.

Time-expanded, one layer per period (:mod:`placement.plan.periods`). Each layer is the
assignment graph of :mod:`placement.plan.network` with weights in **US dollars per MW over
the period** (integers): serving a tenant costs its capacity's levelized cost for the hours of
its contract in the period, plus its latency penalty, **minus its revenue** (price per
MW-month, in-house work at the planning opportunity price), so the min-cost flow maximizes
margin = revenue - energy - capital - carbon - water - delay - migration - eviction.
Leaving demand unserved is priced by class: in-house first, committed contracts (SLA
credits) next, spot pre-empted at no penalty; an evictable tenant already running can be
expelled for its eviction fee once its notice can have been given (``notice_days`` after the
plan starts), and is then gone for good.

Layers are linked by **keep arcs**: load a tenant ran in the previous period may stay where it
is at no extra cost, while any arc that moves it pays the migration price per MW (growth
placed where the tenant already runs is free, elsewhere it pays like a move). Layers are
solved in order, each from the previous layer's optimal placement: a rolling plan, exact per
layer (exclusive leases and unsplittable blocks placed exactly in every period), without
foresight across periods. :func:`build_plan_graph` returns the union of the layers as one
``networkx.DiGraph``; its min-cost flow is the plan's objective.

The value of one more MW of a capacity in a period (:func:`placement.plan.solve.capacity_values`)
is how much the layer's objective falls with one more MW on the arc that bounds that
capacity: from the optimal flow's residual graph, and in layers with exclusive leases or
blocks by an exact re-solve wherever the discrete placement could change. Capacity not yet
online (zero MW) still gets a value, which is what ranks the "build next" list. A layer whose
search hits ``max_search_nodes`` reports its lower bound, and the plan its gap.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from placement.catalogs.validation import InputError
from placement.plan.build import (
    capacities_of,
    check_plan_size,
    demand_nodes,
    rtt_matrix,
    rule_violations,
)
from placement.plan.explain import explain_unserved, placed_mw, unserved_mw
from placement.plan.model import RULE_BIT, Problem, key_label
from placement.plan.network import SERVED_ARC, flow_dict, to_networkx
from placement.plan.periods import (
    HOURS_PER_MONTH,
    Period,
    active,
    capacity_mw_in,
    capacity_window,
    contract_window,
    covered_share,
    periods_of,
)
from placement.plan.solve import capacity_values, solve

#: Weight of leaving carried load unserved when its notice forbids expelling it (a hard rule kept feasible).
FORBIDDEN_USD_PER_MW = 10**12


@dataclass
class PlanContext:
    """What every layer shares: the scenario, its periods, capacities and their windows, RTT rows."""
    scenario: object
    planning: object
    periods: list
    capacities: dict
    specs: dict
    windows: dict
    rtt_rows: dict = field(default_factory=dict)
    residency: dict = field(default_factory=dict)


@dataclass
class Layer:
    """One period: its problem (weights in USD per MW-period), solution and what it decided."""
    period: Period
    problem: Problem
    solution: object
    placed: dict  # (demand key, capacity id) -> MW
    values: np.ndarray  # per capacity: objective fall [USD] for one more MW in this period
    evicted: list  # tenant ids expelled in this period
    moved_mw: int
    money: dict  # revenue, costs by component, migration, eviction [USD]


@dataclass
class MultiPeriodPlan:
    """A solved plan over periods (module docstring); :meth:`to_dict` gives plan_periods.json."""
    scenario: str
    fingerprint: str
    periods: list
    layers: list
    rows: list
    objective: int
    margin_usd: float
    capacity_value: dict
    evictions: list
    optimal: bool

    @property
    def capacity_value_usd_per_mw_month(self) -> dict:
        """Capacity id -> {period label: value of one more MW [USD per MW-month]}."""
        out = {}
        for layer in self.layers:
            for j, cid in enumerate(layer.problem.capacity_ids):
                out.setdefault(cid, {})[layer.period.label] = float(layer.values[j]) / layer.period.months + 0.0  # no -0.0
        return out

    @property
    def build_next(self) -> list:
        """Capacities ranked by the mean value of one more MW over the plan [USD per MW-month]."""
        ranked = [{"capacity_id": cid, "mean_value_usd_per_mw_month": round(float(np.mean(list(v.values()))), 2),
                   "peak_value_usd_per_mw_month": round(float(max(v.values())), 2),
                   "peak_period": max(v, key=v.get)}
                  for cid, v in self.capacity_value_usd_per_mw_month.items()]
        return sorted(ranked, key=lambda r: -r["mean_value_usd_per_mw_month"])

    @property
    def orbit_first_period(self) -> str | None:
        """The first period in which an orbital shell carries load (None: never)."""
        for layer in self.layers:
            for (key, cid), mw in layer.placed.items():
                if mw > 0 and layer.problem.capacities[cid].kind == "orbit":
                    return layer.period.label
        return None

    @property
    def orbit_outlook(self) -> str:
        """When orbit first carries load, or why it does not: the cheapest shell's cost in the
        last period against what a MW of demand is worth to the plan."""
        first = self.orbit_first_period
        if first:
            return first
        last = self.layers[-1] if self.layers else None
        shells = [c for c in (last.problem.capacities.values() if last else ()) if c.kind == "orbit"]
        if not shells:
            return "no orbital capacity in the scenario"
        year = last.period.year
        best = min(shells, key=lambda c: c.lcoe_in(year))
        per_month = best.lcoe_in(year) * HOURS_PER_MONTH
        worth = max((max(v.values()) for v in self.capacity_value_usd_per_mw_month.values()), default=0.0)
        return (f"not by {last.period.label}: {best.id} costs {best.lcoe_in(year):,.0f} USD/MWh "
                f"({per_month:,.0f} USD per MW-month) in {year}; one more MW anywhere is worth at most "
                f"{worth:,.0f} USD per MW-month in this plan")

    @property
    def lower_bound(self) -> int:
        """Sum of the layers' proven lower bounds on their objectives [USD]: equal to
        :attr:`objective` when every layer was solved to proven optimality."""
        return int(sum(layer.solution.lower_bound for layer in self.layers))

    @property
    def gap_usd(self) -> int:
        """How far the objective may be above the layers' optima [USD] (0 when proven optimal)."""
        return int(self.objective - self.lower_bound)

    @property
    def values_exact(self) -> bool:
        """Whether every value of one more MW was proven (no re-solve cut off by the search limit)."""
        return all(getattr(layer.solution, "values_exact", True) for layer in self.layers)

    @property
    def unserved_reasons(self) -> list:
        """Unserved demand grouped by tenant and reason: ``{"tenant", "reason", "periods" (labels),
        "mw" (the most unserved in one of them)}``, in order of first appearance."""
        out = {}
        for layer in self.layers:
            for u in unserved_of_layer(layer):
                rec = out.setdefault((u["tenant"], u["reason"]), {"tenant": u["tenant"], "reason": u["reason"],
                                                                   "periods": [], "mw": 0})
                rec["periods"].append(layer.period.label)
                rec["mw"] = max(rec["mw"], u["mw"])
        return list(out.values())

    def margin_by(self, what: str) -> dict:
        """Margin [USD] by 'capacity', 'period' or 'tenant'."""
        out = {}
        key = {"capacity": "capacity_id", "period": "period", "tenant": "tenant"}[what]
        for r in self.rows:
            out[r[key]] = out.get(r[key], 0.0) + r["margin_usd"]
        return out

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario, "fingerprint": self.fingerprint,
            "periods": [{"label": p.label, "start": p.start.date().isoformat(), "end": p.end.date().isoformat(),
                         "hours": p.hours} for p in self.periods],
            "objective_usd": self.objective, "margin_usd": round(self.margin_usd, 2), "optimal": self.optimal,
            "lower_bound_usd": self.lower_bound, "optimality_gap_usd": self.gap_usd,
            "capacity_values_exact": self.values_exact,
            "revenue_usd": round(sum(layer.money["revenue_usd"] for layer in self.layers), 2),
            "records": self.rows,
            "evictions": self.evictions,
            "unserved": [{"period": layer.period.label, **u} for layer in self.layers for u in unserved_of_layer(layer)],
            "orbit_first_period": self.orbit_first_period,
            "orbit_outlook": self.orbit_outlook,
            "build_next": self.build_next,
        }


def unserved_of_layer(layer: Layer) -> list:
    """Per tenant left (partly) unserved in a layer: ``{"tenant", "mw", "reason"}``, the reason
    being :func:`~placement.plan.explain.explain_unserved`'s sentence for each of its demand nodes."""
    problem = layer.problem
    short = unserved_mw(problem, layer.solution)
    used = {}
    for (_, cid), mw in layer.placed.items():
        used[cid] = used.get(cid, 0) + mw
    parts = {}
    for i in np.flatnonzero(short > 0):
        parts.setdefault(problem.demands[i].tenant.id, []).append((int(i), int(short[i])))
    out = []
    for tid, rows in parts.items():
        reasons = "; ".join(dict.fromkeys(explain_unserved(problem, i, mw, used) for i, mw in rows))
        out.append({"tenant": tid, "mw": sum(mw for _, mw in rows), "reason": reasons})
    return out


# --- building a layer ----------------------------------------------------------------------------

def context_of(scenario, site_scores=None, shell_scores=None, device: str = "auto",
               allow_large: bool = False) -> PlanContext:
    """Capacities scored once, their windows, the periods (a plan past
    :data:`placement.bounds.WORK_LIMITS` is refused first, unless ``allow_large``)."""
    if not scenario.capacity:
        raise InputError(str(scenario.path), "capacity", None, "no [[capacity]] entries to plan on")
    planning = scenario.planning
    check_plan_size(scenario, len(scenario.tenants), len(scenario.capacity), len(periods_of(planning)), allow_large)
    capacities = capacities_of(scenario, site_scores, shell_scores, device)
    specs = {c.id: c for c in scenario.capacity}
    windows = {cid: capacity_window(specs[cid], info, planning) for cid, info in capacities.items()}
    return PlanContext(scenario, planning, periods_of(planning), capacities, specs, windows)


def _tenant_price(t, planning) -> float:
    if t.price_usd_per_mw_month is not None:
        return t.price_usd_per_mw_month
    return planning.internal_price_usd_per_mw_month if t.tenant_class == "internal" else 0.0


def _class_penalty(t, planning) -> float:
    return {"internal": planning.unserved_internal_usd_per_mw_month,
            "committed": planning.unserved_committed_usd_per_mw_month,
            "spot": planning.unserved_spot_usd_per_mw_month}[t.tenant_class]


def _rtt_rows(ctx: PlanContext, demands: list) -> np.ndarray:
    missing = [d for d in demands if tuple(sorted(d.users.items())) not in ctx.rtt_rows]
    if missing:
        seen = {}
        for d in missing:
            seen.setdefault(tuple(sorted(d.users.items())), d)
        rows = rtt_matrix(ctx.scenario, list(seen.values()), ctx.capacities)
        for k, key in enumerate(seen):
            ctx.rtt_rows[key] = rows[k]
    n_c = len(ctx.capacities)
    return np.vstack([ctx.rtt_rows[tuple(sorted(d.users.items()))] for d in demands]) if demands \
        else np.zeros((0, n_c))


def layer_problem(ctx: PlanContext, period: Period, previous: dict, gone: set, running: set) -> tuple:
    """The problem of one period: (Problem, per-demand revenue [USD/MW], per-demand hours covered).

    ``previous``: (demand key, capacity id) -> MW placed in the period before; ``gone``: tenants
    expelled; ``running``: tenants served in the period before (their unserved arc is an eviction).
    """
    sc, planning = ctx.scenario, ctx.planning
    tenants = []
    windows = {}
    for t in sc.tenants:
        w = contract_window(t, planning)
        if t.id in gone or not active(w, period):
            continue
        mw = t.mw_in(period.year)
        if mw > 0:
            tenants.append(dataclasses.replace(t, mw=mw))
            windows[t.id] = w
    demands = demand_nodes(sc, tenants)
    caps = {cid: dataclasses.replace(info, mw=capacity_mw_in(ctx.specs[cid], info, period)
                                     if active(ctx.windows[cid], period) else 0)
            for cid, info in ctx.capacities.items()}
    n_c = len(caps)
    rtt = _rtt_rows(ctx, demands)
    violations = rule_violations(sc, demands, caps, rtt, horizon_year=10**6)
    violations &= ~np.uint8(RULE_BIT["size"])  # a capacity not online yet (0 MW) still prices its value
    cap_mw = np.array([c.mw for c in caps.values()])
    potential = np.array([ctx.capacities[cid].mw for cid in caps])  # full size, whenever online
    for i, d in enumerate(demands):
        if d.discrete:
            violations[i, np.maximum(cap_mw, potential) < d.mw] |= RULE_BIT["size"]
    lcoe = np.array([c.lcoe_in(period.year) for c in caps.values()])
    share = np.array([covered_share(windows[d.tenant.id], period) for d in demands])
    hours = share * period.hours
    price = np.array([_tenant_price(d.tenant, planning) for d in demands])
    revenue = price * period.months * share
    pen = np.array([d.tenant.latency_penalty_usd_per_mwh_per_ms if d.tenant.latency_penalty_usd_per_mwh_per_ms
                    is not None else sc.assignment.latency_penalty_usd_per_mwh_per_ms for d in demands])
    r = np.where(np.isfinite(rtt), rtt, 1e6)
    weight = np.rint((lcoe[None, :] + pen[:, None] * r) * hours[:, None] - revenue[:, None]).astype(np.int64) \
        if demands else np.zeros((0, n_c), dtype=np.int64)
    unserved = []
    for i, d in enumerate(demands):
        t = d.tenant
        if t.id in running and t.evictable:
            notice_ok = period.start >= planning.start + _days(t.notice_days)
            unserved.append(t.eviction_cost_usd_per_mw if notice_ok else FORBIDDEN_USD_PER_MW)
        else:
            unserved.append(_class_penalty(t, planning) * period.months * share[i])
    unserved = np.rint(np.array(unserved, dtype=float)).astype(np.int64)
    violations[(violations == 0) & (weight >= unserved[:, None])] |= RULE_BIT["price"]
    a_d, a_c = np.nonzero(violations == 0)
    problem = Problem(caps, demands, a_d.astype(np.int64), a_c.astype(np.int64), weight[a_d, a_c], rtt, violations,
                      unserved, {}, int(round(planning.migration_usd_per_mw)))
    prev = {}
    for (key, cid), mw in previous.items():
        i, j = problem.demand_index.get(key), problem.capacity_index.get(cid)
        if i is not None and j is not None and violations[i, j] == 0 and caps[cid].mw > 0:
            growth = max(demands[i].mw - sum(m for (k, _), m in previous.items() if k == key), 0)
            prev[i, j] = int(min(mw + growth, demands[i].mw))
    problem.previous = prev
    return problem, revenue, hours


def _days(n: int):
    return dt.timedelta(days=int(n))


def _money(ctx: PlanContext, period: Period, problem: Problem, placed: dict, revenue, hours, moved_mw: int,
           evicted_mw: dict) -> tuple[dict, list]:
    """Revenue and costs [USD] of a solved layer, total and by (tenant, capacity)."""
    comps = ("energy_usd_per_mwh_it", "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it", "water_usd_per_mwh_it",
             "delay_usd_per_mwh_it")
    money = {"revenue_usd": 0.0, **{c.replace("_per_mwh_it", ""): 0.0 for c in comps},
             "migration_usd": moved_mw * ctx.planning.migration_usd_per_mw, "eviction_usd": 0.0}
    by_pair = {}
    for (i, j), mw in placed.items():
        d = problem.demands[i]
        cap = problem.capacities[problem.capacity_ids[j]]
        rev = mw * revenue[i]
        cost = mw * hours[i] * cap.lcoe_in(period.year)
        money["revenue_usd"] += rev
        parts = cap.components_in(period.year)
        for c in comps:
            money[c.replace("_per_mwh_it", "")] += mw * hours[i] * parts.get(c, 0.0)
        rec = by_pair.setdefault((d.tenant.id, cap.id), {"mw": 0, "revenue_usd": 0.0, "cost_usd": 0.0})
        rec["mw"] += mw
        rec["revenue_usd"] += rev
        rec["cost_usd"] += cost
    for tid, mw in evicted_mw.items():
        t = next(t for t in ctx.scenario.tenants if t.id == tid)
        money["eviction_usd"] += mw * t.eviction_cost_usd_per_mw
    rows = [{"tenant": tid, "capacity_id": cid, "kind": problem.capacities[cid].kind, "period": period.label,
             "mw": int(rec["mw"]), "revenue_usd": round(float(rec["revenue_usd"]), 2),
             "cost_usd": round(float(rec["cost_usd"]), 2),
             "margin_usd": round(float(rec["revenue_usd"] - rec["cost_usd"]), 2)}
            for (tid, cid), rec in sorted(by_pair.items())]
    return money, rows


# --- the plan -------------------------------------------------------------------------------------

def plan_over_time(scenario, *, site_scores=None, shell_scores=None, solver: str = "ortools",
                   extra_tenants=(), device: str = "auto", allow_large: bool = False) -> MultiPeriodPlan:
    """Solve the plan layer by layer (module docstring)."""
    if extra_tenants:
        scenario = dataclasses.replace(scenario, tenants=list(scenario.tenants) + list(extra_tenants))
    ctx = context_of(scenario, site_scores, shell_scores, device, allow_large)
    previous, gone, running = {}, set(), set()
    layers, rows, evictions = [], [], []
    objective, optimal = 0, True
    for period in ctx.periods:
        problem, revenue, hours = layer_problem(ctx, period, previous, gone, running)
        solution = solve(problem, scenario.assignment.max_search_nodes, solver=solver)
        objective += solution.cost
        optimal &= solution.optimal
        placed = placed_mw(problem, solution)
        net, f = solution.net, solution.arc_flow
        carried = {i for i, _ in problem.previous}
        moved = int(f[(net.arc_role == SERVED_ARC) & np.isin(net.arc_demand, list(carried))].sum()) if carried else 0
        served_by_tenant = {}
        for (i, _), mw in placed.items():
            tid = problem.demands[i].tenant.id
            served_by_tenant[tid] = served_by_tenant.get(tid, 0) + mw
        expelled = {}
        for t in scenario.tenants:
            # expelled: a running evictable tenant left wholly unserved once its notice could have
            # been given; inside its notice it is only unserved (no capacity could take it: the
            # forbidden weight was paid) and stays a running tenant
            if t.id in running and t.evictable and served_by_tenant.get(t.id, 0) == 0 and \
                    period.start >= ctx.planning.start + _days(t.notice_days) and \
                    any(d.tenant.id == t.id for d in problem.demands):
                expelled[t.id] = sum(d.mw for d in problem.demands if d.tenant.id == t.id)
        for tid, mw in expelled.items():
            gone.add(tid)
            evictions.append({"tenant": tid, "period": period.label, "mw": mw})
        money, layer_rows = _money(ctx, period, problem, placed, revenue, hours, moved, expelled)
        rows += layer_rows
        values = capacity_values(solution, scenario.assignment.max_search_nodes, solver=solver)
        layers.append(Layer(period, problem, solution, {(problem.demands[i].key, problem.capacity_ids[j]): mw
                                                        for (i, j), mw in placed.items()},
                            values, list(expelled), moved, money))
        previous = {(problem.demands[i].key, problem.capacity_ids[j]): mw for (i, j), mw in placed.items()}
        running = set(served_by_tenant) - gone
    margin = sum(m["revenue_usd"] - sum(v for k, v in m.items() if k != "revenue_usd")
                 for m in (layer.money for layer in layers))
    capacity_value = {(layer.period.label, "capacity", cid): float(layer.values[j])
                      for layer in layers for j, cid in enumerate(layer.problem.capacity_ids)}
    return MultiPeriodPlan(scenario.name, getattr(scenario, "fingerprint", ""), ctx.periods, layers, rows,
                           int(objective), float(margin), capacity_value, evictions, bool(optimal))


def layered_graph(plan: MultiPeriodPlan):
    """The union of the plan's layer graphs, every node named ``(period label, *node)``."""
    import networkx as nx


    G = nx.DiGraph()
    for layer in plan.layers:
        H = to_networkx(layer.solution.net, layer.problem)
        label = layer.period.label
        G.add_nodes_from(((label, *n), dict(a, period=label)) for n, a in H.nodes(data=True))
        G.add_edges_from(((label, *u), (label, *v), a) for u, v, a in H.edges(data=True))
    return G


def layered_flow(plan: MultiPeriodPlan) -> dict:
    """The plan's optimal flow over :func:`layered_graph` (NetworkX's ``{u: {v: MW}}``)."""
    out = {}
    for layer in plan.layers:
        label = layer.period.label
        for u, targets in flow_dict(layer.solution.net, layer.problem, layer.solution.arc_flow).items():
            out[(label, *u)] = {(label, *v): f for v, f in targets.items()}
    return out


__all__ = ["MultiPeriodPlan", "plan_over_time", "layered_graph", "layered_flow", "key_label", "unserved_of_layer"]
