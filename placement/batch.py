"""Batch scans in chunks: a global land grid, or a sweep of orbital shells.

Each chunk is a pure function of the scan's spec and the chunk index
(:func:`compute_chunk`), so it can run in this process, in local worker
processes, or on any Dask distributed worker. Results land in an output folder:

* ``manifest.json`` — the spec (and its hash) and the number of chunks;
* ``chunks/chunk-NNNNN.npz`` — one file per chunk, each written atomically
  (temporary file + rename), so a file that exists is complete;
* ``result.npz``, ``result.csv`` and a PNG once every chunk is in.

A re-run with the same spec (after a crash or ``kill -9``) computes only the
chunks whose files are missing: none is lost, none is computed twice, and the
merged result is identical to an uninterrupted run. A folder holding another
scan is refused, and nothing in it is overwritten.
"""
from __future__ import annotations

import functools
import hashlib
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from placement.catalogs.validation import InputError

MANIFEST = "manifest.json"
FORMAT_VERSION = 1

GLOBE_FIELDS = ("lat_deg", "lon_deg", "pue", "water_l_per_mwh_it", "source_water_l_per_mwh_it",
                "power_cost_usd_per_mwh_it", "carbon_kg_per_mwh_it", "rtt_ms_weighted", "pop_within_slo_fraction",
                "dark_fraction", "longest_dark_h", "time_to_power_months", "energy_usd_per_mwh_it",
                "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it", "water_usd_per_mwh_it", "delay_usd_per_mwh_it",
                "lcoe_usd_per_mwh_it")
SHELL_FIELDS = ("altitude_km", "inclination_deg", "ltan_h", "eclipse_fraction", "umbra_fraction",
                "max_eclipse_min", "eclipse_season_days", "array_m2_per_mw", "radiator_m2_per_mw",
                "battery_kwh_per_mw", "mass_t_per_mw", "launch_cost_usd_per_mw", "rtt_ms_weighted",
                "coverage_fraction", "lcoe_usd_per_mwh_it")


@dataclass(frozen=True)
class ScanSpec:
    """What a scan computes; everything a worker needs, as plain JSON-able values."""

    kind: str  # "globe" | "shells"
    params: dict
    scenario_path: str | None
    chunk_size: int

    def to_json(self) -> dict:
        return {"kind": self.kind, "params": self.params, "scenario": self.scenario_path, "chunk_size": self.chunk_size}

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()[:16]


# --- the global land grid -----------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def land_cells(resolution_deg: float, min_lat_deg: float = -60.0) -> tuple[np.ndarray, np.ndarray]:
    """Centres [deg] of the grid cells of ``resolution_deg`` whose centre is on land
    (``global-land-mask``: GLOBE 1-km land/water mask, NOAA NGDC), north of ``min_lat_deg``
    (default -60: Antarctica is left out)."""
    from global_land_mask import globe

    lat = np.arange(-90 + resolution_deg / 2, 90, resolution_deg)
    lat = lat[lat >= min_lat_deg]
    lon = np.arange(-180 + resolution_deg / 2, 180, resolution_deg)
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    land = globe.is_land(la, lo)
    cells = np.ascontiguousarray(la[land]), np.ascontiguousarray(lo[land])
    for a in cells:
        a.flags.writeable = False  # cached and shared by every chunk
    return cells


def cell_sites(lat_deg: np.ndarray, lon_deg: np.ndarray, parameters) -> dict:
    """Site columns for grid cells: terrain elevation from pvlib's altitude grid
    (:func:`placement.terrain.terrain_elevation_m`), and carbon, price, capex and grid queue by the
    country the cell falls in (:func:`placement.demand.country_at`; figures and fallbacks from
    :func:`placement.catalogs.countries.country_tables`). Water stress is not known per cell (0)."""
    from placement.catalogs.countries import country_tables
    from placement.demand import country_at
    from placement.terrain import terrain_elevation_m

    tables = country_tables()
    country = country_at(lat_deg, lon_deg)
    n = lat_deg.size
    return {
        "lat_deg": lat_deg, "lon_deg": lon_deg, "elevation_m": terrain_elevation_m(lat_deg, lon_deg),
        "availability": np.full(n, tables.availability_median),
        "price_usd_per_mwh": np.array([tables.price_of(c) for c in country], float),
        "carbon_g_per_kwh": np.array([tables.carbon_of(c) for c in country], float),
        "capex_usd_per_mw": np.array([tables.capex_of(c) for c in country], float),
        "queue_months": np.array([tables.queue_months_of(c) for c in country], float),
        "country": country,
    }


