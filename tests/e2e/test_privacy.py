"""/privacy, /export and /delete, end to end, with rows counted before and after."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot.cli import NOISY_LOGGERS as NOISY
from bot.cli import configure_logging
from bot.db.engine import create_engine
from bot.db.models import Base, CheckIn, GroupVote, InboxUpdate, User
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, SimGroup, SimUser
from bot.services.privacy import NOT_CASCADED, TABLES, checkpoint, purge
from tests.e2e.harness import CONTENT, BotHarness, label, leads, onboard, one_of, seen, shown
from tests.e2e.test_feedback import debrief_then_draft
from tests.e2e.test_groups import MORNING, a_group

MARKER = "zebracornflakes"


async def row_counts(bot: BotHarness) -> dict[str, int]:
    counts = {}
    async with bot.sessions() as session:
        for name, model in (("users", User), *TABLES):
            table: type[Base] = model
            counts[name] = (
                await session.execute(select(func.count()).select_from(table))
            ).scalar_one()
    return counts


async def a_full_life(bot: BotHarness):  # type: ignore[no-untyped-def]
    user = await onboard(bot)
    await debrief_then_draft(bot, user)
    await user.tap(label("feedback.buttons.sent"))
    await user.next_message()
    await user.send("/checkin")
    await user.tap("🙂", message=await user.next_message())
    await user.next_message()
    await user.send("/strengths")
    await user.tap("Add my own", message=await user.next_message())
    await user.next_message()
    await user.send("SQL, explaining complex things simply")
    await user.next_message()
    await user.send("/reflect")  # an unfinished debrief and a running flow, too
    await user.next_message()
    await user.tap("Let's do it")
    await user.next_message()
    return user


async def test_privacy_says_what_is_kept_and_how_long(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/privacy")
    text = (await user.next_message()).text
    assert "What I keep" in text
    assert "365 days" in text
    assert "180 days" in text
    assert "no encryption key" in text
    assert "not a therapist" in text
    # What stays on disk after /delete, and that a key would make it unreadable (issue 18).
    leftovers = CONTENT.texts("en")("privacy.leftovers.off")
    assert leftovers in text


async def test_export_sends_everything_as_json_and_markdown(bot: BotHarness) -> None:
    user = await a_full_life(bot)
    await user.send("/export")
    data_file = await user.next_message()
    readable = await user.next_message()
    assert data_file.document is not None
    assert data_file.document.filename == "rebound-export.json"
    document = json.loads(data_file.document.content)
    assert document["schema"] == "rebound.export/1"
    assert document["user"]["timezone"] == "Europe/Berlin"
    assert document["user"]["signature_name"] == "Alex Kim"
    assert [d["company"] for d in document["debriefs"]] == ["Acme", None]
    assert document["feedback_requests"][0]["status"] == "sent"
    assert len(document["checkins"]) == 1
    conversation = document["conversation_state"][0]
    assert conversation["flow"] == "rf"
    # The answers are answers only; the run's bookkeeping (button token, trail) is beside them.
    assert "rejection_id" in conversation["data"]
    assert not [key for key in conversation["data"] if key.startswith("_")]
    assert len(conversation["run"]["token"]) == 4
    assert [(s["text"], s["skill"]) for s in document["strengths"]] == [
        ("SQL", "sql"),
        ("explaining complex things simply", None),
    ]
    assert readable.document is not None
    assert readable.document.filename == "rebound-debriefs.md"
    markdown = readable.document.content.decode()
    assert "## " in markdown
    assert "Acme" in markdown
    assert one_of(readable.text, shown("privacy.export_caption"))
    # Labels the person reads, not the ids stored in the JSON (issue 21).
    en = CONTENT.texts("en")
    acme = document["debriefs"][0]
    labels = [en(f"reflection.stage.{acme['stage']}")]
    labels += [en(f"reflection.went_well.{w}") for w in acme["went_well"]]
    assert acme["went_well"] and all(seen(label) in markdown for label in labels), markdown
    assert f"Stage: {acme['stage']}" not in markdown
    assert f"({seen(en('feedback.state.sent'))})" in markdown


async def test_delete_erases_every_row_in_one_go(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await a_full_life(bot)
    other = await onboard(bot, first_name="Sam")
    await bot.settle()  # each turn's reply row is gone once its reply is through
    before = await row_counts(bot)
    assert all(
        before[name] > 0 for name in ("users", "debriefs", "plan", "feedback_requests", "strengths")
    )
    await user.send("/delete")
    confirm = await user.next_message()
    await user.tap(label("privacy.buttons.keep"), message=confirm)
    assert one_of((await user.next_message()).text, shown("privacy.kept"))
    await bot.settle()
    assert await row_counts(bot) == before
    await user.send("/delete")
    await user.tap(label("privacy.buttons.delete"), message=await user.next_message())
    assert one_of((await user.next_message()).text, shown("privacy.deleted"))
    await bot.settle()
    after = await row_counts(bot)
    assert after["users"] == 1  # only Sam
    async with bot.sessions() as session:
        for name, model in TABLES:
            column = model.__table__.c.user_id
            mine = select(func.count()).select_from(model).where(column == user.id)
            assert (await session.execute(mine)).scalar_one() == 0, name
    assert await bot.stored_user(other.id) is not None
    await user.send("/start")
    assert one_of((await user.next_message()).text, leads("onboarding.welcome"))  # afresh


async def test_retention_purges_old_checkins_and_long_gone_people(bot: BotHarness) -> None:
    stays = await onboard(bot)
    leaves = await onboard(bot, first_name="Gone")
    for person in (stays, leaves):
        await person.send("/checkin")
        await person.tap("😐", message=await person.next_message())
        await person.next_message()
    leaves.block()
    await bot.settle()
    now = bot.clock.now()
    async with bot.sessions() as session, session.begin():
        assert await purge(session, now + timedelta(days=30), 365, 180) == (0, 0)
    async with bot.sessions() as session, session.begin():
        assert await purge(session, now + timedelta(days=400), 365, 180) == (2, 1)
    assert await bot.stored_user(leaves.id) is None
    assert await bot.stored_user(stays.id) is not None
    async with bot.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(CheckIn))).scalar_one() == 0
    bot.clock.advance(timedelta(days=1))
    await dispatch_due(bot.instances[-1])  # the job runs retention too, without error


async def test_logs_never_contain_what_people_write(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    levels = {name: logging.getLogger(name).level for name in NOISY}
    configure_logging("DEBUG")
    try:
        with caplog.at_level(logging.DEBUG):
            user = await onboard(bot)
            await user.send("/reflect")
            await user.next_message()
            await user.tap("Let's do it")
            await user.next_message()
            await user.send(f"{MARKER} Ltd, designer")
            await user.next_message()
            await user.send(f"/feedback {MARKER}")
            await user.next_message()
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert caplog.records  # logging was on
    assert MARKER not in caplog.text


async def test_privacy_says_encrypted_when_a_key_is_set(bot: BotHarness) -> None:
    from bot import crypto

    crypto.configure([crypto.new_key()])
    try:
        user = bot.user()
        await user.send("/privacy")
        text = (await user.next_message()).text
        assert "encrypted" in text
        assert CONTENT.texts("en")("privacy.leftovers.on") in text
    finally:
        crypto.configure([])


async def a_group_checkin(bot: BotHarness, *members: SimUser) -> tuple[SimGroup, BotMessage]:
    """A group with the daily check-in on, its first check-in posted; ``members`` are in it."""
    bot.clock.current = MORNING
    group, admin, _ = await a_group(bot, members=0)
    for member in members:
        group.add_member(member)
    await group.send(admin, "/groupsettings zone Berlin")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await group.tap(admin, "09:00", message=view)
    await bot.settle()
    bot.clock.current = MORNING + timedelta(hours=2)  # 09:00 in Berlin
    assert await dispatch_due(bot.instances[-1]) >= 1
    return group, await group.next_message()


def files_of(url: str) -> bytes:
    path = Path(make_url(url).database or "")
    return b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )


async def test_delete_leaves_nothing_that_identifies_the_person(
    harness_any_db: BotHarness,
) -> None:
    """Issue 18 item 3: their taps on group check-ins and their chat's inbox rows go too (both
    outside the users cascade), /export showed them first, and on SQLite the words are in
    neither the database file nor its write-ahead log afterwards."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    other = await onboard(bot, first_name="Sam")
    await user.send("/win")
    await user.next_message()
    await user.send(f"Finished the {MARKER} portfolio case study")
    await user.next_message()
    await other.send("/win")  # Sam's win shares the page: the page stays, minus that row
    await other.next_message()
    await other.send("Two applications out before lunch")
    await other.next_message()
    group, checkin = await a_group_checkin(bot, user, other)
    await group.tap(user, "🙂", message=checkin)
    await group.tap(other, "😐", message=checkin)
    await bot.settle()

    await user.send("/export")
    document = json.loads((await user.next_message()).document.content)  # type: ignore[union-attr]
    await user.next_message()
    assert [(t["checkin_id"], t["mood"]) for t in document["group_checkin_taps"]] == [
        (1, 4)
    ]  # 🙂 is 4 of 5
    assert document["incoming_updates"]  # the day of ids kept to spot redeliveries
    assert {row["chat_id"] for row in document["incoming_updates"]} == {user.id}

    # As after a while of running: what they wrote is in the database file, not only its log.
    assert await checkpoint(bot.instances[-1].wiring.runtime.engine)
    if bot.settings.effective_database_url.startswith("sqlite"):  # the test can see it there
        assert MARKER.encode() in files_of(bot.settings.effective_database_url)
    await user.send("/delete")
    await user.tap(label("privacy.buttons.delete"), message=await user.next_message())
    await user.next_message()
    await bot.settle()
    async with bot.sessions() as session:
        taps = (await session.execute(select(GroupVote.user_id))).scalars().all()
        inbox_chats = (await session.execute(select(InboxUpdate.chat_id))).scalars().all()
    assert taps == [other.id]  # Sam's tap stays
    assert user.id not in inbox_chats
    assert other.id in inbox_chats
    if bot.settings.effective_database_url.startswith("sqlite"):
        on_disk = files_of(bot.settings.effective_database_url)
        assert on_disk and MARKER.encode() not in on_disk


