"""``placement`` command tree.

Exit status: 0 ok, 2 bad input (one line on stderr naming file, field and value),
1 internal error. ``--format json`` prints one JSON document and nothing else.
"""
from __future__ import annotations

import functools
import json
import math
import os
import sys

import click

from placement.cli.render import print_plan, shell_table, site_table
from placement.cli.tables import console

FORMATS = ("table", "json", "csv")
#: fields of a global scan that can be drawn (placement.batch.GLOBE_FIELDS without the coordinates)
GLOBE_MAP_FIELDS = ("lcoe_usd_per_mwh_it", "pue", "water_l_per_mwh_it", "source_water_l_per_mwh_it",
                    "power_cost_usd_per_mwh_it", "carbon_kg_per_mwh_it", "rtt_ms_weighted", "pop_within_slo_fraction",
                    "dark_fraction", "longest_dark_h", "time_to_power_months", "energy_usd_per_mwh_it",
                    "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it", "water_usd_per_mwh_it", "delay_usd_per_mwh_it")
SITE_SORT_FIELDS = ("lcoe_usd_per_mwh_it", "power_cost_usd_per_mwh_it", "pue", "carbon_kg_per_mwh_it",
                    "water_l_per_mwh_it", "source_water_l_per_mwh_it", "time_to_power_months",
                    "capital_usd_per_mwh_it", "delay_usd_per_mwh_it", "rtt_ms_weighted", "pop_within_slo_fraction",
                    "power_mw", "dark_fraction", "longest_dark_h")


