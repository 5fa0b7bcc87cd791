"""``placement plan`` (contracts over the years) and ``placement quote`` (a new tenant's break-even price)."""
from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape

from placement.cli.common import (announce_compile, device_option, format_option, handle_errors, load,
                                  outside_paths_option, rolling_option, wide_option, yes_option)

from placement.outputs.terminal import Column, console, fitted_table


def print_period_plan(con, plan, *, wide=False, top=8):
    """Margin by period, who goes where over time, evictions, build next."""
    periods = [p.label for p in plan.periods]
    by_period = plan.margin_by("period")
    money = {layer.period.label: layer.money for layer in plan.layers}
    revenue = {p: m["revenue_usd"] for p, m in money.items()}
    capacity_cost = {p: sum(m[k] for k in ("energy_usd", "capital_usd", "carbon_usd", "water_usd", "delay_usd",
                                           "it_capex_usd")) for p, m in money.items()}
    other = {p: m["migration_usd"] + m["eviction_usd"] + m["sla_credits_usd"] for p, m in money.items()}
    mw = {layer.period.label: layer.served_mw() for layer in plan.layers}
    depreciation = {p: m.get("gpu_depreciation_usd", 0.0) for p, m in money.items()}
    cols = [Column("period", lambda i: periods[i], "left", priority=0),
            Column("served\nMW", lambda i: f"{mw[periods[i]]:,}", priority=0),
            Column("revenue\nM USD", lambda i: f"{revenue[periods[i]] / 1e6:,.0f}", priority=1),
            Column("capacity\ncost M USD", lambda i: f"{capacity_cost[periods[i]] / 1e6:,.0f}", priority=2),
            Column("moves, evictions,\nSLA M USD", lambda i: f"{other[periods[i]] / 1e6:,.1f}", priority=2),
            *([Column("GPU depre-\nciation M USD", lambda i: f"{depreciation[periods[i]] / 1e6:,.0f}", priority=1)]
              if any(depreciation.values()) else []),
            Column("margin\nM USD", lambda i: f"{by_period.get(periods[i], 0) / 1e6:,.0f}", priority=0),
            Column("unserved MW", lambda i: ", ".join(f"{u['tenant']} {u['mw']}" for u in _unserved(plan, i)) or "-",
                   "left", priority=2)]
    proof = plan_proof(plan)
    con.print(fitted_table(f"Plan {periods[0]}-{periods[-1]}: margin {plan.margin_usd / 1e9:,.2f} bn USD ({proof})",
                           cols, len(periods), width=con.width, wide=wide))
    for b in getattr(plan, "builds", ()):
        con.print(f"[green]build[/green] {escape(b['capacity_id'])} {b['mw']:,} MW from {b['period']} "
                  f"(capital {b['capital_usd'] / 1e6:,.0f} M USD committed to the plan's end)")
    for ev in plan.evictions:
        con.print(f"[red]expelled[/red] {escape(ev['tenant'])} ({ev['mw']:,} MW) from {ev['period']}")
    from placement.plan.periods import period_spans

    for r in plan.unserved_reasons[:top]:
        periods = period_spans(r["periods"], [p.label for p in plan.periods])
        gpus = f", {r['gpus']:,} GPUs" if r.get("gpus") else ""
        con.print(f"[yellow]unserved[/yellow] {escape(r['tenant'])} {periods} (up to {r['mw']:,} MW{gpus}): "
                  f"{escape(r['reason'])}")
    con.print(escape(f"orbit takes load: {plan.orbit_outlook}"))
    ranked = plan.build_next[:top]
    cols = [Column("capacity", lambda i: ranked[i]["capacity_id"], "left", priority=0),
            Column("mean value\nUSD/MW-month", lambda i: f"{ranked[i]['mean_value_usd_per_mw_month']:,.0f}", priority=0),
            Column("peak\nUSD/MW-month", lambda i: f"{ranked[i]['peak_value_usd_per_mw_month']:,.0f}", priority=1),
            Column("peak in", lambda i: ranked[i]["peak_period"], priority=1)]
    con.print(fitted_table("Value of one more MW: the margin it adds, by capacity", cols, len(ranked), width=con.width,
                           wide=wide))


def plan_proof(plan) -> str:
    """How the plan was solved and how far from the optimum it may be, in words."""
    from placement.plan.multi_period import proof_text

    return proof_text(getattr(plan, "method", "rolling"), plan.gap_usd, plan.optimal)


def _unserved(plan, i):
    from placement.plan.over_time import unserved_of_layer as unserved_of

    return unserved_of(plan.layers[i])


@click.command("plan")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", default=None, type=click.Path(),
              help="Also write plan_periods.csv/json, capacity_value.csv, timeline.png and report.md here.")
