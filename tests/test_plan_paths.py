"""Whole paths as columns (placement/plan/horizon_paths.py, path_master.py): the pricing kernel against every path
enumerated, cohorts against the demand profile, a known plan's paths against the program's own
objective, and the column generation against the independent MILP of test_plan_horizon.py on
random plans whose demand is all splittable."""
from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from test_plan_horizon import base, random_gpu_scenario, random_scenario, reference_optimum, scored  # noqa: F401

from placement.plan.horizon_paths import cheapest_paths, cohorts, path_cost, path_price, paths_of, paths_of_placement
from placement.plan.path_master import solve_paths


def _brute_force(cost, migration, alive, price):
    """The cheapest path of one unit, every state sequence enumerated."""
    P, S = cost.shape
    periods = [p for p in range(P) if alive[p]]
    best = np.inf
    for seq in itertools.product(range(S), repeat=len(periods)):
        total, prev = 0.0, None
        for p, s in zip(periods, seq):
            total += cost[p, s] - price[p, s]
            if prev is not None and prev[0] == p - 1 and s != prev[1] and s != S - 1:
                total += migration
            prev = (p, s)
        best = min(best, total)
    return best


def test_the_pricing_kernel_finds_the_cheapest_of_every_path():
    """Random units (2 to 4 states, up to 5 periods, gaps where the unit is not demanded, states
    not allowed, negative prices): the kernel's reduced cost is the least over every state sequence
    enumerated, and the path it returns costs exactly that."""
    rng = np.random.default_rng(11)
    for trial in range(300):
        K, P, S = int(rng.integers(1, 4)), int(rng.integers(1, 6)), int(rng.integers(2, 5))
        cost = rng.integers(-50, 50, size=(K, P, S)).astype(float)
        cost[:, :, :-1][rng.random((K, P, S - 1)) < 0.25] = np.inf  # unserved (last) always allowed
        migration = rng.integers(0, 40, size=K).astype(float)
        alive = rng.random((K, P)) < 0.75
        dual = -rng.integers(0, 30, size=(P, S - 1)).astype(float)
        price = np.zeros((P, S))
        price[:, :-1] = dual
        states, reduced = cheapest_paths(cost, migration, alive, dual)
        for k in range(K):
            expect = _brute_force(cost[k], migration[k], alive[k], price) if alive[k].any() else 0.0
            assert reduced[k] == pytest.approx(expect), (trial, k)
            assert np.all((states[k] >= 0) == alive[k])
        own = path_cost(cost, migration, alive, states) - path_price(states, dual)
        np.testing.assert_allclose(own, reduced)


def test_cohorts_cut_a_demand_profile_into_bands():
    """A node of 0, 100, 150, 150, 0, 50 MW: bands of 50 MW alive where the demand reaches them,
    adding back up to the demand in every period."""
    demand = np.array([[0, 100, 150, 150, 0, 50], [20, 20, 20, 20, 20, 20]])
    node, units, alive = cohorts(demand)
    assert node.tolist() == [0, 0, 0, 1] and units.tolist() == [50, 50, 50, 20]
    assert alive[0].tolist() == [False, True, True, True, False, True]
    assert alive[2].tolist() == [False, False, True, True, False, False]
    for n in range(2):
        np.testing.assert_array_equal((units[node == n, None] * alive[node == n]).sum(axis=0), demand[n])


def plain(sc):
    """A scenario with every demand splittable: no exclusive lease, single site, block or expel
    clause, no candidate to build."""
    tenants = [dataclasses.replace(t, exclusive=False, single_site=False, block_mw=0, block_gpus=0, evictable=False,
                                   homogeneous=False) for t in sc.tenants]
    capacity = [c for c in sc.capacity if not c.build]
    return dataclasses.replace(sc, tenants=tenants, capacity=capacity)


def _program(sc, scored_):
    from placement.plan.horizon_model import build_model, period_data
    from placement.plan.over_time import context_of, plan_over_time

    ctx = context_of(sc, scored_, None, "cpu", False)
    data = period_data(ctx, frozenset())
    return ctx, data, plan_over_time(sc, context=ctx), build_model(ctx, data, frozenset())


def _constant(data, model):
    """The program's objective less the paths' (unserved weights moved into the arcs' costs, the
    fleets' depreciation): the model's offset less every demand node's unserved weight x MW."""
    return model.offset - sum(int(pd.problem.unserved_weight @ pd.problem.demand_mw) for pd in data)


