"""Create or upgrade a database file: schema, reference data, the national pairings and (unless asked not to)
demo history, demo problems and demo good-practice cases.

It sits above the packages it combines (store, reference, registry, guidance): the verified and demo pairing lists go
through the registry import, the pipeline users' files go through, never a loader of their own.

A new file is built beside its final name and moved into place only when complete, so neither the
app nor a command ever sees a half-made database. An existing file is only migrated, never rebuilt.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from assistance.guidance.demo import load_demo_guidance
from assistance.outcomes.demo import load_demo_outcomes
from assistance.paths import DATA_DIR
from assistance.reference import loader, sample
from assistance.registry.importer import RegistryImport
from assistance.store import db, mode

Progress = Callable[[float, str], None]


@dataclass
class InitReport:
    path: Path | str  # the file, or the store's URL with its password hidden
    created: bool
    migrations: list[int] = field(default_factory=list)
    loaded: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if self.created:
            counts = ", ".join(f"{k} {v}" for k, v in self.loaded.items())
            return f"created {self.path} (schema v{db.SCHEMA_VERSION}; {counts})"
        if self.migrations:
            return f"upgraded {self.path} to schema v{db.SCHEMA_VERSION} (applied {self.migrations})"
        return f"{self.path} is up to date (schema v{db.SCHEMA_VERSION}); nothing changed"


def _silent(_fraction: float, _message: str) -> None:
    return None


def initialise(
    path: str | Path | None = None, empty: bool = False, today: date | None = None, progress: Progress = _silent
) -> InitReport:
    """Create the file if missing (reference + demo data), else apply pending migrations only. A PostgreSQL URL
    (server mode): a store with no data gets the same build, made as a file and copied in (`store copy`)."""
    if mode.is_server(str(path) if path else db.location()):
        return _initialise_store(str(path) if path else db.location(), empty, today, progress)
    path = Path(path) if path else db.default_db_path()
    if path.exists():
        con = db.connect(path)
        try:
            return InitReport(path, created=False, migrations=db.migrate(con))
        finally:
            con.close()

    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    for leftover in (building, Path(str(building) + ".wal")):
        leftover.unlink(missing_ok=True)
    report = InitReport(path, created=True)
    con = db.connect(building)
    try:
        progress(0.05, "schema")
        report.migrations = db.migrate(con)
        progress(0.2, "reference")
        report.loaded.update(loader.load_reference(con))
        report.loaded["pairings"] = sum(_load_pairings(con, name, provenance) for name, provenance in PAIRING_FILES)
        if not empty:
            progress(0.5, "demo")
            report.loaded.update(sample.load_demo(con, end=today))
            report.loaded.update(load_demo_outcomes(con, end=today))  # the demo schools' only
            report.loaded.update(load_demo_guidance(con, end=today))  # demo problems and cases (cite the outcomes)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(building, path)
    progress(1.0, "done")
    return report


def _initialise_store(url: str, empty: bool, today: date | None, progress: Progress) -> InitReport:
    from assistance.store.pg import copy  # psycopg is imported in server mode only

    if copy.holds_data(url):  # its schema migrated, nothing else changed
        return InitReport(mode.redacted(url), created=False)
    with tempfile.TemporaryDirectory() as folder:
        built = Path(folder) / "init.duckdb"
        report = initialise(built, empty=empty, today=today, progress=progress)
        copy.file_to_pg(built, url)
    report.path = mode.redacted(url)
    return report


# The national pairings a new database starts with: the verified ones (each with its source), then the demo ones.
PAIRING_FILES = (("pairings_verified.csv", "verified"), ("pairings_demo.csv", "demo"))


def _load_pairings(con: duckdb.DuckDBPyConnection, name: str, provenance: str) -> int:
    """One committed pairing file through the registry import, with no upload batch (it is part of the build);
    any rejected row is a broken reference file and stops the build."""
    report = RegistryImport(con, DATA_DIR / name, name, provenance=provenance, record=False, max_bytes=0).run()
    if report.rejected or report.inserted != report.rows:
        problems = "; ".join(f"line {r.line}: {r.message}" for r in report.errors_in("en").itertuples(index=False))
        raise ValueError(f"{name}: {report.rejected} of {report.rows} rows rejected ({problems})")
    return report.inserted
