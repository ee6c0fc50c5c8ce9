"""The brief as an A4 PDF (fpdf2: pure Python, embeds a subset of the server's CJK font, no network at any step).

Every page has the title line, the 示例数据 mark when the brief holds demo rows, and a footer with the date and the
page number. Figure cards, the coverage map (its SVG drawn as vector graphics by fpdf2, its text in the brief's
font), tables and bars are drawn from `brief.layout`'s blocks; a heading never ends a page.
"""

from __future__ import annotations

import io
import tempfile
from datetime import datetime, time
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from assistance.brief.fonts import PDF_FONT, subset_font
from assistance.brief.layout import Bars, Beside, Block, Cards, Heading, Layout, MapImage, Paragraph, Table

FONT = PDF_FONT
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (31, 87, 150)
DEMO = (191, 87, 0)
RULE = (206, 212, 218)
FILL = (241, 245, 250)
MARGIN = 15  # mm
CARD_GAP = 2.5  # mm between cards
BESIDE_GAP = 5  # mm between two blocks side by side
MAP_HEIGHT = 84  # mm, the most a map may take
KEEP_TOGETHER = 15  # tables of at most this many rows stay on one page
ROW_HEIGHT = 4.9  # mm, a table row of one line
BAR_HEIGHT = 4.4  # mm, a bar's row
CARD_HEIGHT = 15.5  # mm


class _Document(FPDF):
    def __init__(self, page: Layout, font: Path):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.brief_layout = page
        self.set_margins(MARGIN, 16, MARGIN)
        self.set_auto_page_break(True, margin=16)
        self.add_font(FONT, "", str(font))
        self.set_font(FONT, size=10)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_y(7)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.brief_layout.title, align="L")
        if self.brief_layout.demo_mark:
            self.set_xy(MARGIN, 7)
            self.set_text_color(*DEMO)
            self.set_font(FONT, size=10)
            self.cell(0, 5, self.brief_layout.demo_mark, align="R")
        self.set_draw_color(*RULE)
        self.line(MARGIN, 13, self.w - MARGIN, 13)
        self.set_y(16)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.brief_layout.footer, align="L")
        self.set_xy(MARGIN, -11)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="R")

    @property
    def wrap(self) -> str:
        """Chinese lines break between any two characters, English ones between words."""
        return "WORD" if self.brief_layout.lang == "en" else "CHAR"

    @property
    def room(self) -> float:
        """Space left on this page (mm)."""
        return self.h - self.b_margin - self.get_y()

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin


def render_pdf(page: Layout, today_stamp: datetime | None = None) -> bytes:
    """The PDF's bytes (A4, CJK font embedded as a subset)."""
    with tempfile.TemporaryDirectory(prefix="assistance-brief-") as folder:
        return _render(page, subset_font(_text_of(page), Path(folder)), today_stamp)


def _text_of(page: Layout) -> str:
    """Every character the brief draws."""
    parts = [page.title, page.subtitle, page.demo_mark or "", page.footer]
    blocks = list(page.blocks)
    while blocks:
        block = blocks.pop(0)
        if isinstance(block, Heading | Paragraph):
            parts.append(block.text)
        elif isinstance(block, Cards):
            parts += [text for card in block.cards for text in card]
        elif isinstance(block, Table):
            parts += [*block.headers, *(cell for row in block.rows for cell in row)]
        elif isinstance(block, Bars):
            parts += [block.legend, *(f"{label}{shown}" for label, _, shown in block.bars)]
        elif isinstance(block, MapImage):
            parts.append(block.text)
        elif isinstance(block, Beside):
            blocks += [block.left, block.right]
    return "".join(parts)


def _render(page: Layout, font: Path, today_stamp: datetime | None) -> bytes:
    pdf = _Document(page, font)
    pdf.set_title(page.title)
    pdf.set_creator("assistance brief")
    if today_stamp is not None:  # the same brief on the same day gives the same bytes
        pdf.set_creation_date(today_stamp)
    pdf.add_page()
    pdf.set_font(FONT, size=17)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, 8, page.title, align="L", new_x="LMARGIN", new_y="NEXT", wrapmode=pdf.wrap)
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 5, page.subtitle, align="L", new_x="LMARGIN", new_y="NEXT", wrapmode=pdf.wrap)
    pdf.ln(2)
    for index, block in enumerate(page.blocks):
        _draw(pdf, block, page.blocks[index + 1 : index + 3])
    return bytes(pdf.output())