@pytest.mark.parametrize("gpus", [False, True])
def test_a_known_plans_paths_carry_it_at_the_programs_own_objective(base, scored, gpus):  # noqa: F811
    """The rolling plan of 30 random splittable plans (MW, and GPU pools) laid out as paths: the
    paths place exactly its units, and their cost plus the program's constant is the program's
    objective at its point (so the paths move no more units than the program charges)."""
    from placement.plan.horizon import _fill_moves, point_of_rolling

    for case in range(30):
        make = random_gpu_scenario if gpus else random_scenario
        sc = plain(make(base, np.random.default_rng(7000 + case), case))
        ctx, data, rolling, model = _program(sc, scored)
        paths = paths_of(ctx, data)
        index = {key: n for n, key in enumerate(paths.keys)}
        placed = np.zeros((len(data), len(paths.keys), paths.n_capacities), dtype=np.int64)
        for p, (pd, layer) in enumerate(zip(data, rolling.layers)):
            for (key, cid), mw in layer.placed.items():
                placed[p, index[key], pd.problem.capacity_index[cid]] += mw
        node, units, alive = cohorts(paths.demand)
        ks, states, amount = paths_of_placement(paths, node, units, alive, placed)
        got = np.zeros_like(placed)
        for k, st, a in zip(ks, states, amount):
            for p in np.flatnonzero((st >= 0) & (st < paths.n_capacities)):
                got[p, node[k], st[p]] += a
        np.testing.assert_array_equal(got, placed)
        np.testing.assert_array_equal(np.bincount(ks, weights=amount, minlength=node.size), units)
        cost = path_cost(paths.cost[node[ks]], paths.migration[node[ks]], alive[ks], states) @ amount
        v = point_of_rolling(model, data, rolling)
        _fill_moves(model, data, v)
        assert int(round(cost)) + _constant(data, model) == model.objective_of(v), case


@pytest.mark.parametrize("gpus", [False, True])
def test_path_columns_reach_the_independent_milp_optimum(base, scored, monkeypatch, gpus):  # noqa: F811
    """40 random splittable plans (contracts with starts, terms and growth, capacity online,
    retiring and ramping, migration priced or free; and 20 with GPU pools) planned by path columns
    (forced: the program's size threshold set below 0): the objective is the independent MILP's
    optimum, proven, and the bound equals it."""
    import placement.plan.horizon as horizon

    monkeypatch.setattr(horizon, "PATH_COLUMNS_MIN_ARCS", -1)  # a program with no arc at all too
    used = {"paths": 0}
    real = horizon.solve_by_paths
    monkeypatch.setattr(horizon, "solve_by_paths", lambda *a, **k: used.__setitem__("paths", used["paths"] + 1)
                        or real(*a, **k))
    cases = range(20) if gpus else range(40)
    for case in cases:
        make = random_gpu_scenario if gpus else random_scenario
        sc = plain(make(base, np.random.default_rng(8000 + case), case))
        plan = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False)
        ref = reference_optimum(sc, scored)
        assert plan.objective == ref, (case, plan.objective, ref)
        assert plan.optimal and plan.bound == plan.objective
        assert plan.objective <= plan.rolling_objective
    assert used["paths"] == len(cases)


@pytest.mark.parametrize("purge", [False, True])
def test_path_columns_cut_short_state_a_true_bound(base, scored, monkeypatch, purge):  # noqa: F811
    """Column generation stopped after its first pricing round, started without the rolling plan's
    paths and values (and, with ``purge``, after the master's idle columns were deleted and new
    ones added, so HiGHS holds no point of the master as it stands): the plan is the best
    whole-unit point of the last master solved, never better than the MILP's optimum, its bound
    (the Lagrangian bound of the duals tried) never above it, and it is called optimal only where
    the two meet."""
    import placement.plan.horizon as horizon
    import placement.plan.path_master as hp

    monkeypatch.setattr(horizon, "PATH_COLUMNS_MIN_ARCS", -1)
    if purge:
        monkeypatch.setattr(hp, "PURGE_EVERY", 1)
        monkeypatch.setattr(hp, "PURGE_MIN_COLUMNS", 1)
        monkeypatch.setattr(hp, "PURGE_QUANTILE", 0.0)
    monkeypatch.setattr(hp, "SUBGRADIENT_S", 0.0)
    blind = hp.solve_paths
    monkeypatch.setattr(horizon, "solve_paths", lambda paths, limit, guess, placed: blind(paths, limit))
    real = hp._Master.solve
    calls = {"n": 0}

    def once(self, left):
        calls["n"] += 1
        return real(self, left) and calls["n"] <= 1  # the first solve, then "out of time"

    monkeypatch.setattr(hp._Master, "solve", once)
    short = 0
    for case in range(15):
        calls["n"] = 0
        sc = plain(random_scenario(base, np.random.default_rng(8100 + case), case))
        plan = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False)
        ref = reference_optimum(sc, scored)
        assert plan.bound <= ref <= plan.objective, (case, plan.bound, ref, plan.objective)
        assert plan.optimal == (plan.bound == plan.objective)
        short += plan.bound < plan.objective
    assert short >= 3  # cut short, most plans are not proven: the bound is tested, not vacuous


