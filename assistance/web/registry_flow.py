"""The Registry page without Streamlit: its kinds of file (a registry of pairings, a 一校一策 plan file, an outcome
file) as `ImportForm`s of the shared upload flow (web/upload_flow.py), its list of batches, and the report's tables in
words: the counts, the changes before → after, the new parties and schools with their "did you mean" hints.

Everything a registry or plan file does is decided in `assistance.registry` (the same code as `registry import`
and `plans import`); this module only words it, so that each piece is testable without a browser.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from assistance.filters import Period
from assistance.i18n import t
from assistance.ingest.fields import OUTCOMES, PLANS, REGISTRY
from assistance.outcomes.importer import OutcomesImport
from assistance.registry.common import ImportReport
from assistance.registry.export import TIERS
from assistance.registry.importer import RegistryImport
from assistance.registry.plans import PlansImport
from assistance.web.upload_flow import History, ImportForm, Upload

ALL_TIERS = ""  # the export's tier choice "every tier"
EXPORT_FORMATS = ("xlsx", "csv")
EXPORT_MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def open_registry_job(con, data: bytes, upload: Upload, actor, _progress) -> RegistryImport:
    return RegistryImport(con, data, upload.name, sheet=upload.sheet, actor=actor)


def open_plans_job(con, data: bytes, upload: Upload, actor, _progress) -> PlansImport:
    return PlansImport(con, data, upload.name, sheet=upload.sheet, actor=actor)


def open_outcomes_job(con, data: bytes, upload: Upload, actor, _progress) -> OutcomesImport:
    return OutcomesImport(con, data, upload.name, sheet=upload.sheet, actor=actor)


# No strict mode: a registry or plan file commits its valid rows, as `registry import` does.
REGISTRY_FORM = ImportForm(
    "registry", open_registry_job, "import_registry", strict=False, nothing_hint="registry.page.nothing_to_commit"
)
PLANS_FORM = ImportForm(
    "plans", open_plans_job, "import_plans", strict=False, nothing_hint="registry.page.nothing_to_commit"
)
OUTCOMES_FORM = ImportForm(
    "outcomes", open_outcomes_job, "import_outcomes", strict=False, nothing_hint="registry.page.nothing_to_commit"
)
REGISTRY_HISTORY = History(
    prefix="registry_history",
    kinds=("registry", "plans", "outcomes"),
    columns=("batch_id", "kind", "file", "rows", "inserted", "changed", "unchanged", "rejected", "uploaded_by"),
    title="registry.page.history",
    empty="registry.page.history_empty",
    confirm="registry.page.undo_confirm",
)


def metrics(report: ImportReport, committed: bool) -> list[tuple[str, int]]:
    """The counts a report shows, as (catalogue key of the label, value): what a commit would do, or did."""
    done = committed and report.committed
    return [
        ("upload.metric_rows", report.rows),
        ("upload.metric_inserted" if done else "upload.metric_would_insert", report.inserted),
        ("registry.page.metric_changed" if done else "registry.page.metric_would_change", report.changed),
        ("registry.page.metric_unchanged", report.unchanged),
        ("upload.metric_rejected", report.rejected),
    ]


def _shown(value: object) -> str:
    """A stored value as a cell: empty as —."""
    return "—" if value is None or value != value or value == "" else str(value)


def _field_label(report: ImportReport, name: str, lang: str) -> str:
    """A changed field by the file's own header, else by its name in the contract."""
    if name == "provenance":
        return t("registry.page.field.provenance", lang)
    kind = {"plans": PLANS, "outcomes": OUTCOMES}.get(report.kind, REGISTRY)
    return report.columns.get(name) or kind.field_label(name, lang)


def _row_names(report: ImportReport, lang: str, measures: Mapping[str, str]) -> dict[int, str]:
    """Each line's pairing (supporter → school) or plan entry (pairing, school year, measure), in words."""
    statuses = report.statuses
    if statuses.empty:
        return {}
    if report.kind == "plans":
        return {
            int(row.line): t(
                "registry.page.plan_entry",
                lang,
                pairing=int(row.pairing_id),
                year=Period(int(row.school_year)).label(lang),
                measure=measures.get(row.measure, row.measure),
            )
            for row in statuses.itertuples()
            if row.pairing_id == row.pairing_id and row.school_year == row.school_year
        }
    if report.kind == "outcomes":  # the school and the school year
        return {
            int(row.line): f"{row.school} · {Period(int(row.school_year)).label(lang)}"
            for row in statuses.itertuples()
            if isinstance(row.school, str) and row.school_year == row.school_year
        }
    return {int(row.line): f"{row.supporter} → {row.school}" for row in statuses.itertuples()}


def changes_view(report: ImportReport, lang: str, measures: Mapping[str, str]) -> pd.DataFrame:
    """One row per changed field: line, the pairing (or plan entry), the field, before, after."""
    names = _row_names(report, lang, measures)
    rows = []
    for line, name, before, after in report.changes.itertuples(index=False):
        if name == "provenance":
            before, after = (t(f"provenance.{v}", lang) if v else v for v in (before, after))
        rows.append((int(line), names.get(int(line), ""), _field_label(report, name, lang), _shown(before),
                     _shown(after)))  # fmt: skip
    headers = [t(key, lang) for key in ("upload.col_line", "registry.page.col_what", "registry.page.col_field",
                                        "registry.page.col_before", "registry.page.col_after")]  # fmt: skip
    return pd.DataFrame(rows, columns=headers)


def new_parties_view(report: ImportReport, lang: str) -> pd.DataFrame:
    """The supporting parties a commit creates: name, kind, the close existing names ("did you mean"), line."""
    rows = [
        (name, t(f"registry.page.party.{kind}", lang), t("list.separator", lang).join(similar or ()) or "—", int(line))
        for name, kind, similar, line in report.new_parties.itertuples(index=False)
    ]
    headers = [t(key, lang) for key in ("registry.page.col_name", "registry.page.col_kind",
                                        "registry.page.col_similar", "upload.col_line")]  # fmt: skip
    return pd.DataFrame(rows, columns=headers)


def new_schools_view(report: ImportReport, lang: str) -> pd.DataFrame:
    """The schools a commit creates: name, county, the first line naming it."""
    frame = report.new_schools
    rows = [(row.school, _shown(row.county), int(row.line)) for row in frame.itertuples()] if len(frame) else []
    headers = [t(key, lang) for key in ("registry.page.col_school", "registry.page.col_county", "upload.col_line")]
    return pd.DataFrame(rows, columns=headers)


def tier_choices() -> list[str]:
    """The export's tier choices: every tier, then each."""
    return [ALL_TIERS, *TIERS]


def tier_label(tier: str, lang: str) -> str:
    return t(f"tier.{tier}", lang) if tier else t("registry.page.export_all_tiers", lang)


def export_file_name(fmt: str, tier: str, lang: str) -> str:
    """帮扶名册_国家示范.xlsx / registry_all.csv: what the export is, in the file's name."""
    stem = t("registry.page.export_stem", lang)
    return f"{stem}_{tier_label(tier, lang) if tier else t('registry.page.export_all_stem', lang)}.{fmt}"
