"""Score tables: numpy columns named by their JSON fields, with sorting and records."""
from __future__ import annotations

import dataclasses

import numpy as np


#: Fields rounded to more than 4 decimals in records: an availability of 0.99982 is not 0.9998.
PRECISE_FIELDS = {"power_availability": 8}

class ScoreTable:
    """Mixin for frozen dataclasses with ``columns`` (field -> 1-D array) and ``extra``
    (more per-row arrays); ``FIELDS`` lists the JSON fields in order."""

    FIELDS: tuple = ()

    def __len__(self) -> int:
        return len(self.columns["id"])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def index(self, row_id: str) -> int:
        """Row number of the row with ``id`` ``row_id``."""
        return int(np.flatnonzero(self.columns["id"] == row_id)[0])

    def take(self, rows):
        """The same table restricted to (and ordered by) ``rows``."""
        return dataclasses.replace(self, columns={k: v[rows] for k, v in self.columns.items()},
                                   extra={k: v[rows] for k, v in self.extra.items()})

    def order_by(self, field_name: str = "lcoe_usd_per_mwh_it", descending: bool = False):
        """Rows sorted by ``field_name`` (NaN last), stable."""
        key = np.asarray(self.columns[field_name], dtype=float)
        order = np.argsort(-key if descending else key, kind="stable")
        return self.take(order)

    def head(self, n: int):
        return self.take(slice(0, max(n, 0)))

    def to_records(self) -> list[dict]:
        """One dict per row with the JSON fields (floats rounded to 4 decimals, those of
        :data:`PRECISE_FIELDS` to theirs; NaN/inf -> null)."""
        out = []
        fields = getattr(self, "fields", self.FIELDS)
        for i in range(len(self)):
            rec = {}
            for f in fields:
                v = self.columns[f][i]
                if isinstance(v, (float, np.floating)):
                    rec[f] = round(float(v), PRECISE_FIELDS.get(f, 4)) if np.isfinite(v) else None
                else:
                    rec[f] = v.item() if hasattr(v, "item") else v
            out.append(rec)
        return out
