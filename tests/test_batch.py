"""Batch scans: same numbers as the API, resume after kill -9, Dask LocalCluster, bad input, sanity."""
import json
import os
import signal
import subprocess
import time

import numpy as np
import pytest

from placement.batch import ScanSpec, cell_sites, land_cells, run_scan
from testsupport import PLACEMENT, ROOT, cli_env, run_cli

GLOBE5 = ScanSpec("globe", {"resolution_deg": 5.0, "min_lat_deg": -60.0, "field": "lcoe_usd_per_mwh_it"}, None, 200)


@pytest.fixture(scope="module")
def globe2(tmp_path_factory):
    out = tmp_path_factory.mktemp("globe2")
    spec = ScanSpec("globe", {"resolution_deg": 2.0, "min_lat_deg": -60.0, "field": "pue"}, None, 2000)
    summary = run_scan(spec, out)
    assert summary["complete"]
    with np.load(out / "result.npz") as z:
        return {k: z[k] for k in z.files}


def test_batch_equals_direct_api(tmp_path):
    from placement.scenario import default_scenario
    from placement.ground.sites import score_sites

    run_scan(GLOBE5, tmp_path)
    with np.load(tmp_path / "result.npz") as z:
        got = {k: z[k] for k in z.files}
    sc = default_scenario()
    lat, lon = land_cells(5.0)
    direct = score_sites(cell_sites(lat, lon, sc.parameters), sc.demand(), parameters=sc.parameters, device="cpu")
    for f in ("lat_deg", "pue", "rtt_ms_weighted", "longest_dark_h", "lcoe_usd_per_mwh_it"):
        np.testing.assert_array_equal(got[f], direct[f])
    assert (tmp_path / "globe_lcoe_usd_per_mwh_it.png").read_bytes()[:4] == b"\x89PNG"


def test_every_cell_is_land_and_known_regions_rank_as_single_sites_do(globe2):
    from global_land_mask import globe

    from placement.scenario import default_scenario
    from placement.ground.sites import score_sites

    lat, lon = globe2["lat_deg"], globe2["lon_deg"]
    assert globe.is_land(lat, lon).all() and lat.size > 3000
    sc = default_scenario()
    s = score_sites(sc.sites, sc.demand(), parameters=sc.parameters, device="cpu")
    # the Nordics are among the best-cooled land on Earth, as Lulea is among the sites
    nordic = (lat > 55) & (lat < 71) & (lon > 5) & (lon < 31)
    assert np.median(globe2["pue"][nordic]) <= np.percentile(globe2["pue"], 10)
    assert abs(np.median(globe2["pue"][nordic]) - s["pue"][s.index("lulea-se")]) < 0.01
    # for North American demand the best-connected US cells are in the east, where Virginia is
    us = (lat > 25) & (lat < 49) & (lon > -125) & (lon < -67)
    rtt = np.where(us, globe2["rtt_ms_weighted"], np.inf)
    best = np.argmin(rtt)
    assert -92 < lon[best] < -72
    assert s["rtt_ms_weighted"][s.index("ashburn-va")] <= np.percentile(globe2["rtt_ms_weighted"][us], 5) + 1.0


def _files(folder):
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in sorted((folder / "chunks").glob("chunk-*.npz"))}


def test_resume_after_kill_9_loses_and_repeats_nothing(tmp_path):
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    args = [*PLACEMENT, "batch", "globe", "--resolution-deg", "2", "--chunk-cells", "300",
            "--quiet", "--out"]
    env = cli_env()
    proc = subprocess.Popen(args + [str(killed)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and len(list((killed / "chunks").glob("chunk-*.npz"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _files(killed)
    assert 3 <= len(before) < 13, "the run must be killed part-way"
    assert not (killed / "result.npz").exists()

    r = subprocess.run(args + [str(killed)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    last = json.loads((killed / "last_run.json").read_text())
    after = _files(killed)
    assert last["complete"] and len(after) == last["chunks"]
    # nothing computed twice: the resumed run did exactly the missing chunks, older files untouched
    assert sorted(f"chunk-{i:05d}.npz" for i in last["computed"]) == sorted(set(after) - set(before))
    assert all(after[name] == stamp for name, stamp in before.items())

    r = subprocess.run(args + [str(whole)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    with np.load(killed / "result.npz") as a, np.load(whole / "result.npz") as b:
        for k in b.files:
            np.testing.assert_array_equal(a[k], b[k])


def test_dask_local_cluster_matches_single_process(tmp_path):
    pytest.importorskip("distributed")
    spec = ScanSpec("shells", {"altitudes_km": [500.0, 800.0, 1100.0], "ltans": ["06:00", "10:30", "18:00"],
                               "inclinations_deg": None, "start": "2026-01-01", "days": 20.0, "step_s": 120.0,
                               "planes": 1, "sats_per_plane": 1000}, None, 2)
    run_scan(spec, tmp_path / "single")
    summary = run_scan(spec, tmp_path / "dask", workers=2)
    assert summary["complete"] and sorted(summary["computed"]) == list(range(5))
    with np.load(tmp_path / "single" / "result.npz") as a, np.load(tmp_path / "dask" / "result.npz") as b:
        for k in a.files:
            np.testing.assert_array_equal(a[k], b[k])
    assert (tmp_path / "dask" / "shell_sweep.png").stat().st_size > 0


def test_bad_batch_input_exits_2_and_overwrites_nothing(tmp_path):
    out = tmp_path / "scan"
    r = run_cli("batch", "shells", "--altitudes-km", "500,600", "--ltans", "06:00", "--days", "2", "--quiet",
                "--out", str(out))
    assert r.returncode == 0, r.stderr
    manifest = (out / "manifest.json").read_text()
    result = (out / "result.npz").read_bytes()
    r = run_cli("batch", "shells", "--altitudes-km", "500,700", "--ltans", "06:00", "--days", "2", "--quiet",
                "--out", str(out))
    assert r.returncode == 2 and "different scan" in r.stderr and "Traceback" not in r.stderr
    assert (out / "manifest.json").read_text() == manifest and (out / "result.npz").read_bytes() == result
    r = run_cli("batch", "globe", "--resolution-deg", "0", "--out", str(tmp_path / "g"))
    assert r.returncode == 2 and "--resolution-deg" in r.stderr and not (tmp_path / "g").exists()
    r = run_cli("batch", "globe", "--resolution-deg", "5", "--out", str(tmp_path / "d"), "--scheduler",
                "tcp://127.0.0.1:9", "--quiet")
    assert r.returncode == 2 and "cannot reach the Dask scheduler" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("batch", "shells", "--altitudes-km", "100", "--ltans", "06:00", "--out", str(tmp_path / "s"))
    assert r.returncode == 2 and "altitude_km" in r.stderr


def test_every_drawable_globe_field_is_a_scan_field():
    from placement.batch import GLOBE_FIELDS
    from placement.cli.batch_commands import GLOBE_MAP_FIELDS

    assert set(GLOBE_MAP_FIELDS) == set(GLOBE_FIELDS) - {"lat_deg", "lon_deg"}
