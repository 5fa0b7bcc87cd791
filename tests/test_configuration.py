"""One source for each setting: a scenario's latency configuration acts on every profile, ``device``
reaches every scoring call (the plan's included), bounds are the same from the command line, the
scenario and the API, and physical constants are defined once."""
from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import placement
from placement.constants import FIBRE_KM_PER_MS, SPEED_OF_LIGHT_KM_PER_MS
from placement.errors import InputError
from placement.latency.profiles import LatencyParameters, latency_profile
from testsupport import cli_env, run_cli

LONDON, NEW_YORK = (51.507, -0.128), (40.713, -74.006)


def scenario_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("profile", ["internet", "backbone", "great_circle"])
def test_a_scenarios_fibre_speed_changes_every_profiles_rtt(tmp_path, profile):
    """RTT = 2 inflation L / v + overhead: halving v doubles the propagation part exactly."""
    base = placement.load_scenario(scenario_file(tmp_path, ""))
    slow = placement.load_scenario(scenario_file(
        tmp_path, f"[parameters.latency]\nfibre_km_per_ms = {FIBRE_KM_PER_MS / 2!r}\n"))
    assert slow.parameters.latency.fibre_km_per_ms == pytest.approx(FIBRE_KM_PER_MS / 2)
    rtt = [float(placement.ground_rtt_ms(*LONDON, *NEW_YORK, profile=profile, latency=sc.parameters.latency))
           for sc in (base, slow)]
    overhead = latency_profile(profile).overhead_ms
    assert rtt[1] - overhead == pytest.approx(2.0 * (rtt[0] - overhead), rel=1e-12)


def test_a_scenarios_overhead_replaces_the_calibrated_one_in_sites_and_plans(tmp_path):
    sc = placement.load_scenario(scenario_file(tmp_path, "[parameters.latency]\noverhead_ms = 40.0\n"))
    default = placement.default_scenario()
    assert sc.parameters.latency.profile("internet").overhead_ms == 40.0
    sites = [s for s in default.sites if s["id"] in ("dallas-tx", "paris-fr")]
    rtt = [placement.score_sites(sites, default.demand(), parameters=p, device="cpu")["rtt_ms_weighted"]
           for p in (default.parameters, sc.parameters)]
    calibrated = latency_profile("internet").overhead_ms
    np.testing.assert_allclose(rtt[1] - rtt[0], 40.0 - calibrated, rtol=1e-9)


def test_an_unknown_latency_profile_is_named():
    with pytest.raises(InputError, match="rtt_profile"):
        LatencyParameters(rtt_profile="carrier-pigeon").profile()


SPY = r"""
import json, sys
import placement
import placement.ground.sites as ground_sites

seen = []
real = ground_sites.score_sites

def spy(*args, device="auto", **kwargs):
    seen.append(device)
    return real(*args, device="cpu", **kwargs)   # the simulator would take minutes; the argument is the point

for module in list(sys.modules.values()):        # wherever the name is bound
    if getattr(module, "score_sites", None) is real:
        module.score_sites = spy
sc = placement.load_scenario(sys.argv[1])
placement.assign(sc, device="cuda")
after_assign = len(seen)
placement.plan(sc, device="cuda")
print(json.dumps({"assign": seen[:after_assign], "plan": seen[after_assign:]}))
"""


def test_device_cuda_reaches_the_scoring_of_assignment_and_plan(tmp_path):
    path = scenario_file(tmp_path, """
[planning]
start_year = 2026
end_year = 2027
[[capacity]]
id = "dallas-tx"
[[tenant]]
id = "a"
mw = 50
users = { NA = 1.0 }
price_usd_per_mw_month = 200000
""")
    r = subprocess.run([sys.executable, "-P", "-c", SPY, str(path)], capture_output=True, text=True, timeout=600,
                       env=cli_env({"NUMBA_ENABLE_CUDASIM": "1"}))
    assert r.returncode == 0, r.stderr
    seen = json.loads(r.stdout.strip().splitlines()[-1])
    assert seen["assign"] and set(seen["assign"]) == {"cuda"}
    assert seen["plan"] and set(seen["plan"]) == {"cuda"}


