"""The good-practice library (典型经验): cases, how they are found, and how they move from a draft to the ministry's
selection.

A case is a pairing's (or several pairings') approach that worked: the measures it used, the problem categories it
addresses, the situation before, what was done and the result after (plain text), tags, and evidence (activities
of its own pairings and, optionally, outcome figures of their schools that it cites). Its status: draft →
recommended by the province (省级推荐) → selected by the ministry (部级遴选); a recommended or selected case can be
sent back (returned) with a comment, then edited and recommended again. Every status change is kept (case_history)
and audited.

Who sees what: a selected case is published: every account finds it (that is how good practice spreads beyond
one's own scope); a draft, returned or recommended case only inside the account's scope (its pairings).

Search is a literal substring match (Chinese has no spaces to split on, and DuckDB's full-text index does not
segment it): every word of the query (split on spaces) must occur in the title, the three texts or the tags,
ignoring case, so 走教 and 跟岗 find the cases that contain them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

import duckdb
import pandas as pd

from assistance.access import audit
from assistance.access.accounts import CLI, Account
from assistance.access.permissions import AccessDenied, require
from assistance.access.scope import SCOPED_PAIRING_IDS, Scope, pairing_in_scope, scope_of
from assistance.analytics.problems import CATEGORIES
from assistance.analytics.queries import FILTER_CTES, fetch_df, fetch_one, filter_params
from assistance.analytics.tables import TableQuery, bind
from assistance.filters import Filters
from assistance.guidance.problems import MAX_COMMENT, MAX_TEXT, MAX_TITLE, actor_name
from assistance.guidance.refused import Refused
from assistance.outcomes.indicators import BASELINE_YEAR
from assistance.outcomes.indicators import NAMES as INDICATORS
from assistance.store.transaction import WRITE_LOCK, retrying, transaction

STATUSES = ("draft", "recommended", "selected", "returned")
EDITABLE_BY_AUTHOR = ("draft", "returned")  # a university edits its case until the province recommends it
MAX_TAGS, MAX_TAG = 12, 30
MAX_CITED = 20  # outcome figures one case may cite
LINKED_CASES = 3  # the scorecard shows up to this many selected cases per pairing
NEWEST_SELECTED = 5  # the brief lists up to this many of the newest selected cases

# (from, to) → the roles that may make that move; returning always needs a comment.
TRANSITIONS = {
    ("draft", "recommended"): {"province", "ministry"},
    ("returned", "recommended"): {"province", "ministry"},
    ("recommended", "selected"): {"ministry"},
    ("recommended", "returned"): {"province", "ministry"},
    ("selected", "returned"): {"ministry"},
}


class CaseRefused(Refused):
    """A case save the rules refuse: `code` names the rule (strings `case.err.<code>`)."""

    prefix = "case"


@dataclass(frozen=True)
class CaseDraft:
    """A case as the form gives it: its pairings, codes (measures, problem categories), texts, tags and the
    activities it cites as evidence."""

    title: str
    pairing_ids: tuple[int, ...]
    measures: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    before_text: str | None = None
    action_text: str | None = None
    after_text: str | None = None
    evidence: tuple[int, ...] = ()
    outcomes: tuple[tuple[int, int, str], ...] = ()  # cited outcome figures: (school_id, school_year, indicator)


def _text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags as typed in one field: separated by commas (either width), 、, ； or spaces; duplicates dropped."""
    parts = (part.strip() for part in re.split(r"[,，、;；\s]+", text or ""))
    return tuple(dict.fromkeys(part for part in parts if part))


