"""Energy cost, carbon and levelized cost per MWh of IT energy (ground and orbit).

Levelized cost [USD/MWh_IT] = energy + capital + carbon + water + delay (+ IT hardware):

* energy  = power price x PUE;
* capital = sum over assets of capex x CRF(rate, life) + fixed O&M, per IT MWh delivered
  in a year, 8760 h x availability x IT load factor; the assets are the building, the
  mechanical and electrical plant (their own lives) and on-site generation;
* carbon  = carbon price x grid (or on-site) intensity x PUE;
* water   = water price x site water;
* delay   = lost margin per MW-month x the megawatt-months per MW not yet online while the
  supply ramps to full power (:mod:`placement.kernels.supply`), a one-off cost levelized like capital;
* IT hardware (optional) = IT capex x CRF over its life, per IT MWh.

The capital recovery factor CRF = r (1 + r)^n / ((1 + r)^n - 1) turns a present cost into
equal yearly payments (Short, Packey & Holt 1995, "A Manual for the Economic Evaluation of
Energy Efficiency and Renewable Energy Technologies", NREL/TP-462-5173, eq. 4-4).
One formula for ground and orbit (:func:`levelized_cost_usd_per_mwh_it`).

The prices and factors the same for every site of a call reach :func:`ground_cost` packed in one
float64 array ``constants`` (:data:`GROUND_COST_CONSTANTS`, :func:`pack_ground_cost_constants`).
"""
import numpy as np
from numba import njit, prange
from placement.kernels.targets import pack_constants, scalar

from placement.constants import HOURS_PER_YEAR

#: Names of the per-call constants of :func:`ground_cost`, in their order in its packed
#: ``constants`` array (:func:`pack_ground_cost_constants`). A new one is appended here and read in
#: the kernel through its index ``GROUND_COST_<NAME>`` below.
GROUND_COST_CONSTANTS = (
    "supply_crf", "fixed_opex_fraction_per_yr", "it_crf", "water_price_usd_per_m3", "delay_usd_per_mw_month",
    "delay_crf", "carbon_price_usd_per_t",
)
GROUND_COST_SUPPLY_CRF = GROUND_COST_CONSTANTS.index("supply_crf")
GROUND_COST_FIXED_OPEX_FRACTION_PER_YR = GROUND_COST_CONSTANTS.index("fixed_opex_fraction_per_yr")
GROUND_COST_IT_CRF = GROUND_COST_CONSTANTS.index("it_crf")
GROUND_COST_WATER_PRICE_USD_PER_M3 = GROUND_COST_CONSTANTS.index("water_price_usd_per_m3")
GROUND_COST_DELAY_USD_PER_MW_MONTH = GROUND_COST_CONSTANTS.index("delay_usd_per_mw_month")
GROUND_COST_DELAY_CRF = GROUND_COST_CONSTANTS.index("delay_crf")
GROUND_COST_CARBON_PRICE_USD_PER_T = GROUND_COST_CONSTANTS.index("carbon_price_usd_per_t")


def pack_ground_cost_constants(**values) -> np.ndarray:
    """The ``constants`` argument of :func:`ground_cost`: each name of :data:`GROUND_COST_CONSTANTS`
    given exactly once, as float64 in that order (``TypeError`` for a missing or unknown name)."""
    return pack_constants("ground_cost", GROUND_COST_CONSTANTS, values)


@scalar
def capital_recovery_factor(rate, years):
    """Capital recovery factor [1/yr] at discount ``rate`` [-] over ``years`` [yr] (straight line
    1 / years in the limit of no interest, also for rates too small for (1 + r)^n - 1 in doubles)."""
    if rate < 1e-9:
        return 1.0 / years
    g = (1.0 + rate) ** years
    if g - 1.0 < 1e-12 * rate:  # a life too short for (1 + r)^n - 1 in doubles: the limit 1 / n
        return 1.0 / years
    return rate * g / (g - 1.0)


@scalar
def levelized_cost_usd_per_mwh_it(energy_usd_per_mwh_it, capex_usd_per_mw, crf,
                                  fixed_opex_usd_per_mw_yr, availability,
                                  carbon_kg_per_mwh_it, carbon_price_usd_per_t):
    """Levelized cost [USD per MWh of IT energy delivered] of one asset at full load."""
    annual = capex_usd_per_mw * crf + fixed_opex_usd_per_mw_yr
    return (energy_usd_per_mwh_it + annual / (HOURS_PER_YEAR * availability)
            + carbon_price_usd_per_t * carbon_kg_per_mwh_it / 1000.0)


