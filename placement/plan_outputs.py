"""Plan outputs: plan.json, assignments.csv, plan.geojson, map.png, report.md."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def demand_node_centroids(problem, scenario) -> dict:
    """Demand-node key -> (lat, lon) of its users' weighted centre (for drawing tenant -> site lines;
    a latency-bound tenant split by region gets one centre per region)."""
    from placement.demand import demand_points

    out = {}
    for d in problem.demands:
        dp = demand_points(d.users or None, cell_deg=scenario.demand_cell_deg)
        phi, lam = np.radians(dp.lat_deg), np.radians(dp.lon_deg)
        x = np.sum(dp.weight * np.cos(phi) * np.cos(lam))
        y = np.sum(dp.weight * np.cos(phi) * np.sin(lam))
        z = np.sum(dp.weight * np.sin(phi))
        out[d.key] = (float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x))))
    return out


def _lines(plan, problem, centres):
    """(tenant, demand key, capacity, MW, (lat, lon) of users) for each ground flow."""
    tenant_of = {d.key: d.tenant.id for d in problem.demands}
    for (key, cid), mw in sorted(plan.demand_flows.items()):
        c = problem.capacities[cid]
        if c.kind == "ground" and mw > 0:
            yield tenant_of[key], key, c, mw, centres[key]


def plan_geojson(plan, problem, scenario, demand, centres=None) -> dict:
    """GeoJSON FeatureCollection (RFC 7946, lon/lat): capacity points with utilisation, demand
    regions, and tenant -> capacity lines. Orbital capacity has no fixed place: null geometry."""
    feats = []
    used = {u["capacity_id"]: u for u in plan.utilization}
    for c in problem.capacities.values():
        u = used[c.id]
        geom = None if c.kind == "orbit" else {"type": "Point", "coordinates": [c.lon_deg, c.lat_deg]}
        feats.append({"type": "Feature", "geometry": geom, "properties": {
            "layer": "capacity", "id": c.id, "name": c.name, "kind": c.kind, "used_mw": u["used_mw"],
            "capacity_mw": u["capacity_mw"], "utilization": round(u["used_mw"] / u["capacity_mw"], 4) if u["capacity_mw"] else 0,
            "lcoe_usd_per_mwh_it": round(c.lcoe_usd_per_mwh_it, 2)}})
    top = np.argsort(-demand.weight)[:300]
    for i in top:
        if demand.weight[i] <= 0:
            continue
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(demand.lon_deg[i]), float(demand.lat_deg[i])]},
                      "properties": {"layer": "demand", "country": str(demand.country[i]),
                                     "weight": round(float(demand.weight[i]), 6), "population": int(demand.population[i])}})
    centres = centres or demand_node_centroids(problem, scenario)
    for tenant, key, c, mw, (lat, lon) in _lines(plan, problem, centres):
        feats.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[lon, lat], [c.lon_deg, c.lat_deg]]},
                      "properties": {"layer": "assignment", "tenant": tenant, "demand": key, "capacity_id": c.id,
                                     "mw": int(mw), "rtt_ms": round(problem.rtt_ms[key, c.id], 2)}})
    return {"type": "FeatureCollection", "features": feats}


def plan_map_png(plan, problem, scenario, demand, centres=None) -> bytes:
    """World map of the plan: capacity sized by MW and coloured by utilisation, tenant lines."""
    from placement.plots import _png, _pyplot

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(13, 6.5))
    ax.scatter(demand.lon_deg, demand.lat_deg, s=30 * np.sqrt(demand.population / demand.population.max()),
               c="0.85", linewidths=0, zorder=1)
    tenants = sorted({a["tenant"] for a in plan.assignments})
    colours = {t: plt.cm.tab10(i % 10) for i, t in enumerate(tenants)}
    centres = centres or demand_node_centroids(problem, scenario)
    for tenant, _, c, mw, (lat, lon) in _lines(plan, problem, centres):
        ax.plot([lon, c.lon_deg], [lat, c.lat_deg], color=colours[tenant], linewidth=0.8 + mw / 250,
                alpha=0.8, zorder=2)
    used = {u["capacity_id"]: u for u in plan.utilization}
    ground = [c for c in problem.capacities.values() if c.kind == "ground"]
    util = [used[c.id]["used_mw"] / max(used[c.id]["capacity_mw"], 1) for c in ground]
    sc = ax.scatter([c.lon_deg for c in ground], [c.lat_deg for c in ground], s=[20 + c.mw / 5 for c in ground],
                    c=util, cmap="RdYlGn_r", vmin=0, vmax=1, edgecolors="k", linewidths=0.6, zorder=3)
    for c in ground:
        ax.annotate(c.id, (c.lon_deg, c.lat_deg), xytext=(4, 4), textcoords="offset points", fontsize=7, zorder=4)
    for t in tenants:
        ax.plot([], [], color=colours[t], label=t)
    orbit = [f"{c.id}: {used[c.id]['used_mw']}/{c.mw} MW" for c in problem.capacities.values() if c.kind == "orbit"]
    if orbit:
        ax.text(0.01, 0.02, "in orbit: " + "; ".join(orbit), transform=ax.transAxes, fontsize=8)
    fig.colorbar(sc, ax=ax, shrink=0.8, pad=0.01).set_label("utilisation")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 80)
    ax.set_aspect("equal")
    ax.grid(color="0.92", linewidth=0.5)
    ax.set_title(f"Plan: {plan.served_mw:,} MW served, {plan.unserved_mw:,} MW unserved, "
                 f"{plan.total_cost_usd_per_h:,.0f} USD/h (lines: tenant users -> capacity)")
    return _png(fig)


def report_markdown(plan, problem, scenario) -> str:
    """A one-page summary a planner would forward."""
    lines = [f"# Capacity plan — scenario '{scenario.name}'", ""]
    if scenario.description:
        lines += [scenario.description, ""]
    mwh = plan.total_cost_usd_per_h / max(plan.served_mw, 1)
    lines += [
        f"- **Served:** {plan.served_mw:,} MW of {plan.served_mw + plan.unserved_mw:,} MW demanded; "
        f"**unserved:** {plan.unserved_mw:,} MW",
        f"- **Cost:** {plan.total_cost_usd_per_h:,.0f} USD/h ({mwh:,.1f} USD per MWh of IT on average; "
        f"{plan.total_cost_usd_per_h * 8760 / 1e9:,.2f} bn USD/yr)",
        f"- **Optimality:** {'proven optimal' if plan.optimal else 'best found (search limit reached)'}; "
        f"objective {plan.objective:,} cents/h, relaxation bound {plan.lower_bound:,}",
        "",
    ]
    if plan.changes:
        ch = plan.changes
        lines += ["## Re-plan", "",
                  f"- failed: {', '.join(ch['failed']) or '—'}; evicted: {', '.join(ch['evicted']) or '—'}",
                  f"- moved {ch['moved_mw']:,} MW; freed {ch['freed_mw']:,} MW; cost change "
                  f"{ch['cost_delta_usd_per_h']:+,.0f} USD/h",
                  f"- newly unserved: " + ("; ".join(f"{u['tenant']} {u['mw']} MW" for u in ch["newly_unserved"]) or "none"),
                  ""]
    lines += ["## Tenants", "", "| tenant | demand MW | capacity | MW | RTT ms | USD/MWh | kg CO2/MWh |",
              "|---|---:|---|---:|---:|---:|---:|"]
    for t in scenario.tenants:
        rows = [a for a in plan.assignments if a["tenant"] == t.id] or [None]
        for k, a in enumerate(rows):
            head = f"| {t.id} | {t.mw:,} " if k == 0 else "| | "
            if a is None:
                lines.append(head + "| — | 0 | | | |")
            else:
                lines.append(head + f"| {a['capacity_id']} | {a['mw']:,} | {a['rtt_ms']:.1f} | "
                             f"{a['cost_usd_per_mwh_it']:.1f} | {a['carbon_kg_per_mwh_it']:.0f} |")
    lines += ["", "## Unserved", ""]
    lines += [f"- {u['reason']}" for u in plan.unserved] or ["- none"]
    lines += ["", "## Top alternatives", "",
              "Cheapest allowed capacity each tenant does not use now (what to offer it next):", ""]
    used_pairs = {(a["tenant"], a["capacity_id"]) for a in plan.assignments}
    for t in scenario.tenants:
        keys = [d.key for d in problem.demands if d.tenant.id == t.id]
        options = sorted({cid: w for (k, cid), w in problem.arcs.items() if k in keys and (t.id, cid) not in used_pairs}.items(),
                         key=lambda kv: kv[1])[:3]
        if options:
            lines.append(f"- **{t.id}**: " + ", ".join(f"{cid} ({w / 100:.0f} USD/MWh)" for cid, w in options))
    lines += ["", "## Utilisation", "", "| capacity | kind | used MW | capacity MW | % |", "|---|---|---:|---:|---:|"]
    for u in plan.utilization:
        c = problem.capacities[u["capacity_id"]]
        pct = 100 * u["used_mw"] / u["capacity_mw"] if u["capacity_mw"] else 0
        lines.append(f"| {c.id} | {c.kind} | {u['used_mw']:,} | {u['capacity_mw']:,} | {pct:.0f} |")
    return "\n".join(lines) + "\n"


def write_plan_outputs(out: Path, plan, problem, scenario, demand) -> list[Path]:
    from placement.outputs import records_to_csv, write_atomic

    centres = demand_node_centroids(problem, scenario)
    return [
        write_atomic(out / "plan.json", json.dumps(plan.to_dict(), indent=2) + "\n"),
        write_atomic(out / "assignments.csv", records_to_csv(plan.assignments)),
        write_atomic(out / "plan.geojson", json.dumps(plan_geojson(plan, problem, scenario, demand, centres)) + "\n"),
        write_atomic(out / "map.png", plan_map_png(plan, problem, scenario, demand, centres)),
        write_atomic(out / "report.md", report_markdown(plan, problem, scenario)),
    ]
