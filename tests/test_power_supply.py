"""Power at scale and its reliability: the fleet binomial, ride-through, ramps to full power, the
supply catalogs against their sources, the mix chosen for the availability goal, and tenants'
uptime targets in the plan."""
import dataclasses
import itertools
import math

import numpy as np
import pytest
from placement.kernels import supply as k
from scipy import integrate, stats

# --- the fleet: exact binomial ------------------------------------------------------------------

@pytest.mark.parametrize("n,q", [(1, 0.08), (5, 0.08), (7, 0.3), (10, 0.05), (12, 0.08)])
def test_binomial_cdf_equals_direct_enumeration(n, q):
    # every up/down state of n units, summed by the count of units out
    by_out = [0.0] * (n + 1)
    for state in itertools.product((0, 1), repeat=n):
        out = sum(state)
        by_out[out] += q ** out * (1 - q) ** (n - out)
    for kk in range(-1, n + 1):
        assert k.binomial_cdf(kk, n, q) == pytest.approx(sum(by_out[: kk + 1]), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("n,q", [(600, 0.08), (10400, 0.0094), (3, 0.0)])
def test_binomial_cdf_of_gigawatt_fleets_equals_scipy(n, q):
    for kk in (0, 1, 5, int(n * q), int(n * q + 4 * math.sqrt(n * q + 1))):
        assert k.binomial_cdf(kk, n, q) == pytest.approx(stats.binom.cdf(kk, n, q), rel=1e-9, abs=1e-300)


def test_the_issue_figures_ten_needed_of_twelve_and_of_fourteen():
    # issue 21: FOR ~8 %, 10 needed of 12 units ~0.935 (more precisely 0.933), of 14 ~0.9965
    assert k.fleet_availability(10, 2, 0.08, 1.0) == pytest.approx(stats.binom.cdf(2, 12, 0.08), rel=1e-12)
    assert 0.93 < k.fleet_availability(10, 2, 0.08, 1.0) < 0.94
    assert k.fleet_availability(10, 4, 0.08, 1.0) == pytest.approx(0.9965, abs=5e-4)


@pytest.mark.parametrize("needed,q,goal", [(10, 0.08, 0.99982), (600, 0.08, 0.99982), (11, 0.05, 0.9),
                                           (1, 0.2, 0.999), (400, 0.0094, 0.99)])
def test_fewest_spares_is_the_least_that_meets_the_goal(needed, q, goal):
    spares = k.fewest_spares(needed, q, 1.0, goal, 1, max(needed, 50))
    assert stats.binom.cdf(spares, needed + spares, q) >= goal - 1e-12
    if spares > 1:  # one fewer misses the goal
        assert stats.binom.cdf(spares - 1, needed + spares - 1, q) < goal


def test_ride_through_loss_equals_the_exponential_integral():
    m, tau = 48.0, 2.0
    beyond, _ = integrate.quad(lambda d: (d - tau) * math.exp(-d / m) / m, tau, np.inf)
    assert k.ride_through_loss(tau, m) == pytest.approx(beyond / m, rel=1e-9)
    assert k.ride_through_loss(0.0, m) == 1.0


# --- ramps to full power ------------------------------------------------------------------------

def _shortfall_numeric(a, b, p):
    t = np.linspace(0.0, 400.0, 400_001)
    mw = np.maximum([k.ramp_mw(x, *a, p) for x in t], [k.ramp_mw(x, *b, p) for x in t])
    return integrate.trapezoid(1.0 - mw / p, t)


def test_one_ramp_shortfall_is_closed_form():
    first, block, rate, p = 12.0, 200.0, 83.0, 1200.0
    assert k.ramp_shortfall_months(first, block, rate, k.NEVER_MONTHS, 0, 0, p) == pytest.approx(
        first + (p - block) ** 2 / (2 * rate * p), rel=1e-12)
    assert k.ramp_full_months(first, block, rate, p) == pytest.approx(first + (p - block) / rate)


@pytest.mark.parametrize("a,b", [((24.0, 200.0, 83.0), (4.0, 35.0, 43.0)),   # bridge overtaken by the grid
                                 ((10.0, 50.0, 10.0), (2.0, 30.0, 5.0)),     # the lines cross
                                 ((5.0, 500.0, 100.0), (30.0, 10.0, 1.0))])  # the grid alone matters
def test_bridge_shortfall_equals_numeric_integral(a, b):
    p = 500.0
    assert k.ramp_shortfall_months(*a, *b, p) == pytest.approx(_shortfall_numeric(a, b, p), abs=2e-3)


# --- the catalogs against their sources ---------------------------------------------------------

def test_grid_interruptions_are_the_published_figures():
    from placement.catalogs.power_supply import load_grid_reliability

    grid = load_grid_reliability()
    # EIA Electric Power Annual 2024, Table 11.3 (all events), as the rows cite
    assert (grid["US"].saidi_min_per_yr, grid["US"].saifi_per_yr) == (611.3, 1.521)
    assert grid["US-TX"].saidi_min_per_yr == 1270.6
    # Bundesnetzagentur SAIDI-EnWG 2023: 12.8 min
    assert grid["DE"].saidi_min_per_yr == 12.8
    for row in grid.values():
        if row.place != "default" and "SAIFI x the table" not in row.source:
            assert f"{row.saidi_min_per_yr:g}" in row.source.replace(",", ""), row.place


def test_technology_figures_are_the_published_ones():
    from placement.catalogs.power_supply import load_supply_technologies

    t = load_supply_technologies()
    assert t["mobile_turbine"].forced_outage_rate == 0.08 and "8" in t["mobile_turbine"].source  # NERC 2024 SOR
    assert t["diesel_backup"].forced_outage_rate == 0.0094 and "0.0094" in t["diesel_backup"].source  # REopt
    # Norris et al. 2025: 0.5 % of the year curtailed
    assert t["flexible_grid"].curtailment_h_per_yr == pytest.approx(0.005 * 8760, abs=0.05)
    # Megapack 2 XL: 3.9 MWh / 1.9 MW
    assert t["battery"].ride_through_h == pytest.approx(3.9 / 1.9, abs=0.01)
    # GE Vernova (Dec 2025): sold out through 2028, so an order in 2026 waits 3 years
    assert t["aeroderivative_turbine"].lead_months(2026) == 36 and t["aeroderivative_turbine"].lead_months(2031) == 24
    for tech in t.values():
        assert 0 <= tech.forced_outage_rate < 1 and tech.source


def test_the_default_goal_is_uptime_tier_iii():
    from placement.parameters import Parameters

    # Uptime Institute Tier III: 1.6 h/yr of site-caused IT downtime
    assert Parameters().supply.availability_goal == pytest.approx(1 - 1.6 / 8760, abs=5e-6)


# --- sites: size, mix, availability -------------------------------------------------------------

def _score(sites, **supply):
    from placement.earth.demand import demand_points
    from placement.ground.sites import score_sites
    from placement.scenario import default_scenario

    p = default_scenario().parameters  # its lost margin per MW-month prices the delay
    if supply:
        p = dataclasses.replace(p, supply=dataclasses.replace(p.supply, **supply))
    return score_sites(sites, demand_points({"NA": 1.0}, cell_deg=10.0), parameters=p, device="cpu")


@pytest.fixture(scope="module")
def abilene():
    from placement.catalogs import load_ground_sites

    return next(s for s in load_ground_sites() if s["id"] == "stargate-abilene")


def test_time_to_full_power_rises_with_mw_for_every_mix(abilene):
    from placement.catalogs.power_supply import load_supply_options

    for option in load_supply_options():
        if option in ("mobile_turbines_battery",):
            continue
        sites = [dict(abilene, id=f"a{mw}", power_mw=mw, supply_options=[option]) for mw in (100, 2000)]
        s = _score(sites)
        small, big = s["time_to_full_power_months"]
        assert big > small, option
        assert s["delay_usd_per_mwh_it"][1] > s["delay_usd_per_mwh_it"][0], option


def test_abilene_at_100_and_at_2000_mw(abilene):
    s = _score([dict(abilene, id="small", power_mw=100), dict(abilene, id="big", power_mw=2000)])
    assert s["time_to_full_power_months"][1] > s["time_to_full_power_months"][0] + 12
    assert s["lcoe_usd_per_mwh_it"][1] > s["lcoe_usd_per_mwh_it"][0]


def test_the_chosen_mix_meets_the_goal_and_colossus_as_built_does_not(default_site_scores):
    s = default_site_scores
    ids = list(s["id"])
    c1 = ids.index("colossus-1")
    assert s["supply_option"][c1] == "mobile_turbines_battery"
    assert s["power_availability"][c1] < 0.99
    assert "the only mix" in s["supply_reason"][c1]
    for i in range(len(ids)):
        if i != c1 and "meeting" in s["supply_reason"][i]:
            assert s["power_availability"][i] >= 0.99982 - 1e-12
            assert s["expected_outage_h_per_yr"][i] == pytest.approx(
                (1 - s["power_availability"][i]) * 8760, rel=1e-9)
    grid = [i for i in range(len(ids)) if s["supply_option"][i] in ("grid", "flexible_grid")]
    assert grid and all(s["power_availability"][i] > s["power_availability"][c1] for i in grid)


def test_availability_of_a_grid_site_follows_the_formula():
    from placement.catalogs.power_supply import load_supply_technologies

    site = {"id": "x", "lat_deg": 40.0, "lon_deg": -100.0, "availability": 1 - 10.0 / 8760,
            "price_usd_per_mwh": 60.0, "carbon_g_per_kwh": 400.0, "power_mw": 100.0, "supply_options": ["grid"]}
    s = _score([site])
    t = load_supply_technologies()
    pue = s["pue"][0]
    needed = math.ceil(100.0 * pue / t["diesel_backup"].unit_mw)
    # backup units after the fewest spares: find them from the mix text
    import re

    spares = int(re.search(r"(\d+)\+(\d+) x 2.5 MW", s["supply_mix"][0]).group(2))
    from placement.catalogs.power_supply import load_grid_reliability, median_caidi_h

    caidi = load_grid_reliability()["default"].caidi_h(median_caidi_h())  # a site naming no country
    short = 10.0 * math.exp(-t["diesel_backup"].ride_through_h / caidi) / 8760
    expected = 1 - short * (1 - stats.binom.cdf(spares, needed + spares, t["diesel_backup"].forced_outage_rate))
    assert s["power_availability"][0] == pytest.approx(expected, rel=1e-12)
    assert s["power_availability"][0] >= 0.99982


# --- tenants' uptime in the plan ----------------------------------------------------------------

def _sla_scenario(allow: bool):
    from placement.plan.contracts import CapacitySpec, Tenant
    from placement.scenario import default_scenario

    sc = default_scenario()
    tenant = Tenant(id="api", mw=100, kind="ground", price_usd_per_mw_month=400000, uptime_target=0.9999,
                    sla_credits="hyperscaler")
    caps = [CapacitySpec(id="colossus-1"), CapacitySpec(id="lulea-se", mw=100)]
    # leaving it unserved dearer than any credits, so the plan places it where it may
    planning = dataclasses.replace(sc.planning, start_year=2026, end_year=2026,
                                   unserved_committed_usd_per_mw_month=1e7)
    return dataclasses.replace(sc, tenants=[tenant], capacity=caps, planning=planning,
                               assignment=dataclasses.replace(sc.assignment, allow_sla_credits=allow))


def test_an_uptime_target_is_never_placed_below_it():
    from placement import plan

    p = plan(_sla_scenario(False)).to_dict()
    used = {r["capacity_id"] for r in p["records"] if r["tenant"] == "api"}
    assert "colossus-1" not in used


def test_allowed_below_target_the_expected_credits_are_in_the_margin():
    from placement.catalogs.power_supply import credit_fraction, load_sla_credits

    from placement import plan
    from placement.plan.contracts import CapacitySpec

    sc = _sla_scenario(True)
    sc = dataclasses.replace(sc, capacity=[CapacitySpec(id="colossus-1")])  # the only capacity
    result = plan(sc)
    d = result.to_dict()
    recs = [r for r in d["records"] if r["tenant"] == "api"]
    assert recs and recs[0]["capacity_id"] == "colossus-1"
    availability = result.layers[0].problem.capacities["colossus-1"].availability
    s = score_sites_of(["colossus-1"], sc)
    assert availability == float(s["power_availability"][0]) < 0.9999
    period = d["periods"][0]
    revenue = period["revenue_usd"]
    assert revenue > 0
    # the schedule's credit at the capacity's availability (hyperscaler: below 99 % -> 30 %,
    # below 95 % -> 100 %), and the revenue lost to outages
    fraction = credit_fraction(load_sla_credits()["hyperscaler"], availability)
    assert fraction > 0
    assert period["sla_credits_usd"] == pytest.approx(fraction * revenue, abs=0.02)
    assert period["outage_usd"] == pytest.approx((1 - availability) * revenue, abs=0.02)


def score_sites_of(ids, sc):
    from placement.ground.sites import score_sites

    return score_sites([s for s in sc.site_catalog if s["id"] in ids], sc.demand(), parameters=sc.parameters,
                       device="cpu")

# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1.5", "0", "-0.2", "1.0", '"high"'])
def test_an_uptime_target_outside_0_1_is_refused_in_one_line(tmp_path, value):
    from testsupport import run_cli

    from placement.scenario import DEFAULT_SCENARIO

    text = DEFAULT_SCENARIO.read_text().replace("uptime_target = 0.9999", f"uptime_target = {value}")
    path = tmp_path / "s.toml"
    path.write_text(text)
    r = run_cli("plan", str(path))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("placement: error:")
    assert "uptime_target" in lines[0] and str(path) in lines[0]


def test_an_unknown_sla_schedule_is_refused(tmp_path):
    from testsupport import run_cli

    from placement.scenario import DEFAULT_SCENARIO

    text = DEFAULT_SCENARIO.read_text().replace('sla_credits = "hyperscaler"', 'sla_credits = "golden"')
    path = tmp_path / "s.toml"
    path.write_text(text)
    r = run_cli("plan", str(path))
    assert r.returncode == 2 and "sla_credits" in r.stderr and "golden" in r.stderr


def _technologies_with(tmp_path, technology, column, value):
    from placement.catalogs.power_supply import SUPPLY_TECHNOLOGIES_CSV

    lines = SUPPLY_TECHNOLOGIES_CSV.read_text().splitlines(True)
    body = [ln for ln in lines if not ln.startswith("#")]
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO("".join(body))))
    for row in rows:
        if row["technology"] == technology:
            row[column] = value
    from testsupport import write_csv

    return write_csv(tmp_path / "tech.csv", rows)


