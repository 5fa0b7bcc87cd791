"""PNG figures (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

import datetime as dt
import io

import numpy as np

from placement.outputs.basemap import draw_basemap


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


def _slots():
    """Label slots around a point, in order of preference: (direction [deg], fx, fy) where the
    label box's lower-left corner goes to (ring point - (fx * width, fy * height))."""
    out = [(45, 0, 0), (0, 0, 0.5), (-45, 0, 1), (135, 1, 0), (180, 1, 0.5), (-135, 1, 1)]
    for f in (0.5, 0.3, 0.7, 0.1, 0.9, 0.2, 0.8, 0.4, 0.6, 0.0, 1.0):
        out += [(90, f, 0), (-90, f, 1)]
    for f in (0.25, 0.75):
        out += [(0, 0, f), (180, 1, f)]
    out += [(22.5, 0, 0.25), (-22.5, 0, 0.75), (157.5, 1, 0.25), (-157.5, 1, 0.75)]
    out += [(67.5, 0.1, 0), (112.5, 0.9, 0), (-67.5, 0.1, 1), (-112.5, 0.9, 1)]
    deg, fx, fy = np.array(out, float).T
    return np.cos(np.radians(deg)), np.sin(np.radians(deg)), fx, fy


_SLOTS = _slots()


def spread_labels(anchors, sizes, *, radii=0.0, pad: float = 0.0, bounds=None, obstacles=None, gap: float = 2.0,
                  start: float = 3.0, step: float = 4.0, max_radius: float = 200.0) -> list[dict]:
    """Greedy label placement in display coordinates [px]: each label in turn (first = most
    important) goes to the nearest free slot on rings around its point, up-right first.

    ``anchors`` (n, 2) are the points, ``sizes`` (n, 2) the label text width/height, ``radii``
    the marker radius of each point (markers are kept clear), ``pad`` the padding around each
    text, ``bounds`` (x0, y0, x1, y1) the area labels must stay in, ``obstacles`` (m, 4) further
    boxes to keep clear. A label pushed off its first ring must have a leader line that crosses
    no other label or marker. Returns per label: ``offset`` (dx, dy) of the text's lower-left
    corner from its point (for ``ha='left', va='bottom'``), ``box`` (x0, y0, x1, y1, padding
    included), ``relpos`` (where on the text box a leader line starts, as fractions) and
    ``moved`` (True when pushed past the first ring: draw a leader line). Where no free slot
    exists within ``max_radius`` the one with the least overlap is used.
    """
    anchors = np.asarray(anchors, float).reshape(-1, 2)
    sizes = np.asarray(sizes, float).reshape(-1, 2)
    n = len(anchors)
    radii = np.broadcast_to(np.asarray(radii, float), (n,))
    cos, sin, fx, fy = _SLOTS
    # markers are obstacles for every label (a label's own marker too): boxes of about the circle's area
    boxes = [np.column_stack([anchors - 0.85 * radii[:, None], anchors + 0.85 * radii[:, None]])]
    if obstacles is not None and len(obstacles):
        boxes.append(np.asarray(obstacles, float).reshape(-1, 4))
    taken = np.concatenate(boxes)
    n_markers = len(taken)
    t = np.linspace(0.05, 0.95, 10)
    out = []
    for i in range(n):
        w, h = sizes[i] + 2 * pad
        first = radii[i] + start
        # its own marker (and any obstacle centred on the same point) is cleared by the rings
        own = np.zeros(len(taken), bool)
        own[:n_markers] = ((np.abs(taken[:n_markers, 0] + taken[:n_markers, 2] - 2 * anchors[i, 0]) <= 2.0)
                           & (np.abs(taken[:n_markers, 1] + taken[:n_markers, 3] - 2 * anchors[i, 1]) <= 2.0)
                           & (taken[:n_markers, 2] - taken[:n_markers, 0] <= 2 * radii[i] + 2.0))
        own[i] = True
        others = taken[~own]
        # a leader line cannot help crossing a marker its point lies on
        crossable = others[~((others[:, 0] <= anchors[i, 0]) & (anchors[i, 0] <= others[:, 2])
                             & (others[:, 1] <= anchors[i, 1]) & (anchors[i, 1] <= others[:, 3]))]
        best = None
        r = first
        while True:
            px = anchors[i, 0] + r * cos
            py = anchors[i, 1] + r * sin
            x0, y0 = px - fx * w, py - fy * h
            cand = np.column_stack([x0, y0, x0 + w, y0 + h])
            g = cand + np.array([-gap, -gap, gap, gap])
            # (its own marker is clear: the rings start outside it)
            ox = np.clip(np.minimum(g[:, None, 2], others[:, 2]) - np.maximum(g[:, None, 0], others[:, 0]), 0, None)
            oy = np.clip(np.minimum(g[:, None, 3], others[:, 3]) - np.maximum(g[:, None, 1], others[:, 1]), 0, None)
            cost = (ox * oy).sum(axis=1)
            if r > first:  # the leader line from the first ring out to the box
                tr = first / r + (1 - first / r) * t
                sx = anchors[i, 0] + np.outer(px - anchors[i, 0], tr)[..., None]
                sy = anchors[i, 1] + np.outer(py - anchors[i, 1], tr)[..., None]
                hits = ((sx >= crossable[:, 0]) & (sx <= crossable[:, 2])
                        & (sy >= crossable[:, 1]) & (sy <= crossable[:, 3]))
                cost = cost + hits.sum(axis=(1, 2)) * h * h
            if bounds is not None:
                bx0, by0, bx1, by1 = bounds
                outside = (np.clip(bx0 - cand[:, 0], 0, None) + np.clip(cand[:, 2] - bx1, 0, None)) * h \
                    + (np.clip(by0 - cand[:, 1], 0, None) + np.clip(cand[:, 3] - by1, 0, None)) * w
                cost = cost + 4.0 * outside
            k = int(np.argmin(cost))  # the first free slot in order of preference
            total = cost[k] + 0.05 * (r - first) * h
            if best is None or total < best[0]:
                best = (total, r, k, cand[k], px[k], py[k])
            if cost[k] == 0.0 or r >= max_radius:
                break
            r += step
        _, r, k, box, px, py = best
        taken = np.vstack([taken, box])
        if r > first + 0.5 * step:  # keep later labels off this leader line
            lx = anchors[i, 0] + (px - anchors[i, 0]) * t[1:-1]
            ly = anchors[i, 1] + (py - anchors[i, 1]) * t[1:-1]
            taken = np.vstack([taken, np.column_stack([lx - 0.5, ly - 0.5, lx + 0.5, ly + 0.5])])
        relpos = (float(np.clip((px - box[0] - pad) / max(w - 2 * pad, 1e-9), 0, 1)),
                  float(np.clip((py - box[1] - pad) / max(h - 2 * pad, 1e-9), 0, 1)))
        out.append(dict(offset=(float(box[0] + pad - anchors[i, 0]), float(box[1] + pad - anchors[i, 1])),
                        box=tuple(map(float, box)), relpos=relpos, moved=bool(r > first + 0.5 * step)))
    return out


