"""Accounts (issue 12): each role with its scope resolved against the registry, every refused account change,
passwords kept only as argon2 hashes; sign-in that refuses every bad attempt with the same answer and slows down
repeated failures; sessions that end on sign-out, idle timeout, disabling and a password reset; signed cookies."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from assistance.access.accounts import (
    FREE_FAILURES,
    MAX_WAIT,
    AccountError,
    SignIn,
    add_account,
    disable_account,
    get_account,
    has_accounts,
    list_accounts,
    reset_password,
    sign_in,
)
from assistance.access.scope import NATIONAL, Scope, scope_of
from assistance.access.sessions import end_session, resume_session, sign, start_session, unsign

PASSWORD = "correct horse 42"
T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def con(empty_con):
    """`init --empty`: the registry's universities, provinces and schools, no account."""
    return empty_con


def accounts_table(con) -> list[tuple]:
    return con.execute("SELECT * FROM accounts ORDER BY username").fetchall()


def school_id(con, name: str) -> int:
    return con.execute("SELECT school_id FROM schools WHERE name_zh = ?", [name]).fetchone()[0]


# ---------------------------------------------------------------------------------------------------------
# Adding accounts


ROLE_CASES = [
    # username, role, scope given, (province_code, university, school name) stored
    ("ministry1", "ministry", {}, (None, None, None)),
    ("bnu1", "university", {"university": "北师大"}, (None, "北京师范大学", None)),
    ("bnu2", "university", {"university": "Beijing Normal University"}, (None, "北京师范大学", None)),
    ("bnu3", "university", {"university": "BNU"}, (None, "北京师范大学", None)),
    ("guangxi1", "province", {"province": "广西"}, ("450000", None, None)),
    ("guangxi2", "province", {"province": "450000"}, ("450000", None, None)),
    ("guangxi3", "province", {"province": "Guangxi"}, ("450000", None, None)),
    ("corps1", "province", {"province": "660000"}, ("660000", None, None)),
    ("corps2", "province", {"province": "新疆生产建设兵团"}, ("660000", None, None)),
    ("school1", "school", {"school": "青龙满族自治县第一中学"}, (None, None, "青龙满族自治县第一中学")),
    ("viewer1", "viewer", {}, (None, None, None)),
    ("viewer2", "viewer", {"province": "甘肃"}, ("620000", None, None)),
    ("viewer3", "viewer", {"university": "复旦"}, (None, "复旦大学", None)),
]


@pytest.mark.parametrize(("username", "role", "given", "stored"), ROLE_CASES, ids=[c[0] for c in ROLE_CASES])
def test_each_role_is_added_with_its_scope_resolved_by_any_name(con, username, role, given, stored):
    assert not has_accounts(con)
    account = add_account(con, username, role, PASSWORD, **given)
    assert (account.username, account.role, account.disabled) == (username, role, False)
    assert (account.province_code, account.university, account.school) == stored
    assert get_account(con, username) == account
    assert list_accounts(con) == [account]
    assert has_accounts(con)
    province, university, school = stored
    expected_scope = Scope(province, university, account.school_id, school) if role != "ministry" else NATIONAL
    assert scope_of(account) == expected_scope
    if school:
        assert account.school_id == school_id(con, school)
    assert scope_of(account).national == (stored == (None, None, None))


def test_a_school_is_found_by_its_alias_too(con):
    account = add_account(con, "school2", "school", PASSWORD, school="青龙一中")  # the short name people use
    assert account.school_id == school_id(con, "青龙满族自治县第一中学")
    assert account.school == "青龙满族自治县第一中学"  # named in full


