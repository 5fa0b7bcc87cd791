"""Coastlines and country borders under the world maps (Natural Earth 1:110m, public domain).

The outline ships as ``catalogs/data/natural_earth_110m.npz`` (rebuilt by
``catalogs/build_basemap.py``): float32 longitude/latitude [deg] polylines, a NaN row after
each, for the coastline, the borders and the land (outer rings, for a fill).
"""
from __future__ import annotations

import functools

import numpy as np

from placement.catalogs import DATA_DIR

SEA = "#eaf1f7"
LAND = "#fbfbf8"
COAST = "0.55"
BORDER = "0.72"


@functools.lru_cache(maxsize=1)
def load_basemap() -> dict:
    """The outline arrays: ``coastline``, ``borders``, ``land`` ((n, 2) float32 lon/lat [deg],
    NaN rows between polylines) and ``source`` (str). Read once per process; do not modify."""

    with np.load(DATA_DIR / "natural_earth_110m.npz") as z:
        out = {k: z[k] for k in ("coastline", "borders", "land")}
        out["source"] = str(z["source"][0])
    for a in out.values():
        if isinstance(a, np.ndarray):
            a.flags.writeable = False
    return out


def polylines(xy: np.ndarray) -> list[np.ndarray]:
    """Split a NaN-separated (n, 2) vertex array into its polylines."""
    breaks = np.flatnonzero(np.isnan(xy[:, 0]))
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [len(xy)]])
    return [xy[a:b] for a, b in zip(starts, ends) if b - a > 1]


def draw_basemap(ax, *, fill: bool = True, sea: str | None = SEA, land: str = LAND, coast: str = COAST,
                 border: str = BORDER, linewidth: float = 0.6, zorder: float = 0.5,
                 line_zorder: float | None = None) -> list:
    """Draw land (light fill), coastlines and country borders on a lon/lat axes.

    ``sea`` colours the axes background (None leaves it); ``zorder`` puts the fill (and, unless
    ``line_zorder`` is given, the lines) under the data. Returns the artists added (the
    PolyCollection, then the border and coastline Line2D); the axes limits are not changed.
    """
    from matplotlib.collections import PolyCollection

    data = load_basemap()
    artists = []
    if sea is not None:
        ax.set_facecolor(sea)
    if fill:
        polys = PolyCollection(polylines(data["land"]), facecolors=land, edgecolors="none", zorder=zorder)
        artists.append(ax.add_collection(polys, autolim=False))
    lz = zorder + 0.1 if line_zorder is None else line_zorder
    b = data["borders"]
    c = data["coastline"]
    artists += ax.plot(b[:, 0], b[:, 1], color=border, linewidth=0.6 * linewidth, zorder=lz, scalex=False,
                       scaley=False, label="_borders")
    artists += ax.plot(c[:, 0], c[:, 1], color=coast, linewidth=linewidth, zorder=lz, scalex=False,
                       scaley=False, label="_coastline")
    return artists
