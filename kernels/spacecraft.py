"""Mass, launch cost and levelized cost of orbital capacity per MW of IT.

Mass per MW = arrays + radiators + batteries + compute, plus structure and bus
as a fraction of those; launch cost = mass x USD/kg; spacecraft cost = non-IT
mass (arrays excepted when priced per W) x USD/kg + array W x USD/W. The life
is the design life, shortened by drag below 500 km and by the compute's dose
tolerance over the dose rate. A shell without storage delivers only its sunlit
share (its capacity factor), and tenants use ``it_load_factor`` of what it
delivers, as on the ground. Levelized with the same formula as ground sites
(:func:`placement.kernels.cost.levelized_cost_usd_per_mwh_it`): no energy bill,
no grid carbon, capital recovered over the life, per IT MWh delivered.

The spacecraft, launch and cost numbers, the same for every shell of a call, reach the kernel
packed in one float64 array ``constants`` (:data:`SHELL_CONSTANTS`, :func:`pack_shell_constants`).
"""
import math

import numpy as np
from numba import njit, prange
from placement.kernels.cost import HOURS_PER_YEAR, capital_recovery_factor
from placement.kernels.power import (
    SOLAR_CONSTANT_W_M2,
    array_area_m2_per_mw,
    battery_kwh_per_mw,
    depth_of_discharge_for_cycles,
)
from placement.kernels.radiators import radiator_area_m2_per_mw
from placement.kernels.targets import pack_constants, scalar

#: Names of the per-call constants of :func:`shell_economics`, in their order in its packed
#: ``constants`` array (:func:`pack_shell_constants`). A new one is appended here and read in the
#: kernel through its index ``SHELL_<NAME>`` below.
SHELL_CONSTANTS = (
    "has_battery", "bus_overhead", "battery_round_trip_efficiency", "cell_efficiency", "packing_factor",
    "pointing_factor", "degradation_base_per_yr", "degradation_belt_per_yr", "depth_of_discharge",
    "cycle_life_ref", "cycle_life_ref_dod", "cycle_life_exponent", "max_depth_of_discharge",
    "discharge_efficiency", "radiator_temp_c", "radiator_emissivity", "radiator_solar_absorptivity",
    "array_kg_per_m2", "array_cost_usd_per_w", "radiator_kg_per_m2", "battery_wh_per_kg", "compute_kg_per_kw",
    "structure_fraction", "spacecraft_cost_usd_per_kg", "launch_usd_per_kg", "geo_launch_factor",
    "compute_tid_limit_krad", "discount_rate", "opex_fraction_per_yr", "it_capex_usd_per_mw", "it_load_factor",
)
SHELL_HAS_BATTERY = SHELL_CONSTANTS.index("has_battery")
SHELL_BUS_OVERHEAD = SHELL_CONSTANTS.index("bus_overhead")
SHELL_BATTERY_ROUND_TRIP_EFFICIENCY = SHELL_CONSTANTS.index("battery_round_trip_efficiency")
SHELL_CELL_EFFICIENCY = SHELL_CONSTANTS.index("cell_efficiency")
SHELL_PACKING_FACTOR = SHELL_CONSTANTS.index("packing_factor")
SHELL_POINTING_FACTOR = SHELL_CONSTANTS.index("pointing_factor")
SHELL_DEGRADATION_BASE_PER_YR = SHELL_CONSTANTS.index("degradation_base_per_yr")
SHELL_DEGRADATION_BELT_PER_YR = SHELL_CONSTANTS.index("degradation_belt_per_yr")
SHELL_DEPTH_OF_DISCHARGE = SHELL_CONSTANTS.index("depth_of_discharge")
SHELL_CYCLE_LIFE_REF = SHELL_CONSTANTS.index("cycle_life_ref")
SHELL_CYCLE_LIFE_REF_DOD = SHELL_CONSTANTS.index("cycle_life_ref_dod")
SHELL_CYCLE_LIFE_EXPONENT = SHELL_CONSTANTS.index("cycle_life_exponent")
SHELL_MAX_DEPTH_OF_DISCHARGE = SHELL_CONSTANTS.index("max_depth_of_discharge")
SHELL_DISCHARGE_EFFICIENCY = SHELL_CONSTANTS.index("discharge_efficiency")
SHELL_RADIATOR_TEMP_C = SHELL_CONSTANTS.index("radiator_temp_c")
SHELL_RADIATOR_EMISSIVITY = SHELL_CONSTANTS.index("radiator_emissivity")
SHELL_RADIATOR_SOLAR_ABSORPTIVITY = SHELL_CONSTANTS.index("radiator_solar_absorptivity")
SHELL_ARRAY_KG_PER_M2 = SHELL_CONSTANTS.index("array_kg_per_m2")
SHELL_ARRAY_COST_USD_PER_W = SHELL_CONSTANTS.index("array_cost_usd_per_w")
SHELL_RADIATOR_KG_PER_M2 = SHELL_CONSTANTS.index("radiator_kg_per_m2")
SHELL_BATTERY_WH_PER_KG = SHELL_CONSTANTS.index("battery_wh_per_kg")
SHELL_COMPUTE_KG_PER_KW = SHELL_CONSTANTS.index("compute_kg_per_kw")
SHELL_STRUCTURE_FRACTION = SHELL_CONSTANTS.index("structure_fraction")
SHELL_SPACECRAFT_COST_USD_PER_KG = SHELL_CONSTANTS.index("spacecraft_cost_usd_per_kg")
SHELL_LAUNCH_USD_PER_KG = SHELL_CONSTANTS.index("launch_usd_per_kg")
SHELL_GEO_LAUNCH_FACTOR = SHELL_CONSTANTS.index("geo_launch_factor")
SHELL_COMPUTE_TID_LIMIT_KRAD = SHELL_CONSTANTS.index("compute_tid_limit_krad")
SHELL_DISCOUNT_RATE = SHELL_CONSTANTS.index("discount_rate")
SHELL_OPEX_FRACTION_PER_YR = SHELL_CONSTANTS.index("opex_fraction_per_yr")
SHELL_IT_CAPEX_USD_PER_MW = SHELL_CONSTANTS.index("it_capex_usd_per_mw")
SHELL_IT_LOAD_FACTOR = SHELL_CONSTANTS.index("it_load_factor")