def handle_errors(fn):
    """Turn bad input into one line + exit 2, and internal errors into one line + exit 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from placement.catalogs.validation import InputError

        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            click.echo(f"placement: error: {exc}", err=True)
            sys.exit(2)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001
            if os.environ.get("PLACEMENT_DEBUG"):
                raise
            click.echo(f"placement: internal error: {type(exc).__name__}: {exc} "
                       "(set PLACEMENT_DEBUG=1 for a traceback)", err=True)
            sys.exit(1)

    return wrapper


def wide_option(fn):
    return click.option("--wide", is_flag=True,
                        help="Show every table column, however wide (default: the columns that fit the terminal; "
                             "COLUMNS sets the width).")(fn)


def device_option(fn):
    return click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto",
                        show_default=True, help="Where kernels run; auto takes a usable GPU, else the CPU.")(fn)


def _emit(records, fmt: str, render_table, meta: dict | None = None):
    from placement.outputs import records_to_csv, records_to_json

    if fmt == "json":
        click.echo(records_to_json(records, **(meta or {})), nl=False)
    elif fmt == "csv":
        click.echo(records_to_csv(records), nl=False)
    else:
        console().print(render_table())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="placement")
def main():
    """Where should gigawatt-scale AI compute live, and who gets which capacity."""


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", default="placement-out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the outputs.")
@click.option("--top", type=int, default=15, show_default=True, help="Rows shown in the terminal table.")
@wide_option
@device_option
@handle_errors
def run(scenario, out_dir, top, wide, device):
    """Score a scenario and write all outputs (default: the bundled scenario)."""
    from placement.runner import run_all as run_job
    from placement.scenario import default_scenario, load_scenario

    sc = load_scenario(scenario) if scenario else default_scenario()
    result = run_job(sc, out_dir, device=device)
    scores = result.site_scores
    con = console()
    con.print(site_table(scores.head(top), f"Scenario '{sc.name}': top {min(top, len(scores))} of "
                          f"{len(scores)} ground sites by levelized cost per IT MWh (device: {scores.device})", wide=wide))
    con.print(f"[dim]RTT: demand-weighted ({', '.join(f'{k} {v:.0%}' for k, v in sc.demand_weights.items()) or 'world population'}); "
              f"in SLO: share of demand within {scores.slo_rtt_ms:g} ms; carbon priced at "
              f"{sc.parameters.cost.carbon_price_usd_per_t:g} USD/t; delay at "
              f"{sc.parameters.cost.delay_usd_per_mw_month:,.0f} USD per MW-month; operator profile "
              f"{sc.parameters.cooling.profile}.[/dim]")
    if result.shell_scores is not None:
        sh = result.shell_scores
        con.print(shell_table(sh, f"{len(sh)} orbital shells over {sh.days:g} days from {sh.start_utc}, launch "
                                   f"{sc.parameters.orbit.launch_cost_usd_per_kg:,.0f} USD/kg", wide=wide))
    if result.plan is not None:
        print_plan(con, result.plan)
    for f in result.files:
        con.print(f"wrote {f}")


@main.command()
@click.option("--catalog", type=click.Path(dir_okay=False), default=None, help="Ground-site CSV (default: bundled).")
@click.option("--scenario", type=click.Path(dir_okay=False), default=None,
              help="Take demand weights and parameters from this scenario.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--sort", "sort_by", type=click.Choice(SITE_SORT_FIELDS), default="lcoe_usd_per_mwh_it", show_default=True)
@click.option("--descending", is_flag=True, help="Sort largest first.")
@click.option("--top", type=int, default=None, help="Only the first N rows.")
@wide_option
@device_option
@handle_errors
def sites(catalog, scenario, fmt, sort_by, descending, top, wide, device):
    """Score ground sites on power, cooling, latency, dark time and levelized cost."""
    from placement.catalogs import load_ground_sites
    from placement.scenario import default_scenario, load_scenario
    from placement.sites import score_sites

    sc = load_scenario(scenario) if scenario else default_scenario()
    site_list = load_ground_sites(catalog) if catalog else sc.sites
    scores = score_sites(site_list, sc.demand(), parameters=sc.parameters, device=device)
    scores = scores.order_by(sort_by, descending=descending)
    if top is not None:
        scores = scores.head(max(top, 0))
    _emit(scores.to_records(), fmt,
          lambda: site_table(scores, f"{len(scores)} ground sites by {sort_by} (device: {scores.device})", wide=wide),
          meta={"device": scores.device, "sort": sort_by, "slo_rtt_ms": scores.slo_rtt_ms})


@main.command()
@click.option("--altitude-km", type=float, default=None, help="Shell altitude [km] (150-100,000).")
@click.option("--inclination-deg", type=float, default=None, help="Inclination [deg] (0-180).")
@click.option("--sso", is_flag=True, help="Sun-synchronous: inclination from J2 for the altitude; needs --ltan.")
@click.option("--ltan", default=None, help="Local time of the ascending node, HH:MM (with --sso).")
@click.option("--planes", type=int, default=1, show_default=True, help="Orbit planes (with --altitude-km).")
@click.option("--sats-per-plane", type=int, default=1000, show_default=True)
@click.option("--power-kw-per-sat", type=float, default=1000.0, show_default=True)
@click.option("--tle", "tle_file", type=click.Path(dir_okay=False), default=None,
              help="Score the satellites of a TLE file (two or three lines each) as one-plane shells.")
@click.option("--omm", "omm_file", type=click.Path(dir_okay=False), default=None,
              help="Score the satellites of an OMM file (CSV or XML, as CelesTrak serves them).")
@click.option("--start", default="2026-01-01", show_default=True, help="UTC start date (YYYY-MM-DD[THH:MM]).")
@click.option("--days", type=float, default=365.0, show_default=True, help="Span [days].")
@click.option("--step-s", type=float, default=60.0, show_default=True, help="Sample spacing [s].")
@click.option("--launch-case", type=click.Choice(["today", "2035"]), default=None,
              help="Launch price case (default: the scenario's, else today).")
@click.option("--scenario", type=click.Path(dir_okay=False), default=None,
              help="Take demand weights and parameters from this scenario.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the eclipse-season chart to this PNG.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@wide_option
@device_option
@handle_errors
def shells(altitude_km, inclination_deg, sso, ltan, planes, sats_per_plane, power_kw_per_sat, tle_file, omm_file,
           start, days, step_s, launch_case, scenario, plot_path, fmt, wide, device):
    """Score orbital shells: eclipse, power, cooling, mass, launch cost, latency, levelized cost."""
    import dataclasses

    from placement.catalogs.validation import InputError, require_number
    from placement.orbits import load_shells, make_shell, parse_start
    from placement.scenario import default_scenario, load_scenario
    from placement.shells import score_shells

    where = "command line"
    t0 = parse_start(where, start)
    require_number(where, "--days", days, positive=True, high=3660)
    require_number(where, "--step-s", step_s, positive=True, high=3600)
    sc = load_scenario(scenario) if scenario else default_scenario()
    params = sc.parameters
    if launch_case:
        params = dataclasses.replace(params, orbit=dataclasses.replace(params.orbit, launch_case=launch_case))
    if sso and not ltan:
        raise InputError(where, "--ltan", None, "--sso needs --ltan HH:MM")
    if ltan and not sso:
        raise InputError(where, "--ltan", ltan, "--ltan goes with --sso")
    if sso and inclination_deg is not None:
        raise InputError(where, "--inclination-deg", inclination_deg, "--sso sets the inclination itself")
    if tle_file:
        from placement.orbits import shells_from_tle_file

        shell_list = shells_from_tle_file(tle_file, t0)
    elif omm_file:
        from placement.orbits import shells_from_omm

        shell_list = shells_from_omm(omm_file, t0)
    elif altitude_km is not None or sso or inclination_deg is not None:
        if altitude_km is None:
            raise InputError(where, "--altitude-km", None, "give the shell's altitude")
        label = f"sso-{altitude_km:g}-{ltan}" if sso else f"shell-{altitude_km:g}-{inclination_deg}"
        shell_list = [make_shell(where, id=label, altitude_km=altitude_km, inclination_deg=inclination_deg,
                                 ltan=ltan if sso else None, planes=planes, sats_per_plane=sats_per_plane,
                                 power_kw_per_sat=power_kw_per_sat, source="command line")]
    else:
        shell_list = sc.shells or load_shells()
    scores = score_shells(shell_list, sc.demand(), start=t0, days=days, step_s=step_s, parameters=params,
                          device=device).order_by()
    if plot_path:
        from placement.outputs import write_atomic
        from placement.plots import eclipse_season_png

        write_atomic(plot_path, eclipse_season_png(scores))
    meta = {"device": scores.device, "start_utc": scores.start_utc, "days": scores.days, "step_s": scores.step_s,
            "launch_cost_usd_per_kg": params.orbit.launch_cost_usd_per_kg}
    _emit(scores.to_records(), fmt,
          lambda: shell_table(scores, f"{len(scores)} orbital shells from {scores.start_utc} over {days:g} days "
                                       f"at {step_s:g} s, launch {params.orbit.launch_cost_usd_per_kg:,.0f} USD/kg "
                                       f"(device: {scores.device})", wide=wide),
          meta=meta)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--fail", "failed", multiple=True, metavar="CAPACITY_ID",
              help="Re-plan with this site or shell out of service (repeatable).")
@click.option("--evict", "evicted", multiple=True, metavar="TENANT", help="Re-plan without this tenant (repeatable).")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Also write plan.json, assignments.csv, plan.geojson, map.png, report.md here.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@handle_errors
def assign(scenario, failed, evicted, out_dir, fmt):
    """Assign a scenario's tenants to its capacity (min-cost flow); --fail/--evict re-plan."""
    from pathlib import Path

    from placement.assignment import assign_problem
    from placement.scenario import load_scenario

    sc = load_scenario(scenario)
    if not sc.tenants:
        from placement.catalogs.validation import InputError

        raise InputError(scenario, "tenant", None, "no [[tenant]] entries to assign")
    plan, problem = assign_problem(sc)
    if failed or evicted:
        plan, problem = assign_problem(sc, failed=failed, evicted=evicted, previous=plan)
    if out_dir:
        from placement.plan_outputs import write_plan_outputs

        write_plan_outputs(Path(out_dir), plan, problem, sc, sc.demand())
    if fmt == "json":
        click.echo(json.dumps(plan.to_dict(), indent=2))
    elif fmt == "csv":
        from placement.outputs import records_to_csv

        click.echo(records_to_csv(plan.assignments), nl=False)
    else:
        print_plan(console(), plan)


