"""A lower bound on the whole-horizon program from any row duals (weak duality), so a column
generation cut short by the clock still states how far its plan can be from the optimum.

For ``min c x`` subject to ``row_lower <= A x <= row_upper`` and ``lower <= x <= upper``, every
row dual ``y`` whose sign suits its row (``y_i > 0`` only where ``row_lower_i`` is finite, ``y_i < 0``
only where ``row_upper_i`` is) gives the Lagrangian bound (Geoffrion 1974; Bertsimas & Tsitsiklis
1997, sec. 4.3 and 11.4)

    L(y) = sum_i y_i * (row_lower_i if y_i > 0 else row_upper_i)
           + sum_j min(rc_j * lower_j, rc_j * upper_j),      rc = c - A^T y,

a lower bound on the linear relaxation and so on the mixed-integer optimum. At the optimal duals of
a restricted program it equals that program's optimum; the columns left out add
``upper_j * min(0, rc_j)`` each (:func:`placement.plan.horizon.price_out`), the bound of Lasdon
(1970) and Farley (1990) for column generation: where none has a negative reduced cost it is the
whole relaxation's optimum.

References: A. M. Geoffrion, "Lagrangean relaxation for integer programming", Math. Programming
Study 2 (1974) 82-114; A. A. Farley, "A note on bounding a class of linear programming problems,
including cutting stock problems", Operations Research 38 (1990) 922-923; L. S. Lasdon,
Optimization Theory for Large Systems (1970).
"""
from __future__ import annotations

import numpy as np

#: Reduced costs this close to 0 [objective units per unit] count as 0 (solver round-off).
RC_TOLERANCE = 1e-7


def lagrangian_bound(cost, lower, upper, A, row_lower, row_upper, row_dual, offset: float = 0.0) -> float:
    """``L(y) + offset`` (module docstring) for the program ``min cost @ x + offset``; ``-inf`` where a
    column with a negative reduced cost has no finite bound. A dual of the wrong sign for a one-sided
    row is taken as 0, which keeps the bound valid."""
    y = np.asarray(row_dual, dtype=float).copy()
    lo, hi = np.asarray(row_lower, dtype=float), np.asarray(row_upper, dtype=float)
    y[(y > 0) & ~np.isfinite(lo)] = 0.0
    y[(y < 0) & ~np.isfinite(hi)] = 0.0
    rows = np.where(y > 0, y * np.where(np.isfinite(lo), lo, 0.0), y * np.where(np.isfinite(hi), hi, 0.0)).sum()
    rc = np.asarray(cost, dtype=float) - A.T @ y
    rc[np.abs(rc) < RC_TOLERANCE] = 0.0
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    if np.any((rc > 0) & ~np.isfinite(lower)) or np.any((rc < 0) & ~np.isfinite(upper)):
        return float("-inf")
    cols = np.where(rc > 0, rc * np.where(np.isfinite(lower), lower, 0.0),
                    np.where(rc < 0, rc * np.where(np.isfinite(upper), upper, 0.0), 0.0)).sum()
    return float(rows + cols + offset)


def model_bound(model, row_dual) -> float:
    """:func:`lagrangian_bound` of a :class:`placement.plan.horizon_model.HorizonModel` (its offset
    included) at ``row_dual``."""
    return lagrangian_bound(model.cost, model.lower, model.upper, model.A, model.row_lower, model.row_upper,
                            row_dual, model.offset)


__all__ = ["RC_TOLERANCE", "lagrangian_bound", "model_bound"]
