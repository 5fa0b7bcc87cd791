"""The sections of the report as blocks (:func:`placement.outputs.report.report_blocks` names the
block kinds): now (the first period), build next by workload, over the years, a one-period
assignment, a re-plan. Every figure carries the period it is for."""
from __future__ import annotations

import numpy as np

from placement.outputs.report_figures import millions, millions_adding_up
from placement.plan.multi_period import proof_text
from placement.plan.periods import period_spans

__all__ = ["now_blocks", "build_next_blocks", "over_the_years_blocks", "assignment_blocks", "replan_blocks"]

#: Rows of the "value of one more MW" table.
VALUE_ROWS = 5


def _tenant_order(scenario) -> dict:
    return {t.id: k for k, t in enumerate(getattr(scenario, "tenants", ()) or ())}


def now_blocks(doc: dict, money: list, scenario) -> list:
    """The first period, by name: served and unserved MW, margin, and its rows (tenant, capacity)."""
    if not money:
        return []
    first = money[0]
    label = first["label"]
    unserved = [u for u in doc.get("unserved") or [] if u.get("period") == label]
    short = "; ".join(f"{u['tenant']} {int(round(u['mw'])):,} MW" for u in unserved)
    blocks = [("h2", f"The plan now: {label}, the first period"),
              ("li", f"Served in {label}:", f"{first['served_mw']:,} MW of {first['demanded_mw']:,} MW demanded; "
                                            f"unserved {first['unserved_mw']:,} MW" + (f" ({short})" if short else "")),
              ("li", f"Margin in {label}:", f"{millions_adding_up([m['margin_usd'] for m in money])[0]:,} M USD on "
                                            f"{millions(first['revenue_usd']):,} M USD of revenue"
               + (f" (contracts {millions(first['rows_margin_usd']):,}; {_off_rows_label(doc)} "
                  f"{millions(first['off_rows_usd']):,} M USD)" if abs(first["off_rows_usd"]) >= 5e5 else ""))]
    order = _tenant_order(scenario)
    rows = sorted((r for r in doc.get("records") or [] if r.get("period") == label and r.get("capacity_id")),
                  key=lambda r: (order.get(r["tenant"], len(order)), str(r["tenant"]), str(r["capacity_id"])))
    table = []
    for k, r in enumerate(rows):
        same = k > 0 and rows[k - 1]["tenant"] == r["tenant"]
        table.append(["" if same else str(r["tenant"]), str(r["capacity_id"]), f"{int(round(r['mw'])):,}",
                      f"{millions(r.get('revenue_usd', 0.0)):,}", f"{millions(r.get('margin_usd', 0.0)):,}"])
    if table:
        blocks.append(("table", ["tenant", "capacity", f"MW in {label}", f"revenue {label} M USD",
                                 f"margin {label} M USD"], ["l", "l", "r", "r", "r"], table))
    blocks += _utilisation_blocks(doc, label)
    blocks += fleet_blocks(doc, label, scenario)
    return blocks


