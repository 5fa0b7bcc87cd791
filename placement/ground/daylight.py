"""Dark time at ground sites: share of the year with the Sun below the horizon and the longest
dark stretch, for on-site solar with storage."""
from __future__ import annotations

from placement.earth.ephemeris import sun_unit_vectors_itrs
from placement.kernels import daylight
from placement.kernels.targets import launch
from placement.parameters import Parameters


def dark_time_of(lat_deg, lon_deg, parameters: Parameters, device: str) -> dict:
    """Share of the year with the sun below the horizon [-] and the longest dark stretch [h]
    (:func:`placement.kernels.daylight.dark_time`, Sun from Skyfield DE421)."""

    d = parameters.daylight
    sun = sun_unit_vectors_itrs(int(d.year), float(d.step_h))
    return launch(device, daylight.dark_time, daylight.dark_time_site, lat_deg.size, lat_deg=lat_deg,
                  lon_deg=lon_deg, sun_xyz=sun, step_h=float(d.step_h), threshold_deg=d.threshold_deg)
