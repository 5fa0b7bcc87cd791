"""Network round-trip time over terrestrial fibre.

RTT = 2 * d_gc * route_factor / v_fibre + overhead, with d_gc the great-circle
distance and v_fibre = c / n the speed of light in silica fibre (group index
n = 1.468 at 1550 nm for SMF-28, Corning SMF-28 Ultra data sheet:
299792.458 / 1.468 = 204.22 km/ms). ``route_factor`` (cable path over
great-circle path) and ``overhead_ms`` (switching, last mile) are calibrated on
measured pings (``placement.latency_calibration``).
"""
import math

from numba import njit, prange

from kernels.geodesy import great_circle_km, great_circle_km_unit, unit_vector
from kernels.targets import REASSOCIATE, scalar

SPEED_OF_LIGHT_KM_PER_MS = 299.792458
FIBRE_GROUP_INDEX = 1.468
FIBRE_KM_PER_MS = SPEED_OF_LIGHT_KM_PER_MS / FIBRE_GROUP_INDEX


@scalar
def fibre_rtt_ms(distance_km, route_factor, overhead_ms, fibre_km_per_ms):
    """Round-trip time [ms] over fibre for a great-circle distance [km]."""
    return 2.0 * distance_km * route_factor / fibre_km_per_ms + overhead_ms


@scalar
def ground_rtt_ms_pair(i, lat1_deg, lon1_deg, lat2_deg, lon2_deg,
                       route_factor, overhead_ms, fibre_km_per_ms, out_rtt_ms):
    """Element ``i`` of :func:`ground_rtt_ms_pairs`."""
    d = great_circle_km(lat1_deg[i], lon1_deg[i], lat2_deg[i], lon2_deg[i])
    out_rtt_ms[i] = fibre_rtt_ms(d, route_factor, overhead_ms, fibre_km_per_ms)


@njit(parallel=True, cache=True)
def ground_rtt_ms_pairs(lat1_deg, lon1_deg, lat2_deg, lon2_deg,
                        route_factor, overhead_ms, fibre_km_per_ms, out_rtt_ms):
    """Ground RTT [ms] for each pair of points (1-D arrays, degrees)."""
    for i in prange(out_rtt_ms.size):
        ground_rtt_ms_pair(i, lat1_deg, lon1_deg, lat2_deg, lon2_deg,
                           route_factor, overhead_ms, fibre_km_per_ms, out_rtt_ms)


@scalar(fastmath=REASSOCIATE)
def demand_latency_site(i, site_lat_deg, site_lon_deg, demand_x, demand_y, demand_z, demand_weight,
                        route_factor, overhead_ms, fibre_km_per_ms, slo_rtt_ms,
                        out_rtt_ms_weighted, out_within_slo_fraction):
    """Element ``i`` of :func:`demand_weighted_rtt`."""
    sx, sy, sz = unit_vector(site_lat_deg[i], site_lon_deg[i])
    total_w = 0.0
    rtt_w = 0.0
    within_w = 0.0
    for j in range(demand_weight.size):
        w = demand_weight[j]
        d = great_circle_km_unit(sx, sy, sz, demand_x[j], demand_y[j], demand_z[j])
        rtt = fibre_rtt_ms(d, route_factor, overhead_ms, fibre_km_per_ms)
        total_w += w
        rtt_w += w * rtt
        within_w += w if rtt <= slo_rtt_ms else 0.0  # a select, not a branch: the loop vectorises
    if total_w > 0.0:
        out_rtt_ms_weighted[i] = rtt_w / total_w
        out_within_slo_fraction[i] = within_w / total_w
    else:
        out_rtt_ms_weighted[i] = math.nan
        out_within_slo_fraction[i] = math.nan


@njit(parallel=True, cache=True)
def demand_weighted_rtt(site_lat_deg, site_lon_deg, demand_x, demand_y, demand_z, demand_weight,
                        route_factor, overhead_ms, fibre_km_per_ms, slo_rtt_ms,
                        out_rtt_ms_weighted, out_within_slo_fraction):
    """Demand-weighted mean RTT [ms] from each site to all demand points, and
    the weight share of demand within ``slo_rtt_ms`` [ms] of it.

    ``demand_x, demand_y, demand_z`` are the demand points' unit-vector
    components (:func:`kernels.geodesy.unit_vectors`); ``demand_weight`` is >= 0.
    """
    for i in prange(site_lat_deg.size):
        demand_latency_site(i, site_lat_deg, site_lon_deg, demand_x, demand_y, demand_z, demand_weight,
                            route_factor, overhead_ms, fibre_km_per_ms, slo_rtt_ms,
                            out_rtt_ms_weighted, out_within_slo_fraction)
