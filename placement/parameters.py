"""Named physical and economic parameters, with their sources.

Every default here can be overridden in a scenario's ``[parameters.<group>]``
table (unknown keys are errors). Units are in the names.
"""
from __future__ import annotations

import csv
import dataclasses
import functools
from dataclasses import dataclass, field

from placement.catalogs import COOLING_PLANTS, DATA_DIR
from placement.catalogs.markets import load_supply_options
from placement.catalogs.validation import InputError, require_instance, require_number
from placement.constants import SPEED_OF_LIGHT_KM_PER_MS
from placement.latency.profiles import PROFILES as RTT_PROFILES
from placement.latency.profiles import LatencyParameters
from placement.orbit.launch_prices import TODAY_USD_PER_KG, launch_usd_per_kg, trajectory

#: Parameters that take one of a few words rather than a number.
CHOICES = {"solar_technology": ("silicon", "triple_junction"),
           "storage": ("battery", "none"),
           "coolant_class": ("W32", "W45", "W+"),
           "launch_trajectory": ("suncatcher", "suncatcher_slow"),
           "plant": COOLING_PLANTS,
           "profile": ("hyperscale", "colocation"),
           "rtt_profile": RTT_PROFILES}
_UNIT = dict(positive=True, high=1.0)  # a fraction or efficiency in (0, 1]
_SHARE = dict(low=0.0, high=1.0)  # a share in [0, 1]
#: Physical bounds of each numeric parameter (by name, in any group); others: finite, >= 0, <= 1e12.
BOUNDS = {
    # cooling
    "electrical_loss": _SHARE, "fan_kw_per_kw": _SHARE, "pump_kw_per_kw": _SHARE, "misc_kw_per_kw": _SHARE,
    "cdu_pump_kw_per_kw": _SHARE, "evap_pump_kw_per_kw": _SHARE, "tower_fan_kw_per_kw": _SHARE,
    "dry_cooler_fan_kw_per_kw": _SHARE, "supply_max_c": dict(low=10.0, high=45.0),
    "chilled_water_c": dict(low=2.0, high=30.0), "max_dew_point_c": dict(low=-20.0, high=30.0),
    "air_approach_c": dict(low=0.0, high=10.0), "evap_effectiveness": _UNIT, "it_delta_t_c": dict(positive=True, high=40.0),
    "chilled_water_delta_t_c": dict(positive=True, high=30.0), "tower_approach_c": dict(low=0.0, high=20.0),
    "hx_approach_c": dict(low=0.0, high=10.0), "cycles_of_concentration": dict(low=1.1, high=50.0),
    "drift_fraction": dict(low=0.0, high=0.01), "tower_range_c": dict(positive=True, high=30.0),
    "dry_cooler_approach_c": dict(low=0.0, high=30.0), "adiabatic_effectiveness": _SHARE,
    "dry_cooler_air_delta_t_c": dict(positive=True, high=40.0), "liquid_supply_c": dict(low=10.0, high=70.0),
    "liquid_delta_t_c": dict(positive=True, high=40.0), "liquid_fraction": _SHARE,
    "air_chiller_rated_cop": dict(positive=True, high=30.0), "water_chiller_rated_cop": dict(positive=True, high=30.0),
    # cost and supply
    "facility_capex_usd_per_mw": dict(low=0.0, high=1e9), "ai_build_premium": dict(low=0.0, high=5.0),
    "building_share": _SHARE,
    "building_life_yr": dict(low=0.1, high=100.0), "plant_life_yr": dict(low=0.1, high=100.0),
    "discount_rate": dict(low=0.0, high=1.0), "fixed_opex_fraction_per_yr": _SHARE, "it_load_factor": _UNIT,
    "it_capex_usd_per_mw": dict(low=0.0, high=1e9), "it_life_yr": dict(low=0.1, high=50.0),
    "gpu_it_kw": dict(positive=True, high=100.0), "carbon_price_usd_per_t": dict(low=0.0, high=1e5),
    "water_price_usd_per_m3": dict(low=0.0, high=1e4), "delay_usd_per_mw_month": dict(low=0.0, high=1e9),
    "availability_goal": dict(positive=True, high=0.999999999), "order_year": dict(low=2000, high=2100),
    "default_campus_mw": dict(positive=True, high=1e6), "min_spares": dict(low=0, high=100),
    "max_spare_fraction": dict(positive=True, high=10.0), "default_queue_months": dict(low=0.0, high=240.0),
    "default_source_water_l_per_mwh": dict(low=0.0, high=1e5),
    # latency and daylight
    "route_factor": dict(low=1.0, high=10.0), "overhead_ms": dict(low=0.0, high=1000.0),
    "fibre_km_per_ms": dict(positive=True, high=SPEED_OF_LIGHT_KM_PER_MS), "slo_rtt_ms": dict(positive=True, high=10000.0),
    "threshold_deg": dict(low=-18.0, high=0.0), "year": dict(low=1900, high=2049), "step_h": dict(positive=True, high=24.0),
    # orbit
    "min_elevation_deg": dict(low=0.0, high=89.0), "cell_efficiency": dict(positive=True, high=0.9), "packing_factor": _UNIT,
    "pointing_factor": _UNIT, "degradation_base_per_yr": dict(low=0.0, high=0.5),
    "degradation_belt_per_yr": dict(low=0.0, high=0.5), "bus_overhead": dict(low=0.0, high=5.0),
    "battery_round_trip_efficiency": _UNIT, "depth_of_discharge": _UNIT, "discharge_efficiency": _UNIT,
    "radiator_temp_c": dict(low=-100.0, high=300.0), "radiator_emissivity": _UNIT,
    "radiator_solar_absorptivity": _SHARE, "array_kg_per_m2": dict(positive=True, high=100.0),
    "radiator_kg_per_m2": dict(positive=True, high=100.0), "battery_wh_per_kg": dict(positive=True, high=2000.0),
    "compute_kg_per_kw": dict(low=0.0, high=1000.0), "structure_fraction": dict(low=0.0, high=10.0),
    "spacecraft_cost_usd_per_kg": dict(low=0.0, high=1e7), "launch_usd_per_kg": dict(low=0.0, high=1e6),
    "launch_year": dict(low=2025, high=2050), "heavy_reusable_year": dict(low=2025, high=2040), "geo_launch_factor": dict(low=1.0, high=100.0),
    "opex_fraction_per_yr": _SHARE, "array_cost_usd_per_w": dict(low=0.0, high=1e4),
    "battery_cycle_life_ref": dict(positive=True, high=1e7), "battery_cycle_life_ref_dod": _UNIT,
    "battery_cycle_life_exponent": dict(positive=True, high=10.0), "max_depth_of_discharge": _UNIT,
    "shielding_mm_al": dict(low=0.0, high=1000.0), "compute_tid_limit_krad": dict(positive=True, high=1e6),
}


