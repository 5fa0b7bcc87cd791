"""Cooling of ground sites: PUE, site water and free-cooling share for monthly climate rows
(:func:`placement.kernels.cooling.pue_and_water`)."""
from __future__ import annotations

import numpy as np

from placement.parameters import Parameters


def cooling_of(climate, plant, water_stress, parameters: Parameters, device: str) -> dict:
    """PUE [-], site water [L/MWh_IT], share of heat removed without compressors [-] and plant code
    for monthly climate rows (:func:`placement.kernels.cooling.pue_and_water`)."""
    from placement.kernels import cooling
    from placement.kernels.targets import launch

    c = parameters.cooling
    op = c.operator()
    n = climate.t_mean_c.shape[0]
    return launch(device, cooling.pue_and_water, cooling.cooling_site, n,
                  t_mean_c=climate.t_mean_c, rh_pct=climate.rh_pct, dtr_c=climate.dtr_c, plant=plant,
                  water_stress=water_stress, supply_max_c=op.supply_max_c, max_dew_point_c=op.max_dew_point_c,
                  air_approach_c=c.air_approach_c, evap_effectiveness=c.evap_effectiveness,
                  it_delta_t_c=c.it_delta_t_c, evap_pump_kw_per_kw=c.evap_pump_kw_per_kw,
                  chilled_water_c=op.chilled_water_c, chilled_water_delta_t_c=c.chilled_water_delta_t_c,
                  tower_approach_c=c.tower_approach_c, hx_approach_c=c.hx_approach_c,
                  cycles_of_concentration=c.cycles_of_concentration, drift_fraction=c.drift_fraction,
                  tower_range_c=c.tower_range_c, tower_fan_kw_per_kw=c.tower_fan_kw_per_kw,
                  dry_cooler_approach_c=c.dry_cooler_approach_c, adiabatic_effectiveness=c.adiabatic_effectiveness,
                  dry_cooler_air_delta_t_c=c.dry_cooler_air_delta_t_c,
                  dry_cooler_fan_kw_per_kw=c.dry_cooler_fan_kw_per_kw, liquid_supply_c=c.liquid_supply_c,
                  liquid_delta_t_c=c.liquid_delta_t_c, liquid_fraction=c.liquid_fraction,
                  cdu_pump_kw_per_kw=op.cdu_pump_kw_per_kw, air_chiller_rated_cop=c.air_chiller_rated_cop,
                  water_chiller_rated_cop=c.water_chiller_rated_cop, electrical_loss=op.electrical_loss,
                  fan_kw_per_kw=op.fan_kw_per_kw, pump_kw_per_kw=op.pump_kw_per_kw, misc_kw_per_kw=op.misc_kw_per_kw,
                  out_plant=np.empty(n, dtype=np.int64))
