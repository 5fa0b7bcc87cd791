"""The one error bad input raises: :class:`InputError`, naming where, the field and the value.

Raised by the API, the scenario loader and the catalog loaders alike (the checkers in
:mod:`placement.catalogs.validation` raise it); the CLI prints it as one line and exits with
status 2. Its messages name fields (``days``, ``tenant[2].mw``), never command-line flags: the CLI
maps fields to its options.
"""
from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad input: one line naming where (file, row or table, field) and the value.

    The CLI prints ``str(error)`` alone and exits with status 2.
    """

    def __init__(self, where: str, field: str | None, value, problem: str):
        self.where = str(where)
        self.field = field
        self.value = value
        self.problem = problem
        location = self.where + (f": {field}" if field else "")
        shown = "" if value is None else f" = {value!r}"
        super().__init__(f"{location}{shown}: {problem}")
