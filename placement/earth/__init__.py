"""The Earth and the Sun as every other room sees them: points on the mean sphere and great
circles, where users are (demand points), data-residency regions, and the Sun from DE421.

Modules: :mod:`~placement.earth.great_circles` (unit vectors, distances, land mask),
:mod:`~placement.earth.demand` (demand regions as weighted points, country lookup),
:mod:`~placement.earth.residency` (residency polygons), :mod:`~placement.earth.ephemeris`
(Skyfield timescale, DE421 and Sun directions; start times).
"""

from placement import lazy_exports

__all__ = [
    "demand_points",
    "DemandPoints",
    "great_circle_km",
    "unit_vectors",
    "load_residency_regions",
    "parse_start",
    "timescale",
]

_WHERE = {
    "demand_points": "placement.earth.demand",
    "DemandPoints": "placement.earth.demand",
    "great_circle_km": "placement.earth.great_circles",
    "unit_vectors": "placement.earth.great_circles",
    "load_residency_regions": "placement.earth.residency",
    "parse_start": "placement.earth.ephemeris",
    "timescale": "placement.earth.ephemeris",
}

__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
