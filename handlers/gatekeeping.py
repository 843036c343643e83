"""Runs before every feature (handler groups below 0): the crisis check first, which answers at
once, whatever flow is running (and however many messages came before), and keeps the flow as it
was; then flood control, which never stops an update: in a burst it only lets the latest of a
person's messages answer for the ones before (bot.services.flood).

Private chat, by level (bot.services.crisis.assess):

- ``crisis``: care and the person's helplines, then a choice: [Pick up where we left off] when a
  flow is open, [Not now], [Pause check-ins], [Check on me tomorrow] (an opt-in gentle message
  the next morning, bot.services.crisis.care).
- ``unsure``: "Are you safe right now?" with [I'm safe] (a warm word, then the open question
  again) / [I'm not] (the full crisis reply).

Either way the words go no further: the handlers that would store them (a flow's answer, a note)
never see them, and nothing here logs or keeps them; the buttons carry no words.

In a group the crisis check answers too. Where the member has a private chat with the bot (they
started it and did not block it), the care goes there, with their own country's helplines, and
the group hears one short line that points to it. Otherwise the reply is public: a gentle one
that never repeats, quotes or names what the member wrote, with the international helpline
directory, and a button that opens the private chat (``/start support``) where their own
country's helplines are shown. At most one such reply per member per half hour; nothing about
it is stored or logged. An
``unsure`` message in a group gets no public reply (asking "are you safe?" in front of others
would single the member out over what may be venting) but is not passed on either.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import delivery
from bot.db.models import User
from bot.dispatch import Kinds
from bot.render import Renderer
from bot.runtime import RuntimeApp
from bot.services import callback_data, checkins, crisis, flows
from bot.services.crisis import care
from bot.services.outbox import Claimed
from bot.services.replies import Button, Ref, Say
from bot.services.users import mark_blocked
from bot.telegram_bot import ReboundBot
from bot.update_processor import coalesce_replies
from handlers import taps
from handlers.turn import Context, Turn, handler

CRISIS_GROUP = -2
FLOOD_GROUP = -1
# Seconds to get the care to a member privately through Telegram's transient failures, before
# the group gets the full reply instead (the group's own reply waits behind it).
PRIVATE_CARE_BUDGET = 3.0
log = logging.getLogger("rebound.flood")


async def flood_control(update: Update, context: Context) -> None:
    """Count the person's message by when Telegram got it. Over the limit: one note, then, for
    the breather, each update is still handled and stored as usual, but when a later one of
    theirs is already waiting, that one answers for it (handlers.turn, Turn.flush): a person
    who pastes forty lines gets everything kept and one reply, not forty."""
    chat, user = update.effective_chat, update.effective_user
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    message = update.effective_message if update.callback_query is None else None
    sent_at = (message.edit_date or message.date).timestamp() if message is not None else None
    verdict = context.flood_gate.check(user.id, sent_at)
    if verdict == "ok":
        return
    if verdict == "warn":
        await _slow_down(context, user.id, chat.id, user.language_code)
    coalesce_replies()


async def _slow_down(
    context: Context, user_id: int, chat_id: int, app_language: str | None
) -> None:
    """The note, sent at once and on its own: it answers no question and changes nothing
    stored, so it needs no turn (the update's own turn commits and marks it as usual). A
    failed send is only logged: the update must still be handled."""
    rt = context.runtime
    async with rt.sessions() as session:
        person = await session.get(User, user_id)
    language = person.language if person is not None else app_language
    bot: object = context.bot
    assert isinstance(bot, ReboundBot)  # bot.app builds one (PTB's context types it ExtBot)
    try:
        for out in Renderer(rt.content.texts(language)).messages([Say("flood.slow_down")]):
            await bot.send_text(chat_id, out.text, reply_markup=out.markup)
    except TelegramError as exc:
        log.info("the slow-down note to chat %s failed (%s)", chat_id, type(exc).__name__)


async def crisis_check(update: Update, context: Context) -> None:
    """A message about suicide or self-harm gets care and helplines right away; one with a
    weaker sign gets a gentle "Are you safe?". Its text is not stored, logged or passed on: the
    handlers that would use it never see it."""
    message = update.effective_message
    text = message.text or message.caption if message else None
    if not text:
        return
    level = crisis.assess(text).level
    if level == "none":
        context.crisis_clear = (update.update_id, text)
        return
    await (_care if level == "crisis" else _ask_safe)(update, context)
    raise ApplicationHandlerStop


def crisis_read(update: Update, context: Context, text: str) -> bool | None:
    """False when :func:`crisis_check` has already read this very text of this update and
    found nothing (bot.services.understanding need not read it for distress again); None when
    it has not."""
    return False if context.crisis_clear == (update.update_id, text) else None


async def group_crisis_check(update: Update, context: Context) -> None:
    """The same check in a group. The message goes no further either way (``/win`` must not
    echo it), and the reply, when one is due, says nothing about what was written."""
    message = update.effective_message
    if message is None or message.is_automatic_forward:
        return  # a channel post mirrored into its discussion group: no member wrote it
    text = message.text or message.caption
    level = crisis.assess(text).level if text else "none"
    if level == "none":
        return
    if level == "unsure":
        raise ApplicationHandlerStop  # no public reply (see the module docstring), not passed on
    if message.sender_chat is not None:  # an anonymous admin or a channel writing in the group
        sender_id = message.sender_chat.id
    elif message.from_user is not None and not message.from_user.is_bot:
        sender_id = message.from_user.id
    else:
        raise ApplicationHandlerStop
    if context.group_care.allow(message.chat_id, sender_id, time.monotonic()):
        if message.sender_chat is None and await _care_privately(update, context, text):
            await _group_care_short(update, context)
        else:
            await _group_care(update, context)
    # With or without a reply, the inbox copy of the words is dropped when the update is
    # marked handled (bot.services.inbox.mark_processed), like every other message's.
    raise ApplicationHandlerStop


async def _care_privately(update: Update, context: Context, text: str | None) -> bool:
    """Words of distress in a group, from a member who has a private chat with the bot: the
    care goes there, where their own country's helplines can be shown (care.private_from_group),
    before anything is said in the group. Sent at once and on its own, like the slow-down note:
    it answers nothing stored. True when it arrived; False when the bot may not write to them
    (never started, blocked it: then noted) or Telegram failed it, and the group reply is the
    full one instead."""
    sender = update.effective_user
    if sender is None or sender.is_bot:
        return False
    rt = context.runtime
    async with rt.sessions() as session:
        person = await session.get(User, sender.id)
    care_note = care.private_from_group(person, text, sender.language_code, rt.content)
    if care_note is None:
        return False
    bot: object = context.bot
    assert isinstance(bot, ReboundBot)  # bot.app builds one (PTB's context types it ExtBot)
    [out] = Renderer(rt.content.texts(care_note.locale)).messages([care_note])
    try:
        await delivery.retrying(
            functools.partial(bot.send_text, sender.id, out.text), PRIVATE_CARE_BUDGET
        )
    except Forbidden:
        async with rt.sessions() as session, session.begin():
            await mark_blocked(session, sender.id, rt.clock.now())
        return False
    except TelegramError as exc:
        log.info("group care not sent privately (%s); said in the group", type(exc).__name__)
        return False
    return True


def _helplines(turn: Turn, written: str | None = None) -> Ref:
    """The person's country's helplines (care.helplines)."""
    user = turn.user
    tg_user = turn.update.effective_user
    zone = user.timezone if user else None
    return care.helplines(zone, tg_user.language_code if tg_user else None, written)


async def _flow_open(turn: Turn) -> bool:
    user = turn.user
    return (
        user is not None and await flows.load_state(turn.session, turn.chat_id, user.id) is not None
    )


async def _offer_resume(turn: Turn, locale: str | None = None) -> None:
    if await _flow_open(turn):
        turn.say(Say(crisis.RESUME_KEY, buttons=((care.resume_button(locale),),), locale=locale))


async def _offer_next_steps(turn: Turn, locale: str | None = None) -> None:
    flow_open = await _flow_open(turn)
    turn.say(
        Say(
            crisis.RESUME_KEY if flow_open else crisis.NEXT_STEPS_KEY,
            buttons=care.next_step_buttons(turn.user, turn.now, flow_open, locale),
            locale=locale,
        )
    )


async def _reply_with_care(turn: Turn, locale: str | None = None) -> None:
    turn.say(Say(crisis.REPLY_KEY, {"helplines": _helplines(turn, locale)}, locale=locale))
    await _offer_next_steps(turn, locale)


async def answer_day(turn: Turn, day: str, locale: str | None = None, sorry: bool = False) -> None:
    """The answer to how the morning after is going (a care.DAY_KEYS key): still hard brings
    the helplines and the next steps again. ``sorry``: they apologised for the night before,
    and hear first that there is no need."""
    if sorry:
        turn.say(Say(care.APOLOGY_KEY, locale=locale))
    if day == "hard":
        turn.say(Say(care.DAY_KEYS[day], {"helplines": _helplines(turn, locale)}, locale=locale))
        await _offer_next_steps(turn, locale)
    else:
        turn.say(Say(care.DAY_KEYS[day], locale=locale))


def _typed(turn: Turn) -> str | None:
    message = turn.update.effective_message
    return message.text or message.caption if message else None


def _language(turn: Turn) -> str | None:
    """The person's own language: the one they chose, else their Telegram app's."""
    if turn.user is not None:
        return turn.user.language
    tg_user = turn.update.effective_user
    return tg_user.language_code if tg_user else None


def care_locale(turn: Turn, text: str | None = None) -> str | None:
    """The language of a care moment in a private chat, when it is not the interface's: the
    words' language, else the person's own, care-only ones included (care.care_locale)."""
    return care.care_locale(text, _language(turn), turn.rt.content)


def _message_locale(turn: Turn) -> str | None:
    """The language of the words just typed, when it is not the person's (care.care_locale)."""
    return care_locale(turn, _typed(turn))


@handler
async def _care(turn: Turn) -> None:
    await _reply_with_care(turn, _message_locale(turn))


@handler
async def _ask_safe(turn: Turn) -> None:
    locale = _message_locale(turn)
    turn.say(Say(crisis.ASK_SAFE_KEY, buttons=care.safety_buttons(locale), locale=locale))


@handler
async def _group_care(turn: Turn) -> None:
    """Public and generic on purpose: no name, no quote, no reply-to (which would show the
    words again); the directory is one tap away even if the private chat is never opened."""
    url = f"https://t.me/{turn.context.bot.username}?start={crisis.SUPPORT_PAYLOAD}"
    directory = Ref(f"{crisis.HELPLINES_SECTION}.{crisis.INTERNATIONAL}")
    turn.say(
        Say(
            crisis.GROUP_REPLY_KEY,
            {"directory": directory},
            buttons=((Button("crisis.buttons.private_support", url=url),),),
            locale=_group_locale(turn),  # the language the group was just written in
        )
    )


@handler
async def _group_care_short(turn: Turn) -> None:
    """The care went to the member privately: the group hears one short line (no name, no
    quote, no reply-to), in the language the group was just written in."""
    turn.say(Say(crisis.GROUP_REPLY_SHORT_KEY, locale=_group_locale(turn)))


def _group_locale(turn: Turn) -> str | None:
    """In a group: the language the words are in when Rebound has care texts in it and it is
    not the group's (never a member's own: the reply is public)."""
    text = _typed(turn)
    return care.reply_locale(text, turn.texts.locale, turn.rt.content) if text else None


async def private_support(turn: Turn, text: str | None = None) -> None:
    """``/start support`` (the group reply's button): helplines for the person's place, right
    away, before any onboarding; a running flow is kept and can be resumed. ``text``: words
    of distress this answers, whose language it is said in."""
    locale = care_locale(turn, text)
    helplines = _helplines(turn, locale)
    turn.say(Say(crisis.PRIVATE_SUPPORT_KEY, {"helplines": helplines}, locale=locale))
    await _offer_resume(turn, locale)


async def _reask_or(turn: Turn, otherwise: Say | None) -> None:
    """The open flow's question again, or ``otherwise`` when no flow is open."""
    again = await flows.reask(turn.session, turn.rt.flows, turn.person, turn.chat_id, turn.now)
    turn.say(again or otherwise)


async def on_care_button(turn: Turn, tap: callback_data.CareTap) -> None:
    """The buttons after a crisis reply, the "Are you safe?" question and the next day's check."""
    action, detail = tap.action, tap.detail
    turn.clear_tapped()
    user = turn.person
    # The language of the message tapped (a care moment: the person's care language).
    check = None
    if action == "day":  # the morning check it answers: sent in the language it was asked in
        check = await care.awaiting_day_answer(turn.session, user.id, turn.now)
    locale = care.tapped_locale(tap, user.language, turn.rt.content, check)
    not_now = Say(care.NOT_NOW_KEY, locale=locale)
    if action == "resume":  # also cr:1:resume, from buttons sent before issue 16
        await _reask_or(turn, not_now)
    elif action == "notnow":
        turn.say(not_now)
    elif action == "pause":
        if user.onboarded_at is None:
            turn.say(not_now)
        else:
            turn.say(checkins.pause(user, turn.now, care.PAUSE_DAYS))
    elif action == "tomorrow":
        due = await care.schedule_check(turn.session, user, turn.now, locale)
        turn.say(replace(care.check_set(user, due), locale=locale))
    elif action == "safe":
        turn.say(Say(crisis.SAFE_KEY, locale=locale))
        await _reask_or(turn, None)
    elif action == "notsafe":
        await _reply_with_care(turn, locale)
    elif action == "day" and detail in care.DAY_KEYS:
        await care.note_day_answered(turn.session, user.id, turn.now)
        await answer_day(turn, detail, locale)


async def _check_on_me(_s: AsyncSession, item: Claimed, user: User) -> Say | None:
    """The gentle check the person asked for after a crisis reply (None once they paused)."""
    locale = item.payload.get(care.CHECK_LOCALE)
    return care.check_message(user, item.due_at, locale if isinstance(locale, str) else None)


def scheduled(kinds: Kinds) -> None:
    """The kinds of scheduled message this feature sends (bot.dispatch.kinds)."""
    kinds.person(care.CHECK_ON_ME, _check_on_me)


def register(app: RuntimeApp) -> None:
    text = filters.TEXT | filters.CAPTION
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & text, crisis_check), group=CRISIS_GROUP
    )
    app.add_handler(
        MessageHandler(filters.ChatType.GROUPS & text, group_crisis_check), group=CRISIS_GROUP
    )
    app.add_handler(TypeHandler(Update, flood_control), group=FLOOD_GROUP)
    app.add_handler(taps.on(callback_data.CARE, on_care_button))