@pytest.mark.parametrize("table, field", [("[shells]\nstep_s = 0.5\n", "shells.step_s"),
                                          ("[shells]\ndays = 0\n", "shells.days"),
                                          ("[shells]\ndays = 4000\n", "shells.days")])
def test_scenario_bounds_are_the_commands_bounds(tmp_path, table, field):
    path = scenario_file(tmp_path, table)
    with pytest.raises(InputError) as err:
        placement.load_scenario(path)
    assert str(path) in str(err.value) and field in str(err.value)
    option = "--step-s" if "step_s" in field else "--days"
    value = field and table.split("= ")[1].strip()
    r = run_cli("shells", "--sso", "--ltan", "18:00", "--altitude-km", "650", option, value)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and option in r.stderr


def test_the_api_names_its_argument_not_a_flag():
    sc = placement.default_scenario()
    with pytest.raises(InputError) as err:
        placement.score_shells(placement.load_shells()[:1], sc.demand(), start="2026-01-01", days=1, step_s=0.5)
    assert "step_s" in str(err.value) and "--" not in str(err.value)


def test_physical_constants_are_defined_once():
    """No module of the installed package assigns a literal speed of light, fibre speed or Earth
    radius of its own: they come from placement.constants."""
    literals = {SPEED_OF_LIGHT_KM_PER_MS, FIBRE_KM_PER_MS, 6371.0088, 6378.137, 6378.135, 1361.0, 5.670374419e-8}
    offenders = []
    for package in ("placement", "placement.kernels", "placement.earth", "placement.ground", "placement.orbit",
                    "placement.latency"):
        folder = Path(importlib.util.find_spec(package).origin).parent
        for f in folder.glob("*.py"):
            if f.name == "constants.py" and package == "placement":
                continue
            for node in ast.walk(ast.parse(f.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, float) and node.value in literals:
                    offenders.append(f"{package}.{f.stem}:{node.lineno} {node.value}")
    assert not offenders, offenders


def test_static_work_is_cached_once_and_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    from placement.fingerprint import cache_dir, cached_arrays

    monkeypatch.setenv("PLACEMENT_CACHE_DIR", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"x": np.arange(5.0), "name": np.array(["a", "bb"])}

    first = cached_arrays("thing", "key 1", compute)
    again = cached_arrays("thing", "key 1", compute)
    assert len(calls) == 1 and np.array_equal(first["x"], again["x"]) and again["name"].tolist() == ["a", "bb"]
    (path,) = cache_dir("thing").glob("*.npz")
    path.write_bytes(b"not a zip")
    rebuilt = cached_arrays("thing", "key 1", compute)
    assert len(calls) == 2 and np.array_equal(rebuilt["x"], first["x"])
    orphan = cache_dir("thing") / ".thing_x.npz.pid999999999.tmp.npz"  # a writer killed mid-write (no such pid)
    orphan.write_bytes(b"half")
    cached_arrays("thing", "key 2", compute)  # another key, another file
    assert len(calls) == 3 and not list(cache_dir("thing").glob(".*.tmp.npz"))


def test_cached_sun_vectors_are_skyfields():
    from skyfield.framelib import itrs

    from placement.earth.ephemeris import ephemeris, hourly_times, sun_unit_vectors_itrs

    v = sun_unit_vectors_itrs(2026, 6.0)
    t = hourly_times(2026, 6.0)
    ref = (ephemeris()["sun"] - ephemeris()["earth"]).at(t[:50]).frame_xyz(itrs).au.T
    np.testing.assert_allclose(v[:50], ref / np.linalg.norm(ref, axis=1)[:, None], rtol=0, atol=1e-15)