def fleet_blocks(doc: dict, label: str, scenario) -> list:
    """One line on the GPU fleets in the period: per fleet its GPUs by generation, its largest block of one
    generation that can be promised, and who runs there, training blocks (homogeneous) or mixed
    work; a fleet of mixed generations whose largest block is below every training block asked says
    so: it suits inference, not one training job."""
    from placement.plan.gpus import GpuFleet

    fleets = [c for c in getattr(scenario, "capacity", ()) if c.gpus or c.gpus_by_year]
    if not fleets:
        return []
    year = int(str(label)[:4])
    tenants = {t.id: t for t in scenario.tenants}
    blocks = [t.block_gpus or t.gpus for t in scenario.tenants if t.gpus and t.homogeneous]
    out = []
    for c in fleets:
        fleet = GpuFleet.of(c, scenario.planning.start_year)
        have = fleet.gpus_in(year)
        if not have:
            continue
        usable = fleet.usable_gpus_in(year)
        gen = max(usable, key=usable.get)
        who = sorted({r["tenant"] for r in doc.get("records") or []
                      if r.get("period") == label and str(r.get("capacity_id", "")).startswith(c.id + ":")})
        kinds = ", ".join(f"{w} ({'training block' if tenants.get(w) and tenants[w].homogeneous else 'mixed'})"
                          for w in who) or "nobody"
        text = (", ".join(f"{n:,} {g}" for g, n in have.items()) + f" ({fleet.it_mw(year):,.0f} MW of IT); largest "
                f"block of one generation {usable[gen]:,} {gen}; runs {kinds}")
        if len(have) > 1 and blocks and usable[gen] < min(blocks):
            text += (f". Mixed generations: no training block asked ({min(blocks):,} GPUs or more) fits, so it "
                     f"serves inference")
        out.append((c.id, text))
    if len(out) == 1:
        return [("li", f"GPU fleet {out[0][0]} in {label}:", out[0][1])]
    return [("li", f"GPU fleets in {label}:", "; ".join(f"{cid}: {text}" for cid, text in out))] if out else []


def _off_rows_label(doc: dict) -> str:
    """What the margin carries beside its records: migration, eviction, SLA credits, the GPU
    fleets' depreciation where there is any, and the capital (and GPUs) of built MW no tenant uses."""
    gpus = any(float(p.get("gpu_depreciation_usd") or 0) for p in doc.get("periods") or [] if isinstance(p, dict))
    return ("migration, eviction, SLA credits" + (", GPU fleets' depreciation" if gpus else "")
            + (", builds standing idle" if doc.get("builds") else ""))


def _utilisation_blocks(doc: dict, label: str) -> list:
    """One line: MW used of MW online per capacity in the period, and what is not online yet."""
    caps = [r for r in doc.get("capacity_values") or [] if r.get("period") == label and "capacity_mw" in r]
    if not caps:
        return []
    online = [f"{r['capacity_id']} {int(round(r.get('used_mw', 0))):,}/{int(round(r['capacity_mw'])):,}"
              + (f" ({int(r['used_gpus']):,}/{int(r['gpus']):,} GPUs)" if "gpus" in r else "")
              for r in sorted(caps, key=lambda r: (-float(r["capacity_mw"]), str(r["capacity_id"])))
              if float(r["capacity_mw"]) > 0]
    offline = sorted(str(r["capacity_id"]) for r in caps if float(r["capacity_mw"]) <= 0)
    text = "MW used/online: " + ", ".join(online) + (f"; not online yet: {', '.join(offline)}" if offline else "")
    return [("h2", f"Utilisation in {label}"), ("p", text)]


def _value_text(rec: dict, labels: list) -> str:
    if not rec.get("in_plan"):
        return "value of one more MW: not yet in the plan (not a capacity of this scenario)"
    first, peak = rec.get("value_first"), rec.get("value_peak")
    if first is None and peak is None:
        return "in the plan; no plan over the years in this run to value one more MW there"
    parts = []
    if first is not None:
        relief = f" (non-cash penalty relief {first[1]:+,.0f} beside it)" if first[1] else ""
        parts.append(f"{first[0]:,.0f} USD/MW-month in {labels[0]}{relief}")
    if peak is not None and (first is None or peak[2] != labels[0]) and peak[0] > (first[0] if first else -1):
        relief = f" (non-cash penalty relief {peak[1]:+,.0f} beside it)" if peak[1] else ""
        parts.append(f"peak {peak[0]:,.0f} in {peak[2]}{relief}")
    text = "value of one more MW there in the plan: " + ", ".join(parts)
    if peak is not None and peak[0] <= 0 and not peak[1]:
        text += f" (the plan would not use one more MW there in {labels[0]}-{labels[-1]})"
    return text


