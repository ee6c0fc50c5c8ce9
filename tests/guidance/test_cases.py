"""The good-practice library (issue 10): Chinese search by substring (走教, 跟岗), the filters, who sees which case,
draft → recommended by the province → selected by the ministry (or sent back), the rules of writing a case, and the
scorecard's link from a problem's category to up to three selected cases. On the demo database (20 demo cases)."""

from __future__ import annotations

import pytest

from assistance.access.accounts import add_account
from assistance.access.permissions import AccessDenied
from assistance.access.scope import Scope
from assistance.filters import Filters
from assistance.guidance import cases as library

PASSWORD = "password-for-tests"


@pytest.fixture
def con(demo_con):
    return demo_con


def found(con, search: str = "", filters: Filters | None = None, statuses=()) -> list[dict]:
    return library.library_query(filters or Filters(), search, statuses).page(con).to_dict("records")


def text_of(con, case_id: int) -> str:
    row = con.execute(
        "SELECT concat_ws(' ', title, before_text, action_text, after_text, array_to_string(tags, ' ')) FROM cases "
        "WHERE case_id = ?",
        [case_id],
    ).fetchone()
    return row[0]


@pytest.mark.parametrize("word", ["走教", "跟岗", "周转房"])
def test_a_chinese_word_finds_the_cases_that_contain_it(con, word):
    hits = found(con, word)
    everything = con.execute("SELECT case_id FROM cases").fetchall()
    expected = {case_id for (case_id,) in everything if word in text_of(con, case_id)}
    assert hits and {row["case_id"] for row in hits} == expected


def test_several_words_must_all_be_there_and_nothing_matches_as_a_pattern(con):
    both = {row["case_id"] for row in found(con, "跟岗 青年教师")}
    assert both and both <= {row["case_id"] for row in found(con, "跟岗")}
    assert {row["case_id"] for row in found(con, "跟岗　青年教师")} == both, "a full-width space separates words too"
    assert found(con, "%") == [] and found(con, "_") == [] and found(con, "'; DROP TABLE cases; --") == []
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 20


def test_filters_by_measure_province_tier_and_status(con):
    everything = found(con)
    assert len(everything) == 20 and everything[0]["status"] == "selected", "selected cases first"
    shadowing = found(con, filters=Filters(measure="shadowing"))
    assert shadowing and all("shadowing" in list(row["measures"]) for row in shadowing)
    province = everything[0]["provinces"][0]
    in_province = found(con, filters=Filters(province=province))
    assert in_province and all(province in list(row["provinces"]) for row in in_province)
    assert found(con, filters=Filters(tier="provincial")) == [], "the demo cases are of national pairings"
    selected = found(con, statuses=("selected",))
    assert len(selected) == 11 and {row["status"] for row in selected} == {"selected"}
    counts = library.status_counts(con, Filters())
    assert counts == {"draft": 3, "recommended": 4, "selected": 11, "returned": 2}


def test_drafts_are_seen_in_scope_selected_cases_by_everyone(con):
    draft = con.execute(
        "SELECT c.case_id, po.university, po.province_code FROM cases c JOIN case_pairings cp USING (case_id) "
        "JOIN pairing_overview po USING (pairing_id) WHERE c.status = 'draft' ORDER BY c.case_id LIMIT 1"
    ).fetchone()
    case_id, university, province = draft
    other = "复旦大学" if university != "复旦大学" else "北京师范大学"
    assert library.case(con, case_id, Scope(university=university)) is not None
    assert library.case(con, case_id, Scope(province=province)) is not None
    assert library.case(con, case_id, Scope(university=other)) is None
    foreign = {row["case_id"] for row in found(con, filters=Filters(scope=Scope(university=other)))}
    assert case_id not in foreign and len(foreign) >= 11, "another university sees every selected case, not the draft"
    selected = con.execute("SELECT min(case_id) FROM cases WHERE status = 'selected'").fetchone()[0]
    assert library.case(con, selected, Scope(university=other)) is not None


