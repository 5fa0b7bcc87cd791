"""Scoring ground sites: cooling, water, supply and time to power, latency, dark time, levelized cost."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from placement.demand import DemandPoints
from placement.parameters import Parameters
from placement.tables import ScoreTable

SITE_FIELDS = (
    "id", "name", "lat_deg", "lon_deg", "power_mw", "pue", "power_cost_usd_per_mwh_it",
    "carbon_kg_per_mwh_it", "water_l_per_mwh_it", "source_water_l_per_mwh_it", "rtt_ms_weighted",
    "pop_within_slo_fraction", "dark_fraction", "longest_dark_h", "supply_option", "time_to_power_months",
    "energy_usd_per_mwh_it", "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it", "water_usd_per_mwh_it",
    "delay_usd_per_mwh_it", "lcoe_usd_per_mwh_it",
)
#: The components of the levelized cost, in the order they add up (IT capex only when configured).
COST_COMPONENTS = ("energy_usd_per_mwh_it", "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it",
                   "water_usd_per_mwh_it", "delay_usd_per_mwh_it", "it_capex_usd_per_mwh_it")


@dataclass(frozen=True)
class SiteScores(ScoreTable):
    """Scores of ground sites: one numpy column per JSON field (DESIGN.md), plus context."""

    FIELDS = SITE_FIELDS

    columns: dict
    device: str
    slo_rtt_ms: float
    extra: dict = field(default_factory=dict)

    @property
    def fields(self) -> tuple:
        """The JSON fields of these scores: DESIGN.md's, plus ``it_capex_usd_per_mwh_it`` when IT
        hardware is costed."""
        if "it_capex_usd_per_mwh_it" in self.columns:
            return self.FIELDS[:-1] + ("it_capex_usd_per_mwh_it", self.FIELDS[-1])
        return self.FIELDS


def demand_unit_vectors(demand: DemandPoints, device: str = "cpu") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-vector components (x, y, z) of the demand points (:func:`placement.kernels.geodesy.unit_vectors`)."""
    from placement.kernels import geodesy
    from placement.kernels.targets import launch

    r = launch(device, geodesy.unit_vectors, geodesy.unit_vector_row, len(demand),
               lat_deg=demand.lat_deg, lon_deg=demand.lon_deg)
    return r["x"], r["y"], r["z"]


