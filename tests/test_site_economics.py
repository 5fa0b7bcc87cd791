"""Site economics: capital by market and asset life, power supply and time to power, water and
delay in the levelized cost, per-site overrides and bad input (issue: ground sites an engineer
signs off on)."""
import csv
import dataclasses
import io

import numpy as np
import pytest

import placement
from placement.catalogs import GROUND_SITES_CSV, InputError, load_ground_sites
from placement.kernels import cost
from placement.kernels.targets import launch
from placement.parameters import Parameters, parameters_from_table
from placement.ground.sites import COST_COMPONENTS
from testsupport import assert_names_row

MINIMAL = dict(id="x", name="X", lat_deg=39.02, lon_deg=-77.46, elevation_m=90.0, power_mw=100.0,
               availability=0.9998, price_usd_per_mwh=80.0, carbon_g_per_kwh=350.0)


def with_params(**groups):
    return parameters_from_table("test", groups)


def score(rows, parameters=None):
    return placement.score_sites(rows, placement.demand_points({"NA": 1.0}), parameters=parameters or Parameters(),
                                 device="cpu")


def test_datacenter_tco_worked_example():
    # Barroso, Clidaras & Hoelzle, The Datacenter as a Computer (2nd ed.) ch. 6 cost model, as coded
    # in the ASIC Clouds TCO model (Magaki et al., ISCA 2016): facility 10 USD/W over 12 years at 8 %,
    # opex 0.04 USD/W/month, PUE 1.5, 0.067 USD/kWh, full load -> 0.2206 USD per W per month
    # (monthly compounding; an annual capital recovery factor gives 1.1 % more).
    crf = cost.capital_recovery_factor(0.08, 12)
    r = launch("cpu", cost.ground_cost, cost.ground_cost_site, 1, pue=np.array([1.5]),
               price_usd_per_mwh=np.array([67.0]), carbon_g_per_kwh=np.zeros(1), availability=np.ones(1),
               it_load_factor=np.ones(1), building_capex_usd_per_mw=np.array([3e6]), building_crf=np.array([crf]),
               plant_capex_usd_per_mw=np.array([7e6]), plant_crf=np.array([crf]), supply_capex_usd_per_mw=np.zeros(1),
               it_capex_usd_per_mw=np.zeros(1), water_l_per_mwh_it=np.zeros(1), delay_months=np.zeros(1),
               constants=cost.pack_ground_cost_constants(
                   supply_crf=crf, fixed_opex_fraction_per_yr=0.04 * 12 / 10.0, it_crf=0.0, water_price_usd_per_m3=0.0,
                   delay_usd_per_mw_month=0.0, delay_crf=crf, carbon_price_usd_per_t=0.0))
    usd_per_w_month = r["lcoe_usd_per_mwh_it"][0] * 720 / 1e6  # the model's 720-hour month
    assert usd_per_w_month == pytest.approx(0.220605, rel=0.015)
    assert r["energy_usd_per_mwh_it"][0] == pytest.approx(67 * 1.5)


def test_gas_energy_price_and_carbon_follow_eia_figures():
    # EIA AEO2026 aeroderivative turbine: 9,447 Btu/kWh, VOM 5.97 USD/MWh; gas delivered at the US
    # average city-gate price 2024, 4.25 USD/Mcf (EIA Natural Gas Annual Table 22) / 1.036 MMBtu per
    # Mcf -> 4.10 USD/MMBtu (Henry Hub alone was 2.21); CO2 53.07 kg/MMBtu -> 501 g/kWh
    site = dict(MINIMAL, country="US", supply_options=("gas_turbines",))  # Virginia: no state row
    s = score([site])
    pue = s["pue"][0]
    assert s["energy_usd_per_mwh_it"][0] == pytest.approx((4.10 * 9.447 + 5.97) * pue, rel=1e-9)
    assert 4.10 == pytest.approx(4.25 / 1.036, abs=0.005)
    texas = score([dict(site, lat_deg=32.9, lon_deg=-96.96)])  # Dallas: Texas city-gate 3.25 USD/Mcf
    assert texas["energy_usd_per_mwh_it"][0] == pytest.approx((3.14 * 9.447 + 5.97) * texas["pue"][0], rel=1e-9)
    assert 3.14 == pytest.approx(3.25 / 1.036, abs=0.005)
    assert s["carbon_kg_per_mwh_it"][0] == pytest.approx(53.07 * 9.447 * pue, rel=1e-9)


