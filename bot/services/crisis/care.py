"""What follows a crisis reply: the opt-in gentle check the next day, and the buttons offered.

The check is an outbox message of its own kind (``CHECK_ON_ME``), scheduled when the person taps
[Check on me tomorrow], at ``CHECK_LOCAL_TIME`` on their next morning (their own time zone; UTC
when none is set). It is never sent to someone who paused check-ins meanwhile (``check_message``
returns None), blocked the bot (the outbox drops messages to inactive people) or deleted their
data (their outbox rows go with them). Nothing here holds any of the words that led to it.

``reply_locale`` picks the language of the answer to words of distress: the language they are
written in, like the replies to other typed words (bot.services.listening.reply_locale).
``care_locale`` adds the person's own language where it is care-only (bot.content
CARE_ONLY_LOCALES): someone whose Telegram is in Ukrainian reads the English interface, and the
care moments, taps included, in Ukrainian. The buttons carry that language (a code, never
words), so a tap is answered in the language of the message it was under.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import DEFAULT_LOCALE, Content
from bot.db.models import ScheduledMessage, User
from bot.services import outbox
from bot.services.callback_data import CARE, CareTap
from bot.services.crisis import (
    HELPLINES_SECTION,
    INTERNATIONAL,
    PRIVATE_FROM_GROUP_KEY,
    REPLY_KEY,
    assess,
    country_for_zone,
    helplines_for,
)
from bot.services.flow_engine import JsonValue
from bot.services.recurrence import local_day, local_instant, zone_for
from bot.services.replies import Button, Ref, Say
from bot.services.understanding import language as text_language

CHECK_ON_ME = "crisis_check"  # outbox kind
CHECK_LOCALE = "locale"  # its payload's one field, when the check is in another language
CHECK_LOCAL_TIME = time(10, 0)
# Before this local hour "tomorrow" means later today: asked at 02:00, checked at 10:00.
NIGHT_ENDS = time(5, 0)
PAUSE_DAYS = 7  # [Pause check-ins]: a week, then they come back (/resume any time sooner)

CHECK_KEY = "crisis.check_on_me"
CHECK_SET_KEY = "crisis.check_set"
NOT_NOW_KEY = "crisis.not_now"
DAY_KEYS = {"better": "crisis.day_better", "same": "crisis.day_same", "hard": "crisis.day_hard"}
APOLOGY = "apology"  # crisis_day_answers.yaml's words of sorry, answered by APOLOGY_KEY first
APOLOGY_KEY = "crisis.no_need_to_apologise"
# A typed answer to the morning check counts as one for this long after it was sent.
DAY_ANSWER_WINDOW = timedelta(hours=12)
_DAY_ANSWERS = Path(__file__).resolve().parent.parent / "data" / "crisis_day_answers.yaml"

# The buttons' data (callback_data.CARE; cr:1:resume, from older buttons, still resumes).
RESUME = CARE.pack(CareTap("resume"))
NOT_NOW = CARE.pack(CareTap("notnow"))
PAUSE = CARE.pack(CareTap("pause"))
TOMORROW = CARE.pack(CareTap("tomorrow"))
SAFE = CARE.pack(CareTap("safe"))
NOT_SAFE = CARE.pack(CareTap("notsafe"))


def zone_of(user: User) -> str:
    return user.timezone or "UTC"


def check_due(user: User, now: datetime) -> datetime:
    """The next morning at CHECK_LOCAL_TIME in the person's zone (later today after midnight)."""
    zone = zone_of(user)
    local_now = now.astimezone(zone_for(zone))
    day = local_day(now, zone)
    if local_now.time() >= NIGHT_ENDS:
        day += timedelta(days=1)
    return local_instant(day, CHECK_LOCAL_TIME, zone)


async def schedule_check(
    session: AsyncSession, user: User, now: datetime, locale: str | None = None
) -> datetime:
    """Schedule the gentle check (one at a time: a second tap moves it, never doubles it).
    ``locale``: the language of the care reply it was asked under, when not their own (Hindi
    from an English Telegram), kept so the check comes in it too. A language code only."""
    await outbox.cancel(session, user.id, CHECK_ON_ME)
    due = check_due(user, now)
    payload: dict[str, JsonValue] | None = {CHECK_LOCALE: locale} if locale else None
    await outbox.schedule(session, user, CHECK_ON_ME, due, now, payload)
    return due


