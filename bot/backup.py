"""``rebound backup``: a consistent copy of the SQLite database while the bot keeps running.

SQLite's online backup API copies page by page under the database's own locking, so the copy
is a valid database even with the bot writing (WAL included) — unlike copying the file. For
PostgreSQL, ``pg_dump`` is the tool (see deploy/README.md).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """Why a backup cannot be made; fit to print as is."""


def backup_sqlite(database_url: str, target: Path | None, stamp: str) -> Path:
    """Copy the database at ``database_url`` to ``target``: a file name (with an extension),
    or a folder (existing, or a name without extension) to put ``rebound-<stamp>.db`` in;
    default: next to the database. Returns the file written."""
    url = make_url(database_url)
    if not url.get_backend_name().startswith("sqlite"):
        raise BackupError(
            "rebound backup copies SQLite databases; for PostgreSQL use pg_dump "
            "(deploy/README.md, 'Backups')"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: there is no file to back up")
    source = Path(url.database)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    if target is None:
        target = source.parent
    if target.is_dir() or not target.suffix:
        target = target / f"rebound-{stamp}.db"
    if target.exists():
        raise BackupError(f"{target} exists; not overwriting it")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst, pages=1024)  # in steps, so the bot's writers are not held off long
    with closing(sqlite3.connect(target)) as check:
        verdict = check.execute("PRAGMA integrity_check").fetchone()
    if verdict != ("ok",):
        target.unlink()
        raise BackupError("the copy failed its integrity check; nothing was kept")
    return target
