"""``report.md``: the one page a planner forwards — where to build, orbit or ground, who goes where,
what it costs and why the solver's objective differs from the cost, what changed on a re-plan.

Ids and descriptions come from user files: every such text is escaped (:func:`md`) so a tenant
called ``*evil* | [link](x)`` cannot change the page's markup.
"""
from __future__ import annotations

import numpy as np

from placement.plan.over_time import unserved_of_layer
from placement.plan.periods import period_spans

_MARKUP = "\\`*_[]<>|#"


def md(text) -> str:
    """``text`` safe inside Markdown (a table cell or a sentence): markup characters escaped, one line."""
    out = str(text).replace("\r", " ").replace("\n", " ")
    return "".join("\\" + ch if ch in _MARKUP else ch for ch in out)


def _where_to_build(site_scores, shell_scores, n: int = 5) -> list[str]:
    lines = ["## Where to build next", ""]
    if site_scores is None or not len(site_scores):
        return lines + ["- no sites scored", ""]
    s = site_scores.order_by("lcoe_usd_per_mwh_it").head(n)
    c, x = s.columns, s.extra
    lines += [f"Cheapest {len(s)} of {len(site_scores)} scored sites per MWh of IT energy (all terms levelized):", "",
              "| site | USD/MWh | energy | capital | delay | supply | power in | PUE | cooling | water L/MWh | RTT ms |",
              "|---|---:|---:|---:|---:|---|---:|---:|---|---:|---:|"]
    for i in range(len(s)):
        lines.append(f"| {md(c['id'][i])} | {c['lcoe_usd_per_mwh_it'][i]:,.0f} | {c['energy_usd_per_mwh_it'][i]:,.0f} | "
                     f"{c['capital_usd_per_mwh_it'][i]:,.0f} | {c['delay_usd_per_mwh_it'][i]:,.0f} | "
                     f"{md(str(c['supply_option'][i]).replace('_', ' '))} | "
                     f"{c['time_to_power_months'][i]:.0f} months | {c['pue'][i]:.3f} | "
                     f"{md(str(x['cooling_plant'][i]).replace('_', ' '))} | {c['water_l_per_mwh_it'][i]:,.0f} | "
                     f"{c['rtt_ms_weighted'][i]:.0f} |")
    fastest = site_scores.order_by("time_to_power_months").head(1)
    lines += ["", f"Fastest to power: {md(fastest['id'][0])} in {fastest['time_to_power_months'][0]:.0f} months "
                  f"({md(str(fastest['supply_option'][0]).replace('_', ' '))})."]
    if shell_scores is not None and len(shell_scores):
        best_shell = shell_scores.order_by("lcoe_usd_per_mwh_it").head(1)
        ground = float(s["lcoe_usd_per_mwh_it"][0])
        orbit = float(best_shell["lcoe_usd_per_mwh_it"][0])
        verdict = (f"orbit costs {orbit / ground:,.1f}x the best ground site" if orbit > ground
                   else "orbit is cheaper than the best ground site")
        lines += ["", f"**Orbit or ground:** the best shell, {md(best_shell['id'][0])}, comes to {orbit:,.0f} USD/MWh "
                      f"against {ground:,.0f} at {md(s['id'][0])}: {verdict}."]
    return lines + [""]


def _objective_explained(plan, problem) -> list[str]:
    """The objective is cost plus the penalties that steer the solver; name each in USD/h."""
    cents = 100.0
    n_c = len(problem.capacity_ids)
    codes = problem.arc_demand * n_c + problem.arc_capacity
    order = np.argsort(codes)
    served = np.zeros(len(problem.demands), dtype=np.int64)
    assigned = 0.0
    for (key, cid), mw in plan.demand_flows.items():
        i, j = problem.demand_index[key], problem.capacity_index[cid]
        k = order[np.searchsorted(codes[order], i * n_c + j)]
        assigned += mw * int(problem.arc_weight[k]) / cents
        served[i] += mw
    latency = assigned - plan.total_cost_usd_per_h
    unserved = float(((problem.demand_mw - served) * problem.unserved_weight).sum()) / cents
    migration = plan.objective_cents_per_h / cents - assigned - unserved
    parts = [f"capacity cost {plan.total_cost_usd_per_h:,.0f}"]
    if abs(latency) >= 0.5:
        parts.append(f"latency penalties {latency:,.0f}")
    if unserved >= 0.5:
        parts.append(f"unserved-demand penalties {unserved:,.0f} (priorities, not cash)")
    if abs(migration) >= 0.5:
        parts.append(f"migration {migration:,.0f}")
    return [f"- **Objective:** {plan.objective_cents_per_h / cents:,.0f} USD/h = " + " + ".join(parts)
            + f" ({'proven optimal' if plan.optimal else 'best found; search limit reached'}; relaxation bound "
              f"{plan.lower_bound_cents_per_h / cents:,.0f} USD/h)"]