def check_set(user: User, due: datetime) -> Say:
    local = due.astimezone(zone_for(zone_of(user)))
    return Say(CHECK_SET_KEY, {"time": local.strftime("%H:%M")})


def is_paused(user: User, now: datetime) -> bool:
    return user.paused and (user.paused_until is None or user.paused_until > now)


def check_message(user: User, now: datetime, locale: str | None = None) -> Say | None:
    """The next day's message, or None when it must not be sent (paused, inactive). In
    ``locale`` (the language it was asked in, schedule_check), else their own: a care
    moment, in a care-only language too (Ukrainian)."""
    if not user.active or is_paused(user, now):
        return None
    return Say(
        CHECK_KEY,
        locale=locale or user.language,
        buttons=(
            (
                Button("crisis.buttons.day_better", data=CARE.pack(CareTap("day", "better"))),
                Button("crisis.buttons.day_same", data=CARE.pack(CareTap("day", "same"))),
            ),
            (Button("crisis.buttons.day_hard", data=CARE.pack(CareTap("day", "hard"))),),
        ),
    )


CareAction = Literal["resume", "notnow", "pause", "tomorrow", "safe", "notsafe"]


def _tap(action: CareAction, locale: str | None) -> str:
    """A care button's data, naming ``locale`` (the message's language) when one is set."""
    return CARE.pack(CareTap(action, locale))


def resume_button(locale: str | None = None) -> Button:
    return Button("crisis.buttons.resume", data=_tap("resume", locale))


def next_step_buttons(
    user: User | None, now: datetime, flow_open: bool, locale: str | None = None
) -> tuple[tuple[Button, ...], ...]:
    """[Pick up where we left off] when a flow is open, then [Not now], [Pause check-ins] (for
    people whose check-ins are running) and [Check on me tomorrow]. ``locale``: the language
    the message is in, when it is not the person's interface (see the module docstring)."""
    rows: list[tuple[Button, ...]] = []
    if flow_open:
        rows.append((resume_button(locale),))
    rows.append((Button("crisis.buttons.not_now", data=_tap("notnow", locale)),))
    if user is not None and user.onboarded_at is not None and not is_paused(user, now):
        rows.append((Button("crisis.buttons.pause", data=_tap("pause", locale)),))
    rows.append((Button("crisis.buttons.check_tomorrow", data=_tap("tomorrow", locale)),))
    return tuple(rows)


def safety_buttons(locale: str | None = None) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button("crisis.buttons.safe", data=_tap("safe", locale)),
            Button("crisis.buttons.not_safe", data=_tap("notsafe", locale)),
        ),
    )


def care_locale(text: str | None, language: str | None, content: Content) -> str | None:
    """The language of a care moment for someone whose language (user.language, else
    Telegram's) is ``language``: the language ``text`` is written in where Rebound has care
    texts in it (:func:`reply_locale`), else their own, care-only ones included. None when
    that is their interface language anyway."""
    own = content.care_locale(language)
    written = reply_locale(text, own, content) if text else None
    locale = written or own
    return None if locale == content.resolve_locale(language) else locale


def tapped_locale(
    tap: CareTap, language: str | None, content: Content, check: ScheduledMessage | None = None
) -> str | None:
    """The language to answer a care button in: the one it names (the message it was under),
    for the morning check's answers the one the check was sent in (``check``, its outbox
    row), else the person's own care language (:func:`care_locale` without words)."""
    named = tap.detail if tap.action != "day" else None
    if check is not None and tap.action == "day":
        named = check.payload.get(CHECK_LOCALE)
    if isinstance(named, str) and named:
        return None if named == content.resolve_locale(language) else named
    return care_locale(None, language, content)


