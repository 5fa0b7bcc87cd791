"""Great-circle geometry on a spherical Earth.

Central angle from the special case of Vincenty's formula for a sphere
(Vincenty, T. 1975, Survey Review 23(176):88-93): atan2 of the cross and dot
products, accurate everywhere including antipodal points, where the haversine
form 2 asin(sqrt(h)) loses up to a few decimetres. On a sphere of the IUGG mean Earth radius
R1 = 6371.0088 km (Moritz, H. 2000, "Geodetic Reference System 1980",
J. Geodesy 74:128-133). Error against the WGS-84 ellipsoid is below 0.5 %.
"""
import math

from numba import njit, prange
from placement.kernels.targets import scalar

from placement.constants import EARTH_MEAN_RADIUS_KM


@scalar
def great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg):
    """Great-circle distance [km] between two points given in degrees."""
    p1 = math.radians(lat1_deg)
    p2 = math.radians(lat2_deg)
    dl = math.radians(lon2_deg - lon1_deg)
    s1, c1 = math.sin(p1), math.cos(p1)
    s2, c2 = math.sin(p2), math.cos(p2)
    y = math.hypot(c2 * math.sin(dl), c1 * s2 - s1 * c2 * math.cos(dl))
    x = s1 * s2 + c1 * c2 * math.cos(dl)
    return EARTH_MEAN_RADIUS_KM * math.atan2(y, x)


@scalar
def unit_vector(lat_deg, lon_deg):
    """Unit vector (x, y, z) of a point on the sphere from latitude and longitude [deg]."""
    p = math.radians(lat_deg)
    lam = math.radians(lon_deg)
    return math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p)


@scalar
def great_circle_km_unit(ax, ay, az, bx, by, bz):
    """Great-circle distance [km] between unit vectors a and b: 2 R asin(|a - b| / 2).

    The same quantity as the haversine form (hav(theta) = |a - b|^2 / 4), with one
    square root and one arcsine per pair when the unit vectors are precomputed; for the
    demand-latency hot loop. Near antipodes it is off by up to a few decimetres, far below
    what matters for a round-trip time; :func:`great_circle_km` is exact there.
    """
    dx = ax - bx
    dy = ay - by
    dz = az - bz
    half_chord = 0.5 * math.sqrt(dx * dx + dy * dy + dz * dz)
    if half_chord > 1.0:
        half_chord = 1.0
    return 2.0 * EARTH_MEAN_RADIUS_KM * math.asin(half_chord)


@scalar
def unit_vector_row(i, lat_deg, lon_deg, out_x, out_y, out_z):
    """Element ``i`` of :func:`unit_vectors`."""
    x, y, z = unit_vector(lat_deg[i], lon_deg[i])
    out_x[i] = x
    out_y[i] = y
    out_z[i] = z


@njit(parallel=True, cache=True)
def unit_vectors(lat_deg, lon_deg, out_x, out_y, out_z):
    """Unit-vector components (three 1-D arrays) of points given in degrees.

    Separate component arrays (not an (n, 3) array) let the compiler vectorise
    the pair loops that read them.
    """
    for i in prange(lat_deg.size):
        unit_vector_row(i, lat_deg, lon_deg, out_x, out_y, out_z)


@scalar
def great_circle_km_pair(i, lat1_deg, lon1_deg, lat2_deg, lon2_deg, out_km):
    """Element ``i`` of :func:`great_circle_km_pairs`."""
    out_km[i] = great_circle_km(lat1_deg[i], lon1_deg[i], lat2_deg[i], lon2_deg[i])


@njit(parallel=True, cache=True)
def great_circle_km_pairs(lat1_deg, lon1_deg, lat2_deg, lon2_deg, out_km):
    """Great-circle distance [km] for each pair of points (1-D arrays, degrees)."""
    for i in prange(out_km.size):
        great_circle_km_pair(i, lat1_deg, lon1_deg, lat2_deg, lon2_deg, out_km)