@main.group()
def batch():
    """Large scans in resumable chunks: the global land grid, or sweeps of orbital shells."""


def batch_options(fn):
    fn = click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
                      help="Output folder (manifest, chunks, merged result); re-run to resume.")(fn)
    fn = click.option("--scenario", type=click.Path(dir_okay=False), default=None,
                      help="Demand weights and parameters from this scenario (default: bundled).")(fn)
    fn = click.option("--scheduler", default=None, help="Address of a Dask distributed scheduler (tcp://host:8786).")(fn)
    fn = click.option("--workers", type=int, default=0, show_default=True,
                      help="Without --scheduler: start a local Dask cluster of this many worker processes "
                           "(0: compute in this process).")(fn)
    fn = click.option("--quiet", is_flag=True, help="No progress bar.")(fn)
    fn = device_option(fn)
    return fn


def _progress_bar(quiet: bool):
    from placement.cli.progress import ChunkProgressBar

    return None if quiet else ChunkProgressBar()


def _finish_batch(summary):
    con = console()
    done = "complete" if summary["complete"] else "incomplete (re-run the same command to resume)"
    con.print(f"{summary['items']:,} items in {summary['chunks']} chunks; computed {len(summary['computed'])} "
              f"this run on {summary['where']} (device: {summary['device']}); {done}")
    for f in summary.get("files", []):
        con.print(f"wrote {f}")


@batch.command("globe")
@click.option("--resolution-deg", type=float, default=1.0, show_default=True, help="Grid cell size [deg].")
@click.option("--min-lat-deg", type=float, default=-60.0, show_default=True, help="Leave out cells south of this.")
@click.option("--chunk-cells", type=int, default=20000, show_default=True)
@click.option("--field", type=click.Choice(GLOBE_MAP_FIELDS), default="lcoe_usd_per_mwh_it", show_default=True,
              help="Field drawn on the heat map.")
