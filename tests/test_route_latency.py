"""Latency over real routes: the cable catalog, the route graph, the calibrated profiles against
measured and published round-trip times, the kernel, and bad input."""
import csv
import json
import tomllib

import numpy as np
import pytest

import placement
import latency_calibration as cal
from placement.latency import routes as rl
from placement.latency import profiles
from placement.catalogs import InputError
from placement.latency.route_catalogs import load_submarine_cables
from testsupport import DATA, run_cli

SHIPPED = tomllib.loads(profiles.ROUTE_CALIBRATION_TOML.read_text())


@pytest.fixture(scope="module")
def graph():
    return rl.graph_for(profiles.route_profiles()["internet"])


@pytest.fixture(scope="module")
def min_pairs():
    return cal.load_pings(DATA / "wonderproxy-servers-2020-07-19.csv", DATA / "wonderproxy-pings-2020-07-19.csv",
                          statistic="min")


def _servers():
    with open(DATA / "wonderproxy-servers-2020-07-19.csv", newline="") as f:
        return {int(r["id"]): r["name"] for r in csv.DictReader(f)}


def _measured(pairs, a, b):
    names = _servers()
    for i in range(pairs.rtt_ms.size):
        if names[pairs.src_id[i]] == a and names[pairs.dst_id[i]] == b:
            return i
    raise AssertionError(f"no measured pair {a} - {b}")


# --- the cable catalog ------------------------------------------------------------------------

def test_catalog_has_80_sourced_systems_landing_on_coasts_of_their_countries():
    cables = load_submarine_cables()  # validates every landing: coast (land mask) and country
    assert len(cables) >= 80
    assert all(c.source and len(c.landings) >= 2 for c in cables)
    assert len({c.name for c in cables}) == len(cables)


@pytest.mark.parametrize("landing, words", [
    ("Denver, US@39.74,-104.99", "not on a coast"),                    # inland
    ("Virginia Beach, FR@36.85,-75.98", "in US, not FR"),             # the wrong country
    ("Virginia Beach US 36.85 -75.98", "expected 'City, CC@lat,lon'"),  # malformed
    ("Virginia Beach, US@96.85,-75.98", "must be <= 90"),              # off the globe
])
def test_bad_cable_rows_are_named(tmp_path, landing, words):
    bad = tmp_path / "cables.csv"
    bad.write_text("cable,landings,ready_for_service_year,length_km,source\n"
                   f'X,"{landing};Bude, GB@50.83,-4.55",2020,6000,test\n')
    with pytest.raises(InputError) as e:
        load_submarine_cables(bad)
    assert "row 1" in str(e.value) and words in str(e.value)


def test_a_cable_row_without_a_source_is_refused(tmp_path):
    bad = tmp_path / "cables.csv"
    bad.write_text('cable,landings,ready_for_service_year,length_km,source\nX,"Virginia Beach, US@36.85,-75.98;'
                   'Bude, GB@50.83,-4.55",2020,6000,\n')
    with pytest.raises(InputError, match="every cable needs a source"):
        load_submarine_cables(bad)


# --- the graph ---------------------------------------------------------------------------------

def test_path_matrix_equals_networkx_shortest_paths(graph):
    import networkx as nx

    g = graph.networkx_graph
    rng = np.random.default_rng(1)
    for s in rng.choice(graph.name.size, 4, replace=False):
        lengths = nx.single_source_dijkstra_path_length(g, int(s), weight="km")
        for t in rng.choice(graph.name.size, 50, replace=False):
            assert graph.path_km[s, t] == pytest.approx(lengths[int(t)], rel=1e-6)


def test_graph_is_connected_and_paths_are_at_least_the_great_circle(graph):
    from placement.latency.route_graph import great_circle_km

    assert np.all(np.isfinite(graph.path_km))
    i, j = np.triu_indices(graph.name.size, 1)
    pick = np.random.default_rng(2).choice(i.size, 20000, replace=False)
    gc = great_circle_km(graph.lat_deg[i[pick]], graph.lon_deg[i[pick]], graph.lat_deg[j[pick]], graph.lon_deg[j[pick]])
    assert np.all(graph.path_km[i[pick], j[pick]] >= gc * (1 - 1e-5))


def _node(graph, name):
    return int(np.flatnonzero(graph.name == name)[0])


