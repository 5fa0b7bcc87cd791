"""Eclipses: the fast kernel against Skyfield's is_sunlit, the analytic beta-angle formula,
and the published seasons of dawn-dusk SSO and GEO."""
import datetime as dt
import math

import numpy as np
import pytest

from placement.kernels.eclipse import EARTH_SHADOW_RADIUS_KM, plane_eclipses, sun_visible_fraction
from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM
from placement.demand import demand_points
from placement.ephemeris import ephemeris
from placement.orbits import load_shells, parse_start, plane_elements, reference_satellite, time_grid
from placement.shells import score_shells

START = parse_start("test", "2026-03-01")
LEO = [s for s in load_shells() if s.altitude_km < 2000]


def kernel_eclipse(pe, sun, step_s, n_days):
    m = pe.a_km.size
    outs = [np.empty(m) for _ in range(5)]
    day = np.zeros((m, n_days))
    plane_eclipses(pe.a_km, pe.inclination_rad, pe.raan0_rad, pe.raan_rate_rad_s, pe.u0_rad, pe.u_rate_rad_s,
                   *sun, float(step_s), int(86400 / step_s), *outs, day)
    return outs, day


@pytest.mark.parametrize("shell", LEO, ids=[s.id for s in LEO])
def test_eclipse_fraction_matches_skyfield_is_sunlit_over_30_days(shell):
    # Skyfield's is_sunlit treats the Sun as a point: a sample is dark when the Sun's centre is
    # behind the Earth. Our penumbra-weighted fraction counts half-hidden Sun as half dark, which
    # equals the point-Sun fraction to first order (the penumbra is symmetric about the limb).
    from placement.orbits import sun_position_teme_km

    step_s, n = 60.0, 30 * 1440
    pe = plane_elements([shell], START, max_planes=1)
    sun = sun_position_teme_km(START, n, step_s)
    (ecl, umbra, *_), _ = kernel_eclipse(pe, sun, step_s, 31)
    sat = reference_satellite(shell, START, math.degrees(pe.raan0_rad[0]))
    dark = ~sat.at(time_grid(START, n, step_s)).is_sunlit(ephemeris())
    assert abs(ecl[0] - dark.mean()) <= 0.002
    assert umbra[0] <= ecl[0]


@pytest.mark.parametrize("altitude_km", [550.0, 1200.0])
@pytest.mark.parametrize("beta_deg", [0.0, 30.0, 50.0, 60.0])
def test_matches_analytic_beta_angle_formula(altitude_km, beta_deg):
    # Circular orbit, Sun fixed at angle beta from the plane (node drift off): fraction in shadow
    # f = (1/pi) arccos( sqrt(h^2 + 2 R h) / ((R + h) cos beta) ) for |beta| < asin(R / (R + h)).
    from placement.kernels.orbits import J2

    R = EARTH_SHADOW_RADIUS_KM
    a = EARTH_EQUATORIAL_RADIUS_KM + altitude_km
    # the kernel's equatorial orbit keeps the constant J2 mean-radius term of SGP4: r = a (1 - 1.5 k)
    r = a * (1 - 1.5 * J2 * (EARTH_EQUATORIAL_RADIUS_KM / a) ** 2)
    h = r - R
    beta_star = math.degrees(math.asin(R / (R + h)))
    expect = 0.0 if beta_deg >= beta_star else math.acos(math.sqrt(h * h + 2 * R * h) / ((R + h) * math.cos(math.radians(beta_deg)))) / math.pi
    n_per_orbit, orbits = 20000, 1
    period = 2 * math.pi / math.sqrt(398600.8 / a ** 3)
    step = period / n_per_orbit
    n = n_per_orbit * orbits
    au = 149597870.7
    # orbit in the x-y plane (i = 0, RAAN = 0): normal +z; Sun at latitude beta
    sun = tuple(np.full(n, au * v) for v in (math.cos(math.radians(beta_deg)), 0.0, math.sin(math.radians(beta_deg))))
    pe_like = type("PE", (), {})()
    pe_like.a_km = np.array([a])
    pe_like.inclination_rad = np.array([0.0])
    pe_like.raan0_rad = np.array([0.0])
    pe_like.raan_rate_rad_s = np.array([0.0])
    pe_like.u0_rad = np.array([0.0])
    pe_like.u_rate_rad_s = np.array([2 * math.pi / period])
    (ecl, umbra, longest, bmin, bmax), _ = kernel_eclipse(pe_like, sun, step, 2)
    assert ecl[0] == pytest.approx(expect, abs=0.003)  # the cone's penumbra vs the cylinder
    assert bmin[0] == pytest.approx(beta_deg, abs=1e-9) and bmax[0] == pytest.approx(beta_deg, abs=1e-9)


