"""``placement`` command tree: run, sites, shells, assign, catalogs (and batch, in its own module).

The commands only parse, call the public API and print; the error contract and shared
options live in :mod:`placement.cli.common`.
"""
from __future__ import annotations

import json

import click

from placement.cli import batch_commands, compare_command, latency_command, plan_commands

from placement.cli.common import (announce_compile, workload_option, device_option, emit, format_option, handle_errors, load, number, orbit_options,
                                  outside_paths_option, rolling_option, run_entry, wide_option, yes_option)
from rich.markup import escape

from placement.outputs.tables import print_plan, shell_table, site_table
from placement.outputs.terminal import console

def with_workload(sc, workload):
    """The scenario ``sc`` answering for ``workload`` (unchanged when ``workload`` is None)."""
    import dataclasses

    from placement.fingerprint import combined

    if workload is None or workload == sc.workload:
        return sc
    parts = {**sc.fingerprint_parts, "workload option": workload}
    return dataclasses.replace(sc, workload=workload, fingerprint_parts=parts, fingerprint=combined(parts))


SITE_SORT_FIELDS = ("lcoe_usd_per_mwh_it", "power_cost_usd_per_mwh_it", "pue", "carbon_kg_per_mwh_it",
                    "water_l_per_mwh_it", "source_water_l_per_mwh_it", "time_to_power_months",
                    "capital_usd_per_mwh_it", "delay_usd_per_mwh_it", "rtt_ms_weighted", "pop_within_slo_fraction",
                    "power_mw", "dark_fraction", "longest_dark_h", "time_to_full_power_months",
                    "power_availability", "expected_outage_h_per_yr")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="placement")
def cli():
    """Where should gigawatt-scale AI compute live, and who gets which capacity."""


def main(argv=None):
    """Console-script entry point (``placement``)."""
    run_entry(cli, argv)


@cli.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", default="placement-out", show_default=True, type=click.Path(),
              help="Folder for the outputs; replaced as one set (created if missing; refused if it holds other "
                   "files).")
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True,
              help="Rows shown in the terminal's site table.")
@outside_paths_option
@wide_option
@device_option
@yes_option
@workload_option
@rolling_option
@handle_errors
def run(scenario, out_dir, top, allow_outside_paths, wide, device, allow_large, workload, rolling):
    """Score a scenario and write all outputs (default: the bundled scenario)."""
    from placement.runner import run_all

    sc = with_workload(load(scenario, allow_outside_paths), workload)
    announce_compile()
    result = run_all(sc, out_dir, device=device, allow_large=allow_large, method="rolling" if rolling else "horizon")
    scores = result.site_scores  # ranked for the scenario's workload
    con = console(wide=wide)
    by = ("levelized cost per IT MWh (training: latency free)" if sc.workload == "training" else
          f"cost per IT MWh within the {scores.slo_rtt_ms:g} ms SLO (inference)")
    con.print(site_table(scores.head(top), f"Scenario '{sc.name}': top {min(top, len(scores))} of {len(scores)} "
                                           f"ground sites by {by} (device: {scores.device})",
                         wide=wide))
    k = sc.parameters.cost
    users = ", ".join(f"{g} {v:.0%}" for g, v in sc.demand_weights.items()) or "world population"
    con.print(f"[dim]RTT: demand-weighted ({escape(users)}), {sc.parameters.latency.rtt_profile} profile; in SLO: "
              f"share of demand within {scores.slo_rtt_ms:g} ms; "
              f"carbon {k.carbon_price_usd_per_t:g} USD/t; delay {k.delay_usd_per_mw_month:,.0f} USD per MW-month; "
              f"operator profile {sc.parameters.cooling.profile}.[/dim]")
    if result.shell_scores is not None:
        sh = result.shell_scores
        con.print(shell_table(sh, f"{len(sh)} orbital shells over {sh.days:g} days from {sh.start_utc}, "
                                  f"{sc.parameters.orbit.launch_price_label}", wide=wide))
    if result.plan is not None:
        from placement.cli.plan_commands import print_period_plan

        print_plan(con, result.plan, when=f"for {sc.assignment.horizon_year}")
        print_period_plan(con, result.period_plan, wide=wide, top=5)
    if result.period_plan is not None:
        from placement.outputs.report_figures import build_next_by_workload, capacity_values
        from placement.outputs.report_sections import build_next_blocks

        doc = result.period_plan.to_dict()
        labels = [p["label"] for p in doc["periods"]]
        recs = build_next_by_workload(result.site_scores, sc, capacity_values(doc, result.period_plan), labels)
        for block in build_next_blocks(recs, sc, None, None, labels)[1:]:  # the report's lines, orbit above
            con.print(f"[bold]{escape(block[1])}[/bold] {escape(block[2])}")
    if result.created_parent:
        con.print(escape(f"created the folder {result.out_dir.parent}"))
    con.print(escape(f"wrote {len(result.files)} files to {result.out_dir} (scenario fingerprint {sc.fingerprint}): "
                     + ", ".join(p.name for p in result.files)))


