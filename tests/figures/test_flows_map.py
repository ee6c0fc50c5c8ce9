"""The link map's flows (issue 14, item 5): one line per supporting party and province, drawn in the colour of its
least certain pairing, wider with more pairings, with its counts on hover; no database needed."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from assistance.figures import maps
from assistance.geo.shapes import GeoAssets


def flow(university: str, province: str, name: str, verified=0, demo=0, imported=0, schools=None) -> dict:
    pairings = verified + demo + imported
    return {
        "university": university,
        "university_en": f"{university} (en)",
        "city_zh": "北京市",
        "university_lon": 116.4,
        "university_lat": 39.9,
        "province_code": province,
        "province": name,
        "province_en": f"{name} (en)",
        "pairings": pairings,
        "schools": pairings if schools is None else schools,
        "verified": verified,
        "demo": demo,
        "imported": imported,
    }


FLOWS = pd.DataFrame(
    [
        flow("北京师范大学", "620000", "甘肃省", verified=2, demo=10, schools=11),  # mixed: drawn as demo
        flow("北京师范大学", "130000", "河北省", verified=1),
        flow("复旦大学", "530000", "云南省", imported=3),
        flow("复旦大学", "660000", "新疆生产建设兵团", demo=1),
    ]
)


@cache
def traces(lang: str) -> list[dict]:
    """The figure's traces, drawn once per language (the boundaries inline: no served files needed)."""
    return maps.flows_map(FLOWS, lang, GeoAssets(inline=True)).to_dict()["data"]


def segments(trace: dict) -> int:
    return sum(1 for lon in trace["lon"] if lon is None)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_line_per_flow_in_the_colour_of_its_least_certain_pairing(lang):
    lines = [t for t in traces(lang) if t.get("mode") == "lines" and t.get("legendgroup") in maps.PROVENANCE_COLOUR]
    assert sum(segments(t) for t in lines) == len(FLOWS)
    drawn = {}
    for t in lines:
        colour = t["line"]["color"]
        drawn[colour] = drawn.get(colour, 0) + segments(t)
    colours = maps.PROVENANCE_COLOUR
    assert drawn == {colours["demo"]: 2, colours["verified"]: 1, colours["imported"]: 1}
    legend = {t["name"] for t in lines if t.get("showlegend", True)}
    assert len(legend) == 3  # one legend entry per provenance, whatever the widths
    widths = {t["line"]["width"] for t in lines}
    assert len(widths) == 3  # 12, 1 and 3 pairings: three width classes


def test_width_grows_with_the_pairings():
    widths = [maps.FLOW_CLASSES[maps.flow_class(n)][1] for n in (1, 2, 3, 4, 9, 10, 500)]
    assert widths == sorted(widths) and widths[0] < widths[-1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_flows_hover_gives_its_pairings_and_schools(lang):
    middle = next(t for t in traces(lang) if t.get("name") == maps.t("map.flows.middle", lang))
    assert len(middle["lon"]) == len(FLOWS)
    gansu = middle["hovertext"][0]
    if lang == "zh":
        assert "北京师范大学 → 甘肃省" in gansu and "12 对配对，11 所受援学校" in gansu and "示例 10" in gansu
    else:
        assert "北京师范大学 (en) → 甘肃省 (en)" in gansu and "12 pairings, 11 schools" in gansu
        assert "Verified 2" in gansu and "Demo 10" in gansu


def test_province_hubs_sum_their_flows():
    hubs = next(t for t in traces("zh") if t.get("name") == maps.t("map.flows.province", "zh"))
    assert len(hubs["lon"]) == 4
    assert any("新疆生产建设兵团" in text and "1 对配对" in text for text in hubs["hovertext"])
    assert maps.CORPS_LABEL_AT in set(zip(hubs["lon"], hubs["lat"], strict=True))  # the Corps meets at its label
