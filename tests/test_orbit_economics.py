"""Orbit economics against outside figures: the Suncatcher study's Starlink-class mass and
launched-power price, published dose tables, the battery cycle-life table, the launch
trajectory's anchors, and the crossover's defining equation."""
import csv
import dataclasses
import json
import math

import numpy as np
import pytest

import placement
from placement.catalogs import DATA_DIR
from placement.orbit.shells import load_shells, make_shell
from placement.earth.ephemeris import parse_start
from placement.parameters import Parameters
from placement.orbit.scoring import score_shells
from testsupport import run_cli

DEMAND = None


def demand():
    global DEMAND
    if DEMAND is None:
        DEMAND = placement.default_scenario().demand()
    return DEMAND


def dawn_dusk(altitude_km=650.0):
    return make_shell("test", id=f"sso-{altitude_km:g}-18", altitude_km=altitude_km, ltan="18:00")


def score(shells, start="2026-01-01", days=365.0, parameters=None):
    return score_shells(shells, demand(), start=start, days=days, step_s=60.0, parameters=parameters, device="cpu")


# --- battery from the shell, not the window -------------------------------------------------------

def test_battery_is_the_same_for_a_30_day_and_a_365_day_score():
    # From 1 January a dawn-dusk shell sees no shadow for 30 days; the battery still covers its
    # June season, and equals the full-year score's (issue: 1,042 vs 0 kWh/MW before).
    s = dawn_dusk()
    month = score([s], days=30)
    year = score([s], days=365)
    assert month["eclipse_fraction"][0] == 0.0  # nothing in the scored window
    assert month["battery_kwh_per_mw"][0] == pytest.approx(year["battery_kwh_per_mw"][0], rel=0.01)
    assert month["lcoe_usd_per_mwh_it"][0] == pytest.approx(year["lcoe_usd_per_mwh_it"][0], rel=0.01)
    summer = score([s], start="2026-06-01", days=30)
    assert summer["battery_kwh_per_mw"][0] == pytest.approx(year["battery_kwh_per_mw"][0], rel=0.01)
    assert year["battery_kwh_per_mw"][0] > 0


def test_dawn_dusk_cycles_and_depth_of_discharge_follow_the_cycle_life_curve():
    # ~1,400 eclipses a year, all in ~92 days (the issue); the depth of discharge is the deepest
    # whose cycle life N_ref (DoD / DoD_ref)^-k covers the cycles over the life, capped at 0.8
    sso, incl = dawn_dusk(), make_shell("test", id="w53", altitude_km=550.0, inclination_deg=53.0)
    r = score([sso, incl])
    cycles = r.extra["eclipse_cycles_per_yr"]
    period_min = r.extra["period_min"]
    assert 1200 < cycles[0] < 1500
    assert cycles[0] == pytest.approx(r["eclipse_season_days"][0] * 1440 / period_min[0], rel=0.03)
    # a 53-degree shell is shadowed on most orbits: at most one pass per orbit, and beta exceeds the
    # shadow limit asin(R / (R + h)) = 67 deg only for short spells around 53 + 23.4 deg
    orbits = 365.25 * 1440 / period_min[1]
    assert 0.85 * orbits < cycles[1] <= orbits
    o = Parameters().orbit
    for k in range(2):
        n = cycles[k] * r.extra["life_yr"][k]
        expect = min(o.battery_cycle_life_ref_dod * (o.battery_cycle_life_ref / n) ** (1 / o.battery_cycle_life_exponent),
                     o.max_depth_of_discharge)
        assert r.extra["depth_of_discharge"][k] == pytest.approx(expect, rel=1e-9)
    assert r.extra["depth_of_discharge"][0] == o.max_depth_of_discharge
    assert 0.25 < r.extra["depth_of_discharge"][1] < 0.4
    # battery = load x longest pass / (DoD x discharge efficiency)
    hours = r.extra["design_max_eclipse_min"][1] / 60
    assert r["battery_kwh_per_mw"][1] == pytest.approx(
        1000 * (1 + o.bus_overhead) * hours / (r.extra["depth_of_discharge"][1] * o.discharge_efficiency), rel=1e-9)


