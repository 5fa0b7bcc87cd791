"""From a solved whole-horizon program to the plan people read (:class:`HorizonPlan`): each
period's placement, money, unserved demand and records, the expulsions and builds, and the values
of one more MW (:func:`capacity_values`, or the path master's where the program was solved by
paths).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from placement.plan.gpus import fleet_depreciation_usd, unit_mw_of
from placement.plan.horizon_model import HorizonModel
from placement.plan.horizon_solve import IPM_MIP_COLUMNS, TIME_LIMIT_S, SolveResult, _highs
from placement.plan.money import EVICTION, layer_money
from placement.plan.multi_period import Layer, MultiPeriodPlan
from placement.plan.network import (
    CAPACITY_ARC,
    SERVED_ARC,
    SOURCE_ARC,
    UNSERVED_ARC,
    flow_network,
)
from placement.plan.solve import Solution

#: Seconds the values of one more MW may take re-solving (:func:`capacity_values`).
VALUES_TIME_S = 30.0


@dataclass
class HorizonPlan(MultiPeriodPlan):
    """A :class:`~placement.plan.multi_period.MultiPeriodPlan` solved over the whole horizon (module
    docstring): ``method`` (``"horizon"``), ``bound`` [USD, HiGHS's proven lower bound on the
    objective], ``builds`` (capacity_id, period, mw, capital_usd), ``rolling_objective`` and
    ``rolling_margin_usd`` (the rolling plan valued in the same program), ``solve_s``."""
    method: str = "horizon"
    bound: int = 0
    builds: list = field(default_factory=list)
    rolling_objective: int = 0
    rolling_margin_usd: float = 0.0
    solve_s: float = 0.0
    solver_status: str = ""

    @property
    def lower_bound(self) -> int:
        return int(self.bound)

    @property
    def gap_usd(self) -> int:
        return int(self.objective - self.bound)

    def to_dict(self) -> dict:
        doc = super().to_dict()
        doc.update({"method": self.method, "builds": self.builds,
                    "rolling_objective_usd": self.rolling_objective,
                    "rolling_margin_usd": round(self.rolling_margin_usd, 2),
                    "solver_status": self.solver_status})
        return doc


def assemble(scenario, ctx, data: list, model: HorizonModel, result: SolveResult, rolling, start,
             values: bool = True) -> HorizonPlan:
    """The :class:`HorizonPlan` of a solved program: layers with the placement, money and
    unserved demand of each period, records, expulsions, builds and the values of one more MW."""
    from placement.plan.over_time import _records

    v = result.v
    # values re-solve the program's linear part around the optimum: only for a proven optimum (past a
    # time limit they would be values around a point that is not one, and take the limit again)
    computed = values and result.status == "Optimal"
    if computed and result.values_of is not None:
        # solved by path columns: re-solved on its master, where every path may enter (the program
        # held here has only the arcs the plan uses)
        fall, rise, exact = result.values_of(VALUES_TIME_S)
    else:
        fall, rise, exact = capacity_values(model, data, v) if computed else ({}, {}, False)
    if values and not computed:  # the rolling plan's, by capacity id, said inexact
        from placement.plan.over_time import fill_values

        fill_values(rolling, scenario)
        for p, layer in enumerate(rolling.layers):
            for j, cid in enumerate(layer.problem.capacity_ids):
                jj = data[p].problem.capacity_index.get(cid)
                if jj is not None:
                    fall[p, jj] = float(layer.values[j])
                    if layer.margin_values is not None:
                        rise[p, jj] = float(layer.margin_values[j])
    layers, rows, evictions, builds = [], [], [], []
    gone = set()
    for p, pd in enumerate(data):
        prob, prices, period = pd.problem, pd.prices, pd.period
        placed = {}
        for k, a in enumerate(model.arcs[p]):
            mw = int(round(v[model.x_col[p][k]] * model.x_mw[p][k]))
            if mw:
                placed[int(prob.arc_demand[a]), int(prob.arc_capacity[a])] = mw
        expelled = [tid for (tid, q), col in model.alive_col.items()
                    if q == p and v[col] < 0.5 and (q == 0 or v[model.alive_col[tid, q - 1]] > 0.5)]
        gone |= set(expelled)
        alive = np.array([d.tenant.id not in gone for d in prob.demands], dtype=bool)
        served = np.zeros(len(prob.demands), dtype=np.int64)
        for (i, _), mw in placed.items():
            served[i] += mw
        short = np.where(alive, prob.demand_mw - served, 0)
        moved = sum(v[col] * unit_mw_of(prob.demands[i].tenant) for (q, i), col in model.moved_col.items() if q == p)
        moved = round(moved, 3) if prob.unit_mw is not None else int(round(moved))
        fee = sum(float(t.eviction_cost_usd_per_mw) * unit_mw_of(t)
                  * int(sum(d.mw for d in prob.demands if d.tenant.id == t.id))
                  for t in scenario.tenants if t.id in expelled)
        capital, gpu_capital = 0.0, 0.0
        for cid, size in model.block_mw.items():
            n = v[model.blocks_col[cid, p]]
            j = prob.capacity_index[cid]
            info = ctx.capacities[cid]  # a fitted pool counts GPUs: MW = units x MW per unit
            rate, gpu_rate = float(info.components.get("capital_usd_per_mwh_it", 0.0)), info.gpu_usd_per_mwh_it
            idle_mwh = (n * size * period.hours - sum(mw * prices.hours[i] for (i, jj), mw in placed.items()
                                                      if jj == j)) * info.mw_per_unit
            capital += rate * idle_mwh
            gpu_capital += gpu_rate * idle_mwh
            before = v[model.blocks_col[cid, p - 1]] if p else 0.0
            if n > before + 0.5:
                units = int(round((n - before) * size))
                mw = units * info.mw_per_unit
                rest = sum(q.hours for q in model.periods[p:])
                builds.append({"capacity_id": cid, "period": period.label, "mw": round(mw, 3) if info.generation
                               else units, "capital_usd": round((rate + gpu_rate) * mw * rest, 2)}
                              | ({"gpus": units, "generation": info.generation} if info.generation else {}))
        extra = {EVICTION: fee, "capital_usd": capital,
                 "gpu_depreciation_usd": fleet_depreciation_usd(scenario, period) + gpu_capital}
        objective_p = _period_objective(model, p, v)
        money = layer_money(prob, prices, placed, short, moved, period.year, objective_p, extra)
        solution = _layer_solution(prob, placed, short, objective_p)
        solution.values_exact = exact or not values
        rows += _records(period, prob, placed, prices)
        n_c = len(prob.capacity_ids)
        values_p = np.array([fall.get((p, j), 0.0) for j in range(n_c)])
        rise_p = np.array([rise.get((p, j), 0.0) for j in range(n_c)])
        layers.append(Layer(period, prob, solution, {(prob.demands[i].key, prob.capacity_ids[j]): mw
                                                     for (i, j), mw in placed.items()},
                            values_p, expelled, moved, money, rise_p))
        for tid in expelled:
            evictions.append({"tenant": tid, "period": period.label,
                              "mw": int(sum(d.mw for d in prob.demands if d.tenant.id == tid))})
    margin = sum(layer.money["margin_cents"] for layer in layers) / 100
    nodes = [((layer.period.label, "capacity", cid), layer, j) for layer in layers
             for j, cid in enumerate(layer.problem.capacity_ids)]
    # per MW-month (a GPU pool's value per GPU over its MW per GPU)
    capacity_value = {node: float(layer.margin_values[j]) / layer.period.months
                      / layer.problem.capacities[layer.problem.capacity_ids[j]].mw_per_unit + 0.0
                      for node, layer, j in nodes}
    objective_value = {node: float(layer.values[j]) for node, layer, j in nodes}
    rolling_v = start if start is not None else None
    return HorizonPlan(scenario.name, getattr(scenario, "fingerprint", ""), ctx.periods, layers, rows,
                       int(result.objective), float(margin), capacity_value, evictions,
                       result.objective == result.bound, objective_value, method="horizon", bound=result.bound,
                       builds=builds,
                       rolling_objective=model.objective_of(rolling_v) if rolling_v is not None else rolling.objective,
                       rolling_margin_usd=model.margin_of(rolling_v) if rolling_v is not None else rolling.margin_usd,
                       solve_s=result.seconds, solver_status=result.status)


def _period_objective(model: HorizonModel, p: int, v: np.ndarray) -> int:
    """The part of the objective [USD] that falls in period ``p``: its arcs, unserved demand, fees,
    migration and built capital (the periods add up to the program's objective)."""
    return int(model.period_objectives(v)[p])


def _layer_solution(prob, placed: dict, short: np.ndarray, cost: int) -> Solution:
    """A :class:`~placement.plan.solve.Solution` of a layer's network carrying the plan's placement
    (no keep arcs: the whole-horizon plan prices moves itself), for the explanations."""
    net = flow_network(prob)
    f = np.zeros(net.tail.size, dtype=np.int64)
    f[np.flatnonzero(net.arc_role == UNSERVED_ARC)] = short
    served = np.flatnonzero(net.arc_role == SERVED_ARC)
    where = {(int(net.arc_demand[k]), int(net.arc_capacity[k])): k for k in served}
    used = np.zeros(net.n_capacities, dtype=np.int64)
    for (i, j), mw in placed.items():
        f[where[i, j]] = mw
        used[j] += mw
    f[np.flatnonzero(net.arc_role == CAPACITY_ARC)] = used
    # the source arcs of expelled tenants' nodes carry what is neither served nor unserved
    f[np.flatnonzero(net.arc_role == SOURCE_ARC)] = np.minimum(prob.demand_mw, short + np.bincount(
        [i for (i, _) in placed], weights=list(placed.values()), minlength=len(prob.demands)).astype(np.int64))
    return Solution(net, f, int(cost), True, int(cost), 1, problem=prob, root_cost=int(cost), root_flow=f)


def capacity_values(model: HorizonModel, data: list, v: np.ndarray,
                    budget_s: float = VALUES_TIME_S) -> tuple[dict, dict, bool]:
    """(objective fall, margin rise, exact) [USD per MW over the period] for one more MW of each
    capacity in each period, the discrete decisions held (module docstring): {(period index,
    capacity index): USD}. Each binding capacity is re-solved with one more MW while ``budget_s``
    [s] lasts; past it the rest take the fall its dual gives (a one-sided derivative: a MW's worth
    where the optimum is not degenerate) for both, and ``exact`` is False."""

    lower, upper = model.lower.copy(), model.upper.copy()
    fixed = model.integer.copy()
    fixed[np.concatenate(model.x_col) if model.x_col else []] = False
    for p, cols in enumerate(model.x_col):  # a discrete arc (whole node) stays fixed; MW arcs are free
        disc = model.x_mw[p] > 1
        fixed[cols[disc]] = True
        fixed[cols[~disc]] = False
    lower[fixed], upper[fixed] = v[fixed], v[fixed]
    lp = HorizonModel(model.cost, model.cash, model.cash_offset, lower, upper, np.zeros_like(model.integer), model.A,
                      model.row_lower, model.row_upper, model.offset, model.periods, model.x_col, model.x_mw,
                      capacity_rows=model.capacity_rows)
    h = _highs(lp, TIME_LIMIT_S, None, integer=False)
    if lp.n_cols > IPM_MIP_COLUMNS:  # the first solve by interior point and crossover [4]_, then simplex
        h.setOptionValue("solver", "ipm")  # from its basis for each re-solve
    t0 = time.perf_counter()
    h.run()
    h.setOptionValue("solver", "simplex")
    if h.modelStatusToString(h.getModelStatus()) != "Optimal":
        return {}, {}, False
    exact = True
    base = h.getSolution()
    build_capital = {cid: data[0].problem.capacities[cid].committed_usd_per_mwh_it()
                     * data[0].problem.capacities[cid].mw_per_unit for cid in model.block_mw}
    duals = np.asarray(base.row_dual)
    base_obj = float(h.getInfo().objective_function_value)
    base_margin = lp.margin_of(np.asarray(base.col_value))
    fall, rise = {}, {}
    for key, rows in model.capacity_rows.items():
        d = -float(sum(duals[r] for r in rows))
        if abs(d) < 1e-9:
            continue
        # a candidate's extra MW is built: its capital for the period is paid, used or not
        p, j = key
        capital = build_capital.get(data[p].problem.capacity_ids[j], 0.0) * data[p].period.hours
        left_s = budget_s - (time.perf_counter() - t0)
        if left_s <= 0:
            fall[key] = rise[key] = d - capital
            exact = False
            continue
        for r in rows:
            h.changeRowBounds(r, float(model.row_lower[r]), float(model.row_upper[r]) + 1.0)
        h.setOptionValue("time_limit", float(h.getRunTime()) + left_s)  # HiGHS's clock runs on over runs
        h.run()
        if h.modelStatusToString(h.getModelStatus()) == "Optimal":
            fall[key] = base_obj - float(h.getInfo().objective_function_value) - capital
            rise[key] = lp.margin_of(np.asarray(h.getSolution().col_value)) - base_margin - capital
        else:
            fall[key] = rise[key] = d - capital
            exact = False
        for r in rows:
            h.changeRowBounds(r, float(model.row_lower[r]), float(model.row_upper[r]))
    return fall, rise, exact


__all__ = ["VALUES_TIME_S", "HorizonPlan", "assemble", "capacity_values"]
