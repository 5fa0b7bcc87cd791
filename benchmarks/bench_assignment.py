"""Assignment at scale, end to end: placement's solve vs HiGHS (scipy.optimize.linprog) and plain
NetworkX network_simplex on the identical random instance, then whole scenarios through the CLI.

    python benchmarks/bench_assignment.py [--tenants 3000] [--capacities 500] [--arcs 100000]
    python benchmarks/bench_assignment.py --scenario-tenants 3000 --scenario-capacities 600
    python benchmarks/bench_assignment.py --scenario-tenants 10000 --scenario-capacities 2000

The first form times ``placement.plan.solve.solve`` (OR-Tools SimpleMinCostFlow on the problem's
arrays) against HiGHS's LP and NetworkX on the same instance and checks the costs agree. The
scenario form writes a site catalog and a scenario TOML (tenants with users in 12 countries,
RTT targets, internal work) and runs ``placement assign`` on it in a subprocess, reporting wall
time and the child's peak memory.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np


def random_instance(tenants, capacities, arcs, seed=0):
    from placement.plan.model import CapacityInfo, DemandNode, Problem

    rng = np.random.default_rng(seed)
    demand = rng.integers(1, 60, tenants)
    cap = rng.integers(50, 500, capacities)
    flat = np.sort(rng.choice(tenants * capacities, size=arcs, replace=False))
    ti, ci = flat // capacities, flat % capacities
    w = rng.integers(5_000, 40_000, arcs).astype(np.int64)
    caps = {f"c{j}": CapacityInfo(f"c{j}", f"c{j}", "ground", int(cap[j]), 0.0, 0.0, 0, 0.0, 0.0)
            for j in range(capacities)}
    demands = [DemandNode((f"t{i}",), SimpleNamespace(id=f"t{i}", internal=False), int(demand[i]), {}, False, False)
               for i in range(tenants)]
    viol = np.full((tenants, capacities), 8, dtype=np.uint8)
    viol[ti, ci] = 0
    return Problem(caps, demands, ti.astype(np.int64), ci.astype(np.int64), w, np.zeros((tenants, capacities)), viol,
                   np.full(tenants, 1_000_000, dtype=np.int64))


def solve_highs(p):
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    n_a, n_t = p.arc_demand.size, len(p.demands)
    cost = np.r_[p.arc_weight.astype(float), p.unserved_weight.astype(float)]
    eq_rows = np.r_[p.arc_demand, np.arange(n_t)]
    A_eq = coo_matrix((np.ones(n_a + n_t), (eq_rows, np.arange(n_a + n_t))), shape=(n_t, n_a + n_t)).tocsr()
    A_ub = coo_matrix((np.ones(n_a), (p.arc_capacity, np.arange(n_a))), shape=(len(p.capacities), n_a + n_t)).tocsr()
    res = linprog(cost, A_ub=A_ub, b_ub=p.capacity_mw, A_eq=A_eq, b_eq=p.demand_mw, bounds=(0, None), method="highs")
    return res.fun


def static_benchmark(a):
    import networkx as nx

    from placement.plan.network import flow_network, to_networkx
    from placement.plan.solve import solve

    p = random_instance(a.tenants, a.capacities, a.arcs)
    import ortools.graph.python.min_cost_flow  # noqa: F401 - imports before the clocks start
    import scipy.optimize  # noqa: F401

    print(f"instance: {a.tenants:,} tenants x {a.capacities:,} capacity nodes, {p.arc_demand.size:,} allowed arcs")
    solve(random_instance(50, 10, 200))  # warm the code paths once
    t0 = time.perf_counter()
    sol = solve(p)
    t_ours = time.perf_counter() - t0
    print(f"  placement solve (OR-Tools on arrays) : {t_ours:7.3f} s  cost {sol.cost:,}")
    t0 = time.perf_counter()
    highs = solve_highs(p)
    t_highs = time.perf_counter() - t0
    print(f"  HiGHS LP (scipy linprog)             : {t_highs:7.3f} s  cost {highs:,.0f}   {t_highs / t_ours:.1f}x slower")
    t0 = time.perf_counter()
    G = to_networkx(flow_network(p), p)
    c_plain, _ = nx.network_simplex(G)
    t_nx = time.perf_counter() - t0
    print(f"  NetworkX network_simplex, full graph : {t_nx:7.3f} s  cost {c_plain:,}   {t_nx / t_ours:.1f}x slower")
    assert abs(highs - sol.cost) < 0.5 and c_plain == sol.cost, "costs differ"
    print("  all costs agree")


REGIONS = ["US", "CA", "MX", "BR", "GB", "DE", "FR", "SE", "IN", "JP", "SG", "AU"]


def site_catalog_csv(capacities: int, seed: int = 2) -> str:
    """A site catalog of ``capacities`` synthetic campuses: the bundled sites' rows (zones, prices,
    sources) repeated with their positions jittered by up to 2 degrees and ids of their own."""
    import csv
    import io

    from placement.catalogs import GROUND_SITES_CSV

    rng = np.random.default_rng(seed)
    text = "".join(line for line in GROUND_SITES_CSV.read_text().splitlines(True) if not line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    for j in range(capacities):
        r = dict(rows[j % len(rows)])
        r["id"] = f"site-{j}"
        r["lat_deg"] = f"{min(max(float(r['lat_deg']) + rng.uniform(-2, 2), -89), 89):.3f}"
        r["lon_deg"] = f"{(float(r['lon_deg']) + rng.uniform(-2, 2) + 180) % 360 - 180:.3f}"
        r["location_source"] = "synthetic benchmark site (jittered from a catalog site)"
        w.writerow(r)
    return out.getvalue()


def scenario_toml(tenants: int, capacities: int, seed: int = 1) -> str:
    """A large scenario on its own site catalog (``sites.csv`` beside it): tenants with users in one
    or two of 12 countries, some with RTT targets, some internal."""
    rng = np.random.default_rng(seed)
    lines = ['[scenario]', 'name = "scale"', '[demand]', 'weights = { NA = 0.5, EU = 0.3, AS = 0.2 }',
             '[shells]', 'include = []', '[sites]', 'catalog = "sites.csv"',
             '[assignment]', 'latency_penalty_usd_per_mwh_per_ms = 0.1']
    for j in range(capacities):
        lines += ['[[capacity]]', f'id = "site-{j}"', f'mw = {int(rng.integers(50, 500))}']
    for i in range(tenants):
        users = rng.choice(REGIONS, size=int(rng.integers(1, 3)), replace=False)
        share = ", ".join(f"{u} = {1.0 / len(users):.3f}" for u in users)
        lines += ['[[tenant]]', f'id = "t{i}"', f'mw = {int(rng.integers(1, 60))}', f'users = {{ {share} }}']
        if rng.random() < 0.3:
            lines.append(f'rtt_target_ms = {int(rng.integers(60, 200))}')
        if rng.random() < 0.1:
            lines.append('internal = true')
    return "\n".join(lines) + "\n"


def scenario_benchmark(a):
    """Run ``placement assign`` on a generated scenario; wall time and peak memory of the child."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.toml"
        path.write_text(scenario_toml(a.scenario_tenants, a.scenario_capacities))
        (Path(tmp) / "sites.csv").write_text(site_catalog_csv(a.scenario_capacities))
        cmd = [sys.executable, "-P", "-m", "placement", "assign", str(path), "--format", "json"]
        subprocess.run([sys.executable, "-P", "-m", "placement", "sites", "--top", "1", "--format", "json"],
                       capture_output=True, check=True)  # a warm kernel cache, as a user's second run
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2
        if r.returncode != 0:
            print(r.stderr[-2000:])
            raise SystemExit(r.returncode)
        import json

        doc = json.loads(r.stdout)
        print(f"placement assign, {a.scenario_tenants:,} tenants x {a.scenario_capacities:,} capacities: "
              f"{wall:.1f} s wall, peak memory {peak_gb:.2f} GB; "
              f"served {doc['served_mw']:,} MW, unserved {doc['unserved_mw']:,} MW, optimal {doc['optimal']}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tenants", type=int, default=3000)
    ap.add_argument("--capacities", type=int, default=500)
    ap.add_argument("--arcs", type=int, default=100_000)
    ap.add_argument("--scenario-tenants", type=int, default=0)
    ap.add_argument("--scenario-capacities", type=int, default=600)
    a = ap.parse_args(argv)
    if a.scenario_tenants:
        scenario_benchmark(a)
    else:
        static_benchmark(a)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
