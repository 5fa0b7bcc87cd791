"""The column generation that solves the path model of :mod:`placement.plan.horizon_paths`: its
master program, pricing, stabilisation, bounds, whole units and the values of one more MW.

The master: choose how many units of each cohort follow each path (``lambda >= 0``, each cohort's
units all placed), within every capacity's MW in every period. It starts from every cohort
unserved, the rolling plan's paths and the cheapest paths at no price and at the rolling plan's
values of one more MW, then grows by pricing: at the master's duals (capacity rows
``pi[p, j] <= 0``, cohort rows ``sigma``) each cohort's cheapest path enters where its reduced
cost is negative. When none has, the master's optimum is the linear relaxation's optimum of the
whole program (the subproblems are shortest paths, integral, so the decomposition's bound is the
relaxation's; Desrosiers & Luebbecke 2005). If the master's optimal point is integral it is the
whole program's optimum, proven (no integer point is below the relaxation); otherwise the master
on its columns is solved as a mixed-integer program and its plan is proven optimal where it meets
the rounded-up bound. Every round's duals also give a Lagrangian bound (capacity prices times
capacity plus every cohort's cheapest path; Lasdon 1970; Farley 1990), valid when the clock stops
first.

References: J. Desrosiers & M. E. Luebbecke, "A primer in column generation", in Column Generation
(Springer 2005) 1-32; P. Wentges, "Weighted Dantzig-Wolfe decomposition", International
Transactions in Operational Research 4 (1997) 151-162; M. Held, P. Wolfe & H. P. Crowder,
"Validation of subgradient optimization", Mathematical Programming 6 (1974) 62-88; L. S. Lasdon,
Optimization Theory for Large Systems (1970); A. A. Farley, Operations Research 38 (1990) 922-923.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from placement.plan.horizon_paths import Paths, cheapest_paths, cohorts, path_cost, path_price, paths_of_placement

#: Weight of the duals that gave the best bound so far in the duals paths are priced at (Wentges'
#: smoothing; the rest is the master's own). Measured at ``benchmarks/bench_plan.py``'s 15 x 60 x
#: 500: 0.9 priced out in 5.7 s, 0.8 in 6.1 s, 0.95 in 6.0 s.
SMOOTHING = 0.9
#: HiGHS's simplex for the master: primal (4), as a basis stays primal feasible when columns are
#: added (with presolve off, each solve starts from the last). Measured at 15 x 60 x 500: primal
#: priced out in 7.6 s; dual (1) had not after 20 s.
SIMPLEX = 4
#: HiGHS's simplex for the first re-solve after a capacity gets one more unit: dual (1), as the
#: basis stays dual feasible when a row's bound moves.
VALUES_SIMPLEX = 1
#: A path whose reduced cost is below minus this [USD per unit] enters the master.
ENTER_BELOW_USD = 1e-3
#: Seconds the subgradient steps may take before the master's duals take over (at most a quarter
#: of the time limit).
SUBGRADIENT_S = 0.5
#: Subgradient steps without a better bound before the step is halved.
SUBGRADIENT_PATIENCE = 8
#: Every this many rounds, the columns that carry nothing and price highest (above this quantile
#: of their reduced costs) leave the master (:meth:`_Master.purge`), when at least
#: :data:`PURGE_MIN_COLUMNS` carry nothing. Measured at ``benchmarks/bench_plan.py``'s 15 x 60 x 500:
#: priced out in 4.9 s (6.2 s keeping every column), and 14.4 s for its GPU form (21.8 s); a
#: quantile of 0.75 took 4.3 s and 22.6 s, columns leaving and coming back.
PURGE_EVERY = 10
PURGE_MIN_COLUMNS = 2000
PURGE_QUANTILE = 0.9
#: Master points this close to whole units count as integral.
INTEGRAL_TOL = 1e-6



class _Master:
    """The master program in HiGHS: capacity rows ``p * C + j`` then one row per cohort."""

    def __init__(self, capacity: np.ndarray, units: np.ndarray):
        import highspy

        from placement.plan.highs import new_highs

        self.h = h = new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")  # each solve starts from the last basis (columns added)
        h.setOptionValue("simplex_strategy", SIMPLEX)
        P, C = capacity.shape
        self.C, self.first_cohort_row = C, P * C
        lower = np.r_[np.full(P * C, -np.inf), units.astype(float)]
        upper = np.r_[capacity.reshape(-1).astype(float), units.astype(float)]
        h.addRows(lower.size, lower, upper, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
        self.highspy = highspy
        self.columns = []  # (cohort, states)
        self.seen = set()

    def add(self, cohort: np.ndarray, states: np.ndarray, cost: np.ndarray) -> int:
        """Add paths not already in; return how many."""
        starts, index, n, costs = [], [], 0, []
        for k, st, c in zip(cohort.tolist(), states, cost.tolist()):
            key = (k, st.tobytes())
            if key in self.seen:
                continue
            self.seen.add(key)
            self.columns.append((k, st.copy()))
            used = np.flatnonzero((st >= 0) & (st < self.C))
            starts.append(len(index))
            index += (used * self.C + st[used]).tolist() + [self.first_cohort_row + k]
            costs.append(c)
            n += 1
        if n:
            self.h.addCols(n, np.array(costs, dtype=float), np.zeros(n), np.full(n, np.inf), len(index),
                           np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32), np.ones(len(index)))
        return n

    def purge(self, keep_first: int) -> int:
        """Delete the columns of the last solve that carry nothing and whose reduced cost is above
        the median of those that carry nothing (never the first ``keep_first``: each cohort's
        all-unserved path); they may enter again when priced. Returns how many."""
        solution = self.h.getSolution()
        value = np.asarray(solution.col_value, dtype=float)
        rc = np.asarray(solution.col_dual, dtype=float)
        idle = (np.arange(value.size) >= keep_first) & (value <= INTEGRAL_TOL) & (rc > 0)
        if np.count_nonzero(idle) < PURGE_MIN_COLUMNS:
            return 0
        drop = np.flatnonzero(idle & (rc >= np.quantile(rc[idle], PURGE_QUANTILE)))
        self.h.deleteCols(int(drop.size), drop.astype(np.int32))
        gone = np.zeros(value.size, dtype=bool)
        gone[drop] = True
        for k in drop.tolist():
            cohort, states = self.columns[k]
            self.seen.discard((cohort, states.tobytes()))
        self.columns = [c for c, g in zip(self.columns, gone.tolist()) if not g]
        return int(drop.size)

    def solve(self, time_limit_s: float) -> bool:
        """Solve the master within ``time_limit_s`` [s] more (HiGHS's clock runs on over runs)."""
        self.h.setOptionValue("time_limit", float(self.h.getRunTime()) + max(float(time_limit_s), 0.1))
        self.h.run()
        return self.h.modelStatusToString(self.h.getModelStatus()) == "Optimal"


@dataclass
class PathSolution:
    """Units of each node on each capacity per period (``x[p][n, j]``), the objective in path
    weights (the program's less its constants), the proven lower bound on it, whether the pricing
    finished, and whether the plan is proven optimal (the relaxation's optimum, integral)."""
    x: np.ndarray
    objective: int
    bound: float
    priced_out: bool
    proven: bool
    rounds: int
    columns: int
    #: the capacity rows' duals [P, C] of the last master solved (<= 0; at its optimum when priced out)
    dual: np.ndarray | None = None
    #: what :func:`values_of_one_more_unit` re-solves: (master, cohorts' node, units, alive, the
    #: master's point)
    run: tuple | None = None


def solve_paths(paths: Paths, time_limit_s: float, first_dual: np.ndarray | None = None,
                placed: np.ndarray | None = None) -> PathSolution:
    """The column generation of the module docstring, within ``time_limit_s``; ``first_dual``
    [P, C]: a guess of the capacity duals (the rolling plan's values of one more MW, negated) whose
    cheapest paths join the first master. Pricing is stabilised by smoothing (Wentges 1997): paths
    are priced at a weighted mean (:data:`SMOOTHING`) of the duals that gave the best bound so far
    and of the master's, and at the master's own duals only when that finds none, so it ends
    exactly."""
    t0 = time.perf_counter()
    node, units, alive = cohorts(paths.demand)
    C, P = paths.n_capacities, paths.demand.shape[1]
    cost = paths.cost[node]
    migration = paths.migration[node]
    master = _Master(paths.capacity, units)
    cap = paths.capacity.astype(float)

    def price(dual):
        states, reduced = cheapest_paths(cost, migration, alive, dual)
        return states, reduced, float((dual * cap).sum() + reduced @ units)  # the Lagrangian bound at dual

    def add(states, sigma, dual):
        """Add the paths whose reduced cost at the master's duals is negative (all: no master yet)."""
        own = path_cost(cost, migration, alive, states)
        if sigma is None:
            return master.add(np.arange(node.size), states, own)
        rc = own - path_price(states, dual) - sigma
        enter = np.array([k for k in np.flatnonzero(rc < -ENTER_BELOW_USD).tolist()
                          if (k, states[k].tobytes()) not in master.seen], dtype=np.int64)
        if not enter.size:
            return 0
        if rounds % PURGE_EVERY == 0:  # the last solve's point is read here, before the master changes
            master.purge(node.size)
        return master.add(enter, states[enter], own[enter])

    idle = np.where(alive, C, -1)
    master.add(np.arange(node.size), idle, path_cost(cost, migration, alive, idle))
    if placed is not None:  # a known plan's paths (the rolling plan's)
        ks, states, _ = paths_of_placement(paths, node, units, alive, placed)
        master.add(ks, states, path_cost(cost[ks], migration[ks], alive[ks], states))
    best_bound, center = -np.inf, None
    for guess in ([np.zeros((P, C))] + ([np.minimum(first_dual, 0.0)] if first_dual is not None else [])):
        states, _, bound = price(guess)
        add(states, None, None)
        if bound > best_bound:
            best_bound, center = bound, guess
    rounds, priced_out, last_dual = 0, False, None
    if center is not None and master.solve(time_limit_s - (time.perf_counter() - t0)):
        # the Lagrangian dual climbed by subgradient steps from the best guess, towards the master's
        # objective (Polyak's step; Held, Wolfe & Crowder 1974): duals near the optimum, and their
        # cheapest paths as columns, before the master's own duals take over
        upper = float(master.h.getInfo().objective_function_value)
        found = _climb(price, cap, units, alive, center, best_bound, upper,
                       min(SUBGRADIENT_S, 0.25 * (time_limit_s - (time.perf_counter() - t0))))
        for bound, dual, states in found:
            add(states, None, None)
            if bound > best_bound:
                best_bound, center = bound, dual
    while True:
        left = time_limit_s - (time.perf_counter() - t0)
        if left <= 0 or not master.solve(left):
            break
        rounds += 1
        solved_columns = list(master.columns)  # the point of this solve, kept as the master changes
        solved_point = np.asarray(master.h.getSolution().col_value, dtype=float)
        y = np.asarray(master.h.getSolution().row_dual, dtype=float)
        dual, sigma = np.minimum(y[:P * C].reshape(P, C), 0.0), y[P * C:]
        last_dual = dual
        added = 0
        if center is not None:
            mix = SMOOTHING * center + (1 - SMOOTHING) * dual
            states, _, bound = price(mix)
            if bound > best_bound:
                best_bound, center = bound, mix
            added = add(states, sigma, dual)
        if added == 0:
            states, _, bound = price(dual)
            if bound > best_bound:
                best_bound, center = bound, dual
            added = add(states, sigma, dual)
            if added == 0:  # the bound at these duals (above) is then the relaxation's optimum
                priced_out = True
                break
    if rounds == 0:  # no master solved in time: every cohort unserved
        solved_columns = list(master.columns)
        solved_point = np.r_[units.astype(float), np.zeros(len(master.columns) - node.size)]
    lam = solved_point  # the last master solved (the master may have changed since, the clock stopping it)
    proven = priced_out and bool(np.all(np.abs(lam - np.rint(lam)) < INTEGRAL_TOL))
    if not proven:
        whole = _rounded_down(solved_columns, node.size, units, lam)
        if priced_out:  # the relaxation's optimum is fractional: the master on its columns in whole units
            whole = _integer_master(master, time_limit_s - (time.perf_counter() - t0), whole)
        lam = whole
    lam = np.rint(lam).astype(np.int64)
    x = np.zeros((P, len(paths.keys), C), dtype=np.int64)
    used = np.flatnonzero(lam > 0)
    ks = np.array([solved_columns[i][0] for i in used], dtype=np.int64)
    states = np.array([solved_columns[i][1] for i in used], dtype=np.int64).reshape(-1, P)
    for p in range(P):
        on = (states[:, p] >= 0) & (states[:, p] < C)
        np.add.at(x[p], (node[ks[on]], states[on, p]), lam[used[on]])
    objective = int(np.rint(path_cost(cost[ks], migration[ks], alive[ks], states)).astype(np.int64) @ lam[used])
    return PathSolution(x, int(objective), best_bound, priced_out, proven, rounds, len(master.columns), last_dual,
                        (master, node, units, alive, lam))


def _climb(price, cap: np.ndarray, units: np.ndarray, alive: np.ndarray, dual: np.ndarray, bound: float,
           upper: float, seconds: float) -> list:
    """(bound, duals, cheapest paths) where subgradient steps from ``dual`` improved the Lagrangian
    bound, within ``seconds``: each step moves the duals along capacity less usage, by
    ``scale x (upper - bound) / |g|^2``, the scale halved after :data:`SUBGRADIENT_PATIENCE`
    steps without a better bound."""
    t0 = time.perf_counter()
    P, C = dual.shape
    best, scale, since, out = bound, 1.0, 0, []
    while time.perf_counter() - t0 < seconds and scale > 1e-4:
        states, _, value = price(dual)
        on = (states >= 0) & (states < C)
        usage = np.zeros(P * C)
        for p in range(P):
            np.add.at(usage, p * C + states[on[:, p], p], units[on[:, p]])
        g = cap.reshape(-1) - usage
        if value > best + 1e-9 * abs(best):
            best, since = value, 0
            out.append((value, dual.copy(), states))
        else:
            since += 1
            if since >= SUBGRADIENT_PATIENCE:
                scale, since = scale / 2, 0
        norm = float(g @ g)
        if norm == 0 or upper <= value:
            break
        dual = np.minimum(dual + (scale * (upper - value) / norm * g).reshape(P, C), 0.0)
    return out


def values_of_one_more_unit(paths: Paths, solved: PathSolution, budget_s: float) -> tuple[dict, dict, bool]:
    """(objective fall, margin rise [USD], exact) for one more unit (MW, or GPU) of each capacity in
    each period whose row binds, {(period index, capacity index): value}: the master re-solved
    with that capacity one unit larger and priced out again (new paths may enter), its relaxation's
    fall and the margin of its point against the plan's, while ``budget_s`` [s] lasts, the largest
    duals first; past it, or where the plan was not priced out, the rest take the dual's fall for
    both, and ``exact`` is False. The relaxation being integral at the plan, the fall is the
    program's where it stays so with the extra unit."""
    t0 = time.perf_counter()
    if solved.dual is None or solved.run is None:
        return {}, {}, False
    master, node, units, alive, lam = solved.run
    P, C = solved.dual.shape
    cost, migration = paths.cost[node], paths.migration[node]
    cash, migration_cash = paths.cash[node], paths.migration_cash[node]

    known = [np.zeros(0)]  # money of each column so far, in the master's order

    def point_cash(point):
        done = known[0].size
        if done < len(master.columns):
            ks = np.array([k for k, _ in master.columns[done:]], dtype=np.int64)
            states = np.array([st for _, st in master.columns[done:]], dtype=np.int64).reshape(-1, P)
            known[0] = np.r_[known[0], path_cost(cash[ks], migration_cash[ks], alive[ks], states)]
        return float(known[0] @ point[:known[0].size])

    fall, rise = {}, {}
    order = sorted(zip(*np.nonzero(solved.dual)), key=lambda pj: solved.dual[pj])
    exact = solved.proven
    base_cash = point_cash(lam)
    base = None
    h = master.h
    if solved.proven:  # the master stands as last solved (priced out: nothing added, nothing purged)
        base = float(h.getInfo().objective_function_value)
    for p, j in order:
        p, j = int(p), int(j)
        d = -float(solved.dual[p, j])
        if base is None or time.perf_counter() - t0 >= budget_s:
            fall[p, j] = rise[p, j] = d
            exact = False
            continue
        row = p * C + j
        h.changeRowBounds(row, -np.inf, float(paths.capacity[p, j]) + 1.0)
        ok, strategy = True, VALUES_SIMPLEX
        while True:
            h.setOptionValue("simplex_strategy", strategy)  # a row's bound moved: the dual's; a column added: the primal's
            strategy = SIMPLEX
            if not master.solve(max(budget_s - (time.perf_counter() - t0), 0.1)):
                ok = False
                break
            y = np.asarray(h.getSolution().row_dual, dtype=float)
            dual, sigma = np.minimum(y[:P * C].reshape(P, C), 0.0), y[P * C:]
            states, reduced = cheapest_paths(cost, migration, alive, dual)
            enter = np.flatnonzero(reduced - sigma < -ENTER_BELOW_USD)
            if not enter.size or not master.add(enter, states[enter], path_cost(cost[enter], migration[enter],
                                                                                 alive[enter], states[enter])):
                break
        if ok:
            fall[p, j] = base - float(h.getInfo().objective_function_value)
            rise[p, j] = base_cash - point_cash(np.asarray(h.getSolution().col_value, dtype=float))
        else:
            fall[p, j] = rise[p, j] = d
            exact = False
        h.changeRowBounds(row, -np.inf, float(paths.capacity[p, j]))
    return fall, rise, exact


def _rounded_down(columns: list, n_cohorts: int, units: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """A whole-unit point of the master from ``lam`` on ``columns`` ((cohort, states) each): each
    path's units rounded down, each cohort's units left over on its all-unserved path (the first
    ``n_cohorts`` columns), which holds no capacity, so every capacity row still holds."""
    whole = np.floor(np.maximum(lam, 0.0) + INTEGRAL_TOL)
    ks = np.array([k for k, _ in columns], dtype=np.int64)
    short = units - np.bincount(ks[:whole.size], weights=whole, minlength=n_cohorts)
    whole[:n_cohorts] += np.maximum(short, 0.0)
    return whole


def _integer_master(master: _Master, time_limit_s: float, start: np.ndarray) -> np.ndarray:
    """The master on its columns as a mixed-integer program (whole units per path), from ``start``
    (a whole-unit point); ``start`` where HiGHS finds nothing better within ``time_limit_s``."""
    h, hs = master.h, master.highspy
    n = h.getNumCol()
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([hs.HighsVarType.kInteger] * n))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    h.setOptionValue("time_limit", float(h.getRunTime()) + max(float(time_limit_s), 1.0))
    nz = np.flatnonzero(start)
    h.setSolution(int(nz.size), nz.astype(np.int32), start[nz])
    h.run()
    if h.getInfo().primal_solution_status == 0:
        return start
    found = np.asarray(h.getSolution().col_value, dtype=float)
    costs = np.asarray(h.getLp().col_cost_, dtype=float)
    return found if costs @ np.rint(found) <= costs @ start else start


__all__ = ["PathSolution", "solve_paths", "values_of_one_more_unit"]
