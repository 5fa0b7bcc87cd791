"""The calibrated ground latency model (public: :func:`ground_rtt_ms`)."""
from __future__ import annotations

import numpy as np

from placement.bounds import check_work
from placement.catalogs.validation import InputError, require_array, require_bool, require_choice
from placement.device import DEVICES, resolve_device
from placement.kernels import latency as k
from placement.kernels.targets import launch
from placement.latency.profiles import LatencyParameters, latency_profile
from placement.latency.routes import route_rtt_ms_with

__all__ = ["ground_rtt_ms"]


def ground_rtt_ms(lat1_deg, lon1_deg, lat2_deg, lon2_deg, profile: str = "internet", *,
                  latency: LatencyParameters | None = None, device: str = "cpu",
                  allow_large: bool = False) -> np.ndarray:
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
    device : {'cpu', 'cuda', 'auto'}
        Where the kernel runs (``auto``: a usable GPU, else the CPU).
    allow_large : bool
        Compute more than :data:`placement.bounds.WORK_LIMITS` ``["latency_points"]`` (2,000,000)
        routes (the broadcast size of the inputs; about 60 ns each on two cores for
        ``great_circle``, far more over the route graph); otherwise such a call raises
        :class:`InputError` before any work.

    Returns
    -------
    numpy.ndarray
        Round-trip time [ms], in the broadcast shape of the inputs.

    Raises
    ------
    InputError
        Checked first: coordinates that are not numbers (booleans are not), not finite or outside
        [-90, 90] / [-180, 180] (named ``ground_rtt_ms: lat1_deg[3]``); shapes that do not
        broadcast together; more than 2,000,000 routes without ``allow_large``; an unknown
        profile; ``latency`` not LatencyParameters; an unknown device; ``allow_large`` not
        true/false. Then: ``device='cuda'`` without a usable GPU; a point with no metro within
        reach of the route graph.

    References
    ----------
    .. [1] Corning SMF-28 Ultra optical fibre data sheet: group index 1.468 at 1550 nm.
    .. [2] WonderProxy, "A day in the life of the internet" pings of 2020-07-19
       (republished in sm86/geo-latency-data).
    .. [3] Microsoft, "Azure network round-trip latency statistics", P50 for the 30 days to
       2025-06-29.
    """
    where = "ground_rtt_ms"
    require_bool(where, "allow_large", allow_large)
    require_choice(where, "device", device, DEVICES)
    if latency is not None and not isinstance(latency, LatencyParameters):
        raise InputError(where, "latency", None, f"must be LatencyParameters or None, not {type(latency).__name__}")
    names = ("lat1_deg", "lon1_deg", "lat2_deg", "lon2_deg")
    checked = [require_array(where, name, a, low=-bound, high=bound) for name, a, bound in
               zip(names, (lat1_deg, lon1_deg, lat2_deg, lon2_deg), (90, 180, 90, 180))]
    try:
        shape = np.broadcast_shapes(*(a.shape for a in checked))
    except ValueError:
        raise InputError(where, "lat2_deg", None, "the shapes of the four coordinates do not broadcast together "
                                                  f"({', '.join(f'{n} {a.shape}' for n, a in zip(names, checked))})"
                         ) from None
    count = int(np.prod(shape, dtype=np.int64))
    check_work(where, "lat1_deg", count, "latency_points", allow_large, f"{count:,} routes")
    p = latency_profile(profile, latency, where=where, field="profile")
    device = resolve_device(device)
    if profile != "great_circle":
        return route_rtt_ms_with(p, *checked)
    arrays = np.broadcast_arrays(*checked)
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a).ravel() for a in arrays]
    out = launch(device, k.ground_rtt_ms_pairs, k.ground_rtt_ms_pair, flat[0].size, *flat,
                 route_factor=p.route_factor, overhead_ms=p.overhead_ms, fibre_km_per_ms=p.fibre_km_per_ms)
    return out["rtt_ms"].reshape(shape)