REFUSALS = [
    # (username, role, password, scope), the AccountError code
    (("x1", "boss", PASSWORD, {}), "role_unknown"),
    (("x1", "", PASSWORD, {}), "role_unknown"),
    (("x1", "university", PASSWORD, {}), "university_required"),
    (("x1", "province", PASSWORD, {}), "province_required"),
    (("x1", "school", PASSWORD, {}), "school_required"),
    (("x1", "ministry", PASSWORD, {"university": "北京师范大学"}), "scope_mismatch"),
    (("x1", "ministry", PASSWORD, {"province": "广西"}), "scope_mismatch"),
    (("x1", "university", PASSWORD, {"university": "北京师范大学", "province": "广西"}), "scope_mismatch"),
    (("x1", "province", PASSWORD, {"province": "广西", "school": "马山中学"}), "scope_mismatch"),
    (("x1", "school", PASSWORD, {"school": "马山中学", "university": "浙江大学"}), "scope_mismatch"),
    (("x1", "viewer", PASSWORD, {"province": "广西", "university": "浙江大学"}), "scope_mismatch"),
    (("x1", "viewer", PASSWORD, {"school": "马山中学"}), "scope_mismatch"),
    (("x1", "university", PASSWORD, {"university": "不存在大学"}), "university_unknown"),
    (("x1", "province", PASSWORD, {"province": "北京"}), "province_unknown"),  # not a province of the programme
    (("x1", "province", PASSWORD, {"province": "999999"}), "province_unknown"),
    (("x1", "province", PASSWORD, {"province": "' OR 1=1 --"}), "province_unknown"),
    (("x1", "school", PASSWORD, {"school": "无此中学"}), "school_unknown"),
    (("x1", "ministry", "short12", {}), "password_short"),  # 7 characters
    (("x1", "ministry", "", {}), "password_short"),
    (("x1", "ministry", None, {}), "password_short"),  # neither a password nor an identity
    (("x" * 10_000, "ministry", PASSWORD, {}), "username_invalid"),
    (("a" * 65, "ministry", PASSWORD, {}), "username_invalid"),
    (("two words", "ministry", PASSWORD, {}), "username_invalid"),
    (("tab\tname", "ministry", PASSWORD, {}), "username_invalid"),
    (("new\nline", "ministry", PASSWORD, {}), "username_invalid"),
    (("全角\u3000空格", "ministry", PASSWORD, {}), "username_invalid"),
    (("", "ministry", PASSWORD, {}), "username_invalid"),
    (("   ", "ministry", PASSWORD, {}), "username_invalid"),
    (("taken", "ministry", PASSWORD, {}), "username_taken"),
    (("TAKEN", "viewer", PASSWORD, {}), "username_taken"),  # names differing only in case are one name
]


@pytest.mark.parametrize(("arguments", "code"), REFUSALS, ids=[f"{i}-{c[1]}" for i, c in enumerate(REFUSALS)])
def test_a_refused_account_change_names_its_reason_and_writes_nothing(con, arguments, code):
    add_account(con, "taken", "ministry", PASSWORD)
    before = accounts_table(con)
    username, role, password, scope = arguments
    with pytest.raises(AccountError) as refused:
        add_account(con, username, role, password, **scope)
    assert refused.value.code == code
    assert len(refused.value.value) <= 64  # a 10,000-character name is not echoed back in full
    assert accounts_table(con) == before


def test_a_64_character_username_is_the_longest_taken(con):
    assert add_account(con, "a" * 64, "viewer", PASSWORD).username == "a" * 64
    assert add_account(con, "b" * 8, "viewer", "12345678").username == "bbbbbbbb"  # 8 characters is enough


def test_the_password_is_stored_only_as_a_salted_argon2_hash(con):
    add_account(con, "alice", "ministry", PASSWORD)
    add_account(con, "bob", "ministry", PASSWORD)
    rows = con.execute("SELECT username, password_hash FROM accounts ORDER BY username").fetchall()
    hashes = [hashed for _name, hashed in rows]
    assert all(hashed.startswith("$argon2") for hashed in hashes)
    assert hashes[0] != hashes[1]  # salted: the same password gives two hashes
    for row in con.execute("SELECT * FROM accounts").fetchall():
        assert not any(PASSWORD in str(value) for value in row)


# ---------------------------------------------------------------------------------------------------------
# Disabling and resetting


def test_disabling_an_account_ends_its_sessions_and_its_sign_in(con):
    add_account(con, "alice", "ministry", PASSWORD)
    add_account(con, "bob", "ministry", PASSWORD)
    alice_tokens = [start_session(con, "alice"), start_session(con, "alice")]
    bob_token = start_session(con, "bob")
    disable_account(con, "alice")
    assert get_account(con, "alice").disabled
    assert [resume_session(con, token) for token in alice_tokens] == [None, None]
    ended = con.execute("SELECT count(*) FROM sessions WHERE username = 'alice' AND ended_at IS NOT NULL").fetchone()
    assert ended == (2,)
    assert resume_session(con, bob_token).username == "bob"  # only the disabled account's sessions end
    assert sign_in(con, "alice", PASSWORD).account is None
    assert sign_in(con, "bob", PASSWORD).account.username == "bob"
    with pytest.raises(AccountError) as refused:
        disable_account(con, "nobody")
    assert refused.value.code == "user_unknown"


