"""The plan over periods against outside references: the HiGHS LP optimum of its graph, finite
differences for the value of capacity, and its contract rules in every period."""
import dataclasses
import json

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import placement
from placement.catalogs import InputError
from placement.plan.over_time import layered_flow, layered_graph, plan_over_time
from placement.scenario import load_scenario
from testsupport import run_cli, score_catalog_sites

SITES = ["dallas-tx", "colossus-1", "ashburn-va", "paris-fr", "frankfurt-de", "lulea-se"]


def graph_lp_optimum(G) -> float:
    """The LP optimum of a min-cost-flow graph (node ``demand``, edge ``capacity``/``weight``) by HiGHS."""
    nodes = list(G.nodes)
    index = {n: k for k, n in enumerate(nodes)}
    edges = list(G.edges(data=True))
    A = np.zeros((len(nodes), len(edges)))
    for k, (u, v, _) in enumerate(edges):
        A[index[u], k] -= 1.0  # flow out
        A[index[v], k] += 1.0  # flow in
    b = np.array([G.nodes[n]["demand"] for n in nodes], float)
    c = np.array([d["weight"] for _, _, d in edges], float)
    bounds = [(0, d["capacity"]) for _, _, d in edges]
    res = linprog(c, A_eq=A, b_eq=b, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return res.fun


def scenario_text(tenants, *, planning='start_year = 2026\nend_year = 2029\nperiod = "year"', capacity=None,
                  extra=""):
    caps = capacity or [{"id": s, "mw": 100} for s in SITES]
    lines = ["[scenario]", 'name = "t"', "[demand]", "weights = { NA = 0.7, EU = 0.3 }", "[shells]", "include = []",
             "[planning]", planning, extra]
    for c in caps:
        lines.append("[[capacity]]")
        lines += [f"{k} = {json.dumps(v) if isinstance(v, (str, list, bool)) else v}" if not isinstance(v, dict) else
                  f"{k} = {{ " + ", ".join(f"{kk} = {vv}" for kk, vv in v.items()) + " }" for k, v in c.items()]
    for t in tenants:
        lines.append("[[tenant]]")
        for k, v in t.items():
            if isinstance(v, dict):
                lines.append(f"{k} = {{ " + ", ".join(f"{kk} = {vv}" for kk, vv in v.items()) + " }")
            else:
                lines.append(f"{k} = {json.dumps(v) if isinstance(v, (str, list, bool)) else v}")
    return "\n".join(lines) + "\n"


@st.composite
def splittable_tenants(draw):
    out = []
    for k in range(draw(st.integers(2, 5))):
        t = {"id": f"t{k}", "mw": draw(st.integers(10, 150)), "kind": "ground",
             "price_usd_per_mw_month": draw(st.integers(150_000, 450_000)),
             "class": draw(st.sampled_from(["committed", "spot", "internal"]))}
        if t["class"] == "internal":
            del t["price_usd_per_mw_month"]
            t["internal"] = True
        if draw(st.booleans()):
            t["mw_by_year"] = {2028: draw(st.integers(0, 200))}
        if draw(st.booleans()):
            t["start"] = draw(st.sampled_from(["2026-05-01", "2027-03-01", "2028-01-01"]))
        out.append(t)
    return out


SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def scored():
    return score_catalog_sites(SITES)


@SETTINGS
@given(splittable_tenants())
def test_plan_objective_is_the_highs_lp_optimum_of_its_graph(tmp_path, scored, tenants):
    path = tmp_path / "s.toml"
    path.write_text(scenario_text(tenants))
    sc = load_scenario(path)
    plan = plan_over_time(sc, site_scores=scored)
    G = layered_graph(plan)
    assert nx.cost_of_flow(G, layered_flow(plan)) == plan.objective
    assert plan.objective == pytest.approx(graph_lp_optimum(G), abs=0.5)


@SETTINGS
@given(splittable_tenants(), st.integers(0, 5))
def test_capacity_value_is_the_finite_difference(tmp_path, scored, tenants, pick):
    path = tmp_path / "s.toml"
    path.write_text(scenario_text(tenants, capacity=[{"id": s, "mw": 40} for s in SITES]))
    sc = load_scenario(path)
    plan = plan_over_time(sc, site_scores=scored)
    G = layered_graph(plan)
    cid = SITES[pick]
    for label in ("2026", "2028"):
        node = (label, "capacity", cid)
        value = plan.capacity_objective_value[node]  # objective units: the graph's own finite difference
        H = G.copy()
        H[node][(label, "sink")]["capacity"] += 1
        cost, _ = nx.network_simplex(H)
        assert plan.objective - cost == pytest.approx(value, abs=1e-6)
        assert value >= 0


def test_evictions_wait_for_their_notice_and_exclusive_leases_stay_alone(tmp_path, scored):
    # 300 MW of in-house blocks need the lease's campus from 2027; the lease may be expelled only
    # once its notice (400 days) could have been given: not in 2027 (1 Jan 2027 < 2026 + 400 days)
    tenants = [
        {"id": "lab", "mw": 100, "exclusive": True, "kind": "ground", "price_usd_per_mw_month": 260000,
         "evictable": True, "eviction_cost_usd_per_mw": 10000, "notice_days": 400, "capacities": ["colossus-1"]},
        {"id": "train", "mw": 100, "block_mw": 100, "internal": True, "kind": "ground",
         "mw_by_year": {2027: 600}, "capacities": SITES},
    ]
    path = tmp_path / "s.toml"
    path.write_text(scenario_text(tenants))
    plan = plan_over_time(load_scenario(path), site_scores=scored)
    assert plan.evictions and plan.evictions[0]["tenant"] == "lab"
    assert plan.evictions[0]["period"] == "2028"  # 2027 was within the notice
    for layer in plan.layers:
        owners = {}
        for (key, cid), mw in layer.placed.items():
            owners.setdefault(cid, set()).add(key[0])
            if key[0] == "train":
                assert mw == 100  # blocks whole
        lab_sites = [cid for cid, who in owners.items() if "lab" in who]
        for cid in lab_sites:
            assert owners[cid] == {"lab"}  # the exclusive lease shares its campus with nobody
    # once expelled, gone for good
    after = [r for r in plan.rows if r["tenant"] == "lab" and r["period"] >= plan.evictions[0]["period"]]
    assert not after


def test_spot_is_never_served_at_a_loss_and_in_house_work_comes_first(tmp_path, scored):
    tenants = [{"id": "spot", "mw": 150, "kind": "ground", "class": "spot", "price_usd_per_mw_month": 200000},
               {"id": "inhouse", "mw": 500, "internal": True, "kind": "ground"}]
    path = tmp_path / "s.toml"
    path.write_text(scenario_text(tenants))
    plan = plan_over_time(load_scenario(path), site_scores=scored)
    for r in plan.rows:
        if r["tenant"] == "spot":
            assert r["margin_usd"] >= -1.0
    served = {}
    for r in plan.rows:
        served[r["tenant"], r["period"]] = served.get((r["tenant"], r["period"]), 0) + r["mw"]
    for p in ("2026", "2027"):  # 600 MW of capacity, 650 MW of demand: in-house served whole
        assert served.get(("inhouse", p), 0) == 500


def _two_site_plan(tmp_path, scored, migration):
    # the tenant starts on the only site online; a cheaper one comes online in 2027
    caps = [{"id": "ashburn-va", "mw": 100}, {"id": "dallas-tx", "mw": 100, "online_year": 2027}]
    tenants = [{"id": "t", "mw": 50, "kind": "ground", "price_usd_per_mw_month": 400000}]
    path = tmp_path / f"m{migration}.toml"
    path.write_text(scenario_text(tenants, capacity=caps, extra=f"migration_usd_per_mw = {migration}"))
    return plan_over_time(load_scenario(path), site_scores=scored)


def test_a_tenant_stays_put_unless_moving_saves_more_than_the_migration_price(tmp_path, scored):
    probe = _two_site_plan(tmp_path, scored, 0)
    layer = probe.layers[1]  # 2027
    p = layer.problem
    w = dict(zip(zip(p.arc_demand.tolist(), p.arc_capacity.tolist()), p.arc_weight.tolist()))
    i = p.demand_index[("t",)]
    saving = w[i, p.capacity_index["ashburn-va"]] - w[i, p.capacity_index["dallas-tx"]]
    assert saving > 0  # Dallas is cheaper per MW over 2027
    stays = _two_site_plan(tmp_path, scored, saving + 1000)
    moves = _two_site_plan(tmp_path, scored, max(saving - 1000, 0))
    def sites_2027(plan):
        return {r["capacity_id"] for r in plan.rows if r["period"] == "2027"}

    assert sites_2027(stays) == {"ashburn-va"} and stays.layers[1].moved_mw == 0
    assert sites_2027(moves) == {"dallas-tx"} and moves.layers[1].moved_mw == 50


@pytest.mark.parametrize("patch,words", [
    ('[[tenant]]\nid = "x"\nmw = 5\nstart = "2027-01-01"\nend = "2026-01-01"\n', ["x", "end", "before the start"]),
    ('[[tenant]]\nid = "x"\nmw = 5\nmw_by_year = { 2040 = 10 }\n', ["x", "mw_by_year.2040", "horizon"]),
    ('[[tenant]]\nid = "x"\nmw = 5\nprice_usd_per_mw_month = -1\n', ["x", "price_usd_per_mw_month", "-1"]),
    ('[[tenant]]\nid = "x"\nmw = 5\nnotice_days = 9000\n', ["x", "notice_days", "longer than the planning"]),
    ('[[tenant]]\nid = "x"\nmw = 5\nclass = "vip"\n', ["x", "class", "vip"]),
    ('[[capacity]]\nid = "paris-fr"\nonline = "2030-01-01"\nretire = "2029-01-01"\n', ["paris-fr", "retire"]),
    ('[[tenant]]\nid = "x"\nmw = 5\ncapacities = ["atlantis"]\n', ["x", "capacities", "atlantis"]),
])
def test_bad_contracts_are_named(tmp_path, patch, words):
    path = tmp_path / "bad.toml"
    path.write_text(scenario_text([], capacity=[{"id": "dallas-tx", "mw": 10}]) + patch)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("planning,words", [
    ('start_year = 2026\nend_year = 2030\nperiod = "week"', ["planning.period", "week"]),
    ('start_year = 2030\nend_year = 2026', ["planning.end_year", "before start_year"]),
    ('start_year = 2026\nend_year = 2200', ["planning.end_year"]),
])
def test_bad_planning_tables_are_named(tmp_path, planning, words):
    path = tmp_path / "bad.toml"
    path.write_text(scenario_text([], planning=planning, capacity=[{"id": "dallas-tx", "mw": 10}]))
    with pytest.raises(InputError) as err:
        load_scenario(path)
    for w in words:
        assert w in str(err.value)


def test_quarterly_periods_start_a_may_lease_in_q2(tmp_path, scored):
    tenants = [{"id": "lease", "mw": 50, "kind": "ground", "price_usd_per_mw_month": 400000, "start": "2026-05-01"}]
    path = tmp_path / "q.toml"
    path.write_text(scenario_text(tenants, planning='start_year = 2026\nend_year = 2026\nperiod = "quarter"'))
    plan = plan_over_time(load_scenario(path), site_scores=scored)
    assert [p.label for p in plan.periods] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    served = {r["period"] for r in plan.rows if r["tenant"] == "lease"}
    assert served == {"2026Q2", "2026Q3", "2026Q4"}
    q2 = next(r for r in plan.rows if r["period"] == "2026Q2")
    months_covered = (30 + 31) / (30 + 31 + 30) * plan.periods[1].months  # May 1 - Jun 30 of Q2
    assert q2["revenue_usd"] == pytest.approx(50 * 400000 * months_covered, rel=1e-6)


def test_public_plan_and_graph(scored):
    from placement.catalogs import SCENARIO_DIR
    from placement.scenario import load_scenario

    sc = placement.default_scenario()
    p = placement.plan(sc)
    assert isinstance(p, placement.MultiPeriodPlan)
    # counted in GPUs, the mixed campus serves the lab (inference) all along, and every in-house
    # training block runs whole on one pool of GB200: the expel clause is never worth using
    assert p.evictions == []
    assert {r["capacity_id"] for r in p.rows if r["tenant"] == "frontier-lab"} == {
        "colossus-1:H100", "colossus-1:H200", "colossus-1:GB200"}
    training = [r for r in p.rows if r["tenant"] == "inhouse-training"]
    assert training and all(r["capacity_id"].endswith(":GB200") and r["gpus"] % 140_000 == 0 for r in training)
    assert p.margin_usd > 0 and p.build_next[0]["mean_value_usd_per_mw_month"] > 0
    # counted in MW, richland-la comes online along its ramp (first power 2027, full in 2029): in-house
    # training takes the Memphis campus in 2027, expelling the lab once its notice has run
    mw = placement.plan(load_scenario(SCENARIO_DIR / "megawatts.toml"))
    assert mw.evictions == [{"tenant": "frontier-lab", "period": "2027", "mw": 300}]
    doc = p.to_dict()
    assert {"records", "evictions", "build_next", "margin_usd", "objective_usd"} <= set(doc)
    assert json.loads(json.dumps(doc, default=float))


def test_cli_plan_and_quote(tmp_path):
    from placement.catalogs import DEFAULT_SCENARIO

    r = run_cli("plan", str(DEFAULT_SCENARIO), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    lab = [rec for rec in doc["records"] if rec["tenant"] == "frontier-lab"]
    assert lab and all(rec["capacity_id"].startswith("colossus-1:") and rec["gpus"] > 0 for rec in lab)
    out = tmp_path / "plan-out"
    r = run_cli("plan", str(DEFAULT_SCENARIO), "--out", str(out))
    assert r.returncode == 0, r.stderr
    for name in ("plan_periods.csv", "plan_periods.json", "capacity_value.csv", "timeline.png", "report.md"):
        assert (out / name).stat().st_size > 0
    new = tmp_path / "new.toml"
    new.write_text('[[tenant]]\nid = "newco"\nmw = 100\nkind = "ground"\nstart = "2027-01-01"\n')
    r = run_cli("quote", str(DEFAULT_SCENARIO), "--tenant", str(new), "--format", "json")
    assert r.returncode == 0, r.stderr
    q = json.loads(r.stdout)
    assert 100_000 < q["break_even_usd_per_mw_month"] < 1_000_000 and q["placements"]
    new.write_text('[[tenant]]\nid = "frontier-lab"\nmw = 10\n')
    r = run_cli("quote", str(DEFAULT_SCENARIO), "--tenant", str(new))
    assert r.returncode == 2 and "already" in r.stderr


@pytest.mark.parametrize("method", ["horizon", "rolling"])
def test_break_even_price_makes_the_operator_even(tmp_path, scored, method):
    # a tenant priced at its quote leaves the margin unchanged (within rounding), by either method
    from placement.plan import plan_by
    from placement.plan.contract_checks import parse_tenant
    from placement.plan.quote import quote

    path = tmp_path / "s.toml"
    path.write_text(scenario_text([{"id": "a", "mw": 80, "kind": "ground", "price_usd_per_mw_month": 400000}]))
    sc = load_scenario(path)
    new = parse_tenant("new", {"id": "n", "mw": 30, "kind": "ground"})
    q = quote(sc, new, method=method)
    priced = dataclasses.replace(new, price_usd_per_mw_month=q.break_even_usd_per_mw_month)
    base = plan_by(method, sc)  # scored with the scenario's own parameters, as the quote is
    with_new = plan_by(method, sc, extra_tenants=[priced])
    assert with_new.margin_usd == pytest.approx(base.margin_usd, abs=0.002 * abs(base.margin_usd) + 5e4)


def test_a_period_with_no_capacity_online_and_no_tenant_active_is_an_ordinary_period(tmp_path):
    """Regression (issue 19): 2026 has neither capacity online nor an active tenant; the plan and
    `placement run` used to end in an IndexError in the residual graph of an empty layer."""
    path = tmp_path / "s.toml"
    path.write_text('[planning]\nstart_year = 2026\nend_year = 2027\n[[capacity]]\nid = "dallas-tx"\nmw = 100\n'
                    'online_year = 2027\n[[tenant]]\nid = "t"\nmw = 10\nusers = { NA = 1.0 }\nstart = "2027-01-01"\n'
                    'price_usd_per_mw_month = 200000\n')
    plan = placement.plan(load_scenario(path), device="cpu")
    assert [(r["period"], r["capacity_id"], r["mw"]) for r in plan.to_dict()["records"]] == [("2027", "dallas-tx", 10)]
    assert plan.margin_usd == pytest.approx(sum(r["margin_usd"] for r in plan.to_dict()["records"]))
    r = run_cli("run", str(path), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "plan_periods.json").is_file()


from test_plan_exactness import ANCHOR_AND_BLOCKS as FALSE_OPTIMAL  # noqa: E402 - the issue's case


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_search_cut_off_is_not_called_optimal_and_its_bound_holds(tmp_path, limit):
    """Regression (issue 19): with the search cut off by ``max_search_nodes`` the plan says so,
    and its lower bound is a true bound: bound <= proven optimum <= reported objective."""
    full_path, cut_path = tmp_path / "full.toml", tmp_path / "cut.toml"
    full_path.write_text(FALSE_OPTIMAL)
    cut_path.write_text(FALSE_OPTIMAL + f"[assignment]\nmax_search_nodes = {limit}\n")
    full = placement.plan(load_scenario(full_path), device="cpu")
    cut = placement.plan(load_scenario(cut_path), device="cpu")
    from test_plan_exactness import layer_milp

    witness = sum(layer_milp(layer.problem).objective for layer in full.layers)  # independent MILP
    assert full.optimal and full.gap_usd == 0 and full.objective == witness
    assert cut.lower_bound <= full.objective <= cut.objective
    doc = cut.to_dict()
    assert doc["optimality_gap_usd"] == cut.objective - cut.lower_bound
    assert doc["optimal"] == (cut.objective == cut.lower_bound)
    if not cut.optimal:
        r = run_cli("plan", str(cut_path))
        assert r.returncode == 0 and "search limit reached: objective within" in " ".join(r.stdout.split())


# --- monthly periods (issue 23, "Months") ---------------------------------------------------------

MONTHLY = 'start_year = 2026\nend_year = 2026\nperiod = "month"'


def test_monthly_periods_end_a_180_day_term_in_its_month(tmp_path, scored):
    """A non-renewable 180-day lease from 1 May 2026 runs to 28 October: served May to October, the
    October revenue prorated to the 27 of its 31 days the term covers, nothing from November."""
    tenants = [{"id": "lease", "mw": 50, "kind": "ground", "price_usd_per_mw_month": 300000, "start": "2026-05-01",
                "term_days": 180}]
    path = tmp_path / "m.toml"
    path.write_text(scenario_text(tenants, planning=MONTHLY))
    plan = plan_over_time(load_scenario(path), site_scores=scored)
    assert [p.label for p in plan.periods][:3] == ["2026-01", "2026-02", "2026-03"] and len(plan.periods) == 12
    served = sorted({r["period"] for r in plan.rows if r["tenant"] == "lease"})
    assert served == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    october = next(r for r in plan.rows if r["period"] == "2026-10")
    months = plan.periods[9].months
    assert october["revenue_usd"] == pytest.approx(50 * 300000 * months * 27 / 31, rel=1e-9)


def test_monthly_periods_honour_a_90_day_notice_to_the_month(tmp_path, scored):
    """An evictable tenant placed in January on the only site, and in-house work that needs the site
    whole from February: the tenant may be expelled once its 90 days' notice (given at the plan's
    start) have run, i.e. from 1 April, and not in February or March."""
    site = SITES[0]
    tenants = [{"id": "renter", "mw": 100, "kind": "ground", "price_usd_per_mw_month": 200000, "evictable": True,
                "notice_days": 90, "eviction_cost_usd_per_mw": 1000, "capacities": [site]},
               {"id": "inhouse", "mw": 100, "kind": "ground", "class": "internal", "internal": True,
                "capacities": [site], "start": "2026-02-01"}]
    path = tmp_path / "n.toml"
    path.write_text(scenario_text(tenants, planning=MONTHLY, capacity=[{"id": site, "mw": 100}],
                                  extra="internal_price_usd_per_mw_month = 900000\n"
                                        "unserved_internal_usd_per_mw_month = 2000000"))
    plan = plan_over_time(load_scenario(path), site_scores=scored)
    renter = sorted({r["period"] for r in plan.rows if r["tenant"] == "renter"})
    assert renter == ["2026-01", "2026-02", "2026-03"]
    assert plan.evictions == [{"tenant": "renter", "period": "2026-04", "mw": 100}]


def monthly_2026_2027(sc):
    """A scenario planned monthly over 2026-2027, its ramps and contracts past 2027 left out."""
    import datetime as dt

    def trim(ramp):
        return {y: v for y, v in ramp.items() if y <= 2027}

    return dataclasses.replace(
        sc, planning=dataclasses.replace(sc.planning, period="month", start_year=2026, end_year=2027),
        tenants=[dataclasses.replace(t, mw_by_year=trim(t.mw_by_year), gpus_by_year=trim(t.gpus_by_year))
                 for t in sc.tenants if t.start is None or t.start < dt.datetime(2028, 1, 1)],
        capacity=[dataclasses.replace(c, mw_by_year=trim(c.mw_by_year), gpus_by_year=trim(c.gpus_by_year))
                  for c in sc.capacity])


def test_the_default_story_planned_monthly():
    """Issue 23's story, monthly over 2026-2027: the lab rents every GPU of the Memphis campus from
    May 2026 on 180-day renewable terms with 90 days' notice and an expel clause; in-house training
    grows in 2027 on the GB200 campus. The lab is served every month from 2026-05, on the campus's
    three generations, and never expelled (its mixed campus holds no training block); each training
    block runs whole on GB200 from the month its campus holds it."""
    p = placement.plan(monthly_2026_2027(placement.default_scenario()), device="cpu")
    assert len(p.periods) == 24
    served = sorted({r["period"] for r in p.rows if r["tenant"] == "frontier-lab"})
    assert served == [q.label for q in p.periods if q.label >= "2026-05"]
    assert {r["capacity_id"] for r in p.rows if r["tenant"] == "frontier-lab"} == {
        "colossus-1:H100", "colossus-1:H200", "colossus-1:GB200"}
    assert p.evictions == []
    training = [r for r in p.rows if r["tenant"] == "inhouse-training"]
    assert training and all(r["capacity_id"].endswith(":GB200") and r["gpus"] % 140_000 == 0 for r in training)


def test_the_megawatt_story_planned_monthly():
    """The same story counted in MW (catalogs/scenarios/megawatts.toml): in-house training can use
    any campus, so the lab is served from 2026-05 and expelled once the campus is worth more to
    in-house training, never before its notice has run."""
    import datetime as dt

    from placement.catalogs import SCENARIO_DIR
    from placement.scenario import load_scenario

    sc = monthly_2026_2027(load_scenario(SCENARIO_DIR / "megawatts.toml"))
    p = placement.plan(sc, device="cpu")
    assert len(p.periods) == 24
    lab = next(t for t in sc.tenants if t.id == "frontier-lab")
    served = [r["period"] for r in p.rows if r["tenant"] == "frontier-lab"]
    assert served[0] == "2026-05" and all(r["capacity_id"] == "colossus-1" for r in p.rows
                                          if r["tenant"] == "frontier-lab")
    (eviction,) = p.evictions
    start = next(q for q in p.periods if q.label == eviction["period"]).start
    assert eviction["tenant"] == "frontier-lab" and start >= sc.planning.start + dt.timedelta(days=lab.notice_days)
    assert served[-1] < eviction["period"]


def test_a_timeline_of_many_tenants_draws_the_largest_and_sums_the_rest(tmp_path, monkeypatch):
    """200 tenants on 30 sites (bench_plan's scenario, 3 years): each panel draws its 14 largest
    series and one "... N other" area holding the rest, so its stack still adds up to every MW
    served, and matplotlib warns of nothing (a legend of 200 once collapsed the figure)."""
    import sys
    import warnings
    from pathlib import Path

    from placement.outputs import plots
    from placement.plan.outputs import TIMELINE_SERIES, timeline_png

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from bench_assignment import site_catalog_csv
    from bench_plan import scenario_toml

    (tmp_path / "sites.csv").write_text(site_catalog_csv(30))
    (tmp_path / "plan.toml").write_text(scenario_toml(3, 30, 200))
    plan = placement.plan(load_scenario(tmp_path / "plan.toml"), method="rolling")
    figs = []
    original = plots._png
    monkeypatch.setattr(plots, "_png", lambda fig: figs.append(fig) or original(fig))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        timeline_png(plan)
    served = max(sum(n * layer.problem.capacities[cid].mw_per_unit for (_, cid), n in layer.placed.items())
                 for layer in plan.layers)
    tenants = {key[0] for layer in plan.layers for key, _ in layer.placed}
    for ax, what in zip(figs[-1].axes[:2], ("tenants", "capacities")):
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert len(labels) == TIMELINE_SERIES and labels[-1].endswith(f"other {what}")
        assert ax.dataLim.y1 == pytest.approx(served)
    assert labels[:-1] != [] and f"{len(tenants) - TIMELINE_SERIES + 1} other tenants" in \
        [t.get_text() for t in figs[-1].axes[0].get_legend().get_texts()][-1]