def test_delaunay_edges_reach_across_the_channel(graph):
    # London's ten nearest nodes are all English; the Delaunay triangulation still joins it to the
    # continent (the Channel Tunnel and festoon cables), so London - Brussels is not routed via Paris.
    from placement.latency.route_graph import great_circle_km

    london, brussels = _node(graph, "London"), _node(graph, "Brussels")
    gc = float(great_circle_km(graph.lat_deg[london], graph.lon_deg[london], graph.lat_deg[brussels],
                               graph.lon_deg[brussels]))
    assert graph.path_km[london, brussels] <= 1.05 * graph.conduit_factor * gc


# --- Internet exchanges ------------------------------------------------------------------------

def test_exchange_catalog_is_sourced_and_covers_every_inhabited_continent(graph):
    from placement.latency.route_catalogs import load_internet_exchanges

    exchanges = load_internet_exchanges()
    assert len(exchanges) >= 50 and all(e.source for e in exchanges)
    assert np.unique(graph.exchange_node).size == len(exchanges)  # one node each, none shared
    continents = profiles.continent_index([e.lat_deg for e in exchanges], [e.lon_deg for e in exchanges])
    counts = np.bincount(continents, minlength=len(profiles.CONTINENTS))
    assert all(counts[profiles.CONTINENTS.index(c)] >= 3 for c in ("AF", "AS", "EU", "NA", "OC", "SA"))


def test_exchange_detour_is_the_path_through_both_exchanges_by_networkx(graph):
    import networkx as nx

    g = graph.networkx_graph
    rng = np.random.default_rng(3)
    a, b = rng.choice(graph.name.size, 30), rng.choice(graph.name.size, 30)
    detour = graph.exchange_detour_km(a, b)
    routed = graph.routed_path_km(0.5)
    for k in range(a.size):
        ha, hb = int(graph.exchange_of[a[k]]), int(graph.exchange_of[b[k]])
        via = sum(nx.dijkstra_path_length(g, int(u), int(v), weight="km") for u, v in ((a[k], ha), (ha, hb), (hb, b[k])))
        direct = nx.dijkstra_path_length(g, int(a[k]), int(b[k]), weight="km")
        assert detour[k] == pytest.approx(via - direct, abs=0.05)
        assert routed[a[k], b[k]] == pytest.approx(direct + 0.5 * (via - direct), rel=1e-5, abs=0.05)
    assert graph.routed_path_km(0.0) is graph.path_km


def test_exchange_metros_pay_no_detour_and_their_neighbours_do(graph):
    london, new_york = _node(graph, "London"), _node(graph, "New York City")
    assert graph.exchange_detour_km(london, new_york) == 0.0  # both are exchanges
    boston = _node(graph, "Boston")
    assert int(graph.exchange_of[boston]) == new_york  # Boston's traffic meets at New York
    assert graph.exchange_detour_km(london, boston) > 0.0


def test_an_exchange_row_without_a_source_or_far_from_every_metro_is_refused(tmp_path):
    from placement.latency.route_catalogs import load_internet_exchanges
    from placement.latency.route_graph import build_route_graph

    head = "metro,country,lat_deg,lon_deg,ixp,peak_traffic_gbps,networks,year,source,approximate,notes\n"
    bad = tmp_path / "ix.csv"
    bad.write_text(head + "London,GB,51.5085,-0.1257,LINX,9293,,2026,,false,\n")
    with pytest.raises(InputError, match="every exchange needs a source"):
        load_internet_exchanges(bad)
    bad.write_text(head + "Nowhere,GB,-40.0,-30.0,X,,,,test,true,\n")  # the South Atlantic
    with pytest.raises(InputError, match="no route-graph node within"):
        build_route_graph(conduit_factor=1.2, min_population=5_000_000, exchanges_csv=bad)


# --- calibration against measured and published RTTs ---------------------------------------------

def test_internet_profile_on_held_out_servers(min_pairs):
    # README reports these; the targets are median <= 10 % (met: 9.0 %) and 90th percentile
    # <= 25 % (not met: 32.3 %, see README). Fail if the shipped profile regresses on unseen cities.
    _, held = cal.split_by_server(min_pairs)
    ape = cal.route_errors(held, profiles.route_profiles()["internet"])
    assert np.median(ape) <= 0.095
    assert np.percentile(ape, 90) <= 0.33
    gc = cal.absolute_percentage_errors(held, *cal.fit(cal.split_by_server(min_pairs)[0]))
    assert np.median(ape) < np.median(gc) - 0.05  # the route graph beats the great-circle model


