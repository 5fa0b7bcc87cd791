"""From a scenario to the assignment problem: capacities with their costs, demand nodes, and the
allowed arcs with integer weights.

A demand node is the whole tenant, one of its unsplittable blocks, or, for a latency-bound
tenant with users in several regions, the share of its MW that serves one region (inference
must run near its users). An arc demand -> capacity is allowed only where every rule of the
tenant holds: kind (ground / orbit), online by the horizon year, residency polygon (shapely),
RTT to its users within its target, and, for exclusive leases and unsplittable blocks, a
capacity large enough to take them whole. Its weight is the capacity's levelized cost plus
the tenant's latency penalty, in US cents per MWh of IT; arcs that cost more than leaving
the demand unserved are dropped (they can never be used). Priorities live in the unserved
prices: internal work is dearer to leave unserved than external work.
"""
from __future__ import annotations

import dataclasses

from pathlib import Path

import numpy as np

from placement.catalogs.validation import InputError
from placement.device import resolve_device
from placement.earth.demand import demand_points
from placement.earth.residency import RESIDENCY_GEOJSON, inside, load_residency_regions
from placement.ground.sites import COST_COMPONENTS, score_sites
from placement.latency.demand_rtt import demand_weighted_rtt_ms
from placement.orbit.design import design_eclipses, shell_economics_of
from placement.orbit.launch_prices import launch_usd_per_kg, trajectory
from placement.orbit.scoring import score_shells, shell_demand_rtt_ms
from placement.plan.gpus import fitted_pool, gpu_pools, unit_mw_of
from placement.plan.model import (
    CENTS_PER_USD,
    RULE_BIT,
    CapacityInfo,
    DemandNode,
    Problem,
    key_label,
)

def check_plan_size(scenario, n_demands: int, n_capacities: int, n_periods: int, allow_large: bool) -> None:
    """Refuse a plan past :data:`placement.bounds.WORK_LIMITS` (tenants; demand nodes x
    capacities x periods) unless ``allow_large``."""
    from placement.bounds import check_work

    where = str(scenario.path)
    check_work(where, "tenant", len(scenario.tenants), "tenants", allow_large, f"{len(scenario.tenants):,} tenants")
    pairs = n_demands * max(n_capacities, 1) * max(n_periods, 1)
    check_work(where, "tenant", n_demands, "plan_pairs", allow_large,
               f"{n_demands:,} demand nodes x {n_capacities:,} capacities x {n_periods:,} periods "
               f"({pairs:,} pairs)" if n_periods > 1 else
               f"{n_demands:,} demand nodes x {n_capacities:,} capacities ({pairs:,} pairs)")


def capacities_of(scenario, site_scores=None, shell_scores=None, device: str = "auto") -> dict:
    """Capacity id -> :class:`CapacityInfo` for the scenario's ``[[capacity]]`` entries, scored
    (sites and shells not already in the given scores are scored here)."""

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
            site_scores = score_sites(site_list, demand, parameters=scenario.parameters, device=device)
    if shell_list and (shell_scores is None or any(sh.id not in set(shell_scores["id"]) for sh in shell_list)):
        start = scenario.shell_start
        shell_scores = score_shells(shell_list, demand, start=start, days=scenario.shell_days,
                                    step_s=scenario.shell_step_s, parameters=scenario.parameters, device=device)
    out = {}
    for site in site_list:
        i = site_scores.index(site["id"])
        spec = specs[site["id"]]
        if spec.build and spec.mw is not None and spec.mw > round(site["power_mw"]):
            raise InputError(str(scenario.path), f"capacity.{spec.id}.mw", spec.mw,
                             f"a candidate larger than its site's power ({round(site['power_mw'])} MW)")
        out[site["id"]] = CapacityInfo(
            id=site["id"], name=site["name"], kind="ground",
            mw=int(spec.mw if spec.mw is not None else round(site["power_mw"])),
            lcoe_usd_per_mwh_it=float(site_scores["lcoe_usd_per_mwh_it"][i]),
            carbon_kg_per_mwh_it=float(site_scores["carbon_kg_per_mwh_it"][i]),
            online_year=spec.online_year, lat_deg=site["lat_deg"], lon_deg=site["lon_deg"],
            components={f: float(site_scores[f][i]) for f in COST_COMPONENTS if f in site_scores.columns}
            | {"time_to_power_months": float(site_scores["time_to_power_months"][i]),
               "time_to_full_power_months": float(site_scores["time_to_full_power_months"][i])},
            availability=float(site_scores.extra["steady_availability"][i]),
            bridge_availability=float(site_scores.extra["bridge_availability"][i]),
            bridge_until_months=float(site_scores.extra["bridge_until_months"][i]))
    by_year = orbit_lcoe_by_year(scenario, shell_list, device) if shell_list else {}
    for sh in shell_list:
        i = list(shell_scores["id"]).index(sh.id)
        spec = specs[sh.id]
        lcoe = float(shell_scores["lcoe_usd_per_mwh_it"][i])
        mw = spec.mw if spec.mw is not None else int(sh.capacity_mw)
        # a shell without storage delivers its sunlit share on average
        mw = int(mw * float(shell_scores.extra["capacity_factor"][i]))
        out[sh.id] = CapacityInfo(
            id=sh.id, name=sh.name, kind="orbit", mw=mw,
            lcoe_usd_per_mwh_it=lcoe, carbon_kg_per_mwh_it=0.0, online_year=spec.online_year,
            components={"capital_usd_per_mwh_it": lcoe}, lcoe_by_year=by_year.get(sh.id, {}))
    ordered = {}
    for cid in specs:
        if cid not in out:
            continue
        if specs[cid].gpus or specs[cid].gpus_by_year:
            ordered.update(gpu_pools(scenario, specs[cid], out[cid], sites[cid]["power_mw"]))
        elif specs[cid].generation:
            pool = fitted_pool(specs[cid], out[cid])
            ordered[pool.id] = pool
        else:
            ordered[cid] = out[cid]
    return ordered


