"""Power supply of each site: the mix, its availability, its ramp to full power, and its cost.

Each site and grid cell may use the mixes its place's power market offers
(``catalogs/data/power_markets.csv``, :mod:`placement.ground.place`), unless its own row names
others (``supply_options``). A mix (``catalogs/data/supply_options.csv``) names technologies
(``supply_technologies.csv``) by role:

* **primary** -- a grid connection (``grid``; ``flexible_grid`` connects sooner against agreed
  curtailment hours) whose first block arrives when the place's large-load queue clears, or a fleet
  of generating units (engines, aeroderivative, mobile or heavy-duty turbines, combined-cycle
  blocks) whose first block arrives after the technology's lead time for an order placed in
  ``[parameters.supply] order_year`` (longer while its market is sold out);
* **bridge** -- units that carry the campus until the grid's ramp is complete (Colossus 1 in 2024);
* **backup** -- standby generators behind a UPS carrying a grid campus through interruptions;
* **battery** -- MW of battery per MW of IT (Megapacks), whose stored hours ride through outages.

For each mix the kernels (:mod:`placement.kernels.supply`) give the spares (the fewest meeting the
availability goal, or those the mix fixes), the availability, the months to first and to full
power and the delay in megawatt-months per MW. Energy: the grid contract (price and zone carbon of
the site), or gas at the place's price x heat rate + VOM with stack CO2 53.07 kg/MMBtu x heat rate;
a PPA serves its ``load_share``; a bridge weighs its gas by the share of the plant's life it runs.
Capital: installed units (needed + spares) and batteries per MW of IT; backup generators and UPS are
in the facility capex (the construction cost indices' scope).

The chosen mix (``[parameters.supply] choice``): ``cheapest`` -- the lowest levelized cost
(energy, carbon, generation capital and delay, per IT MWh) among the mixes that meet the
availability goal (the most available when none does); ``fastest`` -- fewest months to first power;
or a named mix where the site offers it. ``supply_reason`` says which rule chose it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placement.catalogs.power_supply import (
    load_supply_options,
    load_supply_technologies,
    median_caidi_h,
)
from placement.kernels import supply as kernel
from placement.kernels.cost import HOURS_PER_YEAR, capital_recovery_factor
from placement.kernels.targets import launch
from placement.parameters import Parameters

#: kg CO2 per MMBtu of natural gas burned (EIA, carbon dioxide emission coefficients, HHV).
GAS_CO2_KG_PER_MMBTU = 53.07
#: Availability treated as meeting the goal: within this of it (rounding of the binomial sum).
GOAL_TOLERANCE = 1e-12


@dataclass(frozen=True)
class SupplyChoice:
    """Per-site arrays of the chosen supply mix (length n)."""
    option: np.ndarray
    time_to_power_months: np.ndarray
    time_to_full_power_months: np.ndarray
    delay_months: np.ndarray
    price_usd_per_mwh: np.ndarray
    carbon_g_per_kwh: np.ndarray
    availability: np.ndarray
    #: availability once a bridge is over [-] (every mix's own without one), of the bridge while
    #: it runs [-], and the month it runs to from an order at the plan's start (0: no bridge)
    steady_availability: np.ndarray
    bridge_availability: np.ndarray
    bridge_until_months: np.ndarray
    expected_outage_h_per_yr: np.ndarray
    capex_usd_per_mw_it: np.ndarray
    source_water_l_per_mwh: np.ndarray
    mix: np.ndarray
    reason: np.ndarray


def campus_it_mw(a: dict, parameters: Parameters) -> np.ndarray:
    """IT load [MW] each site's supply is sized for: its ``power_mw``, else the scenario's
    ``[parameters.supply] default_campus_mw``."""
    mw = np.asarray(a["power_mw"], dtype=float)
    return np.where(np.isfinite(mw), mw, parameters.supply.default_campus_mw)


def grid_queue_months(a: dict, parameters: Parameters) -> np.ndarray:
    """Months to a grid connection per site (the site's queue, else the default)."""
    return np.where(np.isfinite(a["queue_months"]), a["queue_months"], parameters.supply.default_queue_months)


def _fleets(needed: np.ndarray, goal: np.ndarray, tech, ride_through_h: float, parameters: Parameters,
            device: str, group=None) -> tuple[np.ndarray, np.ndarray]:
    """(spares, availability) of fleets of ``tech`` (:func:`placement.kernels.supply.fleet_spares`),
    run once per distinct (units needed, goal); ``group`` (whole numbers), when given, stands for
    the goal (rows of one group share it)."""
    s = parameters.supply
    first, inverse = distinct_rows(needed, goal if group is None else group)
    constants = kernel.pack_fleet_constants(
        forced_outage_rate=tech.forced_outage_rate,
        loss_after_ride_through=kernel.ride_through_loss(float(ride_through_h), float(tech.mean_outage_h or 1.0)),
        min_spares=s.min_spares, max_spare_fraction=s.max_spare_fraction)
    out = launch(device, kernel.fleet_spares, kernel.fleet_spares_site, first.size,
                 needed_units=np.ascontiguousarray(needed[first], dtype=float),
                 goal=np.ascontiguousarray(goal[first], dtype=float), constants=constants)
    return out["spares"][inverse], out["availability"][inverse]


def distinct_rows(*columns) -> tuple[np.ndarray, np.ndarray]:
    """(index of one row of each distinct combination of the columns' values, and each row's
    combination): rows with equal inputs are computed once. Whole-number columns are coded by
    value (no sort), others by ``np.unique``; the combined code is made dense by counting
    (``np.unique(..., axis=0)`` sorts whole rows, many times slower on a globe of cells)."""
    n = np.size(columns[0])
    code, size = np.zeros(n, dtype=np.int64), 1
    for col in columns:
        col = np.asarray(col)
        if col.size == 0 or col.min() == col.max():  # one value: no part of the code
            continue
        low, high = col.min(), col.max()
        if np.all(col == np.floor(col)) and high - low < 1e6:
            inverse, values = (col - low).astype(np.int64), int(high - low) + 1
        else:
            uniq, inverse = np.unique(col, return_inverse=True)
            inverse, values = inverse.reshape(-1), uniq.size
        code, size = code * values + inverse, size * values
    if size > 8 * n + 1024:  # a sparse code: sorting the n codes is cheaper than counting over its range
        _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        return first, inverse.reshape(-1)
    present = np.zeros(size, dtype=bool)
    present[code] = True
    dense = np.cumsum(present) - 1
    inverse = dense[code]
    first = np.empty(int(present.sum()), dtype=np.int64)
    first[inverse[::-1]] = np.arange(n - 1, -1, -1)  # the first row of each group
    return first, inverse


def _units_needed(load_mw: np.ndarray, unit_mw: float) -> np.ndarray:
    return np.maximum(np.ceil(load_mw / unit_mw - 1e-9), 1.0)


def option_figures(a: dict, pue: np.ndarray, parameters: Parameters, device: str = "cpu") -> dict:
    """Mix name -> dict of per-site arrays: ``months`` (first power; NaN where the site cannot use
    the mix), ``full_months``, ``delay_months``, ``availability``, ``outage_h``, ``price``
    [USD/MWh], ``carbon`` [g/kWh], ``capex`` [USD per MW of IT], ``water`` [L/MWh], and the fleet
    sizes behind the ``mix`` text (``units``, ``spares``, ``backup_units``, ``backup_spares``)."""
    options = load_supply_options()
    techs = load_supply_technologies()
    s = parameters.supply
    n = pue.size
    it_mw = campus_it_mw(a, parameters)
    load_mw = it_mw * pue
    queue = grid_queue_months(a, parameters)
    saidi_h = (1.0 - np.asarray(a["availability"], dtype=float)) * HOURS_PER_YEAR
    caidi = np.asarray(a.get("grid_caidi_h", np.full(n, np.nan)), dtype=float)
    caidi = np.where(np.isfinite(caidi), caidi, median_caidi_h())
    goal = np.full(n, s.availability_goal)
    battery = techs["battery"]
    grid_first, grid_code = distinct_rows(saidi_h, caidi)  # the places' grids, few distinct
    # each site's offered mixes as a code into its distinct lists (one pass over the sites)
    lists, offered_code = {}, np.empty(n, dtype=np.int64)
    for i, allowed in enumerate(a["supply_options"]):
        offered_code[i] = lists.setdefault(tuple(allowed), len(lists))
    out = {}
    for name, opt in options.items():
        offered = np.array([name in allowed for allowed in lists], dtype=bool)[offered_code]
        primary = techs[opt.primary]
        backup = techs[opt.backup] if opt.backup else None
        ride = opt.battery_mw_per_mw * (battery.ride_through_h or 0.0) + ((backup.ride_through_h or 0.0)
                                                                          if backup else 0.0)
        zeros = np.zeros(n)
        fleet = {"units": zeros, "spares": zeros, "backup_units": zeros, "backup_spares": zeros}
        primary_avail, backup_avail, bridge_avail = zeros, zeros, zeros
        fixed = np.full(n, -(opt.spares + 1.0)) if opt.spares is not None else goal
        if primary.kind == "grid":
            if backup is not None:
                short = np.array([kernel.grid_unavailability(h, c, ride, primary.curtailment_h_per_yr)
                                  for h, c in zip(saidi_h[grid_first], caidi[grid_first])])[grid_code]
                # the backup must cover the grid's lost hours well enough for the site to meet the goal
                need = np.where(short > 0, 1.0 - (1.0 - s.availability_goal) / np.maximum(short, 1e-300), 0.0)
                b_units = _units_needed(load_mw, backup.unit_mw)
                b_spares, backup_avail = _fleets(b_units, np.where(opt.spares is not None, fixed, np.maximum(need, 0.0)),
                                                 backup, 0.0, parameters, device, group=grid_code)
                fleet.update(backup_units=b_units, backup_spares=b_spares)
            lead = 0.0
        else:
            units = _units_needed(load_mw, primary.unit_mw)
            spares, primary_avail = _fleets(units, fixed, primary, ride, parameters, device)
            fleet.update(units=units, spares=spares)
            lead = primary.lead_months(s.order_year)
        bridge = techs[opt.bridge] if opt.bridge else None
        if bridge is not None:
            b_units = _units_needed(load_mw, bridge.unit_mw)
            b_spares, bridge_avail = _fleets(b_units, goal, bridge, ride, parameters, device)
            fleet.update(units=b_units, spares=b_spares)
        constants = kernel.pack_supply_constants(
            primary_is_grid=float(primary.kind == "grid"), lead_months=lead,
            grid_lead_fraction=opt.grid_lead_fraction,
            first_block_mw=primary.first_block_mw or primary.unit_mw,
            mw_per_month=primary.mw_per_month or 1e9,
            bridge=float(bridge is not None),
            bridge_lead_months=bridge.lead_months(s.order_year) if bridge else 0.0,
            bridge_first_block_mw=(bridge.first_block_mw or bridge.unit_mw) if bridge else 0.0,
            bridge_mw_per_month=(bridge.mw_per_month or 1e9) if bridge else 0.0,
            ride_through_h=ride, curtailment_h_per_yr=primary.curtailment_h_per_yr,
            plant_life_months=12.0 * parameters.cost.plant_life_yr)
        site = launch(device, kernel.supply_site_figures, kernel.supply_site_figures_site, n,
                      it_mw=it_mw, pue=pue, grid_queue_months=queue, saidi_h_per_yr=saidi_h, caidi_h=caidi,
                      primary_availability=primary_avail, backup_availability=backup_avail,
                      bridge_availability=bridge_avail, constants=constants)
        gas = a["gas_price_usd_per_mmbtu"]
        battery_capex = opt.battery_mw_per_mw * battery.capex_usd_per_kw * 1000.0
        if primary.kind == "grid":
            share = opt.load_share  # a PPA serves 1 - load_share
            price = a["price_usd_per_mwh"] * share + (opt.ppa_usd_per_mwh or 0.0) * (1 - share)
            carbon = a["carbon_g_per_kwh"] * share + (opt.ppa_carbon_g_per_kwh or 0.0) * (1 - share)
            water = a["source_water_l_per_mwh"] * share
            capex = np.full(n, battery_capex)
            if bridge is not None:  # gas while the bridge runs, over the plant's life
                b = site["bridge_share"]
                offered &= np.isfinite(gas)
                price = b * _gas_price(gas, bridge) + (1 - b) * price
                carbon = b * GAS_CO2_KG_PER_MMBTU * bridge.heat_rate_mmbtu_per_mwh + (1 - b) * carbon
                water = b * bridge.water_l_per_mwh + (1 - b) * water
        else:
            offered &= np.isfinite(gas)
            price = _gas_price(gas, primary)
            carbon = np.full(n, GAS_CO2_KG_PER_MMBTU * primary.heat_rate_mmbtu_per_mwh)
            water = np.full(n, primary.water_l_per_mwh)
            installed_mw = (fleet["units"] + fleet["spares"]) * primary.unit_mw
            capex = primary.capex_usd_per_kw * 1000.0 * installed_mw / it_mw + battery_capex
        out[name] = {"months": np.where(offered, site["time_to_power_months"], np.nan),
                     "full_months": site["time_to_full_power_months"], "delay_months": site["delay_months"],
                     "availability": site["availability"], "outage_h": site["outage_h_per_yr"],
                     "steady": site["steady_availability"], "bridging": np.where(bridge is not None, bridge_avail,
                                                                                 site["steady_availability"]),
                     "bridge_until": site["bridge_until_months"],
                     "price": np.asarray(price, dtype=float), "carbon": np.asarray(carbon, dtype=float),
                     "capex": capex, "water": np.asarray(water, dtype=float), **fleet}
    return out


def _gas_price(gas, tech) -> np.ndarray:
    """Energy price [USD/MWh] of gas units: fuel [USD/MMBtu] x heat rate + VOM."""
    return gas * tech.heat_rate_mmbtu_per_mwh + (tech.vom_usd_per_mwh or 0.0)


def mix_text(option: str, units: float, spares: float, backup_units: float, backup_spares: float) -> str:
    """The mix in words: ``'gas turbines: 34+5 x 35 MW aeroderivative_turbine + battery 0.5 MW/MW'``."""
    opt = load_supply_options()[option]
    techs = load_supply_technologies()
    parts = []
    primary = techs[opt.primary]
    if opt.bridge:
        b = techs[opt.bridge]
        parts.append(f"{opt.bridge.replace('_', ' ')} {int(units)}+{int(spares)} x {b.unit_mw:g} MW until the grid")
    if primary.kind == "grid":
        parts.append(opt.primary.replace("_", " ") + (f" ({1 - opt.load_share:.0%} PPA)" if opt.load_share < 1 else ""))
    else:
        parts.append(f"{opt.primary.replace('_', ' ')} {int(units)}+{int(spares)} x {primary.unit_mw:g} MW")
    if opt.backup:
        parts.append(f"{opt.backup.replace('_', ' ')} {int(backup_units)}+{int(backup_spares)} x "
                     f"{techs[opt.backup].unit_mw:g} MW")
    if opt.battery_mw_per_mw:
        parts.append(f"battery {opt.battery_mw_per_mw:g} MW/MW")
    return " + ".join(parts)


def choose_supply(a: dict, pue: np.ndarray, parameters: Parameters, device: str = "cpu") -> SupplyChoice:
    """The supply mix of each site by ``[parameters.supply] choice`` (module docstring)."""
    k = parameters.cost
    s = parameters.supply
    figures = option_figures(a, pue, parameters, device)
    names = list(figures)
    crf = capital_recovery_factor(k.discount_rate, k.plant_life_yr)
    mwh = HOURS_PER_YEAR * a["it_load_factor"]
    scores, meets = [], []
    for name in names:
        f = figures[name]
        usd = (f["price"] * pue + k.carbon_price_usd_per_t * f["carbon"] * pue / 1000.0
               + (f["capex"] * crf + k.delay_usd_per_mw_month * f["delay_months"] * crf) / (mwh * f["availability"]))
        ok = np.isfinite(f["months"])
        scores.append(np.where(ok, usd, np.inf))
        meets.append(ok & (f["availability"] >= s.availability_goal - GOAL_TOLERANCE))
    table, meets = np.vstack(scores), np.vstack(meets)
    n = pue.size
    offered = np.isfinite(table)
    any_meets = meets.any(axis=0)
    avail = np.vstack([np.where(offered[j], figures[nm]["availability"], -1.0) for j, nm in enumerate(names)])
    months = np.vstack([figures[nm]["months"] for nm in names])
    goal = f"{100 * s.availability_goal:.3f} %"
    reasons = ["fastest to first power", f"cheapest meeting the {goal} availability goal",
               f"none of its mixes meets the {goal} availability goal: the most available",
               f"named by [parameters.supply] choice = {s.choice}", "the only mix its place or row offers",
               "none of its mixes can be priced here: the grid"]
    reason = np.zeros(n, dtype=np.int64)
    if s.choice == "fastest":
        # fewest months first, then the cheapest (an offered mix has finite months and cost)
        best = np.argmin(np.where(offered, months * 1e9 + table, np.inf), axis=0)
    else:
        best = np.where(any_meets, np.argmin(np.where(meets, table, np.inf), axis=0), np.argmax(avail, axis=0))
        reason = np.where(any_meets, 1, 2)
        if s.choice in names:
            j = names.index(s.choice)
            named = offered[j]
            best = np.where(named, j, best)
            reason[named] = 3
    single = offered.sum(axis=0) == 1
    reason[single & (s.choice != "fastest")] = 4
    # a site none of whose mixes can be priced (e.g. gas only, no gas market known) takes the grid
    stranded = ~offered.any(axis=0)
    g = names.index("grid")
    best[stranded] = g
    figures["grid"]["months"] = np.where(stranded, _grid_first(a, parameters), figures["grid"]["months"])
    reason[stranded] = 5
    rows = np.arange(n)

    def pick(key):
        return np.vstack([figures[nm][key] for nm in names])[best, rows].astype(float)

    option = np.array(names)[best]
    fleet = [best, pick("units"), pick("spares"), pick("backup_units"), pick("backup_spares")]
    first, inverse = distinct_rows(*fleet)
    texts = np.array([mix_text(names[int(best[i])], *(float(c[i]) for c in fleet[1:])) for i in first])
    return SupplyChoice(option=option, time_to_power_months=pick("months"),
                        time_to_full_power_months=pick("full_months"), delay_months=pick("delay_months"),
                        price_usd_per_mwh=pick("price"), carbon_g_per_kwh=pick("carbon"),
                        availability=pick("availability"), steady_availability=pick("steady"),
                        bridge_availability=pick("bridging"), bridge_until_months=pick("bridge_until"),
                        expected_outage_h_per_yr=pick("outage_h"),
                        capex_usd_per_mw_it=pick("capex"), source_water_l_per_mwh=pick("water"),
                        mix=texts[inverse], reason=np.array(reasons)[reason])


def _grid_first(a, parameters):
    """Months to the grid's first block where the grid is taken though not offered."""
    opt = load_supply_options()["grid"]
    return grid_queue_months(a, parameters) * opt.grid_lead_fraction