@functools.lru_cache(maxsize=2)
def _scenario(path: str | None):
    """The scan's scenario, read once per process (every chunk of a scan uses it)."""
    from placement.scenario import default_scenario, load_scenario

    return load_scenario(path) if path else default_scenario()


def _globe_chunk(spec: ScanSpec, index: int, device: str) -> dict:
    from placement.sites import score_sites

    sc = _scenario(spec.scenario_path)
    lat, lon = land_cells(spec.params["resolution_deg"], spec.params.get("min_lat_deg", -60.0))
    sl = slice(index * spec.chunk_size, (index + 1) * spec.chunk_size)
    cells = cell_sites(lat[sl], lon[sl], sc.parameters)
    demand = sc.demand()
    scores = score_sites(cells, demand, parameters=sc.parameters, device=device)
    return {f: np.asarray(scores[f], dtype=float) for f in GLOBE_FIELDS}


# --- shell sweeps -------------------------------------------------------------------------------

def sweep_shells(params: dict) -> list:
    """The shells of a sweep: altitudes x (LTANs for sun-synchronous | inclinations)."""
    from placement.orbits import make_shell

    out = []
    for alt in params["altitudes_km"]:
        if params.get("ltans"):
            for ltan in params["ltans"]:
                out.append(make_shell("sweep", id=f"sso-{alt:g}-{ltan}", altitude_km=alt, ltan=ltan,
                                      planes=params["planes"], sats_per_plane=params["sats_per_plane"]))
        else:
            for inc in params["inclinations_deg"]:
                out.append(make_shell("sweep", id=f"shell-{alt:g}-{inc:g}", altitude_km=alt, inclination_deg=inc,
                                      planes=params["planes"], sats_per_plane=params["sats_per_plane"]))
    return out


def _shell_chunk(spec: ScanSpec, index: int, device: str) -> dict:
    from placement.orbits import parse_start
    from placement.shells import score_shells

    sc = _scenario(spec.scenario_path)
    shells = sweep_shells(spec.params)[index * spec.chunk_size:(index + 1) * spec.chunk_size]
    p = spec.params
    s = score_shells(shells, sc.demand(), start=parse_start("sweep", p["start"]), days=p["days"],
                     step_s=p["step_s"], parameters=sc.parameters, device=device)
    out = {f: np.array([np.nan if v is None else v for v in s[f]], dtype=float) for f in SHELL_FIELDS}
    return out


def n_items(spec: ScanSpec) -> int:
    if spec.kind == "globe":
        return int(land_cells(spec.params["resolution_deg"], spec.params.get("min_lat_deg", -60.0))[0].size)
    return len(sweep_shells(spec.params))


def compute_chunk(spec_json: dict, index: int, device: str = "cpu") -> dict:
    """One chunk's result arrays (runs anywhere: this process, a local worker, a Dask worker)."""
    spec = ScanSpec(spec_json["kind"], spec_json["params"], spec_json["scenario"], spec_json["chunk_size"])
    if spec.kind == "globe":
        return _globe_chunk(spec, index, device)
    return _shell_chunk(spec, index, device)


# --- the output folder --------------------------------------------------------------------------

def chunk_path(out: Path, index: int) -> Path:
    return out / "chunks" / f"chunk-{index:05d}.npz"


def _npz_bytes(arrays: dict) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def prepare_folder(spec: ScanSpec, out: Path, n_chunks: int) -> list[int]:
    """Check or write the manifest; the indices of chunks still to compute."""
    from placement.outputs import write_atomic

    manifest = out / MANIFEST
    mine = {"format": FORMAT_VERSION, "spec": spec.to_json(), "spec_hash": spec.digest, "chunks": n_chunks}
    if manifest.exists():
        try:
            theirs = json.loads(manifest.read_text())
        except (OSError, json.JSONDecodeError):
            raise InputError(manifest, None, None, "unreadable manifest; use another --out") from None
        if theirs.get("spec_hash") != spec.digest or theirs.get("chunks") != n_chunks:
            raise InputError(out, "manifest", theirs.get("spec_hash"),
                             f"this folder holds a different scan ({json.dumps(theirs.get('spec'))}); "
                             f"use another --out (nothing was overwritten)")
    else:
        if out.exists() and any(p.name != "chunks" for p in out.iterdir()):
            raise InputError(out, None, None, "folder exists and is not a batch output folder; use another --out")
        write_atomic(manifest, json.dumps(mine, indent=2) + "\n")
    return [i for i in range(n_chunks) if not chunk_path(out, i).exists()]