def test_draft_recommended_selected_and_sent_back(con):
    pairing = con.execute(
        "SELECT pairing_id, university, province_code FROM pairing_overview WHERE provenance = 'demo' "
        "ORDER BY pairing_id LIMIT 1"
    ).fetchone()
    pairing_id, university, province = pairing
    author = add_account(con, "author", "university", PASSWORD, university=university)
    stranger = add_account(con, "stranger", "university", PASSWORD, university="复旦大学")
    own_province = add_account(con, "own", "province", PASSWORD, province=province)
    far = "130000" if province != "130000" else "450000"
    other_province = add_account(con, "far", "province", PASSWORD, province=far)
    ministry = add_account(con, "moe", "ministry", PASSWORD)
    evidence = [row[0] for row in con.execute(
        "SELECT activity_id FROM activities WHERE pairing_id = ? ORDER BY date DESC LIMIT 2", [pairing_id]
    ).fetchall()]  # fmt: skip
    draft = library.CaseDraft(
        title="教师走教制度化", pairing_ids=(pairing_id,), measures=("teacher_visit",), categories=("teachers",),
        tags=("走教", "制度"), before_text="<b>之前</b>", action_text="城区教师每周走教两天", after_text="[成效](http://x)",
        evidence=tuple(evidence),
    )  # fmt: skip
    with pytest.raises(AccessDenied):
        library.create_case(con, stranger, draft)
    with pytest.raises(AccessDenied):
        library.create_case(con, own_province, draft)  # a province recommends, it does not write
    case_id = library.create_case(con, author, draft)
    assert set(library.evidence(con, case_id)["activity_id"]) == set(evidence)
    with pytest.raises(library.CaseRefused, match="transition"):
        library.review_case(con, ministry, case_id, 1, "selected")  # a draft is recommended first
    with pytest.raises(AccessDenied):
        library.review_case(con, other_province, case_id, 1, "recommended")  # not its province
    version = library.review_case(con, own_province, case_id, 1, "recommended")
    with pytest.raises(library.CaseRefused, match="locked"):
        library.update_case(con, author, case_id, version, draft)  # recommended: the author waits
    with pytest.raises(AccessDenied):
        library.review_case(con, own_province, case_id, version, "selected")  # the ministry selects
    with pytest.raises(library.CaseRefused, match="return_comment"):
        library.review_case(con, ministry, case_id, version, "returned")
    version = library.review_case(con, ministry, case_id, version, "returned", "请补充成效数据")
    version = library.update_case(con, author, case_id, version, draft)
    version = library.review_case(con, own_province, case_id, version, "recommended")
    with pytest.raises(library.CaseRefused, match="stale"):
        library.review_case(con, ministry, case_id, version - 1, "selected")
    library.review_case(con, ministry, case_id, version, "selected")
    history = library.history(con, case_id)
    assert list(history["to_status"]) == ["draft", "recommended", "returned", "recommended", "selected"]
    assert list(history["username"]) == ["author", "own", "moe", "own", "moe"]
    assert "请补充成效数据" in list(history["comment"])
    actions = con.execute("SELECT action FROM audit_log WHERE target = ? ORDER BY event_id", [f"case:{case_id}"])
    assert [a for (a,) in actions.fetchall()] == ["case_add", "case_status", "case_status", "case_update",
                                                 "case_status", "case_status"]  # fmt: skip
    assert case_id in {row["case_id"] for row in found(con, "走教制度化")}


def test_who_may_write_and_review_a_case(con):
    pairing_id, university, school_id = con.execute(
        "SELECT pairing_id, university, p.school_id FROM pairing_overview JOIN pairings p USING (pairing_id) "
        "WHERE pairing_overview.provenance = 'demo' ORDER BY pairing_id LIMIT 1"
    ).fetchone()
    school_name = con.execute("SELECT name_zh FROM schools WHERE school_id = ?", [school_id]).fetchone()[0]
    draft = library.CaseDraft(title="谁能写", pairing_ids=(pairing_id,), action_text="做法")
    for role, scope in (("school", {"school": school_name}), ("viewer", {}), ("province", {"province": "130000"})):
        account = add_account(con, f"a_{role}", role, PASSWORD, **scope)
        with pytest.raises(AccessDenied):
            library.create_case(con, account, draft)
    author = add_account(con, "author", "university", PASSWORD, university=university)
    case_id = library.create_case(con, author, draft)
    for account in (author, add_account(con, "b_school", "school", PASSWORD, school=school_name)):
        with pytest.raises(AccessDenied):  # neither recommends, selects nor sends back
            library.review_case(con, account, case_id, 1, "recommended")
    assert con.execute("SELECT status, version FROM cases WHERE case_id = ?", [case_id]).fetchone() == ("draft", 1)


