"""The plan over years and money: contracts placed period by period, margins, capacity values.

Time-expanded, one layer per period (:mod:`placement.plan.periods`). Each layer is the
assignment graph of :mod:`placement.plan.network` with weights in **US dollars per MW over
the period** (integers): serving a tenant costs its capacity's levelized cost for the hours of
its contract in the period, plus its latency penalty, **minus its revenue** (price per
MW-month, in-house work at the planning opportunity price), so the min-cost flow maximizes the
margin (revenue - energy - capital - carbon - water - delay - migration - eviction - SLA credits)
less the non-cash priorities. Leaving demand unserved is priced by class: in-house first (a
priority, not cash), committed contracts next (SLA credits, cash), spot pre-empted at no
penalty; an evictable tenant already running can be expelled for its eviction fee once its notice can have been given (``notice_days`` after the
plan starts), and is then gone for good.

Layers are linked by **keep arcs**: load a tenant ran in the previous period may stay where it
is at no extra cost, while any arc that moves it pays the migration price per MW (growth
placed where the tenant already runs is free, elsewhere it pays like a move). Layers are
solved in order, each from the previous layer's optimal placement: a rolling plan, exact per
layer (exclusive leases and unsplittable blocks placed exactly in every period), without
foresight across periods. :func:`build_plan_graph` returns the union of the layers as one
``networkx.DiGraph``; its min-cost flow is the plan's objective.

Money (:mod:`placement.plan.money`): the margin is itemised per period (revenue, energy, capital,
carbon, water, delay, IT capex, migration, eviction fees, SLA credits), the plan's margin is the
sum of its periods'; priorities that are not cash (in-house work left unserved, the weight that
forbids an eviction inside its notice, latency nudges) steer the solver but stay out of the
margin (``penalty_usd`` beside it).

The value of one more MW of a capacity in a period (:mod:`placement.plan.values`) is how much
that period's margin rises with one more MW on the arc that bounds that capacity (and, beside it,
how much the non-cash penalties fall): along the optimal flow's cheapest residual path, and in
layers with exclusive leases or blocks by an exact re-solve wherever the discrete placement could
change. It is that period's value: the rolling plan's later periods start from its placement
and are not re-solved for the extra MW. Capacity not yet online (zero MW) still gets a value,
which is what ranks the "build next" list. A layer whose search hits ``max_search_nodes`` reports its lower bound, and the plan
its gap.
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
from placement.plan.explain import placed_mw, unserved_mw
from placement.plan.gpus import fleet_depreciation_usd, gpu_price_usd_per_hour, pool_spec, unit_mw_of
from placement.plan.model import RULE_BIT, Problem, copied, key_label
from placement.plan.money import EVICTION, NOT_CASH, SLA_CREDITS, LayerPrices, layer_money
from placement.plan.multi_period import Layer, MultiPeriodPlan, unserved_of_layer
from placement.plan.network import SERVED_ARC, flow_dict, to_networkx
from placement.plan.periods import (
    Period,
    active,
    availability_in,
    capacity_mw_in,
    capacity_window,
    contract_window,
    covered_share,
    periods_of,
)
from placement.plan.solve import solve
from placement.plan.values import capacity_values

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
    for cid, info in capacities.items():  # a GPU pool shares its site's contract
        if info.generation:
            specs[cid] = pool_spec(specs[info.site_id], info)
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


def capacities_in(ctx: PlanContext, period: Period) -> dict:
    """Capacity id -> the capacity as it stands in ``period``: its MW (GPUs for a pool; 0 outside
    its window, :func:`placement.plan.periods.capacity_mw_in`) and its availability
    (:func:`placement.plan.periods.availability_in`); a fleet's GPUs counted once for its pools."""
    planning, fleets = ctx.planning, {}
    return {cid: copied(info, mw=capacity_mw_in(ctx.specs[cid], info, period, planning, fleets)
                        if active(ctx.windows[cid], period) else 0,
                        availability=availability_in(ctx.specs[cid], info, period, planning))
            for cid, info in ctx.capacities.items()}


