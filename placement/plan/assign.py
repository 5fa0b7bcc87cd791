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

from placement.plan.build import build_problem
from placement.plan.explain import make_plan, replan_changes
from placement.plan.network import flow_network, to_networkx
from placement.plan.solve import solve


def build_graph(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None,
                device: str = "auto"):
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

    Returns
    -------
    networkx.DiGraph
        Tuple-named nodes (``("tenant", key)``, ``("capacity", id)``, ...); node attribute ``demand``
        [MW, integer]; edge attributes ``capacity`` [MW] and ``weight`` [US cents per MWh of IT,
        integer], so a flow's cost is in cents per hour.

    Raises
    ------
    InputError
        No capacity, an unknown failed/evicted id, an unknown residency region, or a tenant whose
        rules admit no capacity at all.

    References
    ----------
    .. [1] Ahuja, R., Magnanti, T. & Orlin, J. (1993). Network Flows, ch. 9-11 (min-cost flow).
    .. [2] NetworkX ``network_simplex`` (node ``demand``, edge ``capacity`` and ``weight``).
    """
    problem = build_problem(scenario, site_scores=site_scores, shell_scores=shell_scores, failed=failed,
                            evicted=evicted, previous=previous, device=device)
    return to_networkx(flow_network(problem), problem)


def assign(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None,
           device: str = "auto"):
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
    return assign_problem(scenario, site_scores=site_scores, shell_scores=shell_scores, failed=failed,
                          evicted=evicted, previous=previous, device=device)[0]


def assign_problem(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None,
                   solver: str = "ortools", device: str = "auto"):
    """:func:`assign`, also returning the :class:`~placement.plan.model.Problem` (for reports and maps)."""
    problem = build_problem(scenario, site_scores=site_scores, shell_scores=shell_scores, failed=failed,
                            evicted=evicted, previous=previous, device=device)
    solution = solve(problem, scenario.assignment.max_search_nodes, solver=solver)
    plan = make_plan(problem, solution)
    plan.scenario, plan.fingerprint = scenario.name, getattr(scenario, "fingerprint", "")
    if previous is not None:
        plan.changes = replan_changes(previous, plan, failed, evicted)
    return plan, problem
