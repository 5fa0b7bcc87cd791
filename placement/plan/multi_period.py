"""A solved plan over periods: its layers, margin itemised by period, the value of one more MW,
what to build next, unserved demand with reasons, and its JSON (``plan_periods.json``).

Money (:mod:`placement.plan.money`): the plan's ``margin_usd`` is the sum of its periods'
margins, each the sum of its items; the non-cash penalties sit beside it (``penalty_usd``), and
the objective the solver minimised is ``penalty_usd - margin_usd``.

The value of one more MW of a capacity in a period (:mod:`placement.plan.values`) is the rise of
that period's margin when the capacity has one more MW in it, in USD per MW-month
(``value_usd_per_mw_month``); the fall of the non-cash penalties beside it
(``penalty_relief_usd_per_mw_month``). Later periods of the rolling plan start from that
period's placement and are not re-solved for it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placement.plan.explain import explain_unserved, unserved_mw
from placement.plan.model import Problem
from placement.plan.money import MARGIN_ITEMS
from placement.plan.periods import HOURS_PER_MONTH, Period


@dataclass
class Layer:
    """One period: its problem (weights in USD per MW-period), solution and what it decided.

    ``values``: per capacity, the objective fall [USD per MW over the period] for one more MW;
    ``margin_values``: the margin rise [USD per MW over the period]; ``money``: the margin items,
    ``margin_usd`` and ``penalty_usd`` [USD] (:func:`placement.plan.money.layer_money`)."""
    period: Period
    problem: Problem
    solution: object
    placed: dict  # (demand key, capacity id) -> MW
    values: np.ndarray
    evicted: list  # tenant ids expelled in this period
    moved_mw: int
    money: dict
    margin_values: np.ndarray | None = None

    def served_mw(self):
        """MW of IT placed in this period: a GPU pool's GPUs x its MW per GPU (whole MW where every
        capacity counts MW)."""
        caps = self.problem.capacities
        if not any(c.generation for c in caps.values()):
            return int(sum(self.placed.values()))
        return round(sum(n * caps[cid].mw_per_unit for (_, cid), n in self.placed.items()), 1)

    def used_mw(self) -> dict:
        """Capacity id -> units placed on it in this period (MW; GPUs on a GPU pool)."""
        used = {}
        for (_, cid), mw in self.placed.items():
            used[cid] = used.get(cid, 0) + mw
        return used


def _per_month(value_usd_per_mw: float, period: Period) -> float:
    return float(value_usd_per_mw) / period.months + 0.0  # + 0.0: no -0.0


@dataclass
class MultiPeriodPlan:
    """A solved plan over periods (module docstring); :meth:`to_dict` gives plan_periods.json.

    ``objective`` [USD, the graph's integer units; negative is profit]; ``margin_usd`` [USD], the
    sum of the periods' margins; ``capacity_value`` {capacity node of the plan's graph
    ``(period label, "capacity", id)``: margin rise [USD per MW-month] for one more MW};
    ``capacity_objective_value`` {the same nodes: objective fall [USD per MW over the period]}."""
    scenario: str
    fingerprint: str
    periods: list
    layers: list
    rows: list
    objective: int
    margin_usd: float
    capacity_value: dict
    evictions: list
    optimal: bool
    capacity_objective_value: dict | None = None

    @property
    def capacity_value_usd_per_mw_month(self) -> dict:
        """Capacity id -> {period label: value of one more MW, the rise of the period's margin
        [USD per MW-month]}; a GPU pool's value per GPU over the MW one GPU draws, as in
        :meth:`capacity_value_records`."""
        out = {}
        for layer in self.layers:
            for j, cid in enumerate(layer.problem.capacity_ids):
                per = layer.problem.capacities[cid].mw_per_unit
                out.setdefault(cid, {})[layer.period.label] = _per_month(layer.margin_values[j] / per, layer.period)
        return out

    @property
    def penalty_relief_usd_per_mw_month(self) -> dict:
        """Capacity id -> {period label: fall of the non-cash penalties for one more MW
        [USD per MW-month]} (objective fall less margin rise)."""
        out = {}
        for layer in self.layers:
            for j, cid in enumerate(layer.problem.capacity_ids):
                per = layer.problem.capacities[cid].mw_per_unit
                out.setdefault(cid, {})[layer.period.label] = _per_month(
                    (layer.values[j] - layer.margin_values[j]) / per, layer.period)
        return out

    def capacity_value_records(self) -> list[dict]:
        """One row per capacity and period: MW available and used, the value of one more MW
        (margin rise) and the penalty relief beside it [USD per MW-month]."""
        out = []
        for layer in self.layers:
            used = layer.used_mw()
            for j, cid in enumerate(layer.problem.capacity_ids):
                cap = layer.problem.capacities[cid]
                # a GPU pool counts GPUs: its MW are its GPUs' MW, its values per MW those per GPU over
                # the MW one GPU draws
                per = cap.mw_per_unit
                rise = float(layer.margin_values[j]) / per
                row = {"capacity_id": cid, "kind": cap.kind, "period": layer.period.label}
                if cap.generation:
                    row |= {"capacity_mw": round(cap.mw * per, 3), "used_mw": round(used.get(cid, 0) * per, 3),
                            "gpus": int(cap.mw), "used_gpus": int(used.get(cid, 0)), "generation": cap.generation}
                else:
                    row |= {"capacity_mw": int(cap.mw), "used_mw": int(used.get(cid, 0))}
                out.append(row | {"value_usd_per_mw_month": round(_per_month(rise, layer.period), 2),
                                  "penalty_relief_usd_per_mw_month": round(
                                      _per_month(float(layer.values[j]) / per - rise, layer.period), 2)})
        return out

    @property
    def build_next(self) -> list:
        """Capacities ranked by the mean value of one more MW over the plan [USD per MW-month of margin]."""
        ranked = [{"capacity_id": cid, "mean_value_usd_per_mw_month": round(float(np.mean(list(v.values()))), 2),
                   "peak_value_usd_per_mw_month": round(float(max(v.values())), 2),
                   # the first period at the peak to the cent (values equal but for float noise tie)
                   "peak_period": max(v, key=lambda p: round(v[p], 2))}
                  for cid, v in self.capacity_value_usd_per_mw_month.items()]
        return sorted(ranked, key=lambda r: -r["mean_value_usd_per_mw_month"])

    @property
    def orbit_first_period(self) -> str | None:
        """The first period in which an orbital shell carries load (None: never)."""
        for layer in self.layers:
            for (key, cid), mw in layer.placed.items():
                if mw > 0 and layer.problem.capacities[cid].kind == "orbit":
                    return layer.period.label
        return None

    @property
    def orbit_outlook(self) -> str:
        """When orbit first carries load, or why it does not: the cheapest shell's cost in the
        last period against what one more MW is worth to the plan's margin."""
        first = self.orbit_first_period
        if first:
            return first
        last = self.layers[-1] if self.layers else None
        shells = [c for c in (last.problem.capacities.values() if last else ()) if c.kind == "orbit"]
        if not shells:
            return "no orbital capacity in the scenario"
        year = last.period.year
        best = min(shells, key=lambda c: c.lcoe_in(year))
        per_month = best.lcoe_in(year) * HOURS_PER_MONTH
        worth = max((max(v.values()) for v in self.capacity_value_usd_per_mw_month.values()), default=0.0)
        return (f"not by {last.period.label}: {best.id} costs {best.lcoe_in(year):,.0f} USD/MWh "
                f"({per_month:,.0f} USD per MW-month) in {year}; one more MW anywhere adds at most "
                f"{worth:,.0f} USD per MW-month to the margin in this plan")

    @property
    def lower_bound(self) -> int:
        """Sum of the layers' proven lower bounds on their objectives [USD]: equal to
        :attr:`objective` when every layer was solved to proven optimality."""
        return int(sum(layer.solution.lower_bound for layer in self.layers))

    @property
    def gap_usd(self) -> int:
        """How far the objective may be above the layers' optima [USD] (0 when proven optimal)."""
        return int(self.objective - self.lower_bound)

    @property
    def values_exact(self) -> bool:
        """Whether every value of one more MW was proven (no re-solve cut off by the search limit)."""
        return all(getattr(layer.solution, "values_exact", True) for layer in self.layers)

    @property
    def unserved_reasons(self) -> list:
        """Unserved demand grouped by tenant and reason: ``{"tenant", "reason", "periods" (labels),
        "mw" (the most unserved in one of them)}``, in order of first appearance."""
        out = {}
        for layer in self.layers:
            for u in unserved_of_layer(layer):
                rec = out.setdefault((u["tenant"], u["reason"]), {"tenant": u["tenant"], "reason": u["reason"],
                                                                   "periods": [], "mw": 0})
                rec["periods"].append(layer.period.label)
                rec["mw"] = max(rec["mw"], u["mw"])
                if "gpus" in u:
                    rec["gpus"] = max(rec.get("gpus", 0), u["gpus"])
        return list(out.values())

    def margin_by(self, what: str) -> dict:
        """Margin [USD] by 'period' (the period's margin, every item included), or by 'capacity'
        or 'tenant' (revenue less capacity cost of the records; migration, eviction and SLA credits
        are in the periods' margins only)."""
        if what == "period":
            return {layer.period.label: layer.money["margin_usd"] for layer in self.layers}
        out = {}
        key = {"capacity": "capacity_id", "tenant": "tenant"}[what]
        for r in self.rows:
            out[r[key]] = out.get(r[key], 0.0) + r["margin_usd"]
        return out

    def margin_items(self) -> dict:
        """Each item of :data:`~placement.plan.money.MARGIN_ITEMS` summed over the periods, with
        ``margin_usd`` and ``penalty_usd`` [USD] (exact in cents)."""
        out = {}
        for k in (*MARGIN_ITEMS, "margin_usd", "penalty_usd"):
            out[k] = sum(round(layer.money[k] * 100) for layer in self.layers) / 100
        return out

    def to_dict(self) -> dict:
        items = self.margin_items()
        return {
            "scenario": self.scenario, "fingerprint": self.fingerprint,
            "periods": [{"label": layer.period.label, "start": layer.period.start.date().isoformat(),
                         "end": layer.period.end.date().isoformat(), "hours": layer.period.hours,
                         **{k: layer.money[k] for k in (*MARGIN_ITEMS, "margin_usd", "penalty_usd")}}
                        for layer in self.layers],
            "objective_usd": self.objective, "margin_usd": self.margin_usd, "optimal": self.optimal,
            "lower_bound_usd": self.lower_bound, "optimality_gap_usd": self.gap_usd,
            "capacity_values_exact": self.values_exact,
            **{k: items[k] for k in (*MARGIN_ITEMS, "penalty_usd")},
            "records": self.rows,
            "evictions": self.evictions,
            "unserved": [{"period": layer.period.label, **u} for layer in self.layers for u in unserved_of_layer(layer)],
            "capacity_values": self.capacity_value_records(),
            "orbit_first_period": self.orbit_first_period,
            "orbit_outlook": self.orbit_outlook,
            "build_next": self.build_next,
            # how it was solved (the whole-horizon plan overrides it with "horizon" and its builds)
            "method": "rolling",
        }


