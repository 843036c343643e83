"""Flood control with an injected clock."""

from __future__ import annotations

from bot.services.flood import FloodGate


def test_normal_pace_is_never_limited() -> None:
    gate = FloodGate(limit=5, window=10, cooldown=20)
    assert [gate.check(1, t * 2.5) for t in range(100)] == ["ok"] * 100


def test_a_burst_gets_one_warning_then_is_dropped_then_forgiven() -> None:
    gate = FloodGate(limit=5, window=10, cooldown=20)
    results = [gate.check(1, 0.1 * i) for i in range(8)]
    assert results == ["ok"] * 5 + ["warn", "drop", "drop"]
    assert gate.check(2, 0.8) == "ok"  # somebody else is unaffected
    assert gate.check(1, 15.0) == "drop"  # still cooling down
    assert gate.check(1, 21.0) == "ok"  # forgiven


def test_memory_stays_bounded() -> None:
    gate = FloodGate()
    for user in range(60_000):
        gate.check(user, 0.0)
    assert len(gate._people) <= 50_000
