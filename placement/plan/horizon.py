"""The plan with foresight: the whole-horizon program of :mod:`placement.plan.horizon_model`
solved to proven optimality by HiGHS, warm-started from the rolling plan.

The rolling plan (:mod:`placement.plan.over_time`, ``method = "rolling"``) solves one period at a
time from the placement the period before left, and so cannot see that a migration paid now saves
a year unserved later, that an expel clause is worth more used later, or that a campus should be
built before it is needed. The whole-horizon plan decides every period at once. Its result is a
:class:`HorizonPlan`: the same periods, money and records as the rolling plan, plus ``builds``
(when and how many MW of each candidate campus to build, with the capital committed), the method
used, the solver's proven bound and gap, and what the rolling plan earns valued in the same model
(its placement is the warm start, so the whole-horizon margin is never below it).

The value of one more MW of a capacity in a period is, for the whole-horizon plan, the rise of the
**whole horizon's** margin when the capacity has one more MW in that period, with the discrete
decisions (which site each exclusive lease and block takes, expulsions, builds) held at the
optimum: the linear program over the remaining decisions is re-solved (HiGHS, hot-started) for
every capacity and period whose row is binding (its dual not zero); elsewhere it is 0. The objective
fall beside it is the row's dual.

References
----------
.. [1] Huangfu, Q. & Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
   Mathematical Programming Computation 10, 119-142 (HiGHS).
.. [2] Pochet, Y. & Wolsey, L. A. (2006). Production Planning by Mixed Integer Programming,
   Springer (multi-period lot sizing with set-up decisions: the build variables).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from placement.plan.horizon_model import HorizonModel, build_model, period_data
from placement.plan.money import EVICTION, layer_money
from placement.plan.multi_period import Layer, MultiPeriodPlan
from placement.plan.network import (
    CAPACITY_ARC,
    SERVED_ARC,
    SOURCE_ARC,
    UNSERVED_ARC,
    flow_network,
)
from placement.plan.solve import Solution

#: Default time the whole-horizon solve may take before the best plan found is returned with its gap [s].
TIME_LIMIT_S = 60.0


@dataclass
class SolveResult:
    """A solved program: the point, its objective and the proven bound [USD], HiGHS's status."""
    v: np.ndarray
    objective: int
    bound: int
    status: str
    seconds: float
    improved_on_start: bool = True

    def _replace_start(self, start, model) -> "SolveResult":
        """This result, or ``start`` where that is at least as good."""
        if model.objective_of(start) <= self.objective:
            return SolveResult(np.asarray(start, dtype=float), model.objective_of(start), self.bound, self.status,
                               self.seconds, False)
        return self


def solve_model(model: HorizonModel, start: np.ndarray | None = None, *, time_limit_s: float = TIME_LIMIT_S,
                threads: int | None = None) -> SolveResult:
    """Minimise the program with HiGHS (relative gap 0, absolute gap below one USD: the objective is
    a whole number of USD, so a solve that finishes is proven optimal), from ``start`` when given."""
    t0 = time.perf_counter()
    h = _highs(model, time_limit_s, threads)
    if start is not None:
        # the sparse form: with a whole HighsSolution, highspy 1.16 returns that start from
        # getSolution even where the search found better
        nz = np.flatnonzero(start)
        h.setSolution(int(nz.size), nz.astype(np.int32), np.asarray(start, dtype=float)[nz])
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if info.primal_solution_status == 0:
        if start is None:
            raise RuntimeError(f"the whole-horizon program has no solution ({status})")
        v = np.asarray(start, dtype=float)
    else:
        v = np.asarray(h.getSolution().col_value, dtype=float)
    v = np.where(model.integer, np.rint(v), v)
    objective = model.objective_of(v)
    if start is not None and info.primal_solution_status != 0 and \
            objective > float(info.objective_function_value) + model.offset + 0.5:
        # highspy 1.16 can hand back the start itself where presolve found better: solve again without it
        return solve_model(model, None, time_limit_s=time_limit_s, threads=threads)._replace_start(start, model)
    if start is not None and model.objective_of(start) <= objective:
        v, objective = np.asarray(start, dtype=float), model.objective_of(start)
    bound = float(info.mip_dual_bound) + model.offset
    bound = objective if status == "Optimal" else int(np.ceil(min(bound, objective) - 1e-6))
    return SolveResult(v, objective, int(bound), status, time.perf_counter() - t0,
                       start is None or objective < model.objective_of(start))


