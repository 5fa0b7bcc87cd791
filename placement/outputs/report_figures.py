"""The numbers the report prints, read from the plan's own records so the page and the JSON agree.

* :func:`period_money` — per period of the plan over time: MW served and unserved, revenue and
  margin, from the rows of ``plan_periods.json`` (``records[]``, ``unserved[]``); money the rows do
  not carry (migration, eviction) is taken from the period's own total where the plan gives one
  (``periods[].margin_usd``) or from its layer's money, and shown apart. The period margins add up
  to the headline the report prints.
* :func:`capacity_values` — the value of one more MW per capacity and period [USD per
  MW-month], with its non-cash penalty relief where the plan reports one.
* :func:`build_next_by_workload` — one site per workload (training, inference) from
  :func:`placement.ground.workloads.build_next`, with its time to power as a date and the plan's
  value of one more MW there.

Every reader looks fields up by name and tolerates a missing one.
"""
from __future__ import annotations

import datetime as dt
import math

__all__ = ["period_money", "capacity_values", "build_next_by_workload", "first_power_date", "millions", "MILLION"]

MILLION = 1e6
#: Mean days per month (365.25 / 12), as :func:`placement.plan.periods.capacity_window` counts them.
DAYS_PER_MONTH = 30.4375
#: Money not in the rows of a period, as the layer's money names it.
_OFF_ROW_COSTS = ("migration_usd", "eviction_usd", "sla_credits_usd", "gpu_depreciation_usd")


def millions(usd: float) -> int:
    """USD as whole millions [M USD] (the unit of every money column of the report)."""
    return int(round(usd / MILLION))


def millions_adding_up(usd: list) -> list[int]:
    """Each of ``usd`` in whole millions [M USD], rounded so the parts add up to their rounded total
    (largest remainder: each part is its value rounded down or up, the ups going to the largest
    fractions), so a table's rows sum to the headline printed above them."""
    exact = [float(v) / MILLION for v in usd]
    floors = [math.floor(v) for v in exact]
    missing = int(round(sum(exact))) - sum(floors)
    order = sorted(range(len(exact)), key=lambda k: exact[k] - floors[k], reverse=True)
    for k in order[:max(missing, 0)]:
        floors[k] += 1
    return floors


def _num(x, default: float = 0.0) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return default
    return v if math.isfinite(v) else default


def period_money(doc: dict, period_plan=None) -> list[dict]:
    """Per period, in the plan's order: ``label``, ``served_mw``, ``unserved_mw``, ``demanded_mw``,
    ``revenue_usd``, ``rows_margin_usd`` (the sum of the period's rows), ``off_rows_usd`` (margin
    the rows do not carry: migration, eviction, SLA credits; 0 where none) and ``margin_usd`` (the period's
    margin, their sum) [USD]. ``doc`` is ``period_plan.to_dict()`` (plan_periods.json)."""
    periods = doc.get("periods") or []
    out = []
    for k, p in enumerate(periods):
        label = p.get("label") if isinstance(p, dict) else str(p)
        rows = [r for r in doc.get("records") or [] if r.get("period") == label]
        served = int(round(sum(_num(r.get("mw")) for r in rows if r.get("capacity_id"))))
        unserved = int(round(sum(_num(u.get("mw")) for u in doc.get("unserved") or [] if u.get("period") == label)))
        rows_margin = sum(_num(r.get("margin_usd")) for r in rows)
        total = None
        if isinstance(p, dict) and p.get("margin_usd") is not None:
            total = _num(p["margin_usd"])
        elif period_plan is not None and k < len(getattr(period_plan, "layers", [])):
            money = getattr(period_plan.layers[k], "money", None) or {}
            if "margin_usd" in money:
                total = _num(money["margin_usd"])
            elif "revenue_usd" in money:
                total = rows_margin - sum(_num(money.get(key)) for key in _OFF_ROW_COSTS)
        total = rows_margin if total is None else total
        out.append({"label": label, "served_mw": served, "unserved_mw": unserved, "demanded_mw": served + unserved,
                    "revenue_usd": sum(_num(r.get("revenue_usd")) for r in rows),
                    "rows_margin_usd": rows_margin, "off_rows_usd": total - rows_margin, "margin_usd": total})
    return out


def capacity_values(doc: dict, period_plan=None) -> dict:
    """Capacity id -> {period label: (value of one more MW [USD per MW-month], non-cash penalty
    relief [USD per MW-month] or None)}: from the plan's per-capacity-and-period records carrying
    ``value_usd_per_mw_month`` where it has them, else from ``capacity_value_usd_per_mw_month``."""
    out: dict = {}
    for value in doc.values():
        if not isinstance(value, list):
            continue
        for r in value:
            if isinstance(r, dict) and "capacity_id" in r and "period" in r and "value_usd_per_mw_month" in r:
                relief = r.get("penalty_relief_usd_per_mw_month")
                out.setdefault(r["capacity_id"], {})[r["period"]] = (
                    _num(r["value_usd_per_mw_month"]), None if relief is None else _num(relief))
    if out or period_plan is None:
        return out
    by_capacity = getattr(period_plan, "capacity_value_usd_per_mw_month", None) or {}
    return {cid: {label: (_num(v), None) for label, v in values.items()} for cid, values in by_capacity.items()}


def first_power_date(planning, months) -> str | None:
    """``YYYY-MM`` when a site built from the plan's start first has power, ``months`` later."""
    start = getattr(planning, "start", None)
    if start is None or months is None or not math.isfinite(_num(months, math.nan)):
        return None
    return (start + dt.timedelta(days=DAYS_PER_MONTH * _num(months))).strftime("%Y-%m")


def build_next_by_workload(site_scores, scenario, values: dict, labels: list) -> list[dict]:
    """Per workload (:data:`placement.ground.workloads.WORKLOADS`): the site record
    :func:`~placement.ground.workloads.build_next` picks (``workload``,
    ``workload_cost_usd_per_mwh_it`` added) plus ``first_power`` (``YYYY-MM``), ``in_plan`` (the
    site is a capacity of the scenario), ``value_first`` (value of one more MW there in the first
    period and its relief, or None), ``value_peak`` ((value, relief, period label) of the period
    where it is highest, or None)."""
    from placement.ground.workloads import WORKLOADS, build_next

    if site_scores is None or not len(site_scores):
        return []
    records = site_scores.to_records()
    penalty = _num(getattr(getattr(scenario, "assignment", None), "latency_penalty_usd_per_mwh_per_ms", 0.0))
    capacity_ids = {getattr(c, "id", None) for c in getattr(scenario, "capacity", ()) or ()}
    out = []
    for workload in WORKLOADS:
        rec = build_next(records, workload, latency_penalty_usd_per_mwh_per_ms=penalty)
        if rec is None:
            continue
        rec = dict(rec, latency_penalty_usd_per_mwh_per_ms=penalty, slo_rtt_ms=getattr(site_scores, "slo_rtt_ms", None),
                   first_power=first_power_date(getattr(scenario, "planning", None), rec.get("time_to_power_months")),
                   in_plan=rec.get("id") in capacity_ids, value_first=None, value_peak=None)
        by_period = values.get(rec.get("id")) or {}
        if by_period and labels:
            rec["value_first"] = by_period.get(labels[0])
            peak = max((p for p in labels if p in by_period), key=lambda p: by_period[p][0], default=None)
            if peak is not None:
                rec["value_peak"] = (*by_period[peak], peak)
        out.append(rec)
    return out