def test_a_free_overhead_per_server_fitted_on_the_held_out_pairs_still_misses_25_percent(min_pairs, graph):
    # Why the 25 % target is out of reach for a model of places: even fitted on the held-out pairs
    # themselves, with an overhead of its own for every server, the 90th percentile stays near 25 %.
    _, held = cal.split_by_server(min_pairs)
    median, p90 = cal.server_offset_bound(held, graph, profiles.route_profiles()["internet"])
    assert p90 == pytest.approx(SHIPPED["internet"]["held_out_server_offset_bound_p90_ape"], abs=2e-3)
    assert p90 > 0.24 and median < 0.08

def test_shipped_internet_profile_is_the_fit_on_the_fitting_servers(min_pairs):
    fit_pairs, _ = cal.split_by_server(min_pairs)
    from placement.latency.route_graph import route_graph

    params = cal.fit_internet_profile(fit_pairs, route_graph(SHIPPED["conduit_factor"], SHIPPED["cross_border_factor"]),
                                      SHIPPED["internet"]["exchange_weight"])
    assert params["overhead_ms"] == pytest.approx(SHIPPED["internet"]["overhead_ms"], abs=1e-2)
    for key, value in SHIPPED["internet"]["path_inflation"].items():
        assert params["path_inflation"][key] == pytest.approx(value, abs=1e-3)


def test_backbone_profile_against_azure_published_rtts():
    pairs = cal.load_backbone_pairs()
    ape = cal.route_errors(pairs, profiles.route_profiles()["backbone"])
    assert pairs.rtt_ms.size >= 20
    assert np.median(ape) <= 0.09 and np.percentile(ape, 90) <= 0.23


def test_london_new_york_follows_the_direct_cables(min_pairs):
    # WonderProxy London - New York minimum 71.0 ms (2020-07-19); Azure Dublin - Virginia 72 ms.
    i = _measured(min_pairs, "London", "New York")
    args = (min_pairs.lat1_deg[i], min_pairs.lon1_deg[i], min_pairs.lat2_deg[i], min_pairs.lon2_deg[i])
    measured = min_pairs.rtt_ms[i]
    internet = float(placement.ground_rtt_ms(*args))
    backbone = float(placement.ground_rtt_ms(*args, profile="backbone"))
    great_circle = float(placement.ground_rtt_ms(*args, profile="great_circle"))
    assert abs(backbone - measured) / measured <= 0.10
    assert abs(internet - measured) / measured <= 0.10  # 74.4 ms: both ends are exchange metros
    assert abs(internet - measured) < abs(great_circle - measured) / 2


def test_south_america_to_africa_is_a_detour(min_pairs):
    # Measured Sao Paulo - Johannesburg 343 ms: far more than any straight cable; the route graph
    # crosses the South Atlantic on SACS and runs down Africa's west coast.
    i = _measured(min_pairs, "Sao Paulo", "Johannesburg")
    args = (min_pairs.lat1_deg[i], min_pairs.lon1_deg[i], min_pairs.lat2_deg[i], min_pairs.lon2_deg[i])
    routed = float(placement.ground_rtt_ms(*args))
    great_circle = float(placement.ground_rtt_ms(*args, profile="great_circle"))
    assert routed > 1.5 * great_circle
    assert abs(routed - min_pairs.rtt_ms[i]) < abs(great_circle - min_pairs.rtt_ms[i])


# --- the kernel ------------------------------------------------------------------------------------

def test_demand_weighted_route_kernel_matches_pairwise_routes(graph):
    from placement.earth.demand import demand_points
    from placement.latency.demand_rtt import demand_weighted_rtt_ms

    dp = demand_points({"EU": 1.0})
    lat, lon = np.array([51.5, 40.7, -33.9]), np.array([-0.1, -74.0, 151.2])
    rtt, within = demand_weighted_rtt_ms(lat, lon, dp, profile="internet")
    keep = dp.weight > 0
    for k in range(lat.size):
        pair = placement.ground_rtt_ms(lat[k], lon[k], dp.lat_deg[keep], dp.lon_deg[keep])
        w = dp.weight[keep] / dp.weight[keep].sum()
        assert rtt[k] == pytest.approx(float(pair @ w), rel=1e-6)
        assert within[k] == pytest.approx(float((pair <= 50.0) @ w), abs=1e-9)