def _site_text(rec: dict, labels: list, start_year) -> str:
    name = f"{rec.get('id')} ({rec.get('name')})" if rec.get("name") else str(rec.get("id"))
    year = labels[0] if labels else start_year
    lcoe = float(rec.get("lcoe_usd_per_mwh_it", np.nan))
    if rec.get("workload") == "inference":
        cost = rec.get("workload_cost_usd_per_mwh_it")
        slo = rec.get("slo_rtt_ms")
        slo_text = f"the {slo:g} ms SLO" if isinstance(slo, (int, float)) else "the latency SLO"
        if cost is None:
            cost_text = f"no site serves demand within {slo_text}; best levelized cost {lcoe:,.0f} USD/MWh of IT energy"
        else:
            cost_text = (f"{cost:,.0f} USD per MWh of IT energy serving demand within {slo_text} "
                         f"(levelized {lcoe:,.0f} + {rec.get('latency_penalty_usd_per_mwh_per_ms', 0):g} "
                         f"USD/MWh per ms "
                         f"x {float(rec.get('rtt_ms_weighted', 0)):,.0f} ms RTT, over "
                         f"{float(rec.get('pop_within_slo_fraction', 0)):.0%} of demand within the SLO), "
                         f"for capacity brought into use in {year}")
    else:
        cost_text = f"{lcoe:,.0f} USD/MWh of IT energy levelized, for capacity brought into use in {year}"
    ttp = rec.get("time_to_power_months")
    supply = str(rec.get("supply_option") or "").replace("_", " ")
    power = (f"first power {rec['first_power']} ({float(ttp):.0f} months after the plan starts"
             + (f", {supply})" if supply else ")")) if rec.get("first_power") and ttp is not None else \
        (f"power in {float(ttp):.0f} months" if ttp is not None else "time to power unknown")
    return f"{name}: {cost_text}; {power}; {_value_text(rec, labels)}"


def reliability_blocks(site_scores, scenario, doc: dict | None) -> list:
    """One line on power reliability: the scenario's least available campus against its most
    available grid campus (with its backup; any campus when none is on the grid), and where tenants
    with an uptime target run."""
    if site_scores is None or not len(site_scores) or not getattr(scenario, "capacity", None):
        return []
    ids = list(site_scores["id"])
    mine = [c.id for c in scenario.capacity if c.id in ids]
    if not mine:
        return []
    rows = {cid: ids.index(cid) for cid in mine}
    avail = {cid: float(site_scores["power_availability"][i]) for cid, i in rows.items()}
    from placement.catalogs.power_supply import load_supply_options

    options = load_supply_options()
    on_grid = [cid for cid in mine if options[str(site_scores["supply_option"][rows[cid]])].kind == "grid"]
    low, high = min(mine, key=avail.get), max(on_grid or mine, key=avail.get)

    def campus(cid):
        i = rows[cid]
        return (f"{cid} ({site_scores['supply_mix'][i]}) has full power {100 * avail[cid]:.2f} % of hours "
                f"({float(site_scores['expected_outage_h_per_yr'][i]):,.1f} h/yr short)")

    text = campus(low) + (f", against {100 * avail[high]:.3f} % at {high} ({site_scores['supply_mix'][rows[high]]})"
                          if high != low else "")
    used = {}
    for r in (doc or {}).get("records", []):
        used.setdefault(r["tenant"], set()).add(r["capacity_id"])
    for t in scenario.tenants:
        if t.uptime_target is None:
            continue
        where = sorted(used.get(t.id, ()))
        below = [cid for cid in mine if avail[cid] < t.uptime_target]
        others = f" or {len(below) - 1} other campus{'es' if len(below) > 2 else ''}" if len(below) > 1 else ""
        text += (f"; {t.id} needs {100 * t.uptime_target:.3f} % and runs on {', '.join(where) or 'nothing'}"
                 + (f", never on {min(below, key=avail.get)}{others} below its target" if below else ""))
    labels = [p["label"] for p in (doc or {}).get("periods", [])]
    span = f"{labels[0]}-{labels[-1]}" if len(labels) > 1 else (labels[0] if labels else "")
    return [("li", f"Power{', ' + span if span else ''}:", text)]


