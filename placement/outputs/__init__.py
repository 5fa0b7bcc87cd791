"""What comes out: files written as one set, terminal tables, plots and maps on a basemap, and
the report.

Modules: :mod:`~placement.outputs.files` (atomic files, output sets, CSV/JSON),
:mod:`~placement.outputs.terminal` (tables fitted to the terminal),
:mod:`~placement.outputs.tables` (the site, shell and plan tables the commands print),
:mod:`~placement.outputs.plots` (PNG figures and the site map), :mod:`~placement.outputs.basemap`
(coastlines and borders), :mod:`~placement.outputs.map_layers` (what every map draws: demand dots,
user-region centroids, flows, separated markers, the tenant and capacity palettes),
:mod:`~placement.outputs.map_labels` (labels that keep clear of each other),
:mod:`~placement.outputs.plan_map` (map.png), :mod:`~placement.outputs.report` with
:mod:`~placement.outputs.report_sections` and :mod:`~placement.outputs.report_figures` (the one-page
report as blocks, report.md), :mod:`~placement.outputs.report_html` (the same page as a
self-contained report.html with an interactive plotly map).
"""

from placement import lazy_exports

__all__ = ["OutputSet", "write_atomic", "records_to_csv", "records_to_json", "report_markdown", "report_html",
           "fitted_table"]

_WHERE = {
    "OutputSet": "placement.outputs.files",
    "write_atomic": "placement.outputs.files",
    "records_to_csv": "placement.outputs.files",
    "records_to_json": "placement.outputs.files",
    "report_markdown": "placement.outputs.report",
    "report_html": "placement.outputs.report_html",
    "fitted_table": "placement.outputs.terminal",
}

__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
