"""Power supply of a campus: how reliable its fleet is, and how fast its megawatts arrive.

**Availability of a fleet.** A fleet of ``n = N + k`` identical units (``N`` needed for the full
load, ``k`` spares), each unavailable with probability ``q`` (its forced-outage rate) independently
of the others, carries the full load while at most ``k`` units are out:

    A_fleet = P(X <= k),   X ~ Binomial(N + k, q)

summed exactly, term by term (:func:`binomial_cdf`; Billinton & Allan 1996, "Reliability
Evaluation of Power Systems", 2nd ed., ch. 2, the capacity outage probability table of identical
units).

**Ride-through.** A battery or UPS that carries the load for ``tau`` hours bridges every outage
shorter than that. With outage durations exponential of mean ``m`` hours, the expected part of an
outage beyond ``tau`` is ``m exp(-tau/m)``, so the share of outage time still lost is
``exp(-tau/m)`` (:func:`ride_through_loss`).

**Grid with backup.** A grid connection is out ``SAIDI / 8760`` of the hours, in outages of mean
``CAIDI = SAIDI / SAIFI`` hours (IEEE Std 1366-2022 indices), plus any agreed curtailment hours of a
flexible connection; backup generation carries those hours unless the backup fleet itself falls
short: ``U = (U_grid exp(-tau/CAIDI) + curtailment / 8760) (1 - A_backup)``.

**Ramp to full power.** A supply delivers a first block ``b`` [MW of IT] at month ``t1`` and then
``r`` MW per month until the campus's ``P`` MW: ``MW(t) = min(P, b + r (t - t1))`` for ``t >= t1``.
Full power at ``t1 + (P - b) / r``. A bridge (turbines until the grid takes over) delivers the larger
of its two ramps. The delay a campus pays for is the megawatt-months not yet online per MW,
``D = integral of (1 - MW(t) / P) dt`` (:func:`ramp_shortfall_months`), exact for piecewise-linear
ramps: ``D = t1 + (P - b)^2 / (2 r P)`` for one ramp.
"""
import math

import numpy as np
from numba import njit, prange
from placement.kernels.targets import pack_constants, scalar

from placement.constants import HOURS_PER_YEAR

#: A ramp that never arrives starts at this month (a bridge without its second supply).
NEVER_MONTHS = 1.0e9


@scalar
def binomial_cdf(k, n, q):
    """P(X <= k) for X ~ Binomial(n, q): the chance that at most ``k`` of ``n`` units are out,
    each out with probability ``q`` [-]; exact sum of the terms C(n, j) q^j (1 - q)^(n - j)."""
    if k < 0:
        return 0.0
    if k >= n or q <= 0.0:
        return 1.0
    if q >= 1.0:
        return 0.0
    log_term = n * math.log1p(-q)  # j = 0
    log_odds = math.log(q) - math.log1p(-q)
    total = 0.0
    j = 0
    while j <= k:
        total += math.exp(log_term)
        log_term += math.log((n - j) / (j + 1.0)) + log_odds
        j += 1
    return min(total, 1.0)


@scalar
def ride_through_loss(ride_through_h, mean_outage_h):
    """Share [-] of outage time a ``ride_through_h`` [h] battery cannot bridge, for exponential
    outage durations of mean ``mean_outage_h`` [h]: exp(-tau / m)."""
    if ride_through_h <= 0.0:
        return 1.0
    if mean_outage_h <= 0.0:
        return 0.0
    return math.exp(-ride_through_h / mean_outage_h)


@scalar
def fleet_availability(needed, spares, forced_outage_rate, loss_after_ride_through):
    """Share of hours [-] a fleet of ``needed + spares`` units carries the full load, after a
    battery bridges outages (``loss_after_ride_through`` from :func:`ride_through_loss`)."""
    if needed <= 0:
        return 1.0
    short = 1.0 - binomial_cdf(spares, needed + spares, forced_outage_rate)
    return 1.0 - short * loss_after_ride_through


