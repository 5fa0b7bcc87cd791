"""The whole-horizon plan (issue 23) against an independent mixed-integer program.

Each random scenario (contracts with dates, terms and notice, classes, expel clauses and fees,
exclusive leases, unsplittable blocks, growth, capacity coming online and retiring, candidates to
build in blocks) is written here a second time as a MILP straight from the scenario's fields and
the sites' scores (levelized cost, capital, availability, time to power) — not from the project's
graph or model — and solved with ``scipy.optimize.milp``. The project's plan must reach the same
optimum. Conventions shared with the product, as DESIGN states them: money per MW over a period in
whole USD (rounded once per coefficient), a period counts a contract active at its midpoint and
prorates by the hours covered, migration is paid on MW a demand node gains on capacities beyond the
growth of its demand, an expelled tenant pays its fee per MW once and is gone, inside its notice an
evictable tenant's served MW may not fall, a candidate's capital is paid on built MW from its build on.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from testsupport import score_catalog_sites

SITES = ["dallas-tx", "paris-fr", "lulea-se", "richland-la", "ashburn-va", "frankfurt-de"]
HOURS_PER_MONTH = 730.5
FORBIDDEN = 10**12  # a MW cut from an evictable tenant inside its notice (a rule kept feasible)


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
    if t.gpus:  # a tenant counted in GPUs: blocks of block_gpus, or one homogeneous block, or free
        if t.block_gpus:
            k = max(mw // t.block_gpus, 1)
            sizes = [t.block_gpus] * k
            sizes[-1] += mw - sum(sizes)
            return [((t.id, "block", j), s, True) for j, s in enumerate(sizes, 1)]
        return [((t.id,), mw, bool(t.homogeneous))]
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


def _kw(generation: str) -> float:
    from placement.catalogs.gpus import load_gpu_generations

    return load_gpu_generations()[generation].it_power_kw_per_gpu


def _promised(installed: int) -> int:
    """GPUs that can be promised of ``installed``: less the spares (interruptions per GPU-day x
    hardware share x 8 GPUs per server x 3 repair days, rounded up)."""
    from placement.catalogs.gpus import load_gpu_economics

    eco = load_gpu_economics()
    spares = (eco["training_interruptions_per_gpu_day"].value * eco["training_interruptions_hardware_share"].value
              * 8 * 3.0)
    return installed - int(np.ceil(installed * spares))


def _gpus_in(mw: float, generation: str) -> int:
    return _promised(int(np.floor(mw * 1000 / _kw(generation) + 1e-9)))


def _depreciation(generation: str) -> tuple[float, float]:
    """(capex x (1 - residual) / life per GPU per year [USD], per MWh of IT grossed up for spares)."""
    from placement.catalogs.gpus import load_gpu_economics, load_gpu_generations

    g = load_gpu_generations()[generation]
    eco = load_gpu_economics()
    per_year = g.capex_usd_per_gpu * (1 - eco["residual_value_fraction"].value) / g.useful_life_years
    spares = (eco["training_interruptions_per_gpu_day"].value * eco["training_interruptions_hardware_share"].value
              * 8 * 3.0)
    return per_year, per_year / 8760 / (g.it_power_kw_per_gpu / 1000) / (1 - spares)


def _pools(c):
    """(pool id, generation or None, MW per unit) of a [[capacity]]: a fleet's one per generation,
    a capacity fitted with one generation one, a capacity in MW itself."""
    if c.gpus or c.gpus_by_year:
        held = list(dict.fromkeys([*c.gpus, *(g for t in c.gpus_by_year.values() for g in t)]))
        return [(f"{c.id}:{g}", g, _kw(g) / 1000) for g in held]
    if c.generation:
        return [(f"{c.id}:{c.generation}", c.generation, _kw(c.generation) / 1000)]
    return [(c.id, None, 1.0)]


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
    blocks, block_units = {}, {}
    for c in caps:
        if c.build:
            (pid, gen, per), = _pools(c)
            dep = _depreciation(gen)[1] if gen else 0.0
            size = (c.block_mw or c.mw) if not gen else _gpus_in(c.block_mw or c.mw, gen)
            full = c.mw if not gen else _gpus_in(c.mw, gen)
            block_units[c.id] = size
            for p, (y, a, b) in enumerate(periods):
                hours = (b - a).total_seconds() / 3600
                blocks[c.id, p] = var(round((site[c.id]["capital"] + dep) * per * hours * size), 0, full // size, True)
                if p:
                    row({blocks[c.id, p]: 1, blocks[c.id, p - 1]: -1}, 0, np.inf)
    for c in caps:  # a fleet's depreciation: a cost of each period, used or not
        if c.gpus or c.gpus_by_year:
            for p, (y, a, b) in enumerate(periods):
                have, dep = {}, 0.0
                batches = [(g, pl.start_year, n) for g, n in c.gpus.items() if n > 0]
                have.update(c.gpus)
                for yy in sorted(c.gpus_by_year):
                    for g, n in c.gpus_by_year[yy].items():
                        if n > have.get(g, 0):
                            batches.append((g, yy, n - have.get(g, 0)))
                        have[g] = n
                for g, y0, n in batches:
                    per_year = _depreciation(g)[0]
                    life = 6.0
                    if 0 <= y - y0 < life:
                        dep += n * per_year
                const += round(dep)
    prev_x, prev_mw, prev_tcols, prev_tmw = {}, {}, {}, {}
    for p, (y, a, b) in enumerate(periods):
        hours = (b - a).total_seconds() / 3600
        mid = a + (b - a) / 2
        months_mid = (mid - pl.start).days / 30.4375
        cap_mw, avail, lcoe = {}, {}, {}  # by pool: units (MW, or GPUs), cost per unit-hour
        pools = []  # (pool id, its [[capacity]], generation or None)
        for c in caps:
            s = site[c.id]
            online = dt.datetime(c.online_year, 1, 1) if c.online_year else dt.datetime(1900, 1, 1)
            if c.online:
                online = c.online
            retire = c.retire or dt.datetime(2101, 1, 1)
            for pid, gen, per in _pools(c):
                pools.append((pid, c, gen))
                if c.gpus or c.gpus_by_year:  # a fleet: the GPUs of the year, less spares
                    have = dict(c.gpus)
                    for yy in sorted(c.gpus_by_year):
                        if yy <= y:
                            have.update(c.gpus_by_year[yy])
                    units = _promised(int(have.get(gen, 0)))
                elif gen:  # fitted: the MW path counted in GPUs
                    units = _gpus_in(c.mw, gen)
                    for yy in sorted(c.mw_by_year):
                        if yy <= y:
                            units = _gpus_in(c.mw_by_year[yy], gen)
                else:
                    units = _mw_in(c.mw, c.mw_by_year, y)
                full = units
                if c.build:
                    online = pl.start + dt.timedelta(days=30.4375 * s["first"])
                    if not c.mw_by_year:
                        if months_mid < s["first"]:
                            units = 0
                        elif s["full"] > s["first"] and months_mid < s["full"]:
                            units = int(full * (months_mid - s["first"]) / (s["full"] - s["first"]))
                cap_mw[pid] = units if online <= mid < retire else 0
                bridging = c.build and s["bridge_until"] > 0 and months_mid < s["bridge_until"]
                avail[pid] = s["bridge"] if bridging else s["steady"]
                dep = _depreciation(gen)[1] if gen and not (c.gpus or c.gpus_by_year) else 0.0
                lcoe[pid] = (s["lcoe"] + dep - ((s["capital"] + dep) if c.build else 0.0)) * per
        x, on_cap, here_mw, excl = {}, {pid: {} for pid, _, _ in pools}, {}, []
        tcols, tmw = {}, {}
        for t in sc.tenants:
            w0, w1 = _tenant_window(t, pl)
            mw = _mw_in(t.gpus, t.gpus_by_year, y) if t.gpus else _mw_in(t.mw, t.mw_by_year, y)  # GPUs, or MW
            if not (w0 <= mid < w1) or mw <= 0:
                continue
            share = max((min(w1, b) - max(w0, a)).total_seconds(), 0) / (b - a).total_seconds()
            # a tenant counted in GPUs: revenue per GPU-hour, its MW prices times its first generation's MW per GPU
            unit_mw = _kw(t.generations[0] if t.generations else "H100") / 1000 if t.gpus else 1.0
            if t.gpus:
                revenue = t.price_usd_per_gpu_hour * hours * share
            else:
                price = t.price_usd_per_mw_month if t.price_usd_per_mw_month is not None else (
                    pl.internal_price_usd_per_mw_month if t.tenant_class == "internal" else 0.0)
                revenue = price * hours / HOURS_PER_MONTH * share
            unserved = round(price_of[t.tenant_class] * hours / HOURS_PER_MONTH * share * unit_mw)
            nodes = _nodes(t, mw)
            if t.evictable:
                fee = round(t.eviction_cost_usd_per_mw * mw * unit_mw)
                if p == 0:
                    const += fee
                else:
                    cost[alive[t.id, p - 1]] += fee
                cost[alive[t.id, p]] -= fee
            tmw[t.id] = sum(d for _, d, _ in nodes)
            for key, d, discrete in nodes:
                here_mw[key] = d
                ys = {}
                for pid, c, gen in pools:
                    if t.capacities and c.id not in t.capacities:
                        continue
                    if bool(t.gpus) != bool(gen) or (gen and t.generations and gen not in t.generations):
                        continue  # GPUs on pools of a generation it accepts, MW on capacity in MW
                    w = round(lcoe[pid] * hours * share - revenue + revenue * (1 - avail[pid]))
                    unit = d if discrete else 1
                    col = var((w - unserved) * unit, 0, 1 if discrete else d, True)
                    x[key, pid] = (col, unit)
                    tcols.setdefault(t.id, {})[col] = unit
                    on_cap[pid][key] = (col, unit)
                    if discrete:
                        ys[pid] = col
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
                        mv = var(round(pl.migration_usd_per_mw * unit_mw), 0, np.inf, False)
                        total = {mv: 1}
                        for pid, _, _ in pools:
                            if (key, pid) not in x:
                                continue
                            z = var(0, 0, np.inf, False)
                            col, u = x[key, pid]
                            coefs = {z: 1, col: -u}
                            if (key, pid) in prev_x:
                                pc, pu = prev_x[key, pid]
                                coefs[pc] = coefs.get(pc, 0) + pu
                            row(coefs, 0, np.inf)
                            total[z] = -1
                        row(total, -growth, np.inf)
            if t.exclusive:
                excl += [(nodes[0][0], pid) for pid, _, _ in pools if (nodes[0][0], pid) in x]
        for key, cid in excl:  # an exclusive lease leaves nobody else on its capacity
            col, _ = x[key, cid]
            big = max(cap_mw[cid], 1) + 1
            others = {oc: u for k, (oc, u) in on_cap[cid].items() if k != key}
            if others:
                row({**others, col: big}, -np.inf, big)
        for pid, c, _ in pools:
            users = on_cap[pid]
            if not users:
                continue
            coefs = {col: u for col, u in users.values()}
            row(coefs, -np.inf, cap_mw[pid])
            if c.build:
                row({**coefs, blocks[c.id, p]: -block_units[c.id]}, -np.inf, 0)
        # inside its notice an evictable tenant's served MW may not fall (beyond its demand's fall)
        for t in sc.tenants:
            if t.evictable and p and a < pl.start + dt.timedelta(days=t.notice_days) and prev_tcols.get(t.id):
                q = var(FORBIDDEN, 0, np.inf, False)
                coefs = {q: 1, **tcols.get(t.id, {})}
                for col, u in prev_tcols[t.id].items():
                    coefs[col] = coefs.get(col, 0) - u
                row(coefs, -max(prev_tmw.get(t.id, 0) - tmw.get(t.id, 0), 0), np.inf)
        prev_x, prev_tcols, prev_tmw = x, tcols, tmw
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

def _random_start(rng, kw: dict, start_year: int, months: list) -> None:
    """A start date in the first two years, 3 times in 10."""
    if rng.random() < 0.3:
        kw["start"] = dt.datetime(int(start_year + rng.integers(0, 2)), int(rng.choice(months)), 1)


def _random_expel_clause(rng, kw: dict, chance: float) -> None:
    """An expel clause (fee, notice) with probability ``chance``."""
    if rng.random() < chance:
        kw.update(evictable=True, eviction_cost_usd_per_mw=float(rng.choice([0, 100_000, 2_000_000])),
                  notice_days=int(rng.choice([0, 90, 500])))


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
        _random_start(rng, kw, start_year, [1, 4, 7])
        if rng.random() < 0.3:
            kw["term_days"] = int(rng.choice([180, 400, 800]))
        if rng.random() < 0.3:
            kw["mw_by_year"] = {start_year + 1: kw["mw"] * 2}
        _random_expel_clause(rng, kw, 0.4)
        tenants.append(Tenant(**kw))
    return dataclasses.replace(base, name=f"random-{case}", tenants=tenants, capacity=capacity, planning=planning)


def _reaches_the_reference(sc, scored, case: int):
    """The whole-horizon plan of ``sc``: its objective the independent MILP's optimum, proven (bound
    equal to it), never above the rolling plan valued in the same program, its margin the sum of
    its periods'."""
    from placement.plan.horizon import plan_whole_horizon

    plan = plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False)
    ref = reference_optimum(sc, scored)
    assert plan.objective == ref, (case, plan.objective, ref)
    assert plan.bound == plan.objective and plan.optimal
    assert plan.objective <= plan.rolling_objective
    assert plan.margin_usd == pytest.approx(sum(layer.money["margin_usd"] for layer in plan.layers), abs=0.01)
    return plan


