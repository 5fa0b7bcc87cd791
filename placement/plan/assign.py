"""Who gets which capacity now: the single-period assignment as a min-cost flow.

Graph (:func:`build_graph`)::

    source --(tenant MW)--> tenant --(allowed arcs)--> capacity --(capacity MW)--> sink
                              \\--------------(priced "unserved" arc)-------------/

Node attribute ``demand`` (integer MW: ``-total`` at the source, ``+total`` at the sink),
edge attributes ``capacity`` (MW) and ``weight`` (integer cost: US cents per MWh of IT, so a
flow's cost is in cents per hour). Rules and weights: :mod:`placement.plan.build`; solving,
exact discrete placement and its guarantee: :mod:`placement.plan.solve`.
"""
from __future__ import annotations

from placement.catalogs.validation import InputError, require_bool, require_choice, require_ids
from placement.plan.build import build_problem
from placement.plan.explain import make_plan, replan_changes
from placement.plan.model import Plan
from placement.plan.network import flow_network, to_networkx
from placement.plan.solve import solve


def check_plan_arguments(where: str, scenario, *, site_scores=None, shell_scores=None, device="auto",
                         allow_large=False, failed=(), evicted=(), previous=None):
    """The arguments of the planning API (:func:`assign`, :func:`build_graph`, :func:`placement.plan`,
    :func:`placement.build_plan_graph`, :func:`placement.plan.quote.quote`, :func:`placement.run`)
    checked once at its entry, with the loader's rules for the scenario's content
    (:func:`placement.scenario.check_scenario`); errors are :class:`InputError` naming ``where``
    (the function) and the argument (``scenario.tenants[2].mw``, ``device``, ``failed``).

    Returns
    -------
    tuple
        The scenario (normalised as the loader gives it), ``failed`` and ``evicted`` as tuples.
    """
    from placement.device import DEVICES
    from placement.ground.sites import SiteScores
    from placement.orbit.scoring import ShellScores
    from placement.scenario import check_scenario

    require_choice(where, "device", device, DEVICES)
    require_bool(where, "allow_large", allow_large)
    for name, value, cls in (("site_scores", site_scores, SiteScores), ("shell_scores", shell_scores, ShellScores),
                             ("previous", previous, Plan)):
        if value is not None and not isinstance(value, cls):
            raise InputError(where, name, None, f"must be {cls.__name__} or None, not {type(value).__name__}")
    failed = require_ids(where, "failed", failed, "capacity ids")
    evicted = require_ids(where, "evicted", evicted, "tenant ids")
    return check_scenario(where, scenario), failed, evicted


def build_graph(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None,
                device: str = "auto", allow_large: bool = False):
    """The assignment graph of a scenario: source -> tenant -> capacity -> sink (module docstring).

    Parameters
    ----------
    scenario : Scenario
        With ``[[capacity]]`` and ``[[tenant]]`` entries.
    site_scores : SiteScores, optional
        Scores of the capacity's sites (computed when not given).
    shell_scores : ShellScores, optional
        Scores of the capacity's shells (computed when not given).
    failed : sequence of str
        Capacity ids out of service.
    evicted : sequence of str
        Tenant ids removed.
    previous : Plan, optional
        A plan whose load stays put at no extra cost (moving it pays migration).
    device : {'auto', 'cpu', 'cuda'}
        Where the scoring kernels run when scores are computed (``auto``: a GPU if Numba sees one).
    allow_large : bool
        Build it even past :data:`placement.bounds.WORK_LIMITS` (otherwise :class:`InputError`).

    Returns
    -------
    networkx.DiGraph
        Tuple-named nodes (``("tenant", key)``, ``("capacity", id)``, ...); node attribute ``demand``
        [MW, integer]; edge attributes ``capacity`` [MW] and ``weight`` [US cents per MWh of IT,
        integer], so a flow's cost is in cents per hour.

    Raises
    ------
    InputError
        Checked first, before any work: ``scenario`` not a Scenario, or tenants, capacity and
        parameters (Python-built ones included) that the scenario loader would refuse
        (:func:`placement.scenario.check_scenario`); scores, ``previous`` or ``device`` of the wrong
        kind; ``failed``/``evicted`` not lists of ids; ``allow_large`` not true/false; a plan past
        the work limits. Then: no capacity, an unknown failed/evicted id or an unknown residency
        region. A tenant whose rules admit no capacity at all is not an error: it is left unserved
        with the reason, as :func:`placement.plan` reports it.

    References
    ----------
    .. [1] Ahuja, R., Magnanti, T. & Orlin, J. (1993). Network Flows, ch. 9-11 (min-cost flow).
    .. [2] NetworkX ``network_simplex`` (node ``demand``, edge ``capacity`` and ``weight``).
    """
    scenario, failed, evicted = check_plan_arguments(
        "build_graph", scenario, site_scores=site_scores, shell_scores=shell_scores, device=device,
        allow_large=allow_large, failed=failed, evicted=evicted, previous=previous)
    problem = build_problem(scenario, site_scores=site_scores, shell_scores=shell_scores, failed=failed,
                            evicted=evicted, previous=previous, device=device, allow_large=allow_large)
    return to_networkx(flow_network(problem), problem)