def test_behind_the_meter_gas_is_online_sooner_than_a_grid_site_in_a_congested_queue():
    # Northern Virginia large-load connections take years (Dominion: 4-7 years); turbines and
    # batteries took months at xAI Colossus 1 (122 days). With delay priced as lost margin, the
    # gas site bridges on mobile turbines and is online first; the grid-only site waits for its
    # queue. New aeroderivatives ordered in 2026 wait for a market sold out through 2028.
    p = with_params(cost={"delay_usd_per_mw_month": 150000})
    gas = dict(MINIMAL, id="gas", country="US", region="US-VA", queue_months=66, power_mw=300,
               supply_options=("grid", "gas_turbines", "gas_bridge"))
    grid = dict(MINIMAL, id="grid", country="US", region="US-VA", queue_months=66, power_mw=300,
                supply_options=("grid",))
    s = score([gas, grid], p)
    assert list(s["supply_option"]) == ["gas_bridge", "grid"]
    assert s["time_to_power_months"][0] < 12 < 60 < s["time_to_power_months"][1]
    assert s["delay_usd_per_mwh_it"][0] < s["delay_usd_per_mwh_it"][1] / 5


def test_fastest_choice_takes_the_fewest_months():
    p = with_params(supply={"choice": "fastest"})
    site = dict(MINIMAL, country="US", queue_months=24, supply_options=("grid", "gas_combined_cycle", "gas_engines"))
    assert score([site], p)["supply_option"][0] == "gas_engines"  # 18 months < 24 < 36


def test_components_add_up_to_the_levelized_cost(default_site_scores):
    s = default_site_scores
    total = sum(s[f] for f in COST_COMPONENTS if f in s.columns)
    np.testing.assert_allclose(total, s["lcoe_usd_per_mwh_it"], rtol=1e-12)
    assert "it_capex_usd_per_mwh_it" not in s.columns  # facility-only unless IT hardware is costed


def test_sites_differ_in_capital_and_not_only_in_energy(default_site_scores):
    capital = default_site_scores["capital_usd_per_mwh_it"]
    assert capital.max() > 1.4 * capital.min()  # Tokyo vs Mumbai construction costs, lives, supply capex


def test_it_hardware_gives_all_in_cost_and_cost_per_gpu_hour():
    p = with_params(cost={"it_capex_usd_per_mw": 25e6, "it_life_yr": 5, "gpu_it_kw": 1.7})
    s = score([MINIMAL], p)
    k = p.cost
    mwh = 8760 * s["power_availability"][0] * k.it_load_factor  # the supply's, after its backup
    assert s["it_capex_usd_per_mwh_it"][0] == pytest.approx(25e6 * cost.capital_recovery_factor(0.08, 5) / mwh)
    assert s.extra["usd_per_gpu_hour"][0] == pytest.approx(s["lcoe_usd_per_mwh_it"][0] * 1.7 / 1000)
    assert s.extra["facility_lcoe_usd_per_mwh_it"][0] == pytest.approx(
        s["lcoe_usd_per_mwh_it"][0] - s["it_capex_usd_per_mwh_it"][0])
    assert "it_capex_usd_per_mwh_it" in s.to_records()[0]


def test_capital_scales_with_capex_and_longer_lives_cost_less():
    base = score([MINIMAL])["capital_usd_per_mwh_it"][0]
    k = Parameters().cost
    # the default capex is the index's traditional build plus the AI-build premium; a row's own
    # capex is taken as stated (no premium added)
    double = score([dict(MINIMAL, capex_usd_per_mw=2 * k.facility_capex_usd_per_mw * (1 + k.ai_build_premium))])
    assert double["capital_usd_per_mwh_it"][0] == pytest.approx(2 * base, rel=1e-9)
    no_premium = score([MINIMAL], with_params(cost={"ai_build_premium": 0.0}))["capital_usd_per_mwh_it"][0]
    assert base == pytest.approx(no_premium * (1 + k.ai_build_premium), rel=1e-9)
    longer = score([dict(MINIMAL, building_life_yr=40, plant_life_yr=25)])["capital_usd_per_mwh_it"][0]
    assert longer < base
    idle = score([dict(MINIMAL, it_load_factor=0.5)])["capital_usd_per_mwh_it"][0]
    assert idle == pytest.approx(base * Parameters().cost.it_load_factor / 0.5, rel=1e-9)


