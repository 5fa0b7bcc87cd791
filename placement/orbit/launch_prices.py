"""Launch prices to low Earth orbit: reference prices by vehicle, and trajectories by year.

A trajectory (``catalogs/data/launch_trajectory.csv``) is a few published anchor points
(year, USD/kg) joined log-linearly: a learning curve with a steady growth of cumulative
mass launched makes the price fall by a constant factor per year between anchors. The
default trajectory, ``suncatcher``, runs from today's reusable Falcon 9 price (3,600 USD/kg,
2025) through the Suncatcher study's <= 200 USD/kg ten years on to Citi's ~100 USD/kg base case
five years after that; ``suncatcher_slow`` takes the study's slower case (~300 USD/kg).

The fall starts with a named event: the first year a heavy reusable vehicle sells launches at
its target price (``[parameters.orbit] heavy_reusable_year``). Until then the price stays at
today's (list prices rose from 2016 to 2026: ``catalogs/data/launch_prices.csv``); from then on
the trajectory's learning curve runs as published, shifted to start that year
(:func:`trajectory`). Reference prices by vehicle and year are in ``launch_prices.csv``.

References
----------
.. [1] Aguera y Arcas, B. et al. (2025/2026). Towards a future space-based, highly scalable AI
   infrastructure system design. arXiv:2511.19468, sec. 2.4 and 4.4.
.. [2] Citi GPS (2022). Space: The Dawn of a New Age.
"""
from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass

import numpy as np

from placement.catalogs import DATA_DIR
from placement.catalogs.validation import InputError, require_number

TRAJECTORY_CSV = DATA_DIR / "launch_trajectory.csv"
VEHICLE_PRICES_CSV = DATA_DIR / "launch_prices.csv"
#: The trajectory a scenario uses unless it names another.
DEFAULT_TRAJECTORY = "suncatcher"
#: What a customer pays today [USD/kg to LEO]: Falcon 9, reusable configuration, as the
#: Suncatcher study takes it (arXiv:2511.19468 sec. 4.4, citing SpaceX's Falcon 9 page, 2025).
TODAY_USD_PER_KG = 3600.0


@dataclass(frozen=True)
class Trajectory:
    """Published anchor points of one launch-price trajectory (years ascending)."""

    name: str
    years: np.ndarray
    usd_per_kg: np.ndarray
    sources: tuple

    @property
    def first_year(self) -> int:
        return int(self.years[0])

    @property
    def last_year(self) -> int:
        return int(self.years[-1])


@functools.lru_cache(maxsize=1)
def load_trajectories() -> dict:
    """Trajectory name -> :class:`Trajectory` from ``launch_trajectory.csv``."""
    rows = {}
    with open(TRAJECTORY_CSV, newline="") as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["trajectory"], []).append((int(r["year"]), float(r["usd_per_kg_leo"]), r["source"]))
    out = {}
    for name, pts in rows.items():
        pts.sort()
        out[name] = Trajectory(name, np.array([p[0] for p in pts], float), np.array([p[1] for p in pts]),
                               tuple(p[2] for p in pts))
    return out


def trajectory(name: str = DEFAULT_TRAJECTORY, where: str = "launch",
               heavy_reusable_year: int | None = None) -> Trajectory:
    """The named trajectory, its fall starting in ``heavy_reusable_year`` (module docstring): flat
    at its first anchor's price (today's) until that year, then its anchors shifted by
    ``heavy_reusable_year - first anchor year``. None or a year at or before the first anchor: the
    anchors as published. An :class:`InputError` names the known trajectories for an unknown one."""
    known = load_trajectories()
    if name not in known:
        raise InputError(where, "launch_trajectory", name, f"must be one of {', '.join(known)}")
    t = known[name]
    if heavy_reusable_year is None or heavy_reusable_year <= t.first_year:
        return t
    shift = float(heavy_reusable_year - t.first_year)
    note = (f"flat at the {t.first_year} price until {heavy_reusable_year}, the first year a heavy reusable "
            f"vehicle sells at its target ([parameters.orbit] heavy_reusable_year), then the published curve "
            f"shifted by {shift:g} years")
    return Trajectory(t.name, np.concatenate([[t.years[0]], t.years + shift]),
                      np.concatenate([[t.usd_per_kg[0]], t.usd_per_kg]), (note, *t.sources))


def launch_usd_per_kg(year, name: str = DEFAULT_TRAJECTORY, where: str = "launch",
                      heavy_reusable_year: int | None = None) -> float:
    """Launch price to LEO [USD/kg] in ``year`` on trajectory ``name`` (log-linear between anchors;
    its fall starting in ``heavy_reusable_year``, :func:`trajectory`).

    Parameters
    ----------
    year : float
        Calendar year (fractions allowed) within the trajectory's anchors.
    name : str
        Trajectory (``launch_trajectory.csv``).
    where : str
        What to name in an error (file or option).
    heavy_reusable_year : int, optional
        First year a heavy reusable vehicle sells at its target; the price is today's before it.

    Returns
    -------
    float
        Price [USD per kg to LEO].

    Raises
    ------
    InputError
        A year outside the trajectory's range, or an unknown trajectory.
    """
    t = trajectory(name, where, heavy_reusable_year)
    y = require_number(where, "launch_year", year, low=t.first_year, high=t.last_year)
    return float(np.exp(np.interp(y, t.years, np.log(t.usd_per_kg))))


def year_price_falls_to(usd_per_kg: float, name: str = DEFAULT_TRAJECTORY,
                        heavy_reusable_year: int | None = None) -> int | None:
    """First whole year the trajectory's price is at or below ``usd_per_kg``; None if never
    within its range."""
    t = trajectory(name, heavy_reusable_year=heavy_reusable_year)
    for y in range(t.first_year, t.last_year + 1):
        if launch_usd_per_kg(y, name, heavy_reusable_year=heavy_reusable_year) <= usd_per_kg * (1 + 1e-12):
            return y
    return None


def vehicle_prices() -> list[dict]:
    """Reference launch prices by vehicle and year (``launch_prices.csv``), with their sources."""
    out = []
    with open(VEHICLE_PRICES_CSV, newline="") as f:
        for r in csv.DictReader(f):
            price = r["usd_per_kg_leo"]
            out.append({"vehicle": r["vehicle"], "year": int(r["year"]),
                        "usd_per_kg_leo": float(price) if price else math.nan, "kind": r["kind"],
                        "approximate": r["approximate"] == "true", "source": r["source"]})
    return out


__all__ = ["Trajectory", "load_trajectories", "trajectory", "launch_usd_per_kg", "year_price_falls_to",
           "vehicle_prices", "TODAY_USD_PER_KG", "DEFAULT_TRAJECTORY"]
