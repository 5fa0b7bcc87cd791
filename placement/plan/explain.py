"""From a solved network to the plan people read: assignments, utilisation, unserved demand with a
reason a planner can act on, and what changed in a re-plan."""
from __future__ import annotations

import re

import numpy as np

from placement.plan.model import Plan, Problem, key_label
from placement.plan.network import INTO_KEEP_ARC, SERVED_ARC, UNSERVED_ARC, flow_dict

_RULE_TEXT = {
    "kind": "of the wrong kind", "online": "not online by the horizon year", "residency": "outside its residency region",
    "rtt": "beyond its RTT target", "size": "too small to take it whole", "price": "dearer than leaving it unserved",
    "listed": "not among the capacities its contract names",
    "uptime": "below its uptime target (power availability)",
}


def placed_mw(problem: Problem, solution) -> dict:
    """(demand index, capacity index) -> MW placed (direct and kept load together)."""
    net, f = solution.net, solution.arc_flow
    mask = np.isin(net.arc_role, (SERVED_ARC, INTO_KEEP_ARC)) & (f > 0)
    out = {}
    for i, j, mw in zip(net.arc_demand[mask].tolist(), net.arc_capacity[mask].tolist(), f[mask].tolist()):
        out[i, j] = out.get((i, j), 0) + mw
    return out


def unserved_mw(problem: Problem, solution) -> np.ndarray:
    """MW left unserved per demand node."""
    net, f = solution.net, solution.arc_flow
    out = np.zeros(len(problem.demands), dtype=np.int64)
    mask = net.arc_role == UNSERVED_ARC
    out[net.arc_demand[mask]] = f[mask]
    return out


class LazyFlow:
    """NetworkX's ``{u: {v: MW}}`` of a plan, built only when read (large plans have millions of arcs)."""

    def __init__(self, problem, solution):
        self._args = (solution.net, problem, solution.arc_flow)
        self._flow = None

    def _get(self):
        if self._flow is None:
            self._flow = flow_dict(*self._args)
        return self._flow

    def __getitem__(self, key):
        return self._get()[key]

    def get(self, key, default=None):
        return self._get().get(key, default)

    def __iter__(self):
        return iter(self._get())

    def items(self):
        return self._get().items()

    def keys(self):
        return self._get().keys()

    def __len__(self):
        return len(self._get())

    def __contains__(self, key):
        return key in self._get()


def make_plan(problem: Problem, solution) -> Plan:
    """The :class:`Plan` of a solved problem (the objective is re-checked against the arc flows)."""
    net, f = solution.net, solution.arc_flow
    objective = int((net.cost * f).sum())
    if objective != solution.cost:
        raise RuntimeError(f"solver cost {solution.cost} and recomputed flow cost {objective} disagree")
    caps = problem.capacities
    ids = problem.capacity_ids
    placed = placed_mw(problem, solution)
    flows = {(problem.demands[i].key, ids[j]): mw for (i, j), mw in placed.items()}
    by_pair = {}
    for (i, j), mw in placed.items():
        rec = by_pair.setdefault((problem.demands[i].tenant.id, ids[j]), {"mw": 0, "rtt_w": 0.0, "cost_w": 0.0})
        rec["mw"] += mw
        rec["rtt_w"] += mw * problem.rtt[i, j]
        rec["cost_w"] += mw * caps[ids[j]].lcoe_usd_per_mwh_it  # real cost; penalties stay in the objective
    assignments = []
    total_cost = 0.0
    for (tid, cid), rec in sorted(by_pair.items()):
        c = caps[cid]
        total_cost += rec["cost_w"] * c.mw_per_unit  # a GPU pool: its GPUs' MW
        row = {"tenant": tid, "capacity_id": cid, "kind": c.kind,
               "mw": round(rec["mw"] * c.mw_per_unit, 3) if c.generation else int(rec["mw"])}
        if c.generation:
            row |= {"gpus": int(rec["mw"]), "generation": c.generation}
        assignments.append(row | {
            "rtt_ms": None if not np.isfinite(rec["rtt_w"]) else round(float(rec["rtt_w"] / rec["mw"]), 2),
            "cost_usd_per_mwh_it": round(rec["cost_w"] / rec["mw"], 2),
            "carbon_kg_per_mwh_it": round(c.carbon_kg_per_mwh_it, 2)})
    used = {}
    for (i, j), mw in placed.items():
        used[ids[j]] = used.get(ids[j], 0) + mw
    utilization = []
    for c in caps.values():
        if c.generation:  # MW of its GPUs, and the GPUs
            utilization.append({"capacity_id": c.id, "used_mw": round(used.get(c.id, 0) * c.mw_per_unit, 3),
                                "capacity_mw": round(c.mw * c.mw_per_unit, 3), "used_gpus": int(used.get(c.id, 0)),
                                "gpus": int(c.mw)})
        else:
            utilization.append({"capacity_id": c.id, "used_mw": int(used.get(c.id, 0)), "capacity_mw": int(c.mw)})
    short = unserved_mw(problem, solution)
    by_tenant = {}
    for i in np.flatnonzero(short > 0):
        by_tenant.setdefault(problem.demands[i].tenant.id, []).append((int(i), int(short[i])))
    unserved = []
    unit = problem.unit_mw if problem.unit_mw is not None else np.ones(len(problem.demands))
    for tid, parts in by_tenant.items():
        n = sum(u for _, u in parts)
        reasons = "; ".join(dict.fromkeys(explain_unserved(problem, i, u, used) for i, u in parts))
        if problem.demands[parts[0][0]].tenant.gpus:  # counted in GPUs
            unserved.append({"tenant": tid, "mw": round(n * float(unit[parts[0][0]]), 3), "gpus": int(n),
                             "reason": f"{tid}: {n:,} GPUs unserved — {reasons}"})
        else:
            unserved.append({"tenant": tid, "mw": int(n), "reason": f"{tid}: {n} MW unserved — {reasons}"})
    pools = any(c.generation for c in caps.values())
    served = sum(mw * caps[ids[j]].mw_per_unit for (i, j), mw in placed.items())
    short_mw = float((short * unit).sum())
    plan = Plan(objective_cents_per_h=objective, flow=LazyFlow(problem, solution), total_cost_usd_per_h=total_cost,
                served_mw=round(served, 1) if pools else int(served),
                unserved_mw=round(short_mw, 1) if pools else int(short.sum()), assignments=assignments,
                unserved=unserved, utilization=utilization, optimal=solution.optimal,
                lower_bound_cents_per_h=int(solution.lower_bound), search_nodes=solution.search_nodes,
                demand_flows=flows)
    return plan