@pytest.mark.parametrize("chunk", range(8))
def test_the_whole_horizon_plan_reaches_the_independent_milp_optimum(base, scored, chunk):
    """200 random scenarios (8 chunks of 25): the plan's objective is the MILP's optimum, proven
    (bound equal to it), its margin equals the model's, and it never earns less than the rolling plan
    valued in the same program."""
    for case in range(chunk * 25, chunk * 25 + 25):
        plan = _reaches_the_reference(random_scenario(base, np.random.default_rng(1000 + case), case), scored, case)
        penalty = sum(layer.money["penalty_usd"] for layer in plan.layers)
        assert penalty - plan.margin_usd == pytest.approx(plan.objective, abs=0.01 * len(plan.layers) + 1)


def test_the_priced_subset_gives_a_true_bound_and_the_optimum_where_it_proves_it(base, scored, monkeypatch):
    """Column generation forced on small programs (every program priced, from each node's one
    cheapest arc): the bound never exceeds the independent MILP's optimum, the plan never beats it,
    and a plan that says optimal meets it exactly."""
    import placement.plan.horizon as horizon
    import placement.plan.horizon_pricing as horizon_pricing

    monkeypatch.setattr(horizon, "FULL_MODEL_ARCS", 0)
    monkeypatch.setattr(horizon_pricing, "CHEAPEST_ARCS", 1)
    monkeypatch.setattr(horizon_pricing, "ENTERING_ARCS", 1)
    cheapest_only = horizon.initial_keep  # without the rolling plan's arcs: pricing must find them

    def keep_without_rolling(data, rolling):
        from types import SimpleNamespace

        return cheapest_only(data, SimpleNamespace(layers=[SimpleNamespace(placed={}) for _ in rolling.layers]))

    monkeypatch.setattr(horizon, "initial_keep", keep_without_rolling)
    proven = 0
    for case in range(40):
        rng = np.random.default_rng(1000 + case)
        sc = random_scenario(base, rng, case)
        plan = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False)
        ref = reference_optimum(sc, scored)
        assert plan.bound <= ref <= plan.objective, (case, plan.bound, ref, plan.objective)
        if plan.optimal:
            proven += 1
            assert plan.objective == ref, case
    assert proven >= 10  # the bound is not vacuous: most small programs are proven through pricing


