"""Running a batch scan: its size limits, where its chunks run (this process, a local Dask cluster
or a remote scheduler), resuming what the same inputs produced, and merging the chunks into
``result.npz``, ``result.csv`` and a PNG."""
from __future__ import annotations

import json
import math
import os
import shutil
import time
from pathlib import Path

import numpy as np

from placement.batch.chunks import (
    GLOBE_FLAGS,
    ScanSpec,
    compute_chunk,
    n_items,
    result_fields,
    scan_scenario,
)
from placement.batch.folder import (
    FORMAT_VERSION,
    MANIFEST,
    check_folder,
    chunk_ok,
    chunk_path,
    clear_results,
    locked,
    npz_bytes,
    remove_orphans,
)
from placement.catalogs.validation import InputError
from placement.fingerprint import combined
from placement.outputs.files import records_to_csv, write_atomic

# --- running a scan -----------------------------------------------------------------------------

#: Largest scan run without --yes: grid cells, or shells x time samples.
MAX_GLOBE_CELLS = 1_000_000
MAX_SHELL_SAMPLES = 2_000_000_000


#: Share of the globe's grid cells north of 60 S that are land (GLOBE mask at 1 degree: 0.287).
LAND_SHARE = 0.29


def scan_size(spec: ScanSpec) -> tuple[int, str, int]:
    """(items, what they are, work units) of a scan, without building it; the work units are
    checked against the limits. A global grid's land cells are estimated from the grid size."""
    if spec.kind == "globe":
        res = spec.params["resolution_deg"]
        rows = (90.0 - spec.params.get("min_lat_deg", -60.0)) / res
        cells = int(rows * (360.0 / res) * LAND_SHARE)
        return cells, "land cells (estimated)", cells
    items = n_items(spec)
    p = spec.params
    samples = int(items * min(p.get("planes", 1), 12) * p["days"] * 86400.0 / p["step_s"])
    return items, "shells", samples


def check_scan_size(spec: ScanSpec, yes: bool) -> None:
    """Refuse (one line, the size, what to change) a scan past the limits unless ``yes``."""
    items, what, work = scan_size(spec)
    if yes:
        return
    if spec.kind == "globe" and work > MAX_GLOBE_CELLS:
        raise InputError("scan", "resolution_deg", spec.params["resolution_deg"],
                         f"about {items:,} land cells, more than {MAX_GLOBE_CELLS:,}: add --yes to run it, or "
                         f"choose a coarser grid")
    if spec.kind == "shells" and work > MAX_SHELL_SAMPLES:
        raise InputError("scan", "step_s", spec.params["step_s"],
                         f"{items:,} {what} x {work // max(items, 1):,} samples each is more than "
                         f"{MAX_SHELL_SAMPLES:,} samples: add --yes to run it, or sample less")


#: Most local worker processes per CPU (more only thrash; a cluster takes --scheduler).
MAX_WORKERS_PER_CPU = 2


def _client(scheduler: str | None, workers: int):
    import logging

    if not scheduler and not workers:
        return None
    import distributed  # noqa: F401 - importing it configures its loggers; quieten them after

    for name in ("distributed", "distributed.nanny", "distributed.worker", "distributed.scheduler",
                 "distributed.worker.state_machine", "distributed.client", "distributed.core", "distributed.comm",
                 "distributed.batched"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # one-line errors, not Dask's log lines
    if workers > MAX_WORKERS_PER_CPU * (os.cpu_count() or 1):
        raise InputError("--workers", None, workers, f"more than {MAX_WORKERS_PER_CPU} local worker processes per CPU "
                                                     f"({os.cpu_count()} CPUs); for more, start a cluster and give "
                                                     f"--scheduler")
    if scheduler:
        from distributed import Client

        try:
            return Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError("--scheduler", None, scheduler, f"cannot reach the Dask scheduler ({exc})") from None
    if workers:
        from distributed import Client, LocalCluster

        # silence_logs reaches the worker processes too (a Ctrl-C otherwise makes a worker log a
        # cancelled task on stderr beside the one-line message)
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.CRITICAL)
        return Client(cluster)
    return None


def _manifest(spec: ScanSpec, n_chunks: int, parts: dict) -> dict:
    return {"format": FORMAT_VERSION, "spec": spec.to_json(), "spec_hash": spec.digest, "chunks": n_chunks,
            "fingerprint_parts": parts, "fingerprint": combined(parts)}


def _chunk_rows(spec: ScanSpec, total: int, index: int) -> int:
    return min(spec.chunk_size, total - index * spec.chunk_size)


