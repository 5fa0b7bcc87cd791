"""Global land scan: every land cell at 0.25 deg (~300,000 cells north of 60 S) scored on power,
cooling, latency to ~1,000 demand points and dark time, in one process.

    python benchmarks/bench_globe.py [--resolution-deg 0.25] [--device cpu|cuda]

Prints the wall time of each stage and cells per second. On a GPU host run it twice, with
--device cpu and --device cuda, and compare.
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def main(argv=None):
    import numba

    from placement.batch import cell_sites, land_cells
    from placement.earth.demand import demand_points
    from placement.device import resolve_device
    from placement.parameters import Parameters
    from placement.ground.sites import score_sites

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resolution-deg", type=float, default=0.25)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--min-lat-deg", type=float, default=-60.0, help="-90 includes Antarctica (343,895 cells)")
    ap.add_argument("--demand-cell-deg", type=float, default=5.0, help="5 deg gives ~1,100 demand points")
    a = ap.parse_args(argv)
    dev = resolve_device(a.device)
    p = Parameters()
    demand = demand_points({"NA": 0.7, "EU": 0.3}, cell_deg=a.demand_cell_deg)
    score_sites(cell_sites(np.array([60.0]), np.array([20.0]), p), demand, parameters=p, device=dev)  # warm up

    t0 = time.perf_counter()
    lat, lon = land_cells(a.resolution_deg, a.min_lat_deg)
    t1 = time.perf_counter()
    cells = cell_sites(lat, lon, p)
    t2 = time.perf_counter()
    s = score_sites(cells, demand, parameters=p, device=dev)
    t3 = time.perf_counter()
    n = lat.size
    print(f"global land scan at {a.resolution_deg:g} deg: {n:,} cells x {len(demand):,} demand points, "
          f"device {dev}, {numba.get_num_threads()} threads")
    print(f"  land mask          : {t1 - t0:7.2f} s")
    print(f"  country/zone lookup: {t2 - t1:7.2f} s")
    print(f"  scoring (climate, PUE, latency, dark time, cost): {t3 - t2:7.2f} s")
    print(f"  total              : {t3 - t0:7.2f} s   {n / (t3 - t0):,.0f} cells/s "
          f"(scoring alone {n / (t3 - t2):,.0f} cells/s)")
    best = int(np.nanargmin(s["lcoe_usd_per_mwh_it"]))
    print(f"  cheapest cell: {lat[best]:.3f}, {lon[best]:.3f} at {s['lcoe_usd_per_mwh_it'][best]:.1f} USD/MWh")


if __name__ == "__main__":
    main()