def test_a_candidate_out_of_reach_gets_nan_and_a_point_out_of_reach_is_refused():
    from placement.earth.demand import demand_points
    from placement.latency.demand_rtt import demand_weighted_rtt_ms

    rtt, _ = demand_weighted_rtt_ms(np.array([-60.0, 51.5]), np.array([-120.0, -0.1]), demand_points({"EU": 1.0}))
    assert np.isnan(rtt[0]) and np.isfinite(rtt[1])
    with pytest.raises(InputError, match="no reachable metro"):
        placement.ground_rtt_ms(-60.0, -120.0, 51.5, -0.1)


def test_unknown_profile_is_refused():
    with pytest.raises(InputError, match="profile"):
        placement.ground_rtt_ms(51.5, -0.1, 48.9, 2.35, profile="fast")


def test_a_tenant_on_the_backbone_sees_backbone_rtt():
    from placement.catalogs import DEFAULT_SCENARIO
    from placement.plan.build import capacities_of, demand_nodes, rtt_matrix
    from placement.plan.contract_checks import parse_tenant

    sc = placement.load_scenario(DEFAULT_SCENARIO)
    caps = {k: c for k, c in capacities_of(sc).items() if c.kind == "ground"}
    rows = {}
    for profile in ("internet", "backbone"):
        t = parse_tenant("t.toml", {"id": "sync", "mw": 10, "users": {"EU": 1.0}, "rtt_profile": profile})
        rows[profile] = rtt_matrix(sc, demand_nodes(sc, [t]), caps)[0]
    assert len(caps) >= 5 and np.all(np.isfinite(rows["internet"])) and np.all(np.isfinite(rows["backbone"]))
    assert np.all(rows["internet"] != rows["backbone"])
    from placement.earth.demand import demand_points
    from placement.latency.demand_rtt import demand_weighted_rtt_ms

    c = next(iter(caps.values()))
    expect, _ = demand_weighted_rtt_ms([c.lat_deg], [c.lon_deg], demand_points({"EU": 1.0}, cell_deg=sc.demand_cell_deg),
                                       latency=sc.parameters.latency, profile="backbone")
    assert rows["backbone"][0] == pytest.approx(expect[0])


# --- the command -------------------------------------------------------------------------------------