@format_option(("table", "json"))
@outside_paths_option
@wide_option
@device_option
@yes_option
@rolling_option
@handle_errors
def plan_command(scenario, out_dir, fmt, allow_outside_paths, wide, device, allow_large, rolling):
    """Plan the scenario's contracts over its years: margin, moves, evictions, builds, value of capacity."""
    from placement.outputs.files import OutputSet
    from placement.plan.outputs import write_period_outputs
    from placement.plan import plan as plan_of

    sc = load(scenario, allow_outside_paths)
    outputs = OutputSet(out_dir, {"scenario": sc.name, "fingerprint": sc.fingerprint}) if out_dir else None
    announce_compile()
    plan = plan_of(sc, device=device, allow_large=allow_large, method="rolling" if rolling else "horizon")
    if outputs is not None:
        from placement.outputs.report import period_report_markdown

        with outputs:
            write_period_outputs(outputs.write, plan)
            outputs.write("report.md", period_report_markdown(plan, sc))
    if fmt == "json":
        click.echo(json.dumps(plan.to_dict(), indent=2, default=float))
    else:
        print_period_plan(console(wide=wide), plan, wide=wide)


def check_out_file(path: str) -> Path:
    """``quote --out FILE`` checked before any work: a file name (not a folder, link or device) in a
    folder that exists or can be made and that this process may write in."""
    import os

    from placement.catalogs.validation import InputError

    if not str(path).strip():
        raise InputError("quote", "--out", path, "empty path; name a file, e.g. quote.json")
    p = Path(path)
    if os.path.lexists(p) and (p.is_symlink() or not p.is_file()):
        raise InputError(p, "--out", None, "exists and is not a regular file (a folder, link, device or pipe); "
                                           "name a file")
    if str(path).endswith(os.sep):
        raise InputError(p, "--out", None, "names a folder; name a file, e.g. quote.json")
    parent = p.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(p, "--out", None, f"{parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(p, "--out", None, f"cannot write in {parent} (permission denied)")
    return p


@click.command("quote")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--tenant", "tenant_file", required=True, type=click.Path(dir_okay=False),
              help="TOML file with one [[tenant]] table (or a [tenant] table): the new tenant to price.")
@click.option("--out", "out_file", default=None, type=click.Path(),
              help="Also write the quote's JSON to this file (replaced atomically).")
@format_option(("table", "json"))
@outside_paths_option
@rolling_option
@device_option
@yes_option
@handle_errors
def quote_command(scenario, tenant_file, out_file, fmt, allow_outside_paths, rolling, device, allow_large):
    """The break-even price of a new tenant over the MW-months its contract asks, and where it would run."""
    import tomllib

    from placement.catalogs.validation import InputError, read_text
    from placement.plan.contract_checks import parse_tenant
    from placement.plan.quote import quote

    out = check_out_file(out_file) if out_file is not None else None
    sc = load(scenario, allow_outside_paths)
    try:
        doc = tomllib.loads(read_text(tenant_file, tenant_file))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(tenant_file, None, None, f"TOML syntax error: {exc}") from None
    except RecursionError:
        raise InputError(tenant_file, None, None, "TOML nested too deeply") from None
    table = doc.get("tenant")
    if isinstance(table, list) and len(table) == 1:
        table = table[0]
    if not isinstance(table, dict) or set(doc) - {"tenant"}:
        raise InputError(tenant_file, "tenant", None, "needs exactly one [[tenant]] table and nothing else")
    t = parse_tenant(tenant_file, table)
    announce_compile()
    q = quote(sc, t, device=device, allow_large=allow_large, method="rolling" if rolling else "horizon")
    text = json.dumps(q.to_dict(), indent=2, allow_nan=False) + "\n"  # finite numbers only: valid JSON
    if out is not None:
        from placement.outputs.files import write_atomic

        write_atomic(out, text)
    if fmt == "json":
        click.echo(text, nl=False)
        return
    con = console()
    if q.break_even_usd_per_mw_month is None:
        con.print(f"[bold]{escape(q.tenant)}[/bold]: [yellow]cannot be served[/yellow]: {escape(q.unserved_reason)}")
        return
    con.print(f"[bold]{escape(q.tenant)}[/bold]: break-even price {q.break_even_usd_per_mw_month:,.0f} USD per MW-month "
              f"({q.mw_months:,.1f} MW-months; serving it costs {q.cost_of_serving_usd / 1e6:,.1f} M USD of margin, "
              f"displaced demand included)")
    if q.break_even_usd_per_gpu_hour is not None:
        con.print(f"  per GPU-hour: {q.break_even_usd_per_gpu_hour:,.3f} USD ({q.gpu_hours:,.0f} GPU-hours)")
    con.print(escape(f"  {q.note}"))
    for cid, spans in _runs(q.placements, "capacity_id").items():
        con.print(escape(f"  runs at {cid}: " + ", ".join(spans)))
    for tenant, spans in _runs(q.displaced, "tenant").items():
        con.print("  [yellow]displaces[/yellow] " + escape(f"{tenant}: " + ", ".join(spans)))


def _runs(rows, key) -> dict:
    """{rows[key]: ["2027-2030 100 MW", ...]}: consecutive periods at the same MW told as one span."""
    order = {p: k for k, p in enumerate(dict.fromkeys(r["period"] for r in rows))}
    spans = {}
    for r in rows:
        runs, k = spans.setdefault(r[key], []), order[r["period"]]
        if runs and runs[-1][2] == r["mw"] and runs[-1][3] == k - 1:
            runs[-1][1], runs[-1][3] = r["period"], k
        else:
            runs.append([r["period"], r["period"], r["mw"], k])
    return {k: [f"{a}-{b} {mw:,} MW" if a != b else f"{a} {mw:,} MW" for a, b, mw, _ in v] for k, v in spans.items()}
