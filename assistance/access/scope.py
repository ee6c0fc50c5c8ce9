"""The part of the programme an account may see and change, and the SQL that holds every query to it.

A scope is taken from the accounts table, never from a filter or a link: `scope_of(account)` is the only way from
a signed-in user to a scope. The filters narrow the view inside the scope; they can never widen it, because every
filtered query starts from `analytics.queries.FILTER_CTES`, whose `scoped_pairings` applies `SCOPE_CONDITION`
with the scope's own parameters (`Scope.params`).
"""

from __future__ import annotations

from dataclasses import dataclass

# The pairings of `pairing_overview po` inside a scope: a province, a supporting party, or one school.
SCOPE_CONDITION = """(CAST($scope_province AS VARCHAR) IS NULL OR po.province_code = CAST($scope_province AS VARCHAR))
      AND (CAST($scope_university AS VARCHAR) IS NULL OR po.university = CAST($scope_university AS VARCHAR))
      AND (CAST($scope_school AS INTEGER) IS NULL OR po.pairing_id IN (
           SELECT sp.pairing_id FROM pairings sp WHERE sp.school_id = CAST($scope_school AS INTEGER)))"""

# Every pairing id inside a scope, for checks outside a filtered query (uploads, undo, the scorecard).
SCOPED_PAIRING_IDS = f"SELECT po.pairing_id FROM pairing_overview po WHERE {SCOPE_CONDITION}"


@dataclass(frozen=True)
class Scope:
    """At most one of: a province code (660000 is the Corps), a supporting party's Chinese name, a school id
    (with its name, for labels). All None: the whole programme."""

    province: str | None = None
    university: str | None = None
    school_id: int | None = None
    school: str | None = None

    @property
    def national(self) -> bool:
        return self.province is None and self.university is None and self.school_id is None

    def params(self) -> dict:
        """The scope's bind parameters of `SCOPE_CONDITION`."""
        return {"scope_province": self.province, "scope_university": self.university, "scope_school": self.school_id}

    def allows_university(self, university: str) -> bool:
        """Whether a university filter value can show anything in this scope (a school or province scope leaves
        the filter to the query)."""
        return self.university is None or self.university == university


NATIONAL = Scope()


def pairing_in_scope(cur, pairing_id: int, scope: Scope) -> bool:
    """Whether one pairing lies inside `scope` (the scorecard's `?pairing=` link, an undo)."""
    if scope.national:
        return True
    row = cur.execute(f"SELECT count(*) FROM ({SCOPED_PAIRING_IDS}) WHERE pairing_id = $pairing", {
        **scope.params(), "pairing": pairing_id}).fetchone()  # fmt: skip
    return bool(row[0])


def scope_of(account) -> Scope:
    """The scope of a signed-in account (access.accounts.Account), from its row in the accounts table; None (no
    one signed in: a fresh install that has no account yet, browsable read-only) and the command line
    (accounts.CLI) see the whole programme."""
    if account is None or account.role == "ministry":
        return NATIONAL
    if account.role == "school":
        return Scope(school_id=account.school_id, school=account.school)
    return Scope(province=account.province_code, university=account.university)
