"""Which site answers for which workload: training ranks by cost and time to power, inference by
the cost of a MWh that reaches its users within the latency SLO.

A training campus trains one model on the whole block: its users do not wait on each round trip,
so latency is free and the ranking is the levelized cost per IT MWh
(``lcoe_usd_per_mwh_it``, which already prices the months without power as lost rent), then the
months to power. An inference fleet answers users: a MWh spent where a user is beyond the SLO
serves nobody. Its cost is therefore priced per *useful* MWh,

    workload_cost = (lcoe + latency_penalty × rtt_ms_weighted) / pop_within_slo_fraction

[USD/MWh of IT energy serving demand within the SLO], with the same latency penalty
(USD/MWh per ms) and SLO the plan uses (``[assignment] latency_penalty_usd_per_mwh_per_ms``,
``[parameters.latency] slo_rtt_ms``). A site serving none of the demand within the SLO has no
finite inference cost (``None`` in JSON) and ranks after every site serving some: it can never
rank above one serving half of the demand.
"""
from __future__ import annotations

import math

import numpy as np

from placement.errors import InputError

#: The workloads a ranking answers for (``--workload``, a scenario's ``[workload] kind``).
WORKLOADS = ("training", "inference")


def check_workload(where: str, workload, field: str = "workload") -> str:
    """``workload`` if it is one of :data:`WORKLOADS`, else :class:`InputError` naming ``field``."""
    if not isinstance(workload, str) or workload not in WORKLOADS:
        raise InputError(where, field, workload, f"expected one of {', '.join(WORKLOADS)}")
    return workload


def workload_cost_usd_per_mwh_it(records: list[dict], workload: str, *,
                                 latency_penalty_usd_per_mwh_per_ms: float = 0.0) -> np.ndarray:
    """Cost per IT MWh for ``workload`` of each site record [USD/MWh_IT].

    ``training``: the levelized cost ``lcoe_usd_per_mwh_it``. ``inference``: the levelized cost
    plus the latency penalty [USD/MWh per ms] times the demand-weighted RTT [ms], divided by the
    share of demand within the SLO; ``inf`` where that share is zero.
    """
    check_workload("workload_cost_usd_per_mwh_it", workload)

    def column(name):
        return np.array([float(r[name]) for r in records], dtype=float)

    if workload == "training":
        return column("lcoe_usd_per_mwh_it")
    return workload_cost_of(column("lcoe_usd_per_mwh_it"), column("rtt_ms_weighted"),
                            column("pop_within_slo_fraction"), workload,
                            latency_penalty_usd_per_mwh_per_ms=latency_penalty_usd_per_mwh_per_ms)


def workload_cost_of(lcoe_usd_per_mwh_it, rtt_ms_weighted, pop_within_slo_fraction, workload: str, *,
                     latency_penalty_usd_per_mwh_per_ms: float = 0.0) -> np.ndarray:
    """:func:`workload_cost_usd_per_mwh_it` over arrays (a globe scan's cells) [USD/MWh_IT]."""
    check_workload("workload_cost_of", workload)
    lcoe = np.asarray(lcoe_usd_per_mwh_it, dtype=float)
    if workload == "training":
        return lcoe
    share = np.asarray(pop_within_slo_fraction, dtype=float)
    priced = lcoe + float(latency_penalty_usd_per_mwh_per_ms) * np.asarray(rtt_ms_weighted, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(share > 0.0, priced / np.where(share > 0.0, share, 1.0), np.inf)


def rank_sites(records: list[dict], workload: str, *, latency_penalty_usd_per_mwh_per_ms: float = 0.0) -> np.ndarray:
    """Indices of ``records`` best first for ``workload``.

    Training: by levelized cost, then months to power. Inference: by the cost of a MWh within the
    SLO, then the share within the SLO (larger first), then RTT, then levelized cost.
    """
    cost = workload_cost_usd_per_mwh_it(records, workload,
                                        latency_penalty_usd_per_mwh_per_ms=latency_penalty_usd_per_mwh_per_ms)
    ttp = np.array([float(r.get("time_to_power_months", 0.0)) for r in records], dtype=float)
    if workload == "training":
        return np.lexsort((ttp, cost))
    share = np.array([float(r["pop_within_slo_fraction"]) for r in records], dtype=float)
    rtt = np.array([float(r["rtt_ms_weighted"]) for r in records], dtype=float)
    lcoe = np.array([float(r["lcoe_usd_per_mwh_it"]) for r in records], dtype=float)
    return np.lexsort((ttp, lcoe, rtt, -share, cost))


def with_workload_cost(records: list[dict], workload: str, *,
                       latency_penalty_usd_per_mwh_per_ms: float = 0.0) -> list[dict]:
    """``records`` ranked for ``workload``, each with ``workload`` and ``workload_cost_usd_per_mwh_it``
    (``None`` where infinite) added."""
    cost = workload_cost_usd_per_mwh_it(records, workload,
                                        latency_penalty_usd_per_mwh_per_ms=latency_penalty_usd_per_mwh_per_ms)
    order = rank_sites(records, workload, latency_penalty_usd_per_mwh_per_ms=latency_penalty_usd_per_mwh_per_ms)
    out = []
    for i in order:
        c = float(cost[i])
        out.append({**records[i], "workload": workload,
                    "workload_cost_usd_per_mwh_it": c if math.isfinite(c) else None})
    return out


def build_next(records: list[dict], workload: str, *, latency_penalty_usd_per_mwh_per_ms: float = 0.0) -> dict | None:
    """The best site record for ``workload`` (with ``workload`` and ``workload_cost_usd_per_mwh_it``),
    or ``None`` when there are no records."""
    ranked = with_workload_cost(records, workload,
                                latency_penalty_usd_per_mwh_per_ms=latency_penalty_usd_per_mwh_per_ms)
    return ranked[0] if ranked else None


def ranked_scores(scores, workload: str, *, latency_penalty_usd_per_mwh_per_ms: float = 0.0):
    """Site scores (:class:`~placement.ground.sites.SiteScores`) ranked for ``workload``, with the
    per-row ``workload_cost_usd_per_mwh_it`` [USD/MWh_IT] in ``extra`` and ``workload`` in ``extra``."""
    import dataclasses

    records = scores.to_records()
    cost = workload_cost_usd_per_mwh_it(records, workload,
                                        latency_penalty_usd_per_mwh_per_ms=latency_penalty_usd_per_mwh_per_ms)
    order = rank_sites(records, workload, latency_penalty_usd_per_mwh_per_ms=latency_penalty_usd_per_mwh_per_ms)
    tagged = dataclasses.replace(scores, extra={**scores.extra, "workload_cost_usd_per_mwh_it": cost,
                                                "workload": np.full(len(records), workload)})
    return tagged.take(order)


def workload_records(scores) -> list[dict]:
    """``scores.to_records()`` with ``workload`` and ``workload_cost_usd_per_mwh_it`` (``None`` where
    infinite) added when ``scores`` came from :func:`ranked_scores`."""
    records = scores.to_records()
    if "workload_cost_usd_per_mwh_it" not in scores.extra:
        return records
    for r, w, c in zip(records, scores.extra["workload"], scores.extra["workload_cost_usd_per_mwh_it"]):
        r["workload"] = str(w)
        r["workload_cost_usd_per_mwh_it"] = round(float(c), 4) if math.isfinite(float(c)) else None
    return records