def _highs(model: HorizonModel, time_limit_s: float, threads: int | None, integer: bool = True):
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    h.setOptionValue("time_limit", float(time_limit_s))
    if threads:
        h.setOptionValue("threads", int(threads))
    lp = highspy.HighsLp()
    n = model.n_cols
    A = model.A.tocsc()
    lp.num_col_, lp.num_row_ = n, A.shape[0]
    lp.col_cost_ = model.cost
    lp.col_lower_, lp.col_upper_ = model.lower, model.upper
    lp.row_lower_, lp.row_upper_ = model.row_lower, model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, A.shape[0]
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous
                           for b in model.integer]
    h.passModel(lp)
    return h


def point_of_rolling(model: HorizonModel, data: list, rolling) -> np.ndarray:
    """The rolling plan's decisions as a point of the program (its warm start): its placement,
    expulsions, the MW each demand node gained, and each candidate built in whole blocks as far as
    the rolling plan ever used it."""
    v = np.zeros(model.n_cols)
    for col in model.alive_col.values():
        v[col] = 1.0
    expelled_in = {e["tenant"]: e["period"] for e in rolling.evictions}
    labels = [p.label for p in model.periods]
    for (tid, p), col in model.alive_col.items():
        if tid in expelled_in and labels.index(expelled_in[tid]) <= p:
            v[col] = 0.0
    used_peak = {}
    for p, (pd, layer) in enumerate(zip(data, rolling.layers)):
        prob = pd.problem
        where = {(prob.demands[int(prob.arc_demand[a])].key, prob.capacity_ids[int(prob.arc_capacity[a])]): k
                 for k, a in enumerate(pd.arcs)}
        for (key, cid), mw in layer.placed.items():
            k = where[key, cid]
            v[model.x_col[p][k]] = mw / model.x_mw[p][k]
        for cid in model.block_mw:
            used = sum(mw for (_, c), mw in layer.placed.items() if c == cid)
            used_peak[cid] = max(used_peak.get(cid, 0), used)
            v[model.blocks_col[cid, p]] = -(-used_peak[cid] // model.block_mw[cid])
    _fill_moves(model, data, v)
    return v


def _fill_moves(model: HorizonModel, data: list, v: np.ndarray) -> None:
    """Set the ``z`` and ``moved`` columns of a point from its placement (the least they can be)."""
    for p in range(1, len(data)):
        prob, before = data[p].problem, data[p - 1].problem
        prev = {}
        for k, a in enumerate(data[p - 1].arcs):
            key = before.demands[int(before.arc_demand[a])].key
            prev[key, before.capacity_ids[int(before.arc_capacity[a])]] = v[model.x_col[p - 1][k]] * model.x_mw[p - 1][k]
        gained = {}
        for k, a in enumerate(data[p].arcs):
            i, j = int(prob.arc_demand[a]), int(prob.arc_capacity[a])
            col = model.z_col[p].get((i, j))
            if col is None:
                continue
            now = v[model.x_col[p][k]] * model.x_mw[p][k]
            v[col] = max(now - prev.get((prob.demands[i].key, prob.capacity_ids[j]), 0.0), 0.0)
            gained[i] = gained.get(i, 0.0) + v[col]
        before_mw = {d.key: d.mw for d in before.demands}
        for (q, i), col in model.moved_col.items():
            if q == p:
                growth = max(prob.demands[i].mw - before_mw.get(prob.demands[i].key, 0), 0)
                v[col] = max(gained.get(i, 0.0) - growth, 0.0)


def feasible(model: HorizonModel, v: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether a point meets every bound and row of the program."""
    r = model.A @ v
    return bool(np.all(v >= model.lower - tol) and np.all(v <= model.upper + tol)
                and np.all(r >= model.row_lower - tol) and np.all(r <= model.row_upper + tol))


@dataclass
class HorizonPlan(MultiPeriodPlan):
    """A :class:`~placement.plan.multi_period.MultiPeriodPlan` solved over the whole horizon (module
    docstring): ``method`` (``"horizon"``), ``bound`` [USD, HiGHS's proven lower bound on the
    objective], ``builds`` (capacity_id, period, mw, capital_usd), ``rolling_objective`` and
    ``rolling_margin_usd`` (the rolling plan valued in the same program), ``solve_s``."""
    method: str = "horizon"
    bound: int = 0
    builds: list = field(default_factory=list)
    rolling_objective: int = 0
    rolling_margin_usd: float = 0.0
    solve_s: float = 0.0
    solver_status: str = ""

    @property
    def lower_bound(self) -> int:
        return int(self.bound)

    @property
    def gap_usd(self) -> int:
        return int(self.objective - self.bound)

    def to_dict(self) -> dict:
        doc = super().to_dict()
        doc.update({"method": self.method, "builds": self.builds,
                    "rolling_objective_usd": self.rolling_objective,
                    "rolling_margin_usd": round(self.rolling_margin_usd, 2),
                    "solver_status": self.solver_status})
        return doc


def plan_whole_horizon(scenario, *, site_scores=None, shell_scores=None, device: str = "auto",
                       allow_large: bool = False, time_limit_s: float = TIME_LIMIT_S, values: bool = True,
                       extra_tenants=()) -> HorizonPlan:
    """Plan every period at once (module docstring)."""
    import dataclasses

    from placement.plan.over_time import context_of, plan_over_time

    if extra_tenants:
        scenario = dataclasses.replace(scenario, tenants=list(scenario.tenants) + list(extra_tenants))
    ctx = context_of(scenario, site_scores, shell_scores, device, allow_large)
    rolling = plan_over_time(scenario, context=ctx)
    build_ids = frozenset(cid for cid, spec in ctx.specs.items() if spec.build)
    data = period_data(ctx, build_ids)
    model = build_model(ctx, data, build_ids)
    start = point_of_rolling(model, data, rolling)
    if not feasible(model, start):
        start = None
    result = solve_model(model, start, time_limit_s=time_limit_s)
    return assemble(scenario, ctx, data, model, result, rolling, start, values=values)


def assemble(scenario, ctx, data: list, model: HorizonModel, result: SolveResult, rolling, start,
             values: bool = True) -> HorizonPlan:
    """The :class:`HorizonPlan` of a solved program: layers with the placement, money and
    unserved demand of each period, records, expulsions, builds and the values of one more MW."""
    from placement.plan.over_time import _records

    v = result.v
    fall, rise = capacity_values(model, data, v) if values else ({}, {})
    layers, rows, evictions, builds = [], [], [], []
    gone = set()
    for p, pd in enumerate(data):
        prob, prices, period = pd.problem, pd.prices, pd.period
        placed = {}
        for k, a in enumerate(pd.arcs):
            mw = int(round(v[model.x_col[p][k]] * model.x_mw[p][k]))
            if mw:
                placed[int(prob.arc_demand[a]), int(prob.arc_capacity[a])] = mw
        expelled = [tid for (tid, q), col in model.alive_col.items()
                    if q == p and v[col] < 0.5 and (q == 0 or v[model.alive_col[tid, q - 1]] > 0.5)]
        gone |= set(expelled)
        alive = np.array([d.tenant.id not in gone for d in prob.demands], dtype=bool)
        served = np.zeros(len(prob.demands), dtype=np.int64)
        for (i, _), mw in placed.items():
            served[i] += mw
        short = np.where(alive, prob.demand_mw - served, 0)
        moved = int(round(sum(v[col] for (q, _), col in model.moved_col.items() if q == p)))
        fee = sum(float(t.eviction_cost_usd_per_mw) * int(sum(d.mw for d in prob.demands if d.tenant.id == t.id))
                  for t in scenario.tenants if t.id in expelled)
        capital = 0.0
        for cid, size in model.block_mw.items():
            n = v[model.blocks_col[cid, p]]
            j = prob.capacity_index[cid]
            rate = float(ctx.capacities[cid].components.get("capital_usd_per_mwh_it", 0.0))
            used_mwh = sum(mw * prices.hours[i] for (i, jj), mw in placed.items() if jj == j)
            capital += rate * (n * size * period.hours - used_mwh)
            before = v[model.blocks_col[cid, p - 1]] if p else 0.0
            if n > before + 0.5:
                mw = int(round((n - before) * size))
                rest = sum(q.hours for q in model.periods[p:])
                builds.append({"capacity_id": cid, "period": period.label, "mw": mw,
                               "capital_usd": round(rate * mw * rest, 2)})
        extra = {EVICTION: fee, "capital_usd": capital}
        objective_p = _period_objective(model, p, v)
        money = layer_money(prob, prices, placed, short, moved, period.year, objective_p, extra)
        solution = _layer_solution(prob, placed, short, objective_p)
        rows += _records(period, prob, placed, prices)
        n_c = len(prob.capacity_ids)
        values_p = np.array([fall.get((p, j), 0.0) for j in range(n_c)])
        rise_p = np.array([rise.get((p, j), 0.0) for j in range(n_c)])
        layers.append(Layer(period, prob, solution, {(prob.demands[i].key, prob.capacity_ids[j]): mw
                                                     for (i, j), mw in placed.items()},
                            values_p, expelled, moved, money, rise_p))
        for tid in expelled:
            evictions.append({"tenant": tid, "period": period.label,
                              "mw": int(sum(d.mw for d in prob.demands if d.tenant.id == tid))})
    margin = sum(layer.money["margin_cents"] for layer in layers) / 100
    nodes = [((layer.period.label, "capacity", cid), layer, j) for layer in layers
             for j, cid in enumerate(layer.problem.capacity_ids)]
    capacity_value = {node: float(layer.margin_values[j]) / layer.period.months + 0.0 for node, layer, j in nodes}
    objective_value = {node: float(layer.values[j]) for node, layer, j in nodes}
    rolling_v = start if start is not None else None
    return HorizonPlan(scenario.name, getattr(scenario, "fingerprint", ""), ctx.periods, layers, rows,
                       int(result.objective), float(margin), capacity_value, evictions,
                       result.objective == result.bound, objective_value, method="horizon", bound=result.bound,
                       builds=builds,
                       rolling_objective=model.objective_of(rolling_v) if rolling_v is not None else rolling.objective,
                       rolling_margin_usd=model.margin_of(rolling_v) if rolling_v is not None else rolling.margin_usd,
                       solve_s=result.seconds, solver_status=result.status)


def _period_objective(model: HorizonModel, p: int, v: np.ndarray) -> int:
    """The part of the objective [USD] that falls in period ``p``: its arcs, unserved demand, fees,
    migration and built capital (the periods add up to the program's objective)."""
    return int(model.period_objectives(v)[p])


def _layer_solution(prob, placed: dict, short: np.ndarray, cost: int) -> Solution:
    """A :class:`~placement.plan.solve.Solution` of a layer's network carrying the plan's placement
    (no keep arcs: the whole-horizon plan prices moves itself), for the explanations."""
    net = flow_network(prob)
    f = np.zeros(net.tail.size, dtype=np.int64)
    f[np.flatnonzero(net.arc_role == UNSERVED_ARC)] = short
    served = np.flatnonzero(net.arc_role == SERVED_ARC)
    where = {(int(net.arc_demand[k]), int(net.arc_capacity[k])): k for k in served}
    used = np.zeros(net.n_capacities, dtype=np.int64)
    for (i, j), mw in placed.items():
        f[where[i, j]] = mw
        used[j] += mw
    f[np.flatnonzero(net.arc_role == CAPACITY_ARC)] = used
    # the source arcs of expelled tenants' nodes carry what is neither served nor unserved
    f[np.flatnonzero(net.arc_role == SOURCE_ARC)] = np.minimum(prob.demand_mw, short + np.bincount(
        [i for (i, _) in placed], weights=list(placed.values()), minlength=len(prob.demands)).astype(np.int64))
    return Solution(net, f, int(cost), True, int(cost), 1, problem=prob, root_cost=int(cost), root_flow=f)


def capacity_values(model: HorizonModel, data: list, v: np.ndarray) -> tuple[dict, dict]:
    """(objective fall, margin rise) [USD per MW over the period] for one more MW of each capacity in
    each period, the discrete decisions held (module docstring): {(period index, capacity index): USD}."""

    lower, upper = model.lower.copy(), model.upper.copy()
    fixed = model.integer.copy()
    fixed[np.concatenate(model.x_col) if model.x_col else []] = False
    for p, cols in enumerate(model.x_col):  # a discrete arc (whole node) stays fixed; MW arcs are free
        disc = model.x_mw[p] > 1
        fixed[cols[disc]] = True
        fixed[cols[~disc]] = False
    lower[fixed], upper[fixed] = v[fixed], v[fixed]
    lp = HorizonModel(model.cost, model.cash, model.cash_offset, lower, upper, np.zeros_like(model.integer), model.A,
                      model.row_lower, model.row_upper, model.offset, model.periods, model.x_col, model.x_mw,
                      capacity_rows=model.capacity_rows)
    h = _highs(lp, TIME_LIMIT_S, None, integer=False)
    h.run()
    if h.modelStatusToString(h.getModelStatus()) != "Optimal":
        return {}, {}
    base = h.getSolution()
    duals = np.asarray(base.row_dual)
    base_obj = float(h.getInfo().objective_function_value)
    base_margin = lp.margin_of(np.asarray(base.col_value))
    fall, rise = {}, {}
    for key, rows in model.capacity_rows.items():
        d = -float(sum(duals[r] for r in rows))
        if abs(d) < 1e-9:
            continue
        for r in rows:
            h.changeRowBounds(r, float(model.row_lower[r]), float(model.row_upper[r]) + 1.0)
        h.run()
        if h.modelStatusToString(h.getModelStatus()) == "Optimal":
            fall[key] = base_obj - float(h.getInfo().objective_function_value)
            rise[key] = lp.margin_of(np.asarray(h.getSolution().col_value)) - base_margin
        for r in rows:
            h.changeRowBounds(r, float(model.row_lower[r]), float(model.row_upper[r]))
    h.run()
    return fall, rise


__all__ = ["TIME_LIMIT_S", "HorizonPlan", "feasible", "plan_whole_horizon", "point_of_rolling", "solve_model"]
