"""The calibrated ground latency model (public: :func:`ground_rtt_ms`)."""
from __future__ import annotations

import numpy as np

from placement.catalogs.validation import require_array
from placement.kernels import latency as k
from placement.kernels.targets import launch
from placement.latency.profiles import LatencyParameters, latency_profile
from placement.latency.routes import route_rtt_ms_with

__all__ = ["ground_rtt_ms"]


def ground_rtt_ms(lat1_deg, lon1_deg, lat2_deg, lon2_deg, profile: str = "internet", *,
                  latency: LatencyParameters | None = None, device: str = "cpu") -> np.ndarray:
    """Round-trip time over terrestrial and submarine fibre between points.

    ``internet`` and ``backbone``: the fibre path L through the route graph (metros, terrestrial
    fibre, submarine cables; :mod:`placement.latency.route_graph`), RTT = 2 inflation L / v_fibre + overhead
    with the profile's calibration (:mod:`placement.latency.routes`: the public internet fitted on
    WonderProxy minimum RTTs, its L including half the detour through both ends' nearest Internet
    exchanges; a private backbone's shortest path, fitted on Azure's published inter-region RTTs). ``great_circle``: RTT = 2 d route_factor / v_fibre + overhead
    (:mod:`placement.kernels.latency`), ``route_factor`` and ``overhead_ms`` fitted on WonderProxy
    mean RTTs. Held-out errors of each in README.

    Parameters
    ----------
    lat1_deg, lon1_deg : float or array_like
        First end of each route [deg] (broadcast together with the second).
    lat2_deg, lon2_deg : float or array_like
        Second end [deg].
    profile : {'internet', 'backbone', 'great_circle'}
        Latency model (see above).
    latency : LatencyParameters, optional
        A scenario's latency configuration: its fibre speed [km/ms] and overhead [ms] act on every
        profile, its route factor on ``great_circle``; default the shipped calibrations.
    device : {'cpu', 'cuda'}
        Where the kernel runs.

    Returns
    -------
    numpy.ndarray
        Round-trip time [ms], in the broadcast shape of the inputs.

    Raises
    ------
    InputError
        Coordinates that are not finite or outside [-90, 90] / [-180, 180]; an unknown profile;
        a point with no metro within reach of the route graph.

    References
    ----------
    .. [1] Corning SMF-28 Ultra optical fibre data sheet: group index 1.468 at 1550 nm.
    .. [2] WonderProxy, "A day in the life of the internet" pings of 2020-07-19
       (republished in sm86/geo-latency-data).
    .. [3] Microsoft, "Azure network round-trip latency statistics", P50 for the 30 days to
       2025-06-29.
    """
    checked = [require_array("ground_rtt_ms", name, a, low=-bound, high=bound) for name, a, bound in
               (("lat1_deg", lat1_deg, 90), ("lon1_deg", lon1_deg, 180), ("lat2_deg", lat2_deg, 90),
                ("lon2_deg", lon2_deg, 180))]
    p = latency_profile(profile, latency, where="ground_rtt_ms", field="profile")
    if profile != "great_circle":
        return route_rtt_ms_with(p, *checked)
    arrays = np.broadcast_arrays(*checked)
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a).ravel() for a in arrays]
    out = launch(device, k.ground_rtt_ms_pairs, k.ground_rtt_ms_pair, flat[0].size, *flat,
                 route_factor=p.route_factor, overhead_ms=p.overhead_ms, fibre_km_per_ms=p.fibre_km_per_ms)
    return out["rtt_ms"].reshape(shape)
