"""Mass, launch cost and levelized cost of orbital capacity per MW of IT.

Mass per MW = arrays + radiators + batteries + compute, plus structure and bus
as a fraction of those; launch cost = mass x USD/kg; spacecraft cost (non-IT
hardware) = non-IT mass x USD/kg. Levelized with the same formula as ground
sites (:func:`placement.kernels.cost.levelized_cost_usd_per_mwh_it`): no energy bill, no
grid carbon, capital recovered over the design life.
"""
import math

from numba import njit, prange

from placement.kernels.cost import capital_recovery_factor, levelized_cost_usd_per_mwh_it
from placement.kernels.power import array_area_m2_per_mw, battery_kwh_per_mw
from placement.kernels.radiators import radiator_area_m2_per_mw
from placement.kernels.targets import scalar


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
def shell_economics_row(i, altitude_km, design_life_yr, eclipse_fraction, max_eclipse_s, beta_abs_mean_deg,
                        bus_overhead, battery_round_trip_efficiency, cell_efficiency, packing_factor,
                        pointing_factor, degradation_base_per_yr, degradation_belt_per_yr,
                        depth_of_discharge, discharge_efficiency, radiator_temp_c, radiator_emissivity,
                        radiator_solar_absorptivity, array_kg_per_m2, radiator_kg_per_m2, battery_wh_per_kg,
                        compute_kg_per_kw, structure_fraction, spacecraft_cost_usd_per_kg,
                        launch_cost_usd_per_kg, geo_launch_factor, discount_rate, opex_fraction_per_yr,
                        carbon_price_usd_per_t, out_array_m2_per_mw, out_radiator_m2_per_mw, out_battery_kwh_per_mw, out_mass_t_per_mw,
                        out_launch_cost_usd_per_mw, out_capex_usd_per_mw, out_life_yr, out_lcoe_usd_per_mwh_it):
    """Element ``i`` (one shell) of :func:`shell_economics`."""
    h = altitude_km[i]
    life = effective_life_yr(design_life_yr[i], h)
    degr = array_degradation_per_yr(degradation_base_per_yr, degradation_belt_per_yr, h)
    array = array_area_m2_per_mw(eclipse_fraction[i], bus_overhead, battery_round_trip_efficiency,
                                 cell_efficiency, packing_factor, pointing_factor, degr, life)
    radiator = radiator_area_m2_per_mw(radiator_temp_c, radiator_emissivity, radiator_solar_absorptivity,
                                       h, beta_abs_mean_deg[i], bus_overhead)
    battery = battery_kwh_per_mw(max_eclipse_s[i], bus_overhead, depth_of_discharge, discharge_efficiency)
    non_it_kg = (array * array_kg_per_m2 + radiator * radiator_kg_per_m2 + battery * 1000.0 / battery_wh_per_kg)
    non_it_kg = non_it_kg * (1.0 + structure_fraction)
    total_kg = non_it_kg + compute_kg_per_kw * 1000.0
    launch = total_kg * launch_cost_usd_per_kg * launch_cost_factor(h, geo_launch_factor)
    capex = launch + non_it_kg * spacecraft_cost_usd_per_kg
    crf = capital_recovery_factor(discount_rate, life)
    out_array_m2_per_mw[i] = array
    out_radiator_m2_per_mw[i] = radiator
    out_battery_kwh_per_mw[i] = battery
    out_mass_t_per_mw[i] = total_kg / 1000.0
    out_launch_cost_usd_per_mw[i] = launch
    out_capex_usd_per_mw[i] = capex
    out_life_yr[i] = life
    if math.isinf(capex):
        out_lcoe_usd_per_mwh_it[i] = math.inf
    else:
        out_lcoe_usd_per_mwh_it[i] = levelized_cost_usd_per_mwh_it(
            0.0, capex, crf, opex_fraction_per_yr * capex, 1.0, 0.0, carbon_price_usd_per_t)


@njit(parallel=True, cache=True)
def shell_economics(altitude_km, design_life_yr, eclipse_fraction, max_eclipse_s, beta_abs_mean_deg,
                    bus_overhead, battery_round_trip_efficiency, cell_efficiency, packing_factor,
                    pointing_factor, degradation_base_per_yr, degradation_belt_per_yr,
                    depth_of_discharge, discharge_efficiency, radiator_temp_c, radiator_emissivity,
                    radiator_solar_absorptivity, array_kg_per_m2, radiator_kg_per_m2, battery_wh_per_kg,
                    compute_kg_per_kw, structure_fraction, spacecraft_cost_usd_per_kg,
                    launch_cost_usd_per_kg, geo_launch_factor, discount_rate, opex_fraction_per_yr,
                    carbon_price_usd_per_t, out_array_m2_per_mw, out_radiator_m2_per_mw, out_battery_kwh_per_mw, out_mass_t_per_mw,
                    out_launch_cost_usd_per_mw, out_capex_usd_per_mw, out_life_yr, out_lcoe_usd_per_mwh_it):
    """Array [m^2/MW], radiator [m^2/MW], battery [kWh/MW], mass [t/MW], launch cost
    [USD/MW], capex [USD/MW], life [yr] and levelized cost [USD/MWh_IT] per shell."""
    for i in prange(altitude_km.size):
        shell_economics_row(i, altitude_km, design_life_yr, eclipse_fraction, max_eclipse_s, beta_abs_mean_deg,
                            bus_overhead, battery_round_trip_efficiency, cell_efficiency, packing_factor,
                            pointing_factor, degradation_base_per_yr, degradation_belt_per_yr,
                            depth_of_discharge, discharge_efficiency, radiator_temp_c, radiator_emissivity,
                            radiator_solar_absorptivity, array_kg_per_m2, radiator_kg_per_m2, battery_wh_per_kg,
                            compute_kg_per_kw, structure_fraction, spacecraft_cost_usd_per_kg,
                            launch_cost_usd_per_kg, geo_launch_factor, discount_rate, opex_fraction_per_yr,
                            carbon_price_usd_per_t, out_array_m2_per_mw, out_radiator_m2_per_mw, out_battery_kwh_per_mw,
                            out_mass_t_per_mw, out_launch_cost_usd_per_mw, out_capex_usd_per_mw, out_life_yr,
                            out_lcoe_usd_per_mwh_it)
