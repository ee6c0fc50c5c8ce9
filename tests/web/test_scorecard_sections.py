"""The plain helpers behind the school page's sections, without a browser."""

from __future__ import annotations

import math

from assistance.web.scorecard_sections import missing, names_in, percent_text, requested_pairing, source_text

ROW = {"university": "北京师范大学", "university_en": "Beijing Normal University", "province": "河北省"}


def test_only_a_number_in_the_link_names_a_pairing():
    assert requested_pairing("27") == 27
    assert requested_pairing(" 3 ") == 3
    assert requested_pairing("abc") is None
    assert requested_pairing("-1") is None
    assert requested_pairing(None) is None and requested_pairing("") is None
    assert requested_pairing("999999999") == 999_999_999
    for too_big_or_odd in ("2147483648", "9" * 40, "7" * 5000, "²", "٣", "1e3", "0x10"):
        assert requested_pairing(too_big_or_odd) is None, too_big_or_odd


def test_names_follow_the_language_and_fall_back_to_chinese():
    assert names_in(ROW | {"province_en": "Hebei"}, "zh") == ("北京师范大学", "河北省")
    assert names_in(ROW | {"province_en": "Hebei"}, "en") == ("Beijing Normal University", "Hebei")
    assert names_in(ROW | {"province_en": None}, "en") == ("Beijing Normal University", "河北省")


def test_missing_values_show_as_a_dash():
    assert missing(None) and missing(math.nan) and not missing(0.0)
    assert percent_text(math.nan) == "—"
    assert percent_text(0.9) == "90%"
    assert percent_text(1.005) == "100%"


def test_a_web_address_becomes_a_link():
    assert source_text("http://example.org/a") == "[http://example.org/a](http://example.org/a)"
    assert source_text("教育部通报") == "教育部通报"
    assert source_text(None) == ""