def check_draft(con: duckdb.DuckDBPyConnection, draft: CaseDraft) -> CaseDraft:
    """The draft cleaned if it follows the rules (title, at least one pairing, what was done, known codes, lengths,
    tags); CaseRefused otherwise."""
    draft = replace(
        draft,
        title=_text(draft.title) or "",
        before_text=_text(draft.before_text),
        action_text=_text(draft.action_text),
        after_text=_text(draft.after_text),
        tags=tuple(dict.fromkeys(tag.strip() for tag in draft.tags if tag and tag.strip())),
        pairing_ids=tuple(dict.fromkeys(int(p) for p in draft.pairing_ids)),
        evidence=tuple(dict.fromkeys(int(a) for a in draft.evidence)),
        outcomes=tuple(dict.fromkeys((int(s), int(y), str(i)) for s, y, i in draft.outcomes)),
    )
    if not draft.title:
        raise CaseRefused("title_required")
    if not draft.pairing_ids:
        raise CaseRefused("pairing_required")
    if not draft.action_text:
        raise CaseRefused("action_required")
    if len(draft.title) > MAX_TITLE:
        raise CaseRefused("too_long", limit=f"{MAX_TITLE:,}")
    if any(len(text or "") > MAX_TEXT for text in (draft.before_text, draft.action_text, draft.after_text)):
        raise CaseRefused("too_long", limit=f"{MAX_TEXT:,}")
    if len(draft.tags) > MAX_TAGS or any(len(tag) > MAX_TAG for tag in draft.tags):
        raise CaseRefused("tags", count=MAX_TAGS, length=MAX_TAG)
    if len(draft.outcomes) > MAX_CITED:
        raise CaseRefused("outcomes_many", count=MAX_CITED)
    unknown = [c for c in draft.categories if c not in CATEGORIES]
    known = {row[0] for row in fetch_df(con, "SELECT code FROM measures").itertuples(index=False)}
    unknown += [m for m in draft.measures if m not in known]
    unknown += [indicator for _school, _year, indicator in draft.outcomes if indicator not in INDICATORS]
    if unknown:
        raise CaseRefused("code_unknown", value=", ".join(unknown)[:60])
    return draft


def _check_places(cur: duckdb.DuckDBPyConnection, actor: Account | None, draft: CaseDraft) -> None:
    """Every pairing of the case exists and lies in the actor's scope; every cited activity is one of theirs, every
    cited outcome figure one of their schools' (and a figure, not a missing one)."""
    own = scope_of(None if actor is CLI else actor)
    for pairing_id in draft.pairing_ids:
        if not cur.execute("SELECT count(*) FROM pairings WHERE pairing_id = ?", [pairing_id]).fetchone()[0]:
            raise CaseRefused("pairing_unknown", pairing=pairing_id)
        if not pairing_in_scope(cur, pairing_id, own):
            raise AccessDenied("scope")
    if draft.evidence:
        outside = cur.execute(
            "SELECT list(activity_id ORDER BY activity_id) FROM (SELECT unnest(CAST($ids AS BIGINT[])) AS activity_id) "
            "WHERE activity_id NOT IN (SELECT activity_id FROM activities "
            "WHERE list_contains(CAST($pairings AS INTEGER[]), pairing_id))",
            {"ids": list(draft.evidence), "pairings": list(draft.pairing_ids)},
        ).fetchone()[0]
        if outside:
            raise CaseRefused("evidence_outside", activities=", ".join(f"#{a}" for a in outside[:5]))
    if draft.outcomes:
        cited = [{"school": s, "year": y, "indicator": i} for s, y, i in draft.outcomes]
        missing = cur.execute(
            """SELECT count(*) FROM (SELECT unnest(CAST($cited AS STRUCT(school INTEGER, "year" INTEGER,
                   indicator VARCHAR)[]), recursive := true)) c
            WHERE NOT EXISTS (SELECT 1 FROM outcome_overview o JOIN pairings p ON p.school_id = o.school_id
                              WHERE list_contains(CAST($pairings AS INTEGER[]), p.pairing_id)
                                AND o.school_id = c.school AND o.school_year = c."year"
                                AND o.indicator = c.indicator)""",
            {"cited": cited, "pairings": list(draft.pairing_ids)},
        ).fetchone()[0]
        if missing:
            raise CaseRefused("outcome_outside", count=missing)


def _write_links(cur: duckdb.DuckDBPyConnection, case_id: int, draft: CaseDraft) -> None:
    cur.execute("DELETE FROM case_pairings WHERE case_id = ?", [case_id])
    cur.execute("DELETE FROM case_evidence WHERE case_id = ?", [case_id])
    cur.execute("INSERT INTO case_pairings SELECT ?, unnest(CAST(? AS INTEGER[]))", [case_id, list(draft.pairing_ids)])
    cur.execute("DELETE FROM case_outcomes WHERE case_id = ?", [case_id])
    if draft.evidence:
        cur.execute("INSERT INTO case_evidence SELECT ?, unnest(CAST(? AS BIGINT[]))", [case_id, list(draft.evidence)])
    for school_id, school_year, indicator in draft.outcomes:
        cur.execute("INSERT INTO case_outcomes VALUES (?, ?, ?, ?)", [case_id, school_id, school_year, indicator])


