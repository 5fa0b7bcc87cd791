"""Paths over inter-satellite links: a +Grid of laser links, shortest paths from the cluster, and
each user up to the satellite in view that gives the shortest total path.

Pure geometry on positions (Earth-fixed, km): :mod:`placement.orbit.routing` places a shell's
satellites and calls these. Kassing et al., "Exploring the 'Internet from space' with Hypatia",
ACM IMC 2020 (the +Grid and the routing).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from placement.constants import SPEED_OF_LIGHT_KM_PER_MS

__all__ = ["plus_grid_links", "grid_routed_rtt_ms"]


def plus_grid_links(planes: int, slots: int) -> tuple[np.ndarray, np.ndarray]:
    """Undirected +Grid links (i, j): each satellite to the next slot in its plane and to the same
    slot in the next plane (wrapping round), so every satellite has four links (two in a ring)."""
    idx = np.arange(planes * slots).reshape(planes, slots)
    a = [idx.ravel()]
    b = [np.roll(idx, -1, axis=1).ravel()]
    if planes > 1:
        a.append(idx.ravel())
        b.append(np.roll(idx, -1, axis=0).ravel())
    i, j = np.concatenate(a), np.concatenate(b)
    keep = i != j
    i, j = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
    pairs = np.unique(np.column_stack([i, j]), axis=0)
    return pairs[:, 0], pairs[:, 1]


def grid_routed_rtt_ms(sats_km: np.ndarray, link_i: np.ndarray, link_j: np.ndarray, users_km: np.ndarray,
                       min_elevation_deg: float, overhead_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """RTT [ms] from each user to satellite 0 (the cluster) at one instant, and the hop count.

    Link lengths are the straight chords between satellites ``sats_km`` [km, (n, 3)] over the
    links ``(link_i, link_j)``; each user (``users_km`` [km, (u, 3)], Earth-fixed) goes up to
    whichever satellite above ``min_elevation_deg`` [deg] gives the shortest path.
    RTT = 2 path / c + ``overhead_ms``; NaN where no satellite is in view.
    """
    n = sats_km.shape[0]
    w = np.linalg.norm(sats_km[link_i] - sats_km[link_j], axis=1)
    graph = coo_matrix((w, (link_i, link_j)), shape=(n, n)).tocsr()
    dist, pred = dijkstra(graph, directed=False, indices=0, return_predecessors=True)
    hop = _hop_counts(pred)
    r_users = np.linalg.norm(users_km, axis=1)
    los = sats_km[None, :, :] - users_km[:, None, :]  # user -> satellite
    slant = np.linalg.norm(los, axis=2)
    sin_el = math.sin(math.radians(min_elevation_deg))
    in_view = np.einsum("uk,usk->us", users_km / r_users[:, None], los) >= sin_el * slant
    total = np.where(in_view, slant + dist[None, :], np.inf)
    best = total.argmin(axis=1)
    path = total[np.arange(users_km.shape[0]), best]
    seen = np.isfinite(path)
    rtt = np.full(users_km.shape[0], np.nan)
    hops = np.full(users_km.shape[0], np.nan)
    rtt[seen] = 2.0 * path[seen] / SPEED_OF_LIGHT_KM_PER_MS + overhead_ms
    hops[seen] = hop[best[seen]]
    return rtt, hops


def _hop_counts(pred: np.ndarray) -> np.ndarray:
    hops = np.full(pred.size, -1, dtype=np.int64)
    hops[0] = 0
    order = [0]
    children: dict = {}
    for v, p in enumerate(pred):
        if p >= 0:
            children.setdefault(int(p), []).append(v)
    while order:
        v = order.pop()
        for c in children.get(v, ()):
            hops[c] = hops[v] + 1
            order.append(c)
    return hops
