"""Which column is which, for every kind of uploaded file: a field spec per kind and the one header matcher.

Each kind of file (activities, registry, plans, …) is a `FileKind`: its fields, the required ones, groups of which
one is enough (school or county), and the Chinese and English header names it accepts. Coordinators' headers come
in Chinese or English, full-width or not, with hints in brackets and title rows above them: `header_key` folds
those variations away, `find_header` skips the title rows and also notices when the header belongs to ANOTHER
kind, so that a file uploaded in the wrong place (an activity log as a registry, a registry on the Upload page)
is refused with a message that names the page where it belongs. The same matching decides a CSV's delimiter and
a workbook's sheet (ingest.decode).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assistance.i18n import t
from assistance.ingest.errors import IngestFileError
from assistance.ingest.headers import FIELDS as ACTIVITY_FIELDS
from assistance.ingest.headers import HEADER_ALIASES, PLACE_FIELDS, REQUIRED

HEADER_SCAN_ROWS = 30  # how far down a title block may push the header

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


def cell_name(cell: object) -> str | None:
    """A header cell's text without surrounding whitespace; None for an empty or blank cell."""
    if cell is None:
        return None
    return str(cell).strip(_WS) or None


class KindFileError(IngestFileError):
    """A file-level refusal whose message lives in the `fields.file.*` keys (assistance/strings/registry.py)."""

    def message(self, lang: str) -> str:
        params = {k: (v(lang) if callable(v) else v) for k, v in self.params.items()}
        return t(f"fields.file.{self.code}", lang, **params)


@dataclass(frozen=True)
class FileKind:
    """One kind of uploaded file. `page` is the i18n key of the place where such a file is loaded."""

    name: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]]
    one_of: tuple[tuple[str, ...], ...] = ()
    page: str = ""
    command: str = ""
    lookup: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        table: dict[str, str] = {}
        for name in self.fields:
            for alias in self.aliases.get(name, ()):
                key = header_key(alias)
                if table.get(key, name) != name:
                    raise ValueError(f"{self.name}: header alias {alias!r} is claimed by {table[key]} and {name}")
                table[key] = name
        self.lookup.update(table)

    def field_for(self, text: object) -> str | None:
        """The field a header cell names, whole or without a bracketed hint (协议开始日期（年-月-日）)."""
        if text is None:
            return None
        found = self.lookup.get(header_key(text))
        if found is None:
            found = self.lookup.get(header_key(_BRACKETED.sub("", unicodedata.normalize("NFKC", str(text)))))
        return found

    def field_label(self, name: str, lang: str) -> str:
        """The field's first Chinese or first English alias (for messages about absent columns)."""
        names = self.aliases.get(name, (name,))
        if lang == "en":
            return next((a for a in names if a.isascii()), name)
        return next((a for a in names if not a.isascii()), name)


@dataclass
class FieldMatch:
    """How one row reads as the header of `kind`."""

    kind: FileKind
    index: int  # position among the scanned rows
    cells: list[str | None]
    fields: dict[str, int]  # field → column position
    ignored: list[str]  # named columns that are not ours (or a second column for the same field)

    @property
    def complete(self) -> bool:
        return all(f in self.fields for f in self.kind.required) and all(
            any(f in self.fields for f in group) for group in self.kind.one_of
        )

    def missing(self, lang: str = "zh") -> list[str]:
        absent = [self.kind.field_label(f, lang) for f in self.kind.required if f not in self.fields]
        for group in self.kind.one_of:
            if not any(f in self.fields for f in group):
                absent.append("/".join(self.kind.field_label(f, lang) for f in group))
        return absent

    def columns(self) -> dict[str, str]:
        """Field → the file's own header text, for messages that name the user's column."""
        return {name: cell_name(self.cells[position]) for name, position in self.fields.items()}

    def unnamed(self, width: int) -> list[int]:
        """Positions (of `width` columns) that have no header text."""
        return [position for position in range(width) if cell_name(self._cell(position)) is None]

    def unique_names(self, width: int) -> list[str]:
        """Column names for a rejected-rows CSV: the file's header made unique, '#n' for unnamed columns."""
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


def match_row(kind: FileKind, index: int, cells: Sequence[str | None]) -> FieldMatch:
    """The fields one row names for `kind`, and the named columns it does not use."""
    fields: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        text = cell_name(cell)
        if text is None:
            continue
        name = kind.field_for(text)
        if name is not None and name not in fields:
            fields[name] = position
        else:
            ignored.append(text)
    return FieldMatch(kind, index, list(cells), fields, ignored)


def recognise(cells: Sequence[str | None], kinds: Sequence[FileKind]) -> FieldMatch | None:
    """The kind this row is a complete header of; when several fit, the one that names the most columns
    (the first listed wins a tie). None when the row is no complete header of any kind."""
    best: FieldMatch | None = None
    for kind in kinds:
        match = match_row(kind, 0, cells)
        if match.complete and (best is None or len(match.fields) > len(best.fields)):
            best = match
    return best


