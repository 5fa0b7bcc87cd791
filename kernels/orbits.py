"""Circular orbits with J2 secular drift (fast analytic propagation).

For a circular orbit of radius a and inclination i, Earth's oblateness J2 makes
the node and the argument of latitude drift secularly (Vallado 2013,
Fundamentals of Astrodynamics and Applications, 4th ed., eqs. 9-41 and 9-42
with e = 0):

    n        = sqrt(mu / a^3)
    dOmega/dt = -1.5 n J2 (R/a)^2 cos i
    du/dt     = n [1 + 0.75 J2 (R/a)^2 (5 cos^2 i - 1) + 0.75 J2 (R/a)^2 (3 cos^2 i - 1)]

Position in the inertial frame of the elements (TEME when they come from SGP4):
r = a [cos u cos Omega - sin u cos i sin Omega, cos u sin Omega + sin u cos i cos Omega, sin u sin i].
The radius carries SGP4's J2 short-period and J3 long-period radial terms; the
radial difference to SGP4 stays near a kilometre and the along-track
difference grows slowly (tests state both).
Constants are WGS-72, as SGP4 uses (Vallado et al. 2006, AIAA 2006-6753).
"""
import math

from placement.kernels.targets import scalar

from placement.constants import SECONDS_PER_DAY, TROPICAL_YEAR_DAYS
from placement.constants import WGS72_EQUATORIAL_RADIUS_KM as EARTH_EQUATORIAL_RADIUS_KM
from placement.constants import WGS72_J2 as J2
from placement.constants import WGS72_J3 as J3
from placement.constants import WGS72_MU_KM3_S2 as MU_EARTH_KM3_S2

SIDEREAL_YEAR_S = TROPICAL_YEAR_DAYS * SECONDS_PER_DAY  # tropical year: the mean sun's period in right ascension


@scalar
def mean_motion_rad_s(a_km):
    """Keplerian mean motion [rad/s] for semi-major axis ``a_km``."""
    return math.sqrt(MU_EARTH_KM3_S2 / (a_km * a_km * a_km))


@scalar
def node_rate_rad_s(a_km, inclination_rad):
    """Secular J2 drift of the right ascension of the ascending node [rad/s], circular orbit."""
    k = J2 * (EARTH_EQUATORIAL_RADIUS_KM / a_km) ** 2
    return -1.5 * mean_motion_rad_s(a_km) * k * math.cos(inclination_rad)


@scalar
def argument_of_latitude_rate_rad_s(a_km, inclination_rad):
    """Secular rate of the argument of latitude u = omega + M [rad/s], circular orbit with J2."""
    k = J2 * (EARTH_EQUATORIAL_RADIUS_KM / a_km) ** 2
    c2 = math.cos(inclination_rad) ** 2
    return mean_motion_rad_s(a_km) * (1.0 + 0.75 * k * (5.0 * c2 - 1.0) + 0.75 * k * (3.0 * c2 - 1.0))


@scalar
def sun_synchronous_inclination_rad(a_km):
    """Inclination [rad] whose J2 node drift matches the mean sun (360 deg per tropical year)."""
    rate = 2.0 * math.pi / SIDEREAL_YEAR_S
    k = J2 * (EARTH_EQUATORIAL_RADIUS_KM / a_km) ** 2
    c = -rate / (1.5 * mean_motion_rad_s(a_km) * k)
    if c < -1.0:
        c = -1.0
    return math.acos(c)


@scalar
def position_from_angles_km(a_km, cos_i, sin_i, cos_u, sin_u, cos_raan, sin_raan):
    """Inertial position (x, y, z) [km] on a near-circular orbit of mean radius ``a_km``, given the
    cosines and sines of inclination, argument of latitude and node.

    The radius carries the J2 short-period terms of a circular orbit as SGP4
    applies them (Hoots & Roehrich 1980, Spacetrack Report No. 3, eq. for r_k):
    r = a [1 - 0.75 k (3 cos^2 i - 1)] + 0.25 a k sin^2 i cos 2u, k = J2 (R/a)^2,
    and SGP4's J3 long-period term, a frozen eccentricity
    e_J3 = -0.5 (J3/J2) (R/a) sin i with perigee at u = 90 deg: - a e_J3 sin u.
    """
    k = J2 * (EARTH_EQUATORIAL_RADIUS_KM / a_km) ** 2
    e_j3 = -0.5 * (J3 / J2) * (EARTH_EQUATORIAL_RADIUS_KM / a_km) * sin_i
    r = a_km * (1.0 - 0.75 * k * (3.0 * cos_i * cos_i - 1.0)
                + 0.25 * k * sin_i * sin_i * (2.0 * cos_u * cos_u - 1.0) - e_j3 * sin_u)
    return (r * (cos_u * cos_raan - sin_u * cos_i * sin_raan),
            r * (cos_u * sin_raan + sin_u * cos_i * cos_raan),
            r * sin_u * sin_i)


@scalar
def circular_position_km(a_km, inclination_rad, raan_rad, u_rad):
    """Inertial position (x, y, z) [km] at node ``raan_rad`` and argument of latitude ``u_rad``
    (see :func:`position_from_angles_km`)."""
    return position_from_angles_km(a_km, math.cos(inclination_rad), math.sin(inclination_rad),
                                   math.cos(u_rad), math.sin(u_rad), math.cos(raan_rad), math.sin(raan_rad))
