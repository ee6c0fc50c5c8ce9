"""Views that read at 2,000 pairings (issue 14, item 5), on the demo: the link map's flows are its lines grouped,
and the needs-attention summary counts the list's own rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from assistance.access.scope import Scope
from assistance.analytics import attention, coverage
from assistance.filters import Filters
from tests.conftest import DEMO_TODAY

SCOPES = {
    "national": Filters(),
    "gansu": Filters(province="620000"),
    "national tier": Filters(tier="national"),
    "two universities": Filters(universities=("北京师范大学", "复旦大学")),
    "university account": Filters(scope=Scope(university="北京师范大学")),
    "province account": Filters(scope=Scope(province="130000")),
}


@pytest.mark.parametrize("name", list(SCOPES))
def test_flows_are_the_links_grouped_by_party_and_province(demo_con, name):
    filters = SCOPES[name]
    links = coverage.links(demo_con, filters)
    flows = coverage.flows(demo_con, filters)
    assert int(flows["pairings"].sum()) == len(links) == coverage.pairing_count(demo_con, filters) > 0
    links["place"] = list(zip(links["school"], links["county_adcode"], strict=True))  # a school: its name and county
    grouped = links.groupby(["university", "province_code"]).agg(
        pairings=("pairing_id", "size"),
        schools=("place", "nunique"),
        verified=("provenance", lambda s: int((s == "verified").sum())),
        demo=("provenance", lambda s: int((s == "demo").sum())),
        imported=("provenance", lambda s: int((s == "imported").sum())),
    )
    mine = flows.set_index(["university", "province_code"])[list(grouped.columns)].sort_index()
    pd.testing.assert_frame_equal(mine, grouped.sort_index(), check_dtype=False)
    assert (flows[["verified", "demo", "imported"]].sum(axis=1) == flows["pairings"]).all()


def test_lines_one_by_one_when_few_or_one_province_or_party_is_selected():
    limit = coverage.LINK_LIMIT
    assert coverage.individual_links(Filters(), limit) and not coverage.individual_links(Filters(), limit + 1)
    assert coverage.individual_links(Filters(province="510000"), 2 * limit)
    assert coverage.individual_links(Filters(universities=("北京师范大学",)), 2 * limit)
    assert not coverage.individual_links(Filters(universities=("北京师范大学", "复旦大学")), 2 * limit)
    assert not coverage.individual_links(Filters(tier="provincial"), 2 * limit)


def list_rows(con, filters: Filters, today: date) -> pd.DataFrame:
    return attention.attention_query(filters, today).page(con)


@pytest.mark.parametrize(
    "filters",
    [*SCOPES.values(), Filters(measure="teaching_research"), Filters(universities=("北京师范大学",))],
    ids=[*SCOPES, "measure", "one university"],
)
def test_the_summary_counts_the_lists_pairings_by_reason_and_province(demo_con, filters):
    rows = list_rows(demo_con, filters, DEMO_TODAY)
    summary = attention.attention_breakdown(demo_con, filters, DEMO_TODAY)
    assert summary.pairings == rows["pairing_id"].nunique()
    assert summary.by_reason == {r: rows.loc[rows["reason"] == r, "pairing_id"].nunique() for r in attention.REASONS}
    expected = {
        code: [part["pairing_id"].nunique()]
        + [part.loc[part["reason"] == r, "pairing_id"].nunique() for r in attention.REASONS]
        for code, part in rows.groupby("province_code")
    }
    got = {row[0]: list(row[1:]) for row in summary.provinces.itertuples(index=False)}
    assert got == expected
    counts = summary.provinces["pairings"].tolist()
    assert counts == sorted(counts, reverse=True)  # the most first: the top ten are the top ten


def test_the_summary_of_an_empty_view_is_zero(demo_con):
    summary = attention.attention_breakdown(demo_con, Filters(universities=("不存在的大学",)), DEMO_TODAY)
    assert summary.pairings == 0 and set(summary.by_reason.values()) == {0} and summary.provinces.empty
