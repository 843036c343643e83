"""Shared fixtures: a loopback-only network guard and real databases (SQLite, PostgreSQL)."""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.db.engine import create_engine
from bot.db.migrate import upgrade

POSTGRES_ENV = "REBOUND_TEST_POSTGRES_URL"

# --- Tests never reach past this machine ------------------------------------------------------

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NonLoopbackConnection(RuntimeError):
    pass


def _check_address(sock: socket.socket, address: Any) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    host = address[0]
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise NonLoopbackConnection(f"tests may only connect to loopback, not {host!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(self, address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(self, address)
    return _real_connect_ex(self, address)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


# --- Databases ---------------------------------------------------------------------------------


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the PostgreSQL tests)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    url = postgres_url()
    if url is None:
        _skip_or_fail(f"PostgreSQL tests skipped: set {POSTGRES_ENV} to run them")
        raise AssertionError("unreachable")
    return url


async def _admin(url: str, sql: str) -> None:
    import asyncpg

    plain = url.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(plain, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        _skip_or_fail(f"PostgreSQL at {POSTGRES_ENV} is not reachable ({type(exc).__name__})")
        raise
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
async def postgres_db(postgres_admin_url: str) -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"rebound_t_{uuid.uuid4().hex[:12]}"
    await _admin(postgres_admin_url, f'CREATE DATABASE "{name}"')
    base, _, _ = postgres_admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        await _admin(postgres_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_db(tmp_path: Any) -> str:
    """A new, empty SQLite file for one test."""
    return f"sqlite+aiosqlite:///{tmp_path / 'rebound.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite and on PostgreSQL."""
    name = "sqlite_db" if request.param == "sqlite" else "postgres_db"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
async def db_url(empty_db: str) -> str:
    """An empty database on each backend, migrated to the newest schema."""
    engine = create_engine(empty_db)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    return empty_db


@pytest.fixture
async def sqlite_url(sqlite_db: str) -> str:
    engine = create_engine(sqlite_db)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    return sqlite_db
