"""The break-even price of a new tenant: what it must pay for the operator to come out even.

The plan is solved twice (:mod:`placement.plan.over_time`): as it is, and with the new tenant
at a price of zero and leaving it unserved forbidden. The difference in the objective is what
serving it costs the operator over its contract — its capacity, and whatever it displaces
(other tenants moved, pre-empted or left unserved) — and the break-even price spreads that
over its MW-months. The quote also says where the tenant would run in each period.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from placement.catalogs.validation import InputError
from placement.plan.over_time import plan_over_time, unserved_of_layer
from placement.plan.periods import active, contract_window


@dataclass
class Quote:
    """A new tenant's break-even price [USD per MW-month] and where it would go."""
    tenant: str
    break_even_usd_per_mw_month: float
    mw_months: float
    cost_of_serving_usd: float
    placements: list  # {period, capacity_id, mw}
    displaced: list  # {period, tenant, mw} newly unserved elsewhere

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def quote(scenario, new_tenant, *, device: str = "auto", allow_large: bool = False) -> Quote:
    """Break-even price for ``new_tenant`` (a :class:`~placement.plan.contracts.Tenant`) in ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        As for :func:`placement.plan`.
    new_tenant : Tenant
        The tenant to price (its own price is ignored).
    device : {'auto', 'cpu', 'cuda'}
        Where the scoring kernels run.
    allow_large : bool
        Plan even past :data:`placement.bounds.WORK_LIMITS`.

    Returns
    -------
    Quote
        Break-even price [USD per MW-month], MW-months, cost of serving [USD], placements and
        the demand it displaces.

    Raises
    ------
    InputError
        Checked first, before any work: the arguments as for :func:`placement.plan` (messages
        ``quote: scenario...``), and ``new_tenant`` with the loader's tenant rules
        (:func:`~placement.plan.contract_checks.check_tenant`: ``quote: new_tenant.mw``; its capacity
        ids must be the scenario's, its ramp and notice inside the horizon). Then: a tenant of that id already in the scenario, a tenant
        not active in the horizon, or one no capacity can take.
    """
    from placement.plan.assign import check_plan_arguments
    from placement.plan.contract_checks import check_tenant, check_tenant_horizon

    scenario, _, _ = check_plan_arguments("quote", scenario, device=device, allow_large=allow_large)
    new_tenant = check_tenant("quote", new_tenant, "new_tenant")
    capacity_ids = {c.id for c in scenario.capacity}
    for cid in new_tenant.capacities:
        if cid not in capacity_ids:
            raise InputError("quote", "new_tenant.capacities", cid, "not a [[capacity]] id of this scenario")
    check_tenant_horizon("quote", scenario.planning, new_tenant, "new_tenant")
    if any(t.id == new_tenant.id for t in scenario.tenants):
        raise InputError("quote: new_tenant", "id", new_tenant.id, "a tenant of this id is already in the scenario")
    planning = scenario.planning
    forced = dataclasses.replace(new_tenant, price_usd_per_mw_month=0.0, tenant_class="internal", internal=True,
                                 evictable=False)
    big = dataclasses.replace(planning, unserved_internal_usd_per_mw_month=1e9)
    with_new = plan_over_time(dataclasses.replace(scenario, planning=big), extra_tenants=[forced], device=device,
                              allow_large=allow_large)
    base_big = plan_over_time(dataclasses.replace(scenario, planning=big), device=device, allow_large=allow_large)
    window = contract_window(new_tenant, planning)
    mw_months = sum(new_tenant.mw_in(p.year) * p.months for p in base_big.periods if active(window, p))
    if mw_months <= 0:
        raise InputError("quote: new_tenant", "start", new_tenant.start, "the tenant is not active in the planning horizon")
    served = sum(r["mw"] for r in with_new.rows if r["tenant"] == new_tenant.id)
    if served == 0:
        raise InputError("quote: new_tenant", "mw", new_tenant.mw, "no capacity can take this tenant under its rules")
    cost = float(with_new.objective - base_big.objective)
    placements = [{"period": r["period"], "capacity_id": r["capacity_id"], "mw": r["mw"]}
                  for r in with_new.rows if r["tenant"] == new_tenant.id]
    before = {(layer.period.label, u["tenant"]): u["mw"] for layer in base_big.layers for u in unserved_of_layer(layer)}
    displaced = [{"period": layer.period.label, "tenant": u["tenant"],
                  "mw": u["mw"] - before.get((layer.period.label, u["tenant"]), 0)}
                 for layer in with_new.layers for u in unserved_of_layer(layer)
                 if u["tenant"] != new_tenant.id and u["mw"] > before.get((layer.period.label, u["tenant"]), 0)]
    return Quote(new_tenant.id, cost / mw_months, mw_months, cost, placements, displaced)