def test_pricing_cut_short_before_any_round_states_the_rolling_bound_and_no_optimum(base, scored, monkeypatch):
    """Column generation stopped by the time limit before pricing finished: the subset's own
    program may be solved to its optimum, but arcs never priced could beat it, so the plan is not
    called optimal (it once reported the subset's optimum as proven). With no pricing round's bound
    (each reports none here) it states the Lagrangian bound at the rolling plan's duals, which lies
    at or below the independent MILP's optimum."""
    import placement.plan.horizon as horizon
    import placement.plan.horizon_pricing as horizon_pricing
    from placement.plan.multi_period import proof_text

    monkeypatch.setattr(horizon, "FULL_MODEL_ARCS", 0)
    # never done, and no bound from the arcs left out: the clock stops it
    monkeypatch.setattr(horizon, "price_out", lambda *a, **k: (1, float("-inf")))
    monkeypatch.setattr(horizon_pricing, "price_out", lambda *a, **k: (1, float("-inf")))
    for case in (3, 5, 8):
        rng = np.random.default_rng(1000 + case)
        sc = random_scenario(base, rng, case)
        plan = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False, time_limit_s=1.0)
        assert not plan.optimal and plan.solver_status != "Optimal"
        ref = reference_optimum(sc, scored)
        assert -(2**61) < plan.bound <= ref <= plan.objective, (case, plan.bound, ref, plan.objective)
        assert "within" in proof_text("horizon", plan.gap_usd, plan.optimal)
        assert plan.objective <= plan.rolling_objective


