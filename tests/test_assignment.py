"""Tenant assignment: optimum equals HiGHS's LP optimum, rules are honoured exactly,
re-planning moves and frees exactly what it should."""
import itertools
import json
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import linprog

from placement.catalogs import InputError
from placement.plan.assign import assign, assign_problem, build_graph
from placement.plan.model import SINK, CapacityInfo, DemandNode, Problem, capacity_node, tenant_node
from placement.plan.network import flow_network, flow_dict, to_networkx
from placement.plan.solve import Infeasible, min_cost_flow, solve, restricted_capacity
from placement.earth.residency import inside, load_residency_regions
from placement.scenario import default_scenario, load_scenario
from testsupport import run_cli


def random_problem(rng, n_tenants, n_caps, arc_prob, discrete=()):
    caps = {f"c{j}": CapacityInfo(f"c{j}", f"c{j}", "ground", int(rng.integers(20, 400)), 0.0, 0.0, 0, 0.0, 0.0)
            for j in range(n_caps)}
    demands = []
    for i in range(n_tenants):
        t = SimpleNamespace(id=f"t{i}", internal=bool(rng.random() < 0.3))
        demands.append(DemandNode((f"t{i}",), t, int(rng.integers(1, 120)), {}, i in discrete, False))
    allowed = rng.random((n_tenants, n_caps)) < arc_prob
    a_d, a_c = np.nonzero(allowed)
    weights = rng.integers(5000, 40000, size=a_d.size).astype(np.int64)
    unserved = np.array([2_000_000 if d.tenant.internal else 1_000_000 for d in demands], dtype=np.int64)
    rtt = np.full((n_tenants, n_caps), 10.0)
    viol = np.where(allowed, 0, 8).astype(np.uint8)  # bit 8: the RTT rule
    return Problem(caps, demands, a_d.astype(np.int64), a_c.astype(np.int64), weights, rtt, viol, unserved)


def highs_optimum(p: Problem) -> float:
    """The LP optimum of the same assignment, written as a linear program and solved by HiGHS."""
    n_arcs, n_d = p.arc_demand.size, len(p.demands)
    c = np.concatenate([p.arc_weight, p.unserved_weight]).astype(float)
    A_eq = np.zeros((n_d, n_arcs + n_d))
    A_eq[p.arc_demand, np.arange(n_arcs)] = 1
    A_eq[np.arange(n_d), n_arcs + np.arange(n_d)] = 1
    b_eq = p.demand_mw.astype(float)
    A_ub = np.zeros((len(p.capacities), n_arcs + n_d))
    A_ub[p.arc_capacity, np.arange(n_arcs)] = 1
    res = linprog(c, A_ub=A_ub, b_ub=p.capacity_mw.astype(float), A_eq=A_eq, b_eq=b_eq, bounds=(0, None),
                  method="highs")
    assert res.status == 0
    return res.fun


@pytest.mark.parametrize("seed,n_tenants,n_caps", [(1, 200, 80), (2, 300, 150), (3, 120, 300)])
def test_splittable_plan_cost_equals_highs_lp_optimum(seed, n_tenants, n_caps):
    p = random_problem(np.random.default_rng(seed), n_tenants, n_caps, 0.15)
    sol = solve(p)
    assert sol.optimal
    assert sol.cost == pytest.approx(highs_optimum(p), abs=0.5)  # integer data: the LP optimum is integral
    G = to_networkx(sol.net, p)
    flow = flow_dict(sol.net, p, sol.arc_flow)
    assert nx.cost_of_flow(G, flow) == sol.cost
    # the reference solver (NetworkX network simplex) reaches the same optimum
    assert solve(p, solver="networkx").cost == sol.cost
    # flows respect every capacity and use allowed arcs only
    for cid, c in p.capacities.items():
        assert flow[capacity_node(cid)][SINK] <= c.mw
    allowed = set(p.arcs)
    for d in p.demands:
        for v, f in flow[tenant_node(d.key)].items():
            if f and v != SINK:
                assert (d.key, v[1]) in allowed
        assert sum(flow[tenant_node(d.key)].values()) == d.mw


