"""Moist-air relations used by the cooling model.

* Saturation vapour pressure over water: Magnus form with the Alduchov &
  Eskridge (1996) coefficients, J. Appl. Meteor. 35:601-609, eq. 21
  (e_s = 0.61094 exp(17.625 T / (T + 243.04)) kPa; within 0.4 % of the
  ASHRAE Hyland-Wexler equation over -40..50 degC).
* Dew point: the same Magnus form inverted.
* Psychrometric constant for adiabatic saturation at sea level:
  gamma = c_p P / (0.622 h_fg) = 0.0665 kPa/K (WMO-No. 8, 2018, Annex 4.B).
* Wet-bulb temperature from dry bulb and relative humidity at sea-level
  pressure: Stull, R. (2011), "Wet-Bulb Temperature from Relative Humidity and
  Air Temperature", J. Appl. Meteor. Climatol. 50:2267-2269, eq. 1; valid for
  RH 5-99 % and -20..50 degC, error within about -1..+0.65 degC.
Both are checked against ``psychrolib`` (ASHRAE Handbook equations) in the tests.
"""
import math

from placement.kernels.targets import scalar

PSYCHROMETRIC_CONSTANT_KPA_PER_K = 0.0665


@scalar
def saturation_vapour_pressure_kpa(t_c):
    """Saturation vapour pressure over water [kPa] at air temperature ``t_c`` [degC]."""
    return 0.61094 * math.exp(17.625 * t_c / (t_c + 243.04))


@scalar
def dew_point_c(vapour_pressure_kpa):
    """Dew point [degC] of air with vapour pressure [kPa] (inverse of the Magnus form above)."""
    g = math.log(vapour_pressure_kpa / 0.61094)
    return 243.04 * g / (17.625 - g)


@scalar
def relative_humidity_at_pct(vapour_pressure_kpa, t_c):
    """Relative humidity [%] of air with vapour pressure [kPa] at ``t_c`` [degC], capped at 100."""
    rh = 100.0 * vapour_pressure_kpa / saturation_vapour_pressure_kpa(t_c)
    if rh > 100.0:
        rh = 100.0
    return rh


@scalar
def wet_bulb_c(t_c, rh_pct):
    """Wet-bulb temperature [degC] from dry bulb [degC] and RH [%] (Stull 2011)."""
    if rh_pct < 5.0:
        rh_pct = 5.0
    tw = (t_c * math.atan(0.151977 * math.sqrt(rh_pct + 8.313659))
          + math.atan(t_c + rh_pct) - math.atan(rh_pct - 1.676331)
          + 0.00391838 * rh_pct ** 1.5 * math.atan(0.023101 * rh_pct) - 4.686035)
    if tw > t_c:
        tw = t_c
    return tw