def explain_unserved(problem: Problem, i: int, mw: int, used: dict) -> str:
    """A sentence a planner can act on: which rule binds, what is full, the cheapest alternative."""
    d = problem.demands[i]
    t = d.tenant
    caps = problem.capacities
    ids = problem.capacity_ids
    # which of a tenant's equal blocks is left out is the solver's choice, not news: "a block of 7"
    label = re.sub(r"^block \d+ of (\d+)$", r"a block of \1", d.label) if d.label else ""
    who = f" ({label})" if label else ""
    allowed = [ids[j] for j in np.flatnonzero(problem.violations[i] == 0)]
    target = f"within {t.rtt_target_ms:g} ms of its users" if t.rtt_target_ms is not None else "it may use"
    if t.residency:
        target = f"inside {t.residency}" + (f" and within {t.rtt_target_ms:g} ms" if t.rtt_target_ms else "")

    def spare(cid):
        return caps[cid].mw - used.get(cid, 0)

    def amount(n):  # a tenant counted in GPUs is placed on GPU pools: its amounts are GPUs
        return f"{n:,} GPUs" if getattr(t, "gpus", 0) else f"{n} MW"

    def alternative(rule):
        cands = [ids[j] for j in range(len(ids)) if problem.broken_rules(i, j) == (rule,) and spare(ids[j]) > 0]
        if not cands:
            return ""
        best = min(cands, key=lambda cid: caps[cid].lcoe_usd_per_mwh_it)
        if rule == "rtt":
            return (f"; cheapest feasible alternative {problem.rtt_ms(d.key, best):.0f} ms at {best} "
                    f"({amount(spare(best))} free)")
        return f"; cheapest alternative if the {rule} rule were relaxed: {best} ({amount(spare(best))} free)"

    if getattr(t, "gpus", 0) and t.homogeneous:
        reason = _homogeneous_reason(problem, i, used)
        if reason:
            return reason
    if not allowed:
        counts = {}
        for j in range(len(ids)):
            for rule in problem.broken_rules(i, j):
                counts[rule] = counts.get(rule, 0) + 1
        main = max(counts, key=counts.get) if counts else "kind"
        detail = ""
        if "size" in counts:
            biggest = max(caps.values(), key=lambda c: c.mw)
            detail = f" (largest: {biggest.id} {biggest.mw} MW for {d.mw} MW{' exclusive' if d.exclusive else ''})"
        if "uptime" in counts and t.uptime_target is not None and ids:
            best = max(ids, key=lambda cid: caps[cid].availability)
            detail = (f" (target {100 * t.uptime_target:.3f} %; most available: {best} "
                      f"{100 * caps[best].availability:.4f} %)")
        if "rtt" in counts and t.rtt_target_ms is not None and ids:
            near = min(ids, key=lambda cid: problem.rtt_ms(d.key, cid))
            detail = f" (nearest: {near} at {problem.rtt_ms(d.key, near):.0f} ms)"
        if not ids:
            return f"no capacity{who}: every capacity is out of service"
        return f"no capacity{who} passes its rules: all are {_RULE_TEXT.get(main, main)}{detail}"
    full = [cid for cid in allowed if spare(cid) <= 0]
    if d.discrete:
        biggest_free = max(allowed, key=spare)
        kind = "exclusive lease" if d.exclusive else "unsplittable block"
        label = who if d.label and d.label != kind else ""  # "exclusive lease (exclusive lease)" said once
        if spare(biggest_free) >= d.mw:  # it fits: left out on price, not for room
            return (f"{kind}{label} of {amount(d.mw)} would fit at {biggest_free} ({amount(spare(biggest_free))} "
                    f"free) but costs more there than leaving it unserved")
        return (f"{kind}{label} of {amount(d.mw)} fits nowhere: most free capacity {target} is "
                f"{amount(max(spare(biggest_free), 0))} at {biggest_free}" + alternative("size"))
    if full:
        shown = ", ".join(f"{cid} {100 * used.get(cid, 0) / caps[cid].mw:.0f}%" if caps[cid].mw else f"{cid} 0 MW"
                          for cid in full[:4])
        rule = "residency" if t.residency else ("rtt" if t.rtt_target_ms is not None else "kind")
        return f"capacity{who} {target} is full ({shown})" + alternative(rule)
    return f"remaining capacity{who} {target} is priced above its unserved price"


