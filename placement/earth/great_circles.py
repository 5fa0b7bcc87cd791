"""Points on the mean Earth sphere as numpy arrays: unit vectors, great-circle distance (the
broadcasting form of :func:`placement.kernels.geodesy.great_circle_km`, same radius), arc length of
a chord, points along an arc, and whether a point is land (the bundled 1 km land mask of
``global_land_mask``, from GLOBE)."""
from __future__ import annotations

import numpy as np

from placement.kernels.geodesy import EARTH_MEAN_RADIUS_KM as EARTH_RADIUS_KM


def unit_vectors(lat_deg, lon_deg) -> np.ndarray:
    """Unit vectors (x, y, z) [-] on the last axis of points at ``lat_deg``, ``lon_deg`` [deg]."""
    phi, lam = np.radians(np.asarray(lat_deg, float)), np.radians(np.asarray(lon_deg, float))
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)


def great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg) -> np.ndarray:
    """Great-circle distance [km] on the mean Earth sphere (atan2 form, accurate at antipodes)."""
    a, b = unit_vectors(lat1_deg, lon1_deg), unit_vectors(lat2_deg, lon2_deg)
    cross = np.linalg.norm(np.cross(a, b), axis=-1)
    return EARTH_RADIUS_KM * np.arctan2(cross, np.sum(a * b, axis=-1))


def arc_km(chord):
    """Great-circle distance [km] between points whose unit vectors are ``chord`` [-] apart
    (KD-tree query distances on :func:`unit_vectors`)."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord, float) / 2.0, 0.0, 1.0))


def is_land(lat_deg, lon_deg) -> np.ndarray:
    """Whether each point [deg] is land per the bundled land mask (bool array)."""
    from global_land_mask import globe

    lat = np.clip(np.asarray(lat_deg, float), -89.999, 89.999)
    lon = (np.asarray(lon_deg, float) + 180.0) % 360.0 - 180.0
    lon = np.clip(lon, -179.999, 179.999)
    return globe.is_land(lat, lon)


def points_along(lat1, lon1, lat2, lon2, n: int):
    """``n`` points strictly inside each great-circle arc (slerp), as (lat, lon) arrays [deg]."""
    a, b = unit_vectors(lat1, lon1), unit_vectors(lat2, lon2)
    omega = np.arctan2(np.linalg.norm(np.cross(a, b), axis=-1), np.sum(a * b, axis=-1))[..., None]
    t = (np.arange(1, n + 1) / (n + 1))[None, :]
    sin_omega = np.where(np.sin(omega) == 0, 1.0, np.sin(omega))
    wa = np.where(np.sin(omega) == 0, 1 - t, np.sin((1 - t) * omega) / sin_omega)
    wb = np.where(np.sin(omega) == 0, t, np.sin(t * omega) / sin_omega)
    p = wa[..., None] * a[:, None, :] + wb[..., None] * b[:, None, :]
    p /= np.linalg.norm(p, axis=-1, keepdims=True)
    return np.degrees(np.arcsin(np.clip(p[..., 2], -1, 1))), np.degrees(np.arctan2(p[..., 1], p[..., 0]))