def test_latency_command_prints_rtt_path_and_distances():
    r = run_cli("latency", "London", "New York", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["to"]["place"] == "New York City, US" and doc["profile"] == "internet"
    assert doc["fibre_km"] > doc["great_circle_km"] > 5000
    assert doc["path"][0]["via"] == "access" and doc["cables"]
    assert doc["exchange_detour"] == {"exchanges": ["London", "New York City"], "detour_km": 0.0,
                                      "weight": SHIPPED["internet"]["exchange_weight"]}
    assert set(doc["rtt_ms_other_profiles"]) == {"backbone", "great_circle"}
    r = run_cli("latency", "stargate-abilene", "48.86,2.35", "--profile", "backbone")
    assert r.returncode == 0 and "backbone" in r.stdout and "Path" in r.stdout


@pytest.mark.parametrize("args, words", [
    (("London", "Paris", "--profile", "fast"), "--profile"),
    (("Atlantis-on-Sea", "Paris"), "FROM = 'Atlantis-on-Sea'"),
    (("--", "-60,-120", "Paris"), "no reachable metro"),
    (("London", "95,0"), "lat_deg = '95'"),
])
def test_latency_command_bad_input_exits_2_with_one_line(args, words):
    r = run_cli("latency", *args)
    assert r.returncode == 2 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_latency_command_with_a_bad_cable_catalog_exits_2(tmp_path):
    bad = tmp_path / "cables.csv"
    bad.write_text('cable,landings,ready_for_service_year,length_km,source\nX,"Denver, US@39.74,-104.99;'
                   'Bude, GB@50.83,-4.55",2020,6000,test\n')
    r = run_cli("latency", "London", "Paris", "--cables", str(bad))
    assert r.returncode == 2 and "not on a coast" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_scenario_and_tenant_profiles_are_checked(tmp_path):
    from placement.plan.contract_checks import parse_tenant

    with pytest.raises(InputError, match="rtt_profile"):
        parse_tenant("t.toml", {"id": "x", "mw": 1, "rtt_profile": "fast"})
    sc = tmp_path / "s.toml"
    sc.write_text('[parameters.latency]\nrtt_profile = "fast"\n')
    r = run_cli("sites", "--scenario", str(sc), "--top", "1")
    assert r.returncode == 2 and "rtt_profile" in r.stderr


# --- routed orbit latency -------------------------------------------------------------------------

def _starlink_like():
    return next(s for s in placement.load_shells() if s.id == "starlink-550-53")


def test_plus_grid_has_four_links_per_satellite_and_a_ring_two():
    from placement.orbit.routing import plus_grid_links

    i, j = plus_grid_links(72, 22)
    degree = np.bincount(np.r_[i, j], minlength=72 * 22)
    assert np.all(degree == 4)
    i, j = plus_grid_links(1, 1000)
    assert np.all(np.bincount(np.r_[i, j], minlength=1000) == 2)


def test_a_user_under_a_satellite_three_slots_on_routes_along_the_ring():
    # A ring of 12 satellites at 1,000 km: a user under satellite 3 goes up 1,000 km, then three
    # laser hops, each a chord 2 r sin(pi / 12); the neighbours are 30 deg away, beyond the
    # 13.4 deg coverage circle at 25 deg elevation, so no other path exists.
    from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM
    from placement.constants import SPEED_OF_LIGHT_KM_PER_MS
    from placement.orbit.routing import routed_rtt_ms, satellite_positions_km
    from placement.orbit.shells import Shell
    from placement.orbit.planes import gmst_rad, plane_elements, time_grid
    from placement.earth.ephemeris import parse_start

    shell = Shell("ring", "ring", 1000.0, 53.0, planes=1, sats_per_plane=12)
    start = parse_start("test", "2026-03-01")
    pe = plane_elements([shell], start, max_planes=None)
    sats = satellite_positions_km(shell, pe, 0.0, float(np.atleast_1d(gmst_rad(time_grid(start, 1, 60.0)))[0]))
    sub = sats[3] / np.linalg.norm(sats[3])
    lat, lon = np.degrees(np.arcsin(sub[2])), np.degrees(np.arctan2(sub[1], sub[0]))
    rtt, hops = routed_rtt_ms(shell, lat, lon, start=start, instants=1, step_s=60.0)
    r = EARTH_EQUATORIAL_RADIUS_KM + shell.altitude_km
    expect = 2 * (shell.altitude_km + 3 * 2 * r * np.sin(np.pi / 12)) / SPEED_OF_LIGHT_KM_PER_MS
    assert rtt[0, 0] == pytest.approx(expect, rel=1e-6)
    assert hops[0, 0] == 3


def test_routed_paths_respect_the_speed_of_light_and_cover_what_is_in_view():
    from placement.earth.demand import demand_points
    from placement.constants import SPEED_OF_LIGHT_KM_PER_MS
    from placement.orbit.routing import routed_rtt_ms, satellite_positions_km
    from placement.orbit.planes import gmst_rad, plane_elements, time_grid
    from placement.earth.ephemeris import parse_start

    shell = _starlink_like()
    start = parse_start("test", "2026-03-01")
    dp = demand_points({"NA": 0.5, "EU": 0.5})
    keep = dp.weight > 0
    rtt, _ = routed_rtt_ms(shell, dp.lat_deg[keep], dp.lon_deg[keep], start=start, instants=3, step_s=1200.0)
    # 1,584 satellites at 53 deg: every user below 45 deg latitude always has one in view
    low = np.abs(dp.lat_deg[keep]) <= 45.0
    assert low.sum() > 50 and np.all(np.isfinite(rtt[:, low]))
    pe = plane_elements([shell], start, max_planes=None)
    gmst = np.atleast_1d(gmst_rad(time_grid(start, 3, 1200.0)))
    from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM as R

    lat, lon = np.radians(dp.lat_deg[keep]), np.radians(dp.lon_deg[keep])
    users = R * np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    for k in range(3):
        cluster = satellite_positions_km(shell, pe, k * 1200.0, float(gmst[k]))[0]
        straight = 2 * np.linalg.norm(users - cluster, axis=1) / SPEED_OF_LIGHT_KM_PER_MS
        ok = np.isfinite(rtt[k])
        assert np.all(rtt[k][ok] >= straight[ok] * (1 - 1e-9))