@dataclass(frozen=True)
class OperatorProfile:
    """Facility loads besides heat rejection, per IT power, and the set points an operator runs.

    Two documented profiles (:data:`OPERATOR_PROFILES`); a scenario picks one with
    ``[parameters.cooling] profile`` and may override any of these numbers by name.
    """
    name: str
    #: UPS, transformer and distribution losses [kW per kW IT].
    electrical_loss: float
    #: Air-moving fans of air-cooled IT (CRAH/AHU) [kW per kW of air-cooled IT].
    fan_kw_per_kw: float
    #: Chilled- and condenser-water pumps [kW per kW of heat carried by water].
    pump_kw_per_kw: float
    #: Lighting, offices, security and other facility loads [kW per kW IT].
    misc_kw_per_kw: float
    #: Coolant distribution units of direct-to-chip loops [kW per kW of liquid-cooled IT].
    cdu_pump_kw_per_kw: float
    #: Supply-air limit at the IT inlet [degC].
    supply_max_c: float
    #: Highest outdoor (or humidified) dew point admitted by the air economizer [degC].
    max_dew_point_c: float
    #: Chilled-water supply temperature [degC].
    chilled_water_c: float
    source: str


#: Best-in-class hyperscale (default) and a typical colocation / leased hall.
OPERATOR_PROFILES = {
    "hyperscale": OperatorProfile(
        "hyperscale", electrical_loss=0.025, fan_kw_per_kw=0.02, pump_kw_per_kw=0.01, misc_kw_per_kw=0.002,
        cdu_pump_kw_per_kw=0.005, supply_max_c=27.0, max_dew_point_c=21.0, chilled_water_c=18.0,
        source="Lei & Masanet 2020 (Energy 117556, Table A.1) input ranges: UPS 90-99 %, distribution 0-2 %, "
               "lighting 0-0.2 % of IT; fan power derived from CRAH pressure 400-600 Pa, efficiency 0.65-0.9, "
               "air dT 14-19 K = 1.9-5.6 % of IT (low end here); pumps from their head ranges ~1-2 %; supply at "
               "the top of ASHRAE TC 9.9's A1 recommended envelope (27 degC), humidity up to the class A2 "
               "allowable dew point (21 degC; Thermal Guidelines 5th ed. 2021), as hyperscale halls run "
               "(Open Compute / Meta raised its limits to 85 degF and 90 % RH in 2012); CDU pumps approximate"),
    "colocation": OperatorProfile(
        "colocation", electrical_loss=0.10, fan_kw_per_kw=0.09, pump_kw_per_kw=0.025, misc_kw_per_kw=0.03,
        cdu_pump_kw_per_kw=0.01, supply_max_c=22.0, max_dew_point_c=15.0, chilled_water_c=10.0,
        source="typical leased hall at part load (approximate): double-conversion UPS at 30-50 % load ~92-94 % "
               "plus transformers and PDUs (CEC/LBNL PIER UPS study 2005; Lei & Masanet 2020 low end), CRAH fans "
               "at ~1,000 Pa (9.3 % of IT derived from Lei & Masanet's ranges), lighting and offices ~3 %, cold "
               "supply air (22 degC) within the recommended dew point (15 degC) and 10 degC chilled water; "
               "published fleets of such halls: Equinix 1.42 (2023), Uptime Institute survey 1.58 (2023)"),
}


