"""The break-even price of a new tenant: what it must pay for the operator to come out even.

The plan is solved twice, by the plan's method (the whole-horizon program of
:mod:`placement.plan.horizon` unless ``method="rolling"``): as it is, and with the new tenant
at a price of zero and leaving it unserved forbidden. The fall in the margin (money only:
:mod:`placement.plan.money`) is what serving it costs the operator over its contract — its
capacity, and whatever it displaces (other tenants moved, pre-empted or left unserved) — and the
break-even price spreads that over the MW-months served. Those are the MW-months the contract
asks: its MW over its term (a term without ``renewable = true`` ends there; a renewable one runs
to its ``end`` or the plan's end), which the quote states (``asked_mw_months`` and ``note``).
The quote also says where the tenant would run in each period; a tenant no capacity can take is
answered with the reason, not an error. A tenant counted in GPUs is priced per GPU-hour as well
(the same cost over the GPU-hours served), its MW-months being its GPUs' power.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from placement.catalogs.validation import InputError
from placement.plan.gpus import unit_mw_of
from placement.plan.over_time import unserved_of_layer
from placement.plan.periods import HOURS_PER_MONTH, active, contract_window, covered_share, periods_of


@dataclass
class Quote:
    """A new tenant's break-even price [USD per MW-month], the MW-months it covers and where it
    would go.

    ``asked_mw_months`` [MW-month]: the contract's MW over its months inside the plan;
    ``mw_months`` [MW-month]: those the plan serves, over which the price is spread;
    ``contract_start_date`` / ``contract_end_date``: its window inside the plan (end exclusive);
    ``cost_of_serving_usd`` [USD]: the fall of the plan's margin; ``note``: one line saying what is
    priced. A tenant no capacity can take has ``break_even_usd_per_mw_month`` and
    ``cost_of_serving_usd`` None and ``unserved_reason`` saying why."""
    tenant: str
    break_even_usd_per_mw_month: float | None
    mw_months: float
    asked_mw_months: float
    contract_start_date: str
    contract_end_date: str
    renewable: bool
    cost_of_serving_usd: float | None
    placements: list  # {period, capacity_id, mw}
    displaced: list  # {period, tenant, mw} newly unserved elsewhere
    note: str = ""
    unserved_reason: str | None = None
    #: a tenant counted in GPUs: its break-even [USD per GPU-hour] and the GPU-hours served
    break_even_usd_per_gpu_hour: float | None = None
    gpu_hours: float = 0.0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def asked_mw_months(tenant, planning, periods) -> float:
    """The MW-months [MW-month] a contract asks inside the plan: its MW in each period (its ramp; a
    tenant counted in GPUs: its GPUs of the year x its first generation's all-in MW per GPU) times
    the hours of the period its window covers, over :data:`HOURS_PER_MONTH`."""
    window = contract_window(tenant, planning)
    per = unit_mw_of(tenant)
    return float(sum(tenant.units_in(p.year) * per * covered_share(window, p) * p.hours for p in periods)
                 / HOURS_PER_MONTH)


def _term_words(tenant, window, planning) -> str:
    """How the contract's window came about, for the note."""
    end = window[1].date().isoformat()
    if tenant.term_days and not tenant.renewable:
        return f"a {tenant.term_days:,}-day term, not renewed"
    if tenant.term_days:
        to = "its end date" if tenant.end is not None and tenant.end < planning.end else "the plan's end"
        return f"{tenant.term_days:,}-day terms renewed to {to} ({end})"
    return "no term: to its end date" if tenant.end is not None and tenant.end < planning.end else \
        "no term: to the plan's end"


def quote(scenario, new_tenant, *, device: str = "auto", allow_large: bool = False,
          method: str = "horizon") -> Quote:
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
    method : {'horizon', 'rolling'}
        How both plans are solved (:data:`placement.plan.METHODS`): the whole-horizon program (the
        default; the cost of serving is then the fall of the optimal margin) or period by period.

    Returns
    -------
    Quote
        Break-even price [USD per MW-month], the MW-months asked and served [MW-month], the
        contract's window, cost of serving [USD of margin], placements, the demand it displaces
        and a one-line note; a tenant no capacity can take comes back with the reason
        (``unserved_reason``; price and cost None).

    Raises
    ------
    InputError
        Checked first, before any work: the arguments as for :func:`placement.plan` (messages
        ``quote: scenario...``), and ``new_tenant`` with the loader's tenant rules
        (:func:`~placement.plan.contract_checks.check_tenant`: ``quote: new_tenant.mw``; its capacity
        ids must be the scenario's, its ramp and notice inside the horizon). Then: a tenant of that
        id already in the scenario, or a tenant not active in any period of the horizon.
    """
    from placement.catalogs.validation import require_choice
    from placement.plan import METHODS, plan_by
    from placement.plan.assign import check_plan_arguments
    from placement.plan.contract_checks import check_tenant, check_tenant_horizon

    require_choice("quote", "method", method, METHODS)
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
    free = {"price_usd_per_gpu_hour": 0.0} if new_tenant.gpus else {"price_usd_per_mw_month": 0.0}
    forced = dataclasses.replace(new_tenant, tenant_class="internal", internal=True, evictable=False, **free)
    big = dataclasses.replace(planning, unserved_internal_usd_per_mw_month=1e9)
    window = contract_window(new_tenant, planning)
    if not any(active(window, p) and new_tenant.units_in(p.year) > 0 for p in periods_of(planning)):
        raise InputError("quote: new_tenant", "start", new_tenant.start, "the tenant is not active in the planning horizon")
    solver = {"values": False} if method == "horizon" else {}
    base_big = plan_by(method, dataclasses.replace(scenario, planning=big), device=device, allow_large=allow_large,
                       where="quote", **solver)
    with_new = plan_by(method, dataclasses.replace(scenario, planning=big), extra_tenants=[forced], device=device,
                       allow_large=allow_large, where="quote", **solver)
    asked = asked_mw_months(new_tenant, planning, base_big.periods)
    span = f"{window[0].date().isoformat()} to {window[1].date().isoformat()}"
    served = {layer.period.label: sum(mw for (key, _), mw in layer.placed.items() if key[0] == new_tenant.id)
              for layer in with_new.layers}
    placements = [{"period": r["period"], "capacity_id": r["capacity_id"], "mw": r["mw"]}
                  | ({"gpus": r["gpus"]} if "gpus" in r else {}) for r in with_new.rows if r["tenant"] == new_tenant.id]
    share = {p.label: covered_share(window, p) for p in with_new.periods}
    months = {p.label: p.months for p in with_new.periods}
    if new_tenant.gpus:  # MW-months of the GPUs' power, and GPU-hours
        mw_months = float(sum(r["mw"] * months[r["period"]] * share[r["period"]] for r in placements))
        gpu_hours = float(sum(served[p.label] * p.hours * share[p.label] for p in with_new.periods))
        asked = asked_mw_months(new_tenant, planning, base_big.periods)  # at its first generation's power
    else:
        mw_months = float(sum(served[p.label] * p.months * share[p.label] for p in with_new.periods))
        gpu_hours = 0.0
    common = dict(asked_mw_months=round(asked, 3), contract_start_date=window[0].date().isoformat(),
                  contract_end_date=window[1].date().isoformat(), renewable=bool(new_tenant.renewable))
    if not placements:
        reason = next((u["reason"] for layer in with_new.layers for u in unserved_of_layer(layer)
                       if u["tenant"] == new_tenant.id), "no capacity can take it")
        return Quote(new_tenant.id, None, 0.0, cost_of_serving_usd=None, placements=[], displaced=[],
                     note=f"cannot be served from {span}: {reason}", unserved_reason=reason, **common)
    cost = float(base_big.margin_usd - with_new.margin_usd)
    before = {(layer.period.label, u["tenant"]): u["mw"] for layer in base_big.layers for u in unserved_of_layer(layer)}
    displaced = [{"period": layer.period.label, "tenant": u["tenant"],
                  "mw": u["mw"] - before.get((layer.period.label, u["tenant"]), 0)}
                 for layer in with_new.layers for u in unserved_of_layer(layer)
                 if u["tenant"] != new_tenant.id and u["mw"] > before.get((layer.period.label, u["tenant"]), 0)]
    size = f"{new_tenant.gpus:,} GPUs" if new_tenant.gpus else f"{new_tenant.mw:,} MW"
    note = (f"prices {mw_months:,.1f} MW-months: {size}"
            f"{' (with its ramp)' if new_tenant.mw_by_year or new_tenant.gpus_by_year else ''} from {span} "
            f"({_term_words(new_tenant, window, planning)})")
    if new_tenant.gpus:
        note += f"; {gpu_hours:,.0f} GPU-hours"
    elif abs(mw_months - asked) > 1e-6 * max(asked, 1.0):
        note += (f"; the plan serves {mw_months:,.1f} of the {asked:,.1f} MW-months asked (a contract counts in "
                 f"a period when it covers the period's midpoint; capacity may be short)")
    return Quote(new_tenant.id, cost / mw_months, round(mw_months, 3), cost_of_serving_usd=cost,
                 placements=placements, displaced=displaced, note=note,
                 break_even_usd_per_gpu_hour=cost / gpu_hours if gpu_hours else None, gpu_hours=round(gpu_hours, 1),
                 **common)