def find_header(rows: list[list[str | None]], lines: list[int], kind: FileKind) -> FieldMatch:
    """The first of the leading rows that is a complete header of `kind`; a header of another kind is refused
    with a message naming where that file belongs; no header at all names the columns that are missing.

    A row that is a complete header of several kinds is the kind that names the most of its columns (`kind` wins
    a tie). A row that is an incomplete header of `kind` but a complete one of another kind is refused as that
    kind unless `kind` recognises more of its columns: an activity log without its 活动名称 column lacks a
    column, it is no registry (although 帮扶高校, 受援学校 and 受援县 make a complete registry header)."""
    others = [k for k in KINDS if k.name != kind.name]
    best: FieldMatch | None = None
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        match = match_row(kind, index, cells)
        other = recognise(cells, others)
        if other is not None and len(other.fields) >= len(match.fields) + match.complete:
            raise KindFileError(
                "wrong_kind",
                line=lines[index],
                expected=lambda lang: t(f"fields.kind.{kind.name}", lang),
                found=lambda lang, k=other.kind: t(f"fields.kind.{k.name}", lang),
                page=lambda lang, k=other.kind: t(k.page, lang),
                command=other.kind.command,
            )
        if match.complete:
            return match
        if match.fields and (best is None or len(match.fields) > len(best.fields)):
            best = match
    if best is None:
        raise KindFileError(
            "no_header",
            scan=HEADER_SCAN_ROWS,
            kind=lambda lang: t(f"fields.kind.{kind.name}", lang),
            expected=lambda lang: _join(FieldMatch(kind, 0, [], {}, []).missing(lang), lang),
        )
    found_names = "、".join(text for text in map(cell_name, best.cells) if text is not None) or "-"
    raise KindFileError(
        "missing_columns",
        line=lines[best.index],
        kind=lambda lang: t(f"fields.kind.{kind.name}", lang),
        missing=lambda lang: _join(best.missing(lang), lang),
        found=found_names,
    )


def _join(names: list[str], lang: str) -> str:
    return (", " if lang == "en" else "、").join(names)


# ---------------------------------------------------------------------------------------------------------
# The kinds (docs/contracts.md, "Activity log file", "Registry file", "Plan file", "Outcome file")

ACTIVITIES = FileKind(
    name="activities",
    fields=ACTIVITY_FIELDS,
    required=REQUIRED,
    one_of=(PLACE_FIELDS,),
    aliases=HEADER_ALIASES,
    page="nav.upload",
    command="python -m assistance ingest",
)

_SUPPORTER = (
    "帮扶单位",
    "帮扶高校",
    "帮扶方",
    "托管单位",
    "托管高校",
    "部属高校",
    "帮扶学校名称",
    "高校",
    "大学",
    "supporter",
    "supporting party",
    "university",
    "partner",
)
_SCHOOL = (
    "受援学校",
    "受援校",
    "受援中学",
    "被帮扶学校",
    "受援学校名称",
    "学校",
    "学校名称",
    "县中",
    "school",
    "school name",
    "high school",
)
_COUNTY = (
    "受援县",
    "县",
    "县区",
    "区县",
    "县(区)",
    "县(市、区)",
    "受援县(区)",
    "受援县区",
    "所在县",
    "所在县区",
    "county",
    "district",
    "county name",
)
_TIER = ("层级", "帮扶层级", "级别", "类别层级", "tier", "level")

REGISTRY = FileKind(
    name="registry",
    fields=("supporter", "province", "province_code", "city", "county", "county_code", "school", "school_short",
            "tier", "start_date", "end_date", "cycle", "source", "confidence"),
    required=("supporter", "county", "school"),
    aliases={
        "supporter": _SUPPORTER,
        "province": ("省份", "省", "省区", "省(区、市)", "所在省份", "province"),
        "province_code": ("省份代码", "省代码", "省级代码", "province code", "province_code", "province adcode",
                          "province_adcode"),
        "city": ("市/州", "市州", "地市", "市", "地级市", "所在市", "city", "prefecture"),
        "county": _COUNTY,
        "county_code": ("县代码", "区县代码", "县区代码", "行政区划代码", "县级行政区划代码", "county code",
                        "county_code", "county adcode", "county_adcode", "adcode"),
        "school": _SCHOOL,
        "school_short": ("学校简称", "简称", "受援学校简称", "school short", "school_short", "short name"),
        "tier": _TIER,
        "start_date": ("协议开始日期", "开始日期", "起始日期", "帮扶开始日期", "协议签订日期", "签约日期",
                       "start date", "start_date", "start"),
        "end_date": ("协议结束日期", "结束日期", "终止日期", "帮扶结束日期", "end date", "end_date", "end"),
        "cycle": ("周期", "协议周期", "帮扶周期", "轮次", "cycle"),
        "source": ("来源", "信息来源", "依据", "出处", "source"),
        "confidence": ("可信度", "置信度", "confidence"),
    },
    page="registry.nav",
    command="python -m assistance registry import",
)  # fmt: skip