def stamp(day) -> datetime:
    """Midnight of a day, the PDF's creation date."""
    return datetime.combine(day, time.min)


def _draw(pdf: _Document, block: Block, following: list[Block]) -> None:
    if isinstance(block, Heading):
        if pdf.room < 14 + _min_height(following):  # a heading never ends a page, nor its introduction
            pdf.add_page()
        pdf.ln(1.5)
        pdf.set_font(FONT, size=12)
        pdf.set_text_color(*ACCENT)
        pdf.cell(0, 6.5, block.text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(*ACCENT)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 18, pdf.get_y())
        pdf.ln(2)
        pdf.set_text_color(*INK)
    elif isinstance(block, Paragraph):
        size, colour = {"plain": (9.5, INK), "note": (8, MUTED), "warning": (9.5, DEMO)}[block.tone]
        pdf.set_font(FONT, size=size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, size * 0.5, block.text, align="L", new_x="LMARGIN", new_y="NEXT", wrapmode=pdf.wrap)
        pdf.ln(1.5)
        pdf.set_text_color(*INK)
    elif isinstance(block, Cards):
        _cards(pdf, block)
    elif isinstance(block, MapImage):
        _map(pdf, block, MAP_HEIGHT)
    elif isinstance(block, Beside):
        _beside(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Bars):
        _bars(pdf, block)


def _min_height(following: list[Block]) -> float:
    """How much of what follows must fit under a heading (mm): the next block, and the one after it too when the
    next is a paragraph introducing it (a table's summary line stays with the table)."""
    if not following:
        return 10
    block, *rest = following
    if isinstance(block, Paragraph) and rest and not isinstance(rest[0], Heading | Paragraph):
        return 10 + _block_height(rest[0])
    return _block_height(block)


def _block_height(block: Block) -> float:
    """How much of a block must fit on a page for it to start there (mm)."""
    if isinstance(block, Cards):
        return CARD_HEIGHT
    if isinstance(block, MapImage | Beside):  # kept whole
        return _height(block, MARGIN_WIDTH)
    if isinstance(block, Table):  # a short table is kept whole, a long one needs a few rows
        rows = len(block.rows) + 1 if len(block.rows) <= KEEP_TOGETHER else 4
        return ROW_HEIGHT * rows + 3
    if isinstance(block, Bars):  # bars are kept whole
        return BAR_HEIGHT * len(block.bars) + 8
    return 10


