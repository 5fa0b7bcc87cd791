"""The bundled stories planned as a user plans them: the default scenario (counted in GPUs) and the
same story counted in MW (``catalogs/scenarios/megawatts.toml``), yearly and monthly over
2026-2035, the whole-horizon plan against its peer, the rolling plan, in the same run.

    python benchmarks/bench_default_plan.py

Times ``placement.plan`` through the public API (site and shell scores computed once first, kernels
warm), prints each plan's time, margin and proof, the rolling plan's time and margin, and the
rolling placement valued in the whole-horizon program (its warm start; the rolling plan's own
margin leaves out the capital of builds standing idle, so only the valued one compares). Issue 23's
target: the default scenario monthly over 2026-2035 in 30 s or less.
"""
from __future__ import annotations

import dataclasses
import time


def main() -> None:
    import placement
    from placement.catalogs import SCENARIO_DIR
    from placement.scenario import load_scenario

    print(f"{'scenario':<10} {'period':<6} {'whole s':>8} {'margin M USD':>13} {'proof':<16} {'rolling s':>9} "
          f"{'ratio':>6} {'rolling M USD':>14} {'valued M USD':>13}")
    for name in ("default", "megawatts"):
        sc = load_scenario(SCENARIO_DIR / f"{name}.toml")
        placement.plan(sc, device="cpu")  # scores and kernels warm
        for period in ("year", "month"):
            s = dataclasses.replace(sc, planning=dataclasses.replace(sc.planning, period=period))
            t0 = time.perf_counter()
            whole = placement.plan(s, device="cpu")
            t1 = time.perf_counter()
            rolling = placement.plan(s, device="cpu", method="rolling")
            t2 = time.perf_counter()
            d = whole.to_dict()
            proof = "proven optimal" if d["optimal"] and d["optimality_gap_usd"] == 0 else \
                f"gap {d['optimality_gap_usd'] / 1e6:,.1f} M"
            print(f"{name:<10} {period:<6} {t1 - t0:>8.1f} {whole.margin_usd / 1e6:>13,.1f} {proof:<16} "
                  f"{t2 - t1:>9.1f} {(t1 - t0) / (t2 - t1):>5.1f}x {rolling.margin_usd / 1e6:>14,.1f} "
                  f"{d.get('rolling_margin_usd', 0.0) / 1e6:>13,.1f}", flush=True)


if __name__ == "__main__":
    main()
