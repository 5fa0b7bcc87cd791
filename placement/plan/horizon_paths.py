"""The whole-horizon program of a plan whose demand is all splittable, solved with whole paths as
columns (Dantzig-Wolfe decomposition by column generation).

Where no tenant has an expel clause, no demand node is discrete (exclusive lease, single site,
unsplittable block) and no capacity is a candidate to build (:func:`applies`), the program of
:mod:`placement.plan.horizon_model` couples its demand nodes only through the capacity rows. Each
MW (or GPU) of a demand node then follows a path: in every period it is alive, one state, a
capacity its arcs allow or unserved. What the path costs per unit is the sum of its states'
weights (the arc's weight, or the unserved weight) plus the migration weight each time it enters a
capacity it was not on in the period before; a unit new in a period (the demand's growth, or a
node new in the period) enters free. Units alive in the same periods are interchangeable, so each
demand node is cut into *cohorts*: its demand profile's bands, the units ``m`` with ``d_p >= m``
in the same periods (a node of 100 MW growing to 150 MW is two cohorts: 100 MW alive all along,
50 MW from the growth on). The model's migration (MW gained on capacities less the demand's
growth) is the least any assignment of the units to paths pays for the same placement: the units
that stay, stay; the growth fills gains first.

The master program: choose how many units of each cohort follow each path (``lambda >= 0``, each
cohort's units all placed), within every capacity's MW in every period. It starts from every
cohort unserved and grows by pricing: at the master's duals (capacity rows ``pi[p, j] <= 0``,
cohort rows ``sigma``), the cheapest path of each cohort by reduced cost is a shortest path over
(period, state) -- dynamic programming: staying costs nothing, entering a capacity the unit was not
on costs the migration weight, so each period takes the minimum of staying and of the best state
before plus the migration -- in O(periods x states) per cohort, for every cohort at once. When no
path has a negative reduced cost, the master's optimum is the linear relaxation's optimum of the
whole program (the subproblems are shortest paths, integral, so the decomposition's bound is the
relaxation's; Desrosiers & Luebbecke 2005). If the master's optimal point is integral it is the
whole program's optimum, proven (no integer point is below the relaxation); otherwise the master
on its columns is solved as a mixed-integer program and its plan is proven optimal where it meets
the rounded-up bound. Every cohort's reduced costs also give the Lagrangian bound of each round
(Lasdon 1970; Farley 1990), valid when the clock stops first.

References: G. B. Dantzig & P. Wolfe, "Decomposition principle for linear programs", Operations
Research 8 (1960) 101-111; J. Desrosiers & M. E. Luebbecke, "A primer in column generation", in
Column Generation (Springer 2005) 1-32; L. S. Lasdon, Optimization Theory for Large Systems (1970);
A. A. Farley, Operations Research 38 (1990) 922-923.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from placement.plan.gpus import unit_mw_of

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
#: Master points this close to whole units count as integral.
INTEGRAL_TOL = 1e-6


def applies(ctx, data: list, build_ids: frozenset) -> bool:
    """Whether the program is one this decomposition solves exactly (module docstring): no
    candidate build, no tenant with an expel clause, no discrete demand node in any period."""
    if build_ids or any(t.evictable for t in ctx.scenario.tenants):
        return False
    return not any(d.discrete or d.exclusive for pd in data for d in pd.problem.demands)


@dataclass
class Paths:
    """The program's data by demand node: ``cost[n, p, s]`` the weight of a unit of node ``n`` in
    state ``s`` of period ``p`` (a capacity index, or ``n_capacities`` for unserved; ``inf`` where
    the node has no arc to it), ``demand[n, p]`` its units (0: absent), ``migration[n]`` the weight
    of a unit moved, ``capacity[p, j]`` the units a capacity holds, and for each period the node of
    each of its problem's demand nodes; ``cash`` and ``migration_cash`` the same in money [USD, a
    cost], without the weights' non-cash parts (latency nudge, in-house priority)."""
    keys: list
    cost: np.ndarray
    demand: np.ndarray
    migration: np.ndarray
    capacity: np.ndarray
    node_of: list
    cash: np.ndarray | None = None
    migration_cash: np.ndarray | None = None

    @property
    def n_capacities(self) -> int:
        return self.capacity.shape[1]