def test_cycle_life_curve_is_the_bundled_table_fit():
    # slope: least squares of log N on log DoD over Battery University BU-808's NMC rows;
    # anchor: the Saft VES180 space-cell row
    rows = list(csv.DictReader(open(DATA_DIR / "battery_cycle_life.csv")))
    nmc = [(float(r["depth_of_discharge"]), float(r["cycles_to_eol"])) for r in rows if r["chemistry"] == "NMC"]
    slope = np.polyfit(np.log([d for d, _ in nmc]), np.log([n for _, n in nmc]), 1)[0]
    o = Parameters().orbit
    assert o.battery_cycle_life_exponent == pytest.approx(-slope, abs=0.005)
    space = next(r for r in rows if "VES180" in r["chemistry"])
    assert (o.battery_cycle_life_ref, o.battery_cycle_life_ref_dod) == (float(space["cycles_to_eol"]),
                                                                        float(space["depth_of_discharge"]))


def test_no_battery_shell_delivers_its_sunlit_share():
    s = make_shell("test", id="w53", altitude_km=550.0, inclination_deg=53.0)
    with_battery = score([s])
    p = Parameters()
    none = score([s], parameters=dataclasses.replace(p, orbit=dataclasses.replace(p.orbit, storage="none")))
    assert none["battery_kwh_per_mw"][0] == 0
    cf = none.extra["capacity_factor"][0]
    assert 0.6 < cf < 0.75  # ~31 % of a 53-degree orbit is in shadow
    assert cf == pytest.approx(1 - with_battery["eclipse_fraction"][0], abs=0.01)
    assert none["array_m2_per_mw"][0] < with_battery["array_m2_per_mw"][0]  # nothing to recharge


# --- mass and launch against the Suncatcher study --------------------------------------------------

def test_mass_without_storage_within_1_5x_of_starlink_class():
    # Suncatcher (arXiv:2511.19468) Table 1: Starlink v2 mini 575 kg for ~28 kW -> 20.5 t/MW
    r = score([dawn_dusk()])
    o = Parameters().orbit
    storage_t = r["battery_kwh_per_mw"][0] / o.battery_wh_per_kg * (1 + o.structure_fraction)
    starlink = 575 / 28
    assert starlink / 1.5 < r["mass_t_per_mw"][0] - storage_t < 1.5 * starlink


def launched_power_price_usd_per_kw_yr(mass_kg_per_kw, usd_per_kg, life_yr):
    """The Suncatcher study's Table 1 metric: launch cost per kW of power per year of life."""
    return mass_kg_per_kw * usd_per_kg / life_yr


def test_launched_power_price_against_suncatcher_table_1():
    # Starlink v2 mini: 575 kg, 28 kW, 5 yr -> 14,700 USD/kW/yr at 3,600 USD/kg, 810 at 200 USD/kg
    assert launched_power_price_usd_per_kw_yr(575 / 28, 3600, 5) == pytest.approx(14700, rel=0.01)
    assert launched_power_price_usd_per_kw_yr(575 / 28, 200, 5) == pytest.approx(810, rel=0.02)
    # our dawn-dusk spacecraft at 200 USD/kg (launch cost per MW from the engine), compute included,
    # lands within the Table's range for LEO satellites (810-7,500) and within 2x of Starlink v2 mini
    p = Parameters()
    r = score([dawn_dusk()], parameters=dataclasses.replace(p, orbit=dataclasses.replace(p.orbit, launch_usd_per_kg=200.0)))
    ours = r["launch_cost_usd_per_mw"][0] / 1000 / r.extra["life_yr"][0]
    assert 810 <= ours <= 7500 and ours < 2 * 810
    assert ours == pytest.approx(launched_power_price_usd_per_kw_yr(r["mass_t_per_mw"][0], 200, r.extra["life_yr"][0]))


# --- launch prices by year -------------------------------------------------------------------------

def test_trajectory_passes_through_its_published_anchors():
    from placement.orbit.launch_prices import launch_usd_per_kg

    assert launch_usd_per_kg(2025) == pytest.approx(3600)   # Falcon 9 reusable (Suncatcher sec. 4.4)
    assert launch_usd_per_kg(2035) == pytest.approx(200)    # Suncatcher: <= 200 USD/kg by ~2035
    assert launch_usd_per_kg(2040) == pytest.approx(100)    # Citi GPS 2022 base case
    assert launch_usd_per_kg(2030) == pytest.approx(math.sqrt(3600 * 200))  # log-linear between anchors
    assert launch_usd_per_kg(2035, "suncatcher_slow") == pytest.approx(300)
    from placement.catalogs.validation import InputError

    with pytest.raises(InputError, match="launch_year"):
        launch_usd_per_kg(2045)


