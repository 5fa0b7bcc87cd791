"""``report.html``: the page of ``report.md`` (the same blocks, :func:`placement.outputs.report.report_blocks`)
with an interactive map, in one self-contained file.

No network: plotly.js is inlined (``include_plotlyjs=True``), the basemap is the project's own
Natural Earth 1:110m outline (:mod:`placement.outputs.basemap`) drawn on plain x/y axes (plotly's
``geo`` and tile maps would fetch their outlines or tiles), and a Content-Security-Policy lets the
page load nothing from anywhere. The map shows the scenario's demand, the scored sites, and per
period of the plan (a slider) the capacities filled by utilisation and the tenants' lines from
their user regions; hovering names each marker, and zooming (wheel or box) separates campuses a
few km apart, whose hover text also names their neighbours.
"""
from __future__ import annotations

import html

import numpy as np

from placement.outputs.basemap import BORDER, COAST, LAND, SEA, load_basemap
from placement.outputs.map_layers import capacity_colour, demand_dots, tenant_colours

__all__ = ["report_html", "plan_map_dict", "CONTENT_SECURITY_POLICY"]

#: Nothing is loaded from anywhere: inline scripts and styles, images only from data:/blob: URLs
#: (the map's own "download as PNG" button).
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                           "img-src data: blob:; font-src data:")

