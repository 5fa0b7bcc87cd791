"""The levelized cost of a ground site's IT energy and its components
(:func:`placement.kernels.cost.ground_cost`)."""
from __future__ import annotations

import numpy as np

from placement.kernels import cost
from placement.kernels.targets import launch
from placement.parameters import Parameters


def ground_cost_of(a: dict, pue, water_l_per_mwh_it, supply, parameters: Parameters, device: str) -> dict:
    """Cost components and levelized cost [USD/MWh_IT], carbon [kg/MWh_IT]
    (:func:`placement.kernels.cost.ground_cost`) with the chosen supply (:mod:`placement.ground.supply`)."""

    k = parameters.cost

    def crf(years):
        return np.array([cost.capital_recovery_factor(k.discount_rate, float(y)) for y in np.atleast_1d(years)])

    plant_life_crf = cost.capital_recovery_factor(k.discount_rate, k.plant_life_yr)
    constants = cost.pack_ground_cost_constants(
        supply_crf=plant_life_crf, fixed_opex_fraction_per_yr=k.fixed_opex_fraction_per_yr,
        it_crf=cost.capital_recovery_factor(k.discount_rate, k.it_life_yr),
        water_price_usd_per_m3=k.water_price_usd_per_m3, delay_usd_per_mw_month=k.delay_usd_per_mw_month,
        delay_crf=plant_life_crf, carbon_price_usd_per_t=k.carbon_price_usd_per_t)
    return launch(device, cost.ground_cost, cost.ground_cost_site, pue.size, pue=pue,
                  price_usd_per_mwh=supply.price_usd_per_mwh, carbon_g_per_kwh=supply.carbon_g_per_kwh,
                  availability=supply.availability, it_load_factor=a["it_load_factor"],
                  building_capex_usd_per_mw=k.building_share * a["capex_usd_per_mw"],
                  building_crf=crf(a["building_life_yr"]),
                  plant_capex_usd_per_mw=(1.0 - k.building_share) * a["capex_usd_per_mw"],
                  plant_crf=crf(a["plant_life_yr"]), supply_capex_usd_per_mw=supply.capex_usd_per_mw_it,
                  it_capex_usd_per_mw=a["it_capex_usd_per_mw"], water_l_per_mwh_it=water_l_per_mwh_it,
                  delay_months=supply.delay_months, constants=constants)