@dataclass(frozen=True)
class CoolingParameters:
    """Cooling plant and operator profile (see :mod:`placement.kernels.cooling`); sources in
    ``catalogs/references/cooling.md``. Profile-controlled numbers left at ``None`` come from
    the profile."""

    #: Plant for every site: auto (the site's catalog column, else the climate default),
    #: air_economizer, chiller_tower, dry_cooler or liquid.
    plant: str = "auto"
    #: Operator profile: hyperscale (default) or colocation.
    profile: str = "hyperscale"
    electrical_loss: float | None = None
    fan_kw_per_kw: float | None = None
    pump_kw_per_kw: float | None = None
    misc_kw_per_kw: float | None = None
    cdu_pump_kw_per_kw: float | None = None
    supply_max_c: float | None = None
    max_dew_point_c: float | None = None
    chilled_water_c: float | None = None
    #: Intake-to-inlet temperature rise through fans and mixing (assumption).
    air_approach_c: float = 1.5
    #: Direct evaporative media saturation effectiveness (0.75-0.95: Wang, Handbook of Air
    #: Conditioning and Refrigeration, sec. 9.8).
    evap_effectiveness: float = 0.85
    #: Air temperature rise across air-cooled IT (Lei & Masanet 2020: 14-19 K).
    it_delta_t_c: float = 14.0
    #: Evaporative media pumps [kW per kW IT] (assumption).
    evap_pump_kw_per_kw: float = 0.002
    #: Chilled-water temperature rise (Lei & Masanet 2020: 5-10 K).
    chilled_water_delta_t_c: float = 8.0
    #: Open cooling tower approach to wet bulb: median of 6,730 models (Energies 2023, 16, 3661).
    tower_approach_c: float = 5.0
    #: Waterside-economizer plate exchanger approach (Lei & Masanet 2020: 1.7-2.8 K).
    hx_approach_c: float = 2.0
    #: Cycles of concentration (EPA WaterSense: water-efficient towers run 4-5 or more).
    cycles_of_concentration: float = 4.0
    #: Drift [fraction of circulating flow] (LEED v4.1 baseline 0.002 %).
    drift_fraction: float = 0.00002
    #: Cooling range of the tower water (Lei & Masanet 2020: 4-6 K).
    tower_range_c: float = 5.5
    #: Tower fans [kW per kW of heat rejected] (Energies 2023: 0.012-0.021 for open towers).
    tower_fan_kw_per_kw: float = 0.015
    #: Dry cooler approach to the entering air: median of the same market data (10 K).
    dry_cooler_approach_c: float = 10.0
    #: Adiabatic pre-cooler saturation effectiveness (as direct evaporative media, lower end).
    adiabatic_effectiveness: float = 0.8
    #: Air temperature rise through a dry cooler coil (assumption).
    dry_cooler_air_delta_t_c: float = 10.0
    #: Dry cooler fans [kW per kW of heat rejected] (assumption; more than a wet tower's).
    dry_cooler_fan_kw_per_kw: float = 0.02
    #: Facility water supply of direct-to-chip loops: ASHRAE liquid class W32 (W40, W45 warmer).
    liquid_supply_c: float = 32.0
    liquid_delta_t_c: float = 10.0
    #: Heat captured by cold plates in GB200-class racks (vendor statements: 85-95 %).
    liquid_fraction: float = 0.85
    #: Rated chiller COPs: ASHRAE 90.1-2019 Path A minima at AHRI 550/590 conditions
    #: (air-cooled 1.188 kW/ton; water-cooled centrifugal >= 600 tons 0.560 kW/ton).
    air_chiller_rated_cop: float = 3.517 / 1.188
    water_chiller_rated_cop: float = 3.517 / 0.560

    def operator(self) -> OperatorProfile:
        """The operator profile with this scenario's overrides applied."""
        base = OPERATOR_PROFILES[self.profile]
        changes = {f: getattr(self, f) for f in ("electrical_loss", "fan_kw_per_kw", "pump_kw_per_kw",
                                                 "misc_kw_per_kw", "cdu_pump_kw_per_kw", "supply_max_c",
                                                 "max_dew_point_c", "chilled_water_c") if getattr(self, f) is not None}
        return dataclasses.replace(base, **changes)