def test_the_rolling_duals_bound_lies_below_the_whole_relaxation(base, scored, monkeypatch):
    """The bound stated before any relaxation is solved (rolling_bound: the rolling plan's values of
    one more MW improved by subgradient steps, every linking row at dual 0), on the restricted
    program of each node's one cheapest arc: never above the whole program's linear relaxation
    (HiGHS on the full model); the subgradient steps raise it above the rolling plan's own values in
    some cases and never lower it. With notice, exclusive leases and evictions (linking rows at dual
    0) it can lie far below the relaxation on these small cases."""
    from types import SimpleNamespace

    import placement.plan.horizon as horizon
    import placement.plan.horizon_pricing as horizon_pricing
    from placement.plan.horizon_model import build_model, period_data
    from placement.plan.over_time import context_of, plan_over_time

    monkeypatch.setattr(horizon_pricing, "CHEAPEST_ARCS", 1)
    close = raised = 0
    for case in range(15):
        rng = np.random.default_rng(3000 + case)
        sc = random_scenario(base, rng, case)
        ctx = context_of(sc, scored, None, "cpu", False)
        rolling = plan_over_time(sc, context=ctx)
        build_ids = frozenset(cid for cid, spec in ctx.specs.items() if spec.build)
        data = period_data(ctx, build_ids)
        keep = horizon.initial_keep(data, SimpleNamespace(layers=[SimpleNamespace(placed={}) for _ in data]))
        restricted = build_model(ctx, data, build_ids, keep)
        bound = horizon_pricing.rolling_bound(restricted, data, keep, rolling)
        full = build_model(ctx, data, build_ids)
        h = horizon._highs(full, 60.0, None, integer=False)
        h.run()
        lp = h.getInfo().objective_function_value + full.offset
        assert bound <= lp + 1e-6 * abs(lp) + 1.0, (case, bound, lp)
        monkeypatch.setattr(horizon_pricing, "DUAL_ROUNDS", 0)  # the rolling plan's values alone
        start = horizon_pricing.rolling_bound(restricted, data, keep, rolling)
        monkeypatch.setattr(horizon_pricing, "DUAL_ROUNDS", 60)
        assert start <= bound + 1e-6 * abs(bound)  # the subgradient steps keep the best duals seen
        raised += bound > start + 1.0
        close += bound >= lp - 1.0
    assert raised >= 5 and close >= 2  # the steps help, and the bound meets the relaxation at times


def test_at_the_relaxations_own_duals_the_bound_is_the_relaxation(base, scored, monkeypatch):
    """Without linking rules (free migration, no contracts), the whole relaxation's duals of its
    capacity and demand rows, put on a restricted program of each node's one cheapest arc, give a
    bound equal to the relaxation: the restricted program's Lagrangian plus the capacity rows it
    lacks and the arcs it left out account for every term (dropping one of them breaks this)."""
    from types import SimpleNamespace

    import placement.plan.horizon as horizon
    import placement.plan.horizon_pricing as horizon_pricing
    from placement.plan.contracts import CapacitySpec, Tenant
    from placement.plan.horizon_model import build_model, period_data
    from placement.plan.over_time import context_of

    monkeypatch.setattr(horizon_pricing, "CHEAPEST_ARCS", 1)
    rng = np.random.default_rng(11)
    ids = ["dallas-tx", "frankfurt-de", "lulea-se", "paris-fr", "ashburn-va"]
    tenants = [Tenant(id=f"t{k}", mw=int(rng.integers(10, 80)), tenant_class=str(rng.choice(["committed", "spot"])),
                      price_usd_per_mw_month=float(rng.integers(250_000, 600_000))) for k in range(12)]
    capacity = [CapacitySpec(id=c, mw=int(rng.integers(40, 150))) for c in ids]
    sc = _scenario(base, tenants, capacity, start_year=2026, end_year=2028, migration_usd_per_mw=0.0)
    ctx = context_of(sc, scored, None, "cpu", False)
    data = period_data(ctx, frozenset())
    full = build_model(ctx, data, frozenset())
    h = horizon._highs(full, 60.0, None, integer=False)
    h.run()
    lp = h.getInfo().objective_function_value + full.offset
    y = np.asarray(h.getSolution().row_dual)
    per_period = [(np.array([y[full.capacity_rows[p, j][0]] if (p, j) in full.capacity_rows else 0.0
                             for j in range(len(pd.problem.capacity_ids))]),
                   np.array([y[full.demand_row[p, i]] if (p, i) in full.demand_row else 0.0
                             for i in range(len(pd.problem.demands))])) for p, pd in enumerate(data)]
    keep = horizon.initial_keep(data, SimpleNamespace(layers=[SimpleNamespace(placed={}) for _ in data]))
    assert sum(int((~k).sum()) for k in keep) > 0  # arcs are left out
    restricted = build_model(ctx, data, frozenset(), keep)
    assert len(restricted.capacity_rows) < len(full.capacity_rows)  # and capacity rows
    bound = horizon_pricing._bound_at(restricted, data, keep, horizon_pricing.row_duals(restricted, per_period), per_period)
    assert bound == pytest.approx(lp, rel=1e-7, abs=1.0)


