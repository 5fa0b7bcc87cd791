"""Shortest paths with negative arc weights from one origin: the queue-based Bellman-Ford
(Moore 1959; "SPFA"), for the residual graph of an optimal min-cost flow, which has negative
arcs but no negative cycle (Ahuja, Magnanti & Orlin 1993, sec. 5.4 and ch. 9).

Arrays in, arrays out; a graph algorithm, not a per-element body, so it has a CPU form only
(the plan's graphs are built and solved on the CPU). Worst case O(V E) as plain Bellman-Ford,
but on a flow's residual graph each node is typically relaxed a few times, where scipy's
``csgraph.bellman_ford`` sweeps every arc until nothing changes.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def bellman_ford_queue(indptr, head, weight, origin, out_dist, out_pred):
    """Distances from ``origin`` over arcs ``u -> head[k]`` of weight ``weight[k]`` for ``k`` in
    ``indptr[u]:indptr[u+1]`` (CSR by tail). Writes ``out_dist`` (``inf`` where unreached) and
    ``out_pred`` (the predecessor on a shortest path; -9999 where none, as scipy).

    Returns False if some node was relaxed ``n`` times, i.e. a negative cycle is reachable (the
    distances are then meaningless), True otherwise. Units are the weights' own."""
    n = indptr.size - 1
    for v in range(n):
        out_dist[v] = np.inf
        out_pred[v] = -9999
    queue = np.empty(n, dtype=np.int64)  # a ring of at most n queued nodes
    queued = np.zeros(n, dtype=np.bool_)
    relaxed = np.zeros(n, dtype=np.int64)
    head_at, size = 0, 1
    queue[0] = origin
    queued[origin] = True
    out_dist[origin] = 0.0
    while size > 0:
        u = queue[head_at]
        head_at = (head_at + 1) % n
        size -= 1
        queued[u] = False
        du = out_dist[u]
        for k in range(indptr[u], indptr[u + 1]):
            v = head[k]
            d = du + weight[k]
            if d < out_dist[v]:
                out_dist[v] = d
                out_pred[v] = u
                if not queued[v]:
                    relaxed[v] += 1
                    if relaxed[v] > n:
                        return False
                    queue[(head_at + size) % n] = v
                    size += 1
                    queued[v] = True
    return True
