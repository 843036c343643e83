"""Times of day said in words, in the supported languages (data/time_words.yaml)."""

from datetime import time
from importlib import resources

import pytest
import yaml

from bot.services.time_of_day import TimeReading, parse_time_of_day, read_time_of_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English
        ("half past 8", time(8, 30)),
        ("half past eight", time(8, 30)),
        ("Half past 8 in the evening", time(20, 30)),
        ("half eight", time(8, 30)),  # British: 08:30, not German "halb acht"
        ("quarter past 9", time(9, 15)),
        ("a quarter to 9", time(8, 45)),
        ("quarter to 9", time(8, 45)),
        ("quarter to 1 am", time(0, 45)),
        ("quarter to 1 pm", time(12, 45)),
        ("ten past 8", time(8, 10)),
        ("20 to 9", time(8, 40)),
        ("twenty five to nine", time(8, 35)),
        ("7ish", time(7, 0)),
        ("7-ish", time(7, 0)),
        ("around 7", time(7, 0)),
        ("at about 7pm", time(19, 0)),
        ("8 in the morning", time(8, 0)),
        ("8 o'clock in the morning", time(8, 0)),
        ("eight", time(8, 0)),
        ("nine thirty", time(9, 30)),
        ("9 in the evening", time(21, 0)),
        ("11 at night", time(23, 0)),
        ("2 at night", time(2, 0)),
        ("12 at night", time(0, 0)),
        ("6 in the afternoon", time(18, 0)),
        ("at 8pm", time(20, 0)),
        ("8 pm", time(20, 0)),
        ("half past 8 p.m.", time(20, 30)),
        ("noon", time(12, 0)),
        ("at noon", time(12, 0)),
        ("midnight", time(0, 0)),
        ("19h", time(19, 0)),
        ("19h30", time(19, 30)),
        ("8:30.", time(8, 30)),
        # German: "halb neun" is half way TO nine
        ("halb neun", time(8, 30)),
        ("Halb 9", time(8, 30)),
        ("um halb neun", time(8, 30)),
        ("halb neun abends", time(20, 30)),
        ("halb zwölf abends", time(23, 30)),
        ("viertel nach acht", time(8, 15)),
        ("viertel vor neun", time(8, 45)),
        ("dreiviertel neun", time(8, 45)),
        ("viertel neun", time(8, 15)),
        ("zehn nach acht", time(8, 10)),
        ("20 Uhr", time(20, 0)),
        ("20uhr", time(20, 0)),
        ("um 8 Uhr", time(8, 0)),
        ("8 Uhr 30", time(8, 30)),
        ("gegen 7", time(7, 0)),
        ("8 Uhr abends", time(20, 0)),
        ("20 Uhr abends", time(20, 0)),
        ("9 Uhr morgens", time(9, 0)),
        ("Mittag", time(12, 0)),
        ("Mitternacht", time(0, 0)),
        ("zwanzig Uhr", time(20, 0)),
        # Spanish
        ("a las 8 y media", time(8, 30)),
        ("a las ocho y media", time(8, 30)),
        ("9 de la mañana", time(9, 0)),
        ("9 de la manana", time(9, 0)),
        ("a las 9 de la noche", time(21, 0)),
        ("las 8 de la tarde", time(20, 0)),
        ("a las 3 de la madrugada", time(3, 0)),
        ("las 9 menos cuarto", time(8, 45)),
        ("9 y cuarto", time(9, 15)),
        ("8 y 20", time(8, 20)),
        ("9 menos 10", time(8, 50)),
        ("sobre las 7", time(7, 0)),
        ("mediodía", time(12, 0)),
        ("medianoche", time(0, 0)),
        ("a la una", time(1, 0)),
        ("a la una de la tarde", time(13, 0)),
        # Russian
        ("в 9 утра", time(9, 0)),
        ("в 9 вечера", time(21, 0)),
        ("9 вечера", time(21, 0)),
        ("в полдевятого", time(8, 30)),
        ("пол девятого", time(8, 30)),
        ("половина девятого", time(8, 30)),
        ("в половине девятого", time(8, 30)),
        ("четверть девятого", time(8, 15)),
        ("без четверти девять", time(8, 45)),
        ("без десяти девять", time(8, 50)),
        ("в час дня", time(13, 0)),
        ("в 2 часа дня", time(14, 0)),
        ("в 2 часа ночи", time(2, 0)),
        ("в 11 ночи", time(23, 0)),
        ("в 20 часов", time(20, 0)),
        ("9 часов 30 минут", time(9, 30)),
        ("около 7", time(7, 0)),
        ("в полдень", time(12, 0)),
        ("в полночь", time(0, 0)),
        ("полвосьмого вечера", time(19, 30)),
        # French, Portuguese, Ukrainian
        ("à 21h", time(21, 0)),
        ("9 heures et demie", time(9, 30)),
        ("9 heures moins le quart", time(8, 45)),
        ("8 heures du soir", time(20, 0)),
        ("vers 7 heures", time(7, 0)),
        ("midi", time(12, 0)),
        ("às 8 e meia", time(8, 30)),
        ("9 da noite", time(21, 0)),
        ("8 da manhã", time(8, 0)),
        ("meio-dia", time(12, 0)),
        ("meio dia", time(12, 0)),
        ("пів на дев'яту", time(8, 30)),
        ("о пів на дев’яту", time(8, 30)),
        ("о 9 ранку", time(9, 0)),
        ("о 9 вечора", time(21, 0)),
    ],
)
def test_times_in_words(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "half past",
        "halb",
        "quarter to",
        "uhr",
        "around",
        "in the morning",
        "9 in the morning at night",  # two parts of the day
        "13 in the morning",
        "13pm",
        "0am",
        "half past 8:30",
        "halb neun 30",
        "70 to 9",
        "8 y 75",
        "see you at 8",  # a sentence, not a time
        "8 people",
        "Berlin",
        "полдевятого и ещё что-то",
        "пол",
        "x" * 100,
    ],
)
def test_not_times(text: str) -> None:
    assert parse_time_of_day(text) is None


@pytest.mark.parametrize(
    ("text", "precision", "approximate"),
    [
        ("9pm", "hour", False),
        ("20 Uhr", "hour", False),
        ("21:00", "hour", False),
        ("noon", "hour", False),
        ("half past 8", "quarter", False),
        ("halb neun", "quarter", False),
        ("8:45", "quarter", False),
        ("8:47", "minute", False),
        ("ten past 8", "minute", False),
        ("7ish", "hour", True),
        ("around 8:30", "quarter", True),
        ("gegen 7", "hour", True),
    ],
)
def test_how_precisely_a_time_was_said(text: str, precision: str, approximate: bool) -> None:
    reading = read_time_of_day(text)
    assert isinstance(reading, TimeReading)
    assert (reading.precision, reading.approximate) == (precision, approximate)


def test_word_lists_cover_the_supported_languages() -> None:
    path = resources.files("bot.services") / "data" / "time_words.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert {"en", "de", "es", "ru"} <= set(data)
    for language in ("en", "de", "es", "ru"):
        assert len(data[language]["numbers"]) >= 12
        assert sum(1 for role in data[language]["words"].values() if role.startswith("at ")) >= 2
