"""The command line end to end (subprocess): outputs, formats, exit codes."""
import json

import pytest

from placement.ground.sites import PROVENANCE_FIELDS
from testsupport import DATA, run_cli


def test_run_default_scenario_writes_outputs(tmp_path):
    r = run_cli("run", "--out", str(tmp_path / "out"), "--top", "5")
    assert r.returncode == 0, r.stderr
    assert "within the 50 ms SLO (inference)" in r.stdout  # the default scenario's workload
    for name in ("sites.csv", "sites.json", "sites_map.png", "shells.csv", "shells.json", "eclipse_seasons.png",
                 "plan.json", "assignments.csv", "plan.geojson", "map.png", "report.md", "plan_periods.csv",
                 "plan_periods.json", "capacity_value.csv", "timeline.png"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    geo = json.loads((tmp_path / "out" / "plan.geojson").read_text())
    assert geo["type"] == "FeatureCollection"
    layers = {f["properties"]["layer"] for f in geo["features"]}
    assert layers == {"capacity", "demand", "assignment"}
    for f in geo["features"]:
        g = f["geometry"]
        pts = [] if g is None else ([g["coordinates"]] if g["type"] == "Point" else g["coordinates"])
        assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in pts)
    report = (tmp_path / "out" / "report.md").read_text()
    for section in ("## Where to build next", "## The plan now", "## Who goes where", "## Unserved",
                    "## Utilisation"):
        assert section in report
    plan = json.loads((tmp_path / "out" / "plan.json").read_text())
    from placement.scenario import default_scenario

    # every tenant counted in MW is served or unserved to the MW, every tenant counted in GPUs to the GPU
    for t in default_scenario().tenants:
        key = "gpus" if t.gpus else "mw"
        served = sum(a.get(key, 0) for a in plan["assignments"] if a["tenant"] == t.id)
        short = sum(u.get(key, 0) for u in plan["unserved"] if u["tenant"] == t.id)
        assert served + short == pytest.approx(t.gpus or t.mw, abs=1e-6), t.id
    periods = json.loads((tmp_path / "out" / "plan_periods.json").read_text())
    assert periods["records"] and periods["periods"][0]["label"] == "2026"
    assert (tmp_path / "out" / "timeline.png").read_bytes()[:4] == b"\x89PNG"
    assert "## Over the years" in report
    doc = json.loads((tmp_path / "out" / "sites.json").read_text())
    assert doc["workload"] == "inference"
    cost = [rec["workload_cost_usd_per_mwh_it"] for rec in doc["records"]]
    finite = [c for c in cost if c is not None]
    assert finite == sorted(finite) and cost[: len(finite)] == finite  # ranked for inference, no-SLO sites last
    assert "report.html" in r.stdout
    assert (tmp_path / "out" / "sites_map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((tmp_path / "out").glob(".*.tmp"))


#: What a site record says about where its figures came from (issue 20 item 1).
SITE_PROVENANCE_FIELDS = set(PROVENANCE_FIELDS)


def test_sites_json_has_design_fields_and_nothing_else_on_stdout():
    r = run_cli("sites", "--format", "json", "--top", "3", "--sort", "carbon_kg_per_mwh_it")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    recs = doc["records"]
    assert len(recs) == 3
    # the site fields of ../shared/DESIGN.md (it_capex_usd_per_mwh_it only when IT hardware is costed),
    # plus which workload the ranking answers for and its cost (issue 20)
    assert set(recs[0]) - {"workload", "workload_cost_usd_per_mwh_it"} - SITE_PROVENANCE_FIELDS == {
        "id", "name", "lat_deg", "lon_deg", "power_mw", "pue", "power_cost_usd_per_mwh_it",
        "carbon_kg_per_mwh_it", "water_l_per_mwh_it", "source_water_l_per_mwh_it", "rtt_ms_weighted",
        "pop_within_slo_fraction", "dark_fraction", "longest_dark_h", "supply_option", "time_to_power_months",
        "energy_usd_per_mwh_it", "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it", "water_usd_per_mwh_it",
        "delay_usd_per_mwh_it", "lcoe_usd_per_mwh_it", "time_to_full_power_months", "power_availability",
        "expected_outage_h_per_yr", "supply_mix", "supply_reason"}
    carbon = [x["carbon_kg_per_mwh_it"] for x in recs]
    assert carbon == sorted(carbon)


def test_sites_csv(tmp_path):
    r = run_cli("sites", "--format", "csv")
    assert r.returncode == 0
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("id,name,lat_deg") and len(lines) >= 41


def test_bad_catalog_exits_2_with_one_line(tmp_path):
    from placement.catalogs import GROUND_SITES_CSV

    bad = tmp_path / "bad.csv"
    lines = GROUND_SITES_CSV.read_text().splitlines()
    fields = lines[2].split(",")
    fields[2] = "123"
    lines[2] = ",".join(fields)
    bad.write_text("\n".join(lines) + "\n")
    r = run_cli("sites", "--catalog", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "row 3" in r.stderr and "lat_deg" in r.stderr and "123" in r.stderr
    assert r.stdout == ""


def test_bad_scenario_and_missing_file_exit_2(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("[scenario]\nnme = 'typo'\n")
    r = run_cli("run", str(path), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "scenario.nme" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()
    r = run_cli("run", str(tmp_path / "nope.toml"))
    assert r.returncode == 2 and "nope.toml" in r.stderr


def test_cuda_without_gpu_is_a_clear_error():
    r = run_cli("sites", "--device", "cuda")
    assert r.returncode == 2
    assert "no usable CUDA GPU" in r.stderr and "Traceback" not in r.stderr


def test_catalogs_lists_bundled_data():
    r = run_cli("catalogs", "--format", "json")
    assert r.returncode == 0
    names = {c["name"] for c in json.loads(r.stdout)}
    assert {"ground_sites", "grid_carbon", "station_normals", "scenario:default"} <= names


SHELL_FIELDS = {"id", "altitude_km", "inclination_deg", "ltan_h", "eclipse_fraction", "umbra_fraction",
                "max_eclipse_min", "eclipse_season_days", "beta_deg_min", "beta_deg_max", "array_m2_per_mw",
                "radiator_m2_per_mw", "battery_kwh_per_mw", "mass_t_per_mw", "launch_cost_usd_per_mw",
                "dose_krad_per_yr", "rtt_ms_weighted", "coverage_fraction", "lcoe_usd_per_mwh_it"}


def test_shells_sso_json_from_the_issue():
    r = run_cli("shells", "--sso", "--ltan", "18:00", "--altitude-km", "650", "--days", "365", "--format", "json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)["records"][0]
    assert set(rec) == SHELL_FIELDS
    assert rec["ltan_h"] == 18.0 and abs(rec["inclination_deg"] - 97.99) < 0.05
    assert rec["eclipse_fraction"] < 0.06 and rec["eclipse_season_days"] < 120


def test_launch_year_and_price_scale_the_launch_cost():
    def shell(*extra):
        r = run_cli("shells", "--altitude-km", "550", "--inclination-deg", "53", "--days", "5", "--format", "json",
                    *extra)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    # the default trajectory holds today's price until 2030 (heavy_reusable_year) and reaches the
    # Suncatcher study's 200 USD/kg ten years on
    today, later, given = shell(), shell("--launch-year", "2040"), shell("--launch-usd-per-kg", "900")
    assert today["launch_usd_per_kg"] == 3600 and later["launch_usd_per_kg"] == pytest.approx(200)
    t, l, g = (d["records"][0] for d in (today, later, given))
    assert l["launch_cost_usd_per_mw"] == pytest.approx(t["launch_cost_usd_per_mw"] * 200 / 3600)
    assert g["launch_cost_usd_per_mw"] == pytest.approx(t["launch_cost_usd_per_mw"] * 900 / 3600)
    assert l["lcoe_usd_per_mwh_it"] < g["lcoe_usd_per_mwh_it"] < t["lcoe_usd_per_mwh_it"]


def test_tle_file_is_scored(tmp_path):

    r = run_cli("shells", "--tle", str(DATA / "iss-2014.tle"), "--start", "2014-01-21", "--days", "2",
                "--format", "json")
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)["records"][0]
    assert rec["id"] == "ISS (ZARYA)" and abs(rec["inclination_deg"] - 51.65) < 0.01
    assert 380 < rec["altitude_km"] < 430
    # the same elements as an OMM record (CelesTrak CSV) give the same shell
    r2 = run_cli("shells", "--omm", str(DATA / "iss-2014-omm.csv"), "--start", "2014-01-21", "--days", "2",
                 "--format", "json")
    assert r2.returncode == 0, r2.stderr
    assert json.loads(r2.stdout)["records"][0] == rec
    # and its eclipse fraction matches Skyfield's is_sunlit for the real satellite on those days
    from skyfield.api import EarthSatellite

    from placement.earth.ephemeris import ephemeris, timescale
    from placement.earth.ephemeris import parse_start
    from placement.orbit.planes import time_grid

    lines = (DATA / "iss-2014.tle").read_text().splitlines()
    sat = EarthSatellite(lines[1], lines[2], lines[0], timescale())
    dark = ~sat.at(time_grid(parse_start("t", "2014-01-21"), 2 * 1440, 60.0)).is_sunlit(ephemeris())
    assert abs(rec["eclipse_fraction"] - dark.mean()) < 0.005


@pytest.mark.parametrize("args,words", [
    (["--altitude-km", "120", "--inclination-deg", "53"], ["--altitude-km", "120", ">= 150"]),
    (["--altitude-km", "200000", "--inclination-deg", "53"], ["--altitude-km", "<= 100000"]),
    (["--altitude-km", "550", "--inclination-deg", "181"], ["inclination_deg", "181"]),
    (["--sso", "--ltan", "25:00", "--altitude-km", "650"], ["ltan", "25:00", "HH:MM"]),
    (["--sso", "--ltan", "6pm", "--altitude-km", "650"], ["ltan", "6pm"]),
    (["--altitude-km", "550", "--inclination-deg", "53", "--start", "yesterday"], ["start", "yesterday"]),
])
def test_bad_shell_input_exits_2(args, words):
    r = run_cli("shells", *args)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    for w in words:
        assert w in r.stderr


def test_bad_and_decayed_tle_exit_2(tmp_path):
    good = (tmp_path / "g.tle")
    lines = (DATA / "iss-2014.tle").read_text().splitlines()
    bad = tmp_path / "bad.tle"
    bad.write_text("\n".join([lines[0], lines[1][:-1] + "0", lines[2]]) + "\n")
    r = run_cli("shells", "--tle", str(bad))
    assert r.returncode == 2 and "checksum" in r.stderr.lower() and "Traceback" not in r.stderr
    decayed = tmp_path / "decayed.tle"
    decayed.write_text("1 99999U 98067A   14020.93268519  .00009878  00000-0  18200-3 0  5087\n"
                       "2 99999  51.6498 109.4756 0003572  55.9686 274.8005 16.60000000 85178\n")
    r = run_cli("shells", "--tle", str(decayed))
    assert r.returncode == 2 and "decay" in r.stderr and "Traceback" not in r.stderr
    del good


def test_malformed_omm_exits_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("OBJECT_NAME,EPOCH\nX,not-a-date\n")
    r = run_cli("shells", "--omm", str(bad))
    assert r.returncode == 2 and str(bad) in r.stderr and "Traceback" not in r.stderr
