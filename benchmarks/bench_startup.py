"""Start-up as a user meets it: ``placement --help`` and ``placement sites --top 3`` (warm Numba
and data caches), each against a named peer in the same run: the interpreter importing numpy and
numba alone (what any Numba tool pays before its own work).

    python benchmarks/bench_startup.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def best_of(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    py = [sys.executable, "-P"]
    subprocess.run([*py, "-m", "placement", "sites", "--top", "3"], check=True, capture_output=True)  # warm caches
    peer, _ = best_of([*py, "-c", "import numpy, numba"], a.repeat)
    print(f"peer: python -c 'import numpy, numba'  {peer:.2f} s (best of {a.repeat})")
    for label, args in (("placement --help", ["--help"]), ("placement sites --top 3", ["sites", "--top", "3"])):
        best, median = best_of([*py, "-m", "placement", *args], a.repeat)
        print(f"{label:26s} best {best:.2f} s, median {median:.2f} s = {best / peer:.2f}x the peer")


if __name__ == "__main__":
    main()
