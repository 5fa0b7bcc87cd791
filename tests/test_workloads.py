"""Which workload a site ranking answers for: training by cost and time to power, inference by the
cost of a MWh that reaches users within the SLO (issue 20 item 2)."""
import json
import math
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placement.ground.workloads import (build_next, rank_sites, ranked_scores, workload_cost_usd_per_mwh_it,
                                        workload_records)
from testsupport import PLACEMENT


def _record(i, lcoe, rtt, share, months=6.0):
    return {"id": f"s{i}", "lcoe_usd_per_mwh_it": lcoe, "rtt_ms_weighted": rtt, "pop_within_slo_fraction": share,
            "time_to_power_months": months}


site = st.tuples(st.floats(50, 5000), st.floats(1, 400), st.sampled_from([0.0, 0.0, 0.1, 0.5, 0.7, 1.0]),
                 st.floats(0, 120))


@settings(max_examples=300, deadline=None)
@given(st.lists(site, min_size=2, max_size=12), st.floats(0, 100))
def test_inference_never_ranks_a_site_serving_no_one_above_one_serving_half(sites, penalty):
    records = [_record(i, *s) for i, s in enumerate(sites)]
    order = list(rank_sites(records, "inference", latency_penalty_usd_per_mwh_per_ms=penalty))
    position = {int(k): n for n, k in enumerate(order)}
    for i, a in enumerate(records):
        for j, b in enumerate(records):
            if a["pop_within_slo_fraction"] == 0.0 and b["pop_within_slo_fraction"] >= 0.5:
                assert position[j] < position[i]


@settings(max_examples=200, deadline=None)
@given(st.lists(site, min_size=1, max_size=12), st.floats(0, 100))
def test_inference_cost_is_the_cost_of_a_mwh_within_the_slo(sites, penalty):
    records = [_record(i, *s) for i, s in enumerate(sites)]
    cost = workload_cost_usd_per_mwh_it(records, "inference", latency_penalty_usd_per_mwh_per_ms=penalty)
    for r, c in zip(records, cost):
        share = r["pop_within_slo_fraction"]
        if share == 0:
            assert c == math.inf
        else:
            # a MWh at the site costs LCOE + penalty x RTT; only `share` of it serves users within the SLO
            assert c == pytest.approx((r["lcoe_usd_per_mwh_it"] + penalty * r["rtt_ms_weighted"]) / share)
    order = rank_sites(records, "inference", latency_penalty_usd_per_mwh_per_ms=penalty)
    ranked = cost[order]
    finite = ranked[np.isfinite(ranked)]
    assert np.all(np.diff(finite) >= 0) and np.all(np.isinf(ranked[len(finite):]))


@settings(max_examples=200, deadline=None)
@given(st.lists(site, min_size=1, max_size=12))
def test_training_ranks_by_cost_then_time_to_power_and_ignores_latency(sites):
    records = [_record(i, *s) for i, s in enumerate(sites)]
    order = rank_sites(records, "training")
    keys = [(records[i]["lcoe_usd_per_mwh_it"], records[i]["time_to_power_months"]) for i in order]
    assert keys == sorted(keys)
    far = [dict(r, rtt_ms_weighted=999.0, pop_within_slo_fraction=0.0) for r in records]
    assert list(rank_sites(far, "training")) == list(order)


def test_unknown_workload_is_refused():
    from placement.errors import InputError

    with pytest.raises(InputError, match="training, inference"):
        workload_cost_usd_per_mwh_it([_record(0, 100, 10, 1)], "batch")


@pytest.fixture(scope="module")
def default_scores():
    from placement import default_scenario
    from placement.ground.sites import score_sites

    sc = default_scenario()
    return sc, score_sites(sc.sites, sc.demand(), parameters=sc.parameters)


def test_default_scenario_inference_puts_india_behind_every_site_serving_its_users(default_scores):
    # users 70 % North America / 30 % Europe: Chennai and Mumbai are 200+ ms away, none within 50 ms
    sc, scores = default_scores
    penalty = sc.assignment.latency_penalty_usd_per_mwh_per_ms
    ranked = workload_records(ranked_scores(scores, "inference", latency_penalty_usd_per_mwh_per_ms=penalty))
    ids = [r["id"] for r in ranked]
    by_id = {r["id"]: r for r in ranked}
    for india in ("chennai-in", "mumbai-in"):
        assert by_id[india]["pop_within_slo_fraction"] == 0.0
        assert by_id[india]["workload_cost_usd_per_mwh_it"] is None
        serving = [r["id"] for r in ranked if r["pop_within_slo_fraction"] > 0]
        assert all(ids.index(s) < ids.index(india) for s in serving)
    top = build_next(scores.to_records(), "inference", latency_penalty_usd_per_mwh_per_ms=penalty)
    assert top["id"] == ids[0] and top["pop_within_slo_fraction"] > 0.5
    training = build_next(scores.to_records(), "training")
    assert training["lcoe_usd_per_mwh_it"] == min(r["lcoe_usd_per_mwh_it"] for r in scores.to_records())


