"""`rebound backup` (SQLite's online backup API) and the JSON log format."""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.backup import BackupError, backup_sqlite
from bot.cli import JsonFormatter, main


def live_database(path: Path) -> sqlite3.Connection:
    """A WAL database with recent writes still in the -wal file, connection left open (as the
    running bot would have it)."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # keep the rows in the WAL, not the main file
    db.execute("CREATE TABLE wins (id INTEGER PRIMARY KEY, text TEXT)")
    db.executemany("INSERT INTO wins (text) VALUES (?)", [(f"win {n}",) for n in range(500)])
    db.commit()
    return db


def test_backup_copies_a_live_wal_database(tmp_path: Path) -> None:
    source = tmp_path / "rebound.db"
    with closing(live_database(source)):
        assert (tmp_path / "rebound.db-wal").stat().st_size > 0
        written = backup_sqlite(f"sqlite+aiosqlite:///{source}", tmp_path / "backups", "T1")
    assert written == tmp_path / "backups" / "rebound-T1.db"
    with closing(sqlite3.connect(written)) as copy:
        assert copy.execute("SELECT count(*), max(text) FROM wins").fetchone() == (500, "win 99")


def test_backup_refuses_what_it_cannot_do_well(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="pg_dump"):
        backup_sqlite("postgresql+asyncpg://u@localhost/db", None, "T")
    with pytest.raises(BackupError, match="no database"):
        backup_sqlite(f"sqlite+aiosqlite:///{tmp_path / 'missing.db'}", None, "T")
    source = tmp_path / "rebound.db"
    with closing(live_database(source)):
        first = backup_sqlite(f"sqlite+aiosqlite:///{source}", None, "T")
        with pytest.raises(BackupError, match="not overwriting"):
            backup_sqlite(f"sqlite+aiosqlite:///{source}", first, "T")


def test_backup_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "rebound.db"
    with closing(live_database(source)):
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("REBOUND_DATABASE_URL", f"sqlite+aiosqlite:///{source}")
        assert main(["backup", str(tmp_path / "copy.db")]) == 0
    assert f"backup written to {tmp_path / 'copy.db'}" in capsys.readouterr().out
    monkeypatch.setenv("REBOUND_DATABASE_URL", "postgresql+asyncpg://u@localhost/db")
    assert main(["backup"]) == 2
    assert "pg_dump" in capsys.readouterr().err


def test_json_log_lines() -> None:
    record = logging.LogRecord(
        "rebound.intake", logging.WARNING, __file__, 1, "retrying %s", ("x",), None
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "rebound.intake"
    assert entry["message"] == "retrying x"
    assert entry["time"].endswith("+00:00")
    assert set(entry) == {"time", "level", "logger", "message"}
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        failed = logging.LogRecord(
            "rebound", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    assert "ValueError: boom" in json.loads(JsonFormatter().format(failed))["exception"]
