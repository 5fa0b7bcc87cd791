"""Monthly climate at any point from the bundled CRU CL 2.0 station normals.

Each point takes the inverse-distance-weighted normals of its nearest stations
(default 3, within 250 km; the nearest alone if none is that close), with the
temperature moved to the point's elevation at the standard-atmosphere lapse rate
of 6.5 K/km (ICAO Doc 7488, 1993). Relative humidity and diurnal range are taken
as they are. Source data: New, Lister, Hulme & Makin (2002), Climate Research
21:1-25, 1961-1990 normals sampled at NOAA GSOD stations.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from placement.catalogs import load_station_normals
from placement.earth.great_circles import arc_km, unit_vectors

LAPSE_RATE_C_PER_M = 0.0065


@dataclass(frozen=True)
class MonthlyClimate:
    """Monthly normals at points: arrays of shape (n, 12); station ids and distances [km] of the nearest."""
    t_mean_c: np.ndarray
    rh_pct: np.ndarray
    dtr_c: np.ndarray
    nearest_station_id: np.ndarray
    nearest_station_km: np.ndarray


@functools.lru_cache(maxsize=1)
def _stations():
    from scipy.spatial import cKDTree


    s = load_station_normals()

    return s, cKDTree(unit_vectors(s["lat_deg"], s["lon_deg"]))


def climate_at(lat_deg, lon_deg, elevation_m=None, *, k: int = 3, max_km: float = 250.0) -> MonthlyClimate:
    """Monthly climate at points (degrees, metres) from the nearest stations.

    ``elevation_m=None`` (no elevation known, e.g. grid cells without a DEM) takes the
    stations' temperatures as they are, i.e. at the weighted stations' elevation."""

    s, tree = _stations()
    lat = np.atleast_1d(np.asarray(lat_deg, float))
    lon = np.atleast_1d(np.asarray(lon_deg, float))
    chord, idx = tree.query(unit_vectors(lat, lon), k=k)
    dist_km = arc_km(chord)
    w = 1.0 / np.maximum(dist_km, 1.0) ** 2
    w[dist_km > max_km] = 0.0
    w[:, 0] = np.where(w.sum(axis=1) == 0, 1.0, w[:, 0])  # none close: nearest alone
    w /= w.sum(axis=1, keepdims=True)

    def blend(a):
        return np.einsum("nk,nkm->nm", w, a[idx].astype(float))

    station_t = s["t_mean_c"][idx].astype(float)
    if elevation_m is not None:
        elev = np.broadcast_to(np.asarray(elevation_m, float), lat.shape)
        station_t = station_t + LAPSE_RATE_C_PER_M * (s["elevation_m"][idx][..., None] - elev[:, None, None])
    return MonthlyClimate(
        t_mean_c=np.einsum("nk,nkm->nm", w, station_t),
        rh_pct=blend(s["rh_pct"]),
        dtr_c=blend(s["dtr_c"]),
        nearest_station_id=s["station_id"][idx[:, 0]],
        nearest_station_km=dist_km[:, 0],
    )
