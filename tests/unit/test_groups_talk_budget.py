"""The per-group budget for public answers to members' words (bot.services.groups.TalkBudget)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.groups import TALK_BURST, TALK_WINDOW, TalkBudget

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_a_few_answers_per_window_per_group() -> None:
    budget = TalkBudget()
    assert [budget.allow(-1, NOW) for _ in range(TALK_BURST + 2)] == [True] * TALK_BURST + [
        False,
        False,
    ]
    assert budget.allow(-2, NOW)  # another group has its own
    almost = NOW + TALK_WINDOW - timedelta(seconds=1)
    assert not budget.allow(-1, almost)
    assert budget.allow(-1, NOW + TALK_WINDOW)  # the first answers are a window old


def test_refusals_do_not_extend_the_wait() -> None:
    budget = TalkBudget(burst=1)
    assert budget.allow(-1, NOW)
    for seconds in range(1, 60, 5):
        assert not budget.allow(-1, NOW + timedelta(seconds=seconds))
    assert budget.allow(-1, NOW + TALK_WINDOW)


def test_the_table_stays_small() -> None:
    budget = TalkBudget(max_groups=3)
    for chat in range(10):
        assert budget.allow(-chat - 1, NOW + timedelta(minutes=chat))
    assert len(budget) <= 3
    busy = TalkBudget(burst=1, max_groups=2)
    assert busy.allow(-1, NOW) and busy.allow(-2, NOW) and busy.allow(-3, NOW)
    assert len(busy) <= 2
    assert not busy.allow(-3, NOW)  # the newest is still remembered
