from datetime import time

import pytest

from bot.services.time_of_day import find_time_of_day, format_time_of_day, parse_time_of_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 24-hour clock with the separators people use
        ("8:15", time(8, 15)),
        ("08:15", time(8, 15)),
        ("8.15", time(8, 15)),
        ("8h15", time(8, 15)),
        ("20h", time(20, 0)),
        ("20:00", time(20, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        # bare hours and packed digits
        ("8", time(8, 0)),
        ("08", time(8, 0)),
        ("0", time(0, 0)),
        ("23", time(23, 0)),
        ("0815", time(8, 15)),
        ("2000", time(20, 0)),
        ("0000", time(0, 0)),
        # am / pm
        ("8am", time(8, 0)),
        ("8 am", time(8, 0)),
        ("8 a.m.", time(8, 0)),
        ("8 a.m", time(8, 0)),
        ("8 a. m.", time(8, 0)),
        ("8AM", time(8, 0)),
        ("8pm", time(20, 0)),
        ("8 P.M.", time(20, 0)),
        ("8:30pm", time(20, 30)),
        ("8:30 pm", time(20, 30)),
        ("2.30 pm", time(14, 30)),
        ("830am", time(8, 30)),
        ("1130pm", time(23, 30)),
        ("12am", time(0, 0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12, 0)),
        ("12:45 pm", time(12, 45)),
        # words
        ("noon", time(12, 0)),
        ("Noon", time(12, 0)),
        ("12 noon", time(12, 0)),
        ("midday", time(12, 0)),
        ("midnight", time(0, 0)),
        # surrounding whitespace, full-width and non-ASCII digits
        ("  8:15\n", time(8, 15)),
        ("\t8   am ", time(8, 0)),
        ("８:１５", time(8, 15)),
        ("٨:١٥", time(8, 15)),
    ],
)
def test_accepts(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "25:00",
        "24:00",
        "24",
        "8:75",
        "8:60",
        "13pm",
        "0am",
        "00:30am",
        "20h pm",
        "8:",
        "8.",
        "8:5",
        "815",
        "12345",
        "-8",
        "+8",
        "8:15:30",
        "8am" + " " * 40 + "x",
        "1" * 5000,
        "🙂",
    ],
)
def test_rejects(text: str) -> None:
    assert parse_time_of_day(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(time(8, 15), "08:15"), (time(0, 0), "00:00"), (time(23, 5), "23:05"), (time(12, 0), "12:00")],
)
def test_format_is_24_hour_with_leading_zeros(value: time, expected: str) -> None:
    assert format_time_of_day(value) == expected


@pytest.mark.parametrize("text", ["8:15", "8pm", "noon", "0815", "12am"])
def test_format_round_trips(text: str) -> None:
    parsed = parse_time_of_day(text)
    assert parsed is not None
    assert parse_time_of_day(format_time_of_day(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("usually about 7 in the evening after the kids are in bed", time(19, 0)),
        ("around 7pm after the kids are in bed", time(19, 0)),
        ("half past 8 in the evening would be great", time(20, 30)),  # not 08:30 from inside it
        ("mornings before work, like 7:30 if that works", time(7, 30)),
        ("at noon on my lunch break", time(12, 0)),
        ("um 19 Uhr, wenn die Kinder schlafen", time(19, 0)),
        ("gegen halb neun abends, nach dem Essen", time(20, 30)),
        ("a las 7 de la tarde, cuando los niños duermen", time(19, 0)),
        ("в 7 вечера, когда дети спят", time(19, 0)),
    ],
)
def test_a_time_said_inside_a_sentence_is_found(text: str, expected: time) -> None:
    found = find_time_of_day(text)
    assert found is not None and found.time == expected
    assert parse_time_of_day(text) is None  # the strict reading keeps refusing sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("after work", time(18, 0)),  # alone: the part of the day's usual time
        ("after work, like 7 maybe", time(19, 0)),  # with an hour: 7 after work is 19:00
        ("after dinner, 8ish", time(20, 0)),
        ("before work, 7", time(7, 0)),
        ("at lunch, 1", time(13, 0)),
        ("lunchtime", time(12, 30)),
        ("nach der Arbeit so gegen 7", time(19, 0)),
        ("después del trabajo, a las 7", time(19, 0)),
        ("после работы, часов в 7", time(19, 0)),
    ],
)
def test_a_part_of_the_day_with_a_usual_time_places_a_bare_hour(text: str, expected: time) -> None:
    found = find_time_of_day(text)
    assert found is not None and found.time == expected


@pytest.mark.parametrize(
    "text",
    [
        "I have 2 kids so 7 is fine",  # bare numbers say no time of day
        "I have about 2 hours in the evening",
        "I applied to 3 jobs today",
        "8pm or 9pm",  # two times: no answer
        "after the kids are in bed, so 8",
        "",
    ],
)
def test_no_time_is_found_where_none_is_plainly_said(text: str) -> None:
    assert find_time_of_day(text) is None
