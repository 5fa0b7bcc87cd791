"""Scoring ground sites: cooling, water, supply and time to power, latency, dark time, levelized cost."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from placement.catalogs import COOLING_PLANTS
from placement.catalogs.validation import (
    InputError,
    require_array,
    require_choice,
    require_country,
    require_number,
)
from placement.device import DEVICES, resolve_device
from placement.earth.demand import DemandPoints
from placement.ground.climate import climate_at
from placement.ground.cooling import cooling_of
from placement.ground.cost import ground_cost_of
from placement.ground.daylight import dark_time_of
from placement.ground.site_columns import BOUNDS as SITE_BOUNDS
from placement.ground.site_columns import LOCATION as SITE_LOCATION
from placement.ground.site_columns import PLACE_FIGURES as SITE_PLACE_FIGURES
from placement.ground.site_columns import REQUIRED as SITE_REQUIRED
from placement.ground.site_columns import SCENARIO_FIGURES as SITE_SCENARIO_FIGURES
from placement.ground.site_columns import site_columns
from placement.ground.supply import choose_supply
from placement.latency.demand_rtt import demand_weighted_rtt_ms
from placement.parameters import Parameters, check_parameters
from placement.score_table import ScoreTable

SITE_FIELDS = (
    "id", "name", "lat_deg", "lon_deg", "power_mw", "pue", "power_cost_usd_per_mwh_it",
    "carbon_kg_per_mwh_it", "water_l_per_mwh_it", "source_water_l_per_mwh_it", "rtt_ms_weighted",
    "pop_within_slo_fraction", "dark_fraction", "longest_dark_h", "supply_option", "time_to_power_months",
    "energy_usd_per_mwh_it", "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it", "water_usd_per_mwh_it",
    "delay_usd_per_mwh_it", "lcoe_usd_per_mwh_it", "time_to_full_power_months", "power_availability",
    "expected_outage_h_per_yr", "supply_mix", "supply_reason",
)


#: What a site record says about where its inputs came from: the names of the figures its catalog
#: row overrode (a named contract's price, its own capex, ...; :mod:`placement.ground.site_columns`);
#: a site without any takes every figure from its place, as a grid cell there does.
PROVENANCE_FIELDS = ("from_row",)

#: The components of the levelized cost, in the order they add up (IT capex only when configured).
COST_COMPONENTS = ("energy_usd_per_mwh_it", "capital_usd_per_mwh_it", "carbon_usd_per_mwh_it",
                   "water_usd_per_mwh_it", "delay_usd_per_mwh_it", "it_capex_usd_per_mwh_it")


@dataclass(frozen=True)
class SiteScores(ScoreTable):
    """Scores of ground sites: one numpy column per JSON field (DESIGN.md), plus context."""
    FIELDS = SITE_FIELDS

    columns: dict
    device: str
    slo_rtt_ms: float
    extra: dict = field(default_factory=dict)

    @property
    def fields(self) -> tuple:
        """The JSON fields of these scores: DESIGN.md's, plus ``it_capex_usd_per_mwh_it`` when IT
        hardware is costed, then :data:`PROVENANCE_FIELDS` (when the columns hold them)."""
        fields = self.FIELDS
        if "it_capex_usd_per_mwh_it" in self.columns:
            k = self.FIELDS.index("lcoe_usd_per_mwh_it")
            fields = self.FIELDS[:k] + ("it_capex_usd_per_mwh_it",) + self.FIELDS[k:]
        return fields + tuple(f for f in PROVENANCE_FIELDS if f in self.columns)


def score_sites(sites, demand: DemandPoints, *, parameters: Parameters | None = None,
                device: str = "auto") -> SiteScores:
    """Score ground sites against demand.

    Parameters
    ----------
    sites : list of dict, or dict of arrays
        Sites as loaded by :func:`placement.catalogs.load_ground_sites`, or plain dicts with
        ``lat_deg``, ``lon_deg`` [deg] and optionally ``id``, ``name``, ``country`` (ISO 3166-1
        alpha-2), ``region`` (ISO 3166-2), ``availability`` [-], ``price_usd_per_mwh`` [USD/MWh],
        ``carbon_g_per_kwh`` [gCO2eq/kWh], ``elevation_m`` [m], ``power_mw`` [MW],
        ``water_stress`` [0-5], ``cooling_plant``, ``supply_options``, ``capex_usd_per_mw``
        [USD/MW], ``queue_months`` [months], ``it_load_factor`` [-], ``building_life_yr`` /
        ``plant_life_yr`` [yr] and ``it_capex_usd_per_mw`` [USD/MW]. A site takes every figure it
        leaves out from its place's markets (those of the country it names, or of its location),
        exactly as a grid cell there does; one that names no country must give availability,
        price and carbon (defaults: :mod:`placement.ground.site_columns`).
    demand : DemandPoints
        Weighted demand points (:func:`placement.demand_points`).
    parameters : Parameters, optional
        Physics and economics; defaults from :mod:`placement.parameters`.
    device : {'auto', 'cpu', 'cuda'}
        Where the kernels run; ``auto`` takes a usable GPU, else the CPU.

    Returns
    -------
    SiteScores
        Per site, columns named by the JSON fields: PUE [-], site and source water [L/MWh_IT],
        carbon [kg/MWh_IT], the supply option and months to first power, the levelized cost
        [USD/MWh_IT] and its components (energy, capital, carbon, water, delay and, when IT
        hardware is costed, IT capex), demand-weighted RTT [ms], share of demand within the
        SLO [-], dark fraction [-] and longest dark stretch [h], and ``from_row``: the figures
        the site's own row overrode; ``extra`` holds the cooling plant, the compressor-free
        share [-], the all-in cost per GPU-hour [USD], the country and region, and
        ``approximate`` (a cost figure is only a global default at the site's place).

    Raises
    ------
    InputError
        Checked first: ``sites`` not a list of dicts (or a dict of arrays), a site missing a
        required field, a site number that is not finite or out of its bounds (booleans are not
        numbers; named ``score_sites: sites[3].lat_deg``), an id, name, country or region that is
        not a text, a country that is not an ISO 3166-1 alpha-2 code, unknown supply options or
        cooling plant; ``demand`` not DemandPoints;
        ``parameters`` not Parameters; an unknown device. Then ``device='cuda'`` without a
        usable GPU.

    References
    ----------
    .. [1] New, M., Lister, D., Hulme, M. & Makin, I. (2002). A high-resolution data set of
       surface climate over global land areas. Climate Research 21:1-25 (CRU CL 2.0 normals).
    .. [2] ASHRAE TC 9.9 (2021). Thermal Guidelines for Data Processing Environments, 5th ed.
    .. [3] Short, W., Packey, D. & Holt, T. (1995). A Manual for the Economic Evaluation of Energy
       Efficiency and Renewable Energy Technologies. NREL/TP-462-5173 (capital recovery factor).
    .. [4] ASHRAE 90.1-2019 Table 6.8.1-3 and the EnergyPlus electric EIR chiller curves (chillers);
       ASHRAE Handbook HVAC Systems and Equipment ch. 40 (cooling-tower make-up).
    .. [5] EIA, Assumptions to the Annual Energy Outlook 2026, Electricity Market Module, Table 3
       (on-site generation); LBNL "Queued Up" and utility filings (grid queues).
    """
    _check_score_arguments("score_sites", sites, demand, parameters, device)
    p = parameters or Parameters()
    dev = resolve_device(device)
    a = site_columns(sites, p)
    lat, lon = a["lat_deg"], a["lon_deg"]

    elevation = a["elevation_m"]
    clim = climate_at(lat, lon, elevation)
    cool = cooling_of(clim, a["cooling_plant"], a["water_stress"], p, dev, a["price_usd_per_mwh"])
    supply = choose_supply(a, cool["pue"], p, dev)
    rtt, within = demand_weighted_rtt_ms(lat, lon, demand, latency=p.latency, device=dev)
    dark = dark_time_of(lat, lon, p, dev)
    money = ground_cost_of(a, cool["pue"], cool["water_l_per_mwh_it"], supply, p, dev)

    columns = {
        "id": a["id"], "name": a["name"], "lat_deg": lat, "lon_deg": lon, "power_mw": a["power_mw"],
        "pue": cool["pue"], "power_cost_usd_per_mwh_it": money["energy_usd_per_mwh_it"],
        "carbon_kg_per_mwh_it": money["carbon_kg_per_mwh_it"], "water_l_per_mwh_it": cool["water_l_per_mwh_it"],
        "source_water_l_per_mwh_it": supply.source_water_l_per_mwh * cool["pue"],
        "rtt_ms_weighted": rtt, "pop_within_slo_fraction": within,
        "dark_fraction": dark["dark_fraction"], "longest_dark_h": dark["longest_dark_h"],
        "supply_option": supply.option, "time_to_power_months": supply.time_to_power_months,
        **{f: money[f] for f in COST_COMPONENTS if f != "it_capex_usd_per_mwh_it"},
        "lcoe_usd_per_mwh_it": money["lcoe_usd_per_mwh_it"],
        "time_to_full_power_months": supply.time_to_full_power_months, "power_availability": supply.availability,
        "expected_outage_h_per_yr": supply.expected_outage_h_per_yr, "supply_mix": supply.mix,
        "supply_reason": supply.reason, "from_row": a["from_row"],
    }
    if np.any(a["it_capex_usd_per_mw"] > 0):
        columns["it_capex_usd_per_mwh_it"] = money["it_capex_usd_per_mwh_it"]
    extra = {"economizer_fraction": cool["economizer_fraction"], "nearest_station_id": clim.nearest_station_id,
             "nearest_station_km": clim.nearest_station_km,
             "cooling_plant": np.array(COOLING_PLANTS[1:], dtype=object)[cool["plant"]].astype(str),
             "usd_per_gpu_hour": money["lcoe_usd_per_mwh_it"] * p.cost.gpu_it_kw / 1000.0,
             "facility_lcoe_usd_per_mwh_it": money["lcoe_usd_per_mwh_it"] - money["it_capex_usd_per_mwh_it"],
             "capex_usd_per_mw": a["capex_usd_per_mw"], "availability": supply.availability,
             "steady_availability": supply.steady_availability, "bridge_availability": supply.bridge_availability,
             "bridge_until_months": supply.bridge_until_months,
             "country": a["country"], "region": a["region"], "approximate": a["approximate"]}
    return SiteScores(columns, dev, p.latency.slo_rtt_ms, extra)


#: Site values that may be unknown (NaN or None): the scoring fills them in.
_MAY_BE_UNKNOWN = ("queue_months", "elevation_m", "power_mw")
_PLACE_OR_SCENARIO = SITE_PLACE_FIGURES + SITE_SCENARIO_FIGURES
_TEXTS = ("id", "name", "country", "region")


def _check_score_arguments(where: str, sites, demand, parameters, device) -> None:
    """:func:`score_sites`' arguments, each site with the bounds the catalog loader applies
    (:data:`placement.ground.site_columns.BOUNDS`)."""
    require_choice(where, "device", device, DEVICES)
    if not isinstance(demand, DemandPoints):
        raise InputError(where, "demand", None, f"must be DemandPoints (placement.demand_points), "
                                                f"not {type(demand).__name__}")
    check_parameters(where, parameters)  # the rules of a scenario's [parameters] tables
    if isinstance(sites, dict):  # columns: a batch scan's grid cells
        placed = sites.get("country") is not None
        for key in SITE_LOCATION if placed else SITE_REQUIRED:
            if sites.get(key) is None:
                raise InputError(where, f"sites.{key}", None, "missing (every site needs it)")
        n = int(np.size(sites["lat_deg"]))
        if placed:
            for code in np.unique(np.asarray(sites["country"], dtype=str)).tolist():
                require_country(where, "sites.country", code)
        # a column of placed sites may hold NaN (a site not stating that figure: its place's applies)
        unknown = _MAY_BE_UNKNOWN + (_PLACE_OR_SCENARIO if placed else ())
        for key, bounds in SITE_BOUNDS.items():
            if sites.get(key) is not None:
                a = require_array(where, f"sites.{key}", sites[key], allow_nan=key in unknown, **bounds)
                if a.ndim > 1 or (a.ndim == 1 and a.size != n):
                    raise InputError(where, f"sites.{key}", None, f"must have one value per site ({n})")
        return
    if not isinstance(sites, (list, tuple)):
        raise InputError(where, "sites", None, f"must be a list of site dicts (or a dict of arrays), "
                                               f"not {type(sites).__name__}")
    from placement.catalogs.markets import supply_option_names

    for k, site in enumerate(sites):
        label = f"sites[{k}]"
        if not isinstance(site, dict):
            raise InputError(where, label, None, f"each site must be a dict, not {type(site).__name__}")
        placed = site.get("country") not in (None, "")
        for key in SITE_LOCATION if placed else SITE_REQUIRED:
            if site.get(key) is None:
                raise InputError(where, f"{label}.{key}", None, "missing (every site needs it)"
                                 if key in SITE_LOCATION else "missing (a site that names no country needs it)")
        for key, bounds in SITE_BOUNDS.items():
            value = site.get(key)
            if value is None or (key in _MAY_BE_UNKNOWN and isinstance(value, float) and value != value):
                continue
            require_number(where, f"{label}.{key}", value, **bounds)
        for key in _TEXTS:
            value = site.get(key)
            if value is not None and not isinstance(value, str):
                raise InputError(where, f"{label}.{key}", None, f"must be a text, not {type(value).__name__}")
        if placed:
            country, region = require_country(where, f"{label}.country", site["country"]), site.get("region")
            if region not in (None, "", country) and not region.startswith(country + "-"):
                raise InputError(where, f"{label}.region", region,
                                 f"not {country} or an ISO 3166-2 subdivision of it ({country}-...)")
        plant = site.get("cooling_plant")
        if plant not in (None, "") and (not isinstance(plant, str) or plant not in COOLING_PLANTS):
            raise InputError(where, f"{label}.cooling_plant", plant if isinstance(plant, str) else None,
                             f"not one of {', '.join(COOLING_PLANTS)}")
        chosen = site.get("supply_options")
        if chosen is not None:
            if not isinstance(chosen, (list, tuple)):
                raise InputError(where, f"{label}.supply_options", chosen if isinstance(chosen, str) else None,
                                 "must be a list of supply option names")
            supply_option_names(where, f"{label}.supply_options", chosen)
