"""The one error handler: log without personal text, stop sending to blockers and to groups
that are gone, apologise.

A reply that Telegram fails to take for now (5xx, timeout, network) does not end up here: the
turn retries it and the outbox keeps it (bot.delivery). What does is a refusal for good or
a failure before the commit, where "something went wrong" is true."""

from __future__ import annotations

import contextlib
import functools
import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot import delivery
from bot.db.models import User
from bot.dispatch import paused_groups
from bot.logsafe import describe
from bot.runtime import Runtime, RuntimeApp
from bot.services import groups
from bot.services.users import mark_blocked
from handlers.turn import Context

log = logging.getLogger("rebound.errors")
APOLOGY_BUDGET = 10.0  # seconds to keep trying to apologise through transient failures


async def on_error(update: object, context: Context) -> None:
    error = context.error
    if error is None:
        return
    upd = update if isinstance(update, Update) else None
    chat = upd.effective_chat if upd else None
    rt = context.runtime
    if isinstance(error, Forbidden) and chat is not None and chat.type == ChatType.PRIVATE:
        log.info("chat %s blocked the bot; no more messages to it", chat.id)
        async with rt.sessions() as session, session.begin():
            await mark_blocked(session, chat.id, rt.clock.now())
        return
    if (
        chat is not None
        and chat.type not in (ChatType.PRIVATE, ChatType.CHANNEL)
        and delivery.group_gone(error)
    ):
        # Removed from the group, or it was deleted, before this reply (Telegram's news of a
        # removal not seen yet; of a deletion, none ever comes): its scheduled posts stop as
        # if it had been; an apology there would be refused the same way.
        async with rt.sessions() as session, session.begin():
            stopped = await groups.left(session, chat.id, rt.clock.now())
        if stopped:
            log.info("the bot is no longer in chat %s; its group posts stop", chat.id)
        return
    if isinstance(error, ChatMigrated) and chat is not None:
        await _moved(rt, upd, chat.id, int(error.new_chat_id))
        return
    reason = groups.cannot_post(error.message) if isinstance(error, BadRequest) else None
    if reason is not None and chat is not None and chat.type != ChatType.PRIVATE:
        # The bot may not post here (muted, or the topic is closed or gone): an apology would
        # be refused the same way. Muted, its scheduled posts pause now and the admins are
        # told, as when a scheduled post is refused; a topic only stops this reply.
        log.info("may not post in chat %s (%s): no reply, no apology", chat.id, reason)
        async with rt.sessions() as session:
            group = await groups.by_chat(session, chat.id)
        if group is not None and reason == groups.NO_RIGHTS:
            assert isinstance(error, BadRequest)
            await paused_groups.cannot_post(rt, context.bot, group.id, chat.id, error)
        return
    log.error(
        "error handling update %s in chat %s: %s",
        upd.update_id if upd else "-",
        chat.id if chat else "-",
        describe(error),
    )
    if chat is None:
        return
    texts = rt.content.texts(await _language(rt, upd))
    try:
        if upd and upd.callback_query:
            with contextlib.suppress(TelegramError):  # the turn may have answered it already
                await upd.callback_query.answer()
        message = upd.effective_message if upd else None
        apology = functools.partial(
            context.bot.send_message,
            chat.id,
            texts("errors.apology"),
            parse_mode=ParseMode.HTML,
            # In a forum topic, where the person is: General would be another conversation.
            message_thread_id=message.message_thread_id
            if message and message.is_topic_message
            else None,
        )
        # Retried like replies: a 5xx on the apology should not lose it too.
        await delivery.retrying(apology, APOLOGY_BUDGET)
    except TelegramError as exc:
        log.warning("could not apologise in chat %s: %s", chat.id, type(exc).__name__)
        if chat.type != ChatType.PRIVATE and delivery.group_gone(exc):
            async with rt.sessions() as session, session.begin():
                await groups.left(session, chat.id, rt.clock.now())


async def _moved(rt: Runtime, update: Update | None, old_id: int, new_id: int) -> None:
    """Telegram refused a call in a group that became a supergroup before the bot heard of it
    (asking who is an admin there, say): the group moves to the new id now, and a tap gets a
    word on why its button did nothing. No apology: nothing went wrong, and the old group
    takes no message."""
    log.info("group %s is now supergroup %s", old_id, new_id)
    async with rt.sessions() as session, session.begin():
        await groups.migrated(session, old_id, new_id, rt.clock.now())
    query = update.callback_query if update else None
    if query is not None:
        texts = rt.content.texts(await _language(rt, update))
        with contextlib.suppress(TelegramError):  # the turn may have answered it already
            await query.answer(texts("group.moved_tap"))


async def _language(rt: Runtime, update: Update | None) -> str | None:
    """The apology's language: the group's, or the one the person chose, else their app's. The
    database may be what failed, so without it the app's language does."""
    user = update.effective_user if update else None
    chat = update.effective_chat if update else None
    app_language = user.language_code if user else None
    try:
        async with rt.sessions() as session:
            if chat is not None and chat.type != ChatType.PRIVATE:
                return await groups.language(session, chat.id) or app_language
            person = await session.get(User, user.id) if user else None
    except (SQLAlchemyError, OSError):
        return app_language
    return person.language if person is not None else app_language


def register(app: RuntimeApp) -> None:
    app.add_error_handler(on_error)
