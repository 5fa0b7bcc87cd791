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

How it is solved depends on the program. Where every demand is splittable (no exclusive lease,
single site, block, expel clause or candidate build) and the program has more than
:data:`PATH_COLUMNS_MIN_ARCS` arcs, by whole paths as columns (:mod:`placement.plan.horizon_paths`,
a Dantzig-Wolfe decomposition started from the rolling plan's paths and values): at
``benchmarks/bench_plan.py``'s 15 x 60 x 500 it is proven optimal in about 5.5 s. Otherwise the whole
program by HiGHS up to :data:`FULL_MODEL_ARCS` arcs, and past that HiGHS on a subset of its arcs
grown by pricing (:func:`price_out`).

The value of one more MW of a capacity in a period is, for the whole-horizon plan, the rise of the
**whole horizon's** margin when the capacity has one more MW in that period, with the discrete
decisions (which site each exclusive lease and block takes, expulsions, builds) held at the
optimum: the linear program over the remaining decisions is re-solved (HiGHS, hot-started) for
every capacity and period whose row is binding (its dual not zero); elsewhere it is 0. A candidate
campus's extra MW is one more MW built, so its capital for the period is paid from that rise. The
objective fall beside it is the same re-solve's. A plan solved by path columns re-solves its
master instead, where new paths may enter (:func:`placement.plan.path_master.values_of_one_more_unit`).

References
----------
.. [1] Huangfu, Q. & Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
   Mathematical Programming Computation 10, 119-142 (HiGHS).
.. [2] Pochet, Y. & Wolsey, L. A. (2006). Production Planning by Mixed Integer Programming,
   Springer (multi-period lot sizing with set-up decisions: the build variables).
.. [3] Desrosiers, J. & Luebbecke, M. E. (2005). A primer in column generation. In Column
   Generation, Springer, 1-32 (pricing columns left out by their reduced costs).
.. [4] Measured here (2 cores, highspy 1.16): the first priced subset of
   ``benchmarks/bench_plan.py``'s 15 x 60 x 500 scenario (41,090 rows, 65,623 columns) solves in
   15 s by HiGHS's interior point with crossover and 41 s by its dual simplex; the whole program of
   its 10 x 30 x 200 scenario (47,283 rows, 95,152 columns, 49,830 integer) is proven optimal in
   9 s with ``mip_lp_solver = "ipm"`` where the default had no bound after 60 s.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from placement.plan.gpus import fleet_depreciation_usd, unit_mw_of
from placement.plan.highs import new_highs
from placement.plan.horizon_model import HorizonModel, build_model, period_data
from placement.plan.horizon_paths import applies as paths_apply
from placement.plan.horizon_paths import paths_of
from placement.plan.horizon_pricing import initial_keep, price_out, rolling_arcs, rolling_bound, round_bound
from placement.plan.lagrangian import model_bound
from placement.plan.path_master import solve_paths, values_of_one_more_unit
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
    #: where the program was solved by path columns: ``budget_s -> (fall, rise, exact)``, the values
    #: of one more MW from its master (:func:`placement.plan.path_master.values_of_one_more_unit`)
    values_of: object = None

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
    if model.n_cols == 0:  # nothing to decide: the constant is the optimum
        return SolveResult(np.zeros(0), model.offset, model.offset, "Optimal", 0.0, False)
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
    left_s = time_limit_s - (time.perf_counter() - t0)
    if start is not None and info.primal_solution_status != 0 and left_s >= 1.0 and \
            objective > float(info.objective_function_value) + model.offset + 0.5:
        # highspy 1.16 can hand back the start itself where presolve found better: solve again without
        # it, in the time left
        return solve_model(model, None, time_limit_s=left_s, threads=threads)._replace_start(start, model)
    if start is not None and model.objective_of(start) <= objective:
        v, objective = np.asarray(start, dtype=float), model.objective_of(start)
    bound = float(info.mip_dual_bound) + model.offset
    if status == "Optimal":
        bound = objective
    elif np.isfinite(bound):
        bound = int(np.ceil(min(bound, objective) - 1e-6))
    else:  # no bound proven (stopped before the root relaxation)
        bound = -(2**62)
    return SolveResult(v, objective, int(bound), status, time.perf_counter() - t0,
                       start is None or objective < model.objective_of(start))


#: Below this many columns the mixed-integer program is solved without HiGHS's presolve. Measured
#: with HiGHS 1.16 on this project's 2-core machine (``benchmarks/bench_default_plan.py``): the
#: default scenario's yearly program (734 columns, blocks of 140,000 GPUs) spent 5.5 s at the root
#: after presolve and 0.8 s without it; the MW story's (869 columns) 0.5 s and 0.8 s; the monthly
#: programs (9,276 and 11,011 columns) need it (7.9 s with, 47.3 s without).
MIP_PRESOLVE_MIN_COLS = 2000


def _highs(model: HorizonModel, time_limit_s: float, threads: int | None, integer: bool = True):
    import highspy

    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    h.setOptionValue("time_limit", float(time_limit_s))
    if threads:
        h.setOptionValue("threads", int(threads))
    if integer and model.n_cols <= MIP_PRESOLVE_MIN_COLS:
        h.setOptionValue("presolve", "off")
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
    if integer and n > IPM_MIP_COLUMNS:
        h.setOptionValue("mip_lp_solver", "ipm")  # [4]_
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous
                           for b in model.integer]
    h.passModel(lp)
    return h


