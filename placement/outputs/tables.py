"""What the commands print: site, shell and plan tables fitted to the terminal (:mod:`placement.outputs.terminal`)."""
from __future__ import annotations

from rich.markup import escape

from placement.outputs.terminal import Column, fitted_table

#: Longest site or shell name shown under its id.
NAME_WIDTH = 26


def _name_cell(row_id: str, name: str):
    from rich.text import Text

    limit = max(NAME_WIDTH, len(row_id))
    short = name if len(name) <= limit else name[: limit - 1] + "…"
    cell = Text(row_id + "\n")
    cell.append(short, style="dim")
    return cell


def _bold(text: str):
    from rich.text import Text

    return Text(text, style="bold")


def site_table(scores, title: str, *, width: int | None = None, wide: bool = False):
    """Ground sites: cost and its components, cooling, supply and time to power, latency."""
    c, x = scores.columns, scores.extra

    def money(field):
        return lambda i: f"{c[field][i]:,.1f}"

    cols = [
        Column("#", lambda i: str(i + 1), priority=0),
        Column("site", lambda i: _name_cell(str(c["id"][i]), str(c["name"][i])), "left", priority=0),
        Column("LCOE\n$/MWh", lambda i: _bold(f"{c['lcoe_usd_per_mwh_it'][i]:,.1f}"), priority=0),
        Column("=energy\n$/MWh", money("energy_usd_per_mwh_it"), priority=1),
        Column("+capital\n$/MWh", money("capital_usd_per_mwh_it"), priority=1),
        Column("+delay\n$/MWh", money("delay_usd_per_mwh_it"), priority=2),
        Column("+carbon\n$/MWh", money("carbon_usd_per_mwh_it"), priority=3),
        Column("+water\n$/MWh", money("water_usd_per_mwh_it"), priority=6),
        Column("power\nmonths", lambda i: f"{c['time_to_power_months'][i]:.0f}", priority=2),
        Column("full\nmonths", lambda i: f"{c['time_to_full_power_months'][i]:.0f}", priority=4),
        Column("outage\nh/yr", lambda i: f"{c['expected_outage_h_per_yr'][i]:,.1f}", priority=3),
        Column("supply", lambda i: str(c["supply_option"][i]).replace("_", " "), "left", priority=3),
        Column("PUE", lambda i: f"{c['pue'][i]:.3f}", priority=2),
        Column("cooling", lambda i: str(x["cooling_plant"][i]).replace("_", " "), "left", priority=4),
        Column("water\nL/MWh", lambda i: f"{c['water_l_per_mwh_it'][i]:,.0f}", priority=4),
        Column("RTT\nms", lambda i: f"{c['rtt_ms_weighted'][i]:.1f}", priority=3),
        Column("in\nSLO", lambda i: f"{c['pop_within_slo_fraction'][i]:.0%}", priority=5),
        Column("MW", lambda i: f"{c['power_mw'][i]:,.0f}", priority=5),
        Column("CO2\nkg/MWh", lambda i: f"{c['carbon_kg_per_mwh_it'][i]:,.0f}", priority=6),
        Column("dark\nmax h", lambda i: f"{c['longest_dark_h'][i]:,.0f}", priority=7),
    ]
    if "it_capex_usd_per_mwh_it" in c:
        cols.insert(8, Column("+IT\n$/MWh", money("it_capex_usd_per_mwh_it"), priority=1))
        cols.insert(3, Column("$/GPU\nhour", lambda i: f"{x['usd_per_gpu_hour'][i]:.2f}", priority=1))
    if "workload_cost_usd_per_mwh_it" in x and len(scores) and str(x["workload"][0]) == "inference":
        def inference_cost(i):
            v = float(x["workload_cost_usd_per_mwh_it"][i])
            return "none in SLO" if v == float("inf") else f"{v:,.1f}"

        # training ranks by the LCOE itself; inference by the cost of a MWh that reaches users in the SLO
        cols = [col for col in cols if col.header != "in\nSLO"]
        cols.insert(2, Column("inference\n$/MWh", inference_cost, priority=0))
        cols.insert(3, Column("in\nSLO", lambda i: f"{c['pop_within_slo_fraction'][i]:.0%}", priority=0))
    return fitted_table(title, cols, len(scores), width=width, wide=wide)


