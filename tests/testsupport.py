"""Helpers shared by the tests (importable as ``testsupport``: pytest puts ``tests/`` on the path).

:func:`run_cli` runs the ``placement`` command in this process (click's ``CliRunner`` isolation
around the console-script entry point, so the one-line error contract and exit codes are those a
user sees). :func:`run_cli_process` runs it in a subprocess, ``python -P -m placement``, for what
only a real process shows: signals, kill -9, a cold Numba cache, environment read at import.
``-P`` keeps the working directory off ``sys.path``, so the command under test is the
*installed* package, never the source folder.
"""
import contextlib
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
#: ``python -P -m placement``: the installed command, whatever the working directory.
PLACEMENT = [sys.executable, "-P", "-m", "placement"]


def cli_env(env=None) -> dict:
    """The test process's environment without the CUDA simulator switch (plus ``env``)."""
    e = dict(os.environ)
    e.pop("NUMBA_ENABLE_CUDASIM", None)
    if env:
        e.update(env)
    return e


def run_cli_process(*args, cwd=None, env=None, input=None, timeout=600):
    """Run the ``placement`` command in a subprocess; return the CompletedProcess."""
    return subprocess.run([*PLACEMENT, *args], capture_output=True, text=True, cwd=cwd or ROOT,
                          env=cli_env(env), timeout=timeout, input=input)


@contextlib.contextmanager
def _working_directory(path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_cli(*args, cwd=None, env=None, input=None, timeout=600):
    """Run the ``placement`` command in this process; return ``returncode``, ``stdout`` and
    ``stderr`` as a CompletedProcess does. Environment that only an import reads (``NUMBA_*``)
    sends the call to :func:`run_cli_process`."""
    if env and any(k.startswith(("NUMBA_", "PYTHON")) for k in env):
        return run_cli_process(*args, cwd=cwd, env=env, input=input, timeout=timeout)
    from placement.cli.main import main

    runner = CliRunner()
    with _working_directory(cwd or ROOT), runner.isolation(input=input, env=env) as streams:
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return SimpleNamespace(returncode=code, stdout=out.decode("utf-8", "replace"),
                           stderr=err.decode("utf-8", "replace"), args=args)


def score_catalog_sites(site_ids):
    """The default scenario's catalog sites ``site_ids`` scored for demand 70 % NA / 30 % EU on the
    CPU: the plan tests' candidate capacities."""
    import placement

    sc = placement.default_scenario()
    sites = [s for s in sc.site_catalog if s["id"] in site_ids]
    return placement.score_sites(sites, placement.demand_points({"NA": 0.7, "EU": 0.3}), parameters=sc.parameters,
                                 device="cpu")


def assert_names_row(err, path, row: int, words) -> None:
    """``err`` (a caught :class:`InputError`) is one line naming the file, its row and every word."""
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg and f"row {row}" in msg, msg
    for word in words:
        assert word in msg, msg


def write_csv(path, rows: list) -> Path:
    """``rows`` (dicts with the same keys) written to ``path`` as a CSV with their header."""
    import csv

    with Path(path).open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return Path(path)
