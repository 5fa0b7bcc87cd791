"""Physical constants, defined once: every module and kernel imports them from here.

Pure data (no imports), so the Numba kernels read them as compile-time constants.
"""

__all__ = [
    "SPEED_OF_LIGHT_KM_PER_MS", "FIBRE_GROUP_INDEX", "FIBRE_KM_PER_MS", "EARTH_MEAN_RADIUS_KM",
    "WGS84_EQUATORIAL_RADIUS_KM", "WGS72_EQUATORIAL_RADIUS_KM", "WGS72_MU_KM3_S2", "WGS72_J2", "WGS72_J3",
    "SUN_RADIUS_KM", "SOLAR_CONSTANT_W_M2", "STEFAN_BOLTZMANN_W_M2_K4", "SECONDS_PER_DAY", "HOURS_PER_YEAR",
    "TROPICAL_YEAR_DAYS",
]

#: Speed of light in vacuum [km/ms] (exact, SI definition of the metre).
SPEED_OF_LIGHT_KM_PER_MS = 299.792458
#: Group index of standard single-mode fibre at 1550 nm [-] (Corning SMF-28 Ultra data sheet).
FIBRE_GROUP_INDEX = 1.468
#: Speed of light in fibre [km/ms]: c / 1.468 = 204.22 km/ms.
FIBRE_KM_PER_MS = SPEED_OF_LIGHT_KM_PER_MS / FIBRE_GROUP_INDEX

#: Mean Earth radius R1 [km] (Moritz, H. 2000, "Geodetic Reference System 1980", J. Geodesy 74:128-133).
EARTH_MEAN_RADIUS_KM = 6371.0088
#: WGS-84 equatorial radius [km] (NIMA TR8350.2, 2000); the Earth's shadow in Skyfield's ``is_sunlit``.
WGS84_EQUATORIAL_RADIUS_KM = 6378.137
#: WGS-72 constants of SGP4 (Vallado et al. 2006, AIAA 2006-6753, "Revisiting Spacetrack Report #3").
WGS72_EQUATORIAL_RADIUS_KM = 6378.135
WGS72_MU_KM3_S2 = 398600.8
WGS72_J2 = 0.001082616
WGS72_J3 = -0.00000253881

#: IAU 2015 nominal solar radius [km] (Prsa et al. 2016, AJ 152:41).
SUN_RADIUS_KM = 696000.0
#: Total solar irradiance at 1 AU [W/m^2] (Kopp & Lean 2011, GRL 38:L01706).
SOLAR_CONSTANT_W_M2 = 1361.0
#: Stefan-Boltzmann constant [W m^-2 K^-4] (CODATA 2018, exact).
STEFAN_BOLTZMANN_W_M2_K4 = 5.670374419e-8

SECONDS_PER_DAY = 86400.0
#: Hours in a (non-leap) year [h], the basis of every per-MWh annualisation.
HOURS_PER_YEAR = 8760.0
#: Tropical year [days]: the mean Sun's period in right ascension (Meeus 1998, ch. 27).
TROPICAL_YEAR_DAYS = 365.2421897
