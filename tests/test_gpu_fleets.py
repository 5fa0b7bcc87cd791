"""GPU fleets (issue 24): the GPU catalog against the published figures its rows name, rental prices
along the stated curve, revenue and straight-line depreciation by hand, spares from the published
interruption rate, and the homogeneous rule on the issue's campus."""
from __future__ import annotations

import statistics

import pytest

from placement.catalogs.gpus import load_gpu_economics, load_gpu_generations, load_gpu_prices
from placement.errors import InputError
from placement.plan import gpus as fleets


# --- the catalog against its sources ---------------------------------------------------------------

def test_every_generation_the_issue_names_is_there_with_a_source():
    gens = load_gpu_generations()
    for name in ("H100", "H200", "B200", "GB200", "GB300", "MI300X", "own"):
        assert name in gens and gens[name].source
    assert gens["H100"].training_h100_equiv == 1.0  # the unit
    assert all(g.it_power_kw_per_gpu * 1000 >= g.gpu_tdp_w for g in gens.values())


def test_all_in_power_per_gpu_is_the_published_system_power_plus_the_network_share():
    """DGX H100 user guide: 10.2 kW maximum for 8 GPUs; GB200 NVL72: 132 kW per 72-GPU rack;
    network 0.116 kW per GPU (Supermicro MLPerf v4.0: 0.931 kW per 8-GPU node)."""
    gens = load_gpu_generations()
    eco = load_gpu_economics()
    net = eco["network_power_kw_per_gpu"].value
    assert net == pytest.approx(0.931 / 8, abs=0.001)
    assert gens["H100"].it_power_kw_per_gpu == pytest.approx(eco["dgx_h100_system_power_kw"].value / 8 + net, abs=0.01)
    assert gens["B200"].it_power_kw_per_gpu == pytest.approx(eco["dgx_b200_system_power_kw"].value / 8 + net, abs=0.01)
    assert gens["GB200"].it_power_kw_per_gpu == pytest.approx(eco["gb200_nvl72_rack_power_kw"].value / 72 + net,
                                                              abs=0.01)
    # the published TDPs: H100 SXM 700 W (NVIDIA datasheet), GB200's B200 up to 1,200 W (The Register 2024)
    assert gens["H100"].gpu_tdp_w == 700 and gens["GB200"].gpu_tdp_w == 1200


def test_h100_capex_agrees_with_a_server_quote_and_the_network_share():
    """An HGX H100 server at 310,000 USD for 8 GPUs, the network 19 % of a cluster's cost (Epoch AI):
    310,000 / 8 / 0.81 = 47.8 k USD per GPU, within 10 % of the catalog's all-in 50 k (Cheah 2024)."""
    gens = load_gpu_generations()
    eco = load_gpu_economics()
    quote = eco["hgx_h100_server_price_usd"].value / 8 / (1 - eco["cluster_interconnect_cost_fraction"].value)
    assert gens["H100"].capex_usd_per_gpu == pytest.approx(quote, rel=0.10)
    assert gens["GB200"].capex_usd_per_gpu >= eco["gb200_nvl72_rack_price_usd"].value / 72  # rack share at least


def test_useful_lives_lie_within_the_operators_published_lives():
    """Amazon 5 years (2025 10-K), Meta 5.5, Microsoft, Alphabet and CoreWeave 6: the issue's 5-6 years."""
    eco = load_gpu_economics()
    lives = {k: eco[f"depreciation_life_{k}"].value for k in ("amazon", "meta", "microsoft", "alphabet", "coreweave")}
    assert lives == {"amazon": 5, "meta": 5.5, "microsoft": 6, "alphabet": 6, "coreweave": 6}
    for g in load_gpu_generations().values():
        assert min(lives.values()) <= g.useful_life_years <= max(lives.values())


def test_published_h100_prices_fall_from_about_8_to_about_2_to_3_usd_per_hour():
    """The issue's price indices: H100 about 8 USD/h in 2023, about 2-3 USD/h in 2025-26."""
    assert 7.0 <= fleets.rental_price_usd_per_gpu_hour("H100", 2023, "on_demand") <= 12.5
    assert 2.0 <= fleets.rental_price_usd_per_gpu_hour("H100", 2026, "contract") <= 3.0
    assert 2.0 <= fleets.rental_price_usd_per_gpu_hour("H100", 2026, "on_demand") <= 3.0


# --- prices, revenue, depreciation by hand ----------------------------------------------------------