def _history(cur, case_id: int, actor, old: str | None, new: str, comment: str | None) -> None:
    cur.execute(
        "INSERT INTO case_history (case_id, occurred_at, username, from_status, to_status, comment) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [case_id, datetime.now().replace(microsecond=0), actor_name(actor), old, new, comment],
    )


@retrying
def create_case(con: duckdb.DuckDBPyConnection, actor: Account | None, draft: CaseDraft) -> int:
    """A new draft case of `actor`'s own pairings; returns its id (AccessDenied or CaseRefused: nothing written)."""
    require(actor, "edit_cases")
    draft = check_draft(con, draft)
    now = datetime.now().replace(microsecond=0)
    with WRITE_LOCK, transaction(con) as cur:
        _check_places(cur, actor, draft)
        case_id = cur.execute("SELECT nextval('seq_case')").fetchone()[0]
        cur.execute(
            "INSERT INTO cases (case_id, title, measures, categories, tags, before_text, action_text, after_text, "
            "status, version, provenance, created_by, created_at, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', 1, 'entered', ?, ?, ?, ?)",
            [case_id, draft.title, list(draft.measures), list(draft.categories), list(draft.tags), draft.before_text,
             draft.action_text, draft.after_text, actor_name(actor), now, actor_name(actor), now],
        )  # fmt: skip
        _write_links(cur, case_id, draft)
        _history(cur, case_id, actor, None, "draft", None)
        audit.record(cur, actor, "case_add", target=f"case:{case_id}", detail={"pairings": list(draft.pairing_ids)})
    return case_id


def _current(cur: duckdb.DuckDBPyConnection, case_id: int, version: int) -> tuple[str, list[int]]:
    """The case's status and pairings, if it is still at `version` (CaseRefused: unknown or changed since)."""
    row = cur.execute(
        "SELECT status, version, updated_by, updated_at FROM cases WHERE case_id = ?", [int(case_id)]
    ).fetchone()
    if row is None:
        raise CaseRefused("unknown", case=case_id)
    status, current, by, at = row
    if current != int(version):
        raise CaseRefused("stale", by=by or "—", at=at.strftime("%Y-%m-%d %H:%M"), status=status)
    pairings = [
        r[0] for r in cur.execute("SELECT pairing_id FROM case_pairings WHERE case_id = ?", [case_id]).fetchall()
    ]
    return status, pairings


@retrying
def update_case(
    con: duckdb.DuckDBPyConnection, actor: Account | None, case_id: int, version: int, draft: CaseDraft
) -> int:
    """Save a case's new contents (based on `version`); returns the new version. A university edits its own draft or
    returned cases only (a recommended or selected case is the province's and the ministry's to return first)."""
    require(actor, "edit_cases")
    draft = check_draft(con, draft)
    with WRITE_LOCK, transaction(con) as cur:
        status, pairings = _current(cur, case_id, version)
        own = scope_of(None if actor is CLI else actor)
        if not all(pairing_in_scope(cur, p, own) for p in pairings):
            raise AccessDenied("scope")
        if actor is not CLI and actor.role != "ministry" and status not in EDITABLE_BY_AUTHOR:
            raise CaseRefused("locked", status=status)
        _check_places(cur, actor, draft)
        cur.execute(
            "UPDATE cases SET title = ?, measures = ?, categories = ?, tags = ?, before_text = ?, action_text = ?, "
            "after_text = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE case_id = ?",
            [draft.title, list(draft.measures), list(draft.categories), list(draft.tags), draft.before_text,
             draft.action_text, draft.after_text, actor_name(actor), datetime.now().replace(microsecond=0),
             int(case_id)],
        )  # fmt: skip
        _write_links(cur, int(case_id), draft)
        audit.record(cur, actor, "case_update", target=f"case:{int(case_id)}", detail={"version": int(version) + 1})
    return int(version) + 1


