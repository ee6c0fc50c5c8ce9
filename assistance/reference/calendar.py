"""The programme's calendar arithmetic that several layers share (demo history, filters, charts)."""

from __future__ import annotations

from datetime import date


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s month to `last`'s, inclusive."""
    months, cursor = [], date(first.year, first.month, 1)
    while cursor <= last:
        months.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months
