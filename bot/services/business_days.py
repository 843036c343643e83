"""Business-day arithmetic in the person's own time zone (follow-ups skip weekends)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.services.recurrence import local_instant
from bot.services.timezones import zone_for

DEFAULT_TIME = time(9, 0)
SATURDAY = 5


def add_business_days(start: date, days: int) -> date:
    """``days`` weekdays after ``start`` (Saturday and Sunday skipped)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < SATURDAY:
            days -= 1
    return current


def business_days_later(now: datetime, zone: str, at: time | None, days: int) -> datetime:
    """``days`` business days after today in ``zone``, at ``at`` local time, in UTC."""
    day = add_business_days(now.astimezone(zone_for(zone)).date(), days)
    return local_instant(day, at or DEFAULT_TIME, zone)