def test_water_price_enters_the_cost():
    p = with_params(cooling={"plant": "chiller_tower"}, cost={"water_price_usd_per_m3": 5.0})
    s = score([MINIMAL], p)
    assert s["water_usd_per_mwh_it"][0] == pytest.approx(5.0 * s["water_l_per_mwh_it"][0] / 1000)
    assert s["water_l_per_mwh_it"][0] > 1000  # towers evaporate


def test_minimal_plain_dicts_are_still_accepted():
    s = score([{k: MINIMAL[k] for k in ("id", "name", "lat_deg", "lon_deg", "elevation_m", "power_mw",
                                        "availability", "price_usd_per_mwh", "carbon_g_per_kwh")}])
    assert np.isfinite(s["lcoe_usd_per_mwh_it"][0]) and s["supply_option"][0] == "grid"


def test_water_scarce_sites_default_to_closed_loop_cooling(catalog_sites):
    s = score([dict(MINIMAL, water_stress=4.0), dict(MINIMAL, id="y", water_stress=1.0)])
    assert s.extra["cooling_plant"][0] == "dry_cooler"
    assert s.extra["cooling_plant"][1] in ("air_economizer", "chiller_tower", "dry_cooler")


def test_the_default_plant_is_the_cheapest_in_energy_and_water():
    """Issue 22: the plant is chosen by cost (energy at the site's price + water at the water price),
    not by a wet-bulb switch: each candidate scored alone, the default is the one of least cost."""
    from placement.kernels.cooling import AIR_ECONOMIZER, CHILLER_TOWER, DRY_COOLER

    sites = [dict(MINIMAL, id=f"s{k}", lat_deg=lat, lon_deg=lon, price_usd_per_mwh=price)
             for k, (lat, lon, price) in enumerate([(39.0, -77.5, 80.0), (32.8, -96.8, 60.0), (41.3, -95.9, 70.0),
                                                     (1.35, 103.8, 150.0), (25.2, 55.3, 40.0), (65.6, 22.1, 30.0)])]
    p = with_params(cost={"water_price_usd_per_m3": 5.0})
    auto = score(sites, p)
    names = {AIR_ECONOMIZER: "air_economizer", CHILLER_TOWER: "chiller_tower", DRY_COOLER: "dry_cooler"}
    cost = {}
    for code, name in names.items():
        fixed = score([dict(x, cooling_plant=name) for x in sites], p)
        cost[name] = fixed["pue"] * np.array([x["price_usd_per_mwh"] for x in sites]) \
            + 5.0 * fixed["water_l_per_mwh_it"] / 1000.0
    table = np.vstack([cost[n] for n in names.values()])
    cheapest = np.array(list(names.values()))[np.argmin(table, axis=0)]
    assert list(auto.extra["cooling_plant"]) == list(cheapest)
    # and its PUE and water are that plant's
    fixed_water = {name: score([dict(x, cooling_plant=name) for x in sites], p)["water_l_per_mwh_it"]
                   for name in names.values()}
    for k, name in enumerate(cheapest):
        assert auto["water_l_per_mwh_it"][k] == pytest.approx(fixed_water[name][k], rel=1e-12)


def test_every_catalog_site_resolves_to_sourced_markets(catalog_sites):
    from placement.catalogs.markets import campus_queues, load_construction_costs

    costs, queues = load_construction_costs(), campus_queues()
    for s in catalog_sites:
        assert s["cost_market"] in costs and costs[s["cost_market"]].source
        assert s["queue_region"] in queues and s["queue_months"] > 0
        # Colossus 1's row names the mix it was built with (mobile turbines and Megapacks, no grid yet)
        assert s["supply_options"][0] == "grid" or s["supply_options"] == ("mobile_turbines_battery",)


def _catalog_with(tmp_path, column, value, row=3):
    text = GROUND_SITES_CSV.read_text()
    lines = [ln for ln in text.splitlines(True) if not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("".join(lines))))
    header = list(rows[0])
    if column not in header:
        header.append(column)
    rows[row - 2][column] = value
    path = tmp_path / "sites.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, restval="")
        w.writeheader()
        w.writerows(rows)
    return path


def test_site_csv_accepts_per_site_capex(tmp_path):
    sites = load_ground_sites(_catalog_with(tmp_path, "capex_usd_per_mw", "20000000"))
    assert sites[1]["capex_usd_per_mw"] == 20e6


