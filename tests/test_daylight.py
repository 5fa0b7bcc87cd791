"""Dark time at ground sites against Skyfield computed directly."""
import numpy as np
import pytest
from skyfield.api import wgs84

from placement.kernels.daylight import dark_time, sun_elevation_deg
from placement.earth.ephemeris import ephemeris, hourly_times, sun_unit_vectors_itrs

YEAR = 2025
THRESHOLD = -0.833


def skyfield_elevations_deg(lat, lon, t):
    eph = ephemeris()
    observer = eph["earth"] + wgs84.latlon(lat, lon)
    alt, _, _ = observer.at(t).observe(eph["sun"]).apparent().altaz()
    return alt.degrees


def longest_run(mask):
    # circular longest run of True, the reference for the kernel
    if mask.all():
        return mask.size
    k = int(np.argmin(mask))  # a False sample
    rolled = np.roll(mask, -k)
    best = run = 0
    for m in rolled:
        run = run + 1 if m else 0
        best = max(best, run)
    return best


def kernel(lat, lon):
    sun = sun_unit_vectors_itrs(YEAR, 1.0)
    frac, longest = np.empty(1), np.empty(1)
    dark_time(np.array([lat]), np.array([lon]), sun, 1.0, THRESHOLD, frac, longest)
    return frac[0], longest[0]


@pytest.mark.parametrize("lat,lon", [(35.06, -90.156), (65.584, 22.154), (-33.8, 150.9), (1.35, 103.82)])
def test_sun_elevation_matches_skyfield(lat, lon):
    t = hourly_times(YEAR)[::97]  # ~90 samples spread over the year
    sun = sun_unit_vectors_itrs(YEAR, 1.0)[::97]
    mine = np.array([sun_elevation_deg(lat, lon, *s) for s in sun])
    ref = skyfield_elevations_deg(lat, lon, t)
    assert np.max(np.abs(mine - ref)) < 0.02  # degrees; aberration + parallax are < 0.01


@pytest.mark.parametrize("lat,lon", [(35.06, -90.156), (68.44, 17.43), (-37.81, 144.96)])
def test_dark_fraction_and_longest_stretch_match_skyfield(lat, lon):
    ref_dark = skyfield_elevations_deg(lat, lon, hourly_times(YEAR)) < THRESHOLD
    frac, longest = kernel(lat, lon)
    assert abs(frac - ref_dark.mean()) < 3 / ref_dark.size  # at most a few samples at the horizon differ
    assert abs(longest - longest_run(ref_dark)) <= 1


def test_polar_night_lasts_weeks_above_70_north():
    # Longyearbyen (78.22 N): polar night from late October to mid-February.
    frac, longest = kernel(78.22, 15.65)
    assert longest > 14 * 24
    assert 2000 < longest < 3000


def test_equator_nights_are_about_twelve_hours():
    frac, longest = kernel(0.0, 30.0)
    assert 11 <= longest <= 12.5
    assert 0.47 < frac < 0.5  # refraction + semi-diameter shorten the night a little


def test_midnight_sun_site_is_lit_more_than_half_the_year():
    frac, _ = kernel(78.22, 15.65)
    assert frac < 0.5
