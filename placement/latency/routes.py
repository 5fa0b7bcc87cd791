"""Ground round-trip time over the route graph, by profile.

RTT = 2 x path_inflation x L / v_fibre + overhead, where L [km] is the routed path from one point to
the other through the route graph (:mod:`placement.latency.route_graph`): an access leg to one of the
point's nearest nodes, the node-to-node path, an access leg out. The node-to-node path is the
shortest fibre path plus ``exchange_weight`` times the detour through both ends' nearest Internet
exchanges (:meth:`placement.latency.route_graph.RouteGraph.routed_path_km`). Profiles:

- ``internet``: the public internet as measured between WonderProxy's servers (minimum RTT of
  each pair); graph factors, ``exchange_weight``, ``path_inflation`` by continent pair and
  ``overhead_ms`` fitted on the servers of the fitting split (:mod:`latency_calibration`);
- ``backbone``: a cloud or data-center operator's private backbone: the same fibre, the shortest
  path (its own network end to end: no exchange detour), one inflation and overhead fitted on
  Azure's published inter-region RTTs;
- ``great_circle``: the older model, 2 d route_factor / v_fibre + overhead
  (:mod:`placement.kernels.latency`), kept for comparison.

Profiles and their calibration live in ``catalogs/data/route_latency_calibration.toml``."""
from __future__ import annotations

import functools

import numpy as np

from placement.catalogs.validation import InputError
from placement.latency.profiles import (
    CONTINENTS,
    ROUTE_PROFILES,
    RouteProfile,
    continent_index,
    route_profiles,
)
from placement.latency.route_graph import (
    ACCESS_NODES,
    MAX_ACCESS_KM,
    SUBMARINE_CABLES_CSV,
    great_circle_km,
    route_graph,
)


def graph_for(profile: RouteProfile, cables_csv=None):
    """The route graph built with the profile's factors and a cable catalog (default: the bundled
    one), cached on disk."""

    return route_graph(profile.conduit_factor, profile.cross_border_factor, str(cables_csv or SUBMARINE_CABLES_CSV))


def _reachable(where, graph, lat, lon):
    idx, access_km = graph.nearest_nodes(lat, lon, k=ACCESS_NODES)
    nearest_great_circle_km = access_km[..., 0] / graph.conduit_factor
    far = nearest_great_circle_km > MAX_ACCESS_KM
    if np.any(far):
        k = int(np.flatnonzero(far.ravel())[0])
        raise InputError(where, "point", f"{lat.ravel()[k]:.3f},{lon.ravel()[k]:.3f}",
                         f"no reachable metro: the nearest node is {nearest_great_circle_km.ravel()[k]:,.0f} km away "
                         f"(at most {MAX_ACCESS_KM:,.0f} km)")
    return idx, access_km


def check_reachable(where, lat_deg: float, lon_deg: float, profile: str = "internet") -> None:
    """:class:`InputError` naming ``where`` if no node of the profile's graph is within reach."""
    if profile in ROUTE_PROFILES:
        _reachable(where, graph_for(route_profiles()[profile]), np.atleast_1d(float(lat_deg)),
                   np.atleast_1d(float(lon_deg)))


