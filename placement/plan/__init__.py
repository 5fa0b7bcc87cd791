"""Who gets which capacity, now and over the years: contracts, a min-cost flow per period, margins
and the value of one more MW.

One module per concept: :mod:`~placement.plan.contracts` (tenants, capacity over time, the
horizon), :mod:`~placement.plan.contract_checks` (the rules they meet, from files and from
Python), :mod:`~placement.plan.model` (problem and plan), :mod:`~placement.plan.build` (from a
scenario to the problem), :mod:`~placement.plan.network` (the flow network and its NetworkX
graph), :mod:`~placement.plan.solve` (min-cost flow, exact discrete placement,
potentials), :mod:`~placement.plan.values` (the value of one more MW, in objective and in money),
:mod:`~placement.plan.explain` (plans people read), :mod:`~placement.plan.assign` (the
single-period assignment), :mod:`~placement.plan.periods` (the calendar),
:mod:`~placement.plan.money` (margin items, cash beside the solver's weights),
:mod:`~placement.plan.over_time` (the plan over periods, layer by layer),
:mod:`~placement.plan.multi_period` (the solved plan, its margins and capacity values),
:mod:`~placement.plan.horizon_model` and :mod:`~placement.plan.horizon` (the whole-horizon program
and how it is solved), :mod:`~placement.plan.horizon_solve` (its solve by HiGHS),
:mod:`~placement.plan.horizon_assembly` (the plan read from a solved program),
:mod:`~placement.plan.horizon_pricing` (its solve on a priced subset of arcs, and
Lagrangian bounds), :mod:`~placement.plan.horizon_paths` and :mod:`~placement.plan.path_master`
(where every demand is splittable: whole paths as columns, and the column generation), :mod:`~placement.plan.highs` (the HiGHS handle), :mod:`~placement.plan.gpus` (GPU
fleets: pools by generation, spares, price per GPU-hour, depreciation),
:mod:`~placement.plan.gpu_checks` (the rules of GPU fields) and :mod:`~placement.plan.quote` (the
break-even price of a new tenant).
"""

from __future__ import annotations

import sys as _sys
import types as _types

__all__ = ["plan", "plan_by", "build_plan_graph", "MultiPeriodPlan", "METHODS"]


#: How a plan is solved: the whole horizon at once (the default) or period by period.
METHODS = ("horizon", "rolling")


def plan(scenario, *, site_scores=None, shell_scores=None, device: str = "auto", allow_large: bool = False,
         method: str = "horizon", time_limit_s: float | None = None):
    """Plan the scenario's tenants onto its capacity over the planning horizon, for margin.

    ``method = "horizon"`` (default, :mod:`placement.plan.horizon`): one mixed-integer program over
    every period at once, solved to proven optimality by HiGHS from the rolling plan as a warm start
    (within ``time_limit_s``, default 60 s; past it the best plan found and its gap): contracts with
    their prices, terms, notice and class; capacity with its online date, ramp and retirement;
    migration, expulsions, exclusive leases and blocks; and the build decisions of candidate
    campuses (``builds``). ``method = "rolling"`` (:mod:`placement.plan.over_time`): one
    min-cost-flow layer per period, each from the placement the period before left (no foresight;
    for plans too large to solve whole).

    Parameters
    ----------
    scenario : Scenario
        With ``[[capacity]]``, ``[[tenant]]`` and optionally ``[planning]`` (default 2026-2035, yearly).
    site_scores : SiteScores, optional
        Scores of the capacity's sites (computed when not given).
    shell_scores : ShellScores, optional
        Scores of the capacity's shells (computed when not given).
    device : {'auto', 'cpu', 'cuda'}
        Where the scoring kernels run when scores are computed (``auto``: a GPU if Numba sees one).
    allow_large : bool
        Plan it even past :data:`placement.bounds.WORK_LIMITS` (tenants; demand nodes x capacities x
        periods); otherwise such a plan raises :class:`InputError` before any work.
    method : {'horizon', 'rolling'}
        The whole horizon at once, or period by period.
    time_limit_s : float, optional
        Seconds the whole-horizon solve may take (1 to 86,400; default 60).

    Returns
    -------
    MultiPeriodPlan
        (``method = "horizon"``: a :class:`~placement.plan.horizon.HorizonPlan`, with ``builds``,
        ``method``, ``bound`` and ``gap_usd``.)
        ``objective`` [USD, the graph's integer units, non-cash penalties included; negative is
        profit], ``margin_usd`` [USD] (revenue minus energy, capital, carbon, water, delay, IT
        capex, migration, eviction fees and SLA credits; the sum of the periods' margins),
        ``capacity_value`` {capacity node of :func:`build_plan_graph`: rise of that period's margin
        [USD per MW-month] for one more MW}, ``capacity_objective_value`` {the same nodes: objective
        fall [USD per MW over the period]}, ``rows`` (tenant, capacity, period, MW, revenue and cost
        [USD]), ``to_dict()``.

    Raises
    ------
    InputError
        Checked first, before any work: ``scenario`` not a Scenario, or tenants, capacity,
        ``[planning]`` and parameters (Python-built ones included: ``mw = -5``, a NaN price,
        ``kind = "moon"``) that the scenario loader would refuse, each named as
        ``plan: scenario.tenants[2].mw``; scores of the wrong kind, an unknown ``device``,
        ``allow_large`` not true/false; a plan past the work limits. Then: no capacity, an
        unknown residency region or capacity id.

    References
    ----------
    .. [1] Ahuja, R., Magnanti, T. & Orlin, J. (1993). Network Flows, ch. 9-11 and 19 (time-expanded
       networks; linear-programming duals as the value of capacity).
    """
    from placement.plan.assign import check_plan_arguments

    scenario, _, _ = check_plan_arguments("plan", scenario, site_scores=site_scores, shell_scores=shell_scores,
                                          device=device, allow_large=allow_large)
    return plan_by(method, scenario, site_scores=site_scores, shell_scores=shell_scores, device=device,
                   allow_large=allow_large, time_limit_s=time_limit_s, where="plan")