@retrying
def review_case(
    con: duckdb.DuckDBPyConnection,
    actor: Account | None,
    case_id: int,
    version: int,
    to_status: str,
    comment: str | None = None,
) -> int:
    """Recommend (a province for its own province's case, or the ministry), select (the ministry) or return (with a
    comment) a case seen at `version`; returns the new version."""
    require(actor, "review_cases")
    comment = _text(comment)
    if comment is not None and len(comment) > MAX_COMMENT:
        raise CaseRefused("too_long", limit=f"{MAX_COMMENT:,}")
    with WRITE_LOCK, transaction(con) as cur:
        status, pairings = _current(cur, case_id, version)
        role = "ministry" if actor is CLI else actor.role
        allowed = TRANSITIONS.get((status, to_status))
        if allowed is None:
            raise CaseRefused("transition", from_status=status, to_status=to_status)
        if role not in allowed:
            raise AccessDenied("role")
        own = scope_of(None if actor is CLI else actor)
        if not any(pairing_in_scope(cur, p, own) for p in pairings):
            raise AccessDenied("scope")
        if to_status == "returned" and not comment:
            raise CaseRefused("return_comment")
        cur.execute(
            "UPDATE cases SET status = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE case_id = ?",
            [to_status, actor_name(actor), datetime.now().replace(microsecond=0), int(case_id)],
        )
        _history(cur, int(case_id), actor, status, to_status, comment)
        audit.record(cur, actor, "case_status", target=f"case:{int(case_id)}",
                     detail={"from": status, "to": to_status})  # fmt: skip
    return int(version) + 1


# ---------------------------------------------------------------------------------------------------------
# Reading

# The cases an account may see: selected ones, and the others of pairings inside its scope (access.scope).
_VISIBLE = f"""(c.status = 'selected' OR EXISTS (
    SELECT 1 FROM case_pairings vp WHERE vp.case_id = c.case_id AND vp.pairing_id IN ({SCOPED_PAIRING_IDS})))"""
# A case matches the sidebar's university, province, tier and cycle when one of its pairings does.
_MATCHES = """EXISTS (
    SELECT 1 FROM case_pairings fp JOIN pairing_overview fo ON fo.pairing_id = fp.pairing_id
    WHERE fp.case_id = c.case_id
      AND (len(CAST($universities AS VARCHAR[])) = 0 OR list_contains(CAST($universities AS VARCHAR[]), fo.university))
      AND (CAST($province AS VARCHAR) IS NULL OR fo.province_code = CAST($province AS VARCHAR))
      AND (CAST($tier AS VARCHAR) IS NULL OR fo.tier = CAST($tier AS VARCHAR))
      AND (CAST($cycle_start AS DATE) IS NULL
           OR (fo.start_date <= CAST($cycle_end AS DATE)
               AND coalesce(fo.end_date, CAST($cycle_start AS DATE)) >= CAST($cycle_start AS DATE))))"""
_HAYSTACK = "lower(concat_ws(' ', c.title, c.before_text, c.action_text, c.after_text, array_to_string(c.tags, ' ')))"
_CASE_ORDERS = {
    "status": ("status_rank", "updated_at DESC", "case_id DESC"),
    "updated_at": ("updated_at", "case_id"),
    "title": ("title", "case_id"),
}


def search_words(query: str) -> list[str]:
    """The words of a search (split on spaces, full-width ones too), lower case."""
    return [word.lower() for word in (query or "").replace("\u3000", " ").split() if word]


def library_query(filters: Filters, search: str = "", statuses: tuple[str, ...] = ()) -> TableQuery:
    """The cases an account may see (selected ones, the rest in its scope) that match the sidebar's filters (one of
    their pairings; the measure among their measures), the chosen statuses and every word of `search`; selected
    first, then the latest."""
    sql = f"""SELECT c.case_id, c.title, c.status, c.measures, c.categories, c.tags, c.updated_at, c.provenance,
           c.after_text, c.action_text,
           CASE c.status WHEN 'selected' THEN 1 WHEN 'recommended' THEN 2 WHEN 'returned' THEN 3 ELSE 4 END
               AS status_rank,
           (SELECT list(DISTINCT po.university ORDER BY po.university) FROM case_pairings cp
            JOIN pairing_overview po ON po.pairing_id = cp.pairing_id WHERE cp.case_id = c.case_id) AS universities,
           (SELECT list(po.school ORDER BY po.pairing_id) FROM case_pairings cp
            JOIN pairing_overview po ON po.pairing_id = cp.pairing_id WHERE cp.case_id = c.case_id) AS schools,
           (SELECT list(DISTINCT po.province_code ORDER BY po.province_code) FROM case_pairings cp
            JOIN pairing_overview po ON po.pairing_id = cp.pairing_id WHERE cp.case_id = c.case_id) AS provinces
    FROM cases c
    WHERE {_VISIBLE} AND {_MATCHES}
      AND (CAST($measure AS VARCHAR) IS NULL OR list_contains(c.measures, CAST($measure AS VARCHAR)))
      AND (len(CAST($statuses AS VARCHAR[])) = 0 OR list_contains(CAST($statuses AS VARCHAR[]), c.status))
      AND len(list_filter(CAST($words AS VARCHAR[]), lambda w: NOT contains({_HAYSTACK}, w))) = 0"""
    params = filter_params(filters) | {"statuses": list(statuses), "words": search_words(search)}
    return TableQuery(sql, params, _CASE_ORDERS, "status")