def build_next_blocks(recs: list, scenario, shell_scores, doc: dict | None, labels: list) -> list:
    """One "build next" line per workload, then orbit against ground."""
    planning = getattr(scenario, "planning", None)
    blocks = [("h2", "Where to build next, by workload")]
    # the plan's own build decisions first (the whole-horizon plan decides whether, when and how much)
    builds = (doc or {}).get("builds") or []
    if builds:
        blocks.append(("li", "The plan builds:", "; ".join(
            f"{b['capacity_id']} {round(b['mw']):,} MW"
            + (f" ({b['gpus']:,} {b['generation']})" if "gpus" in b else "")
            + f" from {b['period']} (capital {millions(float(b['capital_usd'])):,} M USD)"
            for b in builds) + f", committed from then to {labels[-1] if labels else 'the end'}, used or not"))
    if not recs:
        blocks.append(("li", "", "no site scores in this run (placement run or placement sites rank them)"))
    for rec in recs:
        blocks.append(("li", f"Build next for {rec['workload']}:",
                       _site_text(rec, labels, getattr(planning, "start_year", ""))))
    if doc and doc.get("orbit_outlook"):
        blocks.append(("li", "Orbit:", f"first carries load in {doc['orbit_outlook']}"
                       if doc.get("orbit_first_period") else str(doc["orbit_outlook"])))
    elif shell_scores is not None and len(shell_scores) and recs:
        best = shell_scores.order_by("lcoe_usd_per_mwh_it").head(1)
        orbit = float(best["lcoe_usd_per_mwh_it"][0])
        ground = min(float(r["lcoe_usd_per_mwh_it"]) for r in recs)
        blocks.append(("li", "Orbit or ground:", f"the best shell, {best['id'][0]}, comes to {orbit:,.0f} USD/MWh "
                                                 f"at the launch price it was scored with, against {ground:,.0f} on "
                                                 f"the ground ({orbit / ground:,.1f}x)"))
    return blocks


def _unserved_groups(doc: dict) -> list:
    out = {}
    for u in doc.get("unserved") or []:
        rec = out.setdefault((u["tenant"], u.get("reason", "")), {"tenant": u["tenant"], "reason": u.get("reason", ""),
                                                                  "periods": [], "mw": 0})
        rec["periods"].append(u["period"])
        rec["mw"] = max(rec["mw"], int(u["mw"]))
    return list(out.values())