#: Default for how long a Dask scan waits with no chunk finished before it gives up [s].
DASK_TIMEOUT_S = 300.0
#: How long a Dask scan waits with no worker at all before it gives up [s] (at most the timeout).
NO_WORKER_GRACE_S = 30.0


def run_scan(spec: ScanSpec, out_dir, *, device: str = "cpu", scheduler: str | None = None, workers: int = 0,
             progress=None, stop_after: int | None = None, restart: bool = False,
             dask_timeout_s: float = DASK_TIMEOUT_S) -> dict:
    """Compute the missing chunks of a scan into ``out_dir`` and merge; returns a summary dict.

    Before anything is written the scenario is loaded and validated (its demand too), the folder
    checked (another scan, other files, other inputs: refused) and the Dask scheduler reached; a
    folder this call created is removed again if the scan fails before its first chunk.
    ``restart`` recomputes a folder whose inputs changed. ``progress`` receives
    ``start(kind, n_chunks, done)``, ``advance()`` per chunk and ``close()`` (:class:`NoProgress`
    is the interface; the CLI passes a progress bar). ``stop_after`` (tests) stops after that many
    chunks, as a crash would. On Dask, a scan with no chunk finished for ``dask_timeout_s``
    seconds, or with no worker left for :data:`NO_WORKER_GRACE_S` (or the timeout, if shorter),
    ends in an :class:`InputError` (one line); finished chunks stay for the resume.
    """
    from placement.bounds import check

    dask_timeout_s = check("run_scan", "dask_timeout_s", dask_timeout_s, "timeout_s")
    out = Path(out_dir)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise InputError(out, None, None, "not a folder (--out must name a folder, not a file or a link)")
    sc = scan_scenario(spec.scenario_path, spec.allow_outside_paths)
    sc.demand()  # a bad demand table fails here, not in the first chunk
    total = n_items(spec)
    n_chunks = max(math.ceil(total / spec.chunk_size), 1)
    manifest = _manifest(spec, n_chunks, sc.fingerprint_parts)
    if out.exists():
        check_folder(out, manifest, restart)  # read-only: refuse before touching anything
    missing = [i for i in range(n_chunks) if not chunk_path(out, i).exists()]
    client = _client(scheduler, workers) if missing else None
    created = not out.exists()
    try:
        return _scan_into(spec, out, manifest, total, n_chunks, client, device, scheduler, workers, progress,
                          stop_after, restart, dask_timeout_s)
    except BaseException:
        if created and out.exists() and not any((out / "chunks").glob("chunk-*.npz")):
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        if client is not None:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None and workers and not scheduler:
                cluster.close()


