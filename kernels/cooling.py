"""Cooling energy (PUE) and site water of a data hall, for four cooling plants, from climate.

Hour by hour over a typical day of each month (weighted by days): dry bulb
T(h) = T_mean + DTR/2 cos(2 pi (h - 15) / 24) (warmest at 15:00 local solar time), the
month's vapour pressure held through the day, wet bulb from Stull (2011). Per unit of IT
heat, each hour's cooling power and water come from the plant:

0 ``air_economizer`` -- outside air within the supply limit and dew point of ASHRAE
  TC 9.9's recommended envelope (27 degC, 15 degC dew point); direct evaporative
  assist (media effectiveness ``evap_effectiveness``, no further than the dew-point limit),
  an air-cooled chiller trimming what evaporation leaves above the target while the
  pre-cooled air is below the return air; otherwise (too humid, or hotter than the return
  air) recirculation on the chiller. Water: the evaporation that cools the intake air.
1 ``chiller_tower`` -- water-cooled centrifugal chillers with open cooling towers and a
  waterside economizer: tower water leaves at wet bulb + approach; through the plate
  exchanger it cools the chilled-water return fully, partly (the chiller trims the rest,
  its condenser at the tower water) or not at all. Water: tower make-up.
2 ``dry_cooler`` -- closed-loop dry coolers with adiabatic pre-cooling of their air and
  an air-cooled trim chiller. Water: the adiabatic spray.
3 ``liquid`` -- direct-to-chip liquid cooling: ``liquid_fraction`` of the heat leaves in
  warm facility water (ASHRAE liquid class W32/W40/W45: supply ``liquid_supply_c``)
  through dry coolers with adiabatic assist; the residual air share goes through a
  ``dry_cooler`` loop at the chilled-water temperature.

A negative plant code asks for the default plant: closed-loop dry coolers where water is scarce
(WRI Aqueduct baseline stress >= 3); elsewhere the cheapest of the air economizer, chillers with
towers and dry coolers in energy (PUE x the site's power price) plus water (site water x the water
price) per MWh of IT, each run through the same hours (:func:`cooling_site`), so the plant and
its water follow the climate and the prices rather than a wet-bulb threshold.

Cooling-tower make-up (ASHRAE Handbook HVAC Systems and Equipment ch. 40; US DOE FEMP
cooling-tower guide): evaporation E = 0.00085 x circulating flow x range [degF], i.e.
0.00153 per K of range; with the flow carrying Q over the range, E per heat rejected is
0.00153 / c_p = 1.316 kg per kWh whatever the range. Blowdown B = E / (COC - 1), drift
D = drift fraction x flow, counted inside the blowdown (uncontrolled blowdown), so
make-up = E + max(E / (COC - 1), D).
Evaporative cooling of air by dT with air mass flow P / (c_p dT_air) evaporates
dT / dT_air / h_fg per unit heat: 3600 / 2.45 = 1469 L per MWh per unit ratio.

Chillers: :mod:`placement.kernels.chillers` (rated COPs and EnergyPlus curves).
PUE = 1 + electrical losses + other facility loads + mean cooling power, all per IT power.

The plant and operator numbers, the same for every site of a call, reach the kernel packed in
one float64 array ``constants`` (:data:`COOLING_CONSTANTS`, :func:`pack_cooling_constants`).
"""
import math

import numpy as np
from numba import njit, prange
from placement.kernels.chillers import (
    air_cooled_chiller_cop,
    clamp,
    water_cooled_chiller_cop,
)
from placement.kernels.psychrometrics import (
    PSYCHROMETRIC_CONSTANT_KPA_PER_K,
    dew_point_c,
    relative_humidity_at_pct,
    saturation_vapour_pressure_kpa,
    wet_bulb_c,
)
from placement.kernels.targets import pack_constants, scalar

LATENT_HEAT_L_PER_MWH = 3600.0 / 2.45  # litres evaporated per MWh of heat (h_fg = 2.45 MJ/kg)
WATER_HEAT_CAPACITY_KJ_PER_KG_K = 4.186
#: Handbook evaporation factor, 0.00085 per degF of range = 0.00153 per K of range.
TOWER_EVAPORATION_PER_K = 0.00085 * 1.8
DAYS_IN_MONTH = (31.0, 28.25, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0)

AIR_ECONOMIZER = 0
CHILLER_TOWER = 1
DRY_COOLER = 2
LIQUID = 3
#: Above this WRI Aqueduct baseline water-stress category (0-5) the default plant is closed-loop.
HIGH_WATER_STRESS = 3.0

