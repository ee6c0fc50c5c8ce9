"""Activity-log import: read → decode → stage → validate → report → commit, one named step each.

One pipeline serves the Upload page and `python -m assistance ingest`, so a file gives the same counts and the
same errors wherever it is loaded. `Ingest.validate()` is the dry run (a full report, nothing written);
`Ingest.run()` repeats the steps inside one transaction and commits them. The steps, each testable alone:

1. read and decode (ingest.decode): the file's bytes, their format and encoding, a plan for reading the rows;
2. stage (ingest.stage): the rows into DuckDB under the file's own line numbers, the header found;
3. validate (ingest.validate, ingest.checks): every row checked in SQL, duplicates found, errors explained;
4. report (ingest.report): counts, line-numbered errors, the rejected rows;
5. commit (ingest.commit): the fresh rows and the batch, unless it is a dry run, strict mode forbids it or
   there is no row to add (no empty batches).

The file layout this reads is docs/contracts.md, "Activity log file"; the upload history and undo are
ingest.batches.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
import weakref
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from assistance.ingest.commit import commit_batch
from assistance.ingest.decode import ParsedFile, Progress, max_upload_bytes, parse, read_source
from assistance.ingest.fields import ACTIVITIES
from assistance.ingest.report import IngestReport, build_report
from assistance.ingest.stage import stage
from assistance.ingest.validate import validate
from assistance.store.transaction import WRITE_LOCK, Rollback, transaction

__all__ = ["Ingest", "IngestReport"]


def _silent(_fraction: float, _step: str) -> None:
    return None


class Ingest:
    """One file's import. `validate()` is the dry run; `run()` commits in one transaction.

    `source` is the file's bytes or a path; `max_bytes` is the size cap (default `max_upload_bytes()`, 0 = no
    cap); `today` fixes "not after today" (tests); `progress(fraction, step)` hears about long files, `step`
    being read/parse/validate/commit/done; `csv_engine='python'` forces the Python CSV reader instead of
    choosing ('auto'), so tests can compare the two readers.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source: bytes | str | Path,
        file_name: str | None = None,
        *,
        sheet: str | None = None,
        uploaded_by: str | None = None,
        strict: bool = False,
        max_bytes: int | None = None,
        today: date | None = None,
        progress: Progress | None = None,
        csv_engine: str = "auto",
    ):
        self.con = con
        self.source = source
        self.path = None if isinstance(source, bytes) else Path(source)
        self.file_name = file_name or (self.path.name if self.path else "upload")
        self.sheet = sheet or None
        self.uploaded_by = (uploaded_by or "").strip() or None
        self.strict = strict
        self.max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
        self.today = today or date.today()
        self.progress = progress or _silent
        self.csv_engine = csv_engine
        self._data: bytes | None = None
        self._parsed: ParsedFile | None = None
        self.timings: list[tuple[str, float]] = []  # (step, seconds) of the last run, for the benchmark
        self._clock = time.perf_counter()
        self._finalizer = weakref.finalize(self, _remove_file, None)

    def validate(self) -> IngestReport:
        """Dry run: the full report; the database is left exactly as it was."""
        return self._execute(commit=False)

    def run(self) -> IngestReport:
        """Validate again inside one transaction and commit (or, in strict mode with rejections, commit nothing)."""
        with WRITE_LOCK:
            return self._execute(commit=True)

    def close(self) -> None:
        """Remove the temporary copy a large upload may have needed."""
        self._finalizer()

    def __enter__(self) -> Ingest:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _execute(self, commit: bool) -> IngestReport:
        """The steps in order, inside one transaction that is committed only by a commit the rules allow."""
        started = self._clock = time.perf_counter()
        self.timings = []
        data = self._read()
        parsed = self._decode(data)
        sha256 = _hash_in_background(data)  # hashlib releases the GIL: hash while DuckDB works
        with transaction(self.con) as cur:
            self.progress(0.4, "parse")
            staged = stage(cur, parsed)
            self._parsed = staged.parsed  # a plan DuckDB could not follow is not tried again
            self._mark("stage")
            self.progress(0.5, "validate")
            validate(cur, staged.columns, self.today, self._mark)
            self._mark("validate")
            self.progress(0.7, "validate")
            report = build_report(
                cur, staged, file_name=self.file_name, sha256=sha256(), size_bytes=len(data),
                strict=self.strict, dry_run=not commit,
            )  # fmt: skip
            self._mark("report")
            if report.dry_run or report.strict_blocked or report.nothing_to_add:
                raise Rollback
            self.progress(0.8, "commit")
            commit_batch(cur, report, staged, self.uploaded_by)
            self._mark("insert")
            report.committed = True
        if report.committed:
            self._mark("commit")
        report.seconds = time.perf_counter() - started
        self.progress(1.0, "done")
        return report

    # -- read and decode, cached between validate() and run()

    def _read(self) -> bytes:
        if self._data is None:
            self._data = read_source(self.source if self.path is None else self.path, self.max_bytes)
        self._mark("read")
        return self._data

    def _decode(self, data: bytes) -> ParsedFile:
        if self._parsed is None:
            self.progress(0.02, "read")
            self._parsed = parse(data, self.path, self.sheet, self.csv_engine, self.progress, ACTIVITIES)
            if self._parsed.temporary:
                self._finalizer.detach()
                self._finalizer = weakref.finalize(self, _remove_file, self._parsed.csv_path)
        self._mark("decode")
        return self._parsed

    def _mark(self, step: str) -> None:
        now = time.perf_counter()
        self.timings.append((step, now - self._clock))
        self._clock = now


def _hash_in_background(data: bytes) -> Callable[[], str]:
    """Start hashing `data` in a thread; the returned function waits for the SHA-256 hex digest."""
    digest: list[str] = []
    thread = threading.Thread(target=lambda: digest.append(hashlib.sha256(data).hexdigest()), daemon=True)
    thread.start()

    def result() -> str:
        thread.join()
        return digest[0]

    return result


def _remove_file(path: str | None) -> None:
    if path:
        with contextlib.suppress(OSError):
            os.unlink(path)
