"""Who gets which capacity: a min-cost flow on a NetworkX graph.

Graph (:func:`build_graph`)::

    source --(tenant MW)--> tenant --(allowed arcs)--> capacity --(capacity MW)--> sink
                              \\--------------(priced "unserved" arc)-------------/

Node attribute ``demand`` (integer MW: ``-total`` at the source, ``+total`` at
the sink), edge attributes ``capacity`` (MW) and ``weight`` (integer cost:
US cents per MWh of IT, so a flow's cost is in cents per hour). A tenant node is
one *demand node* of a tenant: the whole tenant, one of its unsplittable blocks,
or, for a latency-bound tenant with users in several regions, the share of its
MW that serves one region (inference must run near its users). An arc
tenant -> capacity exists only where every rule of the tenant allows it: kind
(ground / orbit), online year <= horizon, residency polygon (shapely), RTT to its
users <= target, and for exclusive leases and unsplittable blocks a capacity
large enough to take them whole. Its weight is the capacity's levelized cost
plus the tenant's latency penalty; arcs that cost more than leaving the demand
unserved are dropped (they can never be used). Priorities live in the unserved
prices: internal work is dearer to leave unserved than external work.

Solving (:func:`assign`): ``networkx.network_simplex``. Exclusive tenants (one
whole site, nobody else on it), single-site tenants and unsplittable blocks are
honoured exactly, not rounded from a fractional flow: a depth-first branch and
bound fixes each such *discrete* demand node to one capacity (or to unserved),
and bounds every branch by the min-cost flow in which the not-yet-fixed
discrete nodes are relaxed to splittable. A leaf whose relaxation already puts
each discrete node whole on one capacity is feasible; the search returns the
cheapest. **Guarantee:** when the search completes within
``max_search_nodes`` the plan is optimal over all exact placements of the
discrete nodes (and, given those, over all splittable flows, since the leaf
solve is an exact min-cost flow); otherwise the best plan found is returned with
``optimal = False`` and the relaxation's lower bound, so the gap is known.
Without discrete nodes the first solve is already optimal.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from placement.catalogs.validation import InputError

CENTS_PER_USD = 100
SOURCE, SINK = "source", "sink"


def tenant_node(key: str) -> str:
    return f"tenant:{key}"


def capacity_node(cid: str) -> str:
    return f"capacity:{cid}"


@dataclass
class CapacityInfo:
    """One capacity node: a site or shell with its levelized cost [USD/MWh_IT]."""

    id: str
    name: str
    kind: str  # ground | orbit
    mw: int
    lcoe_usd_per_mwh_it: float
    carbon_kg_per_mwh_it: float
    online_year: int
    lat_deg: float | None = None
    lon_deg: float | None = None


@dataclass
class DemandNode:
    """A tenant's demand node (the whole tenant, a block, or a region's share)."""

    key: str
    tenant: object
    mw: int
    users: dict
    discrete: bool
    exclusive: bool
    label: str = ""


@dataclass
class Problem:
    """Everything the solver and the explanations need."""

    capacities: dict
    demands: list
    arcs: dict  # (demand key, capacity id) -> weight [cents/MWh]
    rtt_ms: dict  # (demand key, capacity id) -> RTT [ms] (all pairs, allowed or not)
    violations: dict  # (demand key, capacity id) -> tuple of broken rules
    unserved_weight: dict  # demand key -> cents/MWh
    previous: dict = field(default_factory=dict)  # (demand key, capacity id) -> MW kept from a plan
    migration_weight: int = 0

    @property
    def demand_mw(self) -> dict:
        return {d.key: d.mw for d in self.demands}


@dataclass
class Plan:
    """A solved assignment; :meth:`to_dict` gives the plan JSON of DESIGN.md.

    ``objective_cents_per_h`` is the min-cost-flow objective over :func:`build_graph` in its
    integer units: US cents per hour (arc weights in cents per MWh times flows in MW), penalties
    included; :attr:`objective` is the same number. ``total_cost_usd_per_h`` is the real cost of
    the assigned capacity (levelized cost times MW), without penalties.
    """

    objective_cents_per_h: int
    flow: dict
    total_cost_usd_per_h: float
    served_mw: int
    unserved_mw: int
    assignments: list
    unserved: list
    utilization: list
    optimal: bool = True
    lower_bound_cents_per_h: int = 0
    search_nodes: int = 0
    changes: dict | None = None
    demand_flows: dict = field(default_factory=dict)  # (demand key, capacity id) -> MW
    #: the scenario's name and fingerprint (:mod:`placement.fingerprint`), so plan.json names its inputs
    scenario: str = ""
    fingerprint: str = ""

    @property
    def objective(self) -> int:
        """The min-cost-flow objective [US cents per hour]; alias of ``objective_cents_per_h``."""
        return self.objective_cents_per_h

    @property
    def lower_bound(self) -> int:
        """Relaxation lower bound on the objective [US cents per hour]."""
        return self.lower_bound_cents_per_h

    def to_dict(self) -> dict:
        doc = {
            "total_cost_usd_per_h": round(self.total_cost_usd_per_h, 2),
            "served_mw": self.served_mw,
            "unserved_mw": self.unserved_mw,
            "assignments": self.assignments,
            "unserved": self.unserved,
            "utilization": self.utilization,
            "objective_cents_per_h": self.objective_cents_per_h,
            "optimal": self.optimal,
            "lower_bound_cents_per_h": self.lower_bound_cents_per_h,
            "scenario": self.scenario,
            "fingerprint": self.fingerprint,
        }
        if self.changes is not None:
            doc["changes"] = self.changes
        return doc


# --- building the problem ------------------------------------------------------------------------

def _capacities(scenario, site_scores, shell_scores) -> dict:
    from placement.orbits import parse_start
    from placement.shells import score_shells
    from placement.sites import score_sites

    specs = {c.id: c for c in scenario.capacity}
    sites = {s["id"]: s for s in scenario.site_catalog}
    shells = {s.id: s for s in scenario.shell_catalog}
    site_list = []
    for cid, spec in specs.items():
        if cid in sites:
            site = dict(sites[cid])
            if spec.price_usd_per_mwh is not None:
                site["price_usd_per_mwh"] = spec.price_usd_per_mwh
            site_list.append(site)
        elif cid not in shells:
            raise InputError(str(scenario.path), "capacity.id", cid, "unknown site or shell id")
    shell_list = [shells[cid] for cid in specs if cid in shells and cid not in sites]
    demand = scenario.demand()
    if site_list:
        have = set(site_scores["id"]) if site_scores is not None else set()
        if (site_scores is None or any(s["id"] not in have for s in site_list)
                or any(specs[s["id"]].price_usd_per_mwh is not None for s in site_list)):
            site_scores = score_sites(site_list, demand, parameters=scenario.parameters, device="cpu")
    if shell_list and (shell_scores is None or any(sh.id not in set(shell_scores["id"]) for sh in shell_list)):
        start = parse_start(str(scenario.path), scenario.shell_start_utc)
        shell_scores = score_shells(shell_list, demand, start=start, days=scenario.shell_days,
                                    step_s=scenario.shell_step_s, parameters=scenario.parameters, device="cpu")
    out = {}
    for site in site_list:
        i = site_scores.index(site["id"])
        spec = specs[site["id"]]
        out[site["id"]] = CapacityInfo(
            id=site["id"], name=site["name"], kind="ground",
            mw=int(round(spec.mw if spec.mw is not None else site["power_mw"])),
            lcoe_usd_per_mwh_it=float(site_scores["lcoe_usd_per_mwh_it"][i]),
            carbon_kg_per_mwh_it=float(site_scores["carbon_kg_per_mwh_it"][i]),
            online_year=spec.online_year, lat_deg=site["lat_deg"], lon_deg=site["lon_deg"])
    for sh in shell_list:
        i = list(shell_scores["id"]).index(sh.id)
        spec = specs[sh.id]
        out[sh.id] = CapacityInfo(
            id=sh.id, name=sh.name, kind="orbit", mw=int(round(spec.mw if spec.mw is not None else sh.capacity_mw)),
            lcoe_usd_per_mwh_it=float(shell_scores["lcoe_usd_per_mwh_it"][i]), carbon_kg_per_mwh_it=0.0,
            online_year=spec.online_year)
    return out, shells


def _demand_nodes(scenario) -> list[DemandNode]:
    out = []
    for t in scenario.tenants:
        if t.mw <= 0:
            continue
        users = dict(t.users) or dict(scenario.demand_weights)
        if t.exclusive or t.single_site:
            out.append(DemandNode(t.id, t, t.mw, users, True, t.exclusive))
        elif t.block_mw:
            k = max(t.mw // t.block_mw, 1)
            sizes = [t.block_mw] * k
            sizes[-1] += t.mw - sum(sizes)
            for j, mw in enumerate(sizes, start=1):
                out.append(DemandNode(f"{t.id}#{j}", t, mw, users, True, False, f"block {j} of {k}"))
        elif t.rtt_target_ms is not None and len(users) > 1:
            total = sum(users.values())
            shares = {k: t.mw * v / total for k, v in users.items()}
            mws = {k: int(np.floor(v)) for k, v in shares.items()}
            for k in sorted(shares, key=lambda k: shares[k] - mws[k], reverse=True)[: t.mw - sum(mws.values())]:
                mws[k] += 1
            for region, mw in mws.items():
                if mw > 0:
                    out.append(DemandNode(f"{t.id}/{region}", t, mw, {region: 1.0}, False, False,
                                          f"{region} users"))
        else:
            out.append(DemandNode(t.id, t, t.mw, users, False, False))
    return out


def _rtt_tables(scenario, demands, capacities, shells) -> dict:
    """RTT [ms] from each distinct user mix to every capacity."""
    from placement.demand import demand_points
    from placement.orbits import parse_start
    from placement.shells import shell_demand_rtt_ms
    from placement.sites import demand_weighted_rtt_ms

    ground = [c for c in capacities.values() if c.kind == "ground"]
    orbit = [c for c in capacities.values() if c.kind == "orbit"]
    start = parse_start(str(scenario.path), scenario.shell_start_utc) if orbit else None
    out = {}
    for users in {tuple(sorted(d.users.items())) for d in demands}:
        dp = demand_points(dict(users) or None, cell_deg=scenario.demand_cell_deg, where=f"{scenario.path}: tenant users")
        table = {}
        if ground:
            rtt, _ = demand_weighted_rtt_ms([c.lat_deg for c in ground], [c.lon_deg for c in ground], dp,
                                            parameters=scenario.parameters)
            table.update({c.id: float(r) for c, r in zip(ground, rtt)})
        if orbit:
            rtt, _, _ = shell_demand_rtt_ms([shells[c.id] for c in orbit], dp, start=start,
                                            parameters=scenario.parameters)
            table.update({c.id: float(r) for c, r in zip(orbit, rtt)})
        out[users] = table
    return out


def build_problem(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None) -> Problem:
    """Capacities, demand nodes, allowed arcs and their integer costs for a scenario."""
    from pathlib import Path

    from placement.residency import RESIDENCY_GEOJSON, inside, load_residency_regions

    where = str(scenario.path)
    if not scenario.capacity:
        raise InputError(where, "capacity", None, "no [[capacity]] entries to assign tenants to")
    ap = scenario.assignment
    capacities, shells = _capacities(scenario, site_scores, shell_scores)
    tenant_ids = {t.id for t in scenario.tenants}
    for f in failed:
        if f not in capacities:
            raise InputError("--fail", None, f, "not a capacity id of this scenario")
        capacities.pop(f)
    for e in evicted:
        if e not in tenant_ids:
            raise InputError("--evict", None, e, "not a tenant id of this scenario")
    demands = [d for d in _demand_nodes(scenario) if d.tenant.id not in set(evicted)]
    regions_path = Path(ap.residency_file) if ap.residency_file else RESIDENCY_GEOJSON
    regions = load_residency_regions(regions_path) if any(d.tenant.residency for d in demands) else {}
    for d in demands:
        if d.tenant.residency and d.tenant.residency not in regions:
            raise InputError(where, f"tenant {d.tenant.id}: residency", d.tenant.residency,
                             f"unknown region (known: {', '.join(sorted(regions))})")
    rtt_tables = _rtt_tables(scenario, demands, capacities, shells)

    arcs, rtt, violations, unserved = {}, {}, {}, {}
    for d in demands:
        t = d.tenant
        price = ap.unserved_internal_usd_per_mwh if t.internal else ap.unserved_external_usd_per_mwh
        unserved[d.key] = int(round(price * CENTS_PER_USD))
        penalty = (t.latency_penalty_usd_per_mwh_per_ms if t.latency_penalty_usd_per_mwh_per_ms is not None
                   else ap.latency_penalty_usd_per_mwh_per_ms)
        table = rtt_tables[tuple(sorted(d.users.items()))]
        for c in capacities.values():
            r = table[c.id]
            rtt[d.key, c.id] = r
            broken = []
            if t.kind != "any" and t.kind != c.kind:
                broken.append("kind")
            if c.online_year > ap.horizon_year:
                broken.append("online")
            if t.residency and (c.kind == "orbit" or not inside(regions[t.residency], c.lat_deg, c.lon_deg)):
                broken.append("residency")
            if t.rtt_target_ms is not None and not (r <= t.rtt_target_ms):
                broken.append("rtt")
            if d.discrete and c.mw < d.mw:
                broken.append("size")
            weight = int(round((c.lcoe_usd_per_mwh_it + penalty * (r if np.isfinite(r) else 1e6)) * CENTS_PER_USD))
            if not broken and weight >= unserved[d.key]:
                broken.append("price")
            violations[d.key, c.id] = tuple(broken)
            if not broken:
                arcs[d.key, c.id] = weight
    if previous is None and not failed and not evicted:
        with_arcs = {k for k, _ in arcs}
        for d in demands:  # rules that admit no capacity at all are a scenario error, not a shortage
            if d.key not in with_arcs:
                reason = explain_unserved(Problem(capacities, demands, arcs, rtt, violations, unserved), d, d.mw, {})
                if "priced above" not in reason and "dearer than leaving" not in reason:
                    raise InputError(where, f"tenant {d.tenant.id}", d.mw, reason)
    prev = {}
    if previous is not None:
        keys = {d.key for d in demands}
        prev = {k: v for k, v in previous.demand_flows.items() if k[0] in keys and k[1] in capacities and v > 0}
    return Problem(capacities, demands, arcs, rtt, violations, unserved, prev,
                   int(round(ap.migration_usd_per_mwh * CENTS_PER_USD)))


def graph_of(problem: Problem):
    """The assignment graph of a :class:`Problem` (see module docstring)."""
    import networkx as nx

    G = nx.DiGraph()
    total = sum(d.mw for d in problem.demands)
    G.add_node(SOURCE, demand=-total)
    G.add_node(SINK, demand=total)
    for c in problem.capacities.values():
        G.add_node(capacity_node(c.id), demand=0, kind=c.kind)
        G.add_edge(capacity_node(c.id), SINK, capacity=c.mw, weight=0)
    for d in problem.demands:
        tn = tenant_node(d.key)
        G.add_node(tn, demand=0, tenant=d.tenant.id)
        G.add_edge(SOURCE, tn, capacity=d.mw, weight=0)
        G.add_edge(tn, SINK, capacity=d.mw, weight=problem.unserved_weight[d.key], unserved=True)
    placed_before = {k for k, _ in problem.previous}
    demand_mw = problem.demand_mw
    for (key, cid), w in problem.arcs.items():
        kept = problem.previous.get((key, cid), 0)
        if kept:  # first `kept` MW stay at the old cost, the rest pays migration
            keep = f"keep:{key}|{cid}"
            G.add_node(keep, demand=0)
            G.add_edge(tenant_node(key), keep, capacity=kept, weight=w)
            G.add_edge(keep, capacity_node(cid), capacity=kept, weight=0)
            G.add_edge(tenant_node(key), capacity_node(cid), capacity=demand_mw[key], weight=w + problem.migration_weight)
        else:
            move = problem.migration_weight if key in placed_before else 0
            G.add_edge(tenant_node(key), capacity_node(cid), capacity=demand_mw[key], weight=w + move)
    return G


def build_graph(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None):
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

    Returns
    -------
    networkx.DiGraph
        Node attribute ``demand`` [MW, integer]; edge attributes ``capacity`` [MW] and
        ``weight`` [US cents per MWh of IT, integer], so a flow's cost is in cents per hour.

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
    return graph_of(build_problem(scenario, site_scores=site_scores, shell_scores=shell_scores, failed=failed,
                                  evicted=evicted, previous=previous))


# --- solving -------------------------------------------------------------------------------------

def _solve(G):
    import networkx as nx

    return nx.network_simplex(G)


def _restricted(G, problem: Problem, fixes: dict):
    """A copy of ``G`` where each fixed discrete node may use only its chosen capacity (or only its
    unserved arc), and a capacity fixed to an exclusive tenant takes nobody else."""
    H = G.copy()
    exclusive_at = {cid: key for key, cid in fixes.items() if cid is not None and _is_exclusive(problem, key)}
    for key, cid in fixes.items():
        tn = tenant_node(key)
        for _, v in list(H.out_edges(tn)):
            target_ok = (v == SINK) if cid is None else (v == capacity_node(cid) or v.startswith(f"keep:{key}|{cid}"))
            if not target_ok:
                H.remove_edge(tn, v)
    for cid, owner in exclusive_at.items():
        cn = capacity_node(cid)
        for u, _ in list(H.in_edges(cn)):
            if u != tenant_node(owner) and not u.startswith(f"keep:{owner}|"):
                H.remove_edge(u, cn)
    return H


def _is_exclusive(problem: Problem, key: str) -> bool:
    return any(d.key == key and d.exclusive for d in problem.demands)


def _placement_of(flow: dict, key: str):
    """(capacity id or None, is_whole) for a demand node in a flow."""
    used = {}
    for v, f in flow[tenant_node(key)].items():
        if f <= 0:
            continue
        if v == SINK:
            used[None] = used.get(None, 0) + f
        elif v.startswith("keep:"):
            cid = v.split("|", 1)[1]
            used[cid] = used.get(cid, 0) + f
        else:
            cid = v.split(":", 1)[1]
            used[cid] = used.get(cid, 0) + f
    if len(used) == 1:
        return next(iter(used)), True
    best = max(used, key=lambda c: used[c]) if used else None
    return best, False


def _feasible(flow, problem: Problem, discrete_keys) -> bool:
    owners = {}
    for key in discrete_keys:
        cid, whole = _placement_of(flow, key)
        if not whole:
            return False
        if cid is not None and _is_exclusive(problem, key):
            owners[cid] = key
    for cid, owner in owners.items():
        cn = capacity_node(cid)
        for u, targets in flow.items():
            if u.startswith("tenant:") and u != tenant_node(owner) and targets.get(cn, 0) > 0:
                return False
            if u.startswith("keep:") and not u.startswith(f"keep:{owner}|") and u.endswith(f"|{cid}") and targets.get(cn, 0) > 0:
                return False
    return True


#: Above this many tenant -> capacity arcs, solve on the cheapest arcs per tenant and price the rest.
PRICING_MIN_ARCS = 20000
PRICING_START_ARCS_PER_TENANT = 5


def node_potentials(G, flow) -> dict:
    """Shortest-path distances in the residual graph of an optimal flow (Bellman-Ford, scipy):
    dual prices with w(u, v) + pi(u) - pi(v) >= 0 on every residual arc. The assignment graph
    is layered (no arc has a reverse twin), so residual arcs never coincide."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import bellman_ford

    nodes = list(G.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    n = len(nodes)
    m = G.number_of_edges()
    u = np.empty(m, dtype=np.int64)
    v = np.empty(m, dtype=np.int64)
    w = np.empty(m)
    cap = np.empty(m)
    x = np.empty(m)
    for k, (a, b, d) in enumerate(G.edges(data=True)):
        u[k], v[k], w[k], cap[k], x[k] = index[a], index[b], d["weight"], d["capacity"], flow[a][b]
    fwd = x < cap
    bwd = x > 0
    rows = np.concatenate([u[fwd], v[bwd], np.full(n, n)])
    cols = np.concatenate([v[fwd], u[bwd], np.arange(n)])  # plus a virtual root reaching every node
    weights = np.concatenate([w[fwd], -w[bwd], np.zeros(n)])
    dist = bellman_ford(csr_matrix((weights, (rows, cols)), shape=(n + 1, n + 1)), directed=True, indices=n)
    return {node: dist[i] for node, i in index.items()}


def _priced_solve(problem: Problem):
    """Exact min-cost flow on a reduced arc set (column generation): start from the cheapest
    arcs of each tenant (and any arc carrying load from a previous plan), solve, price every left-out
    arc with the residual-graph potentials, add those with negative reduced cost, repeat. When
    no arc prices out the reduced optimum is optimal for the full graph (LP duality)."""
    keys = np.array([k for k, _ in problem.arcs])
    cids = np.array([c for _, c in problem.arcs])
    weights = np.fromiter(problem.arcs.values(), dtype=np.int64, count=len(problem.arcs))
    order = np.lexsort((weights, keys))
    rank = np.empty(len(order), dtype=np.int64)
    # rank of each arc within its tenant's arcs, cheapest first
    sorted_keys = keys[order]
    starts = np.r_[0, np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    rank[order] = np.arange(len(order)) - group_start
    active = rank < PRICING_START_ARCS_PER_TENANT
    for (k, c) in problem.previous:
        active |= (keys == k) & (cids == c)
    placed_before = {k for k, _ in problem.previous}
    # weight each left-out arc would carry in graph_of (moving load pays migration)
    graph_weights = weights + problem.migration_weight * np.array([k in placed_before for k in keys], dtype=np.int64)
    unique_keys, key_of_arc = np.unique(keys, return_inverse=True)
    unique_cids, cid_of_arc = np.unique(cids, return_inverse=True)
    rounds = 0
    while True:
        rounds += 1
        sub = Problem(problem.capacities, problem.demands,
                      {(k, c): int(w) for k, c, w in zip(keys[active], cids[active], weights[active])},
                      problem.rtt_ms, problem.violations, problem.unserved_weight, problem.previous,
                      problem.migration_weight)
        H = graph_of(sub)
        cost, flow = _solve(H)
        pi = node_potentials(H, flow)
        pi_t = np.array([pi[tenant_node(k)] for k in unique_keys])[key_of_arc]
        pi_c = np.array([pi[capacity_node(c)] for c in unique_cids])[cid_of_arc]
        reduced = graph_weights + pi_t - pi_c
        enter = (~active) & (reduced < -1e-9)
        if not enter.any():
            return H, cost, flow, rounds
        active |= enter


def solve(problem: Problem, max_search_nodes: int = 5000):
    """Min-cost flow honouring discrete nodes exactly: (graph, cost, flow, optimal, lower bound, nodes)."""
    import networkx as nx

    discrete = [d.key for d in sorted(problem.demands, key=lambda d: -d.mw) if d.discrete]
    if not discrete and len(problem.arcs) > PRICING_MIN_ARCS:
        H, cost, flow, _ = _priced_solve(problem)
        return H, cost, flow, True, cost, 1
    G = graph_of(problem)
    root_cost, root_flow = _solve(G)
    if not discrete or _feasible(root_flow, problem, discrete):
        return G, root_cost, root_flow, True, root_cost, 1
    best = [None, None]
    nodes = [0]
    complete = [True]

    def options(key, flow):
        """Capacities for a discrete node, the relaxation's choice first, then by cost; unserved last."""
        allowed = [cid for cid in problem.capacities if (key, cid) in problem.arcs]
        prefer, _ = _placement_of(flow, key)
        allowed.sort(key=lambda cid: (cid != prefer, problem.arcs[key, cid]))
        return allowed + [None]

    def dfs(fixes, flow):
        for key in discrete:
            if key in fixes:
                continue
            for cid in options(key, flow):
                if nodes[0] >= max_search_nodes:
                    complete[0] = False
                    return
                nodes[0] += 1
                trial = dict(fixes)
                trial[key] = cid
                H = _restricted(G, problem, trial)
                try:
                    cost, f = _solve(H)
                except nx.NetworkXUnfeasible:
                    continue
                if best[0] is not None and cost >= best[0]:
                    continue  # bound: the relaxation already costs as much as the best plan
                if _feasible(f, problem, discrete):
                    best[0], best[1] = cost, f
                    continue
                dfs(trial, f)
            return  # every branch of the first unfixed node explored

    dfs({}, root_flow)
    if best[1] is None:  # no exact placement found within the limit: everything discrete unserved
        H = _restricted(G, problem, {k: None for k in discrete})
        best[0], best[1] = _solve(H)
        complete[0] = False
    return G, best[0], best[1], complete[0], root_cost, nodes[0] + 1


# --- the plan ------------------------------------------------------------------------------------

def _demand_flows(flow, problem: Problem) -> dict:
    out = {}
    for d in problem.demands:
        for v, f in flow[tenant_node(d.key)].items():
            if f <= 0 or v == SINK:
                continue
            cid = v.split("|", 1)[1] if v.startswith("keep:") else v.split(":", 1)[1]
            out[d.key, cid] = out.get((d.key, cid), 0) + f
    return out


def make_plan(problem: Problem, G, cost, flow, optimal=True, lower_bound=0, nodes=1) -> Plan:
    import networkx as nx

    # the flow of a restricted sub-graph, completed with zeros on every arc of the full graph
    flow = {u: {v: flow.get(u, {}).get(v, 0) for v in G.successors(u)} for u in G.nodes}
    objective = int(nx.cost_of_flow(G, flow))
    if objective != cost:
        raise RuntimeError(f"solver cost {cost} and recomputed flow cost {objective} disagree")
    flows = _demand_flows(flow, problem)
    caps = problem.capacities
    by_pair = {}
    tenant_of = {d.key: d.tenant.id for d in problem.demands}
    for (key, cid), mw in flows.items():
        rec = by_pair.setdefault((tenant_of[key], cid), {"mw": 0, "rtt_w": 0.0, "cost_w": 0.0})
        rec["mw"] += mw
        rec["rtt_w"] += mw * problem.rtt_ms.get((key, cid), np.nan)
        rec["cost_w"] += mw * caps[cid].lcoe_usd_per_mwh_it  # real cost; penalties stay in the objective
    assignments = []
    total_cost = 0.0
    for (tid, cid), rec in sorted(by_pair.items()):
        c = caps[cid]
        cost_mwh = rec["cost_w"] / rec["mw"]
        total_cost += rec["cost_w"]
        assignments.append({
            "tenant": tid, "capacity_id": cid, "kind": c.kind, "mw": int(rec["mw"]),
            "rtt_ms": None if not np.isfinite(rec["rtt_w"]) else round(rec["rtt_w"] / rec["mw"], 2),
            "cost_usd_per_mwh_it": round(cost_mwh, 2),
            "carbon_kg_per_mwh_it": round(c.carbon_kg_per_mwh_it, 2)})
    used = {}
    for (key, cid), mw in flows.items():
        used[cid] = used.get(cid, 0) + mw
    utilization = [{"capacity_id": c.id, "used_mw": int(used.get(c.id, 0)), "capacity_mw": int(c.mw)}
                   for c in caps.values()]
    unserved_by_tenant = {}
    for d in problem.demands:
        u = flow[tenant_node(d.key)].get(SINK, 0)
        if u > 0:
            unserved_by_tenant.setdefault(d.tenant.id, []).append((d, u))
    unserved = []
    for tid, parts in unserved_by_tenant.items():
        mw = sum(u for _, u in parts)
        reasons = "; ".join(dict.fromkeys(explain_unserved(problem, d, u, used) for d, u in parts))
        unserved.append({"tenant": tid, "mw": int(mw), "reason": f"{tid}: {mw} MW unserved — {reasons}"})
    served = sum(flows.values())
    return Plan(objective_cents_per_h=objective, flow=flow, total_cost_usd_per_h=total_cost, served_mw=int(served),
                unserved_mw=int(sum(u["mw"] for u in unserved)), assignments=assignments, unserved=unserved,
                utilization=utilization, optimal=optimal, lower_bound_cents_per_h=int(lower_bound), search_nodes=nodes,
                demand_flows=flows)


_RULE_TEXT = {
    "kind": "of the wrong kind", "online": "not online by the horizon year", "residency": "outside its residency region",
    "rtt": "beyond its RTT target", "size": "too small to take it whole", "price": "dearer than leaving it unserved",
}


def explain_unserved(problem: Problem, d: DemandNode, mw: int, used: dict) -> str:
    """A sentence a planner can act on: which rule binds, what is full, the cheapest alternative."""
    t = d.tenant
    caps = problem.capacities
    who = f" ({d.label})" if d.label else ""
    allowed = [cid for cid in caps if (d.key, cid) in problem.arcs]
    target = f"within {t.rtt_target_ms:g} ms of its users" if t.rtt_target_ms is not None else "it may use"
    if t.residency:
        target = f"inside {t.residency}" + (f" and within {t.rtt_target_ms:g} ms" if t.rtt_target_ms else "")

    def spare(cid):
        return caps[cid].mw - used.get(cid, 0)

    def alternative(rule):
        cands = [cid for cid in caps if problem.violations[d.key, cid] == (rule,) and spare(cid) > 0]
        if not cands:
            return ""
        best = min(cands, key=lambda cid: caps[cid].lcoe_usd_per_mwh_it)
        if rule == "rtt":
            return f"; cheapest feasible alternative {problem.rtt_ms[d.key, best]:.0f} ms at {best} ({spare(best)} MW free)"
        return f"; cheapest alternative if the {rule} rule were relaxed: {best} ({spare(best)} MW free)"

    if not allowed:
        counts = {}
        for cid in caps:
            for rule in problem.violations[d.key, cid]:
                counts[rule] = counts.get(rule, 0) + 1
        main = max(counts, key=counts.get) if counts else "kind"
        detail = ""
        if "size" in counts:
            biggest = max(caps.values(), key=lambda c: c.mw)
            detail = f" (largest: {biggest.id} {biggest.mw} MW for {d.mw} MW{' exclusive' if d.exclusive else ''})"
        if "rtt" in counts and t.rtt_target_ms is not None:
            near = min(caps, key=lambda cid: problem.rtt_ms[d.key, cid])
            detail = f" (nearest: {near} at {problem.rtt_ms[d.key, near]:.0f} ms)"
        return f"no capacity{who} passes its rules: all are {_RULE_TEXT.get(main, main)}{detail}"
    full = [cid for cid in allowed if spare(cid) <= 0]
    if d.discrete:
        biggest_free = max(allowed, key=spare)
        kind = "exclusive lease" if d.exclusive else "unsplittable block"
        return (f"{kind}{who} of {d.mw} MW fits nowhere: most free capacity {target} is "
                f"{max(spare(biggest_free), 0)} MW at {biggest_free}" + alternative("size"))
    if full:
        shown = ", ".join(f"{cid} {100 * used.get(cid, 0) / caps[cid].mw:.0f}%" if caps[cid].mw else f"{cid} 0 MW"
                          for cid in full[:4])
        rule = "residency" if t.residency else ("rtt" if t.rtt_target_ms is not None else "kind")
        return f"capacity{who} {target} is full ({shown})" + alternative(rule)
    return f"remaining capacity{who} {target} is priced above its unserved price"


def assign(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous: Plan | None = None) -> Plan:
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
    .. [1] NetworkX ``network_simplex``; exclusive leases and blocks by branch and bound over
       min-cost-flow relaxations (Land, A. & Doig, A. (1960). Econometrica 28:497-520).
    """
    return assign_problem(scenario, site_scores=site_scores, shell_scores=shell_scores, failed=failed,
                          evicted=evicted, previous=previous)[0]


def assign_problem(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None):
    """:func:`assign`, also returning the :class:`Problem` (for reports and maps)."""
    problem = build_problem(scenario, site_scores=site_scores, shell_scores=shell_scores, failed=failed,
                            evicted=evicted, previous=previous)
    G, cost, flow, optimal, lb, nodes = solve(problem, scenario.assignment.max_search_nodes)
    plan = make_plan(problem, G, cost, flow, optimal, lb, nodes)
    plan.scenario, plan.fingerprint = scenario.name, getattr(scenario, "fingerprint", "")
    if previous is not None:
        plan.changes = replan_changes(previous, plan, failed, evicted)
    return plan, problem


def replan_changes(old: Plan, new: Plan, failed, evicted) -> dict:
    """MW moved, cost delta and newly unserved demand between two plans."""
    old_pairs = {(a["tenant"], a["capacity_id"]): a["mw"] for a in old.assignments}
    new_pairs = {(a["tenant"], a["capacity_id"]): a["mw"] for a in new.assignments}
    moved = sum(max(0, mw - new_pairs.get(k, 0)) for k, mw in old_pairs.items() if k[0] not in set(evicted))
    old_unserved = {u["tenant"]: u["mw"] for u in old.unserved}
    newly = [{"tenant": u["tenant"], "mw": u["mw"] - old_unserved.get(u["tenant"], 0), "reason": u["reason"]}
             for u in new.unserved if u["mw"] > old_unserved.get(u["tenant"], 0)]
    freed = sum(mw for (tid, _), mw in old_pairs.items() if tid in set(evicted))
    return {"failed": list(failed), "evicted": list(evicted), "moved_mw": int(moved), "freed_mw": int(freed),
            "cost_delta_usd_per_h": round(new.total_cost_usd_per_h - old.total_cost_usd_per_h, 2),
            "newly_unserved": newly}
