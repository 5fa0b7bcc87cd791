"""Random scenarios: valid ones never crash (scores finite, a plan or a named InputError), and one
bad value anywhere always ends in an InputError naming it (the CLI's exit 2)."""
import json
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import placement
from placement.catalogs import InputError
from placement.parameters import BOUNDS

SITES = ["colossus-1", "dublin-ie", "lulea-se", "singapore-sg", "stargate-abilene", "mumbai-in"]
NUMERIC = {
    "cost": ["carbon_price_usd_per_t", "discount_rate", "it_load_factor", "water_price_usd_per_m3",
             "delay_usd_per_mw_month", "building_life_yr", "plant_life_yr", "building_share"],
    "cooling": ["liquid_fraction", "tower_approach_c", "cycles_of_concentration", "evap_effectiveness",
                "chilled_water_delta_t_c"],
    "supply": ["availability_goal", "default_queue_months"],
    "latency": ["slo_rtt_ms", "overhead_ms"],
}


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "inf" if v == math.inf else "-inf" if v == -math.inf else "nan" if v != v else repr(v)
    if isinstance(v, (int, str)):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def to_toml(doc: dict) -> str:
    lines = []
    for table, body in doc.items():
        if isinstance(body, list):
            for entry in body:
                lines.append(f"[[{table}]]")
                lines += [f"{k} = {toml_value(v)}" for k, v in entry.items()]
        else:
            lines.append(f"[{table}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in body.items() if not isinstance(v, dict)]
            for k, v in body.items():
                if isinstance(v, dict) and table == "parameters":
                    lines.append(f"[{table}.{k}]")
                    lines += [f"{kk} = {toml_value(vv)}" for kk, vv in v.items()]
    return "\n".join(lines) + "\n"


def in_bounds(key):
    b = BOUNDS[key]
    lo = b.get("low", 0.0)
    hi = b.get("high", 1e6)
    lo = max(lo, 1e-3) if b.get("positive") else lo
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def valid_scenarios(draw):
    params = {}
    for group, keys in NUMERIC.items():
        chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=3))
        if chosen:
            params[group] = {k: draw(in_bounds(k)) for k in chosen}
    sites = draw(st.lists(st.sampled_from(SITES), min_size=2, max_size=4, unique=True))
    doc = {"scenario": {"name": "random"},
           "demand": {"weights": draw(st.dictionaries(st.sampled_from(["NA", "EU", "AS", "US", "DE"]),
                                                      st.floats(0.05, 5), min_size=1, max_size=3))},
           "parameters": params, "sites": {"include": sites}, "shells": {"include": []}}
    if draw(st.booleans()):
        doc["capacity"] = [{"id": s, "mw": draw(st.integers(0, 800))} for s in sites]
        doc["tenant"] = [{"id": f"t{k}", "mw": draw(st.integers(1, 600)), "kind": "ground",
                          **({"rtt_target_ms": draw(st.floats(20, 400))} if draw(st.booleans()) else {}),
                          **({"exclusive": True} if draw(st.booleans()) else {})}
                         for k in range(draw(st.integers(1, 3)))]
    return doc


SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])


@SETTINGS
@given(valid_scenarios())
def test_random_valid_scenarios_never_crash(tmp_path, doc):
    path = tmp_path / "random.toml"
    path.write_text(to_toml(doc))
    sc = placement.load_scenario(path)
    scores = placement.score_sites(sc.sites, sc.demand(), parameters=sc.parameters, device="cpu")
    for field in ("pue", "lcoe_usd_per_mwh_it", "water_l_per_mwh_it", "time_to_power_months"):
        assert np.all(np.isfinite(scores[field])), field
    if sc.tenants:
        try:
            plan = placement.assign(sc, site_scores=scores)
        except InputError as exc:  # a tenant whose rules admit no capacity is named, not a crash
            assert "tenant" in str(exc)
        else:
            assert plan.served_mw + plan.unserved_mw == sum(t.mw for t in sc.tenants)


BAD_VALUES = [math.inf, -math.inf, math.nan, 1e308, -1e9, True, "ten", [1, 2], {"a": 1}]


@SETTINGS
@given(valid_scenarios(), st.sampled_from(sorted({k for keys in NUMERIC.values() for k in keys})),
       st.sampled_from(BAD_VALUES))
def test_one_bad_number_is_always_named(tmp_path, doc, key, bad):
    group = next(g for g, keys in NUMERIC.items() if key in keys)
    doc["parameters"].setdefault(group, {})[key] = bad
    if isinstance(bad, float) and math.isfinite(bad):  # finite but out of bounds only where bounded
        b = BOUNDS[key]
        if b.get("low", -math.inf) <= bad <= b.get("high", math.inf) and not (b.get("positive") and bad <= 0):
            return
    path = tmp_path / "bad.toml"
    path.write_text(to_toml(doc))
    try:
        placement.load_scenario(path)
    except InputError as exc:
        assert f"parameters.{group}.{key}" in str(exc) and "\n" not in str(exc)
    else:
        raise AssertionError(f"{key} = {bad!r} was accepted")
