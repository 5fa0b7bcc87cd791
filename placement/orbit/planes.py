"""Orbit planes over time and the Sun seen from them: time grids, Sun nodes in TEME, GMST, each
shell's planes with their secular J2 rates."""
from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import numpy as np

from placement.earth.ephemeris import ephemeris, timescale
from placement.kernels.orbits import (
    EARTH_EQUATORIAL_RADIUS_KM,
    argument_of_latitude_rate_rad_s,
    node_rate_rad_s,
)
from placement.orbit.shells import Shell


def time_grid(start, n: int, step_s: float):
    """Skyfield Time array: ``n`` samples from ``start`` every ``step_s`` seconds."""
    return timescale().tt_jd(start.tt + np.arange(n) * (step_s / 86400.0))


#: Spacing of the Sun nodes computed with Skyfield [s]; cubic interpolation between daily nodes
#: stays within 1e-8 rad of Skyfield (tests check 1e-6 rad).
SUN_NODE_STEP_S = 86400.0


def sun_nodes_teme_km(start, span_s: float, node_step_s: float = SUN_NODE_STEP_S):
    """The Sun's geocentric position [km] in TEME from Skyfield (DE421) at nodes every
    ``node_step_s`` [s] from ``start - node_step_s`` to past ``start + span_s``: the nodes
    :func:`placement.kernels.eclipse.sun_position_interpolated_km` interpolates.

    Returns
    -------
    tuple of ndarray
        x, y, z [km] at the nodes.
    """
    nodes = int(math.ceil(max(span_s, 0.0) / node_step_s)) + 4
    # computed in blocks of 128 nodes and kept: a design pass and a scored span from the same
    # start share them (Skyfield's nutation per node is the expensive part)
    xyz = _sun_nodes(float(start.tt), float(node_step_s), -(-nodes // 128) * 128)
    return tuple(np.ascontiguousarray(xyz[k, :nodes]) for k in range(3))


@functools.lru_cache(maxsize=16)
def _sun_nodes(start_tt: float, node_step_s: float, nodes: int) -> np.ndarray:
    from skyfield.sgp4lib import TEME


    eph = ephemeris()
    t = timescale().tt_jd(start_tt + (np.arange(nodes) - 1.0) * (node_step_s / 86400.0))
    xyz = (eph["sun"] - eph["earth"]).at(t).frame_xyz(TEME).km
    xyz.flags.writeable = False
    return xyz


def sun_position_teme_km(start, n: int, step_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geocentric Sun position [km] in TEME at ``n`` samples every ``step_s`` [s] from ``start``,
    interpolated from :func:`sun_nodes_teme_km` exactly as the eclipse kernel does."""
    nodes = sun_nodes_teme_km(start, max(n - 1, 0) * step_s)
    q = np.arange(n) * step_s / SUN_NODE_STEP_S
    j = np.floor(q).astype(np.int64)
    x = q - j
    w = (-x * (x - 1.0) * (x - 2.0) / 6.0, (x + 1.0) * (x - 1.0) * (x - 2.0) / 2.0,
         -(x + 1.0) * x * (x - 2.0) / 2.0, (x + 1.0) * x * (x - 1.0) / 6.0)
    return tuple(w[0] * v[j] + w[1] * v[j + 1] + w[2] * v[j + 2] + w[3] * v[j + 3] for v in nodes)


def sun_right_ascension_teme_deg(t) -> float:
    """Right ascension [deg] of the Sun in TEME at Skyfield time ``t``."""
    from skyfield.sgp4lib import TEME


    eph = ephemeris()
    x, y, _ = (eph["sun"] - eph["earth"]).at(t).frame_xyz(TEME).km
    return math.degrees(math.atan2(y, x)) % 360.0


def gmst_rad(t) -> np.ndarray:
    """Greenwich mean sidereal angle [rad] (TEME -> pseudo-Earth-fixed rotation)."""
    return np.radians(np.asarray(t.gmst) * 15.0)


@dataclass(frozen=True)
class PlaneElements:
    """Mean circular elements of one satellite per plane, for the kernels (km, rad, rad/s)."""
    shell_index: np.ndarray
    a_km: np.ndarray
    inclination_rad: np.ndarray
    raan0_rad: np.ndarray
    raan_rate_rad_s: np.ndarray
    u0_rad: np.ndarray
    u_rate_rad_s: np.ndarray

    def lead_plane_of_each_shell(self, n_shells: int) -> np.ndarray:
        """Index of each shell's first computed plane."""
        return np.array([int(np.flatnonzero(self.shell_index == s)[0]) for s in range(n_shells)], dtype=np.int64)

    def subset(self, keep: np.ndarray) -> "PlaneElements":
        """The planes where ``keep`` is true (shell indices unchanged)."""
        return PlaneElements(*(np.ascontiguousarray(getattr(self, f.name)[keep])
                               for f in dataclasses.fields(self)))


def plane_raans_deg(shell: Shell, start, max_planes: int | None = None) -> np.ndarray:
    """Nodes [deg] at ``start`` of the planes computed for ``shell``.

    A sun-synchronous shell keeps all its satellites at one LTAN, so one plane
    (RAAN = RA of the Sun + 15 deg/h (LTAN - 12 h)). A Walker shell spreads its
    planes evenly over 360 deg; ``max_planes`` (if smaller) keeps an evenly
    spaced subset, whose nodes still cover the circle uniformly.
    """
    if shell.raan_deg is not None:
        base = shell.raan_deg
    elif shell.sun_synchronous:
        base = sun_right_ascension_teme_deg(start) + 15.0 * (shell.ltan_h - 12.0)
    else:
        base = 0.0
    if shell.sun_synchronous or shell.planes == 1:
        return np.array([base % 360.0])
    k = shell.planes if not max_planes else min(shell.planes, max_planes)
    return (base + 360.0 * np.arange(k) / k) % 360.0


def plane_elements(shells: list[Shell], start, max_planes: int | None = 12) -> PlaneElements:
    """One lead satellite per computed plane of each shell, with J2 secular rates."""
    rows = []
    for s_index, shell in enumerate(shells):
        a = EARTH_EQUATORIAL_RADIUS_KM + shell.altitude_km
        inc = math.radians(shell.inclination_deg)
        for raan in plane_raans_deg(shell, start, max_planes):
            rows.append((s_index, a, inc, math.radians(raan), node_rate_rad_s(a, inc),
                         math.radians(shell.phase_deg), argument_of_latitude_rate_rad_s(a, inc)))
    arr = np.array(rows, dtype=float).reshape(-1, 7)
    return PlaneElements(arr[:, 0].astype(np.int64), *(np.ascontiguousarray(arr[:, k]) for k in range(1, 7)))
