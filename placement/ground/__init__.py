"""Ground sites: what a MWh of IT energy costs at a place, and how soon it has power.

Modules: :mod:`~placement.ground.sites` (:func:`score_sites`, :class:`SiteScores`),
:mod:`~placement.ground.place` (what every site and grid cell at a place takes from the market tables),
:mod:`~placement.ground.site_columns` (catalog rows as columns over their place's figures),
:mod:`~placement.ground.workloads` (ranking for training or inference),
:mod:`~placement.ground.supply` (supply options and time to power),
:mod:`~placement.ground.climate` (monthly climate normals at a point),
:mod:`~placement.ground.terrain` (elevation), :mod:`~placement.ground.cooling` (PUE and water),
:mod:`~placement.ground.daylight` (dark time), :mod:`~placement.ground.cost` (levelized cost).
"""

from placement import lazy_exports

__all__ = [
    "score_sites",
    "SiteScores",
    "SITE_FIELDS",
    "COST_COMPONENTS",
    "choose_supply",
    "climate_at",
    "terrain_elevation_m",
    "cooling_of",
    "dark_time_of",
    "ground_cost_of",
    "place_columns",
    "region_at",
    "rank_sites",
    "workload_cost_usd_per_mwh_it",
    "WORKLOADS",
]

_WHERE = {
    "score_sites": "placement.ground.sites",
    "SiteScores": "placement.ground.sites",
    "SITE_FIELDS": "placement.ground.sites",
    "COST_COMPONENTS": "placement.ground.sites",
    "choose_supply": "placement.ground.supply",
    "climate_at": "placement.ground.climate",
    "terrain_elevation_m": "placement.ground.terrain",
    "cooling_of": "placement.ground.cooling",
    "dark_time_of": "placement.ground.daylight",
    "ground_cost_of": "placement.ground.cost",
    "place_columns": "placement.ground.place",
    "region_at": "placement.ground.place",
    "rank_sites": "placement.ground.workloads",
    "workload_cost_usd_per_mwh_it": "placement.ground.workloads",
    "WORKLOADS": "placement.ground.workloads",
}

__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
