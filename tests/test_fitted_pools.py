"""Capacity counted in MW fitted with GPUs of one generation (issue 24): ``generation = "GB200"`` on a
candidate to build, an orbital shell or any site makes it one GPU pool, so tenants counted in GPUs
can grow onto new campuses and into orbit. Checked by hand from the GPU catalog: the GPUs its MW
hold less spares, their depreciation per MWh, a build's GPUs and capital, and the margin's items."""
from __future__ import annotations

import math

import pytest

from placement.catalogs.gpus import load_gpu_economics, load_gpu_generations
from test_gpu_plans import plan_json, refused

HOURS_2026 = 8760.0


def spares_by_hand() -> float:
    """Share of GPUs held as spares: interruptions per GPU-day x hardware share x 8 GPUs per server
    x 3 repair days (Little's law on the catalog's Llama 3 figures)."""
    eco = load_gpu_economics()
    return (eco["training_interruptions_per_gpu_day"].value * eco["training_interruptions_hardware_share"].value
            * 8 * 3.0)


def promised_gpus(mw: float, generation: str) -> int:
    installed = math.floor(mw * 1000 / load_gpu_generations()[generation].it_power_kw_per_gpu)
    return installed - math.ceil(installed * spares_by_hand())


def depreciation_per_gpu_hour(generation: str) -> float:
    g = load_gpu_generations()[generation]
    residual = load_gpu_economics()["residual_value_fraction"].value
    return g.capex_usd_per_gpu * (1 - residual) / (g.useful_life_years * 8760)


def text(capacity: str, tenants: str, years=(2026, 2026), head: str = "") -> str:
    return (f'[scenario]\nname = "fitted"\n{head}[planning]\nstart_year = {years[0]}\nend_year = {years[1]}\n'
            f'period = "year"\n{capacity}\n{tenants}')


def test_a_site_fitted_with_h100_charges_their_depreciation_on_the_gpus_it_runs(tmp_path):
    """50,000 H100 rented at 2.5 USD per GPU-hour on 200 MW at Dallas fitted with H100 (2026):
    revenue 50,000 x 8,760 h x 2.5; GPU depreciation 50,000 x 8,760 h x capex x (1 - residual) / life
    grossed up for the spares; the pool offers the MW's whole GPUs less spares; the items sum to the
    margin. The whole-horizon plan (nothing to decide) agrees."""
    capacity = '[[capacity]]\nid = "dallas-tx"\nmw = 200\ngeneration = "H100"\n'
    tenants = '[[tenant]]\nid = "lab"\ngpus = 50000\nprice_usd_per_gpu_hour = 2.5\n'
    rolling = plan_json(tmp_path, text(capacity, tenants), "--rolling")
    (rec,) = rolling["records"]
    assert rec["capacity_id"] == "dallas-tx:H100" and rec["gpus"] == 50_000 and rec["generation"] == "H100"
    assert rec["revenue_usd"] == pytest.approx(50_000 * HOURS_2026 * 2.5)
    assert rec["mw"] == pytest.approx(50_000 * 1.39 / 1000, abs=1e-3)
    period = rolling["periods"][0]
    expect = 50_000 * HOURS_2026 * depreciation_per_gpu_hour("H100") / (1 - spares_by_hand())
    assert period["gpu_depreciation_usd"] == pytest.approx(expect, abs=0.05)
    items = ("energy_usd", "capital_usd", "carbon_usd", "water_usd", "delay_usd", "it_capex_usd", "gpu_depreciation_usd",
             "outage_usd", "migration_usd", "eviction_usd", "sla_credits_usd")
    assert period["margin_usd"] == pytest.approx(period["revenue_usd"] - sum(period[k] for k in items), abs=0.05)
    whole = plan_json(tmp_path, text(capacity, tenants))
    assert whole["margin_usd"] == pytest.approx(rolling["margin_usd"], abs=1.0)
    assert whole["optimality_gap_usd"] == 0
    # the pool holds the MW's GPUs less spares: a tenant one GPU larger is not served in full
    big = promised_gpus(200, "H100")
    doc = plan_json(tmp_path, text(capacity, tenants.replace("50000", str(big + 1))), "--rolling")
    assert sum(r["gpus"] for r in doc["records"]) == big


