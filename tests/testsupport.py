"""Helpers shared by the tests (importable as ``testsupport``: pytest puts ``tests/`` on the path).

Subprocesses run ``python -P -m placement``: ``-P`` keeps the working directory off ``sys.path``,
so the command under test is the *installed* package, as a user runs it, never the source folder.
"""
import os
import subprocess
import sys
from pathlib import Path

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


def run_cli(*args, cwd=None, env=None, input=None, timeout=600):
    """Run the ``placement`` command in a subprocess; return the CompletedProcess."""
    return subprocess.run([*PLACEMENT, *args], capture_output=True, text=True, cwd=cwd or ROOT,
                          env=cli_env(env), timeout=timeout, input=input)
