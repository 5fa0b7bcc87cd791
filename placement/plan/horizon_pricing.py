"""The whole-horizon program solved on a subset of its arcs grown by pricing, and the Lagrangian
bounds that say how far a plan cut short can be from the optimum (:mod:`placement.plan.horizon`
uses them past :data:`placement.plan.horizon.FULL_MODEL_ARCS` arcs where some demand is discrete).

The subset starts from each demand node's cheapest arcs, every arc of a discrete node and every
arc the rolling plan used (:func:`initial_keep`); after each solve of its linear relaxation, arcs
left out whose reduced cost is negative enter (:func:`price_out`, partial pricing), until none
does. Bounds: at the rolling plan's values of one more MW improved by per-period dual rounds
(:func:`rolling_bound`), and at each round's duals (:func:`round_bound`), both with the arcs left
out priced in (:mod:`placement.plan.lagrangian`; Lasdon 1970, Farley 1990).
"""
from __future__ import annotations

import numpy as np

from placement.plan.horizon_model import HorizonModel
from placement.plan.lagrangian import model_bound

#: Arcs per demand node and period the priced subset starts from (the cheapest).
CHEAPEST_ARCS = 4
#: Arcs per demand node and period that enter the priced subset in one round (the most negative).
ENTERING_ARCS = 2


