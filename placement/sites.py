"""Scoring ground sites: power, cooling, latency, dark time and levelized cost."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from placement.demand import DemandPoints
from placement.parameters import Parameters
from placement.tables import ScoreTable

SITE_FIELDS = (
    "id", "name", "lat_deg", "lon_deg", "power_mw", "pue", "power_cost_usd_per_mwh_it",
    "carbon_kg_per_mwh_it", "water_l_per_mwh_it", "rtt_ms_weighted", "pop_within_slo_fraction",
    "dark_fraction", "longest_dark_h", "lcoe_usd_per_mwh_it",
)


@dataclass(frozen=True)
class SiteScores(ScoreTable):
    """Scores of ground sites: one numpy column per JSON field (DESIGN.md), plus context."""

    FIELDS = SITE_FIELDS

    columns: dict
    device: str
    slo_rtt_ms: float
    extra: dict = field(default_factory=dict)


def _site_arrays(sites) -> dict:
    if isinstance(sites, dict):  # already columns (batch scans): lat_deg, lon_deg, ... as arrays
        return {k: (np.asarray(v) if k in ("id", "name") else np.ascontiguousarray(v, dtype=np.float64))
                for k, v in sites.items()}
    keys = ("id", "name", "lat_deg", "lon_deg", "elevation_m", "power_mw", "availability",
            "price_usd_per_mwh", "carbon_g_per_kwh")
    arrays = {k: np.array([s[k] for s in sites]) for k in keys}
    for k in keys[2:]:
        arrays[k] = arrays[k].astype(np.float64)
    if "capex_usd_per_mw" in (sites[0] if sites else {}):
        arrays["capex_usd_per_mw"] = np.array([s["capex_usd_per_mw"] for s in sites], float)
    return arrays


def demand_unit_vectors(demand: DemandPoints, device: str = "cpu") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-vector components (x, y, z) of the demand points (:func:`placement.kernels.geodesy.unit_vectors`)."""
    from placement.kernels import geodesy
    from placement.kernels.targets import launch

    r = launch(device, geodesy.unit_vectors, geodesy.unit_vector_row, len(demand),
               lat_deg=demand.lat_deg, lon_deg=demand.lon_deg)
    return r["x"], r["y"], r["z"]


def demand_weighted_rtt_ms(lat_deg, lon_deg, demand: DemandPoints, *, parameters: Parameters | None = None,
                           device: str = "cpu") -> tuple[np.ndarray, np.ndarray]:
    """Demand-weighted fibre RTT [ms] from points (degrees) to ``demand``, and the share of demand
    within the SLO (:func:`placement.kernels.latency.demand_weighted_rtt`)."""
    from placement.kernels import latency
    from placement.kernels.targets import launch

    L = (parameters or Parameters()).latency
    lat = np.ascontiguousarray(lat_deg, dtype=float)
    lon = np.ascontiguousarray(lon_deg, dtype=float)
    dx, dy, dz = demand_unit_vectors(demand, device)
    r = launch(device, latency.demand_weighted_rtt, latency.demand_latency_site, lat.size,
               site_lat_deg=lat, site_lon_deg=lon, demand_x=dx, demand_y=dy, demand_z=dz,
               demand_weight=demand.weight, route_factor=L.route_factor, overhead_ms=L.overhead_ms,
               fibre_km_per_ms=L.fibre_km_per_ms, slo_rtt_ms=L.slo_rtt_ms)
    return r["rtt_ms_weighted"], r["within_slo_fraction"]


def cooling_of(climate, parameters: Parameters, device: str) -> dict:
    """PUE [-], site water [L/MWh_IT] and economizer share [-] for monthly climate rows
    (:func:`placement.kernels.cooling.pue_and_water`)."""
    from placement.kernels import cooling
    from placement.kernels.targets import launch

    c = parameters.cooling
    return launch(device, cooling.pue_and_water, cooling.cooling_site, climate.t_mean_c.shape[0],
                  t_mean_c=climate.t_mean_c, rh_pct=climate.rh_pct, dtr_c=climate.dtr_c,
                  supply_max_c=c.supply_max_c, max_dew_point_c=c.max_dew_point_c, air_approach_c=c.air_approach_c,
                  evap_approach_c=c.evap_approach_c, it_delta_t_c=c.it_delta_t_c, fan_overhead=c.fan_overhead,
                  pump_overhead=c.pump_overhead, chiller_carnot_efficiency=c.chiller_carnot_efficiency,
                  chilled_water_approach_c=c.chilled_water_approach_c,
                  condenser_approach_c=c.condenser_approach_c, electrical_loss=c.electrical_loss)


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


