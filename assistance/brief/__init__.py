"""The leadership brief (工作简报, issue 11): a one- or two-page document of the current filters that a leader can
forward instead of opening the dashboard in a meeting. It states the filters and the date, coverage and activity
beside the coverage map of the scope (drawn as SVG from the committed boundaries, `svgmap`), the table by
province, activities by measure, the pairings that need attention, the outcome counts since the baseline year,
open and overdue problems where the problem tracker is installed, and the newest good-practice cases the ministry
selected; every figure comes from the same library functions the pages use. PDF (fpdf2 with the server's CJK
font) or one self-contained HTML file, made without any network; every page of a brief that holds demo rows says
示例数据. Nothing here imports Streamlit."""

from __future__ import annotations

from datetime import date

import duckdb

from assistance.brief.fonts import BriefError, has_cjk_font
from assistance.filters import Filters
from assistance.i18n import t

FORMATS = ("pdf", "html")
__all__ = ["FORMATS", "BriefError", "brief_file_name", "build_brief", "has_cjk_font"]


def build_brief(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    lang: str,
    fmt: str,
    today: date | None = None,
    pairing: int | None = None,
) -> bytes:
    """The brief of `filters` (held to their scope) in `lang` as PDF or HTML bytes, of one pairing in that scope when
    `pairing` is given (a scorecard's: `content.pairing_filters`); BriefError when a PDF cannot be made (no CJK font
    on the server)."""
    from assistance.brief.content import gather
    from assistance.brief.layout import layout

    today = today or date.today()
    page = layout(gather(con, filters, lang, today, pairing))
    if fmt == "html":
        from assistance.brief.html import render_html

        return render_html(page, lang)
    from assistance.brief.pdf import render_pdf, stamp

    return render_pdf(page, stamp(today))


def brief_file_name(lang: str, today: date, fmt: str) -> str:
    """工作简报_2026-11-28.pdf / brief_2026-11-28.html."""
    return f"{t('brief.file_stem', lang)}_{today.isoformat()}.{fmt}"
