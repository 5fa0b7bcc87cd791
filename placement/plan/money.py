"""The money of a plan layer: its margin itemised, what leaving demand unserved costs in cash,
and how that money sits beside the integer weights the solver minimises.

Margin of a period [USD] = revenue - energy - capital - carbon - water - delay - IT capex
- migration - eviction - SLA credits, every item rounded to whole cents, the period's margin
the sum of its items and the plan's margin the sum of its periods (exact, in integer cents).

* **Revenue**: the tenants' prices for the MW-months served (in-house work at the planning
  opportunity price, :class:`~placement.plan.contracts.PlanningParameters`).
* **Energy, capital, carbon, water, delay, IT capex**: the capacity's levelized cost split into
  its components (:data:`placement.ground.sites.COST_COMPONENTS`; an orbital shell's cost is all
  capital) times the MWh served.
* **GPU depreciation**: every GPU fleet's straight-line depreciation over the period's share of
  its year (:mod:`placement.plan.gpus`), used or not; on capacity in MW fitted with one generation,
  its GPUs' depreciation per MWh of IT (:func:`placement.plan.gpus.fitted_pool`) on the MWh served,
  or, for a candidate, on every built MW from the build on.
* **Outage**: revenue lost while the capacity lacks full power, revenue x (1 - its availability).
* **Migration**: the planning price per MW of running load moved.
* **Eviction**: the fee per MW of a running evictable tenant left unserved once its notice can
  have been given (the eviction clause).
* **SLA credits**: the committed class's unserved price
  (``unserved_committed_usd_per_mw_month``) per MW-month a committed tenant is left unserved; and
  where ``[assignment] allow_sla_credits`` places a tenant with an ``uptime_target`` on capacity
  below it, the expected credits: its schedule's credit at the capacity's availability taken as the
  monthly uptime (a mean, not the distribution of monthly uptimes: approximate) x its revenue.

Not money, so not in the margin but in ``penalty_usd`` beside it: in-house work left unserved
at its priority price, the weight that forbids expelling a tenant inside its notice, latency
nudges (``latency_penalty_usd_per_mwh_per_ms``) and the rounding of weights to whole USD. The
layer's objective is ``penalty_usd - margin_usd``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placement.plan.model import Problem

#: Margin items of a period [USD]: the revenue, then the costs subtracted from it.
MARGIN_ITEMS = ("revenue_usd", "energy_usd", "capital_usd", "carbon_usd", "water_usd", "delay_usd", "it_capex_usd",
                "gpu_depreciation_usd", "outage_usd", "migration_usd", "eviction_usd", "sla_credits_usd")
#: Cost item -> the capacity's cost component it comes from [USD per MWh of IT].
COMPONENT_OF_ITEM = {"energy_usd": "energy_usd_per_mwh_it", "capital_usd": "capital_usd_per_mwh_it",
                     "carbon_usd": "carbon_usd_per_mwh_it", "water_usd": "water_usd_per_mwh_it",
                     "delay_usd": "delay_usd_per_mwh_it", "it_capex_usd": "it_capex_usd_per_mwh_it",
                     "gpu_depreciation_usd": "gpu_depreciation_usd_per_mwh_it"}
#: What a MW left unserved costs in cash, per demand node (``LayerPrices.unserved_item``).
EVICTION, SLA_CREDITS, NOT_CASH = "eviction_usd", "sla_credits_usd", ""


@dataclass
class LayerPrices:
    """Per demand node of a layer: revenue [USD per MW over the period], hours its contract
    covers [h], and the margin item its unserved MW fall in (``EVICTION``, ``SLA_CREDITS`` or
    ``NOT_CASH``)."""

    revenue: np.ndarray
    hours: np.ndarray
    unserved_item: list
    #: revenue lost to outages [USD per MW over the period], demand nodes x capacities
    outage: np.ndarray | None = None
    #: expected SLA credits [USD per MW over the period], demand nodes x capacities
    credits: np.ndarray | None = None


def cost_items_per_mwh(capacity, year: int) -> dict:
    """Cost item -> [USD per MWh of IT] of a capacity in ``year``: its cost components, any part of
    its levelized cost they do not cover counted as capital, so the items sum to the levelized cost."""
    parts = capacity.components_in(year)
    out = {item: float(parts.get(comp, 0.0)) for item, comp in COMPONENT_OF_ITEM.items()}
    out["capital_usd"] += capacity.lcoe_in(year) - sum(out.values())
    return out


def cents(usd: float) -> int:
    """Whole US cents of an amount [USD]."""
    return int(round(float(usd) * 100))


def layer_money(problem: Problem, prices: LayerPrices, placed: dict, short: np.ndarray, moved_mw: int,
                year: int, objective: int, extra: dict | None = None) -> dict:
    """Money of a solved layer [USD]: every item of :data:`MARGIN_ITEMS` (costs positive),
    ``margin_usd`` (revenue less the costs, exact in cents) and ``penalty_usd`` (the non-cash part
    of the layer's ``objective``: objective + margin).

    ``placed``: (demand index, capacity index) -> MW; ``short``: MW unserved per demand node;
    ``extra``: item -> USD added to it (the whole-horizon plan's fees and built capital)."""
    items = {k: 0.0 for k in MARGIN_ITEMS}
    per_capacity = {}
    for (i, j), mw in placed.items():
        if j not in per_capacity:
            per_capacity[j] = cost_items_per_mwh(problem.capacities[problem.capacity_ids[j]], year)
        items["revenue_usd"] += mw * prices.revenue[i]
        mwh = mw * prices.hours[i] * problem.capacities[problem.capacity_ids[j]].mw_per_unit
        for item, rate in per_capacity[j].items():
            items[item] += mwh * rate
        if prices.outage is not None:
            items["outage_usd"] += mw * prices.outage[i, j]
            items["sla_credits_usd"] += mw * prices.credits[i, j]
    items["migration_usd"] = moved_mw * float(problem.migration_money)
    for i in np.flatnonzero(short > 0):
        item = prices.unserved_item[i]
        if item:
            items[item] += int(short[i]) * float(problem.unserved_money[i])
    for k, v in (extra or {}).items():
        items[k] += v
    whole = {k: cents(v) for k, v in items.items()}
    margin = whole["revenue_usd"] - sum(v for k, v in whole.items() if k != "revenue_usd")
    out = {k: v / 100 for k, v in whole.items()}
    out["margin_usd"] = margin / 100
    out["penalty_usd"] = (cents(objective) + margin) / 100
    out["margin_cents"] = margin
    return out


__all__ = ["MARGIN_ITEMS", "LayerPrices", "cost_items_per_mwh", "layer_money", "cents", "EVICTION", "SLA_CREDITS",
           "NOT_CASH"]
