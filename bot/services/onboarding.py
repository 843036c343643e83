"""Onboarding and settings: consent first, then time zone, check-in time and frequency.

Both flows share the same questions; settings runs one of them at a time.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import INTERFACE_LOCALES
from bot.db.models import User
from bot.services import flows, listening, reflection, schedule
from bot.services.callback_data import SETTINGS, WordTap
from bot.services.flow_engine import Accepted, Flow, Option, Rejected, Step, options
from bot.services.flows import FlowContext, FlowSpec
from bot.services.replies import Button, Ref, Say
from bot.services.time_of_day import (
    find_time_of_day,
    format_time_of_day,
    parse_time_of_day,
    part_of_day,
)
from bot.services.timezones import (
    ZoneChoice,
    ZoneProblem,
    known_as,
    local_now,
    offset_shown,
    parse_timezone,
    utc_offset_label,
)

FREQUENCIES = ("daily", "weekdays", "off")
SUGGESTED_TIMES = ("08:00", "09:00", "12:30", "18:00", "20:00")
DEFAULT_ZONE = "UTC"
DEFAULT_REVIEW_DAY = 6  # Sunday; changed in /settings
PLACE = "tz_place"  # flow data: the place typed at the zone question, said back at the end


def parse_zone_answer(text: str, now: datetime) -> Accepted | Rejected:
    result = parse_timezone(text, now)
    if isinstance(result, ZoneChoice):
        return Accepted(result.name, shown=result.matched)
    return _zone_problem(result)


def _zone_problem(problem: ZoneProblem) -> Rejected:
    if problem.suggestions:
        return Rejected(
            f"onboarding.timezone_problem.{problem.code}_suggest",
            {"suggestions": ", ".join(problem.suggestions)},
        )
    return Rejected(f"onboarding.timezone_problem.{problem.code}")


def parse_time_answer(text: str, _now: datetime) -> Accepted | Rejected:
    parsed = parse_time_of_day(text) or part_of_day(text)  # "8:15"; "mornings are best"
    if parsed is None:  # "usually about 7 in the evening, after the kids are in bed"
        found = find_time_of_day(text)
        parsed = None if found is None else found.time
    if parsed is None:
        return Rejected("onboarding.time_problem")
    # ``shown`` is what they typed ("about 7 in the evening"): a tapped time is its own label
    return Accepted(format_time_of_day(parsed), shown=text.strip())


CONSENT = Step(
    "consent",
    "onboarding.welcome",
    options=(
        Option("yes", "onboarding.buttons.agree"),
        Option("no", "onboarding.buttons.not_now"),
    ),
    ends_on=frozenset({"no"}),
    invitation=True,
)
TIMEZONE = Step("tz", "onboarding.ask_timezone", parse_text=parse_zone_answer, skippable=True)
CHECKIN_TIME = Step(
    "time",
    "onboarding.ask_time",
    options=tuple(Option(t, t, literal=True) for t in SUGGESTED_TIMES),
    parse_text=parse_time_answer,
    skippable=True,
    columns=3,
)
REVIEW_DAYS = ("0", "1", "2", "3", "4", "5", "6", "off")
REVIEW = Step(
    "review",
    "settings.ask_review",
    options=options("settings.review_day", REVIEW_DAYS),
    columns=4,
)
FREQUENCY = Step(
    "freq",
    "onboarding.ask_frequency",
    options=options("onboarding.frequency", FREQUENCIES),
    columns=3,
)
# The languages Rebound's whole interface speaks, in the order /settings offers them
# (bot.content.INTERFACE_LOCALES; each button is the language's own name,
# settings.language.<code>). Care-only languages (Ukrainian, Hindi...) are never offered.
LANGUAGES = INTERFACE_LOCALES
LANGUAGE = Step("lang", "settings.ask_language", options=options("settings.language", LANGUAGES))


def zone_of(user: User) -> str:
    return user.timezone or DEFAULT_ZONE


def summary(user: User, now: datetime) -> Say:
    """The person's current settings, with buttons to change each."""
    zone = zone_of(user)
    return Say(
        "settings.summary",
        {
            "timezone": user.timezone or Ref("settings.zone_not_set"),
            "local_time": local_now(zone, now).strftime("%H:%M"),
            "checkin_time": (
                format_time_of_day(user.checkin_time)
                if user.checkin_time
                else Ref("settings.time_not_set")
            ),
            "frequency": Ref(f"onboarding.frequency.{user.checkin_frequency or 'off'}"),
            "review": Ref(
                f"settings.review_day.{'off' if user.review_day is None else user.review_day}"
            ),
            # Rendered in the language the summary is read in, which is theirs.
            "language": Ref("settings.this_language"),
        },
        (
            (
                Button("settings.buttons.timezone", data=SETTINGS.pack(WordTap("tz"))),
                Button("settings.buttons.time", data=SETTINGS.pack(WordTap("time"))),
            ),
            (
                Button("settings.buttons.frequency", data=SETTINGS.pack(WordTap("freq"))),
                Button("settings.buttons.review", data=SETTINGS.pack(WordTap("review"))),
            ),
            (
                Button("settings.buttons.language", data=SETTINGS.pack(WordTap("lang"))),
                Button("settings.buttons.done", data=SETTINGS.pack(WordTap("done"))),
            ),
        ),
        locale=user.language,
    )


