"""Check-ins, wins, pause/resume and the weekly review.

Replies are matched to the mood; several low days in a row bring a gentler message and a
self-care idea. Nothing here counts a missed day against anyone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CheckIn, PlanAction, User, Win
from bot.services import schedule
from bot.services.flow_engine import Accepted, Flow, Step, free_text
from bot.services.flows import FlowContext
from bot.services.recurrence import local_day
from bot.services.replies import Button, Ref, Say
from bot.services.timezones import zone_for

MOODS = (1, 2, 3, 4, 5)
LOW = 2
LOW_STREAK = 3
SELF_CARE_VARIANTS = 8
WIN_LIMIT = 300


def band(mood: int) -> str:
    return "low" if mood <= LOW else "mid" if mood == 3 else "high"


def prompt(variant: int) -> Say:
    """How are you today? Five moods and three shortcuts."""
    moods = tuple(Button(f"checkin.mood.{m}", data=f"ci:1:mood:{m}") for m in MOODS)
    shortcuts = (
        (Button("checkin.buttons.win", data="ci:1:win"),),
        (
            Button("checkin.buttons.interview", data="ci:1:interview"),
            Button("checkin.buttons.rejection", data="ci:1:rejection"),
        ),
    )
    return Say("checkin.prompt", buttons=(moods, *shortcuts), variant=variant)


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


async def mood_reply(session: AsyncSession, user: User, mood: int) -> list[Say]:
    recent_query = (
        select(CheckIn.day, CheckIn.mood)
        .where(CheckIn.user_id == user.id)
        .order_by(CheckIn.day.desc())
        .limit(14)
    )
    recent = [(day, m) for day, m in (await session.execute(recent_query)).all()]
    seen = await count(session, user.id)
    run = low_run(recent)
    if run >= LOW_STREAK:
        return [
            Say("checkin.low_streak", {"days": run}, variant=seen),
            Say("checkin.self_care", variant=seen % SELF_CARE_VARIANTS),
        ]
    return [Say(f"checkin.reply.{band(mood)}", variant=seen)]


async def log_win(
    session: AsyncSession, user: User, now: datetime, kind: str, text: str | None
) -> Win:
    win = Win(user_id=user.id, kind=kind, text=text, created_at=now)
    session.add(win)
    await session.flush()
    return win


# --- Pause --------------------------------------------------------------------------------------


def pause(user: User, now: datetime, days: int | None) -> Say:
    user.paused = True
    user.paused_until = now + timedelta(days=days) if days else None
    schedule.reschedule(user, now)
    if user.paused_until is None:
        return Say("checkin.paused_open")
    local = user.paused_until.astimezone(zone_for(user.timezone or "UTC"))
    return Say("checkin.paused", {"date": local.strftime("%a %d %b")})


def resume(user: User, now: datetime) -> Say:
    was_paused = user.paused
    user.paused, user.paused_until = False, None
    schedule.reschedule(user, now)
    if not was_paused:
        return Say("checkin.not_paused")
    if user.next_checkin_at is None:
        return Say("checkin.resumed_no_schedule")
    local = user.next_checkin_at.astimezone(zone_for(user.timezone or "UTC"))
    return Say("checkin.resumed", {"time": local.strftime("%a %H:%M")})


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


async def weekly_review(session: AsyncSession, user: User, now: datetime) -> Say:
    """Check-ins, mood trend, wins and steps done over the last seven days."""
    today = local_day(now, user.timezone or "UTC")
    start, previous = today - timedelta(days=6), today - timedelta(days=13)
    days_query = select(func.count()).where(
        CheckIn.user_id == user.id, CheckIn.day >= start, CheckIn.day <= today
    )
    checkins = int((await session.execute(days_query)).scalar_one())
    since = now - timedelta(days=7)
    wins_query = select(func.count()).where(Win.user_id == user.id, Win.created_at >= since)
    wins = int((await session.execute(wins_query)).scalar_one())
    done_query = select(func.count()).where(
        PlanAction.user_id == user.id, PlanAction.status == "done", PlanAction.done_at >= since
    )
    done = int((await session.execute(done_query)).scalar_one())
    seen = checkins + wins + done
    if not seen:
        return Say("checkin.weekly.quiet_week", variant=today.toordinal())
    this_week = await _moods(session, user.id, start, today)
    last_week = await _moods(session, user.id, previous, start - timedelta(days=1))
    return Say(
        "checkin.weekly_page",
        {
            "intro": Ref("checkin.weekly.intro", variant=today.toordinal()),
            "checkins": Ref("checkin.weekly.checkins", {"count": checkins}),
            "mood": Ref(trend(this_week, last_week)),
            "wins": Ref("checkin.weekly.wins", {"count": wins}),
            "actions": Ref("checkin.weekly.actions", {"count": done}),
            "encouragement": Ref("checkin.weekly.encouragement", variant=today.toordinal()),
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
        wins = int(
            (
                await ctx.session.execute(select(func.count()).where(Win.user_id == ctx.user.id))
            ).scalar_one()
        )
        return [Say("checkin.win_saved", variant=wins)]