def case(con: duckdb.DuckDBPyConnection, case_id: int, scope: Scope) -> dict | None:
    """One case the account may see, with its texts and lists; None if there is none (or it is not visible)."""
    sql = f"""SELECT c.* FROM cases c WHERE c.case_id = CAST($case_id AS INTEGER) AND {_VISIBLE}"""
    frame = fetch_df(con, sql, bind(sql, scope.params() | {"case_id": int(case_id)}))
    if frame.empty:
        return None
    found = {}
    for key, value in frame.iloc[0].to_dict().items():
        if key in ("measures", "categories", "tags"):
            found[key] = [] if value is None else [str(item) for item in value]
        else:
            found[key] = None if value is None or (isinstance(value, float) and pd.isna(value)) else value
    return found


def case_pairings(con: duckdb.DuckDBPyConnection, case_id: int) -> pd.DataFrame:
    """A case's pairings: id, university (Chinese and English), school, county, province code, provenance."""
    return fetch_df(
        con,
        """SELECT po.pairing_id, po.university, u.name_en AS university_en, po.school, po.county, po.province_code,
               po.provenance
        FROM case_pairings cp JOIN pairing_overview po ON po.pairing_id = cp.pairing_id
        JOIN universities u ON u.name_zh = po.university
        WHERE cp.case_id = CAST($case_id AS INTEGER) ORDER BY po.pairing_id""",
        {"case_id": int(case_id)},
    )


def evidence(con: duckdb.DuckDBPyConnection, case_id: int) -> pd.DataFrame:
    """The activities a case cites, oldest first (an activity whose batch was undone since is gone from it)."""
    return fetch_df(
        con,
        """SELECT a.activity_id, a.date, a.measure, a.title, a.teachers, a.students, a.hours, a.provenance,
               po.school
        FROM case_evidence e JOIN activities a ON a.activity_id = e.activity_id
        JOIN pairing_overview po ON po.pairing_id = a.pairing_id
        WHERE e.case_id = CAST($case_id AS INTEGER) ORDER BY a.date, a.activity_id""",
        {"case_id": int(case_id)},
    )


def cited_outcomes(con: duckdb.DuckDBPyConnection, case_id: int) -> pd.DataFrame:
    """The outcome figures a case cites, by school, indicator and school year: school_id, school, school_year,
    indicator, value, the school's baseline figure of the indicator (None when it has none) and provenance. A figure
    removed since (an undone outcome batch) is gone from it."""
    return fetch_df(
        con,
        """SELECT o.school_id, o.school, o.school_year, o.indicator, o.value, b.value AS baseline, o.provenance
        FROM case_outcomes c
        JOIN outcome_overview o ON o.school_id = c.school_id AND o.school_year = c.school_year
            AND o.indicator = c.indicator
        LEFT JOIN outcome_overview b ON b.school_id = c.school_id AND b.indicator = c.indicator
            AND b.school_year = CAST($baseline AS INTEGER)
        WHERE c.case_id = CAST($case_id AS INTEGER)
        ORDER BY o.school_id, list_position(CAST($indicators AS VARCHAR[]), o.indicator), o.school_year""",
        {"case_id": int(case_id), "baseline": BASELINE_YEAR, "indicators": list(INDICATORS)},
    )


def pairing_outcomes(con: duckdb.DuckDBPyConnection, pairing_ids: list[int]) -> pd.DataFrame:
    """Every outcome figure of a case's pairings' schools, to cite from: school_id, school, school_year, indicator,
    value; the latest school year first, then in the indicators' order."""
    return fetch_df(
        con,
        """SELECT DISTINCT o.school_id, o.school, o.school_year, o.indicator, o.value,
               list_position(CAST($indicators AS VARCHAR[]), o.indicator) AS indicator_order
        FROM outcome_overview o JOIN pairings p ON p.school_id = o.school_id
        WHERE list_contains(CAST($pairings AS INTEGER[]), p.pairing_id)
        ORDER BY o.school_id, o.school_year DESC, indicator_order""",
        {"pairings": [int(p) for p in pairing_ids], "indicators": list(INDICATORS)},
    )


