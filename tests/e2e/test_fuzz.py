"""300 random updates: odd Unicode, huge texts, edits, stray buttons, media, duplicate update ids.
Nothing may crash, hang, or make a call Telegram would reject."""

from __future__ import annotations

import itertools
import logging
import random
import time
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.models import Group
from bot.dispatch import dispatch_due
from bot.emulator import SimGroup, SimUser
from tests.e2e.harness import CONTENT, BotHarness, onboard

COMMANDS = ["/start", "/help", "/settings", "/cancel", "/nope", "/start settings", "/start ../../x"]
STALE_OR_FORGED = ["ob:1:abcd:tz:skip", "ob:1:x:consent:yes", "ss:1:tz", "ob:99:x:y:z", "st:1:tz:x"]
ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz ",
    "ÄÖÜßçãõñ ",
    "Привет мир ",
    "مرحبا بالعالم ",
    "こんにちは世界 ",
    "🙂😭🔥👍🏽👨‍👩‍👧 ",
    "<>&\"'/\\{}%s%d ",
    "\u200b\u200d\u202e\ufeff\u0301",
    "0123456789:+-. ",
]


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(ALPHABETS) * rng.randint(300, 700)  # well past 4096 characters
    alphabet = "".join(rng.sample(ALPHABETS, 2))
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))).strip() or "?"


async def random_action(rng: random.Random, user: SimUser, sent: list[int]) -> None:
    roll = rng.random()
    if roll < 0.30:
        sent.append(await user.send(random_text(rng)))
    elif roll < 0.45:
        sent.append(await user.send(rng.choice(COMMANDS)))
    elif roll < 0.65:
        latest = user.last_message
        buttons = [b for row in (latest.buttons if latest else []) for b in row if b.callback_data]
        if buttons:
            await user.tap(rng.choice(buttons).text, message=latest)
        elif user.messages:
            await user.tap_data(random_text(rng).encode()[:60].decode(errors="ignore") or "x")
        else:
            sent.append(await user.send(random_text(rng)))
    elif roll < 0.75 and sent:
        await user.edit(rng.choice(sent), random_text(rng))
    elif roll < 0.85:
        await rng.choice(
            [user.send_sticker, user.send_photo, user.send_voice, user.send_location]
        )()
    elif user.messages:
        await user.tap_data(rng.choice(STALE_OR_FORGED))
    else:
        sent.append(await user.send("/start"))


def raw_message(update_id: int, user: SimUser, text: str) -> dict[str, Any]:
    """A message update as Telegram sends it, built by hand so it can be sent twice."""
    person = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": update_id,
        "message": {
            "message_id": 900_000 + update_id,
            "from": person,
            "chat": {"id": user.chat_id, "type": "private", "first_name": user.first_name},
            "date": int(time.time()),
            "text": text,
            **({"entities": entities} if text.startswith("/") else {}),
        },
    }


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_updates_never_crash(
    bot: BotHarness, seed: int, caplog: pytest.LogCaptureFixture
) -> None:
    bot.emulator.set_rate_limits(False)  # this test is about input, not pacing
    rng = random.Random(seed)
    users = [bot.user(f"Fuzz{i}", language_code=rng.choice(["en", "de", None])) for i in range(30)]
    sent: dict[int, list[int]] = {u.id: [] for u in users}
    with caplog.at_level(logging.ERROR, logger="rebound.errors"):
        for _ in range(150):
            user = rng.choice(users)
            await random_action(rng, user, sent[user.id])
        # Telegram may deliver the same update twice; the bot must cope.
        for n, user in enumerate(rng.sample(users, 10)):
            update = raw_message(1_000_000 + n, user, rng.choice([*COMMANDS, "Berlin", "8pm"]))
            bot.emulator.inject_update(update)
            bot.emulator.inject_update(update)
        await bot.settle(timeout=60)
    assert [r.getMessage() for r in caplog.records if r.name == "rebound.errors"] == []
    answered = [u for u in users if u.messages or u.callback_answers]
    assert len(answered) >= 25
    # Bot still works for everyone afterwards.
    probe = users[0]
    await probe.send("/help")
    await bot.settle()
    assert probe.last_message is not None
    assert "Getting started" in probe.last_message.text