def report_markdown(plan, problem, scenario, site_scores=None, shell_scores=None, period_plan=None) -> str:
    """The one-page report (module docstring)."""
    lines = [f"# Capacity plan — scenario '{md(scenario.name)}'", ""]
    if scenario.description:
        lines += [md(scenario.description), ""]
    lines += [f"Scenario fingerprint `{scenario.fingerprint}` (its content, the files it names, the bundled data, "
              f"the package version and the kernels).", ""]
    lines += _where_to_build(site_scores, shell_scores)
    mwh = plan.total_cost_usd_per_h / max(plan.served_mw, 1)
    lines += ["## The plan now", "",
              f"- **Served:** {plan.served_mw:,} MW of {plan.served_mw + plan.unserved_mw:,} MW demanded; "
              f"**unserved:** {plan.unserved_mw:,} MW",
              f"- **Cost:** {plan.total_cost_usd_per_h:,.0f} USD/h ({mwh:,.1f} USD per MWh of IT on average; "
              f"{plan.total_cost_usd_per_h * 8760 / 1e9:,.2f} bn USD/yr)"]
    lines += _objective_explained(plan, problem) + [""]
    if period_plan is not None:
        lines += over_the_years(period_plan, scenario)
    if plan.changes:
        ch = plan.changes
        lines += ["## What changed in the re-plan", "",
                  f"- failed: {md(', '.join(ch['failed']) or '—')}; evicted: {md(', '.join(ch['evicted']) or '—')}",
                  f"- moved {ch['moved_mw']:,} MW; freed {ch['freed_mw']:,} MW; cost change "
                  f"{ch['cost_delta_usd_per_h']:+,.0f} USD/h",
                  "- newly unserved: " + (md("; ".join(f"{u['tenant']} {u['mw']} MW" for u in ch["newly_unserved"]))
                                          or "none"), ""]
    lines += ["## Who goes where", "", "| tenant | demand MW | capacity | MW | RTT ms | USD/MWh | kg CO2/MWh |",
              "|---|---:|---|---:|---:|---:|---:|"]
    for t in scenario.tenants:
        rows = [a for a in plan.assignments if a["tenant"] == t.id] or [None]
        for k, a in enumerate(rows):
            head = f"| {md(t.id)} | {t.mw:,} " if k == 0 else "| | "
            if a is None:
                lines.append(head + "| — | 0 | | | |")
            else:
                rtt = "—" if a["rtt_ms"] is None else f"{a['rtt_ms']:.1f}"
                lines.append(head + f"| {md(a['capacity_id'])} | {a['mw']:,} | {rtt} | "
                                    f"{a['cost_usd_per_mwh_it']:.1f} | {a['carbon_kg_per_mwh_it']:.0f} |")
    lines += ["", "## Unserved", ""]
    lines += [f"- {md(u['reason'])}" for u in plan.unserved] or ["- none"]
    lines += ["", "## Next options per tenant", "",
              "Cheapest allowed capacity each tenant does not use now (what to offer it next):", ""]
    used_pairs = {(a["tenant"], a["capacity_id"]) for a in plan.assignments}
    tenant_of_arc = [problem.demands[i].tenant.id for i in problem.arc_demand.tolist()] \
        if problem.arc_demand.size < 200_000 else []
    for t in scenario.tenants:
        options = {}
        for tid, j, w in zip(tenant_of_arc, problem.arc_capacity.tolist(), problem.arc_weight.tolist()):
            cid = problem.capacity_ids[j]
            if tid == t.id and (t.id, cid) not in used_pairs:
                options[cid] = min(w, options.get(cid, w))
        options = sorted(options.items(), key=lambda kv: kv[1])[:3]
        if options:
            lines.append(f"- **{md(t.id)}**: " + ", ".join(f"{md(cid)} ({w / 100:,.0f} USD/MWh)" for cid, w in options))
    lines += ["", "## Utilisation", "", "| capacity | kind | used MW | capacity MW | % |", "|---|---|---:|---:|---:|"]
    for u in plan.utilization:
        c = problem.capacities[u["capacity_id"]]
        pct = 100 * u["used_mw"] / u["capacity_mw"] if u["capacity_mw"] else 0
        lines.append(f"| {md(c.id)} | {c.kind} | {u['used_mw']:,} | {u['capacity_mw']:,} | {pct:.0f} |")
    return "\n".join(lines) + "\n"