def rank_in_group(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Each element's rank (0 = smallest ``key``) among the elements of its ``group``."""
    order = np.lexsort((key, group))
    first = np.searchsorted(group[order], group[order], side="left")
    rank = np.empty(group.size, dtype=np.int64)
    rank[order] = np.arange(group.size) - first
    return rank


def initial_keep(data: list, rolling) -> list:
    """Per period, a mask of the arcs the priced subset starts from: each demand node's
    :data:`CHEAPEST_ARCS` cheapest, every arc of a discrete node (exclusive lease, block, single
    site), and every arc the rolling plan used (:func:`rolling_arcs`)."""
    keep = rolling_arcs(data, rolling)
    for mask, pd in zip(keep, data):
        prob = pd.problem
        ai, aw = prob.arc_demand[pd.arcs], prob.arc_weight[pd.arcs]
        mask |= rank_in_group(ai, aw) < CHEAPEST_ARCS
        discrete = np.array([d.discrete for d in prob.demands], dtype=bool)
        mask |= discrete[ai] if ai.size else mask
    return keep


def rolling_arcs(data: list, rolling) -> list:
    """Per period, a mask of the arcs the rolling plan used."""
    keep = []
    for pd, layer in zip(data, rolling.layers):
        prob = pd.problem
        ai = prob.arc_demand[pd.arcs]
        mask = np.zeros(ai.size, dtype=bool)
        used = {(prob.demand_index[key], prob.capacity_index[cid]) for key, cid in layer.placed}
        if used:
            code = ai.astype(np.int64) * len(prob.capacity_ids) + prob.arc_capacity[pd.arcs]
            mask |= np.isin(code, [i * len(prob.capacity_ids) + j for i, j in used])
        keep.append(mask)
    return keep


def price_out(model: HorizonModel, data: list, keep: list, row_dual: np.ndarray, tol: float = 1e-3) -> tuple:
    """Add to ``keep`` every arc left out whose reduced cost at the restricted program's duals is
    negative (it could lower the objective); return how many, and the left-out arcs' share of the
    Lagrangian bound (:mod:`placement.plan.lagrangian`): the sum over them of their MW bound times
    their reduced cost where it is negative (a lower estimate of it where the next period's
    migration row is not looked up, which keeps the bound valid). An arc left out is priced against
    every row it would enter: its demand node's, its capacity's (and its build and exclusive-lease
    rows), its tenant's notice rows (this period's and the next's) and the next period's migration
    row of the same pair; a row the restricted program lacks has dual 0, which with every arc it
    would hold at 0 is a valid dual. When none is negative the restricted optimum of the linear
    relaxation is the whole program's."""
    y = np.asarray(row_dual, dtype=float)
    z_max = max((y[r] for r in model.z_row.values()), default=0.0)
    added, left_out = 0, 0.0
    for p, pd in enumerate(data):
        out = np.flatnonzero(~keep[p])
        if out.size == 0:
            continue
        prob = pd.problem
        a = pd.arcs[out]
        ai, aj = prob.arc_demand[a], prob.arc_capacity[a]
        c = (prob.arc_weight[a] - prob.unserved_weight[ai]).astype(float)
        dem = np.zeros(len(prob.demands))
        for (q, i), r in model.demand_row.items():
            if q == p:
                dem[i] = y[r]
        cap = capacity_duals(model, y, p, len(prob.capacity_ids))
        for (q, j), rows in model.excl_rows.items():
            if q == p:
                cap[j] += sum(y[r] for r, _ in rows)  # left-out arcs are never the owner's (discrete: kept)
        tenant_of = np.array([d.tenant.id for d in prob.demands], dtype=object)
        cut = cut_dual(model, y, tenant_of, p)
        rc = c - (dem[ai] + cap[aj] + cut[ai])
        maybe = np.flatnonzero(rc - z_max < -tol)
        if maybe.size and p + 1 < len(data):
            nxt = data[p + 1].problem
            for m in maybe:
                i2 = nxt.demand_index.get(prob.demands[int(ai[m])].key)
                r = model.z_row.get((p + 1, i2, int(aj[m]))) if i2 is not None else None
                if r is not None:
                    rc[m] -= y[r]
        low = rc.copy()  # exact where looked up (maybe), else at most z_max (>= 0) above the truth
        rest = np.ones(rc.size, dtype=bool)
        rest[maybe] = False
        low[rest] -= max(z_max, 0.0)
        left_out += float(np.minimum(low, 0.0) @ prob.demand_mw[ai].astype(float))
        neg = np.flatnonzero(rc < -tol)
        # partial pricing: per demand node, its ENTERING_ARCS most negative (all of them at once would
        # hand back nearly the whole program; the loop prices again until none is left)
        enter = out[neg[rank_in_group(ai[neg], rc[neg]) < ENTERING_ARCS]]
        keep[p][enter] = True
        added += enter.size
    return added, left_out


def capacity_duals(model: HorizonModel, y: np.ndarray, p: int, n_capacities: int) -> np.ndarray:
    """Per capacity of period ``p``: the sum of the duals of the rows bounding it (0 where the
    program has none)."""
    out = np.zeros(n_capacities)
    for (q, j), rows in model.capacity_rows.items():
        if q == p:
            out[j] = sum(y[r] for r in rows)
    return out


def cut_dual(model: HorizonModel, y: np.ndarray, tenant_of: np.ndarray, p: int) -> np.ndarray:
    """Per demand node of period ``p``: the duals of its tenant's notice rows an arc would enter
    (+1 in this period's, -1 in the next period's)."""
    out = np.zeros(tenant_of.size)
    if not model.cut_row:
        return out
    for k, tid in enumerate(tenant_of):
        r0, r1 = model.cut_row.get((tid, p)), model.cut_row.get((tid, p + 1))
        out[k] = (y[r0] if r0 is not None else 0.0) - (y[r1] if r1 is not None else 0.0)
    return out


#: Subgradient steps on each period's capacity duals before the first relaxation is solved.
DUAL_ROUNDS = 60


def _period_duals(pd, start: np.ndarray, rounds: int) -> tuple:
    """(capacity duals, demand duals) of one period maximising the Lagrangian of its placement with
    every other row's dual 0: each demand node takes its cheapest arc at ``cost - capacity dual``
    where that is negative, each capacity adds its dual times its MW. From ``start`` (the rolling
    plan's values), ``rounds`` projected subgradient steps (Held, Wolfe & Crowder 1974) with a step
    that halves when the bound stalls; the best duals seen are kept."""
    prob = pd.problem
    a = pd.arcs
    n_d, n_c = len(prob.demands), len(prob.capacity_ids)
    ai, aj = prob.arc_demand[a], prob.arc_capacity[a]
    c = (prob.arc_weight[a] - prob.unserved_weight[ai]).astype(float)
    d = prob.demand_mw.astype(float)
    cap_mw = np.asarray(pd.capacity_mw, dtype=float)
    y = np.minimum(start, 0.0)

    def evaluate(y):
        eff = c - y[aj]
        best = np.zeros(n_d)
        np.minimum.at(best, ai, eff)
        return float(d @ best + y @ cap_mw), best, eff

    value, best, eff = evaluate(y)
    best_value, best_y, best_dem = value, y.copy(), best
    step, stall = None, 0
    for _ in range(rounds):
        # the arc each demand node uses in the minimiser: its cheapest where negative
        use = np.zeros(n_c)
        on = (eff <= best[ai]) & (eff < 0)
        first = np.zeros(n_d, dtype=bool)
        for k in np.flatnonzero(on):  # one arc per node
            i = ai[k]
            if not first[i]:
                first[i] = True
                use[aj[k]] += d[i]
        g = cap_mw - use
        g[(y >= 0) & (g > 0)] = 0.0  # projected: duals stay <= 0
        norm = float(g @ g)
        if norm == 0:
            break
        if step is None:
            step = max(abs(value), 1.0) * 0.01 / np.sqrt(norm)
        y = np.minimum(y + step * g / np.sqrt(norm), 0.0)
        value, best, eff = evaluate(y)
        if value > best_value + 1e-9 * abs(best_value):
            best_value, best_y, best_dem, stall = value, y.copy(), best, 0
        else:
            stall += 1
            if stall >= 3:
                step, stall = step / 2, 0
    return best_y, best_dem


def rolling_duals(model: HorizonModel, data: list, keep: list, rolling, rounds: int | None = None) -> tuple:
    """Row duals of the restricted program for a Lagrangian bound before any relaxation is solved:
    each period's capacity and demand rows at :func:`_period_duals` started from minus the rolling
    plan's values of one more MW (its objective fall, USD per MW over the period), every other row
    (migration, notice, builds, exclusive leases) at 0. Any duals of the rows' signs give a valid
    bound; these are cheap, and near the relaxation's where foresight changes little. Returns the
    duals and, per period, (capacity duals, demand duals) by index, rows the program lacks included."""
    per_period = []
    for p, pd in enumerate(data):
        layer = rolling.layers[p] if p < len(rolling.layers) else None
        values = getattr(layer, "values", None)
        start = np.zeros(len(pd.problem.capacity_ids))
        if values is not None:
            fall = dict(zip(layer.problem.capacity_ids, np.asarray(values, dtype=float)))
            start = -np.maximum([fall.get(cid, 0.0) for cid in pd.problem.capacity_ids], 0.0)
        per_period.append(_period_duals(pd, start, DUAL_ROUNDS if rounds is None else rounds))
    return row_duals(model, per_period), per_period


def row_duals(model: HorizonModel, per_period: list) -> np.ndarray:
    """The program's row duals from per-period (capacity duals, demand duals) by index: the first
    row bounding each capacity and each demand row take them, every other row 0."""
    y = np.zeros(model.A.shape[0])
    for (p, j), rows in model.capacity_rows.items():
        if rows:
            y[rows[0]] = per_period[p][0][j]
    for (p, i), r in model.demand_row.items():
        y[r] = per_period[p][1][i]
    return y


def rolling_bound(model: HorizonModel, data: list, keep: list, rolling) -> float:
    """The Lagrangian bound of the whole program at :func:`rolling_duals`: the restricted program's
    (:func:`placement.plan.lagrangian.model_bound`), plus, for each capacity row the restricted
    program lacks (no kept arc uses it; a built capacity's, not a candidate's), its dual times its
    MW, and for each arc left out its MW times its reduced cost where negative (every row it would
    enter besides its demand and capacity rows at dual 0), at the duals after the subgradient steps
    or the rolling plan's own, whichever gives the higher bound (the steps climb a simplified
    function: each period's placement alone). -inf where there is none."""
    rounds = DUAL_ROUNDS
    return max(_bound_at(model, data, keep, *rolling_duals(model, data, keep, rolling, r)) for r in {0, rounds})


def _bound_at(model: HorizonModel, data: list, keep: list, y: np.ndarray, per_period: list) -> float:
    """The whole program's Lagrangian bound at ``y`` (the restricted program's rows) and
    ``per_period`` (every capacity's and demand's duals): :func:`rolling_bound`'s terms."""
    bound = model_bound(model, y)
    for p, (pd, (cap, dem)) in enumerate(zip(data, per_period)):
        prob = pd.problem
        cap = cap.copy()
        for j, cid in enumerate(prob.capacity_ids):
            if (p, j) in model.capacity_rows:
                continue
            if cid in model.block_mw:  # a candidate's row bounds its built blocks, not a MW figure
                cap[j] = 0.0
            else:
                bound += cap[j] * float(pd.capacity_mw[j])
        dem = np.array([dem[i] if (p, i) in model.demand_row else 0.0 for i in range(len(prob.demands))])
        a = pd.arcs[~keep[p]]
        ai, aj = prob.arc_demand[a], prob.arc_capacity[a]
        rc = (prob.arc_weight[a] - prob.unserved_weight[ai]).astype(float) - dem[ai] - cap[aj]
        bound += float(np.minimum(rc, 0.0) @ prob.demand_mw[ai].astype(float))
    return bound


def round_bound(model: HorizonModel, data: list, keep: list, row_dual: np.ndarray) -> float:
    """The Lagrangian bound at a pricing round's duals with each demand row's dual re-chosen as the
    best given the capacity rows' (the most negative ``cost - capacity dual`` over all its arcs, kept
    or not, or 0), so the arcs left out have no negative reduced cost but through the other rows;
    :func:`price_out` adds what remains of theirs. Higher than the round's own duals give early in
    the pricing, when many arcs left out would still enter."""
    y = np.asarray(row_dual, dtype=float).copy()
    for p, pd in enumerate(data):
        prob = pd.problem
        cap = capacity_duals(model, y, p, len(prob.capacity_ids))
        a = pd.arcs
        ai = prob.arc_demand[a]
        eff = (prob.arc_weight[a] - prob.unserved_weight[ai]).astype(float) - cap[prob.arc_capacity[a]]
        best = np.zeros(len(prob.demands))
        np.minimum.at(best, ai, eff)
        for (q, i), r in model.demand_row.items():
            if q == p:
                y[r] = best[i]
    return model_bound(model, y) + price_out(model, data, [k.copy() for k in keep], y)[1]


__all__ = ["CHEAPEST_ARCS", "DUAL_ROUNDS", "ENTERING_ARCS", "capacity_duals", "cut_dual", "initial_keep", "price_out",
           "rank_in_group", "rolling_arcs", "rolling_bound", "rolling_duals", "round_bound", "row_duals"]
