"""/stats and the weekly review's chart: the numbers behind the pictures (issue 8).

Everything here is plain data computed from the person's rows, in their own time zone, so the
charts (bot.services.charts) only draw and tests check the numbers, not pixels. Patterns come
from the same data: where debriefs ended (per stage, the funnel where people drop out), the
reasons that came up most, and how long since the last feedback request went out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CheckIn, FeedbackRequest, PlanAction, Rejection, User, Win
from bot.services.callback_data import PERIOD, WordTap
from bot.services.recurrence import local_day
from bot.services.reflection import STAGES
from bot.services.replies import Button, Number, Ref, RefList, Say
from bot.services.timezones import zone_for

PERIODS: dict[str, int | None] = {"30": 30, "90": 90, "all": None}
DEFAULT_PERIOD = "30"
MIN_POINTS = 3  # fewer check-ins, debriefs, steps and wins than this: a kind word, not a chart
TOP_REASONS = 5
MONTHLY_AFTER_DAYS = 182  # longer periods are bucketed by 30 days instead of weeks
WEEK = 7


@dataclass(frozen=True)
class StatsData:
    """One person's numbers over ``start``..``end`` (local days, inclusive)."""

    period: str
    start: date
    end: date
    moods: list[tuple[date, int]]
    stages: list[tuple[str, int]]  # every stage in funnel order, zeros included
    reasons: list[tuple[str, int]]  # most frequent first
    bucket_days: int
    buckets: list[date]  # first day of each bucket
    done: list[int]  # steps done per bucket
    wins: list[int]  # wins (and interviews) per bucket
    debriefs: int
    feedback_sent_days_ago: int | None  # all time; None when none was ever sent

    @property
    def checkins(self) -> int:
        return len(self.moods)

    @property
    def done_total(self) -> int:
        return sum(self.done)

    @property
    def wins_total(self) -> int:
        return sum(self.wins)

    @property
    def points(self) -> int:
        return self.checkins + self.debriefs + self.done_total + self.wins_total

    @property
    def enough(self) -> bool:
        return self.points >= MIN_POINTS

    @property
    def mood_average(self) -> float | None:
        if not self.moods:
            return None
        return sum(m for _, m in self.moods) / len(self.moods)


@dataclass(frozen=True)
class WeekData:
    """The weekly review's small chart: seven local days."""

    days: list[date]
    moods: list[int | None]
    done: list[int]
    wins: list[int]

    @property
    def enough(self) -> bool:
        return any(m is not None for m in self.moods) or any(self.done) or any(self.wins)


def _since(day: date, zone: str) -> datetime:
    """The UTC instant the local ``day`` begins."""
    return datetime.combine(day, time(0), tzinfo=zone_for(zone)).astimezone(UTC)


def _local(moment: datetime, zone: str) -> date:
    return moment.astimezone(zone_for(zone)).date()


def buckets_for(start: date, end: date) -> tuple[int, list[date]]:
    """Bucket size in days and each bucket's first day, newest bucket ending on ``end``."""
    size = 30 if (end - start).days >= MONTHLY_AFTER_DAYS else WEEK
    firsts: list[date] = []
    first = end - timedelta(days=size - 1)
    while first > start - timedelta(days=size):
        firsts.append(max(first, start))
        first -= timedelta(days=size)
    return size, sorted(firsts)


def _bucket(days: list[date], firsts: list[date]) -> list[int]:
    counts = [0] * len(firsts)
    for day in days:
        for index in range(len(firsts) - 1, -1, -1):
            if day >= firsts[index]:
                counts[index] += 1
                break
    return counts


async def _first_day(session: AsyncSession, user: User, zone: str, today: date) -> date:
    """The earliest local day with any record (for "all"); at least two weeks back."""
    candidates: list[date] = [today - timedelta(days=13)]
    day = (
        await session.execute(select(func.min(CheckIn.day)).where(CheckIn.user_id == user.id))
    ).scalar_one()
    if day is not None:
        candidates.append(day)
    for column, owner in (
        (Rejection.created_at, Rejection.user_id),
        (Win.created_at, Win.user_id),
        (PlanAction.done_at, PlanAction.user_id),
    ):
        moment = (
            await session.execute(select(func.min(column)).where(owner == user.id))
        ).scalar_one()
        if moment is not None:
            candidates.append(_local(_aware(moment), zone))
    return min(candidates)


def _aware(moment: datetime) -> datetime:
    """func.min() bypasses the column type on SQLite, which returns naive UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def gather(session: AsyncSession, user: User, now: datetime, period: str) -> StatsData:
    """The numbers for ``period`` ("30", "90" or "all") up to today, in the person's time zone."""
    zone = user.timezone or "UTC"
    today = local_day(now, zone)
    days = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])
    if days is None:
        start = await _first_day(session, user, zone, today)
    else:
        start = today - timedelta(days=days - 1)
    since = _since(start, zone)
    mood_rows = await session.execute(
        select(CheckIn.day, CheckIn.mood)
        .where(
            CheckIn.user_id == user.id,
            CheckIn.day >= start,
            CheckIn.day <= today,
            CheckIn.mood.is_not(None),
        )
        .order_by(CheckIn.day)
    )
    moods = [(day, int(mood)) for day, mood in mood_rows if mood is not None]
    debrief_rows = list(
        await session.execute(
            select(Rejection.stage, Rejection.reasons).where(
                Rejection.user_id == user.id,
                Rejection.completed_at.is_not(None),
                Rejection.completed_at >= since,
            )
        )
    )
    stage_counts = Counter(stage for stage, _ in debrief_rows if stage)
    reason_counts = Counter(
        reason for _, reasons in debrief_rows for reason in reasons if reason != "not_sure"
    )
    done_at, win_at = await _done_and_wins(session, user.id, since)
    size, firsts = buckets_for(start, today)
    return StatsData(
        period=period if period in PERIODS else DEFAULT_PERIOD,
        start=start,
        end=today,
        moods=moods,
        stages=[(stage, stage_counts[stage]) for stage in STAGES],
        reasons=reason_counts.most_common(TOP_REASONS),
        bucket_days=size,
        buckets=firsts,
        done=_bucket([_local(m, zone) for m in done_at if m is not None], firsts),
        wins=_bucket([_local(m, zone) for m in win_at], firsts),
        debriefs=len(debrief_rows),
        feedback_sent_days_ago=await _feedback_days_ago(session, user.id, now),
    )