@pytest.mark.parametrize("technology,column,value", [
    ("mobile_turbine", "forced_outage_rate", "1.0"), ("mobile_turbine", "forced_outage_rate", "-0.1"),
    ("reciprocating_engine", "lead_time_months", "-3"), ("aeroderivative_turbine", "unit_mw", "-30"),
    ("aeroderivative_turbine", "unit_mw", "0"), ("combined_cycle", "kind", "fusion"),
    ("battery", "source", ""), ("heavy_duty_turbine", "mean_outage_h", "nan"),
])
def test_bad_technology_rows_are_refused_naming_file_field_and_value(tmp_path, technology, column, value):
    from placement.catalogs.power_supply import load_supply_technologies
    from placement.catalogs.validation import InputError

    path = _technologies_with(tmp_path, technology, column, value)
    with pytest.raises(InputError) as err:
        load_supply_technologies(path)
    msg = str(err.value)
    assert str(path) in msg and column in msg and (value in msg or not value)


def test_a_mix_naming_an_unknown_technology_is_refused(tmp_path):
    from placement.catalogs.power_supply import SUPPLY_OPTIONS_CSV, load_supply_options
    from placement.catalogs.validation import InputError

    text = SUPPLY_OPTIONS_CSV.read_text().replace("gas_engines,reciprocating_engine,", "gas_engines,steam_engine,")
    path = tmp_path / "options.csv"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        load_supply_options(path)
    assert "primary" in str(err.value) and "steam_engine" in str(err.value) and str(path) in str(err.value)


