"""Reference data: the committed CSVs load completely and keep the facts they carry."""

import csv

import duckdb
import pandas as pd

from assistance.reference.loader import DATA_DIR, normalise_name, read_csv
from tests.conftest import REPO


def test_verified_pairings_are_the_reference_file_unchanged():
    shared = REPO.parent / "shared" / "reference" / "pairings_verified.csv"
    if shared.exists():
        assert (DATA_DIR / "pairings_verified.csv").read_bytes() == shared.read_bytes()
    with open(DATA_DIR / "pairings_verified.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 29 and all(r["source"].strip() for r in rows)


def test_verified_rows_keep_source_and_confidence_in_the_database(demo_db_template):
    con = duckdb.connect(str(demo_db_template), read_only=True)
    stored = con.execute(
        "SELECT university, school, county_adcode, confidence, source FROM pairing_overview "
        "WHERE provenance = 'verified' ORDER BY pairing_id"
    ).fetchall()
    expected = read_csv("pairings_verified.csv")[["university", "school", "county_adcode", "confidence", "source"]]
    assert stored == [tuple(r) for r in expected.itertuples(index=False)]


def test_demo_pairings_are_real_places_and_marked_demo(demo_db_template):
    demo = read_csv("pairings_demo.csv")
    counties = read_csv("counties.csv").set_index("adcode")
    assert len(demo) == 86
    assert demo["county_adcode"].isin(counties.index).all()
    assert (counties.loc[demo["county_adcode"], "name_zh"].to_numpy() == demo["county"].to_numpy()).all()
    con = duckdb.connect(str(demo_db_template), read_only=True)
    assert con.execute("SELECT count(*) FROM pairing_overview WHERE provenance = 'demo'").fetchone()[0] == 86
    assert con.execute("SELECT count(*) FROM pairing_overview WHERE province_code IS NULL").fetchone()[0] == 0


def test_known_facts_about_school_counts_hold():
    pairings = pd.concat([read_csv("pairings_verified.csv"), read_csv("pairings_demo.csv")])
    per_university = pairings.groupby("university").size()
    assert per_university["北京大学"] == 3 and per_university["清华大学"] == 4
    assert per_university["兰州大学"] == 3 and per_university["陕西师范大学"] == 3
    assert per_university["创新人才教育研究会"] == 3
    assert (pairings["province_adcode"] == "450000").sum() == 5  # the five named Guangxi pairings
    assert pairings["county_adcode"].is_unique


def test_provinces_cover_the_programme_and_the_corps():
    provinces = read_csv("provinces.csv")
    assert len(provinces) == 35 and provinces["code"].is_unique
    in_programme = provinces[provinces["in_programme"] == "true"]
    assert len(in_programme) == 24 and "660000" in set(in_programme["code"])
    outside = {"北京市", "天津市", "上海市", "江苏省", "浙江省", "福建省", "山东省", "广东省"}
    assert outside <= set(provinces.loc[provinces["in_programme"] == "false", "name_zh"])
    assert set(provinces["region"]) == {"eastern", "central", "western", "northeastern"}


def test_corps_cities_belong_to_the_corps_not_xinjiang():
    counties = read_csv("counties.csv")
    corps = counties[counties["adcode"].str.startswith("6590")]
    assert len(corps) == 10 and (corps["province_code"] == "660000").all()


def test_measures_match_the_programme_list():
    """data/measures.csv is the labels' one home (tests/test_docs.py keeps docs/programme.md equal to it)."""
    measures = read_csv("measures.csv")
    assert len(measures) == 10 and list(measures["sort_order"].astype(int)) == list(range(1, 11))
    assert measures["label_zh"].is_unique and measures["label_en"].is_unique


def test_every_university_has_coordinates_and_resolvable_aliases(demo_db_template):
    con = duckdb.connect(str(demo_db_template), read_only=True)
    assert con.execute("SELECT count(*) FROM universities WHERE lon IS NULL OR lat IS NULL").fetchone()[0] == 0
    found = con.execute(
        "SELECT u.name_zh FROM university_aliases a JOIN universities u USING (university_id) WHERE a.alias = ?",
        [normalise_name(" 北师大 ")],
    ).fetchone()
    assert found == ("北京师范大学",)


def test_normalise_name_folds_full_width_case_and_spaces():
    assert normalise_name("ＢＮＵ　北 师 大") == "bnu北师大"