@dataclass(frozen=True)
class CostParameters:
    """Economics of a levelized cost per IT MWh (see :mod:`placement.kernels.cost`)."""
    #: Facility capex without IT [USD/MW IT] for a site with no market row, in the construction
    #: index's scope (traditional air-cooled build): the plain mean of the 52 markets of the Turner &
    #: Townsend Data Centre Construction Cost Index 2025-2026, US$ 10.74/W (derived, approximate).
    facility_capex_usd_per_mw: float = 10.74e6
    #: Premium of an AI build (liquid cooling, high density) over the index's traditional build,
    #: added to capex from the index or the default above (not to a site row's own
    #: ``capex_usd_per_mw``): Turner & Townsend DCCI 2025-2026 measured 7-10 % on US projects of
    #: similar IT capacity; the midpoint 8.5 %, applied to every market (approximate).
    ai_build_premium: float = 0.085
    #: Share of facility capex in the building shell and core; the rest is mechanical and electrical
    #: plant (assumption, approximate: cost guides put shell and core at roughly a quarter to a third).
    building_share: float = 0.30
    #: Economic lives [yr] of the building and of the M&E plant (assumption, approximate).
    building_life_yr: float = 30.0
    plant_life_yr: float = 15.0
    #: Discount rate (real, assumption).
    discount_rate: float = 0.08
    #: Fixed operations and maintenance [share of facility capex per yr] (assumption: ~3 %).
    fixed_opex_fraction_per_yr: float = 0.03
    #: Mean IT load over provisioned IT capacity (assumption: AI halls run near full).
    it_load_factor: float = 0.85
    #: IT hardware capex [USD per MW of IT] (0: facility-only cost) and its life [yr].
    it_capex_usd_per_mw: float = 0.0
    it_life_yr: float = 5.0
    #: IT power per GPU, all in (GB200 NVL72: ~120-132 kW per 72 GPUs), for cost per GPU-hour [kW].
    gpu_it_kw: float = 1.7
    #: Carbon price [USD/t CO2]; 0 unless the scenario sets one.
    carbon_price_usd_per_t: float = 0.0
    #: Price of site water [USD/m^3] (approximate: US industrial water and sewer tariffs 1.5-4).
    water_price_usd_per_m3: float = 2.0
    #: Lost margin per MW per month of waiting for power [USD/MW-month]; 0 unless the scenario sets it.
    delay_usd_per_mw_month: float = 0.0


