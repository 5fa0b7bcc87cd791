"""Network round-trip time over terrestrial fibre.

RTT = 2 * d_gc * route_factor / v_fibre + overhead, with d_gc the great-circle
distance and v_fibre = c / n the speed of light in silica fibre (group index
n = 1.468 at 1550 nm for SMF-28, Corning SMF-28 Ultra data sheet:
299792.458 / 1.468 = 204.22 km/ms). ``route_factor`` (cable path over
great-circle path) and ``overhead_ms`` (switching, last mile) are calibrated on
measured pings (``latency_calibration``).
"""
import math

from numba import njit, prange
from placement.kernels.geodesy import great_circle_km, great_circle_km_unit, unit_vector
from placement.kernels.targets import scalar

from placement.constants import (  # noqa: F401
    FIBRE_GROUP_INDEX,
    FIBRE_KM_PER_MS,
    SPEED_OF_LIGHT_KM_PER_MS,
)


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


@scalar
def store_weighted_means(i, total_w, rtt_w, within_w, rtt_ms_weighted, within_slo_fraction):
    """Write element ``i`` of the weighted mean RTT [ms] and within-SLO share [-] (NaN without weight)."""
    if total_w > 0.0:
        rtt_ms_weighted[i] = rtt_w / total_w
        within_slo_fraction[i] = within_w / total_w
    else:
        rtt_ms_weighted[i] = math.nan
        within_slo_fraction[i] = math.nan


@scalar
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
        within_w += w if rtt <= slo_rtt_ms else 0.0  # a select, not a branch: faster on the CPU
    store_weighted_means(i, total_w, rtt_w, within_w, out_rtt_ms_weighted, out_within_slo_fraction)


@njit(parallel=True, cache=True)
def demand_weighted_rtt(site_lat_deg, site_lon_deg, demand_x, demand_y, demand_z, demand_weight,
                        route_factor, overhead_ms, fibre_km_per_ms, slo_rtt_ms,
                        out_rtt_ms_weighted, out_within_slo_fraction):
    """Demand-weighted mean RTT [ms] from each site to all demand points, and
    the weight share of demand within ``slo_rtt_ms`` [ms] of it.

    ``demand_x, demand_y, demand_z`` are the demand points' unit-vector
    components (:func:`placement.kernels.geodesy.unit_vectors`); ``demand_weight`` is >= 0.
    """
    for i in prange(site_lat_deg.size):
        demand_latency_site(i, site_lat_deg, site_lon_deg, demand_x, demand_y, demand_z, demand_weight,
                            route_factor, overhead_ms, fibre_km_per_ms, slo_rtt_ms,
                            out_rtt_ms_weighted, out_within_slo_fraction)


@scalar
def demand_latency_route_site(i, site_node, site_access_km, site_continent, node_demand_km, demand_continent,
                              demand_weight, inflation, overhead_ms, fibre_km_per_ms, slo_rtt_ms,
                              out_rtt_ms_weighted, out_within_slo_fraction):
    """Element ``i`` of :func:`demand_weighted_route_rtt`."""
    total_w = 0.0
    rtt_w = 0.0
    within_w = 0.0
    ci = site_continent[i]
    for j in range(demand_weight.size):
        path_km = math.inf
        for k in range(site_node.shape[1]):
            d = site_access_km[i, k] + node_demand_km[site_node[i, k], j]
            path_km = d if d < path_km else path_km
        w = demand_weight[j]
        rtt = 2.0 * inflation[ci, demand_continent[j]] * path_km / fibre_km_per_ms + overhead_ms
        total_w += w
        rtt_w += w * rtt
        within_w += w if rtt <= slo_rtt_ms else 0.0
    store_weighted_means(i, total_w, rtt_w, within_w, out_rtt_ms_weighted, out_within_slo_fraction)


