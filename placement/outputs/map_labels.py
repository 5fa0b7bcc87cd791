"""Labels and markers that do not pile up on a map: each label in the nearest free slot around its
point (leader lines for those pushed away), and markers of co-located places moved apart with a
thin line back to their true place. Display coordinates [px] inside, data coordinates outside."""
from __future__ import annotations

import numpy as np

from placement.outputs.map_layers import separate_markers

__all__ = ["spread_labels", "place_labels", "spread_on_axes", "mark_true_places"]


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


def spread_on_axes(ax, lon, lat, radius_pt, *, gap_pt: float = 1.0):
    """Marker positions on ``ax`` moved apart so no two markers overlap (see
    :func:`~placement.outputs.map_layers.separate_markers`); call once the axes limits, aspect and
    position are final. ``radius_pt``: each marker's radius [pt]. Returns (lon, lat, moved) with
    ``moved`` True where a marker left its true place."""
    ax.apply_aspect()
    px = ax.figure.dpi / 72.0
    lon, lat = np.asarray(lon, float).ravel(), np.asarray(lat, float).ravel()
    radius = np.broadcast_to(np.asarray(radius_pt, float), lon.shape) * px
    xy = ax.transData.transform(np.column_stack([lon, lat])) if lon.size else np.zeros((0, 2))
    moved_xy = separate_markers(xy, radius, gap=gap_pt * px)
    out = ax.transData.inverted().transform(moved_xy) if lon.size else np.zeros((0, 2))
    moved = np.hypot(*(moved_xy - xy).T) > 0.5 if lon.size else np.zeros(0, bool)
    return out[:, 0], out[:, 1], moved


def mark_true_places(ax, lon, lat, lon_shown, lat_shown, moved, *, zorder: float = 2.9) -> None:
    """For each marker moved off its place: a small dot at the true place and a thin line to the marker."""
    for k in np.flatnonzero(moved):
        ax.plot([lon[k], lon_shown[k]], [lat[k], lat_shown[k]], color="0.25", linewidth=0.6, zorder=zorder,
                label="_moved", scalex=False, scaley=False)
    if np.any(moved):
        ax.scatter(np.asarray(lon)[moved], np.asarray(lat)[moved], s=6, c="0.1", linewidths=0, zorder=zorder,
                   gid="true-places")