def test_the_price_curve_is_the_median_then_the_published_decline():
    points = [p.usd_per_gpu_hour for p in load_gpu_prices() if (p.generation, p.year, p.kind) == ("H100", 2026, "contract")]
    last = statistics.median(points)
    decline = load_gpu_economics()["rental_price_decline_per_year"].value
    assert fleets.rental_price_usd_per_gpu_hour("H100", 2026) == pytest.approx(last)
    assert fleets.rental_price_usd_per_gpu_hour("H100", 2028) == pytest.approx(last * (1 - decline) ** 2)
    first = statistics.median([p.usd_per_gpu_hour for p in load_gpu_prices()
                               if (p.generation, p.year, p.kind) == ("H100", 2023, "contract")])
    assert fleets.rental_price_usd_per_gpu_hour("H100", 2020) == pytest.approx(first)
    # no contract price for GB200: its on-demand median less the one-year commitment discount
    od = statistics.median([p.usd_per_gpu_hour for p in load_gpu_prices()
                            if (p.generation, p.year, p.kind) == ("GB200", 2026, "on_demand")])
    assert fleets.rental_price_usd_per_gpu_hour("GB200", 2026) == pytest.approx(
        od * (1 - load_gpu_economics()["aws_1yr_commit_discount"].value))
    # the operator's own accelerator: H100-equivalents of the H100 curve
    assert fleets.rental_price_usd_per_gpu_hour("own", 2027) == pytest.approx(
        fleets.rental_price_usd_per_gpu_hour("H100", 2027) * load_gpu_generations()["own"].training_h100_equiv)


def test_what_100000_h100_hours_a_month_earn_in_2028():
    price = fleets.rental_price_usd_per_gpu_hour("H100", 2028)
    assert fleets.revenue_usd(100_000, 1.0, price) == pytest.approx(100_000 * price)
    # a month of 1,000 GPUs: 730 h each
    assert fleets.revenue_usd(1_000, 730, 2.5) == pytest.approx(1_825_000.0)


def test_straight_line_depreciation_and_residual_value_by_hand():
    # 50,000 USD over 6 years to a 15 % residual: 7,083.33 USD a year, 7,500 left at the end
    assert fleets.depreciation_usd_per_year(50_000, 6, 0.15, 2026, 2026) == pytest.approx(7083.333, abs=1e-3)
    assert fleets.depreciation_usd_per_year(50_000, 6, 0.15, 2026, 2031) == pytest.approx(7083.333, abs=1e-3)
    assert fleets.depreciation_usd_per_year(50_000, 6, 0.15, 2026, 2032) == 0.0
    assert fleets.depreciation_usd_per_year(50_000, 6, 0.15, 2026, 2025) == 0.0
    assert fleets.book_value_usd(50_000, 6, 0.15, 2026, 2029) == pytest.approx(50_000 - 3 * 7083.333, abs=1e-2)
    assert fleets.book_value_usd(50_000, 6, 0.15, 2026, 2040) == pytest.approx(7_500.0)
    # Meta's 5.5 years: the sixth year charges half
    full = 50_000 * 0.85 / 5.5
    assert fleets.depreciation_usd_per_year(50_000, 5.5, 0.15, 2026, 2031) == pytest.approx(full / 2)
    assert fleets.book_value_usd(50_000, 5.5, 0.15, 2026, 2033) == pytest.approx(7_500.0)


def test_a_fleet_refresh_adds_batches_and_their_depreciation():
    gens = load_gpu_generations()
    residual = load_gpu_economics()["residual_value_fraction"].value
    fleet = fleets.GpuFleet("campus", gpus={"H100": 1000}, gpus_by_year={2028: {"GB200": 720}, 2030: {"H100": 0}},
                            installed_year=2026)
    assert fleet.gpus_in(2027) == {"H100": 1000}
    assert fleet.gpus_in(2029) == {"H100": 1000, "GB200": 720}
    assert fleet.gpus_in(2030) == {"GB200": 720}
    assert fleet.batches() == [("H100", 2026, 1000), ("GB200", 2028, 720)]
    assert fleet.it_mw(2029) == pytest.approx((1000 * gens["H100"].it_power_kw_per_gpu
                                               + 720 * gens["GB200"].it_power_kw_per_gpu) / 1000)
    h100 = 1000 * gens["H100"].capex_usd_per_gpu * (1 - residual) / gens["H100"].useful_life_years
    gb200 = 720 * gens["GB200"].capex_usd_per_gpu * (1 - residual) / gens["GB200"].useful_life_years
    assert fleet.depreciation_usd(2027) == pytest.approx(h100)
    assert fleet.depreciation_usd(2029) == pytest.approx(h100 + gb200)