#: Seconds the values of one more MW may take re-solving (:func:`capacity_values`).
VALUES_TIME_S = 30.0
#: Columns past which HiGHS's branch and bound solves its linear programs by interior point.
IPM_MIP_COLUMNS = 20_000
#: Arcs (over all periods) past which the program is solved on a priced subset of them.
FULL_MODEL_ARCS = 60_000
#: Arcs (over all periods) past which a program whose demand is all splittable is solved by whole
#: paths as columns (:mod:`placement.plan.horizon_paths`). Measured on this project's 2-core
#: machine (``benchmarks/bench_plan.py``): at 10 x 30 x 200 (50,000 arcs) 0.8 s by paths against
#: 7.5 s for HiGHS on the whole program; below it HiGHS's own solve, with the values of one more MW
#: re-solved exactly, stays.
PATH_COLUMNS_MIN_ARCS = 20_000

def solve_whole(ctx, data: list, build_ids: frozenset, rolling, time_limit_s: float):
    """(model, result, start) of the whole-horizon program: the whole program where it has at most
    :data:`FULL_MODEL_ARCS` arcs; past that, on a subset of its arcs grown by pricing
    (:func:`price_out`, column generation on the linear relaxation [3]_) until no arc left out could
    lower the relaxation, whose optimum is then a proven lower bound for the whole program; the
    mixed-integer program on that subset gives the plan, proven optimal where it meets the bound."""
    t0 = time.perf_counter()
    n_arcs = sum(pd.arcs.size for pd in data)
    if n_arcs > PATH_COLUMNS_MIN_ARCS and paths_apply(ctx, data, build_ids):
        # every demand splittable: whole paths as columns, from the rolling plan's paths and values
        from placement.plan.over_time import fill_values

        fill_values(rolling, ctx.scenario)
        return solve_by_paths(ctx, data, build_ids, rolling, time_limit_s, t0)
    if n_arcs <= FULL_MODEL_ARCS:
        model = build_model(ctx, data, build_ids)
        start = point_of_rolling(model, data, rolling)
        start = start if start is not None and feasible(model, start) else None
        return model, solve_model(model, start, time_limit_s=time_limit_s), start
    from placement.plan.over_time import fill_values

    fill_values(rolling, ctx.scenario)
    keep = initial_keep(data, rolling)
    # the best Lagrangian bound so far (placement.plan.lagrangian): first at the rolling plan's
    # values of one more MW, then at each pricing round's duals
    lagrangian = rolling_bound(build_model(ctx, data, build_ids, keep), data, keep, rolling)
    while True:
        model = build_model(ctx, data, build_ids, keep)
        if time.perf_counter() - t0 >= time_limit_s:  # pricing not finished: the whole LP's optimum unknown
            lp_bound = None
            break
        h = _highs(model, max(time_limit_s - (time.perf_counter() - t0), 1.0), None, integer=False)
        h.setOptionValue("solver", "ipm")  # with crossover (duals of a vertex): 3x dual simplex here [4]_
        h.run()
        if h.modelStatusToString(h.getModelStatus()) != "Optimal":
            lp_bound = None
            break
        lp_bound = float(h.getInfo().objective_function_value) + model.offset
        y = np.asarray(h.getSolution().row_dual, dtype=float)
        lagrangian = max(lagrangian, round_bound(model, data, keep, y))
        added, left_out = price_out(model, data, keep, y)
        lagrangian = max(lagrangian, model_bound(model, y) + left_out)
        if added == 0:
            break
    start = point_of_rolling(model, data, rolling)
    start = start if start is not None and feasible(model, start) else None
    result = solve_model(model, start, time_limit_s=max(time_limit_s - (time.perf_counter() - t0), 1.0))
    if lp_bound is not None:
        result.bound = min(result.bound, int(np.ceil(lp_bound - 1e-6)), result.objective)
    else:
        # the subset's bound (even its proven optimum) says nothing of the arcs never priced: the
        # whole program's bound is the best Lagrangian bound of a pricing round (none: no bound),
        # and no claim of optimality
        result.bound = int(np.floor(lagrangian)) if np.isfinite(lagrangian) else -(2**62)
        if result.status == "Optimal":
            result.status = "Time limit reached"
    result.bound = min(result.bound, result.objective)
    result.seconds = time.perf_counter() - t0
    return model, result, start


