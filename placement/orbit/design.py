"""Sizing a shell's spacecraft from the shell itself, not from the span a user scores.

Storage and arrays are sized for the worst eclipse the shell meets over a full year, or over a
full cycle of its orbit plane's precession relative to the Sun where that is longer (capped at
three years); the battery's depth of discharge follows from the eclipse passes per year over
the life; the dose per year (:mod:`placement.orbit.radiation`) shortens the life where the compute's
tolerance runs out first. So a 30-day and a 365-day score of one shell price the same
spacecraft (:func:`design_eclipses`, :func:`shell_economics_of`).
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np

from placement.catalogs.validation import EPHEMERIS_LAST_DATE
from placement.earth.ephemeris import timescale
from placement.kernels import spacecraft
from placement.kernels.targets import launch
from placement.orbit.eclipses import plane_eclipses
from placement.orbit.planes import plane_elements
from placement.orbit.radiation import dose_krad_per_yr as dose_of

#: Shortest design span [days]: a full year of seasons.
DESIGN_YEAR_DAYS = 365.25
#: Longest design span [days] (a plane precessing almost with the Sun takes longer).
MAX_DESIGN_DAYS = 3 * 365.25
#: Sample spacing of the design pass [s] (entry and exit fall between samples by interpolation).
DESIGN_STEP_S = 60.0
#: The Sun's mean motion in right ascension [rad/s] (one tropical year, 365.2422 days).
SUN_MEAN_RATE_RAD_S = 2.0 * math.pi / (365.2422 * 86400.0)


def relative_precession_cycle_days(raan_rate_rad_s: float) -> float:
    """Days for an orbit plane's node to go once round relative to the mean Sun (inf when it
    keeps pace, as a sun-synchronous plane does)."""
    rel = abs(raan_rate_rad_s - SUN_MEAN_RATE_RAD_S)
    return math.inf if rel < 1e-15 else 2.0 * math.pi / rel / 86400.0


def design_span_days(shell, raan_rate_rad_s: float) -> float:
    """The span [days] a shell is sized over: a year for a sun-synchronous shell (its geometry
    repeats yearly), else a year or one relative precession cycle, whichever is longer, at most
    :data:`MAX_DESIGN_DAYS`."""
    if shell.sun_synchronous:
        return DESIGN_YEAR_DAYS
    cycle = relative_precession_cycle_days(raan_rate_rad_s)
    return min(max(DESIGN_YEAR_DAYS, cycle), MAX_DESIGN_DAYS)


def design_start(start, span_days: float):
    """The design pass's first instant: ``start``, moved earlier where the span would run past
    the ephemeris (the end of 2049)."""

    last = dt.datetime.fromisoformat(EPHEMERIS_LAST_DATE).replace(tzinfo=dt.timezone.utc)
    begin = start.utc_datetime()
    if begin + dt.timedelta(days=span_days) > last:
        begin = last - dt.timedelta(days=span_days + 1)
        return timescale().from_datetime(begin)
    return start


def design_eclipses(shells: list, start, device: str, max_planes: int = 12) -> dict:
    """Per shell, over its design span from ``start``: the longest shadow pass [s], the worst
    orbit's shadowed share [-] (longest pass over the period), shadow passes per year, the mean
    shadowed share [-], mean |beta| [deg] and the span [days].

    One plane per shell when the span covers a full precession cycle relative to the Sun (every
    plane then meets the same geometry); otherwise the shell's planes, up to ``max_planes``.
    """
    n = len(shells)
    out = {k: np.zeros(n) for k in ("max_eclipse_s", "worst_orbit_eclipse_fraction", "eclipse_cycles_per_yr",
                                    "mean_eclipse_fraction", "beta_abs_mean_deg", "design_span_days")}
    if n == 0:
        return out
    lead = plane_elements(shells, start, max_planes=1)
    spans = np.array([design_span_days(s, lead.raan_rate_rad_s[k]) for k, s in enumerate(shells)])
    for span in np.unique(spans):
        members = [k for k in range(n) if spans[k] == span]
        group = [shells[k] for k in members]
        t0 = design_start(start, span)
        full_cycle = [s.sun_synchronous or relative_precession_cycle_days(lead.raan_rate_rad_s[k]) <= span
                      for k, s in zip(members, group)]
        pe = plane_elements(group, t0, max_planes=max_planes)
        first = _first_plane_of_each(pe.shell_index)
        keep = np.array([p == first[p] or not full_cycle[pe.shell_index[p]] for p in range(pe.shell_index.size)])
        pe = pe.subset(keep)
        samples = int(round(span * 86400.0 / DESIGN_STEP_S))
        planes = plane_eclipses(pe, t0, samples, DESIGN_STEP_S, device)
        period_s = 2.0 * math.pi / pe.u_rate_rad_s
        years = span / 365.25
        for j, k in enumerate(members):
            mine = pe.shell_index == j
            lead_plane = np.flatnonzero(mine)[0]
            bmin, bmax = planes["beta_min_deg"][mine].min(), planes["beta_max_deg"][mine].max()
            out["max_eclipse_s"][k] = planes["max_eclipse_s"][mine].max()
            out["worst_orbit_eclipse_fraction"][k] = min(out["max_eclipse_s"][k] / period_s[lead_plane], 0.95)
            out["eclipse_cycles_per_yr"][k] = planes["eclipse_passes"][lead_plane] / years
            out["mean_eclipse_fraction"][k] = planes["eclipse_fraction"][mine].mean()
            # mean |beta| over a precession cycle: half the largest |beta| when the range spans zero
            out["beta_abs_mean_deg"][k] = (0.5 * max(abs(bmin), abs(bmax)) if bmin < 0 < bmax
                                           else 0.5 * (abs(bmin) + abs(bmax)))
            out["design_span_days"][k] = span
    return out


def _first_plane_of_each(shell_index: np.ndarray) -> np.ndarray:
    """For each plane, the index of its shell's first plane."""
    first = {}
    for p, s in enumerate(shell_index.tolist()):
        first.setdefault(s, p)
    return np.array([first[s] for s in shell_index.tolist()])