def test_a_password_reset_ends_the_sessions_and_only_the_new_password_signs_in(con):
    add_account(con, "alice", "ministry", PASSWORD)
    add_account(con, "bob", "ministry", PASSWORD)
    alice_token, bob_token = start_session(con, "alice"), start_session(con, "bob")
    before = accounts_table(con)
    with pytest.raises(AccountError) as refused:
        reset_password(con, "alice", "short")
    assert refused.value.code == "password_short"
    assert accounts_table(con) == before and resume_session(con, alice_token).username == "alice"
    reset_password(con, "alice", "a new password")
    assert resume_session(con, alice_token) is None
    assert resume_session(con, bob_token).username == "bob"
    assert sign_in(con, "alice", PASSWORD).account is None
    assert sign_in(con, "alice", "a new password").account.username == "alice"
    hashed = con.execute("SELECT password_hash FROM accounts WHERE username = 'alice'").fetchone()[0]
    assert hashed.startswith("$argon2") and "a new password" not in hashed
    with pytest.raises(AccountError) as unknown:
        reset_password(con, "nobody", "a new password")
    assert unknown.value.code == "user_unknown"


# ---------------------------------------------------------------------------------------------------------
# Signing in


def test_the_right_password_signs_in_as_the_account(con):
    created = add_account(con, "bnu1", "university", PASSWORD, university="北师大")
    answer = sign_in(con, "bnu1", PASSWORD, now=T0)
    assert answer.account == created and answer.wait == 0
    assert sign_in(con, " bnu1 ", PASSWORD, now=T0).account == created  # spaces around a typed name


BAD_ATTEMPTS = {
    "wrong password": ("alice", "not the password"),
    "unknown user": ("nobody", PASSWORD),
    "disabled user": ("carol", PASSWORD),
    "empty password": ("dave", ""),
    "10,000-character username": ("x" * 10_000, PASSWORD),
    "SQL in the username": ("' OR 1=1 --", PASSWORD),
    "SQL that names a user": ("alice' --", PASSWORD),
    "HTML in the username": ("<script>alert(1)</script>", PASSWORD),
}


def test_every_bad_sign_in_gets_the_same_answer_and_the_same_slowing_down(con):
    for name in ("alice", "carol", "dave"):
        add_account(con, name, "ministry", PASSWORD)
    disable_account(con, "carol")
    before = accounts_table(con)
    answers = {
        case: [sign_in(con, username, password, now=T0) for _ in range(FREE_FAILURES + 1)]
        for case, (username, password) in BAD_ATTEMPTS.items()
    }
    first = answers["wrong password"]
    assert all(answer.account is None for answer in first)
    assert first[-1].wait > 0  # the attempt after FREE_FAILURES failures must wait
    for case, sequence in answers.items():
        assert sequence == first, case  # nothing tells which part was wrong, not even the wait
    assert accounts_table(con) == before
    assert sign_in(con, "dave", PASSWORD, now=T0 + timedelta(seconds=MAX_WAIT + 1)).account.username == "dave"


def test_after_the_free_failures_even_the_right_password_waits_then_works_and_clears_the_count(con):
    add_account(con, "alice", "ministry", PASSWORD)
    waits = [sign_in(con, "alice", "wrong password", now=T0).wait for _ in range(FREE_FAILURES)]
    assert waits[:-1] == [0] * (FREE_FAILURES - 1) and waits[-1] > 0
    wait = waits[-1]
    for seconds in (0, wait / 2, wait - 0.01):
        refused = sign_in(con, "alice", PASSWORD, now=T0 + timedelta(seconds=seconds))
        assert refused.account is None
        assert refused.wait == pytest.approx(wait - seconds)
    welcome = sign_in(con, "alice", PASSWORD, now=T0 + timedelta(seconds=wait))
    assert welcome == SignIn(get_account(con, "alice"), 0.0)
    later = T0 + timedelta(seconds=wait + 1)
    # the count starts again: FREE_FAILURES - 1 further failures are free
    assert [sign_in(con, "alice", "wrong", now=later).wait for _ in range(FREE_FAILURES - 1)] == [0] * (
        FREE_FAILURES - 1
    )


