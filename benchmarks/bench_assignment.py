"""Assignment solve: placement (NetworkX network_simplex with arc pricing) vs OR-Tools
SimpleMinCostFlow vs HiGHS (scipy.optimize.linprog) on the identical random instance.

    python benchmarks/bench_assignment.py [--tenants 3000] [--capacities 500] [--arcs 100000]

Prints each solver's time to an optimal plan, the ratios, and checks the three costs agree.
OR-Tools is optional (``pip install ortools``); without it that line is skipped.
"""
from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np


def random_instance(tenants, capacities, arcs, seed=0):
    from placement.assignment import CapacityInfo, DemandNode, Problem

    rng = np.random.default_rng(seed)
    demand = rng.integers(1, 60, tenants)
    cap = rng.integers(50, 500, capacities)
    flat = rng.choice(tenants * capacities, size=arcs, replace=False)
    ti, ci = flat // capacities, flat % capacities
    w = rng.integers(5_000, 40_000, arcs)
    caps = {f"c{j}": CapacityInfo(f"c{j}", f"c{j}", "ground", int(cap[j]), 0.0, 0.0, 0, 0.0, 0.0)
            for j in range(capacities)}
    demands = [DemandNode(f"t{i}", SimpleNamespace(id=f"t{i}", internal=False), int(demand[i]), {}, False, False)
               for i in range(tenants)]
    arc_map = {(f"t{i}", f"c{j}"): int(x) for i, j, x in zip(ti, ci, w)}
    return Problem(caps, demands, arc_map, {}, {}, {d.key: 1_000_000 for d in demands})


def solve_highs(p):
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    keys = [d.key for d in p.demands]
    krow = {k: i for i, k in enumerate(keys)}
    caps = list(p.capacities)
    crow = {c: i for i, c in enumerate(caps)}
    arcs = list(p.arcs)
    n_a, n_t = len(arcs), len(keys)
    cost = np.r_[np.fromiter(p.arcs.values(), float, n_a), [p.unserved_weight[k] for k in keys]]
    eq_rows = np.r_[[krow[k] for k, _ in arcs], np.arange(n_t)]
    A_eq = coo_matrix((np.ones(n_a + n_t), (eq_rows, np.arange(n_a + n_t))), shape=(n_t, n_a + n_t)).tocsr()
    A_ub = coo_matrix((np.ones(n_a), ([crow[c] for _, c in arcs], np.arange(n_a))), shape=(len(caps), n_a + n_t)).tocsr()
    res = linprog(cost, A_ub=A_ub, b_ub=[p.capacities[c].mw for c in caps], A_eq=A_eq,
                  b_eq=[d.mw for d in p.demands], bounds=(0, None), method="highs")
    return res.fun


def solve_ortools(p):
    from ortools.graph.python import min_cost_flow

    mcf = min_cost_flow.SimpleMinCostFlow()
    keys = [d.key for d in p.demands]
    ids = {k: i + 2 for i, k in enumerate(keys)}
    base = len(keys) + 2
    ids.update({c: base + j for j, c in enumerate(p.capacities)})
    src, snk = 0, 1
    total = sum(d.mw for d in p.demands)
    for d in p.demands:
        mcf.add_arc_with_capacity_and_unit_cost(src, ids[d.key], d.mw, 0)
        mcf.add_arc_with_capacity_and_unit_cost(ids[d.key], snk, d.mw, p.unserved_weight[d.key])
    for (k, c), w in p.arcs.items():
        mcf.add_arc_with_capacity_and_unit_cost(ids[k], ids[c], p.demands[ids[k] - 2].mw, w)
    for c, info in p.capacities.items():
        mcf.add_arc_with_capacity_and_unit_cost(ids[c], snk, info.mw, 0)
    mcf.set_node_supply(src, total)
    mcf.set_node_supply(snk, -total)
    status = mcf.solve()
    assert status == mcf.OPTIMAL
    return mcf.optimal_cost()


def main(argv=None):
    import networkx as nx

    from placement.assignment import _priced_solve, graph_of

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tenants", type=int, default=3000)
    ap.add_argument("--capacities", type=int, default=500)
    ap.add_argument("--arcs", type=int, default=100_000)
    ap.add_argument("--plain", action="store_true", help="also time plain network_simplex on the full graph")
    a = ap.parse_args(argv)
    p = random_instance(a.tenants, a.capacities, a.arcs)
    # imports happen before the clocks start, for every solver
    import scipy.optimize  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401
    try:
        import ortools.graph.python.min_cost_flow  # noqa: F401
    except ImportError:
        pass
    print(f"instance: {a.tenants:,} tenants x {a.capacities:,} capacity nodes, {len(p.arcs):,} allowed arcs")

    t0 = time.perf_counter()
    H, cost, flow, rounds = _priced_solve(p)
    t_ours = time.perf_counter() - t0
    print(f"  placement (network_simplex + pricing): {t_ours:7.3f} s  cost {cost:,}  "
          f"({H.number_of_edges():,} arcs solved, {rounds} pricing round{'s' if rounds > 1 else ''})")
    t0 = time.perf_counter()
    highs = solve_highs(p)
    t_highs = time.perf_counter() - t0
    print(f"  HiGHS LP (scipy linprog)             : {t_highs:7.3f} s  cost {highs:,.0f}   ratio {t_highs / t_ours:.2f}x")
    try:
        t0 = time.perf_counter()
        ort = solve_ortools(p)
        t_ort = time.perf_counter() - t0
        print(f"  OR-Tools SimpleMinCostFlow           : {t_ort:7.3f} s  cost {ort:,}   ratio {t_ort / t_ours:.2f}x")
        assert ort == cost
    except ImportError:
        print("  OR-Tools SimpleMinCostFlow           : not installed (pip install ortools)")
    assert abs(highs - cost) < 0.5, "costs differ"
    print("  all costs agree")
    if a.plain:
        t0 = time.perf_counter()
        G = graph_of(p)
        c_plain, _ = nx.network_simplex(G)
        print(f"  plain network_simplex, full graph    : {time.perf_counter() - t0:7.3f} s  cost {c_plain:,}")


if __name__ == "__main__":
    main()
