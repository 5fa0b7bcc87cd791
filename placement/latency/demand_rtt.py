"""Demand-weighted round-trip time from points (ground sites, grid cells) to where users are, by
latency profile, and the share of demand within the SLO."""
from __future__ import annotations

import numpy as np

from placement.earth.demand import DemandPoints
from placement.kernels import geodesy, latency
from placement.kernels.targets import launch
from placement.latency import routes
from placement.latency.profiles import (
    LatencyParameters,
    RouteProfile,
    continent_index,
    latency_profile,
)

__all__ = ["demand_unit_vectors", "demand_weighted_rtt_ms"]


def demand_unit_vectors(demand: DemandPoints, device: str = "cpu") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit-vector components (x, y, z) of the demand points (:func:`placement.kernels.geodesy.unit_vectors`)."""
    r = launch(device, geodesy.unit_vectors, geodesy.unit_vector_row, len(demand),
               lat_deg=demand.lat_deg, lon_deg=demand.lon_deg)
    return r["x"], r["y"], r["z"]


def demand_weighted_rtt_ms(lat_deg, lon_deg, demand: DemandPoints, *, latency: LatencyParameters | None = None,
                           device: str = "cpu", profile: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Demand-weighted RTT [ms] from points (degrees) to ``demand``, and the share of demand
    within the SLO [-].

    ``profile`` (default: the configuration's ``rtt_profile``) picks the model: ``internet`` or
    ``backbone`` over the route graph (:func:`placement.kernels.latency.demand_weighted_route_rtt`;
    a point with no metro within reach gets NaN), or ``great_circle``
    (:func:`placement.kernels.latency.demand_weighted_rtt`). ``latency`` is the scenario's latency
    configuration (fibre speed, overhead, SLO; :class:`~placement.latency.profiles.LatencyParameters`)."""
    L = latency or LatencyParameters()
    p = latency_profile(profile or L.rtt_profile, L, where="demand_weighted_rtt_ms")
    lat = np.ascontiguousarray(lat_deg, dtype=float)
    lon = np.ascontiguousarray(lon_deg, dtype=float)
    if isinstance(p, RouteProfile):
        return _route_demand_rtt(lat, lon, demand, p, L.slo_rtt_ms, device)
    dx, dy, dz = demand_unit_vectors(demand, device)
    r = launch(device, latency.demand_weighted_rtt, latency.demand_latency_site, lat.size,
               site_lat_deg=lat, site_lon_deg=lon, demand_x=dx, demand_y=dy, demand_z=dz,
               demand_weight=demand.weight, route_factor=p.route_factor, overhead_ms=p.overhead_ms,
               fibre_km_per_ms=p.fibre_km_per_ms, slo_rtt_ms=L.slo_rtt_ms)
    return r["rtt_ms_weighted"], r["within_slo_fraction"]


def _route_demand_rtt(lat, lon, demand: DemandPoints, p: RouteProfile, slo_rtt_ms: float, device: str):
    graph = routes.graph_for(p)
    keep = demand.weight > 0  # zero-weight points change nothing: skip them
    node_demand, demand_continent = routes.demand_matrix(graph, demand.lat_deg[keep], demand.lon_deg[keep],
                                                         demand.continent[keep], p.exchange_weight)
    node, access_km = routes.access_nodes(graph, lat, lon)
    r = launch(device, latency.demand_weighted_route_rtt, latency.demand_latency_route_site, lat.size,
               site_node=node, site_access_km=access_km, site_continent=continent_index(lat, lon),
               node_demand_km=node_demand, demand_continent=demand_continent,
               demand_weight=np.ascontiguousarray(demand.weight[keep]), inflation=p.inflation_table(),
               overhead_ms=p.overhead_ms, fibre_km_per_ms=p.fibre_km_per_ms, slo_rtt_ms=slo_rtt_ms)
    rtt, within = r["rtt_ms_weighted"], r["within_slo_fraction"]
    unreachable = ~np.isfinite(rtt)
    rtt[unreachable] = np.nan
    within[unreachable] = np.nan
    return rtt, within
