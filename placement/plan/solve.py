"""Solving the assignment: min-cost flow and exact discrete placement (the value of capacity:
:mod:`placement.plan.values`).

* :func:`min_cost_flow` solves a :class:`~placement.plan.network.FlowNetwork` with OR-Tools'
  ``SimpleMinCostFlow`` (fast) or NetworkX's ``network_simplex`` (the reference); both are
  exact, so their objectives are equal (the tests check it).
* :func:`solve` honours exclusive tenants, single-site tenants and unsplittable blocks
  exactly: a depth-first branch and bound fixes each such *discrete* demand node to one
  capacity (or to unserved) and bounds every branch by the min-cost flow in which the
  not-yet-fixed discrete nodes are relaxed to splittable. A leaf whose relaxation already
  places each discrete node whole on one capacity is feasible; the search returns the
  cheapest. **Guarantee:** when the search completes within ``max_search_nodes`` the plan is
  optimal over all exact placements (and, given those, over all splittable flows, since each
  leaf solve is an exact min-cost flow); when it is cut off, the layer is solved as one
  mixed-integer program (HiGHS, :func:`exact_discrete_placement`, within
  :data:`EXACT_LAYER_TIME_S`) and its placement taken where cheaper, proven where HiGHS proves
  it; otherwise the best plan found is returned with ``optimal = False`` and the relaxation's
  lower bound, so the gap is known. (A depth-first search over many equal blocks could end its
  5,000 nodes without one feasible leaf and leave every discrete node unserved.)
* Size: OR-Tools solves the full network from the problem's arrays (no per-arc Python
  objects): 100,000 arcs in about 0.06 s, 4.4 million in about 6 s and 1 GB (benchmarks/).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placement.plan.model import Problem
from placement.plan.network import (
    CAPACITY_ARC,
    INTO_KEEP_ARC,
    KEEP_ARC,
    SERVED_ARC,
    UNSERVED_ARC,
    FlowNetwork,
    flow_network,
)


class Infeasible(Exception):
    """A restricted network has no feasible flow (a branch to prune)."""


@dataclass
class Solution:
    """A solved network: its arc flows and objective (in the problem's weight units)."""

    net: FlowNetwork
    arc_flow: np.ndarray
    cost: int
    optimal: bool = True
    lower_bound: int = 0
    search_nodes: int = 1
    #: arc capacities of the network actually solved (a discrete placement's leaf restricts some to 0)
    capacity: np.ndarray | None = None
    #: the problem solved, and the relaxation at the root (discrete nodes splittable)
    problem: Problem | None = None
    root_cost: int | None = None
    root_flow: np.ndarray | None = None
    #: whether :func:`placement.plan.values.capacity_values` proved every value (no search cut off)
    values_exact: bool = True

    def __post_init__(self):
        if self.capacity is None:
            self.capacity = self.net.capacity


def min_cost_flow(net: FlowNetwork, capacity: np.ndarray | None = None, *, solver: str = "ortools"):
    """(objective, arc flows) of the network, optionally with other arc capacities; raises
    :class:`Infeasible` when no flow meets the supplies."""
    cap = net.capacity if capacity is None else capacity
    if solver == "networkx":
        return _networkx_solve(net, cap)
    from ortools.graph.python import min_cost_flow as mcf

    s = mcf.SimpleMinCostFlow()
    arcs = s.add_arcs_with_capacity_and_unit_cost(net.tail, net.head, cap, net.cost)
    s.set_nodes_supplies(np.arange(net.n_nodes), net.supply)
    status = s.solve()
    if status == s.INFEASIBLE:
        raise Infeasible
    if status != s.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver status {status}")
    return int(s.optimal_cost()), np.asarray(s.flows(arcs), dtype=np.int64)


def _networkx_solve(net: FlowNetwork, cap: np.ndarray):
    import networkx as nx

    G = nx.DiGraph()
    for v in range(net.n_nodes):
        G.add_node(v, demand=int(-net.supply[v]))
    for t, h, c, w in zip(net.tail.tolist(), net.head.tolist(), cap.tolist(), net.cost.tolist()):
        G.add_edge(t, h, capacity=int(c), weight=int(w))
    try:
        cost, flow = nx.network_simplex(G)
    except nx.NetworkXUnfeasible:
        raise Infeasible from None
    return int(cost), np.array([flow[t][h] for t, h in zip(net.tail.tolist(), net.head.tolist())], dtype=np.int64)


# --- exact discrete placement -------------------------------------------------------------------

def _placement(net: FlowNetwork, arc_flow: np.ndarray, i: int):
    """(capacity index or -1 for unserved, is_whole) of demand node ``i`` in a flow."""
    mine = (net.arc_demand == i) & (arc_flow > 0) & np.isin(net.arc_role, (UNSERVED_ARC, SERVED_ARC, INTO_KEEP_ARC))
    targets = {}
    for k in np.flatnonzero(mine):
        j = -1 if net.arc_role[k] == UNSERVED_ARC else int(net.arc_capacity[k])
        targets[j] = targets.get(j, 0) + int(arc_flow[k])
    if not targets:
        return -1, True
    best = max(targets, key=targets.get)
    return best, len(targets) == 1


class _Arcs:
    """Arc indices the branching closes, per discrete node and per capacity (computed once)."""

    def __init__(self, net: FlowNetwork, discrete: list):
        into = np.isin(net.arc_role, (SERVED_ARC, INTO_KEEP_ARC, KEEP_ARC))
        self.into_of = {i: np.flatnonzero(into & (net.arc_demand == i)) for i in discrete}
        self.unserved_of = {i: np.flatnonzero((net.arc_role == UNSERVED_ARC) & (net.arc_demand == i))
                            for i in discrete}
        self.into = into
        self.net = net


def _fix(arcs: _Arcs, problem: Problem, cap: np.ndarray, i: int, j: int) -> np.ndarray:
    """Arc capacities with discrete node ``i`` fixed: to capacity ``j`` whole (its other arcs and
    its unserved arc closed; an exclusive lease also closes ``j`` to everybody else), or to
    unserved (``j = -1``: every arc into a capacity closed)."""
    net = arcs.net
    cap = cap.copy()
    mine = arcs.into_of[i]
    cap[mine[net.arc_capacity[mine] != j]] = 0
    if j >= 0:
        cap[arcs.unserved_of[i]] = 0
        if problem.demands[i].exclusive:
            cap[arcs.into & (net.arc_capacity == j) & (net.arc_demand != i)] = 0
    return cap


def restricted_capacity(net: FlowNetwork, problem: Problem, fixes: dict) -> np.ndarray:
    """Arc capacities of the network with each discrete node in ``fixes`` (demand index ->
    capacity index, or -1 for unserved) placed as :func:`_fix` says."""
    arcs = _Arcs(net, list(fixes))
    cap = net.capacity
    for i, j in fixes.items():
        cap = _fix(arcs, problem, cap, i, j)
    return cap.copy() if cap is net.capacity else cap


def _feasible(net: FlowNetwork, problem: Problem, arc_flow: np.ndarray, discrete: list) -> bool:
    """True when every discrete rule holds in a flow: each discrete node whole on one capacity
    or wholly unserved, and nobody else on an exclusive lease's capacity."""
    owners = {}
    for i in discrete:
        j, whole = _placement(net, arc_flow, i)
        if not whole:
            return False
        if j >= 0 and problem.demands[i].exclusive:
            owners[j] = i
    into = np.isin(net.arc_role, (SERVED_ARC, KEEP_ARC))
    for j, owner in owners.items():
        others = into & (net.arc_capacity == j) & (net.arc_demand != owner) & (arc_flow > 0)
        if others.any():
            return False
    return True


def discrete_placement(solution: "Solution") -> dict:
    """Demand index -> capacity index (-1: unserved) of every discrete node in a solution."""
    problem = solution.problem
    return {i: _placement(solution.net, solution.arc_flow, i)[0]
            for i in range(len(problem.demands)) if problem.demands[i].discrete}


def _twins(problem: Problem, discrete: list) -> dict:
    """Discrete node -> the last node before it (in ``discrete`` order) that is interchangeable with
    it: the same tenant, MW, unserved weight, allowed arcs with their weights, and previous placement."""
    last, out = {}, {}
    for i in discrete:
        d = problem.demands[i]
        mask = problem.arc_demand == i
        previous = tuple(sorted((j, mw) for (k, j), mw in problem.previous.items() if k == i))
        key = (d.tenant.id, d.mw, d.exclusive, int(problem.unserved_weight[i]),
               tuple(problem.arc_capacity[mask].tolist()), tuple(problem.arc_weight[mask].tolist()), previous)
        if key in last:
            out[i] = last[key]
        last[key] = i
    return out


def _whole_block_capacity(net: FlowNetwork, problem: Problem) -> np.ndarray:
    """Arc capacities where a capacity that only discrete nodes can enter is rounded down to a
    multiple of the greatest common divisor of their MW: whole nodes can fill no more than that
    (49 MW for 5 MW blocks holds 45), so every exact placement still fits, and the relaxation
    bound is tighter."""
    import math

    cap = net.capacity.copy()
    into = np.isin(net.arc_role, (SERVED_ARC, INTO_KEEP_ARC))
    discrete = np.array([d.discrete for d in problem.demands], dtype=bool)
    mw = problem.demand_mw
    bounding = np.flatnonzero(net.arc_role == CAPACITY_ARC)
    for j in range(net.n_capacities):
        users = np.unique(net.arc_demand[into & (net.arc_capacity == j)])
        if users.size == 0 or not discrete[users].all():
            continue
        g = math.gcd(*mw[users].tolist())
        k = bounding[j]
        cap[k] = cap[k] // g * g
    return cap


def solve(problem: Problem, max_search_nodes: int = 5000, *, solver: str = "ortools",
          net: FlowNetwork | None = None, incumbent: int | None = None) -> Solution:
    """Min-cost flow honouring discrete nodes exactly (module docstring).

    ``net`` solves another network of the same problem (one more MW somewhere); ``incumbent``
    is the cost of a plan known to be feasible there, which prunes the search (a solution is
    then returned only when it is cheaper; otherwise ``arc_flow`` is ``None``)."""
    discrete = [i for i in sorted(range(len(problem.demands)), key=lambda i: -problem.demands[i].mw)
                if problem.demands[i].discrete]
    net = flow_network(problem) if net is None else net
    root_cost, root_flow = min_cost_flow(net, solver=solver)
    if not discrete or _feasible(net, problem, root_flow, discrete):
        return Solution(net, root_flow, root_cost, True, root_cost, 1, problem=problem,
                        root_cost=root_cost, root_flow=root_flow)
    arcs = _Arcs(net, discrete)
    start_cap = _whole_block_capacity(net, problem)
    bound = root_cost
    if not np.array_equal(start_cap, net.capacity):
        try:
            bound, start_flow = min_cost_flow(net, start_cap, solver=solver)
        except Infeasible:
            start_cap, start_flow = net.capacity, root_flow
        else:
            if _feasible(net, problem, start_flow, discrete):
                return Solution(net, start_flow, bound, True, bound, 2, start_cap, problem=problem,
                                root_cost=root_cost, root_flow=root_flow)
    else:
        start_flow = root_flow
    best = [incumbent, None, None]
    nodes = [0]
    open_bounds = []  # relaxation costs of subtrees the node limit cut off
    allowed_of = {i: sorted(set(problem.arc_capacity[problem.arc_demand == i].tolist())) for i in discrete}
    weight_of = {(int(i), int(j)): int(w) for i, j, w in zip(problem.arc_demand, problem.arc_capacity,
                                                             problem.arc_weight) if i in allowed_of}

    twin_before = _twins(problem, discrete)
    n_caps = net.n_capacities

    def rank(j):
        return n_caps if j < 0 else j

    def options(i, arc_flow, fixes):
        """Capacities for a discrete node, the relaxation's choice first, then by cost; unserved last.
        A block identical to one fixed before it (same tenant, size, arcs, weights and previous
        placement) takes only capacities at or after that one's, in capacity order with unserved
        last: any plan can be reordered so, at the same cost, which cuts the symmetric branches."""
        prefer, _ = _placement(net, arc_flow, i)
        out = sorted(allowed_of[i], key=lambda j: (j != prefer, weight_of[i, j])) + [-1]
        twin = twin_before.get(i)
        if twin is not None and twin in fixes:
            out = [j for j in out if rank(j) >= rank(fixes[twin])]
        return out

    def dfs(fixes, cap, arc_flow, bound):
        i = next((i for i in discrete if i not in fixes), None)
        if i is None:
            return  # every discrete node fixed: the restricted flow is itself feasible (accepted above)
        for j in options(i, arc_flow, fixes):
            if nodes[0] >= max_search_nodes:
                open_bounds.append(bound)
                return
            nodes[0] += 1
            trial_cap = _fix(arcs, problem, cap, i, j)
            try:
                cost, f = min_cost_flow(net, trial_cap, solver=solver)
            except Infeasible:
                continue
            if best[0] is not None and cost >= best[0]:
                continue  # bound: the relaxation already costs as much as the best plan
            if _feasible(net, problem, f, discrete):
                best[0], best[1], best[2] = cost, f, trial_cap
                continue
            dfs({**fixes, i: j}, trial_cap, f, cost)

    dfs({}, start_cap, start_flow, bound)
    if open_bounds:  # the node limit cut the search: the layer's exact program decides instead
        exact = exact_discrete_placement(net, problem, discrete)
        if exact is not None:
            fixes, proven = exact
            cap = restricted_capacity(net, problem, fixes)
            try:
                cost, f = min_cost_flow(net, cap, solver=solver)
            except Infeasible:
                cost = None
            if cost is not None and (best[0] is None or cost < best[0]):
                best[0], best[1], best[2] = cost, f, cap
            if cost is not None and proven and cost == best[0]:
                open_bounds = []  # the program proved it: nothing the search left open is cheaper
                bound = max(bound, cost)
    found = best[1] is not None
    if not found and incumbent is not None:  # nothing cheaper than the incumbent (proven if no cut-off)
        lower = max(min([incumbent, *open_bounds]), bound)
        return Solution(net, None, incumbent, lower == incumbent, lower, nodes[0] + 1, problem=problem,
                        root_cost=root_cost, root_flow=root_flow)
    if not found:  # no exact placement found within the limit: everything discrete unserved
        best[2] = restricted_capacity(net, problem, {i: -1 for i in discrete})
        best[0], best[1] = min_cost_flow(net, best[2], solver=solver)
    lower = min([best[0], *open_bounds]) if open_bounds else best[0]
    lower = max(lower, bound)
    return Solution(net, best[1], best[0], lower == best[0], lower, nodes[0] + 1, best[2], problem=problem,
                    root_cost=root_cost, root_flow=root_flow)


#: Seconds the exact program of a layer may take where the branch and bound hit its node limit.
EXACT_LAYER_TIME_S = 20.0


def exact_discrete_placement(net: FlowNetwork, problem: Problem, discrete: list,
                             time_limit_s: float = EXACT_LAYER_TIME_S):
    """(fixes, proven) of a layer solved as one mixed-integer program (HiGHS): the network's arc
    flows (integers within their capacities, conserved at every node), each discrete node whole on
    one capacity or wholly unserved (a binary per choice), an exclusive lease's capacity closed to
    everybody else; ``fixes`` maps each discrete node to its capacity index (-1: unserved), as
    :func:`restricted_capacity` takes them; ``proven``: HiGHS proved the optimum within the time.
    None when HiGHS found no solution in the time."""
    import highspy
    import scipy.sparse as sp

    from placement.plan.highs import new_highs

    n_arcs = net.tail.size
    rows, cols, vals, rlo, rhi = [], [], [], [], []

    def row(cs, vs, lo, hi):
        r = len(rlo)
        rows.extend([r] * len(cs))
        cols.extend(int(c) for c in cs)
        vals.extend(float(v) for v in vs)
        rlo.append(lo)
        rhi.append(hi)

    # conservation: inflow - outflow = -supply at every node
    for node in range(net.n_nodes):
        into, out = np.flatnonzero(net.head == node), np.flatnonzero(net.tail == node)
        row(np.r_[into, out], np.r_[np.ones(into.size), -np.ones(out.size)], -float(net.supply[node]),
            -float(net.supply[node]))
    n = n_arcs
    choice = {}  # (i, j) -> binary column; j = -1: unserved
    into_role = np.isin(net.arc_role, (SERVED_ARC, INTO_KEEP_ARC))
    for i in discrete:
        d = float(problem.demands[i].mw)
        mine = np.flatnonzero(into_role & (net.arc_demand == i))
        targets = sorted(set(net.arc_capacity[mine].tolist()))
        unserved = np.flatnonzero((net.arc_role == UNSERVED_ARC) & (net.arc_demand == i))
        picks = []
        for j in [*targets, -1]:
            choice[i, j] = n
            picks.append(n)
            n += 1
            arcs = unserved if j < 0 else mine[net.arc_capacity[mine] == j]
            row(np.r_[arcs, choice[i, j]], np.r_[np.ones(arcs.size), -d], 0.0, 0.0)  # whole there, or nothing
        row(picks, np.ones(len(picks)), 1.0, 1.0)
    # an exclusive lease: nobody else enters its capacity
    enter = np.isin(net.arc_role, (SERVED_ARC, KEEP_ARC))
    bounding = np.flatnonzero(net.arc_role == CAPACITY_ARC)
    for i in discrete:
        if not problem.demands[i].exclusive:
            continue
        for (k, j), col in choice.items():
            if k != i or j < 0:
                continue
            others = np.flatnonzero(enter & (net.arc_capacity == j) & (net.arc_demand != i))
            if others.size:
                big = float(net.capacity[bounding[j]])
                row(np.r_[others, col], np.r_[np.ones(others.size), big], -np.inf, big)
    n_bin = n - n_arcs
    cost = np.r_[net.cost.astype(float), np.zeros(n_bin)]
    lo = np.r_[np.zeros(n_arcs), np.zeros(n_bin)]
    hi = np.r_[net.capacity.astype(float), np.ones(n_bin)]
    A = sp.csc_matrix((vals, (rows, cols)), shape=(len(rlo), n))
    h = new_highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)  # integer costs: a gap below one unit is proof
    h.setOptionValue("time_limit", float(time_limit_s))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rlo)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lo, hi
    lp.row_lower_, lp.row_upper_ = np.array(rlo, float), np.array(rhi, float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(rlo)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    if h.getInfo().primal_solution_status == 0:
        return None
    v = np.rint(np.asarray(h.getSolution().col_value))
    fixes = {}
    for (i, j), col in choice.items():
        if v[col] > 0.5:
            fixes[i] = j
    return fixes, h.modelStatusToString(h.getModelStatus()) == "Optimal"


__all__ = ["Infeasible", "Solution", "min_cost_flow", "solve", "restricted_capacity", "discrete_placement",
           "exact_discrete_placement"]
