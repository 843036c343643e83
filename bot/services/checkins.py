"""Check-ins, wins, pause/resume, low days and the weekly review.

Replies are matched to the mood. A low day (a mood of 1-2, or a low streak that today's answer
has not broken) brings no task and no learning nudge: rest, one self-care idea and an offer to
talk to someone; tasks come back when the mood lifts. Every text sent day after day is picked
least-recently-used per person (bot.services.variants). Nothing here counts a missed day
against anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    FEEDBACK_HELD,
    CheckIn,
    FeedbackRequest,
    Nudge,
    PlanAction,
    Rejection,
    User,
    VariantUse,
    Win,
)
from bot.services import schedule, variants
from bot.services.callback_data import CHECKIN, CheckinTap
from bot.services.flow_engine import Accepted, Flow, Step, free_text
from bot.services.flows import FlowContext
from bot.services.recurrence import local_day, local_instant
from bot.services.replies import Button, Ref, RefList, Say, When

MOODS = (1, 2, 3, 4, 5)
LOW = 2
LOW_STREAK = 3
WIN_LIMIT = 300
RECENT_DAYS = 14
AWAY_DAYS = 5  # no check-in answered for this many days (a pause, or quiet): no catching up asked
FIRST_REVIEW_AFTER = timedelta(days=7)  # no weekly review in a person's first week


def band(mood: int) -> str:
    return "low" if mood <= LOW else "mid" if mood == 3 else "high"


def prompt(variant: int | None = None, key: str = "checkin.prompt") -> Say:
    """How are you today? Five moods and three shortcuts (``key`` picks the wording: the
    usual prompt, the gentler one after a low day, or welcome back after time away)."""
    moods = tuple(
        Button(f"checkin.mood.{m}", data=CHECKIN.pack(CheckinTap("mood", m))) for m in MOODS
    )
    shortcuts = (
        (Button("checkin.buttons.win", data=CHECKIN.pack(CheckinTap("win"))),),
        (
            Button("checkin.buttons.interview", data=CHECKIN.pack(CheckinTap("interview"))),
            Button("checkin.buttons.rejection", data=CHECKIN.pack(CheckinTap("rejection"))),
        ),
    )
    return Say(key, buttons=(moods, *shortcuts), variant=variant)


async def recent_moods(
    session: AsyncSession, user_id: int, limit: int = RECENT_DAYS
) -> list[tuple[date, int | None]]:
    """The latest check-ins, newest first: (local day, mood or None)."""
    query = (
        select(CheckIn.day, CheckIn.mood)
        .where(CheckIn.user_id == user_id)
        .order_by(CheckIn.day.desc())
        .limit(limit)
    )
    return [(day, mood) for day, mood in (await session.execute(query)).all()]


def prompt_key(today: date, recent: list[tuple[date, int | None]]) -> str:
    """Which prompt fits: after a low day, a gentler question; after days away, welcome back."""
    before = [(day, mood) for day, mood in recent if day < today]
    if not before:
        return "checkin.prompt"
    if (today - before[0][0]).days >= AWAY_DAYS:
        return "checkin.prompt_after_pause"
    last_mood = next((m for d, m in before if m is not None and (today - d).days <= 2), None)
    if last_mood is not None and last_mood <= LOW:
        return "checkin.prompt_after_low"
    return "checkin.prompt"


async def daily_prompt(session: AsyncSession, user: User, now: datetime) -> Say:
    """Today's check-in question, in the wording this person has seen least recently."""
    today = local_day(now, user.timezone or "UTC")
    key = prompt_key(today, await recent_moods(session, user.id, 3))
    return prompt(await variants.pick(session, user.id, key, now), key)


# The check-in question's wordings, and the replies that answer a mood: a question shown after
# the last reply, the same local day, is still waiting for its answer.
PROMPT_KEYS = ("checkin.prompt", "checkin.prompt_after_low", "checkin.prompt_after_pause")
MOOD_REPLY_KEYS = (
    "checkin.reply.low",
    "checkin.reply.mid",
    "checkin.reply.high",
    "checkin.low_streak",
)