class _SettingQuestions:
    """What onboarding and /settings share: how answers are stored, confirmed and asked."""

    async def apply(self, ctx: FlowContext, step: str, answer: Accepted) -> None:
        """Store one answer on the person's row, the moment it is given; the place a zone was
        named by ("Manchester") is kept for the summary at the end, which says it back."""
        store(ctx.user, step, _text(answer), ctx.now)
        if step == "tz" and answer.value is not None and answer.shown:
            ctx.data[PLACE] = answer.shown
        elif step == "tz":
            ctx.data.pop(PLACE, None)

    def acknowledge(self, ctx: FlowContext, step: str, answer: Accepted) -> list[Say]:
        return _acknowledge(step, answer, ctx.now)

    def prompt_params(self, ctx: FlowContext, step: str) -> dict[str, object]:
        zone = zone_of(ctx.user)
        return {"local_time": local_now(zone, ctx.now).strftime("%H:%M"), "timezone": zone}


def store(user: User, step: str, value: str | None, now: datetime) -> None:
    """One answer on the person's row, and their schedule redone (the chat's questions and the
    Mini App's settings both land here)."""
    if step == "consent" and value == "yes":
        user.consented_at = now
    elif step == "tz":
        user.timezone = value
    elif step == "time":
        user.checkin_time = None if value is None else time.fromisoformat(value)
    elif step == "freq":
        user.checkin_frequency = value
    elif step == "review":
        user.review_day = None if value in (None, "off") else int(value)
    elif step == "lang" and value in LANGUAGES:
        user.locale = value  # kept: Telegram's language_code no longer decides
    schedule.reschedule(user, now)


def change(user: User, step: str, text: str, now: datetime) -> Rejected | None:
    """A setting typed or picked outside the chat's questions (the Mini App): read as the chat
    reads that answer, then stored; the refusal the chat would give otherwise."""
    if step == "tz":
        answer = parse_zone_answer(text, now)
    elif step == "time":
        answer = parse_time_answer(text, now)
    elif text in {"freq": FREQUENCIES, "review": REVIEW_DAYS, "lang": LANGUAGES}.get(step, ()):
        answer = Accepted(text)
    else:
        return Rejected("webapp.settings.invalid")
    if isinstance(answer, Rejected):
        return answer
    store(user, step, _text(answer), now)
    return None


def _text(answer: Accepted) -> str | None:
    return None if answer.value is None else str(answer.value)


def _acknowledge(step: str, answer: Accepted, now: datetime) -> list[Say]:
    if step == "tz" and answer.value is not None:
        key = "onboarding.ack_offset" if answer.value.startswith("UTC") else "onboarding.ack_zone"
        return [
            Say(
                key,
                {
                    "place": answer.shown,
                    "offset": _zone_shown(answer.value, now),
                    "local_time": local_now(answer.value, now).strftime("%H:%M"),
                },
            )
        ]
    if step == "tz":
        return [Say("onboarding.ack_zone_skipped")]
    if step == "time" and answer.value is not None and answer.shown != answer.value:
        # typed in words ("about 7 in the evening", "8pm"): what it was read as; not for a tap
        return [Say("onboarding.ack_time", {"time": answer.value})]
    return []


