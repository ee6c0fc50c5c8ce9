"""A throwaway PostgreSQL cluster for tests and benchmarks (issue 15): initdb into a temporary folder, listen on
127.0.0.1 on a free port with the unix socket in that folder, fsync off, removed when done.

initdb refuses to run as root (CI runs as root): the cluster then belongs to the unprivileged user `nobody`, and
every server command runs as that user through `runuser`. The binaries are found without PATH (Debian puts them
under /usr/lib/postgresql/<version>/bin): ASSISTANCE_PG_BIN, else initdb on PATH, else the newest Debian version.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

UNPRIVILEGED = "nobody"


def pg_bin() -> Path | None:
    """The folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    configured = os.environ.get("ASSISTANCE_PG_BIN")
    if configured:
        return Path(configured)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", UNPRIVILEGED, "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """A running cluster for the block; yields the URL of its `postgres` database (user postgres, no password)."""
    binaries = pg_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="assistance-pg-"))  # not under pytest's tmp: `nobody` must reach it
    if os.geteuid() == 0:
        shutil.chown(folder, UNPRIVILEGED)
    data, port = folder / "data", free_port()
    try:
        subprocess.run(
            _as_owner([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                       "--locale=C.UTF-8", "-N"]),
            check=True, capture_output=True,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=60 -c shared_buffers=64MB"
        )
        subprocess.run(
            _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o", options,
                       "start"]),
            check=True, capture_output=True,
        )  # fmt: skip
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def stop(server_url: str) -> None:
    """Stop the cluster of `server_url` now (a test of the store going away); `cluster()` still removes it."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        data = admin.execute("SHOW data_directory").fetchone()[0]
    subprocess.run(
        _as_owner([str(pg_bin() / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]), check=True, capture_output=True
    )


def database_url(server_url: str, name: str) -> str:
    """The URL of database `name` on the server of `server_url`."""
    return server_url.rsplit("/", 1)[0] + "/" + name
