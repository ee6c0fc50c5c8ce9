"""Layout that holds from a narrow window (800 px, sidebar open) to a wide one: headline figures, button labels,
dates and the page menu stay whole, never cut to "23…" or "C..".

* Metric cards sit in a `card_grid`: four to a row while each keeps `CARD_MIN_WIDTH`, fewer when the page is
  narrow (Streamlit's responsive grid), so a value never shares a sliver of the row.
* `page_style` adds the app's few CSS rules, once per run from the shell: a card's label wraps instead of ending
  in "…", its value scales with the card's own width (a container query) and never wraps or clips; a button's
  label and a chosen option's tag wrap onto a second line instead of ending in "…"; a segmented control's options
  wrap onto a second row rather than scroll out of sight; below 1100 px the page menu drops its icons, its names
  (and the guidance menu's) get smaller and the sidebar narrows, below 900 px smaller still with less padding, so
  every page name fits in the top bar.
"""

from __future__ import annotations

import streamlit as st

CARD_MIN_WIDTH = 172  # pixels per metric card, border and padding included
FIGURE_MIN_WIDTH = 140  # pixels per unbordered figure (a row of plain metrics)
NARROW = 1100  # window width (px) below which the menu drops its icons and the sidebar narrows
NARROWEST = 900  # below this the menu's names get smaller still, so that the guidance menu fits beside the pages
SIDEBAR_NARROW = 248  # the open sidebar's width (px) in a narrow window (Streamlit's default: 300)

_CSS = f"""
[data-testid="stMetric"] {{ container-type: inline-size; }}
[data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] *, [data-testid="stMetric"] .stMarkdownEllipsis * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
[data-testid="stMetricValue"] {{ font-size: clamp(1.25rem, 15.5cqi, 2.25rem); }}
[data-testid="stMetricValue"] * {{ overflow: visible !important; text-overflow: clip !important; }}
button .stMarkdownEllipsis, button .stMarkdownEllipsis p, [data-tag] > span[title] {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
[data-tag] {{ height: auto !important; }}
[data-testid="stButtonGroup"] div:has(> button) {{ flex-wrap: wrap; row-gap: 0.25rem; }}
@media (max-width: {NARROW}px) {{
  [data-testid="stTopNavLink"] > span:first-child {{ display: none; }}
  [data-testid="stTopNavLink"] {{ padding-left: 0.25rem !important; padding-right: 0.25rem !important; }}
  [data-testid="stTopNavLink"] span[label], [data-testid="stTopNavLink"] p, [data-testid="stTopNavSection"] p {{
    font-size: 0.8125rem !important;
  }}
  [data-testid="stTopNavSection"] {{ padding-left: 0.25rem !important; padding-right: 0.25rem !important; }}
  section[data-testid="stSidebar"][data-collapsed="false"] {{
    width: {SIDEBAR_NARROW}px !important; min-width: {SIDEBAR_NARROW}px !important;
  }}
}}
@media (max-width: {NARROWEST}px) {{
  [data-testid="stTopNavLink"], [data-testid="stTopNavSection"] {{
    padding-left: 0.15rem !important; padding-right: 0.15rem !important;
  }}
  [data-testid="stTopNavLink"] span[label], [data-testid="stTopNavLink"] p, [data-testid="stTopNavSection"] p {{
    font-size: 0.72rem !important;
  }}
}}
"""


def page_style() -> None:
    """The app's CSS rules (a style-only `st.html` takes no room on the page)."""
    st.html(f"<style>{_CSS}</style>")


def card_grid(columns: int = 4, min_width: int = CARD_MIN_WIDTH):
    """A grid of metric cards: `columns` to a row at most, fewer when a card would be narrower than `min_width`
    pixels (CARD_MIN_WIDTH for bordered cards; plain figures need less). Each direct child (e.g.
    `grid.metric(...)`) is one card."""
    return st.grid(columns, min_column_width=min_width)


def card(grid, label: str, value: str, **options) -> None:
    """One bordered metric card of a `card_grid`, as tall as the tallest card of its row."""
    grid.metric(label, value, border=True, height="stretch", **options)
