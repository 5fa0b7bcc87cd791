"""Hostile and odd input through the command line: every case ends in one line on stderr and exit
2 (130 for Ctrl-C), nothing half-written, previous outputs intact (issue: a user's first hour)."""
import json
import os

import pytest

from testsupport import DATA, run_cli

BAD_TOML_SCENARIOS = {
    "carbon price inf": "[parameters.cost]\ncarbon_price_usd_per_t = inf\n",
    "carbon price nan": "[parameters.cost]\ncarbon_price_usd_per_t = nan\n",
    "carbon price 1e308": "[parameters.cost]\ncarbon_price_usd_per_t = 1e308\n",
    "life zero": "[parameters.cost]\nplant_life_yr = 0\n",
    "efficiency above one": "[parameters.orbit]\ncell_efficiency = 1.5\n",
    "boolean as number": "[parameters.cost]\ndiscount_rate = true\n",
    "negative share": "[demand]\nweights = { NA = -1 }\n",
    "shell step zero": "[shells]\nstep_s = 0\n",
    "start outside ephemeris": "[shells]\nstart = \"2070-01-01\"\n",
    "deeply nested": "a = " + "[" * 3000 + "]" * 3000 + "\n",
    "not a table": "parameters = 3\n",
    "catalog outside": "[sites]\ncatalog = \"/etc/passwd\"\n",
    "catalog device": "[sites]\ncatalog = \"/dev/zero\"\n",
    "catalog missing": "[sites]\ncatalog = \"nope.csv\"\n",
    "unknown plant": "[parameters.cooling]\nplant = \"swamp\"\n",
    "year outside ephemeris": "[parameters.daylight]\nyear = 2100\n",
    "table for a name": "[scenario]\nname = { x = 1 }\n",
    "unknown workload": "[workload]\nkind = \"batch\"\n",
}


def one_error_line(r, code=2):
    lines = [ln for ln in r.stderr.splitlines() if ln.strip() and "compiling kernels" not in ln]
    assert r.returncode == code, (r.returncode, r.stderr[-2000:])
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    return lines[0]


@pytest.mark.parametrize("name", sorted(BAD_TOML_SCENARIOS))
def test_bad_scenarios_exit_2_with_one_line_and_write_nothing(tmp_path, name):
    path = tmp_path / "bad.toml"
    path.write_text(BAD_TOML_SCENARIOS[name])
    out = tmp_path / "out"
    r = run_cli("run", str(path), "--out", str(out))
    line = one_error_line(r)
    assert line.startswith("placement: error: ") and str(path) in line
    assert not out.exists()


@pytest.mark.parametrize("args,words", [
    (["sites", "--top", "0"], ["--top", "range"]),
    (["sites", "--format", "xml"], ["--format", "xml"]),
    (["shells", "--days", "abc"], ["--days", "abc"]),
    (["shells", "--days", "inf"], ["--days", "finite"]),
    (["shells", "--step-s", "nan", "--days", "1"], ["--step-s", "finite"]),
    (["shells", "--altitude-km", "1e308", "--inclination-deg", "53"], ["--altitude-km"]),
    (["shells", "--altitude-km", "550", "--inclination-deg", "53", "--power-kw-per-sat", "-5"], ["power_kw_per_sat"]),
    (["shells", "--start", "2070-01-01", "--days", "1"], ["start", "ephemeris"]),
    (["shells", "--start", "2050-12-20", "--days", "30"], ["days", "ephemeris"]),
    (["shells", "--days", "3000", "--step-s", "1"], ["--step-s", "samples"]),
    (["batch", "globe", "--out", "x", "--workers", "-1"], ["--workers", "range"]),
    (["batch", "globe", "--out", "x", "--resolution-deg", "0.05"], ["--yes", "land cells"]),
    (["batch", "shells", "--out", "x", "--ltans", "06:00", "--altitudes-km", "0:inf:1"], ["--altitudes-km"]),
    (["batch", "shells", "--out", "x", "--ltans", "06:00", "--altitudes-km", "1:1e9:0.001"], ["at most"]),
    (["sites", "--catalog", "/dev/zero"], ["/dev/zero", "not a regular file"]),
    (["nosuchcommand"], ["nosuchcommand"]),
    (["batch", "globe"], ["--out"]),
    (["sites", "--device", "cuda"], ["no usable CUDA GPU"]),
])
def test_bad_command_lines_exit_2_with_one_line(tmp_path, args, words):
    r = run_cli(*args, cwd=tmp_path)
    line = one_error_line(r)
    assert line.startswith("placement: error: ")
    for w in words:
        assert w in line, line
    assert not (tmp_path / "x").exists()


