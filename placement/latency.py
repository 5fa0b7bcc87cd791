"""The calibrated ground latency model (public: :func:`ground_rtt_ms`)."""
from __future__ import annotations

import numpy as np

from placement.parameters import LatencyParameters, Parameters


def ground_rtt_ms(lat1_deg, lon1_deg, lat2_deg, lon2_deg, *, latency: LatencyParameters | None = None,
                  device: str = "cpu") -> np.ndarray:
    """Round-trip time [ms] over terrestrial fibre between points (degrees, broadcastable arrays).

    RTT = 2 d route_factor / v_fibre + overhead (:mod:`kernels.latency`), with
    ``route_factor`` and ``overhead_ms`` calibrated on WonderProxy pings
    (:mod:`placement.latency_calibration`; held-out error in README).
    """
    from kernels import latency as k
    from kernels.targets import launch

    p = latency or Parameters().latency
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (lat1_deg, lon1_deg, lat2_deg, lon2_deg)))
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a).ravel() for a in arrays]
    out = np.empty(flat[0].size)
    args = (*flat, p.route_factor, p.overhead_ms, p.fibre_km_per_ms, out)
    launch(device, k.ground_rtt_ms_pairs, k.ground_rtt_ms_pair, out.size, args, outputs=(7,))
    return out.reshape(shape)
