"""Facility capital from one construction index (Turner & Townsend Data Centre Construction Cost
Index 2025-2026: US$ per W of IT load, traditional air-cooled build, 52 markets), a nearest-market
rule written as data and checked by distance, and the AI-build premium as a separate adder.

Published figures (press coverage of the index, Nov 2025, named in each row's source): Tokyo
15.15, Singapore 14.53, London 12.0, Frankfurt 11.6, Mumbai 6.64 US$/W; the AI premium 7-10 %
(US projects of similar IT capacity)."""
from __future__ import annotations

import csv
import re

import pytest

from placement.catalogs.markets import (CONSTRUCTION_INDEX_CSV, CONSTRUCTION_PLACES_CSV, great_circle_km,
                                        load_construction_costs, load_construction_index)
from placement.catalogs.validation import InputError
from testsupport import assert_names_row


def _rows(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_the_index_holds_the_published_figures_it_names():
    index = load_construction_index()
    assert len(index) == 52
    published = {"Tokyo": 15.15, "Singapore": 14.53, "Zurich": 14.2, "Osaka": 14.1, "Silicon Valley": 13.3,
                 "London": 12.0, "Frankfurt": 11.6, "Kingdom of Saudi Arabia": 11.3, "UAE": 9.2, "Lagos": 10.50,
                 "Cape Town": 10.33, "Johannesburg": 10.06, "Nairobi": 9.74, "Mumbai": 6.64}
    for market, value in published.items():
        assert index[market].usd_per_w == pytest.approx(value, abs=0.05), market
    # a row not flagged approximate quotes the press figure it was checked against, in its source
    for market, m in index.items():
        if not m.approximate:
            quoted = [float(x) for x in re.findall(r"(\d+\.\d+)", m.source.split("confirmed in press:")[1])]
            assert any(abs(q - m.usd_per_w) <= 0.05 for q in quoted), market


def test_the_index_is_one_scale_ranked_by_cost():
    rows = sorted(_rows(CONSTRUCTION_INDEX_CSV), key=lambda r: int(r["rank"]))
    assert [int(r["rank"]) for r in rows] == list(range(1, 53))
    values = [float(r["usd_per_w"]) for r in rows]
    assert values == sorted(values, reverse=True)  # rank 1 the dearest
    london = next(float(r["usd_per_w"]) for r in rows if r["market"] == "London")
    for r in rows:  # US$/W = relative index x London's US$/W, within the index's two decimals
        assert float(r["usd_per_w"]) == pytest.approx(float(r["index_london"]) * london, abs=0.07), r["market"]


def test_every_place_takes_the_index_by_its_rule_and_the_rule_holds():
    index, costs = load_construction_index(), load_construction_costs()
    for row in _rows(CONSTRUCTION_PLACES_CSV):
        fig = costs[row["market"]]
        assert fig.source.startswith("Turner & Townsend DCCI 2025-26")
        if row["rule"].startswith("mean-of"):
            pool = [m.usd_per_w for m in index.values() if row["rule"] == "mean-of-index" or m.country == row["country"]]
            assert fig.value == pytest.approx(sum(pool) / len(pool) * 1e6, abs=1.0)
            continue
        m = index[row["index_market"]]
        assert fig.value == pytest.approx(m.usd_per_w * 1e6)
        hub = float(row["hub_lat_deg"]), float(row["hub_lon_deg"])
        km = {k: great_circle_km(*hub, x.lat_deg, x.lon_deg) for k, x in index.items()}
        if row["rule"] == "own":
            assert km[row["index_market"]] <= 150.0 and not fig.approximate or m.approximate
        else:
            pool = [k for k, x in index.items() if x.country == row["country"]] or list(index)
            assert row["index_market"] == min(pool, key=km.get), row["market"]
            assert fig.approximate
    # the cases: Memphis (no market) takes Atlanta, the nearest US market; Abilene Dallas;
    # Keflavik (no Icelandic market) the nearest anywhere, Dublin
    assert costs["us-tn-memphis"].value == pytest.approx(index["Atlanta"].usd_per_w * 1e6)
    assert costs["us-tx-abilene"].value == pytest.approx(index["Dallas"].usd_per_w * 1e6)
    assert costs["is-reykjavik"].value == pytest.approx(index["Dublin"].usd_per_w * 1e6)
    assert great_circle_km(51.5072, -0.1276, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)  # London-Paris


def test_a_site_pays_its_index_market_plus_the_ai_premium(tmp_path):
    import placement

    sc = placement.default_scenario()
    scores = placement.score_sites(sc.sites, sc.demand(), parameters=sc.parameters, device="cpu")
    sites = {i: {"capex_usd_per_mw": c} for i, c in zip(scores.columns["id"], scores.extra["capex_usd_per_mw"])}
    index, k = load_construction_index(), sc.parameters.cost
    assert 0.07 <= k.ai_build_premium <= 0.10  # T&T 2025-26: 7-10 % on US projects
    assert sites["colossus-1"]["capex_usd_per_mw"] == pytest.approx(index["Atlanta"].usd_per_w * 1e6
                                                                    * (1 + k.ai_build_premium))
    assert sites["frankfurt-de"]["capex_usd_per_mw"] == pytest.approx(11.60e6 * (1 + k.ai_build_premium))


@pytest.mark.parametrize("change, field, words", [
    ({"market": "us-tn-memphis", "index_market": "Dallas"}, "index_market", ["not the nearest", "Atlanta"]),
    ({"market": "se-stockholm", "rule": "own"}, "index_market", ["726 km", "within 150 km"]),
    ({"market": "us-tx-dallas", "rule": "closest"}, "rule", ["unknown rule"]),
    ({"market": "us-tx-dallas", "index_market": "Memphis"}, "index_market", ["not a market"]),
    ({"market": "us-tx-dallas", "hub_lat_deg": "nan"}, "hub_lat_deg", ["nan"]),
    ({"market": "is-reykjavik", "country": "IE"}, "rule", ["nearest-in-country"]),
    ({"market": "us-tx-dallas", "source": ""}, "source", []),
])
def test_a_bad_place_row_is_refused_naming_file_row_field(tmp_path, change, field, words):
    rows = _rows(CONSTRUCTION_PLACES_CSV)
    k = next(i for i, r in enumerate(rows) if r["market"] == change["market"])
    rows[k].update({key: v for key, v in change.items() if key != "market"})
    path = _write(tmp_path / "places.csv", rows)
    with pytest.raises(InputError) as err:
        load_construction_costs(path)
    assert_names_row(err, path, k + 2, [field, *words])


@pytest.mark.parametrize("field, value", [("usd_per_w", "nan"), ("usd_per_w", "-3"), ("usd_per_w", "inf"),
                                          ("lat_deg", "91"), ("country", "Japan"), ("source", "")])
def test_a_bad_index_row_is_refused_naming_file_row_field(tmp_path, field, value):
    rows = _rows(CONSTRUCTION_INDEX_CSV)
    rows[3][field] = value
    path = _write(tmp_path / "index.csv", rows)
    with pytest.raises(InputError) as err:
        load_construction_index(path)
    assert_names_row(err, path, 5, [field])


def test_every_country_of_the_index_prices_its_places_from_it():
    """A place (a site or a globe cell) in any country the index covers takes an index market, not
    the global default: Poland's cells take Warsaw, Switzerland's Zurich."""
    from placement.catalogs.countries import place_figures

    index = load_construction_index()
    for m in index.values():
        fig = place_figures(m.country, m.country)
        assert "capex_usd_per_mw" not in fig.approximate, m.country
    assert place_figures("PL", "PL").capex_usd_per_mw == pytest.approx(index["Warsaw"].usd_per_w * 1e6)
    assert place_figures("CH", "CH").capex_usd_per_mw == pytest.approx(index["Zurich"].usd_per_w * 1e6)
