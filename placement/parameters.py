"""Named physical and economic parameters, with their sources.

Every default here can be overridden in a scenario's ``[parameters.<group>]``
table (unknown keys are errors). Units are in the names.
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field

from catalogs import DATA_DIR
from catalogs.validation import InputError, require_number

LATENCY_CALIBRATION_TOML = DATA_DIR / "latency_calibration.toml"


@dataclass(frozen=True)
class CoolingParameters:
    """Air-side cooling of a hyperscale hall (see :mod:`kernels.cooling`)."""

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

    route_factor: float = 0.0  # filled from catalogs/data/latency_calibration.toml
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
            is_int = known[key].type in ("int", int)
            low = None if key in ("supply_max_c", "max_dew_point_c", "threshold_deg") else 0
            changes[key] = require_number(where, f"parameters.{name}.{key}", raw, low=low, integer=is_int)
        groups[name] = dataclasses.replace(current, **changes)
    return dataclasses.replace(base, **groups)
