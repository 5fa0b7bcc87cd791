"""The calibrated ground RTT model against WonderProxy's measured pings (held-out servers)."""
import tomllib

import numpy as np
import pytest

import placement
import latency_calibration as cal
from placement.latency.profiles import GREAT_CIRCLE_CALIBRATION_TOML as LATENCY_CALIBRATION_TOML
from testsupport import DATA

SHIPPED = tomllib.loads(LATENCY_CALIBRATION_TOML.read_text())


@pytest.fixture(scope="module")
def split():
    return cal.split_by_server(cal.load_pings(DATA / "wonderproxy-servers-2020-07-19.csv",
                                                DATA / "wonderproxy-pings-2020-07-19.csv"))


def test_split_is_by_server(split):
    fit_pairs, held = split
    fit_servers = set(fit_pairs.src_id) | set(fit_pairs.dst_id)
    held_servers = set(held.src_id) | set(held.dst_id)
    assert not fit_servers & held_servers
    assert held.rtt_ms.size > 3000


def test_held_out_error_does_not_regress(split):
    # README reports these figures; fail if the shipped model gets worse on unseen cities.
    _, held = split
    ape = cal.absolute_percentage_errors(held, SHIPPED["route_factor"], SHIPPED["overhead_ms"])
    assert np.median(ape) <= 0.17
    assert np.percentile(ape, 90) <= 0.45


def test_shipped_parameters_come_from_the_fit(split):
    fit_pairs, _ = split
    route_factor, overhead_ms = cal.fit(fit_pairs)
    assert route_factor == pytest.approx(SHIPPED["route_factor"], abs=1e-3)
    assert overhead_ms == pytest.approx(SHIPPED["overhead_ms"], abs=1e-2)
    # physically sensible: cables are longer than great circles, overhead is small
    assert 1.2 < route_factor < 2.5 and 0 <= overhead_ms < 20


def test_public_rtt_matches_formula_and_broadcasts():
    # London -> New York, 5,570 km great circle: 2 d rf / (c/1.468) + overhead
    rtt = placement.ground_rtt_ms(51.5074, -0.1278, np.array([40.7128, 51.5074]), np.array([-74.0060, -0.1278]),
                                  profile="great_circle")
    from placement.kernels.geodesy import great_circle_km
    d = great_circle_km(51.5074, -0.1278, 40.7128, -74.0060)
    expect = 2 * d * SHIPPED["route_factor"] / (299792.458 / 1.468 / 1000) + SHIPPED["overhead_ms"]
    assert rtt.shape == (2,)
    assert rtt[0] == pytest.approx(expect, rel=1e-12)
    assert rtt[1] == pytest.approx(SHIPPED["overhead_ms"])


def test_the_great_circle_model_overestimates_long_haul_submarine_routes():
    # Measured London (11) - New York (13): 71.4 ms mean (WonderProxy 2020-07-19). One route
    # factor for all distances over-predicts direct transatlantic cables (why the route graph).
    rtt = placement.ground_rtt_ms(51.5171, -0.1062, 40.7269, -73.6497, profile="great_circle")
    assert 1.2 * 71.4 < rtt < 1.6 * 71.4