def test_discrete_placement_is_optimal_against_brute_force():
    # a small instance with three unsplittable nodes: enumerate every exact placement
    rng = np.random.default_rng(7)
    for trial in range(5):
        p = random_problem(rng, 8, 5, 0.7, discrete=(0, 1, 2))
        sol = solve(p)
        assert sol.optimal and sol.lower_bound <= sol.cost
        net = flow_network(p)
        discrete = [i for i, d in enumerate(p.demands) if d.discrete]
        best = None
        options = [sorted(set(p.arc_capacity[p.arc_demand == i].tolist())) + [-1] for i in discrete]
        for combo in itertools.product(*options):
            try:
                c, f = min_cost_flow(net, restricted_capacity(net, p, dict(zip(discrete, combo))), solver="networkx")
            except Infeasible:
                continue
            whole = all(np.count_nonzero(f[(net.arc_demand == i) & (net.arc_role <= 3) & (net.arc_role >= 1)]) <= 1
                        for i in discrete)
            if whole and (best is None or c < best):
                best = c
        assert sol.cost == best, f"trial {trial}"


@pytest.fixture(scope="module")
def default_plan():
    """The default story counted in MW (catalogs/scenarios/megawatts.toml): an exclusive lease,
    unsplittable blocks, residency and an RTT target on capacity counted in MW."""
    from placement.catalogs import SCENARIO_DIR

    sc = load_scenario(SCENARIO_DIR / "megawatts.toml")
    plan, problem = assign_problem(sc)
    return sc, plan, problem


def test_default_scenario_rules_hold(default_plan):
    sc, plan, problem = default_plan
    tenants = {t.id: t for t in sc.tenants}
    by_tenant = {}
    for a in plan.assignments:
        by_tenant.setdefault(a["tenant"], []).append(a)
    # exclusive: one whole site, nobody else on it
    (lease,) = by_tenant["frontier-lab"]
    assert lease["mw"] == 300
    assert all(a["capacity_id"] != lease["capacity_id"] for a in plan.assignments if a["tenant"] != "frontier-lab")
    # residency: never outside the EU polygon
    eu = load_residency_regions()["EU"]
    for a in by_tenant["eu-enterprise"]:
        c = problem.capacities[a["capacity_id"]]
        assert c.kind == "ground" and inside(eu, c.lat_deg, c.lon_deg)
    # 40 ms target: every demand node of the coding assistant is within it
    for (key, cid), mw in plan.demand_flows.items():
        if key[0] == "coding-assistant":
            assert problem.rtt_ms(key, cid) <= tenants["coding-assistant"].rtt_target_ms
    # unsplittable 300 MW blocks land whole
    for d in problem.demands:
        if d.tenant.id == "inhouse-training":
            placed = [(cid, mw) for (k, cid), mw in plan.demand_flows.items() if k == d.key]
            assert len(placed) == 1 and placed[0][1] == d.mw == 300
    assert plan.unserved_mw == 0 and plan.served_mw == sum(t.mw for t in sc.tenants)


def test_objective_is_the_flow_cost_on_build_graph(default_plan):
    sc, plan, _ = default_plan
    G = build_graph(sc)
    assert nx.cost_of_flow(G, plan.flow) == plan.objective
    assert all(G.nodes[n]["demand"] == 0 for n in G if n not in (("source",), ("sink",)))
    assert G.nodes[("source",)]["demand"] == -G.nodes[("sink",)]["demand"]


def test_fail_a_fully_used_site_moves_exactly_its_load(default_plan):
    import dataclasses

    sc, _, _ = default_plan
    # migration dearer than any difference of cost between sites: only the failed site's load moves
    sc = dataclasses.replace(sc, assignment=dataclasses.replace(sc.assignment, migration_usd_per_mwh=5000.0))
    plan = assign(sc)
    exclusive = {t.id for t in sc.tenants if t.exclusive}
    # a full site that holds no exclusive lease (moving a lease can displace others: see below)
    full = [u["capacity_id"] for u in plan.utilization if u["used_mw"] == u["capacity_mw"] and u["used_mw"] > 0
            and not any(a["capacity_id"] == u["capacity_id"] and a["tenant"] in exclusive for a in plan.assignments)]
    assert full
    target = full[0]
    on_it = sum(a["mw"] for a in plan.assignments if a["capacity_id"] == target)
    new = assign(sc, failed=[target], previous=plan)
    assert all(a["capacity_id"] != target for a in new.assignments)
    newly_unserved = sum(u["mw"] for u in new.changes["newly_unserved"])
    assert new.changes["moved_mw"] == on_it
    assert new.served_mw + newly_unserved == plan.served_mw
    # everything that was not on the failed site stays put (migration costs money)
    old = {(a["tenant"], a["capacity_id"]): a["mw"] for a in plan.assignments if a["capacity_id"] != target}
    now = {(a["tenant"], a["capacity_id"]): a["mw"] for a in new.assignments}
    assert all(now.get(k, 0) >= mw for k, mw in old.items())


