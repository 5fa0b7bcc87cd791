import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def run_cli(*args, cwd=None, env=None):
    """Run the ``placement`` console script in a subprocess; return CompletedProcess."""
    e = dict(os.environ)
    e.pop("NUMBA_ENABLE_CUDASIM", None)
    if env:
        e.update(env)
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=e, timeout=600)


@pytest.fixture(scope="session")
def catalog_sites():
    from catalogs import load_ground_sites

    return load_ground_sites()


@pytest.fixture(scope="session")
def default_site_scores(catalog_sites):
    from placement.scenario import default_scenario
    from placement.sites import score_sites

    sc = default_scenario()
    return score_sites(sc.sites, sc.demand(), parameters=sc.parameters, device="cpu")
