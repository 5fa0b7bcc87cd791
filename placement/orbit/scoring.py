"""Scoring orbital shells: eclipse, power, cooling, mass, launch cost, latency, levelized cost."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from placement.bounds import check
from placement.catalogs.validation import (
    EPHEMERIS_LAST_DATE,
    InputError,
    require_choice,
    require_date,
    require_number,
)
from placement.device import DEVICES, resolve_device
from placement.earth.demand import DemandPoints
from placement.kernels import latency
from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM
from placement.kernels.targets import launch
from placement.latency.demand_rtt import demand_unit_vectors
from placement.orbit.design import design_eclipses, shell_economics_of
from placement.orbit.eclipses import eclipses_by_shell, plane_eclipses
from placement.orbit.planes import gmst_rad, plane_elements, time_grid
from placement.orbit.shells import Shell, check_shell
from placement.parameters import Parameters, check_parameters
from placement.score_table import ScoreTable

SHELL_FIELDS = (
    "id", "altitude_km", "inclination_deg", "ltan_h", "eclipse_fraction", "umbra_fraction",
    "max_eclipse_min", "eclipse_season_days", "beta_deg_min", "beta_deg_max", "array_m2_per_mw",
    "radiator_m2_per_mw", "battery_kwh_per_mw", "mass_t_per_mw", "launch_cost_usd_per_mw",
    "dose_krad_per_yr", "rtt_ms_weighted", "coverage_fraction", "lcoe_usd_per_mwh_it",
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
    SLO (:func:`placement.kernels.latency.shell_demand_latency`; the lead plane over ``days``)."""


    p = parameters or Parameters()
    pe = elements if elements is not None else plane_elements(shells, start, max_planes=1)
    lead = pe.lead_plane_of_each_shell(len(shells))
    n_lat = max(int(round(days * 86400.0 / step_s)), 1)
    dx, dy, dz = demand_unit_vectors(demand, device)
    alt = np.array([s.altitude_km for s in shells], float)
    inclination = pe.inclination_rad[lead]
    min_elevation = math.radians(p.orbit.min_elevation_deg)
    visibility = np.empty((len(shells), len(demand)))
    launch(device, latency.shell_visibility_probability, latency.shell_visibility, len(shells),
           altitude_km=alt, inclination_rad=inclination, n_satellites=np.array([float(s.satellites) for s in shells]),
           demand_lat_rad=np.radians(demand.lat_deg), min_elevation_rad=min_elevation,
           earth_radius_km=EARTH_EQUATORIAL_RADIUS_KM, out_probability=visibility)
    r = launch(device, latency.shell_demand_latency, latency.shell_latency, len(shells),
               altitude_km=alt, inclination_rad=inclination, raan0_rad=pe.raan0_rad[lead],
               raan_rate_rad_s=pe.raan_rate_rad_s[lead], u0_rad=pe.u0_rad[lead], u_rate_rad_s=pe.u_rate_rad_s[lead],
               visibility=visibility, time_s=np.arange(n_lat) * float(step_s),
               gmst_rad=gmst_rad(time_grid(start, n_lat, step_s)), demand_x=dx, demand_y=dy, demand_z=dz,
               demand_weight=demand.weight, min_elevation_rad=min_elevation,
               earth_radius_km=EARTH_EQUATORIAL_RADIUS_KM, overhead_ms=p.latency.profile("great_circle").overhead_ms,
               slo_rtt_ms=p.latency.slo_rtt_ms)
    return r["rtt_ms_weighted"], r["coverage_fraction"], r["within_slo_fraction"]


#: Most eclipse samples (computed planes x time samples) scored without asking for more.
MAX_SHELL_SAMPLES = 2_000_000_000


#: Most time samples in one scoring span (the Sun's position is held in memory per sample).
MAX_TIME_SAMPLES = 20_000_000


#: Fewest time samples a score may rest on.
MIN_TIME_SAMPLES = 10