#: Names of the per-call constants of :func:`pue_and_water`, in their order in its packed
#: ``constants`` array (:func:`pack_cooling_constants`). A new one is appended here and read in
#: the kernel through its index ``COOLING_<NAME>`` below.
COOLING_CONSTANTS = (
    "supply_max_c", "max_dew_point_c", "air_approach_c", "evap_effectiveness", "it_delta_t_c",
    "evap_pump_kw_per_kw", "chilled_water_c", "chilled_water_delta_t_c", "tower_approach_c", "hx_approach_c",
    "cycles_of_concentration", "drift_fraction", "tower_range_c", "tower_fan_kw_per_kw",
    "dry_cooler_approach_c", "adiabatic_effectiveness", "dry_cooler_air_delta_t_c", "dry_cooler_fan_kw_per_kw",
    "liquid_supply_c", "liquid_delta_t_c", "liquid_fraction", "cdu_pump_kw_per_kw", "air_chiller_rated_cop",
    "water_chiller_rated_cop", "electrical_loss", "fan_kw_per_kw", "pump_kw_per_kw", "misc_kw_per_kw",
    "water_price_usd_per_m3",
)
COOLING_SUPPLY_MAX_C = COOLING_CONSTANTS.index("supply_max_c")
COOLING_MAX_DEW_POINT_C = COOLING_CONSTANTS.index("max_dew_point_c")
COOLING_AIR_APPROACH_C = COOLING_CONSTANTS.index("air_approach_c")
COOLING_EVAP_EFFECTIVENESS = COOLING_CONSTANTS.index("evap_effectiveness")
COOLING_IT_DELTA_T_C = COOLING_CONSTANTS.index("it_delta_t_c")
COOLING_EVAP_PUMP_KW_PER_KW = COOLING_CONSTANTS.index("evap_pump_kw_per_kw")
COOLING_CHILLED_WATER_C = COOLING_CONSTANTS.index("chilled_water_c")
COOLING_CHILLED_WATER_DELTA_T_C = COOLING_CONSTANTS.index("chilled_water_delta_t_c")
COOLING_TOWER_APPROACH_C = COOLING_CONSTANTS.index("tower_approach_c")
COOLING_HX_APPROACH_C = COOLING_CONSTANTS.index("hx_approach_c")
COOLING_CYCLES_OF_CONCENTRATION = COOLING_CONSTANTS.index("cycles_of_concentration")
COOLING_DRIFT_FRACTION = COOLING_CONSTANTS.index("drift_fraction")
COOLING_TOWER_RANGE_C = COOLING_CONSTANTS.index("tower_range_c")
COOLING_TOWER_FAN_KW_PER_KW = COOLING_CONSTANTS.index("tower_fan_kw_per_kw")
COOLING_DRY_COOLER_APPROACH_C = COOLING_CONSTANTS.index("dry_cooler_approach_c")
COOLING_ADIABATIC_EFFECTIVENESS = COOLING_CONSTANTS.index("adiabatic_effectiveness")
COOLING_DRY_COOLER_AIR_DELTA_T_C = COOLING_CONSTANTS.index("dry_cooler_air_delta_t_c")
COOLING_DRY_COOLER_FAN_KW_PER_KW = COOLING_CONSTANTS.index("dry_cooler_fan_kw_per_kw")
COOLING_LIQUID_SUPPLY_C = COOLING_CONSTANTS.index("liquid_supply_c")
COOLING_LIQUID_DELTA_T_C = COOLING_CONSTANTS.index("liquid_delta_t_c")
COOLING_LIQUID_FRACTION = COOLING_CONSTANTS.index("liquid_fraction")
COOLING_CDU_PUMP_KW_PER_KW = COOLING_CONSTANTS.index("cdu_pump_kw_per_kw")
COOLING_AIR_CHILLER_RATED_COP = COOLING_CONSTANTS.index("air_chiller_rated_cop")
COOLING_WATER_CHILLER_RATED_COP = COOLING_CONSTANTS.index("water_chiller_rated_cop")
COOLING_ELECTRICAL_LOSS = COOLING_CONSTANTS.index("electrical_loss")
COOLING_FAN_KW_PER_KW = COOLING_CONSTANTS.index("fan_kw_per_kw")
COOLING_PUMP_KW_PER_KW = COOLING_CONSTANTS.index("pump_kw_per_kw")
COOLING_MISC_KW_PER_KW = COOLING_CONSTANTS.index("misc_kw_per_kw")
COOLING_WATER_PRICE_USD_PER_M3 = COOLING_CONSTANTS.index("water_price_usd_per_m3")


