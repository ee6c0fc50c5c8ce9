"""The outcome indicators: their columns (docs/contracts.md, "Outcome file"), kinds, better direction and policy
thresholds, stated once for the import, the queries, the panels and the brief.

A count is a whole number ≥ 0; a rate a percentage from 0 to 100. `better` is +1 when a higher value is better, -1
when lower is better, 0 when neither (classes: shown as rose or fell). `threshold` is the policy's target where one
exists: classes of 56 or more (大班额) are to be eliminated, so their target is 0. Admission rates (`admission`) are
shown but never used to sort or rank schools (the 2025 county high school revitalisation plan).
"""

from __future__ import annotations

from dataclasses import dataclass

BASELINE_YEAR = 2021  # the 2021–22 school year, the year before the programme started
EARLIEST_YEAR = BASELINE_YEAR  # a school year before the baseline is a typo
LARGE_CLASS_SIZE = 56  # students in a class from which it counts as a large class (大班额)


@dataclass(frozen=True)
class Indicator:
    name: str  # the outcome file's English column name, and the `indicator` of outcome_overview
    kind: str  # count | rate
    better: int  # +1 higher is better, -1 lower is better, 0 neither
    threshold: float | None = None  # the policy's target value, where one exists
    admission: bool = False  # an admission result: compared with the school's own past only, never ranked

    @property
    def rate(self) -> bool:
        return self.kind == "rate"

    def sql_type(self) -> str:
        return "DOUBLE" if self.rate else "INTEGER"


INDICATORS: tuple[Indicator, ...] = (
    Indicator("students", "count", +1),
    Indicator("classes", "count", 0),
    Indicator("large_classes", "count", -1, threshold=0),
    Indicator("teachers", "count", +1),
    Indicator("teachers_masters", "count", +1),
    Indicator("teachers_senior", "count", +1),
    Indicator("teachers_left", "count", -1),
    Indicator("top_intake_local_pct", "rate", +1),
    Indicator("undergrad_rate_pct", "rate", +1, admission=True),
    Indicator("special_line_students", "count", +1, admission=True),
)
BY_NAME = {indicator.name: indicator for indicator in INDICATORS}
NAMES = tuple(indicator.name for indicator in INDICATORS)
# The checks between two indicators of the same row: (part, whole): the part may not exceed the whole.
NOT_ABOVE = (("large_classes", "classes"), ("teachers_masters", "teachers"), ("teachers_senior", "teachers"))


def change_class(indicator: Indicator, baseline: float | None, latest: float | None) -> str | None:
    """How a school moved on an indicator from its baseline to its latest year: improved, same or declined (for an
    indicator with no better direction: rose, same, fell); None when either value is missing."""
    if baseline is None or latest is None:
        return None
    step = round(latest - baseline, 1 if indicator.rate else 0)
    if step == 0:
        return "same"
    if indicator.better == 0:
        return "rose" if step > 0 else "fell"
    return "improved" if step * indicator.better > 0 else "declined"
