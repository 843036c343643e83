"""The conversation row on both databases: the version counter refuses a stale write."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import pytest
from sqlalchemy import event
from sqlalchemy.orm.exc import StaleDataError

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import FlowState, User
from bot.runtime import flow_specs
from bot.services import flows
from bot.services.users import ensure_user

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CHAT = 42


async def test_a_turn_that_read_an_older_revision_cannot_overwrite_a_newer_one(
    db_url: str,
) -> None:
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    specs = flow_specs()
    try:
        async with sessions() as session, session.begin():
            user = User(id=CHAT, created_at=NOW, updated_at=NOW)
            session.add(user)
            await session.flush()
            await flows.start(session, specs["ob"], user, CHAT, NOW)
        # Two turns of the same chat read the question "Sounds good?" at revision 0 ...
        slow, quick = sessions(), sessions()
        try:
            async with slow.begin():
                slow_row = await slow.get(FlowState, (CHAT, CHAT))
            assert slow_row is not None
            run = slow_row.run["token"]
            tap = f"ob:1:{run}:consent:yes"
            async with quick.begin():
                quick_user = await quick.get(User, CHAT)
                assert quick_user is not None
                result = await flows.handle_callback(quick, specs, quick_user, CHAT, tap, NOW)
                assert not result.stale
            # ... the quick one committed first: a write from the slow one's older revision
            # is refused, whatever it changes.
            with pytest.raises(StaleDataError):
                async with slow.begin():
                    slow_row.step = "freq"
        finally:
            await slow.close()
            await quick.close()
        async with sessions() as session:
            row = await session.get(FlowState, (CHAT, CHAT))
            assert row is not None and row.step == "tz" and row.data["consent"] == "yes"
    finally:
        await engine.dispose()


async def test_a_step_from_an_older_revision_is_refused_before_anything_is_stored(
    db_url: str,
) -> None:
    """A step (flows._save, a Core UPDATE checked against the revision the turn read) from a
    row another turn has moved on fails at once on SQLite, where the row was read earlier
    unlocked; the newer step stays."""
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    specs = flow_specs()
    try:
        async with sessions() as session, session.begin():
            user = User(id=CHAT, created_at=NOW, updated_at=NOW)
            session.add(user)
            await session.flush()
            await flows.start(session, specs["ob"], user, CHAT, NOW)
        slow, quick = sessions(), sessions()
        try:
            async with slow.begin():
                slow_user = await slow.get(User, CHAT)
                slow_row = await slow.get(FlowState, (CHAT, CHAT))
            assert slow_user is not None and slow_row is not None
            read = slow_row.revision
            tap = f"ob:1:{slow_row.run['token']}:consent:yes"
            async with quick.begin():
                quick_user = await quick.get(User, CHAT)
                assert quick_user is not None
                assert not (
                    await flows.handle_callback(quick, specs, quick_user, CHAT, tap, NOW)
                ).stale
            if db_url.startswith("postgresql"):
                # PostgreSQL reads the row afresh, locked (flows.load_state): a stale tap.
                async with slow.begin():
                    result = await flows.handle_callback(slow, specs, slow_user, CHAT, tap, NOW)
                assert result.stale
            else:
                with pytest.raises(StaleDataError):
                    async with slow.begin():
                        await flows.handle_callback(slow, specs, slow_user, CHAT, tap, NOW)
        finally:
            await slow.close()
            await quick.close()
        async with sessions() as session:
            row = await session.get(FlowState, (CHAT, CHAT))
            assert row is not None and row.step == "tz" and row.revision == read + 1
    finally:
        await engine.dispose()


async def test_a_step_moves_the_loaded_row_too(db_url: str) -> None:
    """After a step the row in the session shows it (what later code in the same turn reads),
    and nothing is left for the ORM to write again."""
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    specs = flow_specs()
    try:
        async with sessions() as session, session.begin():
            user = User(id=CHAT, created_at=NOW, updated_at=NOW)
            session.add(user)
            await session.flush()
            await flows.start(session, specs["ob"], user, CHAT, NOW)
        async with sessions() as session, session.begin():
            user = await session.get(User, CHAT)
            row = await session.get(FlowState, (CHAT, CHAT))
            assert user is not None and row is not None
            read = row.revision
            tap = f"ob:1:{row.run['token']}:consent:yes"
            await flows.handle_callback(session, specs, user, CHAT, tap, NOW)
            assert (row.step, row.revision, row.data["consent"]) == ("tz", read + 1, "yes")
            assert not session.dirty
        async with sessions() as session:
            stored = await session.get(FlowState, (CHAT, CHAT))
            assert stored is not None and (stored.step, stored.revision) == ("tz", read + 1)
    finally:
        await engine.dispose()


async def test_a_turn_looks_at_its_conversation_once(db_url: str) -> None:
    """A typed answer looks at the conversation twice (is it stale? then the answer): the
    second look asks the database nothing, on PostgreSQL too, where the first one locked the
    row for the turn, and it shows a step taken in between. The next transaction reads (and
    on PostgreSQL locks) it again."""
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    specs = flow_specs()
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "flow_states" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    try:
        async with sessions() as session, session.begin():
            user = User(id=CHAT, created_at=NOW, updated_at=NOW)
            session.add(user)
            await session.flush()
            await flows.start(session, specs["ob"], user, CHAT, NOW)
        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        for _turn in range(2):
            async with sessions() as session, session.begin():
                user = await ensure_user(session, CHAT, None, NOW, chat_id=CHAT)  # as a turn
                first = await flows.load_state(session, CHAT, CHAT)
                assert first is not None
                step, token = first.step, first.run["token"]
                del first  # the session's identity map alone would not keep it
                gc.collect()
                looked = len(statements)
                assert looked >= 1
                second = await flows.load_state(session, CHAT, CHAT)
                assert second is not None and second.step == step
                assert len(statements) == looked  # not read again
                if step == "consent":
                    tap = f"ob:1:{token}:consent:yes"
                    await flows.handle_callback(session, specs, user, CHAT, tap, NOW)
                    again = await flows.load_state(session, CHAT, CHAT)
                    assert again is not None and again.step == "tz"
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
        assert len(statements) == 2  # one look per transaction
        if engine.dialect.name == "postgresql":
            assert all("FOR UPDATE" in statement for statement in statements)
    finally:
        await engine.dispose()


async def test_prompts_noted_together_as_one_by_one(db_url: str) -> None:
    """The delivery notes of a burst note their questions' messages in one statement: each
    conversation still at its question is noted, one that has moved on is returned (its buttons
    are to go), and a conversation noted twice keeps the later message, as one by one."""
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    specs = flow_specs()
    people = (101, 102, 103, 104)
    try:
        async with sessions() as session, session.begin():
            for person in people:
                user = User(id=person, created_at=NOW, updated_at=NOW)
                session.add(user)
                await session.flush()
                await flows.start(session, specs["ob"], user, person, NOW)
        at_consent = flows.prompt_key("ob", "consent")
        moved_on = flows.prompt_key("ob", "tz")  # 103 is not at that question
        prompts = [
            (101, 101, at_consent, 11),
            (102, 102, at_consent, 12),
            (103, 103, moved_on, 13),
            (104, 104, at_consent, 14),
            (104, 104, at_consent, 15),
        ]
        async with sessions() as session, session.begin():
            stale = await flows.remember_prompts(session, prompts)
        assert stale == [(103, 103, moved_on, 13)]
        async with sessions() as session:
            noted = {}
            for person in people:
                row = await session.get(FlowState, (person, person))
                assert row is not None
                noted[person] = (row.prompt_step, row.prompt_message_id)
        assert noted == {
            101: ("consent", 11),
            102: ("consent", 12),
            103: (None, None),
            104: ("consent", 15),
        }
    finally:
        await engine.dispose()