def pack_cooling_constants(**values) -> np.ndarray:
    """The ``constants`` argument of :func:`pue_and_water`: each name of :data:`COOLING_CONSTANTS`
    given exactly once, as float64 in that order (``TypeError`` for a missing or unknown name)."""
    return pack_constants("pue_and_water", COOLING_CONSTANTS, values)


@scalar
def tower_makeup_fraction(evaporation_per_k, range_c, cycles_of_concentration, drift_fraction):
    """Cooling-tower make-up as a share of the circulating flow [-]: evaporation
    ``evaporation_per_k`` x range [K], blowdown E / (COC - 1) with the drift counted inside it."""
    evaporation = evaporation_per_k * range_c
    blowdown = evaporation / (cycles_of_concentration - 1.0)
    return evaporation + (blowdown if blowdown > drift_fraction else drift_fraction)


@scalar
def tower_makeup_l_per_mwh(heat_rejected, cycles_of_concentration, drift_fraction, range_c):
    """Cooling-tower make-up water [L per MWh of IT] for ``heat_rejected`` [per unit IT] (module
    docstring): the circulating flow carries the heat over the range, 3.6e6 / (c_p range) kg per MWh."""
    flow_kg_per_mwh = 3.6e6 * heat_rejected / (WATER_HEAT_CAPACITY_KJ_PER_KG_K * range_c)
    return flow_kg_per_mwh * tower_makeup_fraction(TOWER_EVAPORATION_PER_K, range_c, cycles_of_concentration,
                                                   drift_fraction)


@scalar
def chilled_water_loop_hour(heat, t_c, t_wb_c, supply_c, delta_t_c, closed_loop, constants):
    """One hour of a water loop carrying ``heat`` [per unit IT] at supply / return
    ``supply_c`` / ``supply_c + delta_t_c`` [degC], rejected by open towers with a waterside
    economizer (``closed_loop`` 0) or by dry coolers with adiabatic assist (1); the plant's
    numbers from the packed ``constants`` (:data:`COOLING_CONSTANTS`).
    Returns (power [per unit IT], water [L/MWh_IT], compressor share of the heat [-])."""
    tower_approach_c = constants[COOLING_TOWER_APPROACH_C]
    hx_approach_c = constants[COOLING_HX_APPROACH_C]
    cycles_of_concentration = constants[COOLING_CYCLES_OF_CONCENTRATION]
    drift_fraction = constants[COOLING_DRIFT_FRACTION]
    tower_range_c = constants[COOLING_TOWER_RANGE_C]
    tower_fan_kw_per_kw = constants[COOLING_TOWER_FAN_KW_PER_KW]
    dry_cooler_approach_c = constants[COOLING_DRY_COOLER_APPROACH_C]
    adiabatic_effectiveness = constants[COOLING_ADIABATIC_EFFECTIVENESS]
    dry_cooler_air_delta_t_c = constants[COOLING_DRY_COOLER_AIR_DELTA_T_C]
    dry_cooler_fan_kw_per_kw = constants[COOLING_DRY_COOLER_FAN_KW_PER_KW]
    pump_kw_per_kw = constants[COOLING_PUMP_KW_PER_KW]
    air_chiller_rated_cop = constants[COOLING_AIR_CHILLER_RATED_COP]
    water_chiller_rated_cop = constants[COOLING_WATER_CHILLER_RATED_COP]
    ret = supply_c + delta_t_c
    if closed_loop == 0:
        t_cw = t_wb_c + tower_approach_c
        free = clamp((ret - (t_cw + hx_approach_c)) / delta_t_c, 0.0, 1.0)
        chiller = (1.0 - free) * heat
        work = chiller / water_cooled_chiller_cop(water_chiller_rated_cop, supply_c, t_cw) if chiller > 0.0 else 0.0
        rejected = heat + work
        power = pump_kw_per_kw * heat + work + tower_fan_kw_per_kw * rejected
        water = tower_makeup_l_per_mwh(rejected, cycles_of_concentration, drift_fraction, tower_range_c)
        return power, water, 1.0 - free
    # dry coolers: water leaves them at the entering air temperature + approach
    power = pump_kw_per_kw * heat + dry_cooler_fan_kw_per_kw * heat
    if t_c + dry_cooler_approach_c <= supply_c:
        return power, 0.0, 0.0
    needed_air_c = supply_c - dry_cooler_approach_c
    precooled_c = t_c - adiabatic_effectiveness * (t_c - t_wb_c)
    if precooled_c <= needed_air_c:  # spray only as much as needed
        water = heat * LATENT_HEAT_L_PER_MWH * (t_c - needed_air_c) / dry_cooler_air_delta_t_c
        return power, water, 0.0
    free = clamp((ret - (precooled_c + dry_cooler_approach_c)) / delta_t_c, 0.0, 1.0)
    chiller = (1.0 - free) * heat
    work = chiller / air_cooled_chiller_cop(air_chiller_rated_cop, supply_c, precooled_c)
    water = (heat + work) * LATENT_HEAT_L_PER_MWH * (t_c - precooled_c) / dry_cooler_air_delta_t_c
    return power + work, water, 1.0 - free