@scalar
def ground_cost_site(i, pue, price_usd_per_mwh, carbon_g_per_kwh, availability, it_load_factor,
                     building_capex_usd_per_mw, building_crf, plant_capex_usd_per_mw, plant_crf,
                     supply_capex_usd_per_mw, it_capex_usd_per_mw, water_l_per_mwh_it, delay_months,
                     constants,
                     out_energy_usd_per_mwh_it, out_carbon_kg_per_mwh_it, out_capital_usd_per_mwh_it,
                     out_carbon_usd_per_mwh_it, out_water_usd_per_mwh_it, out_delay_usd_per_mwh_it,
                     out_it_capex_usd_per_mwh_it, out_lcoe_usd_per_mwh_it):
    """Element ``i`` of :func:`ground_cost`."""
    supply_crf = constants[GROUND_COST_SUPPLY_CRF]
    fixed_opex_fraction_per_yr = constants[GROUND_COST_FIXED_OPEX_FRACTION_PER_YR]
    it_crf = constants[GROUND_COST_IT_CRF]
    water_price_usd_per_m3 = constants[GROUND_COST_WATER_PRICE_USD_PER_M3]
    delay_usd_per_mw_month = constants[GROUND_COST_DELAY_USD_PER_MW_MONTH]
    delay_crf = constants[GROUND_COST_DELAY_CRF]
    carbon_price_usd_per_t = constants[GROUND_COST_CARBON_PRICE_USD_PER_T]
    mwh_per_mw_yr = HOURS_PER_YEAR * availability[i] * it_load_factor[i]
    facility = building_capex_usd_per_mw[i] + plant_capex_usd_per_mw[i]
    annual = (building_capex_usd_per_mw[i] * building_crf[i] + plant_capex_usd_per_mw[i] * plant_crf[i]
              + supply_capex_usd_per_mw[i] * supply_crf + fixed_opex_fraction_per_yr * facility)
    energy = price_usd_per_mwh[i] * pue[i]
    carbon = carbon_g_per_kwh[i] * pue[i]  # g/kWh == kg/MWh
    capital = annual / mwh_per_mw_yr
    carbon_cost = carbon_price_usd_per_t * carbon / 1000.0
    water = water_price_usd_per_m3 * water_l_per_mwh_it[i] / 1000.0
    delay = delay_usd_per_mw_month * delay_months[i] * delay_crf / mwh_per_mw_yr
    it = it_capex_usd_per_mw[i] * it_crf / mwh_per_mw_yr
    out_energy_usd_per_mwh_it[i] = energy
    out_carbon_kg_per_mwh_it[i] = carbon
    out_capital_usd_per_mwh_it[i] = capital
    out_carbon_usd_per_mwh_it[i] = carbon_cost
    out_water_usd_per_mwh_it[i] = water
    out_delay_usd_per_mwh_it[i] = delay
    out_it_capex_usd_per_mwh_it[i] = it
    out_lcoe_usd_per_mwh_it[i] = energy + capital + carbon_cost + water + delay + it


@njit(parallel=True, cache=True)
def ground_cost(pue, price_usd_per_mwh, carbon_g_per_kwh, availability, it_load_factor,
                building_capex_usd_per_mw, building_crf, plant_capex_usd_per_mw, plant_crf,
                supply_capex_usd_per_mw, it_capex_usd_per_mw, water_l_per_mwh_it, delay_months,
                constants,
                out_energy_usd_per_mwh_it, out_carbon_kg_per_mwh_it, out_capital_usd_per_mwh_it,
                out_carbon_usd_per_mwh_it, out_water_usd_per_mwh_it, out_delay_usd_per_mwh_it,
                out_it_capex_usd_per_mwh_it, out_lcoe_usd_per_mwh_it):
    """Cost components and levelized cost [USD/MWh_IT] and carbon [kg/MWh_IT] per ground site
    (module docstring). Per-site arrays: PUE [-], energy price [USD/MWh], carbon intensity of the
    supply [g/kWh], availability [-], IT load factor [-], capex [USD per MW of IT] of the building,
    the M&E plant, on-site generation and IT hardware, the building's and the plant's capital
    recovery factors [1/yr], site water [L/MWh_IT], delay [MW-months not yet online per MW]. ``constants``: the
    per-call prices and factors of :data:`GROUND_COST_CONSTANTS` (:func:`pack_ground_cost_constants`):
    capital recovery factors [1/yr] of on-site supply, IT hardware and the delay, fixed O&M
    [fraction of facility capex per yr], water price [USD/m^3], lost margin [USD per MW-month],
    carbon price [USD/t]."""
    for i in prange(pue.size):
        ground_cost_site(i, pue, price_usd_per_mwh, carbon_g_per_kwh, availability, it_load_factor,
                         building_capex_usd_per_mw, building_crf, plant_capex_usd_per_mw, plant_crf,
                         supply_capex_usd_per_mw, it_capex_usd_per_mw, water_l_per_mwh_it, delay_months,
                         constants,
                         out_energy_usd_per_mwh_it, out_carbon_kg_per_mwh_it, out_capital_usd_per_mwh_it,
                         out_carbon_usd_per_mwh_it, out_water_usd_per_mwh_it, out_delay_usd_per_mwh_it,
                         out_it_capex_usd_per_mwh_it, out_lcoe_usd_per_mwh_it)