def _placement(*args, cwd=None):
    return subprocess.run([*PLACEMENT, *args], capture_output=True, text=True, cwd=cwd)


def test_sites_command_answers_for_the_workload_it_names(tmp_path):
    inference = json.loads(_placement("sites", "--format", "json").stdout)
    training = json.loads(_placement("sites", "--format", "json", "--workload", "training").stdout)
    assert inference["workload"] == "inference" and training["workload"] == "training"
    lcoe = [r["lcoe_usd_per_mwh_it"] for r in training["records"]]
    assert lcoe == sorted(lcoe)
    costs = [r["workload_cost_usd_per_mwh_it"] for r in inference["records"]]
    finite = [c for c in costs if c is not None]
    assert finite == sorted(finite) and costs[: len(finite)] == finite

    scenario = tmp_path / "train.toml"
    scenario.write_text('[scenario]\nname = "t"\n[workload]\nkind = "training"\n[demand]\nweights = { NA = 1.0 }\n')
    from_file = json.loads(_placement("sites", "--scenario", str(scenario), "--format", "json").stdout)
    assert from_file["workload"] == "training"


@pytest.mark.parametrize("args, field", [
    (("sites", "--workload", "batch"), "--workload"),
    (("run", "--workload", "batch"), "--workload"),
    (("batch", "globe", "--out", "never-written", "--workload", "batch"), "--workload"),
])
def test_unknown_workload_option_is_one_line_exit_2(args, field):
    done = _placement(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("placement: error:") and field in lines[0]


def test_unknown_workload_key_in_a_scenario_is_one_line_exit_2(tmp_path):
    scenario = tmp_path / "bad.toml"
    scenario.write_text('[scenario]\nname = "t"\n[workload]\nkind = "training"\nshare = 1\n')
    done = _placement("sites", "--scenario", str(scenario))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "workload" in lines[0]


def test_the_command_line_offers_the_workloads_the_library_knows():
    from placement.cli.common import WORKLOAD_CHOICES
    from placement.ground.workloads import WORKLOADS

    assert tuple(WORKLOAD_CHOICES) == tuple(WORKLOADS)


def test_globe_scan_prices_each_cell_for_the_workload(tmp_path):
    """``batch globe --workload``: training cells cost their levelized cost; inference cells the
    same formula as the site ranking (lcoe + penalty x RTT) / share within the SLO, empty where no
    demand is within it (tests/test_globe_vs_sites.py checks cell and site costs agree)."""
    from placement.scenario import default_scenario

    penalty = default_scenario().assignment.latency_penalty_usd_per_mwh_per_ms
    result = {}
    for workload in ("training", "inference"):
        out = tmp_path / workload
        done = _placement("batch", "globe", "--resolution-deg", "5", "--workload", workload, "--out", str(out),
                          "--quiet")
        assert done.returncode == 0, done.stderr
        assert (out / "globe_workload_cost_usd_per_mwh_it.png").stat().st_size > 10_000
        with np.load(out / "result.npz") as z:
            result[workload] = {k: z[k] for k in z.files}
    train, infer = result["training"], result["inference"]
    np.testing.assert_array_equal(train["workload_cost_usd_per_mwh_it"], train["lcoe_usd_per_mwh_it"])
    share = infer["pop_within_slo_fraction"]
    served = share > 0
    assert served.any() and (~served).any()
    expected = (infer["lcoe_usd_per_mwh_it"][served] + penalty * infer["rtt_ms_weighted"][served]) / share[served]
    np.testing.assert_allclose(infer["workload_cost_usd_per_mwh_it"][served], expected, rtol=1e-12)
    assert np.isnan(infer["workload_cost_usd_per_mwh_it"][~served]).all()
    assert np.isfinite(infer["workload_cost_usd_per_mwh_it"][served]).all()
