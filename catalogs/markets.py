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

CONSTRUCTION_INDEX_CSV = DATA_DIR / "construction_cost_index.csv"
CONSTRUCTION_PLACES_CSV = DATA_DIR / "construction_cost_places.csv"
#: The table a site's ``cost_market`` names a row of (place -> its index market).
CONSTRUCTION_COST_CSV = CONSTRUCTION_PLACES_CSV
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


@dataclass(frozen=True)
class IndexMarket:
    """One market of the construction cost index: its cost [US$ per W of IT load], its
    representative city (name, ISO 3166-1 country, latitude and longitude [deg]), whether the value
    is approximate (no press check) and its source."""

    usd_per_w: float
    city: str
    country: str
    lat_deg: float
    lon_deg: float
    approximate: bool
    source: str


#: A place's hub within this distance [km] of an index market's city lies in that market
#: (``rule = own`` in construction_cost_places.csv).
OWN_MARKET_KM = 150.0
_PLACE_RULES = ("own", "nearest-in-country", "nearest", "mean-of-country", "mean-of-index")


@functools.lru_cache(maxsize=4)
def load_construction_index(path: Path = CONSTRUCTION_INDEX_CSV) -> dict:
    """Market -> :class:`IndexMarket` of the construction cost index (one index, one scope: the
    Turner & Townsend Data Centre Construction Cost Index 2025-2026, traditional air-cooled build)."""
    out = {}
    for where, row in _rows(path, ("market", "city", "country", "lat_deg", "lon_deg", "usd_per_w", "index_london",
                                   "rank", "year", "approximate", "source")):
        if row["market"] in out:
            raise InputError(where, "market", row["market"], "named twice")
        if len(row["country"]) != 2 or not row["country"].isalpha() or not row["country"].isupper():
            raise InputError(where, "country", row["country"], "must be an ISO 3166-1 alpha-2 code")
        require_number(where, "index_london", row["index_london"], positive=True, high=5.0)
        require_number(where, "rank", row["rank"], low=1, high=1000, integer=True)
        require_number(where, "year", row["year"], low=1990, high=2100, integer=True)
        out[row["market"]] = IndexMarket(
            require_number(where, "usd_per_w", row["usd_per_w"], low=1.0, high=100.0), row["city"], row["country"],
            require_number(where, "lat_deg", row["lat_deg"], low=-90, high=90),
            require_number(where, "lon_deg", row["lon_deg"], low=-180, high=180), row["approximate"] == "true",
            row["source"])
    return out


def great_circle_km(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float) -> float:
    """Great-circle distance [km] on a sphere of radius 6,371 km (haversine)."""
    import math

    p1, p2 = math.radians(lat1_deg), math.radians(lat2_deg)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2_deg - lon1_deg) / 2) ** 2
    return 2.0 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _index_market_of(where, row, index) -> tuple[float, bool, str]:
    """(US$/W, approximate, what it is) of a place row, after checking its rule holds."""
    rule, market, country = row["rule"], row["index_market"], row["country"]
    if rule not in _PLACE_RULES:
        raise InputError(where, "rule", rule, f"unknown rule (known: {', '.join(_PLACE_RULES)})")
    if rule.startswith("mean-of"):
        if market:
            raise InputError(where, "index_market", market, f"a '{rule}' row names no market")
        pool = [m for m in index.values() if rule == "mean-of-index" or m.country == country]
        if not pool:
            raise InputError(where, "country", country, "the index has no market in this country to average")
        what = "all markets" if rule == "mean-of-index" else f"the {country} markets"
        return (sum(m.usd_per_w for m in pool) / len(pool), True,
                f"mean of {what} ({len(pool)}) of the construction cost index")
    if market not in index:
        raise InputError(where, "index_market", market, "not a market of construction_cost_index.csv")
    lat = require_number(where, "hub_lat_deg", row["hub_lat_deg"], low=-90, high=90)
    lon = require_number(where, "hub_lon_deg", row["hub_lon_deg"], low=-180, high=180)
    km = {k: great_circle_km(lat, lon, m.lat_deg, m.lon_deg) for k, m in index.items()}
    in_country = [k for k, m in index.items() if m.country == country]
    if rule == "own":
        if km[market] > OWN_MARKET_KM:
            raise InputError(where, "index_market", market, f"the hub lies {km[market]:,.0f} km from its city "
                                                            f"(own market: within {OWN_MARKET_KM:,.0f} km)")
    else:
        pool = in_country if rule == "nearest-in-country" else list(index)
        if rule == "nearest" and in_country:
            raise InputError(where, "rule", rule, f"the index has markets in {country} ({', '.join(in_country)}): "
                                                  "use nearest-in-country")
        if not pool:
            raise InputError(where, "rule", rule, f"the index has no market in {country}")
        best = min(pool, key=km.get)
        if km[market] > km[best] + 1e-6:
            raise InputError(where, "index_market", market, f"not the nearest: {best} lies {km[best]:,.0f} km "
                                                            f"from the hub, {market} {km[market]:,.0f} km")
    m = index[market]
    return m.usd_per_w, m.approximate or rule != "own", f"{market} ({rule}, {km[market]:,.0f} km)"


