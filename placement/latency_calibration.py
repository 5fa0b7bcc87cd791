"""Calibrate the ground latency model on measured pings.

Data: WonderProxy "A day in the life of the internet" (pings between 245 city
servers, 19-20 July 2020; republished in sm86/geo-latency-data), trimmed copy in
``tests/data``. Servers are split into a fitting set and a held-out set
(deterministically, by a seeded permutation of server ids); the model is fitted
on pairs with both ends in the fitting set and scored on pairs with both ends
held out, so no held-out city was seen in the fit.

Fit: minimise the relative error (RTT_model - RTT_avg) / RTT_avg with a robust
soft-L1 loss (``scipy.optimize.least_squares``); relative, because a planner
cares about 10 ms on a 40 ms target as much as 50 ms on 200 ms.

Run ``python -m placement.latency_calibration`` to refit and rewrite
``catalogs/data/latency_calibration.toml``.
"""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVERS = ROOT / "tests" / "data" / "wonderproxy-servers-2020-07-19.csv"
DEFAULT_PINGS = ROOT / "tests" / "data" / "wonderproxy-pings-2020-07-19.csv"
HELD_OUT_FRACTION = 0.3
SPLIT_SEED = 20200719


@dataclass(frozen=True)
class PingPairs:
    """Measured pairs: endpoints (degrees), server ids and mean RTT [ms]."""

    src_id: np.ndarray
    dst_id: np.ndarray
    lat1_deg: np.ndarray
    lon1_deg: np.ndarray
    lat2_deg: np.ndarray
    lon2_deg: np.ndarray
    rtt_ms: np.ndarray

    def subset(self, mask: np.ndarray) -> "PingPairs":
        return PingPairs(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))


def load_pings(servers_csv: Path = DEFAULT_SERVERS, pings_csv: Path = DEFAULT_PINGS) -> PingPairs:
    with open(servers_csv, newline="") as f:
        servers = {int(r["id"]): (float(r["lat_deg"]), float(r["lon_deg"])) for r in csv.DictReader(f)}
    rows = []
    with open(pings_csv, newline="") as f:
        for r in csv.DictReader(f):
            s, d = int(r["source"]), int(r["destination"])
            if s in servers and d in servers and s != d:
                rows.append((s, d, *servers[s], *servers[d], float(r["avg_ms"])))
    a = np.array(rows)
    return PingPairs(a[:, 0].astype(int), a[:, 1].astype(int), a[:, 2], a[:, 3], a[:, 4], a[:, 5], a[:, 6])


def split_by_server(pairs: PingPairs, held_out_fraction: float = HELD_OUT_FRACTION,
                    seed: int = SPLIT_SEED) -> tuple[PingPairs, PingPairs]:
    """(fit pairs, held-out pairs): held-out pairs have both servers in the held-out set."""
    ids = np.unique(np.concatenate([pairs.src_id, pairs.dst_id]))
    rng = np.random.default_rng(seed)
    held = set(rng.permutation(ids)[: int(round(held_out_fraction * ids.size))].tolist())
    src_held = np.array([s in held for s in pairs.src_id])
    dst_held = np.array([d in held for d in pairs.dst_id])
    return pairs.subset(~src_held & ~dst_held), pairs.subset(src_held & dst_held)


def absolute_percentage_errors(pairs: PingPairs, route_factor: float, overhead_ms: float) -> np.ndarray:
    """|model - measured| / measured [-] for each pair."""
    from placement.latency import ground_rtt_ms
    from placement.parameters import LatencyParameters

    p = LatencyParameters(route_factor=route_factor, overhead_ms=overhead_ms)
    model = ground_rtt_ms(pairs.lat1_deg, pairs.lon1_deg, pairs.lat2_deg, pairs.lon2_deg, latency=p)
    return np.abs(model - pairs.rtt_ms) / pairs.rtt_ms


def fit(pairs: PingPairs) -> tuple[float, float]:
    """Robust relative least-squares fit: (route_factor, overhead_ms)."""
    from scipy.optimize import least_squares

    from placement.latency import ground_rtt_ms
    from placement.parameters import LatencyParameters

    # With route_factor 1 and no overhead the model gives the straight-fibre term 2 d / v_fibre.
    distance_term = ground_rtt_ms(pairs.lat1_deg, pairs.lon1_deg, pairs.lat2_deg, pairs.lon2_deg,
                                  latency=LatencyParameters(route_factor=1.0, overhead_ms=0.0))

    def residual(x):
        return (x[0] * distance_term + x[1] - pairs.rtt_ms) / pairs.rtt_ms

    result = least_squares(residual, x0=[1.5, 5.0], loss="soft_l1", f_scale=0.1)
    return float(result.x[0]), float(result.x[1])


def calibrate(servers_csv: Path = DEFAULT_SERVERS, pings_csv: Path = DEFAULT_PINGS) -> dict:
    """Fit on the fitting servers, score on the held-out ones; a dict of the results."""
    pairs = load_pings(servers_csv, pings_csv)
    fit_pairs, held_pairs = split_by_server(pairs)
    route_factor, overhead_ms = fit(fit_pairs)
    ape = absolute_percentage_errors(held_pairs, route_factor, overhead_ms)
    return {
        "route_factor": round(route_factor, 4),
        "overhead_ms": round(overhead_ms, 3),
        "fit_pairs": int(fit_pairs.rtt_ms.size),
        "held_out_pairs": int(held_pairs.rtt_ms.size),
        "held_out_median_ape": round(float(np.median(ape)), 4),
        "held_out_p90_ape": round(float(np.percentile(ape, 90)), 4),
    }


def main(argv: list[str]) -> None:
    from placement.catalogs import DATA_DIR

    r = calibrate()
    text = (
        "# Ground latency model calibration (placement.latency_calibration).\n"
        "# source: WonderProxy pings 2020-07-19 (sm86/geo-latency-data), mean RTT per pair;\n"
        f"# split by server (seed {SPLIT_SEED}, {HELD_OUT_FRACTION:.0%} of servers held out);\n"
        "# robust relative least squares on the fitting servers' pairs.\n"
        + "".join(f"{k} = {v}\n" for k, v in r.items())
    )
    (DATA_DIR / "latency_calibration.toml").write_text(text)
    print(text)


if __name__ == "__main__":
    main(sys.argv)
