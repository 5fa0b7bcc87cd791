"""Orbital shells: definitions, published elements, planes and the Sun, eclipses, spacecraft
design, radiation, launch prices, scoring and routed latency.

Modules: :mod:`~placement.orbit.shells` (:class:`Shell`, :func:`make_shell`, the catalog),
:mod:`~placement.orbit.elements` (TLE/OMM), :mod:`~placement.orbit.planes` (time grids, Sun nodes,
plane elements), :mod:`~placement.orbit.eclipses` (eclipse kernel per plane, per shell),
:mod:`~placement.orbit.design` (the spacecraft sized over the shell's worst year),
:mod:`~placement.orbit.radiation` (dose and hardware life), :mod:`~placement.orbit.launch_prices`
(prices by vehicle and year), :mod:`~placement.orbit.scoring` (:func:`score_shells`) and
:mod:`~placement.orbit.routing` (users over inter-satellite links).
"""

from placement import lazy_exports

__all__ = [
    "Shell",
    "make_shell",
    "load_shells",
    "sun_synchronous_inclination_deg",
    "score_shells",
    "ShellScores",
    "shells_from_tle_file",
    "shells_from_omm",
    "launch_usd_per_kg",
    "dose_krad_per_yr",
]

_WHERE = {
    "Shell": "placement.orbit.shells",
    "make_shell": "placement.orbit.shells",
    "load_shells": "placement.orbit.shells",
    "sun_synchronous_inclination_deg": "placement.orbit.shells",
    "score_shells": "placement.orbit.scoring",
    "ShellScores": "placement.orbit.scoring",
    "shells_from_tle_file": "placement.orbit.elements",
    "shells_from_omm": "placement.orbit.elements",
    "launch_usd_per_kg": "placement.orbit.launch_prices",
    "dose_krad_per_yr": "placement.orbit.radiation",
}

__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
