"""Skyfield access: timescale, DE421 ephemeris and sun directions.

The JPL DE421 ephemeris (Folkner et al. 2008, JPL IOM 343R-08-003) comes from the
``skyfield-data`` package, so nothing is downloaded at run time; the timescale
uses Skyfield's built-in Earth-orientation tables. ``skyfield-data`` warns when
its bundled ``finals2000A.all`` is past its expiry date; we never read that file
(the built-in timescale is used), so the warning is silenced here.
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import warnings

import numpy as np

from placement.catalogs.validation import require_date
from placement.fingerprint import cached_arrays


@functools.lru_cache(maxsize=1)
def loader():
    """A Skyfield ``Loader`` on the bundled data directory, never downloading."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        from skyfield_data import get_skyfield_data_path

        path = get_skyfield_data_path()
    from skyfield.api import Loader

    return Loader(path, expire=False, verbose=False)


@functools.lru_cache(maxsize=1)
def timescale():
    """Skyfield timescale from its built-in UTC/UT1 tables."""
    return loader().timescale(builtin=True)


@functools.lru_cache(maxsize=1)
def ephemeris():
    """DE421 planetary ephemeris (bundled)."""
    return loader()("de421.bsp")


def hourly_times(year: int, step_h: float = 1.0):
    """Skyfield ``Time`` array covering the UTC calendar ``year`` at ``step_h`` [h] spacing."""

    ts = timescale()
    hours = (dt.datetime(year + 1, 1, 1) - dt.datetime(year, 1, 1)).total_seconds() / 3600.0
    n = int(round(hours / step_h))
    return ts.utc(year, 1, 1, np.arange(n) * step_h)


@functools.lru_cache(maxsize=8)
def sun_unit_vectors_itrs(year: int, step_h: float = 1.0) -> np.ndarray:
    """Unit vectors from Earth's centre to the Sun in the Earth-fixed ITRS frame,
    shape (n_times, 3), on :func:`hourly_times` (geometric position, DE421)."""


    def compute() -> dict:
        from skyfield.framelib import itrs

        eph = ephemeris()
        t = hourly_times(year, step_h)
        xyz = (eph["sun"] - eph["earth"]).at(t).frame_xyz(itrs).au  # IAU 2000A nutation: the slow part
        v = np.ascontiguousarray(xyz.T)
        v /= np.linalg.norm(v, axis=1)[:, None]
        return {"sun_xyz": v}

    key = f"{year} {float(step_h)!r} skyfield {importlib.metadata.version('skyfield')} DE421"
    v = cached_arrays("sun", key, compute)["sun_xyz"]
    v.flags.writeable = False
    return v



def parse_start(where: str, text) -> "object":
    """A UTC date 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM[:SS]' within the ephemeris -> Skyfield Time."""
    d = require_date(where, "start", text)
    return timescale().utc(d.year, d.month, d.day, d.hour, d.minute, d.second + d.microsecond / 1e6)
