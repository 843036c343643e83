"""Business days across weekends and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.services.business_days import add_business_days, business_days_later


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 2), 5, date(2026, 3, 9)),  # Monday -> next Monday
        (date(2026, 3, 4), 5, date(2026, 3, 11)),  # Wednesday -> next Wednesday
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday -> Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday -> Monday
        (date(2026, 3, 8), 5, date(2026, 3, 13)),  # Sunday -> Friday
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
        (date(2026, 12, 31), 2, date(2027, 1, 4)),  # over a year end and a weekend
    ],
)
def test_add_business_days(start: date, days: int, expected: date) -> None:
    assert add_business_days(start, days) == expected


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_days(date(2026, 3, 2), -1)


def test_the_local_date_decides_not_utc() -> None:
    # Friday 23:30 UTC is already Saturday in Tokyo: five business days from Saturday is Friday.
    now = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)
    assert business_days_later(now, "Asia/Tokyo", time(9, 0), 5) == datetime(
        2026, 3, 13, 0, 0, tzinfo=UTC
    )
    # The same instant is still Friday in New York: five business days later is Friday again.
    assert business_days_later(now, "America/New_York", time(9, 0), 5) == datetime(
        2026, 3, 13, 13, 0, tzinfo=UTC
    )


def test_check_in_time_is_kept_across_a_dst_change() -> None:
    # Berlin switches to summer time on 29 March 2026: 09:00 local is 08:00 UTC before, 07:00 after.
    now = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    assert business_days_later(now, "Europe/Berlin", time(9, 0), 5) == datetime(
        2026, 4, 1, 7, 0, tzinfo=UTC
    )
    assert business_days_later(now, "UTC+05:30", None, 1) == datetime(
        2026, 3, 26, 3, 30, tzinfo=UTC
    )
