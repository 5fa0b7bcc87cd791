"""Ground and orbit latency: the public :func:`ground_rtt_ms`, the route graph and its catalogs,
latency profiles (one configuration), demand-weighted RTT, inter-satellite routing, place lookup.

Modules: :mod:`~placement.latency.ground_rtt` (:func:`ground_rtt_ms`),
:mod:`~placement.latency.profiles` (profiles and their calibration),
:mod:`~placement.latency.route_graph` (metros, fibre, cables), :mod:`~placement.latency.route_catalogs`
(cables, Internet exchanges), :mod:`~placement.latency.routes` (paths and RTT over the graph),
:mod:`~placement.latency.demand_rtt` (demand-weighted RTT from points),
:mod:`~placement.latency.orbit_routing` (+Grid inter-satellite paths) and
:mod:`~placement.latency.places` (site ids, ``lat,lon`` or cities). Knows no sites, shells,
scenarios or plans.
"""

from placement import lazy_exports

__all__ = [
    "ground_rtt_ms",
    "demand_weighted_rtt_ms",
    "route_profiles",
    "LatencyParameters",
    "PROFILES",
    "place_coordinates",
    "describe_route",
]

_WHERE = {
    "ground_rtt_ms": "placement.latency.ground_rtt",
    "demand_weighted_rtt_ms": "placement.latency.demand_rtt",
    "route_profiles": "placement.latency.profiles",
    "LatencyParameters": "placement.latency.profiles",
    "PROFILES": "placement.latency.profiles",
    "place_coordinates": "placement.latency.places",
    "describe_route": "placement.latency.routes",
}

__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