def test_path_values_of_one_more_mw_are_the_milp_difference(base, scored, monkeypatch):  # noqa: F811
    """Solved by path columns, the value of one more MW is the master re-solved with that MW (new
    paths may enter): it equals the independent MILP's fall for one more MW in that period, and the
    plan says its values are exact. (The capacity row's dual alone overstated 164 of 265 binding
    values at bench_plan's 10 x 30 x 200.)"""
    import placement.plan.horizon as horizon

    monkeypatch.setattr(horizon, "PATH_COLUMNS_MIN_ARCS", -1)
    checked = 0
    for case in range(6):
        sc = plain(random_scenario(base, np.random.default_rng(8200 + case), case))
        plan = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu")
        assert plan.values_exact
        ref = reference_optimum(sc, scored)
        for p, layer in enumerate(plan.layers):
            for j, cid in enumerate(layer.problem.capacity_ids):
                value = float(layer.values[j])
                if value <= 0 or checked >= 14 or layer.problem.capacities[cid].mw == 0:
                    continue  # (a capacity not online prices its value too; the MILP cannot add it one MW)
                spec = next(c for c in sc.capacity if c.id == cid)
                fall = ref - reference_optimum(_one_more_mw(sc, spec, layer.period), scored)
                assert fall == pytest.approx(value, abs=1e-3), (case, cid, p, fall, value)
                checked += 1
    assert checked >= 6


def _one_more_mw(sc, spec, period):
    """``sc`` with one more MW on ``spec`` in ``period``'s year only."""
    year = period.year
    base_mw = spec.mw
    ramp = dict(spec.mw_by_year)
    mw_then = base_mw
    for y in sorted(ramp):
        if y <= year:
            mw_then = ramp[y]
    ramp[year] = mw_then + 1
    after = [y for y in sorted(spec.mw_by_year) if y > year]
    if not after or after[0] != year + 1:
        ramp[year + 1] = mw_then
    capacity = [dataclasses.replace(c, mw_by_year=ramp) if c.id == spec.id else c for c in sc.capacity]
    return dataclasses.replace(sc, capacity=capacity)


def test_a_master_point_not_whole_goes_to_the_integer_master_and_proves_by_the_bound(base, scored, monkeypatch):  # noqa: F811
    """Every master point treated as fractional (the integrality tolerance below 0): the plan comes
    from the master on its columns as a mixed-integer program, reaches the MILP's optimum, and is
    called optimal exactly where the relaxation's bound, rounded up, meets it."""
    import placement.plan.horizon as horizon
    import placement.plan.path_master as hp

    monkeypatch.setattr(horizon, "PATH_COLUMNS_MIN_ARCS", -1)
    monkeypatch.setattr(hp, "INTEGRAL_TOL", -1.0)
    proven = 0
    for case in range(15):
        sc = plain(random_scenario(base, np.random.default_rng(8300 + case), case))
        plan = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False)
        ref = reference_optimum(sc, scored)
        assert plan.bound <= ref == plan.objective, (case, plan.bound, ref, plan.objective)
        assert plan.optimal == (plan.bound == plan.objective)
        proven += plan.optimal
    assert proven >= 10


def test_priced_out_the_lagrangian_bound_is_the_optimum(base, scored):  # noqa: F811
    """Run to the end from no guess: the paths' plan plus the program's constant is the MILP's
    optimum, and so is the Lagrangian bound at the last duals (capacity prices times capacity plus
    every cohort's cheapest path at those prices), to a thousandth of a USD: strong duality, the
    relaxation being integral here."""
    for case in range(10):
        sc = plain(random_scenario(base, np.random.default_rng(8400 + case), case))
        ctx, data, _, model = _program(sc, scored)
        solved = solve_paths(paths_of(ctx, data), 60.0)
        ref = reference_optimum(sc, scored)
        assert solved.proven and solved.objective + _constant(data, model) == ref, case
        assert solved.bound + _constant(data, model) == pytest.approx(ref, abs=1e-3), case