@cli.command()
@click.option("--catalog", type=click.Path(dir_okay=False), default=None,
              help="Ground-site CSV to score (default: the scenario's sites); columns in README.")
@click.option("--scenario", type=click.Path(dir_okay=False), default=None,
              help="Take demand weights and parameters from this scenario (default: bundled).")
@format_option()
@workload_option
@click.option("--sort", "sort_by", type=click.Choice(SITE_SORT_FIELDS), default=None,
              help="Field to sort by (smallest first) instead of the workload's ranking.")
@click.option("--descending", is_flag=True, help="Sort largest first.")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Only the first N rows (default: all).")
@outside_paths_option
@wide_option
@device_option
@handle_errors
def sites(catalog, scenario, workload, fmt, sort_by, descending, top, allow_outside_paths, wide, device):
    """Score ground sites: cooling, water, supply and time to power, latency, cost."""
    from placement.catalogs import load_ground_sites
    from placement.ground.sites import score_sites

    from placement.ground.workloads import ranked_scores, workload_records

    sc = with_workload(load(scenario, allow_outside_paths), workload)
    site_list = load_ground_sites(catalog) if catalog else sc.sites
    announce_compile()
    scores = score_sites(site_list, sc.demand(), parameters=sc.parameters, device=device)
    scores = ranked_scores(scores, sc.workload,
                           latency_penalty_usd_per_mwh_per_ms=sc.assignment.latency_penalty_usd_per_mwh_per_ms)
    if sort_by is not None:
        scores = scores.order_by(sort_by, descending=descending)
    elif descending:
        scores = scores.take(slice(None, None, -1))
    if top is not None:
        scores = scores.head(top)
    by = sort_by or f"{sc.workload} ranking"
    emit(workload_records(scores), fmt,
         lambda: site_table(scores, f"{len(scores)} ground sites by {by} (device: {scores.device})", wide=wide),
         meta={"device": scores.device, "sort": by, "workload": sc.workload, "slo_rtt_ms": scores.slo_rtt_ms,
               "scenario": sc.name, "fingerprint": sc.fingerprint}, wide=wide)


@cli.command()
@click.option("--altitude-km", type=float, default=None, help="Shell altitude [km] (150-100,000).")
@click.option("--inclination-deg", type=float, default=None, help="Inclination [deg] (0-180).")
@click.option("--sso", is_flag=True, help="Sun-synchronous: inclination from J2 for the altitude; needs --ltan.")
@click.option("--ltan", default=None, help="Local time of the ascending node, HH:MM (with --sso).")
@click.option("--planes", type=click.IntRange(1, 10_000), default=1, show_default=True,
              help="Orbit planes (with --altitude-km).")
