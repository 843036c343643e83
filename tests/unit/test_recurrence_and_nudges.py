"""Pure scheduling maths and nudge choice, with fixed instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.db.models import Nudge, PlanAction
from bot.services.checkins import low_run, trend
from bot.services.nudges import IDEA_VARIANTS, IDEAS, choose, later_today
from bot.services.recurrence import local_instant, next_checkin, next_weekly

T = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731


@pytest.mark.parametrize(
    ("zone", "at", "frequency", "after", "expected"),
    [
        ("Europe/Berlin", time(9), "daily", T(2026, 3, 28, 8, 0), T(2026, 3, 29, 7, 0)),
        ("Europe/Berlin", time(9), "daily", T(2026, 10, 24, 7, 0), T(2026, 10, 25, 8, 0)),
        ("Europe/Berlin", time(9), "weekdays", T(2026, 3, 27, 9, 0), T(2026, 3, 30, 7, 0)),
        ("America/New_York", time(8, 15), "weekdays", T(2026, 3, 6, 14, 0), T(2026, 3, 9, 12, 15)),
        ("Asia/Kolkata", time(7, 30), "daily", T(2026, 3, 1, 1, 59), T(2026, 3, 1, 2, 0)),
        ("UTC+05:45", time(6), "daily", T(2026, 3, 1, 0, 15), T(2026, 3, 2, 0, 15)),
        ("UTC", time(9), "off", T(2026, 3, 1), None),
    ],
)
def test_next_checkin(
    zone: str, at: time, frequency: str, after: datetime, expected: datetime | None
) -> None:
    assert next_checkin(zone, at, frequency, after) == expected


def test_a_time_that_does_not_exist_moves_forward_and_a_repeated_one_uses_the_first() -> None:
    # Berlin skips 02:00-03:00 on 29 March and repeats 02:00-03:00 on 25 October 2026.
    assert local_instant(date(2026, 3, 29), time(2, 30), "Europe/Berlin") == T(2026, 3, 29, 1, 30)
    assert local_instant(date(2026, 10, 25), time(2, 30), "Europe/Berlin") == T(2026, 10, 25, 0, 30)


def test_next_weekly_review() -> None:
    assert next_weekly("Europe/Berlin", time(9), 6, T(2026, 3, 27)) == T(2026, 3, 29, 7, 0)
    assert next_weekly("Europe/Berlin", time(9), 6, T(2026, 3, 29, 7, 0)) == T(2026, 4, 5, 7, 0)


def test_later_today_avoids_quiet_hours() -> None:
    assert later_today(T(2026, 3, 27, 9, 0), "Europe/Berlin", time(9)) == T(2026, 3, 27, 12, 0)
    # 19:00 in Berlin + 3 h would be 22:00: tomorrow at check-in time instead.
    assert later_today(T(2026, 3, 27, 18, 0), "Europe/Berlin", time(9)) == T(2026, 3, 28, 8, 0)


def test_low_run_counts_consecutive_low_days_only() -> None:
    d = lambda day: date(2026, 3, day)  # noqa: E731
    assert low_run([(d(5), 1), (d(4), 2), (d(3), 2), (d(2), 4)]) == 3
    assert low_run([(d(5), 1), (d(3), 2), (d(2), 2)]) == 1  # a gap ends the run
    assert low_run([(d(5), 3), (d(4), 1)]) == 0
    assert low_run([(d(5), None), (d(4), 1)]) == 0


def test_mood_trend_needs_enough_answers() -> None:
    assert trend([4, 4, 5], [2, 3]) == "checkin.weekly.mood_up"
    assert trend([2, 2], [4, 4, 4]) == "checkin.weekly.mood_down"
    assert trend([3, 4], [4, 3, 3]) == "checkin.weekly.mood_same"
    assert trend([5], [1, 1]) == "checkin.weekly.mood_unknown"


NOW = T(2026, 3, 27, 9)
WINDOW = timedelta(days=14)


def test_plan_actions_come_first_then_ideas_without_repeats() -> None:
    fresh = PlanAction(id=1, reason="nerves", variant=0, last_nudged_at=None)
    recent = PlanAction(id=2, reason="research", variant=0, last_nudged_at=NOW - timedelta(days=2))
    assert choose([recent, fresh], [], NOW, WINDOW).action is fresh  # type: ignore[union-attr]
    history = [Nudge(idea=IDEAS[0], variant=0, sent_at=NOW - timedelta(days=1))]
    picked = choose([recent], history, NOW, WINDOW)
    assert picked is not None
    assert (picked.idea, picked.variant) != (IDEAS[0], 0)


def test_dropped_ideas_never_return_and_everything_recent_means_nothing() -> None:
    dropped = [
        Nudge(idea=i, variant=0, outcome="dropped", sent_at=NOW - timedelta(days=90)) for i in IDEAS
    ]
    picked = choose([], dropped, NOW, WINDOW)
    assert picked is not None
    assert picked.variant == 1
    everything = [
        Nudge(idea=i, variant=v, sent_at=NOW - timedelta(days=1))
        for i in IDEAS
        for v in range(IDEA_VARIANTS)
    ]
    assert choose([], everything, NOW, WINDOW) is None
