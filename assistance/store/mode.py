"""Which store a setting names: a DuckDB file (the embedded default) or a PostgreSQL URL (server mode, issue 15).

`ASSISTANCE_DB` and every command's `--db` take either. A value starting with postgresql:// or postgres:// is
server mode; anything else (or nothing) is a file path, exactly as before.
"""

from __future__ import annotations

import os

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server(target: object) -> bool:
    """Whether `target` (a `--db` value, a path or None) names a PostgreSQL store."""
    return isinstance(target, str) and target.strip().lower().startswith(SERVER_SCHEMES)


def configured() -> str:
    """`ASSISTANCE_DB` as set (stripped), or '' when unset."""
    return os.environ.get("ASSISTANCE_DB", "").strip()


def server_url(target: object = None) -> str | None:
    """The PostgreSQL URL that `target` names, else the one `ASSISTANCE_DB` names when `target` is None; None in
    file mode."""
    value = configured() if target is None else target
    return value.strip() if is_server(value) else None


def redacted(target: object) -> str:
    """`target` fit to print: a URL's password replaced by ***."""
    text = str(target)
    if not is_server(text):
        return text
    head, sep, rest = text.partition("://")
    credentials, at, host = rest.rpartition("@")
    if at and ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return f"{head}{sep}{credentials}{at}{host}"