async def _last_shown(
    session: AsyncSession, user_id: int, keys: tuple[str, ...]
) -> datetime | None:
    query = select(func.max(VariantUse.used_at)).where(
        VariantUse.user_id == user_id, VariantUse.key.in_(keys)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def awaiting_mood(session: AsyncSession, user: User, now: datetime) -> bool:
    """Whether the check-in question ("How are you today?") is the last thing asked and not
    yet answered, so that words typed now ("meh", "not great tbh") are its answer: until the
    person's midnight, however many hours later ("not great, about a 2" at 14:00 answers the
    09:00 question), and until a newer check-in is sent. Read from when each wording was last
    shown (bot.services.variants), no state of its own."""
    asked = await _last_shown(session, user.id, PROMPT_KEYS)
    zone = user.timezone or "UTC"
    if asked is None or asked > now or local_day(asked, zone) != local_day(now, zone):
        return False
    answered = await _last_shown(session, user.id, MOOD_REPLY_KEYS)
    if answered is not None and answered >= asked:
        return False
    query = select(CheckIn.id).where(CheckIn.user_id == user.id, CheckIn.created_at >= asked)
    return (await session.execute(query)).first() is None  # a shortcut tapped since


async def count(session: AsyncSession, user_id: int) -> int:
    query = select(func.count()).where(CheckIn.user_id == user_id)
    return int((await session.execute(query)).scalar_one())


async def record(session: AsyncSession, user: User, now: datetime, mood: int | None) -> CheckIn:
    """Today's check-in (their local day); a second answer the same day updates the mood."""
    today = local_day(now, user.timezone or "UTC")
    query = select(CheckIn).where(CheckIn.user_id == user.id, CheckIn.day == today)
    checkin = (await session.execute(query)).scalar_one_or_none()
    if checkin is None:
        checkin = CheckIn(user_id=user.id, day=today, mood=mood, created_at=now)
        session.add(checkin)
    elif mood is not None:
        checkin.mood = mood
    if mood is not None and mood > LOW:  # the mood lifted: the steps kept on a low day return
        await lift_rest(session, user.id)
    await session.flush()
    return checkin


async def checked_in_today(session: AsyncSession, user: User, now: datetime) -> bool:
    today = local_day(now, user.timezone or "UTC")
    query = select(CheckIn.id).where(CheckIn.user_id == user.id, CheckIn.day == today)
    return (await session.execute(query)).first() is not None


def low_run(moods_newest_first: list[tuple[date, int | None]]) -> int:
    """Consecutive low days up to the latest check-in (a day without a mood ends the run)."""
    run, previous = 0, None
    for day, mood in moods_newest_first:
        if mood is None or mood > LOW or (previous and (previous - day).days != 1):
            break
        run, previous = run + 1, day
    return run


def is_low_day(today: date, recent: list[tuple[date, int | None]]) -> bool:
    """Today's mood is 1-2; or there is no mood yet today and the days up to yesterday were a
    low streak. A better mood today lifts it (tasks come back)."""
    todays = next((mood for day, mood in recent if day == today), None)
    if todays is not None:
        return todays <= LOW
    before = [(day, mood) for day, mood in recent if day < today]
    return bool(before) and (today - before[0][0]).days == 1 and low_run(before) >= LOW_STREAK


async def low_day(session: AsyncSession, user: User, now: datetime) -> bool:
    """Whether today, in the person's own time zone, is a day for rest and no tasks: the
    latest mood told today decides, a check-in's or a finished debrief's (a 1-2 either way);
    with none today, a low streak up to yesterday (:func:`is_low_day`)."""
    zone = user.timezone or "UTC"
    today = local_day(now, zone)
    debrief = await _latest_debrief_mood(session, user.id, local_instant(today, time(0), zone))
    if debrief is not None:
        told_at, mood = debrief
        checked_in = await _last_shown(session, user.id, MOOD_REPLY_KEYS)
        if checked_in is None or checked_in < told_at:  # no check-in mood since the debrief
            return mood <= LOW
    return is_low_day(today, await recent_moods(session, user.id))


async def _latest_debrief_mood(
    session: AsyncSession, user_id: int, since: datetime
) -> tuple[datetime, int] | None:
    """The mood of the latest debrief finished since ``since``, and when it was finished."""
    query = (
        select(Rejection.completed_at, Rejection.mood)
        .where(
            Rejection.user_id == user_id,
            Rejection.completed_at >= since,
            Rejection.mood.is_not(None),
        )
        .order_by(Rejection.completed_at.desc())
        .limit(1)
    )
    found = (await session.execute(query)).first()
    if found is None or found.completed_at is None or found.mood is None:
        return None
    return found.completed_at, int(found.mood)


# A plan step kept for later on a low day (a debrief ending on a mood of 1-2): not in /plan,
# never nudged, until the mood lifts (:func:`lift_rest`).
RESTING = "resting"


async def lift_rest(session: AsyncSession, user_id: int) -> None:
    """The steps kept on a low day come back to the plan: the mood has lifted."""
    await session.execute(
        update(PlanAction)
        .where(PlanAction.user_id == user_id, PlanAction.status == RESTING)
        .values(status="open")
    )


async def low_day_message(session: AsyncSession, user: User, now: datetime, run: int = 1) -> Say:
    """Rest, one self-care idea and an offer to talk to someone: one short message, no task."""
    uid = user.id
    rest = (
        await variants.ref(session, uid, "checkin.low_streak", now, {"days": run})
        if run >= LOW_STREAK
        else await variants.ref(session, uid, "checkin.reply.low", now)
    )
    return Say(
        "checkin.low_day",
        {
            "rest": rest,
            "care": await variants.ref(session, uid, "checkin.self_care", now),
            "talk": await variants.ref(session, uid, "checkin.talk", now),
        },
    )


async def mood_reply(session: AsyncSession, user: User, mood: int, now: datetime) -> list[Say]:
    """The reply to today's mood (already recorded): a low day's rest message after a 1-2,
    else a word matched to the mood; the handler adds a nudge only when it is not a low day."""
    if mood <= LOW:
        run = low_run(await recent_moods(session, user.id))
        return [await low_day_message(session, user, now, max(run, 1))]
    return [await variants.say(session, user.id, f"checkin.reply.{band(mood)}", now)]


async def log_win(
    session: AsyncSession, user: User, now: datetime, kind: str, text: str | None
) -> Win:
    win = Win(user_id=user.id, kind=kind, text=text, created_at=now)
    session.add(win)
    await session.flush()
    return win


async def win_reply(session: AsyncSession, user: User, now: datetime, kind: str = "win") -> Say:
    """The celebration after a win (or an interview) is logged, least recently seen first."""
    key = "checkin.win_interview" if kind == "interview" else "checkin.win_saved"
    return await variants.say(session, user.id, key, now)


# --- Pause --------------------------------------------------------------------------------------


def paused_at(user: User, at: datetime) -> bool:
    """Whether ``user`` had check-ins paused at ``at``: reminders they did not ask for just
    then (a debrief reminder, a snoozed step, the "did they reply?" check) wait too."""
    return user.paused and (user.paused_until is None or user.paused_until > at)


def after_pause(user: User) -> datetime | None:
    """When a reminder held by a pause is due again: the first check-in after it (None for a
    pause with no end, or no check-ins)."""
    return user.next_checkin_at if user.paused_until is not None else None


def pause(user: User, now: datetime, days: int | None) -> Say:
    user.paused = True
    user.paused_until = now + timedelta(days=days) if days else None
    schedule.reschedule(user, now)
    if user.paused_until is None:
        return Say("checkin.paused_open")
    return Say("checkin.paused", {"date": When(user.paused_until, user.timezone or "UTC")})


def resume(user: User, now: datetime) -> Say:
    was_paused = user.paused
    user.paused, user.paused_until = False, None
    schedule.reschedule(user, now)
    if not was_paused:
        return Say("checkin.not_paused")
    if user.next_checkin_at is None:
        return Say("checkin.resumed_no_schedule")
    when = When(user.next_checkin_at, user.timezone or "UTC", "weekday_time")
    return Say("checkin.resumed", {"time": when})


# --- Weekly review ------------------------------------------------------------------------------


async def _moods(session: AsyncSession, user_id: int, start: date, end: date) -> list[int]:
    query = select(CheckIn.mood).where(
        CheckIn.user_id == user_id,
        CheckIn.day >= start,
        CheckIn.day <= end,
        CheckIn.mood.is_not(None),
    )
    return [m for m in (await session.execute(query)).scalars() if m is not None]


def trend(this_week: list[int], last_week: list[int]) -> str:
    if len(this_week) < 2 or len(last_week) < 2:
        return "checkin.weekly.mood_unknown"
    change = sum(this_week) / len(this_week) - sum(last_week) / len(last_week)
    if change >= 0.5:
        return "checkin.weekly.mood_up"
    if change <= -0.5:
        return "checkin.weekly.mood_down"
    return "checkin.weekly.mood_same"


@dataclass(frozen=True)
class WeekCounts:
    """What the person did in the last seven days."""

    checkins: int
    debriefs: int
    feedback_requests: int
    nudges_done: int
    wins: int

    @property
    def anything(self) -> bool:
        return any(
            (self.checkins, self.debriefs, self.feedback_requests, self.nudges_done, self.wins)
        )


async def _count(session: AsyncSession, *where: ColumnElement[bool]) -> int:
    return int((await session.execute(select(func.count()).where(*where))).scalar_one())


async def week_counts(session: AsyncSession, user: User, now: datetime) -> WeekCounts:
    """Check-ins (local days), finished debriefs, feedback requests written, nudges and plan
    steps done, and wins, over the last seven days. A nudge for a plan step counts once: the
    step's done time; a general idea counts in the week it was offered (nudges keep no done
    time)."""
    today = local_day(now, user.timezone or "UTC")
    start, since, uid = today - timedelta(days=6), now - timedelta(days=7), user.id
    steps = await _count(
        session,
        PlanAction.user_id == uid,
        PlanAction.status == "done",
        PlanAction.done_at >= since,
    )
    ideas = await _count(
        session,
        Nudge.user_id == uid,
        Nudge.action_id.is_(None),
        Nudge.outcome == "done",
        Nudge.sent_at >= since,
    )
    return WeekCounts(
        checkins=await _count(
            session, CheckIn.user_id == uid, CheckIn.day >= start, CheckIn.day <= today
        ),
        debriefs=await _count(session, Rejection.user_id == uid, Rejection.completed_at >= since),
        feedback_requests=await _count(
            session,
            FeedbackRequest.user_id == uid,
            FeedbackRequest.created_at >= since,
            FeedbackRequest.status != FEEDBACK_HELD,
        ),
        nudges_done=steps + ideas,
        wins=await _count(session, Win.user_id == uid, Win.created_at >= since),
    )


def too_early_for_review(user: User, now: datetime) -> bool:
    """No review in the person's first week: there is nothing yet to look back on."""
    return user.onboarded_at is not None and now - user.onboarded_at < FIRST_REVIEW_AFTER


async def weekly_review(session: AsyncSession, user: User, now: datetime) -> Say | None:
    """What the person did over the last seven days (only what they did), the mood trend and
    a closing line; a kind word about resting only when nothing at all happened. None during
    the first week after setup."""
    if too_early_for_review(user, now):
        return None
    counts = await week_counts(session, user, now)
    uid = user.id
    if not counts.anything:
        return await variants.say(session, uid, "checkin.weekly.quiet_week", now)
    today = local_day(now, user.timezone or "UTC")
    start, previous = today - timedelta(days=6), today - timedelta(days=13)
    this_week = await _moods(session, uid, start, today)
    last_week = await _moods(session, uid, previous, start - timedelta(days=1))
    lines = [
        Ref(f"checkin.weekly.{name}", {"count": number})
        for name, number in (
            ("checkins", counts.checkins),
            ("debriefs", counts.debriefs),
            ("feedback_requests", counts.feedback_requests),
            ("actions", counts.nudges_done),
            ("wins", counts.wins),
        )
        if number
    ]
    if counts.checkins:
        lines.append(Ref(trend(this_week, last_week)))
    return Say(
        "checkin.weekly_page",
        {
            "intro": await variants.ref(session, uid, "checkin.weekly.intro", now),
            "lines": RefList(tuple(lines), separator="\n"),
            "encouragement": await variants.ref(session, uid, "checkin.weekly.encouragement", now),
        },
    )


# --- /win ---------------------------------------------------------------------------------------

WIN_FLOW = Flow(
    "wn",
    1,
    (
        Step(
            "text",
            "checkin.win_ask",
            parse_text=free_text(WIN_LIMIT, "reflection.trimmed"),
            skippable=True,
        ),
    ),
)


class WinSpec:
    """One question: what's the win? Stored and celebrated."""

    flow = WIN_FLOW

    async def apply(self, ctx: FlowContext, step: str, answer: Accepted) -> None:
        await log_win(ctx.session, ctx.user, ctx.now, "win", answer.value)

    def acknowledge(self, ctx: FlowContext, step: str, answer: Accepted) -> list[Say]:
        return []

    def prompt_params(self, ctx: FlowContext, step: str) -> dict[str, object]:
        return {}

    async def finish(self, ctx: FlowContext) -> list[Say]:
        return [await win_reply(ctx.session, ctx.user, ctx.now)]
