"""Cooling energy (PUE) and water use of an air-cooled data hall from climate.

Model (hour-by-hour over a typical day of each month, weighted by days):

* Hourly dry bulb from the monthly mean and diurnal range,
  T(h) = T_mean + DTR/2 * cos(2 pi (h - 15) / 24) (warmest at 15:00 local solar
  time), with the month's vapour pressure held through the day.
* Inlet target T_target = supply limit - air approach. The default supply limit
  is 27 degC, the top of ASHRAE TC 9.9's recommended envelope for class A1
  (ASHRAE 2021, Thermal Guidelines for Data Processing Environments, 5th ed.).
* Free-air economizer when T <= T_target and the outdoor dew point is within the
  recommended envelope (<= 15 degC for A1, same source): overhead = fans.
* Direct evaporative (adiabatic) cooling when T_wb + evaporative approach <=
  T_target and the humidified air's dew point stays within that limit (adiabatic
  cooling by dT raises the vapour pressure by gamma dT): overhead = fans + pumps; water evaporated cools the intake air from T
  to T_target. With air taking up the IT heat over ``it_delta_t_c``, the air mass
  flow is P_IT / (c_p dT_IT), so the water per IT energy is
  (T - T_target) / dT_IT / h_fg; h_fg = 2.45 MJ/kg gives
  3600 / 2.45 = 1469 L per MWh per unit temperature ratio.
* Otherwise mechanical cooling (air-cooled chiller, no water): overhead = fans +
  1 / COP with COP = eta_Carnot * T_evap / (T_cond - T_evap), T_evap = T_target -
  chilled-water approach, T_cond = T + condenser approach, lift at least 5 K.
  Hours too humid for outside air also run on the chiller.
* PUE = 1 + electrical losses (UPS, distribution, lighting) + mean cooling overhead.
"""
import math

from numba import njit, prange

from placement.kernels.psychrometrics import (
    PSYCHROMETRIC_CONSTANT_KPA_PER_K,
    dew_point_c,
    relative_humidity_at_pct,
    saturation_vapour_pressure_kpa,
    wet_bulb_c,
)
from placement.kernels.targets import scalar

LATENT_HEAT_L_PER_MWH = 3600.0 / 2.45  # litres of water evaporated per MWh of heat (h_fg = 2.45 MJ/kg)
MIN_CHILLER_LIFT_K = 5.0  # compressors need some lift; also keeps COP finite on cool-but-humid hours
DAYS_IN_MONTH = (31.0, 28.25, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0)


@scalar
def cooling_hour(t_c, vapour_pressure_kpa, supply_max_c, max_dew_point_c, air_approach_c, evap_approach_c,
                 it_delta_t_c, fan_overhead, pump_overhead, chiller_carnot_efficiency,
                 chilled_water_approach_c, condenser_approach_c):
    """Cooling power per IT power [-], water [L/MWh_IT] and mode (0 free, 1 evap, 2 mech)."""
    target = supply_max_c - air_approach_c
    dry_enough = dew_point_c(vapour_pressure_kpa) <= max_dew_point_c
    if t_c <= target and dry_enough:
        return fan_overhead, 0.0, 0
    rh = relative_humidity_at_pct(vapour_pressure_kpa, t_c)
    twb = wet_bulb_c(t_c, rh)
    e_humidified = vapour_pressure_kpa + PSYCHROMETRIC_CONSTANT_KPA_PER_K * (t_c - target)
    if t_c > target and twb + evap_approach_c <= target and dew_point_c(e_humidified) <= max_dew_point_c:
        water = LATENT_HEAT_L_PER_MWH * (t_c - target) / it_delta_t_c
        return fan_overhead + pump_overhead, water, 1
    t_evap_k = target - chilled_water_approach_c + 273.15
    lift = t_c + condenser_approach_c - (target - chilled_water_approach_c)
    if lift < MIN_CHILLER_LIFT_K:
        lift = MIN_CHILLER_LIFT_K
    cop = chiller_carnot_efficiency * t_evap_k / lift
    return fan_overhead + 1.0 / cop, 0.0, 2


@scalar
def cooling_site(i, t_mean_c, rh_pct, dtr_c, supply_max_c, max_dew_point_c, air_approach_c, evap_approach_c,
                 it_delta_t_c, fan_overhead, pump_overhead, chiller_carnot_efficiency,
                 chilled_water_approach_c, condenser_approach_c, electrical_loss,
                 out_pue, out_water_l_per_mwh_it, out_economizer_fraction):
    """Element ``i`` of :func:`pue_and_water`."""
    total_h = 0.0
    overhead = 0.0
    water = 0.0
    econ = 0.0
    for m in range(12):
        days = DAYS_IN_MONTH[m]
        e = rh_pct[i, m] / 100.0 * saturation_vapour_pressure_kpa(t_mean_c[i, m])
        for h in range(24):
            t = t_mean_c[i, m] + 0.5 * dtr_c[i, m] * math.cos(2.0 * math.pi * (h - 15.0) / 24.0)
            oh, w, mode = cooling_hour(t, e, supply_max_c, max_dew_point_c, air_approach_c, evap_approach_c,
                                       it_delta_t_c, fan_overhead, pump_overhead,
                                       chiller_carnot_efficiency, chilled_water_approach_c,
                                       condenser_approach_c)
            total_h += days
            overhead += days * oh
            water += days * w
            if mode < 2:
                econ += days
    out_pue[i] = 1.0 + electrical_loss + overhead / total_h
    out_water_l_per_mwh_it[i] = water / total_h
    out_economizer_fraction[i] = econ / total_h


@njit(parallel=True, cache=True)
def pue_and_water(t_mean_c, rh_pct, dtr_c, supply_max_c, max_dew_point_c, air_approach_c, evap_approach_c,
                  it_delta_t_c, fan_overhead, pump_overhead, chiller_carnot_efficiency,
                  chilled_water_approach_c, condenser_approach_c, electrical_loss,
                  out_pue, out_water_l_per_mwh_it, out_economizer_fraction):
    """Annual PUE [-], water use [L per MWh of IT energy] and share of hours
    without mechanical cooling, for sites with monthly climate rows
    (``t_mean_c``, ``rh_pct``, ``dtr_c``: shape (n_sites, 12))."""
    for i in prange(out_pue.size):
        cooling_site(i, t_mean_c, rh_pct, dtr_c, supply_max_c, max_dew_point_c, air_approach_c, evap_approach_c,
                     it_delta_t_c, fan_overhead, pump_overhead, chiller_carnot_efficiency,
                     chilled_water_approach_c, condenser_approach_c, electrical_loss,
                     out_pue, out_water_l_per_mwh_it, out_economizer_fraction)