@scalar
def air_economizer_hour(t_c, vapour_pressure_kpa, t_wb_c, constants):
    """One hour of an air-side economizer hall with direct evaporative assist and an air-cooled
    trim chiller, per unit IT heat (fans counted by the caller); the plant's numbers from the
    packed ``constants`` (:data:`COOLING_CONSTANTS`).
    Returns (power [per unit IT], water [L/MWh_IT], compressor share [-])."""
    supply_max_c = constants[COOLING_SUPPLY_MAX_C]
    max_dew_point_c = constants[COOLING_MAX_DEW_POINT_C]
    air_approach_c = constants[COOLING_AIR_APPROACH_C]
    evap_effectiveness = constants[COOLING_EVAP_EFFECTIVENESS]
    it_delta_t_c = constants[COOLING_IT_DELTA_T_C]
    evap_pump_kw_per_kw = constants[COOLING_EVAP_PUMP_KW_PER_KW]
    chilled_water_c = constants[COOLING_CHILLED_WATER_C]
    pump_kw_per_kw = constants[COOLING_PUMP_KW_PER_KW]
    air_chiller_rated_cop = constants[COOLING_AIR_CHILLER_RATED_COP]
    target = supply_max_c - air_approach_c
    dry_enough = dew_point_c(vapour_pressure_kpa) <= max_dew_point_c
    if t_c <= target and dry_enough:
        return 0.0, 0.0, 0.0
    cop = air_cooled_chiller_cop(air_chiller_rated_cop, chilled_water_c, t_c)
    if not dry_enough:  # too humid for outside air: recirculate on the chiller
        return pump_kw_per_kw + 1.0 / cop, 0.0, 1.0
    # evaporate as far as the media reach, and no further than the dew-point limit allows
    reachable = t_c - evap_effectiveness * (t_c - t_wb_c)
    e_limit = saturation_vapour_pressure_kpa(max_dew_point_c)
    dew_bound = t_c - (e_limit - vapour_pressure_kpa) / PSYCHROMETRIC_CONSTANT_KPA_PER_K
    after = max(reachable, dew_bound, target)
    if after <= target:  # evaporative assist alone reaches the supply target
        return evap_pump_kw_per_kw, LATENT_HEAT_L_PER_MWH * (t_c - target) / it_delta_t_c, 0.0
    if after >= target + it_delta_t_c:  # warmer than the return air even after evaporation
        return pump_kw_per_kw + 1.0 / cop, 0.0, 1.0
    # evaporatively pre-cooled outside air, the chiller trimming the rest to the target
    share = (after - target) / it_delta_t_c
    water = LATENT_HEAT_L_PER_MWH * (t_c - after) / it_delta_t_c
    return evap_pump_kw_per_kw + pump_kw_per_kw + share / cop, water, share


@scalar
def plant_hour(kind, air, liquid, t, e, twb, constants):
    """One hour of plant ``kind`` for ``air`` / ``liquid`` shares of the IT heat: (cooling power
    [per unit IT] with fans and pumps, water [L/MWh_IT], compressor share [-])."""
    chilled_water_c = constants[COOLING_CHILLED_WATER_C]
    chilled_water_delta_t_c = constants[COOLING_CHILLED_WATER_DELTA_T_C]
    liquid_supply_c = constants[COOLING_LIQUID_SUPPLY_C]
    liquid_delta_t_c = constants[COOLING_LIQUID_DELTA_T_C]
    cdu_pump_kw_per_kw = constants[COOLING_CDU_PUMP_KW_PER_KW]
    fan_kw_per_kw = constants[COOLING_FAN_KW_PER_KW]
    p = fan_kw_per_kw * air + cdu_pump_kw_per_kw * liquid
    if kind == AIR_ECONOMIZER:
        q, w, c = air_economizer_hour(t, e, twb, constants)
    else:
        q, w, c = chilled_water_loop_hour(air, t, twb, chilled_water_c, chilled_water_delta_t_c,
                                          0 if kind == CHILLER_TOWER else 1, constants)
        c = c * air
    if liquid > 0.0:
        ql, wl, cl = chilled_water_loop_hour(liquid, t, twb, liquid_supply_c, liquid_delta_t_c, 1, constants)
        q += ql
        w += wl
        c += cl * liquid
    return p + q, w, c


