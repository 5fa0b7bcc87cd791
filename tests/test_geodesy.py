"""Great-circle distance against published values."""
import math

import numpy as np

from placement.kernels.geodesy import EARTH_MEAN_RADIUS_KM, great_circle_km, great_circle_km_pairs


def test_lax_jfk_matches_aviation_formulary():
    # Ed Williams, "Aviation Formulary" v1.47, worked example: LAX (33deg57'N, 118deg24'W) to
    # JFK (40deg38'N, 73deg47'W): d = 0.623585 rad (= 2144 nm on the 1-arcminute sphere).
    lax = (33 + 57 / 60, -(118 + 24 / 60))
    jfk = (40 + 38 / 60, -(73 + 47 / 60))
    d_rad = great_circle_km(*lax, *jfk) / EARTH_MEAN_RADIUS_KM
    assert abs(d_rad - 0.623585) < 2e-6


def test_quarter_meridian_and_antipode():
    # Pole to equator is a quarter of the circumference; antipodes are half of it.
    assert math.isclose(great_circle_km(90, 0, 0, 123), math.pi / 2 * EARTH_MEAN_RADIUS_KM, rel_tol=1e-12)
    assert math.isclose(great_circle_km(10, 20, -10, -160), math.pi * EARTH_MEAN_RADIUS_KM, rel_tol=1e-7)


def test_antimeridian_is_short_way_round():
    # 1 deg of longitude on the equator across +-180 is ~111.2 km, not 359 deg.
    assert abs(great_circle_km(0, 179.5, 0, -179.5) - math.radians(1) * EARTH_MEAN_RADIUS_KM) < 1e-6


def test_pairs_kernel_equals_scalar():
    rng = np.random.default_rng(1)
    lat1, lat2 = rng.uniform(-90, 90, (2, 500))
    lon1, lon2 = rng.uniform(-180, 180, (2, 500))
    out = np.empty(500)
    great_circle_km_pairs(lat1, lon1, lat2, lon2, out)
    expect = [great_circle_km(a, b, c, d) for a, b, c, d in zip(lat1, lon1, lat2, lon2)]
    np.testing.assert_allclose(out, expect, rtol=1e-12)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

lats = st.floats(-90, 90)
lons = st.floats(-180, 180)


@settings(max_examples=200, deadline=None)
@given(lats, lons, lats, lons, lats, lons)
def test_metric_properties(a1, o1, a2, o2, a3, o3):
    d12 = great_circle_km(a1, o1, a2, o2)
    assert math.isclose(d12, great_circle_km(a2, o2, a1, o1), rel_tol=1e-12, abs_tol=1e-9)
    assert 0 <= d12 <= math.pi * EARTH_MEAN_RADIUS_KM + 1e-6
    assert d12 <= great_circle_km(a1, o1, a3, o3) + great_circle_km(a3, o3, a2, o2) + 1e-6