def test_supply_parameters_out_of_bounds_are_refused(tmp_path):
    from testsupport import run_cli

    from placement.scenario import DEFAULT_SCENARIO

    assert "[parameters.supply]" not in DEFAULT_SCENARIO.read_text()
    for key, value in (("availability_goal", "1.0"), ("availability_goal", "0"), ("order_year", "1800"),
                       ("default_campus_mw", "-5"), ("min_spares", "-1")):
        path = tmp_path / "s.toml"
        path.write_text(DEFAULT_SCENARIO.read_text() + f"\n[parameters.supply]\n{key} = {value}\n")
        r = run_cli("plan", str(path))
        assert r.returncode == 2 and key in r.stderr and len(r.stderr.strip().splitlines()) == 1, (key, r.stderr)


def test_unserved_for_its_uptime_target_says_so():
    from placement import plan
    from placement.plan.contracts import CapacitySpec

    sc = dataclasses.replace(_sla_scenario(False), capacity=[CapacitySpec(id="colossus-1")])
    d = plan(sc).to_dict()
    assert not [r for r in d["records"] if r["tenant"] == "api"]
    reasons = [u["reason"] for u in d["unserved"] if u["tenant"] == "api"]
    assert reasons and all("uptime target" in r and "colossus-1" in r for r in reasons)


