"""Which column is which: the importer's fields, the header names it accepts, and finding the header row.

Coordinators' files come with headers in Chinese or English, full-width or not, with hints in brackets and
title rows above them; everything here folds those variations onto the ten fields so that the rest of the
import only deals in field names. The same matching also decides a CSV's delimiter (ingest_decode).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistance.ingest.errors import IngestFileError

FIELDS = ("date", "university", "school", "county", "measure", "title", "teachers", "students", "hours", "notes")
REQUIRED = ("date", "university", "measure", "title")
PLACE_FIELDS = ("school", "county")
HEADER_SCAN_ROWS = 30  # how far down a title block may push the header

# Header aliases, compared after `header_key` (NFKC, case folded, spaces and punctuation removed).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("日期", "活动日期", "开展日期", "时间", "活动时间", "开展时间", "日期(年月日)", "date", "activity date",
             "day"),
    "university": ("帮扶高校", "高校", "大学", "帮扶大学", "托管高校", "部属高校", "帮扶单位", "高校名称", "university",
                   "univ", "university name"),
    "school": ("受援学校", "学校", "受援校", "受援中学", "托管学校", "帮扶学校", "被帮扶学校", "县中", "学校名称",
               "受援学校名称", "school", "school name", "high school"),
    "county": ("受援县", "县", "县区", "区县", "县(区)", "县(市、区)", "受援县(区)", "受援县区", "所在县", "所在县区",
               "county", "district", "county name"),
    "measure": ("帮扶举措", "举措", "帮扶措施", "措施", "举措类型", "活动类型", "类型", "类别", "帮扶类型", "帮扶方式",
                "measure", "measure code", "type", "category"),
    "title": ("活动名称", "名称", "活动", "活动主题", "主题", "活动内容", "内容", "活动标题", "标题", "title",
              "activity", "activity name", "name"),
    "teachers": ("参与教师人数", "教师人数", "参与教师", "教师", "教师数", "参与教师数", "teachers", "teacher count",
                 "number of teachers", "no. of teachers"),
    "students": ("参与学生人数", "学生人数", "参与学生", "学生", "学生数", "参与学生数", "students", "student count",
                 "number of students", "no. of students"),
    "hours": ("时长（小时）", "时长", "小时", "时长(h)", "学时", "小时数", "时长/小时", "活动时长", "hours", "duration",
              "duration (hours)", "hours (h)"),
    "notes": ("备注", "说明", "附注", "备注说明", "notes", "note", "remarks", "remark", "comment", "comments"),
}  # fmt: skip

# Whitespace stripped from header cells (Python str.strip), full-width and zero-width spaces included.
_WS = (
    " \t\n\r\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_HEADER_STRIP = re.compile(r"[\s*:_\-—–·.,/\\、|()\[\]【】<>《》\"'“”‘’#№]+")
_BRACKETED = re.compile(r"[(\[【<《][^)\]】>》]*[)\]】>》]")


def header_key(text: object) -> str:
    """Fold a header cell so that 时长（小时）, ' 时长(小时) ' and 'HOURS' compare equal to their aliases."""
    return _HEADER_STRIP.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            key = header_key(alias)
            if table.get(key, name) != name:
                raise ValueError(f"header alias {alias!r} is claimed by {table[key]} and {name}")
            table[key] = name
    return table


_HEADER_LOOKUP = _alias_table()


def field_for_header(text: object) -> str | None:
    """The field a header cell names, trying it whole and then without a bracketed hint (日期（年-月-日）)."""
    if text is None:
        return None
    key = header_key(text)
    if key in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[key]
    bare = header_key(_BRACKETED.sub("", unicodedata.normalize("NFKC", str(text))))
    return _HEADER_LOOKUP.get(bare)


def cell_name(cell: object) -> str | None:
    """A header cell's text without surrounding whitespace; None for an empty or blank cell."""
    if cell is None:
        return None
    return str(cell).strip(_WS) or None


@dataclass
class HeaderMatch:
    index: int  # position of the header among the scanned rows
    cells: list[str | None]
    fields: dict[str, int]  # field → column position
    ignored: list[str]  # named columns that are not ours (or a second column for the same field)

    @property
    def complete(self) -> bool:
        return all(f in self.fields for f in REQUIRED) and any(f in self.fields for f in PLACE_FIELDS)

    def missing(self) -> list[str]:
        absent = [f for f in REQUIRED if f not in self.fields]
        if not any(f in self.fields for f in PLACE_FIELDS):
            absent.append("school/county")
        return absent

    def columns(self) -> dict[str, str]:
        """Field → the file's own header text, for messages that name the user's column."""
        return {name: cell_name(self.cells[position]) for name, position in self.fields.items()}

    def unnamed(self, width: int) -> list[int]:
        """Positions (of `width` columns) that have no header text."""
        return [position for position in range(width) if cell_name(self._cell(position)) is None]

    def unique_names(self, width: int) -> list[str]:
        """Column names for the rejected-rows CSV: the file's header, made unique, '#n' for unnamed columns."""
        names: list[str] = []
        seen: set[str] = set()
        for position in range(width):
            base = cell_name(self._cell(position)) or f"#{position + 1}"
            name, counter = base, 2
            while name in seen:
                name, counter = f"{base} ({counter})", counter + 1
            seen.add(name)
            names.append(name)
        return names

    def _cell(self, position: int) -> str | None:
        return self.cells[position] if position < len(self.cells) else None


def match_header(index: int, cells: list[str | None]) -> HeaderMatch:
    """How well one row reads as the header: the fields it names and the named columns it does not use."""
    fields: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        text = cell_name(cell)
        if text is None:
            continue
        name = field_for_header(cell)
        if name is not None and name not in fields:
            fields[name] = position
        else:
            ignored.append(text)
    return HeaderMatch(index, list(cells), fields, ignored)


def find_header(rows: list[list[str | None]], lines: list[int]) -> HeaderMatch:
    """The first of the leading rows that names every required column (title rows above it are skipped)."""
    best: HeaderMatch | None = None
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        match = match_header(index, cells)
        if match.complete:
            return match
        if match.fields and (best is None or len(match.fields) > len(best.fields)):
            best = match
    if best is None:
        raise IngestFileError("no_header", scan=HEADER_SCAN_ROWS)
    missing = "、".join(best.missing())
    found = "、".join(text for text in map(cell_name, best.cells) if text is not None) or "-"
    raise IngestFileError("missing_columns", line=lines[best.index], missing=missing, found=found)
