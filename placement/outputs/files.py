"""Writing results: atomic files, output folders replaced as one set, CSV and JSON of records.

* :func:`write_atomic` writes one file through a temporary file in the same folder and a
  rename, so a reader never sees half a file.
* :class:`OutputSet` writes a run's files into a temporary sibling folder and then swaps it
  with the target folder in one step (Linux ``renameat2(RENAME_EXCHANGE)``; two renames
  elsewhere), so a folder never holds one run's sites beside another run's plan, and a failed
  or interrupted run leaves the previous outputs whole. It only ever replaces a folder that is
  missing, empty or a previous output set (it carries ``.placement-run.json``).
* Temporaries carry the writing process's id (``.NAME.pidPID.*.tmp``); the next run removes
  those whose process is gone, whatever their age (a ``kill -9`` leaves them behind).
* :func:`interrupted_message` says truthfully, after Ctrl-C, which set each output folder of
  this process holds: the commit of a set is shielded from SIGINT, so it either happened or not.
* CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or
  carriage return) are written with a leading apostrophe.

Every failure to write is an :class:`InputError` naming the path (disk full, no permission).
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from placement.catalogs.validation import InputError
from placement.fingerprint import remove_orphan_temporaries, temporary_prefix

MARKER = ".placement-run.json"
FORMULA_PREFIXES = ("=", "+", "-", "@")


def write_atomic(path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    if os.path.lexists(path) and not path.is_file():
        raise InputError(path, None, None, "exists and is not a regular file (a folder, device, pipe or link); "
                                           "refusing to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temporary_prefix(path.name), suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise InputError(path, None, None, f"cannot write ({exc.strerror or exc})") from None
    except BaseException:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    return False


#: What each output folder of this process holds now: "writing" (the previous set, a new one being
#: written), "replaced" (the new set) or "kept" (the previous set; the new one was abandoned).
SETS: dict = {}


def interrupted_message() -> str:
    """After Ctrl-C: which set each output folder this process touched holds (one line)."""
    if not SETS:
        return "interrupted before any output was written"
    parts = []
    for out, state in SETS.items():
        if state == "replaced":
            parts.append(f"the new outputs are in place in {out}")
        elif out.exists():
            parts.append(f"the previous outputs in {out} were left as they were")
        else:
            parts.append(f"nothing was written to {out}")
    return "interrupted; " + "; ".join(parts)


class _sigint_deferred:
    """Hold Ctrl-C off while a set is committed, so the commit and the record of it in
    :data:`SETS` happen together; a Ctrl-C meanwhile is raised right after. (Python runs signal
    handlers in the main thread, so a handler that only takes note defers it; masking the
    signal would not, in a process with other threads.)"""

    def __enter__(self):
        import signal
        import threading

        self.caught = False
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._take_note)
        return self

    def _take_note(self, signum, frame):
        self.caught = True

    def __exit__(self, exc_type, exc, tb):
        if self.previous is None:
            return False
        import signal

        signal.signal(signal.SIGINT, self.previous)
        if self.caught and exc_type is None:
            if callable(self.previous):
                self.previous(signal.SIGINT, None)
            elif self.previous == signal.default_int_handler or self.previous != signal.SIG_IGN:
                raise KeyboardInterrupt
        return False


class OutputSet:
    """The files of one run, written aside and put in place together (module docstring).

    Use as a context manager: files written with :meth:`write` land in a hidden temporary
    folder beside ``out``; on a clean exit the folder replaces ``out``, on an exception (or
    Ctrl-C) it is removed and ``out`` is left as it was.
    """
    def __init__(self, out, meta: dict | None = None):
        self.out = Path(out)
        self.meta = dict(meta or {})
        self.names: list[str] = []
        self.created_parent = False
        self._check_target()
        SETS[self.out] = "writing"

    def _check_target(self) -> None:
        out = self.out
        try:
            out.resolve()
            exists = out.exists()
        except (OSError, RuntimeError) as exc:
            raise InputError(out, None, None, f"unusable output path ({exc})") from None
        if out.is_symlink():
            raise InputError(out, None, None, "a symbolic link; give the folder itself as --out")
        if exists and not out.is_dir():
            raise InputError(out, None, None, "not a folder (--out must name a folder)")
        if out.is_dir():
            entries = [p.name for p in out.iterdir()]
            if entries and MARKER not in entries:
                raise InputError(out, None, None, f"folder holds other files ({', '.join(sorted(entries)[:3])}"
                                                  f"{', ...' if len(entries) > 3 else ''}) and is not a placement "
                                                  f"output folder; use another --out")
        parent = out.resolve().parent
        if not parent.exists():
            try:
                parent.mkdir(parents=True)
            except OSError as exc:
                raise InputError(out, None, None, f"cannot create the folder ({exc.strerror})") from None
            self.created_parent = True
        if not os.access(parent, os.W_OK):
            raise InputError(out, None, None, f"cannot write in {parent} (permission denied)")

    def __enter__(self):
        parent = self.out.resolve().parent
        remove_orphan_temporaries(parent, f".{self.out.name}.pid*")
        try:
            self.tmp = Path(tempfile.mkdtemp(prefix=temporary_prefix(self.out.name), suffix=".tmp", dir=parent))
        except OSError as exc:
            raise InputError(self.out, None, None, f"cannot write ({exc.strerror})") from None
        SETS[self.out] = "writing"
        return self

    def write(self, name: str, data: bytes | str) -> Path:
        """Write one file of the set; returns its final path (inside ``out``)."""
        write_atomic(self.tmp / name, data)
        self.names.append(name)
        return self.out / name

    def __exit__(self, exc_type, exc_value, tb):
        if exc_type is not None:
            SETS[self.out] = "kept"
            shutil.rmtree(self.tmp, ignore_errors=True)
            return False
        write_atomic(self.tmp / MARKER, json.dumps(dict(self.meta, files=self.names), indent=2) + "\n")
        with _sigint_deferred():
            try:
                self._commit()
            except OSError as exc:
                SETS[self.out] = "kept"
                shutil.rmtree(self.tmp, ignore_errors=True)
                raise InputError(self.out, None, None, f"cannot replace the output folder ({exc.strerror})") from None
            shutil.rmtree(self._previous, ignore_errors=True)
        return False

    def _commit(self) -> None:
        """Put the new set in place (the previous one, if any, moves to ``self._previous``)."""
        self._previous = self.tmp
        if not self.out.exists():
            os.rename(self.tmp, self.out)
        elif not _exchange(self.tmp, self.out):
            self._previous = self.out.with_name(f"{temporary_prefix(self.out.name)}old.tmp")
            os.rename(self.out, self._previous)
            os.rename(self.tmp, self.out)
        SETS[self.out] = "replaced"


def neutralised(value):
    """A CSV cell a spreadsheet will not run as a formula: text whose first character after any
    whitespace is one of ``= + - @``, or that starts with a tab, CR or LF, gets a leading ``'``
    (OWASP, "CSV Injection")."""
    if isinstance(value, str) and (value.startswith(("\t", "\r", "\n"))
                                   or value.lstrip(" \t\r\n").startswith(FORMULA_PREFIXES)):
        return "'" + value
    return value


def records_to_csv(records: list[dict], fields: tuple | list | None = None) -> str:
    """CSV of records (their keys, or ``fields``, as the header; a header even with no rows)."""
    buf = io.StringIO()
    names = list(fields) if fields is not None else list(dict.fromkeys(k for r in records for k in r))
    if names:
        # "\r\n" as the writer's terminator makes it quote every field holding a CR or an LF (a bare
        # CR would split the row in csv readers and spreadsheets); rows still end in "\n"
        row = io.StringIO()
        # a key only some records carry (a GPU pool's gpus) is an empty cell in the others
        w = csv.DictWriter(row, fieldnames=names, lineterminator="\r\n", restval="")
        for r in [None, *records]:
            row.seek(0)
            row.truncate()
            if r is None:
                w.writeheader()
            else:
                w.writerow({k: neutralised(v) for k, v in r.items()})
            buf.write(row.getvalue()[:-2] + "\n")
    return buf.getvalue()


def records_to_json(records, **meta) -> str:
    doc = dict(meta, records=records) if meta else records
    return json.dumps(doc, indent=2, allow_nan=False, default=_json_default) + "\n"


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")
