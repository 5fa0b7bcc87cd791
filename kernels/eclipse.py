"""Earth's shadow on satellites: conical umbra and penumbra, per orbit plane.

Shadow function (Montenbruck & Gill 2000, Satellite Orbits, sec. 3.4.2,
eqs. 3.85-3.87): from the satellite, the Sun's disc has angular radius
a = asin(R_sun / |s - r|), Earth's b = asin(R_E / |r|), their centres are c
apart. Visible fraction of the Sun nu = 1 if c >= a + b (sunlit); 0 if
c <= b - a (umbra); an annular eclipse (c <= a - b) leaves 1 - b^2/a^2;
otherwise the two discs overlap partly and nu = 1 - lens area / (pi a^2).

Eclipse statistics exploit the shell's structure: every satellite of a
circular-orbit plane follows the same beta-angle history and the same
eclipse geometry shifted in phase, so one satellite per plane, sampled over
the span, gives the plane's time-averaged fractions exactly in the long run.
"""
import math

from numba import njit, prange
from placement.kernels.orbits import position_from_angles_km
from placement.kernels.targets import scalar

from placement.constants import SUN_RADIUS_KM
from placement.constants import (
    WGS84_EQUATORIAL_RADIUS_KM as EARTH_SHADOW_RADIUS_KM,  # as Skyfield's is_sunlit
)

#: Bound on how fast the shadow cones open with distance behind the Earth: the Sun's angular
#: radius is at most 0.00473 rad (perihelion); 0.006 keeps a safe margin for the fast path.
SHADOW_MARGIN_RAD = 0.006


@scalar
def disc_angles_rad(rx, ry, rz, sx, sy, sz):
    """(a, b, c) [rad] seen from a satellite at r [km] with the Sun at s [km] (both geocentric):
    the Sun's angular radius, the Earth's, and the angle between their centres (Montenbruck &
    Gill, Satellite Orbits, sec. 3.4.2)."""
    dx = sx - rx
    dy = sy - ry
    dz = sz - rz
    d_sun = math.sqrt(dx * dx + dy * dy + dz * dz)
    d_earth = math.sqrt(rx * rx + ry * ry + rz * rz)
    a = math.asin(SUN_RADIUS_KM / d_sun)
    b = math.asin(EARTH_SHADOW_RADIUS_KM / d_earth)
    cos_c = -(rx * dx + ry * dy + rz * dz) / (d_earth * d_sun)
    if cos_c > 1.0:
        cos_c = 1.0
    elif cos_c < -1.0:
        cos_c = -1.0
    return a, b, math.acos(cos_c)


@scalar
def sun_visible_fraction(rx, ry, rz, sx, sy, sz):
    """Fraction of the solar disc visible [0..1] from a satellite at r [km] with the Sun at s [km]
    (both geocentric)."""
    a, b, c = disc_angles_rad(rx, ry, rz, sx, sy, sz)
    if c >= a + b:
        return 1.0
    if c <= b - a:
        return 0.0
    if c <= a - b:  # annular: Earth's disc entirely inside the Sun's
        return 1.0 - (b * b) / (a * a)
    x = (c * c + a * a - b * b) / (2.0 * c)
    y = math.sqrt(max(a * a - x * x, 0.0))
    area = a * a * math.acos(x / a) + b * b * math.acos((c - x) / b) - c * y
    return 1.0 - area / (math.pi * a * a)


@scalar
def cubic_through_four(v_m1, v0, v1, v2):
    """Coefficients (a, b, c, d) of the cubic a + b x + c x^2 + d x^3 through the values at
    x = -1, 0, 1, 2 (4-point Lagrange interpolation, written out)."""
    a = v0
    b = -v_m1 / 3.0 - v0 / 2.0 + v1 - v2 / 6.0
    c = v_m1 / 2.0 - v0 + v1 / 2.0
    d = (v2 - v_m1) / 6.0 + (v0 - v1) / 2.0
    return a, b, c, d


@scalar
def sun_position_interpolated_km(node_x_km, node_y_km, node_z_km, node_step_s, t_s):
    """The Sun's geocentric position [km] at ``t_s`` [s] by cubic (4-point Lagrange)
    interpolation of nodes every ``node_step_s`` [s], node ``m`` at ``(m - 1) * node_step_s``.

    With daily nodes the error is below 1e-8 rad (fourth-order: the Sun's ~1 deg/day, the
    Moon's monthly wobble of Earth's centre and nutation all enter as (omega h)^4 / 384);
    tests check it against Skyfield directly.
    """
    q = t_s / node_step_s
    j = int(math.floor(q))
    x = q - j
    ax, bx, cx, dx = cubic_through_four(node_x_km[j], node_x_km[j + 1], node_x_km[j + 2], node_x_km[j + 3])
    ay, by, cy, dy = cubic_through_four(node_y_km[j], node_y_km[j + 1], node_y_km[j + 2], node_y_km[j + 3])
    az, bz, cz, dz = cubic_through_four(node_z_km[j], node_z_km[j + 1], node_z_km[j + 2], node_z_km[j + 3])
    return (ax + x * (bx + x * (cx + x * dx)), ay + x * (by + x * (cy + x * dy)),
            az + x * (bz + x * (cz + x * dz)))


