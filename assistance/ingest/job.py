"""What every import of one file does around its own steps, whatever the kind of file.

The activity upload (ingest.pipeline.Ingest) and the registry and plan imports (registry.common.FileImport) are
`FileJob`s: `validate()` is the dry run (the full report, nothing written) and `run()` repeats the steps under the
process-wide write lock and commits them. Either way the file is read once (refused over the size cap before it
is read) and decoded once (ingest.decode), however often it is validated; its SHA-256 is computed while DuckDB
works; the steps run inside one transaction that is committed only when the report says it was
(`report.committed`); and `close()` (or leaving a `with` block, or garbage collection) removes the temporary copy
decoding may have needed. A subclass names its `kind` (ingest.fields) and implements `stage` and `steps`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from assistance.access import audit
from assistance.access.accounts import CLI, Account
from assistance.access.permissions import batch_action, require
from assistance.ingest.decode import ParsedFile, Progress, max_upload_bytes, parse, read_source
from assistance.ingest.fields import FileKind
from assistance.ingest.stage import Staged
from assistance.store.transaction import WRITE_LOCK, Rollback, retried, transaction


def silent(_fraction: float, _step: str) -> None:
    return None


class FileJob:
    """One file's import. `source` is the file's bytes or a path; `max_bytes` the size cap (default
    ingest.decode.max_upload_bytes(), 0 = none); `actor` who imports (access.accounts: the signed-in account, or
    CLI, the command line, by default): `run()` refuses an actor whose role may not write this kind of file
    (access.permissions), rows outside the actor's scope are rejected, and the batch and its audit row name the
    actor; `uploaded_by` the name recorded on the batch of a command-line import."""

    kind: FileKind

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source: bytes | str | Path,
        file_name: str | None = None,
        *,
        sheet: str | None = None,
        uploaded_by: str | None = None,
        max_bytes: int | None = None,
        actor: Account | None = CLI,
    ):
        self.con = con
        self.source = source
        self.path = None if isinstance(source, bytes | bytearray) else Path(source)
        self.file_name = file_name or (self.path.name if self.path else "upload")
        self.sheet = sheet or None
        self.actor = actor
        signed_in = actor is not None and actor is not CLI
        self.uploaded_by = actor.username if signed_in else (uploaded_by or "").strip() or None
        self.max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
        self._data: bytes | None = None
        self._parsed: ParsedFile | None = None
        self._finalizer = weakref.finalize(self, _remove_file, None)

    def validate(self) -> Any:
        """Dry run: the full report; the database is left exactly as it was."""
        return self._execute(commit=False)

    def run(self) -> Any:
        """Validate again inside one transaction and commit what the rules allow; AccessDenied (nothing read,
        nothing written) if the actor's role may not write this kind of file."""
        require(self.actor, batch_action(self.kind.name))
        with WRITE_LOCK:
            return retried(self.con, lambda: self._execute(commit=True))

    def close(self) -> None:
        """Remove the temporary copy a large upload may have needed."""
        self._finalizer()

    def __enter__(self) -> FileJob:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- what a subclass implements

    def stage(self, cur: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> Staged:
        """The decoded file into DuckDB, its header of `kind` found."""
        raise NotImplementedError

    def steps(
        self, cur: duckdb.DuckDBPyConnection, staged: Staged, sha256: Callable[[], str], size: int, commit: bool
    ) -> Any:
        """Validate the staged rows and build the report; when `commit` and the rules allow, write and set
        `report.committed`. `sha256()` waits for the file's digest."""
        raise NotImplementedError

    # -- the skeleton

    def _execute(self, commit: bool) -> Any:
        started = time.perf_counter()
        data = self.read()
        parsed = self.decode(data)
        sha256 = hash_in_background(data)  # hashlib releases the GIL: hash while DuckDB works
        with transaction(self.con) as cur:
            staged = self.stage(cur, parsed)
            self._parsed = staged.parsed  # a plan DuckDB could not follow is not tried again
            report = self.steps(cur, staged, sha256, len(data), commit)
            if not report.committed:
                raise Rollback
            if report.batch_id is not None:  # init's reference load records no batch and is no one's action
                audit.record(
                    cur, self.actor, audit.IMPORT_ACTIONS[self.kind.name], target=self.file_name,
                    batch_id=report.batch_id, detail={"rows": report.rows, "rejected": report.rejected},
                )  # fmt: skip
        report.seconds = time.perf_counter() - started
        return report

    def read(self) -> bytes:
        """The file's bytes, read once."""
        if self._data is None:
            self._data = read_source(self.path if self.path is not None else self.source, self.max_bytes)
        return self._data

    def decode(self, data: bytes, csv_engine: str = "auto", progress: Progress = silent) -> ParsedFile:
        """The plan for reading the file's rows (ingest.decode.parse), made once."""
        if self._parsed is None:
            self._parsed = parse(data, self.path, self.sheet, csv_engine, progress, self.kind)
            if self._parsed.temporary:
                self._finalizer.detach()
                self._finalizer = weakref.finalize(self, _remove_file, self._parsed.csv_path)
        return self._parsed


def hash_in_background(data: bytes) -> Callable[[], str]:
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