@njit(parallel=True, cache=True)
def demand_weighted_route_rtt(site_node, site_access_km, site_continent, node_demand_km, demand_continent,
                              demand_weight, inflation, overhead_ms, fibre_km_per_ms, slo_rtt_ms,
                              out_rtt_ms_weighted, out_within_slo_fraction):
    """Demand-weighted mean RTT [ms] over the route graph from each site to all demand points, and
    the weight share of demand within ``slo_rtt_ms`` [ms].

    RTT = 2 inflation[site continent, demand continent] L / v_fibre + overhead, with L [km] the
    shortest over the site's access nodes ``site_node[i, k]`` of access leg ``site_access_km[i, k]``
    + ``node_demand_km[node, j]`` (graph path plus the demand point's own access leg; see
    :func:`placement.latency.routes.node_to_demand_km`). ``inflation`` is indexed by continent.
    """
    for i in prange(site_node.shape[0]):
        demand_latency_route_site(i, site_node, site_access_km, site_continent, node_demand_km, demand_continent,
                                  demand_weight, inflation, overhead_ms, fibre_km_per_ms, slo_rtt_ms,
                                  out_rtt_ms_weighted, out_within_slo_fraction)


# --- orbit -----------------------------------------------------------------------------------

@scalar
def coverage_central_angle_rad(altitude_km, min_elevation_rad, earth_radius_km):
    """Earth central angle [rad] of the circle from which a satellite at ``altitude_km`` is seen
    above ``min_elevation_rad`` (Wertz & Larson, SMAD 3rd ed., eq. 5-16)."""
    r = earth_radius_km + altitude_km
    return math.acos(earth_radius_km * math.cos(min_elevation_rad) / r) - min_elevation_rad


@scalar
def slant_range_km(central_angle_rad, altitude_km, earth_radius_km):
    """Distance [km] from a ground point to a satellite whose sub-point is ``central_angle_rad`` away."""
    r = earth_radius_km + altitude_km
    return math.sqrt(earth_radius_km ** 2 + r * r - 2.0 * earth_radius_km * r * math.cos(central_angle_rad))


@scalar
def expected_satellites_in_view(lat_rad, inclination_rad, coverage_angle_rad, n_satellites):
    """Mean number of a shell's satellites above the minimum elevation for a user at ``lat_rad``.

    Satellites with uniformly spread nodes and phases have the surface density
    1 / (2 pi^2 sqrt(sin^2 i - sin^2 phi)) per steradian at latitude phi (from
    sin phi = sin i sin u); a cap of half-angle lambda holds
    N (1 - cos lambda) / (pi sqrt(sin^2 i - sin^2 phi)). The density is capped at its
    value one half-cap inside the turning latitude and tapers to zero within lambda
    beyond it. Equatorial rings (i < lambda) use the arc of the ring inside the cap.
    """
    i_eff = inclination_rad if inclination_rad <= 0.5 * math.pi else math.pi - inclination_rad
    lam = coverage_angle_rad
    phi = abs(lat_rad)
    if phi >= i_eff + lam:
        return 0.0
    if i_eff < lam:
        c = math.cos(lam) / math.cos(phi)
        if c >= 1.0:
            return 0.0
        return n_satellites * math.acos(c) / math.pi
    s_floor = math.sin(i_eff) ** 2 - math.sin(i_eff - 0.5 * lam) ** 2
    s = math.sin(i_eff) ** 2 - math.sin(min(phi, i_eff)) ** 2
    if s < s_floor:
        s = s_floor
    taper = 1.0
    if phi > i_eff:
        taper = (i_eff + lam - phi) / lam
    return taper * n_satellites * (1.0 - math.cos(lam)) / (math.pi * math.sqrt(s))


@scalar
def shell_visibility(s, altitude_km, inclination_rad, n_satellites, demand_lat_rad, min_elevation_rad,
                     earth_radius_km, out_probability):
    """Element ``s`` of :func:`shell_visibility_probability`."""
    lam = coverage_central_angle_rad(altitude_km[s], min_elevation_rad, earth_radius_km)
    for j in range(demand_lat_rad.size):
        out_probability[s, j] = 1.0 - math.exp(-expected_satellites_in_view(
            demand_lat_rad[j], inclination_rad[s], lam, n_satellites[s]))


@njit(parallel=True, cache=True)
def shell_visibility_probability(altitude_km, inclination_rad, n_satellites, demand_lat_rad, min_elevation_rad,
                                 earth_radius_km, out_probability):
    """Chance [0..1] that a user at each demand latitude has one of each shell's satellites above
    the minimum elevation (Poisson on :func:`expected_satellites_in_view`); (shells, demand)."""
    for s in prange(altitude_km.size):
        shell_visibility(s, altitude_km, inclination_rad, n_satellites, demand_lat_rad, min_elevation_rad,
                         earth_radius_km, out_probability)


