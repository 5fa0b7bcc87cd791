"""PNG figures (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

import io

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, bbox_inches="tight")
    _pyplot().close(fig)
    return buf.getvalue()


FIELD_LABELS = {
    "lcoe_usd_per_mwh_it": "levelized cost [USD/MWh IT]",
    "power_cost_usd_per_mwh_it": "energy cost [USD/MWh IT]",
    "carbon_kg_per_mwh_it": "carbon [kg CO2/MWh IT]",
    "pue": "PUE [-]",
    "rtt_ms_weighted": "demand-weighted RTT [ms]",
    "water_l_per_mwh_it": "water [L/MWh IT]",
    "eclipse_fraction": "eclipse fraction [-]",
    "dark_fraction": "dark fraction [-]",
}


def label_of(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " "))


def site_map_png(scores, demand, *, field: str = "lcoe_usd_per_mwh_it", label_top: int = 12) -> bytes:
    """World map (equirectangular) of sites coloured by ``field``; grey dots are demand points
    sized by population, so the continents show without a coastline dataset."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(13, 6.5))
    size = 40.0 * np.sqrt(demand.population / demand.population.max())
    ax.scatter(demand.lon_deg, demand.lat_deg, s=size, c="0.82", linewidths=0, zorder=1)
    values = scores[field]
    sc = ax.scatter(scores["lon_deg"], scores["lat_deg"], c=values, cmap="viridis_r",
                    s=25 + 0.06 * scores["power_mw"], edgecolors="k", linewidths=0.6, zorder=3)
    cb = fig.colorbar(sc, ax=ax, shrink=0.8, pad=0.01)
    cb.set_label(label_of(field))
    order = np.argsort(values)
    for rank, i in enumerate(order[:label_top], start=1):
        ax.annotate(f"{rank}. {scores['id'][i]}", (scores["lon_deg"][i], scores["lat_deg"][i]),
                    xytext=(4, 4), textcoords="offset points", fontsize=8, zorder=4)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 80)
    ax.set_aspect("equal")
    ax.set_xlabel("longitude [deg]")
    ax.set_ylabel("latitude [deg]")
    ax.grid(color="0.9", linewidth=0.5)
    ax.set_title(f"Ground sites by {label_of(field)}; numbers = rank (marker size: power MW; grey: population)")
    return _png(fig)


def eclipse_season_png(shell_scores) -> bytes:
    """Minutes in Earth's shadow per orbit on each day, one line per shell (the eclipse seasons)."""
    import datetime as dt

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(12, 5.5))
    start = dt.datetime.fromisoformat(shell_scores.start_utc.replace("Z", ""))
    minutes = shell_scores.extra["day_eclipse_min_per_orbit"]
    days = [start + dt.timedelta(days=d) for d in range(minutes.shape[1])]
    for i, sid in enumerate(shell_scores["id"]):
        ax.plot(days, minutes[i], label=sid, linewidth=1.4)
    ax.set_ylabel("minutes in shadow per orbit (worst plane, daily mean)")
    ax.set_xlabel("date (UTC)")
    ax.set_title("Eclipse seasons by shell (penumbra weighted)")
    ax.grid(color="0.9")
    ax.legend(fontsize=8, ncol=2, loc="upper right")
    fig.autofmt_xdate()
    return _png(fig)


def globe_heatmap_png(result: dict, field: str, resolution_deg: float) -> bytes:
    """Heat map of a global scan: each land cell coloured by ``field`` (equirectangular)."""
    plt = _pyplot()
    nlat, nlon = int(round(180 / resolution_deg)), int(round(360 / resolution_deg))
    grid = np.full((nlat, nlon), np.nan)
    i = np.clip(((result["lat_deg"] + 90) / resolution_deg).astype(int), 0, nlat - 1)
    j = np.clip(((result["lon_deg"] + 180) / resolution_deg).astype(int), 0, nlon - 1)
    grid[i, j] = result[field]
    finite = np.isfinite(grid)
    lo, hi = (np.nanpercentile(grid[finite], [2, 98]) if finite.any() else (0, 1))
    fig, ax = plt.subplots(figsize=(13, 6.5))
    im = ax.imshow(grid, origin="lower", extent=(-180, 180, -90, 90), cmap="viridis_r", vmin=lo, vmax=hi,
                   interpolation="nearest")
    fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01).set_label(label_of(field))
    if finite.any():
        best = np.nanargmin(result[field])
        ax.plot(result["lon_deg"][best], result["lat_deg"][best], "r*", markersize=14)
        ax.annotate(f"best {result[field][best]:,.1f}", (result["lon_deg"][best], result["lat_deg"][best]),
                    xytext=(6, 6), textcoords="offset points", color="r")
    ax.set_xlabel("longitude [deg]")
    ax.set_ylabel("latitude [deg]")
    ax.set_title(f"Global land scan at {resolution_deg:g} deg: {label_of(field)} ({int(finite.sum()):,} cells)")
    return _png(fig)


def shell_sweep_png(result: dict, params: dict) -> bytes:
    """Eclipse fraction and levelized cost over altitude x LTAN (or inclination)."""
    plt = _pyplot()
    alts = np.array(params["altitudes_km"], float)
    if params.get("ltans"):
        second = [int(t[:2]) + int(t[3:]) / 60 for t in params["ltans"]]
        ylabel = "LTAN [h]"
    else:
        second = list(params["inclinations_deg"])
        ylabel = "inclination [deg]"
    shape = (len(alts), len(second))
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    for ax, field in zip(axes, ("eclipse_fraction", "lcoe_usd_per_mwh_it")):
        z = result[field].reshape(shape).T
        im = ax.pcolormesh(alts, second, z, shading="nearest", cmap="viridis_r")
        fig.colorbar(im, ax=ax).set_label(label_of(field))
        ax.set_xlabel("altitude [km]")
        ax.set_ylabel(ylabel)
        ax.set_title(label_of(field))
    fig.suptitle(f"Shell sweep: {len(alts)} altitudes x {len(second)} {'LTANs' if params.get('ltans') else 'inclinations'}")
    return _png(fig)
