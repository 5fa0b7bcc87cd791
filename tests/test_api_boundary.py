"""The API validates at its boundary (issue 19, items 8 and 9): every public function of the
``placement`` namespace, called with wrong types, NaN, infinities, negative and huge values, or with
Python-built bad objects (tenants, capacity, shells, sites), raises :class:`placement.InputError`
naming the function and the argument — never AttributeError, TypeError, KeyError or
ZeroDivisionError, never a NaN or a silently wrong answer — with the same rules the scenario loader
applies to files. Every call here fails at the entry: no scoring or planning work is done."""
from __future__ import annotations

import dataclasses
import inspect
import math
from types import SimpleNamespace

import numpy as np
import pytest

import placement
from placement import InputError
from placement.catalogs.validation import require_array, require_number
from placement.orbit.shells import Shell
from placement.parameters import CostParameters, Parameters
from placement.plan.contracts import AssignmentParameters, CapacitySpec, PlanningParameters, Tenant
from placement.plan.quote import quote

NAN, INF = float("nan"), float("inf")
#: Wrong types for any argument.
WRONG_TYPES = {"None": None, "42": 42, "text": "x", "True": True, "list": [1], "dict": {}}
#: Bad values for a numeric argument (a bool is not a number).
BAD_NUMBERS = {"nan": NAN, "inf": INF, "-inf": -INF, "negative": -5.0, "huge": 1e300, "True": True,
               "text": "x", "list": [1], "dict": {}}

TINY_SCENARIO = """
[scenario]
name = "tiny"
[demand]
weights = { NA = 1.0 }
[shells]
include = []
[sites]
include = ["dallas-tx"]
[planning]
start_year = 2026
end_year = 2027
[[capacity]]
id = "dallas-tx"
mw = 100
[[tenant]]
id = "anchor"
mw = 10
price_usd_per_mw_month = 300000
"""


@pytest.fixture(scope="module")
def w(tmp_path_factory):
    """What the calls need: a tiny loaded scenario, demand points, a valid site dict, a folder."""
    folder = tmp_path_factory.mktemp("api")
    (folder / "tiny.toml").write_text(TINY_SCENARIO)
    sc = placement.load_scenario(folder / "tiny.toml")
    site = {"id": "x", "name": "x", "lat_deg": 32.8, "lon_deg": -96.8, "availability": 0.999,
            "price_usd_per_mwh": 60.0, "carbon_g_per_kwh": 380.0}
    return SimpleNamespace(sc=sc, demand=placement.demand_points({"NA": 1.0}, cell_deg=10.0), site=site,
                           out=folder / "out", folder=folder)


def with_tenant(w, **changes):
    """The tiny scenario with one Python-built tenant (as a user writes it: ``dataclasses.replace``)."""
    fields = dict(id="py", mw=10, price_usd_per_mw_month=300_000.0)
    fields.update(changes)
    return dataclasses.replace(w.sc, tenants=[Tenant(**fields)])


def raises_naming(call, *words):
    """``call()`` raises InputError (a ValueError), one line, naming every one of ``words``."""
    with pytest.raises(InputError) as info:
        call()
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert "\n" not in message, message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


# --- the walk covers every public function -------------------------------------------------------

PLAN_FUNCTIONS = ("plan", "build_plan_graph", "assign", "build_graph")
COVERED = {"load_scenario", "default_scenario", "score_sites", "score_shells", "ground_rtt_ms", "demand_points",
           "run", "make_shell", "load_shells", "sun_synchronous_inclination_deg", *PLAN_FUNCTIONS}


def test_the_walk_covers_every_public_function():
    functions = {name for name in placement.__all__
                 if inspect.isfunction(getattr(placement, name)) or inspect.ismodule(getattr(placement, name))}
    assert functions == COVERED, functions ^ COVERED
    assert callable(placement.plan) and placement.plan.quote.quote is quote


def test_default_scenario_takes_no_arguments():
    """Nothing a caller passes can reach it: its only input is the bundled file."""
    assert not inspect.signature(placement.default_scenario).parameters


# --- cases: (id, call, words the message must hold) ----------------------------------------------