def solve_by_paths(ctx, data: list, build_ids: frozenset, rolling, time_limit_s: float, t0: float):
    """(model, result, start) of a program whose demand is all splittable, by whole paths as columns
    (:mod:`placement.plan.horizon_paths`), from the rolling plan's paths and its values of one more
    MW: the program returned holds the arcs the plan and the rolling plan use."""
    paths = paths_of(ctx, data)
    P, C = len(data), paths.n_capacities
    index = {key: n for n, key in enumerate(paths.keys)}
    placed = np.zeros((P, len(paths.keys), C), dtype=np.int64)
    guess = np.zeros((P, C))
    for p, (pd, layer) in enumerate(zip(data, rolling.layers)):
        cap_index = pd.problem.capacity_index
        for (key, cid), mw in layer.placed.items():
            placed[p, index[key], cap_index[cid]] += mw
        for j, cid in enumerate(layer.problem.capacity_ids):
            guess[p, cap_index[cid]] = -float(layer.values[j])
    solved = solve_paths(paths, max(time_limit_s - (time.perf_counter() - t0), 1.0), guess, placed)
    keep = rolling_arcs(data, rolling)
    for p, pd in enumerate(data):
        prob = pd.problem
        nodes = paths.node_of[p][prob.arc_demand[pd.arcs]]
        keep[p] |= solved.x[p, nodes, prob.arc_capacity[pd.arcs]] > 0
    model = build_model(ctx, data, build_ids, keep)
    v = np.zeros(model.n_cols)
    for p, pd in enumerate(data):
        a = model.arcs[p]
        nodes = paths.node_of[p][pd.problem.arc_demand[a]]
        v[model.x_col[p]] = solved.x[p, nodes, pd.problem.arc_capacity[a]]
    _fill_moves(model, data, v)
    if not feasible(model, v):
        raise RuntimeError("the plan of the path columns breaks a row of the program")
    objective = model.objective_of(v)
    # the program's objective less the paths' is its constant (unserved weights moved into the
    # arcs' costs, the fleets' depreciation): the same for every point
    constant = objective - solved.objective
    if solved.proven:
        bound, status = objective, "Optimal"
    else:
        slack = 1e-3 + 1e-12 * abs(solved.bound)  # the Lagrangian bound's sum in floating point
        bound = min(objective, int(np.ceil(solved.bound + constant - slack)) if np.isfinite(solved.bound) else -(2**62))
        status = "Optimal" if bound >= objective else "Time limit reached"
    start = point_of_rolling(model, data, rolling)
    start = start if start is not None and feasible(model, start) else None
    improved = start is None or objective < model.objective_of(start)
    if not improved:
        v, objective = np.asarray(start, dtype=float), model.objective_of(start)
        bound = min(bound, objective)
    def values_of(budget_s):
        return values_of_one_more_unit(paths, solved, budget_s)

    return model, SolveResult(v, objective, int(bound), status, time.perf_counter() - t0, improved, values_of), start