@click.option("--sats-per-plane", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Satellites per plane.")
@click.option("--power-kw-per-sat", type=float, default=1000.0, show_default=True, help="IT power per satellite [kW].")
@click.option("--tle", "tle_file", type=click.Path(dir_okay=False), default=None,
              help="Score the satellites of a TLE file (two or three lines each) as one-plane shells.")
@click.option("--omm", "omm_file", type=click.Path(dir_okay=False), default=None,
              help="Score the satellites of an OMM file (CSV or XML, as CelesTrak serves them).")
@click.option("--start", default="2026-01-01", show_default=True, help="UTC start date (YYYY-MM-DD[THH:MM]).")
@click.option("--days", type=float, default=365.0, show_default=True, help="Span scored [days] (at most 3,660).")
@click.option("--step-s", type=float, default=60.0, show_default=True, help="Sample spacing [s] (1-3,600).")
@click.option("--launch-year", type=int, default=None,
              help="Launch price of this year on the scenario's trajectory (2025-2040; default: today's price).")
@click.option("--launch-usd-per-kg", type=float, default=None, help="Launch price [USD/kg to LEO] (0-1,000,000).")
@click.option("--solar", type=click.Choice(["silicon", "triple_junction"]), default=None,
              help="Solar cell technology (default: the scenario's, else silicon).")
@click.option("--no-battery", is_flag=True, help="No storage: compute throttles in shadow (capacity factor < 1).")
@click.option("--scenario", type=click.Path(dir_okay=False), default=None,
              help="Take demand weights and parameters from this scenario (default: bundled).")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the eclipse-season chart to this PNG.")
@click.option("--yes", is_flag=True, help="Run even past the size limit (samples x shells).")
@format_option()
@outside_paths_option
@wide_option
@device_option
@handle_errors
def shells(altitude_km, inclination_deg, sso, ltan, planes, sats_per_plane, power_kw_per_sat, tle_file, omm_file,
           start, days, step_s, launch_year, launch_usd_per_kg, solar, no_battery, scenario, plot_path, yes, fmt,
           allow_outside_paths, wide, device):
    """Score orbital shells: eclipse, power, cooling, mass, launch cost, latency, levelized cost."""

    from placement.catalogs.validation import InputError
    from placement.orbit.shells import load_shells, make_shell
    from placement.earth.ephemeris import parse_start
    from placement.orbit.scoring import check_shell_work, score_shells

    where = "command line"
    t0 = parse_start(where, start)
    number("--days", days, "days")
    number("--step-s", step_s, "step_s")
    sc = load(scenario, allow_outside_paths)
    params = orbit_options(sc.parameters, launch_year, launch_usd_per_kg, solar, no_battery)
    if sso and not ltan:
        raise InputError(where, "--ltan", None, "--sso needs --ltan HH:MM")
    if ltan and not sso:
        raise InputError(where, "--ltan", ltan, "--ltan goes with --sso")
    if sso and inclination_deg is not None:
        raise InputError(where, "--inclination-deg", inclination_deg, "--sso sets the inclination itself")
    if tle_file:
        from placement.orbit.elements import shells_from_tle_file

        shell_list = shells_from_tle_file(tle_file, t0)
    elif omm_file:
        from placement.orbit.elements import shells_from_omm

        shell_list = shells_from_omm(omm_file, t0)
    elif altitude_km is not None or sso or inclination_deg is not None:
        if altitude_km is None:
            raise InputError(where, "--altitude-km", None, "give the shell's altitude")
        number("--altitude-km", altitude_km, "altitude_km")
        label = f"sso-{altitude_km:g}-{ltan}" if sso else f"shell-{altitude_km:g}-{inclination_deg}"
        shell_list = [make_shell(where, id=label, altitude_km=altitude_km, inclination_deg=inclination_deg,
                                 ltan=ltan if sso else None, planes=planes, sats_per_plane=sats_per_plane,
                                 power_kw_per_sat=power_kw_per_sat, source="command line")]
    else:
        shell_list = sc.shells or load_shells()
    check_shell_work(shell_list, days, step_s, allow=yes)
    announce_compile()
    scores = score_shells(shell_list, sc.demand(), start=t0, days=days, step_s=step_s, parameters=params,
                          device=device).order_by()
    if plot_path:
        from placement.outputs.files import write_atomic
        from placement.outputs.plots import eclipse_season_png

        write_atomic(plot_path, eclipse_season_png(scores))
    meta = {"device": scores.device, "start_utc": scores.start_utc, "days": scores.days, "step_s": scores.step_s,
            "launch_usd_per_kg": params.orbit.launch_price_usd_per_kg, "scenario": sc.name}
    emit(scores.to_records(), fmt,
         lambda: shell_table(scores, f"{len(scores)} orbital shells from {scores.start_utc} over {days:g} days "
                                     f"at {step_s:g} s, {params.orbit.launch_price_label} "
                                     f"(device: {scores.device})", wide=wide),
         meta=meta, wide=wide)


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--fail", "failed", multiple=True, metavar="CAPACITY_ID",
              help="Re-plan with this site or shell out of service (repeatable).")
