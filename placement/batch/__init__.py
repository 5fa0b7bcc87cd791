"""Batch scans in chunks: a global land grid, or a sweep of orbital shells.

Each chunk is a pure function of the scan's spec and the chunk index
(:func:`compute_chunk`), so it can run in this process, in local worker
processes, or on any Dask distributed worker. Results land in an output folder
(:mod:`placement.batch.folder`): a manifest naming the scan and fingerprinting its
inputs, one atomically written file per chunk, and ``result.npz``, ``result.csv``
and a PNG once every chunk is in.

A re-run of the same scan on the same inputs (after a crash or ``kill -9``)
computes only the chunks whose files are missing: none is lost, none is computed
twice, and the merged result is identical to an uninterrupted run. A folder
holding another scan, or this scan computed from inputs that have changed since,
is refused (``restart`` recomputes it), and nothing in it is overwritten.

Modules: :mod:`~placement.batch.chunks` (the spec and what one chunk computes),
:mod:`~placement.batch.running` (size limits, Dask, resume, merge),
:mod:`~placement.batch.folder` (manifest, lock, chunk files).
"""
from placement.batch.chunks import (
    GLOBE_FIELDS,
    GLOBE_FLAGS,
    REMOTE_CITY_KM,
    SHELL_FIELDS,
    ScanSpec,
    cell_sites,
    compute_chunk,
    land_cells,
    n_items,
    result_fields,
    scan_workload,
    sweep_shells,
)
from placement.batch.running import (
    MAX_GLOBE_CELLS,
    MAX_SHELL_SAMPLES,
    NoProgress,
    check_scan_size,
    merge,
    run_scan,
    scan_size,
)

__all__ = [
    "GLOBE_FIELDS", "GLOBE_FLAGS", "REMOTE_CITY_KM", "SHELL_FIELDS", "ScanSpec", "cell_sites", "compute_chunk",
    "land_cells", "n_items", "result_fields", "scan_workload", "sweep_shells", "MAX_GLOBE_CELLS",
    "MAX_SHELL_SAMPLES", "NoProgress", "check_scan_size", "merge", "run_scan", "scan_size",
]