def paths_of(ctx, data: list) -> Paths:
    """:class:`Paths` of the periods' data (:func:`placement.plan.horizon_model.period_data`)."""
    keys, index = [], {}
    for pd in data:
        for d in pd.problem.demands:
            if d.key not in index:
                index[d.key] = len(keys)
                keys.append(d.key)
    n, P = len(keys), len(data)
    C = len(data[0].problem.capacity_ids) if data else 0
    cost = np.full((n, P, C + 1), np.inf)
    demand = np.zeros((n, P), dtype=np.int64)
    migration = np.zeros(n, dtype=np.int64)
    mig = float(ctx.planning.migration_usd_per_mw)
    capacity = np.zeros((P, C), dtype=np.int64)
    cash = np.zeros((n, P, C + 1))
    migration_cash = np.zeros(n)
    node_of = []
    for p, pd in enumerate(data):
        prob = pd.problem
        if list(prob.capacity_ids) != list(data[0].problem.capacity_ids):
            raise ValueError("every period must list the same capacities")
        nodes = np.array([index[d.key] for d in prob.demands], dtype=np.int64)
        node_of.append(nodes)
        demand[nodes, p] = prob.demand_mw
        cost[nodes, p, C] = prob.unserved_weight
        a = pd.arcs
        cost[nodes[prob.arc_demand[a]], p, prob.arc_capacity[a]] = prob.arc_weight[a]
        cash[nodes, p, C] = np.asarray(prob.unserved_money, dtype=float)
        cash[nodes[prob.arc_demand[a]], p, prob.arc_capacity[a]] = prob.arc_money[a]
        capacity[p] = pd.capacity_mw
        for k, d in zip(nodes, prob.demands):
            migration[k] = int(round(mig * unit_mw_of(d.tenant)))
            migration_cash[k] = mig * unit_mw_of(d.tenant)
    return Paths(keys, cost, demand, migration, capacity, node_of, cash, migration_cash)


def cohorts(demand: np.ndarray) -> tuple:
    """(node, units, alive) of every cohort (module docstring): ``alive[k, p]`` where the cohort's
    units are demanded."""
    node, units, alive = [], [], []
    for n, row in enumerate(demand):
        low = 0
        for level in np.unique(row[row > 0]):
            node.append(n)
            units.append(int(level) - low)
            alive.append(row >= level)
            low = int(level)
    P = demand.shape[1]
    return (np.array(node, dtype=np.int64), np.array(units, dtype=np.int64),
            np.array(alive, dtype=bool).reshape(-1, P))


def cheapest_paths(cost: np.ndarray, migration: np.ndarray, alive: np.ndarray, dual: np.ndarray) -> tuple:
    """(states, reduced cost) of each cohort's cheapest path at capacity duals ``dual[p, j]``
    (module docstring; :func:`placement.kernels.path_prices.cheapest_unit_paths`): ``cost[k, p, s]``
    and ``migration[k]`` per cohort; ``states[k, p]`` the state of period ``p`` (-1 where the
    cohort is not alive); the reduced cost leaves out the cohort row's dual."""
    from placement.kernels.path_prices import cheapest_unit_paths

    K, P, S = cost.shape
    price = np.zeros((P, S))
    price[:, :S - 1] = dual
    states = np.empty((K, P), dtype=np.int64)
    reduced = np.empty(K)
    cheapest_unit_paths(np.ascontiguousarray(cost, dtype=float), np.asarray(migration, dtype=float),
                        np.ascontiguousarray(alive, dtype=np.bool_), price, states, reduced)
    return states, reduced


def path_cost(cost: np.ndarray, migration: np.ndarray, alive: np.ndarray, states: np.ndarray) -> np.ndarray:
    """The weight of each cohort's path per unit (module docstring)."""
    K, P, S = cost.shape
    out = np.zeros(K)
    for p in range(P):
        a = alive[:, p]
        out[a] += cost[np.flatnonzero(a), p, states[a, p]]
        if p:
            moved = a & alive[:, p - 1] & (states[:, p] != states[:, p - 1]) & (states[:, p] != S - 1)
            out[moved] += migration[moved]
    return out


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


