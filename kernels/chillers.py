"""Chiller efficiency at the actual operating condition, from published rating data.

EnergyPlus's electric EIR chiller model (EnergyPlus Engineering Reference, "Electric
Chiller Model Based on Condenser Entering Temperature"): the energy input ratio
EIR = 1 / COP at full load is the rated EIR times a biquadratic in the leaving
chilled-water temperature x [degC] and the condenser temperature y [degC],

    EIRFT(x, y) = c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y,   COP = COP_rated / EIRFT,

with x and y held to the curve's validity range (as EnergyPlus does). Rated COPs are the
ASHRAE 90.1-2019 Path A minima (Table 6.8.1-3) at AHRI 550/590 conditions (44 degF
leaving chilled water; 95 degF outdoor air, or 85 degF entering condenser water):

* air-cooled, with condenser: 1.188 kW/ton -> COP 2.96; curve
  ``AirCooled_Chiller_2010_PathA_EIRFT`` of NREL openstudio-standards
  (``ashrae_90_1.curves.json``), y = outdoor dry bulb, normalised at 6.67 / 35 degC;
* water-cooled centrifugal, >= 600 tons: 0.560 kW/ton -> COP 6.28; curve of the
  EnergyPlus reference chiller "DOE-2 Centrifugal/5.50COP" (``datasets/Chillers.idf``),
  y = entering condenser water, normalised at 6.67 / 29.4 degC.

Sources and the evaluated curves: ``catalogs/references/cooling.md`` section 1.
"""
from placement.kernels.targets import scalar

KW_PER_TON = 3.517  # 12,000 Btu/h

#: Air-cooled chiller, 90.1-2010 Path A curve set (Dick Lord's study, 2010): EIRFT coefficients.
AIR_EIRFT = (0.5961915, -0.0099496, 0.0007888, 0.0004506, 0.0004875, -0.0007623)
AIR_X_RANGE_C = (5.0, 10.0)
AIR_Y_RANGE_C = (12.7, 51.67)
#: Water-cooled centrifugal chiller, DOE-2 reference "Centrifugal/5.50COP": EIRFT coefficients.
WATER_EIRFT = (0.933884, -0.058212, 0.00450036, 0.00243, 0.000486, -0.001215)
WATER_X_RANGE_C = (5.0, 10.0)
WATER_Y_RANGE_C = (24.0, 35.0)


@scalar
def clamp(value, low, high):
    """``value`` held to [low, high]."""
    if value < low:
        return low
    if value > high:
        return high
    return value


@scalar
def biquadratic(c1, c2, c3, c4, c5, c6, x, y):
    """c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y."""
    return c1 + c2 * x + c3 * x * x + c4 * y + c5 * y * y + c6 * x * y


@scalar
def air_cooled_chiller_cop(rated_cop, chilled_water_c, outdoor_dry_bulb_c):
    """Full-load COP [-] of an air-cooled chiller at the leaving chilled-water temperature and the
    air entering its condenser [degC] (outdoor dry bulb, or the adiabatically pre-cooled air)."""
    x = clamp(chilled_water_c, 5.0, 10.0)
    y = clamp(outdoor_dry_bulb_c, 12.7, 51.67)
    return rated_cop / biquadratic(0.5961915, -0.0099496, 0.0007888, 0.0004506, 0.0004875, -0.0007623, x, y)


@scalar
def water_cooled_chiller_cop(rated_cop, chilled_water_c, condenser_water_c):
    """Full-load COP [-] of a water-cooled centrifugal chiller at the leaving chilled-water and the
    entering condenser-water temperatures [degC]."""
    x = clamp(chilled_water_c, 5.0, 10.0)
    y = clamp(condenser_water_c, 24.0, 35.0)
    return rated_cop / biquadratic(0.933884, -0.058212, 0.00450036, 0.00243, 0.000486, -0.001215, x, y)