def test_the_wait_grows_with_each_failure_up_to_the_cap_and_is_kept_per_name(con):
    add_account(con, "alice", "ministry", PASSWORD)
    add_account(con, "bob", "ministry", PASSWORD)
    now, waits = T0, []
    for _ in range(FREE_FAILURES + 8):
        answer = sign_in(con, "alice", "wrong password", now=now)
        assert answer.account is None
        waits.append(answer.wait)
        now += timedelta(seconds=answer.wait)  # each attempt after the previous wait has passed
    grown = waits[FREE_FAILURES - 1 :]
    assert all(later >= earlier for earlier, later in pairwise(grown))
    assert grown[1] > grown[0] and waits[-1] == MAX_WAIT
    assert sign_in(con, "bob", PASSWORD, now=now).account.username == "bob"  # another name is not slowed down


# ---------------------------------------------------------------------------------------------------------
# Sessions and cookies


def test_a_session_starts_resumes_and_ends(con):
    account = add_account(con, "alice", "university", PASSWORD, university="北师大")
    token = start_session(con, "alice", now=T0)
    assert resume_session(con, token, now=T0 + timedelta(minutes=5)) == account
    assert resume_session(con, token + "x", now=T0) is None
    assert resume_session(con, None) is None and resume_session(con, "") is None
    stored = con.execute("SELECT token_hash FROM sessions").fetchall()
    assert stored and all(token not in row[0] for row in stored)  # only a digest of the token is kept
    end_session(con, token, now=T0 + timedelta(minutes=6))
    assert resume_session(con, token, now=T0 + timedelta(minutes=7)) is None


def test_an_idle_session_needs_a_new_sign_in_and_activity_keeps_it_alive(con, monkeypatch):
    monkeypatch.delenv("ASSISTANCE_IDLE_MINUTES", raising=False)
    add_account(con, "alice", "ministry", PASSWORD)
    busy = start_session(con, "alice", now=T0)
    idle = start_session(con, "alice", now=T0)
    for hours in (7, 14, 21):  # used every 7 hours: never idle for 8
        assert resume_session(con, busy, now=T0 + timedelta(hours=hours)) is not None
    assert resume_session(con, idle, now=T0 + timedelta(hours=8, seconds=1)) is None
    assert resume_session(con, idle, now=T0 + timedelta(hours=1)) is None  # ended, not merely late
    monkeypatch.setenv("ASSISTANCE_IDLE_MINUTES", "30")
    short = start_session(con, "alice", now=T0)
    assert resume_session(con, short, now=T0 + timedelta(minutes=29)) is not None
    assert resume_session(con, short, now=T0 + timedelta(minutes=29 + 31)) is None


def test_the_session_of_an_account_disabled_since_no_longer_resumes(con):
    add_account(con, "alice", "ministry", PASSWORD)
    token = start_session(con, "alice", now=T0)
    # disabled behind the application's back: the session row is still open, the account check refuses it
    con.execute("UPDATE accounts SET disabled = true WHERE username = 'alice'")
    assert con.execute("SELECT count(*) FROM sessions WHERE ended_at IS NULL").fetchone() == (1,)
    assert resume_session(con, token, now=T0 + timedelta(minutes=1)) is None


def test_a_cookie_signed_with_another_secret_or_tampered_with_is_worthless():
    token = "token-abc_123"
    cookie = sign(token, "the secret")
    assert unsign(cookie, "the secret") == token
    assert unsign(cookie, "another secret") is None
    assert unsign(cookie, "") is None and unsign(cookie, None) is None
    assert unsign("token-abd_123" + cookie[len(token) :], "the secret") is None  # token changed, signature kept
    flipped = cookie[:-1] + ("0" if cookie[-1] != "0" else "1")
    assert unsign(flipped, "the secret") is None
    assert unsign(token, "the secret") is None  # unsigned
    assert unsign(None, "the secret") is None and unsign("", "the secret") is None
    assert unsign(sign("other", "the secret"), "the secret") == "other"
