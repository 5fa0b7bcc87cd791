"""The planning calendar: periods (years, quarters or months, UTC) and what is active in each.

A tenant or a capacity counts in a period when it is active at the period's midpoint (so a
lease starting in May counts from the year it starts, or from Q2); money is prorated by the
hours of the period its contract actually covers. A capacity marked ``build`` comes online
when its site's time to power (:mod:`placement.ground.supply`) has passed, counted from the plan's
start; others from their ``online`` date (or 1 January of ``online_year``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Mean hours in a month (8,766 h per Julian year / 12).
HOURS_PER_MONTH = 730.5


@dataclass(frozen=True)
class Period:
    """One period of the plan: [start, end) in UTC."""

    index: int
    label: str
    start: dt.datetime
    end: dt.datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0

    @property
    def months(self) -> float:
        return self.hours / HOURS_PER_MONTH

    @property
    def midpoint(self) -> dt.datetime:
        return self.start + (self.end - self.start) / 2

    @property
    def year(self) -> int:
        return self.start.year


def periods_of(planning) -> list[Period]:
    """The periods of ``[planning]`` from 1 January of ``start_year`` to the end of ``end_year``:
    years (``2026``), quarters (``2026Q2``) or months (``2026-05``)."""
    out = []
    for year in range(planning.start_year, planning.end_year + 1):
        if planning.period == "year":
            out.append(Period(len(out), str(year), dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)))
        elif planning.period == "month":
            for m in range(1, 13):
                end = dt.datetime(year + 1, 1, 1) if m == 12 else dt.datetime(year, m + 1, 1)
                out.append(Period(len(out), f"{year}-{m:02d}", dt.datetime(year, m, 1), end))
        else:
            for q in range(4):
                start = dt.datetime(year, 3 * q + 1, 1)
                end = dt.datetime(year + 1, 1, 1) if q == 3 else dt.datetime(year, 3 * q + 4, 1)
                out.append(Period(len(out), f"{year}Q{q + 1}", start, end))
    return out


def contract_window(tenant, planning) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a tenant's contract within the horizon: its dates, a non-renewable term, or
    the horizon itself."""
    start = tenant.start or planning.start
    end = tenant.end or planning.end
    if tenant.term_days and not tenant.renewable:
        end = min(end, start + dt.timedelta(days=tenant.term_days))
    return max(start, planning.start), min(end, planning.end)


def covered_share(window: tuple, period: Period) -> float:
    """Share [0-1] of the period's hours inside ``window``."""
    lo, hi = max(window[0], period.start), min(window[1], period.end)
    return max((hi - lo).total_seconds(), 0.0) / (period.end - period.start).total_seconds()


def active(window: tuple, period: Period) -> bool:
    """True when ``window`` covers the period's midpoint."""
    return window[0] <= period.midpoint < window[1]


def capacity_window(spec, info, planning) -> tuple[dt.datetime, dt.datetime]:
    """[online, retire) of a capacity (module docstring)."""
    if spec.build:
        months = float(info.components.get("time_to_power_months", 0.0))
        online = planning.start + dt.timedelta(days=30.4375 * months)
    elif spec.online is not None:
        online = spec.online
    elif spec.online_year:
        online = dt.datetime(spec.online_year, 1, 1)
    else:
        online = dt.datetime(1900, 1, 1)
    return online, spec.retire or dt.datetime(2101, 1, 1)


def capacity_mw_in(spec, info, period: Period, planning=None, fleets: dict | None = None) -> int:
    """MW of a capacity in a period (GPUs for a GPU pool): its ramp (``mw_by_year``) or its size; a candidate campus
    (``build = true``) with no ramp of its own comes online along its supply's ramp, from first to
    full power (linear between them, at the period's midpoint). ``fleets``: a dict the pools of one
    period share, (site id, year) -> its fleet's GPUs by generation, so a fleet is counted once."""
    if getattr(info, "generation", None) and (spec.gpus or spec.gpus_by_year):  # a fleet's pool: the GPUs
        # it can promise in the period's year (a fitted pool follows the MW path below, in its GPUs)
        key = (info.site_id or spec.id, period.year)
        usable = fleets.get(key) if fleets is not None else None
        if usable is None:
            from placement.plan.gpus import GpuFleet

            start = planning.start_year if planning is not None else period.year
            usable = GpuFleet.of(spec, start).usable_gpus_in(period.year)
            if fleets is not None:
                fleets[key] = usable
        return int(usable.get(info.generation, 0))
    mw = info.mw
    for year in sorted(spec.mw_by_year):
        if year <= period.year:
            mw = spec.mw_by_year[year]
    first = info.components.get("time_to_power_months")
    full = info.components.get("time_to_full_power_months")
    if spec.build and not spec.mw_by_year and planning is not None and first is not None and full is not None:
        months = (period.midpoint - planning.start).days / 30.4375
        if months < first:
            return 0
        if full > first and months < full:
            mw = int(mw * (months - first) / (full - first))
    return int(mw)


def availability_in(spec, info, period: Period, planning) -> float:
    """Share of hours with full IT power [-] of a capacity in a period: a candidate campus
    (``build = true``) on a bridge has the bridge's until its grid is at full power (months from the
    plan's start, at the period's midpoint); every other capacity its lasting supply's."""
    if spec.build and info.bridge_until_months > 0 and planning is not None:
        months = (period.midpoint - planning.start).days / 30.4375
        if months < info.bridge_until_months:
            return info.bridge_availability
    return info.availability


def period_spans(periods: list[str], labels: list[str]) -> str:
    """``'2026-2029, 2031'``: the period labels ``periods``, consecutive runs of the plan's
    ``labels`` joined."""
    out, run = [], []
    order = {p: k for k, p in enumerate(labels)}
    for p in sorted(set(periods), key=order.__getitem__):
        if run and order[p] != order[run[-1]] + 1:
            out.append(run)
            run = []
        run.append(p)
    if run:
        out.append(run)
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in out)