def reply_locale(text: str, person: str, content: Content) -> str | None:
    """The language to answer words of distress in: the one they are written in when Rebound
    has crisis texts in it and it is not the person's own (``person``), else None (the
    person's locale, English where that has none). A bad moment is not the time to read a
    second language: someone whose Telegram is in English and who writes in Russian is
    answered in Russian. Only a language code comes out; the words are read in memory only.
    Taps carry no words, so they are answered in the person's own locale.

    Short messages often leave the language model unsure, and then the person's own language
    wins; a phrase list of another language that fired ("me corto las venas") names the
    language instead. English's lists are not trusted for this (English words turn up in
    every language: "suicidarme" is not English)."""
    language = text_language.detect(text, person)
    if language == person:
        listed = assess(text).language
        if listed is None or listed in (person, DEFAULT_LOCALE):
            return None
        language = listed
    catalog = content.catalogs.get(language)
    has_crisis_texts = catalog is not None and REPLY_KEY in catalog.texts
    return language if has_crisis_texts else None


@cache
def _day_phrases() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(whole-word pattern, answer) for every phrase in every language, longest first."""
    data = yaml.safe_load(_DAY_ANSWERS.read_text(encoding="utf-8"))
    found = [
        (str(phrase).casefold(), answer)
        for answer, languages in data.items()
        if answer in DAY_KEYS
        for phrases in languages.values()
        for phrase in phrases
    ]
    found.sort(key=lambda item: -len(item[0]))
    return tuple((_whole(p), a) for p, a in found)


def _whole(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


@cache
def _apologies() -> tuple[re.Pattern[str], ...]:
    data = yaml.safe_load(_DAY_ANSWERS.read_text(encoding="utf-8"))
    return tuple(_whole(str(p).casefold()) for ps in data[APOLOGY].values() for p in ps)


def apologised(text: str) -> bool:
    """Whether the answer to the morning check says sorry for the night before ("sorry about
    last night"): the reply says first that there is nothing to be sorry for."""
    lowered = text.casefold()
    return any(pattern.search(lowered) for pattern in _apologies())


def day_answer(text: str) -> str | None:
    """How a typed answer to the morning check says the day is: "better", "same" or "hard"
    (a DAY_KEYS key), or None when it says neither. The longest phrase found decides."""
    lowered = text.casefold()
    for pattern, answer in _day_phrases():
        if pattern.search(lowered):
            return answer
    return None


async def awaiting_day_answer(
    session: AsyncSession, user_id: int, now: datetime
) -> ScheduledMessage | None:
    """This morning's check, sent within DAY_ANSWER_WINDOW and not answered yet."""
    row = await session.scalar(
        select(ScheduledMessage)
        .where(
            ScheduledMessage.user_id == user_id,
            ScheduledMessage.kind == CHECK_ON_ME,
            ScheduledMessage.status == "sent",
            ScheduledMessage.sent_at >= now - DAY_ANSWER_WINDOW,
        )
        .order_by(ScheduledMessage.sent_at.desc())
        .limit(1)
    )
    if row is None or row.payload.get("answered"):
        return None
    return row


async def note_day_answered(session: AsyncSession, user_id: int, now: datetime) -> None:
    """The check was answered (a tap or typed words): later messages are read as usual."""
    row = await awaiting_day_answer(session, user_id, now)
    if row is not None:
        row.payload = {**row.payload, "answered": True}  # how they felt is not kept


def helplines(zone: str | None, app_language: str | None, written: str | None = None) -> Ref:
    """The helplines of the person's country (time zone, else app language), else the
    directory. ``written``: the language of a care moment that is not their app's (Hindi
    typed from an English Telegram), a last guess at the country when neither says anything:
    Tele-MANAS rather than the directory. Never over a time zone that names a country."""
    country = helplines_for(zone, app_language)
    if country == INTERNATIONAL and written and country_for_zone(zone) is None:
        country = helplines_for(None, written)
    return Ref(f"{HELPLINES_SECTION}.{country}")


def private_from_group(
    person: User | None, text: str | None, app_language: str | None, content: Content
) -> Say | None:
    """The care for a member whose words of distress in a group reached the bot, sent to them
    privately, when the bot may write to them there: they started it and have not blocked it
    (or erased their data: then there is no ``person``). Their country's helplines, in the
    language the words are in (else their own). None when only the group can be answered."""
    if person is None or not person.active:
        return None
    language = person.language or app_language
    locale = care_locale(text, language, content)
    lines = helplines(person.timezone, app_language, locale)
    return Say(PRIVATE_FROM_GROUP_KEY, {"helplines": lines}, locale=locale)
