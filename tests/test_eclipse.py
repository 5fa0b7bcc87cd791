"""Eclipses: the fast kernel against Skyfield's is_sunlit, the analytic beta-angle formula,
and the published seasons of dawn-dusk SSO and GEO."""
import datetime as dt
import math

import numpy as np
import pytest

from placement.kernels.eclipse import EARTH_SHADOW_RADIUS_KM, plane_eclipses, sun_visible_fraction
from placement.kernels.orbits import EARTH_EQUATORIAL_RADIUS_KM
from placement.earth.demand import demand_points
from placement.earth.ephemeris import ephemeris
from placement.orbit.shells import load_shells
from placement.earth.ephemeris import parse_start
from placement.orbit.planes import plane_elements, time_grid
from placement.orbit.elements import reference_satellite
from placement.orbit.scoring import score_shells

START = parse_start("test", "2026-03-01")
LEO = [s for s in load_shells() if s.altitude_km < 2000]


def kernel_eclipse(pe, nodes, step_s, n, n_days, node_step_s=86400.0):
    """(eclipse fraction, umbra fraction, longest [s], passes, beta min, beta max), day fractions."""
    m = pe.a_km.size
    outs = [np.empty(m) for _ in range(6)]
    day = np.zeros((m, n_days))
    plane_eclipses(pe.a_km, pe.inclination_rad, pe.raan0_rad, pe.raan_rate_rad_s, pe.u0_rad, pe.u_rate_rad_s,
                   *nodes, float(node_step_s), int(n), float(step_s), max(int(86400 / step_s), 1), *outs, day)
    return outs, day


def fixed_sun_nodes(beta_deg, span_s, node_step_s=86400.0):
    au = 149597870.7
    k = int(span_s / node_step_s) + 5
    return tuple(np.full(k, au * v) for v in (math.cos(math.radians(beta_deg)), 0.0, math.sin(math.radians(beta_deg))))


def test_interpolated_sun_is_within_1e6_rad_of_skyfield():
    # the kernel's Sun (daily Skyfield nodes, cubic interpolation) against Skyfield at every sample
    from skyfield.sgp4lib import TEME

    from placement.orbit.planes import sun_position_teme_km

    step_s, n = 977.0, 40_000  # ~452 days, off the node grid
    x, y, z = sun_position_teme_km(START, n, step_s)
    ref = (ephemeris()["sun"] - ephemeris()["earth"]).at(time_grid(START, n, step_s)).frame_xyz(TEME).km
    ours = np.vstack([x, y, z])
    cos = np.sum(ours * ref, axis=0) / (np.linalg.norm(ours, axis=0) * np.linalg.norm(ref, axis=0))
    angle = np.arccos(np.clip(cos, -1, 1))
    assert angle.max() < 1e-6
    assert np.max(np.abs(np.linalg.norm(ours, axis=0) / np.linalg.norm(ref, axis=0) - 1)) < 1e-7


@pytest.mark.parametrize("shell", LEO, ids=[s.id for s in LEO])
def test_eclipse_fraction_matches_skyfield_is_sunlit_over_30_days(shell):
    # Skyfield's is_sunlit treats the Sun as a point: a sample is dark when the Sun's centre is
    # behind the Earth. Our penumbra-weighted fraction counts half-hidden Sun as half dark, which
    # equals the point-Sun fraction to first order (the penumbra is symmetric about the limb).

    from placement.orbit.planes import sun_nodes_teme_km

    step_s, n = 60.0, 30 * 1440
    pe = plane_elements([shell], START, max_planes=1)
    (ecl, umbra, *_), _ = kernel_eclipse(pe, sun_nodes_teme_km(START, n * step_s), step_s, n, 31)
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
    # orbit in the x-y plane (i = 0, RAAN = 0): normal +z; Sun at latitude beta
    sun = fixed_sun_nodes(beta_deg, n * step)
    pe_like = type("PE", (), {})()
    pe_like.a_km = np.array([a])
    pe_like.inclination_rad = np.array([0.0])
    pe_like.raan0_rad = np.array([0.0])
    pe_like.raan_rate_rad_s = np.array([0.0])
    pe_like.u0_rad = np.array([0.0])
    pe_like.u_rate_rad_s = np.array([2 * math.pi / period])
    (ecl, umbra, longest, passes, bmin, bmax), _ = kernel_eclipse(pe_like, sun, step, n, 2)
    assert ecl[0] == pytest.approx(expect, abs=0.003)  # the cone's penumbra vs the cylinder
    assert bmin[0] == pytest.approx(beta_deg, abs=1e-9) and bmax[0] == pytest.approx(beta_deg, abs=1e-9)


@pytest.mark.parametrize("altitude_km, beta_deg", [(550.0, 0.0), (650.0, 60.0), (1200.0, 20.0), (35786.0, 5.0)])
def test_longest_pass_at_a_60_s_step_matches_the_penumbra_edge_found_by_root_finding(altitude_km, beta_deg):
    # Independent of the kernel: the satellite at argument of latitude u has some Sun hidden while
    # c(u) < a(u) + b (angles seen from the satellite: Earth centre to Sun centre, Sun's and
    # Earth's angular radii). Find the two crossings with brentq; the kernel, sampling every 60 s,
    # places entry and exit between samples and must agree within a second.
    from scipy.optimize import brentq

    from placement.kernels.eclipse import SUN_RADIUS_KM

    a = EARTH_EQUATORIAL_RADIUS_KM + altitude_km
    mu = 398600.8
    rate = math.sqrt(mu / a ** 3)
    au = 149597870.7
    s = au * np.array([math.cos(math.radians(beta_deg)), 0.0, math.sin(math.radians(beta_deg))])

    from placement.kernels.orbits import J2

    radius = a * (1 - 1.5 * J2 * (EARTH_EQUATORIAL_RADIUS_KM / a) ** 2)  # the kernel's mean radius (SGP4 J2 term)

    def margin(u):
        r = radius * np.array([math.cos(u), math.sin(u), 0.0])
        d = s - r
        c = math.acos(np.clip(-(r @ d) / (np.linalg.norm(r) * np.linalg.norm(d)), -1, 1))
        return c - (math.asin(SUN_RADIUS_KM / np.linalg.norm(d)) + math.asin(EARTH_SHADOW_RADIUS_KM / radius))

    enter = brentq(margin, math.pi / 2, math.pi)
    leave = brentq(margin, math.pi, 1.5 * math.pi)
    expect_s = (leave - enter) / rate
    pe_like = type("PE", (), {})()
    pe_like.a_km, pe_like.inclination_rad = np.array([a]), np.array([0.0])
    pe_like.raan0_rad, pe_like.raan_rate_rad_s = np.array([0.0]), np.array([0.0])
    pe_like.u0_rad, pe_like.u_rate_rad_s = np.array([0.1234]), np.array([rate])
    period = 2 * math.pi / rate
    n = int(3 * period / 60.0)
    (_, _, longest, passes, _, _), _ = kernel_eclipse(pe_like, fixed_sun_nodes(beta_deg, n * 60.0), 60.0, n, 4)
    assert longest[0] == pytest.approx(expect_s, abs=1.0)
    assert passes[0] in (3, 4)  # three orbits (a pass cut by the span's start or end counts)


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
