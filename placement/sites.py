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


def demand_weighted_rtt_ms(lat_deg, lon_deg, demand: DemandPoints, *, parameters: Parameters | None = None,
                           device: str = "cpu") -> tuple[np.ndarray, np.ndarray]:
    """Demand-weighted fibre RTT [ms] from points (degrees) to ``demand``, and the share of demand
    within the SLO (:func:`kernels.latency.demand_weighted_rtt`)."""
    from kernels import geodesy, latency
    from kernels.targets import launch

    L = (parameters or Parameters()).latency
    lat = np.ascontiguousarray(lat_deg, dtype=float)
    lon = np.ascontiguousarray(lon_deg, dtype=float)
    n = lat.size
    dx, dy, dz = (np.empty(len(demand)) for _ in range(3))
    launch(device, geodesy.unit_vectors, geodesy.unit_vector_row, len(demand),
           (demand.lat_deg, demand.lon_deg, dx, dy, dz), outputs=(2, 3, 4))
    rtt, within = np.empty(n), np.empty(n)
    args = (lat, lon, dx, dy, dz, demand.weight, L.route_factor, L.overhead_ms, L.fibre_km_per_ms, L.slo_rtt_ms,
            rtt, within)
    launch(device, latency.demand_weighted_rtt, latency.demand_latency_site, n, args, outputs=(10, 11))
    return rtt, within


def score_sites(sites, demand: DemandPoints, *, parameters: Parameters | None = None,
                device: str = "auto") -> SiteScores:
    """Score ground sites against demand.

    Parameters
    ----------
    sites : list of dict
        Sites as loaded by :func:`catalogs.load_ground_sites` (``lat_deg``, ``lon_deg`` [deg],
        ``elevation_m`` [m], ``power_mw`` [MW], ``availability`` [-], ``price_usd_per_mwh``
        [USD/MWh], ``carbon_g_per_kwh`` [gCO2eq/kWh]; optional ``capex_usd_per_mw``).
    demand : DemandPoints
        Weighted demand points (:func:`placement.demand.demand_points`).
    parameters : Parameters, optional
        Physics and economics; defaults from :mod:`placement.parameters`.
    device : {'auto', 'cpu', 'cuda'}

    Returns
    -------
    SiteScores
        PUE [-], energy cost and levelized cost [USD/MWh_IT], carbon [kg/MWh_IT], water
        [L/MWh_IT], demand-weighted RTT [ms], share of demand within the SLO, dark
        fraction [-] and longest dark stretch [h] per site.
    """
    from kernels import cooling, cost, daylight
    from kernels.targets import launch
    from placement.climate import climate_at
    from placement.device import resolve_device
    from placement.ephemeris import sun_unit_vectors_itrs

    p = parameters or Parameters()
    dev = resolve_device(device)
    a = _site_arrays(sites)
    n = a["lat_deg"].size
    lat, lon = np.ascontiguousarray(a["lat_deg"]), np.ascontiguousarray(a["lon_deg"])

    elevation = a.get("elevation_m")
    clim = climate_at(lat, lon, None if elevation is None else elevation)
    pue, water, econ = np.empty(n), np.empty(n), np.empty(n)
    c = p.cooling
    args = (clim.t_mean_c, clim.rh_pct, clim.dtr_c, c.supply_max_c, c.max_dew_point_c, c.air_approach_c,
            c.evap_approach_c, c.it_delta_t_c, c.fan_overhead, c.pump_overhead, c.chiller_carnot_efficiency,
            c.chilled_water_approach_c, c.condenser_approach_c, c.electrical_loss, pue, water, econ)
    launch(dev, cooling.pue_and_water, cooling.cooling_site, n, args, outputs=(14, 15, 16))

    L = p.latency
    rtt, within = demand_weighted_rtt_ms(lat, lon, demand, parameters=p, device=dev)

    d = p.daylight
    sun = sun_unit_vectors_itrs(int(d.year), float(d.step_h))
    dark, longest = np.empty(n), np.empty(n)
    args = (lat, lon, sun, float(d.step_h), d.threshold_deg, dark, longest)
    launch(dev, daylight.dark_time, daylight.dark_time_site, n, args, outputs=(5, 6))

    k = p.cost
    capex = a.get("capex_usd_per_mw", np.full(n, k.facility_capex_usd_per_mw))
    crf = cost.capital_recovery_factor(k.discount_rate, k.facility_life_yr)
    energy, carbon, lcoe = np.empty(n), np.empty(n), np.empty(n)
    args = (pue, a["price_usd_per_mwh"], a["carbon_g_per_kwh"], a["availability"], capex, crf,
            k.fixed_opex_usd_per_mw_yr, k.carbon_price_usd_per_t, energy, carbon, lcoe)
    launch(dev, cost.ground_cost, cost.ground_cost_site, n, args, outputs=(8, 9, 10))

    ids = a["id"] if "id" in a else np.arange(n).astype(str)
    columns = {
        "id": ids, "name": a.get("name", ids), "lat_deg": lat, "lon_deg": lon,
        "power_mw": a.get("power_mw", np.full(n, np.nan)),
        "pue": pue, "power_cost_usd_per_mwh_it": energy, "carbon_kg_per_mwh_it": carbon,
        "water_l_per_mwh_it": water, "rtt_ms_weighted": rtt, "pop_within_slo_fraction": within,
        "dark_fraction": dark, "longest_dark_h": longest, "lcoe_usd_per_mwh_it": lcoe,
    }
    extra = {"economizer_fraction": econ, "nearest_station_id": clim.nearest_station_id,
             "nearest_station_km": clim.nearest_station_km}
    return SiteScores(columns, dev, L.slo_rtt_ms, extra)
