"""The value of one more MW of a capacity in a period: how much the objective falls, and how much
the margin rises, when the single arc that bounds the capacity (capacity -> sink) gets one more MW.

* **Without discrete rules** the new unit is used along the cheapest cycle through it in the
  residual graph of the optimal flow: sink -> ... -> capacity -> sink. Its length
  ``dist(sink -> capacity)`` (Bellman-Ford, the flow's dual prices) is the change in the
  objective, exact for one unit (Ahuja, Magnanti & Orlin 1993, ch. 9); where it is not negative
  the unit stays idle and nothing changes. The margin changes by the money of the arcs along that
  same path (:attr:`placement.plan.network.FlowNetwork.money`: revenue, capacity cost, migration,
  eviction fees and SLA credits; not the latency nudges or priorities), so a value in money is the
  change a re-plan with that MW shows in the margin it reports.
* **With discrete rules** (exclusive leases, single-site tenants, blocks) the same residual value
  on the network with every discrete node held where the solution put it is a lower bound on the
  fall, the root relaxation's an upper bound; where they differ the layer is re-solved exactly with
  the extra MW (branch and bound seeded with the held placement's cost), and the money is the
  margin of the re-solved flow less the margin of the plan's.

The objective fall less the margin rise is the **penalty relief**: the non-cash part of the
objective (in-house work's priority, hard-rule weights, latency nudges) that the MW relieves.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from placement.plan.network import CAPACITY_ARC, FlowNetwork
from placement.plan.solve import Solution, discrete_placement, restricted_capacity, solve


@dataclass
class CapacityValues:
    """Per capacity (in the problem's capacity order) the value of one more MW over the period.

    ``objective_fall`` [weight units: USD per MW in a plan layer] is how much the objective falls;
    ``margin_rise_usd`` [USD per MW] how much the margin rises (None where the problem carries no
    money: the single-period assignment); ``exact`` is False where a re-solve was cut off by the
    search limit (the best change found is given)."""

    objective_fall: np.ndarray
    margin_rise_usd: np.ndarray | None
    exact: bool = True


def _residual_arcs(net: FlowNetwork, arc_flow: np.ndarray, capacity: np.ndarray | None, with_root: bool):
    """The residual graph of a flow as sorted arrays (tail, head, weight, money), one arc per
    (tail, head): the cheapest, and among equally cheap the one with the least money cost."""
    n = net.n_nodes
    fwd = arc_flow < (net.capacity if capacity is None else capacity)
    bwd = arc_flow > 0
    money = net.money if net.money is not None else np.zeros(net.tail.size)
    rows = [net.tail[fwd], net.head[bwd]]
    cols = [net.head[fwd], net.tail[bwd]]
    weights = [net.cost[fwd].astype(float), -net.cost[bwd].astype(float)]
    moneys = [money[fwd], -money[bwd]]
    if with_root:  # a virtual root that reaches every node at cost 0
        rows.append(np.full(n, n))
        cols.append(np.arange(n))
        weights.append(np.zeros(n))
        moneys.append(np.zeros(n))
    r, c, w, m = (np.concatenate(x) for x in (rows, cols, weights, moneys))
    key = r.astype(np.int64) * (n + 1) + c
    order = np.argsort(key, kind="stable")
    if np.any(key[order][1:] == key[order][:-1]):  # parallel arcs: the cheapest, then least money, first
        order = np.lexsort((m, w, key))
    r, c, w, m = r[order], c[order], w[order], m[order]
    first = np.ones(r.size, dtype=bool)  # an empty residual graph (no arc at all) stays empty
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    return r[first], c[first], w[first], m[first]


def _bellman_ford(size: int, r, c, w, origin: int, predecessors: bool = False):
    """Shortest paths from ``origin`` over arcs sorted by tail ``r`` (the queue-based
    Bellman-Ford of :mod:`placement.kernels.shortest_paths`; scipy's ``csgraph.bellman_ford``
    gives the same distances, swept over every arc)."""
    from placement.kernels.shortest_paths import bellman_ford_queue

    indptr = np.searchsorted(r, np.arange(size + 1)).astype(np.int64)
    dist = np.empty(size)
    pred = np.empty(size, dtype=np.int64)
    if not bellman_ford_queue(indptr, np.ascontiguousarray(c, dtype=np.int64),
                              np.ascontiguousarray(w, dtype=float), int(origin), dist, pred):
        raise RuntimeError("a negative cycle in the residual graph: the flow is not optimal")
    return (dist, pred) if predecessors else dist


def residual_distances(net: FlowNetwork, arc_flow: np.ndarray, origin: int | None = None,
                       capacity: np.ndarray | None = None) -> np.ndarray:
    """Shortest-path distances in the residual graph of a flow (Bellman-Ford, scipy): from
    ``origin``, or (``None``) from a virtual root that reaches every node at cost 0, which gives
    dual prices pi with w(u, v) + pi(u) - pi(v) >= 0 on every residual arc of an optimal flow.
    Nodes the origin cannot reach are ``inf``."""
    n = net.n_nodes
    r, c, w, _ = _residual_arcs(net, arc_flow, capacity, origin is None)
    size, origin = (n + 1, n) if origin is None else (n, origin)
    return _bellman_ford(size, r, c, w, origin)[:n]


def residual_values(net: FlowNetwork, arc_flow: np.ndarray, capacity: np.ndarray) -> CapacityValues:
    """Per capacity, from the residual graph of an optimal flow: the objective fall
    ``-min(0, dist(sink -> capacity))`` and the margin rise along that shortest path (module
    docstring); both 0 where the new MW would stay idle."""
    n, n_c = net.n_nodes, net.n_capacities
    r, c, w, m = _residual_arcs(net, arc_flow, capacity, False)
    dist, pred = _bellman_ford(n, r, c, w, 1, predecessors=True)
    fall = -np.minimum(0.0, dist[2:2 + n_c])
    fall = np.where(np.isfinite(fall), fall, 0.0)
    if net.money is None:
        return CapacityValues(fall, None)
    cost = _money_along_tree(r, c, m, pred, n)
    short = np.flatnonzero(fall > 0)
    if np.any(pred[2 + short] < 0):  # not reached from the sink: cannot happen where fall > 0
        raise RuntimeError(f"no residual path from the sink to capacity {int(short[pred[2 + short] < 0][0])}")
    rise = np.zeros(n_c)
    rise[short] = -cost[2 + short]
    return CapacityValues(fall, rise)


def _money_along_tree(r, c, m, pred, n: int) -> np.ndarray:
    """Per node, the money [USD] summed along its path of the shortest-path tree ``pred`` from the
    origin (0 at the origin and where unreached): each node's arc from its predecessor looked up
    in the residual arcs (sorted by tail, head), then summed by pointer jumping (ceil(log2 depth)
    rounds of array operations)."""
    key = r * n + c
    has = pred >= 0
    val = np.zeros(n + 1)  # node n: a root of its own, worth 0
    up = np.full(n + 1, n, dtype=np.int64)
    v = np.flatnonzero(has)
    val[v] = m[np.searchsorted(key, pred[v] * n + v)]
    up[v] = pred[v]
    for _ in range(max(n, 1).bit_length() + 1):
        if np.all(up[:n] == n):
            return val[:n]
        val = val + val[up]
        up = up[up]
    raise RuntimeError("the predecessors of the residual shortest paths form a cycle")


def _margin_of(net: FlowNetwork, arc_flow: np.ndarray) -> float:
    """The margin [USD] of a flow: minus its money."""
    return -float(net.money @ arc_flow)


def capacity_values(solution: Solution, max_search_nodes: int = 5000, *, solver: str = "ortools") -> CapacityValues:
    """For each capacity, how much the objective falls (in the weight units) and the margin rises
    [USD] with one more MW on the single arc that bounds it (module docstring). The objective
    fall is positive where the capacity is short; the margin rise may be negative (serving
    in-house work at a loss because its priority says so).

    Where a re-solve is cut off by ``max_search_nodes`` the best change found is returned and
    ``exact`` (also ``solution.values_exact``) is False."""
    net = solution.net
    problem = solution.problem
    discrete = problem is not None and any(d.discrete for d in problem.demands)
    if not discrete:
        solution.values_exact = True
        return residual_values(net, solution.arc_flow, solution.capacity)
    held = restricted_capacity(net, problem, discrete_placement(solution))
    low = residual_values(net, solution.arc_flow, held)
    upper = (solution.cost - solution.root_cost) + residual_values(net, solution.root_flow,
                                                                   net.capacity).objective_fall
    fall = low.objective_fall.copy()
    rise = None if low.margin_rise_usd is None else low.margin_rise_usd.copy()
    exact = solution.optimal
    bounding = np.flatnonzero(net.arc_role == CAPACITY_ARC)
    for j in np.flatnonzero(upper > low.objective_fall + 1e-9):
        more = net.capacity.copy()
        more[bounding[j]] += 1
        plus = solve(problem, max_search_nodes, solver=solver, net=replace(net, capacity=more),
                     incumbent=int(round(solution.cost - low.objective_fall[j])))
        fall[j] = solution.cost - plus.cost
        if rise is not None and plus.arc_flow is not None:  # None: the held placement's path is the optimum
            rise[j] = _margin_of(net, plus.arc_flow) - _margin_of(net, solution.arc_flow)
        exact &= plus.optimal
    solution.values_exact = bool(exact)
    return CapacityValues(fall, rise, bool(exact))


__all__ = ["CapacityValues", "capacity_values", "residual_distances", "residual_values"]
