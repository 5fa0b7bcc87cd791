"""Rebuild ``catalogs/data/natural_earth_110m.npz``, the coastlines and borders under every map.

A maintainer script, not used at run time (the installed package carries the ``.npz``).
Source: Natural Earth 1:110m cultural vectors, admin-0 countries (public domain,
https://www.naturalearthdata.com/about/terms-of-use/), as shipped inside the geopandas 0.14.x
wheel on PyPI (``geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp``; geopandas
moved Crimea from Russia to Ukraine, otherwise it is Natural Earth's file). Run from the
repository root::

    python catalogs/build_basemap.py [geopandas-0.14.4-py3-none-any.whl | naturalearth_lowres.shp]

Without an argument it fetches the wheel with ``pip download geopandas==0.14.4 --no-deps``
(nothing is installed). The shapefile is read with the small reader below (polygons only),
so the script needs nothing beyond numpy.

Output arrays (float32 ``(n, 2)`` longitude/latitude [deg] vertices; a row of NaN ends each
polyline):

* ``coastline`` -- ring edges that belong to one country only (shores), without the cuts
  Natural Earth makes along the antimeridian and the bottom of Antarctica;
* ``borders`` -- edges two countries share, each drawn once;
* ``land`` -- the outer ring of every country polygon (for filling land);
* ``source`` -- where the data came from (one string).
"""
from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "natural_earth_110m.npz"
WHEEL = "geopandas==0.14.4"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp"
SOURCE = ("Natural Earth 1:110m cultural vectors, admin-0 countries (naturalearthdata.com, public domain); "
          "read from naturalearth_lowres.shp in the geopandas 0.14.4 wheel on PyPI "
          "(geopandas-0.14.4-py3-none-any.whl, which assigns Crimea to Ukraine) by catalogs/build_basemap.py; "
          "177 countries, {rings} rings; shp sha256 {sha}")


def read_shp_rings(data: bytes) -> list[np.ndarray]:
    """Every ring of every polygon record of an ESRI shapefile (``.shp`` bytes), as (n, 2) lon/lat."""
    code, = struct.unpack(">i", data[:4])
    shape_type, = struct.unpack("<i", data[32:36])
    if code != 9994 or shape_type not in (5, 15, 25):
        raise ValueError(f"not a polygon shapefile (file code {code}, shape type {shape_type})")
    rings, pos = [], 100
    while pos + 8 <= len(data):
        _, words = struct.unpack(">ii", data[pos:pos + 8])
        rec = data[pos + 8:pos + 8 + 2 * words]
        pos += 8 + 2 * words
        rtype, = struct.unpack("<i", rec[:4])
        if rtype == 0:  # null shape
            continue
        nparts, npoints = struct.unpack("<ii", rec[36:44])
        parts = list(struct.unpack(f"<{nparts}i", rec[44:44 + 4 * nparts])) + [npoints]
        xy = np.frombuffer(rec, "<f8", 2 * npoints, 44 + 4 * nparts).reshape(npoints, 2)
        rings += [xy[a:b].copy() for a, b in zip(parts[:-1], parts[1:])]
    return rings


def signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def _key(p) -> tuple:
    return (round(float(p[0]), 6), round(float(p[1]), 6))


def _artificial(a, b) -> bool:
    """Edges Natural Earth adds to close polygons: along the antimeridian or the bottom of the map."""
    on_meridian = abs(abs(a[0]) - 180) < 1e-6 and abs(abs(b[0]) - 180) < 1e-6
    return on_meridian or (a[1] < -89.9 and b[1] < -89.9)


def split_edges(rings: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(coastline polylines, border polylines): a ring edge used by one country is coast, by two
    a border (kept from the first ring that has it)."""
    count: dict = {}
    for r in rings:
        for a, b in zip(r[:-1], r[1:]):
            e = frozenset((_key(a), _key(b)))
            count[e] = count.get(e, 0) + 1
    coast, borders, done = [], [], set()
    for r in rings:
        run, kind = [], None
        for a, b in zip(r[:-1], r[1:]):
            e = frozenset((_key(a), _key(b)))
            if len(e) == 1:  # repeated vertex
                continue
            if _artificial(a, b) or e in done:
                k = None
            else:
                k = "coast" if count[e] == 1 else "border"
                if k == "border":
                    done.add(e)
            if k != kind or (run and not np.array_equal(run[-1], a)):
                if kind is not None and len(run) > 1:
                    (coast if kind == "coast" else borders).append(np.array(run))
                run = [a] if k is not None else []
            kind = k
            if k is not None:
                run.append(b)
        if kind is not None and len(run) > 1:
            (coast if kind == "coast" else borders).append(np.array(run))
    return coast, borders


def pack(lines: list[np.ndarray]) -> np.ndarray:
    """Polylines -> one float32 (n, 2) array, each line followed by a NaN row."""
    sep = np.full((1, 2), np.nan)
    return np.concatenate([np.concatenate([ln, sep]) for ln in lines]).astype(np.float32)


def shp_bytes(arg: str | None) -> bytes:
    if arg and arg.endswith(".shp"):
        return Path(arg).read_bytes()
    if not arg:
        tmp = tempfile.mkdtemp()
        subprocess.run([sys.executable, "-m", "pip", "download", WHEEL, "--no-deps", "-d", tmp], check=True)
        arg = str(next(Path(tmp).glob("geopandas-*.whl")))
    with zipfile.ZipFile(arg) as z:
        return z.read(MEMBER)


def build(arg: str | None = None, out: Path = OUT) -> dict:
    data = shp_bytes(arg)
    rings = read_shp_rings(data)
    # shapefile outer rings run clockwise (negative shoelace area); holes run counter-clockwise
    outer = [r for r in rings if signed_area(r) < 0]
    coast, borders = split_edges(rings)
    arrays = {
        "coastline": pack(coast),
        "borders": pack(borders),
        "land": pack(outer),
        "source": np.array([SOURCE.format(rings=len(rings), sha=hashlib.sha256(data).hexdigest())]),
    }
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    out.write_bytes(buf.getvalue())
    print(f"{out}: {len(buf.getvalue()):,} bytes; {len(rings)} rings ({len(outer)} outer), "
          f"{len(coast)} coastline and {len(borders)} border polylines, "
          f"{sum(len(a) for a in arrays.values() if a.dtype == np.float32):,} rows")
    return arrays


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else None)
