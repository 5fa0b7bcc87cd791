"""What 364 more days cost when scoring one shell, end to end, against Skyfield on the same samples.

    python benchmarks/bench_shell_span.py [--repeats 5]

1. Through the CLI, as a user runs it: ``placement shells --sso --ltan 18:00 --altitude-km 650``
   with ``--days 1`` and ``--days 365`` (fresh processes, best of ``--repeats`` each); the
   difference is the marginal cost of the span.
2. Through the public API in one process (``placement.score_shells``), the same two spans.
3. The peer: Skyfield's ``EarthSatellite.at(t).is_sunlit`` on the same extra samples (the
   shell's satellite built with ``sgp4init`` from the same mean elements, 60 s steps).

The spacecraft itself is sized from the shell's own design year whatever the span, so the
extra days buy only the eclipse statistics of the scored window.
"""
from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time


def best_cli_seconds(days: float, repeats: int) -> float:
    cmd = [sys.executable, "-P", "-m", "placement", "shells", "--sso", "--ltan", "18:00", "--altitude-km", "650",
           "--days", f"{days:g}", "--format", "json"]
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args(argv)

    import placement
    from placement.earth.ephemeris import ephemeris
    from placement.orbit.shells import make_shell
    from placement.earth.ephemeris import parse_start
    from placement.orbit.planes import plane_elements, time_grid
    from placement.orbit.elements import reference_satellite

    best_cli_seconds(1, 1)  # the kernels' on-disk cache is warm from here on
    cli = {d: best_cli_seconds(d, a.repeats) for d in (1, 365)}
    shell = make_shell("bench", id="sso-650-18:00", altitude_km=650, ltan="18:00")
    demand = placement.default_scenario().demand()
    api = {}
    for days in (1, 365):
        best = math.inf
        for r in range(a.repeats):
            start = parse_start("bench", f"2026-01-{1 + r:02d}")  # a new start each time: no cached Sun nodes
            t0 = time.perf_counter()
            placement.score_shells([shell], demand, start=start, days=days, step_s=60.0, device="cpu")
            best = min(best, time.perf_counter() - t0)
        api[days] = best
    start = parse_start("bench", "2026-01-02")
    pe = plane_elements([shell], start, max_planes=1)
    sat = reference_satellite(shell, start, math.degrees(pe.raan0_rad[0]))
    extra = 364 * 1440
    t = time_grid(start, 1440 + extra, 60.0)[1440:]
    t0 = time.perf_counter()
    sat.at(t).is_sunlit(ephemeris())
    t_sky = time.perf_counter() - t0

    # the span's own work, timed alone: Sun nodes from Skyfield for 365 days (uncached) and the
    # eclipse kernel over the year's samples
    from placement.orbit.eclipses import plane_eclipses

    best = math.inf
    for r in range(a.repeats):
        start_r = parse_start("bench", f"2026-02-{1 + r:02d}")
        t0 = time.perf_counter()
        plane_eclipses(plane_elements([shell], start_r, max_planes=1), start_r, 365 * 1440, 60.0, "cpu")
        best = min(best, time.perf_counter() - t0)
    t_span = best * extra / (365 * 1440)

    d_cli, d_api = cli[365] - cli[1], api[365] - api[1]

    def told(d):
        return f"{d:+.3f} s" if d > 0.005 else f"{d:+.3f} s (within timing noise)"

    print(f"one dawn-dusk shell (650 km, LTAN 18:00), 60 s samples; the extra 364 days = {extra:,} samples")
    print(f"  CLI  placement shells --days 1 / 365 : {cli[1]:6.3f} s / {cli[365]:6.3f} s   marginal {told(d_cli)}")
    print(f"  API  placement.score_shells 1 / 365  : {api[1]:6.3f} s / {api[365]:6.3f} s   marginal {told(d_api)}")
    print(f"  the span's own work (Sun nodes + eclipse kernel, 364 days): {t_span:.4f} s")
    print(f"  Skyfield is_sunlit on the same samples: {t_sky:6.3f} s = {t_sky / t_span:,.0f}x the span's work"
          + (f", {t_sky / d_cli:,.0f}x the CLI's marginal cost" if d_cli > 0.005 else ""))


if __name__ == "__main__":
    main()
