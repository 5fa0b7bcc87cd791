"""The whole-horizon plan (issue 23) against an independent mixed-integer program.

Each random scenario (contracts with dates, terms and notice, classes, expel clauses and fees,
exclusive leases, unsplittable blocks, growth, capacity coming online and retiring, candidates to
build in blocks) is written here a second time as a MILP straight from the scenario's fields and
the sites' scores (levelized cost, capital, availability, time to power) — not from the project's
graph or model — and solved with ``scipy.optimize.milp``. The project's plan must reach the same
optimum. Conventions shared with the product, as DESIGN states them: money per MW over a period in
whole USD (rounded once per coefficient), a period counts a contract active at its midpoint and
prorates by the hours covered, migration is paid on MW a demand node gains on capacities beyond the
growth of its demand, an expelled tenant pays its fee per MW once and is gone, a candidate's capital
is paid on built MW from its build on.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from testsupport import score_catalog_sites

SITES = ["dallas-tx", "paris-fr", "lulea-se", "richland-la", "ashburn-va"]
HOURS_PER_MONTH = 730.5


@pytest.fixture(scope="module")
def scored():
    return score_catalog_sites(SITES)


@pytest.fixture(scope="module")
def base():
    import placement

    sc = placement.default_scenario()
    return dataclasses.replace(sc, assignment=dataclasses.replace(sc.assignment, latency_penalty_usd_per_mwh_per_ms=0.0))


# --- the independent program -------------------------------------------------------------------

def _periods(planning):
    out = []
    for y in range(planning.start_year, planning.end_year + 1):
        a, b = dt.datetime(y, 1, 1), dt.datetime(y + 1, 1, 1)
        out.append((y, a, b))
    return out


def _tenant_window(t, planning):
    start = t.start or planning.start
    end = t.end or planning.end
    if t.term_days and not t.renewable:
        end = min(end, start + dt.timedelta(days=t.term_days))
    return max(start, planning.start), min(end, planning.end)


def _mw_in(series_mw, by_year, year):
    mw = series_mw
    for y in sorted(by_year):
        if y <= year:
            mw = by_year[y]
    return mw


def _nodes(t, mw):
    if t.exclusive or t.single_site:
        return [((t.id,), mw, True)]
    if t.block_mw:
        k = max(mw // t.block_mw, 1)
        sizes = [t.block_mw] * k
        sizes[-1] += mw - sum(sizes)
        return [((t.id, "block", j), s, True) for j, s in enumerate(sizes, 1)]
    return [((t.id,), mw, False)]


def _site_row(scores, sid):
    i = scores.index(sid)
    return {"lcoe": float(scores["lcoe_usd_per_mwh_it"][i]), "capital": float(scores["capital_usd_per_mwh_it"][i]),
            "steady": float(scores.extra["steady_availability"][i]),
            "bridge": float(scores.extra["bridge_availability"][i]),
            "bridge_until": float(scores.extra["bridge_until_months"][i]),
            "first": float(scores["time_to_power_months"][i]), "full": float(scores["time_to_full_power_months"][i])}


def reference_optimum(sc, scores) -> int:
    """The optimum [USD] of the scenario's whole-horizon program, written from the scenario."""
    pl = sc.planning
    periods = _periods(pl)
    caps = list(sc.capacity)
    site = {c.id: _site_row(scores, c.id) for c in caps}
    price_of = {"internal": pl.unserved_internal_usd_per_mw_month, "committed": pl.unserved_committed_usd_per_mw_month,
                "spot": pl.unserved_spot_usd_per_mw_month}
    cost, lo, hi, integ = [], [], [], []
    rows, rlo, rhi = [], [], []

    def var(c, lower, upper, integer):
        cost.append(float(c)); lo.append(lower); hi.append(upper); integ.append(1 if integer else 0)
        return len(cost) - 1

    def row(coefs: dict, lower, upper):
        rows.append(coefs); rlo.append(lower); rhi.append(upper)

    const = 0
    alive = {}
    for t in sc.tenants:
        if t.evictable:
            for p, (y, a, b) in enumerate(periods):
                alive[t.id, p] = var(0, 0 if a >= pl.start + dt.timedelta(days=t.notice_days) else 1, 1, True)
                if p:
                    row({alive[t.id, p]: 1, alive[t.id, p - 1]: -1}, -np.inf, 0)
    blocks = {}
    for c in caps:
        if c.build:
            size = c.block_mw or c.mw
            for p, (y, a, b) in enumerate(periods):
                hours = (b - a).total_seconds() / 3600
                blocks[c.id, p] = var(round(site[c.id]["capital"] * hours * size), 0, c.mw // size, True)
                if p:
                    row({blocks[c.id, p]: 1, blocks[c.id, p - 1]: -1}, 0, np.inf)
    prev_x, prev_mw = {}, {}
    for p, (y, a, b) in enumerate(periods):
        hours = (b - a).total_seconds() / 3600
        mid = a + (b - a) / 2
        months_mid = (mid - pl.start).days / 30.4375
        cap_mw, avail, lcoe = {}, {}, {}
        for c in caps:
            s = site[c.id]
            online = dt.datetime(c.online_year, 1, 1) if c.online_year else dt.datetime(1900, 1, 1)
            if c.online:
                online = c.online
            retire = c.retire or dt.datetime(2101, 1, 1)
            mw = _mw_in(c.mw, c.mw_by_year, y)
            if c.build:
                online = pl.start + dt.timedelta(days=30.4375 * s["first"])
                if not c.mw_by_year:
                    if months_mid < s["first"]:
                        mw = 0
                    elif s["full"] > s["first"] and months_mid < s["full"]:
                        mw = int(c.mw * (months_mid - s["first"]) / (s["full"] - s["first"]))
            cap_mw[c.id] = mw if online <= mid < retire else 0
            bridging = c.build and s["bridge_until"] > 0 and months_mid < s["bridge_until"]
            avail[c.id] = s["bridge"] if bridging else s["steady"]
            lcoe[c.id] = s["lcoe"] - (s["capital"] if c.build else 0.0)
        x, on_cap, here_mw, excl = {}, {c.id: {} for c in caps}, {}, []
        for t in sc.tenants:
            w0, w1 = _tenant_window(t, pl)
            mw = _mw_in(t.mw, t.mw_by_year, y)
            if not (w0 <= mid < w1) or mw <= 0:
                continue
            share = max((min(w1, b) - max(w0, a)).total_seconds(), 0) / (b - a).total_seconds()
            price = t.price_usd_per_mw_month if t.price_usd_per_mw_month is not None else (
                pl.internal_price_usd_per_mw_month if t.tenant_class == "internal" else 0.0)
            revenue = price * hours / HOURS_PER_MONTH * share
            unserved = round(price_of[t.tenant_class] * hours / HOURS_PER_MONTH * share)
            nodes = _nodes(t, mw)
            if t.evictable:
                fee = round(t.eviction_cost_usd_per_mw * mw)
                if p == 0:
                    const += fee
                else:
                    cost[alive[t.id, p - 1]] += fee
                cost[alive[t.id, p]] -= fee
            for key, d, discrete in nodes:
                here_mw[key] = d
                ys = {}
                for c in caps:
                    w = round(lcoe[c.id] * hours * share - revenue + revenue * (1 - avail[c.id]))
                    unit = d if discrete else 1
                    col = var((w - unserved) * unit, 0, 1 if discrete else d, True)
                    x[key, c.id] = (col, unit)
                    on_cap[c.id][key] = (col, unit)
                    if discrete:
                        ys[c.id] = col
                if t.evictable:
                    cost[alive[t.id, p]] += unserved * d
                    row({**{col: u for (k, _), (col, u) in x.items() if k == key}, alive[t.id, p]: -d}, -np.inf, 0)
                    if discrete:
                        row({**{col: 1 for col in ys.values()}, alive[t.id, p]: -1}, -np.inf, 0)
                else:
                    const += unserved * d
                    row({col: u for (k, _), (col, u) in x.items() if k == key}, -np.inf, d)
                    if discrete:
                        row({col: 1 for col in ys.values()}, -np.inf, 1)
                # migration: MW gained on capacities beyond the demand's growth
                if key in prev_mw and pl.migration_usd_per_mw:
                    growth = max(d - prev_mw[key], 0)
                    if growth < d:
                        mv = var(round(pl.migration_usd_per_mw), 0, np.inf, False)
                        total = {mv: 1}
                        for c in caps:
                            z = var(0, 0, np.inf, False)
                            col, u = x[key, c.id]
                            coefs = {z: 1, col: -u}
                            if (key, c.id) in prev_x:
                                pc, pu = prev_x[key, c.id]
                                coefs[pc] = coefs.get(pc, 0) + pu
                            row(coefs, 0, np.inf)
                            total[z] = -1
                        row(total, -growth, np.inf)
            if t.exclusive:
                excl += [(nodes[0][0], c.id) for c in caps]
        for key, cid in excl:  # an exclusive lease leaves nobody else on its capacity
            col, _ = x[key, cid]
            big = max(cap_mw[cid], 1) + 1
            others = {oc: u for k, (oc, u) in on_cap[cid].items() if k != key}
            if others:
                row({**others, col: big}, -np.inf, big)
        for c in caps:
            users = on_cap[c.id]
            if not users:
                continue
            coefs = {col: u for col, u in users.values()}
            row(coefs, -np.inf, cap_mw[c.id])
            if c.build:
                row({**coefs, blocks[c.id, p]: -(c.block_mw or c.mw)}, -np.inf, 0)
        prev_x = x
        prev_mw = here_mw
    n = len(cost)
    A = sp.lil_matrix((len(rows), n))
    for r, coefs in enumerate(rows):
        for col, v in coefs.items():
            A[r, col] = v
    res = milp(np.array(cost), integrality=np.array(integ), bounds=Bounds(np.array(lo, float), np.array(hi, float)),
               constraints=[LinearConstraint(A.tocsr(), np.array(rlo, float), np.array(rhi, float))],
               options={"mip_rel_gap": 0.0, "time_limit": 60})
    assert res.status == 0, res.message
    return int(round(res.fun)) + const


# --- random scenarios ------------------------------------------------------------------------------

def random_scenario(base, rng, case: int):
    from placement.plan.contracts import CapacitySpec, PlanningParameters, Tenant

    start_year = 2026
    end_year = start_year + int(rng.integers(2, 5))
    planning = PlanningParameters(start_year=start_year, end_year=end_year,
                                  migration_usd_per_mw=float(rng.choice([0, 50_000, 400_000, 3_000_000])),
                                  internal_price_usd_per_mw_month=250_000.0)
    sites = list(rng.choice(["dallas-tx", "paris-fr", "lulea-se", "ashburn-va"], size=int(rng.integers(1, 3)),
                            replace=False))
    capacity = []
    for sid in sites:
        kw = {"mw": int(rng.choice([40, 80, 120, 200]))}
        if rng.random() < 0.3:
            kw["online_year"] = int(start_year + rng.integers(0, 3))
        if rng.random() < 0.2:
            kw["retire"] = dt.datetime(int(start_year + rng.integers(1, 4)), 7, 1)
        if rng.random() < 0.2:
            kw["mw_by_year"] = {start_year + 1: int(rng.choice([20, 100, 250]))}
        capacity.append(CapacitySpec(id=str(sid), **kw))
    if rng.random() < 0.6:
        mw = int(rng.choice([100, 200, 400]))
        capacity.append(CapacitySpec(id="richland-la", mw=mw, build=True,
                                     block_mw=int(rng.choice([0, mw // 4, mw // 2]))))
    tenants = []
    for k in range(int(rng.integers(2, 5))):
        cls = str(rng.choice(["internal", "committed", "spot"]))
        kw = dict(id=f"t{k}", mw=int(rng.choice([10, 30, 60, 100, 150])), tenant_class=cls,
                  price_usd_per_mw_month=float(rng.choice([150_000, 250_000, 400_000, 700_000])))
        if cls == "internal" and rng.random() < 0.5:
            kw["price_usd_per_mw_month"] = None
        shape = rng.random()
        if shape < 0.2:
            kw["exclusive"] = True
        elif shape < 0.4:
            kw["block_mw"] = int(max(kw["mw"] // int(rng.choice([2, 3])), 1))
        elif shape < 0.5:
            kw["single_site"] = True
        if rng.random() < 0.3:
            kw["start"] = dt.datetime(int(start_year + rng.integers(0, 2)), int(rng.choice([1, 4, 7])), 1)
        if rng.random() < 0.3:
            kw["term_days"] = int(rng.choice([180, 400, 800]))
        if rng.random() < 0.3:
            kw["mw_by_year"] = {start_year + 1: kw["mw"] * 2}
        if rng.random() < 0.4:
            kw.update(evictable=True, eviction_cost_usd_per_mw=float(rng.choice([0, 100_000, 2_000_000])),
                      notice_days=int(rng.choice([0, 90, 500])))
        tenants.append(Tenant(**kw))
    return dataclasses.replace(base, name=f"random-{case}", tenants=tenants, capacity=capacity, planning=planning)


@pytest.mark.parametrize("chunk", range(8))
def test_the_whole_horizon_plan_reaches_the_independent_milp_optimum(base, scored, chunk):
    """200 random scenarios (8 chunks of 25): the plan's objective is the MILP's optimum, proven
    (bound equal to it), its margin equals the model's, and it never earns less than the rolling plan
    valued in the same program."""
    from placement.plan.horizon import plan_whole_horizon

    for case in range(chunk * 25, chunk * 25 + 25):
        rng = np.random.default_rng(1000 + case)
        sc = random_scenario(base, rng, case)
        plan = plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False)
        ref = reference_optimum(sc, scored)
        assert plan.objective == ref, (case, plan.objective, ref)
        assert plan.bound == plan.objective and plan.optimal
        assert plan.objective <= plan.rolling_objective
        assert plan.margin_usd == pytest.approx(sum(layer.money["margin_usd"] for layer in plan.layers), abs=0.01)
        penalty = sum(layer.money["penalty_usd"] for layer in plan.layers)
        assert penalty - plan.margin_usd == pytest.approx(plan.objective, abs=0.01 * len(plan.layers) + 1)