@dataclass(frozen=True)
class SupplyParameters:
    """How each site's power supply is chosen among its options (see :mod:`placement.ground.supply`)."""
    #: cheapest (lowest levelized cost, delay included, among the mixes meeting the availability
    #: goal), fastest (fewest months to first power), or a mix's name (used where the site offers
    #: it, else the cheapest).
    choice: str = "cheapest"
    #: Share of hours with full IT power a mix must reach [-]: Uptime Institute Tier III,
    #: 99.982 % (1.6 h/yr of site-caused IT downtime; Turner, Seader, Renaud & Brill, "Tier
    #: Classifications Define Site Infrastructure Performance", Uptime Institute white paper;
    #: the finer figure as cited by secondary sources, approximate).
    availability_goal: float = 0.99982
    #: Year equipment is ordered [UTC year]: a technology sold out until a later year waits for it.
    order_year: int = 2026
    #: IT load [MW] a site or grid cell without its own ``power_mw`` is sized for (a gigawatt campus).
    default_campus_mw: float = 1000.0
    #: Fewest spare units of any fleet: N+1 (Uptime Institute Tier III, concurrently maintainable).
    min_spares: int = 1
    #: Most spare units, as a share of the units needed [-].
    max_spare_fraction: float = 1.0
    #: Months to a grid connection where no queue figure is known (approximate: US national median
    #: of generator interconnection is ~5 years; large loads 1-3 years, IEA 2025).
    default_queue_months: float = 36.0
    #: Water consumed per MWh of grid electricity where the country has no row [L/MWh]
    #: (approximate: Macknick et al. 2012 factors on a world-average mix).
    default_source_water_l_per_mwh: float = 1000.0


@dataclass(frozen=True)
class DaylightParameters:
    """Dark-time sampling for ground sites."""
    #: Sun centre below -0.833 deg = below the horizon (refraction + semi-diameter; Meeus 1998 ch. 15).
    threshold_deg: float = -0.833
    #: The year sampled, UTC.
    year: int = 2025
    #: Sample spacing [h].
    step_h: float = 1.0


#: Radiator temperature by the compute's liquid-cooling class [degC]: the class's facility supply
#: limit (ASHRAE TC 9.9, "Water-Cooled Servers", 2019: W32 <= 32 degC, W45 <= 45 degC, W+ > 45 degC,
#: taken as 60 degC) plus half of a 10 K loop rise (assumption): warmer loops, hotter, smaller radiators.
RADIATOR_TEMP_BY_COOLANT_C = {"W32": 37.0, "W45": 50.0, "W+": 65.0}