# --- radiation --------------------------------------------------------------------------------------

def published_dose_rows():
    # primary published runs only: SPENVIS 4.6.11 and the Suncatcher study. Rows the catalog marks
    # "not verified" (NASA/TM-20220011775 as quoted in secondary notes) are left out: their 500 km
    # equatorial 0.136 krad/yr contradicts SPENVIS's ~0.0002 at 550 km equatorial.
    rows = list(csv.DictReader(open(DATA_DIR / "radiation_dose.csv")))
    return [r for r in rows if ("SPENVIS" in r["source"] or "Suncatcher" in r["source"])
            and "not verified" not in r["source"]]


@pytest.mark.parametrize("row", published_dose_rows(), ids=lambda r: f"{r['altitude_km']}km-{r['inclination_deg']}deg-"
                                                                      f"{r['shielding_mm_al']}mm")
def test_dose_model_against_published_points(row):
    # SPENVIS 4.6.11 at 550 km (Pfandzelter et al. 2023) and Suncatcher's 650 km dawn-dusk orbit:
    # the dose table (AP-8/AE-8 + SHIELDOSE-2) within a factor of 2 where the published dose is
    # above 0.1 krad/yr (below it solar protons and cosmic rays, not in the table, take over)
    from placement.orbit.radiation import dose_krad_per_yr

    published = float(row["dose_krad_si_per_yr"])
    ours = dose_krad_per_yr(float(row["altitude_km"]), float(row["inclination_deg"]), float(row["shielding_mm_al"]))[0]
    if published < 0.1:
        assert ours < 0.2
    else:
        assert published / 2 <= ours <= 2 * published


@pytest.mark.parametrize("inclination_deg", [0.0, 53.0, 98.0])
def test_dose_rises_with_altitude_through_the_inner_belt(inclination_deg):
    from placement.orbit.radiation import dose_krad_per_yr

    alt = np.array([800.0, 1000, 1200, 1400, 1700, 2000, 3000])
    d = dose_krad_per_yr(alt, np.full(alt.size, inclination_deg), 3.0)
    assert np.all(np.diff(d) > 0)
    assert d[-1] > 30 * d[0]


def test_a_1400_km_shell_pays_for_its_dose():
    # the issue: "a 1,400 km shell (no eclipses, far more dose) looks free"; now its compute
    # reaches the 2 krad tolerance in about half a year and the shell costs far more than at 650 km
    shells = {s.id: s for s in load_shells()}
    r = score([shells["ascend-1400"], shells["suncatcher-650-dd18"]])
    assert r["dose_krad_per_yr"][0] > 10 * r["dose_krad_per_yr"][1]
    assert r.extra["life_yr"][0] == pytest.approx(2.0 / r["dose_krad_per_yr"][0])
    assert r["lcoe_usd_per_mwh_it"][0] > 3 * r["lcoe_usd_per_mwh_it"][1]


# --- hardware choices ------------------------------------------------------------------------------

def test_coolant_class_sets_the_radiator_temperature():
    from placement.kernels.radiators import STEFAN_BOLTZMANN_W_M2_K4

    p = Parameters()
    s = [dawn_dusk()]
    w32 = score(s, days=5, parameters=dataclasses.replace(p, orbit=dataclasses.replace(p.orbit, coolant_class="W32")))
    w45 = score(s, days=5)
    assert Parameters().orbit.radiator_temperature_c == 50.0
    # hotter radiators are smaller; at these temperatures emission dominates, close to (T45/T32)^4
    ratio = w32["radiator_m2_per_mw"][0] / w45["radiator_m2_per_mw"][0]
    assert 1.0 < ratio
    assert ratio == pytest.approx(((50 + 273.15) / (37 + 273.15)) ** 4, rel=0.1)
    assert STEFAN_BOLTZMANN_W_M2_K4 > 0


