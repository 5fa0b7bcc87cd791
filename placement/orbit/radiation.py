"""Total ionizing dose from the trapped radiation belts, and the hardware life it leaves.

The dose table (``catalogs/data/radiation_dose_model.csv``) gives the dose per year in silicon
at the centre of an aluminium sphere, for circular orbits at 400-35,786 km, inclinations 0, 30,
53 and 98 deg, behind 1-20 mm of Al, from the NASA AP-8 MIN / AE-8 MAX trapped-particle models
and SHIELDOSE-2 (the geometry SPENVIS reports; built by
:mod:`build_radiation_dose`). It is interpolated log-linearly in altitude
and log-shielding, linearly in inclination.

Its four inclination nodes miss the shape SPENVIS shows between them (the dose at 550 km peaks
near 70 deg, where a line from 53 to 82 deg effective runs 37 % low) and the table runs about 18 %
low on average against SPENVIS 4.6.11 at 550 km (Pfandzelter et al. 2023, ``radiation_dose.csv``).
So the dose is calibrated in LEO by the published runs (:func:`spenvis_calibration`): the ratio
SPENVIS / table at each published (inclination, shielding) point, its logarithm interpolated in
log-shielding at each published inclination and then linearly in inclination, applied in full up
to 1,000 km and fading out by 2,000 km (the runs are at 550 km; above the inner belt's lower edge
the table stands alone; approximate). The calibration's error at an inclination left out of it is
tested, and the Suncatcher study's ~150 rad/yr behind ~10 mm Al at 650 km dawn-dusk stays an
independent check.

A satellite's compute is retired when its accumulated dose reaches the hardware's tolerance:
the Suncatcher study saw HBM irregularities in Trillium TPUs after 2 krad(Si) (no hard failures
up to 15 krad), which is the default tolerance.

References
----------
.. [1] Vette, J. I. (1991). The AE-8 trapped electron model environment. NSSDC/WDC-A-R&S 91-24;
   Sawyer, D. M. & Vette, J. I. (1976). AP-8 trapped proton environment. NSSDC/WDC-A-R&S 76-06.
.. [2] Seltzer, S. M. (1994). Updated calculations for routine space-shielding radiation dose
   estimates: SHIELDOSE-2. NIST IR 5477.
.. [3] Aguera y Arcas, B. et al. (2025/2026). Towards a future space-based, highly scalable AI
   infrastructure system design. arXiv:2511.19468, sec. 2.3.
"""
from __future__ import annotations

import csv
import functools

import numpy as np

from placement.catalogs import DATA_DIR

DOSE_TABLE_CSV = DATA_DIR / "radiation_dose_model.csv"
PUBLISHED_DOSE_CSV = DATA_DIR / "radiation_dose.csv"
#: Altitudes [km] over which the SPENVIS calibration fades from full to none.
CALIBRATION_FULL_KM, CALIBRATION_NONE_KM = 1000.0, 2000.0
#: Smallest dose the table's logarithms use [krad/yr] (orbits that never meet trapped flux).
DOSE_FLOOR_KRAD_PER_YR = 1e-6


@functools.lru_cache(maxsize=1)
def dose_table():
    """(altitudes [km], effective inclinations [deg], shieldings [mm], log10 dose array
    (altitude, inclination, shielding)) of the bundled dose table."""
    rows = list(csv.DictReader(open(DOSE_TABLE_CSV, newline="")))
    alt = sorted({float(r["altitude_km"]) for r in rows})
    inc = sorted({float(r["inclination_deg"]) for r in rows})
    mm = sorted({float(r["shielding_mm_al"]) for r in rows})
    grid = np.full((len(alt), len(inc), len(mm)), np.nan)
    for r in rows:
        grid[alt.index(float(r["altitude_km"])), inc.index(float(r["inclination_deg"])),
             mm.index(float(r["shielding_mm_al"]))] = max(float(r["dose_krad_si_per_yr"]), DOSE_FLOOR_KRAD_PER_YR)
    if np.isnan(grid).any():
        raise ValueError(f"{DOSE_TABLE_CSV}: the table is not a full altitude x inclination x shielding grid")
    # an orbit at inclination i covers the same latitudes as one at 180 - i
    effective = [min(i, 180.0 - i) for i in inc]
    order = np.argsort(effective)
    return (np.array(alt), np.array(effective)[order], np.array(mm), np.log10(grid[:, order, :]))


def _effective_inclination(i):
    i = np.mod(np.asarray(i, float), 180.0)
    return np.minimum(i, 180.0 - i)


@functools.lru_cache(maxsize=1)
def spenvis_runs() -> tuple:
    """The published SPENVIS 4.6.11 runs at 550 km of ``radiation_dose.csv`` (rows naming SPENVIS,
    not flagged approximate): tuples (inclination [deg], shielding [mm], dose [krad/yr])."""
    rows = [r for r in csv.DictReader(line for line in open(PUBLISHED_DOSE_CSV, newline="")
                                      if not line.startswith("#"))]
    return tuple((float(r["inclination_deg"]), float(r["shielding_mm_al"]), float(r["dose_krad_si_per_yr"]))
                 for r in rows if "SPENVIS" in r["source"] and r["approximate"] == "false"
                 and float(r["altitude_km"]) == 550.0)


