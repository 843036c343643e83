"""Texts sent day after day never repeat within two weeks for one person: least-recently-used
variants (bot.services.variants) over a real database, driven through the real check-in, low-day,
nudge and win services for 16 days of daily use."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content import load_content
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import Nudge, PlanAction, User, VariantUse
from bot.render import Renderer
from bot.services import checkins, nudges, variants
from bot.services.replies import Ref, RefList, Say

CONTENT = load_content()
TEXTS = CONTENT.texts("en")
RENDERER = Renderer(TEXTS)
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Berlin
DAYS = 16
TWO_WEEKS = 14
# Keys sent once a day or more: each needs enough versions for two weeks without a repeat.
DAILY = (
    "checkin.prompt",
    "checkin.prompt_after_low",
    "checkin.reply.low",
    "checkin.reply.mid",
    "checkin.reply.high",
    "checkin.low_streak",
    "checkin.self_care",
    "checkin.talk",
    "checkin.nudge_intro",
    "checkin.nudge_general_intro",
    "checkin.nudge_again_intro",
    "checkin.nudge_done",
    "checkin.win_saved",
    "checkin.win_interview",
)


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def person(sessions: async_sessionmaker[AsyncSession], uid: int = 1) -> None:
    async with sessions() as session, session.begin():
        session.add(
            User(
                id=uid,
                timezone="Europe/Berlin",
                checkin_time=time(9, 0),
                checkin_frequency="daily",
                review_day=6,
                onboarded_at=START - timedelta(days=1),
                created_at=START,
                updated_at=START,
            )
        )


def parts(value: object) -> list[tuple[str, str]]:
    """Every (key, rendered text) inside a reply, its Ref parameters included."""
    if isinstance(value, Say | Ref):
        found = [(value.key, TEXTS.render(value.key, _flat(value.params), variant=value.variant))]
        for param in value.params.values():
            found += parts(param)
        return found
    if isinstance(value, RefList):
        return [pair for item in value.items for pair in parts(item)]
    return []


def _flat(params: dict[str, object]) -> dict[str, object]:
    return dict.fromkeys(params, "x")


def test_least_recent_prefers_never_seen_then_the_oldest() -> None:
    rng = random.Random(1)
    old, new = START, START + timedelta(days=1)
    assert variants.least_recent(3, {0: new, 2: new}, rng) == 1
    assert variants.least_recent(3, {0: new, 1: old, 2: new}, rng) == 1
    assert {variants.least_recent(3, {0: old, 1: old, 2: new}, rng) for _ in range(40)} == {0, 1}


async def test_pick_records_the_use_and_cycles_through_every_version(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await person(sessions)
    seen = []
    for day in range(12):
        async with sessions() as session, session.begin():
            now = START + timedelta(days=day)
            seen.append(await variants.pick(session, 1, "checkin.prompt", now, count=5))
    assert sorted(seen[:5]) == [0, 1, 2, 3, 4]  # all five before any comes back
    assert sorted(seen[5:10]) == [0, 1, 2, 3, 4]
    assert seen[5:10] == seen[:5]  # then strictly least-recently-used
    async with sessions() as session:
        rows = (await session.execute(select(VariantUse))).scalars().all()
    assert len(rows) == 5 and {row.key for row in rows} == {"checkin.prompt"}


@pytest.mark.slow
async def test_a_rolled_back_message_is_not_counted_as_seen(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await person(sessions)
    async with sessions() as session:
        async with session.begin():
            await variants.pick(session, 1, "checkin.prompt", START)
        await session.begin()
        await variants.pick(session, 1, "checkin.prompt", START + timedelta(days=1))
        await session.rollback()
    async with sessions() as session:
        assert len((await session.execute(select(VariantUse))).all()) == 1


# Mood per day: good and in-between days, a single low day, a three-day low streak.
MOODS = [4, 3, 5, 2, 4, 1, 2, 2, 3, 5, 4, 3, 2, 4, 5, 3]


async def sixteen_days(
    sessions: async_sessionmaker[AsyncSession],
    uid: int = 1,
    plan: bool = True,
    moods: list[int] = MOODS,
) -> tuple[dict[str, list[tuple[date, str]]], list[list[Say]]]:
    """Sixteen days of a person who checks in every day, gets the nudge (and a snoozed one
    back), marks it done and logs a win and an interview: every daily text, by key. With
    ``plan`` their nudges are steps from a long plan, else general ideas."""
    await person(sessions, uid)
    async with sessions() as session, session.begin():
        for i in range(40 if plan else 0):
            session.add(PlanAction(user_id=uid, reason="nerves", variant=i % 3, created_at=START))
    texts: dict[str, list[tuple[date, str]]] = defaultdict(list)
    days: list[list[Say]] = []
    for day, mood in enumerate(moods):
        now = START + timedelta(days=day)
        sent: list[Say] = []
        async with sessions() as session, session.begin():
            user = await session.get(User, uid)
            assert user is not None
            sent.append(await checkins.daily_prompt(session, user, now))
            await checkins.record(session, user, now, mood)
            sent += await checkins.mood_reply(session, user, mood, now)
            if not await checkins.low_day(session, user, now):
                offer = await nudges.offer(session, user, now, timedelta(days=TWO_WEEKS))
                assert offer is not None
                sent.append(offer)
                latest = select(Nudge).where(Nudge.user_id == uid).order_by(Nudge.id.desc())
                nudge = (await session.execute(latest.limit(1))).scalar_one()
                sent.append(await nudges.again(session, nudge, now + timedelta(hours=3)))
                await nudges.done(session, nudge, now)
                sent.append(await variants.say(session, uid, "checkin.nudge_done", now))
            await checkins.log_win(session, user, now, "win", "a reply")
            sent.append(await checkins.win_reply(session, user, now))
            sent.append(await checkins.win_reply(session, user, now, "interview"))
        days.append(sent)
        for reply in sent:
            for key, text in parts(reply):
                if key in DAILY:
                    texts[key].append((now.date(), text))
    return texts, days


@pytest.mark.slow
async def test_sixteen_days_of_daily_use_repeat_no_sentence_within_two_weeks(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    texts, days = await sixteen_days(sessions, 1, plan=True)
    ideas, idea_days = await sixteen_days(sessions, 2, plan=False)
    assert set(texts) | set(ideas) == set(DAILY)  # every daily key was really sent
    assert len(ideas["checkin.nudge_general_intro"]) == len(texts["checkin.nudge_intro"]) == 11
    for key, uses in [*texts.items(), *ideas.items()]:
        assert_two_weeks_apart(key, uses)
    # Whole messages too: nothing a person reads comes twice within two weeks.
    for person_days in (days, idea_days):
        rendered = [[RENDERER.text(reply) for reply in sent] for sent in person_days]
        for first, earlier in enumerate(rendered):
            for later in rendered[first + 1 : first + TWO_WEEKS]:
                assert not set(earlier) & set(later)


def assert_two_weeks_apart(key: str, uses: list[tuple[date, str]]) -> None:
    last: dict[str, date] = {}
    for day, text in uses:
        if text in last:
            assert (day - last[text]).days >= TWO_WEEKS, f"{key} repeated: {text!r}"
        last[text] = day


@pytest.mark.parametrize("mood", [1, 3, 5])
@pytest.mark.slow
async def test_the_same_mood_every_day_still_reads_fresh(
    sessions: async_sessionmaker[AsyncSession], mood: int
) -> None:
    """The hardest case for one key: sixteen low (or in-between, or good) days in a row, so
    one mood reply, or the low-day lines, come every single day."""
    texts, _days = await sixteen_days(sessions, moods=[mood] * DAYS)
    assert max(len(uses) for uses in texts.values()) == DAYS
    for key, uses in texts.items():
        assert_two_weeks_apart(key, uses)


@pytest.mark.slow
async def test_low_days_bring_rest_and_no_task(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _texts, days = await sixteen_days(sessions)
    for mood, sent in zip(MOODS, days, strict=True):
        keys = [s.key for s in sent]
        if mood <= checkins.LOW:
            assert "checkin.low_day" in keys and "checkin.nudge" not in keys
            [low] = [s for s in sent if s.key == "checkin.low_day"]
            assert not low.buttons
            assert {"rest", "care", "talk"} <= set(low.params)
        else:
            assert "checkin.nudge" in keys and "checkin.low_day" not in keys
    # The third low day in a row says so; the day after a low day is asked gently.
    streak = next(s for s in days[7] if s.key == "checkin.low_day")
    rest = streak.params["rest"]
    assert isinstance(rest, Ref) and rest.key == "checkin.low_streak"
    assert rest.params == {"days": 3}
    assert days[8][0].key == "checkin.prompt_after_low"
    assert days[9][0].key == "checkin.prompt"  # an in-between day lifted it


def test_every_daily_key_has_enough_versions_for_two_weeks() -> None:
    for key in DAILY:
        assert variants.size(key) >= TWO_WEEKS, key
        texts = CONTENT.variants(key, "en")
        assert len(set(texts)) == len(texts), f"{key} has a duplicate version"


def test_a_low_day_is_todays_mood_or_an_unbroken_streak() -> None:
    def d(day: int) -> date:
        return date(2026, 3, day)

    assert checkins.is_low_day(d(5), [(d(5), 2)])
    assert not checkins.is_low_day(d(5), [(d(5), 3), (d(4), 1), (d(3), 1), (d(2), 1)])
    assert checkins.is_low_day(d(5), [(d(4), 1), (d(3), 2), (d(2), 1)])  # no answer yet today
    assert not checkins.is_low_day(d(5), [(d(4), 1), (d(3), 3)])  # one low day: ask first
    assert not checkins.is_low_day(d(6), [(d(4), 1), (d(3), 2), (d(2), 1)])  # a day between
    assert checkins.prompt_key(d(5), [(d(4), 2)]) == "checkin.prompt_after_low"
    assert checkins.prompt_key(d(5), [(d(4), 4)]) == "checkin.prompt"
    assert checkins.prompt_key(d(12), [(d(4), 4)]) == "checkin.prompt_after_pause"
    assert checkins.prompt_key(d(5), []) == "checkin.prompt"


async def test_a_held_nudge_returns_when_the_mood_lifts_unless_its_step_is_done(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await person(sessions)
    window = timedelta(days=TWO_WEEKS)
    async with sessions() as session, session.begin():
        for reason in ("nerves", "research"):
            session.add(PlanAction(user_id=1, reason=reason, variant=0, created_at=START))
    async with sessions() as session, session.begin():
        user = await session.get(User, 1)
        assert user is not None
        first = await nudges.offer(session, user, START, window)
        assert first is not None
        nudge = (await session.execute(select(Nudge))).scalar_one()
        nudge.outcome = "snoozed"
        nudges.hold(nudge)  # it came due on a low day
    async with sessions() as session, session.begin():
        user = await session.get(User, 1)
        assert user is not None
        back = await nudges.offer(session, user, START + timedelta(days=1), window)
        assert back is not None and back.params["step"] == first.params["step"]
        intro = back.params["intro"]
        assert isinstance(intro, Ref) and intro.key == "checkin.nudge_again_intro"
        stored = (await session.execute(select(Nudge))).scalar_one()
        assert stored.outcome is None
        # Held again, but its step is finished from /plan meanwhile: a new step instead.
        stored.outcome = nudges.HELD
        step = await session.get(PlanAction, stored.action_id)
        assert step is not None
        step.status, step.done_at = "done", START
    async with sessions() as session, session.begin():
        user = await session.get(User, 1)
        assert user is not None
        fresh = await nudges.offer(session, user, START + timedelta(days=2), window)
        assert fresh is not None and fresh.params["step"] != first.params["step"]
        outcomes = (await session.execute(select(Nudge.outcome).order_by(Nudge.id))).all()
    assert [o for (o,) in outcomes] == ["done", None]
