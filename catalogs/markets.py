"""Market tables behind a site's cost: construction cost, grid queue, supply options, gas price,
water embedded in electricity.

Each bundled CSV carries a ``source`` for every row and an ``approximate`` flag where a
figure is an estimate, a proxy or a regional value (``placement catalogs`` counts them).
Loaders validate as they read (finite numbers within bounds, known ids, a source per row)
and raise :class:`placement.catalogs.validation.InputError` naming file, row, field, value.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from placement.catalogs.power_supply import (  # noqa: F401 - the supply tables, named here as before
    GRID_RELIABILITY_CSV,
    SLA_CREDITS_CSV,
    SUPPLY_OPTIONS_CSV,
    SUPPLY_TECHNOLOGIES_CSV,
    SupplyOption,
    load_supply_options,
)
from placement.catalogs.reading import DATA_DIR, read_csv_rows, sourced_rows
from placement.catalogs.validation import InputError, require_number

CONSTRUCTION_COST_CSV = DATA_DIR / "construction_cost_index.csv"
GRID_QUEUE_CSV = DATA_DIR / "grid_interconnection_queue.csv"
GAS_PRICES_CSV = DATA_DIR / "gas_prices.csv"
ELECTRICITY_WATER_CSV = DATA_DIR / "electricity_water_intensity.csv"

#: Countries that buy gas at a group's price when they have no row of their own (gas_prices.csv).
GAS_GROUPS = {
    **{c: "EU" for c in ("AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "NL", "NO", "PL", "PT", "SE", "IS")},
    **{c: "ASIA_LNG" for c in ("JP", "KR", "SG", "MY", "ID", "IN", "CN", "TW", "TH", "VN", "PH")},
}


@dataclass(frozen=True)
class MarketFigure:
    """One row of a market table: the value (in the table's unit), where it applies (ISO 3166-1 country and,
    where the row describes one, the ISO 3166-2 subdivision code after the country's prefix), its source."""

    value: float
    country: str
    subdivision: str
    approximate: bool
    source: str


def subdivision_of(country: str, region: str) -> str:
    """The ISO 3166-2 subdivision code of ``region`` within ``country`` ('TX' for 'US-TX'; '' when the
    region is the country itself or lies outside it)."""
    prefix = country + "-"
    return region[len(prefix):] if country and region.startswith(prefix) else ""


def matching_market(table: dict, country: str, region: str = "") -> str | None:
    """The id of the row of ``table`` (market id -> :class:`MarketFigure`) for a place: the row of its
    subdivision (``region`` 'US-TX', 'CA-AB'), else its country's first row for the whole country, else its
    country's first row; None if the country has none."""
    sub = subdivision_of(country, region)
    rows = [k for k, f in table.items() if f.country == country]
    for k in rows:
        if sub and table[k].subdivision == sub:
            return k
    plain = [k for k in rows if not table[k].subdivision]
    return (plain or rows or [None])[0]


_rows = sourced_rows


def _optional(where, field, text, **bounds):
    return None if str(text).strip() == "" else require_number(where, field, text, **bounds)


@functools.lru_cache(maxsize=4)
def load_construction_costs(path: Path = CONSTRUCTION_COST_CSV) -> dict:
    """Market id -> :class:`MarketFigure` of facility capex [USD per MW of IT]."""
    out = {}
    for where, row in _rows(path, ("market", "country", "subdivision", "capex_usd_per_mw", "year", "approximate",
                                   "source")):
        capex = require_number(where, "capex_usd_per_mw", row["capex_usd_per_mw"], low=1e5, high=1e9)
        require_number(where, "year", row["year"], low=1990, high=2100, integer=True)
        out[row["market"]] = MarketFigure(capex, row["country"], row["subdivision"], row["approximate"] == "true",
                                          row["source"])
    return out


@functools.lru_cache(maxsize=4)
def load_grid_queues(path: Path = GRID_QUEUE_CSV) -> dict:
    """Queue region id -> :class:`MarketFigure` of months from a connection request to energisation.
    Only large-load rows (ids without ``-generation``) describe connecting a campus."""
    out = {}
    for where, row in _rows(path, ("region", "country", "subdivision", "iso_rto", "queue_months", "year",
                                   "approximate", "source")):
        months = require_number(where, "queue_months", row["queue_months"], low=0, high=240)
        out[row["region"]] = MarketFigure(months, row["country"], row["subdivision"], row["approximate"] == "true",
                                          row["source"])
    return out


def campus_queues(queues: dict | None = None) -> dict:
    """The rows of the queue table that describe connecting a load (not a generator)."""
    queues = load_grid_queues() if queues is None else queues
    return {k: v for k, v in queues.items() if not k.endswith("-generation")}


def supply_option_names(where, field: str, names) -> tuple:
    """``names`` (a ``;``-separated text, or a sequence of names) as a tuple of known supply options
    (:func:`load_supply_options`), each once and in order; an unknown name is refused, naming it."""
    if isinstance(names, str):
        names = [o.strip() for o in names.split(";") if o.strip()]
    options = load_supply_options()
    for name in names:
        if not isinstance(name, str) or name not in options:
            raise InputError(where, field, name if isinstance(name, str) else None,
                             f"unknown supply option (known: {', '.join(options)})")
    return tuple(dict.fromkeys(names))


@functools.lru_cache(maxsize=4)
def load_gas_prices(path: Path = GAS_PRICES_CSV) -> dict:
    """Market (ISO-2 country or group) -> (gas price [USD/MMBtu], approximate, source)."""
    out = {}
    for where, row in _rows(path, ("market", "hub", "usd_per_mmbtu", "year", "approximate", "source")):
        out[row["market"]] = (require_number(where, "usd_per_mmbtu", row["usd_per_mmbtu"], positive=True, high=100),
                              row["approximate"] == "true", row["source"])
    return out


def gas_price_usd_per_mmbtu(country: str, prices: dict | None = None) -> float | None:
    """Gas price [USD/MMBtu] for a country (its own row, else its group's); None: no gas market known."""
    prices = load_gas_prices() if prices is None else prices
    key = country if country in prices else GAS_GROUPS.get(country)
    return None if key is None or key not in prices else prices[key][0]


@functools.lru_cache(maxsize=4)
def load_electricity_water(path: Path = ELECTRICITY_WATER_CSV) -> dict:
    """'US' / 'US-TN' / ISO-2 country -> (water consumed per MWh generated [L/MWh], approximate, source)."""
    out = {}
    for where, row in _rows(path, ("country", "iso3", "water_l_per_mwh", "year", "approximate", "source")):
        key = row["country"]
        if row["iso3"].startswith("USA-"):
            key = "US-" + row["iso3"][4:]
        out[key] = (require_number(where, "water_l_per_mwh", row["water_l_per_mwh"], low=0, high=1e5),
                    row["approximate"] == "true", row["source"])
    return out


def approximate_counts() -> dict:
    """Catalog name -> (rows flagged approximate, rows) for the market tables."""
    out = {}
    for name, path in (("construction_cost_index", CONSTRUCTION_COST_CSV), ("grid_interconnection_queue", GRID_QUEUE_CSV),
                       ("supply_options", SUPPLY_OPTIONS_CSV), ("supply_technologies", SUPPLY_TECHNOLOGIES_CSV),
                       ("grid_reliability", GRID_RELIABILITY_CSV), ("sla_credits", SLA_CREDITS_CSV),
                       ("gas_prices", GAS_PRICES_CSV),
                       ("electricity_water_intensity", ELECTRICITY_WATER_CSV),
                       ("power_markets", DATA_DIR / "power_markets.csv"),
                       ("internet_exchanges", DATA_DIR / "internet_exchanges.csv")):
        with path.open(encoding="utf-8") as f:
            header = next(line for line in f if not line.startswith("#")).strip().split(",")
        rows = [r for _, r in read_csv_rows(path, tuple(header))]
        out[name] = (sum(r["approximate"] == "true" for r in rows), len(rows))
    return out
