"""When the next check-in or weekly review is due, in the person's own time zone.

Wall-clock times are kept across daylight-saving changes (09:00 stays 09:00). A time that does
not exist on a given day (clocks jump forward over it) is moved forward by the size of the
jump, e.g. 02:30 becomes 03:30; a time that happens twice (clocks go back) uses the first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from bot.services.timezones import zone_for as _zone_for

FREQUENCIES = ("daily", "weekdays", "off")
SATURDAY = 5


@lru_cache(maxsize=1024)
def zone_for(name: str) -> tzinfo:
    """The stored zone's tzinfo, looked up once per name (a burst asks thousands of times)."""
    return _zone_for(name)


def local_instant(day: date, at: time, zone: str) -> datetime:
    """``day`` at ``at`` in ``zone``, as UTC. zoneinfo's fold=0 gives exactly the rule above:
    in a gap the offset from before the jump applies (02:30 → 03:30), in an overlap the first."""
    return datetime.combine(day, at, tzinfo=zone_for(zone)).astimezone(UTC)


def _runs_on(day: date, frequency: str) -> bool:
    return frequency == "daily" or (frequency == "weekdays" and day.weekday() < SATURDAY)


def next_checkin(zone: str, at: time, frequency: str, after: datetime) -> datetime | None:
    """The first check-in strictly after ``after``; None when check-ins are off."""
    if frequency not in ("daily", "weekdays"):
        return None
    tz = zone_for(zone)
    day = after.astimezone(tz).date()
    for offset in range(8):
        candidate_day = day + timedelta(days=offset)
        if not _runs_on(candidate_day, frequency):
            continue
        moment = local_instant(candidate_day, at, zone)
        if moment > after:
            return moment
    raise AssertionError("a week always has a check-in day")


def next_weekly(zone: str, at: time, weekday: int, after: datetime) -> datetime:
    """The first ``weekday`` (0 = Monday) at ``at`` strictly after ``after``."""
    tz = zone_for(zone)
    day = after.astimezone(tz).date()
    for offset in range(15):
        candidate_day = day + timedelta(days=offset)
        if candidate_day.weekday() == weekday:
            moment = local_instant(candidate_day, at, zone)
            if moment > after:
                return moment
    raise AssertionError("a fortnight always has that weekday")


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(zone_for(zone)).date()
