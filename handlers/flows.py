"""Typed words and button taps: the running flow's answers, and replies to whatever a person
types outside a flow (bot.services.listening decides what to say and offer)."""

from __future__ import annotations

from dataclasses import replace

from telegram import Message, MessageOriginUser
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.db.models import Rejection
from bot.runtime import RuntimeApp, flow_specs
from bot.services import (
    arrivals,
    checkins,
    flows,
    listening,
    own_language,
    understanding,
    variants,
)
from bot.services.crisis import care as crisis_care
from bot.services.replies import Say
from handlers import checkin as checkin_feature
from handlers import feedback as feedback_feature
from handlers import gatekeeping, taps
from handlers import help as help_feature
from handlers import history as history_feature
from handlers import match as match_feature
from handlers import reflection as reflection_feature
from handlers import start as start_feature
from handlers.turn import Turn, handler, tapped_message_with_buttons


@handler
async def on_text(turn: Turn) -> None:
    await read_typed(turn)


def someone_elses(message: Message) -> bool:
    """A message forwarded from someone else (the recruiter, the company's channel); one the
    person forwards from themselves (from Saved Messages, from a chat with a friend) is theirs."""
    origin = message.forward_origin
    if origin is None:
        return False
    sender = message.from_user
    return not (
        isinstance(origin, MessageOriginUser)
        and sender is not None
        and origin.sender_user.id == sender.id
    )


async def read_typed(turn: Turn) -> None:
    """Words typed in a private chat: a message's text, or the caption under a photo or a file
    (handlers.fallback). A forwarded message is someone else's words (arrivals.forwarded); a
    long paste's later parts were answered with the first (arrivals.Arrivals)."""
    message = turn.update.effective_message
    assert message is not None
    text = message.text if message.text is not None else message.caption
    assert text is not None
    person = turn.person
    distress = gatekeeping.crisis_read(turn.update, turn.context, text)
    reading = understanding.read(text, person.language, distress=distress)
    if reading.kind == "distress":
        # The crisis check (handlers.gatekeeping) runs first; this is only a second net. Words
        # of distress are not stored anywhere, and a running flow stays as it was.
        await gatekeeping.private_support(turn, text)
        return
    if turn.rt.arrivals.quiet(turn.update.update_id):
        return  # the rest of a long paste Telegram split: its first part was answered
    switched = None
    if someone_elses(message):
        reading = arrivals.forwarded(reading)
    else:
        switched = await _own_language(turn, text)
    await _answer(turn, message, text, reading)
    turn.say(switched)  # after the answer: their words first


async def _answer(turn: Turn, message: Message, text: str, reading: understanding.Reading) -> None:
    """The answer to typed words that are not distress (:func:`read_typed`)."""
    person = turn.person
    # Typed instead of tapped: "a bit better today", "un poco mejor". The words are read first
    # (microseconds), so most messages skip the database's look for a morning check.
    day = listening.day_answer(reading, text)
    if day is not None and await crisis_care.awaiting_day_answer(turn.session, person.id, turn.now):
        await crisis_care.note_day_answered(turn.session, person.id, turn.now)
        locale = gatekeeping.care_locale(turn, text)
        await gatekeeping.answer_day(turn, day, locale, sorry=crisis_care.apologised(text))
        return
    stale = await flows.set_aside_if_stale(turn.session, turn.chat_id, person.id, turn.now)
    if stale is not None:
        if stale.prompt_message_id is not None:
            turn.strip_buttons(stale.prompt_message_id)
        turn.say(stale.notice)
    locale = listening.reply_locale(reading, turn.texts.locale, frozenset(turn.rt.content.catalogs))
    heard = listening.Heard(reading, locale, listening.helplines_of(person), text)
    result = await flows.handle_text(
        turn.session, turn.rt.flows, person, turn.chat_id, text, turn.now, heard
    )
    if result is not None and result.released:  # "Shall we set up?" answered with news
        if result.strip is not None:
            turn.strip_buttons(result.strip)
        result = None
    if result is None:
        mood = listening.typed_mood(reading, text, person.language)
        if mood is not None and await checkins.awaiting_mood(turn.session, person, turn.now):
            # "meh" after "how are you?"; "still raw, but I applied to two more places" also
            # tells effort made, which is acknowledged and offered as a win.
            progress = understanding.progress_in(text, person.language, reading)
            await checkin_feature.answer_mood(turn, mood, typed=True, progress=progress)
            return
        offer = listening.drop_offer(person)
        answered = listening.answered_offer(offer, reading, text, turn.now)
        if answered is not None:  # "yes" after [Debrief it now] / [Not now]: as if tapped
            language = listening.answer_language(offer, answered)
            if language is not None:
                turn.texts = turn.rt.content.texts(language)
            await _take(turn, answered)
            return
        details = listening.news_details(offer, reading, text, turn.now)
        if details is not None and offer is not None:  # "the Shopify one. PM role" after news
            turn.say_all(
                await listening.fill_in(turn.session, person, turn.now, details, offer, locale)
            )
            return
        turn.say_all(
            await listening.listen(
                turn.session,
                person,
                turn.chat_id,
                reading,
                turn.now,
                locale,
                text,
                message.message_id,
                before=offer,
            )
        )
        return
    if result.strip is not None:
        turn.strip_buttons(result.strip)
    turn.say_all(await listening.vary_all(turn.session, person.id, result.replies, turn.now))
    if result.follow_up is not None:
        await start_feature.follow_up(turn, result.follow_up)


