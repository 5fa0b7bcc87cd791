"""``placement compare SITE SHELL``: ground against orbit across launch years and prices."""
from __future__ import annotations

import json

import click
from rich.markup import escape

from placement.cli.common import (announce_compile, device_option, format_option, handle_errors, load, orbit_options,
                                  outside_paths_option, wide_option)

from placement.outputs.terminal import Column, console, fitted_table


@click.command("compare")
@click.argument("site")
@click.argument("shell")
@click.option("--scenario", type=click.Path(dir_okay=False), default=None,
              help="Take parameters and demand from this scenario (default: bundled).")
@click.option("--launch-usd-per-kg", type=float, default=None,
              help="Base launch price [USD/kg to LEO] for the tornado (default: today's).")
@click.option("--solar", type=click.Choice(["silicon", "triple_junction"]), default=None,
              help="Solar cell technology (default: the scenario's, else silicon).")
@click.option("--no-battery", is_flag=True, help="No storage: compute throttles in shadow.")
@click.option("--out", "out_dir", default=None, type=click.Path(),
              help="Also write compare.json, compare_by_year.csv and tornado.png here (one set).")
@format_option(("table", "json"))
@outside_paths_option
@wide_option
@device_option
@handle_errors
def compare_command(site, shell, scenario, launch_usd_per_kg, solar, no_battery, out_dir, fmt, allow_outside_paths,
                    wide, device):
    """Ground site against orbital shell: both levelized costs by launch year and price, the
    crossover launch price and year, and a tornado of the orbit's sensitivities."""
    import dataclasses

    from placement.compare import compare, crossover_rows_csv, tornado_png
    from placement.outputs.files import OutputSet

    sc = load(scenario, allow_outside_paths)
    sc = dataclasses.replace(sc, parameters=orbit_options(sc.parameters, None, launch_usd_per_kg, solar, no_battery))
    outputs = OutputSet(out_dir, {"scenario": sc.name, "fingerprint": sc.fingerprint}) if out_dir else None
    announce_compile()
    c = compare(sc, site, shell, device=device)
    if outputs is not None:
        with outputs:
            outputs.write("compare.json", json.dumps(c.to_dict(), indent=2) + "\n")
            outputs.write("compare_by_year.csv", crossover_rows_csv(c))
            outputs.write("tornado.png", tornado_png(c))
    if fmt == "json":
        click.echo(json.dumps(c.to_dict(), indent=2))
        return
    con = console(wide=wide)
    rows = c.by_year
    cols = [Column("year", lambda i: str(rows[i]["year"]), "left", priority=0),
            Column("launch\nUSD/kg", lambda i: f"{rows[i]['launch_usd_per_kg']:,.0f}", priority=0),
            Column(f"{c.shell_id}\nUSD/MWh", lambda i: f"{rows[i]['orbit_lcoe_usd_per_mwh_it']:,.0f}", priority=0),
            Column(f"{c.site_id}\nUSD/MWh", lambda i: f"{rows[i]['ground_lcoe_usd_per_mwh_it']:,.0f}", priority=0),
            Column("orbit /\nground", lambda i: f"{rows[i]['orbit_lcoe_usd_per_mwh_it'] / rows[i]['ground_lcoe_usd_per_mwh_it']:.2f}x",
                   priority=1)]
    con.print(fitted_table(f"{c.shell_id} (orbit) vs {c.site_id} (ground), launch prices on the "
                           f"'{c.trajectory}' trajectory", cols, len(rows), width=con.width, wide=wide))
    if c.crossover_launch_usd_per_kg is None:
        con.print(escape(f"No crossover: even with free launch the shell costs {c.orbit_lcoe_at_free_launch:,.0f} USD/MWh "
                         f"against {c.ground_lcoe_usd_per_mwh_it:,.0f} at {c.site_id}."))
    else:
        when = (f"reached in {c.crossover_year}" if c.crossover_year
                else f"not reached on the trajectory by {rows[-1]['year']}")
        con.print(escape(f"Crossover at {c.crossover_launch_usd_per_kg:,.0f} USD/kg ({when})."))
    if c.crossover_spacecraft_usd_per_kg is not None:
        con.print(escape(f"At the {c.last_year} launch price, orbit matches the ground if spacecraft hardware costs "
                         f"<= {c.crossover_spacecraft_usd_per_kg:,.0f} USD/kg."))
    t = c.tornado
    cols = [Column("sensitivity", lambda i: t[i]["parameter"], "left", priority=0),
            Column("low", lambda i: f"{t[i]['low']:g}", priority=1),
            Column("high", lambda i: f"{t[i]['high']:g}", priority=1),
            Column("LCOE low\nUSD/MWh", lambda i: f"{t[i]['lcoe_at_low_usd_per_mwh_it']:,.0f}", priority=0),
            Column("LCOE high\nUSD/MWh", lambda i: f"{t[i]['lcoe_at_high_usd_per_mwh_it']:,.0f}", priority=0)]
    con.print(fitted_table(f"Tornado around {c.orbit_lcoe_usd_per_mwh_it:,.0f} USD/MWh "
                           f"(launch {c.launch_usd_per_kg:,.0f} USD/kg)", cols, len(t), width=con.width, wide=wide))