def over_the_years_blocks(doc: dict, money: list, values: dict, scenario) -> list:
    """The headline margin (the sum of the period margins shown), the periods, unserved demand and
    why, the value of one more MW, who goes where and when."""
    labels = [m["label"] for m in money]
    if not labels:
        return []
    span = f"{labels[0]}-{labels[-1]}"
    shown = millions_adding_up([m["margin_usd"] for m in money])
    blocks = [("h2", f"Over the years, {span}")]
    price = getattr(getattr(scenario, "planning", None), "internal_price_usd_per_mw_month", None)
    internal = [t for t in getattr(scenario, "tenants", ()) or () if t.tenant_class == "internal"]
    valued = ([f"counted in MW at {price:,.0f} USD per MW-month"] if price and any(not t.gpus for t in internal) else []) \
        + (["counted in GPUs at its generation's market price in the year"] if any(t.gpus for t in internal) else [])
    blocks.append(("li", f"Margin {span}:", f"{sum(shown):,} M USD, the sum of the period margins below (each rounded so they add up), on "
                                            f"{sum(millions(m['revenue_usd']) for m in money):,} M USD of revenue"
                   + (f" (in-house work valued {', and '.join(valued)})" if valued else "")
                   + "; solved " + proof_text(doc.get("method", "rolling"), float(doc.get("optimality_gap_usd", 0)),
                                              bool(doc.get("optimal")))))
    total = doc.get("margin_usd")
    if total is not None and abs(float(total) - sum(m["margin_usd"] for m in money)) >= 5e5:
        blocks.append(("li", "Check:", f"the plan's own total (plan_periods.json margin_usd) is "
                                       f"{millions(float(total)):,} M USD, not the sum of its periods"))

    blocks += [("li", f"Expelled in {e['period']}:", f"{e['tenant']} ({int(e['mw']):,} MW)")
               for e in doc.get("evictions") or []]
    off = any(abs(m["off_rows_usd"]) >= 5e5 for m in money)
    headers = ["period", "served MW", "unserved MW", "revenue M USD", "margin M USD"]
    rows = [[m["label"], f"{m['served_mw']:,}", f"{m['unserved_mw']:,}", f"{millions(m['revenue_usd']):,}",
             f"{s:,}"] + ([f"{millions(m['off_rows_usd']):,}"] if off else []) for m, s in zip(money, shown)]
    if off:
        headers.append(f"of which {_off_rows_label(doc)} M USD")
    blocks.append(("table", headers, ["l"] + ["r"] * (len(headers) - 1), rows))
    if values:
        blocks += _value_blocks(values, labels, span)
    groups = _unserved_groups(doc)
    if groups:
        blocks.append(("h2", "Unserved, and why"))
        blocks += [("li", f"{g['tenant']}",
                    f"{period_spans(g['periods'], labels)}, up to {g['mw']:,} MW: {g['reason']}") for g in groups]
    blocks.append(("h2", "Who goes where, and when"))
    where = {}
    for r in doc.get("records") or []:
        if r.get("capacity_id") and r.get("mw", 0) > 0:
            where.setdefault(r["tenant"], {}).setdefault(r["capacity_id"], []).append(r["period"])
    for t in getattr(scenario, "tenants", ()) or ():
        text = "; ".join(f"{cid} {period_spans(ps, labels)}" for cid, ps in where.get(t.id, {}).items())
        blocks.append(("li", f"{t.id}", f"({t.tenant_class}): {text or 'never served'}"))
    return blocks


def _value_blocks(values: dict, labels: list, span: str) -> list:
    ranked = []
    for cid, by_period in values.items():
        v = [by_period[p][0] for p in labels if p in by_period]
        if not v:
            continue
        peak = max((p for p in labels if p in by_period), key=lambda p: by_period[p][0])
        ranked.append((float(np.mean(v)), cid, by_period.get(labels[0], (None, None))[0], by_period[peak][0], peak,
                       by_period[peak][1]))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    with_relief = any(r[5] is not None for r in ranked)
    headers = ["capacity", f"in {labels[0]}", f"mean {span}", "peak", "peak in"] + \
        (["non-cash penalty relief at peak"] if with_relief else [])
    rows = [[cid, "—" if first is None else f"{first:,.0f}", f"{mean:,.0f}", f"{peak:,.0f}", peak_in]
            + (["—" if relief is None else f"{relief:,.0f}"] if with_relief else [])
            for mean, cid, first, peak, peak_in, relief in ranked[:VALUE_ROWS]]
    return [("h3", "Value of one more MW, by capacity (USD per MW-month)"),
            ("table", headers, ["l", "r", "r", "r", "l"] + (["r"] if with_relief else []), rows)]