def plan_by(method: str, scenario, *, site_scores=None, shell_scores=None, device: str = "auto",
            allow_large: bool = False, time_limit_s: float | None = None, where: str = "plan", **kwargs):
    """The plan of a checked scenario by ``method`` (:data:`METHODS`); ``kwargs`` go to the solver
    (``extra_tenants``)."""
    from placement.catalogs.validation import require_choice, require_number

    require_choice(where, "method", method, METHODS)
    if time_limit_s is not None:
        time_limit_s = require_number(where, "time_limit_s", time_limit_s, low=1, high=86_400)
    with _older_objects_frozen():
        if method == "rolling":
            from placement.plan.over_time import plan_over_time

            return plan_over_time(scenario, site_scores=site_scores, shell_scores=shell_scores, device=device,
                                  allow_large=allow_large, **kwargs)
        from placement.plan.horizon import TIME_LIMIT_S, plan_whole_horizon

        return plan_whole_horizon(scenario, site_scores=site_scores, shell_scores=shell_scores, device=device,
                                  allow_large=allow_large, time_limit_s=time_limit_s or TIME_LIMIT_S, **kwargs)


class _older_objects_frozen:
    """While a plan runs, the objects made before it (Numba's, Skyfield's, the catalogs': about
    130,000) sit in the garbage collector's permanent generation (:func:`gc.freeze`), so its full
    collections walk only what the plan makes; they return to the oldest generation after
    (:func:`gc.unfreeze`). A full collection over the whole heap took 60-80 ms of a 0.35 s rolling
    plan at 15 x 60 x 500 when it fell inside it (``benchmarks/bench_plan.py``)."""

    def __enter__(self):
        import gc

        gc.freeze()

    def __exit__(self, *exc):
        import gc

        gc.unfreeze()
        return False


def build_plan_graph(scenario, *, site_scores=None, shell_scores=None, device: str = "auto",
                     allow_large: bool = False):
    """The plan's layers as one graph: one assignment layer per period, as the rolling plan solves
    them.

    Each layer's nodes are named ``(period label, *node)``. The layers share no arc: the plan is
    solved period by period, and a layer's keep arcs (load staying where it ran, the alternative
    paying migration) start from the placement the period before left, which is solved first to
    build them. So the graph's min-cost flow is the sum of the layers' optima, the rolling plan's
    objective, not an optimum over the whole horizon.

    Parameters
    ----------
    scenario : Scenario
        As for :func:`plan`.
    site_scores : SiteScores, optional
        Scores of the capacity's sites (computed when not given).
    shell_scores : ShellScores, optional
        Scores of the capacity's shells (computed when not given).
    device : {'auto', 'cpu', 'cuda'}
        Where the scoring kernels run when scores are computed (``auto``: a GPU if Numba sees one).
    allow_large : bool
        As for :func:`plan`.

    Returns
    -------
    networkx.DiGraph
        Node attribute ``demand`` [MW, integer]; edge attributes ``capacity`` [MW] and ``weight``
        [USD per MW over the period, integer; revenue enters as a negative weight], as
        :func:`placement.build_graph`; its min-cost flow equals ``plan(scenario).objective``.

    Raises
    ------
    InputError
        As :func:`plan` (the messages start ``build_plan_graph:``).

    References
    ----------
    .. [1] NetworkX ``network_simplex`` (node ``demand``, edge ``capacity`` and ``weight``).
    """
    from placement.plan.assign import check_plan_arguments
    from placement.plan.over_time import layered_graph, plan_over_time

    scenario, _, _ = check_plan_arguments("build_plan_graph", scenario, site_scores=site_scores,
                                          shell_scores=shell_scores, device=device, allow_large=allow_large)
    return layered_graph(plan_over_time(scenario, site_scores=site_scores, shell_scores=shell_scores,
                                        device=device, allow_large=allow_large))


class _PlanModule(_types.ModuleType):
    """``placement.plan`` is both this subpackage and the public function :func:`plan`: calling the
    module plans (``placement.plan(scenario)``), whichever of the two an import left in place."""

    def __call__(self, scenario, **kwargs):
        return plan(scenario, **kwargs)


_sys.modules[__name__].__class__ = _PlanModule


def __getattr__(name):
    if name == "MultiPeriodPlan":
        from placement.plan.over_time import MultiPeriodPlan

        return MultiPeriodPlan
    if name == "quote":  # the submodule, so ``placement.plan.quote.quote`` works without importing it first
        import importlib

        return importlib.import_module("placement.plan.quote")
    raise AttributeError(f"module 'placement.plan' has no attribute {name!r}")
