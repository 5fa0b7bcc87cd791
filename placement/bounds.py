"""Bounds of the numbers a user gives, defined once.

The command line, the scenario loader and the API check the same quantity against the same
entry here, so ``step_s = 0.5`` is refused alike from ``--step-s``, a scenario's
``[shells] step_s`` and ``score_shells(step_s=...)`` — each naming its own field.
"""
from __future__ import annotations

from placement.catalogs.validation import require_number

__all__ = ["BOUNDS", "MIN_ALTITUDE_KM", "MAX_ALTITUDE_KM", "MAX_MW", "MAX_DAYS", "WORK_LIMITS", "check", "check_work"]

#: Lowest and highest circular-orbit altitude scored [km]: below 150 km a satellite decays within
#: days; 100,000 km is beyond every shell proposed (GEO is 35,786 km).
MIN_ALTITUDE_KM = 150.0
MAX_ALTITUDE_KM = 100_000.0
#: Largest power a tenant or capacity may state [MW] (a million MW: a thousand 1 GW campuses).
MAX_MW = 1_000_000
#: Longest span scored [days]: ten years.
MAX_DAYS = 3660.0

BOUNDS = {
    "lat_deg": dict(low=-90.0, high=90.0),
    "lon_deg": dict(low=-180.0, high=180.0),
    "min_lat_deg": dict(low=-90.0, high=89.0),
    "resolution_deg": dict(low=0.01, high=30.0),
    "days": dict(positive=True, high=MAX_DAYS),
    # sampling steps [s]: below 1 s the work explodes and nothing physical changes; above an hour
    # eclipses (tens of minutes) are missed
    "step_s": dict(low=1.0, high=3600.0),
    "latency_step_s": dict(low=1.0, high=3600.0),
    "altitude_km": dict(low=MIN_ALTITUDE_KM, high=MAX_ALTITUDE_KM),
    "inclination_deg": dict(low=0.0, high=180.0),
    "mw": dict(low=0, high=MAX_MW, integer=True),
    # how long a wait may last before it is given up [s]: a second to a day
    "timeout_s": dict(low=1.0, high=86_400.0),
}


def check(where: str, field: str, value, quantity: str | None = None):
    """``value`` as a number within the bounds of ``quantity`` (default: ``field``), else
    :class:`~placement.errors.InputError` naming ``where`` and ``field``."""
    return require_number(where, field, value, **BOUNDS[quantity or field])


#: Work done only when told to (the CLI's ``--yes``, the API's ``allow_large=True``): past these a
#: run takes minutes to hours and gigabytes, so it asks first. Plans: demand nodes x capacities x
#: periods (a 10,000-tenant x 2,000-capacity assignment is 20 million, about a minute), and
#: tenants (each is Python work in every period); latency: points through ``ground_rtt_ms``
#: (about 60 ns each on 2 cores); batch chunks: bytes a chunk file may decompress to.
WORK_LIMITS = {
    "plan_pairs": 25_000_000,
    "tenants": 100_000,
    "latency_points": 2_000_000,
}


def check_work(where: str, field: str, count: int, limit: str, allow: bool, what: str) -> None:
    """Refuse ``count`` units of work past ``WORK_LIMITS[limit]`` unless ``allow``: an
    :class:`~placement.errors.InputError` naming the size and how to go on."""
    if allow or count <= WORK_LIMITS[limit]:
        return
    from placement.errors import InputError

    raise InputError(where, field, count, f"{what} is more than {WORK_LIMITS[limit]:,}: add --yes to run it "
                                          f"(API: allow_large=True), or make it smaller")
