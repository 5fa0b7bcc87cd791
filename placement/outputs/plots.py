"""PNG figures (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

import datetime as dt
import io

import numpy as np

from placement.outputs.basemap import draw_basemap
from placement.outputs.map_labels import mark_true_places, place_labels, spread_labels, spread_on_axes  # noqa: F401
from placement.outputs.map_layers import demand_dots

#: Globe fields where more is better (the heat map's colours and its "best" marker turn around).
HIGHER_IS_BETTER = ("power_availability",)


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
    "workload_cost_usd_per_mwh_it": "cost for the workload [USD/MWh IT]",
}


def label_of(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " "))


# --- layout and labels --------------------------------------------------------------------------

MAP_LAT = (-60.0, 80.0)


def _map_figure(plt, *, lat=MAP_LAT, map_width_in: float = 11.0, side_in: float = 0.0, title_lines: int = 2,
                colourbar: bool = True):
    """A figure with an equal-aspect lon/lat map axes sized to its extent (so nothing is squeezed),
    a horizontal colour-bar axes under it (clear of the title) and an optional text panel to
    the right. Returns (fig, ax, cax or None, side axes or None)."""
    map_h = map_width_in * (lat[1] - lat[0]) / 360.0
    left, right = 0.75, 0.3 + side_in
    top = 0.25 + 0.25 * title_lines
    bottom = 0.55 + (0.7 if colourbar else 0.0)
    w, h = left + map_width_in + right, bottom + map_h + top
    fig = plt.figure(figsize=(w, h))
    ax = fig.add_axes((left / w, bottom / h, map_width_in / w, map_h / h))
    ax.set_xlim(-180, 180)
    ax.set_ylim(*lat)
    ax.set_aspect("equal")
    ax.set_xticks(np.arange(-180, 181, 30))
    ax.set_yticks(np.arange(-90, 91, 30)[(np.arange(-90, 91, 30) >= lat[0]) & (np.arange(-90, 91, 30) <= lat[1])])
    ax.set_xlabel("longitude [deg]")
    ax.set_ylabel("latitude [deg]")
    ax.grid(color="0.85", linewidth=0.4, alpha=0.6, zorder=0.8)
    ax.set_axisbelow(False)
    cax = None
    if colourbar:
        cax = fig.add_axes(((left + 0.2 * map_width_in) / w, 0.4 / h, 0.6 * map_width_in / w, 0.14 / h))
    side = None
    if side_in:
        side = fig.add_axes(((left + map_width_in + 0.3) / w, bottom / h, (side_in - 0.1) / w, map_h / h))
        side.set_axis_off()
    return fig, ax, cax, side


def series_styles(n: int) -> list[dict]:
    """``n`` line styles, no two alike: the ten tab10 colours, then the same with dashed,
    dash-dot and dotted lines, then with markers."""
    import matplotlib

    colours = matplotlib.colormaps["tab10"].colors
    lines = ["-", "--", "-.", ":"]
    markers = [None, "o", "s", "^", "v", "D", "x", "+"]
    out = []
    for i in range(n):
        c, rest = i % 10, i // 10
        style = dict(color=colours[c], linestyle=lines[rest % 4])
        m = markers[(rest // 4) % len(markers)]
        if m:
            style.update(marker=m, markevery=0.1, markersize=4)
        out.append(style)
    return out


def _clip_extend(values, lo: float, hi: float) -> str:
    """The colour-bar ``extend`` that marks values beyond the colour range [lo, hi]."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    below, above = bool(v.size and v.min() < lo), bool(v.size and v.max() > hi)
    return "both" if below and above else "min" if below else "max" if above else "neither"


def _fmt(v: float) -> str:
    """About four significant digits, thousands separated: 297.2, 1.123, 12,345."""
    if not np.isfinite(v) or v == 0:
        return f"{v:g}"
    return f"{v:,.{int(np.clip(3 - np.floor(np.log10(abs(v))), 0, 3))}f}"


# --- figures ------------------------------------------------------------------------------------