@dataclass(frozen=True)
class OrbitParameters:
    """Spacecraft power, storage, thermal, radiation, mass and launch economics (per MW of IT).

    Figures marked None come from a named choice: the solar technology
    (``catalogs/data/space_solar_technology.csv``), the coolant class
    (:data:`RADIATOR_TEMP_BY_COOLANT_C`), the battery's cycle-life curve, or the launch
    trajectory; a number given in a scenario overrides the choice.
    """
    #: Users reach a satellite above this elevation [deg] (Starlink's FCC filings use 25 deg).
    min_elevation_deg: float = 25.0
    #: Solar cells: "silicon" (Starlink-class buses) or "triple_junction" (space III-V).
    solar_technology: str = "silicon"
    #: Overrides of the technology's cell efficiency [-], degradation [1/yr], array cost
    #: [USD per W at beginning of life] and array areal density [kg/m^2].
    cell_efficiency: float | None = None
    degradation_base_per_yr: float | None = None
    array_cost_usd_per_w: float | None = None
    array_kg_per_m2: float | None = None
    #: Cell packing on the array (Suncatcher sec. 4.4: 90 %) and pointing losses (assumption).
    packing_factor: float = 0.90
    pointing_factor: float = 0.95
    #: Extra cell degradation inside the radiation belts, 1,000-20,000 km [1/yr] (assumption).
    degradation_belt_per_yr: float = 0.03
    #: Spacecraft bus, pumps and avionics per IT power (assumption).
    bus_overhead: float = 0.05
    #: "battery": storage for the worst eclipse; "none": compute throttles in shadow, and the
    #: shell delivers only its sunlit share.
    storage: str = "battery"
    battery_round_trip_efficiency: float = 0.92
    discharge_efficiency: float = 0.96
    #: Usable depth of discharge [-]; None: from the cycle-life curve for the shell's eclipse
    #: cycles over its life, capped at ``max_depth_of_discharge``.
    depth_of_discharge: float | None = None
    #: Cycle-life curve N(DoD) = N_ref (DoD / DoD_ref)^-k: anchored on Saft's VES180 space cell,
    #: ~27,000 LEO cycles at 30 % DoD (ESA ARTES project; 5 yr LEO at 30 % DoD with < 20 % loss),
    #: with the slope of Battery University BU-808's NMC table (least squares of
    #: ``catalogs/data/battery_cycle_life.csv``: k = 1.26).
    battery_cycle_life_ref: float = 27000.0
    battery_cycle_life_ref_dod: float = 0.30
    battery_cycle_life_exponent: float = 1.26
    #: Most depth of discharge used however few the cycles (assumption: state-of-charge headroom).
    max_depth_of_discharge: float = 0.80
    #: Pack specific energy [Wh/kg] (Saft VES180 cell 160 Wh/kg, ESA ARTES; pack a little lower).
    battery_wh_per_kg: float = 150.0
    #: Compute cooling class (:data:`RADIATOR_TEMP_BY_COOLANT_C`); ``radiator_temp_c`` overrides it.
    coolant_class: str = "W45"
    radiator_temp_c: float | None = None
    #: White paint / OSR radiator surface (Wertz & Larson, SMAD 3rd ed. table 11-45).
    radiator_emissivity: float = 0.90
    radiator_solar_absorptivity: float = 0.20
    #: Deployable radiator areal density [kg/m^2] (assumption; Al-ammonia heat-pipe panels are
    #: ~7 kg/m^2, Thermacore NASA SBIR 1991).
    radiator_kg_per_m2: float = 4.0
    #: Compute hardware [kg per kW IT] (assumption: GB200 NVL72 rack ~1.36 t / 120 kW = 11 kg/kW
    #: on the ground, lighter without the rack and facility cooling).
    compute_kg_per_kw: float = 8.0
    structure_fraction: float = 0.25
    #: Spacecraft hardware besides compute and priced-per-W arrays [USD/kg]: Starlink v2 mini
    #: ~0.8 M USD for ~730 kg (Quilty Space estimate, 2024; approximate).
    spacecraft_cost_usd_per_kg: float = 1100.0
    #: Launch price [USD/kg to LEO]; None: today's (:data:`placement.orbit.launch_prices.TODAY_USD_PER_KG`,
    #: 3,600 USD/kg for a reusable Falcon 9, 2025) unless ``launch_year`` picks a year on
    #: ``launch_trajectory`` (``catalogs/data/launch_trajectory.csv``).
    launch_usd_per_kg: float | None = None
    launch_year: int | None = None
    launch_trajectory: str = "suncatcher"
    #: First year a heavy reusable vehicle sells launches at its target price [year]: the trajectory
    #: stays at today's price until then (list prices rose 2016-2026, ``launch_prices.csv``) and
    #: falls along its published curve from then on. 2030 is an assumption (no such vehicle sold
    #: commercial launches at its target price by 2026; approximate): a scenario sets its own.
    heavy_reusable_year: int = 2030
    #: Price per kg to GEO relative to LEO: Falcon Heavy lifts 63.8 t to LEO but 26.7 t to GTO
    #: (SpaceX capabilities page), 2.4x, plus the circularisation burn: ~3x.
    geo_launch_factor: float = 3.0
    #: Aluminium shielding around the compute, spherical equivalent [mm] (Suncatcher: ~10 mm).
    shielding_mm_al: float = 10.0
    #: Total ionizing dose the compute tolerates [krad(Si)]: HBM irregularities after 2 krad in the
    #: Suncatcher proton tests of Trillium TPUs (no hard failures up to 15 krad).
    compute_tid_limit_krad: float = 2.0
    #: Ground segment and operations per year, as a share of capex (assumption).
    opex_fraction_per_yr: float = 0.02

    @property
    def launch_price_usd_per_kg(self) -> float:
        """The launch price used [USD/kg to LEO]: given, by year on the trajectory, or today's."""
        if self.launch_usd_per_kg is not None:
            return float(self.launch_usd_per_kg)
        if self.launch_year is not None:
            return launch_usd_per_kg(self.launch_year, self.launch_trajectory, "parameters.orbit",
                                     self.heavy_reusable_year)
        return TODAY_USD_PER_KG

    @property
    def launch_price_label(self) -> str:
        """How the launch price was chosen, for table titles."""
        if self.launch_usd_per_kg is not None:
            return f"launch {self.launch_price_usd_per_kg:,.0f} USD/kg"
        if self.launch_year is not None:
            return f"launch {self.launch_price_usd_per_kg:,.0f} USD/kg ({self.launch_trajectory} {self.launch_year})"
        return f"launch {self.launch_price_usd_per_kg:,.0f} USD/kg (today)"

    def solar(self) -> dict:
        """Cell efficiency, degradation [1/yr], array cost [USD/W] and areal density [kg/m^2]
        of the solar technology, with this group's overrides."""
        tech = solar_technologies()[self.solar_technology]
        return {k: tech[k] if getattr(self, name) is None else float(getattr(self, name))
                for k, name in (("cell_efficiency", "cell_efficiency"), ("degradation_per_yr", "degradation_base_per_yr"),
                                ("array_cost_usd_per_w", "array_cost_usd_per_w"), ("array_kg_per_m2", "array_kg_per_m2"))}

    @property
    def radiator_temperature_c(self) -> float:
        """Radiator temperature [degC]: given, else by coolant class."""
        if self.radiator_temp_c is not None:
            return float(self.radiator_temp_c)
        return RADIATOR_TEMP_BY_COOLANT_C[self.coolant_class]


