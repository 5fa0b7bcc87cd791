"""Routed orbit latency: users up to a satellite in view, inter-satellite links to the cluster.

The geometric estimate that scores shells (:func:`placement.kernels.latency.shell_latency`) lets a
user reach the cluster (the shell's lead satellite) directly when it is in view, else along a great
circle at shell altitude from the edge of the user's coverage circle. Here the path is routed, as
Hypatia does for Starlink-like shells (Kassing et al., "Exploring the 'Internet from space' with
Hypatia", ACM IMC 2020): at sampled instants every satellite of the shell is placed on its circular
orbit (J2 secular rates, as the kernels), each keeps four laser links in a **+Grid** (fore and aft
in its own plane, and the same slot in the two neighbouring planes; a one-plane shell is a ring),
shortest paths from the cluster run over that graph (``scipy.sparse.csgraph.dijkstra``, link
lengths the straight chords between satellites), and each user goes up to whichever satellite
above the minimum elevation gives the shortest total path. RTT = 2 path / c + overhead.

A sun-synchronous shell is computed as the catalog defines it: all its satellites in one plane.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from placement.earth.great_circles import unit_vectors
from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM
from placement.latency.orbit_routing import grid_routed_rtt_ms, plus_grid_links
from placement.orbit.planes import gmst_rad, plane_elements, time_grid
from placement.orbit.scoring import shell_demand_rtt_ms
from placement.orbit.shells import Shell
from placement.parameters import Parameters


@dataclass(frozen=True)
class RoutedLatency:
    """Demand-weighted routed RTT [ms] and coverage [-] of one shell, with the geometric estimate
    over the same instants for comparison."""

    shell_id: str
    rtt_ms_weighted: float
    coverage_fraction: float
    geometric_rtt_ms_weighted: float
    mean_isl_hops: float
    instants: int


def satellite_positions_km(shell: Shell, elements, t_s: float, gmst: float) -> np.ndarray:
    """Earth-fixed positions [km] of every satellite of ``shell`` at ``t_s`` seconds after the
    elements' epoch (planes x slots, row-major: plane p, slot k at index p * slots + k).

    ``elements`` are the shell's planes (:func:`placement.orbit.planes.plane_elements` with every
    plane); slots are spaced evenly in argument of latitude, neighbouring planes offset by
    360 / (planes x slots) deg (Walker phasing factor 1)."""
    planes, slots = elements.raan0_rad.size, shell.sats_per_plane * (shell.planes // elements.raan0_rad.size)
    raan = elements.raan0_rad + elements.raan_rate_rad_s * t_s - gmst  # (planes,)
    u = (elements.u0_rad[:, None] + elements.u_rate_rad_s[:, None] * t_s
         + 2.0 * math.pi * np.arange(slots)[None, :] / slots
         + 2.0 * math.pi * np.arange(planes)[:, None] / (planes * slots))
    inc = elements.inclination_rad[:, None]
    cu, su, co, so = np.cos(u), np.sin(u), np.cos(raan)[:, None], np.sin(raan)[:, None]
    r = elements.a_km[:, None]
    xyz = np.stack([r * (cu * co - su * np.cos(inc) * so), r * (cu * so + su * np.cos(inc) * co),
                    r * su * np.sin(inc)], axis=-1)
    return xyz.reshape(-1, 3)


def routed_rtt_ms(shell: Shell, user_lat_deg, user_lon_deg, *, start, instants: int, step_s: float,
                  min_elevation_deg: float = 25.0, overhead_ms: float = 0.0):
    """RTT [ms] from each user to the shell's cluster (slot 0 of plane 0) at ``instants`` instants
    ``step_s`` seconds apart from ``start``, routed over the +Grid; NaN where no satellite is in
    view. Also the inter-satellite hop count of each path.

    Returns
    -------
    (rtt_ms, hops) : numpy.ndarray, shape (instants, users)
    """
    R = EARTH_EQUATORIAL_RADIUS_KM
    pe = plane_elements([shell], start, max_planes=None)
    planes = pe.raan0_rad.size
    slots = shell.sats_per_plane * (shell.planes // planes)
    li, lj = plus_grid_links(planes, slots)
    users = R * unit_vectors(np.atleast_1d(np.asarray(user_lat_deg, float)),
                             np.atleast_1d(np.asarray(user_lon_deg, float)))
    gmst = np.atleast_1d(gmst_rad(time_grid(start, instants, step_s)))
    rtt = np.full((instants, users.shape[0]), np.nan)
    hops = np.full((instants, users.shape[0]), np.nan)
    for k in range(instants):
        sats = satellite_positions_km(shell, pe, k * float(step_s), float(gmst[k]))
        rtt[k], hops[k] = grid_routed_rtt_ms(sats, li, lj, users, min_elevation_deg, overhead_ms)
    return rtt, hops


def compare_routed_with_geometric(shell: Shell, demand, *, start, days: float = 1.0, step_s: float = 3600.0,
                                  parameters=None) -> RoutedLatency:
    """Demand-weighted routed RTT over ``days`` at ``step_s`` against the geometric estimate of
    :func:`placement.orbit.scoring.shell_demand_rtt_ms` over the same instants, both with the
    parameters' ``overhead_ms``."""

    p = parameters or Parameters()
    n = max(int(round(days * 86400.0 / step_s)), 1)
    keep = demand.weight > 0
    rtt, hops = routed_rtt_ms(shell, demand.lat_deg[keep], demand.lon_deg[keep], start=start, instants=n,
                              step_s=step_s, min_elevation_deg=p.orbit.min_elevation_deg,
                              overhead_ms=p.latency.profile("great_circle").overhead_ms)
    w = np.broadcast_to(demand.weight[keep][None, :], rtt.shape)
    seen = np.isfinite(rtt)
    routed = float((rtt[seen] * w[seen]).sum() / w[seen].sum()) if seen.any() else math.nan
    geometric, _, _ = shell_demand_rtt_ms([shell], demand, start=start, parameters=p, days=days, step_s=step_s)
    return RoutedLatency(shell.id, routed, float(w[seen].sum() / w.sum()), float(geometric[0]),
                         float((hops[seen] * w[seen]).sum() / w[seen].sum()) if seen.any() else math.nan, n)