async def _done_and_wins(
    session: AsyncSession, user_id: int, since: datetime
) -> tuple[list[datetime | None], list[datetime]]:
    """When steps were marked done and wins logged, since ``since`` (UTC)."""
    done_at = await session.execute(
        select(PlanAction.done_at).where(
            PlanAction.user_id == user_id,
            PlanAction.status == "done",
            PlanAction.done_at >= since,
        )
    )
    win_at = await session.execute(
        select(Win.created_at).where(Win.user_id == user_id, Win.created_at >= since)
    )
    return list(done_at.scalars()), list(win_at.scalars())


async def _feedback_days_ago(session: AsyncSession, user_id: int, now: datetime) -> int | None:
    latest = (
        await session.execute(
            select(func.max(FeedbackRequest.sent_at)).where(FeedbackRequest.user_id == user_id)
        )
    ).scalar_one()
    if latest is None:
        return None
    return max(0, (now - _aware(latest)).days)


async def week(session: AsyncSession, user: User, now: datetime) -> WeekData:
    """The last seven local days, for the weekly review's chart."""
    zone = user.timezone or "UTC"
    today = local_day(now, zone)
    days = [today - timedelta(days=offset) for offset in range(6, -1, -1)]
    since = _since(days[0], zone)
    mood_rows = await session.execute(
        select(CheckIn.day, CheckIn.mood).where(
            CheckIn.user_id == user.id, CheckIn.day >= days[0], CheckIn.day <= today
        )
    )
    by_day = {day: mood for day, mood in mood_rows}
    done_at, win_at = await _done_and_wins(session, user.id, since)
    done = Counter(_local(m, zone) for m in done_at if m is not None)
    wins = Counter(_local(m, zone) for m in win_at)
    return WeekData(
        days=days,
        moods=[by_day.get(day) for day in days],
        done=[done[day] for day in days],
        wins=[wins[day] for day in days],
    )


# --- What the person reads -------------------------------------------------------------------


def patterns(data: StatsData) -> list[Ref]:
    """One line each: where most debriefs ended, the commonest reason, feedback recency."""
    lines: list[Ref] = []
    ended = [(stage, count) for stage, count in data.stages if count]
    if data.debriefs >= 2 and ended:
        stage, count = max(ended, key=lambda pair: pair[1])
        if count >= 2:
            lines.append(
                Ref(
                    "stats.pattern.stage",
                    {
                        "stage": Ref(f"reflection.stage.{stage}"),
                        "count": count,
                        "total": data.debriefs,
                    },
                )
            )
    if data.reasons and data.reasons[0][1] >= 2:
        reason, count = data.reasons[0]
        lines.append(
            Ref(
                "stats.pattern.reason",
                {"reason": Ref(f"reflection.reason.{reason}"), "count": count},
            )
        )
    if data.debriefs:
        if data.feedback_sent_days_ago is None:
            lines.append(Ref("stats.pattern.feedback_never"))
        elif data.feedback_sent_days_ago == 0:
            lines.append(Ref("stats.pattern.feedback_today"))
        elif data.feedback_sent_days_ago >= 14:
            lines.append(
                Ref("stats.pattern.feedback_long_ago", {"count": data.feedback_sent_days_ago})
            )
        else:
            lines.append(
                Ref("stats.pattern.feedback_recent", {"count": data.feedback_sent_days_ago})
            )
    return lines


def summary(data: StatsData) -> Ref:
    """The caption's one line: the period and its counts."""
    average = data.mood_average
    mood = (
        Ref("stats.mood_average", {"mood": Number(average, 1)})
        if average
        else Ref("common.nothing")
    )
    return Ref(
        "stats.summary",
        {
            "period": Ref(f"stats.period.{data.period}"),
            "checkins": data.checkins,
            "mood": mood,
            "debriefs": data.debriefs,
            "done": data.done_total,
            "wins": data.wins_total,
        },
    )


def period_buttons(current: str) -> tuple[tuple[Button, ...], ...]:
    return (
        tuple(
            Button(
                f"stats.buttons.{period}",
                data=PERIOD.pack(WordTap(period)),
                ticked=period == current,
            )
            for period in PERIODS
        ),
    )


def caption(data: StatsData) -> Say:
    """The photo's caption: the summary line, patterns, and the period buttons."""
    lines = [summary(data), *patterns(data)]
    return Say(
        "common.lines",
        {"lines": RefList(tuple(lines), separator="\n")},
        period_buttons(data.period),
    )


def little_data(data: StatsData) -> Say:
    """Too little to draw: say so kindly, and what makes the chart fill up."""
    return Say(
        "stats.little_data",
        {"period": Ref(f"stats.period.{data.period}"), "points": data.points},
        period_buttons(data.period) if data.period != "all" else (),
    )
