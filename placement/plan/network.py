"""The assignment problem as an integer-indexed flow network, and its NetworkX form.

Nodes: 0 source, 1 sink, then capacities, demand nodes and keep nodes. Arcs (arrays
``tail, head, capacity, cost``) in blocks:

* source -> demand (its MW, cost 0);
* demand -> sink, the priced "unserved" arc (its MW, its unserved weight);
* demand -> capacity, one per allowed arc (its MW, the arc weight, plus the migration
  weight when the demand node was placed before and this arc moves it);
* demand -> keep -> capacity for load kept from a previous plan (the kept MW, the arc
  weight, no migration);
* capacity -> sink (its MW, cost 0): the single arc that bounds each capacity.

A plan layer's problem also carries money (:class:`~placement.plan.model.Problem` ``arc_money``):
the network then holds, per arc, its cash cost [USD per MW] beside the integer weight
(``FlowNetwork.money``), so a flow's margin is ``-(money * flow).sum()``.

:func:`to_networkx` builds the same graph with the tuple node names of
:mod:`placement.plan.model` (``demand``, ``capacity`` and ``weight`` attributes, integers),
the form :func:`placement.build_graph` returns and NetworkX's ``network_simplex`` solves.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placement.plan.model import (
    SINK,
    SOURCE,
    Problem,
    capacity_node,
    keep_node,
    tenant_node,
)


@dataclass
class FlowNetwork:
    """Arrays of a min-cost-flow network and what each arc means for the problem."""

    n_nodes: int
    tail: np.ndarray
    head: np.ndarray
    capacity: np.ndarray
    cost: np.ndarray
    supply: np.ndarray
    #: per arc: the demand index it serves (-1 if none) and the capacity index it enters (-1 if none)
    arc_demand: np.ndarray
    arc_capacity: np.ndarray
    #: per arc: 0 source, 1 unserved, 2 served, 3 into keep, 4 keep -> capacity, 5 capacity -> sink
    arc_role: np.ndarray
    n_capacities: int
    n_demands: int
    keep_pairs: list  # (demand index, capacity index) of each keep node, in node order
    #: per arc: its money [USD per MW, a cost] where the problem carries money (a plan layer), else None
    money: np.ndarray | None = None

    def capacity_node_id(self, j) -> int:
        return 2 + j

    def demand_node_id(self, i) -> int:
        return 2 + self.n_capacities + i

    def keep_node_id(self, k) -> int:
        return 2 + self.n_capacities + self.n_demands + k


SOURCE_ARC, UNSERVED_ARC, SERVED_ARC, INTO_KEEP_ARC, KEEP_ARC, CAPACITY_ARC = range(6)


def flow_network(p: Problem) -> FlowNetwork:
    """The network of a problem (module docstring)."""
    n_d, n_c = len(p.demands), len(p.capacities)
    mw = p.demand_mw
    cap_mw = p.capacity_mw
    keep_pairs = sorted(p.previous)
    kept = np.array([p.previous[k] for k in keep_pairs], dtype=np.int64)
    placed = np.zeros(n_d, dtype=bool)
    for i, _ in keep_pairs:
        placed[i] = True
    n_nodes = 2 + n_c + n_d + len(keep_pairs)
    d_node = 2 + n_c + np.arange(n_d)
    c_node = 2 + np.arange(n_c)
    a_d, a_c, a_w = p.arc_demand, p.arc_capacity, p.arc_weight
    move = placed[a_d].astype(np.int64) * p.migration_weight
    if p.unit_mw is not None:  # a GPU tenant pays the MW price x its MW per GPU
        move = np.rint(placed[a_d] * p.migration_weight * p.unit_mw[a_d]).astype(np.int64)
    k_d = np.array([i for i, _ in keep_pairs], dtype=np.int64)
    k_c = np.array([j for _, j in keep_pairs], dtype=np.int64)
    k_node = 2 + n_c + n_d + np.arange(len(keep_pairs))
    # a kept pair's weight is its allowed arc's weight (pairs are sorted, so are their codes)
    arc_code = a_d * n_c + a_c
    order = np.argsort(arc_code, kind="stable")
    pos = np.searchsorted(arc_code[order], k_d * n_c + k_c)
    pos = np.minimum(pos, max(arc_code.size - 1, 0))
    found = arc_code.size > 0 and np.all(arc_code[order][pos] == k_d * n_c + k_c) if len(keep_pairs) else True
    if not found:
        raise ValueError("every kept pair must be an allowed arc of the problem")
    k_weight = a_w[order][pos] if len(keep_pairs) else np.zeros(0, dtype=np.int64)
    blocks = [
        # tail, head, capacity, cost, demand, capacity index, role
        (np.zeros(n_d, np.int64), d_node, mw, np.zeros(n_d, np.int64), np.arange(n_d), np.full(n_d, -1), SOURCE_ARC),
        (d_node, np.ones(n_d, np.int64), mw, p.unserved_weight, np.arange(n_d), np.full(n_d, -1), UNSERVED_ARC),
        (d_node[a_d], c_node[a_c], mw[a_d], a_w + move, a_d, a_c, SERVED_ARC),
        (d_node[k_d], k_node, kept, k_weight, k_d, k_c, INTO_KEEP_ARC),
        (k_node, c_node[k_c], kept, np.zeros(len(keep_pairs), np.int64), k_d, k_c, KEEP_ARC),
        (c_node, np.ones(n_c, np.int64), cap_mw, np.zeros(n_c, np.int64), np.full(n_c, -1), np.arange(n_c),
         CAPACITY_ARC),
    ]
    cols = list(zip(*blocks))
    money = None
    if p.arc_money is not None:
        k_money = p.arc_money[order][pos] if len(keep_pairs) else np.zeros(0)
        money = np.concatenate([np.zeros(n_d), np.asarray(p.unserved_money, dtype=float),
                                p.arc_money + placed[a_d] * float(p.migration_money)
                                * (1.0 if p.unit_mw is None else p.unit_mw[a_d]), k_money,
                                np.zeros(len(keep_pairs) + n_c)]).astype(float)
    total = int(mw.sum())
    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[0], supply[1] = total, -total
    return FlowNetwork(
        n_nodes=n_nodes,
        tail=np.concatenate(cols[0]).astype(np.int64), head=np.concatenate(cols[1]).astype(np.int64),
        capacity=np.concatenate(cols[2]).astype(np.int64), cost=np.concatenate(cols[3]).astype(np.int64),
        supply=supply, arc_demand=np.concatenate(cols[4]).astype(np.int64),
        arc_capacity=np.concatenate(cols[5]).astype(np.int64),
        arc_role=np.concatenate([np.full(len(b[0]), b[6], dtype=np.int8) for b in blocks]),
        n_capacities=n_c, n_demands=n_d, keep_pairs=keep_pairs, money=money)


def node_names(net: FlowNetwork, p: Problem) -> list:
    """The tuple name of every node id (:mod:`placement.plan.model`)."""
    names = [SOURCE, SINK] + [capacity_node(cid) for cid in p.capacity_ids] + [tenant_node(d.key) for d in p.demands]
    names += [keep_node(p.demands[i].key, p.capacity_ids[j]) for i, j in net.keep_pairs]
    return names


def to_networkx(net: FlowNetwork, p: Problem):
    """The network as a ``networkx.DiGraph`` with named nodes and integer attributes."""
    import networkx as nx

    names = node_names(net, p)
    G = nx.DiGraph()
    for v in range(net.n_nodes):
        attrs = {"demand": int(-net.supply[v])}
        if v >= 2 + net.n_capacities and v < 2 + net.n_capacities + net.n_demands:
            attrs["tenant"] = p.demands[v - 2 - net.n_capacities].tenant.id
        elif 2 <= v < 2 + net.n_capacities:
            attrs["kind"] = p.capacities[p.capacity_ids[v - 2]].kind
        G.add_node(names[v], **attrs)
    for t, h, c, w, role in zip(net.tail.tolist(), net.head.tolist(), net.capacity.tolist(), net.cost.tolist(),
                                net.arc_role.tolist()):
        attrs = {"capacity": int(c), "weight": int(w)}
        if role == UNSERVED_ARC:
            attrs["unserved"] = True
        G.add_edge(names[t], names[h], **attrs)
    return G


def flow_dict(net: FlowNetwork, p: Problem, arc_flow: np.ndarray) -> dict:
    """``{u: {v: MW}}`` over every arc of the named graph (NetworkX's flow format)."""
    names = node_names(net, p)
    out = {name: {} for name in names}
    for t, h, f in zip(net.tail.tolist(), net.head.tolist(), arc_flow.tolist()):
        out[names[t]][names[h]] = int(f)
    return out


def arc_flows_from_dict(net: FlowNetwork, p: Problem, flow: dict) -> np.ndarray:
    """The arc-flow array of a NetworkX flow dict over :func:`to_networkx`'s graph."""
    names = node_names(net, p)
    return np.array([flow[names[t]][names[h]] for t, h in zip(net.tail.tolist(), net.head.tolist())], dtype=np.int64)