def _client(scheduler: str | None, workers: int):
    if scheduler:
        from distributed import Client

        try:
            return Client(scheduler, timeout="5s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError("--scheduler", None, scheduler, f"cannot reach the Dask scheduler ({exc})") from None
    if workers:
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        return Client(cluster)
    return None


def run_scan(spec: ScanSpec, out_dir, *, device: str = "cpu", scheduler: str | None = None, workers: int = 0,
             progress=None, stop_after: int | None = None) -> dict:
    """Compute the missing chunks of a scan into ``out_dir`` and merge; returns a summary dict.

    ``progress`` receives ``start(kind, n_chunks, done)``, ``advance()`` per chunk and
    ``close()`` (:class:`NoProgress` is the interface; the CLI passes a progress bar).
    ``stop_after`` (tests) stops after that many chunks, as a crash would.
    """
    from placement.outputs import write_atomic

    out = Path(out_dir)
    total = n_items(spec)
    n_chunks = max(math.ceil(total / spec.chunk_size), 1)
    todo = prepare_folder(spec, out, n_chunks)
    computed = []
    bar = progress or NoProgress()
    bar.start(spec.kind, n_chunks, n_chunks - len(todo))
    client = _client(scheduler, workers) if todo else None
    try:
        if client is None:
            for i in todo:
                if stop_after is not None and len(computed) >= stop_after:
                    break
                write_atomic(chunk_path(out, i), _npz_bytes(compute_chunk(spec.to_json(), i, device)))
                computed.append(i)
                bar.advance()
        else:
            from distributed import as_completed

            futures = {client.submit(compute_chunk, spec.to_json(), i, device, pure=False): i for i in todo}
            for fut in as_completed(futures):
                i = futures[fut]
                write_atomic(chunk_path(out, i), _npz_bytes(fut.result()))
                computed.append(i)
                bar.advance()
    finally:
        bar.close()
        if client is not None:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None and workers and not scheduler:
                cluster.close()
    done = all(chunk_path(out, i).exists() for i in range(n_chunks))
    summary = {"chunks": n_chunks, "computed": computed, "complete": done, "items": total, "out": str(out),
               "device": device, "where": scheduler or (f"LocalCluster({workers} workers)" if workers else "this process")}
    if done:
        summary["files"] = [str(p) for p in merge(spec, out, n_chunks)]
    write_atomic(out / "last_run.json", json.dumps(summary, indent=2) + "\n")
    return summary


def merge(spec: ScanSpec, out: Path, n_chunks: int) -> list[Path]:
    """Concatenate the chunks into ``result.npz`` and ``result.csv`` and draw the PNG."""
    from placement.outputs import records_to_csv, write_atomic

    parts = []
    for i in range(n_chunks):
        with np.load(chunk_path(out, i)) as z:
            parts.append({k: z[k] for k in z.files})
    fields = GLOBE_FIELDS if spec.kind == "globe" else SHELL_FIELDS
    merged = {f: np.concatenate([p[f] for p in parts]) for f in fields}
    files = [write_atomic(out / "result.npz", _npz_bytes(merged))]
    n = merged[fields[0]].size
    records = [{f: (None if not np.isfinite(merged[f][i]) else round(float(merged[f][i]), 4)) for f in fields}
               for i in range(n)]
    files.append(write_atomic(out / "result.csv", records_to_csv(records)))
    if spec.kind == "globe":
        from placement.plots import globe_heatmap_png

        field = spec.params.get("field", "lcoe_usd_per_mwh_it")
        files.append(write_atomic(out / f"globe_{field}.png",
                                  globe_heatmap_png(merged, field, spec.params["resolution_deg"])))
    else:
        from placement.plots import shell_sweep_png

        files.append(write_atomic(out / "shell_sweep.png", shell_sweep_png(merged, spec.params)))
    return files


class NoProgress:
    """The progress interface :func:`run_scan` reports to (the CLI passes a rich progress bar)."""

    def start(self, kind: str, n_chunks: int, done: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def close(self) -> None:
        pass