@scalar
def fewest_spares(needed, forced_outage_rate, loss_after_ride_through, goal, min_spares, max_spares):
    """The fewest spares in [min_spares, max_spares] whose fleet availability reaches ``goal``
    (``max_spares`` when none does). Availability rises with every spare (one more unit and one
    more allowed outage), so a doubling then a bisection finds it."""
    if fleet_availability(needed, min_spares, forced_outage_rate, loss_after_ride_through) >= goal:
        return min_spares
    lo = min_spares  # fails
    hi = min_spares + 1
    while hi < max_spares and fleet_availability(needed, hi, forced_outage_rate, loss_after_ride_through) < goal:
        lo = hi
        hi = min(2 * hi, max_spares)
    if hi >= max_spares:
        hi = max_spares
        if fleet_availability(needed, hi, forced_outage_rate, loss_after_ride_through) < goal:
            return max_spares
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fleet_availability(needed, mid, forced_outage_rate, loss_after_ride_through) >= goal:
            hi = mid
        else:
            lo = mid
    return hi


@scalar
def ramp_mw(t_months, first_months, first_block_mw, mw_per_month, power_mw):
    """MW online at month ``t_months`` of a ramp (module docstring), as the limit from the right."""
    if t_months < first_months:
        return 0.0
    mw = first_block_mw + mw_per_month * (t_months - first_months)
    return min(mw, power_mw)


@scalar
def ramp_full_months(first_months, first_block_mw, mw_per_month, power_mw):
    """Month [months] a ramp reaches ``power_mw``."""
    if first_block_mw >= power_mw:
        return first_months
    if mw_per_month <= 0.0:
        return NEVER_MONTHS
    return first_months + (power_mw - first_block_mw) / mw_per_month


@scalar
def _ramp_value(t, left, first_months, first_block_mw, mw_per_month, power_mw):
    # the ramp at t from the left (left = 1) or from the right: it jumps to its first block at t1
    if left == 1 and t <= first_months:
        return 0.0
    return ramp_mw(t, first_months, first_block_mw, mw_per_month, power_mw)


@scalar
def ramp_shortfall_months(first_a, block_a, rate_a, first_b, block_b, rate_b, power_mw):
    """Megawatt-months not yet online per MW [months] while the larger of two ramps a and b
    delivers (module docstring); exact: both are linear between their breakpoints, and the larger
    of two lines is integrated piece by piece, split where they cross."""
    end = min(ramp_full_months(first_a, block_a, rate_a, power_mw),
              ramp_full_months(first_b, block_b, rate_b, power_mw))
    if end >= NEVER_MONTHS:
        return NEVER_MONTHS
    online_mw_months = 0.0
    x0 = 0.0
    while x0 < end:
        # the next breakpoint after x0: a ramp's start or its full month, or the end
        x1 = end
        for t in (first_a, first_b, ramp_full_months(first_a, block_a, rate_a, power_mw),
                  ramp_full_months(first_b, block_b, rate_b, power_mw)):
            if x0 < t < x1:
                x1 = t
        a0 = _ramp_value(x0, 0, first_a, block_a, rate_a, power_mw)
        a1 = _ramp_value(x1, 1, first_a, block_a, rate_a, power_mw)
        b0 = _ramp_value(x0, 0, first_b, block_b, rate_b, power_mw)
        b1 = _ramp_value(x1, 1, first_b, block_b, rate_b, power_mw)
        d0, d1 = a0 - b0, a1 - b1
        if d0 * d1 < 0.0:  # the lines cross inside: split there
            xc = x0 + (x1 - x0) * d0 / (d0 - d1)
            mc = a0 + (a1 - a0) * (xc - x0) / (x1 - x0)
            online_mw_months += 0.5 * (max(a0, b0) + mc) * (xc - x0) + 0.5 * (mc + max(a1, b1)) * (x1 - xc)
        else:
            online_mw_months += 0.5 * (max(a0, b0) + max(a1, b1)) * (x1 - x0)
        x0 = x1
    return end - online_mw_months / power_mw


#: Names of the per-call constants of :func:`fleet_spares` (:func:`pack_fleet_constants`).
FLEET_CONSTANTS = ("forced_outage_rate", "loss_after_ride_through", "min_spares", "max_spare_fraction")
FLEET_FORCED_OUTAGE_RATE = FLEET_CONSTANTS.index("forced_outage_rate")
FLEET_LOSS_AFTER_RIDE_THROUGH = FLEET_CONSTANTS.index("loss_after_ride_through")
FLEET_MIN_SPARES = FLEET_CONSTANTS.index("min_spares")
FLEET_MAX_SPARE_FRACTION = FLEET_CONSTANTS.index("max_spare_fraction")


def pack_fleet_constants(**values) -> np.ndarray:
    """The ``constants`` of :func:`fleet_spares`, each of :data:`FLEET_CONSTANTS` once."""
    return pack_constants("fleet_spares", FLEET_CONSTANTS, values)