def history(con: duckdb.DuckDBPyConnection, case_id: int) -> pd.DataFrame:
    """A case's status changes, oldest first."""
    return fetch_df(
        con,
        "SELECT occurred_at, username, from_status, to_status, comment FROM case_history "
        "WHERE case_id = CAST($case_id AS INTEGER) ORDER BY occurred_at, event_id",
        {"case_id": int(case_id)},
    )


def linked_cases(con: duckdb.DuckDBPyConnection, categories: list[str], limit: int = LINKED_CASES) -> pd.DataFrame:
    """Up to `limit` selected cases that address any of `categories` (a scorecard's open problems): those that
    address the most of them first, then the latest."""
    if not categories:
        return pd.DataFrame(columns=["case_id", "title", "categories", "measures", "provenance", "matched"])
    return fetch_df(
        con,
        """SELECT case_id, title, categories, measures, provenance,
               list_intersect(categories, CAST($categories AS VARCHAR[])) AS matched
        FROM cases WHERE status = 'selected' AND len(list_intersect(categories, CAST($categories AS VARCHAR[]))) > 0
        ORDER BY len(list_intersect(categories, CAST($categories AS VARCHAR[]))) DESC, updated_at DESC, case_id DESC
        LIMIT CAST($limit AS INTEGER)""",
        {"categories": list(categories), "limit": int(limit)},
    )


def newest_selected(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = NEWEST_SELECTED) -> pd.DataFrame:
    """The newest cases the ministry selected (部级遴选) with a pairing in view of the filters (the account's scope,
    university, province, tier and cycle, as every figure of a brief; the measure among the case's measures; not the
    period, which counts activities), the latest selection first: case_id, title, measures, provenance,
    selected_on (the day of its latest move to selected) and the case's pairings as two lists in the same order,
    universities and schools."""
    sql = f"""WITH {FILTER_CTES},
    picked AS (
        SELECT c.case_id, c.title, c.measures, c.provenance,
               CAST(coalesce((SELECT max(h.occurred_at) FROM case_history h
                              WHERE h.case_id = c.case_id AND h.to_status = 'selected'), c.updated_at) AS DATE)
                   AS selected_on
        FROM cases c
        WHERE c.status = 'selected'
          AND EXISTS (SELECT 1 FROM case_pairings cp WHERE cp.case_id = c.case_id
                      AND cp.pairing_id IN (SELECT pairing_id FROM scoped_pairings))
          AND (CAST($measure AS VARCHAR) IS NULL OR list_contains(c.measures, CAST($measure AS VARCHAR)))
        ORDER BY selected_on DESC, c.case_id DESC
        LIMIT CAST($limit AS INTEGER)
    )
    SELECT p.*,
           (SELECT list(po.university ORDER BY po.pairing_id) FROM case_pairings cp
            JOIN pairing_overview po ON po.pairing_id = cp.pairing_id WHERE cp.case_id = p.case_id) AS universities,
           (SELECT list(po.school ORDER BY po.pairing_id) FROM case_pairings cp
            JOIN pairing_overview po ON po.pairing_id = cp.pairing_id WHERE cp.case_id = p.case_id) AS schools
    FROM picked p ORDER BY p.selected_on DESC, p.case_id DESC"""
    return fetch_df(con, sql, bind(sql, filter_params(filters) | {"limit": int(limit)}))


def pairing_activities(con: duckdb.DuckDBPyConnection, pairing_ids: list[int], limit: int = 500) -> pd.DataFrame:
    """The newest activities of a case's pairings, to choose evidence from."""
    return fetch_df(
        con,
        """SELECT a.activity_id, a.date, a.measure, a.title, po.school FROM activities a
        JOIN pairing_overview po ON po.pairing_id = a.pairing_id
        WHERE list_contains(CAST($pairings AS INTEGER[]), a.pairing_id)
        ORDER BY a.date DESC, a.activity_id DESC LIMIT CAST($limit AS INTEGER)""",
        {"pairings": [int(p) for p in pairing_ids], "limit": int(limit)},
    )


def status_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, int]:
    """How many cases the account sees in each status (the sidebar's filters applied)."""
    sql = f"SELECT c.status, count(*) FROM cases c WHERE {_VISIBLE} AND {_MATCHES} GROUP BY 1"
    params = filter_params(filters)
    rows = fetch_df(con, sql, bind(sql, params))
    counts = dict(zip(rows.iloc[:, 0], rows.iloc[:, 1], strict=True)) if len(rows) else {}
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def any_demo(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(fetch_one(con, "SELECT count(*) FROM cases WHERE provenance = 'demo'")[0])