@click.option("--evict", "evicted", multiple=True, metavar="TENANT", help="Re-plan without this tenant (repeatable).")
@click.option("--out", "out_dir", default=None, type=click.Path(),
              help="Also write plan.json, assignments.csv, plan.geojson, map.png, report.md here (one set).")
@format_option()
@outside_paths_option
@wide_option
@device_option
@yes_option
@handle_errors
def assign(scenario, failed, evicted, out_dir, fmt, allow_outside_paths, wide, device, allow_large):
    """Assign a scenario's tenants to its capacity (min-cost flow); --fail/--evict re-plan."""
    from placement.plan.assign import assign_problem
    from placement.catalogs.validation import InputError
    from placement.outputs.files import OutputSet

    sc = load(scenario, allow_outside_paths)
    if not sc.tenants:
        raise InputError(scenario, "tenant", None, "no [[tenant]] entries to assign")
    outputs = OutputSet(out_dir, {"scenario": sc.name, "fingerprint": sc.fingerprint}) if out_dir else None
    announce_compile()
    plan, problem = assign_problem(sc, device=device, allow_large=allow_large)
    if failed or evicted:
        plan, problem = assign_problem(sc, failed=failed, evicted=evicted, previous=plan, device=device,
                                       allow_large=allow_large)
    if outputs is not None:
        from placement.plan.outputs import write_plan_outputs

        with outputs:
            write_plan_outputs(outputs.write, plan, problem, sc, sc.demand())
    if fmt == "json":
        click.echo(json.dumps(plan.to_dict(), indent=2))
    elif fmt == "csv":
        from placement.outputs.files import records_to_csv

        click.echo(records_to_csv(plan.assignments), nl=False)
    else:
        print_plan(console(wide=wide), plan, when=f"for {sc.assignment.horizon_year}")


@cli.command()
@format_option(("table", "json"))
@handle_errors
def catalogs(fmt):
    """List the bundled catalogs and scenarios, and how many of their figures are approximate."""
    from rich.table import Table

    from placement.catalogs import list_catalogs

    items = list_catalogs()
    if fmt == "json":
        click.echo(json.dumps(items, indent=2))
        return
    t = Table(title="Bundled catalogs and scenarios", title_justify="left", header_style="bold",
              caption="approx.: rows whose figure is an estimate, proxy or regional value (each says so in its "
                      "source)", caption_justify="left")
    for col in ("name", "what", "approx.", "path"):
        t.add_column(col, overflow="fold", justify="right" if col == "approx." else "left")
    for it in items:
        flagged = f"{it['approximate']}/{it['rows']}" if it["rows"] else "-"
        t.add_row(escape(it["name"]), escape(it["what"]), flagged, escape(it["path"]))
    console().print(t)


if __name__ == "__main__":  # pragma: no cover
    main()


# the commands that live in their own modules
cli.add_command(batch_commands.batch)
cli.add_command(compare_command.compare_command)
cli.add_command(latency_command.latency_command)
cli.add_command(plan_commands.plan_command)
cli.add_command(plan_commands.quote_command)
