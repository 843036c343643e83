"""The callback data codec: round trips, Telegram's 64 bytes, junk and other versions turned
down, and old buttons still read."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.services import callback_data
from bot.services.callback_data import (
    CARE,
    CHECKIN,
    GROUP_SETTINGS,
    STRENGTHS,
    CareTap,
    CheckinTap,
    Codec,
    GroupSettingsTap,
    Number,
    StrengthsTap,
    Token,
    Word,
)


@dataclass(frozen=True)
class Sample:
    verb: str
    number: int | None = None
    note: str | None = None


SAMPLE = Codec(
    "zz", 3, Sample, Word("go", "stop"), Number(optional=True), Token(optional=True, rest=True)
)
JUNK = ["", ":", "::::", "zz", "zz:", "zz:3", "zz:3:", "zz:3:jump", "zz:x:go", "x" * 64, "🙂" * 16]


def test_round_trips_and_leaves_off_what_is_not_there() -> None:
    for tap, data in (
        (Sample("go"), "zz:3:go"),
        (Sample("stop", 42), "zz:3:stop:42"),
        (Sample("go", 7, "a_b"), "zz:3:go:7:a_b"),
    ):
        assert SAMPLE.pack(tap) == data
        assert SAMPLE.parse(data) == tap


def test_refuses_data_over_64_bytes_on_pack_and_on_parse() -> None:
    long = Codec("zz", 1, Sample, Word("go"), Number(), Token(r"[a-z]{1,80}"))
    fits = long.pack(Sample("go", 1, "a" * 54))  # zz:1:go:1: is 10 bytes
    assert len(fits.encode()) == 64 and long.parse(fits) == Sample("go", 1, "a" * 54)
    with pytest.raises(ValueError, match="64 bytes"):
        long.pack(Sample("go", 1, "a" * 55))
    assert long.parse("zz:1:go:1:" + "a" * 55) is None
    wide = Codec("zz", 1, Sample, Word("go"), Number(), Token(r"\w{1,60}"))
    with pytest.raises(ValueError, match="64 bytes"):  # bytes, not characters
        wide.pack(Sample("go", 1, "й" * 28))


def test_refuses_values_that_are_not_the_fields() -> None:
    for bad in (Sample("jump"), Sample("go", -1), Sample("go", 1, "A:B"), Sample("go", None, "x")):
        with pytest.raises(ValueError, match=r"not this field|would not read back"):
            SAMPLE.pack(bad)


def test_turns_down_junk_other_versions_and_other_shapes() -> None:
    for data in [*JUNK, "zz:2:go", "zz:4:go", "zz:03:go", "zz:3:go:x", "zz:3:go:1:B", "yy:3:go"]:
        assert SAMPLE.parse(data) is None, data
    assert SAMPLE.parse(None) is None and SAMPLE.parse(b"zz:3:go") is None
    assert SAMPLE.parse("zz:3:go:１２") is None  # full-width digits are not a number
    assert SAMPLE.parse("zz:3:go:1234567890123") is None  # an id is at most 12 digits


def test_the_pattern_takes_every_version_so_a_stale_tap_reaches_its_feature() -> None:
    import re

    for data in ("zz:3:go", "zz:1:anything", "zz:"):
        assert re.match(SAMPLE.pattern, data)
    for data in ("zzz:3:go", "yy:3:go", "zz"):
        assert re.match(SAMPLE.pattern, data) is None


def test_a_last_field_that_runs_to_the_end_keeps_its_colons() -> None:
    tap = GroupSettingsTap("time", "09:00")
    assert GROUP_SETTINGS.pack(tap) == "gs:1:time:09:00"
    assert GROUP_SETTINGS.parse("gs:1:time:09:00") == tap
    assert GROUP_SETTINGS.parse("gs:1:checkin") == GroupSettingsTap("checkin")
    assert GROUP_SETTINGS.parse("gs:1:time") is None  # a time needs its value
    assert GROUP_SETTINGS.parse("gs:1:checkin:09:00") is None


def test_combinations_the_fields_allow_one_by_one_are_checked_together() -> None:
    assert CHECKIN.parse("ci:1:mood:3") == CheckinTap("mood", 3)
    assert CHECKIN.parse("ci:1:win") == CheckinTap("win")
    for stale in ("ci:1:mood", "ci:1:mood:6", "ci:1:mood:0", "ci:1:win:3", "ci:1:9:999999"):
        assert CHECKIN.parse(stale) is None, stale
    assert STRENGTHS.parse("sg:1:rm:12") == StrengthsTap("rm", "12")
    assert STRENGTHS.parse("sg:1:rm:12").strength_id == 12  # type: ignore[union-attr]
    for stale in ("sg:1:rm:sql", "sg:1:add", "sg:1:new:sql", "sg:1:999999"):
        assert STRENGTHS.parse(stale) is None, stale


def test_buttons_already_in_chats_keep_working() -> None:
    assert CARE.parse("cr:1:resume") == CareTap("resume")  # sent before care's version 2
    assert CARE.parse("cr:2:resume") == CareTap("resume")
    assert CARE.parse("cr:2:day:hard") == CareTap("day", "hard")
    for stale in ("cr:1:safe", "cr:3:resume", "cr:2:x", "cr:2:day"):
        assert CARE.parse(stale) is None, stale
    assert CARE.pack(CareTap("resume")) == "cr:2:resume"


def test_codecs_are_declared_sensibly() -> None:
    with pytest.raises(ValueError, match="prefix"):
        Codec("Z9", 1, Sample, Word("go"))
    with pytest.raises(ValueError, match="optional fields come last"):
        Codec("zz", 1, Sample, Word("go", optional=True), Number())
    with pytest.raises(ValueError, match="only the last field"):
        Codec("zz", 1, Sample, Token(rest=True), Number())
    with pytest.raises(ValueError, match="older layout"):
        Codec("zz", 2, Sample, Word("go"), older=(Codec("yy", 1, Sample, Word("go")),))


def test_every_feature_has_its_own_prefix() -> None:
    codecs = [c for c in vars(callback_data).values() if isinstance(c, Codec)]
    prefixes = [c.prefix for c in codecs]
    assert len(codecs) >= 15 and len(set(prefixes)) == len(prefixes)


def test_the_codecs_take_the_words_the_features_mean() -> None:
    from bot.services import checkins, groups, stats
    from bot.services.crisis import care

    assert callback_data.PERIOD.parse("sx:1:90") == callback_data.WordTap("90")
    assert {p for p in stats.PERIODS if callback_data.PERIOD.parse(f"sx:1:{p}")} == set(
        stats.PERIODS
    )
    assert tuple(callback_data.MOODS) == checkins.MOODS == groups.MOODS
    assert {d for d in care.DAY_KEYS if CARE.parse(f"cr:2:day:{d}")} == set(care.DAY_KEYS)
    assert CARE.parse("cr:2:day:fine") is None