def _cases():
    cases = []

    def add(case_id, call, *words):
        cases.append(pytest.param(call, words, id=case_id))

    # load_scenario
    for k, v in WRONG_TYPES.items():
        if k != "text":
            add(f"load_scenario-path-{k}", lambda w, v=v: placement.load_scenario(v), "load_scenario", "path")
        if k != "True":
            add(f"load_scenario-allow_outside_paths-{k}",
                lambda w, v=v: placement.load_scenario(w.folder / "tiny.toml", allow_outside_paths=v),
                "load_scenario", "allow_outside_paths")
    add("load_scenario-path-missing", lambda w: placement.load_scenario(w.folder / "nope.toml"), "nope.toml",
        "no such file")
    add("load_scenario-path-empty", lambda w: placement.load_scenario(""), "load_scenario", "path")

    # score_sites: arguments
    for k, v in WRONG_TYPES.items():
        if k != "dict":
            add(f"score_sites-sites-{k}", lambda w, v=v: placement.score_sites(v, w.demand, device="cpu"),
                "score_sites", "sites")
        add(f"score_sites-demand-{k}", lambda w, v=v: placement.score_sites([w.site], v, device="cpu"),
            "score_sites", "demand")
        add(f"score_sites-device-{k}", lambda w, v=v: placement.score_sites([w.site], w.demand, device=v),
            "score_sites", "device")
        if v is not None:
            add(f"score_sites-parameters-{k}",
                lambda w, v=v: placement.score_sites([w.site], w.demand, parameters=v, device="cpu"),
                "score_sites", "parameters")
    add("score_sites-sites-dict-missing-lat", lambda w: placement.score_sites({}, w.demand, device="cpu"),
        "score_sites", "sites.lat_deg", "missing")
    # score_sites: Python-built sites with missing or bad fields
    out_of_range = {"lat_deg": -1e3, "lon_deg": -1e3, "availability": -0.5, "price_usd_per_mwh": -5.0,
                    "carbon_g_per_kwh": -5.0}
    for field_name, negative in out_of_range.items():
        add(f"score_sites-site-{field_name}-missing",
            lambda w, f=field_name: placement.score_sites([{k: x for k, x in w.site.items() if k != f}], w.demand,
                                                          device="cpu"),
            "score_sites", f"sites[0].{field_name}", "missing")
        for k, v in {**BAD_NUMBERS, "negative": negative, "None": None}.items():
            add(f"score_sites-site-{field_name}-{k}",
                lambda w, f=field_name, v=v: placement.score_sites([{**w.site, f: v}], w.demand, device="cpu"),
                "score_sites", f"sites[0].{field_name}")
    for field_name, v, case in (("water_stress", 9.0, "huge"), ("water_stress", "x", "text"),
                                ("it_load_factor", 2.0, "above-one"), ("queue_months", -1.0, "negative"),
                                ("power_mw", True, "True"), ("elevation_m", INF, "inf"),
                                ("capex_usd_per_mw", NAN, "nan"), ("building_life_yr", 0.0, "zero"),
                                ("cooling_plant", "swamp", "unknown"), ("supply_options", "grid", "bare-text"),
                                ("supply_options", ["moon"], "unknown"), ("id", 42, "number"),
                                ("name", ["x"], "list"), ("country", 7, "number")):
        add(f"score_sites-site-{field_name}-{case}",
            lambda w, f=field_name, v=v: placement.score_sites([{**w.site, f: v}], w.demand, device="cpu"),
            "score_sites", f"sites[0].{field_name}")
    add("score_sites-site-not-a-dict", lambda w: placement.score_sites([w.site, 42], w.demand, device="cpu"),
        "score_sites", "sites[1]")
    add("score_sites-columns-bool", lambda w: placement.score_sites(
        {**{k: [v] for k, v in w.site.items()}, "lat_deg": [True]}, w.demand, device="cpu"),
        "score_sites", "sites.lat_deg")
    add("score_sites-columns-nan", lambda w: placement.score_sites(
        {**{k: [v] for k, v in w.site.items()}, "availability": [NAN]}, w.demand, device="cpu"),
        "score_sites", "sites.availability")
    add("score_sites-columns-length", lambda w: placement.score_sites(
        {**{k: [v] for k, v in w.site.items()}, "water_stress": [1.0, 2.0]}, w.demand, device="cpu"),
        "score_sites", "sites.water_stress")

    # score_shells
    def shells(w, shell_list=(), **kw):
        args = dict(start="2026-01-01", days=1.0, step_s=600.0, device="cpu")
        args.update(kw)
        return placement.score_shells(list(shell_list) if not isinstance(shell_list, list) else shell_list,
                                      w.demand, **args)

    for k, v in WRONG_TYPES.items():
        add(f"score_shells-shells-{k}", lambda w, v=v: placement.score_shells(v, w.demand, start="2026-01-01",
                                                                                days=1, device="cpu"),
            "score_shells", "shells")
        add(f"score_shells-demand-{k}", lambda w, v=v: placement.score_shells([], v, start="2026-01-01", days=1,
                                                                                device="cpu"),
            "score_shells", "demand")
        add(f"score_shells-start-{k}", lambda w, v=v: shells(w, start=v), "score_shells", "start")
        add(f"score_shells-device-{k}", lambda w, v=v: shells(w, device=v), "score_shells", "device")
        if v is not None:
            add(f"score_shells-parameters-{k}", lambda w, v=v: shells(w, parameters=v), "score_shells", "parameters")
    for arg in ("days", "step_s", "max_planes", "latency_step_s"):
        for k, v in {**BAD_NUMBERS, "None": None}.items():
            add(f"score_shells-{arg}-{k}", lambda w, a=arg, v=v: shells(w, **{a: v}), "score_shells", arg)
    add("score_shells-start-after-ephemeris", lambda w: shells(w, start="2070-01-01"), "score_shells", "start")
    good = dict(id="py", name="py", altitude_km=550.0, inclination_deg=53.0)
    for attr, v in (("altitude_km", NAN), ("altitude_km", 1e300), ("altitude_km", -5.0), ("altitude_km", True),
                    ("inclination_deg", 200.0), ("inclination_deg", INF), ("planes", 0), ("planes", 1.5),
                    ("sats_per_plane", -1), ("power_kw_per_sat", NAN), ("design_life_yr", 1e300),
                    ("phase_deg", -INF), ("raan_deg", 1e4), ("ltan_h", 25.0), ("id", ""), ("name", 42)):
        add(f"score_shells-python-built-Shell-{attr}-{v!r}",
            lambda w, a=attr, v=v: shells(w, [Shell(**{**good, a: v})]), "score_shells", f"shells[0].{attr}")
    add("score_shells-shells-not-Shell", lambda w: shells(w, [Shell(**good), {"id": "x"}]), "score_shells", "shells")

    # ground_rtt_ms
    good_point = {"lat1_deg": 40.7, "lon1_deg": -74.0, "lat2_deg": 51.5, "lon2_deg": -0.1}
    for coordinate, negative in (("lat1_deg", -91.0), ("lon1_deg", -181.0), ("lat2_deg", -1e3), ("lon2_deg", -1e3)):
        for k, v in {**BAD_NUMBERS, "negative": negative, "None": None, "list-with-True": [10.0, True]}.items():
            if k == "list":
                continue  # [1] is a valid coordinate array
            add(f"ground_rtt_ms-{coordinate}-{k}",
                lambda w, c=coordinate, v=v: placement.ground_rtt_ms(**{**good_point, c: v}, profile="great_circle",
                                                                    device="cpu"),
                "ground_rtt_ms", coordinate)
    add("ground_rtt_ms-True-latitude", lambda w: placement.ground_rtt_ms(True, 0.0, 10.0, 10.0),
        "ground_rtt_ms", "lat1_deg", "true/false")
    add("ground_rtt_ms-shapes-do-not-broadcast",
        lambda w: placement.ground_rtt_ms([1.0, 2.0], 0.0, [1.0, 2.0, 3.0], 0.0, "great_circle"),
        "ground_rtt_ms", "broadcast")
    for k, v in WRONG_TYPES.items():
        add(f"ground_rtt_ms-profile-{k}", lambda w, v=v: placement.ground_rtt_ms(**good_point, profile=v),
            "ground_rtt_ms", "profile")
        add(f"ground_rtt_ms-device-{k}", lambda w, v=v: placement.ground_rtt_ms(**good_point, device=v),
            "ground_rtt_ms", "device")
        if v is not None:
            add(f"ground_rtt_ms-latency-{k}", lambda w, v=v: placement.ground_rtt_ms(**good_point, latency=v),
                "ground_rtt_ms", "latency")
        if k != "True":
            add(f"ground_rtt_ms-allow_large-{k}", lambda w, v=v: placement.ground_rtt_ms(**good_point, allow_large=v),
                "ground_rtt_ms", "allow_large")
    add("ground_rtt_ms-past-the-work-limit",
        lambda w: placement.ground_rtt_ms(np.zeros(2_000_001), 0.0, 10.0, 10.0, "great_circle"),
        "ground_rtt_ms", "2,000,001 routes", "allow_large=True")
    add("ground_rtt_ms-past-the-work-limit-by-broadcasting",
        lambda w: placement.ground_rtt_ms(np.zeros((2000, 1)), 0.0, np.zeros(1001), 10.0, "great_circle"),
        "ground_rtt_ms", "2,002,000 routes")

    # demand_points
    for k, v in {**BAD_NUMBERS, "None": None}.items():
        add(f"demand_points-cell_deg-{k}", lambda w, v=v: placement.demand_points(cell_deg=v),
            "demand_points", "cell_deg")
        add(f"demand_points-weights-share-{k}", lambda w, v=v: placement.demand_points({"NA": v}),
            "demand_points", "weights.NA")
    for k, v in WRONG_TYPES.items():
        if v is not None and v != {}:
            add(f"demand_points-weights-{k}", lambda w, v=v: placement.demand_points(v), "demand_points", "weights")
    add("demand_points-weights-unknown-region", lambda w: placement.demand_points({"ZZ": 1.0}),
        "demand_points", "weights.ZZ")
    add("demand_points-weights-key-not-text", lambda w: placement.demand_points({42: 1.0}),
        "demand_points", "weights")
    add("demand_points-weights-all-zero", lambda w: placement.demand_points({"NA": 0.0}),
        "demand_points", "weights", "all shares are zero")

    # make_shell
    def shell(**kw):
        args = dict(id="s", altitude_km=550.0, inclination_deg=53.0)
        args.update(kw)
        return placement.make_shell("test", **args)

    for arg in ("altitude_km", "inclination_deg", "planes", "sats_per_plane", "power_kw_per_sat", "design_life_yr",
                "raan_deg", "phase_deg"):
        for k, v in {**BAD_NUMBERS, "None": None}.items():
            if v is None and arg in ("raan_deg", "inclination_deg"):
                continue  # None: from the LTAN / 0, or "give an inclination" (below)
            if k == "negative" and arg in ("raan_deg", "phase_deg"):
                v = -400.0
            add(f"make_shell-{arg}-{k}", lambda w, a=arg, v=v: shell(**{a: v}), "test", arg)
    add("make_shell-planes-fraction", lambda w: shell(planes=1.5), "planes", "whole number")
    add("make_shell-ltan-and-inclination", lambda w: shell(ltan="18:00"), "test", "inclination_deg", "not both")
    add("make_shell-neither-ltan-nor-inclination", lambda w: shell(inclination_deg=None), "inclination_deg")
    add("make_shell-sso-too-high", lambda w: shell(inclination_deg=None, ltan="06:00", altitude_km=7000.0),
        "altitude_km", "sun-synchronous")
    for k, v in {**WRONG_TYPES, "hour-25": "25:00"}.items():
        if v is not None:
            add(f"make_shell-ltan-{k}", lambda w, v=v: shell(inclination_deg=None, ltan=v), "test", "ltan")
        if k not in ("text", "hour-25"):
            add(f"make_shell-id-{k}", lambda w, v=v: shell(id=v), "test", "id")
        if v is not None and k not in ("text", "hour-25"):
            add(f"make_shell-name-{k}", lambda w, v=v: shell(name=v), "test", "name")
            add(f"make_shell-source-{k}", lambda w, v=v: shell(source=v), "test", "source")
    add("make_shell-id-empty", lambda w: shell(id=""), "test", "id")

    # load_shells
    for k, v in WRONG_TYPES.items():
        if v is not None and k != "text":
            add(f"load_shells-path-{k}", lambda w, v=v: placement.load_shells(v), "load_shells", "path")
    add("load_shells-path-empty", lambda w: placement.load_shells(""), "load_shells", "path")
    add("load_shells-path-missing", lambda w: placement.load_shells(w.folder / "nope.csv"), "nope.csv")

    # sun_synchronous_inclination_deg
    for k, v in {**BAD_NUMBERS, "None": None, "below-150-km": 42.0, "zero": 0.0}.items():
        add(f"sun_synchronous_inclination_deg-{k}", lambda w, v=v: placement.sun_synchronous_inclination_deg(v),
            "sun_synchronous_inclination_deg", "altitude_km")

    # the planning functions: plan, build_plan_graph, assign, build_graph (same entry checks)
    for fn in PLAN_FUNCTIONS:
        for k, v in WRONG_TYPES.items():
            add(f"{fn}-scenario-{k}", lambda w, fn=fn, v=v: getattr(placement, fn)(v, device="cpu"), fn, "scenario")
            add(f"{fn}-device-{k}", lambda w, fn=fn, v=v: getattr(placement, fn)(w.sc, device=v), fn, "device")
            if k != "True":
                add(f"{fn}-allow_large-{k}",
                    lambda w, fn=fn, v=v: getattr(placement, fn)(w.sc, device="cpu", allow_large=v), fn, "allow_large")
            if v is not None:
                for arg in ("site_scores", "shell_scores"):
                    add(f"{fn}-{arg}-{k}", lambda w, fn=fn, a=arg, v=v: getattr(placement, fn)(w.sc, device="cpu",
                                                                                              **{a: v}), fn, arg)
        # the cases, through every planning function
        for case, changes, attr in (("mw-negative", dict(mw=-5), "mw"), ("mw-nan", dict(mw=NAN), "mw"),
                                    ("price-negative", dict(price_usd_per_mw_month=-1.0), "price_usd_per_mw_month"),
                                    ("kind-moon", dict(kind="moon"), "kind")):
            add(f"{fn}-python-built-tenant-{case}", lambda w, fn=fn, c=changes: getattr(placement, fn)(
                with_tenant(w, **c), device="cpu"), fn, f"scenario.tenants[0].{attr}")
    for fn in ("assign", "build_graph"):
        for arg in ("failed", "evicted"):
            for k, v in WRONG_TYPES.items():
                if k not in ("list", "dict"):  # [1]: an unknown id below; {}: not a list either
                    add(f"{fn}-{arg}-{k}", lambda w, fn=fn, a=arg, v=v: getattr(placement, fn)(
                        w.sc, device="cpu", **{a: v}), fn, arg)
            add(f"{fn}-{arg}-dict", lambda w, fn=fn, a=arg: getattr(placement, fn)(w.sc, device="cpu", **{a: {}}),
                fn, arg)
            add(f"{fn}-{arg}-list-of-numbers", lambda w, fn=fn, a=arg: getattr(placement, fn)(
                w.sc, device="cpu", **{a: [1]}), fn, arg)
        for k, v in WRONG_TYPES.items():
            if v is not None:
                add(f"{fn}-previous-{k}", lambda w, fn=fn, v=v: getattr(placement, fn)(w.sc, device="cpu", previous=v),
                    fn, "previous")

    # Python-built tenants: every field, through plan
    for attr in ("mw", "block_mw", "price_usd_per_mw_month", "rtt_target_ms", "latency_penalty_usd_per_mwh_per_ms",
                 "term_days", "notice_days", "eviction_cost_usd_per_mw"):
        for k, v in BAD_NUMBERS.items():
            add(f"plan-tenant-{attr}-{k}", lambda w, a=attr, v=v: placement.plan(with_tenant(w, **{a: v}), device="cpu"),
                "plan", f"scenario.tenants[0].{attr}")
    tenant_cases = {
        "mw-None": (dict(mw=None), "mw"), "mw-fraction": (dict(mw=1.5), "mw"),
        "kind-None": (dict(kind=None), "kind"), "kind-42": (dict(kind=42), "kind"),
        "class-unknown": (dict(tenant_class="vip"), "tenant_class"),
        "class-internal-flag": (dict(internal=True), "tenant_class"),
        "id-empty": (dict(id=""), "id"), "id-None": (dict(id=None), "id"), "id-42": (dict(id=42), "id"),
        "internal-text": (dict(internal="yes"), "internal"), "exclusive-1": (dict(exclusive=1), "exclusive"),
        "evictable-None": (dict(evictable=None), "evictable"),
        "start-not-a-date": (dict(start="never"), "start"), "end-42": (dict(end=42), "end"),
        "end-before-start": (dict(start="2027-01-01", end="2026-06-01"), "end"),
        "start-outside-ephemeris": (dict(start="2070-01-01"), "start"),
        "users-negative": (dict(users={"NA": -1.0}), "users.NA"), "users-nan": (dict(users={"NA": NAN}), "users.NA"),
        "users-list": (dict(users=["NA"]), "users"), "users-all-zero": (dict(users={"NA": 0.0}), "users"),
        "rtt_profile-unknown": (dict(rtt_profile="carrier-pigeon"), "rtt_profile"),
        "residency-42": (dict(residency=42), "residency"),
        "mw_by_year-negative": (dict(mw_by_year={2027: -1}), "mw_by_year.2027"),
        "mw_by_year-nan": (dict(mw_by_year={2027: NAN}), "mw_by_year.2027"),
        "mw_by_year-outside-horizon": (dict(mw_by_year={2040: 5}), "mw_by_year.2040"),
        "mw_by_year-list": (dict(mw_by_year=[5]), "mw_by_year"),
        "capacities-unknown": (dict(capacities=("nope",)), "capacities"),
        "capacities-bare-text": (dict(capacities="dallas-tx"), "capacities"),
        "block-above-mw": (dict(block_mw=20), "block_mw"),
        "block-with-exclusive": (dict(block_mw=5, exclusive=True), "block_mw"),
        "notice-longer-than-horizon": (dict(notice_days=5000), "notice_days"),
        "ended-before-horizon": (dict(start="2020-01-01", end="2021-01-01"), "end"),
    }
    for case, (changes, attr) in tenant_cases.items():
        add(f"plan-tenant-{case}", lambda w, c=changes: placement.plan(with_tenant(w, **c), device="cpu"),
            "plan", f"scenario.tenants[0].{attr}")
    add("plan-tenant-not-a-Tenant", lambda w: placement.plan(dataclasses.replace(w.sc, tenants=[{"id": "x"}]),
                                                             device="cpu"), "plan", "scenario.tenants[0]")
    add("plan-tenants-None", lambda w: placement.plan(dataclasses.replace(w.sc, tenants=None), device="cpu"),
        "plan", "scenario.tenants")
    add("plan-tenant-listed-twice", lambda w: placement.plan(dataclasses.replace(
        w.sc, tenants=[w.sc.tenants[0], w.sc.tenants[0]]), device="cpu"), "plan", "scenario.tenants[1].id", "twice")
    add("plan-tenants-without-capacity", lambda w: placement.plan(dataclasses.replace(w.sc, capacity=[]),
                                                                  device="cpu"), "plan", "scenario.capacity")

    # Python-built capacity, planning, assignment and parameters
    for k, v in BAD_NUMBERS.items():
        add(f"plan-capacity-mw-{k}", lambda w, v=v: placement.plan(dataclasses.replace(
            w.sc, capacity=[CapacitySpec("dallas-tx", mw=v)]), device="cpu"), "plan", "scenario.capacity[0].mw")
        add(f"plan-capacity-price-{k}", lambda w, v=v: placement.plan(dataclasses.replace(
            w.sc, capacity=[CapacitySpec("dallas-tx", price_usd_per_mwh=v)]), device="cpu"),
            "plan", "scenario.capacity[0].price_usd_per_mwh")
    for case, spec, attr in (("unknown-id", CapacitySpec("atlantis"), "id"),
                             ("online_year-negative", CapacitySpec("dallas-tx", online_year=-5), "online_year"),
                             ("retire-before-online", CapacitySpec("dallas-tx", online="2027-01-01",
                                                                   retire="2026-01-01"), "retire"),
                             ("build-text", CapacitySpec("dallas-tx", build="no"), "build"),
                             ("not-a-CapacitySpec", {"id": "dallas-tx"}, "")):
        add(f"plan-capacity-{case}", lambda w, s=spec: placement.plan(dataclasses.replace(w.sc, capacity=[s]),
                                                                      device="cpu"),
            "plan", f"scenario.capacity[0]{'.' + attr if attr else ''}")
    for case, planning, attr in (("start_year-nan", PlanningParameters(start_year=NAN), "start_year"),
                                 ("end-before-start", PlanningParameters(start_year=2030, end_year=2026), "end_year"),
                                 ("period-week", PlanningParameters(period="week"), "period"),
                                 ("migration-negative", PlanningParameters(migration_usd_per_mw=-1.0),
                                  "migration_usd_per_mw"),
                                 ("not-PlanningParameters", {"start_year": 2026}, "")):
        add(f"plan-planning-{case}", lambda w, p=planning: placement.plan(dataclasses.replace(w.sc, planning=p),
                                                                          device="cpu"),
            "plan", f"scenario.planning{'.' + attr if attr else ''}")
    for case, ap, attr in (("max_search_nodes-negative", AssignmentParameters(max_search_nodes=-1), "max_search_nodes"),
                           ("unserved-inf", AssignmentParameters(unserved_external_usd_per_mwh=INF),
                            "unserved_external_usd_per_mwh")):
        add(f"assign-assignment-{case}", lambda w, a=ap: placement.assign(dataclasses.replace(w.sc, assignment=a),
                                                                          device="cpu"),
            "assign", f"scenario.assignment.{attr}")
    add("plan-parameters-nan", lambda w: placement.plan(dataclasses.replace(
        w.sc, parameters=dataclasses.replace(Parameters(), cost=CostParameters(discount_rate=NAN))), device="cpu"),
        "plan", "parameters.cost.discount_rate")
    add("plan-parameters-not-Parameters", lambda w: placement.plan(dataclasses.replace(w.sc, parameters={}),
                                                                   device="cpu"), "plan", "scenario.parameters")
    for attr, v, case in (("shell_days", NAN, "nan"), ("shell_step_s", 0.5, "below-1-s"),
                          ("demand_cell_deg", -1.0, "negative"), ("demand_weights", {"NA": INF}, "inf-share"),
                          ("shell_start_utc", "2070-01-01", "after-ephemeris"), ("sites", None, "None"),
                          ("site_catalog", [42], "number"), ("name", 42, "number"),
                          ("shells", [Shell("s", "s", altitude_km=NAN, inclination_deg=53.0)], "Shell-altitude-nan")):
        add(f"plan-scenario-{attr}-{case}", lambda w, a=attr, v=v: placement.plan(
            dataclasses.replace(w.sc, **{a: v}), device="cpu"), "plan", f"scenario.{attr}")

    # quote (placement.plan.quote.quote)
    anchor = Tenant("new", 10)
    for k, v in WRONG_TYPES.items():
        add(f"quote-scenario-{k}", lambda w, v=v: quote(v, anchor, device="cpu"), "quote", "scenario")
        add(f"quote-new_tenant-{k}", lambda w, v=v: quote(w.sc, v, device="cpu"), "quote", "new_tenant")
        add(f"quote-device-{k}", lambda w, v=v: quote(w.sc, anchor, device=v), "quote", "device")
    for attr in ("mw", "price_usd_per_mw_month", "notice_days"):
        for k, v in BAD_NUMBERS.items():
            add(f"quote-new_tenant-{attr}-{k}", lambda w, a=attr, v=v: quote(
                w.sc, dataclasses.replace(anchor, **{a: v}), device="cpu"), "quote", f"new_tenant.{attr}")
    add("quote-new_tenant-kind-moon", lambda w: quote(w.sc, dataclasses.replace(anchor, kind="moon"), device="cpu"),
        "quote", "new_tenant.kind")
    add("quote-new_tenant-unknown-capacity", lambda w: quote(
        w.sc, dataclasses.replace(anchor, capacities=("atlantis",)), device="cpu"), "quote", "new_tenant.capacities")
    add("quote-new_tenant-notice-longer-than-horizon", lambda w: quote(
        w.sc, dataclasses.replace(anchor, notice_days=5000), device="cpu"), "quote", "new_tenant.notice_days")
    add("quote-new_tenant-ramp-outside-horizon", lambda w: quote(
        w.sc, dataclasses.replace(anchor, mw_by_year={2040: 5}), device="cpu"), "quote", "new_tenant.mw_by_year.2040")
    add("quote-python-built-scenario-tenant", lambda w: quote(with_tenant(w, mw=-5), anchor, device="cpu"),
        "quote", "scenario.tenants[0].mw")

    # run
    for k, v in WRONG_TYPES.items():
        add(f"run-scenario-{k}", lambda w, v=v: placement.run(v, w.out, device="cpu"), "run", "scenario")
        if k != "text":
            add(f"run-out_dir-{k}", lambda w, v=v: placement.run(w.sc, v, device="cpu"), "run", "out_dir")
        add(f"run-device-{k}", lambda w, v=v: placement.run(w.sc, w.out, device=v), "run", "device")
    add("run-python-built-tenant-mw-nan", lambda w: placement.run(with_tenant(w, mw=NAN), w.out, device="cpu"),
        "run", "scenario.tenants[0].mw")
    add("run-out_dir-empty", lambda w: placement.run(w.sc, "", device="cpu"), "run", "out_dir")
    return cases


