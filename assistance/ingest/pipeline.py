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

What every kind of file's import shares around these steps (read and decode once, dry run or commit under the
write lock, the temporary copy removed) is ingest.job.FileJob. The file layout this reads is docs/contracts.md,
"Activity log file"; the upload history and undo are ingest.batches.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import duckdb

from assistance.access.scope import scope_of
from assistance.ingest.commit import commit_batch
from assistance.ingest.decode import ParsedFile, Progress
from assistance.ingest.fields import ACTIVITIES
from assistance.ingest.job import FileJob, silent
from assistance.ingest.report import IngestReport, build_report
from assistance.ingest.stage import Staged, stage
from assistance.ingest.validate import validate

__all__ = ["Ingest", "IngestReport"]


class Ingest(FileJob):
    """One activity log's import. `validate()` is the dry run; `run()` commits in one transaction.

    The arguments are FileJob's (`con`, `source`: the file's bytes or a path, `file_name`, `sheet`, `uploaded_by`,
    `max_bytes`: the size cap, default `max_upload_bytes()`, 0 = no cap) and: `strict` commits nothing from a
    file with a rejected row; `today` fixes "not after today" (tests); `progress(fraction, step)` hears about long
    files, `step` being read/parse/validate/commit/done; `csv_engine='python'` forces the Python CSV reader
    instead of choosing ('auto'), so tests can compare the two readers.
    """

    kind = ACTIVITIES

    def __init__(
        self,
        *args,
        strict: bool = False,
        today: date | None = None,
        progress: Progress | None = None,
        csv_engine: str = "auto",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.strict = strict
        self.today = today or date.today()
        self.progress = progress or silent
        self.csv_engine = csv_engine
        # (step, wall seconds, CPU seconds of the process) of the last run, for the benchmark: on a shared machine
        # the wall time moves with the others' load, the CPU time much less.
        self.timings: list[tuple[str, float, float]] = []
        self._clock = (time.perf_counter(), time.process_time())

    def _execute(self, commit: bool) -> IngestReport:
        """The steps in order (FileJob's skeleton), timed for the benchmark and reported to `progress`."""
        self._clock = (time.perf_counter(), time.process_time())
        self.timings = []
        report = super()._execute(commit)
        if report.committed:
            self._mark("commit")
        self.progress(1.0, "done")
        return report

    def read(self) -> bytes:
        data = super().read()
        self._mark("read")
        return data

    def decode(self, data: bytes, csv_engine: str = "auto", progress: Progress = silent) -> ParsedFile:
        if self._parsed is None:
            self.progress(0.02, "read")
        parsed = super().decode(data, self.csv_engine, self.progress)
        self._mark("decode")
        return parsed

    def stage(self, cur: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> Staged:
        self.progress(0.4, "parse")
        staged = stage(cur, parsed)
        self._mark("stage")
        return staged

    def steps(
        self, cur: duckdb.DuckDBPyConnection, staged: Staged, sha256: Callable[[], str], size: int, commit: bool
    ) -> IngestReport:
        """Validate, report, and commit unless it is a dry run, strict mode forbids it or nothing is new."""
        self.progress(0.5, "validate")
        staged.rows = validate(cur, staged.columns, self.today, self._mark, scope_of(self.actor), staged.cells)
        self._mark("validate")
        self.progress(0.7, "validate")
        report = build_report(
            cur, staged, file_name=self.file_name, sha256=sha256(), size_bytes=size, strict=self.strict,
            dry_run=not commit,
        )  # fmt: skip
        self._mark("report")
        if report.dry_run or report.strict_blocked or report.nothing_to_add:
            return report
        self.progress(0.8, "commit")
        commit_batch(cur, report, staged, self.uploaded_by)
        self._mark("insert")
        report.committed = True
        return report

    def _mark(self, step: str) -> None:
        now = (time.perf_counter(), time.process_time())
        self.timings.append((step, now[0] - self._clock[0], now[1] - self._clock[1]))
        self._clock = now