def test_failing_an_exclusive_lease_site_rehouses_the_lease_whole(default_plan):
    import dataclasses

    sc, plan, _ = default_plan
    (lease,) = [a for a in plan.assignments if a["tenant"] == "frontier-lab"]
    # the default lease names its campus: failing it leaves the lease unserved, and says why
    pinned = assign(sc, failed=[lease["capacity_id"]], previous=plan)
    (gone,) = [u for u in pinned.unserved if u["tenant"] == "frontier-lab"]
    assert gone["mw"] == 300 and "capacities its contract names" in gone["reason"]
    # a lease that may go anywhere is rehoused whole, on a campus of its own
    free = dataclasses.replace(sc, tenants=[dataclasses.replace(t, capacities=()) for t in sc.tenants])
    new = assign(free, failed=[lease["capacity_id"]], previous=plan)
    (moved,) = [a for a in new.assignments if a["tenant"] == "frontier-lab"]
    assert moved["mw"] == 300 and moved["capacity_id"] != lease["capacity_id"]
    assert all(a["capacity_id"] != moved["capacity_id"] for a in new.assignments if a["tenant"] != "frontier-lab")
    assert new.changes["moved_mw"] >= 300 and not new.changes["newly_unserved"]


def test_evict_frees_exactly_the_tenants_mw(default_plan):
    sc, plan, _ = default_plan
    new = assign(sc, evicted=["batch-embedding"], previous=plan)
    assert new.changes["freed_mw"] == 200
    assert new.served_mw == plan.served_mw - 200
    assert new.changes["moved_mw"] == 0
    assert not any(a["tenant"] == "batch-embedding" for a in new.assignments)


SHORT = """
[scenario]
name = "short"
[demand]
weights = { EU = 1.0 }
[assignment]
horizon_year = 2030
[[capacity]]
id = "paris-fr"
mw = 20
[[capacity]]
id = "frankfurt-de"
mw = 10
[[capacity]]
id = "dublin-ie"
mw = 300
[[capacity]]
id = "lulea-se"
mw = 500
[[tenant]]
id = "coding-assistant"
mw = 50
users = { FR = 1.0 }
rtt_target_ms = 20
kind = "ground"
internal = true
[[tenant]]
id = "internal-train"
mw = 600
internal = true
[[tenant]]
id = "external-batch"
mw = 100
"""


def test_shortage_is_explained_and_priorities_hold(tmp_path):
    path = tmp_path / "short.toml"
    path.write_text(SHORT)
    sc = load_scenario(path)
    plan, problem = assign_problem(sc)
    within = [cid for cid in problem.capacities if problem.rtt_ms(("coding-assistant",), cid) <= 20]
    assert set(within) == {"paris-fr", "frankfurt-de"}
    (ca,) = [u for u in plan.unserved if u["tenant"] == "coding-assistant"]
    assert ca["mw"] == 50 - sum(problem.capacities[c].mw for c in within)
    assert "is full" in ca["reason"] and "paris-fr 100%" in ca["reason"]
    # the cheapest site beyond 20 ms that still has room (Lulea is full) is offered, with its RTT
    dublin_ms = problem.rtt_ms(("coding-assistant",), "dublin-ie")
    assert 20 < dublin_ms < 40
    assert f"cheapest feasible alternative {dublin_ms:.0f} ms at dublin-ie" in ca["reason"]
    assert plan.unserved_mw == 20


def test_internal_work_has_priority_when_capacity_is_short(tmp_path):
    path = tmp_path / "shorter.toml"
    path.write_text(SHORT.replace('id = "external-batch"\nmw = 100', 'id = "external-batch"\nmw = 400'))
    plan = assign(load_scenario(path))
    # 830 MW of capacity for 1,050 MW of demand
    unserved = {u["tenant"]: u["mw"] for u in plan.unserved}
    assert "internal-train" not in unserved
    assert unserved["external-batch"] == 1050 - 830 - unserved.get("coding-assistant", 0)


