"""Great-circle geometry on a spherical Earth.

Haversine formula (Sinnott, R. W. 1984, "Virtues of the Haversine", Sky and
Telescope 68(2):159) on a sphere of the IUGG mean Earth radius
R1 = 6371.0088 km (Moritz, H. 2000, "Geodetic Reference System 1980",
J. Geodesy 74:128-133). Error against the WGS-84 ellipsoid is below 0.5 %.
"""
import math

from numba import njit, prange

from kernels.targets import scalar

EARTH_MEAN_RADIUS_KM = 6371.0088


@scalar
def great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg):
    """Great-circle distance [km] between two points given in degrees."""
    p1 = math.radians(lat1_deg)
    p2 = math.radians(lat2_deg)
    dp = p2 - p1
    dl = math.radians(lon2_deg - lon1_deg)
    h = math.sin(0.5 * dp) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(0.5 * dl) ** 2
    if h > 1.0:
        h = 1.0
    return 2.0 * EARTH_MEAN_RADIUS_KM * math.asin(math.sqrt(h))


@scalar
def great_circle_km_pair(i, lat1_deg, lon1_deg, lat2_deg, lon2_deg, out_km):
    """Element ``i`` of :func:`great_circle_km_pairs`."""
    out_km[i] = great_circle_km(lat1_deg[i], lon1_deg[i], lat2_deg[i], lon2_deg[i])


@njit(parallel=True, cache=True)
def great_circle_km_pairs(lat1_deg, lon1_deg, lat2_deg, lon2_deg, out_km):
    """Great-circle distance [km] for each pair of points (1-D arrays, degrees)."""
    for i in prange(out_km.size):
        great_circle_km_pair(i, lat1_deg, lon1_deg, lat2_deg, lon2_deg, out_km)
