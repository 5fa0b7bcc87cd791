"""What comes out: files written as one set, terminal tables, plots and maps on a basemap, and
the report.

Modules: :mod:`~placement.outputs.files` (atomic files, output sets, CSV/JSON),
:mod:`~placement.outputs.terminal` (tables fitted to the terminal),
:mod:`~placement.outputs.tables` (the site, shell and plan tables the commands print),
:mod:`~placement.outputs.plots` (PNG figures and maps), :mod:`~placement.outputs.basemap`
(coastlines and borders), :mod:`~placement.outputs.report` (report.md).
"""

from placement import lazy_exports

__all__ = ["OutputSet", "write_atomic", "records_to_csv", "records_to_json", "report_markdown", "fitted_table"]

_WHERE = {
    "OutputSet": "placement.outputs.files",
    "write_atomic": "placement.outputs.files",
    "records_to_csv": "placement.outputs.files",
    "records_to_json": "placement.outputs.files",
    "report_markdown": "placement.outputs.report",
    "fitted_table": "placement.outputs.terminal",
}

__getattr__, __dir__ = lazy_exports(globals(), _WHERE)
