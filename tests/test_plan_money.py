"""Money is money: the plan's margin itemised and summed exactly, the value of one more MW as the
change a re-plan with that MW shows in the reported margin (finite differences, not the solver's
duals), contracts that end at their term, quotes over the MW-months asked, and `assign` and
`plan` reporting the same unservable demand the same way (issue 20)."""
import json

import numpy as np
import pytest

import placement
from placement.plan.money import MARGIN_ITEMS
from placement.plan.over_time import plan_over_time
from placement.scenario import load_scenario
from testsupport import run_cli, score_catalog_sites

SITES = ["dallas-tx", "colossus-1", "ashburn-va", "paris-fr"]
YEARS = (2026, 2027, 2028)
#: 1 Julian year / 12 [h] (IAU: the Julian year is 365.25 days)
HOURS_PER_MONTH = 365.25 * 24 / 12


def toml_value(v):
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    return json.dumps(v)


def scenario_text(tenants, capacity, *, planning="start_year = 2026\nend_year = 2028\nperiod = \"year\"", extra=""):
    lines = ["[scenario]", 'name = "money"', "[demand]", "weights = { NA = 0.7, EU = 0.3 }", "[shells]",
             "include = []", "[planning]", planning, extra]
    for c in capacity:
        lines.append("[[capacity]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in c.items()]
    for t in tenants:
        lines.append("[[tenant]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in t.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def scored():
    return score_catalog_sites(SITES)


def random_case(rng):
    """Tenants of every class (some latency-nudged, some evictable, now and then an exclusive lease
    or blocks) on four small sites: capacity short, so one more MW matters."""
    tenants = []
    for k in range(int(rng.integers(3, 7))):
        t = {"id": f"t{k}", "mw": int(rng.integers(10, 90)), "kind": "ground",
             "class": str(rng.choice(["committed", "spot", "internal"]))}
        if t["class"] == "internal":
            t["internal"] = True
            if rng.random() < 0.5:
                t["price_usd_per_mw_month"] = int(rng.integers(150_000, 450_000))
        else:
            t["price_usd_per_mw_month"] = int(rng.integers(150_000, 450_000))
        if rng.random() < 0.4:
            t["latency_penalty_usd_per_mwh_per_ms"] = round(float(rng.uniform(0.05, 2.0)), 3)
            t["users"] = {"NA": 1.0} if rng.random() < 0.5 else {"EU": 1.0}
        if rng.random() < 0.3:
            t["mw_by_year"] = {2027: int(rng.integers(0, 120))}
        if rng.random() < 0.3:
            t["start"] = str(rng.choice(["2026-05-01", "2027-03-01"]))
        if t["class"] != "internal" and rng.random() < 0.3:
            t.update(evictable=True, eviction_cost_usd_per_mw=int(rng.integers(0, 300_000)),
                     notice_days=int(rng.integers(0, 500)))
        if rng.random() < 0.12:
            t["exclusive"] = True
            t.pop("mw_by_year", None)
        elif rng.random() < 0.12 and t["mw"] >= 20:
            t["block_mw"] = int(t["mw"] // 2)
        tenants.append(t)
    capacity = [{"id": s, "mw": int(rng.integers(20, 90))} for s in SITES]
    return tenants, capacity


def bumped(capacity, cid, year):
    """The capacity list with ``cid`` one MW larger in ``year`` only."""
    out = []
    for c in capacity:
        c = dict(c)
        if c["id"] == cid:
            ramp = {year: c["mw"] + 1}
            if year + 1 <= YEARS[-1]:
                ramp[year + 1] = c["mw"]
            c["mw_by_year"] = ramp
        out.append(c)
    return out


def plan_of(tmp_path, name, tenants, capacity, scored, **kw):
    path = tmp_path / f"{name}.toml"
    path.write_text(scenario_text(tenants, capacity, **kw))
    return plan_over_time(load_scenario(path), site_scores=scored)


@pytest.mark.parametrize("seed", range(48))
def test_value_of_one_more_mw_is_the_finite_difference_of_the_margin(tmp_path, scored, seed):
    """Re-plan with the capacity one MW larger in one period: that period's reported margin rises by
    the plan's value of one more MW (times the period's months); in the last period the headline
    margin does too. (Earlier periods' values are their own period's: the rolling plan's later
    periods start from the placement and are not re-solved for the extra MW.)"""
    rng = np.random.default_rng(seed)
    tenants, capacity = random_case(rng)
    base = plan_of(tmp_path, "base", tenants, capacity, scored)
    values = base.capacity_value_usd_per_mw_month
    # a capacity and period where one more MW changes the plan, where there is one (else any)
    candidates = [(cid, y) for cid in SITES for y in YEARS if abs(values[cid][str(y)]) > 1.0]
    picks = [candidates[k] for k in rng.permutation(len(candidates))[:3]] if candidates else \
        [(SITES[int(rng.integers(len(SITES)))], YEARS[int(rng.integers(len(YEARS)))])]
    for cid, year in picks:
        label = str(year)
        plus = plan_of(tmp_path, f"{cid}-{year}", tenants, bumped(capacity, cid, year), scored)
        months = base.periods[YEARS.index(year)].months
        expected = (plus.margin_by("period")[label] - base.margin_by("period")[label]) / months
        # the solver's weights are whole USD per MW over the period: two arcs' rounding (<= 0.5 USD
        # each) may pick between flows whose margins differ by that much (outage losses and credits
        # are not whole dollars)
        assert values[cid][label] == pytest.approx(expected, abs=1.0 / months), (cid, label)
        node = (label, "capacity", cid)
        assert base.capacity_value[node] == values[cid][label]
        if year == YEARS[-1]:
            assert values[cid][label] == pytest.approx((plus.margin_usd - base.margin_usd) / months, abs=0.05)
        # the penalties beside it: objective fall = margin rise + penalty relief
        relief = base.penalty_relief_usd_per_mw_month[cid][label]
        fall = base.capacity_objective_value[node] / months
        assert fall == pytest.approx(values[cid][label] + relief, abs=1e-6)
        objective_fall = (base.layers[YEARS.index(year)].solution.cost
                          - plus.layers[YEARS.index(year)].solution.cost) / months
        assert fall == pytest.approx(objective_fall, abs=1e-6)


def check_margin_sums(doc):
    """Headline margin = sum of the period margins = sum of the items, in whole cents."""
    cents = lambda x: round(x * 100)  # noqa: E731
    periods = doc["periods"]
    assert cents(doc["margin_usd"]) == sum(cents(p["margin_usd"]) for p in periods)
    for p in periods:
        costs = sum(cents(p[k]) for k in MARGIN_ITEMS if k != "revenue_usd")
        assert cents(p["margin_usd"]) == cents(p["revenue_usd"]) - costs, p["label"]
    for k in (*MARGIN_ITEMS, "penalty_usd"):
        assert cents(doc[k]) == sum(cents(p[k]) for p in periods), k
    assert cents(doc["margin_usd"]) == cents(doc["revenue_usd"]) - sum(
        cents(doc[k]) for k in MARGIN_ITEMS if k != "revenue_usd")
    # the objective the solver minimised is the non-cash penalties less the margin
    assert doc["objective_usd"] == pytest.approx(doc["penalty_usd"] - doc["margin_usd"], abs=0.01)


def test_margin_is_itemised_and_the_headline_is_the_sum_of_the_periods(tmp_path, scored):
    # a lease expelled once its notice allows (eviction fee), a committed tenant that cannot be
    # served in full (SLA credits), a tenant moved when a cheaper site comes online (migration)
    tenants = [
        {"id": "lab", "mw": 60, "exclusive": True, "kind": "ground", "price_usd_per_mw_month": 260000,
         "evictable": True, "eviction_cost_usd_per_mw": 25000, "notice_days": 200, "capacities": ["colossus-1"]},
        {"id": "train", "mw": 60, "block_mw": 60, "internal": True, "kind": "ground", "mw_by_year": {2027: 240},
         "capacities": ["colossus-1", "dallas-tx", "ashburn-va"]},
        {"id": "firm", "mw": 50, "kind": "ground", "price_usd_per_mw_month": 330000, "capacities": ["paris-fr"]},
        {"id": "mover", "mw": 20, "kind": "ground", "price_usd_per_mw_month": 420000},
    ]
    capacity = [{"id": "colossus-1", "mw": 60}, {"id": "dallas-tx", "mw": 100}, {"id": "ashburn-va", "mw": 60},
                {"id": "paris-fr", "mw": 30}]
    plan = plan_of(tmp_path, "items", tenants, capacity, scored, extra="migration_usd_per_mw = 1")
    doc = json.loads(json.dumps(plan.to_dict(), default=float))
    check_margin_sums(doc)
    assert plan.evictions and plan.evictions[0]["tenant"] == "lab"
    expelled_in = plan.evictions[0]["period"]
    by_label = {p["label"]: p for p in doc["periods"]}
    assert by_label[expelled_in]["eviction_usd"] == pytest.approx(60 * 25000)
    # 'firm' asks 50 MW where 30 fit: 20 MW short every year, SLA credits at the committed price
    unserved_price = 200_000.0  # PlanningParameters.unserved_committed_usd_per_mw_month (default)
    for p in plan.periods:
        assert by_label[p.label]["sla_credits_usd"] == pytest.approx(20 * unserved_price * p.months, abs=0.01)
    assert plan.margin_usd == doc["margin_usd"]
    assert sum(plan.margin_by("period").values()) == pytest.approx(plan.margin_usd, abs=0.005)


def test_default_scenario_headline_is_the_sum_of_its_periods():
    """The issue's case: periods summed to 10,999 M USD against a headline of 10.98 bn (the eviction
    fee and migration were not in the periods)."""
    from placement.catalogs import SCENARIO_DIR
    from placement.scenario import load_scenario

    # the story counted in MW, where the plan uses the expel clause
    plan = placement.plan(load_scenario(SCENARIO_DIR / "megawatts.toml"), device="cpu")
    doc = json.loads(json.dumps(plan.to_dict(), default=float))
    check_margin_sums(doc)
    assert doc["eviction_usd"] == pytest.approx(300 * 60000)  # frontier-lab: 300 MW at its fee
    # and the default, counted in GPUs: its periods add up to its headline too
    check_margin_sums(json.loads(json.dumps(placement.plan(placement.default_scenario(), device="cpu").to_dict(),
                                            default=float)))
    # one more MW: money (margin) beside the penalties (CSV / JSON fields)
    rec = doc["capacity_values"][0]
    assert {"capacity_id", "period", "value_usd_per_mw_month", "penalty_relief_usd_per_mw_month"} <= set(rec)


# --- contracts: terms end unless renewable -------------------------------------------------------

def test_a_non_renewable_contract_is_not_served_after_its_term(tmp_path, scored):
    term = {"id": "short", "mw": 30, "kind": "ground", "price_usd_per_mw_month": 400000, "start": "2026-01-01",
            "term_days": 400}
    capacity = [{"id": s, "mw": 100} for s in SITES]
    plan = plan_of(tmp_path, "term", [term], capacity, scored)
    assert {r["period"] for r in plan.rows if r["tenant"] == "short"} == {"2026"}  # ends 5 Feb 2027
    renewed = plan_of(tmp_path, "renewed", [{**term, "renewable": True}], capacity, scored)
    assert {r["period"] for r in renewed.rows if r["tenant"] == "short"} == {"2026", "2027", "2028"}


def test_the_default_scenario_lease_renews_because_it_says_so():
    sc = placement.default_scenario()
    lab = next(t for t in sc.tenants if t.id == "frontier-lab")
    assert lab.term_days == 180 and lab.renewable is True


# --- quotes over the MW-months asked -------------------------------------------------------------

QUOTE_PLANNING = "start_year = 2026\nend_year = 2035\nperiod = \"year\""


def quote_scenario(tmp_path):
    path = tmp_path / "q.toml"
    path.write_text(scenario_text([{"id": "a", "mw": 80, "kind": "ground", "price_usd_per_mw_month": 400000}],
                                  [{"id": "dallas-tx", "mw": 300}, {"id": "ashburn-va", "mw": 200}],
                                  planning=QUOTE_PLANNING))
    return path


def test_a_three_year_quote_covers_36_months_and_a_renewable_one_the_plan(tmp_path):
    from placement.plan.contract_checks import parse_tenant
    from placement.plan.quote import quote

    sc = load_scenario(quote_scenario(tmp_path))
    new = {"id": "newco", "mw": 100, "kind": "ground", "start": "2027-01-01", "term_days": 1095}
    q = quote(sc, parse_tenant("new", new), device="cpu")
    term_months = 1095 * 24 / HOURS_PER_MONTH  # 35.98 months: 1 Jan 2027 - 31 Dec 2029
    assert q.asked_mw_months == pytest.approx(100 * term_months, abs=1e-3)
    assert q.asked_mw_months == pytest.approx(3600, rel=1e-3)
    assert q.mw_months == pytest.approx(q.asked_mw_months, abs=1e-3)
    assert {p["period"] for p in q.placements} == {"2027", "2028", "2029"}
    assert q.contract_end_date == "2029-12-31" and not q.renewable
    assert "3,597.5 MW-months" in q.note and "not renewed" in q.note
    assert q.cost_of_serving_usd == pytest.approx(q.break_even_usd_per_mw_month * q.mw_months)
    r = quote(sc, parse_tenant("new", {**new, "renewable": True}), device="cpu")
    assert r.contract_end_date == "2036-01-01" and r.renewable
    assert {p["period"] for p in r.placements} == {str(y) for y in range(2027, 2036)}
    hours = sum((366 if y % 4 == 0 else 365) * 24 for y in range(2027, 2036))
    assert r.asked_mw_months == pytest.approx(100 * hours / HOURS_PER_MONTH, abs=1e-3)  # 9 years: 108 months
    assert r.asked_mw_months == pytest.approx(100 * 108, rel=1e-3)


def test_quote_out_writes_the_file_and_a_bad_out_is_one_line(tmp_path):
    scenario = quote_scenario(tmp_path)
    new = tmp_path / "new.toml"
    new.write_text('[[tenant]]\nid = "newco"\nmw = 100\nkind = "ground"\nstart = "2027-01-01"\nterm_days = 1095\n')
    out = tmp_path / "quotes" / "newco.json"
    r = run_cli("quote", str(scenario), "--tenant", str(new), "--out", str(out), "--format", "json")
    assert r.returncode == 0, r.stderr
    written = json.loads(out.read_text())
    assert written == json.loads(r.stdout)
    assert written["asked_mw_months"] == pytest.approx(100 * 1095 * 24 / HOURS_PER_MONTH, abs=1e-3) and written["note"]
    r = run_cli("quote", str(scenario), "--tenant", str(new))
    assert r.returncode == 0 and "3,597.5 MW-months" in " ".join(r.stdout.split())
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    for bad in (tmp_path, blocker / "q.json"):
        r = run_cli("quote", str(scenario), "--tenant", str(new), "--out", str(bad))
        assert r.returncode == 2, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
        assert str(bad) in r.stderr and "--out" in r.stderr
    assert not list(tmp_path.glob("*.tmp")) and blocker.read_text().startswith("a file")


def test_a_tenant_no_capacity_can_take_is_quoted_with_the_reason(tmp_path):
    """Demand a valid scenario cannot serve is an answer (exit 0), not bad input."""
    scenario = quote_scenario(tmp_path)
    new = tmp_path / "far.toml"
    new.write_text('[[tenant]]\nid = "far"\nmw = 10\nkind = "ground"\nusers = { JP = 1.0 }\nrtt_target_ms = 5\n')
    r = run_cli("quote", str(scenario), "--tenant", str(new), "--format", "json")
    assert r.returncode == 0, r.stderr
    q = json.loads(r.stdout)
    assert q["break_even_usd_per_mw_month"] is None and q["placements"] == []
    assert "beyond its RTT target" in q["unserved_reason"] and q["unserved_reason"] in q["note"]
    r = run_cli("quote", str(scenario), "--tenant", str(new))
    assert r.returncode == 0 and "cannot be served" in r.stdout


# --- assign and plan: the same semantics ---------------------------------------------------------

def test_assign_and_plan_agree_on_an_unreachable_rtt_target(tmp_path):
    path = tmp_path / "far.toml"
    path.write_text(scenario_text(
        [{"id": "near", "mw": 20, "kind": "ground", "price_usd_per_mw_month": 300000},
         {"id": "far", "mw": 15, "kind": "ground", "users": {"JP": 1.0}, "rtt_target_ms": 5,
          "price_usd_per_mw_month": 300000}],
        [{"id": "dallas-tx", "mw": 100}, {"id": "paris-fr", "mw": 50}]))
    a = run_cli("assign", str(path), "--format", "json")
    assert a.returncode == 0, a.stderr
    p = run_cli("plan", str(path), "--format", "json")
    assert p.returncode == 0, p.stderr
    assigned, planned = json.loads(a.stdout), json.loads(p.stdout)
    far = [u for u in assigned["unserved"] if u["tenant"] == "far"]
    assert len(far) == 1 and far[0]["mw"] == 15
    rows = [u for u in planned["unserved"] if u["tenant"] == "far"]
    assert [u["period"] for u in rows] == ["2026", "2027", "2028"] and all(u["mw"] == 15 for u in rows)
    assert len({u["reason"] for u in rows}) == 1
    reason = rows[0]["reason"]
    assert "beyond its RTT target" in reason
    assert far[0]["reason"] == f"far: 15 MW unserved — {reason}"  # the same sentence, told with its tenant
    assert any(x["tenant"] == "near" for x in assigned["assignments"])
