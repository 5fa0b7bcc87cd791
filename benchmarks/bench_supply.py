"""Availability for every cell: site scoring and the 0.25 deg globe scan, now (supply mixes, N+k
fleets, ramps and availability in the kernels) against the release before them, in the same run.

    python benchmarks/bench_supply.py [--peer 5939a42] [--resolution-deg 0.25] [--repeats 2]

The peer is a git revision of this repository, installed (not editable) into a temporary folder;
both run the same script in fresh processes on this machine: ``placement sites --format json``
(48 catalog sites, end to end as a user runs it) and the globe scan's ``score_sites`` over every
land cell (as ``benchmarks/bench_globe.py`` times it). Prints each time (best of the repeats) and
the ratio now / peer. Issue 21's target: the globe scan within 1.2x of the peer.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GLOBE = """
import sys, time, numpy as np
from placement.batch import cell_sites, land_cells
from placement.earth.demand import demand_points
from placement.parameters import Parameters
from placement.ground.sites import score_sites
p = Parameters()
demand = demand_points({"NA": 0.7, "EU": 0.3}, cell_deg=5.0)
score_sites(cell_sites(np.array([60.0]), np.array([20.0]), p), demand, parameters=p, device="cpu")
lat, lon = land_cells(float(sys.argv[1]), -60.0)
cells = cell_sites(lat, lon, p)
t = time.perf_counter()
s = score_sites(cells, demand, parameters=p, device="cpu")
print(time.perf_counter() - t, lat.size)
"""


def _install_peer(rev: str, folder: Path) -> Path:
    """``rev`` of this repository installed into ``folder`` (its own import path)."""
    src = folder / "src"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(src), rev], check=True,
                   capture_output=True)
    try:
        target = folder / "site"
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                        str(src)], check=True)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(src)], capture_output=True,
                       check=False)
    return target


def _env(path: Path | None) -> dict:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return env


def _time_sites(env: dict) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-P", "-m", "placement", "sites", "--format", "json"], env=env, check=True,
                   capture_output=True, cwd=tempfile.gettempdir())
    return time.perf_counter() - t


def _time_globe(env: dict, resolution: float) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-P", "-c", GLOBE, str(resolution)], env=env, check=True,
                         capture_output=True, text=True, cwd=tempfile.gettempdir()).stdout.split()
    return float(out[0]), int(out[1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", default="5939a42", help="git revision to compare with (default: before issue 21)")
    ap.add_argument("--resolution-deg", type=float, default=0.25)
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        peer = _install_peer(a.peer, Path(tmp))
        envs = {"now": _env(None), f"peer {a.peer}": _env(peer)}
        for env in envs.values():  # compile and cache both once
            _time_sites(env)
        sites = {k: min(_time_sites(e) for _ in range(a.repeats)) for k, e in envs.items()}
        globe = {}
        for k, e in envs.items():
            runs = [_time_globe(e, a.resolution_deg) for _ in range(a.repeats)]
            globe[k] = (min(r[0] for r in runs), runs[0][1])
    now, peer_key = "now", f"peer {a.peer}"
    print(f"site scoring, `placement sites --format json` (48 sites, process start included), best of {a.repeats}:")
    for k, v in sites.items():
        print(f"  {k:16s} {v:7.2f} s")
    print(f"  ratio now / peer: {sites[now] / sites[peer_key]:.2f}")
    print(f"globe scan at {a.resolution_deg:g} deg, score_sites over {globe[now][1]:,} land cells "
          f"(climate, PUE, latency, dark time, supply, cost), best of {a.repeats}:")
    for k, (v, _) in globe.items():
        print(f"  {k:16s} {v:7.2f} s")
    print(f"  ratio now / peer: {globe[now][0] / globe[peer_key][0]:.2f}  (target <= 1.2)")


if __name__ == "__main__":
    main()