@scalar
def shell_latency(s, altitude_km, inclination_rad, raan0_rad, raan_rate_rad_s, u0_rad, u_rate_rad_s,
                  visibility, time_s, gmst_rad, demand_x, demand_y, demand_z,
                  demand_weight, min_elevation_rad, earth_radius_km, overhead_ms, slo_rtt_ms,
                  out_rtt_ms_weighted, out_coverage_fraction, out_within_slo_fraction):
    """Element ``s`` (one shell) of :func:`shell_demand_latency`.

    The tenant's cluster is the shell's lead satellite; a user reaches it
    directly when it is above the minimum elevation, else goes up to a relay at
    the edge of its coverage circle and along inter-satellite links at shell
    altitude: path = slant(lambda_max) + (R + h)(theta - lambda_max). RTT =
    2 path / c + overhead. Averaged over the time samples (the cluster's
    passage) and over demand weighted by the chance a satellite is in view
    (``visibility``, from :func:`shell_visibility_probability`).
    """
    h = altitude_km[s]
    lam = coverage_central_angle_rad(h, min_elevation_rad, earth_radius_km)
    edge = slant_range_km(lam, h, earth_radius_km)
    r = earth_radius_km + h
    cover_w = 0.0
    total_w = 0.0
    for j in range(demand_weight.size):
        cover_w += demand_weight[j] * visibility[s, j]
        total_w += demand_weight[j]
    rtt_w = 0.0
    within_w = 0.0
    norm = 0.0
    for k in range(time_s.size):
        t = time_s[k]
        raan = raan0_rad[s] + raan_rate_rad_s[s] * t - gmst_rad[k]  # Earth-fixed node
        u = u0_rad[s] + u_rate_rad_s[s] * t
        cu = math.cos(u)
        su = math.sin(u)
        ci = math.cos(inclination_rad[s])
        cx = cu * math.cos(raan) - su * ci * math.sin(raan)
        cy = cu * math.sin(raan) + su * ci * math.cos(raan)
        cz = su * math.sin(inclination_rad[s])
        for j in range(demand_weight.size):
            dx = demand_x[j] - cx
            dy = demand_y[j] - cy
            dz = demand_z[j] - cz
            theta = 2.0 * math.asin(min(0.5 * math.sqrt(dx * dx + dy * dy + dz * dz), 1.0))
            direct = slant_range_km(theta, h, earth_radius_km)
            relayed = edge + r * (theta - lam)
            path = direct if theta <= lam else relayed
            rtt = 2.0 * path / SPEED_OF_LIGHT_KM_PER_MS + overhead_ms
            w = demand_weight[j] * visibility[s, j]
            rtt_w += w * rtt
            within_w += w if rtt <= slo_rtt_ms else 0.0
            norm += w
    out_coverage_fraction[s] = cover_w / total_w if total_w > 0.0 else math.nan
    out_rtt_ms_weighted[s] = rtt_w / norm if norm > 0.0 else math.nan
    out_within_slo_fraction[s] = within_w / norm if norm > 0.0 else math.nan


@njit(parallel=True, cache=True)
def shell_demand_latency(altitude_km, inclination_rad, raan0_rad, raan_rate_rad_s, u0_rad, u_rate_rad_s,
                         visibility, time_s, gmst_rad, demand_x, demand_y, demand_z,
                         demand_weight, min_elevation_rad, earth_radius_km, overhead_ms, slo_rtt_ms,
                         out_rtt_ms_weighted, out_coverage_fraction, out_within_slo_fraction):
    """Demand-weighted RTT [ms] from users to each shell's compute cluster, the
    demand-weighted share of time with a satellite in view, and the share of
    served demand within ``slo_rtt_ms``. Angles in radians, distances in km,
    ``gmst_rad`` the Greenwich sidereal angle at each ``time_s`` sample,
    ``visibility`` (shells, demand) from :func:`shell_visibility_probability`."""
    for s in prange(altitude_km.size):
        shell_latency(s, altitude_km, inclination_rad, raan0_rad, raan_rate_rad_s, u0_rad, u_rate_rad_s,
                      visibility, time_s, gmst_rad, demand_x, demand_y, demand_z,
                      demand_weight, min_elevation_rad, earth_radius_km, overhead_ms, slo_rtt_ms,
                      out_rtt_ms_weighted, out_coverage_fraction, out_within_slo_fraction)