def _zone_shown(zone: str, now: datetime) -> str | Ref:
    """What stands in brackets after a place: its offset now ("UTC+01:00"), or, where the
    offset alone would mislead (London in winter is UTC's own), the name people know its time
    by, with the offset ("UK time, now UTC+00:00")."""
    if zone.startswith("UTC"):  # typed as an offset, or "UTC" itself: shown as typed
        return utc_offset_label(zone, now)
    offset = offset_shown(zone, now)
    called = known_as(zone)
    if called is None:
        return offset
    return Ref(f"onboarding.zone_called.{called}", {"offset": offset})


class OnboardingSpec(_SettingQuestions):
    flow = Flow("ob", 1, (CONSENT, TIMEZONE, CHECKIN_TIME, FREQUENCY))

    async def finish(self, ctx: FlowContext) -> list[Say]:
        if ctx.data.get("consent") != "yes":
            return [Say("onboarding.declined")]
        ctx.user.onboarded_at = ctx.now
        if ctx.user.review_day is None:
            ctx.user.review_day = DEFAULT_REVIEW_DAY
        schedule.reschedule(ctx.user, ctx.now)
        place = ctx.data.get(PLACE)
        said = place if isinstance(place, str) else None
        return [summary_done(ctx.user, ctx.now, said), *await _news_waiting(ctx)]


async def _news_waiting(ctx: FlowContext) -> list[Say]:
    """The rejection news someone told before setting up (bot.services.listening), offered
    as a debrief now that they have: their first words are not lost to onboarding. Set-up
    begun from a deep link goes on to what the link asked for instead (/reflect offers this
    same news itself), so nothing is offered twice."""
    if ctx.run.then is not None:
        return []
    record = await reflection.unfinished(ctx.session, ctx.user.id)
    if record is None or not reflection.untouched(record):
        return []
    return [listening.news_offer(record)]


def summary_done(user: User, now: datetime, place: str | None = None) -> Say:
    """The end of set-up: when the check-ins come, and where, said as the zone question's own
    confirmation said it ("Manchester, UK time, UTC+00:00"), never the raw "Europe/London"."""
    if user.checkin_frequency in (None, "off") or user.checkin_time is None:
        return Say("onboarding.done_no_checkins")
    return Say(
        "onboarding.done",
        {
            "checkin_time": format_time_of_day(user.checkin_time),
            "frequency": Ref(f"onboarding.frequency_phrase.{user.checkin_frequency}"),
            "timezone": zone_said(zone_of(user), now, place),
        },
    )


def zone_said(zone: str, now: datetime, place: str | None = None) -> str | Ref:
    """A stored zone as a person says it: the name people know its time by, where the offset
    alone would mislead ("UK time, UTC+00:00"), the place they named with its offset ("Berlin,
    UTC+01:00"), or the offset they typed ("UTC+02:00")."""
    shown = _zone_shown(zone, now)
    if zone.startswith("UTC") or isinstance(shown, Ref):
        return shown
    return f"{place or zone.rpartition('/')[2].replace('_', ' ')}, {shown}"


class SettingsSpec(_SettingQuestions):
    """Change one setting at a time, then show the summary again."""

    flow = Flow("st", 1, (TIMEZONE, CHECKIN_TIME, FREQUENCY, REVIEW, LANGUAGE))

    async def finish(self, ctx: FlowContext) -> list[Say]:
        # In the language they read from now on: a new choice shows at once.
        saved = "settings.language_saved" if "lang" in ctx.data else "settings.saved"
        return [Say(saved, locale=ctx.user.language), summary(ctx.user, ctx.now)]


async def begin_chosen(
    session: AsyncSession,
    spec: FlowSpec,
    user: User,
    chat_id: int,
    now: datetime,
    then: str | None = None,
) -> list[Say]:
    """Set-up begun by the person's own [Set up] (or a yes to it): that is their yes to "Shall
    we set up?", so the welcome is not asked again. One line says what the welcome says (not a
    therapist; what is kept), then the first question."""
    store(user, CONSENT.name, "yes", now)
    first = await flows.start(
        session,
        spec,
        user,
        chat_id,
        now,
        step=spec.flow.after(CONSENT.name),
        data={CONSENT.name: "yes"},
        then=then,
    )
    return [Say("onboarding.chosen"), first]