def _objective_text(plan, problem) -> str:
    """The objective is cost plus the penalties that steer the solver; each in USD/h."""
    cents = 100.0
    n_c = len(problem.capacity_ids)
    codes = problem.arc_demand * n_c + problem.arc_capacity
    order = np.argsort(codes)
    served = np.zeros(len(problem.demands), dtype=np.int64)
    assigned = 0.0
    for (key, cid), mw in plan.demand_flows.items():
        i, j = problem.demand_index[key], problem.capacity_index[cid]
        k = order[np.searchsorted(codes[order], i * n_c + j)]
        assigned += mw * int(problem.arc_weight[k]) / cents
        served[i] += mw
    latency = assigned - plan.total_cost_usd_per_h
    unserved = float(((problem.demand_mw - served) * problem.unserved_weight).sum()) / cents
    migration = plan.objective_cents_per_h / cents - assigned - unserved
    parts = [f"capacity cost {plan.total_cost_usd_per_h:,.0f}"]
    if abs(latency) >= 0.5:
        parts.append(f"latency penalties {latency:,.0f}")
    if unserved >= 0.5:
        parts.append(f"unserved-demand penalties {unserved:,.0f} (priorities, not cash)")
    if abs(migration) >= 0.5:
        parts.append(f"migration {migration:,.0f}")
    return (f"{plan.objective_cents_per_h / cents:,.0f} USD/h = " + " + ".join(parts)
            + f" ({'proven optimal' if plan.optimal else 'best found; search limit reached'}; relaxation bound "
              f"{plan.lower_bound_cents_per_h / cents:,.0f} USD/h)")


def assignment_blocks(plan, problem, scenario) -> list:
    """A one-period assignment (no plan over the years): capacity online by the horizon year."""
    year = scenario.assignment.horizon_year
    mwh = plan.total_cost_usd_per_h / max(plan.served_mw, 1)
    blocks = [("h2", f"The plan for {year} (capacity online by then)"),
              ("li", f"Served in {year}:", f"{plan.served_mw:,} MW of {plan.served_mw + plan.unserved_mw:,} MW "
                                           f"demanded; unserved {plan.unserved_mw:,} MW"),
              ("li", f"Cost in {year}:", f"{plan.total_cost_usd_per_h:,.0f} USD/h ({mwh:,.1f} USD per MWh of IT on "
                                         f"average; {plan.total_cost_usd_per_h * 8760 / 1e9:,.2f} bn USD a year)"),
              ("li", f"Objective in {year}:", _objective_text(plan, problem))]
    blocks += [("li", "Unserved:", str(u["reason"])) for u in plan.unserved]
    rows = []
    for t in scenario.tenants:
        for k, a in enumerate([a for a in plan.assignments if a["tenant"] == t.id] or [None]):
            head = [t.id, f"{t.mw:,}"] if k == 0 else ["", ""]
            if a is None:
                rows.append(head + ["—", "0", "", "", ""])
            else:
                rtt = "—" if a["rtt_ms"] is None else f"{a['rtt_ms']:.1f}"
                rows.append(head + [a["capacity_id"], f"{a['mw']:,}", rtt, f"{a['cost_usd_per_mwh_it']:.1f}",
                                    f"{a['carbon_kg_per_mwh_it']:.0f}"])
    blocks.append(("table", ["tenant", "demand MW", "capacity", f"MW in {year}", "RTT ms", "USD/MWh",
                             "kg CO2/MWh"], ["l", "r", "l", "r", "r", "r", "r"], rows))
    return blocks


def replan_blocks(changes: dict, scenario) -> list:
    """What a re-plan after a failure or an eviction changed."""
    from placement.plan.explain import shortfall_text

    newly = "; ".join(shortfall_text(u) for u in changes["newly_unserved"]) or "none"
    return [("h2", "What changed in the re-plan"),
            ("li", "Failed:", f"{', '.join(changes['failed']) or '—'}; "
                              f"evicted: {', '.join(changes['evicted']) or '—'}"),
            ("li", "Moved:", f"{changes['moved_mw']:,} MW; freed {changes['freed_mw']:,} MW; cost change "
                             f"{changes['cost_delta_usd_per_h']:+,.0f} USD/h"),
            ("li", "Newly unserved:", newly)]