async def _own_language(turn: Turn, text: str) -> Say | None:
    """The first typed words plainly in another of our languages than the app's choose it
    (bot.services.own_language): stored, replies in it from this one on; the line that says
    so, with the way back. Not an answer to a question asked (a city at the time zone one)."""
    person = turn.person
    if not own_language.may_switch(person, turn.now):
        return None
    asked = await flows.asking(turn.session, turn.rt.flows, turn.chat_id, person.id)
    if asked is not None and not asked.invitation:
        return None
    before = turn.texts.locale
    chosen = own_language.switch(person, text, before, turn.rt.content.interface_locales)
    if chosen is None:
        return None
    turn.texts = turn.rt.content.texts(chosen)
    return own_language.switched(before)


async def on_listen_tap(turn: Turn, tap: listening.Tap) -> None:
    """The buttons under a reply to typed words."""
    tapped = tapped_message_with_buttons(turn.update)
    if tapped is None:  # a second tap on a message already answered
        taps.stale(turn)
        return
    turn.strip_buttons(tapped)
    listening.drop_offer(turn.person)
    await _take(turn, tap)


async def _take(turn: Turn, tap: listening.Tap) -> None:
    """What a listening button does, tapped or answered in words ("yes", "not now")."""
    person = turn.person
    if tap.action == listening.LANGUAGE:  # [English] under "I'll write in Spanish"
        interface = turn.rt.content.interface_locales
        chosen = own_language.choose(person, tap.argument, interface)
        if chosen is not None:
            turn.texts = turn.rt.content.texts(chosen)
        turn.say(Say("settings.language_saved"))
        return
    if person.onboarded_at is None and tap.action == listening.LATER:
        # [Later] under news told before set-up: nothing asked; /start picks the news up.
        turn.say(await listening.setup_later(turn.session, person))
        return
    if person.onboarded_at is None and tap.action not in (listening.SETUP, listening.VENT):
        await start_feature.set_up(turn)
        return
    if tap.action == listening.DECLINED:  # "no thanks" to an offer without [Not now]
        turn.say(await variants.say(turn.session, person.id, "listen.offer_declined", turn.now))
    elif tap.action == listening.DEBRIEF:
        record_id = listening.debrief_id(tap)
        record = await turn.session.get(Rejection, record_id) if record_id else None
        if record is not None and (record.user_id != person.id or record.completed_at):
            record = None
        await reflection_feature.start_now(turn, record)
    elif tap.action == listening.LATER:
        await reflection_feature.later(turn)
    elif tap.action == listening.VENT:  # "I just want to vent": go on, I'm reading
        said = await variants.say(turn.session, person.id, "listen.vent", turn.now)
        # Under the answer to "can I talk to someone?": a care moment, in their care language.
        turn.say(replace(said, locale=gatekeeping.care_locale(turn)))
    elif tap.action == listening.SAID:
        turn.say(await variants.say(turn.session, person.id, "listen.said", turn.now))
    elif tap.action == listening.CHECKIN:
        await checkin_feature.show_checkin(turn)
    elif tap.action == listening.WIN:
        kind = listening.win_kind(tap)
        if listening.logged_already(person, tap):  # "yes please" typed, then the button tapped
            turn.say(await variants.say(turn.session, person.id, "listen.win_already", turn.now))
            return
        await checkins.log_win(turn.session, person, turn.now, kind, None)
        listening.note_logged(person, tap)
        listening.note_told(person, tap, turn.now)
        turn.say(await variants.say(turn.session, person.id, f"listen.win_logged.{kind}", turn.now))
    elif tap.action == listening.FEEDBACK:
        await feedback_feature.draft(turn, why=False)  # the reply above said why
    elif tap.action == listening.LOG_FEEDBACK:  # feedback told in words: keep it, make steps
        await feedback_feature.log_told(turn, listening.held_id(tap))
    elif tap.action == listening.PLAN:
        await history_feature.show_plan(turn)
    elif tap.action == listening.MATCH:
        await match_feature.show(turn)
    elif tap.action == listening.PREPARE:
        turn.say_all(
            await listening.vary_all(turn.session, person.id, listening.prepare_replies(), turn.now)
        )
    elif tap.action == listening.HELP:
        await help_feature.show(turn)
    elif tap.action == listening.PAUSE:
        turn.say(checkins.pause(person, turn.now, None))
    else:  # SETUP
        await start_feature.set_up(turn, chosen=True)


@handler
async def on_tap(turn: Turn) -> None:
    query = turn.update.callback_query
    assert query is not None and query.data is not None
    if not turn.private:
        taps.stale(turn)
        return
    message_id = tapped_message_with_buttons(turn.update)
    result = await flows.handle_callback(
        turn.session, turn.rt.flows, turn.person, turn.chat_id, query.data, turn.now, message_id
    )
    if message_id is not None and not result.edited and not result.leave_tapped:
        turn.strip_buttons(message_id)
    if result.stale:
        taps.stale(turn)
        return
    turn.say_all(result.replies)
    if result.follow_up is not None:
        await start_feature.follow_up(turn, result.follow_up)


def register(app: RuntimeApp) -> None:
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(private_text & filters.UpdateType.MESSAGE, on_text))
    app.add_handler(taps.on(listening.TAP, on_listen_tap))
    # Any flow's buttons, any version or run (a stale one is answered there); data no feature
    # claims goes on to handlers.fallback.
    flow_taps = "|".join(spec.flow.taps.pattern for spec in flow_specs().values())
    app.add_handler(CallbackQueryHandler(on_tap, pattern=flow_taps))
