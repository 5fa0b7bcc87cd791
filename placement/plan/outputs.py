"""Outputs of the plan over periods: ``plan_periods.csv/json``, ``capacity_value.csv`` and
``timeline.png`` (MW by tenant and by capacity over the periods, stacked); and of one period's
plan: ``plan.json``, ``assignments.csv``, ``plan.geojson``, ``map.png`` and ``report.md``."""
from __future__ import annotations

import json

import numpy as np

from placement.earth.demand import demand_points
from placement.outputs.basemap import draw_basemap
from placement.outputs.files import records_to_csv
from placement.outputs.plots import _map_figure, _png, _pyplot, place_labels
from placement.outputs.report import report_markdown
from placement.plan.model import key_label

#: Columns of plan_periods.csv.
PERIOD_FIELDS = ("tenant", "capacity_id", "kind", "period", "mw", "revenue_usd", "cost_usd", "margin_usd")


def capacity_value_records(plan) -> list[dict]:
    """One row per capacity and period (``capacity_value.csv``): MW available and used, the value of
    one more MW (``value_usd_per_mw_month``: the rise of the period's margin) and the non-cash
    penalties it relieves (``penalty_relief_usd_per_mw_month``), both [USD per MW-month]."""
    return plan.capacity_value_records()


def timeline_png(plan) -> bytes:
    """Two stacked-area panels over the periods: MW by tenant, and MW by capacity (orbit hatched)."""
    import matplotlib

    from placement.outputs.plots import _png, _pyplot

    plt = _pyplot()
    labels = [p.label for p in plan.periods]
    x = np.arange(len(labels))
    by_tenant, by_capacity = {}, {}
    for k, layer in enumerate(plan.layers):
        for (key, cid), mw in layer.placed.items():
            by_tenant.setdefault(key[0], np.zeros(len(labels)))[k] += mw
            by_capacity.setdefault(cid, np.zeros(len(labels)))[k] += mw
    fig, axes = plt.subplots(2, 1, figsize=(12, 8), sharex=True, constrained_layout=True)
    for ax, series, title in ((axes[0], by_tenant, "MW served by tenant"), (axes[1], by_capacity,
                                                                            "MW used by capacity")):
        names = sorted(series)
        palette = matplotlib.colormaps["tab20"].colors  # 20 distinct colours; hatches beyond them
        styles = [{"color": palette[k % 20], "hatch": (None, "..", "xx")[(k // 20) % 3]} for k in range(len(names))]
        bottom = np.zeros(len(labels))
        for name, style in zip(names, styles):
            kind = ""
            if series is by_capacity:
                kind = plan.layers[0].problem.capacities[name].kind
            edges = np.arange(len(labels) + 1) - 0.5  # each period a full-width step
            top = bottom + series[name]
            ax.fill_between(edges, np.r_[bottom, bottom[-1]], np.r_[top, top[-1]], step="post",
                            color=style["color"], alpha=0.85,
                            hatch="//" if kind == "orbit" else style["hatch"], edgecolor="white", linewidth=0.5,
                            label=name + (" (orbit)" if kind == "orbit" else ""))
            bottom = top
        ax.set_xlim(-0.5, len(labels) - 0.5)
        ax.set_ylabel("MW")
        ax.set_title(title, loc="left")
        ax.grid(color="0.9")
        if names:
            ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        else:
            ax.text(0.5, 0.5, "nothing served", transform=ax.transAxes, ha="center", color="0.4")
    for ev in plan.evictions:
        k = labels.index(ev["period"])
        for ax in axes:
            ax.axvline(k - 0.5, color="crimson", linestyle="--", linewidth=1)
        axes[0].annotate(f"{ev['tenant']} expelled", (k - 0.5, axes[0].get_ylim()[1] * 0.95), color="crimson",
                         fontsize=8, ha="right")
    axes[1].set_xticks(x, labels, rotation=45 if len(labels) > 12 else 0)
    fig.suptitle(f"Plan {labels[0]}-{labels[-1]}: margin {plan.margin_usd / 1e9:,.2f} bn USD", fontsize=12)
    return _png(fig)


def write_period_outputs(write, plan) -> list:
    """Write ``plan_periods.csv``, ``plan_periods.json``, ``capacity_value.csv`` and ``timeline.png``
    with ``write(name, data) -> path``; the paths written."""
    from placement.outputs.files import records_to_csv

    return [
        write("plan_periods.csv", records_to_csv(plan.rows, PERIOD_FIELDS)),
        write("plan_periods.json", json.dumps(plan.to_dict(), indent=2, default=float) + "\n"),
        write("capacity_value.csv", records_to_csv(capacity_value_records(plan))),
        write("timeline.png", timeline_png(plan)),
    ]


def demand_node_centroids(problem, scenario) -> dict:
    """Demand-node key -> (lat, lon) of its users' weighted centre (for drawing tenant -> site lines;
    a latency-bound tenant split by region gets one centre per region)."""

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
    for c in problem.failed.values():  # a re-plan's failed capacity, so the map shows where it was
        geom = None if c.kind == "orbit" else {"type": "Point", "coordinates": [c.lon_deg, c.lat_deg]}
        feats.append({"type": "Feature", "geometry": geom, "properties": {
            "layer": "failed", "id": c.id, "name": c.name, "kind": c.kind, "capacity_mw": c.mw}})
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
                      "properties": {"layer": "assignment", "tenant": tenant, "demand": key_label(key),
                                     "capacity_id": c.id,
                                     "mw": int(mw), "rtt_ms": round(problem.rtt_ms(key, c.id), 2)}})
    return {"type": "FeatureCollection", "features": feats}


def plan_map_png(plan, problem, scenario, demand, centres=None) -> bytes:
    """World map of the plan (Natural Earth 1:110m outlines): capacity sized by MW and coloured
    by utilisation, labelled with used/total MW, and tenant lines from users to capacity."""

    plt = _pyplot()
    fig, ax, cax, _ = _map_figure(plt)
    draw_basemap(ax)
    ax.scatter(demand.lon_deg, demand.lat_deg, s=30 * np.sqrt(demand.population / demand.population.max()),
               c="0.6", alpha=0.4, linewidths=0, zorder=1)
    tenants = sorted({a["tenant"] for a in plan.assignments})
    colours = {t: plt.cm.tab10(i % 10) for i, t in enumerate(tenants)}
    styles = {t: ("-", "--", "-.", ":")[(i // 10) % 4] for i, t in enumerate(tenants)}
    centres = centres or demand_node_centroids(problem, scenario)
    line_pts = [[], [], []]  # points along the tenant lines, kept clear of labels
    for tenant, _, c, mw, (lat, lon) in _lines(plan, problem, centres):
        width = 0.8 + mw / 250
        ax.plot([lon, c.lon_deg], [lat, c.lat_deg], color=colours[tenant], linestyle=styles[tenant],
                linewidth=width, alpha=0.8, zorder=2, solid_capstyle="round")
        t = np.linspace(0, 1, max(int(np.hypot(c.lon_deg - lon, c.lat_deg - lat)), 1) + 1)
        line_pts[0] += list(lon + t * (c.lon_deg - lon))
        line_pts[1] += list(lat + t * (c.lat_deg - lat))
        line_pts[2] += [width / 2 + 0.5] * t.size
    used = {u["capacity_id"]: u for u in plan.utilization}
    # big capacities drawn first, so a small one at the same place stays visible on top
    ground = sorted((c for c in problem.capacities.values() if c.kind == "ground"), key=lambda c: -c.mw)
    util = [used[c.id]["used_mw"] / max(used[c.id]["capacity_mw"], 1) for c in ground]
    sizes = np.array([20 + c.mw / 5 for c in ground], float)
    sc = ax.scatter([c.lon_deg for c in ground], [c.lat_deg for c in ground], s=sizes,
                    c=util, cmap="RdYlGn_r", vmin=0, vmax=1, edgecolors="k", linewidths=0.6, zorder=3)
    place_labels(ax, [c.lon_deg for c in ground], [c.lat_deg for c in ground],
                 [f"{c.id} {used[c.id]['used_mw']:,}/{c.mw:,} MW" for c in ground],
                 marker_radius_pt=np.sqrt(sizes) / 2, fontsize=7, others=line_pts if line_pts[0] else None,
                 merge_stacked=True)
    failed = [c for c in problem.failed.values() if c.kind == "ground"]
    if failed:  # a re-plan: where the capacity that failed stood, so the moves read from the map
        ax.scatter([c.lon_deg for c in failed], [c.lat_deg for c in failed], s=160, marker="X", c="crimson",
                   edgecolors="k", linewidths=0.6, zorder=4, label="failed capacity")
        for c in failed:
            ax.annotate(f"{c.id} failed ({c.mw:,} MW)", (c.lon_deg, c.lat_deg), xytext=(6, -12),
                        textcoords="offset points", fontsize=7, color="crimson", zorder=6)
    for t in tenants:
        ax.plot([], [], color=colours[t], linestyle=styles[t], label=t)
    orbit = [f"{c.id}: {used[c.id]['used_mw']:,}/{c.mw:,} MW" for c in problem.capacities.values() if c.kind == "orbit"]
    if orbit:
        ax.text(0.01, 0.02, "in orbit: " + "; ".join(orbit), transform=ax.transAxes, fontsize=8, zorder=6,
                bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="0.8", alpha=0.9))
    fig.colorbar(sc, cax=cax, orientation="horizontal").set_label("utilisation (used / capacity MW) [-]")
    if tenants or failed:
        ax.legend(fontsize=8, loc="lower right", title="tenant (line width: MW)", title_fontsize=8,
                  framealpha=0.9).set_zorder(6)
    ax.set_title(f"Plan: {plan.served_mw:,} MW served, {plan.unserved_mw:,} MW unserved, "
                 f"{plan.total_cost_usd_per_h:,.0f} USD/h\n"
                 f"lines: tenant users -> capacity; labels: used/total MW; marker size: capacity MW", fontsize=11)
    return _png(fig)


def write_plan_outputs(write, plan, problem, scenario, demand, *, site_scores=None, shell_scores=None,
                       period_plan=None) -> list:
    """Write ``plan.json``, ``assignments.csv``, ``plan.geojson``, ``map.png`` and ``report.md`` with
    ``write(name, data) -> path`` (an :class:`placement.outputs.files.OutputSet`'s); the paths written."""

    centres = demand_node_centroids(problem, scenario)
    return [
        write("plan.json", json.dumps(plan.to_dict(), indent=2) + "\n"),
        write("assignments.csv", records_to_csv(plan.assignments)),
        write("plan.geojson", json.dumps(plan_geojson(plan, problem, scenario, demand, centres)) + "\n"),
        write("map.png", plan_map_png(plan, problem, scenario, demand, centres)),
        write("report.md", report_markdown(plan, problem, scenario, site_scores, shell_scores, period_plan)),
    ]