@scalar
def shadow_edge_rad(rx, ry, rz, sx, sy, sz):
    """Angular margin [rad] of a satellite at r [km] outside the penumbra (the Sun at s [km]):
    c - (a + b) in :func:`sun_visible_fraction`'s notation; negative once any of the Sun is
    hidden. Smooth in time, so a shadow entry or exit between two samples is found by linear
    interpolation of this margin."""
    a, b, c = disc_angles_rad(rx, ry, rz, sx, sy, sz)
    return c - (a + b)


@scalar
def plane_eclipse(i, a_km, inclination_rad, raan0_rad, raan_rate_rad_s, u0_rad, u_rate_rad_s,
                  sun_node_x_km, sun_node_y_km, sun_node_z_km, node_step_s, n_samples, step_s, samples_per_day,
                  out_eclipse_fraction, out_umbra_fraction, out_max_eclipse_s, out_eclipse_passes,
                  out_beta_min_deg, out_beta_max_deg, out_day_eclipse_fraction):
    """Element ``i`` (one orbit plane) of :func:`plane_eclipses`."""
    n = n_samples
    ci = math.cos(inclination_rad[i])
    si = math.sin(inclination_rad[i])
    # node and argument of latitude advance by fixed angles per step: rotate their cosines and
    # sines instead of calling trig functions, re-seeding exactly every 1024 steps
    c_du = math.cos(u_rate_rad_s[i] * step_s)
    s_du = math.sin(u_rate_rad_s[i] * step_s)
    c_do = math.cos(raan_rate_rad_s[i] * step_s)
    s_do = math.sin(raan_rate_rad_s[i] * step_s)
    cu = 1.0
    su = 0.0
    co = 1.0
    so = 0.0
    shadow = 0.0
    umbra = 0
    passes = 0
    entered_s = 0.0
    longest_s = 0.0
    was_dark = False
    px = 0.0
    py = 0.0
    pz = 0.0
    psx = 0.0
    psy = 0.0
    psz = 0.0
    interval = -1
    j = 0
    x = 0.0
    dx_node = step_s / node_step_s
    ax = bx = cx = dx = ay = by = cy = dy = az = bz = cz = dz = 0.0
    sin_beta_min = 1.0
    sin_beta_max = -1.0
    day_sum = 0.0
    day = 0
    in_day = 0
    for k in range(n):
        t = k * step_s
        if k % 1024 == 0:
            u = u0_rad[i] + u_rate_rad_s[i] * t
            raan = raan0_rad[i] + raan_rate_rad_s[i] * t
            cu = math.cos(u)
            su = math.sin(u)
            co = math.cos(raan)
            so = math.sin(raan)
        rx, ry, rz = position_from_angles_km(a_km[i], ci, si, cu, su, co, so)
        # position between Sun nodes: advanced by a fixed fraction per step, re-seeded exactly
        # with the orbit angles; the cubic's coefficients change once per node interval
        if k % 1024 == 0:
            q = t / node_step_s
            j = int(math.floor(q))
            x = q - j
        else:
            x += dx_node
            if x >= 1.0:
                x -= 1.0
                j += 1
        if j != interval:
            interval = j
            ax, bx, cx, dx = cubic_through_four(sun_node_x_km[j], sun_node_x_km[j + 1], sun_node_x_km[j + 2],
                                                sun_node_x_km[j + 3])
            ay, by, cy, dy = cubic_through_four(sun_node_y_km[j], sun_node_y_km[j + 1], sun_node_y_km[j + 2],
                                                sun_node_y_km[j + 3])
            az, bz, cz, dz = cubic_through_four(sun_node_z_km[j], sun_node_z_km[j + 1], sun_node_z_km[j + 2],
                                                sun_node_z_km[j + 3])
        sx = ax + x * (bx + x * (cx + x * dx))
        sy = ay + x * (by + x * (cy + x * dy))
        sz = az + x * (bz + x * (cz + x * dz))
        s_norm = math.sqrt(sx * sx + sy * sy + sz * sz)
        along = (rx * sx + ry * sy + rz * sz) / s_norm
        if along >= 0.0:
            nu = 1.0  # over the day side: Earth's disc is behind the satellite, exact
        else:
            # distance from the shadow axis; the shadow cones open by the Sun's angular radius
            # (< 0.0048 rad): well outside or inside them the answer needs no trigonometry
            perp2 = rx * rx + ry * ry + rz * rz - along * along
            widen = SHADOW_MARGIN_RAD * -along + 1.0
            if perp2 > (EARTH_SHADOW_RADIUS_KM + widen) ** 2:
                nu = 1.0
            elif perp2 < (EARTH_SHADOW_RADIUS_KM - widen) ** 2:
                nu = 0.0
            else:
                nu = sun_visible_fraction(rx, ry, rz, sx, sy, sz)
        shadow += 1.0 - nu
        day_sum += 1.0 - nu
        if nu == 0.0:
            umbra += 1
        dark = nu < 1.0
        if dark and not was_dark:
            # entry: where the margin crossed zero between the previous sample and this one
            passes += 1
            entered_s = t
            if k > 0:
                g0 = shadow_edge_rad(px, py, pz, psx, psy, psz)
                g1 = shadow_edge_rad(rx, ry, rz, sx, sy, sz)
                if g0 > g1:
                    entered_s = t - step_s * g1 / (g1 - g0)
        elif was_dark and not dark:
            left_s = t
            g0 = shadow_edge_rad(px, py, pz, psx, psy, psz)
            g1 = shadow_edge_rad(rx, ry, rz, sx, sy, sz)
            if g1 > g0:
                left_s = t - step_s * g1 / (g1 - g0)
            if left_s - entered_s > longest_s:
                longest_s = left_s - entered_s
        if dark and k == n - 1 and t - entered_s > longest_s:
            longest_s = t - entered_s  # a pass cut off by the end of the span
        was_dark = dark
        px = rx
        py = ry
        pz = rz
        psx = sx
        psy = sy
        psz = sz
        # beta: Sun's angle above the orbit plane; normal = (sin i sin O, -sin i cos O, cos i)
        sin_beta = (si * so * sx - si * co * sy + ci * sz) / s_norm
        if sin_beta < sin_beta_min:
            sin_beta_min = sin_beta
        if sin_beta > sin_beta_max:
            sin_beta_max = sin_beta
        cu, su = cu * c_du - su * s_du, su * c_du + cu * s_du
        co, so = co * c_do - so * s_do, so * c_do + co * s_do
        in_day += 1
        if in_day == samples_per_day or k == n - 1:
            if day < out_day_eclipse_fraction.shape[1]:
                out_day_eclipse_fraction[i, day] = day_sum / in_day
            day += 1
            day_sum = 0.0
            in_day = 0
    out_eclipse_fraction[i] = shadow / n
    out_umbra_fraction[i] = umbra / n
    out_max_eclipse_s[i] = longest_s
    out_eclipse_passes[i] = passes
    out_beta_min_deg[i] = math.degrees(math.asin(min(max(sin_beta_min, -1.0), 1.0)))
    out_beta_max_deg[i] = math.degrees(math.asin(min(max(sin_beta_max, -1.0), 1.0)))