def solar_technologies() -> dict:
    """Technology -> {cell_efficiency, degradation_per_yr, array_cost_usd_per_w, array_kg_per_m2,
    source} from ``catalogs/data/space_solar_technology.csv``."""
    return _solar_technologies()


@functools.lru_cache(maxsize=1)
def _solar_technologies() -> dict:
    out = {}
    with open(DATA_DIR / "space_solar_technology.csv", newline="") as f:
        for r in csv.DictReader(f):
            out[r["technology"]] = {k: float(r[k]) for k in ("cell_efficiency", "degradation_per_yr",
                                                             "array_cost_usd_per_w", "array_kg_per_m2")}
            out[r["technology"]]["source"] = r["source"]
    return out


@dataclass(frozen=True)
class Parameters:
    """All parameter groups of a scenario."""
    cooling: CoolingParameters = field(default_factory=CoolingParameters)
    cost: CostParameters = field(default_factory=CostParameters)
    supply: SupplyParameters = field(default_factory=SupplyParameters)
    latency: LatencyParameters = field(default_factory=LatencyParameters)
    daylight: DaylightParameters = field(default_factory=DaylightParameters)
    orbit: OrbitParameters = field(default_factory=OrbitParameters)


def parameters_from_table(where: str, table: dict) -> Parameters:
    """Build :class:`Parameters` from a scenario's ``[parameters]`` table, strictly."""
    base = Parameters()
    groups = {}
    for name, value in table.items():
        if name not in {f.name for f in dataclasses.fields(Parameters)}:
            raise InputError(where, f"parameters.{name}", None, "unknown parameter group")
        if not isinstance(value, dict):
            raise InputError(where, f"parameters.{name}", value, "must be a table")
        current = getattr(base, name)
        known = {f.name: f for f in dataclasses.fields(current)}
        changes = {}
        for key, raw in value.items():
            if key not in known:
                raise InputError(where, f"parameters.{name}.{key}", raw, "unknown parameter")
            label = f"parameters.{name}.{key}"
            if key in CHOICES:
                if raw not in CHOICES[key]:
                    raise InputError(where, label, raw, f"must be one of {', '.join(CHOICES[key])}")
                changes[key] = raw
                continue
            if key == "choice":
                changes[key] = _supply_choice(where, label, raw)
                continue
            is_int = known[key].type in ("int", int, "int | None")
            bounds = BOUNDS.get(key, dict(low=0.0, high=1e12))
            changes[key] = require_number(where, label, raw, integer=is_int, **bounds)
        groups[name] = dataclasses.replace(current, **changes)
        if name == "orbit" and "launch_usd_per_kg" in changes and "launch_year" in changes:
            raise InputError(where, "parameters.orbit.launch_year", changes["launch_year"],
                             "give launch_usd_per_kg or launch_year, not both")
        if name == "orbit" and groups[name].launch_year is not None:
            o = groups[name]
            t = trajectory(o.launch_trajectory, where, o.heavy_reusable_year)
            if not t.first_year <= o.launch_year <= t.last_year:
                raise InputError(where, "parameters.orbit.launch_year", o.launch_year,
                                 f"outside the {o.launch_trajectory} trajectory ({t.first_year}-{t.last_year} with "
                                 f"heavy_reusable_year = {o.heavy_reusable_year})")
    return dataclasses.replace(base, **groups)