def ground_cost_of(a: dict, pue, parameters: Parameters, device: str) -> dict:
    """Energy cost and levelized cost [USD/MWh_IT] and carbon [kg/MWh_IT]
    (:func:`placement.kernels.cost.ground_cost`)."""
    from placement.kernels import cost
    from placement.kernels.targets import launch

    k = parameters.cost
    n = pue.size
    capex = a.get("capex_usd_per_mw", np.full(n, k.facility_capex_usd_per_mw))
    return launch(device, cost.ground_cost, cost.ground_cost_site, n, pue=pue,
                  price_usd_per_mwh=a["price_usd_per_mwh"], carbon_g_per_kwh=a["carbon_g_per_kwh"],
                  availability=a["availability"], capex_usd_per_mw=capex,
                  crf=cost.capital_recovery_factor(k.discount_rate, k.facility_life_yr),
                  fixed_opex_usd_per_mw_yr=k.fixed_opex_usd_per_mw_yr,
                  carbon_price_usd_per_t=k.carbon_price_usd_per_t)


def score_sites(sites, demand: DemandPoints, *, parameters: Parameters | None = None,
                device: str = "auto") -> SiteScores:
    """Score ground sites against demand.

    Parameters
    ----------
    sites : list of dict
        Sites as loaded by :func:`placement.catalogs.load_ground_sites` (``lat_deg``, ``lon_deg`` [deg],
        ``elevation_m`` [m], ``power_mw`` [MW], ``availability`` [-], ``price_usd_per_mwh``
        [USD/MWh], ``carbon_g_per_kwh`` [gCO2eq/kWh]; optional ``capex_usd_per_mw`` [USD/MW]).
    demand : DemandPoints
        Weighted demand points (:func:`placement.demand_points`).
    parameters : Parameters, optional
        Physics and economics; defaults from :mod:`placement.parameters`.
    device : {'auto', 'cpu', 'cuda'}
        Where the kernels run; ``auto`` takes a usable GPU, else the CPU.

    Returns
    -------
    SiteScores
        PUE [-], energy cost and levelized cost [USD/MWh_IT], carbon [kg/MWh_IT], water
        [L/MWh_IT], demand-weighted RTT [ms], share of demand within the SLO [-], dark
        fraction [-] and longest dark stretch [h] per site; columns named by the JSON fields.

    Raises
    ------
    InputError
        ``device='cuda'`` without a usable GPU, or an unknown device.

    References
    ----------
    .. [1] New, M., Lister, D., Hulme, M. & Makin, I. (2002). A high-resolution data set of
       surface climate over global land areas. Climate Research 21:1-25 (CRU CL 2.0 normals).
    .. [2] ASHRAE TC 9.9 (2021). Thermal Guidelines for Data Processing Environments, 5th ed.
    .. [3] Short, W., Packey, D. & Holt, T. (1995). A Manual for the Economic Evaluation of Energy
       Efficiency and Renewable Energy Technologies. NREL/TP-462-5173 (capital recovery factor).
    """
    from placement.climate import climate_at
    from placement.device import resolve_device

    p = parameters or Parameters()
    dev = resolve_device(device)
    a = _site_arrays(sites)
    n = a["lat_deg"].size
    lat, lon = np.ascontiguousarray(a["lat_deg"]), np.ascontiguousarray(a["lon_deg"])

    clim = climate_at(lat, lon, a.get("elevation_m"))
    cool = cooling_of(clim, p, dev)
    rtt, within = demand_weighted_rtt_ms(lat, lon, demand, parameters=p, device=dev)
    dark = dark_time_of(lat, lon, p, dev)
    money = ground_cost_of(a, cool["pue"], p, dev)

    ids = a["id"] if "id" in a else np.arange(n).astype(str)
    columns = {
        "id": ids, "name": a.get("name", ids), "lat_deg": lat, "lon_deg": lon,
        "power_mw": a.get("power_mw", np.full(n, np.nan)),
        "pue": cool["pue"], "power_cost_usd_per_mwh_it": money["power_cost_usd_per_mwh_it"],
        "carbon_kg_per_mwh_it": money["carbon_kg_per_mwh_it"],
        "water_l_per_mwh_it": cool["water_l_per_mwh_it"], "rtt_ms_weighted": rtt, "pop_within_slo_fraction": within,
        "dark_fraction": dark["dark_fraction"], "longest_dark_h": dark["longest_dark_h"],
        "lcoe_usd_per_mwh_it": money["lcoe_usd_per_mwh_it"],
    }
    extra = {"economizer_fraction": cool["economizer_fraction"], "nearest_station_id": clim.nearest_station_id,
             "nearest_station_km": clim.nearest_station_km}
    return SiteScores(columns, dev, p.latency.slo_rtt_ms, extra)
