"""Terminal tables that fit the screen: columns chosen by priority until the width is used.

Each column knows its header, its cells and a priority; :func:`fitted_table` measures every
column, keeps the most important ones that fit in the terminal's width (``COLUMNS`` is
honoured; piped output without ``COLUMNS`` gets 120 columns), never cuts an id or a number,
and says in the caption how many columns ``--wide`` would add.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Callable

#: Width used when the output is not a terminal and COLUMNS is not set.
PIPED_WIDTH = 120


@dataclass(frozen=True)
class Column:
    """One table column: ``cell(i)`` gives row i's text (rich markup allowed)."""

    header: str
    #: row i's text: a plain string (shown as it is, never read as markup) or a ``rich.text.Text``
    cell: Callable[[int], object]
    justify: str = "right"
    #: 0 always shown; higher numbers are dropped first when the screen is narrow.
    priority: int = 5


def terminal_width() -> int:
    """The terminal's width in columns (``COLUMNS`` first; :data:`PIPED_WIDTH` when piped)."""
    return shutil.get_terminal_size((PIPED_WIDTH, 24)).columns


def _as_text(value):
    """A cell as rich ``Text``: strings are plain text (ids and names from user files may hold
    brackets that rich would otherwise read as markup)."""
    from rich.text import Text

    return value if isinstance(value, Text) else Text(str(value))


def _cell_width(value) -> int:
    return max((line.cell_len for line in _as_text(value).split("\n")), default=0)


def fitted_table(title: str, columns: list[Column], n_rows: int, *, width: int | None = None, wide: bool = False):
    """A rich ``Table`` of the columns that fit in ``width`` (all of them with ``wide``)."""
    from rich.table import Table

    width = terminal_width() if width is None else width
    from rich.text import Text

    cells = [[_as_text(col.cell(i)) for i in range(n_rows)] for col in columns]
    sizes = [max([_cell_width(col.header)] + [_cell_width(c) for c in cells[k]]) for k, col in enumerate(columns)]
    keep = set(range(len(columns)))
    if not wide:
        keep, used = set(), 1  # the table's left border
        for k in sorted(range(len(columns)), key=lambda k: (columns[k].priority, k)):
            need = sizes[k] + 3  # padding either side and a border
            if columns[k].priority == 0 or used + need <= width:
                keep.add(k)
                used += need
    dropped = len(columns) - len(keep)
    t = Table(title=Text(title), title_justify="left", header_style="bold",
              caption=f"{dropped} more column{'s' if dropped > 1 else ''}: --wide" if dropped else None,
              caption_justify="left")
    order = sorted(keep)
    for k in order:
        t.add_column(columns[k].header, justify=columns[k].justify, no_wrap=True, min_width=sizes[k])
    for i in range(n_rows):
        t.add_row(*(cells[k][i] for k in order))
    return t


#: Console width with ``--wide``: tables are printed whole, however wide.
WIDE_WIDTH = 4000


def console(width: int | None = None, *, wide: bool = False):
    """A rich console on stdout as wide as the terminal (:func:`terminal_width`), or unbounded with ``wide``."""
    from rich.console import Console

    if wide:
        width = WIDE_WIDTH
    return Console(highlight=False, width=terminal_width() if width is None else width)