def test_a_candidate_on_a_bridge_takes_an_uptime_tenant_only_once_its_grid_is_full():
    """A candidate campus on Colossus-1-style bridge (mobile turbines until the grid is at full
    power) has the bridge's availability until then: a 99.99 % tenant waits for the grid, a tenant
    without an uptime target does not."""
    from placement import plan
    from placement.plan.contracts import CapacitySpec, Tenant
    from placement.scenario import default_scenario

    sc = default_scenario()
    s = score_sites_of(["reno-nv"], sc)
    assert s["supply_option"][0] == "gas_bridge"
    bridge, steady = float(s.extra["bridge_availability"][0]), float(s.extra["steady_availability"][0])
    until = float(s.extra["bridge_until_months"][0])
    assert bridge < 0.9999 <= steady and until > 12

    def first_served(uptime):
        tenant = Tenant(id="api", mw=50, kind="ground", price_usd_per_mw_month=900000, uptime_target=uptime)
        planning = dataclasses.replace(sc.planning, start_year=2026, end_year=2028, period="month",
                                       unserved_committed_usd_per_mw_month=1e7)
        case = dataclasses.replace(sc, tenants=[tenant], planning=planning,
                                   capacity=[CapacitySpec(id="reno-nv", mw=100, build=True)])
        result = plan(case)
        served = [layer.period for layer in result.layers if any(k[0] == "api" for k, _ in layer.placed)]
        return served[0], result

    period, result = first_served(0.9999)
    months = (period.midpoint - result.periods[0].start).days / 30.4375
    previous = result.periods[period.index - 1]
    assert months >= until > (previous.midpoint - result.periods[0].start).days / 30.4375
    earlier, _ = first_served(None)
    assert earlier.index < period.index