@functools.lru_cache(maxsize=4)
def load_construction_costs(path: Path = CONSTRUCTION_PLACES_CSV, index_path: Path = CONSTRUCTION_INDEX_CSV) -> dict:
    """Place id -> :class:`MarketFigure` of facility capex [USD per MW of IT]: the index market the
    place's row names (construction_cost_places.csv, its rule checked against the distances) at
    its US$/W x 1e6. The index's scope (traditional air-cooled build, no AI premium) is the
    value's; :attr:`placement.parameters.CostParameters.ai_build_premium` adds the premium."""
    index = load_construction_index(index_path)
    out = {}
    for where, row in _rows(path, ("market", "country", "subdivision", "hub_lat_deg", "hub_lon_deg", "index_market",
                                   "rule", "year", "approximate", "source")):
        require_number(where, "year", row["year"], low=1990, high=2100, integer=True)
        usd_per_w, approximate, what = _index_market_of(where, row, index)
        out[row["market"]] = MarketFigure(round(usd_per_w * 1e6, 0), row["country"], row["subdivision"],
                                          approximate or row["approximate"] == "true",
                                          f"Turner & Townsend DCCI 2025-26 US$ {usd_per_w:.2f}/W: {what}; {row['source']}")
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


GAS_BASES = ("citygate", "import_cif", "regulated", "hub")


@functools.lru_cache(maxsize=4)
def load_gas_prices(path: Path = GAS_PRICES_CSV) -> dict:
    """Market (ISO 3166-2 subdivision, ISO-2 country or group) -> (delivered gas price [USD/MMBtu],
    approximate, source). A row at ``basis = hub`` (no delivered price found) is approximate."""
    out = {}
    for where, row in _rows(path, ("market", "hub", "hub_usd_per_mmbtu", "usd_per_mmbtu", "basis", "year",
                                   "approximate", "source")):
        if row["basis"] not in GAS_BASES:
            raise InputError(where, "basis", row["basis"], f"unknown basis (known: {', '.join(GAS_BASES)})")
        hub = require_number(where, "hub_usd_per_mmbtu", row["hub_usd_per_mmbtu"], positive=True, high=100)
        price = require_number(where, "usd_per_mmbtu", row["usd_per_mmbtu"], positive=True, high=100)
        if row["basis"] in ("citygate", "import_cif") and price < hub:
            raise InputError(where, "usd_per_mmbtu", row["usd_per_mmbtu"],
                             f"a delivered price below its hub's ({hub:g} USD/MMBtu)")
        if row["basis"] == "hub" and row["approximate"] != "true":
            raise InputError(where, "approximate", row["approximate"], "a hub price stands for a delivered one: "
                                                                       "approximate = true")
        require_number(where, "year", row["year"], low=1990, high=2100, integer=True)
        out[row["market"]] = (price, row["approximate"] == "true", row["source"])
    return out


def gas_price_usd_per_mmbtu(country: str, prices: dict | None = None, region: str = "") -> float | None:
    """Delivered gas price [USD/MMBtu] for a place: its subdivision's row (``region`` 'US-TX'), else
    its country's, else its group's; None: no gas market known."""
    prices = load_gas_prices() if prices is None else prices
    for key in (region if region and region != country else None, country, GAS_GROUPS.get(country)):
        if key is not None and key in prices:
            return prices[key][0]
    return None


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
    for name, path in (("construction_cost_index", CONSTRUCTION_INDEX_CSV),
                       ("construction_cost_places", CONSTRUCTION_PLACES_CSV), ("grid_interconnection_queue", GRID_QUEUE_CSV),
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