def assign(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None,
           device: str = "auto", allow_large: bool = False):
    """Assign the scenario's tenants to its capacity (min-cost flow; see the module docstring).

    ``failed`` capacity ids and ``evicted`` tenant ids re-plan from ``previous``: load that stays
    where it was costs nothing extra, load that moves pays the scenario's migration price.

    Parameters
    ----------
    scenario : Scenario
        With ``[[capacity]]`` and ``[[tenant]]`` entries.
    site_scores : SiteScores, optional
        Scores of the capacity's sites (computed when not given).
    shell_scores : ShellScores, optional
        Scores of the capacity's shells (computed when not given).
    failed : sequence of str
        Capacity ids out of service.
    evicted : sequence of str
        Tenant ids removed.
    previous : Plan, optional
        The plan being re-planned.
    device : {'auto', 'cpu', 'cuda'}
        Where the scoring kernels run when scores are computed (``auto``: a GPU if Numba sees one).
    allow_large : bool
        Solve it even past :data:`placement.bounds.WORK_LIMITS` (otherwise :class:`InputError`).

    Returns
    -------
    Plan
        ``objective_cents_per_h`` [US cents/h] over :func:`build_graph`, ``total_cost_usd_per_h``
        [USD/h], MW per tenant and capacity, unserved MW with reasons, utilisation [MW].

    Raises
    ------
    InputError
        As :func:`build_graph`.

    References
    ----------
    .. [1] NetworkX ``network_simplex`` and OR-Tools ``SimpleMinCostFlow``; exclusive leases and
       blocks by branch and bound over min-cost-flow relaxations (Land, A. & Doig, A. (1960).
       Econometrica 28:497-520).
    """
    scenario, failed, evicted = check_plan_arguments(
        "assign", scenario, site_scores=site_scores, shell_scores=shell_scores, device=device,
        allow_large=allow_large, failed=failed, evicted=evicted, previous=previous)
    return assign_problem(scenario, site_scores=site_scores, shell_scores=shell_scores, failed=failed,
                          evicted=evicted, previous=previous, device=device, allow_large=allow_large)[0]


def assign_problem(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None,
                   solver: str = "ortools", device: str = "auto", allow_large: bool = False):
    """:func:`assign`, also returning the :class:`~placement.plan.model.Problem` (for reports and maps).

    Its callers (:func:`assign`, :func:`placement.run`, the CLI) hold a checked scenario: it checks
    nothing again."""
    problem = build_problem(scenario, site_scores=site_scores, shell_scores=shell_scores, failed=failed,
                            evicted=evicted, previous=previous, device=device, allow_large=allow_large)
    solution = solve(problem, scenario.assignment.max_search_nodes, solver=solver)
    plan = make_plan(problem, solution)
    plan.scenario, plan.fingerprint = scenario.name, getattr(scenario, "fingerprint", "")
    if previous is not None:
        plan.changes = replan_changes(previous, plan, failed, evicted)
    return plan, problem
