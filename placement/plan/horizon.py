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

import numpy as np

from placement.plan.horizon_assembly import VALUES_TIME_S, HorizonPlan, assemble, capacity_values  # noqa: F401
from placement.plan.horizon_model import HorizonModel, build_model, period_data
from placement.plan.horizon_paths import applies as paths_apply
from placement.plan.horizon_paths import paths_of
from placement.plan.horizon_pricing import initial_keep, price_out, rolling_arcs, rolling_bound, round_bound
from placement.plan.horizon_solve import (  # noqa: F401 - the solve's names, read here too
    IPM_MIP_COLUMNS,
    MIP_PRESOLVE_MIN_COLS,
    TIME_LIMIT_S,
    SolveResult,
    _highs,
    solve_model,
)
from placement.plan.lagrangian import model_bound
from placement.plan.path_master import solve_paths, values_of_one_more_unit

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


__all__ = ["TIME_LIMIT_S", "HorizonPlan", "feasible", "plan_whole_horizon", "point_of_rolling", "solve_model"]
