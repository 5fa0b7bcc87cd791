"""Radiators, arrays and batteries: the textbook limits."""
import numpy as np
import pytest

from placement.kernels.power import array_area_m2_per_mw, battery_kwh_per_mw
from placement.kernels.radiators import earth_view_factor_edge_on, radiator_net_w_per_m2


def test_ideal_black_plate_at_20c_rejects_838_w_per_m2():
    # sigma T^4 x 2 sides at 293.15 K, no environment (Earth out of view, nothing absorbed)
    q = radiator_net_w_per_m2(20.0, 1.0, 0.0, 1e12, 90.0)
    assert q == pytest.approx(838.0, abs=0.5)


@pytest.mark.parametrize("altitude_km", [550.0, 1400.0, 8000.0])
def test_edge_on_view_factor_matches_numeric_integration(altitude_km):
    # F = (1/pi) * integral of cos(theta) over the directions that hit the Earth (front side),
    # integrated numerically on a fine grid of directions.
    R = 6378.137
    d = R + altitude_km
    n = 1500
    theta = (np.arange(n) + 0.5) * (np.pi / 2) / n       # from the plate normal (+x)
    phi = (np.arange(2 * n) + 0.5) * (2 * np.pi) / (2 * n)
    T, P = np.meshgrid(theta, phi, indexing="ij")
    vz = np.sin(T) * np.sin(P)                           # direction component towards -Earth
    b = -vz * d                                          # Earth centre at (0, 0, -d)
    hit = (b < 0) & (d * d - b * b <= R * R)
    dA = np.sin(T) * (np.pi / 2 / n) * (np.pi / n)
    F = np.sum(np.cos(T) * dA * hit) / np.pi
    assert earth_view_factor_edge_on(altitude_km) == pytest.approx(F, rel=0.005)


def test_environment_loads_shrink_net_rejection_at_low_altitude():
    assert radiator_net_w_per_m2(40, 0.9, 0.2, 550, 0) < radiator_net_w_per_m2(40, 0.9, 0.2, 35786, 0)


def test_array_area_textbook_limits():
    # Always sunlit, ideal cells and no overheads: 1 MW / 1361 W/m^2 = 734.75 m^2
    assert array_area_m2_per_mw(0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 5.0) == pytest.approx(1e6 / 1361.0)
    # a third of each orbit in shadow with lossless storage needs 1.5x the array
    assert array_area_m2_per_mw(1 / 3, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 5.0) == pytest.approx(1.5e6 / 1361.0)


def test_battery_for_a_36_minute_eclipse():
    # 1 MW for 0.6 h at 100 % depth of discharge, lossless: 600 kWh
    assert battery_kwh_per_mw(36 * 60.0, 0.0, 1.0, 1.0) == pytest.approx(600.0)
