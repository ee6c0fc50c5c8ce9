"""The brief as one self-contained HTML file: inline CSS, the coverage map and the bars drawn as inline SVG, no
script, no font, image or style sheet fetched from anywhere (it opens the same on an intranet and in an e-mail).
Printed, it fits A4 pages; the 示例数据 mark of a brief with demo rows is a fixed element, so a browser prints it on
every page."""

from __future__ import annotations

from html import escape

from assistance.brief.layout import Bars, Beside, Block, Cards, Heading, Layout, MapImage, Paragraph, Table

_CSS = """
@page { size: A4; margin: 15mm; }
* { box-sizing: border-box; }
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       color: #212529; margin: 0 auto; max-width: 190mm; padding: 12mm 0; font-size: 10pt; line-height: 1.45; }
h1 { color: #1f5796; font-size: 17pt; margin: 0 0 2mm; }
h2 { color: #1f5796; font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 0.4mm solid #1f5796; padding-bottom: 1mm;
     break-after: avoid; }
.subtitle, .note { color: #6c757d; font-size: 8.5pt; }
.warning { color: #bf5700; }
.demo-mark { position: fixed; top: 3mm; right: 3mm; color: #bf5700; border: 0.3mm solid #bf5700; padding: 0.5mm 2mm;
             font-size: 9pt; background: #fff; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; }
.card { background: #f1f5fa; padding: 2mm 2.5mm; break-inside: avoid; }
.card .label { color: #6c757d; font-size: 8pt; }
.card .value { font-size: 14pt; }
.card .small { color: #6c757d; font-size: 7pt; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; margin-bottom: 2mm; }
th { color: #6c757d; background: #f1f5fa; font-weight: normal; text-align: left; }
th, td { padding: 0.8mm 1.5mm; border-bottom: 0.2mm solid #ced4da; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
.bars td { border: none; padding: 0.4mm 1.5mm; }
.bars svg { display: block; }
.beside { display: grid; gap: 5mm; align-items: start; }
.map { margin: 0; break-inside: avoid; }
.map svg { display: block; width: 100%; height: auto; max-height: 84mm; }
footer { color: #6c757d; font-size: 8pt; margin-top: 6mm; border-top: 0.2mm solid #ced4da; padding-top: 1mm; }
"""


def render_html(page: Layout, lang: str) -> bytes:
    """The HTML file's bytes (UTF-8)."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(page.title)}</title><style>{_CSS}</style></head><body>",
    ]
    if page.demo_mark:
        parts.append(f'<div class="demo-mark">{escape(page.demo_mark)}</div>')
    parts.append(f'<h1>{escape(page.title)}</h1><p class="subtitle">{escape(page.subtitle)}</p>')
    parts += [_block(block) for block in page.blocks]
    parts.append(f"<footer>{escape(page.footer)}</footer></body></html>")
    return "\n".join(parts).encode("utf-8")


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h2>{escape(block.text)}</h2>"
    if isinstance(block, Paragraph):
        return f'<p class="{block.tone}">{escape(block.text)}</p>'
    if isinstance(block, Cards):
        cards = "".join(
            f'<div class="card"><div class="label">{escape(label)}</div><div class="value">{escape(value)}</div>'
            f'<div class="small">{escape(note)}</div></div>'
            for label, value, note in block.cards
        )
        return f'<div class="cards" style="grid-template-columns:repeat({block.per_row},1fr)">{cards}</div>'
    if isinstance(block, MapImage):  # the drawing itself, inline: nothing to fetch
        return f'<figure class="map">{block.svg}</figure>'
    if isinstance(block, Beside):
        left = round(100 * block.share)
        return (
            f'<div class="beside" style="grid-template-columns:{left}fr {100 - left}fr">'
            f"{_block(block.left)}{_block(block.right)}</div>"
        )
    if isinstance(block, Table):
        total = sum(block.widths)
        cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in block.widths)
        head = "".join(
            f'<th class="num">{escape(h)}</th>' if n else f"<th>{escape(h)}</th>"
            for h, n in zip(block.headers, block.numeric, strict=True)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f'<td class="num">{escape(c)}</td>' if n else f"<td>{escape(c)}</td>"
                for c, n in zip(row, block.numeric, strict=True)
            )
            + "</tr>"
            for row in block.rows
        )
        return f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(block, Bars):
        biggest = max((value for _, value, _ in block.bars), default=0) or 1
        rows = "".join(
            f'<tr><td style="width:28%">{escape(label)}</td><td><svg width="100%" height="9" '
            f'viewBox="0 0 100 9" preserveAspectRatio="none" role="img" aria-label="{escape(shown)}">'
            f'<rect x="0" y="1.5" width="{max(100 * value / biggest, 0.4) if value else 0:.2f}" height="6" '
            f'fill="#1f5796"/></svg></td><td class="num" style="width:12%">{escape(shown)}</td></tr>'
            for label, value, shown in block.bars
        )
        legend = f'<p class="note">{escape(block.legend)}</p>' if block.legend else ""
        return f'<table class="bars">{rows}</table>{legend}'
    raise TypeError(block)