def test_binary_tle_and_bad_geojson_exit_2(tmp_path):
    tle = tmp_path / "junk.tle"
    tle.write_bytes(os.urandom(300) + b"\xff\xfe")
    assert "junk.tle" in one_error_line(run_cli("shells", "--tle", str(tle), "--days", "1"))
    (tmp_path / "regions.geojson").write_text('{"type": "FeatureCollection", "features": [3]}')
    scenario = tmp_path / "s.toml"
    scenario.write_text('[assignment]\nresidency_file = "regions.geojson"\n[[capacity]]\nid = "dublin-ie"\n'
                        '[[tenant]]\nid = "t"\nmw = 10\nresidency = "EU"\n')
    assert "regions.geojson" in one_error_line(run_cli("assign", str(scenario)))


def test_out_that_is_a_file_or_a_foreign_folder_is_refused(tmp_path):
    afile = tmp_path / "file.txt"
    afile.write_text("keep me")
    assert "not a folder" in one_error_line(run_cli("run", "--out", str(afile)))
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_text("meow")
    assert "other files" in one_error_line(run_cli("run", "--out", str(foreign)))
    assert afile.read_text() == "keep me" and (foreign / "cat.jpg").read_text() == "meow"


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "out"
    r = run_cli("run", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failed_run_leaves_the_previous_outputs_whole(tmp_path, finished_run):
    before = _snapshot(finished_run)
    bad = tmp_path / "bad.toml"
    # loads, and is refused while assigning (a residency region the polygons do not know); a tenant no
    # capacity can serve is no longer an error but unserved with its reason (issue 20 item 5)
    bad.write_text('[[capacity]]\nid = "dublin-ie"\n[[tenant]]\nid = "t"\nmw = 10\nresidency = "MARS"\n')
    line = one_error_line(run_cli("run", str(bad), "--out", str(finished_run)))
    assert "tenant t" in line
    assert _snapshot(finished_run) == before
    assert not [p for p in finished_run.parent.iterdir() if p.name.endswith(".tmp")]


def test_outputs_name_the_scenario_and_its_fingerprint(finished_run):
    plan = json.loads((finished_run / "plan.json").read_text())
    marker = json.loads((finished_run / ".placement-run.json").read_text())
    assert plan["scenario"] == "default" and len(plan["fingerprint"]) == 16
    assert marker["fingerprint"] == plan["fingerprint"]
    assert plan["fingerprint"] in (finished_run / "report.md").read_text()


def test_csv_cells_that_spreadsheets_would_run_are_neutralised(tmp_path):
    from placement.catalogs import GROUND_SITES_CSV

    text = GROUND_SITES_CSV.read_text().replace("colossus-1,xAI Colossus 1 (Memphis TN)",
                                                "colossus-1,=HYPERLINK(\"http://x\")", 1)
    catalog = tmp_path / "sites.csv"
    catalog.write_text(text)
    r = run_cli("sites", "--catalog", str(catalog), "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "'=HYPERLINK" in r.stdout and ",=HYPERLINK" not in r.stdout


@pytest.mark.parametrize("cell", ["\r=cmd|' /C calc'!A0", " =1+1", "\t=1", "\n@SUM(A1)", "  -2+3", "+cmd", "@x",
                                  "a\rb", "line\nbreak"])
def test_every_csv_cell_a_reader_could_split_or_run_is_quoted_and_neutralised(cell):
    """Regression (issue 19): a bare CR split the row in csv readers; whitespace before = got through."""
    import csv
    import io

    from placement.outputs.files import records_to_csv

    text = records_to_csv([{"tenant": cell, "mw": 1}, {"tenant": "next", "mw": 2}])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[1] for r in rows] == ["mw", "1", "2"]  # nothing split: three rows, two cells each
    assert rows[1][0].lstrip(" \t\r\n")[:1] not in "=+-@" or rows[1][0].startswith("'")
    assert rows[1][0] in (cell, "'" + cell)


# --- scans never mix results ------------------------------------------------------------------

def _globe(out, *extra, scenario=None):
    args = ["batch", "globe", "--resolution-deg", "10", "--chunk-cells", "40", "--quiet", "--out", str(out), *extra]
    if scenario:
        args += ["--scenario", str(scenario)]
    return run_cli(*args)


def test_an_edited_scenario_never_resumes_into_old_results(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text("[parameters.cost]\ncarbon_price_usd_per_t = 10\n")
    out = tmp_path / "scan"
    assert _globe(out, scenario=scenario).returncode == 0
    old = (out / "result.csv").read_text()
    scenario.write_text("[parameters.cost]\ncarbon_price_usd_per_t = 300\n")
    line = one_error_line(_globe(out, scenario=scenario))
    assert "scenario" in line and "--restart" in line
    assert (out / "result.csv").read_text() == old  # refused, nothing touched
    r = _globe(out, "--restart", scenario=scenario)
    assert r.returncode == 0, r.stderr
    last = json.loads((out / "last_run.json").read_text())
    assert len(last["computed"]) == last["chunks"]  # everything recomputed at the new price
    assert (out / "result.csv").read_text() != old


def test_orphan_temporary_files_are_removed_and_damaged_chunks_recomputed(tmp_path):
    out = tmp_path / "scan"
    assert _globe(out).returncode == 0
    orphan = out / "chunks" / ".chunk-00001.npz.k1ll3d.tmp"
    orphan.write_bytes(b"half")
    (out / "chunks" / "chunk-00002.npz").write_bytes(b"not an npz")
    r = _globe(out)
    assert r.returncode == 0, r.stderr
    last = json.loads((out / "last_run.json").read_text())
    assert last["repaired"] == [2] and last["computed"] == [2]
    assert orphan.name in last["removed_temporary_files"] and not orphan.exists()


def test_a_second_writer_of_one_scan_folder_is_refused(tmp_path):
    from placement.batch.folder import locked

    out = tmp_path / "scan"
    with locked(out):  # this test process is the first writer
        line = one_error_line(_globe(out))
    assert "another placement batch" in line
    assert not (out / "manifest.json").exists()
    assert _globe(out).returncode == 0  # and once it is gone, the scan runs


def test_a_folder_of_other_files_is_not_a_scan_folder(tmp_path):
    out = tmp_path / "scan"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert "other files" in one_error_line(_globe(out))
    assert (out / "notes.txt").read_text() == "mine" and not (out / "manifest.json").exists()


# --- cases from the hostile-input sweep (each once broke the contract) -------------------------

CAP = '[[capacity]]\nid = "colossus-1"\n[[capacity]]\nid = "paris-fr"\nmw = 60\n'


@pytest.mark.parametrize("text,args,words", [
    (CAP + '[[tenant]]\nid = "[/]"\nmw = 50\nkind = "ground"\n', ["assign"], None),
    (CAP + '[[tenant]]\nid = "[/]"\nmw = 5000\nkind = "ground"\n', ["assign"], None),
    (CAP + '[[tenant]]\nid = "a"\nmw = 1' + "0" * 400 + '\nkind = "ground"\n', ["assign"], ["mw", "finite"]),
    (CAP + '[[tenant]]\nid = "a"\nmw = 5\nusers = { NA = 0, EU = 0 }\nrtt_target_ms = 100\n', ["assign"],
     ["users", "all shares are zero"]),
    ('[parameters.cost]\nit_life_yr = 1e-300\n', ["sites", "--top", "1"], ["it_life_yr", ">= 0.1"]),
    ("[sites]\ninclude = [['colossus-1']]\n", ["sites", "--top", "1"], ["sites.include", "list of ids"]),
    (CAP + '[[tenant]]\nid = "a"\nmw = 5\n', ["assign", "--fail", "paris-fr", "--fail", "paris-fr"],
     ["--fail", "named twice"]),
])
def test_sweep_cases_end_in_one_line(tmp_path, text, args, words):
    scenario = tmp_path / "s.toml"
    scenario.write_text(text)
    cmd = [args[0], str(scenario), *args[1:]] if args[0] == "assign" else [*args, "--scenario", str(scenario)]
    r = run_cli(*cmd)
    if words is None:  # valid input with markup characters in an id: printed as it is
        assert r.returncode == 0, r.stderr
        assert "[/]" in r.stdout
        return
    line = one_error_line(r)
    for w in words:
        assert w in line, line


def test_plot_never_replaces_a_special_file(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = run_cli("shells", "--altitude-km", "550", "--inclination-deg", "53", "--days", "1", "--format", "json",
                "--plot", str(fifo))
    assert "not a regular file" in one_error_line(r)
    assert fifo.is_fifo()


def test_an_output_path_that_loops_is_refused(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert "loop" in one_error_line(run_cli("run", "--out", str(loop)))


def test_bad_orbital_elements_are_named(tmp_path):
    header = ("OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,"
              "MEAN_ANOMALY,EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,"
              "MEAN_MOTION_DOT,MEAN_MOTION_DDOT\n")
    row = "ISS,1998-067A,2025-12-30T12:00:00.000000,{mm},.0004,51.64,100.0,90.0,270.0,0,U,25544,999,50000,.0003,.0001,0\n"
    for mm in ("nan", "-15.5", "0.05"):
        omm = tmp_path / f"o{mm}.csv"
        omm.write_text(header + row.format(mm=mm))
        r = run_cli("shells", "--days", "1", "--start", "2026-01-01", "--format", "json", "--omm", str(omm))
        assert str(omm) in one_error_line(r), mm
    tle = (DATA / "iss-2014.tle").read_text().splitlines()
    bad = tle[1][:18] + "14XXX.50000000" + tle[1][32:68]
    from sgp4.io import compute_checksum

    bad += str(compute_checksum(bad))
    path = tmp_path / "bad-epoch.tle"
    path.write_text("\n".join([tle[0], bad, tle[2]]) + "\n")
    assert "epoch" in one_error_line(run_cli("shells", "--tle", str(path), "--days", "1", "--start", "2014-01-21"))


def test_too_few_samples_are_refused():
    line = one_error_line(run_cli("shells", "--altitude-km", "550", "--inclination-deg", "53", "--days", "0.0001",
                                  "--step-s", "3600"))
    assert "samples" in line


def test_failed_scans_leave_no_folder_behind(tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text("[demand]\nweights = { XX = 1 }\n")
    out = tmp_path / "scan"
    assert "weights.XX" in one_error_line(_globe(out, scenario=bad))
    assert not out.exists()
    r = run_cli("batch", "globe", "--resolution-deg", "10", "--quiet", "--out", str(out), "--scheduler",
                "tcp://127.0.0.1:9")
    assert "--scheduler" in one_error_line(r)
    assert not out.exists()
    r = run_cli("batch", "globe", "--resolution-deg", "10", "--quiet", "--out", str(out), "--workers", "500")
    assert "--workers" in one_error_line(r) and not out.exists()


def test_a_tenant_without_a_price_still_gets_its_outputs(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text("[sites]\ninclude = ['paris-fr']\n[shells]\ninclude = []\n"
                        "[[capacity]]\nid = 'paris-fr'\n[[tenant]]\nid = 'a'\nmw = 10\n")
    out = tmp_path / "out"
    r = run_cli("run", str(scenario), "--out", str(out))
    assert r.returncode == 0 and "Warning" not in r.stderr, r.stderr
    assert (out / "plan_periods.csv").read_text().startswith("tenant,capacity_id")


@pytest.mark.parametrize("limit,value,words", [("tenants", 2, "3 tenants"), ("plan_pairs", 2, "pairs")])
def test_a_plan_past_the_work_limits_asks_first(tmp_path, monkeypatch, limit, value, words):
    """Bounded work (issue 19): a 1,000,000-tenant plan ran past 10 minutes and 2.25 GB without a
    question. Past the documented limits (lowered here) the CLI asks for --yes, the API raises
    unless ``allow_large=True``, and nothing is written."""
    import placement
    from placement import bounds
    from placement.scenario import load_scenario

    monkeypatch.setitem(bounds.WORK_LIMITS, limit, value)
    path = tmp_path / "s.toml"
    path.write_text('[planning]\nstart_year = 2026\nend_year = 2027\n[[capacity]]\nid = "dallas-tx"\nmw = 100\n'
                    + "".join(f'[[tenant]]\nid = "t{k}"\nmw = 10\nprice_usd_per_mw_month = 200000\n' for k in range(3)))
    out = tmp_path / "out"
    for args in (["plan", path, "--out", out], ["assign", path, "--out", out], ["run", path, "--out", out]):
        line = one_error_line(run_cli(*args))
        assert "--yes" in line and words in line and str(path) in line
        assert not out.exists()
    assert run_cli("plan", path, "--yes", "--out", out).returncode == 0
    sc = load_scenario(path)
    with pytest.raises(placement.InputError, match="allow_large=True"):
        placement.plan(sc, device="cpu")
    assert placement.plan(sc, device="cpu", allow_large=True).to_dict()["unserved"] == []