def demand_weighted_rtt_ms(lat_deg, lon_deg, demand: DemandPoints, *, parameters: Parameters | None = None,
                           device: str = "cpu", profile: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Demand-weighted RTT [ms] from points (degrees) to ``demand``, and the share of demand
    within the SLO.

    ``profile`` (default: the parameters' ``rtt_profile``) picks the model: ``internet`` or
    ``backbone`` over the route graph (:func:`placement.kernels.latency.demand_weighted_route_rtt`;
    a point with no metro within reach gets NaN), or ``great_circle``
    (:func:`placement.kernels.latency.demand_weighted_rtt`)."""
    from placement.kernels import latency
    from placement.kernels.targets import launch

    L = (parameters or Parameters()).latency
    profile = profile or L.rtt_profile
    lat = np.ascontiguousarray(lat_deg, dtype=float)
    lon = np.ascontiguousarray(lon_deg, dtype=float)
    if profile != "great_circle":
        return _route_demand_rtt(lat, lon, demand, profile, L.slo_rtt_ms, device)
    dx, dy, dz = demand_unit_vectors(demand, device)
    r = launch(device, latency.demand_weighted_rtt, latency.demand_latency_site, lat.size,
               site_lat_deg=lat, site_lon_deg=lon, demand_x=dx, demand_y=dy, demand_z=dz,
               demand_weight=demand.weight, route_factor=L.route_factor, overhead_ms=L.overhead_ms,
               fibre_km_per_ms=L.fibre_km_per_ms, slo_rtt_ms=L.slo_rtt_ms)
    return r["rtt_ms_weighted"], r["within_slo_fraction"]


def _route_demand_rtt(lat, lon, demand: DemandPoints, profile: str, slo_rtt_ms: float, device: str):
    from placement import route_latency as rl
    from placement.kernels import latency
    from placement.kernels.targets import launch

    rl.check_profile("demand_weighted_rtt_ms", profile, "rtt_profile")
    p = rl.route_profiles()[profile]
    graph = rl.graph_for(p)
    keep = demand.weight > 0  # zero-weight points change nothing: skip them
    node_demand, demand_continent = rl.demand_matrix(graph, demand.lat_deg[keep], demand.lon_deg[keep],
                                                     demand.continent[keep], p.exchange_weight)
    node, access_km = rl.access_nodes(graph, lat, lon)
    r = launch(device, latency.demand_weighted_route_rtt, latency.demand_latency_route_site, lat.size,
               site_node=node, site_access_km=access_km, site_continent=rl.continent_index(lat, lon),
               node_demand_km=node_demand, demand_continent=demand_continent,
               demand_weight=np.ascontiguousarray(demand.weight[keep]), inflation=p.inflation_table(),
               overhead_ms=p.overhead_ms, fibre_km_per_ms=p.fibre_km_per_ms, slo_rtt_ms=slo_rtt_ms)
    rtt, within = r["rtt_ms_weighted"], r["within_slo_fraction"]
    unreachable = ~np.isfinite(rtt)
    rtt[unreachable] = np.nan
    within[unreachable] = np.nan
    return rtt, within


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


def dark_time_of(lat_deg, lon_deg, parameters: Parameters, device: str) -> dict:
    """Share of the year with the sun below the horizon [-] and the longest dark stretch [h]
    (:func:`placement.kernels.daylight.dark_time`, Sun from Skyfield DE421)."""
    from placement.ephemeris import sun_unit_vectors_itrs
    from placement.kernels import daylight
    from placement.kernels.targets import launch

    d = parameters.daylight
    sun = sun_unit_vectors_itrs(int(d.year), float(d.step_h))
    return launch(device, daylight.dark_time, daylight.dark_time_site, lat_deg.size, lat_deg=lat_deg,
                  lon_deg=lon_deg, sun_xyz=sun, step_h=float(d.step_h), threshold_deg=d.threshold_deg)


def ground_cost_of(a: dict, pue, water_l_per_mwh_it, supply, parameters: Parameters, device: str) -> dict:
    """Cost components and levelized cost [USD/MWh_IT], carbon [kg/MWh_IT]
    (:func:`placement.kernels.cost.ground_cost`) with the chosen supply (:mod:`placement.supply`)."""
    from placement.kernels import cost
    from placement.kernels.targets import launch

    k = parameters.cost

    def crf(years):
        return np.array([cost.capital_recovery_factor(k.discount_rate, float(y)) for y in np.atleast_1d(years)])

    return launch(device, cost.ground_cost, cost.ground_cost_site, pue.size, pue=pue,
                  price_usd_per_mwh=supply.price_usd_per_mwh, carbon_g_per_kwh=supply.carbon_g_per_kwh,
                  availability=supply.availability, it_load_factor=a["it_load_factor"],
                  building_capex_usd_per_mw=k.building_share * a["capex_usd_per_mw"],
                  building_crf=crf(a["building_life_yr"]),
                  plant_capex_usd_per_mw=(1.0 - k.building_share) * a["capex_usd_per_mw"],
                  plant_crf=crf(a["plant_life_yr"]), supply_capex_usd_per_mw=supply.capex_usd_per_mw_it,
                  supply_crf=cost.capital_recovery_factor(k.discount_rate, k.plant_life_yr),
                  fixed_opex_fraction_per_yr=k.fixed_opex_fraction_per_yr, it_capex_usd_per_mw=a["it_capex_usd_per_mw"],
                  it_crf=cost.capital_recovery_factor(k.discount_rate, k.it_life_yr),
                  water_l_per_mwh_it=water_l_per_mwh_it, water_price_usd_per_m3=k.water_price_usd_per_m3,
                  time_to_power_months=supply.time_to_power_months, delay_usd_per_mw_month=k.delay_usd_per_mw_month,
                  delay_crf=cost.capital_recovery_factor(k.discount_rate, k.plant_life_yr),
                  carbon_price_usd_per_t=k.carbon_price_usd_per_t)


def score_sites(sites, demand: DemandPoints, *, parameters: Parameters | None = None,
                device: str = "auto") -> SiteScores:
    """Score ground sites against demand.

    Parameters
    ----------
    sites : list of dict, or dict of arrays
        Sites as loaded by :func:`placement.catalogs.load_ground_sites`, or plain dicts with
        ``lat_deg``, ``lon_deg`` [deg], ``availability`` [-], ``price_usd_per_mwh`` [USD/MWh],
        ``carbon_g_per_kwh`` [gCO2eq/kWh] and optionally ``id``, ``name``, ``elevation_m`` [m],
        ``power_mw`` [MW], ``water_stress`` [0-5], ``cooling_plant``, ``supply_options``,
        ``country``, ``region``, ``capex_usd_per_mw`` [USD/MW], ``queue_months`` [months],
        ``it_load_factor`` [-], ``building_life_yr`` / ``plant_life_yr`` [yr] and
        ``it_capex_usd_per_mw`` [USD/MW] (defaults: :mod:`placement.site_columns`).
    demand : DemandPoints
        Weighted demand points (:func:`placement.demand_points`).
    parameters : Parameters, optional
        Physics and economics; defaults from :mod:`placement.parameters`.
    device : {'auto', 'cpu', 'cuda'}
        Where the kernels run; ``auto`` takes a usable GPU, else the CPU.

    Returns
    -------
    SiteScores
        Per site, columns named by the JSON fields: PUE [-], site and source water [L/MWh_IT],
        carbon [kg/MWh_IT], the supply option and months to first power, the levelized cost
        [USD/MWh_IT] and its components (energy, capital, carbon, water, delay and, when IT
        hardware is costed, IT capex), demand-weighted RTT [ms], share of demand within the
        SLO [-], dark fraction [-] and longest dark stretch [h]; ``extra`` holds the cooling
        plant, the compressor-free share [-] and the all-in cost per GPU-hour [USD].

    Raises
    ------
    InputError
        A missing or out-of-bounds site value (named with its field and index), an unknown
        cooling plant, ``device='cuda'`` without a usable GPU, or an unknown device.

    References
    ----------
    .. [1] New, M., Lister, D., Hulme, M. & Makin, I. (2002). A high-resolution data set of
       surface climate over global land areas. Climate Research 21:1-25 (CRU CL 2.0 normals).
    .. [2] ASHRAE TC 9.9 (2021). Thermal Guidelines for Data Processing Environments, 5th ed.
    .. [3] Short, W., Packey, D. & Holt, T. (1995). A Manual for the Economic Evaluation of Energy
       Efficiency and Renewable Energy Technologies. NREL/TP-462-5173 (capital recovery factor).
    .. [4] ASHRAE 90.1-2019 Table 6.8.1-3 and the EnergyPlus electric EIR chiller curves (chillers);
       ASHRAE Handbook HVAC Systems and Equipment ch. 40 (cooling-tower make-up).
    .. [5] EIA, Assumptions to the Annual Energy Outlook 2026, Electricity Market Module, Table 3
       (on-site generation); LBNL "Queued Up" and utility filings (grid queues).
    """
    from placement.catalogs import COOLING_PLANTS
    from placement.climate import climate_at
    from placement.device import resolve_device
    from placement.site_columns import site_columns
    from placement.supply import choose_supply

    p = parameters or Parameters()
    dev = resolve_device(device)
    a = site_columns(sites, p)
    lat, lon = a["lat_deg"], a["lon_deg"]

    elevation = a["elevation_m"]
    clim = climate_at(lat, lon, None if np.isnan(elevation).all() else np.where(np.isnan(elevation), 0.0, elevation))
    cool = cooling_of(clim, a["cooling_plant"], a["water_stress"], p, dev)
    supply = choose_supply(a, cool["pue"], p)
    rtt, within = demand_weighted_rtt_ms(lat, lon, demand, parameters=p, device=dev)
    dark = dark_time_of(lat, lon, p, dev)
    money = ground_cost_of(a, cool["pue"], cool["water_l_per_mwh_it"], supply, p, dev)

    columns = {
        "id": a["id"], "name": a["name"], "lat_deg": lat, "lon_deg": lon, "power_mw": a["power_mw"],
        "pue": cool["pue"], "power_cost_usd_per_mwh_it": money["energy_usd_per_mwh_it"],
        "carbon_kg_per_mwh_it": money["carbon_kg_per_mwh_it"], "water_l_per_mwh_it": cool["water_l_per_mwh_it"],
        "source_water_l_per_mwh_it": supply.source_water_l_per_mwh * cool["pue"],
        "rtt_ms_weighted": rtt, "pop_within_slo_fraction": within,
        "dark_fraction": dark["dark_fraction"], "longest_dark_h": dark["longest_dark_h"],
        "supply_option": supply.option, "time_to_power_months": supply.time_to_power_months,
        **{f: money[f] for f in COST_COMPONENTS if f != "it_capex_usd_per_mwh_it"},
        "lcoe_usd_per_mwh_it": money["lcoe_usd_per_mwh_it"],
    }
    if np.any(a["it_capex_usd_per_mw"] > 0):
        columns["it_capex_usd_per_mwh_it"] = money["it_capex_usd_per_mwh_it"]
    extra = {"economizer_fraction": cool["economizer_fraction"], "nearest_station_id": clim.nearest_station_id,
             "nearest_station_km": clim.nearest_station_km,
             "cooling_plant": np.array(COOLING_PLANTS[1:], dtype=object)[cool["plant"]].astype(str),
             "usd_per_gpu_hour": money["lcoe_usd_per_mwh_it"] * p.cost.gpu_it_kw / 1000.0,
             "facility_lcoe_usd_per_mwh_it": money["lcoe_usd_per_mwh_it"] - money["it_capex_usd_per_mwh_it"],
             "capex_usd_per_mw": a["capex_usd_per_mw"], "availability": supply.availability}
    return SiteScores(columns, dev, p.latency.slo_rtt_ms, extra)