def pack_shell_constants(**values) -> np.ndarray:
    """The ``constants`` argument of :func:`shell_economics`: each name of :data:`SHELL_CONSTANTS`
    given exactly once, as float64 in that order (``TypeError`` for a missing or unknown name)."""
    return pack_constants("shell_economics", SHELL_CONSTANTS, values)


@scalar
def effective_life_yr(design_life_yr, altitude_km):
    """Design life [yr], shortened below 500 km where drag make-up limits it (assumption:
    linear from zero at 150 km to the full design life at 500 km)."""
    if altitude_km >= 500.0:
        return design_life_yr
    f = (altitude_km - 150.0) / 350.0
    if f < 0.05:
        f = 0.05
    return design_life_yr * f


@scalar
def array_degradation_per_yr(base_per_yr, belt_per_yr, altitude_km):
    """Solar-cell degradation [1/yr]: a base rate, plus a trapped-radiation rate inside the
    Van Allen belts (1,000-20,000 km; assumption: about 3x the LEO rate)."""
    if 1000.0 < altitude_km < 20000.0:
        return base_per_yr + belt_per_yr
    return base_per_yr


@scalar
def launch_cost_factor(altitude_km, geo_launch_factor):
    """Launch price per kg relative to LEO [-]: 1 up to 2,000 km, rising linearly to
    ``geo_launch_factor`` at geostationary altitude (more energy per kg delivered)."""
    f = (altitude_km - 2000.0) / (35786.0 - 2000.0)
    if f < 0.0:
        f = 0.0
    elif f > 1.0:
        f = 1.0
    return 1.0 + (geo_launch_factor - 1.0) * f


@scalar
def dose_limited_life_yr(design_life_yr, dose_krad_per_yr, tid_limit_krad):
    """Years until the compute reaches its total-dose limit, or the design life if sooner [yr]."""
    if dose_krad_per_yr <= 0.0:
        return design_life_yr
    life = tid_limit_krad / dose_krad_per_yr
    if life < design_life_yr:
        return life
    return design_life_yr