def test_past_its_time_limit_the_plan_takes_the_rolling_plans_values_computed_then(base, scored, monkeypatch):
    """The warm start's values of one more MW are computed only when needed: a plan proven optimal
    never computes them (its own come from the program), one cut off by the clock takes the rolling
    plan's, the same as the rolling plan reports, said inexact."""
    import placement.plan.horizon as horizon
    import placement.plan.horizon_pricing as horizon_pricing
    import placement.plan.over_time as over_time
    from placement.plan.over_time import plan_over_time

    rng = np.random.default_rng(1005)
    sc = random_scenario(base, rng, 5)
    calls = []
    real_fill = over_time.fill_values
    monkeypatch.setattr(over_time, "fill_values", lambda *a, **k: calls.append(1) or real_fill(*a, **k))
    whole = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", time_limit_s=60.0)
    assert whole.optimal and not calls
    monkeypatch.setattr(horizon, "FULL_MODEL_ARCS", 0)
    monkeypatch.setattr(horizon, "price_out", lambda *a, **k: (1, float("-inf")))
    monkeypatch.setattr(horizon_pricing, "price_out", lambda *a, **k: (1, float("-inf")))
    cut = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", time_limit_s=1.0)
    assert not cut.optimal and calls
    rolling = plan_over_time(sc, site_scores=scored, device="cpu")
    assert cut.capacity_value == pytest.approx(rolling.capacity_value)
    assert not any(layer.solution.values_exact for layer in cut.layers)


def test_one_pricing_round_bounds_the_optimum_through_the_arcs_it_left_out(base, scored, monkeypatch):
    """Column generation from each node's one cheapest arc, stopped by the clock after its first
    pricing round: the stated bound (the restricted program's Lagrangian bound plus the left-out
    arcs' negative reduced costs times their MW) never exceeds the independent MILP's optimum,
    and the plan never beats it. Without the left-out arcs' share the restricted optimum would be
    stated, which lies above the true optimum in some of these cases."""
    import time as real_time
    from types import SimpleNamespace

    import placement.plan.horizon as horizon
    import placement.plan.horizon_pricing as horizon_pricing

    monkeypatch.setattr(horizon, "FULL_MODEL_ARCS", 0)
    monkeypatch.setattr(horizon_pricing, "CHEAPEST_ARCS", 1)
    cheapest_only = horizon.initial_keep
    monkeypatch.setattr(horizon, "initial_keep", lambda data, rolling: cheapest_only(
        data, SimpleNamespace(layers=[SimpleNamespace(placed={}) for _ in rolling.layers])))
    clock = {"skip": 0.0}
    monkeypatch.setattr(horizon, "time", SimpleNamespace(perf_counter=lambda: real_time.perf_counter() + clock["skip"]))
    real = horizon.price_out

    def one_round(*a, **k):
        added, left_out = real(*a, **k)
        clock["skip"] = 1e6  # the clock runs out before the next round
        return max(added, 1), left_out

    monkeypatch.setattr(horizon, "price_out", one_round)
    stated = 0
    for case in range(30):
        rng = np.random.default_rng(2000 + case)
        sc = random_scenario(base, rng, case)
        clock["skip"] = 0.0
        plan = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False, time_limit_s=30.0)
        ref = reference_optimum(sc, scored)
        assert plan.bound <= ref <= plan.objective, (case, plan.bound, ref, plan.objective)
        stated += plan.bound > -(2**61)
    assert stated >= 20  # a bound is stated where a pricing round ran


