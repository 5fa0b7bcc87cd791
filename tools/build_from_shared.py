"""Rebuild the packaged reference data in ``catalogs/data/`` from ``../shared/data``.

A maintainer script, not used at run time: the installed package carries its own
trimmed copies. Run from the repository root::

    python -m build_from_shared [../shared/data]

Outputs (each records its origin in a ``source`` field):

* ``cru_cl2_station_normals.npz`` -- CRU CL 2.0 1961-1990 monthly normals
  (mean temperature, relative humidity, diurnal range) at 23,670 stations
  (New, Lister, Hulme & Makin 2002, Climate Research 21:1-25; sampled at NOAA
  GSOD stations by adamhsparks/GSODRdata).
* ``grid_carbon.csv`` -- yearly grid carbon intensity per Electricity Maps zone
  (2024) and per Ember country (ISO-3), as packaged by thegreenwebfoundation/co2.js.
* ``tests/data/wonderproxy-*.csv`` -- WonderProxy pings of 2020-07-19 (trimmed to
  the columns the latency calibration uses).
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CRU_SOURCE = ("CRU CL 2.0 1961-1990 monthly normals (New et al. 2002, Clim. Res. 21:1-25) "
              "at NOAA GSOD stations, via adamhsparks/GSODRdata + NOAA isd-history.csv")
EM_SOURCE = "Electricity Maps yearly 2024 via thegreenwebfoundation/co2.js data/output/electricity-maps"
EMBER_SOURCE = "Ember yearly average via thegreenwebfoundation/co2.js data/output/average-intensities.json"


def build_climate(shared: Path) -> None:
    path = shared / "climate" / "cru-cl2-monthly-normals-at-stations.csv"
    with path.open(newline="") as f:
        # 81 stations have no elevation: without it no lapse-rate correction is possible, so drop them.
        rows = [r for r in csv.DictReader(f) if r["elev_m"] != ""]
    months = [f"{m:02d}" for m in range(1, 13)]

    def block(prefix):
        return np.array([[float(r[f"{prefix}_{m}"]) for m in months] for r in rows], dtype=np.float32)

    np.savez_compressed(
        HERE / "data" / "cru_cl2_station_normals.npz",
        station_id=np.array([r["station_id"] for r in rows]),
        name=np.array([r["name"] for r in rows]),
        country_fips=np.array([r["country_fips"] for r in rows]),
        lat_deg=np.array([float(r["lat_deg"]) for r in rows]),
        lon_deg=np.array([float(r["lon_deg"]) for r in rows]),
        elevation_m=np.array([float(r["elev_m"]) for r in rows]),
        t_mean_c=block("t_mean_c"),
        rh_pct=block("rh_pct"),
        dtr_c=block("dtr_c"),
        source=np.array(CRU_SOURCE),
    )


def build_carbon(shared: Path) -> None:
    em = json.loads((shared / "carbon" / "electricity-maps-yearly-2024.json").read_text())
    ember = json.loads((shared / "carbon" / "ember-average-intensities.json").read_text())
    out = HERE / "data" / "grid_carbon.csv"
    with out.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["zone", "name", "carbon_g_per_kwh", "year", "source"])
        for zone, rec in sorted(em.items()):
            w.writerow([zone, rec["zone"].get("zoneName", zone), rec["carbonIntensity"]["value"], 2024, EM_SOURCE])
        for key, rec in sorted(ember.items()):
            code = rec.get("country_code")
            if code:  # ISO-3 countries only; regions are aggregates
                w.writerow([code, rec["country_or_region"], round(rec["emissions_intensity_gco2_per_kwh"], 1),
                            rec["year"], EMBER_SOURCE])


def build_latency_test_data(shared: Path) -> None:
    dst = ROOT / "tests" / "data"
    dst.mkdir(parents=True, exist_ok=True)
    with (shared / "latency" / "wonderproxy-servers-2020-07-19.csv").open(newline="") as f:
        servers = list(csv.DictReader(f))
    with (dst / "wonderproxy-servers-2020-07-19.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "country", "lat_deg", "lon_deg"])
        for s in servers:
            w.writerow([s["id"], s["title"], s["country"], s["latitude"], s["longitude"]])
    with (shared / "latency" / "wonderproxy-pings-2020-07-19-grouped.csv").open(newline="") as f:
        pings = list(csv.DictReader(f))
    with (dst / "wonderproxy-pings-2020-07-19.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "destination", "min_ms", "avg_ms"])
        for p in pings:
            if p["source"] != p["destination"]:
                w.writerow([p["source"], p["destination"], round(float(p["min"]), 3), round(float(p["avg"]), 3)])


def main(argv: list[str]) -> None:
    shared = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "data"
    build_climate(shared)
    build_carbon(shared)
    build_latency_test_data(shared)


if __name__ == "__main__":
    main(sys.argv)