def route_path_km(graph, lat1_deg, lon1_deg, lat2_deg, lon2_deg, *, where="route", exchange_weight=0.0):
    """Routed path [km] between points through the graph (the shortest fibre path when
    ``exchange_weight`` is 0; :meth:`placement.latency.route_graph.RouteGraph.routed_path_km`), and the
    entry and exit nodes.

    Returns
    -------
    (path_km, entry_node, exit_node) : tuple of numpy.ndarray
        In the broadcast shape of the inputs.
    """
    a = np.broadcast_arrays(*(np.asarray(v, float) for v in (lat1_deg, lon1_deg, lat2_deg, lon2_deg)))
    shape = a[0].shape
    lat1, lon1, lat2, lon2 = (np.ravel(v) for v in a)
    i1, acc1 = _reachable(where, graph, lat1, lon1)
    i2, acc2 = _reachable(where, graph, lat2, lon2)
    total = acc1[:, :, None] + graph.routed_path_km(exchange_weight)[i1[:, :, None], i2[:, None, :]] + acc2[:, None, :]
    k = total.reshape(total.shape[0], -1).argmin(axis=1)
    r = np.arange(total.shape[0])
    n_acc = i1.shape[1]
    best = total.reshape(total.shape[0], -1)[r, k]
    if not np.all(np.isfinite(best)):
        raise InputError(where, "route", None, "the two points are not connected by the route graph")
    return (best.reshape(shape), i1[r, k // n_acc].reshape(shape), i2[r, k % n_acc].reshape(shape))


def access_nodes(graph, lat_deg, lon_deg):
    """(node indices int64 (n, k), access legs [km] (n, k)) of candidate points for the kernel;
    a point with no node within :data:`placement.latency.route_graph.MAX_ACCESS_KM` gets infinite legs (its
    RTT comes out NaN)."""

    idx, access_km = graph.nearest_nodes(lat_deg, lon_deg, k=ACCESS_NODES)
    access_km = np.where(access_km / graph.conduit_factor > MAX_ACCESS_KM, np.inf, access_km)
    return np.ascontiguousarray(idx, dtype=np.int64), np.ascontiguousarray(access_km, dtype=float)


def demand_matrix(graph, lat_deg, lon_deg, continent_codes, exchange_weight: float = 0.0):
    """(:func:`node_to_demand_km`, continent index of each demand point), cached for the last few
    demand sets."""
    lat = np.ascontiguousarray(lat_deg, dtype=float)
    lon = np.ascontiguousarray(lon_deg, dtype=float)
    codes = tuple(str(c) for c in continent_codes)
    return _demand_matrix_cached(graph, lat.tobytes(), lon.tobytes(), codes, float(exchange_weight))


@functools.lru_cache(maxsize=4)
def _demand_matrix_cached(graph, lat_bytes: bytes, lon_bytes: bytes, codes: tuple, exchange_weight: float):
    lat, lon = np.frombuffer(lat_bytes), np.frombuffer(lon_bytes)
    fallback = continent_index(lat, lon) if lat.size else np.zeros(0, np.int64)
    cont = np.array([CONTINENTS.index(c) if c in CONTINENTS else int(f) for c, f in zip(codes, fallback)],
                    dtype=np.int64)
    return np.ascontiguousarray(node_to_demand_km(graph, lat, lon, exchange_weight)), cont


def node_to_demand_km(graph, demand_lat_deg, demand_lon_deg, exchange_weight: float = 0.0) -> np.ndarray:
    """Routed path [km] from every graph node to every demand point (node rows, demand columns,
    float32): the shortest over the demand point's access nodes of path + access leg, the path
    being :meth:`placement.latency.route_graph.RouteGraph.routed_path_km` for ``exchange_weight``. A candidate
    point's path to a demand point is then the minimum over its own access nodes of access leg +
    this row, which is what the demand-weighted kernel reads."""
    lat = np.asarray(demand_lat_deg, float)
    lon = np.asarray(demand_lon_deg, float)
    idx, access_km = _reachable("demand", graph, lat, lon)
    path = graph.routed_path_km(exchange_weight)
    out = np.full((path.shape[0], lat.size), np.inf, dtype=np.float32)
    for j in range(idx.shape[1]):
        np.minimum(out, path[:, idx[:, j]] + access_km[None, :, j].astype(np.float32), out=out)
    return out


def route_rtt_ms(lat1_deg, lon1_deg, lat2_deg, lon2_deg, profile: str = "internet") -> np.ndarray:
    """Round-trip time [ms] over the route graph for the ``internet`` or ``backbone`` profile."""
    return route_rtt_ms_with(route_profiles()[profile], lat1_deg, lon1_deg, lat2_deg, lon2_deg)


def route_rtt_ms_with(p: RouteProfile, lat1_deg, lon1_deg, lat2_deg, lon2_deg, graph=None) -> np.ndarray:
    """Round-trip time [ms] over the route graph (default: the profile's own) for a given profile."""
    a = np.broadcast_arrays(*(np.asarray(v, float) for v in (lat1_deg, lon1_deg, lat2_deg, lon2_deg)))
    km, _, _ = route_path_km(graph if graph is not None else graph_for(p), *a, where="ground_rtt_ms",
                             exchange_weight=p.exchange_weight)
    ca = continent_index(a[0].ravel(), a[1].ravel()).reshape(km.shape)
    cb = continent_index(a[2].ravel(), a[3].ravel()).reshape(km.shape)
    return p.rtt_ms(km, ca, cb)


def describe_route(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float,
                   profile: str = "internet", cables_csv=None) -> dict:
    """One route for a planner: RTT [ms], fibre and great-circle distance [km], the path as a
    list of hops (node name, country, and the cable or ``terrestrial`` that reaches it), and for the
    internet profile the exchange detour it prices (the two ends' nearest Internet exchanges, the
    extra fibre through them [km] and the share of it in the RTT); ``cables_csv`` replaces the
    bundled submarine cable catalog."""
    import networkx as nx


    gc_km = float(great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg))
    if profile == "great_circle":
        from placement.latency import ground_rtt_ms

        rtt = float(ground_rtt_ms(lat1_deg, lon1_deg, lat2_deg, lon2_deg, profile="great_circle"))
        return {"profile": profile, "rtt_ms": round(rtt, 2), "great_circle_km": round(gc_km, 1), "path": []}
    p = route_profiles()[profile]
    g = graph_for(p, cables_csv)
    km, entry, exit_ = route_path_km(g, lat1_deg, lon1_deg, lat2_deg, lon2_deg, where="latency",
                                     exchange_weight=p.exchange_weight)
    detour_km = float(g.exchange_detour_km(int(entry), int(exit_)))
    fibre_km = float(km) - p.exchange_weight * detour_km
    G = g.networkx_graph
    nodes = nx.dijkstra_path(G, int(entry), int(exit_), weight="km")
    hops = []
    for n, node in enumerate(nodes):
        via = "access" if n == 0 else (G.edges[nodes[n - 1], node]["cable"] or "terrestrial")
        hops.append({"node": str(g.name[node]), "country": str(g.country[node]), "kind": str(g.kind[node]),
                     "via": via})
    cables = list(dict.fromkeys(h["via"] for h in hops if h["via"] not in ("access", "terrestrial")))
    ca, cb = continent_index(lat1_deg, lon1_deg)[0], continent_index(lat2_deg, lon2_deg)[0]
    exchanges = list(dict.fromkeys(str(g.name[g.exchange_of[n]]) for n in (int(entry), int(exit_))))
    return {"profile": profile, "rtt_ms": round(float(p.rtt_ms(km, ca, cb)), 2), "fibre_km": round(fibre_km, 1),
            "great_circle_km": round(gc_km, 1), "cables": cables, "path": hops,
            "exchange_detour": {"exchanges": exchanges, "detour_km": round(detour_km, 1),
                                "weight": p.exchange_weight}}


def route_rtt_on(graph, p: RouteProfile, pairs) -> np.ndarray:
    """RTT [ms] of a profile on a given graph for pairs with ``lat1_deg, lon1_deg, lat2_deg,
    lon2_deg`` attributes (calibration)."""
    return route_rtt_ms_with(p, pairs.lat1_deg, pairs.lon1_deg, pairs.lat2_deg, pairs.lon2_deg, graph=graph)
