"""Radiator area to reject waste heat in orbit.

A flat two-sided radiator at temperature T with emissivity eps emits
2 eps sigma T^4 per m^2 of plate (sigma = 5.670374419e-8 W m^-2 K^-4, CODATA
2018). It absorbs Earth's infrared (outgoing longwave ~237 W/m^2 orbit-average,
Wertz & Larson 1999, SMAD 3rd ed., table 11-48) and albedo (0.30 of the solar
constant) on each side through the view factor F of the Earth. The plate is
assumed edge-on to both the Sun (no direct sunlight) and the nadir (normal
horizontal); for that orientation

    F = (rho - sin rho cos rho) / pi,   sin rho = R_E / (R_E + h)

(rho: Earth's angular radius; F -> 1/2 at the surface, checked against a
numeric integration in the tests). Albedo is scaled by the orbit-average
illumination of the Earth below, cos(beta) / pi for a circular orbit.
"""
import math

from placement.constants import SOLAR_CONSTANT_W_M2, STEFAN_BOLTZMANN_W_M2_K4
from placement.constants import WGS84_EQUATORIAL_RADIUS_KM as EARTH_RADIUS_KM
from placement.kernels.targets import scalar

EARTH_IR_W_M2 = 237.0
EARTH_ALBEDO = 0.30


@scalar
def earth_view_factor_edge_on(altitude_km):
    """View factor [-] from one side of a plate whose normal is horizontal to the Earth below."""
    rho = math.asin(EARTH_RADIUS_KM / (EARTH_RADIUS_KM + altitude_km))
    return (rho - math.sin(rho) * math.cos(rho)) / math.pi


@scalar
def radiator_net_w_per_m2(temperature_c, emissivity, solar_absorptivity, altitude_km, beta_abs_mean_deg):
    """Net heat rejected [W per m^2 of two-sided plate]."""
    t_k = temperature_c + 273.15
    f = earth_view_factor_edge_on(altitude_km)
    albedo_illumination = math.cos(math.radians(beta_abs_mean_deg)) / math.pi
    per_side = (emissivity * STEFAN_BOLTZMANN_W_M2_K4 * t_k ** 4
                - emissivity * f * EARTH_IR_W_M2
                - solar_absorptivity * f * EARTH_ALBEDO * SOLAR_CONSTANT_W_M2 * albedo_illumination)
    return 2.0 * per_side


@scalar
def radiator_area_m2_per_mw(temperature_c, emissivity, solar_absorptivity, altitude_km, beta_abs_mean_deg,
                            bus_overhead):
    """Radiator area [m^2 of two-sided plate per MW of IT]; all electrical power ends as heat.
    Infinite when the environment load exceeds the emission (radiator too cold)."""
    q = radiator_net_w_per_m2(temperature_c, emissivity, solar_absorptivity, altitude_km, beta_abs_mean_deg)
    if q <= 0.0:
        return math.inf
    return 1.0e6 * (1.0 + bus_overhead) / q
