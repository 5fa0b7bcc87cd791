"""``placement batch``: the global land grid and shell sweeps in resumable chunks."""
from __future__ import annotations

import math

import click
from rich.markup import escape

from placement.cli.common import (announce_compile, device_option, handle_errors, number, outside_paths_option,
                                  workload_option)

from placement.outputs.terminal import console

#: fields of a global scan that can be drawn (placement.batch.GLOBE_FIELDS without the coordinates)
GLOBE_MAP_FIELDS = ("lcoe_usd_per_mwh_it", "pue", "water_l_per_mwh_it", "source_water_l_per_mwh_it",
                    "power_cost_usd_per_mwh_it", "carbon_kg_per_mwh_it", "rtt_ms_weighted", "pop_within_slo_fraction",
                    "dark_fraction", "longest_dark_h", "time_to_power_months", "energy_usd_per_mwh_it",
                    "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it", "water_usd_per_mwh_it", "delay_usd_per_mwh_it",
                    "workload_cost_usd_per_mwh_it", "time_to_full_power_months", "power_availability",
                    "expected_outage_h_per_yr")
#: Longest list of altitudes, inclinations or LTANs a sweep may name.
MAX_SWEEP_VALUES = 100_000


@click.group()
def batch():
    """Large scans in resumable chunks: the global land grid, or sweeps of orbital shells."""


def batch_options(fn):
    fn = click.option("--out", "out_dir", required=True, type=click.Path(),
                      help="Output folder (manifest, chunks, merged result); re-run the same command to resume.")(fn)
    fn = click.option("--scenario", type=click.Path(dir_okay=False), default=None,
                      help="Demand weights and parameters from this scenario (default: bundled).")(fn)
    fn = click.option("--scheduler", default=None,
                      help="Address of a trusted Dask distributed scheduler (tcp://host:8786); results come back "
                           "pickled, so only use a cluster you control.")(fn)
    fn = click.option("--workers", type=click.IntRange(0, 512), default=0, show_default=True,
                      help="Without --scheduler: start a local Dask cluster of this many worker processes "
                           "(0: compute in this process).")(fn)
    fn = click.option("--dask-timeout-s", type=float, default=300.0, show_default=True,
                      help="With Dask: give up (one line, finished chunks kept) when no chunk has finished for "
                           "this long [s], or no worker is left for 30 s.")(fn)
    fn = click.option("--restart", is_flag=True,
                      help="Recompute a folder whose scan was started with other inputs (default: refuse).")(fn)
    fn = click.option("--yes", is_flag=True, help="Run even past the size limit (cells, or shells x samples).")(fn)
    fn = click.option("--quiet", is_flag=True, help="No progress bar.")(fn)
    fn = outside_paths_option(fn)
    fn = device_option(fn)
    return fn


def _progress_bar(quiet: bool):
    from placement.cli.progress import ChunkProgressBar

    return None if quiet else ChunkProgressBar()


def _run(spec, out_dir, device, scheduler, workers, quiet, restart, yes, dask_timeout_s):
    from placement.batch import check_scan_size, run_scan
    from placement.device import resolve_device

    if scheduler and workers:
        from placement.catalogs.validation import InputError

        raise InputError("command line", "--workers", workers, "--workers starts a local cluster; not with --scheduler")
    number("--dask-timeout-s", dask_timeout_s, "timeout_s")
    dev = resolve_device(device)
    check_scan_size(spec, yes)
    announce_compile()
    summary = run_scan(spec, out_dir, device=dev, scheduler=scheduler, workers=workers, progress=_progress_bar(quiet),
                       restart=restart, dask_timeout_s=dask_timeout_s)
    con = console()
    done = "complete" if summary["complete"] else "incomplete (re-run the same command to resume)"
    con.print(f"{summary['items']:,} items in {summary['chunks']} chunks; computed {len(summary['computed'])} "
              f"this run on {summary['where']} (device: {summary['device']}); {done}")
    if summary["repaired"]:
        con.print(f"recomputed damaged chunks {summary['repaired']}")
    for f in summary.get("files", []):
        con.print(escape(f"wrote {f}"))


def _scenario_path(scenario):
    from pathlib import Path

    return str(Path(scenario).resolve()) if scenario else None


@batch.command("globe")
@click.option("--resolution-deg", type=float, default=1.0, show_default=True, help="Grid cell size [deg] (0.01-30).")
@click.option("--min-lat-deg", type=float, default=-60.0, show_default=True,
              help="Leave out cells south of this latitude [deg].")
@click.option("--chunk-cells", type=click.IntRange(1, 10_000_000), default=20000, show_default=True,
              help="Grid cells per chunk.")
@click.option("--field", type=click.Choice(GLOBE_MAP_FIELDS), default=None,
              help="Field drawn on the heat map (default: lcoe_usd_per_mwh_it; with --workload, "
                   "workload_cost_usd_per_mwh_it).")
