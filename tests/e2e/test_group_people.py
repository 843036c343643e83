"""Rebound in a group, used as three people would: Ana, who also talks to the bot privately;
Ben, who never started it; Cleo, a member who asks for /help. A "no" told in answer to the
bot, venting among members, words of distress (care privately where the bot may write to the
person, a short line in the group; the whole public reply where it may not), and /help by
someone who is not an admin. What the group sees, what each person sees, and that nothing
anyone typed in the group is kept."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.db.models import Base, InboxUpdate
from bot.emulator import BotMessage, SimGroup, SimUser
from tests.e2e.harness import CONTENT, BotHarness, label, onboard, one_of, seen, shown

BOT = "rebound_test_bot"
TEXTS = CONTENT.texts("en")
COMPANY = "Zebracorp"  # typed in the group: must be stored nowhere, shown nowhere
ANA_DISTRESS = "honestly everyone would be better off without me, quokkafold"
BEN_DISTRESS = "i dont see the point in living anymore, wombatlid"
TYPED = (COMPANY, "quokkafold", "wombatlid", "brutal")


async def said(bot: BotHarness, group: SimGroup, act: object) -> list[BotMessage]:
    before = len(group.messages)
    await act  # type: ignore[misc]
    await bot.settle()
    return group.messages[before:]


async def rows(bot: BotHarness) -> dict[str, int]:
    """Rows per table (the update inbox apart: it keeps updates a day, see kept())."""
    async with bot.sessions() as session:
        return {
            table.name: (
                await session.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in Base.metadata.sorted_tables
            if table.name != InboxUpdate.__tablename__
        }


async def kept(bot: BotHarness, word: str) -> bool:
    """Whether ``word`` is anywhere in the database, the inbox's stored updates included."""
    async with bot.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                if word.casefold() in json.dumps([str(v) for v in row]).casefold():
                    return True
    return False


def sends_to(bot: BotHarness, chat_id: int) -> int:
    return sum(
        1
        for c in bot.emulator.calls
        if c.method == "sendMessage" and c.params.get("chat_id") == chat_id
    )


async def a_group(bot: BotHarness) -> tuple[SimGroup, SimUser, SimUser, SimUser, BotMessage]:
    """A supergroup that made the bot an admin (so it reads every message, as the crisis check
    needs); Ana has set the bot up privately (Berlin), Ben and Cleo never wrote to it."""
    admin = bot.user("Sam")
    ana = await onboard(bot, user=bot.user("Ana"))
    ben, cleo = bot.user("Ben"), bot.user("Cleo")
    group = bot.emulator.group("Job seekers", supergroup=True)
    group.add_member(admin, admin=True)
    for person in (ana, ben, cleo):
        group.add_member(person)
    await group.add_bot(admin, as_admin=True)
    hello = await group.next_message()
    await bot.settle()
    return group, ana, ben, cleo, hello


async def test_three_people_use_the_bot_in_a_group(bot: BotHarness) -> None:
    group, ana, ben, cleo, hello = await a_group(bot)
    before = await rows(bot)
    ana_before = len(ana.messages)

    # Ben answers the bot's hello with a "no": a short public word, a way to a private debrief,
    # nothing of what he said repeated.
    no = f"{COMPANY} turned me down after the final round today"
    [sorry] = await said(bot, group, group.send(ben, no, reply_to=hello.message_id))
    assert one_of(sorry.text, shown("listen.group.rejection"))
    assert COMPANY not in sorry.text and "Ben" not in sorry.text
    [[button]] = sorry.buttons
    assert button.url == f"https://t.me/{BOT}?start=reflect"

    # Venting among members, not to the bot: it reads it (it is an admin) and stays out of it.
    vent = "this market is brutal, so tired of all of it"
    assert await said(bot, group, group.send(ben, vent)) == []
    # Venting to the bot: a kind word, no question about his case.
    [heard] = await said(
        bot, group, group.send(ben, "so tired of all of it", reply_to=hello.message_id)
    )
    assert one_of(heard.text, shown("listen.group.venting"))

    # Cleo, no admin, asks for /help: the group's commands; the settings marked as the admins'.
    [help_] = await said(bot, group, group.send(cleo, f"/help@{BOT}"))
    assert [help_.text] == shown("help.group", bot=BOT)

    # Ana, who has a private chat with the bot, writes words of distress in the group: the care
    # (her Berlin helplines) reaches her privately; the group sees one short line, not a reply
    # to her message, without her name or her words.
    [short] = await said(bot, group, group.send(ana, ANA_DISTRESS))
    assert short.text == seen(TEXTS("crisis.group_reply_short"))
    assert "Ana" not in short.text and "quokkafold" not in short.text and short.buttons == []
    [care] = ana.messages[ana_before:]
    assert "TelefonSeelsorge" in care.text  # her country's lines, not the directory
    assert care.text.startswith(seen(TEXTS("crisis.private_from_group", helplines="x"))[:40])
    assert "quokkafold" not in care.text and "better off" not in care.text
    sent = [
        c
        for c in bot.emulator.calls
        if c.method == "sendMessage" and c.params.get("chat_id") == group.id
    ]
    assert "reply_parameters" not in sent[-1].params

    # Ben never started the bot, so it cannot write to him: the whole public reply, with the
    # directory and a button to a private chat; nothing is tried in his name.
    [public] = await said(bot, group, group.send(ben, BEN_DISTRESS))
    directory = label("crisis.helplines.INTL")
    assert one_of(public.text, shown("crisis.group_reply", directory=seen(directory)))
    assert "wombatlid" not in public.text and "Ben" not in public.text
    [[private]] = public.buttons
    assert private.url == f"https://t.me/{BOT}?start=support"
    assert sends_to(bot, ben.id) == 0 and sends_to(bot, cleo.id) == 0

    await bot.settle()
    assert await rows(bot) == before  # nothing stored for anyone, Ana included
    assert await bot.stored_user(ben.id) is None and await bot.stored_user(cleo.id) is None
    assert await kept(bot, "Europe/Berlin")  # (the scan sees what is stored: Ana's zone)
    for word in TYPED:
        assert not await kept(bot, word), word


async def test_distress_from_someone_who_blocked_the_bot_gets_the_public_reply(
    bot: BotHarness,
) -> None:
    """Ana set the bot up, then blocked it (Telegram told the bot): nothing is tried privately,
    and the group gets the whole public reply instead of a pointer to a message she would
    never see."""
    group, ana, _, _, _ = await a_group(bot)
    ana.block()
    await bot.settle()
    tried = sends_to(bot, ana.id)
    [public] = await said(bot, group, group.send(ana, ANA_DISTRESS))
    directory = seen(label("crisis.helplines.INTL"))
    assert one_of(public.text, shown("crisis.group_reply", directory=directory))
    assert sends_to(bot, ana.id) == tried  # not even tried
    assert not await kept(bot, "quokkafold")