def test_pricing_cut_short_states_a_lagrangian_bound_below_the_true_optimum(base, scored, monkeypatch):
    """Column generation stopped by the clock after real pricing rounds: the plan is not called
    optimal, but it states the best Lagrangian bound of those rounds (placement.plan.lagrangian),
    which lies at or below the whole program's optimum solved without column generation, and the
    plan's own objective lies at or above that optimum."""
    import placement.plan.horizon as horizon
    from placement.plan.multi_period import proof_text

    rng = np.random.default_rng(1003)
    sc = random_scenario(base, rng, 3)
    whole = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False, time_limit_s=60.0)
    assert whole.optimal
    real = horizon.price_out
    monkeypatch.setattr(horizon, "FULL_MODEL_ARCS", 0)
    monkeypatch.setattr(horizon, "price_out", lambda *a, **k: (1, real(*a, **k)[1]))  # priced, never done
    cut = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False, time_limit_s=1.5)
    assert not cut.optimal and cut.solver_status != "Optimal"
    assert -(2**61) < cut.bound <= whole.objective <= cut.objective
    assert "within" in proof_text("horizon", cut.gap_usd, cut.optimal)


def test_the_lagrangian_bound_is_weak_duality_and_tight_at_the_optimal_duals():
    """On random bounded LPs with both kinds of rows: at HiGHS's optimal row duals the bound equals
    the optimum (strong duality), and at any other row duals it lies at or below it."""
    import scipy.sparse as sp

    from placement.plan.highs import new_highs
    from placement.plan.lagrangian import lagrangian_bound

    rng = np.random.default_rng(5)
    for _ in range(20):
        m, n = int(rng.integers(2, 8)), int(rng.integers(2, 10))
        A = sp.csr_matrix(rng.integers(-3, 4, size=(m, n)).astype(float))
        x0 = rng.uniform(0, 5, n)  # a feasible point, so the rows hold
        ax = A @ x0
        lo = np.where(rng.random(m) < 0.5, ax - rng.uniform(0, 3, m), -np.inf)
        hi = np.where(np.isinf(lo) | (rng.random(m) < 0.5), ax + rng.uniform(0, 3, m), np.inf)
        c = rng.normal(0, 5, n)
        lower, upper = np.zeros(n), np.full(n, 10.0)
        h = new_highs()
        h.addVars(n, lower, upper)
        for j in range(n):
            h.changeColCost(j, float(c[j]))
        for i in range(m):
            row = A.getrow(i)
            h.addRow(float(lo[i]), float(hi[i]), row.nnz, row.indices.astype(np.int32), row.data)
        h.run()
        assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
        opt = h.getInfo().objective_function_value
        y = np.asarray(h.getSolution().row_dual)
        assert lagrangian_bound(c, lower, upper, A, lo, hi, y, 7.0) == pytest.approx(opt + 7.0, abs=1e-6)
        for _ in range(5):
            other = y + rng.normal(0, 2, m)
            assert lagrangian_bound(c, lower, upper, A, lo, hi, other) <= opt + 1e-6


# --- cases the issue names -------------------------------------------------------------------------

def _scenario(base, tenants, capacity, **planning):
    from placement.plan.contracts import PlanningParameters

    return dataclasses.replace(base, name="case", tenants=tenants, capacity=capacity,
                               planning=PlanningParameters(**planning))


def test_the_loophole_case_runs_all_six_years_on_the_small_site(base, scored):
    """Issue 23's case: a 100 MW tenant fits the 100 MW site all along; the rolling plan puts it on
    the big cheap site in 2026-27, leaves it unserved in 2028 when an exclusive in-house lease takes
    that site (moving costs more than a year's credits), and places it on the small site from 2029.
    With foresight it runs all six years on the small site, and the margin beats the rolling plan's."""
    from placement.plan.contracts import CapacitySpec, Tenant
    from placement.plan.horizon import plan_whole_horizon
    from placement.plan.over_time import plan_over_time

    tenants = [Tenant(id="renter", mw=100, tenant_class="committed", price_usd_per_mw_month=600_000.0),
               Tenant(id="inhouse", mw=200, tenant_class="internal", exclusive=True, capacities=("dallas-tx",),
                      start=dt.datetime(2028, 1, 1))]
    capacity = [CapacitySpec(id="dallas-tx", mw=200), CapacitySpec(id="frankfurt-de", mw=100)]
    sc = _scenario(base, tenants, capacity, start_year=2026, end_year=2031, migration_usd_per_mw=8_000_000.0)
    rolling = plan_over_time(sc, site_scores=scored, device="cpu")
    where = {r["period"]: r["capacity_id"] for r in rolling.rows if r["tenant"] == "renter"}
    assert where == {"2026": "dallas-tx", "2027": "dallas-tx", "2029": "frankfurt-de", "2030": "frankfurt-de",
                     "2031": "frankfurt-de"}  # the loophole: out for 2028, back without paying a move
    plan = plan_whole_horizon(sc, site_scores=scored, device="cpu")
    rows = [r for r in plan.rows if r["tenant"] == "renter"]
    assert [(r["period"], r["capacity_id"], r["mw"]) for r in rows] == [
        (str(y), "frankfurt-de", 100) for y in range(2026, 2032)]
    assert plan.margin_usd > rolling.margin_usd and plan.margin_usd > plan.rolling_margin_usd
    assert plan.objective == reference_optimum(sc, scored)


def test_an_unneeded_candidate_is_never_built_and_leaves_the_margin_unchanged(base, scored):
    from placement.plan.contracts import CapacitySpec, Tenant
    from placement.plan.horizon import plan_whole_horizon

    tenants = [Tenant(id="t", mw=100, price_usd_per_mw_month=400_000.0)]
    without = _scenario(base, tenants, [CapacitySpec(id="dallas-tx", mw=200)], start_year=2026, end_year=2030)
    with_candidate = dataclasses.replace(without, capacity=[*without.capacity,
                                                            CapacitySpec(id="richland-la", mw=400, build=True)])
    a = plan_whole_horizon(without, site_scores=scored, device="cpu")
    b = plan_whole_horizon(with_candidate, site_scores=scored, device="cpu")
    assert b.builds == [] and b.margin_usd == a.margin_usd and b.objective == a.objective