def test_a_candidate_fitted_with_gb200_buys_its_gpus_with_each_block(tmp_path):
    """A 140,000-GPU homogeneous GB200 block and a candidate at Richland fitted with GB200 in 300 MW
    blocks: the plan builds one block, whose GPUs are 300 MW / 1.95 kW less spares; its committed
    capital is the same build's in MW plus the GPUs' depreciation per MWh (by hand), over the MW
    built and the hours from the build to the plan's end; the block runs there from the build on."""
    years = (2026, 2030)
    candidate = '[[capacity]]\nid = "richland-la"\nmw = 600\nblock_mw = 300\nbuild = true\n'
    trainer = ('[[tenant]]\nid = "trainer"\ngpus = 140000\nhomogeneous = true\ngenerations = ["GB200"]\n'
               'price_usd_per_gpu_hour = 4.0\n')
    doc = plan_json(tmp_path, text(candidate + 'generation = "GB200"\n', trainer, years))
    (build,) = doc["builds"]
    gpus = promised_gpus(300, "GB200")
    assert build["capacity_id"] == "richland-la:GB200" and build["gpus"] == gpus and build["generation"] == "GB200"
    assert build["mw"] == pytest.approx(gpus * 1.95 / 1000, abs=1e-3)
    # the same candidate in MW, for an MW tenant of the same size, commits the site's capital alone
    mw_doc = plan_json(tmp_path, text(candidate, trainer.replace(
        'gpus = 140000\nhomogeneous = true\ngenerations = ["GB200"]\nprice_usd_per_gpu_hour = 4.0',
        'mw = 273\nsingle_site = true\nprice_usd_per_mw_month = 2500000'), years))
    (mw_build,) = mw_doc["builds"]
    assert mw_build["period"] == build["period"] and mw_build["mw"] == 300
    start = int(build["period"])
    hours = sum(8784 if y % 4 == 0 else 8760 for y in range(start, years[1] + 1))
    capital_rate = mw_build["capital_usd"] / (300 * hours)
    gpu_rate = depreciation_per_gpu_hour("GB200") / (1.95 / 1000) / (1 - spares_by_hand())
    assert build["capital_usd"] == pytest.approx((capital_rate + gpu_rate) * build["mw"] * hours, rel=1e-9)
    # the model's objective is the margin's negative (the idle GPUs of the block, about 100 M USD a
    # year, are paid in both), but for weights rounded to whole USD per GPU and period
    rounding = 0.5 * gpus * (years[1] - years[0] + 1)
    assert abs(doc["penalty_usd"]) < rounding
    assert doc["objective_usd"] == pytest.approx(-doc["margin_usd"], abs=rounding)
    runs = [r for r in doc["records"] if r["tenant"] == "trainer"]
    assert {r["period"] for r in runs} == {str(y) for y in range(start, years[1] + 1)}
    assert all(r["capacity_id"] == "richland-la:GB200" and r["gpus"] == 140_000 for r in runs)
    early = [u for u in doc["unserved"] if u["tenant"] == "trainer"]
    assert early and "homogeneous block of 140,000 GPUs" in early[0]["reason"]


def test_an_unneeded_fitted_candidate_is_never_built_and_leaves_the_margin_unchanged(tmp_path):
    base = '[[capacity]]\nid = "dallas-tx"\nmw = 200\ngeneration = "H100"\n'
    extra = '[[capacity]]\nid = "richland-la"\nmw = 600\nbuild = true\ngeneration = "H100"\n'
    tenants = '[[tenant]]\nid = "lab"\ngpus = 50000\nprice_usd_per_gpu_hour = 2.5\n'
    without = plan_json(tmp_path, text(base, tenants, (2026, 2028)))
    with_candidate = plan_json(tmp_path, text(base + extra, tenants, (2026, 2028)))
    assert with_candidate["builds"] == []
    assert with_candidate["margin_usd"] == pytest.approx(without["margin_usd"], abs=1.0)


def test_a_tenant_counted_in_mw_is_not_placed_on_a_fitted_capacity(tmp_path):
    capacity = '[[capacity]]\nid = "dallas-tx"\nmw = 200\ngeneration = "H100"\n'
    doc = plan_json(tmp_path, text(capacity, '[[tenant]]\nid = "mw"\nmw = 10\nprice_usd_per_mw_month = 400000\n'),
                    "--rolling")
    assert doc["records"] == [] and [u["tenant"] for u in doc["unserved"]] == ["mw"]


