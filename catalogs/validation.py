"""Input errors that name the file, the field and the value."""
from __future__ import annotations


class InputError(ValueError):
    """Bad input: one line naming where (file, row or table, field) and the value.

    The CLI prints ``str(error)`` alone and exits with status 2.
    """

    def __init__(self, where: str, field: str | None, value, problem: str):
        self.where = str(where)
        self.field = field
        self.value = value
        self.problem = problem
        location = self.where + (f": {field}" if field else "")
        shown = "" if value is None else f" = {value!r}"
        super().__init__(f"{location}{shown}: {problem}")


def require_number(where, field, raw, *, low=None, high=None, positive=False, integer=False):
    """Parse ``raw`` as a finite float (or a whole number with ``integer``) and check its bounds;
    raise :class:`InputError` otherwise. Booleans are not numbers; a fractional value where a
    whole number is needed is refused rather than silently truncated."""
    if isinstance(raw, bool):
        raise InputError(where, field, raw, "not a number (true/false)")
    try:
        value = float(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError, AttributeError):
        raise InputError(where, field, raw, "not a number") from None
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


def require_array(where, field, values, *, low=None, high=None, positive=False):
    """``values`` as a float numpy array, every element finite and within its bounds; otherwise an
    :class:`InputError` naming the first offending element."""
    import numpy as np

    try:
        a = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(where, field, values if np.ndim(values) == 0 else None, "not numbers") from None
    bad = ~np.isfinite(a)
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
