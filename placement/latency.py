"""The calibrated ground latency model (public: :func:`ground_rtt_ms`)."""
from __future__ import annotations

import numpy as np

from placement.parameters import LatencyParameters, Parameters


def ground_rtt_ms(lat1_deg, lon1_deg, lat2_deg, lon2_deg, *, latency: LatencyParameters | None = None,
                  device: str = "cpu") -> np.ndarray:
    """Round-trip time [ms] over terrestrial fibre between points (degrees, broadcastable arrays).

    RTT = 2 d route_factor / v_fibre + overhead (:mod:`placement.kernels.latency`), with
    ``route_factor`` and ``overhead_ms`` calibrated on WonderProxy pings
    (:mod:`placement.latency_calibration`; held-out error in README).
    """
    from placement.kernels import latency as k
    from placement.kernels.targets import launch

    p = latency or Parameters().latency
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (lat1_deg, lon1_deg, lat2_deg, lon2_deg)))
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a).ravel() for a in arrays]
    out = launch(device, k.ground_rtt_ms_pairs, k.ground_rtt_ms_pair, flat[0].size, *flat,
                 route_factor=p.route_factor, overhead_ms=p.overhead_ms, fibre_km_per_ms=p.fibre_km_per_ms)
    return out["rtt_ms"].reshape(shape)
