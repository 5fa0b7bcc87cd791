"""Demand-weighted latency: Numba kernel vs a chunked numpy implementation, same inputs, same run.

    python benchmarks/bench_demand_latency.py [--candidates 100000] [--demand 1000]

Prints wall times, candidate x demand pairs per second and the ratio; checks both agree.
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
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            res = fn()
            times.append(time.perf_counter() - t0)
        return min(times), res

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


if __name__ == "__main__":
    main()
