"""Monthly climate at a point against the CRU CL 2.0 source values (rows pasted from
``../shared/data/climate/cru-cl2-monthly-normals-at-stations.csv``, as Skyfield pastes HORIZONS)."""
import numpy as np
import pytest

from placement.ground.climate import LAPSE_RATE_C_PER_M, climate_at

# 914080-40310, BABELTHUAP/KOROR AIRPORT (Palau), PS, lat 7.367, lon 134.544, elevation 53.6 m;
# the most isolated station of the set (next station 897 km away).
# CRU CL 2.0 1961-1990 normals (New et al. 2002), the source row: mean temperature [degC],
# relative humidity [%], diurnal temperature range [degC], January..December.
KOROR = dict(lat_deg=7.367, lon_deg=134.544, elevation_m=53.6,
             t_mean_c=[27.2, 27.2, 27.4, 27.8, 27.9, 27.5, 27.3, 27.4, 27.6, 27.7, 27.8, 27.6],
             rh_pct=[84.2, 83.6, 83.7, 83.2, 85.4, 86.2, 85.3, 85.0, 83.8, 84.8, 85.1, 85.0],
             dtr_c=[6.7, 6.7, 6.8, 6.9, 6.9, 6.8, 6.5, 6.4, 6.4, 6.7, 7.0, 6.9])
# 722780-23183, PHOENIX SKY HARBOR INTL AIRPORT, US, 33.428, -112.004, 337.4 m.
PHOENIX = dict(lat_deg=33.428, lon_deg=-112.004, elevation_m=337.4,
               t_mean_c=[11.7, 14.0, 16.4, 20.6, 25.4, 30.6, 33.7, 32.6, 29.2, 23.1, 16.2, 11.8],
               rh_pct=[50.9, 44.2, 39.1, 28.4, 22.5, 19.5, 32.8, 37.0, 36.6, 37.3, 44.0, 51.9])


def test_an_isolated_station_returns_its_own_source_normals():
    # Palau: no other station within 250 km, so the point takes this station alone
    s = KOROR
    c = climate_at(s["lat_deg"], s["lon_deg"], s["elevation_m"])
    # the bundled file stores the normals as float32: agreement to 1e-5 degC
    np.testing.assert_allclose(c.t_mean_c[0], s["t_mean_c"], atol=1e-5)
    np.testing.assert_allclose(c.rh_pct[0], s["rh_pct"], atol=1e-5)
    np.testing.assert_allclose(c.dtr_c[0], s["dtr_c"], atol=1e-5)
    assert c.nearest_station_id[0] == "914080-40310" and c.nearest_station_km[0] < 0.1


def test_a_site_1000_m_above_the_station_is_6_5_k_colder():
    # ICAO standard atmosphere lapse rate, 6.5 K/km (ICAO Doc 7488, 1993); humidity kept as is
    s = KOROR
    c = climate_at(s["lat_deg"], s["lon_deg"], s["elevation_m"] + 1000.0)
    assert LAPSE_RATE_C_PER_M == 0.0065
    np.testing.assert_allclose(c.t_mean_c[0], np.array(s["t_mean_c"]) - 6.5, atol=1e-5)
    np.testing.assert_allclose(c.rh_pct[0], s["rh_pct"], atol=1e-5)


def test_a_city_with_neighbouring_stations_stays_close_to_its_airport_record():
    s = PHOENIX
    c = climate_at(s["lat_deg"], s["lon_deg"], s["elevation_m"])
    assert np.max(np.abs(c.t_mean_c[0] - s["t_mean_c"])) < 0.3
    assert np.max(np.abs(c.rh_pct[0] - s["rh_pct"])) < 2.0


def test_points_far_from_any_station_take_the_nearest_alone():
    # mid South Pacific, > 250 km from every station: the nearest one's normals, no blend
    c = climate_at(-40.0, -130.0, None)
    assert c.nearest_station_km[0] > 250
    from placement.catalogs import load_station_normals

    normals = load_station_normals()
    k = int(np.flatnonzero(normals["station_id"] == c.nearest_station_id[0])[0])
    np.testing.assert_allclose(c.t_mean_c[0], normals["t_mean_c"][k], atol=1e-5)


@pytest.mark.parametrize("lat,lon", [(90.0, 0.0), (-90.0, 0.0), (0.0, 180.0), (0.0, -180.0)])
def test_poles_and_antimeridian_give_finite_climate(lat, lon):
    c = climate_at(lat, lon, 0.0)
    assert np.all(np.isfinite(c.t_mean_c)) and np.all(np.isfinite(c.rh_pct))