def site_map_png(scores, demand, *, field: str = "lcoe_usd_per_mwh_it", label_top: int = 12) -> bytes:
    """World map (equirectangular, Natural Earth 1:110m outlines) of sites coloured by ``field``;
    grey dots are the scenario's demand points (``demand``'s weights: its regions only), sized by
    their share. Sites too close to tell apart are drawn moved apart, a thin line back to each true
    place. The best ``label_top`` sites (lowest ``field``) are numbered on the map and listed with
    their values at the side."""

    plt = _pyplot()
    fig, ax, cax, side = _map_figure(plt, side_in=2.6)
    draw_basemap(ax)
    dots = demand_dots(demand)
    if dots["weight"].size:
        ax.scatter(dots["lon_deg"], dots["lat_deg"], s=40.0 * np.sqrt(dots["weight"] / dots["weight"].max()),
                   c="0.6", alpha=0.45, linewidths=0, zorder=1, gid="demand")
    values = np.asarray(scores[field], float)
    lon, lat = np.asarray(scores["lon_deg"], float), np.asarray(scores["lat_deg"], float)
    msize = 25 + 0.06 * np.asarray(scores["power_mw"], float)
    radius_pt = np.sqrt(msize) / 2
    lon_s, lat_s, moved = spread_on_axes(ax, lon, lat, radius_pt)
    mark_true_places(ax, lon, lat, lon_s, lat_s, moved)
    draw = np.argsort(-msize, kind="stable")  # big markers first
    sc = ax.scatter(lon_s[draw], lat_s[draw], c=values[draw], cmap="viridis_r", s=msize[draw], edgecolors="k",
                    linewidths=0.6, zorder=3, gid="sites")
    cb = fig.colorbar(sc, cax=cax, orientation="horizontal")
    cb.set_label(label_of(field))
    ok = np.flatnonzero(np.isfinite(values))
    order = ok[np.argsort(values[ok], kind="stable")]
    top = order[:max(int(label_top), 0)]
    place_labels(ax, lon_s[top], lat_s[top], [f"{r}. {scores['id'][i]}" for r, i in enumerate(top, start=1)],
                 marker_radius_pt=radius_pt[top], others=(lon_s, lat_s, radius_pt))
    ax.set_title(f"Ground sites by {label_of(field)}\n"
                 f"numbers: rank, 1 = lowest; marker size: power [MW]; grey dots: the scenario's demand",
                 fontsize=11)
    listed = top[:30]  # what fits beside the map
    lines = [f"Top {len(listed)} of {len(values)} by", label_of(field), ""]
    width = max([len(str(scores["id"][i])) for i in listed] + [8])
    lines += [f"{r:>2}. {str(scores['id'][i]):<{width}} {_fmt(values[i]):>8}" for r, i in enumerate(listed, start=1)]
    rest = len(values) - len(top)
    if len(listed) < len(top):
        lines += ["", f"ranks {len(listed) + 1}-{len(top)}: on the map"]
    if rest:
        lines += ["", f"{rest} more site{'s' if rest > 1 else ''} unlabelled", "(all in sites.csv)"]
    side.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=8,
              transform=side.transAxes)
    return _png(fig)


def eclipse_season_figure(shell_scores):
    """The eclipse-season chart as a matplotlib figure (see :func:`eclipse_season_png`)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(13, 5.5))
    start = dt.datetime.fromisoformat(shell_scores.start_utc.replace("Z", ""))
    minutes = shell_scores.extra["day_eclipse_min_per_orbit"]
    days = [start + dt.timedelta(days=d) for d in range(minutes.shape[1])]
    ids = list(shell_scores["id"])
    for sid, style, row in zip(ids, series_styles(len(ids)), minutes):
        ax.plot(days, row, label=sid, linewidth=1.4, **style)
    ax.set_ylabel("minutes in shadow per orbit\n(worst plane, daily mean)")
    ax.set_xlabel("date (UTC)")
    ax.set_title("Eclipse seasons by shell (penumbra weighted)")
    ax.grid(color="0.9")
    ax.legend(fontsize=8, ncol=1 if len(ids) <= 22 else 2, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              borderaxespad=0.0, title="shell", title_fontsize=8)
    fig.autofmt_xdate()
    return fig


def eclipse_season_png(shell_scores) -> bytes:
    """Minutes in Earth's shadow per orbit on each day, one line per shell (the eclipse seasons)."""
    return _png(eclipse_season_figure(shell_scores))