def shell_economics_of(shells: list, design: dict, parameters, device: str, *, dose_krad_per_yr=None,
                       **overrides) -> dict:
    """Array, radiator, battery and its depth of discharge, mass, launch cost, capex, life,
    capacity factor and levelized cost (with launch and hardware parts) per shell
    (:func:`placement.kernels.spacecraft.shell_economics`), from :func:`design_eclipses`.

    ``overrides`` replace single kernel constants by name (``launch_usd_per_kg=200.0``; the names
    of :data:`placement.kernels.spacecraft.SHELL_CONSTANTS`), which is how crossover and
    sensitivity curves are drawn without building new parameters.
    """
    o = parameters.orbit
    k = parameters.cost
    solar = o.solar()
    if dose_krad_per_yr is None:
        dose_krad_per_yr = dose_of([s.altitude_km for s in shells], [s.inclination_deg for s in shells],
                                   o.shielding_mm_al) if shells else np.zeros(0)
    constants = dict(
        has_battery=1 if o.storage == "battery" else 0, bus_overhead=o.bus_overhead,
        battery_round_trip_efficiency=o.battery_round_trip_efficiency, cell_efficiency=solar["cell_efficiency"],
        packing_factor=o.packing_factor, pointing_factor=o.pointing_factor,
        degradation_base_per_yr=solar["degradation_per_yr"], degradation_belt_per_yr=o.degradation_belt_per_yr,
        depth_of_discharge=-1.0 if o.depth_of_discharge is None else float(o.depth_of_discharge),
        cycle_life_ref=o.battery_cycle_life_ref, cycle_life_ref_dod=o.battery_cycle_life_ref_dod,
        cycle_life_exponent=o.battery_cycle_life_exponent, max_depth_of_discharge=o.max_depth_of_discharge,
        discharge_efficiency=o.discharge_efficiency, radiator_temp_c=o.radiator_temperature_c,
        radiator_emissivity=o.radiator_emissivity, radiator_solar_absorptivity=o.radiator_solar_absorptivity,
        array_kg_per_m2=solar["array_kg_per_m2"], array_cost_usd_per_w=solar["array_cost_usd_per_w"],
        radiator_kg_per_m2=o.radiator_kg_per_m2, battery_wh_per_kg=o.battery_wh_per_kg,
        compute_kg_per_kw=o.compute_kg_per_kw, structure_fraction=o.structure_fraction,
        spacecraft_cost_usd_per_kg=o.spacecraft_cost_usd_per_kg, launch_usd_per_kg=o.launch_price_usd_per_kg,
        geo_launch_factor=o.geo_launch_factor, compute_tid_limit_krad=o.compute_tid_limit_krad,
        discount_rate=k.discount_rate, opex_fraction_per_yr=o.opex_fraction_per_yr,
        it_capex_usd_per_mw=k.it_capex_usd_per_mw, it_load_factor=k.it_load_factor)
    unknown = set(overrides) - set(spacecraft.SHELL_CONSTANTS)
    if unknown:
        raise TypeError(f"unknown economics overrides: {', '.join(sorted(unknown))}")
    constants.update({name: float(v) for name, v in overrides.items()})
    result = launch(
        device, spacecraft.shell_economics, spacecraft.shell_economics_row, len(shells),
        altitude_km=np.array([s.altitude_km for s in shells], float),
        design_life_yr=np.array([s.design_life_yr for s in shells], float),
        dose_krad_per_yr=np.asarray(dose_krad_per_yr, float),
        worst_orbit_eclipse_fraction=design["worst_orbit_eclipse_fraction"],
        max_eclipse_s=design["max_eclipse_s"], eclipse_cycles_per_yr=design["eclipse_cycles_per_yr"],
        mean_eclipse_fraction=design["mean_eclipse_fraction"], beta_abs_mean_deg=design["beta_abs_mean_deg"],
        constants=spacecraft.pack_shell_constants(**constants))
    result["dose_krad_per_yr"] = np.asarray(dose_krad_per_yr, float)
    return result


__all__ = ["design_eclipses", "design_span_days", "shell_economics_of", "relative_precession_cycle_days",
           "DESIGN_STEP_S", "DESIGN_YEAR_DAYS", "MAX_DESIGN_DAYS"]