def point_of_rolling(model: HorizonModel, data: list, rolling) -> np.ndarray | None:
    """The rolling plan's decisions as a point of the program (its warm start; None where the
    program lacks an arc the rolling plan used): its placement,
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
                 for k, a in enumerate(model.arcs[p])}
        for (key, cid), mw in layer.placed.items():
            k = where.get((key, cid))
            if k is None:  # an arc the priced subset left out: no start
                return None
            v[model.x_col[p][k]] = mw / model.x_mw[p][k]
        for cid in model.block_mw:
            used = sum(mw for (_, c), mw in layer.placed.items() if c == cid)
            used_peak[cid] = max(used_peak.get(cid, 0), used)
            v[model.blocks_col[cid, p]] = -(-used_peak[cid] // model.block_mw[cid])
    _fill_moves(model, data, v)
    return v


def _fill_moves(model: HorizonModel, data: list, v: np.ndarray) -> None:
    """Set the ``z``, ``moved`` and notice-cut columns of a point from its placement (the least they
    can be)."""
    for p in range(1, len(data)):
        prob, before = data[p].problem, data[p - 1].problem
        prev = {}
        for k, a in enumerate(model.arcs[p - 1]):
            key = before.demands[int(before.arc_demand[a])].key
            prev[key, before.capacity_ids[int(before.arc_capacity[a])]] = v[model.x_col[p - 1][k]] * model.x_mw[p - 1][k]
        gained = {}
        for k, a in enumerate(model.arcs[p]):
            i, j = int(prob.arc_demand[a]), int(prob.arc_capacity[a])
            col = model.z_col[p].get((i, j))
            if col is None:
                continue
            now = v[model.x_col[p][k]] * model.x_mw[p][k]
            v[col] = max(now - prev.get((prob.demands[i].key, prob.capacity_ids[j]), 0.0), 0.0)
            gained[i] = gained.get(i, 0.0) + v[col]
        served_now, served_before = {}, {}
        for k, a in enumerate(model.arcs[p]):
            tid = prob.demands[int(prob.arc_demand[a])].tenant.id
            served_now[tid] = served_now.get(tid, 0.0) + v[model.x_col[p][k]] * model.x_mw[p][k]
        for k, a in enumerate(model.arcs[p - 1]):
            tid = before.demands[int(before.arc_demand[a])].tenant.id
            served_before[tid] = served_before.get(tid, 0.0) + v[model.x_col[p - 1][k]] * model.x_mw[p - 1][k]
        mw_now, mw_before = {}, {}
        for d in prob.demands:
            mw_now[d.tenant.id] = mw_now.get(d.tenant.id, 0) + d.mw
        for d in before.demands:
            mw_before[d.tenant.id] = mw_before.get(d.tenant.id, 0) + d.mw
        for (tid, q), col in model.cut_col.items():
            if q == p:
                shrink = max(mw_before.get(tid, 0) - mw_now.get(tid, 0), 0)
                v[col] = max(served_before.get(tid, 0.0) - served_now.get(tid, 0.0) - shrink, 0.0)
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
    rolling = plan_over_time(scenario, context=ctx, values=False)  # values when needed: fill_values
    build_ids = frozenset(cid for cid, spec in ctx.specs.items() if spec.build and cid in ctx.capacities)
    data = period_data(ctx, build_ids)
    model, result, start = solve_whole(ctx, data, build_ids, rolling, time_limit_s)
    return assemble(scenario, ctx, data, model, result, rolling, start, values=values)


def assemble(scenario, ctx, data: list, model: HorizonModel, result: SolveResult, rolling, start,
             values: bool = True) -> HorizonPlan:
    """The :class:`HorizonPlan` of a solved program: layers with the placement, money and
    unserved demand of each period, records, expulsions, builds and the values of one more MW."""
    from placement.plan.over_time import _records

    v = result.v
    # values re-solve the program's linear part around the optimum: only for a proven optimum (past a
    # time limit they would be values around a point that is not one, and take the limit again)
    computed = values and result.status == "Optimal"
    if computed and result.values_of is not None:
        # solved by path columns: re-solved on its master, where every path may enter (the program
        # held here has only the arcs the plan uses)
        fall, rise, exact = result.values_of(VALUES_TIME_S)
    else:
        fall, rise, exact = capacity_values(model, data, v) if computed else ({}, {}, False)
    if values and not computed:  # the rolling plan's, by capacity id, said inexact
        from placement.plan.over_time import fill_values

        fill_values(rolling, scenario)
        for p, layer in enumerate(rolling.layers):
            for j, cid in enumerate(layer.problem.capacity_ids):
                jj = data[p].problem.capacity_index.get(cid)
                if jj is not None:
                    fall[p, jj] = float(layer.values[j])
                    if layer.margin_values is not None:
                        rise[p, jj] = float(layer.margin_values[j])
    layers, rows, evictions, builds = [], [], [], []
    gone = set()
    for p, pd in enumerate(data):
        prob, prices, period = pd.problem, pd.prices, pd.period
        placed = {}
        for k, a in enumerate(model.arcs[p]):
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
        moved = sum(v[col] * unit_mw_of(prob.demands[i].tenant) for (q, i), col in model.moved_col.items() if q == p)
        moved = round(moved, 3) if prob.unit_mw is not None else int(round(moved))
        fee = sum(float(t.eviction_cost_usd_per_mw) * unit_mw_of(t)
                  * int(sum(d.mw for d in prob.demands if d.tenant.id == t.id))
                  for t in scenario.tenants if t.id in expelled)
        capital, gpu_capital = 0.0, 0.0
        for cid, size in model.block_mw.items():
            n = v[model.blocks_col[cid, p]]
            j = prob.capacity_index[cid]
            info = ctx.capacities[cid]  # a fitted pool counts GPUs: MW = units x MW per unit
            rate, gpu_rate = float(info.components.get("capital_usd_per_mwh_it", 0.0)), info.gpu_usd_per_mwh_it
            idle_mwh = (n * size * period.hours - sum(mw * prices.hours[i] for (i, jj), mw in placed.items()
                                                      if jj == j)) * info.mw_per_unit
            capital += rate * idle_mwh
            gpu_capital += gpu_rate * idle_mwh
            before = v[model.blocks_col[cid, p - 1]] if p else 0.0
            if n > before + 0.5:
                units = int(round((n - before) * size))
                mw = units * info.mw_per_unit
                rest = sum(q.hours for q in model.periods[p:])
                builds.append({"capacity_id": cid, "period": period.label, "mw": round(mw, 3) if info.generation
                               else units, "capital_usd": round((rate + gpu_rate) * mw * rest, 2)}
                              | ({"gpus": units, "generation": info.generation} if info.generation else {}))
        extra = {EVICTION: fee, "capital_usd": capital,
                 "gpu_depreciation_usd": fleet_depreciation_usd(scenario, period) + gpu_capital}
        objective_p = _period_objective(model, p, v)
        money = layer_money(prob, prices, placed, short, moved, period.year, objective_p, extra)
        solution = _layer_solution(prob, placed, short, objective_p)
        solution.values_exact = exact or not values
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
    # per MW-month (a GPU pool's value per GPU over its MW per GPU)
    capacity_value = {node: float(layer.margin_values[j]) / layer.period.months
                      / layer.problem.capacities[layer.problem.capacity_ids[j]].mw_per_unit + 0.0
                      for node, layer, j in nodes}
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


def capacity_values(model: HorizonModel, data: list, v: np.ndarray,
                    budget_s: float = VALUES_TIME_S) -> tuple[dict, dict, bool]:
    """(objective fall, margin rise, exact) [USD per MW over the period] for one more MW of each
    capacity in each period, the discrete decisions held (module docstring): {(period index,
    capacity index): USD}. Each binding capacity is re-solved with one more MW while ``budget_s``
    [s] lasts; past it the rest take the fall its dual gives (a one-sided derivative: a MW's worth
    where the optimum is not degenerate) for both, and ``exact`` is False."""

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
    if lp.n_cols > IPM_MIP_COLUMNS:  # the first solve by interior point and crossover [4]_, then simplex
        h.setOptionValue("solver", "ipm")  # from its basis for each re-solve
    t0 = time.perf_counter()
    h.run()
    h.setOptionValue("solver", "simplex")
    if h.modelStatusToString(h.getModelStatus()) != "Optimal":
        return {}, {}, False
    exact = True
    base = h.getSolution()
    build_capital = {cid: data[0].problem.capacities[cid].committed_usd_per_mwh_it()
                     * data[0].problem.capacities[cid].mw_per_unit for cid in model.block_mw}
    duals = np.asarray(base.row_dual)
    base_obj = float(h.getInfo().objective_function_value)
    base_margin = lp.margin_of(np.asarray(base.col_value))
    fall, rise = {}, {}
    for key, rows in model.capacity_rows.items():
        d = -float(sum(duals[r] for r in rows))
        if abs(d) < 1e-9:
            continue
        # a candidate's extra MW is built: its capital for the period is paid, used or not
        p, j = key
        capital = build_capital.get(data[p].problem.capacity_ids[j], 0.0) * data[p].period.hours
        left_s = budget_s - (time.perf_counter() - t0)
        if left_s <= 0:
            fall[key] = rise[key] = d - capital
            exact = False
            continue
        for r in rows:
            h.changeRowBounds(r, float(model.row_lower[r]), float(model.row_upper[r]) + 1.0)
        h.setOptionValue("time_limit", float(h.getRunTime()) + left_s)  # HiGHS's clock runs on over runs
        h.run()
        if h.modelStatusToString(h.getModelStatus()) == "Optimal":
            fall[key] = base_obj - float(h.getInfo().objective_function_value) - capital
            rise[key] = lp.margin_of(np.asarray(h.getSolution().col_value)) - base_margin - capital
        else:
            fall[key] = rise[key] = d - capital
            exact = False
        for r in rows:
            h.changeRowBounds(r, float(model.row_lower[r]), float(model.row_upper[r]))
    return fall, rise, exact


__all__ = ["TIME_LIMIT_S", "HorizonPlan", "feasible", "plan_whole_horizon", "point_of_rolling", "solve_model"]
