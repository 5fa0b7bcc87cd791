"""Routed orbit latency (+Grid laser links, Hypatia-style) against the geometric estimate, for
every bundled shell and the default scenario's users, with the time each takes.

    python benchmarks/bench_orbit_routing.py [--days 1] [--step-s 3600]
"""
from __future__ import annotations

import argparse
import time

import placement
from placement.orbit.routing import compare_routed_with_geometric
from placement.earth.ephemeris import parse_start


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=1.0)
    ap.add_argument("--step-s", type=float, default=3600.0)
    a = ap.parse_args(argv)
    sc = placement.default_scenario()
    demand = sc.demand()
    start = parse_start("bench", "2026-01-01")
    print(f"users: the default scenario's demand; {a.days:g} day(s) every {a.step_s:g} s; overhead "
          f"{sc.parameters.latency.profile('great_circle').overhead_ms:.2f} ms on both")
    print(f"{'shell':22s} {'planes x slots':>14s} {'routed ms':>10s} {'geometric ms':>13s} {'ratio':>6s} "
          f"{'in view':>8s} {'ISL hops':>9s} {'time s':>7s}")
    for shell in placement.load_shells():
        t0 = time.perf_counter()
        r = compare_routed_with_geometric(shell, demand, start=start, days=a.days, step_s=a.step_s,
                                          parameters=sc.parameters)
        dt = time.perf_counter() - t0
        print(f"{shell.id:22s} {shell.planes:>5d} x {shell.sats_per_plane:<6d} {r.rtt_ms_weighted:10.1f} "
              f"{r.geometric_rtt_ms_weighted:13.1f} {r.rtt_ms_weighted / r.geometric_rtt_ms_weighted:6.2f} "
              f"{r.coverage_fraction:8.0%} {r.mean_isl_hops:9.1f} {dt:7.2f}")


if __name__ == "__main__":
    main()
