"""The plan over periods at scale: the rolling plan (OR-Tools layer by layer) vs HiGHS on the same
time-expanded graph, and the whole-horizon plan (HiGHS MIP, warm-started) vs the rolling plan valued
in its program, in the same run.

    python benchmarks/bench_plan.py [--years 15] [--capacities 60] [--tenants 500]

Generates a scenario (a synthetic site catalog of ``--capacities`` campuses, ``--tenants`` contracts
with prices, start dates, growth, classes), times ``placement.plan`` through the public API (site
scoring included, kernels warm) with ``method="rolling"``, then solves the LP of
``build_plan_graph``'s graph with HiGHS (scipy.optimize.linprog) and checks the objectives agree.
Then the default whole-horizon plan (``placement.plan``) under ``--time-limit``: its time, status,
proven bound, and its objective against the rolling plan's placement valued in the same program
(its warm start), so the ratio says what foresight earns and what it costs in time; and the peer,
HiGHS on the same whole program cold (no rolling start, no column generation) under the same limit.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def scenario_toml(years: int, capacities: int, tenants: int, seed: int = 3) -> str:
    rng = np.random.default_rng(seed)
    lines = ['[scenario]', 'name = "plan-scale"', '[demand]', 'weights = { NA = 0.6, EU = 0.4 }', '[shells]',
             'include = []', '[sites]', 'catalog = "sites.csv"', '[planning]', 'start_year = 2026',
             f'end_year = {2026 + years - 1}', 'period = "year"']
    for j in range(capacities):
        lines += ['[[capacity]]', f'id = "site-{j}"', f'mw = {int(rng.integers(100, 600))}']
        if rng.random() < 0.3:
            lines.append(f'online_year = {int(rng.integers(2027, 2026 + years))}')
    for i in range(tenants):
        lines += ['[[tenant]]', f'id = "t{i}"', f'mw = {int(rng.integers(5, 80))}', 'kind = "ground"',
                  f'class = "{rng.choice(["committed", "spot", "internal"])}"']
        if lines[-1].endswith('"internal"'):
            lines.append("internal = true")
        else:
            lines.append(f'price_usd_per_mw_month = {int(rng.integers(200_000, 450_000))}')
        if rng.random() < 0.4:
            lines.append(f'start = "{int(rng.integers(2026, 2026 + years))}-0{int(rng.integers(1, 9))}-01"')
        if rng.random() < 0.3:
            lines.append(f'mw_by_year = {{ {int(rng.integers(2027, 2026 + years))} = {int(rng.integers(10, 150))} }}')
    return "\n".join(lines) + "\n"


def gpu_scenario_toml(years: int, capacities: int, tenants: int, seed: int = 3, mixed: bool = True) -> str:
    """:func:`scenario_toml`'s scenario counted in GPUs: each campus a fleet of H100 and GB200 drawing
    95 % of its MW (``mixed = False``: of H100 or GB200 alone, alternately, so a plan has as many GPU
    pools as the MW plan has capacities), each tenant the GPUs its MW would hold (H100, 1.39 kW each) priced per GPU-hour at
    its MW price, every fifth asking for GB200 only (the MW scenario has no unsplittable blocks, so
    neither has this one: the ratio is the cost of counting GPUs in pools, not of discrete blocks);
    growth (``mw_by_year``) has no GPU form and is dropped."""
    mw_text = scenario_toml(years, capacities, tenants, seed)
    out, kw_h100, kw_gb200 = [], 1.39, 1.95
    n_tenant = 0
    for line in mw_text.splitlines():
        if line.startswith("mw = ") and out and out[-1].startswith('id = "site-'):
            mw = int(line.split("=")[1])
            if mixed:
                fleet = f"H100 = {int(mw * 0.5 * 1000 / kw_h100)}, GB200 = {int(mw * 0.45 * 1000 / kw_gb200)}"
            else:
                fleet = (f"H100 = {int(mw * 0.95 * 1000 / kw_h100)}" if int(out[-1].split('-')[1].rstrip('"')) % 2
                         else f"GB200 = {int(mw * 0.95 * 1000 / kw_gb200)}")
            out += [line, f"gpus = {{ {fleet} }}"]
        elif line.startswith("mw = ") and out and out[-1].startswith('id = "t'):
            mw = int(line.split("=")[1])
            out.append(f"gpus = {int(mw * 1000 / kw_h100)}")
            if n_tenant % 5 == 0:  # the MW scenario has no blocks: a generation, not a homogeneous block
                out.append('generations = ["GB200"]')
            n_tenant += 1
        elif line.startswith("price_usd_per_mw_month"):
            price = int(line.split("=")[1])
            out.append(f"price_usd_per_gpu_hour = {price * kw_h100 / 1000 / 730.5:.4f}")
        elif line.startswith("mw_by_year"):
            continue
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def highs_objective(G, method: str = "highs") -> float:
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    nodes = list(G.nodes)
    index = {n: k for k, n in enumerate(nodes)}
    edges = list(G.edges(data=True))
    m = len(edges)
    rows = np.r_[[index[u] for u, _, _ in edges], [index[v] for _, v, _ in edges]]
    cols = np.r_[np.arange(m), np.arange(m)]
    vals = np.r_[-np.ones(m), np.ones(m)]
    A = coo_matrix((vals, (rows, cols)), shape=(len(nodes), m)).tocsr()
    b = np.array([G.nodes[n]["demand"] for n in nodes], float)
    c = np.array([d["weight"] for _, _, d in edges], float)
    ub = np.array([d["capacity"] for _, _, d in edges], float)
    res = linprog(c, A_eq=A, b_eq=b, bounds=np.column_stack([np.zeros(m), ub]), method=method)
    assert res.status == 0, res.message
    return res.fun


def ortools_objective(G) -> float:
    """OR-Tools' SimpleMinCostFlow on the whole graph at once (no layers, no discrete search)."""
    from ortools.graph.python import min_cost_flow as mcf

    index = {n: k for k, n in enumerate(G.nodes)}
    edges = list(G.edges(data=True))
    s = mcf.SimpleMinCostFlow()
    s.add_arcs_with_capacity_and_unit_cost(np.array([index[u] for u, _, _ in edges]),
                                           np.array([index[v] for _, v, _ in edges]),
                                           np.array([d["capacity"] for _, _, d in edges]),
                                           np.array([d["weight"] for _, _, d in edges]))
    s.set_nodes_supplies(np.arange(len(index)), np.array([-G.nodes[n]["demand"] for n in G.nodes]))
    assert s.solve() == s.OPTIMAL
    return float(s.optimal_cost())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=15)
    ap.add_argument("--capacities", type=int, default=60)
    ap.add_argument("--tenants", type=int, default=500)
    ap.add_argument("--no-highs", action="store_true", help="skip the HiGHS LP (about 10 minutes at the default size)")
    ap.add_argument("--cold", action="store_true",
                    help="also run the peer: HiGHS on the whole program, cold (no rolling start, no pricing); "
                         "at 10 x 30 x 200 about 5 s, at 15 x 60 x 500 it had not returned after 15 minutes "
                         "under a 60 s time limit")
    ap.add_argument("--gpus", action="store_true",
                    help="also plan the same scenario counted in GPUs (fleets by generation, GPU tenants) "
                         "and print its time against the MW plan's")
    ap.add_argument("--time-limit", type=float, default=60.0, help="the whole-horizon plan's time limit [s]")
    a = ap.parse_args(argv)
    import placement
    from placement.plan.over_time import layered_graph, plan_over_time
    from bench_assignment import site_catalog_csv

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sites.csv").write_text(site_catalog_csv(a.capacities))
        path = Path(tmp) / "plan.toml"
        path.write_text(scenario_toml(a.years, a.capacities, a.tenants))
        sc = placement.load_scenario(path)
        scores = placement.score_sites(sc.sites, sc.demand(), parameters=sc.parameters, device="cpu")  # warm
        t0 = time.perf_counter()
        plan = placement.plan(sc, method="rolling")
        t_api = time.perf_counter() - t0
        if a.gpus:
            stories = {"mw": placement.load_scenario(path)}
            for mixed in (False, True):
                gpath = Path(tmp) / f"plan_gpus_{mixed}.toml"
                gpath.write_text(gpu_scenario_toml(a.years, a.capacities, a.tenants, mixed=mixed))
                stories[mixed] = placement.load_scenario(gpath)
                placement.plan(stories[mixed], method="rolling")  # warm (the GPU catalog, its pools)
            times, arcs = {key: [] for key in stories}, {}
            for _ in range(5):
                for key, s_ in stories.items():
                    t0 = time.perf_counter()
                    done = placement.plan(s_, method="rolling")
                    times[key].append(time.perf_counter() - t0)
                    arcs[key] = (len(done.layers[0].problem.capacities),
                                 sum(layer.problem.arc_capacity.size for layer in done.layers))
            t_mw = min(times["mw"])
            print(f"GPU-denominated plans (rolling, best of 5) against the MW-only plan, {t_mw:.2f} s "
                  f"({arcs['mw'][0]} capacities, {arcs['mw'][1]:,} tenant arcs); target <= 1.2x:")
            for mixed, what in ((False, "each campus one generation"), (True, "each campus H100 and GB200")):
                t = min(times[mixed])
                print(f"  {what:28s}: {t:.2f} s ({t / t_mw:.2f}x) on {arcs[mixed][0]} GPU pools, "
                      f"{arcs[mixed][1]:,} tenant arcs ({arcs[mixed][1] / arcs['mw'][1]:.2f}x)")
        t0 = time.perf_counter()
        whole = placement.plan(sc, site_scores=scores, time_limit_s=a.time_limit)
        t_whole = time.perf_counter() - t0
        from placement.plan.horizon import plan_whole_horizon

        t0 = time.perf_counter()
        bare = plan_whole_horizon(sc, site_scores=scores, time_limit_s=a.time_limit, values=False)
        t_bare = time.perf_counter() - t0
        cold = None
        if a.cold:
            from placement.plan.horizon import solve_model
            from placement.plan.horizon_model import build_model, period_data
            from placement.plan.over_time import context_of

            t0 = time.perf_counter()
            ctx = context_of(sc, scores, None, "cpu", False)
            build_ids = frozenset(cid for cid, spec in ctx.specs.items() if spec.build)
            full = build_model(ctx, period_data(ctx, build_ids), build_ids)
            cold = solve_model(full, None, time_limit_s=a.time_limit)
            t_cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan = plan_over_time(sc, site_scores=scores)
        t_solve = time.perf_counter() - t0
        G = layered_graph(plan)
        t0 = time.perf_counter()
        ortools = ortools_objective(G)
        t_ortools = time.perf_counter() - t0
        highs, t_highs = None, None
        if not a.no_highs:
            t0 = time.perf_counter()
            highs = highs_objective(G)
            t_highs = time.perf_counter() - t0
    print(f"plan: {a.years} yearly periods x {a.capacities} capacities x {a.tenants} tenants "
          f"({G.number_of_nodes():,} nodes, {G.number_of_edges():,} arcs in the time-expanded graph)")
    print(f"  placement.plan (public API, site scoring included): {t_api:6.2f} s")
    print(f"  placement plan given the site scores ({a.years:2d} layers)  : {t_solve:6.2f} s  objective {plan.objective:,}  "
          f"optimal {plan.optimal}")
    print(f"  OR-Tools on the whole graph at once (arrays given): {t_ortools:6.2f} s  objective {ortools:,.0f}")
    assert abs(ortools - plan.objective) < 1.0, "objectives differ (OR-Tools)"
    if highs is not None:
        print(f"  HiGHS LP on the same graph                        : {t_highs:6.2f} s  objective {highs:,.0f}  "
              f"({t_highs / t_solve:.1f}x the plan's time)")
        assert abs(highs - plan.objective) < 1.0, "objectives differ (HiGHS)"
    print("  objectives agree")
    gap = "proven optimal" if whole.gap_usd == 0 else (
        "no bound proven" if whole.bound <= -(2**61) else f"gap {whole.gap_usd:,} USD")
    print(f"  whole-horizon plan (placement.plan, scores given)  : {t_whole:6.2f} s  ({t_whole / t_solve:.1f}x the "
          f"rolling plan's time)  {whole.solver_status}, {gap}")
    print(f"    of which the plan without the values of one more MW: {t_bare:6.2f} s ({t_bare / t_solve:.1f}x the "
          f"rolling plan's time), objective {bare.objective:,}; values {'exact' if whole.values_exact else 'partly from duals'}")
    if cold is not None:
        cgap = "proven optimal" if cold.status == "Optimal" else (
            "no bound proven" if cold.bound <= -(2**61) else f"gap {cold.objective - cold.bound:,} USD")
        print(f"  peer: HiGHS on the whole program, cold ({full.n_cols:,} columns): {t_cold:6.2f} s  {cold.status}, "
              f"{cgap}, objective {cold.objective:,} ({t_bare / t_cold:.2f}x its time for the plan without values)")
    print(f"    objective {whole.objective:,} against the rolling placement valued in the same program "
          f"{whole.rolling_objective:,}: margin {whole.margin_usd / 1e6:,.1f} M USD vs "
          f"{whole.rolling_margin_usd / 1e6:,.1f} M USD")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    main()
