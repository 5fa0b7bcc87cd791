"""Run the CUDA-vs-CPU kernel comparisons under Numba's CUDA simulator (no GPU needed).

The simulator has to be switched on before numba is imported, so the cases run in their own
interpreter (tests/cudasim_cases.py), with small thread blocks so several blocks run.
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cuda_kernels_match_cpu_under_the_simulator():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PLACEMENT_CUDA_TPB="4")
    r = subprocess.run([sys.executable, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        str(ROOT / "tests" / "cudasim_cases.py")], capture_output=True, text=True, cwd=ROOT,
                       env=env, timeout=900)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "failed" not in r.stdout


def test_device_auto_uses_the_cpu_without_a_gpu_and_cuda_is_an_error():
    """Without a usable GPU (NUMBA_DISABLE_CUDA=1 hides one where the machine has it), ``auto``
    falls back to the CPU and ``cuda`` is one clear error."""
    code = ("import pytest\n"
            "from placement.catalogs import InputError\n"
            "from placement.device import resolve_device\n"
            "assert resolve_device('auto') == 'cpu'\n"
            "with pytest.raises(InputError, match='no usable CUDA GPU'):\n"
            "    resolve_device('cuda')\n"
            "print('ok')\n")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    env["NUMBA_DISABLE_CUDA"] = "1"
    r = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                       timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout[-2000:] + r.stderr[-2000:]
