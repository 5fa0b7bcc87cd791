"""Energy cost, carbon and levelized cost per MWh of IT energy (ground and orbit).

Levelized cost [USD/MWh_IT] = energy cost + (capex * CRF + fixed opex) /
(8760 h * availability) + carbon price * carbon, with the capital recovery
factor CRF = r (1 + r)^n / ((1 + r)^n - 1) (e.g. Short, Packey & Holt 1995,
"A Manual for the Economic Evaluation of Energy Efficiency and Renewable Energy
Technologies", NREL/TP-462-5173, eq. 4-4). One formula for ground and orbit.
"""
from numba import njit, prange

from placement.kernels.targets import scalar

HOURS_PER_YEAR = 8760.0


@scalar
def capital_recovery_factor(rate, years):
    """Capital recovery factor [1/yr] at discount ``rate`` [-] over ``years`` [yr]."""
    if rate == 0.0:
        return 1.0 / years
    g = (1.0 + rate) ** years
    return rate * g / (g - 1.0)


@scalar
def levelized_cost_usd_per_mwh_it(energy_usd_per_mwh_it, capex_usd_per_mw, crf,
                                  fixed_opex_usd_per_mw_yr, availability,
                                  carbon_kg_per_mwh_it, carbon_price_usd_per_t):
    """Levelized cost [USD per MWh of IT energy delivered]."""
    annual = capex_usd_per_mw * crf + fixed_opex_usd_per_mw_yr
    return (energy_usd_per_mwh_it + annual / (HOURS_PER_YEAR * availability)
            + carbon_price_usd_per_t * carbon_kg_per_mwh_it / 1000.0)


@scalar
def ground_cost_site(i, pue, price_usd_per_mwh, carbon_g_per_kwh, availability, capex_usd_per_mw,
                     crf, fixed_opex_usd_per_mw_yr, carbon_price_usd_per_t,
                     out_power_cost_usd_per_mwh_it, out_carbon_kg_per_mwh_it, out_lcoe_usd_per_mwh_it):
    """Element ``i`` of :func:`ground_cost`."""
    energy = price_usd_per_mwh[i] * pue[i]
    carbon = carbon_g_per_kwh[i] * pue[i]  # g/kWh == kg/MWh
    out_power_cost_usd_per_mwh_it[i] = energy
    out_carbon_kg_per_mwh_it[i] = carbon
    out_lcoe_usd_per_mwh_it[i] = levelized_cost_usd_per_mwh_it(
        energy, capex_usd_per_mw[i], crf, fixed_opex_usd_per_mw_yr, availability[i],
        carbon, carbon_price_usd_per_t)


@njit(parallel=True, cache=True)
def ground_cost(pue, price_usd_per_mwh, carbon_g_per_kwh, availability, capex_usd_per_mw,
                crf, fixed_opex_usd_per_mw_yr, carbon_price_usd_per_t,
                out_power_cost_usd_per_mwh_it, out_carbon_kg_per_mwh_it, out_lcoe_usd_per_mwh_it):
    """Energy cost [USD/MWh_IT] = price x PUE, carbon [kg/MWh_IT] = grid
    intensity x PUE, and levelized cost [USD/MWh_IT] for each ground site."""
    for i in prange(pue.size):
        ground_cost_site(i, pue, price_usd_per_mwh, carbon_g_per_kwh, availability, capex_usd_per_mw,
                         crf, fixed_opex_usd_per_mw_yr, carbon_price_usd_per_t,
                         out_power_cost_usd_per_mwh_it, out_carbon_kg_per_mwh_it, out_lcoe_usd_per_mwh_it)
