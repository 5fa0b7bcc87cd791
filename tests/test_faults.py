"""Faults a real process meets: Ctrl-C at any moment, kill -9, a Dask worker or scheduler lost
mid-scan, a chunk crafted to inflate to gigabytes. Each ends in one line (exit 130 or 2), says
truthfully which outputs are in place, and leaves no temporary behind after the next run
(issue 19: correct under fire)."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from testsupport import PLACEMENT, cli_env, run_cli

SCENARIO = Path(__file__).resolve().parent.parent / "catalogs" / "scenarios" / "default.toml"


def _temporaries(out: Path) -> list:
    """Temporaries of an output folder's writers beside it (``.NAME.pid*``)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def _dead_pid() -> int:
    """The id of a process that has ended (a temporary named after it is an orphan)."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan") / "out"
    r = run_cli("plan", str(SCENARIO), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


# Delays [s] after start: while Python imports the command tree (the first half second used to
# print a KeyboardInterrupt traceback), while scoring and planning, and near the end.
SIGINT_DELAYS = (0.05, 0.2, 0.3, 0.5, 0.8, 1.5, 2.5, 4.0)


def test_ctrl_c_at_any_moment_is_one_true_line_and_leaves_nothing_behind(planned):
    for delay in SIGINT_DELAYS:
        inode = planned.stat().st_ino
        before = {p.name: p.read_bytes() for p in planned.iterdir()}
        proc = subprocess.Popen([*PLACEMENT, "plan", str(SCENARIO), "--out", str(planned)], env=cli_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=300)
        lines = [ln for ln in err.splitlines() if ln.strip() and "compiling" not in ln]
        assert _temporaries(planned) == [], delay
        if proc.returncode == 0:  # finished before the signal: a new set, nothing said
            assert lines == [] and planned.stat().st_ino != inode
            continue
        assert proc.returncode == 130 and len(lines) == 1 and "interrupted" in lines[0], (delay, err)
        if "new outputs are in place" in lines[0]:
            assert planned.stat().st_ino != inode
        else:  # "previous outputs ... left as they were" or "before any output was written"
            assert planned.stat().st_ino == inode, (delay, lines[0])
            assert {p.name: p.read_bytes() for p in planned.iterdir()} == before


def test_a_ctrl_c_during_the_swap_lands_after_it_and_says_the_new_set_is_in_place(tmp_path, monkeypatch):
    """The commit of an output set holds SIGINT off: a Ctrl-C in the middle of the rename is
    delivered after it, and the message says the new set is in place (it used to say the
    previous outputs were left when the new set was already there)."""
    from placement.outputs import files

    out = tmp_path / "out"
    with files.OutputSet(out) as first:
        first.write("a.txt", "old")
    real_rename = os.rename

    def rename_with_ctrl_c(a, b):
        os.kill(os.getpid(), signal.SIGINT)  # arrives while the swap is under way
        return real_rename(a, b)

    monkeypatch.setattr(files, "_exchange", lambda a, b: False)  # the two-rename path
    monkeypatch.setattr(files.os, "rename", rename_with_ctrl_c)
    files.SETS.clear()
    with pytest.raises(KeyboardInterrupt):
        with files.OutputSet(out) as second:
            second.write("a.txt", "new")
    assert (out / "a.txt").read_text() == "new"
    assert files.interrupted_message() == f"interrupted; the new outputs are in place in {out}"
    assert _temporaries(out) == []
    files.SETS.clear()


def test_the_next_run_removes_temporaries_of_killed_runs_whatever_their_age(tmp_path):
    """kill -9 leaves a writer's temporary folder; the next run removes it once its process is
    gone (a live writer's is left alone)."""
    from placement.outputs.files import OutputSet

    out = tmp_path / "out"
    orphan = tmp_path / f".out.pid{_dead_pid()}.abcd1234.tmp"
    (orphan / "sub").mkdir(parents=True)
    (orphan / "sub" / "sites.csv").write_text("x")
    os.utime(orphan, (0, 0))  # any age
    live = tmp_path / f".out.pid{os.getppid()}.efgh5678.tmp"
    live.mkdir()
    with OutputSet(out) as s:
        s.write("a.txt", "x")
    assert not orphan.exists() and live.exists()
    live.rmdir()


def test_kill_9_mid_plan_leaves_nothing_after_the_next_run(tmp_path):
    out = tmp_path / "out"
    for delay in (1.5, 2.5, 3.5):
        proc = subprocess.Popen([*PLACEMENT, "plan", str(SCENARIO), "--out", str(out)], env=cli_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait()
    r = run_cli("plan", str(SCENARIO), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert _temporaries(out) == []
    assert json.loads((out / ".placement-run.json").read_text())["scenario"] == "default"


def test_orphan_route_cache_temporaries_are_removed_even_when_the_cache_is_valid(tmp_path, monkeypatch):
    """An interrupted route-cache build left ``tmp*.tmp.npz`` that was never cleaned once a
    valid cache existed; now every load removes orphans (a dead writer's, or an old legacy name)."""
    from placement.latency import route_graph as rg

    monkeypatch.setenv("PLACEMENT_CACHE_DIR", str(tmp_path))
    rg.route_graph.cache_clear()
    rg.route_graph(1.0)  # builds and caches
    folder = tmp_path / "routes"
    orphan = folder / f".route_graph_x.npz.pid{_dead_pid()}.k2j3.tmp.npz"
    orphan.write_bytes(b"half")
    legacy = folder / "tmpab12cd.tmp.npz"
    legacy.write_bytes(b"half")
    os.utime(legacy, (0, 0))
    rg.route_graph.cache_clear()
    rg.route_graph(1.0)  # read from the valid cache
    assert not orphan.exists() and not legacy.exists()
    assert [p.name for p in folder.iterdir()] == [p.name for p in folder.glob("route_graph_*.npz")]
    rg.route_graph.cache_clear()


def test_a_chunk_that_would_inflate_to_gigabytes_is_refused_before_it_is_read(tmp_path):
    """A crafted chunk whose array inflates far beyond a chunk's size is found damaged from the
    zip directory alone (it used to be inflated first: 5 GB of memory for a 4 GB bomb)."""
    import tracemalloc

    from placement.batch.folder import chunk_ok, npz_fits

    bomb = tmp_path / "chunk-00000.npz"
    np.savez_compressed(bomb, lat_deg=np.zeros(20_000_000))  # 160 MB inflated, ~155 kB on disk
    assert bomb.stat().st_size < 1_000_000
    tracemalloc.start()
    ok = chunk_ok(bomb, ("lat_deg",), 100)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not ok and not npz_fits(bomb, 100 * 16 + 4096)
    assert peak < 10_000_000  # never inflated
    good = tmp_path / "chunk-00001.npz"
    np.savez(good, lat_deg=np.zeros(100))
    assert chunk_ok(good, ("lat_deg",), 100)


# --- Dask ---------------------------------------------------------------------------------------

def _dask_cluster(tmp_path):
    bin_dir = Path(sys.executable).parent
    scheduler_file = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--scheduler-file", str(scheduler_file),
                                  "--port", "0", "--dashboard-address", ":0", "--host", "127.0.0.1"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):
        if scheduler_file.exists() and scheduler_file.stat().st_size:
            break
        time.sleep(0.1)
    time.sleep(0.5)
    address = json.loads(scheduler_file.read_text())["address"]
    worker = subprocess.Popen([str(bin_dir / "dask"), "worker", "--scheduler-file", str(scheduler_file),
                               "--nworkers", "1", "--nthreads", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return scheduler, worker, address


def _stop(*procs):
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()


@pytest.mark.parametrize("lost", ["worker", "scheduler"])
def test_a_lost_dask_worker_or_scheduler_ends_the_scan_in_one_line(tmp_path, lost):
    """A worker killed with its nanny used to leave the client waiting silently past 120 s; a
    killed scheduler printed a ``distributed.client - ERROR`` line before the error."""
    scheduler, worker, address = _dask_cluster(tmp_path)
    try:
        time.sleep(2.0)
        out = tmp_path / "globe"
        start = time.monotonic()
        proc = subprocess.Popen([*PLACEMENT, "batch", "globe", "--resolution-deg", "1", "--chunk-cells", "20",
                                 "--out", str(out), "--scheduler", address, "--quiet", "--dask-timeout-s", "8"],
                                env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(600):  # the scan has started (connected, folder locked, manifest written)
            if (out / "manifest.json").exists() or proc.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(0.5)
        _stop(worker if lost == "worker" else scheduler)
        _, err = proc.communicate(timeout=240)
        took = time.monotonic() - start
    finally:
        _stop(scheduler, worker)
    lines = [ln for ln in err.splitlines() if ln.strip() and "compiling" not in ln]
    # about 850 chunks of 20 cells: the scan is still running half a second after it starts
    assert proc.returncode != 0, "the scan finished before the cluster was lost: make it larger"
    assert proc.returncode == 2 and len(lines) == 1, err
    assert lines[0].startswith("placement: error: --scheduler") and "re-run the same command to resume" in lines[0]
    assert ("no Dask worker left" in lines[0]) if lost == "worker" else ("lost the Dask cluster" in lines[0])
    assert took < 120


_CALLBACK = """
import ctypes, ctypes.util, signal, sys, time
from placement.cli import entry
signal.signal(signal.SIGINT, entry._note_ctrl_c)
sys.unraisablehook = entry._redeliver_ctrl_c
libc = ctypes.CDLL(ctypes.util.find_library("c"))
CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
def cmp(a, b):
    if not entry.SIGINT_RECEIVED:  # the Ctrl-C lands while C (qsort) calls back into Python
        entry._note_ctrl_c(signal.SIGINT, None)
    return 0
arr = (ctypes.c_int * 4)(3, 1, 2, 0)
try:
    libc.qsort(arr, 4, 4, CMP(cmp))
    t0 = time.monotonic()
    while time.monotonic() - t0 < 5:
        pass
    print("swallowed")
except KeyboardInterrupt:
    print("delivered")
"""


def test_a_ctrl_c_inside_a_callback_from_c_is_delivered_not_printed():
    """Python prints a KeyboardInterrupt raised in a ctypes callback (llvmlite's object-cache
    notification while Numba compiles) as "Exception ignored" and carries on; the console script
    delivers it again to the main thread, where it propagates as the Ctrl-C it was."""
    r = subprocess.run([sys.executable, "-P", "-c", _CALLBACK], capture_output=True, text=True, timeout=60,
                       env=cli_env())
    assert r.stdout.strip() == "delivered", (r.stdout, r.stderr)
    assert "Exception ignored" not in r.stderr and "Traceback" not in r.stderr, r.stderr