@scalar
def fleet_spares_site(i, needed_units, goal, constants, out_spares, out_availability):
    """Element ``i`` of :func:`fleet_spares`."""
    needed = int(needed_units[i])
    q = constants[FLEET_FORCED_OUTAGE_RATE]
    loss = constants[FLEET_LOSS_AFTER_RIDE_THROUGH]
    lo = int(constants[FLEET_MIN_SPARES])
    hi = max(lo, int(math.ceil(constants[FLEET_MAX_SPARE_FRACTION] * needed)))
    if goal[i] < 0.0:  # a fixed number of spares (the mix as built)
        k = int(-goal[i]) - 1
    else:
        k = fewest_spares(needed, q, loss, goal[i], lo, hi)
    out_spares[i] = k
    out_availability[i] = fleet_availability(needed, k, q, loss)


@njit(parallel=True, cache=True)
def fleet_spares(needed_units, goal, constants, out_spares, out_availability):
    """Spares and availability of fleets of identical units. Per fleet: units needed for the full
    load [-] and the availability goal [-] (a negative goal ``-(k + 1)`` fixes ``k`` spares).
    ``constants`` (:data:`FLEET_CONSTANTS`): forced-outage rate [-], the share of outage time a
    battery cannot bridge [-], the fewest spares [-] and the most as a share of the units needed [-].
    Writes the spares chosen (the fewest reaching the goal) and the fleet's availability [-]."""
    for i in prange(needed_units.size):
        fleet_spares_site(i, needed_units, goal, constants, out_spares, out_availability)


#: Names of the per-call constants of :func:`supply_site_figures` (:func:`pack_supply_constants`),
#: one supply mix per call: its primary ramp (a grid queue scaled by ``grid_lead_fraction``, or units
#: after ``lead_months``), a bridge ramp (``bridge`` = 1) and the ride-through and curtailment.
SUPPLY_CONSTANTS = (
    "primary_is_grid", "lead_months", "grid_lead_fraction", "first_block_mw", "mw_per_month",
    "bridge", "bridge_lead_months", "bridge_first_block_mw", "bridge_mw_per_month",
    "ride_through_h", "curtailment_h_per_yr", "plant_life_months",
)
SUPPLY_PRIMARY_IS_GRID = SUPPLY_CONSTANTS.index("primary_is_grid")
SUPPLY_LEAD_MONTHS = SUPPLY_CONSTANTS.index("lead_months")
SUPPLY_GRID_LEAD_FRACTION = SUPPLY_CONSTANTS.index("grid_lead_fraction")
SUPPLY_FIRST_BLOCK_MW = SUPPLY_CONSTANTS.index("first_block_mw")
SUPPLY_MW_PER_MONTH = SUPPLY_CONSTANTS.index("mw_per_month")
SUPPLY_BRIDGE = SUPPLY_CONSTANTS.index("bridge")
SUPPLY_BRIDGE_LEAD_MONTHS = SUPPLY_CONSTANTS.index("bridge_lead_months")
SUPPLY_BRIDGE_FIRST_BLOCK_MW = SUPPLY_CONSTANTS.index("bridge_first_block_mw")
SUPPLY_BRIDGE_MW_PER_MONTH = SUPPLY_CONSTANTS.index("bridge_mw_per_month")
SUPPLY_RIDE_THROUGH_H = SUPPLY_CONSTANTS.index("ride_through_h")
SUPPLY_CURTAILMENT_H_PER_YR = SUPPLY_CONSTANTS.index("curtailment_h_per_yr")
SUPPLY_PLANT_LIFE_MONTHS = SUPPLY_CONSTANTS.index("plant_life_months")


def pack_supply_constants(**values) -> np.ndarray:
    """The ``constants`` of :func:`supply_site_figures`, each of :data:`SUPPLY_CONSTANTS` once."""
    return pack_constants("supply_site_figures", SUPPLY_CONSTANTS, values)


@scalar
def grid_unavailability(saidi_h_per_yr, caidi_h, ride_through_h, curtailment_h_per_yr):
    """Share of hours [-] a grid-fed campus needs its backup: interruptions (SAIDI [h/yr] in
    outages of mean CAIDI [h]) a ``ride_through_h`` [h] UPS cannot bridge, plus curtailment [h/yr]."""
    lost = saidi_h_per_yr * ride_through_loss(ride_through_h, caidi_h) + curtailment_h_per_yr
    return min(lost / HOURS_PER_YEAR, 1.0)


