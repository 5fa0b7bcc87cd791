"""Outputs of the plan over periods: ``plan_periods.csv/json``, ``capacity_value.csv`` and
``timeline.png`` (MW by tenant and by capacity over the periods, stacked); and of one period's
plan: ``plan.json``, ``assignments.csv``, ``plan.geojson``, ``map.png`` and ``report.md``."""
from __future__ import annotations

import json

import numpy as np

from placement.outputs.files import records_to_csv
from placement.plan.model import key_label

#: Columns of plan_periods.csv.
PERIOD_FIELDS = ("tenant", "capacity_id", "kind", "period", "mw", "revenue_usd", "cost_usd", "margin_usd")
#: Columns a GPU pool's records add (empty in the others).
GPU_FIELDS = ("gpus", "generation", "revenue_usd_per_gpu_hour")


def capacity_value_records(plan) -> list[dict]:
    """One row per capacity and period (``capacity_value.csv``): MW available and used, the value of
    one more MW (``value_usd_per_mw_month``: the rise of the period's margin) and the non-cash
    penalties it relieves (``penalty_relief_usd_per_mw_month``), both [USD per MW-month]."""
    return plan.capacity_value_records()


#: Series a timeline panel draws one by one (the largest by MW over the plan); the rest are one
#: area, "N other tenants" (a legend of 200 tenants is not read, and collapses the figure).
TIMELINE_SERIES = 15
OTHERS_PREFIX = "\u2026 "


def _largest(series: dict, what: str) -> dict:
    """``series`` (name -> MW by period) with all but its :data:`TIMELINE_SERIES` - 1 largest
    summed into one ``"... N other {what}"``."""
    if len(series) <= TIMELINE_SERIES:
        return series
    order = sorted(series, key=lambda n: (-float(series[n].sum()), n))
    keep, rest = order[:TIMELINE_SERIES - 1], order[TIMELINE_SERIES - 1:]
    out = {n: series[n] for n in keep}
    out[f"{OTHERS_PREFIX}{len(rest)} other {what}"] = np.sum([series[n] for n in rest], axis=0)
    return out