@scalar
def cooling_site(i, t_mean_c, rh_pct, dtr_c, plant, water_stress, price_usd_per_mwh, constants,
                 out_pue, out_water_l_per_mwh_it, out_economizer_fraction, out_plant):
    """Element ``i`` of :func:`pue_and_water`."""
    liquid_fraction = constants[COOLING_LIQUID_FRACTION]
    electrical_loss = constants[COOLING_ELECTRICAL_LOSS]
    misc_kw_per_kw = constants[COOLING_MISC_KW_PER_KW]
    water_price = constants[COOLING_WATER_PRICE_USD_PER_M3]
    kind = plant[i]
    choose = kind < 0
    if choose and water_stress[i] >= HIGH_WATER_STRESS:
        kind = DRY_COOLER
        choose = False
    liquid = liquid_fraction if kind == LIQUID else 0.0
    air = 1.0 - liquid
    total_h = 0.0
    # the plant's (or, choosing, each of the three candidates') sums over the hours
    power0 = water0 = compressor0 = 0.0
    power1 = water1 = compressor1 = 0.0
    power2 = water2 = compressor2 = 0.0
    for m in range(12):
        days = DAYS_IN_MONTH[m]
        e = rh_pct[i, m] / 100.0 * saturation_vapour_pressure_kpa(t_mean_c[i, m])
        for h in range(24):
            t = t_mean_c[i, m] + 0.5 * dtr_c[i, m] * math.cos(2.0 * math.pi * (h - 15.0) / 24.0)
            twb = wet_bulb_c(t, relative_humidity_at_pct(e, t))
            total_h += days
            if choose:
                q, w, c = plant_hour(AIR_ECONOMIZER, 1.0, 0.0, t, e, twb, constants)
                power0 += days * q
                water0 += days * w
                compressor0 += days * c
                q, w, c = plant_hour(CHILLER_TOWER, 1.0, 0.0, t, e, twb, constants)
                power1 += days * q
                water1 += days * w
                compressor1 += days * c
                q, w, c = plant_hour(DRY_COOLER, 1.0, 0.0, t, e, twb, constants)
                power2 += days * q
                water2 += days * w
                compressor2 += days * c
            else:
                q, w, c = plant_hour(kind, air, liquid, t, e, twb, constants)
                power0 += days * q
                water0 += days * w
                compressor0 += days * c
    if choose:
        base = 1.0 + electrical_loss + misc_kw_per_kw
        price = price_usd_per_mwh[i]
        cost0 = (base + power0 / total_h) * price + water_price * water0 / total_h / 1000.0
        cost1 = (base + power1 / total_h) * price + water_price * water1 / total_h / 1000.0
        cost2 = (base + power2 / total_h) * price + water_price * water2 / total_h / 1000.0
        kind = AIR_ECONOMIZER
        if cost1 < cost0 and cost1 <= cost2:
            kind = CHILLER_TOWER
            power0, water0, compressor0 = power1, water1, compressor1
        elif cost2 < cost0 and cost2 < cost1:
            kind = DRY_COOLER
            power0, water0, compressor0 = power2, water2, compressor2
    out_pue[i] = 1.0 + electrical_loss + misc_kw_per_kw + power0 / total_h
    out_water_l_per_mwh_it[i] = water0 / total_h
    out_economizer_fraction[i] = 1.0 - compressor0 / total_h
    out_plant[i] = kind


@njit(parallel=True, cache=True)
def pue_and_water(t_mean_c, rh_pct, dtr_c, plant, water_stress, price_usd_per_mwh, constants,
                  out_pue, out_water_l_per_mwh_it, out_economizer_fraction, out_plant):
    """Annual PUE [-], site water [L per MWh of IT energy], share of heat removed without
    compressors [-] and the plant used (0-3) for sites with monthly climate rows (``t_mean_c``
    [degC], ``rh_pct`` [%], ``dtr_c`` [degC]: shape (n_sites, 12)); ``plant`` [-] per site (-1:
    the default, module docstring), ``water_stress`` the WRI Aqueduct category [0-5],
    ``price_usd_per_mwh`` the site's power price [USD/MWh] (choosing the default plant);
    ``constants`` the plant and operator numbers and the water price [USD/m^3] of
    :data:`COOLING_CONSTANTS` (:func:`pack_cooling_constants`)."""
    for i in prange(out_pue.size):
        cooling_site(i, t_mean_c, rh_pct, dtr_c, plant, water_stress, price_usd_per_mwh, constants,
                     out_pue, out_water_l_per_mwh_it, out_economizer_fraction, out_plant)
