"""When no pairing matches the filters, say so plainly and offer to clear the filter that empties the view
(issue 13, item 5): 北京师范大学 + 甘肃 is a view with nothing in it, not a view where all is well."""

from __future__ import annotations

import streamlit as st

from assistance.analytics import coverage
from assistance.web.shell import PageContext, set_filters

# What clearing each filter asks of the shell (`set_filters` takes the sidebar's keys).
_CLEARED = {
    "province": {"province": None},
    "universities": {"university": []},
    "all": {"university": [], "province": None, "measure": None, "period": "all"},
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
    return ctx.t(f"scope.{key}", **names)


def no_pairings_notice(ctx: PageContext, key: str, pairings: int | None = None) -> bool:
    """If the filters leave no pairing in view (`pairings`, when the caller has counted them), show why and a
    button per filter whose clearing brings pairings back (all filters, if none alone does); True if shown."""
    if pairings is None:
        pairings = coverage.pairing_count(ctx.con, ctx.filters)
    if pairings:
        return False
    st.warning(ctx.t("scope.empty", scope=_reason(ctx)), icon=":material/filter_alt_off:")
    names = {"province": ctx.province_names().get(ctx.filters.province), "universities": _universities(ctx)}
    choices = coverage.widening_filters(ctx.con, ctx.filters)
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