# --- spares and the homogeneous rule ----------------------------------------------------------------

def test_spares_follow_the_llama3_interruption_rate():
    """419 unexpected interruptions in 54 days on 16,384 H100, 78 % hardware (Dubey et al. 2024); an
    8-GPU server out 3 days per fault: 419 / (16,384 x 54) x 0.78 x 8 x 3 of the GPUs are down."""
    expect = 419 / (16_384 * 54) * 0.78 * 8 * 3
    assert fleets.spare_fraction(3.0) == pytest.approx(expect, rel=0.01)
    assert 0.005 < expect < 0.02


def test_a_150000_gpu_training_block_is_refused_where_a_mixed_tenant_of_that_size_runs():
    """The issue's campus: 140,000 H100 + 40,000 H200 + 30,000 GB200. No one generation holds a
    150,000-GPU homogeneous block; the same number of GPUs of mixed generations fits."""
    campus = fleets.GpuFleet("colossus-1", gpus={"H100": 140_000, "H200": 40_000, "GB200": 30_000})
    size, cid, gen = fleets.largest_homogeneous_block([campus], 2026)
    assert (cid, gen) == ("colossus-1", "H100") and size == 140_000 - -(-140_000 * fleets.spare_fraction() // 1)
    assert not fleets.homogeneous_block_fits([campus], 150_000, 2026)
    assert sum(campus.usable_gpus_in(2026).values()) >= 150_000  # a mixed inference tenant runs
    assert fleets.homogeneous_block_fits([campus], 30_000 - 300, 2026, ("GB200",))
    assert not fleets.homogeneous_block_fits([campus], 30_000, 2026, ("GB200",))  # spares held back
    # the IT power: 210,000 GPUs at 1.39-1.95 kW each, about 300 MW, Colossus 1's scale
    assert 280 <= campus.it_mw(2026) <= 320


# --- bad catalog rows -------------------------------------------------------------------------------

def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


GPU_HEADER = ("generation,vendor,release_year,gpu_tdp_w,it_power_kw_per_gpu,capex_usd_per_gpu,training_h100_equiv,"
              "useful_life_years,approximate,source\n")


@pytest.mark.parametrize("row, field", [
    ("X1,v,2024,700,nan,50000,1,6,true,s", "it_power_kw_per_gpu"),
    ("X1,v,2024,700,0.5,50000,1,6,true,s", "it_power_kw_per_gpu"),  # below the GPU's own 700 W
    ("X1,v,2024,700,1.4,-5,1,6,true,s", "capex_usd_per_gpu"),
    ("X1,v,2024,700,1.4,50000,1,60,true,s", "useful_life_years"),
    ("X1,v,2024,700,1.4,50000,1,6,true,", "source"),
    ("X1,v,2024,700,1.4,50000,1,6,maybe,s", "approximate"),
    ("X1,v,2024.5,700,1.4,50000,1,6,true,s", "release_year"),
])
def test_a_bad_gpu_row_is_refused_naming_file_row_and_field(tmp_path, row, field):
    path = _write(tmp_path, "gpus.csv", GPU_HEADER + row + "\n")
    with pytest.raises(InputError) as err:
        load_gpu_generations(path)
    assert field in str(err.value) and "row 2" in str(err.value)


def test_a_price_of_an_unknown_generation_or_kind_is_refused(tmp_path):
    gpus = _write(tmp_path, "gpus.csv", GPU_HEADER + "X1,v,2024,700,1.4,50000,1,6,true,s\n")
    head = "generation,year,kind,usd_per_gpu_hour,approximate,source\n"
    for row, field in (("Z9,2025,contract,2.0,true,s", "generation"), ("X1,2025,spot,2.0,true,s", "kind"),
                       ("X1,2025,contract,inf,true,s", "usd_per_gpu_hour")):
        prices = _write(tmp_path, "prices.csv", head + row + "\n")
        load_gpu_prices.cache_clear()
        with pytest.raises(InputError) as err:
            load_gpu_prices(prices, gpus)
        assert field in str(err.value)
    load_gpu_prices.cache_clear()


def test_unknown_generation_or_kind_asked_of_the_price_curve():
    with pytest.raises(InputError, match="generation"):
        fleets.rental_price_usd_per_gpu_hour("H1000", 2026)
    with pytest.raises(InputError, match="kind"):
        fleets.rental_price_usd_per_gpu_hour("H100", 2026, "spot")