def _height(block: Cards | MapImage | Beside, width: float) -> float:
    """How tall a block is drawn `width` mm wide (mm)."""
    if isinstance(block, Cards):
        return -(-len(block.cards) // block.per_row) * (CARD_HEIGHT + CARD_GAP)
    if isinstance(block, MapImage):
        return min(width * block.aspect, MAP_HEIGHT) + 2
    left = (width - BESIDE_GAP) * block.share
    return max(_height(block.left, left), _height(block.right, width - BESIDE_GAP - left))


MARGIN_WIDTH = 210 - 2 * MARGIN  # mm, the text width of an A4 page


def _fitted(pdf: _Document, text: str, size: float, width: float) -> None:
    """Set the font at `size`, smaller if `text` would not fit `width` (a long English label in a narrow card)."""
    pdf.set_font(FONT, size=size)
    while size > 5 and pdf.get_string_width(text) > width:
        size -= 0.25
        pdf.set_font(FONT, size=size)


def _cards(pdf: _Document, block: Cards) -> None:
    gap, per_row = CARD_GAP, block.per_row
    width = (pdf.width - gap * (per_row - 1)) / per_row
    height = CARD_HEIGHT
    for start in range(0, len(block.cards), per_row):
        if pdf.room < height + 2:
            pdf.add_page()
        y = pdf.get_y()
        for column, (label, value, note) in enumerate(block.cards[start : start + per_row]):
            x = pdf.l_margin + column * (width + gap)
            pdf.set_fill_color(*FILL)
            pdf.rect(x, y, width, height, style="F")
            pdf.set_xy(x + 2.5, y + 1.2)
            _fitted(pdf, label, 8, width - 5)
            pdf.set_text_color(*MUTED)
            pdf.cell(width - 5, 4.5, label)
            pdf.set_xy(x + 2.5, y + 5.0)
            _fitted(pdf, value, 14, width - 5)
            pdf.set_text_color(*INK)
            pdf.cell(width - 5, 7, value)
            if note:
                pdf.set_xy(x + 2.5, y + 11)
                _fitted(pdf, note, 6.5, width - 5)
                pdf.set_text_color(*MUTED)
                pdf.cell(width - 5, 4, note)
        pdf.set_xy(pdf.l_margin, y + height + gap)
    pdf.set_text_color(*INK)


def _map(pdf: _Document, block: MapImage, most: float) -> None:
    """The map as wide as the column, or as tall as `most` (mm) allows, centred."""
    width = pdf.width
    height = width * block.aspect
    if height > most:
        height, width = most, most / block.aspect
    if pdf.room < height + 2:
        pdf.add_page()
    y = pdf.get_y()
    pdf.image(io.BytesIO(block.svg.encode("utf-8")), x=pdf.l_margin + (pdf.width - width) / 2, y=y, w=width, h=height)
    pdf.set_xy(pdf.l_margin, y + height + 2)


def _beside(pdf: _Document, block: Beside) -> None:
    """Two blocks side by side, each drawn in its column (the page's margins moved to it), kept on one page."""
    left_margin, right_margin = pdf.l_margin, pdf.r_margin
    left = (pdf.width - BESIDE_GAP) * block.share
    columns = ((block.left, left_margin, left), (block.right, left_margin + left + BESIDE_GAP,
               pdf.width - BESIDE_GAP - left))  # fmt: skip
    height = max(_height(child, width) for child, _, width in columns)
    if pdf.room < height:
        pdf.add_page()
    top, bottom = pdf.get_y(), pdf.get_y()
    for child, x, width in columns:
        pdf.set_left_margin(x)
        pdf.set_right_margin(pdf.w - x - width)
        pdf.set_xy(x, top)
        if isinstance(child, MapImage):
            _map(pdf, child, min(MAP_HEIGHT, height - 2))
        else:
            _draw(pdf, child, [])
        bottom = max(bottom, pdf.get_y())
    pdf.set_left_margin(left_margin)
    pdf.set_right_margin(right_margin)
    pdf.set_xy(left_margin, bottom)


def _table(pdf: _Document, block: Table) -> None:
    if len(block.rows) <= KEEP_TOGETHER and pdf.room < ROW_HEIGHT * (len(block.rows) + 1) + 3:
        pdf.add_page()  # a short table is not split
    total = sum(block.widths)
    widths = [pdf.width * w / total for w in block.widths]
    align = ["RIGHT" if numeric else "LEFT" for numeric in block.numeric]
    pdf.set_font(FONT, size=8)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(255, 255, 255)
    headings = FontFace(color=MUTED, fill_color=FILL, size_pt=7.5)
    with pdf.table(
        col_widths=widths, text_align=align, line_height=4.1, borders_layout="HORIZONTAL_LINES",
        headings_style=headings, padding=(0.35, 1.5), repeat_headings=1, width=pdf.width,
        cell_fill_mode="NONE",
    ) as table:  # fmt: skip
        heading = table.row()
        for text in block.headers:
            heading.cell(text)
        for row in block.rows:
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.ln(2.5)


def _bars(pdf: _Document, block: Bars) -> None:
    pdf.set_font(FONT, size=8.5)
    label_width = min(max((pdf.get_string_width(label) for label, _, _ in block.bars), default=20) + 3, 70)
    number_width = 16
    span = pdf.width - label_width - number_width - 2
    biggest = max((value for _, value, _ in block.bars), default=0) or 1
    if pdf.room < BAR_HEIGHT * len(block.bars) + 8:
        pdf.add_page()  # the bars are not split
    for label, value, shown in block.bars:
        if pdf.room < BAR_HEIGHT + 1:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_text_color(*INK)
        pdf.cell(label_width, BAR_HEIGHT, label)
        pdf.set_fill_color(*ACCENT)
        if value:
            pdf.rect(pdf.l_margin + label_width, y + 0.9, max(span * value / biggest, 0.6), 2.6, style="F")
        pdf.set_xy(pdf.l_margin + label_width + span + 2, y)
        pdf.cell(number_width, BAR_HEIGHT, shown, align="R", new_x="LMARGIN", new_y="NEXT")
    if block.legend:
        pdf.set_font(FONT, size=7.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 4, block.legend, align="L", new_x="LMARGIN", new_y="NEXT", wrapmode=pdf.wrap)
        pdf.set_text_color(*INK)
    pdf.ln(2)
