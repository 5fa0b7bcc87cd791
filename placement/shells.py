"""Scoring orbital shells: eclipse, power, cooling, mass, launch cost, latency, levelized cost."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from placement.demand import DemandPoints
from placement.orbits import Shell, gmst_rad, plane_elements, sun_position_teme_km, time_grid
from placement.parameters import Parameters
from placement.tables import ScoreTable

SHELL_FIELDS = (
    "id", "altitude_km", "inclination_deg", "ltan_h", "eclipse_fraction", "umbra_fraction",
    "max_eclipse_min", "eclipse_season_days", "beta_deg_min", "beta_deg_max", "array_m2_per_mw",
    "radiator_m2_per_mw", "battery_kwh_per_mw", "mass_t_per_mw", "launch_cost_usd_per_mw",
    "rtt_ms_weighted", "coverage_fraction", "lcoe_usd_per_mwh_it",
)


@dataclass(frozen=True)
class ShellScores(ScoreTable):
    """Scores of orbital shells: one numpy column per JSON field (DESIGN.md), plus context.

    ``day_eclipse_min_per_orbit`` (shells x days): mean minutes in shadow per orbit on each day
    (worst plane), for the eclipse-season chart.
    """

    FIELDS = SHELL_FIELDS

    columns: dict
    device: str
    start_utc: str
    days: float
    step_s: float
    extra: dict = field(default_factory=dict)


def shell_demand_rtt_ms(shells: list[Shell], demand: DemandPoints, *, start, parameters: Parameters | None = None,
                        device: str = "cpu", days: float = 1.0, step_s: float = 300.0, elements=None):
    """Demand-weighted RTT [ms] from ``demand`` to each shell's compute cluster, the share of
    demand-weighted time with a satellite in view, and the share of served demand within the
    SLO (:func:`kernels.latency.shell_demand_latency`; the lead plane over ``days``)."""
    import math

    from kernels import geodesy, latency
    from kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM
    from kernels.targets import launch

    p = parameters or Parameters()
    pe = elements if elements is not None else plane_elements(shells, start, max_planes=1)
    idx = pe.shell_index
    n_shells = len(shells)
    lead = np.array([int(np.flatnonzero(idx == s)[0]) for s in range(n_shells)], dtype=np.int64)
    n_lat = max(int(round(days * 86400.0 / step_s)), 1)
    t_lat = time_grid(start, n_lat, step_s)
    time_s = np.arange(n_lat) * float(step_s)
    gmst = gmst_rad(t_lat)
    dx, dy, dz = (np.empty(len(demand)) for _ in range(3))
    launch(device, geodesy.unit_vectors, geodesy.unit_vector_row, len(demand),
           (demand.lat_deg, demand.lon_deg, dx, dy, dz), outputs=(2, 3, 4))
    rtt, coverage, within = (np.empty(n_shells) for _ in range(3))
    alt = np.array([s.altitude_km for s in shells], float)
    n_sats = np.array([float(s.satellites) for s in shells])
    inclination = pe.inclination_rad[lead].copy()
    demand_lat = np.radians(demand.lat_deg)
    min_elevation = math.radians(p.orbit.min_elevation_deg)
    visibility = np.empty((n_shells, len(demand)))
    launch(device, latency.shell_visibility_probability, latency.shell_visibility, n_shells,
           (alt, inclination, n_sats, demand_lat, min_elevation, EARTH_EQUATORIAL_RADIUS_KM, visibility),
           outputs=(6,))
    args = (alt, inclination, pe.raan0_rad[lead].copy(), pe.raan_rate_rad_s[lead].copy(),
            pe.u0_rad[lead].copy(), pe.u_rate_rad_s[lead].copy(), visibility, time_s, gmst, dx, dy, dz,
            demand.weight, min_elevation, EARTH_EQUATORIAL_RADIUS_KM, p.latency.overhead_ms,
            p.latency.slo_rtt_ms, rtt, coverage, within)
    launch(device, latency.shell_demand_latency, latency.shell_latency, n_shells, args, outputs=(17, 18, 19))
    return rtt, coverage, within


def score_shells(shells: list[Shell], demand: DemandPoints, *, start, days: float = 365.0,
                 step_s: float = 60.0, parameters: Parameters | None = None, device: str = "auto",
                 max_planes: int = 12, latency_step_s: float = 300.0) -> ShellScores:
    """Score orbital shells over ``days`` from ``start`` (Skyfield Time, or 'YYYY-MM-DD[THH:MM]' UTC)
    at ``step_s`` [s].

    Eclipses: one satellite per plane (:mod:`kernels.eclipse`), up to ``max_planes``
    evenly spaced planes per shell. Latency: the shell's lead satellite over one
    day at ``latency_step_s`` against the demand points. Returns the shell JSON
    fields of DESIGN.md.
    """
    import math

    from kernels import eclipse, spacecraft
    from kernels.targets import launch
    from placement.device import resolve_device

    if isinstance(start, str):
        from placement.orbits import parse_start

        start = parse_start("start", start)
    p = parameters or Parameters()
    dev = resolve_device(device)
    n_shells = len(shells)
    n = max(int(round(days * 86400.0 / step_s)), 1)
    samples_per_day = max(int(round(86400.0 / step_s)), 1)
    n_days = int(math.ceil(n / samples_per_day))

    pe = plane_elements(shells, start, max_planes=max_planes)
    sx, sy, sz = sun_position_teme_km(start, n, step_s)
    m = pe.a_km.size
    ecl, umb, longest, bmin, bmax = (np.empty(m) for _ in range(5))
    day_frac = np.zeros((m, n_days))
    args = (pe.a_km, pe.inclination_rad, pe.raan0_rad, pe.raan_rate_rad_s, pe.u0_rad, pe.u_rate_rad_s,
            sx, sy, sz, float(step_s), samples_per_day, ecl, umb, longest, bmin, bmax, day_frac)
    launch(dev, eclipse.plane_eclipses, eclipse.plane_eclipse, m, args, outputs=(11, 12, 13, 14, 15, 16))

    idx = pe.shell_index
    count = np.bincount(idx, minlength=n_shells).astype(float)

    def mean_by_shell(x):
        return np.bincount(idx, weights=x, minlength=n_shells) / count

    def reduce_by_shell(x, fn):
        out = np.full(n_shells, np.nan)
        for s in range(n_shells):
            out[s] = fn(x[idx == s])
        return out

    period_min = 2 * np.pi / pe.u_rate_rad_s / 60.0
    day_min = day_frac * period_min[:, None]
    shell_day_min = np.vstack([day_min[idx == s].max(axis=0) for s in range(n_shells)]) if m else np.zeros((0, n_days))
    season_days = (shell_day_min > 0).sum(axis=1).astype(float)
    eclipse_fraction = mean_by_shell(ecl)
    umbra_fraction = mean_by_shell(umb)
    max_eclipse_s = reduce_by_shell(longest, np.max)
    beta_min = reduce_by_shell(bmin, np.min)
    beta_max = reduce_by_shell(bmax, np.max)
    beta_abs_mean = np.where((beta_min < 0) & (beta_max > 0), 0.5 * np.maximum(np.abs(beta_min), np.abs(beta_max)),
                             0.5 * (np.abs(beta_min) + np.abs(beta_max)))

    o = p.orbit
    k = p.cost
    alt = np.array([s.altitude_km for s in shells], float)
    life_design = np.array([s.design_life_yr for s in shells], float)
    outs = [np.empty(n_shells) for _ in range(8)]
    args = (alt, life_design, eclipse_fraction, max_eclipse_s, beta_abs_mean,
            o.bus_overhead, o.battery_round_trip_efficiency, o.cell_efficiency, o.packing_factor,
            o.pointing_factor, o.degradation_base_per_yr, o.degradation_belt_per_yr, o.depth_of_discharge,
            o.discharge_efficiency, o.radiator_temp_c, o.radiator_emissivity, o.radiator_solar_absorptivity,
            o.array_kg_per_m2, o.radiator_kg_per_m2, o.battery_wh_per_kg, o.compute_kg_per_kw,
            o.structure_fraction, o.spacecraft_cost_usd_per_kg, o.launch_cost_usd_per_kg, o.geo_launch_factor,
            k.discount_rate, o.opex_fraction_per_yr, k.carbon_price_usd_per_t, *outs)
    launch(dev, spacecraft.shell_economics, spacecraft.shell_economics_row, n_shells, args,
           outputs=tuple(range(28, 36)))
    array_m2, radiator_m2, battery_kwh, mass_t, launch_usd, capex_usd, life_yr, lcoe = outs

    rtt, coverage, within = shell_demand_rtt_ms(shells, demand, start=start, parameters=p, device=dev,
                                                days=min(days, 1.0), step_s=latency_step_s, elements=pe)

    columns = {
        "id": np.array([s.id for s in shells]),
        "altitude_km": alt,
        "inclination_deg": np.array([s.inclination_deg for s in shells], float),
        "ltan_h": np.array([s.ltan_h for s in shells], dtype=object),
        "eclipse_fraction": eclipse_fraction,
        "umbra_fraction": umbra_fraction,
        "max_eclipse_min": max_eclipse_s / 60.0,
        "eclipse_season_days": season_days,
        "beta_deg_min": beta_min,
        "beta_deg_max": beta_max,
        "array_m2_per_mw": array_m2,
        "radiator_m2_per_mw": radiator_m2,
        "battery_kwh_per_mw": battery_kwh,
        "mass_t_per_mw": mass_t,
        "launch_cost_usd_per_mw": launch_usd,
        "rtt_ms_weighted": rtt,
        "coverage_fraction": coverage,
        "lcoe_usd_per_mwh_it": lcoe,
    }
    extra = {
        "name": np.array([s.name for s in shells]),
        "capacity_mw": np.array([s.capacity_mw for s in shells]),
        "pop_within_slo_fraction": within,
        "capex_usd_per_mw": capex_usd,
        "life_yr": life_yr,
        "day_eclipse_min_per_orbit": shell_day_min,
        "period_min": np.array([period_min[np.flatnonzero(idx == s)[0]] for s in range(n_shells)]),
    }
    return ShellScores(columns, dev, start.utc_iso(), float(days), float(step_s), extra)