def check_shell_work(shells, days: float, step_s: float, *, max_planes: int = 12, allow: bool = False) -> int:
    """The eclipse samples a score of ``shells`` takes; past :data:`MAX_SHELL_SAMPLES` (or with more than
    :data:`MAX_TIME_SAMPLES` time samples) an :class:`InputError` says the size, unless ``allow``."""

    n = int(round(days * 86400.0 / step_s))
    if n < MIN_TIME_SAMPLES:
        raise InputError("score_shells", "days", days, f"{days * 86400.0 / step_s:.3g} samples at {step_s:g} s; at "
                                                       f"least {MIN_TIME_SAMPLES} are needed (a longer span or a "
                                                       f"shorter step)")
    planes = sum(1 if s.sun_synchronous or s.planes == 1 else min(s.planes, max_planes) for s in shells)
    work = n * planes
    if n > MAX_TIME_SAMPLES:
        raise InputError("score_shells", "step_s", step_s, f"{n:,} time samples over {days:g} days; at most "
                                                            f"{MAX_TIME_SAMPLES:,}: use a longer step")
    if work > MAX_SHELL_SAMPLES and not allow:
        raise InputError("score_shells", "step_s", step_s, f"{planes:,} orbit planes x {n:,} samples = {work:,} "
                                                            f"samples, more than {MAX_SHELL_SAMPLES:,}: allow it "
                                                            f"(--yes), or sample less")
    return work


def _check_score_arguments(shells, demand, start, days, step_s, max_planes, latency_step_s):
    """The shared checks of :func:`score_shells` (InputError naming the argument and value)."""


    where = "score_shells"
    if not isinstance(shells, (list, tuple)) or not all(isinstance(s, Shell) for s in shells):
        raise InputError(where, "shells", None, "must be a list of Shell (placement.make_shell, placement.load_shells)")
    for k, shell in enumerate(shells):
        check_shell(where, shell, f"shells[{k}]")
    if not isinstance(demand, DemandPoints):
        raise InputError(where, "demand", None, "must be DemandPoints (placement.demand_points)")
    days = check(where, "days", days)
    step_s = check(where, "step_s", step_s)
    require_number(where, "max_planes", max_planes, positive=True, integer=True, high=10_000)
    check(where, "latency_step_s", latency_step_s)
    end = start.utc_datetime().replace(tzinfo=None) + dt.timedelta(days=days)
    if end > dt.datetime.fromisoformat(EPHEMERIS_LAST_DATE):
        raise InputError(where, "days", days, f"the span ends after the ephemeris ({EPHEMERIS_LAST_DATE})")
    check_shell_work(shells, days, step_s, max_planes=max_planes, allow=True)


def _start_time(start):
    """``score_shells``' start as a Skyfield ``Time``: a UTC date text or ``datetime`` within the
    ephemeris, or a scalar ``Time``; anything else is an :class:`InputError`."""
    from skyfield.timelib import Time

    if isinstance(start, (str, dt.date)):
        from placement.earth.ephemeris import parse_start

        return parse_start("score_shells", start)
    if not isinstance(start, Time) or getattr(start, "shape", ()) != ():
        raise InputError("score_shells", "start", start if isinstance(start, (int, float)) else None,
                         f"must be a UTC date 'YYYY-MM-DD[THH:MM]' or one skyfield Time, not {type(start).__name__}")
    require_date("score_shells", "start", start.utc_datetime().replace(tzinfo=None))
    return start