def globe_heatmap_png(result: dict, field: str, resolution_deg: float) -> bytes:
    """Heat map of a global scan: each land cell coloured by ``field`` (equirectangular, with
    Natural Earth 1:110m coastlines and borders). The colours span the 2nd-98th percentile of the
    sourced cells; the colour bar's arrows mark the clipped values beyond. Cells flagged
    ``approximate`` in ``result`` (a cost figure is only a global default there,
    :data:`placement.batch.GLOBE_FLAGS`) are faded and hatched, and the best cell is marked among
    the others, so a corner of the world without sourced figures cannot top the map by omission."""

    plt = _pyplot()
    nlat, nlon = int(round(180 / resolution_deg)), int(round(360 / resolution_deg))
    grid = np.full((nlat, nlon), np.nan)
    i = np.clip(((result["lat_deg"] + 90) / resolution_deg).astype(int), 0, nlat - 1)
    j = np.clip(((result["lon_deg"] + 180) / resolution_deg).astype(int), 0, nlon - 1)
    grid[i, j] = result[field]
    flagged = np.asarray(result.get("approximate", np.zeros(result[field].size)), dtype=float) > 0.5
    # climate, latency and daylight do not depend on the place's market figures
    flagged &= field not in ("pue", "water_l_per_mwh_it", "rtt_ms_weighted", "pop_within_slo_fraction",
                             "dark_fraction", "longest_dark_h")
    rough = np.zeros((nlat, nlon), dtype=bool)
    rough[i, j] = flagged
    finite = np.isfinite(grid)
    sourced = finite & ~rough
    basis = grid[sourced] if sourced.any() else grid[finite]
    lo, hi = (np.nanpercentile(basis, [2, 98]) if basis.size else (0, 1))
    fig, ax, cax, _ = _map_figure(plt, lat=(-90.0, 90.0), map_width_in=11.0, title_lines=1)
    draw_basemap(ax, zorder=0.2, line_zorder=2, coast="0.25", border="0.45", linewidth=0.5)
    # a cost within the SLO divides by the share of demand served, so it spans decades: log colours
    logarithmic = field == "workload_cost_usd_per_mwh_it" and lo > 0 and hi > 10 * lo
    if logarithmic:
        from matplotlib.colors import LogNorm

        scale = dict(norm=LogNorm(vmin=lo, vmax=hi))
    else:
        scale = dict(vmin=lo, vmax=hi)
    # low is good for the costs, months and outage hours; for availability high is
    cmap = "viridis" if field in HIGHER_IS_BETTER else "viridis_r"
    im = ax.imshow(grid, origin="lower", extent=(-180, 180, -90, 90), cmap=cmap, interpolation="nearest",
                   zorder=1, **scale)
    if rough.any():  # approximate cells: faded under a white veil, hatched
        veil = np.zeros((nlat, nlon, 4))
        veil[rough] = (1.0, 1.0, 1.0, 0.65)
        ax.imshow(veil, origin="lower", extent=(-180, 180, -90, 90), interpolation="nearest", zorder=1.1)
        lat_c = -90 + (np.arange(nlat) + 0.5) * resolution_deg
        lon_c = -180 + (np.arange(nlon) + 0.5) * resolution_deg
        ax.contourf(lon_c, lat_c, rough.astype(float), levels=[0.5, 1.5], colors="none", hatches=["////"],
                    zorder=1.2)
        from matplotlib.patches import Patch

        ax.add_artist(ax.legend(handles=[Patch(facecolor="white", edgecolor="0.3", hatch="////",
                                               label=f"approximate: no sourced price, carbon, capex, grid queue or grid reliability "
                                                     f"({int(flagged.sum()):,} cells)")],
                                loc="lower left", fontsize=8, framealpha=0.85))
    extend = _clip_extend(basis, lo, hi)
    cb = fig.colorbar(im, cax=cax, orientation="horizontal", extend=extend)
    clipped = "" if extend == "neither" else "; colours clipped to the 2nd-98th percentile, arrows: beyond"
    cb.set_label(label_of(field) + (", log scale" if logarithmic else "") + clipped)
    ranked = np.where(flagged, np.nan, np.asarray(result[field], dtype=float))
    if np.isfinite(ranked).any():
        best = np.nanargmax(ranked) if field in HIGHER_IS_BETTER else np.nanargmin(ranked)
        ax.plot(result["lon_deg"][best], result["lat_deg"][best], "r*", markersize=14, markeredgecolor="w",
                markeredgewidth=0.8, zorder=4)
        value = result[field][best]
        shown = f"{100 * value:.3f} %" if field in HIGHER_IS_BETTER else f"{value:,.1f}"
        ax.annotate(f"best sourced {shown}", (result["lon_deg"][best], result["lat_deg"][best]),
                    xytext=(8, 6), textcoords="offset points", color="r", zorder=5, fontsize=9,
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.8))
    land_blank = np.zeros((nlat, nlon), dtype=bool)
    land_blank[i, j] = ~np.isfinite(np.asarray(result[field], dtype=float))
    if field == "workload_cost_usd_per_mwh_it" and land_blank.any():  # inference: no demand within the SLO
        grey = np.zeros((nlat, nlon, 4))
        grey[land_blank] = (0.8, 0.8, 0.8, 1.0)
        ax.imshow(grey, origin="lower", extent=(-180, 180, -90, 90), interpolation="nearest", zorder=0.9)
        from matplotlib.patches import Patch

        ax.add_artist(ax.legend(handles=[Patch(facecolor=(0.8, 0.8, 0.8), edgecolor="0.3",
                                               label=f"no demand within the SLO ({int(land_blank.sum()):,} cells)")],
                                loc="lower right", fontsize=8, framealpha=0.85))
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
    fig, axes = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
    for ax, field in zip(axes, ("eclipse_fraction", "lcoe_usd_per_mwh_it")):
        z = result[field].reshape(shape).T
        im = ax.pcolormesh(alts, second, z, shading="nearest", cmap="viridis_r")
        fig.colorbar(im, ax=ax).set_label(label_of(field))
        if len(alts) <= 12:  # ticks on the swept values
            ax.set_xticks(alts, [f"{a:g}" for a in alts])
        if len(second) <= 12:
            ax.set_yticks(second, list(params["ltans"]) if params.get("ltans") else [f"{v:g}" for v in second])
        ax.set_xlabel("altitude [km]")
        ax.set_ylabel(ylabel)
        ax.set_title(label_of(field))
    fig.suptitle(f"Shell sweep: {len(alts)} altitudes x {len(second)} {'LTANs' if params.get('ltans') else 'inclinations'}")
    return _png(fig)