def orbit_lcoe_by_year(scenario, shells: list, device: str = "auto") -> dict:
    """Shell id -> {year: levelized cost [USD/MWh_IT] at that year's launch price} over the
    scenario's planning years, from the launch trajectory (years before or after its anchors
    take its first or last price). Empty when the scenario fixes ``launch_usd_per_kg`` or
    ``launch_year``."""

    o = scenario.parameters.orbit
    if o.launch_usd_per_kg is not None or o.launch_year is not None or scenario.planning is None:
        return {}
    traj = trajectory(o.launch_trajectory, str(scenario.path), o.heavy_reusable_year)
    design = design_eclipses(shells, scenario.shell_start, resolve_device(device))
    out = {s.id: {} for s in shells}
    for year in range(scenario.planning.start_year, scenario.planning.end_year + 1):
        price = launch_usd_per_kg(min(max(year, traj.first_year), traj.last_year), traj.name,
                                  heavy_reusable_year=o.heavy_reusable_year)
        lcoe = shell_economics_of(shells, design, scenario.parameters, resolve_device(device),
                                  launch_usd_per_kg=price)["lcoe_usd_per_mwh_it"]
        for s, v in zip(shells, lcoe):
            out[s.id][year] = float(v)
    return out


def demand_nodes(scenario, tenants=None) -> list[DemandNode]:
    """The demand nodes of the scenario's tenants (module docstring)."""
    out = []
    for t in (scenario.tenants if tenants is None else tenants):
        if t.mw <= 0:
            continue
        users = dict(t.users) or dict(scenario.demand_weights)
        block = getattr(t, "block_gpus", 0) if t.gpus else t.block_mw  # a GPU tenant's mw counts its GPUs
        if t.gpus and t.homogeneous and not block:
            out.append(DemandNode((t.id,), t, t.mw, users, True, t.exclusive, "homogeneous block"))
        elif t.exclusive or t.single_site:
            out.append(DemandNode((t.id,), t, t.mw, users, True, t.exclusive, "exclusive lease" if t.exclusive else ""))
        elif block:
            k = max(t.mw // block, 1)
            sizes = [block] * k
            sizes[-1] += t.mw - sum(sizes)
            for j, mw in enumerate(sizes, start=1):
                out.append(DemandNode((t.id, "block", j), t, mw, users, True, False, f"block {j} of {k}"))
        elif t.rtt_target_ms is not None and len(users) > 1:
            total = sum(users.values())
            shares = {k: t.mw * v / total for k, v in users.items()}
            mws = {k: int(np.floor(v)) for k, v in shares.items()}
            for k in sorted(shares, key=lambda k: shares[k] - mws[k], reverse=True)[: t.mw - sum(mws.values())]:
                mws[k] += 1
            for region, mw in mws.items():
                if mw > 0:
                    out.append(DemandNode((t.id, "region", region), t, mw, {region: 1.0}, False, False,
                                          f"{region} users"))
        else:
            out.append(DemandNode((t.id,), t, t.mw, users, False, False))
    return out


def rtt_matrix(scenario, demands: list, capacities: dict) -> np.ndarray:
    """RTT [ms] from each demand node's users to every capacity, in the tenant's latency profile
    (ground); one kernel call per distinct profile and user mix (nodes that share them share a row)."""

    caps = list(capacities.values())
    ground = [j for j, c in enumerate(caps) if c.kind == "ground"]
    orbit = [j for j, c in enumerate(caps) if c.kind == "orbit"]
    start = scenario.shell_start if orbit else None
    shells = {s.id: s for s in scenario.shell_catalog}
    out = np.full((len(demands), len(caps)), np.nan)
    mixes = {}
    default_profile = scenario.parameters.latency.rtt_profile
    for i, d in enumerate(demands):
        profile = getattr(d.tenant, "rtt_profile", None) or default_profile
        mixes.setdefault((profile, tuple(sorted(d.users.items()))), []).append(i)
    for (profile, users), rows in mixes.items():
        dp = demand_points(dict(users) or None, cell_deg=scenario.demand_cell_deg,
                           where=f"{scenario.path}: tenant users")
        row = np.full(len(caps), np.nan)
        if ground:
            rtt, _ = demand_weighted_rtt_ms([caps[j].lat_deg for j in ground], [caps[j].lon_deg for j in ground], dp,
                                            latency=scenario.parameters.latency, profile=profile)
            row[ground] = rtt
        if orbit:
            rtt, _, _ = shell_demand_rtt_ms([shells[caps[j].site_id or caps[j].id] for j in orbit], dp, start=start,
                                            parameters=scenario.parameters)
            row[orbit] = rtt
        out[rows] = row
    return out


def rule_violations(scenario, demands: list, capacities: dict, rtt: np.ndarray, horizon_year: int) -> np.ndarray:
    """Bit mask (demands x capacities) of the rules each pair breaks, except price (:data:`RULE_BIT`)."""
    caps = list(capacities.values())
    kind = np.array([c.kind for c in caps])
    cap_mw = np.array([c.mw for c in caps])
    online = np.array([c.online_year for c in caps])
    availability = np.array([c.availability for c in caps])
    generation = np.array([c.generation or "" for c in caps], dtype=object)
    pool = generation != ""
    v = np.zeros((len(demands), len(caps)), dtype=np.uint16)
    ap = scenario.assignment
    regions_path = Path(ap.residency_file) if ap.residency_file else RESIDENCY_GEOJSON
    regions = load_residency_regions(regions_path) if any(d.tenant.residency for d in demands) else {}
    # the rules every demand node of a kind shares, a whole block of rows at once
    tenant_kind = np.array([d.tenant.kind for d in demands], dtype=object)
    for k in set(tenant_kind) - {"any"}:
        v[(tenant_kind == k)[:, None] & (kind != k)[None, :]] |= RULE_BIT["kind"]
    v[:, online > horizon_year] |= RULE_BIT["online"]
    # GPUs on a pool of a generation it accepts; MW on capacity counted in MW
    in_gpus = np.array([bool(d.tenant.gpus) for d in demands], dtype=bool)
    v[in_gpus[:, None] != pool[None, :]] |= RULE_BIT["gpu"]
    by_generations = {}
    for i, d in enumerate(demands):
        if d.tenant.gpus and d.tenant.generations:
            by_generations.setdefault(tuple(d.tenant.generations), []).append(i)
    for key, rows in by_generations.items():
        refused = pool & ~np.isin(generation, list(key))
        v[np.ix_(rows, np.flatnonzero(refused))] |= RULE_BIT["gpu"]
    inside_of = {}
    for i, d in enumerate(demands):
        t = d.tenant
        if t.residency:
            if t.residency not in regions:
                raise InputError(str(scenario.path), f"tenant {t.id}: residency", t.residency,
                                 f"unknown region (known: {', '.join(sorted(regions))})")
            if t.residency not in inside_of:
                inside_of[t.residency] = np.array([c.kind == "ground" and inside(regions[t.residency], c.lat_deg,
                                                                                  c.lon_deg) for c in caps], bool)
            v[i, ~inside_of[t.residency]] |= RULE_BIT["residency"]
        if t.rtt_target_ms is not None:
            v[i, ~(rtt[i] <= t.rtt_target_ms)] |= RULE_BIT["rtt"]
        if d.discrete:
            v[i, cap_mw < d.mw] |= RULE_BIT["size"]
        if t.capacities:  # a GPU pool is listed by its site's id
            listed = np.array([c.id in t.capacities or bool(c.site_id and c.site_id in t.capacities) for c in caps],
                              dtype=bool)
            v[i, ~listed] |= RULE_BIT["listed"]
        if t.uptime_target is not None and not ap.allow_sla_credits:
            v[i, availability < t.uptime_target] |= RULE_BIT["uptime"]
    return v


def arc_weights_cents_per_mwh(scenario, demands: list, capacities: dict, rtt: np.ndarray) -> np.ndarray:
    """Weight of every pair [US cents per MWh of IT]: levelized cost plus the latency penalty."""
    ap = scenario.assignment
    lcoe = np.array([c.lcoe_usd_per_mwh_it for c in capacities.values()])
    penalty = np.array([d.tenant.latency_penalty_usd_per_mwh_per_ms if d.tenant.latency_penalty_usd_per_mwh_per_ms
                        is not None else ap.latency_penalty_usd_per_mwh_per_ms for d in demands])
    r = np.where(np.isfinite(rtt), rtt, 1e6)
    return np.rint((lcoe[None, :] + penalty[:, None] * r) * CENTS_PER_USD).astype(np.int64)


def build_problem(scenario, *, site_scores=None, shell_scores=None, failed=(), evicted=(), previous=None,
                  device: str = "auto", allow_large: bool = False) -> Problem:
    """Capacities, demand nodes, allowed arcs and their integer costs for a scenario (refused past
    :data:`placement.bounds.WORK_LIMITS` unless ``allow_large``)."""
    where = str(scenario.path)
    if not scenario.capacity:
        raise InputError(where, "capacity", None, "no [[capacity]] entries to assign tenants to")
    check_plan_size(scenario, len(scenario.tenants), len(scenario.capacity), 1, allow_large)
    ap = scenario.assignment
    capacities = capacities_of(scenario, site_scores, shell_scores, device)
    tenant_ids = {t.id for t in scenario.tenants}
    failed_caps = {}
    if len(set(failed)) < len(failed):
        raise InputError("assign", "failed", next(f for f in failed if list(failed).count(f) > 1), "named twice")
    if len(set(evicted)) < len(evicted):
        raise InputError("assign", "evicted", next(e for e in evicted if list(evicted).count(e) > 1), "named twice")
    for f in failed:  # a site of GPU pools fails whole: every pool of it
        pools = [cid for cid, c in capacities.items() if c.generation and c.site_id == f]
        if f not in capacities and not pools:
            raise InputError("assign", "failed", f, "not a capacity id of this scenario")
        for cid in pools or [f]:
            failed_caps[cid] = capacities.pop(cid)
    for e in evicted:
        if e not in tenant_ids:
            raise InputError("assign", "evicted", e, "not a tenant id of this scenario")
    # a tenant counted in GPUs: its demand node counts GPUs, placed on GPU pools only
    tenants = [dataclasses.replace(t, mw=t.gpus) if t.gpus else t for t in scenario.tenants]
    demands = [d for d in demand_nodes(scenario, tenants) if d.tenant.id not in set(evicted)]
    check_plan_size(scenario, len(demands), len(capacities), 1, allow_large)
    rtt = rtt_matrix(scenario, demands, capacities)
    violations = rule_violations(scenario, demands, capacities, rtt, ap.horizon_year)
    weights = arc_weights_cents_per_mwh(scenario, demands, capacities, rtt)
    per_unit = np.array([c.mw_per_unit for c in capacities.values()], dtype=float)
    unit_mw = np.array([unit_mw_of(d.tenant) for d in demands], dtype=float)
    if np.any(per_unit != 1.0):  # a GPU pool: cents per GPU-hour (its MW per GPU x cents per MWh)
        weights = np.rint(weights * per_unit[None, :]).astype(np.int64)
    unserved = np.array([int(round((ap.unserved_internal_usd_per_mwh if d.tenant.internal
                                    else ap.unserved_external_usd_per_mwh) * CENTS_PER_USD * unit_mw[i]))
                         for i, d in enumerate(demands)], dtype=np.int64)
    violations[(violations == 0) & (weights >= unserved[:, None])] |= RULE_BIT["price"]
    a_d, a_c = np.nonzero(violations == 0)
    problem = Problem(capacities, demands, a_d.astype(np.int64), a_c.astype(np.int64), weights[a_d, a_c], rtt,
                      violations, unserved, {}, int(round(ap.migration_usd_per_mwh * CENTS_PER_USD)), failed_caps,
                      unit_mw=unit_mw if np.any(unit_mw != 1.0) else None)
    # a tenant whose rules admit no capacity at all is left unserved with the reason (explain.py),
    # as the plan over periods does: a valid scenario that cannot serve it is not bad input
    if previous is not None:
        keys = problem.demand_index
        prev = {}
        for (key, cid), mw in previous.demand_flows.items():
            if key in keys and cid in problem.capacity_index and mw > 0:
                i, j = keys[key], problem.capacity_index[cid]
                if violations[i, j] == 0:
                    prev[i, j] = int(mw)
        problem.previous = prev
    return problem


__all__ = ["build_problem", "check_plan_size", "capacities_of", "demand_nodes", "rtt_matrix", "rule_violations", "key_label"]
