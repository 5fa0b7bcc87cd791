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

SUN_RADIUS_KM = 696000.0  # IAU 2015 nominal solar radius (Prsa et al. 2016, AJ 152:41)
EARTH_SHADOW_RADIUS_KM = 6378.137  # WGS-84 equatorial radius, as Skyfield's is_sunlit uses
#: Bound on how fast the shadow cones open with distance behind the Earth: the Sun's angular
#: radius is at most 0.00473 rad (perihelion); 0.006 keeps a safe margin for the fast path.
SHADOW_MARGIN_RAD = 0.006


@scalar
def sun_visible_fraction(rx, ry, rz, sx, sy, sz):
    """Fraction of the solar disc visible [0..1] from a satellite at r [km] with the Sun at s [km]
    (both geocentric)."""
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
    c = math.acos(cos_c)
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
def plane_eclipse(i, a_km, inclination_rad, raan0_rad, raan_rate_rad_s, u0_rad, u_rate_rad_s,
                  sun_x_km, sun_y_km, sun_z_km, step_s, samples_per_day,
                  out_eclipse_fraction, out_umbra_fraction, out_max_eclipse_s,
                  out_beta_min_deg, out_beta_max_deg, out_day_eclipse_fraction):
    """Element ``i`` (one orbit plane) of :func:`plane_eclipses`."""
    n = sun_x_km.size
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
    run = 0
    longest = 0
    sin_beta_min = 1.0
    sin_beta_max = -1.0
    day_sum = 0.0
    day = 0
    in_day = 0
    for k in range(n):
        if k % 1024 == 0:
            t = k * step_s
            u = u0_rad[i] + u_rate_rad_s[i] * t
            raan = raan0_rad[i] + raan_rate_rad_s[i] * t
            cu = math.cos(u)
            su = math.sin(u)
            co = math.cos(raan)
            so = math.sin(raan)
        rx, ry, rz = position_from_angles_km(a_km[i], ci, si, cu, su, co, so)
        sx = sun_x_km[k]
        sy = sun_y_km[k]
        sz = sun_z_km[k]
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
        if nu < 1.0:
            run += 1
            if run > longest:
                longest = run
        else:
            run = 0
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
    out_max_eclipse_s[i] = longest * step_s
    out_beta_min_deg[i] = math.degrees(math.asin(min(max(sin_beta_min, -1.0), 1.0)))
    out_beta_max_deg[i] = math.degrees(math.asin(min(max(sin_beta_max, -1.0), 1.0)))


@njit(parallel=True, cache=True)
def plane_eclipses(a_km, inclination_rad, raan0_rad, raan_rate_rad_s, u0_rad, u_rate_rad_s,
                   sun_x_km, sun_y_km, sun_z_km, step_s, samples_per_day,
                   out_eclipse_fraction, out_umbra_fraction, out_max_eclipse_s,
                   out_beta_min_deg, out_beta_max_deg, out_day_eclipse_fraction):
    """Eclipse statistics for circular-orbit planes over a uniform time grid.

    Per plane (inputs: radius [km], inclination [rad], node and argument of
    latitude at t=0 [rad] and their rates [rad/s]); the Sun's geocentric
    position [km] in the same inertial frame at t_k = k * step_s. Outputs:
    penumbra-weighted shadow fraction, umbra fraction, longest continuous
    shadow [s] (any part of the Sun hidden), beta angle extremes [deg], and the
    shadow fraction of each day (``out_day_eclipse_fraction``: (planes, days)).
    """
    for i in prange(a_km.size):
        plane_eclipse(i, a_km, inclination_rad, raan0_rad, raan_rate_rad_s, u0_rad, u_rate_rad_s,
                      sun_x_km, sun_y_km, sun_z_km, step_s, samples_per_day,
                      out_eclipse_fraction, out_umbra_fraction, out_max_eclipse_s,
                      out_beta_min_deg, out_beta_max_deg, out_day_eclipse_fraction)
