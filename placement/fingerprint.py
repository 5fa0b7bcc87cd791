"""Fingerprints of everything that determines a result, so stale results are never mixed in.

A result depends on the scenario's text, the files it names (catalogs, residency polygons),
the bundled data, the package version and the kernels' source. :func:`fingerprint_parts`
hashes each (SHA-256, hex) so a scan folder or an output set can say *what* changed, and
:func:`combined` folds them into one id that ``plan.json`` and ``report.md`` carry.

The on-disk caches live here too (:func:`cache_dir`, :func:`cached_arrays`), with the rule every
writer follows for its temporaries: a temporary file or folder carries its writer's process id
(:func:`temporary_prefix`), and :func:`remove_orphan_temporaries` removes those whose process is
gone, whatever their age (a writer killed with ``kill -9`` cannot clean up after itself).
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from placement.catalogs import CATALOG_DIR
from placement.kernels import kernel_sources_digest


def sha256_bytes(*chunks: bytes) -> str:
    """SHA-256 [hex] of the chunks, each length-prefixed so boundaries count."""
    h = hashlib.sha256()
    for c in chunks:
        h.update(len(c).to_bytes(8, "little"))
        h.update(c)
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def bundled_data_digest() -> str:
    """SHA-256 of every bundled catalog and scenario file (names and bytes), once per process."""
    files = sorted(p for p in CATALOG_DIR.rglob("*") if p.is_file() and p.suffix in
                   (".csv", ".npz", ".toml", ".json", ".geojson"))
    return sha256_bytes(*(c for p in files for c in (str(p.relative_to(CATALOG_DIR)).encode(), p.read_bytes())))


@functools.lru_cache(maxsize=1)
def package_version() -> str:
    """The installed version of placement ('unknown' when run from a source tree)."""
    try:
        return version("placement")
    except PackageNotFoundError:
        return "unknown"


def fingerprint_parts(scenario_text: str = "", referenced: tuple = ()) -> dict:
    """Component name -> SHA-256 [hex] (the version as text): scenario, referenced files, bundled
    data, package version, kernel sources."""

    return {
        "scenario": sha256_bytes(scenario_text.encode()),
        "scenario_files": sha256_bytes(*(c for p in referenced for c in (str(p).encode(), Path(p).read_bytes()))),
        "bundled_data": bundled_data_digest(),
        "package_version": package_version(),
        "kernels": kernel_sources_digest(),
    }


def combined(parts: dict) -> str:
    """One 16-hex-digit id for a dict of fingerprint parts."""
    return sha256_bytes(*(f"{k}={v}".encode() for k, v in sorted(parts.items())))[:16]


def changed(old: dict, new: dict) -> list[str]:
    """Names of the parts that differ between two fingerprints (missing counts as changed)."""
    return [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


def cache_dir(kind: str) -> Path:
    """The on-disk cache folder for ``kind`` (``PLACEMENT_CACHE_DIR``, default ``~/.cache/placement``)."""
    base = os.environ.get("PLACEMENT_CACHE_DIR") or Path.home() / ".cache" / "placement"
    return Path(base) / kind


def cached_arrays(kind: str, key: str, compute) -> dict:
    """Arrays that depend only on static inputs named by ``key`` (package versions, parameters),
    computed once by ``compute() -> {name: ndarray}`` and kept in :func:`cache_dir`. A damaged or
    unreadable file is recomputed; a write goes through a temporary file and a rename, so a killed
    writer never leaves a half file under the final name, and a read-only cache only costs time."""

    path = cache_dir(kind) / f"{kind}_{sha256_bytes(key.encode())[:16]}.npz"
    remove_orphan_temporaries(path.parent, ".*.tmp.npz")
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as z:
                return {k: z[k] for k in z.files}
        except Exception:  # noqa: BLE001 - a damaged cache file is rebuilt
            pass
    arrays = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{temporary_prefix(path.name)}tmp.npz")
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    except OSError:
        pass
    return arrays


_WRITER = re.compile(r"\.pid(\d+)\.")


def temporary_prefix(name: str) -> str:
    """Prefix of a temporary file or folder this process writes for ``name``: ``.NAME.pidPID.``."""
    return f".{name}.pid{os.getpid()}."


def writer_gone(path: Path) -> bool:
    """True when ``path`` is a temporary (:func:`temporary_prefix`) whose writing process has ended."""
    m = _WRITER.search(Path(path).name)
    if not m:
        return False
    try:
        os.kill(int(m.group(1)), 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError, ValueError):
        return False  # alive under another user, or not a usable id
    return False


def remove_orphan_temporaries(folder: Path, pattern: str = ".*.pid*") -> list[Path]:
    """Remove the temporaries in ``folder`` matching ``pattern`` whose writer is gone (files or
    folders, any age); a live writer's are left alone. The list of paths removed."""
    gone = []
    try:
        candidates = list(Path(folder).glob(pattern))
    except OSError:
        return gone
    for p in candidates:
        if not writer_gone(p):
            continue
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
            gone.append(p)
        except OSError:
            continue
    return gone
