"""The output folder of a batch scan: manifest, lock, chunk files, repair and merge.

* ``manifest.json`` names the scan (its spec) and fingerprints everything that determines
  its numbers (:mod:`placement.fingerprint`: scenario content and the files it names, bundled
  data, package version, kernel sources). A folder whose fingerprint differs is refused,
  saying which part changed (``--restart`` recomputes it from scratch), so a resumed scan
  never mixes results computed from different inputs.
* ``.lock`` is held (``flock``) by the process writing the folder; a second one is refused.
* ``chunks/chunk-NNNNN.npz`` are written atomically; orphan temporary files of a killed run
  are removed on resume, and a damaged chunk (unreadable, wrong fields, or arrays that would
  inflate past the chunk's size) is recomputed.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import numpy as np

from placement.catalogs.validation import InputError
from placement.fingerprint import changed

MANIFEST = "manifest.json"
LOCK = ".lock"
FORMAT_VERSION = 2
#: Files a finished or running scan leaves in its folder (anything else means "not ours").
OWN_FILES = {MANIFEST, LOCK, "last_run.json", "result.npz", "result.csv", "chunks"}


def chunk_path(out: Path, index: int) -> Path:
    return out / "chunks" / f"chunk-{index:05d}.npz"


def npz_bytes(arrays: dict) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@contextlib.contextmanager
def locked(out: Path):
    """Hold the folder's lock while writing it; a second writer gets an :class:`InputError`."""
    import fcntl

    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(out, None, None, f"cannot write the output folder ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(out, None, None, "another placement batch is writing this folder; wait for it to "
                                              "finish or use another --out") from None
        yield
    finally:
        os.close(fd)


def remove_orphans(out: Path) -> list[Path]:
    """Delete temporary files a killed run left behind (``.*.tmp``); the list of removed files."""
    gone = []
    for folder in (out, out / "chunks"):
        if folder.is_dir():
            for p in folder.glob(".*.tmp"):
                p.unlink(missing_ok=True)
                gone.append(p)
    return gone


#: Largest array a chunk may hold per row [bytes]: a float64 (8), with room to spare.
MAX_BYTES_PER_ROW = 16
#: Room for the .npy header of each array [bytes].
NPY_HEADER_BYTES = 4096


def npz_fits(path: Path, max_member_bytes: int) -> bool:
    """True when every array of the ``.npz`` at ``path`` decompresses to at most
    ``max_member_bytes`` (read from the zip directory, before anything is inflated: a crafted
    chunk that would inflate to gigabytes is refused without using the memory)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return all(info.file_size <= max_member_bytes for info in z.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def chunk_ok(path: Path, fields: tuple, expected_rows: int) -> bool:
    """True when a chunk file holds every field with ``expected_rows`` values (and nothing that
    would inflate past :data:`MAX_BYTES_PER_ROW` per row: checked before loading)."""
    if not npz_fits(path, expected_rows * MAX_BYTES_PER_ROW + NPY_HEADER_BYTES):
        return False
    try:
        with np.load(path, allow_pickle=False) as z:
            return all(f in z.files and z[f].shape == (expected_rows,) for f in fields)
    except Exception:  # noqa: BLE001 - any failure to read means "damaged"
        return False


def check_folder(out: Path, manifest: dict, restart: bool) -> bool:
    """Whether the folder already holds this scan (``manifest``); refuse another scan, other files,
    or the same scan computed from different inputs (unless ``restart``)."""
    path = out / MANIFEST
    if not path.exists():
        others = [p.name for p in out.iterdir()] if out.is_dir() else []
        others = [n for n in others if n not in OWN_FILES and not n.endswith(".tmp")
                  and not (n.endswith(".png") and (n.startswith("globe_") or n == "shell_sweep.png"))]
        if others:
            raise InputError(out, None, None, f"folder holds other files ({', '.join(sorted(others)[:3])}"
                                              f"{', ...' if len(others) > 3 else ''}); use another --out")
        return False
    try:
        theirs = json.loads(path.read_text())
        theirs_spec, theirs_parts = theirs["spec"], theirs["fingerprint_parts"]
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(path, None, None, "unreadable manifest; use another --out") from None
    if theirs_spec != manifest["spec"] or theirs.get("chunks") != manifest["chunks"]:
        raise InputError(out, "manifest", theirs.get("spec_hash"),
                         f"this folder holds a different scan ({json.dumps(theirs_spec)}); use another --out "
                         f"(nothing was overwritten)")
    diff = changed(theirs_parts, manifest["fingerprint_parts"])
    if diff and not restart:
        raise InputError(out, "manifest", ", ".join(diff),
                         "this scan was computed from different inputs (changed since it started); re-run with "
                         "--restart to recompute it, or use another --out (nothing was overwritten)")
    return not diff


def clear_results(out: Path) -> None:
    """Remove a scan's chunks and results (for ``--restart``)."""
    shutil.rmtree(out / "chunks", ignore_errors=True)
    for name in ("result.npz", "result.csv", "last_run.json", MANIFEST):
        (out / name).unlink(missing_ok=True)
    for p in out.glob("*.png"):
        p.unlink()