@scalar
def shell_economics_row(i, altitude_km, design_life_yr, dose_krad_per_yr, worst_orbit_eclipse_fraction,
                        max_eclipse_s, eclipse_cycles_per_yr, mean_eclipse_fraction, beta_abs_mean_deg,
                        constants,
                        out_array_m2_per_mw, out_radiator_m2_per_mw, out_battery_kwh_per_mw,
                        out_depth_of_discharge, out_mass_t_per_mw, out_launch_cost_usd_per_mw, out_capex_usd_per_mw,
                        out_life_yr, out_capacity_factor, out_launch_usd_per_mwh_it, out_hardware_usd_per_mwh_it,
                        out_lcoe_usd_per_mwh_it):
    """Element ``i`` (one shell) of :func:`shell_economics`."""
    has_battery = constants[SHELL_HAS_BATTERY]
    bus_overhead = constants[SHELL_BUS_OVERHEAD]
    battery_round_trip_efficiency = constants[SHELL_BATTERY_ROUND_TRIP_EFFICIENCY]
    cell_efficiency = constants[SHELL_CELL_EFFICIENCY]
    packing_factor = constants[SHELL_PACKING_FACTOR]
    pointing_factor = constants[SHELL_POINTING_FACTOR]
    degradation_base_per_yr = constants[SHELL_DEGRADATION_BASE_PER_YR]
    degradation_belt_per_yr = constants[SHELL_DEGRADATION_BELT_PER_YR]
    depth_of_discharge = constants[SHELL_DEPTH_OF_DISCHARGE]
    cycle_life_ref = constants[SHELL_CYCLE_LIFE_REF]
    cycle_life_ref_dod = constants[SHELL_CYCLE_LIFE_REF_DOD]
    cycle_life_exponent = constants[SHELL_CYCLE_LIFE_EXPONENT]
    max_depth_of_discharge = constants[SHELL_MAX_DEPTH_OF_DISCHARGE]
    discharge_efficiency = constants[SHELL_DISCHARGE_EFFICIENCY]
    radiator_temp_c = constants[SHELL_RADIATOR_TEMP_C]
    radiator_emissivity = constants[SHELL_RADIATOR_EMISSIVITY]
    radiator_solar_absorptivity = constants[SHELL_RADIATOR_SOLAR_ABSORPTIVITY]
    array_kg_per_m2 = constants[SHELL_ARRAY_KG_PER_M2]
    array_cost_usd_per_w = constants[SHELL_ARRAY_COST_USD_PER_W]
    radiator_kg_per_m2 = constants[SHELL_RADIATOR_KG_PER_M2]
    battery_wh_per_kg = constants[SHELL_BATTERY_WH_PER_KG]
    compute_kg_per_kw = constants[SHELL_COMPUTE_KG_PER_KW]
    structure_fraction = constants[SHELL_STRUCTURE_FRACTION]
    spacecraft_cost_usd_per_kg = constants[SHELL_SPACECRAFT_COST_USD_PER_KG]
    launch_usd_per_kg = constants[SHELL_LAUNCH_USD_PER_KG]
    geo_launch_factor = constants[SHELL_GEO_LAUNCH_FACTOR]
    compute_tid_limit_krad = constants[SHELL_COMPUTE_TID_LIMIT_KRAD]
    discount_rate = constants[SHELL_DISCOUNT_RATE]
    opex_fraction_per_yr = constants[SHELL_OPEX_FRACTION_PER_YR]
    it_capex_usd_per_mw = constants[SHELL_IT_CAPEX_USD_PER_MW]
    it_load_factor = constants[SHELL_IT_LOAD_FACTOR]
    h = altitude_km[i]
    life = dose_limited_life_yr(effective_life_yr(design_life_yr[i], h), dose_krad_per_yr[i],
                                compute_tid_limit_krad)
    degr = array_degradation_per_yr(degradation_base_per_yr, degradation_belt_per_yr, h)
    # with storage the array also charges the battery for the worst orbit's eclipse; without, it
    # only runs the load while sunlit
    stored_fraction = worst_orbit_eclipse_fraction[i] if has_battery != 0 else 0.0
    array = array_area_m2_per_mw(stored_fraction, bus_overhead, battery_round_trip_efficiency, cell_efficiency,
                                 packing_factor, pointing_factor, degr, life)
    if has_battery != 0:
        dod = depth_of_discharge
        if dod <= 0.0:
            dod = depth_of_discharge_for_cycles(eclipse_cycles_per_yr[i] * life, cycle_life_ref, cycle_life_ref_dod,
                                                cycle_life_exponent, max_depth_of_discharge)
        battery = battery_kwh_per_mw(max_eclipse_s[i], bus_overhead, dod, discharge_efficiency)
        capacity_factor = 1.0
    else:
        dod = 0.0
        battery = 0.0
        capacity_factor = 1.0 - mean_eclipse_fraction[i]
        if capacity_factor < 0.01:
            capacity_factor = 0.01
    radiator = radiator_area_m2_per_mw(radiator_temp_c, radiator_emissivity, radiator_solar_absorptivity,
                                       h, beta_abs_mean_deg[i], bus_overhead)
    array_kg = array * array_kg_per_m2
    battery_kg = battery * 1000.0 / battery_wh_per_kg
    non_it_kg = (array_kg + radiator * radiator_kg_per_m2 + battery_kg) * (1.0 + structure_fraction)
    total_kg = non_it_kg + compute_kg_per_kw * 1000.0
    launch = total_kg * launch_usd_per_kg * launch_cost_factor(h, geo_launch_factor)
    array_w = array * SOLAR_CONSTANT_W_M2 * cell_efficiency * packing_factor  # beginning of life
    if array_cost_usd_per_w > 0.0:  # arrays priced per W, the rest of the spacecraft per kg
        hardware = (non_it_kg - array_kg) * spacecraft_cost_usd_per_kg + array_w * array_cost_usd_per_w
    else:
        hardware = non_it_kg * spacecraft_cost_usd_per_kg
    capex = launch + hardware
    crf = capital_recovery_factor(discount_rate, life)
    mwh_per_mw_yr = HOURS_PER_YEAR * capacity_factor * it_load_factor  # as on the ground
    out_array_m2_per_mw[i] = array
    out_radiator_m2_per_mw[i] = radiator
    out_battery_kwh_per_mw[i] = battery
    out_depth_of_discharge[i] = dod
    out_mass_t_per_mw[i] = total_kg / 1000.0
    out_launch_cost_usd_per_mw[i] = launch
    out_capex_usd_per_mw[i] = capex
    out_life_yr[i] = life
    out_capacity_factor[i] = capacity_factor
    if math.isinf(capex):
        out_launch_usd_per_mwh_it[i] = math.inf
        out_hardware_usd_per_mwh_it[i] = math.inf
        out_lcoe_usd_per_mwh_it[i] = math.inf
    else:
        # capital recovered over the life plus operations, per IT MWh delivered
        launch_part = launch * (crf + opex_fraction_per_yr) / mwh_per_mw_yr
        hardware_part = (hardware * (crf + opex_fraction_per_yr) + it_capex_usd_per_mw * crf) / mwh_per_mw_yr
        out_launch_usd_per_mwh_it[i] = launch_part
        out_hardware_usd_per_mwh_it[i] = hardware_part
        out_lcoe_usd_per_mwh_it[i] = launch_part + hardware_part


