"""What is in view, said where it matters (issue 13):

* when no pairing matches the filters, say so plainly and offer to clear the filter that empties the view
  (item 5): 北京师范大学 + 甘肃 is a view with nothing in it, not a view where all is well;
* when demo rows are in view, mark the metric values themselves as sample figures (item 15), so that a cropped
  screenshot of the cards still says they are generated.
"""

from __future__ import annotations

import streamlit as st

from assistance.analytics import coverage
from assistance.figures.maps import PROVENANCE_COLOUR
from assistance.web import cache
from assistance.web.shell import PageContext, set_filters

# A small badge under each metric value of the page (CSS, so the values stay plain numbers for tests and tools; on
# a line of its own, so that it never takes width from the value); `{mark}` is the word, `{colour}` the demo colour
# of the maps.
_SAMPLE_CSS = """
[data-testid="stMain"] [data-testid="stMetricValue"] p::after {{
  content: "{mark}"; display: block; width: fit-content; margin-top: 0.3rem; padding: 0 0.45em;
  border-radius: 0.4em; font-size: 0.75rem; font-weight: 600; line-height: 1.5; white-space: nowrap;
  color: {colour}; background: {colour}1f; border: 1px solid {colour}66;
}}
"""
# What clearing each filter asks of the shell (`set_filters` takes the sidebar's keys).
_CLEARED = {
    "province": {"province": None},
    "universities": {"university": []},
    "all": {"university": [], "province": None, "tier": None, "cycle": None, "measure": None, "period": "all"},
}


def _universities(ctx: PageContext) -> str:
    names = ctx.university_names()
    return ctx.t("list.separator").join(names.get(u, u) for u in ctx.filters.universities)


def _reason(ctx: PageContext) -> str:
    universities, province = ctx.filters.universities, ctx.filters.province
    names = {"universities": _universities(ctx), "province": ctx.province_names().get(province, province)}
    key = {(True, True): "both", (True, False): "universities", (False, True): "province"}.get(
        (bool(universities), bool(province)), "none"
    )
    if key == "none" and (ctx.filters.tier or ctx.filters.cycle):  # the tier or cycle alone empties the view
        scope = ctx.filters.describe(ctx.lang, ctx.province_names(), ctx.measure_names(), ctx.university_names())
        return ctx.t("scope.tier_cycle", filters=scope)
    return ctx.t(f"scope.{key}", **names)


def no_pairings_notice(ctx: PageContext, key: str, pairings: int | None = None) -> bool:
    """If the filters leave no pairing in view (`pairings`, when the caller has counted them), show why and a
    button per filter whose clearing brings pairings back (all filters, if none alone does); True if shown."""
    if pairings is None:
        pairings = cache.figure(ctx, coverage.pairing_count, ctx.filters)
    if pairings:
        return False
    st.warning(ctx.t("scope.empty", scope=_reason(ctx)), icon=":material/filter_alt_off:")
    names = {"province": ctx.province_names().get(ctx.filters.province), "universities": _universities(ctx)}
    choices = cache.figure(ctx, coverage.widening_filters, ctx.filters)
    if not choices and ctx.filters.to_query():
        choices = ("all",)
    for column, choice in zip(st.columns(max(len(choices), 1) + 1), choices, strict=False):
        column.button(
            ctx.t(f"scope.clear.{choice}", name=names.get(choice)),
            icon=":material/filter_alt_off:",
            on_click=set_filters,
            kwargs=_CLEARED[choice],
            key=f"{key}_clear_{choice}",
            width="stretch",
        )
    return True


def mark_sample_figures(ctx: PageContext) -> None:
    """When demo rows are in view (`ctx.demo_in_view`, the shell's `queries.demo_in_view`), a small 示例 / Sample
    badge with every metric value on the page."""
    if ctx.demo_in_view:
        st.html(f"<style>{_SAMPLE_CSS.format(mark=ctx.t('sample.mark'), colour=PROVENANCE_COLOUR['demo'])}</style>")
