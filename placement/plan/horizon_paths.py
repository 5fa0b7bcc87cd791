"""Whole paths over the periods: the whole-horizon program of a plan whose demand is all
splittable, seen per unit of demand (solved by :mod:`placement.plan.path_master`).

Where no tenant has an expel clause, no demand node is discrete (exclusive lease, single site,
unsplittable block) and no capacity is a candidate to build (:func:`applies`), the program of
:mod:`placement.plan.horizon_model` couples its demand nodes only through the capacity rows. Each
MW (or GPU) of a demand node then follows a path: in every period it is alive, one state, a
capacity its arcs allow or unserved. What the path costs per unit is the sum of its states'
weights (the arc's weight, or the unserved weight) plus the migration weight each time it enters a
capacity it was not on in the period before; a unit new in a period (the demand's growth, or a
node new in the period) enters free. Units alive in the same periods are interchangeable, so each
demand node is cut into *cohorts* (:func:`cohorts`): its demand profile's bands, the units ``m``
with ``d_p >= m`` in the same periods (a node of 100 MW growing to 150 MW is two cohorts: 100 MW
alive all along, 50 MW from the growth on). The model's migration (MW gained on capacities less
the demand's growth) is the least any assignment of the units to paths pays for the same
placement: the units that stay, stay; the growth fills gains first (:func:`paths_of_placement`).

At capacity prices (the master's duals), the cheapest path of each cohort is a shortest path over
(period, state) -- dynamic programming: staying costs nothing, entering a capacity the unit was
not on costs the migration weight, so each period takes the minimum of staying and of the best
state before plus the migration -- in O(periods x states) per cohort
(:func:`cheapest_paths`, :mod:`placement.kernels.path_prices`).

References: G. B. Dantzig & P. Wolfe, "Decomposition principle for linear programs", Operations
Research 8 (1960) 101-111; R. Bellman, Dynamic Programming (1957).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placement.plan.gpus import unit_mw_of

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


__all__ = ["Paths", "applies", "cheapest_paths", "cohorts", "path_cost", "path_price", "paths_of", "paths_of_placement"]
