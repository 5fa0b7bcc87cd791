"""Terrain elevation of any point from pvlib's bundled coarse altitude grid.

pvlib ships ``data/Altitude.h5``: a 2160 x 4320 grid (1/12 degree) of altitudes encoded in
28 m steps from -450 m (255 = no data, read as 0 m), aggregated by Mapzen from SRTM,
GMTED2010, ETOPO1 and national DEMs (pvlib.location.lookup_altitude; errors of 100 m or
more where the terrain is rough). This reads the grid once and looks up many points at a
time with the same cell indexing as ``pvlib.location.lookup_altitude`` (checked against it
in the tests), so a global scan's cells get an elevation for the climate lapse-rate
correction. The file is located without importing pvlib (which would import pandas).
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np

ROWS, COLUMNS = 2160, 4320


@functools.lru_cache(maxsize=1)
def _altitude_grid() -> np.ndarray:
    import h5py

    spec = importlib.util.find_spec("pvlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pvlib is not installed (it is a dependency of placement)")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "Altitude.h5"
    with h5py.File(path, "r") as f:
        return np.asarray(f["Altitude"][...])


def _index(degrees: np.ndarray, lowest: float, highest: float, n: int) -> np.ndarray:
    scale = n / (highest - lowest)
    centre = lowest + 1.0 / scale / 2.0
    return np.clip(np.around((degrees - centre) * scale), 0, n - 1).astype(np.int64)


def terrain_elevation_m(lat_deg, lon_deg) -> np.ndarray:
    """Terrain altitude [m] at points [deg] (arrays broadcast together); 0 m where the grid has no data."""
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    grid = _altitude_grid()
    code = grid[_index(lat, 90.0, -90.0, ROWS), _index(lon, -180.0, 180.0, COLUMNS)]
    return np.where(code == 255, 0.0, code.astype(float) * 28.0 - 450.0)
