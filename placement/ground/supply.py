"""Power supply and time to power: which option powers each site, and what it costs.

Each site and grid cell may use the options its place's power market offers
(``catalogs/data/power_markets.csv``, :mod:`placement.ground.place`), unless a site's own row
names others (``supply_options``); the option table is ``catalogs/data/supply_options.csv``:

* ``grid`` -- the site's catalogued contract (grid tariff, or the hydro/nuclear PPA of its
  ``supply_type``): its price and zone carbon, first power when the large-load
  connection queue of its region clears;
* ``gas_turbines`` / ``gas_engines`` / ``gas_combined_cycle`` -- behind-the-meter gas plant,
  energy = gas price (by country) x heat rate + variable O&M, stack CO2 = 53.07 kg/MMBtu x
  heat rate, capex per kW of generation sized at PUE x reserve margin per MW of IT;
* ``gas_bridge`` -- Colossus-1 style: turbines and batteries give first power in months, the
  grid takes over when the queue clears; energy, carbon and water are the time-weighted mix
  over the plant life, the batteries are capital;
* ``solar_storage_ppa`` -- a PPA over the grid connection (months of the queue) serving its
  ``load_share`` of the load; the grid supplies the rest at the site's tariff.

The chosen option (``[parameters.supply] choice``): the cheapest in levelized terms (energy,
carbon, generation capital and delay, per IT MWh), the fastest to first power, or a named one
where the site offers it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placement.catalogs.markets import load_supply_options
from placement.kernels.cost import HOURS_PER_YEAR, capital_recovery_factor
from placement.parameters import Parameters

#: kg CO2 per MMBtu of natural gas burned (EIA, carbon dioxide emission coefficients, HHV).
GAS_CO2_KG_PER_MMBTU = 53.07


@dataclass(frozen=True)
class SupplyChoice:
    """Per-site arrays of the chosen supply (length n)."""
    option: np.ndarray
    time_to_power_months: np.ndarray
    price_usd_per_mwh: np.ndarray
    carbon_g_per_kwh: np.ndarray
    availability: np.ndarray
    capex_usd_per_mw_it: np.ndarray
    source_water_l_per_mwh: np.ndarray


def option_figures(a: dict, pue: np.ndarray, parameters: Parameters) -> dict:
    """Option name -> dict of per-site arrays (months, price [USD/MWh], carbon [g/kWh], availability,
    capex [USD per MW of IT], source water [L/MWh]); NaN months where a site cannot use the option."""

    options = load_supply_options()
    s = parameters.supply
    life_months = 12.0 * parameters.cost.plant_life_yr
    n = pue.size
    grid = {
        "months": option_figures_grid_months(a, parameters),
        "price": a["price_usd_per_mwh"], "carbon": a["carbon_g_per_kwh"], "availability": a["availability"],
        "capex": np.zeros(n), "water": a["source_water_l_per_mwh"],
    }
    out = {}
    for name, opt in options.items():
        offered = np.array([name in allowed for allowed in a["supply_options"]], dtype=bool)
        if opt.kind == "grid":
            fig = dict(grid)
        elif opt.kind == "ppa":  # serves load_share of the load, the grid the rest
            share = opt.load_share
            fig = dict(grid, price=share * opt.ppa_usd_per_mwh + (1 - share) * grid["price"],
                       carbon=share * opt.carbon_g_per_kwh + (1 - share) * grid["carbon"],
                       water=share * (opt.water_l_per_mwh or 0.0) + (1 - share) * grid["water"])
        else:  # gas and bridge
            gas = a["gas_price_usd_per_mmbtu"]
            offered &= np.isfinite(gas)
            price = gas * opt.heat_rate_mmbtu_per_mwh + opt.vom_usd_per_mwh
            carbon = np.full(n, GAS_CO2_KG_PER_MMBTU * opt.heat_rate_mmbtu_per_mwh)
            water = np.full(n, opt.water_l_per_mwh or 0.0)
            months = np.full(n, opt.months_to_power)
            availability = np.full(n, opt.availability) if opt.availability else a["availability"]
            if opt.kind == "bridge":
                # gas until the grid connection, then the grid, over the plant's life
                share = np.clip((grid["months"] - months) / life_months, 0.0, 1.0)
                fig = {"months": np.minimum(months, grid["months"]),
                       "price": share * price + (1 - share) * grid["price"],
                       "carbon": share * carbon + (1 - share) * grid["carbon"],
                       "water": share * water + (1 - share) * grid["water"],
                       "availability": np.maximum(availability, grid["availability"]),
                       "capex": np.full(n, opt.capex_usd_per_kw * 1000.0)}
            else:
                fig = {"months": months, "price": price, "carbon": carbon, "water": water,
                       "availability": availability,
                       "capex": opt.capex_usd_per_kw * 1000.0 * pue * s.reserve_margin}
        fig["months"] = np.where(offered, fig["months"], np.nan)
        out[name] = fig
    return out


def option_figures_grid_months(a: dict, parameters: Parameters) -> np.ndarray:
    """Months to a grid connection per site (the site's queue, else the default)."""
    return np.where(np.isfinite(a["queue_months"]), a["queue_months"], parameters.supply.default_queue_months)


def choose_supply(a: dict, pue: np.ndarray, parameters: Parameters) -> SupplyChoice:
    """The supply option of each site by ``[parameters.supply] choice`` (module docstring)."""
    k = parameters.cost
    figures = option_figures(a, pue, parameters)
    names = list(figures)
    crf = capital_recovery_factor(k.discount_rate, k.plant_life_yr)
    mwh = HOURS_PER_YEAR * a["it_load_factor"]
    scores = []
    for name in names:
        f = figures[name]
        usd = (f["price"] * pue + k.carbon_price_usd_per_t * f["carbon"] * pue / 1000.0
               + (f["capex"] * crf + k.delay_usd_per_mw_month * f["months"] * crf) / (mwh * f["availability"]))
        if parameters.supply.choice == "fastest":
            usd = f["months"] * 1e9 + usd  # fewest months first, then the cheapest
        elif parameters.supply.choice == name:
            usd = usd - 1e15  # the named option wherever offered
        scores.append(np.where(np.isfinite(f["months"]), usd, np.inf))
    table = np.vstack(scores)
    best = np.argmin(table, axis=0)
    # a site none of whose options can be priced (e.g. gas only, no gas market known) takes the grid
    stranded = ~np.isfinite(table.min(axis=0))
    best[stranded] = names.index("grid")
    figures["grid"]["months"] = np.where(stranded, option_figures_grid_months(a, parameters),
                                         figures["grid"]["months"])
    rows = np.arange(pue.size)

    def pick(key):
        return np.vstack([figures[nm][key] for nm in names])[best, rows].astype(float)

    return SupplyChoice(option=np.array(names, dtype=object)[best].astype(str), time_to_power_months=pick("months"),
                        price_usd_per_mwh=pick("price"), carbon_g_per_kwh=pick("carbon"),
                        availability=pick("availability"), capex_usd_per_mw_it=pick("capex"),
                        source_water_l_per_mwh=pick("water"))