def shell_table(scores, title: str, *, width: int | None = None, wide: bool = False):
    """Orbital shells: eclipse, spacecraft sizing, launch, latency, cost."""
    c = scores.columns

    def ltan(i):
        v = c["ltan_h"][i]
        return "-" if v is None else f"{int(v):02d}:{int(round((v % 1) * 60)):02d}"

    cols = [
        Column("#", lambda i: str(i + 1), priority=0),
        Column("shell", lambda i: str(c["id"][i]), "left", priority=0),
        Column("LCOE\n$/MWh", lambda i: _bold(f"{c['lcoe_usd_per_mwh_it'][i]:,.0f}"), priority=0),
        Column("alt\nkm", lambda i: f"{c['altitude_km'][i]:,.0f}", priority=1),
        Column("inc\ndeg", lambda i: f"{c['inclination_deg'][i]:.2f}", priority=2),
        Column("LTAN", ltan, priority=2),
        Column("dark\n%", lambda i: f"{100 * c['eclipse_fraction'][i]:.1f}", priority=1),
        Column("max\nmin", lambda i: f"{c['max_eclipse_min'][i]:.0f}", priority=3),
        Column("season\ndays", lambda i: f"{c['eclipse_season_days'][i]:.0f}", priority=4),
        Column("array\nm2/MW", lambda i: f"{c['array_m2_per_mw'][i]:,.0f}", priority=5),
        Column("radiator\nm2/MW", lambda i: f"{c['radiator_m2_per_mw'][i]:,.0f}", priority=5),
        Column("battery\nkWh/MW", lambda i: f"{c['battery_kwh_per_mw'][i]:,.0f}", priority=3),
        Column("mass\nt/MW", lambda i: f"{c['mass_t_per_mw'][i]:.1f}", priority=2),
        Column("launch\nM$/MW", lambda i: f"{c['launch_cost_usd_per_mw'][i] / 1e6:.1f}", priority=3),
        Column("dose\nkrad/yr", lambda i: f"{c['dose_krad_per_yr'][i]:.2g}", priority=3),
        Column("life\nyr", lambda i: f"{scores.extra['life_yr'][i]:.1f}", priority=2),
        Column("RTT\nms", lambda i: f"{c['rtt_ms_weighted'][i]:.0f}", priority=4),
        Column("cover\n%", lambda i: f"{100 * c['coverage_fraction'][i]:.0f}", priority=6),
    ]
    return fitted_table(title, cols, len(scores), width=width, wide=wide)


def plan_table(plan, title: str, *, width: int | None = None, wide: bool = False):
    """One row per tenant and capacity of a plan."""
    rows = plan.assignments

    def tenant(i):
        return rows[i]["tenant"] if i == 0 or rows[i - 1]["tenant"] != rows[i]["tenant"] else ""

    cols = [
        Column("tenant", tenant, "left", priority=0),
        Column("capacity", lambda i: rows[i]["capacity_id"], "left", priority=0),
        Column("MW", lambda i: f"{rows[i]['mw']:,}", priority=0),
        Column("kind", lambda i: rows[i]["kind"], "left", priority=3),
        Column("RTT ms", lambda i: "-" if rows[i]["rtt_ms"] is None else f"{rows[i]['rtt_ms']:.1f}", priority=1),
        Column("$/MWh", lambda i: f"{rows[i]['cost_usd_per_mwh_it']:,.1f}", priority=1),
        Column("kgCO2/MWh", lambda i: f"{rows[i]['carbon_kg_per_mwh_it']:,.0f}", priority=2),
    ]
    return fitted_table(title, cols, len(rows), width=width, wide=wide)


def print_plan(con, plan, when: str | None = None):
    """The plan table, unserved demand with reasons, utilisation and re-plan changes; ``when``
    dates the title ("for 2031": a one-period assignment is for the scenario's horizon year)."""
    gap_usd_per_h = (plan.objective_cents_per_h - plan.lower_bound_cents_per_h) / 100
    proof = "optimal" if plan.optimal else f"best found; search limit reached, within {gap_usd_per_h:,.0f} USD/h"
    con.print(plan_table(plan, f"Plan{' ' + when if when else ''}: {plan.served_mw:,} MW served, {plan.unserved_mw:,} MW unserved, "
                               f"{plan.total_cost_usd_per_h:,.0f} USD/h ({proof})",
                         width=con.width))
    for u in plan.unserved:
        con.print(f"[yellow]unserved[/yellow] {escape(u['reason'])}")
    from placement.plan.explain import shortfall_text

    def mw(v):  # a GPU pool's MW are its GPUs x their kW: one decimal
        return f"{v:,}" if float(v).is_integer() else f"{v:,.1f}"

    busy = ", ".join(f"{u['capacity_id']} {mw(u['used_mw'])}/{mw(u['capacity_mw'])}" for u in plan.utilization
                     if u["used_mw"])
    con.print(f"[dim]utilisation (MW): {escape(busy)}[/dim]")
    if plan.changes:
        ch = plan.changes
        con.print("[bold]re-plan[/bold] " + escape(
            f"failed: {', '.join(ch['failed']) or '-'}; evicted: {', '.join(ch['evicted']) or '-'}; moved "
            f"{ch['moved_mw']:,} MW; freed {ch['freed_mw']:,} MW; cost {ch['cost_delta_usd_per_h']:+,.0f} USD/h; "
            "newly unserved: " + ("; ".join(shortfall_text(u) for u in ch["newly_unserved"]) or "none")))