@workload_option
@batch_options
@handle_errors
def batch_globe(resolution_deg, min_lat_deg, chunk_cells, field, workload, out_dir, scenario, scheduler, workers,
                restart, yes, quiet, allow_outside_paths, device, dask_timeout_s):
    """Score every land cell of a global grid (cooling, supply, latency, dark time, cost), and its cost
    for a workload (``workload_cost_usd_per_mwh_it``: training = levelized cost; inference = the cost
    of a MWh within the scenario's SLO, empty where no demand is within it)."""
    from placement.batch import ScanSpec, scan_workload

    number("--resolution-deg", resolution_deg, "resolution_deg")
    number("--min-lat-deg", min_lat_deg, "min_lat_deg")
    scenario_path = _scenario_path(scenario)
    if field is None:
        field = "lcoe_usd_per_mwh_it" if workload is None else "workload_cost_usd_per_mwh_it"
    params = {"resolution_deg": resolution_deg, "min_lat_deg": min_lat_deg, "field": field,
              "workload": scan_workload(scenario_path, allow_outside_paths, workload)}
    spec = ScanSpec("globe", params, scenario_path, chunk_cells, allow_outside_paths)
    _run(spec, out_dir, device, scheduler, workers, quiet, restart, yes, dask_timeout_s)


def parse_range(name, text, cast=float):
    """LO:HI:STEP (inclusive) or a comma list, every value finite; at most MAX_SWEEP_VALUES values."""
    from placement.catalogs.validation import InputError

    try:
        if text.count(":") == 2:
            lo, hi, step = (float(x) for x in text.split(":"))
            if not all(math.isfinite(v) for v in (lo, hi, step)) or step <= 0 or hi < lo:
                raise ValueError
            span = (hi - lo) / step
            if not math.isfinite(span) or span + 1 > MAX_SWEEP_VALUES:
                raise InputError("command line", name, text, f"too many values; at most {MAX_SWEEP_VALUES:,}")
            count = int(math.floor(span + 1e-9)) + 1
            if count > MAX_SWEEP_VALUES:
                raise InputError("command line", name, text, f"{count:,} values; at most {MAX_SWEEP_VALUES:,}")
            return [cast(round(lo + k * step, 6)) for k in range(count)]
        values = [cast(x) for x in text.split(",") if x.strip()]
        if not values or not all(math.isfinite(v) for v in values):
            raise ValueError
        return values
    except InputError:
        raise
    except ValueError:
        raise InputError("command line", name, text, "expected LO:HI:STEP or a comma list of numbers") from None


@batch.command("shells")
@click.option("--altitudes-km", default="400:1500:100", show_default=True, help="LO:HI:STEP or a comma list [km].")
@click.option("--ltans", default=None, help="Sun-synchronous LTANs: comma list of HH:MM, or 'hourly'.")
@click.option("--inclinations-deg", default=None, help="LO:HI:STEP or a comma list [deg] (instead of --ltans).")
@click.option("--planes", type=click.IntRange(1, 10_000), default=1, show_default=True, help="Orbit planes per shell.")
@click.option("--sats-per-plane", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Satellites per plane.")
@click.option("--start", default="2026-01-01", show_default=True, help="UTC start date (YYYY-MM-DD[THH:MM]).")
@click.option("--days", type=float, default=365.0, show_default=True, help="Span scored [days] (at most 3,660).")
@click.option("--step-s", type=float, default=60.0, show_default=True, help="Sample spacing [s] (1-3,600).")
@click.option("--chunk-shells", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="Shells per chunk.")
@batch_options
@handle_errors
def batch_shells(altitudes_km, ltans, inclinations_deg, planes, sats_per_plane, start, days, step_s, chunk_shells,
                 out_dir, scenario, scheduler, workers, restart, yes, quiet, allow_outside_paths, device,
                 dask_timeout_s):
    """Sweep orbital shells over altitude x LTAN (sun-synchronous) or altitude x inclination."""
    from placement.batch import ScanSpec, sweep_shells
    from placement.catalogs.validation import InputError
    from placement.orbit.shells import parse_ltan
    from placement.earth.ephemeris import parse_start

    parse_start("command line", start)
    number("--days", days, "days")
    number("--step-s", step_s, "step_s")
    if bool(ltans) == bool(inclinations_deg):
        raise InputError("command line", "--ltans/--inclinations-deg", None, "give exactly one of them")
    ltan_list = None
    if ltans:
        ltan_list = [f"{h:02d}:00" for h in range(24)] if ltans == "hourly" else [t.strip() for t in ltans.split(",")]
        for t in ltan_list:
            parse_ltan("command line", t)
    params = {"altitudes_km": parse_range("--altitudes-km", altitudes_km), "ltans": ltan_list,
              "inclinations_deg": parse_range("--inclinations-deg", inclinations_deg) if inclinations_deg else None,
              "planes": planes, "sats_per_plane": sats_per_plane, "start": start, "days": days, "step_s": step_s}
    sweep_shells(params)  # validates every shell before any work
    spec = ScanSpec("shells", params, _scenario_path(scenario), chunk_shells, allow_outside_paths)
    _run(spec, out_dir, device, scheduler, workers, quiet, restart, yes, dask_timeout_s)