def _merge_stacked(anchors, radii, texts):
    """Group points whose centre lies inside another's marker: one label per group, anchored at
    the biggest marker, its lines in the order of ``texts``. Returns (anchors, radii, texts)."""
    n = len(anchors)
    group = list(range(n))

    def root(k):
        while group[k] != k:
            group[k] = group[group[k]]
            k = group[k]
        return k

    for a in range(n):
        for b in range(a + 1, n):
            if np.hypot(*(anchors[a] - anchors[b])) < max(radii[a], radii[b]):
                group[root(b)] = root(a)
    members = {}
    for k in range(n):
        members.setdefault(root(k), []).append(k)
    out_a, out_r, out_t = [], [], []
    for ks in members.values():
        big = max(ks, key=lambda k: radii[k])
        out_a.append(anchors[big])
        out_r.append(max(np.hypot(*(anchors[k] - anchors[big])) + radii[k] for k in ks))
        out_t.append("\n".join(texts[k] for k in ks))
    return np.array(out_a).reshape(-1, 2), np.array(out_r), out_t


def place_labels(ax, x, y, texts, *, marker_radius_pt=4.0, fontsize: float = 8.0, others=None, color: str = "0.1",
                 max_radius_pt: float = 150.0, zorder: float = 5.0, merge_stacked: bool = False) -> list:
    """Label points on ``ax`` without overlaps (see :func:`spread_labels`); labels pushed away
    from their point get a thin leader line. Call after the axes limits, aspect and position are
    final. ``marker_radius_pt`` is the marker radius of each point [pt]; ``others`` = (x, y,
    radius [pt]) of further markers to keep clear; ``merge_stacked`` gives points drawn on top
    of one another one label of several lines. Returns the annotations, in the order of
    ``texts`` (of the first text of each group when merged)."""
    fig = ax.figure
    ax.apply_aspect()
    renderer = fig.canvas.get_renderer()
    px = fig.dpi / 72.0
    x, y = np.asarray(x, float).ravel(), np.asarray(y, float).ravel()
    anchors = ax.transData.transform(np.column_stack([x, y]))
    radii = np.broadcast_to(np.asarray(marker_radius_pt, float), x.shape) * px
    texts = list(texts)
    if merge_stacked and len(texts) > 1:
        anchors, radii, texts = _merge_stacked(anchors, radii, texts)
        x, y = ax.transData.inverted().transform(anchors).T
    sizes = []
    for s in texts:
        t = ax.text(0, 0, s, fontsize=fontsize)
        bb = t.get_window_extent(renderer)
        t.remove()
        sizes.append((bb.width, bb.height))
    obstacles = None
    if others is not None:
        ox, oy, orad = (np.asarray(v, float) for v in others)
        centres = ax.transData.transform(np.column_stack([ox.ravel(), oy.ravel()]))
        orad = np.broadcast_to(orad, ox.shape).ravel() * px
        obstacles = np.column_stack([centres - orad[:, None], centres + orad[:, None]])
    pad_pt = 0.2 * fontsize
    spots = spread_labels(anchors, sizes, radii=radii, pad=pad_pt * px, bounds=ax.get_window_extent(renderer).extents,
                          obstacles=obstacles, max_radius=max_radius_pt * px)
    out = []
    for xi, yi, ri, s, spot in zip(x, y, radii, texts, spots):
        kw = {}
        if spot["moved"]:
            kw["arrowprops"] = dict(arrowstyle="-", color="0.3", linewidth=0.6, shrinkA=0, shrinkB=ri / px,
                                    relpos=spot["relpos"])
        a = ax.annotate(s, (xi, yi), xytext=(spot["offset"][0] / px, spot["offset"][1] / px),
                        textcoords="offset points", ha="left", va="bottom", fontsize=fontsize, color=color,
                        zorder=zorder, bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.8),
                        **kw)
        out.append(a)
    return out


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
    grey dots are demand points sized by population. The best ``label_top`` sites (lowest
    ``field``) are numbered on the map and listed with their values at the side."""

    plt = _pyplot()
    fig, ax, cax, side = _map_figure(plt, side_in=2.6)
    draw_basemap(ax)
    size = 40.0 * np.sqrt(demand.population / demand.population.max())
    ax.scatter(demand.lon_deg, demand.lat_deg, s=size, c="0.6", alpha=0.45, linewidths=0, zorder=1)
    values = np.asarray(scores[field], float)
    lon, lat = np.asarray(scores["lon_deg"], float), np.asarray(scores["lat_deg"], float)
    msize = 25 + 0.06 * np.asarray(scores["power_mw"], float)
    draw = np.argsort(-msize, kind="stable")  # big markers first, small ones stay visible on top
    sc = ax.scatter(lon[draw], lat[draw], c=values[draw], cmap="viridis_r", s=msize[draw], edgecolors="k",
                    linewidths=0.6, zorder=3)
    cb = fig.colorbar(sc, cax=cax, orientation="horizontal")
    cb.set_label(label_of(field))
    ok = np.flatnonzero(np.isfinite(values))
    order = ok[np.argsort(values[ok], kind="stable")]
    top = order[:max(int(label_top), 0)]
    radius_pt = np.sqrt(msize) / 2
    place_labels(ax, lon[top], lat[top], [f"{r}. {scores['id'][i]}" for r, i in enumerate(top, start=1)],
                 marker_radius_pt=radius_pt[top], others=(lon, lat, radius_pt))
    ax.set_title(f"Ground sites by {label_of(field)}\n"
                 f"numbers: rank, 1 = lowest; marker size: power [MW]; grey dots: demand (population)", fontsize=11)
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
    Natural Earth 1:110m coastlines and borders). The colours span the 2nd-98th percentile;
    the colour bar's arrows mark the clipped values beyond."""

    plt = _pyplot()
    nlat, nlon = int(round(180 / resolution_deg)), int(round(360 / resolution_deg))
    grid = np.full((nlat, nlon), np.nan)
    i = np.clip(((result["lat_deg"] + 90) / resolution_deg).astype(int), 0, nlat - 1)
    j = np.clip(((result["lon_deg"] + 180) / resolution_deg).astype(int), 0, nlon - 1)
    grid[i, j] = result[field]
    finite = np.isfinite(grid)
    lo, hi = (np.nanpercentile(grid[finite], [2, 98]) if finite.any() else (0, 1))
    fig, ax, cax, _ = _map_figure(plt, lat=(-90.0, 90.0), map_width_in=11.0, title_lines=1)
    draw_basemap(ax, zorder=0.2, line_zorder=2, coast="0.25", border="0.45", linewidth=0.5)
    im = ax.imshow(grid, origin="lower", extent=(-180, 180, -90, 90), cmap="viridis_r", vmin=lo, vmax=hi,
                   interpolation="nearest", zorder=1)
    extend = _clip_extend(grid[finite], lo, hi)
    cb = fig.colorbar(im, cax=cax, orientation="horizontal", extend=extend)
    clipped = "" if extend == "neither" else "; colours clipped to the 2nd-98th percentile, arrows: beyond"
    cb.set_label(label_of(field) + clipped)
    if finite.any():
        best = np.nanargmin(result[field])
        ax.plot(result["lon_deg"][best], result["lat_deg"][best], "r*", markersize=14, markeredgecolor="w",
                markeredgewidth=0.8, zorder=4)
        ax.annotate(f"best {result[field][best]:,.1f}", (result["lon_deg"][best], result["lat_deg"][best]),
                    xytext=(8, 6), textcoords="offset points", color="r", zorder=5, fontsize=9,
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.8))
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