# Normal use: what people type and the commands they send while they use the bot.
TYPED = [
    "Berlin",
    "9am",
    "Initech",
    "Acme, product designer",
    "I got rejected again today",
    "they said I lacked experience",
    "I got an offer!",
    "thanks",
    "no idea",
]
USE_COMMANDS = [
    "/start",
    "/reflect",
    "/stats",
    "/settings",
    "/plan",
    "/history",
    "/feedback",
    "/strengths",
    "/match",
    "/checkin",
    "/win",
    "/help",
    "/cancel",
    "/pause",
    "/resume",
]
# Button data no current message carries: older versions, unknown actions, other people's
# records, fields out of range, and plain junk (Telegram allows 1-64 bytes of anything).
FORGED = [
    "ob:1:abcd:tz:skip",
    "ob:9:x:y:z",
    "ss:1:tz",
    "ss:1:nope",
    "ss:2:",
    "sx:1:7",
    "sx:1:30:extra",
    "sx:9",
    "st:1:tz:x",
    "rx:1:999999:x",
    "rx:1:",
    "hs:1:p:999",
    "hs:9:x",
    "pl:1:done:999999",
    "pl:1:",
    "fd:1:999999:shorter",
    "fq:1:x",
    "sg:1:999999",
    "mx:1:",
    "ci:1:9:999999",
    "nd:1:x",
    "dl:1:yes",
    "ad:1:x",
    "cr:2:x",
    "cr:1:resume",
    "gs:1:x",
    "gc:1:999999:1",
    "ls:1:nope",
    "ls:9:db",
    "ls:1:db:999999",
    "ls:1:win:<script>",
    "::::",
    ":",
    "x" * 64,
    "🙂" * 16,
]


def _live_data(users: list[SimUser]) -> list[str]:
    """Every callback data any person has been shown (for taps replayed across people)."""
    return [
        button.callback_data
        for user in users
        for message in user.messages
        for row in message.buttons
        for button in row
        if button.callback_data
    ]


async def use_or_abuse(rng: random.Random, user: SimUser, users: list[SimUser]) -> str:
    """One update from ``user``: mostly normal use, the rest stray, stale, forged or malformed
    taps. Returns what kind of action it was."""
    shown = [m for m in user.messages if not m.deleted]
    live = [m for m in shown if m.buttons]
    roll = rng.random()
    if roll < 0.35 and live:  # a tap on the newest buttons: normal use
        latest = live[-1]
        buttons = [b for row in latest.buttons for b in row if b.callback_data]
        if buttons:
            await user.tap(rng.choice(buttons).text, message=latest)
            return "tap"
    if roll < 0.45 and len(live) > 1:  # a stray tap on an older message's buttons
        older = rng.choice(live[:-1])
        buttons = [b for row in older.buttons for b in row if b.callback_data]
        if buttons:
            await user.tap(rng.choice(buttons).text, message=older)
            return "stray"
    if roll < 0.50 and live:  # a double tap: the same button twice before any answer
        latest = live[-1]
        buttons = [b for row in latest.buttons for b in row if b.callback_data]
        if buttons:
            button = rng.choice(buttons)
            await user.tap(button.text, message=latest)
            await user.tap(button.text, message=latest)
            return "double"
    if roll < 0.58 and shown:  # someone else's button, replayed here (stale/forged)
        pool = _live_data(users)
        if pool:
            await user.tap_data(rng.choice(pool))
            return "foreign"
    if roll < 0.66 and shown:  # forged or malformed data on the latest message
        await user.tap_data(rng.choice(FORGED))
        return "forged"
    if roll < 0.70 and shown:  # a tap "on" a message id that does not exist
        await user.tap_data(rng.choice(FORGED), message_id=999_999)
        return "forged"
    if roll < 0.73 and live:  # the person deletes a question of the bot's
        user.delete(live[-1])
        return "delete"
    if roll < 0.85:
        await user.send(rng.choice(USE_COMMANDS))
        return "command"
    await user.send(rng.choice(TYPED))
    return "text"


