"""``map.png``: where the plan puts each tenant in one period, on a world map.

Capacity markers are sized by MW and filled by utilisation on a blue scale; tenant lines, in
colours that are never blue or grey (:mod:`placement.outputs.map_layers`), start at the centroid of
each of the tenant's user regions (not at one mean point of all of them, which for North America
and Europe together lies in empty Quebec) and end at the capacity. Campuses a few km apart are
drawn moved apart, each with its own label and a thin line back to its true place. Grey dots are
the scenario's demand.
"""
from __future__ import annotations

import numpy as np

from placement.outputs.basemap import draw_basemap
from placement.outputs.map_labels import mark_true_places, place_labels, spread_on_axes
from placement.outputs.map_layers import (
    CAPACITY_CMAP,
    CAPACITY_CMAP_RANGE,
    MapView,
    capacity_colour,
    demand_dots,
    tenant_colours,
)
from placement.outputs.plots import _map_figure, _png, _pyplot

__all__ = ["plan_map_png", "plan_map_figure"]


def _capacity_colourbar(fig, cax):
    import matplotlib
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    lo, hi = CAPACITY_CMAP_RANGE
    base = matplotlib.colormaps[CAPACITY_CMAP]
    cmap = LinearSegmentedColormap.from_list("capacity", base(np.linspace(lo, hi, 64)))
    sm = matplotlib.cm.ScalarMappable(norm=Normalize(0, 1), cmap=cmap)
    return fig.colorbar(sm, cax=cax, orientation="horizontal")


def plan_map_figure(view: MapView, demand, title: str | None = None):
    """The plan map as a matplotlib figure (:func:`plan_map_png`)."""
    plt = _pyplot()
    fig, ax, cax, _ = _map_figure(plt)
    draw_basemap(ax)
    dots = demand_dots(demand)
    if dots["weight"].size:
        ax.scatter(dots["lon_deg"], dots["lat_deg"], s=30 * np.sqrt(dots["weight"] / dots["weight"].max()),
                   c="0.6", alpha=0.4, linewidths=0, zorder=1, gid="demand")
    ground = sorted((c for c in view.capacities if c.kind == "ground"), key=lambda c: -c.capacity_mw)
    lon = np.array([c.lon_deg for c in ground], float)
    lat = np.array([c.lat_deg for c in ground], float)
    sizes = np.array([20 + max(c.capacity_mw, 0) / 5 for c in ground], float)
    radius_pt = np.sqrt(sizes) / 2
    lon_s, lat_s, moved = spread_on_axes(ax, lon, lat, radius_pt)
    shown = {c.id: (x, y) for c, x, y in zip(ground, lon_s, lat_s)}
    styles = tenant_colours(view.tenants)
    line_pts = [[], [], []]  # points along the tenant lines, kept clear of labels
    for f in view.flows:
        colour, style = styles.get(f.tenant, ("#000000", "-"))
        x1, y1 = shown.get(f.capacity_id, (f.lon_to, f.lat_to))
        width = 0.8 + f.mw / 250
        ax.plot([f.lon_from, x1], [f.lat_from, y1], color=colour, linestyle=style, linewidth=width, alpha=0.85,
                zorder=2, solid_capstyle="round", gid=f"user-line:{f.tenant}:{f.region}:{f.capacity_id}",
                scalex=False, scaley=False)
        t = np.linspace(0, 1, max(int(np.hypot(x1 - f.lon_from, y1 - f.lat_from)), 1) + 1)
        line_pts[0] += list(f.lon_from + t * (x1 - f.lon_from))
        line_pts[1] += list(f.lat_from + t * (y1 - f.lat_from))
        line_pts[2] += [width / 2 + 0.5] * t.size
    starts = {(f.lon_from, f.lat_from) for f in view.flows}
    if starts:
        sx, sy = np.array(sorted(starts)).T
        ax.scatter(sx, sy, s=18, marker="s", c="white", edgecolors="0.2", linewidths=0.8, zorder=2.5,
                   gid="user-regions")
    mark_true_places(ax, lon, lat, lon_s, lat_s, moved)
    util = [c.utilisation for c in ground]
    ax.scatter(lon_s, lat_s, s=sizes, c=capacity_colour(util) if ground else None, edgecolors="k", linewidths=0.6,
               zorder=3, gid="capacities")
    place_labels(ax, lon_s, lat_s, [f"{c.id} {c.used_mw:,}/{c.capacity_mw:,} MW" if c.capacity_mw > 0
                                    else f"{c.id} not online {view.when}" for c in ground],
                 marker_radius_pt=radius_pt, fontsize=7, others=line_pts if line_pts[0] else None)
    failed = [c for c in view.failed if c.kind == "ground"]
    if failed:  # a re-plan: where the capacity that failed stood, so the moves read from the map
        ax.scatter([c.lon_deg for c in failed], [c.lat_deg for c in failed], s=160, marker="X", c="crimson",
                   edgecolors="k", linewidths=0.6, zorder=4, label="failed capacity")
        for c in failed:
            ax.annotate(f"{c.id} failed ({c.capacity_mw:,} MW)", (c.lon_deg, c.lat_deg), xytext=(6, -12),
                        textcoords="offset points", fontsize=7, color="crimson", zorder=6)
    for t in view.tenants:
        colour, style = styles[t]
        ax.plot([], [], color=colour, linestyle=style, label=t)
    orbit = [f"{c.id}: {c.used_mw:,}/{c.capacity_mw:,} MW" for c in view.capacities if c.kind == "orbit"]
    if orbit:
        ax.text(0.01, 0.02, f"in orbit {view.when}: " + "; ".join(orbit), transform=ax.transAxes, fontsize=8,
                zorder=6, bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="0.8", alpha=0.9))
    _capacity_colourbar(fig, cax).set_label("capacity utilisation (used / capacity MW) [-]")
    if view.tenants or failed:
        ax.legend(fontsize=8, loc="lower right", title="tenant (line width: MW)", title_fontsize=8,
                  framealpha=0.9).set_zorder(6)
    ax.set_title(title or (f"Plan {view.when}: {view.served_mw:,} MW served, {view.unserved_mw:,} MW unserved\n"
                           f"lines: tenant's user regions (squares) -> capacity; labels: used/total MW; "
                           f"grey dots: the scenario's demand"), fontsize=11)
    return fig


def plan_map_png(view: MapView, demand, title: str | None = None) -> bytes:
    """``map.png`` of ``view`` (:func:`~placement.outputs.map_layers.view_of_period` or
    :func:`~placement.outputs.map_layers.view_of_assignment`) over ``demand`` (the scenario's
    :class:`~placement.earth.demand.DemandPoints`)."""
    return _png(plan_map_figure(view, demand, title))
