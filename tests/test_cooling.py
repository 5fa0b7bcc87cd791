"""PUE and water from climate against published figures: chiller rating data, a cooling-tower
worked example, published fleet PUE and WUE (sources in catalogs/references/cooling.md)."""
import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placement.kernels import chillers, cooling
from placement.parameters import CoolingParameters, Parameters
from placement.ground.cooling import cooling_of

P = CoolingParameters()
PLANTS = {"air_economizer": 0, "chiller_tower": 1, "dry_cooler": 2, "liquid": 3}


def pue(t_mean, rh, dtr, plant="air_economizer", profile="hyperscale", **changes):
    """(PUE, water L/MWh_IT, compressor-free share) for constant monthly rows."""
    t, r, d = (np.atleast_2d(np.asarray(x, float)) for x in (t_mean, rh, dtr))
    n = t.shape[0]
    c = dataclasses.replace(P, profile=profile, **changes)
    climate = SimpleNamespace(t_mean_c=t, rh_pct=r, dtr_c=d)
    out = cooling_of(climate, np.full(n, PLANTS[plant], dtype=np.int64), np.zeros(n), Parameters(cooling=c), "cpu")
    return out["pue"], out["water_l_per_mwh_it"], out["economizer_fraction"]


# --- chillers against rating data ---------------------------------------------------------------

def test_air_cooled_chiller_at_ahri_conditions_is_the_ashrae_90_1_minimum():
    # ASHRAE 90.1-2019 Table 6.8.1-3 Path A, air-cooled: 1.188 kW/ton at AHRI 550/590 (44 degF
    # leaving chilled water, 95 degF ambient) -> COP 3.517 / 1.188 = 2.960
    cop = chillers.air_cooled_chiller_cop(P.air_chiller_rated_cop, 6.67, 35.0)
    assert cop == pytest.approx(3.517 / 1.188, rel=1e-3)


@pytest.mark.parametrize("ambient_c,kw_per_ton", [(15, 0.72), (20, 0.79), (25, 0.90), (30, 1.03), (40, 1.38),
                                                   (45, 1.60)])
def test_air_cooled_chiller_follows_the_90_1_curve_set(ambient_c, kw_per_ton):
    # NREL openstudio-standards AirCooled_Chiller_2010_PathA_EIRFT evaluated at 6.67 degC leaving
    # chilled water with the 1.188 kW/ton reference (catalogs/references/cooling.md table 1b(i))
    cop = chillers.air_cooled_chiller_cop(P.air_chiller_rated_cop, 6.67, float(ambient_c))
    assert KW_PER_TON / cop == pytest.approx(kw_per_ton, abs=0.006)


KW_PER_TON = 3.517


@pytest.mark.parametrize("condenser_c,cop", [(24, 6.18), (27, 5.81), (29.4, 5.51), (32, 5.18), (35, 4.81)])
def test_water_cooled_chiller_follows_the_doe2_reference_curve(condenser_c, cop):
    # EnergyPlus Chillers.idf "DOE-2 Centrifugal/5.50COP": COP vs entering condenser water at
    # 6.67 degC leaving chilled water (reference COP 5.5 at 6.67 / 29.4 degC)
    assert chillers.water_cooled_chiller_cop(5.5, 6.67, float(condenser_c)) == pytest.approx(cop, abs=0.015)


def test_chiller_curves_hold_their_validity_range():
    # EnergyPlus holds the curve inputs to their limits: no credit beyond 10 degC chilled water or
    # below 24 degC condenser water for the centrifugal curve
    assert chillers.water_cooled_chiller_cop(6.28, 18.0, 10.0) == chillers.water_cooled_chiller_cop(6.28, 10.0, 24.0)


# --- cooling tower water against a handbook worked example ---------------------------------------

@pytest.mark.parametrize("cycles,makeup_gpd", [(4, 152_064), (8, 130_341)])
def test_tower_makeup_reproduces_the_worked_example(cycles, makeup_gpd):
    # "Case Example Calculations" (cooling-tower water balance): 9,900 gpm recirculating, 8 degF
    # range, evaporation 0.001 x flow x range[degF], windage 0.1 % counted in the blowdown;
    # COC 4 -> 152,064 gal/day of make-up, COC 8 -> 130,341 gal/day
    flow_gpd = 9900 * 1440
    share = cooling.tower_makeup_fraction(0.001 * 1.8, 8 / 1.8, float(cycles), 0.001)
    assert flow_gpd * share == pytest.approx(makeup_gpd, abs=1.0)