async def group_with_checkin(bot: BotHarness, members: list[SimUser]) -> SimGroup:
    """A supergroup whose admin set up the daily check-in, with today's check-in posted."""
    bot.settings.group_edit_gap_seconds = 0.2
    group = bot.emulator.group("Fuzz group", supergroup=True)
    admin, *others = members
    group.add_member(admin, admin=True)
    for member in others:
        group.add_member(member)
    await group.add_bot(admin)
    await group.send(admin, "/groupsettings@rebound_test_bot")
    await bot.settle()
    view = group.last_message
    assert view is not None
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
    assert stored.next_checkin_at is not None
    bot.clock.current = stored.next_checkin_at
    assert await dispatch_due(bot.instances[-1]) >= 1  # with the two people's own check-ins
    await bot.settle()
    return group


async def in_the_group(rng: random.Random, group: SimGroup, members: list[SimUser]) -> str:
    """One update in the group: a mood tap, a settings tap by an admin or not, a forged tap,
    or a command."""
    member = rng.choice(members)
    live = [m for m in group.messages if m.buttons and not m.deleted]
    roll = rng.random()
    if roll < 0.55 and live:
        message = rng.choice(live)
        buttons = [b for row in message.buttons for b in row if b.callback_data]
        if buttons:
            await group.tap(member, rng.choice(buttons).text, message=message)
            return "group tap"
    if roll < 0.8 and live:
        await group.tap_data(member, rng.choice(FORGED), message_id=rng.choice(live).message_id)
        return "group forged"
    await group.send(member, rng.choice(["/groupsettings@rebound_test_bot", "/cheer", "/help"]))
    return "group command"


@pytest.mark.parametrize("seed", [11, 12])
async def test_every_tap_is_answered_and_no_edit_is_pointless(
    bot: BotHarness, seed: int, caplog: pytest.LogCaptureFixture
) -> None:
    """300 updates of normal use mixed with stray, double, stale, forged and malformed taps,
    from several people: every tap gets its answer (else the phone shows a spinner), and the
    bot asks Telegram for no edit it refuses as "message is not modified" (issue 19, 7-8)."""
    bot.emulator.set_rate_limits(False)  # this test is about taps, not pacing
    rng = random.Random(seed)
    # A person writing faster than anyone reads: in the breather, replies are coalesced.
    bot.set_flood_limit(15)
    users = [await onboard(bot) for _ in range(2)]
    users += [bot.user(f"Tapper{i}") for i in range(4)]
    group = await group_with_checkin(bot, users[:4])
    await users[-1].send("/start")  # the one who will paste has a message to tap on
    await bot.settle()
    kinds: dict[str, int] = {}
    before = bot.emulator.updates_fetched
    with caplog.at_level(logging.ERROR, logger="rebound.errors"):
        for n in itertools.count():
            if bot.emulator.updates_fetched - before >= 300:
                break
            if n == 10 or rng.random() < 0.03:
                # Lines pasted one by one, and taps among them: more lines than the flood limit,
                # so a flood happens however slowly the machine runs the rest (at least once).
                kind = "burst"
                for _ in range(bot.settings.flood_limit + 1):
                    await users[-1].send(rng.choice(TYPED))
                    await users[-1].tap_data(rng.choice(FORGED))
            elif rng.random() < 0.15:
                kind = await in_the_group(rng, group, users[:4])
            else:
                kind = await use_or_abuse(rng, rng.choice(users), users)
            kinds[kind] = kinds.get(kind, 0) + 1
            if n % 3 == 2:
                await bot.settle(timeout=30)
        await bot.settle(timeout=60)
    taps = list(bot.emulator.queries.values())
    unanswered = [(q.data, q.message_id) for q in bot.emulator.unanswered_queries()]
    refused = [(e.method, e.description) for e in bot.emulator.errors]
    bot.emulator.errors.clear()
    not_modified = [r for r in refused if "not modified" in r[1]]
    assert len(taps) >= 100, kinds  # the run did tap a lot
    report = (
        f"{len(unanswered)} of {len(taps)} taps unanswered: {unanswered}; "
        f"{len(not_modified)} edits refused as not modified"
    )
    assert (unanswered, not_modified) == ([], []), report
    slow_down = CONTENT.texts("en")("flood.slow_down")
    assert any(m.text == slow_down for m in users[-1].messages), kinds  # a flood happened
    # The only refusals left: edits of questions the person deleted.
    assert {reason for _, reason in refused} <= {"Bad Request: message to edit not found"}
    assert [r.getMessage() for r in caplog.records if r.name == "rebound.errors"] == []