def test_triple_junction_is_smaller_but_dearer_than_silicon():
    p = Parameters()
    s = [dawn_dusk()]
    si = score(s, days=5)
    tj = score(s, days=5, parameters=dataclasses.replace(
        p, orbit=dataclasses.replace(p.orbit, solar_technology="triple_junction")))
    assert tj["array_m2_per_mw"][0] < si["array_m2_per_mw"][0]
    assert tj.extra["capex_usd_per_mw"][0] > si.extra["capex_usd_per_mw"][0]  # ~200 USD/W cells


# --- one answer per shell ---------------------------------------------------------------------------

def test_run_and_shells_sample_alike():
    from click.testing import CliRunner  # noqa: F401 - the defaults are read from the command itself

    from placement.cli.main import shells as shells_command

    defaults = {p.name: p.default for p in shells_command.params}
    sc = placement.default_scenario()
    assert (sc.shell_days, sc.shell_step_s) == (defaults["days"], defaults["step_s"])


# --- crossover -----------------------------------------------------------------------------------

def test_crossover_price_solves_orbit_equals_ground():
    from placement.compare import compare
    from placement.orbit.design import design_eclipses, shell_economics_of

    sc = placement.default_scenario()
    # a cheap spacecraft and long life so a crossover exists
    p = sc.parameters
    sc = dataclasses.replace(sc, parameters=dataclasses.replace(
        p, orbit=dataclasses.replace(p.orbit, spacecraft_cost_usd_per_kg=100.0, compute_tid_limit_krad=15.0)))
    c = compare(sc, "stargate-abilene", "suncatcher-650-dd18", device="cpu")
    assert c.crossover_launch_usd_per_kg is not None and c.crossover_launch_usd_per_kg > 0
    shell = next(s for s in load_shells() if s.id == "suncatcher-650-dd18")
    design = design_eclipses([shell], parse_start("t", sc.shell_start_utc), "cpu")
    at = shell_economics_of([shell], design, sc.parameters, "cpu",
                            launch_usd_per_kg=c.crossover_launch_usd_per_kg)["lcoe_usd_per_mwh_it"][0]
    assert at == pytest.approx(c.ground_lcoe_usd_per_mwh_it, rel=1e-6)
    from placement.orbit.launch_prices import launch_usd_per_kg

    event = sc.parameters.orbit.heavy_reusable_year
    if c.crossover_year is not None:
        assert launch_usd_per_kg(c.crossover_year, heavy_reusable_year=event) <= c.crossover_launch_usd_per_kg
        assert c.crossover_year == 2025 or launch_usd_per_kg(c.crossover_year - 1, heavy_reusable_year=event) > \
            c.crossover_launch_usd_per_kg


