"""A table shown as a rich table to a person at a terminal, as plain aligned text to a pipe or CI log
(no box drawing, no colour: easy to grep, diff and paste)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kaizen.present import console as out


def show(con: Console, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *, left: Sequence[str] = ()) -> None:
    """``left``: the headers of left-aligned columns (text); the others are numbers, right-aligned."""
    if out.plain(con):
        con.print(plain(title, headers, rows, left=left), markup=False, highlight=False, soft_wrap=True)
        return
    table = Table(title=title, title_justify="left", pad_edge=False)
    for header in headers:
        table.add_column(header, justify="left" if header in left else "right", no_wrap=header not in left)
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))  # names with [brackets] are not markup
    con.print(table)


def plain(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *, left: Sequence[str] = ()) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        parts = [c.ljust(w) if h in left else c.rjust(w) for c, w, h in zip(cells, widths, headers, strict=True)]
        return "  ".join(parts).rstrip()

    return "\n".join([title, line(headers), *(line(r) for r in rows)])
