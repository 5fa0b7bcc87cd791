"""The command line end to end (subprocess): outputs, formats, exit codes."""
import json

from tests.conftest import run_cli


def test_run_default_scenario_writes_outputs(tmp_path):
    r = run_cli("run", "--out", str(tmp_path / "out"), "--top", "5")
    assert r.returncode == 0, r.stderr
    assert "levelized cost" in r.stdout
    for name in ("sites.csv", "sites.json", "sites_map.png"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    doc = json.loads((tmp_path / "out" / "sites.json").read_text())
    lcoe = [rec["lcoe_usd_per_mwh_it"] for rec in doc["records"]]
    assert lcoe == sorted(lcoe)
    assert (tmp_path / "out" / "sites_map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_sites_json_has_design_fields_and_nothing_else_on_stdout():
    r = run_cli("sites", "--format", "json", "--top", "3", "--sort", "carbon_kg_per_mwh_it")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    recs = doc["records"]
    assert len(recs) == 3
    assert set(recs[0]) == {
        "id", "name", "lat_deg", "lon_deg", "power_mw", "pue", "power_cost_usd_per_mwh_it",
        "carbon_kg_per_mwh_it", "water_l_per_mwh_it", "rtt_ms_weighted", "pop_within_slo_fraction",
        "dark_fraction", "longest_dark_h", "lcoe_usd_per_mwh_it"}
    carbon = [x["carbon_kg_per_mwh_it"] for x in recs]
    assert carbon == sorted(carbon)


def test_sites_csv(tmp_path):
    r = run_cli("sites", "--format", "csv")
    assert r.returncode == 0
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("id,name,lat_deg") and len(lines) >= 41


def test_bad_catalog_exits_2_with_one_line(tmp_path):
    from catalogs import GROUND_SITES_CSV

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