@batch_options
@handle_errors
def batch_globe(resolution_deg, min_lat_deg, chunk_cells, field, out_dir, scenario, scheduler, workers, quiet, device):
    """Score every land cell of a global grid (power, cooling, latency, dark time, cost)."""
    from pathlib import Path

    from placement.catalogs.validation import require_number
    from placement.batch import ScanSpec, run_scan
    from placement.device import resolve_device

    require_number("command line", "--resolution-deg", resolution_deg, positive=True, high=30)
    require_number("command line", "--chunk-cells", chunk_cells, positive=True, integer=True)
    dev = resolve_device(device)
    spec = ScanSpec("globe", {"resolution_deg": resolution_deg, "min_lat_deg": min_lat_deg, "field": field},
                    str(Path(scenario).resolve()) if scenario else None, chunk_cells)
    _finish_batch(run_scan(spec, out_dir, device=dev, scheduler=scheduler, workers=workers, progress=_progress_bar(quiet)))


def _parse_range(name, text, cast=float):
    from placement.catalogs.validation import InputError

    try:
        if ":" in text and text.count(":") == 2:
            lo, hi, step = (float(x) for x in text.split(":"))
            if step <= 0 or hi < lo:
                raise ValueError
            return [cast(round(lo + k * step, 6)) for k in range(int(math.floor((hi - lo) / step + 1e-9)) + 1)]
        return [cast(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError("command line", name, text, "expected LO:HI:STEP or a comma list") from None


@batch.command("shells")
@click.option("--altitudes-km", default="400:1500:100", show_default=True, help="LO:HI:STEP or a comma list [km].")
@click.option("--ltans", default=None, help="Sun-synchronous LTANs: comma list of HH:MM, or 'hourly'.")
@click.option("--inclinations-deg", default=None, help="LO:HI:STEP or a comma list [deg] (instead of --ltans).")
@click.option("--planes", type=int, default=1, show_default=True)
@click.option("--sats-per-plane", type=int, default=1000, show_default=True)
@click.option("--start", default="2026-01-01", show_default=True)
@click.option("--days", type=float, default=365.0, show_default=True)
@click.option("--step-s", type=float, default=60.0, show_default=True)
@click.option("--chunk-shells", type=int, default=50, show_default=True)
@batch_options
@handle_errors
def batch_shells(altitudes_km, ltans, inclinations_deg, planes, sats_per_plane, start, days, step_s, chunk_shells,
                 out_dir, scenario, scheduler, workers, quiet, device):
    """Sweep orbital shells over altitude x LTAN (sun-synchronous) or altitude x inclination."""
    from pathlib import Path

    from placement.catalogs.validation import InputError, require_number
    from placement.batch import ScanSpec, run_scan, sweep_shells
    from placement.device import resolve_device
    from placement.orbits import parse_ltan, parse_start

    parse_start("command line", start)
    require_number("command line", "--days", days, positive=True, high=3660)
    require_number("command line", "--step-s", step_s, positive=True, high=3600)
    if bool(ltans) == bool(inclinations_deg):
        raise InputError("command line", "--ltans/--inclinations-deg", None, "give exactly one of them")
    ltan_list = None
    if ltans:
        ltan_list = [f"{h:02d}:00" for h in range(24)] if ltans == "hourly" else [t.strip() for t in ltans.split(",")]
        for t in ltan_list:
            parse_ltan("command line", t)
    params = {"altitudes_km": _parse_range("--altitudes-km", altitudes_km), "ltans": ltan_list,
              "inclinations_deg": _parse_range("--inclinations-deg", inclinations_deg) if inclinations_deg else None,
              "planes": planes, "sats_per_plane": sats_per_plane, "start": start, "days": days, "step_s": step_s}
    sweep_shells(params)  # validates every shell before any work
    dev = resolve_device(device)
    spec = ScanSpec("shells", params, str(Path(scenario).resolve()) if scenario else None, chunk_shells)
    _finish_batch(run_scan(spec, out_dir, device=dev, scheduler=scheduler, workers=workers, progress=_progress_bar(quiet)))


@main.command()
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@handle_errors
def catalogs(fmt):
    """List the bundled catalogs and scenarios."""
    from placement.catalogs import list_catalogs

    items = list_catalogs()
    if fmt == "json":
        click.echo(json.dumps(items, indent=2))
        return
    from rich.table import Table

    t = Table(title="Bundled catalogs and scenarios", title_justify="left", header_style="bold",
              caption="approx.: rows whose figure is an estimate, proxy or regional value (each says so in its "
                      "source)", caption_justify="left")
    for col in ("name", "what", "approx.", "path"):
        t.add_column(col, overflow="fold", justify="right" if col == "approx." else "left")
    for it in items:
        flagged = f"{it['approximate']}/{it['rows']}" if it["rows"] else "-"
        t.add_row(it["name"], it["what"], flagged, it["path"])
    console().print(t)


if __name__ == "__main__":  # pragma: no cover
    main()