@pytest.mark.parametrize("call, words", _cases())
def test_hostile_calls_raise_input_error_naming_the_argument(w, call, words):
    raises_naming(lambda: call(w), *words)


def test_hostile_calls_to_run_write_nothing(w):
    assert not w.out.exists()


# --- the same rules as the scenario loader -------------------------------------------------------

@pytest.mark.parametrize("toml_value, python_value, key, attr", [
    ("-5", -5, "mw", "mw"),
    ("nan", NAN, "mw", "mw"),
    ("1.5", 1.5, "mw", "mw"),
    ("true", True, "mw", "mw"),
    ("-1.0", -1.0, "price_usd_per_mw_month", "price_usd_per_mw_month"),
    ('"moon"', "moon", "kind", "kind"),
    ('"vip"', "vip", "class", "tenant_class"),
    ("{ 2027 = -1 }", {2027: -1}, "mw_by_year", "mw_by_year"),
], ids=["mw-negative", "mw-nan", "mw-fraction", "mw-true", "price-negative", "kind-moon", "class-vip",
        "ramp-negative"])
def test_python_built_tenants_meet_the_loaders_rules(w, toml_value, python_value, key, attr):
    """A value the loader refuses in a ``[[tenant]]`` table is refused in a Python-built Tenant, with the
    same reason; the message names the file and key, or the function and the argument."""
    path = w.folder / f"tenant-{key}.toml"
    head, tenant = TINY_SCENARIO.split("[[tenant]]")
    tenant_lines = [ln for ln in tenant.splitlines() if not ln.startswith(f"{key} =")]
    path.write_text(head + "[[tenant]]" + "\n".join(tenant_lines) + f"\n{key} = {toml_value}\n")
    with pytest.raises(InputError) as from_file:
        placement.load_scenario(path)
    with pytest.raises(InputError) as from_python:
        placement.plan(with_tenant(w, **{attr: python_value}), device="cpu")
    assert from_file.value.problem == from_python.value.problem
    assert str(path) in str(from_file.value) and key in from_file.value.field
    assert from_python.value.where == "plan" and from_python.value.field.startswith(f"scenario.tenants[0].{attr}")


