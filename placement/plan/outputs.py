"""Outputs of the plan over periods: ``plan_periods.csv/json``, ``capacity_value.csv`` and
``timeline.png`` (MW by tenant and by capacity over the periods, stacked)."""
from __future__ import annotations

import json

import numpy as np

#: Columns of plan_periods.csv.
PERIOD_FIELDS = ("tenant", "capacity_id", "kind", "period", "mw", "revenue_usd", "cost_usd", "margin_usd")


def capacity_value_records(plan) -> list[dict]:
    """One row per capacity and period: MW available, used, and the value of one more MW."""
    out = []
    for layer in plan.layers:
        used = {}
        for (_, cid), mw in layer.placed.items():
            used[cid] = used.get(cid, 0) + mw
        for j, cid in enumerate(layer.problem.capacity_ids):
            cap = layer.problem.capacities[cid]
            out.append({"capacity_id": cid, "kind": cap.kind, "period": layer.period.label, "capacity_mw": cap.mw,
                        "used_mw": int(used.get(cid, 0)),
                        "value_usd_per_mw": round(float(layer.values[j]), 2),
                        "capacity_value_usd_per_mw_month": round(float(layer.values[j]) / layer.period.months, 2)})
    return out


def timeline_png(plan) -> bytes:
    """Two stacked-area panels over the periods: MW by tenant, and MW by capacity (orbit hatched)."""
    import matplotlib

    from placement.plots import _png, _pyplot

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
    from placement.outputs import records_to_csv

    return [
        write("plan_periods.csv", records_to_csv(plan.rows, PERIOD_FIELDS)),
        write("plan_periods.json", json.dumps(plan.to_dict(), indent=2, default=float) + "\n"),
        write("capacity_value.csv", records_to_csv(capacity_value_records(plan))),
        write("timeline.png", timeline_png(plan)),
    ]
