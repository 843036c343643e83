"""Chart data from real rows (SQLite and PostgreSQL), and the PNGs they draw: no golden images,
but the numbers, the PNG signature, the pixel size and a sensible byte size."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import CheckIn, FeedbackRequest, PlanAction, Rejection, User, Win
from bot.services import charts, stats

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # 13:00 in Berlin
TEXT = charts.ChartText(
    title="Last 30 days 📊",
    mood="Mood",
    mood_low="low",
    mood_high="good",
    no_mood="No check-ins yet",
    stages="Where debriefs ended",
    no_debriefs="No debriefs",
    reasons="What came up most",
    no_reasons="No reasons",
    progress="Steps done and wins",
    done="steps done",
    wins="wins",
    no_progress="Nothing yet",
    names={"technical": "Technical / task", "tech_depth": "Technical depth"},
)


def _user(user_id: int = 1) -> User:
    return User(
        id=user_id, timezone="Europe/Berlin", language_code="en", created_at=NOW, updated_at=NOW
    )


def _debrief(user_id: int, stage: str, reasons: list[str], at: datetime) -> Rejection:
    return Rejection(
        user_id=user_id,
        stage=stage,
        reasons=reasons,
        went_well=[],
        outside=[],
        answered=[],
        created_at=at,
        updated_at=at,
        completed_at=at,
    )


async def _seeded(db_url: str) -> stats.StatsData:
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session, session.begin():
            user, other = _user(1), _user(2)
            session.add_all([user, other])
            await session.flush()
            for offset, mood in ((0, 4), (1, 2), (5, 3), (29, 5), (30, 1), (45, 1)):
                day = date(2026, 1, 15) - timedelta(days=offset)
                session.add(CheckIn(user_id=1, day=day, mood=mood, created_at=NOW))
            session.add(
                CheckIn(
                    user_id=1, day=date(2026, 1, 14) - timedelta(days=2), mood=None, created_at=NOW
                )
            )
            session.add(CheckIn(user_id=2, day=date(2026, 1, 15), mood=1, created_at=NOW))
            session.add_all(
                [
                    _debrief(1, "technical", ["tech_depth", "nerves"], NOW - timedelta(days=2)),
                    _debrief(1, "technical", ["tech_depth", "not_sure"], NOW - timedelta(days=8)),
                    _debrief(1, "final_round", ["examples"], NOW - timedelta(days=50)),
                    _debrief(2, "offer", ["nerves"], NOW),
                ]
            )
            # An unfinished debrief does not count.
            session.add(
                Rejection(
                    user_id=1,
                    stage="application",
                    reasons=["research"],
                    went_well=[],
                    outside=[],
                    answered=[],
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            for days_ago, status in ((1, "done"), (8, "done"), (9, "open"), (40, "done")):
                at = NOW - timedelta(days=days_ago)
                session.add(
                    PlanAction(
                        user_id=1,
                        reason="nerves",
                        variant=0,
                        status=status,
                        created_at=at,
                        done_at=at if status == "done" else None,
                    )
                )
            for days_ago in (0, 3, 20):
                session.add(Win(user_id=1, kind="win", created_at=NOW - timedelta(days=days_ago)))
            sent = NOW - timedelta(days=6, hours=1)
            session.add(
                FeedbackRequest(
                    user_id=1,
                    recipient="hr",
                    channel="email",
                    tone="warm",
                    status="sent",
                    tags=[],
                    created_at=sent,
                    updated_at=sent,
                    sent_at=sent,
                )
            )
        async with sessions() as session:
            user = await session.get(User, 1)
            assert user is not None
            return await stats.gather(session, user, NOW, "30")
    finally:
        await engine.dispose()


async def test_stats_data_from_rows(db_url: str) -> None:
    data = await _seeded(db_url)
    assert (data.start, data.end) == (date(2025, 12, 17), date(2026, 1, 15))
    assert data.moods == [
        (date(2025, 12, 17), 5),
        (date(2026, 1, 10), 3),
        (date(2026, 1, 14), 2),
        (date(2026, 1, 15), 4),
    ]
    assert data.mood_average == pytest.approx(3.5)
    assert dict(data.stages) == {
        "application": 0,
        "phone_screen": 0,
        "first_interview": 0,
        "technical": 2,
        "final_round": 0,
        "offer": 0,
    }
    assert [stage for stage, _ in data.stages] == list(stats.STAGES)  # funnel order
    assert data.reasons == [("tech_depth", 2), ("nerves", 1)]  # "not sure" is not a reason
    assert data.debriefs == 2
    assert data.bucket_days == 7
    assert data.buckets[-1] == date(2026, 1, 9) and data.buckets[0] == date(2025, 12, 17)
    assert data.done_total == 2 and data.done[-1] == 1 and data.done[-2] == 1
    assert data.wins_total == 3
    assert data.feedback_sent_days_ago == 6
    assert data.enough
    lines = stats.patterns(data)
    assert [ref.key for ref in lines] == [
        "stats.pattern.stage",
        "stats.pattern.reason",
        "stats.pattern.feedback_recent",
    ]
    assert lines[0].params["count"] == 2 and lines[0].params["total"] == 2


async def test_stats_with_nothing_is_not_enough(db_url: str) -> None:
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session, session.begin():
            session.add(_user(5))
        async with sessions() as session:
            user = await session.get(User, 5)
            assert user is not None
            for period in stats.PERIODS:
                data = await stats.gather(session, user, NOW, period)
                assert data.points == 0 and not data.enough
                assert data.feedback_sent_days_ago is None
                assert stats.patterns(data) == []
            week = await stats.week(session, user, NOW)
            assert not week.enough and week.moods == [None] * 7
    finally:
        await engine.dispose()


def test_buckets_cover_the_period() -> None:
    size, firsts = stats.buckets_for(date(2026, 1, 1), date(2026, 1, 30))
    assert size == 7
    assert firsts == [
        date(2026, 1, 1),
        date(2026, 1, 3),
        date(2026, 1, 10),
        date(2026, 1, 17),
        date(2026, 1, 24),
    ]
    size, firsts = stats.buckets_for(date(2025, 1, 1), date(2026, 1, 15))
    assert size == 30 and firsts[0] == date(2025, 1, 1) and len(firsts) == 13


def _data(moods: int, debriefs: bool) -> stats.StatsData:
    end = date(2026, 1, 15)
    start = end - timedelta(days=89)
    size, firsts = stats.buckets_for(start, end)
    return stats.StatsData(
        period="90",
        start=start,
        end=end,
        moods=[(start + timedelta(days=i), 1 + i % 5) for i in range(moods)],
        stages=[(s, 2 if debriefs and s == "technical" else 0) for s in stats.STAGES],
        reasons=[("tech_depth", 2)] if debriefs else [],
        bucket_days=size,
        buckets=firsts,
        done=[i % 3 for i in range(len(firsts))],
        wins=[i % 2 for i in range(len(firsts))],
        debriefs=2 if debriefs else 0,
        feedback_sent_days_ago=None,
    )


@pytest.mark.parametrize(("moods", "debriefs"), [(90, True), (1, False), (0, True)])
@pytest.mark.slow
def test_stats_png_is_valid_phone_sized_and_reasonable(moods: int, debriefs: bool) -> None:
    png = charts.render_stats(_data(moods, debriefs), TEXT)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert charts.png_size(png) == (1080, 1350)
    assert 20_000 < len(png) < 1_000_000


@pytest.mark.slow
def test_week_png_and_thread_safety() -> None:
    days = [date(2026, 1, 9) + timedelta(days=i) for i in range(7)]
    week = stats.WeekData(days, [3, None, 2, 4, None, 5, 4], [0, 1, 0, 0, 2, 0, 1], [1] + [0] * 6)
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(charts.render_week(week, TEXT)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3
    for png in results:
        assert charts.png_size(png) == (1080, 720)
        assert 10_000 < len(png) < 500_000


def test_labels_drop_glyphs_the_font_lacks_and_mean_smooths() -> None:
    assert charts.plain("📊  Last 30 days ✅") == "Last 30 days"
    assert charts.rolling_mean([1, 3, 5], window=2) == [1, 2, 4]
    with pytest.raises(ValueError, match="not a PNG"):
        charts.png_size(b"GIF89a" + bytes(30))


def test_local_days_follow_the_time_zone() -> None:
    late = datetime.combine(date(2026, 1, 15), time(23, 30), tzinfo=UTC)  # 00:30 in Berlin
    assert stats._local(late, "Europe/Berlin") == date(2026, 1, 16)
