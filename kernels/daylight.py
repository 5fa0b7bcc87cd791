"""Dark time at ground sites: sun elevation from Earth-fixed sun directions.

The sun's unit vector in the ITRS (Earth-fixed) frame is computed once per time
sample by Skyfield (``placement.earth.ephemeris``). For a geodetic latitude phi the
ellipsoid normal (the local vertical) is exactly (cos phi cos lambda,
cos phi sin lambda, sin phi), so sin(elevation) = up . sun; only the parallax
of the site's offset from Earth's centre (< 9 arcsec for the Sun) is ignored. A sample counts as dark
when the elevation is below ``threshold_deg`` (default -0.833 deg, the standard
sunrise/sunset altitude allowing for refraction and the solar semi-diameter,
Meeus 1998, Astronomical Algorithms, ch. 15).
"""
import math

from numba import njit, prange
from placement.kernels.targets import scalar


@scalar
def sun_elevation_deg(lat_deg, lon_deg, sun_x, sun_y, sun_z):
    """Sun elevation [deg] above the horizon of a site for an Earth-fixed sun unit vector."""
    phi = math.radians(lat_deg)
    lam = math.radians(lon_deg)
    s = math.cos(phi) * math.cos(lam) * sun_x + math.cos(phi) * math.sin(lam) * sun_y + math.sin(phi) * sun_z
    if s > 1.0:
        s = 1.0
    elif s < -1.0:
        s = -1.0
    return math.degrees(math.asin(s))


@scalar
def dark_time_site(i, lat_deg, lon_deg, sun_xyz, step_h, threshold_deg,
                   out_dark_fraction, out_longest_dark_h):
    """Element ``i`` of :func:`dark_time`; the time grid is treated as cyclic (one year).

    Compares up . sun with sin(threshold) (the same test as
    ``sun_elevation_deg(...) < threshold_deg``, without an arcsine per sample).
    """
    n = sun_xyz.shape[0]
    if n == 0:
        out_dark_fraction[i] = math.nan
        out_longest_dark_h[i] = math.nan
        return
    phi = math.radians(lat_deg[i])
    lam = math.radians(lon_deg[i])
    ux = math.cos(phi) * math.cos(lam)
    uy = math.cos(phi) * math.sin(lam)
    uz = math.sin(phi)
    limit = math.sin(math.radians(threshold_deg))
    dark = 0
    first_light = -1
    for k in range(n):
        if ux * sun_xyz[k, 0] + uy * sun_xyz[k, 1] + uz * sun_xyz[k, 2] < limit:
            dark += 1
        elif first_light < 0:
            first_light = k
    out_dark_fraction[i] = dark / n
    if first_light < 0:
        out_longest_dark_h[i] = n * step_h
        return
    longest = 0
    run = 0
    for kk in range(n):  # start just after a lit sample so a run across the wrap counts once
        k = (first_light + 1 + kk) % n
        if ux * sun_xyz[k, 0] + uy * sun_xyz[k, 1] + uz * sun_xyz[k, 2] < limit:
            run += 1
            if run > longest:
                longest = run
        else:
            run = 0
    out_longest_dark_h[i] = longest * step_h


@njit(parallel=True, cache=True)
def dark_time(lat_deg, lon_deg, sun_xyz, step_h, threshold_deg, out_dark_fraction, out_longest_dark_h):
    """Fraction of time samples with the sun below ``threshold_deg`` and the
    longest such stretch [h] for each site; ``sun_xyz`` is (n_times, 3) unit
    vectors in the Earth-fixed frame, ``step_h`` the sample spacing [h]."""
    for i in prange(lat_deg.size):
        dark_time_site(i, lat_deg, lon_deg, sun_xyz, step_h, threshold_deg,
                       out_dark_fraction, out_longest_dark_h)