def test_shadow_function_limits():
    au = 149597870.7
    r = 7000.0
    assert sun_visible_fraction(r, 0, 0, au, 0, 0) == 1.0        # between Earth and Sun
    assert sun_visible_fraction(-r, 0, 0, au, 0, 0) == 0.0       # behind the Earth: umbra
    # crossing the shadow edge, the visible fraction rises monotonically from 0 to 1
    ys = np.linspace(6000, 6800, 400)
    nu = np.array([sun_visible_fraction(-r, y, 0, au, 0, 0) for y in ys])
    assert nu[0] == 0 and nu[-1] == 1 and np.all(np.diff(nu) >= -1e-12)
    assert ((nu > 0) & (nu < 1)).sum() > 5  # a real penumbra


@pytest.fixture(scope="module")
def year_scores():
    shells = {s.id: s for s in load_shells()}
    pick = [shells[k] for k in ("suncatcher-650-dd18", "suncatcher-650-dd06", "starlink-550-53", "geo-35786")]
    start = parse_start("test", "2026-01-01")
    return score_shells(pick, demand_points(), start=start, days=365, step_s=60.0, device="cpu")


def _eclipse_dates(scores, sid):
    i = list(scores["id"]).index(sid)
    day = scores.extra["day_eclipse_min_per_orbit"][i]
    start = dt.date(2026, 1, 1)
    return [start + dt.timedelta(days=int(d)) for d in np.flatnonzero(day > 0)], i


def test_dawn_dusk_sso_has_one_short_season(year_scores):
    s = year_scores
    dates18, i18 = _eclipse_dates(s, "suncatcher-650-dd18")
    dates06, i06 = _eclipse_dates(s, "suncatcher-650-dd06")
    june = dt.date(2026, 6, 21)
    december = dt.date(2026, 12, 21)
    # LTAN 18:00: around the June solstice; LTAN 06:00: around the December solstice
    assert dates18 and all(abs((d - june).days) < 60 for d in dates18)
    assert dates06 and all(min(abs((d - december).days), abs((d - december.replace(year=2025)).days)) < 60
                           for d in dates06)
    i53 = list(s["id"]).index("starlink-550-53")
    assert s["eclipse_season_days"][i18] < 120 and s["eclipse_season_days"][i53] == 365
    assert s["eclipse_fraction"][i18] < 0.25 * s["eclipse_fraction"][i53]
    assert s["max_eclipse_min"][i18] < 25 < s["max_eclipse_min"][i53]


def test_geo_eclipses_at_the_equinoxes_up_to_about_70_minutes(year_scores):
    dates, i = _eclipse_dates(year_scores, "geo-35786")
    equinoxes = [dt.date(2026, 3, 20), dt.date(2026, 9, 23)]
    assert all(min(abs((d - e).days) for e in equinoxes) <= 25 for d in dates)
    assert 80 <= len(dates) <= 100  # two ~45-day seasons
    # Published: the longest GEO eclipse lasts about 70-72 minutes (around the equinoxes)
    assert 68 <= year_scores["max_eclipse_min"][i] <= 73