def spenvis_calibration(inclination_deg, shielding_mm_al, runs=None) -> np.ndarray:
    """Factor [-] the table's dose is multiplied by in LEO (module docstring): SPENVIS / table at
    the published runs (``runs``, default :func:`spenvis_runs`), log-interpolated in log-shielding
    at each published inclination, then linearly in effective inclination (clamped at the ends)."""
    nodes, curves = _calibration_curves(spenvis_runs() if runs is None else tuple(runs))
    i = np.atleast_1d(_effective_inclination(inclination_deg))
    s = np.log10(np.maximum(np.broadcast_to(np.asarray(shielding_mm_al, float), i.shape), 1e-3))
    log_ratio_at = np.vstack([np.interp(s, [p[0] for p in c], [p[1] for p in c]) for c in curves])
    if nodes.size == 1:
        return 10.0 ** log_ratio_at[0]
    j, w = _weights(nodes, i)
    k = np.arange(i.size)
    return 10.0 ** ((1 - w) * log_ratio_at[j, k] + w * log_ratio_at[j + 1, k])


@functools.lru_cache(maxsize=64)
def _calibration_curves(runs: tuple) -> tuple:
    """(effective inclinations [deg], per inclination the (log10 mm, log10 SPENVIS / table) points
    sorted by shielding) of the runs."""
    by_inc = {}
    for inc, mm, dose in runs:
        table = _table_dose(np.array([550.0]), np.array([inc]), mm)[0]
        by_inc.setdefault(float(_effective_inclination(inc)), []).append((np.log10(mm), np.log10(dose / table)))
    nodes = np.array(sorted(by_inc))
    return nodes, [sorted(by_inc[n]) for n in nodes]


def _weights(grid: np.ndarray, x: np.ndarray):
    """Indices and weights of linear interpolation on ``grid`` (clamped at its ends)."""
    x = np.clip(x, grid[0], grid[-1])
    j = np.clip(np.searchsorted(grid, x, side="right") - 1, 0, grid.size - 2)
    w = (x - grid[j]) / (grid[j + 1] - grid[j])
    return j, w


def dose_krad_per_yr(altitude_km, inclination_deg, shielding_mm_al=10.0) -> np.ndarray:
    """Total ionizing dose per year [krad(Si)/yr] in a circular orbit behind Al shielding: the
    table (:func:`_table_dose`) calibrated in LEO by the published SPENVIS runs (module docstring).

    Parameters
    ----------
    altitude_km : array_like
        Orbit altitude [km] (clamped to the table's 400-35,786 km).
    inclination_deg : array_like
        Inclination [deg]; i and 180 - i are treated alike (clamped to 0-82 deg effective in the
        table, 0-85 deg in the calibration).
    shielding_mm_al : float or array_like
        Aluminium shielding, spherical equivalent [mm] (clamped to 1-20 mm).

    Returns
    -------
    ndarray
        Dose [krad(Si) per year] from trapped protons and electrons (no solar protons or
        cosmic rays); approximate.
    """
    h = np.atleast_1d(np.asarray(altitude_km, float))
    i = np.broadcast_to(np.atleast_1d(np.asarray(inclination_deg, float)), h.shape)
    s = np.broadcast_to(np.asarray(shielding_mm_al, float), h.shape)
    fade = np.clip((CALIBRATION_NONE_KM - h) / (CALIBRATION_NONE_KM - CALIBRATION_FULL_KM), 0.0, 1.0)
    factor = spenvis_calibration(i, s) ** fade
    return _table_dose(h, i, s) * factor


def _table_dose(altitude_km, inclination_deg, shielding_mm_al=10.0) -> np.ndarray:
    """Total ionizing dose per year [krad(Si)/yr] in a circular orbit behind Al shielding.

    Parameters
    ----------
    altitude_km : array_like
        Orbit altitude [km] (clamped to the table's 400-35,786 km).
    inclination_deg : array_like
        Inclination [deg]; i and 180 - i are treated alike (clamped to 0-82 deg effective).
    shielding_mm_al : float or array_like
        Aluminium shielding, spherical equivalent [mm] (clamped to 1-20 mm).

    Returns
    -------
    ndarray
        Dose [krad(Si) per year] from trapped protons and electrons of the table alone.
    """
    alt, inc, mm, log_dose = dose_table()
    h = np.atleast_1d(np.asarray(altitude_km, float))
    i = np.atleast_1d(np.asarray(inclination_deg, float))
    i = np.minimum(np.mod(i, 180.0), 180.0 - np.mod(i, 180.0))
    s = np.broadcast_to(np.asarray(shielding_mm_al, float), h.shape)
    ja, wa = _weights(alt, h)
    ji, wi = _weights(inc, i)
    js, ws = _weights(np.log10(mm), np.log10(np.maximum(s, 1e-3)))
    out = np.zeros(h.shape)
    for di, fi in ((0, 1 - wi), (1, wi)):
        # log-linear in altitude and log-shielding (the dose spans decades); linear in
        # inclination, where a node can be near zero (an equatorial LEO misses the belts)
        log_at_node = np.zeros(h.shape)
        for da, fa in ((0, 1 - wa), (1, wa)):
            for ds, fs in ((0, 1 - ws), (1, ws)):
                log_at_node += fa * fs * log_dose[ja + da, ji + di, js + ds]
        out += fi * 10.0 ** log_at_node
    return out


__all__ = ["dose_krad_per_yr", "dose_table", "spenvis_calibration", "spenvis_runs", "DOSE_TABLE_CSV"]