PLANS = FileKind(
    name="plans",
    fields=("supporter", "school", "county", "tier", "school_year", "measure", "target", "notes"),
    required=("supporter", "school_year", "measure", "target"),
    one_of=(("school", "county"),),
    aliases={
        "supporter": _SUPPORTER,
        "school": _SCHOOL,
        "county": _COUNTY,
        "tier": _TIER,
        "school_year": ("学年", "年度", "学年度", "计划学年", "school year", "school_year", "year"),
        "measure": ("帮扶举措", "举措", "帮扶措施", "措施", "举措类型", "measure", "measure code"),
        "target": ("目标次数", "目标", "计划次数", "目标数", "年度目标", "target", "target count", "planned"),
        "notes": ("备注", "说明", "notes", "note", "remarks"),
    },
    page="registry.nav",
    command="python -m assistance plans import",
)  # fmt: skip

OUTCOMES = FileKind(
    name="outcomes",
    fields=("school", "county", "school_year", "students", "classes", "large_classes", "teachers", "teachers_masters",
            "teachers_senior", "teachers_left", "top_intake_local_pct", "undergrad_rate_pct", "special_line_students",
            "notes"),
    required=("school", "school_year"),
    aliases={
        "school": _SCHOOL,
        "county": _COUNTY,
        "school_year": ("学年", "年度", "学年度", "统计学年", "school year", "school_year", "year"),
        "students": ("在校生数", "在校生", "在校学生数", "在校生人数", "学生数", "students", "in-school students",
                     "enrolment", "enrollment"),
        "classes": ("班级数", "班数", "教学班数", "classes", "number of classes"),
        "large_classes": ("56人及以上班级数", "大班额班级数", "56人以上班级数", "大班额", "大班额数", "large_classes",
                          "large classes", "classes of 56 or more"),
        "teachers": ("专任教师数", "专任教师", "教师数", "teachers", "full-time teachers"),
        "teachers_masters": ("研究生学历教师数", "研究生及以上学历教师数", "硕士及以上学历教师数", "研究生学历教师",
                             "teachers_masters", "masters", "teachers with a master's degree"),
        "teachers_senior": ("高级职称教师数", "高级职称教师", "高级教师数", "teachers_senior", "senior teachers",
                            "teachers with a senior title"),
        "teachers_left": ("流失教师数", "流失教师", "教师流失数", "teachers_left", "teachers left"),
        "top_intake_local_pct": ("优质生源本地就读率", "本地就读率", "优质生源本地就读比例", "top_intake_local_pct",
                                 "top intake local", "top intake local pct", "local enrolment of top students"),
        "undergrad_rate_pct": ("本科上线率", "本科率", "本科上线比例", "undergrad_rate_pct", "undergraduate rate",
                               "undergraduate admission rate"),
        "special_line_students": ("特控线上线人数", "特控线人数", "特控线上线", "special_line_students",
                                  "special line students", "students over the special-control line"),
        "notes": ("备注", "说明", "notes", "note", "remarks"),
    },
    page="registry.nav",
    command="python -m assistance outcomes import",
)  # fmt: skip

PROBLEMS = FileKind(
    name="problems",
    fields=("supporter", "school", "county", "province", "tier", "raised_on", "raised_by", "category", "title",
            "description", "owner_level", "status", "due_date", "resolution"),
    required=("raised_on", "raised_by", "category", "title", "owner_level"),
    aliases={
        "supporter": _SUPPORTER,
        "school": _SCHOOL,
        "county": _COUNTY,
        "province": ("省份", "省", "省区", "省(区、市)", "所在省份", "province"),
        "tier": _TIER,
        "raised_on": ("提出日期", "提出时间", "反映日期", "登记日期", "日期", "raised on", "raised_on", "date raised",
                      "date"),
        "raised_by": ("提出方", "提出单位", "反映单位", "提出主体", "raised by", "raised_by"),
        "category": ("类别", "问题类别", "问题类型", "问题分类", "category"),
        "title": ("问题", "问题标题", "困难问题", "问题名称", "标题", "title", "problem"),
        "description": ("问题描述", "描述", "具体情况", "详细描述", "情况说明", "description", "details"),
        "owner_level": ("责任层级", "责任主体", "责任单位", "牵头层级", "owner level", "owner_level", "owner"),
        "status": ("状态", "处理状态", "进展", "当前状态", "status"),
        "due_date": ("期限", "完成期限", "截止日期", "办结期限", "due date", "due_date", "due"),
        "resolution": ("处理结果", "解决情况", "处理情况", "办理结果", "resolution", "result"),
    },
    page="problems.nav",
    command="python -m assistance problems import",
)  # fmt: skip

KINDS: tuple[FileKind, ...] = (ACTIVITIES, REGISTRY, PLANS, OUTCOMES, PROBLEMS)