@scalar
def supply_site_figures_site(i, it_mw, pue, grid_queue_months, saidi_h_per_yr, caidi_h,
                             primary_availability, backup_availability, bridge_availability, constants,
                             out_availability, out_outage_h_per_yr, out_time_to_power_months,
                             out_time_to_full_power_months, out_delay_months, out_bridge_share,
                             out_steady_availability, out_bridge_until_months):
    """Element ``i`` of :func:`supply_site_figures`."""
    c = constants
    p = it_mw[i]
    facility = pue[i]  # MW of supply per MW of IT
    ride = c[SUPPLY_RIDE_THROUGH_H]
    if c[SUPPLY_PRIMARY_IS_GRID] > 0.5:
        first = grid_queue_months[i] * c[SUPPLY_GRID_LEAD_FRACTION]
        grid_short = grid_unavailability(saidi_h_per_yr[i], caidi_h[i], ride, c[SUPPLY_CURTAILMENT_H_PER_YR])
        steady = 1.0 - grid_short * (1.0 - backup_availability[i])
    else:
        first = c[SUPPLY_LEAD_MONTHS]
        steady = primary_availability[i]
    block = min(c[SUPPLY_FIRST_BLOCK_MW] / facility, p)
    rate = c[SUPPLY_MW_PER_MONTH] / facility
    full = ramp_full_months(first, block, rate, p)
    if c[SUPPLY_BRIDGE] > 0.5:
        b_first = c[SUPPLY_BRIDGE_LEAD_MONTHS]
        b_block = min(c[SUPPLY_BRIDGE_FIRST_BLOCK_MW] / facility, p)
        b_rate = c[SUPPLY_BRIDGE_MW_PER_MONTH] / facility
        delay = ramp_shortfall_months(first, block, rate, b_first, b_block, b_rate, p)
        # the bridge carries the campus until the grid's ramp is complete, over the plant's life
        share = (full - b_first) / c[SUPPLY_PLANT_LIFE_MONTHS]
        share = min(max(share, 0.0), 1.0)
        availability = share * bridge_availability[i] + (1.0 - share) * steady
        bridge_until = full
        first = min(first, b_first)
        full = min(full, ramp_full_months(b_first, b_block, b_rate, p))
    else:
        delay = ramp_shortfall_months(first, block, rate, NEVER_MONTHS, 0.0, 0.0, p)
        share = 0.0
        bridge_until = 0.0
        availability = steady
    out_availability[i] = availability
    out_outage_h_per_yr[i] = (1.0 - availability) * HOURS_PER_YEAR
    out_time_to_power_months[i] = first
    out_time_to_full_power_months[i] = full
    out_delay_months[i] = delay
    out_bridge_share[i] = share
    out_steady_availability[i] = steady
    out_bridge_until_months[i] = bridge_until


@njit(parallel=True, cache=True)
def supply_site_figures(it_mw, pue, grid_queue_months, saidi_h_per_yr, caidi_h,
                        primary_availability, backup_availability, bridge_availability, constants,
                        out_availability, out_outage_h_per_yr, out_time_to_power_months,
                        out_time_to_full_power_months, out_delay_months, out_bridge_share,
                        out_steady_availability, out_bridge_until_months):
    """Availability and ramp of one supply mix at every site (module docstring). Per site: IT load
    [MW], PUE [-] (supply MW per IT MW), months of the grid queue, grid SAIDI [h/yr] and CAIDI [h],
    the availability [-] of the primary fleet (units), of the backup fleet (grid mixes; 0 without
    one) and of the bridge fleet (:func:`fleet_spares`). ``constants``: :data:`SUPPLY_CONSTANTS`
    (ramps in MW of supply per month, lead times in months, ride-through [h], curtailment [h/yr],
    plant life [months]). Writes availability [-] (share of hours with full IT power), expected
    outage [h/yr], months to first and to full power, the delay [MW-months per MW], the share
    of the plant's life on the bridge [-], the availability once the bridge is over [-] and the
    month the bridge runs to (the grid's full power; 0 without a bridge)."""
    for i in prange(it_mw.size):
        supply_site_figures_site(i, it_mw, pue, grid_queue_months, saidi_h_per_yr, caidi_h,
                                 primary_availability, backup_availability, bridge_availability, constants,
                                 out_availability, out_outage_h_per_yr, out_time_to_power_months,
                                 out_time_to_full_power_months, out_delay_months, out_bridge_share,
                                 out_steady_availability, out_bridge_until_months)
