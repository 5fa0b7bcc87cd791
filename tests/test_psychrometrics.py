"""Moist-air kernels against psychrolib (ASHRAE Handbook Fundamentals equations).

psychrolib switches to ice below 0 degC; our kernels work over liquid water (the
cooling decisions happen at 15-40 degC), so the comparisons stay above freezing.
"""
import numpy as np
import psychrolib
import pytest

from placement.kernels.psychrometrics import dew_point_c, saturation_vapour_pressure_kpa, wet_bulb_c

psychrolib.SetUnitSystem(psychrolib.SI)
SEA_LEVEL_PA = 101325.0


def _max_wet_bulb_error(t_range, rh_range):
    worst = 0.0
    for t in np.arange(t_range[0], t_range[1] + 0.1, 1.0):
        for rh in np.arange(rh_range[0], rh_range[1] + 0.1, 1.0):
            ashrae = psychrolib.GetTWetBulbFromRelHum(t, rh / 100.0, SEA_LEVEL_PA)
            worst = max(worst, abs(wet_bulb_c(t, rh) - ashrae))
    return worst


@pytest.mark.parametrize("t_c", np.arange(0.0, 50.1, 5.0))
def test_saturation_vapour_pressure_within_half_percent(t_c):
    ashrae = psychrolib.GetSatVapPres(t_c) / 1000.0
    assert saturation_vapour_pressure_kpa(t_c) == pytest.approx(ashrae, rel=0.005)


def test_wet_bulb_within_stull_error_over_warm_range():
    # Stull (2011) reports errors within about 1 degC over RH 5-99 %; 10-50 degC here.
    assert _max_wet_bulb_error((10, 50), (5, 99)) < 1.2


def test_wet_bulb_tighter_where_cooling_mode_is_decided():
    # 20-40 degC, RH 30-95 %: where evaporative vs mechanical cooling is chosen.
    assert _max_wet_bulb_error((20, 40), (30, 95)) < 0.85


@pytest.mark.parametrize("t_c,rh_pct", [(30.0, 50.0), (20.0, 80.0), (25.0, 60.0), (35.0, 15.0), (15.0, 95.0)])
def test_dew_point_within_quarter_degree(t_c, rh_pct):
    ashrae = psychrolib.GetTDewPointFromRelHum(t_c, rh_pct / 100.0)
    e = rh_pct / 100.0 * saturation_vapour_pressure_kpa(t_c)
    assert dew_point_c(e) == pytest.approx(ashrae, abs=0.25)