def proof_text(method: str, gap_usd: float, optimal: bool) -> str:
    """How a plan was solved and how far from the optimum it may be, in words (the CLI's headline
    and the report say the same): ``method`` ``"horizon"`` or ``"rolling"``, ``gap_usd`` [USD]
    between the objective and the proven bound."""
    if method == "horizon":
        if gap_usd == 0:
            return "whole horizon, proven optimal"
        if gap_usd >= 2**60:  # stopped before any bound: the best placement found, the rolling one at worst
            return "whole horizon, time limit reached before any bound (no worse than the rolling plan)"
        return f"whole horizon, time limit reached: within {gap_usd / 1e6:,.1f} M USD of the optimum"
    if optimal:
        return "rolling, each period optimal"
    return f"rolling, search limit reached: within {gap_usd / 1e6:,.1f} M USD of each period's optimum"


def unserved_of_layer(layer: Layer) -> list:
    """Per tenant left (partly) unserved in a layer: ``{"tenant", "mw", "reason"}``, the reason
    being :func:`~placement.plan.explain.explain_unserved`'s sentence for each of its demand nodes."""
    problem = layer.problem
    short = unserved_mw(problem, layer.solution)
    used = layer.used_mw()
    parts = {}
    for i in np.flatnonzero(short > 0):
        parts.setdefault(problem.demands[i].tenant.id, []).append((int(i), int(short[i])))
    out = []
    for tid, rows in parts.items():
        reasons = "; ".join(dict.fromkeys(explain_unserved(problem, i, mw, used) for i, mw in rows))
        tenant = problem.demands[rows[0][0]].tenant
        if tenant.gpus:  # counted in GPUs: the MW they would draw, and the GPUs
            from placement.plan.gpus import unit_mw_of

            gpus = sum(n for _, n in rows)
            out.append({"tenant": tid, "mw": round(gpus * unit_mw_of(tenant), 1), "gpus": gpus, "reason": reasons})
        else:
            out.append({"tenant": tid, "mw": sum(mw for _, mw in rows), "reason": reasons})
    return out


__all__ = ["Layer", "MultiPeriodPlan", "unserved_of_layer"]
