"""A scheduled group post Telegram refused for good: the group's posts are paused and its
admins told (bot.services.groups decides which refusals those are)."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot.render import Renderer
from bot.runtime import Runtime
from bot.services import groups
from bot.services.users import mark_blocked

log = logging.getLogger("rebound.groups")


async def cannot_post(
    rt: Runtime, bot: Bot, group_id: int, chat_id: int, error: TelegramError
) -> bool:
    """A scheduled group send that Telegram refused for good (no right to send messages, a
    closed or deleted topic): pause the group's posts rather than fail every day, and tell its
    admins once, privately, where one has a chat with the bot. True when it was such a
    refusal (the send is then dropped, not retried); False for anything a retry may fix."""
    reason = groups.cannot_post(error.message)
    if reason is None:
        return False
    async with rt.sessions() as session, session.begin():
        paused = await groups.pause(session, group_id, reason, rt.clock.now())
    if paused:
        log.info("group %s paused: %s", group_id, reason)
        await _tell_admins(rt, bot, group_id, chat_id, reason)
    return True


async def _tell_admins(rt: Runtime, bot: Bot, group_id: int, chat_id: int, reason: str) -> None:
    """Each admin who has started the bot gets one private message. Telegram answers who the
    admins are and the group's name even to a bot that may not post there."""
    try:
        admins = await bot.get_chat_administrators(chat_id)
        title = (await bot.get_chat(chat_id)).title or ""
    except TelegramError as exc:
        log.warning("group %s: admins not told (%s)", group_id, type(exc).__name__)
        return
    ids = [member.user.id for member in admins if not member.user.is_bot]
    async with rt.sessions() as session, session.begin():
        people = [(p.id, p.language) for p in await groups.admins_to_tell(session, ids)]
    blocked: list[int] = []
    told = False
    for person_id, language in people:
        renderer = Renderer(rt.content.texts(language))
        notice = groups.paused_notice(reason, title, bot.username)
        try:
            await bot.send_message(person_id, renderer.text(notice), parse_mode=ParseMode.HTML)
        except Forbidden:
            blocked.append(person_id)
        except TelegramError as exc:
            log.warning("group %s: an admin not told (%s)", group_id, type(exc).__name__)
        else:
            told = True
    async with rt.sessions() as session, session.begin():
        if told:
            await groups.told(session, group_id)
        for person_id in blocked:
            await mark_blocked(session, person_id, rt.clock.now())