def layer_problem(ctx: PlanContext, period: Period, previous: dict, gone: set, running: set, *,
                  prune_price: bool = True, capital_by_build: frozenset = frozenset()) -> tuple:
    """The problem of one period and its prices: (Problem with its money, :class:`LayerPrices`).

    Per allowed arc the weight is the capacity's cost plus the latency nudge minus the revenue
    [USD per MW over the period, rounded], its money the same without the nudge (not rounded);
    leaving a MW unserved weighs the class's price (in-house, committed) or, for a running
    evictable tenant, its eviction fee (inside its notice: :data:`FORBIDDEN_USD_PER_MW`), its
    money being the fee or the SLA credits a committed tenant is owed (0 for in-house and spot).

    ``previous``: (demand key, capacity id) -> MW placed in the period before; ``gone``: tenants
    expelled; ``running``: tenants served in the period before (their unserved arc is an eviction).
    ``prune_price``: drop arcs that cost as much as leaving the MW unserved (the rolling plan; the
    whole-horizon model keeps them, as serving at a loss can pay later). ``capital_by_build``:
    capacity ids whose capital is paid by their build decision (:mod:`placement.plan.horizon`), so
    their arcs carry the levelized cost less its capital component.
    """
    sc, planning = ctx.scenario, ctx.planning
    tenants = []
    windows = {}
    for t in sc.tenants:
        w = contract_window(t, planning)
        if t.id in gone or not active(w, period):
            continue
        mw = t.units_in(period.year)  # GPUs for a tenant counted in GPUs
        if mw > 0:
            tenants.append(copied(t, mw=mw))
            windows[t.id] = w
    demands = demand_nodes(sc, tenants)
    caps = capacities_in(ctx, period)
    n_c = len(caps)
    rtt = _rtt_rows(ctx, demands)
    violations = rule_violations(sc, demands, caps, rtt, horizon_year=10**6)
    violations &= ~np.uint16(RULE_BIT["size"])  # a capacity not online yet (0 MW) still prices its value
    cap_mw = np.array([c.mw for c in caps.values()])
    potential = np.array([ctx.capacities[cid].mw for cid in caps])  # full size, whenever online
    for i, d in enumerate(demands):
        if d.discrete:
            violations[i, np.maximum(cap_mw, potential) < d.mw] |= RULE_BIT["size"]
    lcoe = np.array([c.lcoe_in(period.year) - (c.committed_usd_per_mwh_it() if cid in capital_by_build else 0.0)
                     for cid, c in caps.items()])
    # a GPU pool's costs per unit: its site's per MWh of IT x the MW one GPU draws
    per_unit = np.array([c.mw_per_unit for c in caps.values()], dtype=float)
    lcoe = lcoe * per_unit
    share = np.array([covered_share(windows[d.tenant.id], period) for d in demands])
    hours = share * period.hours
    unit_mw = np.array([unit_mw_of(d.tenant) for d in demands], dtype=float)
    price = np.array([_tenant_price(d.tenant, planning) for d in demands])
    revenue = price * period.months * share
    for i, d in enumerate(demands):  # GPU tenants: per GPU-hour
        if d.tenant.gpus:
            revenue[i] = gpu_price_usd_per_hour(d.tenant, period.year) * hours[i]
    pen = np.array([d.tenant.latency_penalty_usd_per_mwh_per_ms if d.tenant.latency_penalty_usd_per_mwh_per_ms
                    is not None else sc.assignment.latency_penalty_usd_per_mwh_per_ms for d in demands])
    r = np.where(np.isfinite(rtt), rtt, 1e6)
    outage, expected_credits = outage_and_credits(sc, demands, caps, revenue)
    weight = np.rint((lcoe[None, :] + pen[:, None] * r * per_unit[None, :]) * hours[:, None] - revenue[:, None]
                     + outage + expected_credits).astype(np.int64) if demands else np.zeros((0, n_c), dtype=np.int64)
    cash = (lcoe[None, :] * hours[:, None] - revenue[:, None] + outage + expected_credits if demands
            else np.zeros((0, n_c)))
    unserved, unserved_money, unserved_item = [], [], []
    for i, d in enumerate(demands):
        t = d.tenant
        credits = _class_penalty(t, planning) * period.months * share[i] * unit_mw[i]
        sla = (credits, SLA_CREDITS) if t.tenant_class == "committed" else (0.0, NOT_CASH)
        if t.id in running and t.evictable:
            notice_ok = period.start >= planning.start + _days(t.notice_days)
            fee = t.eviction_cost_usd_per_mw * unit_mw[i]
            unserved.append(fee if notice_ok else FORBIDDEN_USD_PER_MW)
            money, item = (fee, EVICTION) if notice_ok else sla
        else:
            unserved.append(credits)
            money, item = sla
        unserved_money.append(money)
        unserved_item.append(item)
    unserved = np.rint(np.array(unserved, dtype=float)).astype(np.int64)
    if prune_price:
        violations[(violations == 0) & (weight >= unserved[:, None])] |= RULE_BIT["price"]
    a_d, a_c = np.nonzero(violations == 0)
    problem = Problem(caps, demands, a_d.astype(np.int64), a_c.astype(np.int64), weight[a_d, a_c], rtt, violations,
                      unserved, {}, int(round(planning.migration_usd_per_mw)), {}, cash[a_d, a_c],
                      np.array(unserved_money, dtype=float), float(planning.migration_usd_per_mw),
                      unit_mw if np.any(unit_mw != 1.0) else None)
    prev = {}
    before = {}  # demand key -> MW it ran in the period before, over every capacity
    for (key, _), mw in previous.items():
        before[key] = before.get(key, 0) + mw
    for (key, cid), mw in previous.items():
        i, j = problem.demand_index.get(key), problem.capacity_index.get(cid)
        if i is not None and j is not None and violations[i, j] == 0 and caps[cid].mw > 0:
            growth = max(demands[i].mw - before[key], 0)
            prev[i, j] = int(min(mw + growth, demands[i].mw))
    problem.previous = prev
    return problem, LayerPrices(revenue, hours, unserved_item, outage, expected_credits)