@pytest.mark.parametrize("cycles,l_per_kwh", [(3, 1.98), (4, 1.76), (6, 1.58)])
def test_tower_makeup_per_heat_rejected(cycles, l_per_kwh):
    # handbook relation E = 0.00085 x flow x range[degF] with 0.002 % drift: 1.98 / 1.76 / 1.58 L of
    # make-up per kWh of heat rejected at COC 3 / 4 / 6 (cooling.md section 2, SI example)
    assert cooling.tower_makeup_l_per_mwh(1.0, float(cycles), 0.00002, 5.6) / 1000 == pytest.approx(l_per_kwh, abs=0.01)


# --- analytic limits ---------------------------------------------------------------------------

def test_cold_dry_climate_is_pure_free_air_at_the_profile_overheads():
    op = P.operator()
    p_, w, free = pue([[5.0] * 12], [[50.0] * 12], [[8.0] * 12])
    assert p_[0] == pytest.approx(1 + op.electrical_loss + op.misc_kw_per_kw + op.fan_kw_per_kw, abs=1e-12)
    assert w[0] == 0 and free[0] == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-30, 38), min_size=12, max_size=12), st.floats(5, 100), st.floats(0, 20),
       st.floats(0.1, 8), st.sampled_from(sorted(PLANTS)))
def test_pue_never_falls_when_the_climate_warms(temps, rh, dtr, warming, plant):
    base, _, _ = pue([temps], [[rh] * 12], [[dtr] * 12], plant)
    warmer, _, _ = pue([[t + warming for t in temps]], [[rh] * 12], [[dtr] * 12], plant)
    assert warmer[0] >= base[0] - 1e-12


# --- sites and fleets --------------------------------------------------------------------------

LULEA = ([-11.6, -11.4, -6.6, -0.3, 6.1, 12.5, 15.0, 13.1, 8.1, 2.6, -4.4, -8.9], [88] * 12, [7] * 12)
SINGAPORE = ([26.4, 27.0, 27.4, 27.7, 27.8, 27.5, 27.2, 27.1, 27.0, 27.1, 26.8, 26.3], [81] * 12, [7] * 12)
PHOENIX = ([11.7, 14.0, 16.4, 20.6, 25.4, 30.6, 33.7, 32.6, 29.2, 23.1, 16.2, 11.8],
           [51, 44, 39, 28, 22, 19, 33, 37, 37, 37, 44, 52], [15] * 12)


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_pue_and_water_rise_from_nordic_to_tropical(plant):
    nordic_pue, nordic_water, _ = pue(*LULEA, plant)
    tropic_pue, tropic_water, _ = pue(*SINGAPORE, plant)
    assert tropic_pue[0] > nordic_pue[0] + 0.02
    assert tropic_water[0] >= nordic_water[0]


def test_a_liquid_cooled_hall_beats_air_cooled_ones_in_a_hot_climate():
    # hot and humid: warm-water cold plates beat every air-cooled plant on energy
    liquid, _, _ = pue(*SINGAPORE, "liquid")
    for plant in ("air_economizer", "chiller_tower", "dry_cooler"):
        assert liquid[0] < pue(*SINGAPORE, plant)[0][0] - 0.05
    # hot and dry: it beats the closed-loop air-cooled hall, and evaporates far less than towers
    # (direct evaporative air handling stays the energy winner there, at the cost of water)
    liquid, liquid_water, _ = pue(*PHOENIX, "liquid")
    assert liquid[0] < pue(*PHOENIX, "dry_cooler")[0][0] - 0.05
    assert liquid_water[0] < 0.5 * pue(*PHOENIX, "chiller_tower")[1][0]


def test_warmer_liquid_class_cools_more_hours_without_compressors():
    w32, _, free32 = pue(*SINGAPORE, "liquid", liquid_supply_c=32.0)
    w45, _, free45 = pue(*SINGAPORE, "liquid", liquid_supply_c=45.0)  # ASHRAE W45
    assert free45[0] > free32[0] and w45[0] < w32[0]


# Campus locations (lat, lon, elevation m) from the operators' data-center pages.
META = [(44.30, -120.83, 900), (35.33, -81.87, 300), (41.65, -93.46, 290), (32.97, -97.32, 220),
        (34.80, -106.73, 1480), (41.15, -96.04, 330), (40.08, -82.78, 330), (37.53, -77.32, 50),
        (34.62, -86.72, 200), (40.31, -112.01, 1500), (41.93, -88.75, 270), (36.39, -86.45, 160),
        (33.35, -111.66, 420), (39.28, -94.66, 290), (33.61, -83.80, 230), (65.62, 22.12, 20),
        (53.41, -6.44, 70), (55.39, 10.39, 20), (1.33, 103.70, 20)]
