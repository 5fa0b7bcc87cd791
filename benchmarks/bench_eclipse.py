"""Eclipse kernel vs Skyfield ``is_sunlit`` vs sgp4 ``SatrecArray`` + numpy, on identical samples;
then a 1,000-shell sweep over a year.

    python benchmarks/bench_eclipse.py [--sats 8] [--days 7] [--sweep-shells 1000]

All three paths see the same satellites (SGP4 built from the same mean elements the kernel
uses) at the same times. Prints samples/s and ratios, and checks the fractions agree.
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np


def numpy_shadow_fraction(r_km, sun_km):
    """Point-Sun cylindrical-cone test in numpy: dark when the Sun's centre is behind the Earth's
    disc as seen from the satellite (same criterion as Skyfield's is_sunlit)."""
    from placement.kernels.eclipse import EARTH_SHADOW_RADIUS_KM

    d = sun_km[None, :, :] - r_km
    rn = np.linalg.norm(r_km, axis=2)
    dn = np.linalg.norm(d, axis=2)
    cos_c = -np.einsum("sti,sti->st", r_km, d) / (rn * dn)
    b = np.arcsin(EARTH_SHADOW_RADIUS_KM / rn)
    return (np.arccos(np.clip(cos_c, -1, 1)) < b).mean(axis=1)


def main(argv=None):
    from sgp4.api import SatrecArray
    from skyfield.sgp4lib import TEME

    from placement.kernels.eclipse import plane_eclipses
    from placement.earth.ephemeris import ephemeris
    from placement.orbit.planes import SUN_NODE_STEP_S, plane_elements, sun_nodes_teme_km, sun_position_teme_km, time_grid
    from placement.orbit.shells import load_shells, make_shell
    from placement.earth.ephemeris import parse_start
    from placement.orbit.elements import reference_satellite

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sats", type=int, default=8)
    ap.add_argument("--days", type=float, default=7.0)
    ap.add_argument("--step-s", type=float, default=60.0)
    ap.add_argument("--sweep-shells", type=int, default=1000)
    a = ap.parse_args(argv)

    start = parse_start("bench", "2026-03-01")
    shell = {s.id: s for s in load_shells()}["starlink-550-53"]
    pe = plane_elements([shell], start, max_planes=a.sats)
    n = int(a.days * 86400 / a.step_s)
    m = pe.a_km.size
    samples = n * m
    t = time_grid(start, n, a.step_s)

    t0 = time.perf_counter()
    nodes = sun_nodes_teme_km(start, n * a.step_s)
    t_sun = time.perf_counter() - t0
    outs = [np.empty(m) for _ in range(6)]
    day = np.zeros((m, int(a.days) + 1))
    args = (pe.a_km, pe.inclination_rad, pe.raan0_rad, pe.raan_rate_rad_s, pe.u0_rad, pe.u_rate_rad_s, *nodes,
            SUN_NODE_STEP_S, n, a.step_s, int(86400 / a.step_s), *outs, day)
    plane_eclipses(*args)  # compile / load from cache
    t0 = time.perf_counter()
    plane_eclipses(*args)
    t_kernel = time.perf_counter() - t0
    sun = sun_position_teme_km(start, n, a.step_s)  # the same interpolated Sun, for the numpy path

    sats = [reference_satellite(shell, start, math.degrees(r)) for r in pe.raan0_rad]
    eph = ephemeris()
    t0 = time.perf_counter()
    sky = np.array([(~s.at(t).is_sunlit(eph)).mean() for s in sats])
    t_sky = time.perf_counter() - t0

    arr = SatrecArray([s.model for s in sats])
    t0 = time.perf_counter()
    err, r, _ = arr.sgp4(t.whole, t.tt_fraction)
    sun_teme = np.stack(sun, axis=1)
    frac_np = numpy_shadow_fraction(r, sun_teme)
    t_np = time.perf_counter() - t0
    del TEME

    diff = np.max(np.abs(outs[0] - sky))
    print(f"eclipse: {m} satellites x {n:,} samples ({a.days:g} days at {a.step_s:g} s) = {samples:,} samples")
    print(f"  fast kernel            : {t_kernel:8.4f} s  {samples / t_kernel / 1e6:10.2f} M samples/s"
          f"   (+ Skyfield Sun at daily nodes: {t_sun:.3f} s, shared by every shell)")
    print(f"  Skyfield is_sunlit     : {t_sky:8.4f} s  {samples / t_sky / 1e6:10.4f} M samples/s"
          f"   ratio {t_sky / t_kernel:,.0f}x ({t_sky / (t_kernel + t_sun):,.0f}x counting the Sun nodes)")
    print(f"  SatrecArray + numpy    : {t_np:8.4f} s  {samples / t_np / 1e6:10.3f} M samples/s"
          f"   ratio {t_np / t_kernel:,.1f}x")
    print(f"  max |kernel - Skyfield| eclipse fraction: {diff:.4f}; "
          f"max |numpy - Skyfield|: {np.max(np.abs(frac_np - sky)):.4f}")

    if a.sweep_shells:
        from placement.earth.demand import demand_points
        from placement.orbit.scoring import score_shells

        k = a.sweep_shells
        alts = np.linspace(400, 1500, 40)
        ltans = [f"{h:02d}:{mm:02d}" for h in range(24) for mm in (0, 30)]
        shells = [make_shell("bench", id=f"sso-{alts[i % 40]:.0f}-{ltans[(i // 40) % len(ltans)]}",
                             altitude_km=alts[i % 40], ltan=ltans[(i // 40) % len(ltans)]) for i in range(k)]
        demand = demand_points()
        t0 = time.perf_counter()
        year_start = parse_start("bench", "2026-01-01")
        s = score_shells(shells, demand, start=year_start, days=365, step_s=60.0, device="cpu")
        t_sweep = time.perf_counter() - t0
        print(f"sweep: {k} sun-synchronous shells (40 altitudes x LTANs) over 365 days at 60 s "
              f"({k * 525600:,} samples) + latency + economics: {t_sweep:.1f} s wall "
              f"(best LCOE {np.nanmin(s['lcoe_usd_per_mwh_it']):,.0f} USD/MWh)")


if __name__ == "__main__":
    main()