def score_shells(shells: list[Shell], demand: DemandPoints, *, start, days: float = 365.0,
                 step_s: float = 60.0, parameters: Parameters | None = None, device: str = "auto",
                 max_planes: int = 12, latency_step_s: float = 300.0) -> ShellScores:
    """Score orbital shells: eclipse, power, cooling, mass, launch cost, latency and levelized cost.

    Eclipses: one satellite per plane (:mod:`placement.kernels.eclipse`), up to ``max_planes``
    evenly spaced planes per shell, in Earth's conical umbra and penumbra with the Sun from
    DE421. Latency: the shell's lead satellite over one day at ``latency_step_s`` against the
    demand points.

    Parameters
    ----------
    shells : list of Shell
        The shells (:func:`placement.load_shells`, :func:`placement.make_shell`).
    demand : DemandPoints
        Weighted demand points (:func:`placement.demand_points`).
    start : str, datetime.datetime or skyfield.timelib.Time
        First sample, UTC ('YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM'; one Time, not an array).
    days : float
        Span sampled for the eclipse statistics [days].
    step_s : float
        Sample spacing [s].
    parameters : Parameters, optional
        Spacecraft, launch and cost parameters; defaults from :mod:`placement.parameters`.
    device : {'auto', 'cpu', 'cuda'}
        Where the kernels run.
    max_planes : int
        Most planes computed per shell [-] (evenly spaced subset of a Walker shell).
    latency_step_s : float
        Sample spacing of the latency estimate [s].

    Returns
    -------
    ShellScores
        The shell JSON fields of DESIGN.md: eclipse fractions [-], longest eclipse [min], beta
        range [deg], array and radiator area [m^2/MW], battery [kWh/MW], mass [t/MW], launch
        cost [USD/MW], demand-weighted RTT [ms], coverage [-], levelized cost [USD/MWh_IT].

    Raises
    ------
    InputError
        Checked first: ``shells`` not a list of Shell, or a shell whose values :func:`placement.make_shell`
        would refuse (``score_shells: shells[2].altitude_km``); ``demand`` not DemandPoints,
        ``parameters`` not Parameters; a start that is not a UTC date (text, datetime or one
        skyfield Time) within the ephemeris (1900-2050), a span past it, days not in (0, 3660], a
        step outside [1, 3600] s, ``max_planes`` or ``latency_step_s`` out of bounds (booleans are
        not numbers), more than 20 million time samples, an unknown device. Then a ``cuda``
        device without a usable GPU.

    References
    ----------
    .. [1] Montenbruck, O. & Gill, E. (2000). Satellite Orbits, sec. 3.4.2 (conical shadow).
    .. [2] Vallado, D. (2013). Fundamentals of Astrodynamics and Applications, 4th ed.,
       eqs. 9-41, 9-42 (J2 secular rates).
    .. [3] Wertz, J. & Larson, W. (1999). Space Mission Analysis and Design, 3rd ed. (coverage,
       radiators, power).
    """
    require_choice("score_shells", "device", device, DEVICES)
    check_parameters("score_shells", parameters)  # the rules of a scenario's [parameters] tables
    start = _start_time(start)
    _check_score_arguments(shells, demand, start, days, step_s, max_planes, latency_step_s)
    p = parameters or Parameters()
    dev = resolve_device(device)
    n = max(int(round(days * 86400.0 / step_s)), 1)


    pe = plane_elements(shells, start, max_planes=max_planes)
    ecl = eclipses_by_shell(plane_eclipses(pe, start, n, step_s, dev), pe, len(shells))
    design = design_eclipses(shells, start, dev, max_planes=max_planes)
    money = shell_economics_of(shells, design, p, dev)
    rtt, coverage, within = shell_demand_rtt_ms(shells, demand, start=start, parameters=p, device=dev,
                                                days=min(days, 1.0), step_s=latency_step_s, elements=pe)
    columns = {
        "id": np.array([s.id for s in shells]),
        "altitude_km": np.array([s.altitude_km for s in shells], float),
        "inclination_deg": np.array([s.inclination_deg for s in shells], float),
        "ltan_h": np.array([s.ltan_h for s in shells], dtype=object),
        "eclipse_fraction": ecl["eclipse_fraction"],
        "umbra_fraction": ecl["umbra_fraction"],
        "max_eclipse_min": ecl["max_eclipse_s"] / 60.0,
        "eclipse_season_days": ecl["eclipse_season_days"],
        "beta_deg_min": ecl["beta_deg_min"],
        "beta_deg_max": ecl["beta_deg_max"],
        "array_m2_per_mw": money["array_m2_per_mw"],
        "radiator_m2_per_mw": money["radiator_m2_per_mw"],
        "battery_kwh_per_mw": money["battery_kwh_per_mw"],
        "mass_t_per_mw": money["mass_t_per_mw"],
        "launch_cost_usd_per_mw": money["launch_cost_usd_per_mw"],
        "dose_krad_per_yr": money["dose_krad_per_yr"],
        "rtt_ms_weighted": rtt,
        "coverage_fraction": coverage,
        "lcoe_usd_per_mwh_it": money["lcoe_usd_per_mwh_it"],
    }
    extra = {
        "name": np.array([s.name for s in shells]),
        "capacity_mw": np.array([s.capacity_mw for s in shells]),
        "pop_within_slo_fraction": within,
        "capex_usd_per_mw": money["capex_usd_per_mw"],
        "life_yr": money["life_yr"],
        "depth_of_discharge": money["depth_of_discharge"],
        "capacity_factor": money["capacity_factor"],
        "launch_usd_per_mwh_it": money["launch_usd_per_mwh_it"],
        "hardware_usd_per_mwh_it": money["hardware_usd_per_mwh_it"],
        "design_max_eclipse_min": design["max_eclipse_s"] / 60.0,
        "eclipse_cycles_per_yr": design["eclipse_cycles_per_yr"],
        "design_span_days": design["design_span_days"],
        "launch_usd_per_kg": np.full(len(shells), p.orbit.launch_price_usd_per_kg),
        "day_eclipse_min_per_orbit": ecl["day_eclipse_min_per_orbit"],
        "period_min": ecl["period_min"],
    }
    return ShellScores(columns, dev, start.utc_iso(), float(days), float(step_s), extra)