def test_an_orbital_shell_fitted_with_gpus_serves_a_gpu_tenant_that_allows_orbit(tmp_path):
    """A dawn-dusk shell fitted with GB200: a GPU tenant of kind orbit runs there, its GPUs within what
    the shell's sunlit MW hold; its cost per MWh is the shell's plus the GPUs' depreciation."""
    head = '[shells]\nstart = "2026-01-01"\ndays = 2\nstep_s = 300\n'
    capacity = '[[capacity]]\nid = "suncatcher-650-dd18"\ngeneration = "GB200"\n'
    tenants = '[[tenant]]\nid = "orbit-lab"\ngpus = 2000\nkind = "orbit"\nprice_usd_per_gpu_hour = 40\n'
    doc = plan_json(tmp_path, text(capacity, tenants, head=head), "--rolling")
    (rec,) = doc["records"]
    assert rec["capacity_id"] == "suncatcher-650-dd18:GB200" and rec["kind"] == "orbit" and rec["gpus"] == 2000
    period = doc["periods"][0]
    expect = 2000 * HOURS_2026 * depreciation_per_gpu_hour("GB200") / (1 - spares_by_hand())
    assert period["gpu_depreciation_usd"] == pytest.approx(expect, abs=0.05)


@pytest.mark.parametrize("capacity, field", [
    ('[[capacity]]\nid = "dallas-tx"\nmw = 200\ngeneration = "Z80"\n', "generation"),
    ('[[capacity]]\nid = "dallas-tx"\nmw = 200\ngeneration = 5\n', "generation"),
    ('[[capacity]]\nid = "dallas-tx"\nmw = 200\ngeneration = ["H100"]\n', "generation"),
    ('[[capacity]]\nid = "dallas-tx"\ngpus = { H100 = 1000 }\ngeneration = "H100"\n', "generation"),
    ('[[capacity]]\nid = "richland-la"\nmw = 600\nbuild = true\ngpus = { H100 = 1000 }\n', "gpus"),
])
def test_a_bad_fitted_generation_exits_2_in_one_line(tmp_path, capacity, field):
    line = refused(tmp_path, text(capacity, '[[tenant]]\nid = "t"\ngpus = 10\n'))
    assert field in line, line


def test_a_pools_value_of_one_more_mw_reads_the_same_in_every_output(tmp_path):
    """The value of one more MW of a GPU pool is per MW (its value per GPU over the MW one GPU draws)
    in the capacity values, in the ranking ``build_next`` (the CLI's table) and in the orbit
    outlook alike: the ranking's mean and peak are those of the per-period records."""
    capacity = '[[capacity]]\nid = "dallas-tx"\nmw = 100\ngeneration = "H100"\n'
    tenants = '[[tenant]]\nid = "lab"\ngpus = 90000\nprice_usd_per_gpu_hour = 3.0\n'
    doc = plan_json(tmp_path, text(capacity, tenants, (2026, 2027)), "--rolling")
    values = [r["value_usd_per_mw_month"] for r in doc["capacity_values"] if r["capacity_id"] == "dallas-tx:H100"]
    assert max(values) > 10_000  # the pool is full: one more MW earns (3 USD/GPU-h x 730 h / 1.39 kW less costs)
    (ranked,) = [r for r in doc["build_next"] if r["capacity_id"] == "dallas-tx:H100"]
    assert ranked["mean_value_usd_per_mw_month"] == pytest.approx(sum(values) / len(values), abs=0.02)
    assert ranked["peak_value_usd_per_mw_month"] == pytest.approx(max(values), abs=0.02)


def test_the_timeline_draws_a_pools_gpus_as_mw(tmp_path, monkeypatch):
    """The plan timeline stacks MW: 50,000 H100 at 1.39 kW draw 69.5 MW, not 50,000."""
    import placement
    from placement.outputs import plots
    from placement.plan.outputs import timeline_png

    figs = []
    original = plots._png
    monkeypatch.setattr(plots, "_png", lambda fig: figs.append(fig) or original(fig))
    path = tmp_path / "s.toml"
    path.write_text(text('[[capacity]]\nid = "dallas-tx"\nmw = 200\ngeneration = "H100"\n',
                         '[[tenant]]\nid = "lab"\ngpus = 50000\nprice_usd_per_gpu_hour = 2.5\n', (2026, 2027)))
    plan = placement.plan(placement.load_scenario(path), method="rolling")
    timeline_png(plan)
    for ax in figs[-1].axes[:2]:
        assert ax.dataLim.y1 == pytest.approx(50_000 * 1.39 / 1000, abs=1e-6)