@pytest.mark.parametrize("patch,words", [
    ('[[capacity]]\nid = "atlantis"\n', ["capacity.id", "atlantis"]),
    ('[[tenant]]\nid = "neg"\nmw = -5\n', ["neg", "mw", "-5"]),
    ('[[tenant]]\nid = "mars"\nmw = 5\nresidency = "MARS"\n', ["residency", "MARS", "unknown region"]),
    ('[[tenant]]\nid = "x"\nmw = 5\ncolour = "red"\n', ["colour", "unknown key"]),
])
def test_bad_assignment_input_is_named(tmp_path, patch, words):
    path = tmp_path / "bad.toml"
    path.write_text(SHORT + patch)
    with pytest.raises(InputError) as err:
        assign(load_scenario(path))
    msg = str(err.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg


@pytest.mark.parametrize("patch,tid,mw,words", [
    ('[[tenant]]\nid = "huge"\nmw = 900\nexclusive = true\n', "huge", 900, ["exclusive", "900 MW"]),
    ('[[tenant]]\nid = "us"\nmw = 5\nresidency = "US"\n', "us", 5, ["no capacity", "residency"]),
])
def test_a_tenant_no_capacity_can_take_is_unserved_with_its_reason(tmp_path, patch, tid, mw, words):
    """Issue 20: a valid scenario that cannot serve a tenant leaves it unserved with the reason (as
    `placement plan` does), it is not bad input; these two used to raise InputError."""
    path = tmp_path / "unservable.toml"
    path.write_text(SHORT + patch)
    plan = assign(load_scenario(path))
    row = next(u for u in plan.unserved if u["tenant"] == tid)
    assert row["mw"] == mw and row["reason"].startswith(f"{tid}: {mw} MW unserved — ")
    for w in words:
        assert w in row["reason"]
    r = run_cli("assign", str(path), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert any(u["tenant"] == tid for u in json.loads(r.stdout)["unserved"])


def test_malformed_polygon_is_named(tmp_path):
    geo = tmp_path / "regions.geojson"
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "BOW"},
                   "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}}]}))
    path = tmp_path / "s.toml"
    path.write_text(SHORT.replace("horizon_year = 2030", 'horizon_year = 2030\nresidency_file = "regions.geojson"')
                    + '[[tenant]]\nid = "bow"\nmw = 5\nresidency = "BOW"\n')
    with pytest.raises(InputError) as err:
        assign(load_scenario(path))
    assert "malformed polygon" in str(err.value) and "regions.geojson" in str(err.value)


def test_cli_assign_evict_and_json(tmp_path):
    from placement.catalogs import DEFAULT_SCENARIO, SCENARIO_DIR

    r = run_cli("assign", str(SCENARIO_DIR / "megawatts.toml"), "--evict", "frontier-lab", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["changes"]["freed_mw"] == 300 and doc["changes"]["evicted"] == ["frontier-lab"]
    assert {"total_cost_usd_per_h", "served_mw", "unserved_mw", "assignments", "unserved", "utilization"} <= set(doc)
    a = doc["assignments"][0]
    assert set(a) == {"tenant", "capacity_id", "kind", "mw", "rtt_ms", "cost_usd_per_mwh_it", "carbon_kg_per_mwh_it"}
    r = run_cli("assign", str(DEFAULT_SCENARIO), "--evict", "nobody")
    assert r.returncode == 2 and "nobody" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[[tenant]\nid=1")
    r = run_cli("assign", str(bad))
    assert r.returncode == 2 and "TOML syntax error" in r.stderr


def test_public_run_returns_the_plan(tmp_path):
    import placement

    sc = default_scenario()
    plan = placement.run(sc, tmp_path)
    assert isinstance(plan, placement.Plan) and plan.optimal
    assert json.loads((tmp_path / "plan.json").read_text()) == json.loads(json.dumps(plan.to_dict()))


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_discrete_plans_always_honour_their_rules(seed):
    rng = np.random.default_rng(seed)
    p = random_problem(rng, 7, 4, 0.6, discrete=(0, 1))
    p.demands[0].exclusive = True
    sol = solve(p)
    assert sol.lower_bound <= sol.cost
    flow = flow_dict(sol.net, p, sol.arc_flow)
    assert nx.cost_of_flow(to_networkx(sol.net, p), flow) == sol.cost
    placed = {}
    for d in p.demands:
        targets = {v: f for v, f in flow[tenant_node(d.key)].items() if f > 0}
        assert sum(targets.values()) == d.mw
        if d.discrete:
            assert len(targets) == 1  # whole, on one capacity or unserved
            placed[d.key] = next(iter(targets))
    owner = placed[("t0",)]
    if owner != SINK:  # the exclusive lease shares its capacity with nobody
        for d in p.demands[1:]:
            assert flow[tenant_node(d.key)].get(owner, 0) == 0
    for cid, c in p.capacities.items():
        assert flow[capacity_node(cid)][SINK] <= c.mw