def test_a_python_built_tenant_is_normalised_as_the_loader_would(w):
    from placement.scenario import check_scenario

    sc = with_tenant(w, mw=10.0, start="2026-06-01", users={"NA": 1}, capacities=["dallas-tx"],
                     mw_by_year={"2027": 12.0})
    checked = check_scenario("plan", sc)
    t = checked.tenants[0]
    assert type(t.mw) is int and t.mw == 10
    assert t.start.isoformat() == "2026-06-01T00:00:00"
    assert t.users == {"NA": 1.0} and type(t.users["NA"]) is float
    assert t.capacities == ("dallas-tx",) and t.mw_by_year == {2027: 12}


def test_a_loaded_scenario_passes_the_boundary_unchanged(w):
    from placement.scenario import check_scenario

    assert check_scenario("plan", w.sc) is w.sc


def test_tenant_construction_stays_free_for_hot_loops():
    """The check is at the API entry, not in ``Tenant.__post_init__``: the planner's own
    ``dataclasses.replace`` calls (per tenant and period) pay nothing."""
    t = Tenant("a", 10)
    assert dataclasses.replace(t, mw=-5).mw == -5


# --- booleans are not numbers (item 19.8, point 3) ------------------------------------------------

@pytest.mark.parametrize("value", [True, False, np.True_, np.bool_(False)], ids=["True", "False", "np.True_", "np.False_"])
def test_a_boolean_is_not_a_number(value):
    with pytest.raises(InputError, match="true/false"):
        require_number("where", "field", value)
    with pytest.raises(InputError, match="true/false"):
        require_array("where", "field", value)
    with pytest.raises(InputError, match="true/false"):
        require_array("where", "field", [1.0, value])
    with pytest.raises(InputError, match="true/false"):
        require_array("where", "field", np.array([value]))


def test_sun_synchronous_inclination_is_finite_for_every_accepted_altitude():
    for altitude in (150.0, 550.0, 5975.0, 100_000.0):
        assert math.isfinite(placement.sun_synchronous_inclination_deg(altitude))


@pytest.mark.parametrize("call", ["score_sites", "score_shells"])
def test_parameters_given_to_the_scorers_meet_the_scenario_rules(call):
    """A Python-built ``Parameters`` with a value the scenario loader refuses is refused by the
    scorers too, naming the parameter (it used to be type-checked only)."""
    import dataclasses

    bad = dataclasses.replace(placement.Parameters(), cost=dataclasses.replace(placement.Parameters().cost,
                                                                              discount_rate=float("nan")))
    demand = placement.demand_points({"NA": 1.0})
    with pytest.raises(placement.InputError, match="discount_rate"):
        if call == "score_sites":
            sc = placement.default_scenario()
            placement.score_sites(sc.sites[:1], demand, parameters=bad, device="cpu")
        else:
            placement.score_shells([placement.make_shell("test", id="s", altitude_km=550, inclination_deg=53)], demand,
                                   start="2026-01-01", days=1, parameters=bad, device="cpu")