#: Campuses closer than this are named in each other's hover text [km].
NEIGHBOUR_KM = 100.0

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; }
main { max-width: 1180px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 1.6rem; } h3 { font-size: 1.05rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #ddd; }
th { background: #f3f5f8; text-align: left; } td.r, th.r { text-align: right; }
figure { margin: 1rem 0; } figcaption { font-size: .85rem; color: #555; }
ul { padding-left: 1.3rem; } li { margin: .2rem 0; }
"""


def _rgb(rgba) -> str:
    r, g, b = (int(round(255 * float(v))) for v in rgba[:3])
    return f"rgb({r},{g},{b})"


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    c = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return float(6371.0 * np.arccos(np.clip(c, -1.0, 1.0)))


def _xy(xy: np.ndarray) -> tuple[list, list]:
    """Plotly line coordinates of NaN-separated polylines (None between them)."""
    x = [None if not np.isfinite(v) else round(float(v), 3) for v in xy[:, 0]]
    y = [None if not np.isfinite(v) else round(float(v), 3) for v in xy[:, 1]]
    return x, y


def _basemap_traces() -> list:
    data = load_basemap()
    out = []
    lx, ly = _xy(data["land"])
    out.append({"type": "scatter", "x": lx, "y": ly, "mode": "lines", "fill": "toself", "fillcolor": LAND,
                "line": {"width": 0, "color": LAND}, "hoverinfo": "skip", "showlegend": False, "name": "land"})
    for key, colour, width in (("borders", BORDER, 0.5), ("coastline", COAST, 0.8)):
        x, y = _xy(data[key])
        grey = int(round(255 * float(colour)))
        out.append({"type": "scatter", "x": x, "y": y, "mode": "lines", "hoverinfo": "skip", "showlegend": False,
                    "line": {"width": width, "color": f"rgb({grey},{grey},{grey})"}, "name": key})
    return out


def _demand_trace(demand) -> dict:
    dots = demand_dots(demand)
    w = dots["weight"]
    size = (3 + 9 * np.sqrt(w / w.max())).round(2).tolist() if w.size else []
    return {"type": "scatter", "x": dots["lon_deg"].round(3).tolist(), "y": dots["lat_deg"].round(3).tolist(),
            "mode": "markers", "name": "demand (the scenario's weights)",
            "marker": {"size": size, "color": "rgba(120,120,120,0.45)", "line": {"width": 0}},
            "text": [f"demand point ({c}): {100 * v:.2f} % of the scenario's demand"
                     for c, v in zip(dots["country"], w)], "hoverinfo": "text"}


def _site_trace(site_records: list) -> dict:
    text = []
    for r in site_records:
        ttp = r.get("time_to_power_months")
        text.append(f"<b>{html.escape(str(r.get('id')))}</b> {html.escape(str(r.get('name', '')))}<br>"
                    f"levelized {float(r.get('lcoe_usd_per_mwh_it', np.nan)):,.0f} USD/MWh IT; "
                    f"power in {float(ttp) if ttp is not None else np.nan:.0f} months; "
                    f"RTT {float(r.get('rtt_ms_weighted', np.nan)):.0f} ms")
    return {"type": "scatter", "x": [r.get("lon_deg") for r in site_records],
            "y": [r.get("lat_deg") for r in site_records], "mode": "markers", "name": "scored sites",
            "marker": {"symbol": "diamond-open", "size": 7, "color": "rgb(60,60,60)", "line": {"width": 1}},
            "text": text, "hoverinfo": "text"}


def _period_traces(view, styles: dict) -> list:
    """The capacities, user regions and tenant lines of one period's view."""
    out = []
    seen = set()
    for f in view.flows:
        colour, dash = styles.get(f.tenant, ("#000000", "-"))
        hover = (f"{html.escape(f.tenant)}: {f.mw:,.0f} MW {view.when}<br>users in {html.escape(f.region)} -> "
                 f"{html.escape(f.capacity_id)}")
        out.append({"type": "scatter", "x": [round(f.lon_from, 3), f.lon_to], "y": [round(f.lat_from, 3), f.lat_to],
                    "mode": "lines", "name": f.tenant, "legendgroup": f"tenant:{f.tenant}",
                    "showlegend": f.tenant not in seen, "hoverinfo": "text", "text": [hover, hover],
                    "line": {"color": colour, "width": round(1.2 + f.mw / 150, 2),
                             "dash": {"-": "solid", "--": "dash", "-.": "dashdot", ":": "dot"}[dash]}})
        seen.add(f.tenant)
    regions = {}
    for f in view.flows:
        regions.setdefault((f.region, round(f.lat_from, 3), round(f.lon_from, 3)), set()).add(f.tenant)
    if regions:
        out.append({"type": "scatter", "mode": "markers", "name": "user regions (centroids)",
                    "x": [k[2] for k in regions], "y": [k[1] for k in regions],
                    "marker": {"symbol": "square", "size": 9, "color": "white", "line": {"width": 1.2,
                                                                                       "color": "rgb(50,50,50)"}},
                    "text": [f"users in {html.escape(k[0])}: " + ", ".join(sorted(map(html.escape, t)))
                             for k, t in regions.items()], "hoverinfo": "text"})
    ground = [c for c in view.capacities if c.kind == "ground"]
    if ground:
        colours = [_rgb(c) for c in capacity_colour([c.utilisation for c in ground])]
        text = []
        for c in ground:
            near = [f"{o.id} ({_km(c.lat_deg, c.lon_deg, o.lat_deg, o.lon_deg):,.0f} km)" for o in ground
                    if o.id != c.id and _km(c.lat_deg, c.lon_deg, o.lat_deg, o.lon_deg) < NEIGHBOUR_KM]
            value = "" if c.value_usd_per_mw_month is None else \
                f"<br>value of one more MW {view.when}: {c.value_usd_per_mw_month:,.0f} USD/MW-month"
            use = (f"{view.when}: {c.used_mw:,} of {c.capacity_mw:,} MW used ({100 * c.utilisation:.0f} %)"
                   if c.capacity_mw > 0 else f"not online {view.when}")
            text.append(f"<b>{html.escape(c.id)}</b> {html.escape(c.name)}<br>{use}{value}"
                        + (f"<br>nearby: {html.escape(', '.join(near))} (zoom in to separate)" if near else ""))
        out.append({"type": "scatter", "mode": "markers", "name": "capacity (fill: utilisation)",
                    "x": [c.lon_deg for c in ground], "y": [c.lat_deg for c in ground],
                    "marker": {"size": [round(8 + 0.9 * np.sqrt(max(c.capacity_mw, 0)), 1) for c in ground],
                               "color": colours, "line": {"width": 1, "color": "black"}},
                    "text": text, "hoverinfo": "text"})
    orbit = [c for c in view.capacities if c.kind == "orbit"]
    if orbit:  # no fixed place on the map: named in the corner, one invisible point for the legend
        out.append({"type": "scatter", "mode": "markers", "x": [-175], "y": [-55], "name": "in orbit",
                    "marker": {"symbol": "star", "size": 12, "color": _rgb(capacity_colour([orbit[0].utilisation])[0]),
                               "line": {"width": 1, "color": "black"}},
                    "text": ["<br>".join(f"{html.escape(c.id)} (orbit) {view.when}: {c.used_mw:,} of "
                                         f"{c.capacity_mw:,} MW used" for c in orbit)], "hoverinfo": "text"})
    return out


def plan_map_dict(views: list, demand, site_records: list | None = None) -> dict:
    """The plotly figure (a dict) of the plan map: basemap, demand, sites, and each view (one per
    period, the first shown; a slider switches) of :mod:`placement.outputs.map_layers`."""
    static = _basemap_traces() + [_demand_trace(demand)]
    if site_records:
        static.append(_site_trace(site_records))
    styles = tenant_colours(sorted({t for v in views for t in v.tenants}))
    per_view = [_period_traces(v, styles) for v in views]
    traces = list(static)
    owner = [None] * len(static)
    for k, ts in enumerate(per_view):
        for t in ts:
            t["visible"] = k == 0
        traces += ts
        owner += [k] * len(ts)

    def title(v):
        return f"Plan {v.when}: {v.served_mw:,} MW served, {v.unserved_mw:,} MW unserved"

    layout = {
        "title": {"text": title(views[0]) if views else "Sites and demand", "y": 0.98, "yanchor": "top"},
        "height": 640, "margin": {"l": 50, "r": 10, "t": 110, "b": 40}, "plot_bgcolor": SEA,
        "hovermode": "closest", "dragmode": "zoom",
        "xaxis": {"range": [-180, 180], "showgrid": False, "zeroline": False, "title": {"text": "longitude [deg]"}},
        "yaxis": {"range": [-60, 80], "showgrid": False, "zeroline": False, "scaleanchor": "x", "scaleratio": 1,
                  "title": {"text": "latitude [deg]"}},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": 11}},
    }
    if len(views) > 1:
        layout["sliders"] = [{"active": 0, "currentvalue": {"prefix": "period: "}, "pad": {"t": 50},
                              "steps": [{"label": v.when.replace("in ", "").replace("for ", ""), "method": "update",
                                         "args": [{"visible": [o is None or o == k for o in owner]},
                                                  {"title.text": title(v)}]} for k, v in enumerate(views)]}]
        layout["height"] = 720
    return {"data": traces, "layout": layout}


def _blocks_html(blocks, map_html: str) -> str:
    out, in_list = [], False
    for b in blocks:
        kind = b[0]
        if kind != "li" and in_list:
            out.append("</ul>")
            in_list = False
        if kind in ("h1", "h2", "h3"):
            out.append(f"<{kind}>{html.escape(b[1])}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{html.escape(b[1])}</p>")
        elif kind == "li":
            if not in_list:
                out.append("<ul>")
                in_list = True
            lead = f"<b>{html.escape(b[1])}</b> " if b[1] else ""
            out.append(f"<li>{lead}{html.escape(b[2])}</li>")
        elif kind == "table":
            _, headers, aligns, rows = b
            cls = [' class="r"' if a == "r" else "" for a in aligns]
            out.append("<table><thead><tr>" + "".join(f"<th{c}>{html.escape(h)}</th>" for h, c in zip(headers, cls))
                       + "</tr></thead><tbody>")
            out += ["<tr>" + "".join(f"<td{c}>{html.escape(str(v))}</td>" for v, c in zip(row, cls)) + "</tr>"
                    for row in rows]
            out.append("</tbody></table>")
        elif kind == "map":
            out.append(f'<figure>{map_html}<figcaption>{html.escape(b[1])}; hover for names and figures, '
                       f'wheel or box to zoom, double-click to reset.</figcaption></figure>')
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def report_html(blocks: list, views: list, demand, site_records: list | None = None, title: str = "report") -> str:
    """The whole page: ``blocks`` as HTML, the plan map (:func:`plan_map_dict`) where the ``("map",
    caption)`` block stands, plotly.js inlined."""
    import plotly.io as pio

    fig = plan_map_dict(views, demand, site_records)
    div = pio.to_html(fig, include_plotlyjs=True, full_html=False, validate=False, div_id="plan-map",
                      config={"scrollZoom": True, "displaylogo": False, "responsive": True})
    body = _blocks_html(blocks, div)
    if not any(b[0] == "map" for b in blocks):
        body += "\n" + _blocks_html([("map", "Map")], div)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n</main>\n</body>\n</html>\n")
