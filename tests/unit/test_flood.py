"""Flood control, counted by when each message was sent (its Telegram ``date``)."""

from __future__ import annotations

import pytest

from bot.services.flood import FloodGate

T0 = 1_780_000_000.0  # a Unix time, as Telegram's dates are


def test_normal_pace_is_never_limited() -> None:
    gate = FloodGate(limit=5, window=10, cooldown=20)
    assert [gate.check(1, T0 + t * 2.5) for t in range(100)] == ["ok"] * 100


def test_a_burst_gets_one_warning_then_a_breather_then_is_forgiven() -> None:
    gate = FloodGate(limit=5, window=10, cooldown=20)
    results = [gate.check(1, T0 + 0.1 * i) for i in range(8)]
    assert results == ["ok"] * 5 + ["warn", "quiet", "quiet"]
    assert gate.check(2, T0 + 0.8) == "ok"  # somebody else is unaffected
    assert gate.check(1, T0 + 15.0) == "quiet"  # still in the breather
    assert gate.check(1, T0 + 21.0) == "ok"  # forgiven


def test_a_backlog_handled_at_once_is_counted_by_when_it_was_sent() -> None:
    """After an outage, a minute of one message every 4 s arrives in one rush: the gate sees
    the send times, so nothing trips (counting at handling time, all 15 came at once)."""
    gate = FloodGate(limit=5, window=10, cooldown=20)
    assert [gate.check(1, T0 + 4 * i) for i in range(15)] == ["ok"] * 15


def test_a_message_out_of_order_still_counts() -> None:
    gate = FloodGate(limit=3, window=10, cooldown=20)
    assert [gate.check(1, T0 + t) for t in (5, 6, 7)] == ["ok"] * 3
    assert gate.check(1, T0 + 4) == "warn"  # older than the others, inside their window
    gate = FloodGate(limit=3, window=10, cooldown=20)
    assert [gate.check(1, T0 + t) for t in (20, 21, 22)] == ["ok"] * 3
    assert gate.check(1, T0 + 1) == "ok"  # long before the window: not part of this burst


def test_taps_are_not_counted_but_share_the_breather() -> None:
    gate = FloodGate(limit=3, window=10, cooldown=20)
    assert [gate.check(1, None) for _ in range(10)] == ["ok"] * 10
    assert [gate.check(1, T0 + 0.1 * i) for i in range(4)] == ["ok"] * 3 + ["warn"]
    assert gate.check(1, None) == "quiet"
    assert gate.check(1, T0 + 30) == "ok"  # a message after the breather ends it
    assert gate.check(1, None) == "ok"


@pytest.mark.slow
def test_memory_stays_bounded() -> None:
    gate = FloodGate()
    for user in range(60_000):
        gate.check(user, T0)
    assert gate.tracked() <= 50_000
