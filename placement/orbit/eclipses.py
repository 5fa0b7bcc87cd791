"""Eclipses of orbit planes (the eclipse kernel over sampled instants) and their reduction to
each shell."""
from __future__ import annotations

import numpy as np

from placement.kernels import eclipse
from placement.kernels.targets import launch
from placement.orbit.planes import SUN_NODE_STEP_S, sun_nodes_teme_km


def plane_eclipses(pe, start, n: int, step_s: float, device: str) -> dict:
    """Eclipse statistics of each computed plane over ``n`` samples at ``step_s`` [s]
    (:func:`placement.kernels.eclipse.plane_eclipses`; the Sun from Skyfield DE421 at daily
    nodes, interpolated in the kernel)."""

    samples_per_day = max(int(round(86400.0 / step_s)), 1)
    n_days = int(np.ceil(n / samples_per_day))
    sx, sy, sz = sun_nodes_teme_km(start, (n - 1) * step_s)
    return launch(device, eclipse.plane_eclipses, eclipse.plane_eclipse, pe.a_km.size,
                  a_km=pe.a_km, inclination_rad=pe.inclination_rad, raan0_rad=pe.raan0_rad,
                  raan_rate_rad_s=pe.raan_rate_rad_s, u0_rad=pe.u0_rad, u_rate_rad_s=pe.u_rate_rad_s,
                  sun_node_x_km=sx, sun_node_y_km=sy, sun_node_z_km=sz, node_step_s=SUN_NODE_STEP_S,
                  n_samples=int(n), step_s=float(step_s), samples_per_day=samples_per_day,
                  out_day_eclipse_fraction=np.zeros((pe.a_km.size, n_days)))


def eclipses_by_shell(planes: dict, pe, n_shells: int) -> dict:
    """Per-shell eclipse figures from the per-plane ones: mean shadow and umbra fractions over
    the planes, the longest pass [s] and beta extremes [deg] over all planes, minutes in shadow
    per orbit on each day (worst plane) and the number of days with any shadow."""
    idx = pe.shell_index
    count = np.bincount(idx, minlength=n_shells).astype(float)
    members = [idx == s for s in range(n_shells)]

    def mean(x):
        return np.bincount(idx, weights=x, minlength=n_shells) / count

    def over_planes(x, fn):
        return np.array([fn(x[m]) for m in members]) if n_shells else np.zeros(0)

    period_min = 2 * np.pi / pe.u_rate_rad_s / 60.0
    day_min = planes["day_eclipse_fraction"] * period_min[:, None]
    shell_day_min = (np.vstack([day_min[m].max(axis=0) for m in members]) if n_shells
                     else np.zeros((0, day_min.shape[1])))
    beta_min = over_planes(planes["beta_min_deg"], np.min)
    beta_max = over_planes(planes["beta_max_deg"], np.max)
    return {
        "eclipse_fraction": mean(planes["eclipse_fraction"]),
        "umbra_fraction": mean(planes["umbra_fraction"]),
        "max_eclipse_s": over_planes(planes["max_eclipse_s"], np.max),
        "beta_deg_min": beta_min,
        "beta_deg_max": beta_max,
        # mean |beta| over a precession cycle: half the largest |beta| when the range spans zero
        "beta_abs_mean_deg": np.where((beta_min < 0) & (beta_max > 0),
                                      0.5 * np.maximum(np.abs(beta_min), np.abs(beta_max)),
                                      0.5 * (np.abs(beta_min) + np.abs(beta_max))),
        "day_eclipse_min_per_orbit": shell_day_min,
        "eclipse_season_days": (shell_day_min > 0).sum(axis=1).astype(float),
        "period_min": over_planes(period_min, lambda x: x[0]),
    }