def test_a_case_needs_its_parts_and_its_own_evidence(con):
    ministry = add_account(con, "moe", "ministry", PASSWORD)
    pairing_id = con.execute("SELECT min(pairing_id) FROM pairings WHERE provenance = 'demo'").fetchone()[0]
    elsewhere = con.execute("SELECT min(activity_id) FROM activities WHERE pairing_id <> ?", [pairing_id]).fetchone()[0]
    good = library.CaseDraft(title="标题", pairing_ids=(pairing_id,), action_text="做法")
    for changes, code in [
        ({"title": " "}, "title_required"),
        ({"pairing_ids": ()}, "pairing_required"),
        ({"action_text": ""}, "action_required"),
        ({"measures": ("flying",)}, "code_unknown"),
        ({"tags": tuple(f"t{n}" for n in range(13))}, "tags"),
        ({"evidence": (elsewhere,)}, "evidence_outside"),
        ({"outcomes": ((1, 2025, "happiness"),)}, "code_unknown"),
        ({"outcomes": tuple((1, 2021 + n, "students") for n in range(21))}, "outcomes_many"),
    ]:
        with pytest.raises(library.CaseRefused) as refused:
            library.create_case(con, ministry, library.CaseDraft(**(good.__dict__ | changes)))
        assert refused.value.code == code and refused.value.message("en")
    assert library.parse_tags("跟岗，走教、 研修;跟岗 ") == ("跟岗", "走教", "研修")


def test_a_problem_category_links_up_to_three_selected_cases(con):
    linked = library.linked_cases(con, ["teachers"])
    assert 1 <= len(linked) <= 3
    for row in linked.itertuples():
        status, categories = con.execute("SELECT status, categories FROM cases WHERE case_id = ?",
                                         [row.case_id]).fetchone()  # fmt: skip
        assert status == "selected" and "teachers" in categories
    several = library.linked_cases(con, ["facilities", "teachers"])
    assert len(several) == 3 and len(list(several.iloc[0]["matched"])) == 2, "the case addressing both comes first"
    assert library.linked_cases(con, []).empty


def test_a_case_cites_outcome_figures_of_its_own_schools_only(con):
    """Evidence beyond activities (issue 10, "optionally the outcome figures it cites"): a figure of one of the
    case's pairings' schools, shown beside the school's baseline; another school's figure, or a year without one, is
    refused; a figure removed since (an undone outcome batch) is gone from the case."""
    ministry = add_account(con, "moe", "ministry", PASSWORD)
    pairing_id, school_id = con.execute(
        "SELECT p.pairing_id, p.school_id FROM pairings p WHERE p.provenance = 'demo' AND p.school_id IN "
        "(SELECT school_id FROM outcomes) ORDER BY 1 LIMIT 1"
    ).fetchone()
    other = con.execute("SELECT min(school_id) FROM outcomes WHERE school_id <> ?", [school_id]).fetchone()[0]
    latest = con.execute("SELECT max(school_year) FROM outcomes WHERE school_id = ?", [school_id]).fetchone()[0]
    figures = ((school_id, latest, "teachers_masters"), (school_id, latest, "students"))
    good = library.CaseDraft(title="引用成效数据", pairing_ids=(pairing_id,), action_text="做法", outcomes=figures)
    for outcomes in (((other, latest, "students"),), ((school_id, 2035, "students"),)):
        with pytest.raises(library.CaseRefused) as refused:
            library.create_case(con, ministry, library.CaseDraft(**(good.__dict__ | {"outcomes": outcomes})))
        assert refused.value.code == "outcome_outside" and refused.value.message("zh")
    case_id = library.create_case(con, ministry, good)
    cited = library.cited_outcomes(con, case_id)
    assert list(cited["indicator"]) == ["students", "teachers_masters"], "in the indicators' order"
    stored = con.execute(
        "SELECT students, teachers_masters FROM outcomes WHERE school_id = ? AND school_year = ?", [school_id, latest]
    ).fetchone()
    baseline = con.execute("SELECT students FROM outcomes WHERE school_id = ? AND school_year = 2021",
                           [school_id]).fetchone()  # fmt: skip
    assert list(cited["value"]) == [float(v) for v in stored] and set(cited["school_year"]) == {latest}
    assert cited.iloc[0]["baseline"] == (float(baseline[0]) if baseline and baseline[0] is not None else None)
    options = library.pairing_outcomes(con, [pairing_id])
    assert set(options["school_id"]) == {school_id} and len(options) >= 2
    version = library.update_case(con, ministry, case_id, 1, library.CaseDraft(**(good.__dict__ | {
        "outcomes": ((school_id, latest, "students"),)})))  # fmt: skip
    assert list(library.cited_outcomes(con, case_id)["indicator"]) == ["students"] and version == 2
    con.execute("UPDATE outcomes SET students = NULL WHERE school_id = ? AND school_year = ?", [school_id, latest])
    assert library.cited_outcomes(con, case_id).empty, "a figure no longer reported is no longer cited"
