"""Encryption at rest: what the database holds with and without keys, rotation, and errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot import crypto
from bot.config import SettingsError, load_settings
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import FlowState, Rejection, User
from bot.services.encryption import rotate_all

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SECRET_COMPANY = "Umbrella Secret Labs"


@pytest.fixture(autouse=True)
def no_keys_afterwards() -> Iterator[None]:
    yield
    crypto.configure([])


async def _store(url: str) -> None:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        session.add(User(id=1, active=True, created_at=NOW, updated_at=NOW))
        await session.flush()
        session.add(
            Rejection(
                user_id=1,
                company=SECRET_COMPANY,
                went_well=[],
                reasons=[],
                outside=[],
                answered=[],
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.add(
            FlowState(
                chat_id=1,
                user_id=1,
                flow="rf",
                step="stage",
                data={"company": SECRET_COMPANY},
                updated_at=NOW,
            )
        )
    await engine.dispose()


async def _raw(url: str) -> tuple[str, str]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        company = (await conn.execute(text("SELECT company FROM rejections"))).scalar_one()
        data = (await conn.execute(text("SELECT data FROM flow_states"))).scalar_one()
    await engine.dispose()
    return company, data


async def _read(url: str) -> str | None:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        record = await session.get(Rejection, 1)
        assert record is not None
        state = await session.get(FlowState, (1, 1))
        assert state is not None
        assert state.data == {"company": SECRET_COMPANY}
        company = record.company
    await engine.dispose()
    return company


@pytest.mark.slow
async def test_with_a_key_nothing_readable_is_stored(db_url: str) -> None:
    crypto.configure([crypto.new_key()])
    await _store(db_url)
    company, data = await _raw(db_url)
    assert company.startswith(crypto.PREFIX)
    assert SECRET_COMPANY not in company
    assert SECRET_COMPANY not in data
    assert await _read(db_url) == SECRET_COMPANY


async def test_without_a_key_text_is_plain_and_rotation_encrypts_it(db_url: str) -> None:
    await _store(db_url)
    company, _ = await _raw(db_url)
    assert company == SECRET_COMPANY
    old, new = crypto.new_key(), crypto.new_key()
    crypto.configure([old])
    engine = create_engine(db_url)
    async with create_sessionmaker(engine)() as session, session.begin():
        assert await rotate_all(session) == 2  # the company and the conversation state
    first, _ = await _raw(db_url)
    assert first.startswith(crypto.PREFIX)
    crypto.configure([new, old])  # rotate: new key first, old still decrypts
    async with create_sessionmaker(engine)() as session, session.begin():
        assert await rotate_all(session) == 2
    await engine.dispose()
    crypto.configure([new])  # the old key can go now
    assert await _read(db_url) == SECRET_COMPANY
    crypto.configure([old])
    with pytest.raises(crypto.CryptoError):
        await _read(db_url)


def test_bad_keys_are_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REBOUND_ENCRYPTION_KEYS", "not-a-key")
    with pytest.raises(SettingsError, match="REBOUND_ENCRYPTION_KEYS"):
        load_settings(_env_file=None)
    good = crypto.new_key()
    monkeypatch.setenv("REBOUND_ENCRYPTION_KEYS", f"{good}, {crypto.new_key()}")
    assert load_settings(_env_file=None).key_values()[0] == good
