"""The cheapest path of a unit of demand over the periods of a plan, at given capacity prices: the
pricing step of the whole-horizon plan's path columns (:mod:`placement.plan.horizon_paths`).

A unit is in one state per period it is demanded (a capacity, or the last state: unserved). Its
path costs the states' weights less the capacities' prices, plus a migration weight each time it
enters a capacity it was not on in the period before; a unit not demanded in the period before
enters anywhere free. Dynamic programming over the periods (Bellman 1957): in each state, the
cheaper of staying and of the best state before plus the migration. O(periods x states) per unit.

Arrays in, arrays out; a recursion over periods rather than a per-element body, so it has a CPU
form only (the plan is solved on the CPU), like :mod:`placement.kernels.shortest_paths`.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def cheapest_unit_paths(cost, migration, alive, price, out_states, out_reduced):
    """For each of ``K`` units: ``cost[k, p, s]`` its weight in state ``s`` of period ``p`` (``inf``
    where not allowed; ``S - 1`` is unserved), ``migration[k]`` its weight per move, ``alive[k, p]``
    whether it is demanded in period ``p``; ``price[p, s]`` the price taken off a state (0 for
    unserved). Writes ``out_states[k, p]`` (its state; -1 where not alive) and ``out_reduced[k]``
    (the path's cost less its prices). Units are the weights' own."""
    K, P, S = cost.shape
    best = np.empty(S)
    new = np.empty(S)
    back = np.empty((P, S), dtype=np.int64)
    for k in range(K):
        started = False
        for s in range(S):
            best[s] = 0.0
        previous_alive = False
        for p in range(P):
            if not alive[k, p]:
                previous_alive = False
                for s in range(S):
                    back[p, s] = -1
                continue
            low, low_at = np.inf, -1
            if started:
                for s in range(S):
                    if best[s] < low:
                        low, low_at = best[s], s
            else:
                low = 0.0
            for s in range(S):
                r = cost[k, p, s] - price[p, s]
                if not np.isfinite(r):
                    new[s] = np.inf
                    back[p, s] = -1
                    continue
                if previous_alive:
                    move = low + (migration[k] if s < S - 1 else 0.0)
                    if best[s] <= move:
                        new[s], back[p, s] = r + best[s], s
                    else:
                        new[s], back[p, s] = r + move, low_at
                else:
                    new[s], back[p, s] = r + low, low_at
            for s in range(S):
                best[s] = new[s]
            started = True
            previous_alive = True
        s_best, v_best = 0, np.inf
        for s in range(S):
            if best[s] < v_best:
                v_best, s_best = best[s], s
        out_reduced[k] = v_best
        s = s_best
        for p in range(P - 1, -1, -1):
            if alive[k, p]:
                out_states[k, p] = s
                prev = back[p, s]
                s = prev if prev >= 0 else 0
            else:
                out_states[k, p] = -1