def paths_of_placement(paths: Paths, node: np.ndarray, units: np.ndarray, alive: np.ndarray,
                       placed: np.ndarray) -> tuple:
    """(cohort, states, units) of paths that carry a placement ``placed[p, n, j]`` (units of node
    ``n`` on capacity ``j`` in period ``p``; the rest unserved): each node's units laid out in
    order, each period keeping the units that stay where they were, filling the places freed with
    unserved units first and the units new in the period with capacities first, so the paths move
    no more units than the placement gained beyond its growth."""
    C, P = paths.n_capacities, paths.demand.shape[1]
    out_k, out_states, out_units = [], [], []
    first = np.r_[0, np.flatnonzero(np.diff(node)) + 1] if node.size else np.zeros(0, dtype=np.int64)
    for k0, k1 in zip(first, np.r_[first[1:], node.size]):
        n = int(node[k0])
        d = paths.demand[n]
        layouts = []  # per period: list of (start, end, state), or None
        before = None
        for p in range(P):
            if d[p] <= 0:
                layouts.append(None)
                before = None
                continue
            need = {int(j): int(placed[p, n, j]) for j in np.flatnonzero(placed[p, n])}
            need[C] = int(d[p]) - sum(need.values())
            layout, free = [], []
            stay_end = min(int(d[p]), int(d[p - 1])) if before is not None else 0
            for a, b, st in (before or []):
                a, b = min(a, stay_end), min(b, stay_end)
                if b <= a:
                    continue
                keep = min(b - a, need.get(st, 0))
                if keep:
                    layout.append((a, a + keep, st))
                    need[st] -= keep
                if a + keep < b:
                    free.append((a + keep, b))
            free.append((stay_end, int(d[p])))
            order = [C] + [j for j in need if j != C]
            for idx, (a, b) in enumerate(free):
                new_units = idx == len(free) - 1
                for st in (order[1:] + [C]) if new_units else order:
                    while a < b and need.get(st, 0) > 0:
                        take = min(b - a, need[st])
                        layout.append((a, a + take, st))
                        need[st] -= take
                        a += take
            layout.sort()
            layouts.append(layout)
            before = layout
        cuts = {0}
        for lay in layouts:
            for a, b, _ in lay or []:
                cuts.update((a, b))
        low = 0
        for k in range(k0, k1):
            high = low + int(units[k])
            pts = sorted(c for c in cuts if low < c < high)
            for a, b in zip([low] + pts, pts + [high]):
                states = np.full(P, -1, dtype=np.int64)
                for p, lay in enumerate(layouts):
                    if lay is not None and alive[k, p]:
                        states[p] = next(st for x, y, st in lay if x <= a < y)
                out_k.append(k)
                out_states.append(states)
                out_units.append(b - a)
            low = high
    return (np.array(out_k, dtype=np.int64), np.array(out_states, dtype=np.int64).reshape(-1, P),
            np.array(out_units, dtype=np.int64))


def path_price(states: np.ndarray, dual: np.ndarray) -> np.ndarray:
    """Sum over each path's periods of the dual of the capacity it is on (0 where unserved)."""
    K, P = states.shape
    C = dual.shape[1]
    on = (states >= 0) & (states < C)
    out = np.zeros(K)
    for p in range(P):
        out[on[:, p]] += dual[p, states[on[:, p], p]]
    return out


def solve_paths(paths: Paths, time_limit_s: float, first_dual: np.ndarray | None = None,
                placed: np.ndarray | None = None) -> PathSolution:
    """The column generation of the module docstring, within ``time_limit_s``; ``first_dual``
    [P, C]: a guess of the capacity duals (the rolling plan's values of one more MW, negated) whose
    cheapest paths join the first master. Pricing is stabilised by smoothing (Wentges 1997): paths
    are priced at the mean of the master's duals and of those that gave the best bound so far,
    and at the master's own duals only when that finds none, so it ends exactly."""
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
        enter = np.flatnonzero(rc < -ENTER_BELOW_USD)
        return master.add(enter, states[enter], own[enter]) if enter.size else 0

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
    lam = np.asarray(master.h.getSolution().col_value, dtype=float)
    proven = priced_out and bool(np.all(np.abs(lam - np.rint(lam)) < INTEGRAL_TOL))
    if not proven:
        whole = _rounded_down(master, node.size, units, lam)
        if priced_out:  # the relaxation's optimum is fractional: the master on its columns in whole units
            whole = _integer_master(master, time_limit_s - (time.perf_counter() - t0), whole)
        lam = whole
    lam = np.rint(lam).astype(np.int64)
    x = np.zeros((P, len(paths.keys), C), dtype=np.int64)
    objective = 0
    for (k, st), amount in zip(master.columns, lam.tolist()):
        if amount <= 0:
            continue
        for p in np.flatnonzero((st >= 0) & (st < C)):
            x[p, node[k], st[p]] += amount
        objective += amount * int(round(path_cost(cost[[k]], migration[[k]], alive[[k]], st[None, :])[0]))
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
    if solved.proven:
        h.setOptionValue("time_limit", 1e6)
        integrality = h.getLp().integrality_
        if len(integrality):  # a master made integer for the plan: back to its relaxation
            n = h.getNumCol()
            h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([master.highspy.HighsVarType.kContinuous] * n))
        h.run()
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


def _rounded_down(master: _Master, n_cohorts: int, units: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """A whole-unit point of the master from ``lam``: each path's units rounded down, each cohort's
    units left over on its all-unserved path (the first ``n_cohorts`` columns), which holds no
    capacity, so every capacity row still holds."""
    whole = np.floor(np.maximum(lam, 0.0) + INTEGRAL_TOL)
    ks = np.array([k for k, _ in master.columns], dtype=np.int64)
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


__all__ = ["PathSolution", "Paths", "applies", "cheapest_paths", "cohorts", "path_cost", "paths_of", "solve_paths",
           "values_of_one_more_unit"]