def _supply_choice(where: str, label: str, raw) -> str:
    allowed = ("cheapest", "fastest", *load_supply_options())
    if raw not in allowed:
        raise InputError(where, label, raw, f"must be one of {', '.join(allowed)}")
    return raw


def check_parameters(where: str, parameters, field: str = "parameters") -> Parameters:
    """:class:`Parameters` built in Python, checked with the rules of a scenario's ``[parameters]``
    tables (every value that differs from its default; None: the defaults).

    Returns
    -------
    Parameters
        ``parameters`` itself, or a copy with its values normalised as the loader gives them.

    Raises
    ------
    InputError
        Not Parameters, or a value that is not a finite number within its bounds or not one of its
        words; the message names ``where: field`` and ``parameters.group.key``.
    """
    if parameters is None:
        return Parameters()
    require_instance(where, field, parameters, Parameters, "placement.Parameters")
    owner = field[:-len("parameters")].rstrip(".") if field.endswith("parameters") else field
    where = f"{where}: {owner}" if owner else where
    base, table = Parameters(), {}
    for group in dataclasses.fields(Parameters):
        value, default = getattr(parameters, group.name), getattr(base, group.name)
        if not isinstance(value, type(default)):
            raise InputError(where, f"parameters.{group.name}", None,
                             f"must be {type(default).__name__}, not {type(value).__name__}")
        changed = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)
                   if not same_value(getattr(value, f.name), getattr(default, f.name))}
        if changed:
            table[group.name] = changed
    checked = parameters_from_table(where, table)
    return parameters if checked == parameters else checked


def same_value(a, b) -> bool:
    """The same object, or equal values of the same type (``True`` is not ``1``)."""
    return a is b or (type(a) is type(b) and a == b)