def outage_and_credits(scenario, demands: list, caps: dict, revenue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(revenue lost to outages, expected SLA credits) [USD per MW over the period] of every demand
    node on every capacity (:mod:`placement.plan.money`): revenue x (1 - availability), and for a
    tenant with an ``uptime_target`` its schedule's credit at the capacity's availability x revenue."""
    from placement.catalogs.power_supply import credit_fraction, load_sla_credits

    availability = np.array([c.availability for c in caps.values()], dtype=float)
    outage = revenue[:, None] * (1.0 - availability[None, :])
    credits = np.zeros_like(outage)
    schedules = load_sla_credits()
    for i, d in enumerate(demands):
        if d.tenant.uptime_target is not None:
            steps = schedules[d.tenant.sla_credits]
            credits[i] = revenue[i] * np.array([credit_fraction(steps, a) for a in availability])
    return outage, credits


def moved_mw(problem: Problem, net, flow: np.ndarray, carried: set):
    """MW of running load a solved layer moved: the flow on served arcs of demand nodes that ran
    before (a GPU tenant's GPUs x its MW per GPU); whole MW where every unit is a MW."""
    if not carried:
        return 0
    mask = (net.arc_role == SERVED_ARC) & np.isin(net.arc_demand, list(carried))
    if problem.unit_mw is None:
        return int(flow[mask].sum())
    return round(float((flow[mask] * problem.unit_mw[net.arc_demand[mask]]).sum()), 3)


def _days(n: int):
    return dt.timedelta(days=int(n))


def _records(period: Period, problem: Problem, placed: dict, prices: LayerPrices) -> list:
    """Revenue, capacity cost and their difference [USD] of a solved layer by (tenant, capacity)."""
    if not placed:
        return []
    pairs = np.array(list(placed), dtype=np.int64).reshape(-1, 2)
    i, j = pairs[:, 0], pairs[:, 1]
    units = np.array(list(placed.values()), dtype=float)
    caps = [problem.capacities[cid] for cid in problem.capacity_ids]
    per_unit = np.array([c.mw_per_unit for c in caps], dtype=float)
    lcoe = np.array([c.lcoe_in(period.year) for c in caps], dtype=float)
    hours = np.asarray(prices.hours, dtype=float)
    cost = units * hours[i] * lcoe[j] * per_unit[j]
    if prices.outage is not None:
        cost += units * (prices.outage[i, j] + prices.credits[i, j])
    tenant_of = {}
    t = np.array([tenant_of.setdefault(problem.demands[k].tenant.id, len(tenant_of)) for k in i.tolist()],
                 dtype=np.int64)
    groups, at = np.unique(t * len(caps) + j, return_inverse=True)
    sums = [np.bincount(at, weights=w, minlength=groups.size).tolist() for w in
            (units * per_unit[j], units, units * hours[i], units * np.asarray(prices.revenue, dtype=float)[i], cost)]
    tenant_ids = list(tenant_of)
    out = []
    for g, (mw, gpus, gpu_hours, revenue, spent) in sorted(
            zip(groups.tolist(), zip(*sums)),
            key=lambda x: (tenant_ids[x[0] // len(caps)], problem.capacity_ids[x[0] % len(caps)])):
        cid = problem.capacity_ids[g % len(caps)]
        pool = problem.capacities[cid].generation
        row = {"tenant": tenant_ids[g // len(caps)], "capacity_id": cid, "kind": problem.capacities[cid].kind,
               "period": period.label, "mw": round(mw, 3) if pool else int(round(mw))}
        if pool:  # a GPU pool: its GPUs, their generation and what one earns per hour
            row |= {"gpus": int(round(gpus)), "generation": pool,
                    "revenue_usd_per_gpu_hour": round(revenue / gpu_hours, 4) if gpu_hours else 0.0}
        row |= {"revenue_usd": round(revenue, 2), "cost_usd": round(spent, 2), "margin_usd": round(revenue - spent, 2)}
        out.append(row)
    return out


# --- the plan -------------------------------------------------------------------------------------

def value_maps(layers: list) -> tuple:
    """(capacity_value, capacity_objective_value) of :class:`MultiPeriodPlan` from its layers: per node
    ``(period label, "capacity", id)`` the margin rise per MW-month (a GPU pool's per GPU over its MW
    per GPU) and the objective fall per MW over the period."""
    nodes = [((layer.period.label, "capacity", cid), layer, j) for layer in layers
             for j, cid in enumerate(layer.problem.capacity_ids)]
    capacity_value = {node: float(layer.margin_values[j]) / layer.period.months
                      / layer.problem.capacities[layer.problem.capacity_ids[j]].mw_per_unit + 0.0
                      for node, layer, j in nodes}
    return capacity_value, {node: float(layer.values[j]) for node, layer, j in nodes}


def fill_values(plan: MultiPeriodPlan, scenario, solver: str = "ortools") -> MultiPeriodPlan:
    """Compute the values of one more MW of every layer that has none (:func:`plan_over_time` with
    ``values=False``), and the plan's maps of them, in place; returns ``plan``."""
    missing = [layer for layer in plan.layers if layer.values is None]
    for layer in missing:
        worth = capacity_values(layer.solution, scenario.assignment.max_search_nodes, solver=solver)
        layer.values, layer.margin_values = worth.objective_fall, worth.margin_rise_usd
    if missing:
        plan.capacity_value, plan.capacity_objective_value = value_maps(plan.layers)
    return plan


def plan_over_time(scenario, *, site_scores=None, shell_scores=None, solver: str = "ortools",
                   extra_tenants=(), device: str = "auto", allow_large: bool = False,
                   context: PlanContext | None = None, values: bool = True) -> MultiPeriodPlan:
    """Solve the plan layer by layer (module docstring); ``context``: the scenario's
    :func:`context_of`, when already built (the whole-horizon plan's warm start); ``values``:
    False leaves each layer's values of one more MW None, for :func:`fill_values` to compute when
    they are needed (the whole-horizon plan needs them only past its time limit)."""
    if extra_tenants:
        scenario = dataclasses.replace(scenario, tenants=list(scenario.tenants) + list(extra_tenants))
    ctx = context if context is not None else context_of(scenario, site_scores, shell_scores, device, allow_large)
    previous, gone, running = {}, set(), set()
    layers, rows, evictions = [], [], []
    objective, optimal = 0, True
    for period in ctx.periods:
        problem, prices = layer_problem(ctx, period, previous, gone, running)
        solution = solve(problem, scenario.assignment.max_search_nodes, solver=solver)
        depreciation = fleet_depreciation_usd(scenario, period)  # GPU fleets: a constant of the period
        objective += solution.cost + int(round(depreciation))
        optimal &= solution.optimal
        placed = placed_mw(problem, solution)
        net, f = solution.net, solution.arc_flow
        carried = {i for i, _ in problem.previous}
        moved = moved_mw(problem, net, f, carried)
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
        money = layer_money(problem, prices, placed, unserved_mw(problem, solution), moved, period.year,
                            solution.cost + int(round(depreciation)), {"gpu_depreciation_usd": depreciation})
        rows += _records(period, problem, placed, prices)
        worth = capacity_values(solution, scenario.assignment.max_search_nodes, solver=solver) if values else None
        layers.append(Layer(period, problem, solution, {(problem.demands[i].key, problem.capacity_ids[j]): mw
                                                        for (i, j), mw in placed.items()},
                            worth.objective_fall if values else None, list(expelled), moved, money,
                            worth.margin_rise_usd if values else None))
        previous = {(problem.demands[i].key, problem.capacity_ids[j]): mw for (i, j), mw in placed.items()}
        running = set(served_by_tenant) - gone
    margin = sum(layer.money["margin_cents"] for layer in layers) / 100  # exact: the sum of the periods
    capacity_value, objective_value = value_maps(layers) if values else ({}, {})
    return MultiPeriodPlan(scenario.name, getattr(scenario, "fingerprint", ""), ctx.periods, layers, rows,
                           int(objective), float(margin), capacity_value, evictions, bool(optimal), objective_value)


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


__all__ = ["MultiPeriodPlan", "Layer", "plan_over_time", "layered_graph", "layered_flow", "key_label", "unserved_of_layer",
           "FORBIDDEN_USD_PER_MW"]
