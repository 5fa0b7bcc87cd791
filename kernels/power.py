"""Power supply per MW of IT load: solar arrays and batteries in orbit.

Solar array: the array must carry the IT load and the bus while sunlit and
recharge the batteries for the shadowed share f of each orbit:

    P_array = P_IT (1 + bus) [1 + f / ((1 - f) eta_rt)]
    area    = P_array / (S0 eta_cell packing pointing (1 - d)^life)

with S0 = 1361 W/m^2 (total solar irradiance, Kopp & Lean 2011, GRL 38:L01706).
with f the shadowed share of the worst orbit (so the battery is full again before the
next pass) and no recharge term for a shell without storage.
Battery: energy for the longest shadow pass at the load, over the usable depth
of discharge and the discharge efficiency. The depth of discharge comes from a
cycle-life curve N(DoD) = N_ref (DoD / DoD_ref)^-k (a Woehler-type power law, the
form Battery University's BU-808 table follows): the deepest discharge whose
cycle life still covers the shell's eclipses over its life.
"""
from placement.kernels.targets import scalar

from placement.constants import SOLAR_CONSTANT_W_M2  # noqa: F401


@scalar
def array_area_m2_per_mw(eclipse_fraction, bus_overhead, battery_round_trip_efficiency, cell_efficiency,
                         packing_factor, pointing_factor, degradation_per_yr, life_yr):
    """Solar array area [m^2 per MW of IT] at end of life."""
    f = eclipse_fraction
    if f > 0.95:
        f = 0.95
    p_array_w = 1.0e6 * (1.0 + bus_overhead) * (1.0 + f / ((1.0 - f) * battery_round_trip_efficiency))
    eol = (1.0 - degradation_per_yr) ** life_yr
    return p_array_w / (SOLAR_CONSTANT_W_M2 * cell_efficiency * packing_factor * pointing_factor * eol)


@scalar
def battery_kwh_per_mw(max_eclipse_s, bus_overhead, depth_of_discharge, discharge_efficiency):
    """Installed battery capacity [kWh per MW of IT] for the longest shadow pass."""
    return 1000.0 * (1.0 + bus_overhead) * (max_eclipse_s / 3600.0) / (depth_of_discharge * discharge_efficiency)


@scalar
def depth_of_discharge_for_cycles(cycles, cycle_life_ref, cycle_life_ref_dod, cycle_life_exponent,
                                  max_depth_of_discharge):
    """Deepest depth of discharge [-] whose cycle life N_ref (DoD / DoD_ref)^-k covers ``cycles``
    [-], capped at ``max_depth_of_discharge`` (also when there are no cycles)."""
    if cycles <= 0.0:
        return max_depth_of_discharge
    dod = cycle_life_ref_dod * (cycle_life_ref / cycles) ** (1.0 / cycle_life_exponent)
    if dod > max_depth_of_discharge:
        return max_depth_of_discharge
    return dod