def _scan_into(spec, out, manifest, total, n_chunks, client, device, scheduler, workers, progress, stop_after,
               restart, dask_timeout_s) -> dict:
    """The locked part of :func:`run_scan`: repair, compute, merge, summarise."""
    fields = result_fields(spec)
    with locked(out):
        removed = remove_orphans(out)
        same = check_folder(out, manifest, restart)
        if not same and (out / MANIFEST).exists():
            clear_results(out)
        repaired = [i for i in range(n_chunks)
                    if chunk_path(out, i).exists() and not chunk_ok(chunk_path(out, i), fields, _chunk_rows(spec, total, i))]
        for i in repaired:
            chunk_path(out, i).unlink()
        todo = [i for i in range(n_chunks) if not chunk_path(out, i).exists()]
        if not (out / MANIFEST).exists():
            write_atomic(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
        computed = []
        bar = progress or NoProgress()
        bar.start(spec.kind, n_chunks, n_chunks - len(todo))
        job = dict(spec.to_json(), fingerprint=manifest["fingerprint"])
        try:
            if client is None:
                for i in todo:
                    if stop_after is not None and len(computed) >= stop_after:
                        break
                    write_atomic(chunk_path(out, i), npz_bytes(compute_chunk(job, i, device)))
                    computed.append(i)
                    bar.advance()
            elif todo:
                _run_on_dask(client, job, todo, device, out, computed, bar, scheduler, dask_timeout_s)
        finally:
            bar.close()
        done = all(chunk_path(out, i).exists() for i in range(n_chunks))
        summary = {"chunks": n_chunks, "computed": computed, "complete": done, "items": total, "out": str(out),
                   "device": device, "fingerprint": manifest["fingerprint"], "repaired": repaired,
                   "removed_temporary_files": [p.name for p in removed],
                   "where": scheduler or (f"LocalCluster({workers} workers)" if workers else "this process")}
        if done:
            summary["files"] = [str(p) for p in merge(spec, out, n_chunks, total)]
        write_atomic(out / "last_run.json", json.dumps(summary, indent=2) + "\n")
    return summary


def _run_on_dask(client, job, todo, device, out, computed, bar, scheduler, timeout_s: float) -> None:
    """Submit the chunks to Dask (each retried twice on another worker if its worker dies) and
    write them as they come back; a lost scheduler, a cluster with no worker left, no chunk
    finished for ``timeout_s`` or a chunk that keeps failing is one line (:func:`run_scan`)."""
    from concurrent.futures import CancelledError

    option = "--scheduler" if scheduler else "--workers"

    def lost(why: str):
        return InputError(option, None, scheduler, f"{why}; {len(computed)} chunks were saved, re-run the same "
                                                   f"command to resume")

    futures = {client.submit(compute_chunk, job, i, device, pure=False, retries=2): i for i in todo}
    pending = set(futures)
    last_progress = no_worker_since = time.monotonic()
    fut = None
    try:
        while pending:
            done, pending = _first_done(pending, 2.0)
            for fut in done:
                write_atomic(chunk_path(out, futures[fut]), npz_bytes(fut.result()))
                computed.append(futures[fut])
                bar.advance()
            now = time.monotonic()
            if done:
                last_progress = now
                continue
            workers = len(client.scheduler_info().get("workers", {}))
            if workers:
                no_worker_since = now
            elif now - no_worker_since > min(NO_WORKER_GRACE_S, timeout_s):
                raise lost(f"no Dask worker left for {now - no_worker_since:.0f} s")
            if now - last_progress > timeout_s:
                raise lost(f"no chunk finished in {timeout_s:g} s ({workers} Dask workers; --dask-timeout-s waits "
                           f"longer)")
    except InputError:
        raise
    except (OSError, TimeoutError, CancelledError) as exc:
        raise lost(f"lost the Dask cluster ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - a worker that died three times (KilledWorker) and the like
        if type(exc).__name__ not in ("KilledWorker", "CommClosedError", "FutureCancelledError"):
            raise
        if type(exc).__name__ == "KilledWorker":
            raise lost(f"Dask workers kept dying on chunk {futures.get(fut, '?')} (KilledWorker)") from None
        raise lost(f"lost the Dask cluster ({type(exc).__name__})") from None


def _first_done(pending: set, seconds: float) -> tuple:
    """(finished, still pending) futures after waiting up to ``seconds`` for the first to finish."""
    from distributed import wait

    try:
        done, not_done = wait(pending, timeout=seconds, return_when="FIRST_COMPLETED")
    except TimeoutError:
        return set(), pending
    return set(done), set(not_done)


def merge(spec: ScanSpec, out: Path, n_chunks: int, total: int | None = None) -> list[Path]:
    """Concatenate the chunks into ``result.npz`` and ``result.csv`` and draw the PNG."""
    parts = []
    fields = result_fields(spec)
    total = n_items(spec) if total is None else total
    for i in range(n_chunks):
        if not chunk_ok(chunk_path(out, i), fields, _chunk_rows(spec, total, i)):
            raise InputError(chunk_path(out, i), None, None, "damaged chunk (missing fields, wrong size or larger "
                                                            "than a chunk can be); delete it and re-run to recompute it")
        try:
            with np.load(chunk_path(out, i), allow_pickle=False) as z:
                parts.append({k: z[k] for k in z.files})
        except Exception as exc:  # noqa: BLE001
            raise InputError(chunk_path(out, i), None, None, f"damaged chunk ({type(exc).__name__}); delete it and "
                                                            f"re-run to recompute it") from None
    merged = {f: np.concatenate([p[f] for p in parts]) for f in fields}
    files = [write_atomic(out / "result.npz", npz_bytes(merged))]
    n = merged[fields[0]].size
    flags = GLOBE_FLAGS if spec.kind == "globe" else ()
    records = [{f: (bool(merged[f][i]) if f in flags else None if not np.isfinite(merged[f][i])
                    else round(float(merged[f][i]), 4)) for f in fields} for i in range(n)]
    files.append(write_atomic(out / "result.csv", records_to_csv(records)))
    if spec.kind == "globe":
        from placement.outputs.plots import globe_heatmap_png

        field = spec.params.get("field", "lcoe_usd_per_mwh_it")
        files.append(write_atomic(out / f"globe_{field}.png",
                                  globe_heatmap_png(merged, field, spec.params["resolution_deg"])))
    else:
        from placement.outputs.plots import shell_sweep_png

        files.append(write_atomic(out / "shell_sweep.png", shell_sweep_png(merged, spec.params)))
    return files


class NoProgress:
    """The progress interface :func:`run_scan` reports to (the CLI passes a rich progress bar)."""
    def start(self, kind: str, n_chunks: int, done: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def close(self) -> None:
        pass