def test_compare_cli_writes_json_csv_and_tornado(tmp_path):
    out = tmp_path / "cmp"
    r = run_cli("compare", "colossus-2", "suncatcher-650-dd18", "--out", str(out), "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert {"crossover_launch_usd_per_kg", "crossover_year", "tornado", "by_year"} <= set(d)
    assert {t["parameter"] for t in d["tornado"]} == {"launch_usd_per_kg", "spacecraft_cost_usd_per_kg",
                                                      "cell_efficiency", "design_life_yr", "compute_kg_per_kw"}
    assert (out / "tornado.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "compare_by_year.csv").read_text().startswith("year,launch_usd_per_kg")
    # orbit falls with the launch price year by year; ground stays
    orbit = [row["orbit_lcoe_usd_per_mwh_it"] for row in d["by_year"]]
    assert all(b <= a for a, b in zip(orbit, orbit[1:]))


@pytest.mark.parametrize("args, field", [
    (("shells", "--launch-year", "2050"), "--launch-year"),
    (("shells", "--launch-usd-per-kg", "-5"), "--launch-usd-per-kg"),
    (("shells", "--launch-year", "2030", "--launch-usd-per-kg", "300"), "--launch-year"),
    (("shells", "--solar", "perovskite"), "--solar"),
    (("compare", "nowhere", "suncatcher-650-dd18"), "site_id"),
    (("compare", "colossus-2", "nowhere"), "shell_id"),
])
def test_bad_orbit_options_exit_2_with_one_line(args, field):
    r = run_cli(*args)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("placement: error:") and field in lines[0]


@pytest.mark.parametrize("key, value", [("cell_efficiency", 1.2), ("cell_efficiency", 0), ("launch_year", 2051), ("launch_year", 2048),
                                        ("launch_usd_per_kg", -1), ("solar_technology", "perovskite")])
def test_bad_orbit_parameters_in_a_scenario_exit_2(tmp_path, key, value):
    path = tmp_path / "s.toml"
    path.write_text(f"[parameters.orbit]\n{key} = {json.dumps(value)}\n")
    r = run_cli("shells", "--days", "1", "--scenario", str(path))
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and f"parameters.orbit.{key}" in r.stderr


def test_the_launch_price_falls_only_from_the_heavy_reusable_year():
    """Issue 22: list prices rose 2016-2026 (launch_prices.csv); the trajectory holds today's price
    until the first year a heavy reusable vehicle sells at its target, then falls as published."""
    from placement.orbit.launch_prices import launch_usd_per_kg, trajectory, vehicle_prices
    from placement.parameters import Parameters

    event = Parameters().orbit.heavy_reusable_year
    cheapest_list = min(v["usd_per_kg_leo"] for v in vehicle_prices()
                        if v["kind"] == "list" and v["year"] >= 2016 and v["usd_per_kg_leo"] == v["usd_per_kg_leo"])
    for year in range(2026, 2030):
        price = launch_usd_per_kg(year, heavy_reusable_year=event)
        assert price >= cheapest_list
        assert price == pytest.approx(launch_usd_per_kg(2025))  # today's, until the event
    # from the event on, the published curve shifted: ten years later the Suncatcher 200 USD/kg
    assert launch_usd_per_kg(event + 10, heavy_reusable_year=event) == pytest.approx(200)
    assert launch_usd_per_kg(event + 15, heavy_reusable_year=event) == pytest.approx(100)
    assert launch_usd_per_kg(event + 1, heavy_reusable_year=event) < launch_usd_per_kg(event, heavy_reusable_year=event)
    # a later event delays every price after it
    later = trajectory(heavy_reusable_year=event + 3)
    assert later.last_year == trajectory(heavy_reusable_year=event).last_year + 3
    assert launch_usd_per_kg(event + 5, heavy_reusable_year=event + 3) > launch_usd_per_kg(event + 5,
                                                                                        heavy_reusable_year=event)


def test_dose_calibration_improves_inclinations_it_has_not_seen():
    """Issue 22: the dose table ran ~18 % low against SPENVIS 4.6.11 at 550 km and ~37 % low at 70 deg
    between its 53 and 98 deg nodes. Calibrated on the published runs of the other inclinations, the
    dose at each interior inclination left out (50, 55, 70, 95, 100 deg) is closer to SPENVIS than
    the table alone, on average and at 70 deg."""
    from placement.orbit.radiation import _table_dose, spenvis_calibration, spenvis_runs

    runs = spenvis_runs()
    assert len(runs) >= 30
    table_err, calibrated_err = [], []
    for inc in (50.0, 55.0, 70.0, 95.0, 100.0):
        others = tuple(r for r in runs if r[0] != inc)
        for _, mm, published in (r for r in runs if r[0] == inc):
            table = _table_dose(np.array([550.0]), np.array([inc]), mm)[0]
            calibrated = table * spenvis_calibration(inc, mm, others)[0]
            table_err.append(abs(math.log(table / published)))
            calibrated_err.append(abs(math.log(calibrated / published)))
            if inc == 70.0 and mm <= 2:
                assert abs(calibrated / published - 1) < abs(table / published - 1)
    assert np.mean(calibrated_err) < 0.8 * np.mean(table_err)


def test_dose_at_the_published_runs_and_above_leo():
    from placement.orbit.radiation import _table_dose, dose_krad_per_yr, spenvis_runs

    for inc, mm, published in spenvis_runs():  # the calibration passes through every run it is made of
        assert dose_krad_per_yr(550.0, inc, mm)[0] == pytest.approx(published, rel=1e-9)
    # no calibration above 2,000 km (the runs say nothing of the outer belt)
    assert dose_krad_per_yr(20200.0, 55.0, 3.0)[0] == pytest.approx(_table_dose(20200.0, 55.0, 3.0)[0], rel=1e-12)