@njit(parallel=True, cache=True)
def shell_economics(altitude_km, design_life_yr, dose_krad_per_yr, worst_orbit_eclipse_fraction,
                    max_eclipse_s, eclipse_cycles_per_yr, mean_eclipse_fraction, beta_abs_mean_deg,
                    constants,
                    out_array_m2_per_mw, out_radiator_m2_per_mw, out_battery_kwh_per_mw,
                    out_depth_of_discharge, out_mass_t_per_mw, out_launch_cost_usd_per_mw, out_capex_usd_per_mw,
                    out_life_yr, out_capacity_factor, out_launch_usd_per_mwh_it, out_hardware_usd_per_mwh_it,
                    out_lcoe_usd_per_mwh_it):
    """Per shell: array [m^2/MW], radiator [m^2/MW], battery [kWh/MW] and its depth of discharge
    [-], mass [t/MW], launch cost [USD/MW], capex [USD/MW], life [yr], capacity factor [-], and
    the levelized cost [USD/MWh_IT] with its launch and hardware parts.

    Per-shell inputs: altitude [km], design life [yr], dose [krad/yr], the worst orbit's shadowed
    share [-], the longest shadow pass [s], shadow passes per year, the mean shadowed share [-]
    and mean |beta| [deg] over the design span. ``constants``: the spacecraft, launch and cost
    numbers of :data:`SHELL_CONSTANTS` (:func:`pack_shell_constants`); in it ``depth_of_discharge``
    <= 0 takes it from the cycle-life curve, ``has_battery`` 0 sizes a shell without storage and
    ``it_load_factor`` is the share of the IT capacity in use, as for ground sites.
    """
    for i in prange(altitude_km.size):
        shell_economics_row(i, altitude_km, design_life_yr, dose_krad_per_yr, worst_orbit_eclipse_fraction,
                            max_eclipse_s, eclipse_cycles_per_yr, mean_eclipse_fraction, beta_abs_mean_deg,
                            constants,
                            out_array_m2_per_mw, out_radiator_m2_per_mw, out_battery_kwh_per_mw,
                            out_depth_of_discharge, out_mass_t_per_mw, out_launch_cost_usd_per_mw,
                            out_capex_usd_per_mw, out_life_yr, out_capacity_factor, out_launch_usd_per_mwh_it,
                            out_hardware_usd_per_mwh_it, out_lcoe_usd_per_mwh_it)
