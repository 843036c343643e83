"""How long people mean, in the supported languages (data/durations.yaml)."""

from datetime import date, timedelta

import pytest

from bot.services.durations import MAX_DAYS, parse_days, read_days

SUNDAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("14", 14),
        ("1", 1),
        ("365", 365),
        ("two weeks", 14),
        ("2 weeks", 14),
        ("Two Weeks", 14),
        ("for two weeks", 14),
        ("a week", 7),
        ("week", 7),
        ("1 week", 7),
        ("10 days", 10),
        ("a day", 1),
        ("a month", 30),
        ("3 months", 90),
        ("a year", 365),
        ("a fortnight", 14),
        ("a couple of days", 2),
        ("a few days", 3),
        ("a week and 3 days", 10),
        ("1 week 2 days", 9),
        ("10d", 10),
        ("2w", 14),
        ("2weeks", 14),
        ("for the next 2 weeks please", 14),
        ("tomorrow", 1),
        ("until tomorrow", 1),
        ("zwei Wochen", 14),
        ("für zwei Wochen", 14),
        ("eine Woche", 7),
        ("einen Monat", 30),
        ("3 Tage", 3),
        ("ein paar Tage", 3),
        ("dos semanas", 14),
        ("una semana", 7),
        ("un mes", 30),
        ("10 días", 10),
        ("por dos semanas", 14),
        ("две недели", 14),
        ("на две недели", 14),
        ("неделю", 7),
        ("3 дня", 3),
        ("10 дней", 10),
        ("месяц", 30),
        ("пару дней", 2),
        ("deux semaines", 14),
        ("un mois", 30),
        ("duas semanas", 14),
        ("um mês", 30),
        ("два тижні", 14),
        ("місяць", 30),
    ],
)
def test_lengths(text: str, days: int) -> None:
    assert parse_days(text, SUNDAY) == days


@pytest.mark.parametrize(
    ("text", "today", "days"),
    [
        ("until Monday", SUNDAY, 1),
        ("until monday", SUNDAY + timedelta(days=1), 7),  # on a Monday: next Monday
        ("till Friday", SUNDAY, 5),
        ("until fri", SUNDAY + timedelta(days=5), 7),
        ("monday", SUNDAY + timedelta(days=3), 5),
        ("bis Montag", SUNDAY, 1),
        ("hasta el lunes", SUNDAY, 1),
        ("до понедельника", SUNDAY, 1),
        ("jusqu'à lundi", SUNDAY, 1),
        ("até segunda", SUNDAY, 1),
        ("до понеділка", SUNDAY, 1),
    ],
)
def test_until_a_weekday_counts_from_the_persons_date(text: str, today: date, days: int) -> None:
    assert parse_days(text, today) == days


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "0",
        "0 days",
        "soon",
        "for a bit",
        "a while",
        "weeks 2",
        "days days",
        "and",
        "2 and",
        "-3",
        "1.5 weeks",
        "two",  # two what?
        "a",
        "x" * 500,
        "14 14",
    ],
)
def test_not_lengths(text: str) -> None:
    assert parse_days(text, SUNDAY) is None


def test_cap() -> None:
    assert parse_days("366", SUNDAY) is None
    assert parse_days("2 years", SUNDAY) is None
    assert read_days("2 years", SUNDAY) == 730  # the caller can say "up to a year"
    assert parse_days("13 months", SUNDAY) is None
    assert parse_days("3 weeks", SUNDAY, max_days=14) is None
    assert MAX_DAYS == 365