def over_the_years(plan, scenario) -> list[str]:
    """The plan over periods: margin by year, build next, who goes where and when, orbit, sites."""
    labels = [p.label for p in plan.periods]
    lines = ["## Over the years", "",
             f"- **Margin {labels[0]}-{labels[-1]}:** {plan.margin_usd / 1e9:,.2f} bn USD on "
             f"{sum(layer.money['revenue_usd'] for layer in plan.layers) / 1e9:,.2f} bn USD of revenue "
             f"(in-house work valued at {scenario.planning.internal_price_usd_per_mw_month:,.0f} USD per MW-month)",
             f"- **Orbit takes load:** {md(plan.orbit_outlook)}",
             ]
    lines += [f"- **Expelled:** {md(e['tenant'])} ({e['mw']:,} MW) from {e['period']}" for e in plan.evictions]
    lines += ["", "| period | served MW | revenue M USD | margin M USD | moved MW | unserved |",
              "|---|---:|---:|---:|---:|---|"]
    margin = plan.margin_by("period")
    for layer in plan.layers:
        short = ", ".join(f"{md(u['tenant'])} {u['mw']}" for u in unserved_of_layer(layer)) or "—"
        lines.append(f"| {layer.period.label} | {sum(layer.placed.values()):,} | "
                     f"{layer.money['revenue_usd'] / 1e6:,.0f} | {margin.get(layer.period.label, 0) / 1e6:,.0f} | "
                     f"{layer.moved_mw:,} | {short} |")
    reasons = plan.unserved_reasons
    if reasons:
        lines += ["", "Unserved, and why:", ""]
        lines += [f"- **{md(r['tenant'])}** {period_spans(r['periods'], labels)}, up to {r['mw']:,} MW: {md(r['reason'])}"
                  for r in reasons]
    lines += ["", "### Build next", "", "Value of one more MW of each capacity (from the optimal flows' duals):", "",
              "| capacity | mean USD/MW-month | peak USD/MW-month | peak in |", "|---|---:|---:|---|"]
    for r in plan.build_next[:6]:
        lines.append(f"| {md(r['capacity_id'])} | {r['mean_value_usd_per_mw_month']:,.0f} | "
                     f"{r['peak_value_usd_per_mw_month']:,.0f} | {r['peak_period']} |")
    lines += ["", "### Who goes where, and when", ""]
    for t in scenario.tenants:
        where = {}
        for r in plan.rows:
            if r["tenant"] == t.id:
                where.setdefault(r["capacity_id"], []).append(r["period"])
        text = "; ".join(f"{md(cid)} {period_spans(ps, labels)}" for cid, ps in where.items())
        lines.append(f"- **{md(t.id)}** ({t.tenant_class}): {text or 'never served'}")
    lines += ["", "### Margin by site over the plan", "", "| capacity | margin M USD |", "|---|---:|"]
    for cid, m in sorted(plan.margin_by("capacity").items(), key=lambda kv: -kv[1]):
        lines.append(f"| {md(cid)} | {m / 1e6:,.0f} |")
    return lines + [""]


def period_report_markdown(plan, scenario) -> str:
    """``report.md`` of ``placement plan``: the plan over the years on one page."""
    lines = [f"# Plan over the years — scenario '{md(scenario.name)}'", ""]
    if scenario.description:
        lines += [md(scenario.description), ""]
    lines += [f"Scenario fingerprint `{scenario.fingerprint}`.", ""]
    return "\n".join(lines + over_the_years(plan, scenario)) + "\n"
