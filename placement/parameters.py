"""Named physical and economic parameters, with their sources.

Every default here can be overridden in a scenario's ``[parameters.<group>]``
table (unknown keys are errors). Units are in the names.
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field

from placement.catalogs import DATA_DIR
from placement.catalogs.validation import InputError, require_number

LATENCY_CALIBRATION_TOML = DATA_DIR / "latency_calibration.toml"
#: Parameters that take one of a few words rather than a number.
CHOICES = {"launch_case": ("today", "2035")}


@dataclass(frozen=True)
class CoolingParameters:
    """Air-side cooling of a hyperscale hall (see :mod:`placement.kernels.cooling`)."""

    #: Inlet limit: top of ASHRAE TC 9.9 recommended envelope, class A1 (Thermal Guidelines, 5th ed. 2021).
    supply_max_c: float = 27.0
    #: Upper dew point of the same recommended envelope.
    max_dew_point_c: float = 15.0
    #: Intake-to-inlet temperature rise through fans and mixing (assumption).
    air_approach_c: float = 1.5
    #: Direct evaporative media: outlet within 3 K of wet bulb (~85-90 % saturation effectiveness,
    #: ASHRAE Handbook HVAC Systems and Equipment 2020, ch. 41).
    evap_approach_c: float = 3.0
    #: Air temperature rise across the IT equipment (assumption; 10-15 K typical for air-cooled servers).
    it_delta_t_c: float = 12.0
    #: Fan power per IT power (assumption, hyperscale free-air halls).
    fan_overhead: float = 0.02
    #: Evaporative pump power per IT power (assumption).
    pump_overhead: float = 0.005
    #: Chiller efficiency relative to Carnot (0.4-0.5 typical for centrifugal chillers; assumption).
    chiller_carnot_efficiency: float = 0.45
    chilled_water_approach_c: float = 5.0
    condenser_approach_c: float = 8.0
    #: UPS, distribution and lighting losses per IT power (assumption; UPS ~97 % efficient).
    electrical_loss: float = 0.04


@dataclass(frozen=True)
class CostParameters:
    """Economics of a levelized cost per IT MWh."""

    #: Facility capex without IT equipment [USD/MW IT]: Turner & Townsend Data Centre
    #: Construction Cost Index 2024 (global average about 10-12 USD/W).
    facility_capex_usd_per_mw: float = 11.0e6
    #: Facility economic life [yr] (assumption).
    facility_life_yr: float = 20.0
    #: Discount rate (real, assumption).
    discount_rate: float = 0.08
    #: Fixed operations and maintenance [USD/MW/yr] (assumption: ~3 % of capex).
    fixed_opex_usd_per_mw_yr: float = 0.33e6
    #: Carbon price [USD/t CO2]; 0 unless the scenario sets one.
    carbon_price_usd_per_t: float = 0.0


@dataclass(frozen=True)
class LatencyParameters:
    """Ground latency model and service-level target."""

    route_factor: float = 0.0  # filled from placement.catalogs/data/latency_calibration.toml
    overhead_ms: float = 0.0
    #: Speed of light in fibre: c / 1.468 (Corning SMF-28 Ultra group index at 1550 nm).
    fibre_km_per_ms: float = 299.792458 / 1.468
    #: Round-trip target for ``pop_within_slo_fraction`` [ms] (assumption: interactive inference).
    slo_rtt_ms: float = 50.0


@dataclass(frozen=True)
class DaylightParameters:
    """Dark-time sampling for ground sites."""

    #: Sun centre below -0.833 deg = below the horizon (refraction + semi-diameter; Meeus 1998 ch. 15).
    threshold_deg: float = -0.833
    #: The year sampled, UTC.
    year: int = 2025
    #: Sample spacing [h].
    step_h: float = 1.0


@dataclass(frozen=True)
class OrbitParameters:
    """Spacecraft power, thermal, mass and launch economics (per MW of IT)."""

    #: Users reach a satellite above this elevation [deg] (Starlink's FCC filings use 25 deg).
    min_elevation_deg: float = 25.0
    #: Triple-junction GaAs cells, ~30 % at beginning of life (Spectrolab XTJ Prime data sheet: 30.7 %).
    cell_efficiency: float = 0.30
    packing_factor: float = 0.85
    pointing_factor: float = 0.95
    #: Cell degradation per year in LEO and extra inside the radiation belts (assumptions).
    degradation_base_per_yr: float = 0.01
    degradation_belt_per_yr: float = 0.03
    #: Spacecraft bus, pumps and avionics per IT power (assumption).
    bus_overhead: float = 0.05
    battery_round_trip_efficiency: float = 0.92
    #: Usable depth of discharge for ~5,000 LEO cycles/yr of Li-ion (assumption, 30-40 % typical).
    depth_of_discharge: float = 0.35
    discharge_efficiency: float = 0.96
    #: Radiator: pumped loop at 40 degC, white paint / OSR (Wertz & Larson, SMAD 3rd ed. table 11-45).
    radiator_temp_c: float = 40.0
    radiator_emissivity: float = 0.90
    radiator_solar_absorptivity: float = 0.20
    #: Areal densities and specific energy (assumptions: flexible roll-out arrays, deployable
    #: radiators, space Li-ion packs).
    array_kg_per_m2: float = 1.6
    radiator_kg_per_m2: float = 4.0
    battery_wh_per_kg: float = 150.0
    #: Compute hardware [kg per kW IT] (assumption: GB200 NVL72 rack ~1.36 t / 120 kW = 11 kg/kW
    #: on the ground, lighter without the rack and facility cooling).
    compute_kg_per_kw: float = 8.0
    structure_fraction: float = 0.25
    #: Non-IT spacecraft hardware cost [USD/kg] (assumption: mass-produced buses).
    spacecraft_cost_usd_per_kg: float = 1000.0
    #: Launch price [USD/kg to LEO]: today's Falcon Heavy list (~97 M USD / 63.8 t; SpaceX 2024),
    #: and the mid-2030s projection used by Google's Suncatcher study (<= 200 USD/kg).
    launch_cost_today_usd_per_kg: float = 1500.0
    launch_cost_2035_usd_per_kg: float = 200.0
    #: Price per kg to GEO relative to LEO: Falcon Heavy lifts 63.8 t to LEO but 26.7 t to GTO
    #: (SpaceX capabilities page), 2.4x, plus the circularisation burn: ~3x.
    geo_launch_factor: float = 3.0
    #: Which launch price applies: "today" or "2035".
    launch_case: str = "today"
    #: Ground segment and operations per year, as a share of capex (assumption).
    opex_fraction_per_yr: float = 0.02

    @property
    def launch_cost_usd_per_kg(self) -> float:
        return self.launch_cost_2035_usd_per_kg if self.launch_case == "2035" else self.launch_cost_today_usd_per_kg


def _calibrated_latency() -> LatencyParameters:
    data = tomllib.loads(LATENCY_CALIBRATION_TOML.read_text())
    return LatencyParameters(route_factor=float(data["route_factor"]), overhead_ms=float(data["overhead_ms"]))


@dataclass(frozen=True)
class Parameters:
    """All parameter groups of a scenario."""

    cooling: CoolingParameters = field(default_factory=CoolingParameters)
    cost: CostParameters = field(default_factory=CostParameters)
    latency: LatencyParameters = field(default_factory=_calibrated_latency)
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
            if key in CHOICES:
                if raw not in CHOICES[key]:
                    raise InputError(where, f"parameters.{name}.{key}", raw, f"must be one of {', '.join(CHOICES[key])}")
                changes[key] = raw
                continue
            is_int = known[key].type in ("int", int)
            low = None if key in ("supply_max_c", "max_dew_point_c", "threshold_deg") else 0
            changes[key] = require_number(where, f"parameters.{name}.{key}", raw, low=low, integer=is_int)
        groups[name] = dataclasses.replace(current, **changes)
    return dataclasses.replace(base, **groups)