def test_every_table_with_a_persons_id_is_exported_and_erased() -> None:
    """A new table holding a user or chat id must hang off users.id with ON DELETE CASCADE and
    be in TABLES (so /export shows it), or be handled by hand in NOT_CASCADED."""
    covered = {model.__tablename__ for _, model in TABLES} | set(NOT_CASCADED)
    groups_only = {"groups"}  # a group's own chat id: not a person
    for table in Base.metadata.sorted_tables:
        person_columns = {"user_id", "chat_id"} & set(table.columns.keys())
        if not person_columns or table.name in groups_only:
            continue
        assert table.name in covered, f"{table.name} holds {person_columns}: export and erase it"
        for fk in table.foreign_keys:
            if fk.column.table.name == "users":
                assert fk.ondelete == "CASCADE", table.name


async def test_retention_forgets_who_tapped_old_group_checkins(bot: BotHarness) -> None:
    member = bot.user("Kim")
    group, checkin = await a_group_checkin(bot, member)
    await group.tap(member, "😐", message=checkin)
    await bot.settle()
    now = bot.clock.now()
    async with bot.sessions() as session, session.begin():
        await purge(session, now + timedelta(days=7), 365, 180)  # the weekly recap counts it
    async with bot.sessions() as session:
        assert (await session.execute(select(func.count(GroupVote.user_id)))).scalar_one() == 1
    async with bot.sessions() as session, session.begin():
        await purge(session, now + timedelta(days=9), 365, 180)
    async with bot.sessions() as session:
        assert (await session.execute(select(func.count(GroupVote.user_id)))).scalar_one() == 0


async def test_sqlite_overwrites_what_is_deleted(tmp_path: Path) -> None:
    """Deleted rows do not stay readable in the file's free space (secure_delete, set by
    bot.db.engine), short texts and long ones (overflow pages) alike, once the log is
    checkpointed (privacy.checkpoint). With secure_delete off, 51 of the 60 deleted texts were
    still in the file (measured with the sqlite3 module); this machine's SQLite defaults to on,
    which is why the engine sets it rather than trusting the build."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'erase.db'}"
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE notes (who INTEGER, body TEXT)"))
            for n in range(600):
                body = f"{MARKER}-{n % 30:02d} " + ("lorem ipsum " * (600 if n % 7 == 0 else 3))
                await connection.execute(
                    text("INSERT INTO notes VALUES (:who, :body)"), {"who": n % 30, "body": body}
                )
        assert await checkpoint(engine)
        assert f"{MARKER}-07".encode() in files_of(url)
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM notes WHERE who = 7"))
        assert await checkpoint(engine)
        on_disk = files_of(url)
        assert f"{MARKER}-07".encode() not in on_disk
        assert f"{MARKER}-08".encode() in on_disk  # the others' rows are all there
    finally:
        await engine.dispose()