def timeline_png(plan) -> bytes:
    """Two stacked-area panels over the periods: MW by tenant, and MW by capacity (orbit hatched)."""
    import matplotlib

    from placement.outputs.plots import _png, _pyplot

    plt = _pyplot()
    labels = [p.label for p in plan.periods]
    x = np.arange(len(labels))
    by_tenant, by_capacity = {}, {}
    for k, layer in enumerate(plan.layers):
        for (key, cid), n in layer.placed.items():
            mw = n * layer.problem.capacities[cid].mw_per_unit  # a GPU pool's GPUs as MW
            by_tenant.setdefault(key[0], np.zeros(len(labels)))[k] += mw
            by_capacity.setdefault(cid, np.zeros(len(labels)))[k] += mw
    by_tenant, by_capacity = _largest(by_tenant, "tenants"), _largest(by_capacity, "capacities")
    fig, axes = plt.subplots(2, 1, figsize=(12, 8), sharex=True, constrained_layout=True)
    for ax, series, title in ((axes[0], by_tenant, "MW served by tenant"), (axes[1], by_capacity,
                                                                            "MW used by capacity")):
        names = sorted(series, key=lambda n: (n.startswith(OTHERS_PREFIX), n))
        palette = matplotlib.colormaps["tab20"].colors  # 20 distinct colours; hatches beyond them
        styles = [{"color": "0.6" if name.startswith(OTHERS_PREFIX) else palette[k % 20],
                   "hatch": (None, "..", "xx")[(k // 20) % 3]} for k, name in enumerate(names)]
        bottom = np.zeros(len(labels))
        for name, style in zip(names, styles):
            kind = ""
            if series is by_capacity and name in plan.layers[0].problem.capacities:
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
        write("plan_periods.csv", records_to_csv(plan.rows, PERIOD_FIELDS + (
            GPU_FIELDS if any("gpus" in r for r in plan.rows) else ()))),
        write("plan_periods.json", json.dumps(plan.to_dict(), indent=2, default=float) + "\n"),
        write("capacity_value.csv", records_to_csv(capacity_value_records(plan))),
        write("timeline.png", timeline_png(plan)),
    ]


def plan_geojson(plan, problem, scenario, demand) -> dict:
    """GeoJSON FeatureCollection (RFC 7946, lon/lat): capacity points with utilisation, the
    scenario's demand points, and one line per tenant, user region and capacity from the region's
    centroid (:func:`placement.outputs.map_layers.flows_of`, the maps' own). Orbital capacity has no
    fixed place: null geometry."""
    from placement.outputs.map_layers import demand_dots, flows_of, site_of

    feats = []
    used = {u["capacity_id"]: u for u in plan.utilization}
    for c in problem.capacities.values():
        u = used[c.id]
        geom = None if c.kind == "orbit" else {"type": "Point", "coordinates": [c.lon_deg, c.lat_deg]}
        feats.append({"type": "Feature", "geometry": geom, "properties": {
            "layer": "capacity", "id": c.id, "name": c.name, "kind": c.kind, "used_mw": u["used_mw"],
            "capacity_mw": u["capacity_mw"],
            "utilization": round(u["used_mw"] / u["capacity_mw"], 4) if u["capacity_mw"] else 0,
            "lcoe_usd_per_mwh_it": round(c.lcoe_usd_per_mwh_it, 2)}})
    failed = {}  # a re-plan's failed capacity, so the map shows where it was: a campus of GPU pools whole
    for c in problem.failed.values():
        sid, name = site_of(c)
        if sid in failed:
            failed[sid]["properties"]["capacity_mw"] = round(failed[sid]["properties"]["capacity_mw"]
                                                             + c.mw * c.mw_per_unit, 3)
            continue
        geom = None if c.kind == "orbit" else {"type": "Point", "coordinates": [c.lon_deg, c.lat_deg]}
        failed[sid] = {"type": "Feature", "geometry": geom, "properties": {
            "layer": "failed", "id": sid, "name": name, "kind": c.kind,
            "capacity_mw": round(c.mw * c.mw_per_unit, 3) if c.generation else c.mw}}
    feats += list(failed.values())
    dots = demand_dots(demand)
    for i in range(min(dots["weight"].size, 300)):
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point", "coordinates": [float(dots["lon_deg"][i]), float(dots["lat_deg"][i])]},
                      "properties": {"layer": "demand", "country": str(dots["country"][i]),
                                     "weight": round(float(dots["weight"][i]), 6)}})
    key_of = {(d.tenant.id, cid): d.key for d in problem.demands for cid in problem.capacities}
    for f in flows_of(plan.demand_flows, problem.demands, problem.capacities, scenario.demand_weights,
                      scenario.demand_cell_deg):
        key = key_of.get((f.tenant, f.pool_id))
        feats.append({"type": "Feature", "geometry": {"type": "LineString",
                                                      "coordinates": [[f.lon_from, f.lat_from], [f.lon_to, f.lat_to]]},
                      "properties": {"layer": "assignment", "tenant": f.tenant, "user_region": f.region,
                                     "demand": key_label(key) if key is not None else f.tenant,
                                     "capacity_id": f.pool_id, "mw": round(f.mw, 3),
                                     "rtt_ms": round(problem.rtt_ms(key, f.pool_id), 2) if key is not None else None}})
    return {"type": "FeatureCollection", "features": feats}


def write_plan_outputs(write, plan, problem, scenario, demand, *, site_scores=None, shell_scores=None,
                       period_plan=None) -> list:
    """Write ``plan.json``, ``assignments.csv``, ``plan.geojson``, ``map.png``, ``report.md`` and
    ``report.html`` with ``write(name, data) -> path`` (an :class:`placement.outputs.files.OutputSet`'s);
    the paths written.

    The map and the two reports show the plan over time's first period (what the report calls
    now; the HTML map has a slider over every period) when there is one, else the one-period
    assignment; report.md and report.html are the same blocks."""
    from placement.outputs.map_layers import view_of_assignment, view_of_period
    from placement.outputs.plan_map import plan_map_png
    from placement.outputs.report import render_markdown, report_blocks
    from placement.outputs.report_figures import capacity_values
    from placement.outputs.report_html import report_html

    if period_plan is not None and period_plan.layers:
        values = capacity_values(period_plan.to_dict(), period_plan)
        views = [view_of_period(period_plan, scenario, k, values) for k in range(len(period_plan.layers))]
        caption = f"Plan in {period_plan.layers[0].period.label}, the first period: tenants' user regions to capacity"
    else:
        views = [view_of_assignment(plan, problem, scenario)]
        caption = f"Plan for {scenario.assignment.horizon_year}: tenants' user regions to capacity"
    blocks = report_blocks(plan, problem, scenario, site_scores, shell_scores, period_plan, caption)
    sites = site_scores.to_records() if site_scores is not None else None
    return [
        write("plan.json", json.dumps(plan.to_dict(), indent=2) + "\n"),
        write("assignments.csv", records_to_csv(plan.assignments)),
        write("plan.geojson", json.dumps(plan_geojson(plan, problem, scenario, demand)) + "\n"),
        write("map.png", plan_map_png(views[0], demand)),
        write("report.md", render_markdown(blocks)),
        write("report.html", report_html(blocks, views, demand, sites, title=f"Capacity plan — {scenario.name}")),
    ]
