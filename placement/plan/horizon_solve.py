"""The whole-horizon program (:mod:`placement.plan.horizon_model`) solved by HiGHS as one
mixed-integer program, from a warm start: relative gap 0 and absolute gap below one USD, so a
solve that finishes is proven optimal; past the time limit, the best point found and HiGHS's
bound. The options are measured choices (:data:`MIP_PRESOLVE_MIN_COLS`, :data:`IPM_MIP_COLUMNS`;
:mod:`placement.plan.horizon`, reference [4]).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from placement.plan.highs import new_highs
from placement.plan.horizon_model import HorizonModel

#: Default time the whole-horizon solve may take before the best plan found is returned with its gap [s].
TIME_LIMIT_S = 60.0


@dataclass
class SolveResult:
    """A solved program: the point, its objective and the proven bound [USD], HiGHS's status."""
    v: np.ndarray
    objective: int
    bound: int
    status: str
    seconds: float
    improved_on_start: bool = True
    #: where the program was solved by path columns: ``budget_s -> (fall, rise, exact)``, the values
    #: of one more MW from its master (:func:`placement.plan.path_master.values_of_one_more_unit`)
    values_of: object = None

    def _replace_start(self, start, model) -> "SolveResult":
        """This result, or ``start`` where that is at least as good."""
        if model.objective_of(start) <= self.objective:
            return SolveResult(np.asarray(start, dtype=float), model.objective_of(start), self.bound, self.status,
                               self.seconds, False)
        return self


def solve_model(model: HorizonModel, start: np.ndarray | None = None, *, time_limit_s: float = TIME_LIMIT_S,
                threads: int | None = None) -> SolveResult:
    """Minimise the program with HiGHS (relative gap 0, absolute gap below one USD: the objective is
    a whole number of USD, so a solve that finishes is proven optimal), from ``start`` when given."""
    t0 = time.perf_counter()
    if model.n_cols == 0:  # nothing to decide: the constant is the optimum
        return SolveResult(np.zeros(0), model.offset, model.offset, "Optimal", 0.0, False)
    h = _highs(model, time_limit_s, threads)
    if start is not None:
        # the sparse form: with a whole HighsSolution, highspy 1.16 returns that start from
        # getSolution even where the search found better
        nz = np.flatnonzero(start)
        h.setSolution(int(nz.size), nz.astype(np.int32), np.asarray(start, dtype=float)[nz])
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if info.primal_solution_status == 0:
        if start is None:
            raise RuntimeError(f"the whole-horizon program has no solution ({status})")
        v = np.asarray(start, dtype=float)
    else:
        v = np.asarray(h.getSolution().col_value, dtype=float)
    v = np.where(model.integer, np.rint(v), v)
    objective = model.objective_of(v)
    left_s = time_limit_s - (time.perf_counter() - t0)
    if start is not None and info.primal_solution_status != 0 and left_s >= 1.0 and \
            objective > float(info.objective_function_value) + model.offset + 0.5:
        # highspy 1.16 can hand back the start itself where presolve found better: solve again without
        # it, in the time left
        return solve_model(model, None, time_limit_s=left_s, threads=threads)._replace_start(start, model)
    if start is not None and model.objective_of(start) <= objective:
        v, objective = np.asarray(start, dtype=float), model.objective_of(start)
    bound = float(info.mip_dual_bound) + model.offset
    if status == "Optimal":
        bound = objective
    elif np.isfinite(bound):
        bound = int(np.ceil(min(bound, objective) - 1e-6))
    else:  # no bound proven (stopped before the root relaxation)
        bound = -(2**62)
    return SolveResult(v, objective, int(bound), status, time.perf_counter() - t0,
                       start is None or objective < model.objective_of(start))


#: Below this many columns the mixed-integer program is solved without HiGHS's presolve. Measured
#: with HiGHS 1.16 on this project's 2-core machine (``benchmarks/bench_default_plan.py``): the
#: default scenario's yearly program (734 columns, blocks of 140,000 GPUs) spent 5.5 s at the root
#: after presolve and 0.8 s without it; the MW story's (869 columns) 0.5 s and 0.8 s; the monthly
#: programs (9,276 and 11,011 columns) need it (7.9 s with, 47.3 s without).
MIP_PRESOLVE_MIN_COLS = 2000


def _highs(model: HorizonModel, time_limit_s: float, threads: int | None, integer: bool = True):
    import highspy

    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    h.setOptionValue("time_limit", float(time_limit_s))
    if threads:
        h.setOptionValue("threads", int(threads))
    if integer and model.n_cols <= MIP_PRESOLVE_MIN_COLS:
        h.setOptionValue("presolve", "off")
    lp = highspy.HighsLp()
    n = model.n_cols
    A = model.A.tocsc()
    lp.num_col_, lp.num_row_ = n, A.shape[0]
    lp.col_cost_ = model.cost
    lp.col_lower_, lp.col_upper_ = model.lower, model.upper
    lp.row_lower_, lp.row_upper_ = model.row_lower, model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, A.shape[0]
    if integer and n > IPM_MIP_COLUMNS:
        h.setOptionValue("mip_lp_solver", "ipm")  # [4]_
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous
                           for b in model.integer]
    h.passModel(lp)
    return h


#: Columns past which HiGHS's branch and bound solves its linear programs by interior point.
IPM_MIP_COLUMNS = 20_000


__all__ = ["IPM_MIP_COLUMNS", "MIP_PRESOLVE_MIN_COLS", "SolveResult", "TIME_LIMIT_S", "solve_model"]