def test_a_needed_candidate_is_built_in_blocks_and_pays_its_capital_used_or_not(base, scored):
    """300 MW of demand on 200 MW of existing capacity and a 400 MW candidate in 200 MW blocks: one
    block is built once its power has come, and the capital of the whole block is paid from then
    on, whatever share of it is used."""
    from placement.plan.contracts import CapacitySpec, Tenant
    from placement.plan.horizon import plan_whole_horizon

    tenants = [Tenant(id="t", mw=300, price_usd_per_mw_month=600_000.0)]
    capacity = [CapacitySpec(id="dallas-tx", mw=200), CapacitySpec(id="richland-la", mw=400, build=True, block_mw=200)]
    sc = _scenario(base, tenants, capacity, start_year=2026, end_year=2031)
    plan = plan_whole_horizon(sc, site_scores=scored, device="cpu")
    row = _site_row(scored, "richland-la")
    assert plan.objective == reference_optimum(sc, scored)
    (build,) = plan.builds
    assert build["capacity_id"] == "richland-la" and build["mw"] == 200
    first = next(p for p in plan.periods if p.label == build["period"])
    # the first year whose midpoint the ramp has reached with 100 MW or more
    months_mid = (first.midpoint - sc.planning.start).days / 30.4375
    assert months_mid >= row["first"]
    rest_h = sum(p.hours for p in plan.periods if p.start >= first.start)
    assert build["capital_usd"] == pytest.approx(row["capital"] * 200 * rest_h, rel=1e-9)
    last = plan.layers[-1]
    used = sum(mw for (_, cid), mw in last.placed.items() if cid == "richland-la")
    assert 100 <= used <= 200  # its MW cost less than Dallas's once its capital is sunk
    other = sum(mw * last.problem.capacities["dallas-tx"].components_in(2031)["capital_usd_per_mwh_it"] * last.period.hours
                for (_, cid), mw in last.placed.items() if cid == "dallas-tx")
    assert last.money["capital_usd"] == pytest.approx(other + row["capital"] * 200 * last.period.hours, abs=0.02)


def test_the_value_of_one_more_mw_is_the_independent_milp_difference(base, scored):
    """Splittable tenants (no discrete decision to hold): for every capacity and year, the plan's
    objective fall for one more MW equals the independent MILP's optimum less its optimum with that
    MW added in that year alone."""
    from placement.plan.contracts import CapacitySpec, Tenant
    from placement.plan.horizon import plan_whole_horizon

    tenants = [Tenant(id="a", mw=150, price_usd_per_mw_month=500_000.0, mw_by_year={2027: 220}),
               Tenant(id="b", mw=80, tenant_class="spot", price_usd_per_mw_month=300_000.0),
               Tenant(id="c", mw=60, tenant_class="internal")]
    capacity = [CapacitySpec(id="dallas-tx", mw=100), CapacitySpec(id="paris-fr", mw=100)]
    sc = _scenario(base, tenants, capacity, start_year=2026, end_year=2028, migration_usd_per_mw=300_000.0)
    plan = plan_whole_horizon(sc, site_scores=scored, device="cpu")
    ref = reference_optimum(sc, scored)
    assert plan.objective == ref
    checked = 0
    for k, c in enumerate(capacity):
        for y in range(2026, 2029):
            plus = list(capacity)
            plus[k] = dataclasses.replace(c, mw_by_year={y: c.mw + 1, y + 1: c.mw})
            fall = ref - reference_optimum(dataclasses.replace(sc, capacity=plus), scored)
            got = plan.capacity_objective_value[(str(y), "capacity", c.id)]
            assert got == pytest.approx(fall, abs=1.0), (c.id, y, got, fall)
            checked += fall > 0
    assert checked >= 3  # binding capacity, not only zeros


# --- bad input: one line naming the field, exit 2, before any work ---------------------------------

_GOOD = ('[planning]\nstart_year = 2026\nend_year = 2028\n[[tenant]]\nid = "t"\nmw = 10\nusers = { NA = 1.0 }\n'
         'price_usd_per_mw_month = 200000\n')


@pytest.mark.parametrize("capacity, words", [
    ('id = "lulea-se"\nbuild = true\n', ["capacity", "mw", "needs its mw"]),
    ('id = "lulea-se"\nmw = 100\nbuild = true\nblock_mw = 150\n', ["block_mw", "150", "larger than"]),
    ('id = "dallas-tx"\nmw = 100\nblock_mw = 50\n', ["block_mw", "only a candidate"]),
    ('id = "lulea-se"\nmw = 100000\nbuild = true\n', ["mw", "larger than its site's power"]),
    ('id = "lulea-se"\nmw = 100\nbuild = true\nblock_mw = -5\n', ["block_mw", "-5"]),
])
def test_bad_build_fields_exit_2_with_one_line(tmp_path, capacity, words):
    from testsupport import run_cli

    path = tmp_path / "s.toml"
    path.write_text(_GOOD + "[[capacity]]\n" + capacity)
    r = run_cli("plan", str(path), "--out", str(tmp_path / "out"))
    assert r.returncode == 2, (r.stdout, r.stderr)
    line = r.stderr.strip()
    assert line.startswith("placement: error:") and "\n" not in line and "Traceback" not in line, line
    assert all(w in line for w in words), line
    assert not (tmp_path / "out").exists()