GOOGLE = [(45.60, -121.18, 50), (41.22, -95.86, 330), (36.24, -95.33, 190), (35.90, -81.54, 360),
          (33.06, -80.04, 20), (33.75, -84.58, 290), (34.91, -85.80, 200), (36.56, -87.35, 150),
          (32.48, -96.99, 230), (36.04, -114.98, 560), (41.15, -96.04, 330), (40.08, -82.78, 330),
          (39.02, -77.46, 90), (39.53, -119.47, 1300), (60.54, 27.11, 10), (50.47, 3.87, 30),
          (53.43, 6.83, 0), (53.32, -6.44, 60), (55.56, 9.74, 20), (24.09, 120.54, 10), (1.35, 103.71, 20),
          (35.83, 140.14, 20), (-33.36, -70.73, 480)]
EQUINIX_METROS = [(39.02, -77.46, 90), (41.85, -87.65, 180), (32.78, -96.80, 130), (37.34, -121.89, 25),
                  (50.11, 8.68, 110), (51.51, -0.13, 20), (52.37, 4.90, 0), (1.35, 103.82, 20), (35.68, 139.69, 40),
                  (-33.87, 151.21, 30), (48.86, 2.35, 40), (22.32, 114.17, 20)]


def fleet(locations, plant, profile="hyperscale"):
    import placement

    p = Parameters()
    p = dataclasses.replace(p, cooling=dataclasses.replace(p.cooling, plant=plant, profile=profile))
    rows = [dict(id=str(k), name=str(k), lat_deg=a, lon_deg=b, elevation_m=e, power_mw=100.0, availability=1.0,
                 price_usd_per_mwh=50.0, carbon_g_per_kwh=300.0) for k, (a, b, e) in enumerate(locations)]
    return placement.score_sites(rows, placement.demand_points(), parameters=p, device="cpu")


def test_meta_fleet_pue_with_the_hyperscale_profile():
    # Meta 2024 Sustainability Report: data-center PUE 1.08 (2023); direct evaporative air handling
    s = fleet(META, "air_economizer")
    assert s["pue"].mean() == pytest.approx(1.08, abs=0.02)


def test_google_fleet_pue_and_tower_water_with_the_hyperscale_profile():
    # Google 2024 Environmental Report: fleet PUE 1.10 (2023); evaporative towers with economizers.
    # Tower-based plants use about 1.8 L of site water per kWh (Shehabi et al. 2016, LBNL-1005775).
    s = fleet(GOOGLE, "chiller_tower")
    assert s["pue"].mean() == pytest.approx(1.10, abs=0.02)
    assert s["water_l_per_mwh_it"].mean() / 1000 == pytest.approx(1.8, rel=0.15)


def test_colocation_profile_reproduces_a_colocation_fleet():
    # Equinix global PUE 1.42 (2023), chilled-water halls in the big metros; the colocation profile
    s = fleet(EQUINIX_METROS, "chiller_tower", "colocation")
    assert s["pue"].mean() == pytest.approx(1.42, abs=0.07)
    assert s["pue"].mean() > fleet(EQUINIX_METROS, "chiller_tower")["pue"].mean() + 0.15


@pytest.mark.parametrize("plant", ["air_economizer", "chiller_tower", "dry_cooler"])
@pytest.mark.parametrize("rh", [20.0, 60.0])
def test_pue_and_water_rise_with_the_climate_for_a_fixed_plant(plant, rh):
    """Issue 22: for one plant, a warmer site (same humidity) never does better: PUE and water are
    non-decreasing in temperature, and a hot site does measurably worse than a cold one. Water of an
    air economizer is checked where its outside air stays inside the dew-point limit (20 % RH): in
    more humid heat it recirculates on its chiller and evaporates nothing."""
    t = np.arange(-10.0, 41.0, 2.5)
    p, w, _ = pue(np.repeat(t[:, None], 12, axis=1), np.full((t.size, 12), rh), np.full((t.size, 12), 10.0), plant)
    assert np.all(np.diff(p) >= -1e-12)
    assert p[-1] > p[0] + 0.02
    if plant != "air_economizer" or rh <= 20.0:
        assert np.all(np.diff(w) >= -1e-9)
        assert w[-1] > w[0]
