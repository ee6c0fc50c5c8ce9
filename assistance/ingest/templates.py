"""Blank activity-log templates (CSV and XLSX; Chinese or English headers), built in memory.

Coordinators start from a file whose headers the importer already knows, and the XLSX offers drop-down lists
for the measure and the university (the ~49 names live on a hidden sheet, since an inline list is limited to
255 characters). Headers are the canonical ones of docs/contracts.md, "Activity log file", so a filled template
imports without surprises.
"""

from __future__ import annotations

import io

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assistance.export.columns import Column
from assistance.export.writers import csv_bytes
from assistance.i18n import t
from assistance.ingest.headers import FIELDS, PLACE_FIELDS, REQUIRED
from assistance.reference.codes import EARLIEST_ACTIVITY
from assistance.store.transaction import cursor

TEMPLATE_ROWS = 1000  # rows that carry the drop-downs and the date format
WIDTHS = {"date": 12, "university": 18, "school": 24, "county": 16, "measure": 20, "title": 36, "notes": 30}


def headers(lang: str) -> list[str]:
    """The canonical column headers: 日期, 帮扶高校, … or date, university, …"""
    return [t(f"ingest.field.{name}", lang) for name in FIELDS]


def template_name(lang: str, kind: str) -> str:
    return f"activity_template_{lang}.{kind}"


def csv_template(lang: str) -> bytes:
    """Header row only, UTF-8 with BOM so Excel and WPS show the Chinese headers correctly."""
    return csv_bytes(headers(lang), [])


def _choices(con: duckdb.DuckDBPyConnection, lang: str) -> tuple[list[str], list[str]]:
    """Measure choices (Chinese labels; codes in the English template) and university names."""
    measure_column = "code" if lang == "en" else "label_zh"
    university_column = "name_en" if lang == "en" else "name_zh"
    with cursor(con) as cur:
        measures = cur.execute(f"SELECT {measure_column} FROM measures ORDER BY sort_order").fetchall()
        universities = cur.execute(f"SELECT {university_column} FROM universities ORDER BY university_id").fetchall()
    return [r[0] for r in measures], [r[0] for r in universities]


def xlsx_template(con: duckdb.DuckDBPyConnection, lang: str) -> bytes:
    """Data sheet first (what the importer reads), then instructions, then the hidden lists sheet."""
    measures, universities = _choices(con, lang)
    workbook = Workbook()
    data = workbook.active
    data.title = t("template.sheet_data", lang)
    names = headers(lang)
    data.append(names)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for position, name in enumerate(FIELDS, start=1):
        cell = data.cell(row=1, column=position)
        cell.font, cell.fill = bold, fill
        data.column_dimensions[get_column_letter(position)].width = WIDTHS.get(name, 14)
    data.freeze_panes = "A2"

    lists = workbook.create_sheet(t("template.sheet_lists", lang))
    for row, value in enumerate(measures, start=1):
        lists.cell(row=row, column=1, value=value)
    for row, value in enumerate(universities, start=1):
        lists.cell(row=row, column=2, value=value)
    lists.sheet_state = "hidden"
    quoted = "'" + lists.title.replace("'", "''") + "'"

    last = TEMPLATE_ROWS + 1
    column = {name: get_column_letter(FIELDS.index(name) + 1) for name in FIELDS}
    for name, source in (
        ("measure", f"={quoted}!$A$1:$A${len(measures)}"),
        ("university", f"={quoted}!$B$1:$B${len(universities)}"),
    ):
        # A warning, not a stop: registered aliases (北师大) and synonyms are valid too.
        validation = DataValidation(type="list", formula1=source, allow_blank=True, errorStyle="warning")
        validation.promptTitle = t("template.validation_title", lang)
        validation.prompt = t(f"template.help.{name}", lang)
        validation.error = t("template.validation_warning", lang)
        validation.showErrorMessage = True
        validation.showInputMessage = True
        validation.add(f"{column[name]}2:{column[name]}{last}")
        data.add_data_validation(validation)
    dates = DataValidation(
        type="date",
        operator="between",
        formula1=f"DATE({EARLIEST_ACTIVITY.year},{EARLIEST_ACTIVITY.month},{EARLIEST_ACTIVITY.day})",
        formula2="DATE(2100,12,31)",
        allow_blank=True,
        errorStyle="warning",
    )
    dates.showErrorMessage = True
    dates.error = t("template.help.date", lang)
    dates.add(f"{column['date']}2:{column['date']}{last}")
    data.add_data_validation(dates)
    for row in range(2, last + 1):
        data[f"{column['date']}{row}"].number_format = "yyyy-mm-dd"

    _instructions(workbook.create_sheet(t("template.sheet_help", lang), 1), lang, names)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(sheet, lang: str, names: list[str]) -> None:
    sheet.append([t("template.help_title", lang)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(
        [t("template.help_columns", lang), t("template.help_required", lang), t("template.help_content", lang)]
    )
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for name, header in zip(FIELDS, names, strict=True):
        if name in REQUIRED:
            required = t("template.required_yes", lang)
        elif name in PLACE_FIELDS:
            required = t("template.required_one_of", lang)
        else:
            required = t("template.required_no", lang)
        sheet.append([header, required, t(f"template.help.{name}", lang)])
    sheet.append([])
    sheet.append([t("template.help_footer", lang)])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 90
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def all_templates(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, bytes, str]]:
    """Every template by key: (file name, bytes, MIME type), for the page's download buttons."""
    xlsx_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {
        f"{kind}_{lang}": (
            template_name(lang, kind),
            csv_template(lang) if kind == "csv" else xlsx_template(con, lang),
            "text/csv" if kind == "csv" else xlsx_mime,
        )
        for lang in ("zh", "en")
        for kind in ("csv", "xlsx")
    }


def reuploadable(columns: tuple[Column, ...]) -> bool:
    """Whether a table's Chinese export can be uploaded again as an activity log: it has the upload's required
    columns and a school (headers.REQUIRED). Asked here, by the upload's side, so export never imports ingest."""
    names = {column.name for column in columns}
    return all(field in names for field in (*REQUIRED, "school"))