def test_path_values_read_as_the_whole_programs_re_solved_by_highs(base, scored, monkeypatch):  # noqa: F811
    """The same random plans solved both ways: by path columns, and by HiGHS on the whole program
    with its own exact re-solves: the same objective, and per capacity and period the same value of
    one more MW, as objective fall and as margin rise [USD per MW-month]."""
    import placement.plan.horizon as horizon

    for case in range(8):
        sc = plain(random_scenario(base, np.random.default_rng(8500 + case), case))
        monkeypatch.setattr(horizon, "PATH_COLUMNS_MIN_ARCS", -1)
        paths_plan = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu")
        monkeypatch.setattr(horizon, "PATH_COLUMNS_MIN_ARCS", 10**12)
        whole = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu")
        assert paths_plan.objective == whole.objective and paths_plan.values_exact and whole.values_exact
        for node, value in whole.capacity_objective_value.items():
            assert paths_plan.capacity_objective_value[node] == pytest.approx(value, abs=1e-3), (case, node)
        for node, value in whole.capacity_value.items():
            assert paths_plan.capacity_value[node] == pytest.approx(value, abs=1e-3), (case, node)


def test_columns_purged_every_round_still_reach_the_milp_optimum(base, scored, monkeypatch):  # noqa: F811
    """Every column that carries nothing leaves the master after every round (the purge at its most
    eager): paths priced again enter again, and 20 random plans still reach the independent MILP's
    optimum, proven."""
    import placement.plan.horizon as horizon
    import placement.plan.path_master as pm

    monkeypatch.setattr(horizon, "PATH_COLUMNS_MIN_ARCS", -1)
    monkeypatch.setattr(pm, "PURGE_EVERY", 1)
    monkeypatch.setattr(pm, "PURGE_MIN_COLUMNS", 1)
    monkeypatch.setattr(pm, "PURGE_QUANTILE", 0.0)
    purged = []
    real = pm._Master.purge
    monkeypatch.setattr(pm._Master, "purge", lambda self, keep: purged.append(real(self, keep)) or purged[-1])
    for case in range(20):
        sc = plain(random_scenario(base, np.random.default_rng(8600 + case), case))
        plan = horizon.plan_whole_horizon(sc, site_scores=scored, device="cpu", values=False)
        assert plan.objective == reference_optimum(sc, scored) and plan.optimal, case
    assert sum(purged) > 20


def test_a_purged_column_can_enter_again_and_the_master_stays_aligned(monkeypatch):
    """The master's purge deletes columns that carry nothing and price high, keeps each cohort's
    all-unserved path, keeps its list of paths aligned with HiGHS's columns, and lets a purged
    path enter again (it is no longer counted as seen)."""
    import placement.plan.path_master as pm

    monkeypatch.setattr(pm, "PURGE_MIN_COLUMNS", 1)
    monkeypatch.setattr(pm, "PURGE_QUANTILE", 0.0)

    capacity = np.array([[5, 5]])  # one period, two capacities
    units = np.array([4, 4])
    master = pm._Master(capacity, units)
    idle = np.array([[2], [2]])
    assert master.add(np.array([0, 1]), idle, np.array([100.0, 100.0])) == 2
    paths = np.array([[0], [1], [0], [1]])
    assert master.add(np.array([0, 0, 1, 1]), paths, np.array([1.0, 50.0, 2.0, 160.0])) == 4
    assert master.solve(10.0)
    dropped = master.purge(keep_first=2)
    assert dropped >= 1 and master.h.getNumCol() == len(master.columns) == 6 - dropped
    assert [k for k, _ in master.columns[:2]] == [0, 1]  # the all-unserved paths stay
    gone = [(k, int(st[0])) for k, st in [(0, [0]), (0, [1]), (1, [0]), (1, [1])]
            if not any(c == k and int(s_[0]) == st[0] for c, s_ in master.columns)]
    assert (1, 1) in gone  # the path that carries nothing and costs most
    assert master.add(np.array([1]), np.array([[1]]), np.array([160.0])) == 1  # purged, so new again
    assert master.add(np.array([1]), np.array([[1]]), np.array([160.0])) == 0  # now seen
    assert master.solve(10.0) and master.h.getNumCol() == len(master.columns)