@njit(parallel=True, cache=True)
def plane_eclipses(a_km, inclination_rad, raan0_rad, raan_rate_rad_s, u0_rad, u_rate_rad_s,
                   sun_node_x_km, sun_node_y_km, sun_node_z_km, node_step_s, n_samples, step_s, samples_per_day,
                   out_eclipse_fraction, out_umbra_fraction, out_max_eclipse_s, out_eclipse_passes,
                   out_beta_min_deg, out_beta_max_deg, out_day_eclipse_fraction):
    """Eclipse statistics for circular-orbit planes over a uniform time grid.

    Per plane (inputs: radius [km], inclination [rad], node and argument of latitude at t=0
    [rad] and their rates [rad/s]); the Sun's geocentric position [km] in the same inertial
    frame at nodes every ``node_step_s`` [s] from ``-node_step_s`` (interpolated to the samples
    t_k = k * step_s, k < n_samples, by :func:`sun_position_interpolated_km`). Outputs:
    penumbra-weighted shadow fraction, umbra fraction, longest continuous shadow [s] (any part
    of the Sun hidden; entry and exit placed between samples where the shadow margin crosses
    zero), number of shadow passes, beta angle extremes [deg], and the shadow fraction of each
    day (``out_day_eclipse_fraction``: (planes, days)).
    """
    for i in prange(a_km.size):
        plane_eclipse(i, a_km, inclination_rad, raan0_rad, raan_rate_rad_s, u0_rad, u_rate_rad_s,
                      sun_node_x_km, sun_node_y_km, sun_node_z_km, node_step_s, n_samples, step_s, samples_per_day,
                      out_eclipse_fraction, out_umbra_fraction, out_max_eclipse_s, out_eclipse_passes,
                      out_beta_min_deg, out_beta_max_deg, out_day_eclipse_fraction)
