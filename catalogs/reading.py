"""Reading catalog files: where the bundled data live, and CSV rows checked against their header."""
from __future__ import annotations

import csv
from pathlib import Path

from placement.catalogs.validation import InputError, require_country, require_file

__all__ = ["CATALOG_DIR", "DATA_DIR", "SCENARIO_DIR", "read_csv", "read_csv_rows", "sourced_rows"]

CATALOG_DIR = Path(__file__).resolve().parent
DATA_DIR = CATALOG_DIR / "data"
SCENARIO_DIR = CATALOG_DIR / "scenarios"


def read_csv(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[dict]:
    """Rows of a CSV (``#`` comment lines skipped, a UTF-8 byte-order mark accepted) whose header
    holds every column of ``columns``, any of ``optional`` and nothing else; optional columns
    missing from the file read as empty strings. A ``country`` column holds ISO 3166-1 alpha-2 codes
    (or nothing, for a row of no one country): anything else is refused, naming file, row and value."""
    require_file(path, None, path)
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(row for row in f if not row.startswith("#"))
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise InputError(path, ", ".join(missing), None,
                                 f"missing column{'s' if len(missing) > 1 else ''} (needs: {', '.join(columns)})")
            unknown = [c for c in header if c not in columns and c not in optional]
            if unknown:
                raise InputError(path, unknown[0], None,
                                 f"unknown column (known: {', '.join(columns + tuple(optional))})")
            rows = list(reader)
    except OSError as exc:
        raise InputError(path, None, None, f"cannot read ({exc.strerror})") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(path, None, None, f"malformed CSV ({exc})") from None
    for n, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise InputError(f"{path} row {n}", None, None, "wrong number of fields")
        for c in optional:
            row.setdefault(c, "")
        if "country" in row:
            require_country(f"{path} row {n}", "country", row["country"].strip(), allow_empty=True)
    return rows


def read_csv_rows(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()):
    """(row number, dict) for each row of a CSV with ``columns`` and any of ``optional`` (validated header)."""
    return list(enumerate(read_csv(path, columns, optional), start=2))


def sourced_rows(path: Path, columns: tuple[str, ...]):
    """``(where, row)`` of each row of a market table (:func:`read_csv_rows`), ``where`` naming file
    and row; a row without a ``source`` or with an ``approximate`` other than true/false is refused."""
    for n, row in read_csv_rows(path, columns):
        where = f"{path} row {n}"
        if not row["source"].strip():
            raise InputError(where, "source", row["source"], "every figure needs a source")
        if row["approximate"] not in ("true", "false"):
            raise InputError(where, "approximate", row["approximate"], "must be true or false")
        yield where, row