def test_rolling_flag_and_its_misuse(tmp_path):
    """``--rolling`` plans period by period and says so; a value after it or an unknown method in the
    API is one line."""
    import placement
    from testsupport import run_cli

    path = tmp_path / "s.toml"
    path.write_text(_GOOD + '[[capacity]]\nid = "dallas-tx"\nmw = 100\n')
    r = run_cli("plan", str(path), "--rolling")
    assert r.returncode == 0 and "rolling, each period optimal" in r.stdout, r.stderr
    r = run_cli("plan", str(path))
    assert r.returncode == 0 and "whole horizon, proven optimal" in r.stdout, r.stderr
    # JSON says which method solved it, as the headline does
    import json

    for extra, method in ((["--rolling"], "rolling"), ([], "horizon")):
        r = run_cli("plan", str(path), "--format", "json", *extra)
        assert r.returncode == 0 and json.loads(r.stdout)["method"] == method, r.stderr
    r = run_cli("plan", str(path), "--rolling=yes")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--rolling" in r.stderr, r.stderr
    from placement.catalogs.validation import InputError

    with pytest.raises(InputError, match="method"):
        placement.plan(placement.load_scenario(path), method="greedy")
    with pytest.raises(InputError, match="time_limit_s"):
        placement.plan(placement.load_scenario(path), time_limit_s=float("nan"))


def random_gpu_scenario(base, rng, case: int):
    """A small plan with GPU pools: a fleet of H100 and GB200 (Ashburn), a site fitted with one
    generation (Dallas), perhaps a candidate fitted with GB200 in blocks (Richland) and a site in MW
    (Paris); tenants counted in GPUs (mixed, homogeneous, in blocks, growing, evictable) beside
    tenants in MW."""
    from placement.plan.contracts import CapacitySpec, PlanningParameters, Tenant

    start_year = 2026
    end_year = start_year + int(rng.integers(1, 4))
    planning = PlanningParameters(start_year=start_year, end_year=end_year,
                                  migration_usd_per_mw=float(rng.choice([0, 50_000, 400_000])),
                                  internal_price_usd_per_mw_month=250_000.0)
    capacity = [CapacitySpec(id="ashburn-va", gpus={"H100": int(rng.choice([8000, 20000, 40000])),
                                                    "GB200": int(rng.choice([0, 10000, 30000]))},
                             gpus_by_year={start_year + 1: {"GB200": 40000}} if rng.random() < 0.3 else {}),
                CapacitySpec(id="dallas-tx", mw=int(rng.choice([20, 60, 120])),
                             generation=str(rng.choice(["H100", "GB200"])),
                             online_year=int(start_year + rng.integers(0, 2)) if rng.random() < 0.3 else 0)]
    if rng.random() < 0.6:
        mw = int(rng.choice([100, 200]))
        capacity.append(CapacitySpec(id="richland-la", mw=mw, build=True, generation="GB200",
                                     block_mw=int(rng.choice([0, mw // 2]))))
    if rng.random() < 0.5:
        capacity.append(CapacitySpec(id="paris-fr", mw=int(rng.choice([20, 60]))))
    tenants = []
    for k in range(int(rng.integers(2, 5))):
        cls = str(rng.choice(["internal", "committed", "spot"]))
        if rng.random() < 0.2:  # a tenant counted in MW
            tenants.append(Tenant(id=f"m{k}", mw=int(rng.choice([10, 30])), tenant_class=cls,
                                  price_usd_per_mw_month=float(rng.choice([250_000, 700_000]))))
            continue
        kw = dict(id=f"g{k}", mw=0, gpus=int(rng.choice([2000, 10000, 30000, 60000])), tenant_class=cls,
                  price_usd_per_gpu_hour=float(rng.choice([0.8, 2.0, 3.5, 6.0])))
        shape = rng.random()
        if shape < 0.3:
            kw.update(homogeneous=True, generations=(str(rng.choice(["H100", "GB200"])),))
        elif shape < 0.5:
            kw.update(block_gpus=kw["gpus"] // 2, generations=("GB200",))
        elif shape < 0.7:
            kw["generations"] = ("H100",)
        if rng.random() < 0.3:
            kw["gpus_by_year"] = {start_year + 1: kw["gpus"] * 2}
        _random_start(rng, kw, start_year, [1, 7])
        _random_expel_clause(rng, kw, 0.3)
        tenants.append(Tenant(**kw))
    return dataclasses.replace(base, name=f"random-gpu-{case}", tenants=tenants, capacity=capacity, planning=planning)


@pytest.mark.parametrize("chunk", range(3))
def test_the_whole_horizon_plan_with_gpu_pools_reaches_the_independent_milp_optimum(base, scored, chunk):
    """60 random plans with GPU pools (fleets, a site and a candidate fitted with one generation,
    tenants counted in GPUs in blocks and ramps): the plan's objective is the MILP's optimum written
    from the scenario and the GPU catalog by hand, proven, and the margin's items add up."""
    for case in range(chunk * 20, chunk * 20 + 20):
        _reaches_the_reference(random_gpu_scenario(base, np.random.default_rng(5000 + case), case), scored, case)