def _homogeneous_reason(problem: Problem, i: int, used: dict) -> str:
    """Why a homogeneous GPU block is left out for want of room: the largest free block of one
    generation among the pools it may use but for size, or "" when a pool has room (then it is left
    out on price or another rule, said by the general reasons)."""
    d = problem.demands[i]
    ids = problem.capacity_ids
    size_only = [ids[j] for j in range(len(ids))
                 if set(problem.broken_rules(i, j)) <= {"size"} and problem.capacities[ids[j]].generation]
    free = {cid: problem.capacities[cid].mw - used.get(cid, 0) for cid in size_only}
    if any(v >= d.mw for v in free.values()):
        return ""
    gens = ", ".join(d.tenant.generations) if d.tenant.generations else "any generation"
    if not free:
        return f"homogeneous block of {d.mw:,} GPUs ({gens}) fits nowhere: no pool of a generation it accepts"
    biggest = max(free, key=lambda cid: problem.capacities[cid].mw)
    cap = problem.capacities[biggest]
    if cap.mw < d.mw:  # no pool that large at all
        return (f"homogeneous block of {d.mw:,} GPUs ({gens}) fits nowhere: the largest block of one generation "
                f"is {cap.mw:,} {cap.generation} at {cap.site_id}")
    best = max(free, key=free.get)
    cap = problem.capacities[best]
    return (f"homogeneous block of {d.mw:,} GPUs ({gens}) fits nowhere free: the largest free block of one "
            f"generation is {max(free[best], 0):,} {cap.generation} at {cap.site_id}")


def shortfall_text(u: dict) -> str:
    """``'frontier-lab 198,000 GPUs (275.2 MW)'`` or ``'eu-enterprise 80 MW'``: a tenant's demand newly
    unserved in a re-plan (:func:`replan_changes`), in GPUs beside the MW where it is counted in GPUs."""
    return f"{u['tenant']} {u['gpus']:,} GPUs ({u['mw']:,.1f} MW)" if "gpus" in u else f"{u['tenant']} {u['mw']} MW"


def replan_changes(old: Plan, new: Plan, failed, evicted) -> dict:
    """MW moved, cost delta and newly unserved demand (a tenant counted in GPUs: its GPUs beside the
    MW) between two plans."""
    old_pairs = {(a["tenant"], a["capacity_id"]): a["mw"] for a in old.assignments}
    new_pairs = {(a["tenant"], a["capacity_id"]): a["mw"] for a in new.assignments}
    moved = sum(max(0, mw - new_pairs.get(k, 0)) for k, mw in old_pairs.items() if k[0] not in set(evicted))
    old_unserved = {u["tenant"]: u for u in old.unserved}

    def more(u, key):  # what a tenant newly lacks (a tenant counted in GPUs: GPUs too)
        return u[key] - old_unserved.get(u["tenant"], {}).get(key, 0)

    newly = [{"tenant": u["tenant"], "mw": round(more(u, "mw"), 3), "reason": u["reason"]}
             | ({"gpus": int(more(u, "gpus"))} if "gpus" in u else {})
             for u in new.unserved if more(u, "mw") > 0]
    freed = sum(mw for (tid, _), mw in old_pairs.items() if tid in set(evicted))
    return {"failed": list(failed), "evicted": list(evicted), "moved_mw": int(moved), "freed_mw": int(freed),
            "cost_delta_usd_per_h": round(new.total_cost_usd_per_h - old.total_cost_usd_per_h, 2),
            "newly_unserved": newly}


__all__ = ["make_plan", "explain_unserved", "replan_changes", "shortfall_text", "placed_mw", "unserved_mw", "key_label"]
