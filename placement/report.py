"""``report.md``: the one page a planner forwards — where to build, orbit or ground, who goes where,
what it costs and why the solver's objective differs from the cost, what changed on a re-plan.

Ids and descriptions come from user files: every such text is escaped (:func:`md`) so a tenant
called ``*evil* | [link](x)`` cannot change the page's markup.
"""
from __future__ import annotations


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
    assigned = sum(mw * problem.arcs.get(k, 0) / cents for k, mw in plan.demand_flows.items())
    latency = assigned - plan.total_cost_usd_per_h
    unserved = sum(u * problem.unserved_weight[d.key] / cents for d in problem.demands
                   for u in [plan.flow.get(_tenant_node(d.key), {}).get("sink", 0)] if u)
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


def _tenant_node(key):
    from placement.assignment import tenant_node

    return tenant_node(key)


def report_markdown(plan, problem, scenario, site_scores=None, shell_scores=None) -> str:
    """The one-page report (module docstring)."""
    lines = [f"# Capacity plan — scenario '{md(scenario.name)}'", ""]
    if scenario.description:
        lines += [md(scenario.description), ""]
    lines += [f"Scenario fingerprint `{scenario.fingerprint}` (its content, the files it names, the bundled data, "
              f"the package version and the kernels).", ""]
    lines += _where_to_build(site_scores, shell_scores)
    mwh = plan.total_cost_usd_per_h / max(plan.served_mw, 1)
    lines += ["## The plan", "",
              f"- **Served:** {plan.served_mw:,} MW of {plan.served_mw + plan.unserved_mw:,} MW demanded; "
              f"**unserved:** {plan.unserved_mw:,} MW",
              f"- **Cost:** {plan.total_cost_usd_per_h:,.0f} USD/h ({mwh:,.1f} USD per MWh of IT on average; "
              f"{plan.total_cost_usd_per_h * 8760 / 1e9:,.2f} bn USD/yr)"]
    lines += _objective_explained(plan, problem) + [""]
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
    for t in scenario.tenants:
        keys = {d.key for d in problem.demands if d.tenant.id == t.id}
        options = sorted({cid: w for (k, cid), w in problem.arcs.items() if k in keys and (t.id, cid) not in used_pairs}
                         .items(), key=lambda kv: kv[1])[:3]
        if options:
            lines.append(f"- **{md(t.id)}**: " + ", ".join(f"{md(cid)} ({w / 100:,.0f} USD/MWh)" for cid, w in options))
    lines += ["", "## Utilisation", "", "| capacity | kind | used MW | capacity MW | % |", "|---|---|---:|---:|---:|"]
    for u in plan.utilization:
        c = problem.capacities[u["capacity_id"]]
        pct = 100 * u["used_mw"] / u["capacity_mw"] if u["capacity_mw"] else 0
        lines.append(f"| {md(c.id)} | {c.kind} | {u['used_mw']:,} | {u['capacity_mw']:,} | {pct:.0f} |")
    return "\n".join(lines) + "\n"