@pytest.mark.parametrize("column,value,words", [
    ("cooling_plant", "swamp", ["cooling_plant", "swamp", "not one of"]),
    ("supply_options", "grid;fusion", ["supply_options", "fusion", "unknown supply option"]),
    ("capex_usd_per_mw", "-5", ["capex_usd_per_mw", "-5", ">= 0"]),
    ("it_load_factor", "1.5", ["it_load_factor", "1.5", "<= 1"]),
    ("it_load_factor", "0", ["it_load_factor", "positive"]),
    ("building_life_yr", "0", ["building_life_yr", ">= 0.1"]),
    ("price_usd_per_mwh", "-1", ["price_usd_per_mwh", "-1"]),
    ("price_usd_per_mwh", "inf", ["price_usd_per_mwh", "inf", "finite"]),
    ("capex_usd_per_mw", "nan", ["capex_usd_per_mw", "nan"]),
    ("cost_market", "atlantis", ["cost_market", "atlantis", "unknown market"]),
])
def test_bad_site_economics_in_the_catalog_are_named(tmp_path, column, value, words):
    path = _catalog_with(tmp_path, column, value)
    with pytest.raises(InputError) as err:
        load_ground_sites(path)
    assert_names_row(err, path, 3, words)


@pytest.mark.parametrize("groups,words", [
    ({"cooling": {"plant": "swamp"}}, ["parameters.cooling.plant", "swamp"]),
    ({"cooling": {"profile": "enterprise"}}, ["parameters.cooling.profile", "enterprise"]),
    ({"supply": {"choice": "fusion"}}, ["parameters.supply.choice", "fusion"]),
    ({"cost": {"it_load_factor": 0}}, ["parameters.cost.it_load_factor", "positive"]),
    ({"cost": {"plant_life_yr": -1}}, ["parameters.cost.plant_life_yr"]),
    ({"cost": {"water_price_usd_per_m3": float("inf")}}, ["water_price_usd_per_m3", "finite"]),
    ({"cooling": {"evap_effectiveness": 1.2}}, ["evap_effectiveness", "<= 1"]),
    ({"cost": {"delay_usd_per_mw_month": True}}, ["delay_usd_per_mw_month", "not a number"]),
])
def test_bad_economics_parameters_are_named(groups, words):
    with pytest.raises(InputError) as err:
        parameters_from_table("scenario.toml", groups)
    for w in words:
        assert w in str(err.value)


def test_bad_plain_dict_values_are_named():
    with pytest.raises(InputError, match="lat_deg.*200"):
        score([dict(MINIMAL, lat_deg=200.0)])
    with pytest.raises(InputError, match="price_usd_per_mwh.*not a finite"):
        score([dict(MINIMAL, price_usd_per_mwh=float("nan"))])
    with pytest.raises(InputError, match="cooling_plant"):
        score([dict(MINIMAL, cooling_plant="swamp")])


def test_colocation_profile_costs_more_energy_than_hyperscale():
    hyper = score([MINIMAL])
    colo = score([MINIMAL], with_params(cooling={"profile": "colocation"}))
    assert colo["pue"][0] > hyper["pue"][0] + 0.15
    assert colo["energy_usd_per_mwh_it"][0] > hyper["energy_usd_per_mwh_it"][0]


def test_grid_cells_take_pvlib_terrain_elevation():
    import pvlib.location

    from placement.ground.terrain import terrain_elevation_m

    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-89.9, 89.9, 200), rng.uniform(-179.9, 179.9, 200)
    lat, lon = np.r_[lat, 90.0, -90.0, 39.74], np.r_[lon, 180.0, -180.0, -104.99]
    ours = terrain_elevation_m(lat, lon)
    theirs = np.array([pvlib.location.lookup_altitude(a, b) for a, b in zip(lat, lon)])
    np.testing.assert_array_equal(ours, theirs)
    assert 1500 < ours[-1] < 1700  # Denver, the Mile High City (1,609 m)


def test_a_high_cell_is_cooler_than_the_same_cell_at_sea_level():
    from placement.batch import cell_sites

    p = Parameters()
    cells = cell_sites(np.array([39.74]), np.array([-104.99]), p)
    sea = dict(cells, elevation_m=np.zeros(1))
    high, low = (score_cells(c, p) for c in (cells, sea))
    assert high["pue"][0] < low["pue"][0]


def score_cells(cells, p):
    return placement.score_sites(cells, placement.demand_points({"NA": 1.0}), parameters=p, device="cpu")


def test_scenario_plant_overrides_every_site():
    p = with_params(cooling={"plant": "liquid"})
    s = score([MINIMAL, dict(MINIMAL, id="y", cooling_plant="chiller_tower")], p)
    assert set(s.extra["cooling_plant"]) == {"liquid"}
    assert dataclasses.replace(p.cooling).plant == "liquid"
