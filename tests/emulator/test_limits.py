"""Flood limits, driven by a fake clock."""

from __future__ import annotations

from bot.emulator.limits import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_private_chat_allows_a_burst_of_five_then_one_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    assert [limiter.acquire(1, is_group=False) for _ in range(5)] == [None] * 5
    assert limiter.acquire(1, is_group=False) == 1
    clock.now += 1.0
    assert limiter.acquire(1, is_group=False) is None
    assert limiter.acquire(1, is_group=False) == 1


def test_refused_messages_do_not_use_up_the_budget() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    for _ in range(5):
        limiter.acquire(1, is_group=False)
    for _ in range(10):
        assert limiter.acquire(1, is_group=False) == 1
    clock.now += 1.0
    assert limiter.acquire(1, is_group=False) is None


def test_private_chats_are_limited_independently() -> None:
    limiter = RateLimiter(FakeClock())
    for _ in range(5):
        limiter.acquire(1, is_group=False)
    assert limiter.acquire(1, is_group=False) is not None
    assert limiter.acquire(2, is_group=False) is None


def test_group_allows_twenty_per_sliding_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    for _ in range(20):
        assert limiter.acquire(-5, is_group=True) is None
        clock.now += 1.0
    # The first message was sent 20 s ago; it leaves the window 40 s from now.
    assert limiter.acquire(-5, is_group=True) == 40
    clock.now += 40.0
    assert limiter.acquire(-5, is_group=True) is None
    assert limiter.acquire(-5, is_group=True) == 1


def test_overall_limit_is_thirty_per_second_across_chats() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock)
    assert all(limiter.acquire(chat, is_group=False) is None for chat in range(30))
    assert limiter.acquire(99, is_group=False) == 1
    clock.now += 0.1  # three tokens back at 30 per second
    assert [limiter.acquire(100 + n, is_group=False) for n in range(4)] == [None, None, None, 1]


def test_a_group_is_a_chat_too_one_message_a_second_after_a_burst() -> None:
    """Bot API FAQ: about one message a second in any one chat, groups included, on top of
    a group's 20 a minute."""
    clock = FakeClock()
    limiter = RateLimiter(clock)
    assert [limiter.acquire(-5, is_group=True) for _ in range(5)] == [None] * 5
    assert limiter.acquire(-5, is_group=True) == 1
    clock.now += 1.0
    assert limiter.acquire(-5, is_group=True) is None
    assert limiter.acquire(-6, is_group=True) is None  # another group has its own
