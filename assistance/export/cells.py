"""The one spreadsheet-formula guard of every file users download (exports, templates, rejected rows).

The rule: text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return could be run by Excel or WPS
as a formula, so it is written inert: a CSV cell gets a leading apostrophe, an XLSX cell is stored as a
quote-prefixed text cell (its value unchanged). A plain signed number written as text (`-5`, `+1`, `-2.5`)
is left alone: a spreadsheet reads it as that number, never as a formula, and the importer accepts it
back. Values that are not text (numbers, dates, None) are left alone too.

The CSV exports stream from DuckDB, so the same rule also exists as SQL (`guard_sql`), generated from the
constants below; tests/export/test_export_cells.py runs one table of tricky cells through both.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = r"[+-]?[0-9]+(\.[0-9]+)?"  # the same in Python's re and DuckDB's RE2 (ASCII digits only)
QUOTE = "'"

_PLAIN_NUMBER = re.compile(PLAIN_NUMBER)


def formula_like(cell: object) -> bool:
    """True for text that a spreadsheet could run as a formula."""
    return isinstance(cell, str) and cell.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell)


def inert(cell: object) -> object:
    """The cell as a CSV may hold it: formula-like text gets a leading apostrophe; anything else is unchanged."""
    return QUOTE + cell if formula_like(cell) else cell


def guard_sql(text: str) -> str:
    """`inert` in SQL over the VARCHAR expression `text` (written in code, never user input)."""
    starts = ", ".join(f"chr({ord(c)})" for c in FORMULA_START)
    return (
        f"CASE WHEN left({text}, 1) IN ({starts}) AND NOT regexp_full_match({text}, '{PLAIN_NUMBER}') "
        f"THEN chr({ord(QUOTE)}) || {text} ELSE {text} END"
    )
