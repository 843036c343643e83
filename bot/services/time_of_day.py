"""Parse the times of day people type on a phone ("8:15", "8am", "20h", "half past 8", "halb neun").

Used for reminder times and, by `bot.services.timezones`, for "it's 9pm here".
The canonical display is 24-hour "HH:MM" so nobody has to guess am/pm.

Digits are read here; the words people use around them ("half past", "Uhr", "de la noche",
"полдевятого") live per language in `data/time_words.yaml`. A bare hour with no part of the day
("7", "half past 8") is read on the 24-hour clock: 07:00 and 08:30.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import time
from functools import cache
from importlib import resources
from typing import Literal, TypeVar

from bot import yaml_files

__all__ = [
    "TimeReading",
    "find_time_of_day",
    "fold",
    "format_time_of_day",
    "parse_time_of_day",
    "part_of_day",
    "read_time_of_day",
]

# Anything longer than this is not a time of day; bail out before doing real work.
_MAX_LEN = 48
_MAX_PHRASE_WORDS = 4
_DAY = 24 * 60

Precision = Literal["hour", "quarter", "minute"]


@dataclass(frozen=True)
class TimeReading:
    """A time of day and how exactly it was said.

    ``precision`` is "hour" for "9pm" or "20 Uhr" (people round to the hour), "quarter" for
    "half past 8" or "8:45", "minute" for "8:47". ``approximate`` is set by "around 7", "7ish".
    """

    time: time
    precision: Precision
    approximate: bool = False


_CLOCK = re.compile(
    r"""
    (?:
        (?P<hour>\d{1,2}) (?: (?P<sep>[:.h]) (?P<minute>\d{2})? )?   # 8, 8:15, 8.15, 8h15, 20h
      | (?P<packed>\d{3,4})                                        # 0815, 2000, 830(am)
    )
    \s*
    (?: (?P<meridiem>[ap]) \s*\.?\s* m \.? )?                      # am, a.m., a. m., pm
    """,
    re.VERBOSE | re.ASCII,
)
_GLUED_NUMBER = re.compile(r"(?P<number>\d{1,2})(?P<word>[^\d\s:.]\D*)")
_HYPHEN = re.compile(r"(?<=[^\W\d_])[-‐‑–—](?=[^\W\d_])")
_EDGE_PUNCTUATION = ',;!?()"«»“”'
_PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})

_PERIODS = frozenset({"am", "pm", "morning", "afternoon", "evening", "night"})
_SIMPLE_ROLES = frozenset({"skip", "about", "hour_mark", "past", "to", "and", "minus", "without"})


# --- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Number:
    value: int
    minute: int | None = None  # "8:15" is hour 8, minute 15
    digits: bool = False


@dataclass(frozen=True)
class _Role:
    role: str  # one of _SIMPLE_ROLES, a period, "at", "before" or "after"
    # "at", and a period with a usual time ("after work"): minutes after midnight;
    # "before"/"after": minutes from the hour
    minutes: int = 0


_Token = _Number | _Role


@dataclass(frozen=True)
class _Words:
    phrases: dict[str, _Token]  # folded phrase -> meaning, from every language
    glued: tuple[str, ...]  # folded beginnings that may be written onto a number word


def parse_time_of_day(text: str) -> time | None:
    """Return the time of day in `text`, or None when it is not one we are sure about."""
    reading = read_time_of_day(text)
    return None if reading is None else reading.time


def read_time_of_day(text: str) -> TimeReading | None:
    """Like `parse_time_of_day`, with how precisely the time was said."""
    text = text.strip()
    if not text or len(text) > _MAX_LEN:
        return None
    text = _normalize(text)
    clock = _CLOCK.fullmatch(text)
    if clock is not None:  # the common case, and the strictest: "8:15", "8pm", "0815"
        parsed = _clock_token(clock)
        return None if parsed is None else _resolve(list(parsed))
    tokens = _tokenize(text)
    return None if tokens is None else _resolve(tokens)


# A time said inside a sentence ("usually about 7 in the evening after the kids are in bed"):
# read from the stretches of up to this many words, in the first this many characters.
_FIND_WORDS = 6
_FIND_LEN = 240
# What makes a stretch of words a time of day rather than a number ("2 kids", "about 2"): a
# part of the day, am/pm, "Uhr", "half past", "noon", or minutes ("19:30").
_ANCHORS = _PERIODS | {"hour_mark", "past", "to", "before", "after", "at", "minus", "without"}


def find_time_of_day(text: str) -> TimeReading | None:
    """The one time of day said somewhere in ``text``, when it is plainly one: a stretch of
    words that reads as a time and says so (a part of the day, am/pm, "Uhr", minutes), not a
    bare number. Shorter stretches inside a longer one ("half past 8" in "half past 8 in the
    evening") give way to it; two different times ("8pm or 9pm") are no answer."""
    raw = [w for w in (w.strip(_EDGE_PUNCTUATION) for w in text[:_FIND_LEN].split()) if w]
    found: list[tuple[int, int, TimeReading]] = []
    for start in range(len(raw)):
        for end in range(start + 1, min(start + _FIND_WORDS, len(raw)) + 1):
            tokens = _tokenize(_normalize(" ".join(raw[start:end])))
            if tokens is None or not any(_anchors(t) for t in tokens):
                continue
            reading = _resolve(tokens)
            if reading is not None:
                found.append((start, end, reading))
    widest = [
        reading
        for start, end, reading in found
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in found)
    ]
    return widest[0] if len({r.time for r in widest}) == 1 else None


def _anchors(token: _Token) -> bool:
    if isinstance(token, _Number):
        return token.minute is not None
    return token.role in _ANCHORS


# The time suggested for a part of the day named alone ("mornings are best", "abends",
# "вечером"): a check-in time the person sees in the reply and can change in /settings.
PART_TIMES = {"morning": time(8, 0), "afternoon": time(14, 0), "evening": time(19, 0)}


def part_of_day(text: str) -> time | None:
    """:data:`PART_TIMES`' time for an answer that names only a part of the day, with no
    hour ("in the evening please"); None for anything else (a night is no check-in time)."""
    text = text.strip()
    if not text or len(text) > _MAX_LEN:
        return None
    tokens = _tokenize(_normalize(text))
    if tokens is None:
        return None
    roles = [t.role if isinstance(t, _Role) else None for t in tokens]
    periods = {role for role in roles if role in _PERIODS}
    if len(periods) != 1 or any(role not in (*periods, "skip", "about") for role in roles):
        return None
    return PART_TIMES.get(periods.pop())


def format_time_of_day(t: time) -> str:
    """Canonical 24-hour display, e.g. "08:15"."""
    return f"{t.hour:02d}:{t.minute:02d}"


def fold(text: str) -> str:
    """Matching key shared with the data file: no case, no accents, "-" between letters a space."""
    text = _HYPHEN.sub(" ", text.translate(_PUNCTUATION).casefold())
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _normalize(text: str) -> str:
    """Fold width/case and non-ASCII digits so "８ＡＭ" and "٨am" read like "8am"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    digits = (unicodedata.decimal(c, None) if not c.isascii() else None for c in text)
    text = "".join(c if d is None else str(d) for c, d in zip(text, digits, strict=True))
    return " ".join(text.split())


def _clock_token(match: re.Match[str]) -> tuple[_Token, ...] | None:
    """The digits of "8", "8:15", "20h", "0815", "8pm" as a number (and an am/pm marker)."""
    meridiem = match["meridiem"]
    if match["packed"] is not None:
        packed = match["packed"]
        if len(packed) == 3 and meridiem is None:
            return None  # "815" is too easy to mistype; "830am" is clear enough.
        hour, minute = int(packed[:-2]), int(packed[-2:])
        number = _Number(hour, minute, digits=True)
    else:
        if match["sep"] in (":", ".") and match["minute"] is None:
            return None
        minute_text = match["minute"]
        number = _Number(
            int(match["hour"]), None if minute_text is None else int(minute_text), digits=True
        )
    if meridiem is None:
        return (number,)
    return (number, _Role("am" if meridiem == "a" else "pm"))


def _tokenize(text: str) -> list[_Token] | None:
    """Every word must mean something: a number, a known phrase, or digits; else None."""
    words = _words()

    def phrase(parts: list[str]) -> _Token | None:
        folded = fold(" ".join(parts))
        token = words.phrases.get(folded)
        if token is None and len(parts) == 1:
            token = words.phrases.get(folded.rstrip("."))
        return token

    return longest_phrases(
        text, phrase, lambda word: _word_tokens(word, words), longest=_MAX_PHRASE_WORDS
    )


T = TypeVar("T")


def longest_phrases(
    text: str,
    phrase: Callable[[list[str]], T | None],
    word: Callable[[str], Sequence[T] | None],
    *,
    longest: int,
    edges: str = _EDGE_PUNCTUATION,
) -> list[T] | None:
    """``text`` as tokens, reading the longest known phrase (up to ``longest`` words) at each
    place, else one word by ``word``; None as soon as a word means nothing. Shared by times of
    day and durations ("half past 8", "two weeks"). ``edges``: punctuation trimmed off words."""
    raw = [w for w in (w.strip(edges) for w in text.split()) if w]
    tokens: list[T] = []
    i = 0
    while i < len(raw):
        for size in range(min(longest, len(raw) - i), 0, -1):
            token = phrase(raw[i : i + size])
            if token is not None:
                tokens.append(token)
                i += size
                break
        else:
            found = word(raw[i])
            if found is None:
                return None
            tokens.extend(found)
            i += 1
    return tokens


def _word_tokens(word: str, words: _Words) -> tuple[_Token, ...] | None:
    """One word not in the lists: digits ("8:15", "8pm"), "7ish", "20uhr", "полдевятого"."""
    word = word.rstrip(".") if not _CLOCK.fullmatch(word) else word
    clock = _CLOCK.fullmatch(word)
    if clock is not None:
        return _clock_token(clock)
    glued = _GLUED_NUMBER.fullmatch(word)
    if glued is not None:
        suffix = words.phrases.get(fold(glued["word"].lstrip("-")))
        if suffix is not None and isinstance(suffix, _Role):
            return (_Number(int(glued["number"]), digits=True), suffix)
    folded = fold(word)
    for start in words.glued:
        rest = folded.removeprefix(start)
        if rest != folded and isinstance(words.phrases.get(rest), _Number):
            return (words.phrases[start], words.phrases[rest])
    return None


# --- meaning -----------------------------------------------------------------------------------


def _resolve(tokens: list[_Token]) -> TimeReading | None:
    """Turn the tokens into a time: pick out "about" and the part of the day, then the clock."""
    approximate = any(isinstance(t, _Role) and t.role == "about" for t in tokens)
    periods = {t.role for t in tokens if isinstance(t, _Role) and t.role in _PERIODS}
    core = [
        t
        for t in tokens
        if not (isinstance(t, _Role) and (t.role in ("skip", "about") or t.role in _PERIODS))
    ]
    # "Uhr" joins hour and minutes ("8 Uhr 30"); elsewhere it adds nothing ("20 Uhr").
    core = [t for i, t in enumerate(core) if not _loose_hour_mark(core, i)]
    if len(periods) > 1:
        return None
    if not core:  # "after work" alone: the part of the day's usual time, if it has one
        usual = {t.minutes for t in tokens if isinstance(t, _Role) and t.role in _PERIODS}
        if len(usual) != 1 or not (minutes := usual.pop()):
            return None
        clock = _hour_and_minute(minutes // 60, minutes % 60)
        return (
            None
            if clock is None
            else TimeReading(time(minutes // 60, minutes % 60), clock[2], approximate)
        )
    clock = _clock(core)
    if clock is None:
        return None
    stated_hour, minutes, precision = clock
    if periods:
        adjusted = _apply_period(periods.pop(), stated_hour, minutes)
        if adjusted is None:
            return None
        minutes = adjusted
    return TimeReading(time(minutes // 60, minutes % 60), precision, approximate)


def _loose_hour_mark(core: list[_Token], i: int) -> bool:
    token = core[i]
    if not (isinstance(token, _Role) and token.role == "hour_mark"):
        return False
    between = 0 < i < len(core) - 1
    return not (between and isinstance(core[i - 1], _Number) and isinstance(core[i + 1], _Number))


def _clock(core: list[_Token]) -> tuple[int, int, Precision] | None:
    """(the hour as said, minutes after midnight, precision) for the shapes people use."""
    shape = tuple(t.role if isinstance(t, _Role) else "n" for t in core)
    nums = [t for t in core if isinstance(t, _Number)]
    roles = [t for t in core if isinstance(t, _Role)]

    if shape == ("at",):
        return (roles[0].minutes // 60, roles[0].minutes, "hour")
    if shape == ("n",):
        return _hour_and_minute(nums[0].value, nums[0].minute)
    if nums and any(n.minute is not None for n in nums):
        return None  # "8:15" only ever stands alone
    if shape in (("n", "n"), ("n", "and", "n"), ("n", "hour_mark", "n")):
        return _hour_and_minute(nums[0].value, nums[1].value)
    if shape == ("before", "n"):
        return _shifted(nums[0].value, roles[0].minutes)
    if shape == ("n", "after"):
        return _shifted(nums[0].value, roles[0].minutes)
    if shape == ("n", "past", "n"):
        return _shifted(nums[1].value, _minutes(nums[0].value))
    if shape in (("n", "to", "n"), ("without", "n", "n")):
        return _shifted(nums[1].value, -_minutes(nums[0].value))
    if shape == ("n", "minus", "n"):
        return _shifted(nums[0].value, -_minutes(nums[1].value))
    return None


def _minutes(value: int) -> int:
    return value if 1 <= value <= 59 else 10_000  # 10_000 fails the range check in _shifted


def _hour_and_minute(hour: int, minute: int | None) -> tuple[int, int, Precision] | None:
    if hour > 23 or (minute is not None and minute > 59):
        return None
    if minute is None or minute == 0:
        return (hour, hour * 60 + (minute or 0), "hour")
    return (hour, hour * 60 + minute, "quarter" if minute % 15 == 0 else "minute")


def _shifted(hour: int, delta: int) -> tuple[int, int, Precision] | None:
    """The hour moved by `delta` minutes: "halb neun" is 9:00 - 30 = 08:30."""
    if not 0 <= hour <= 24 or abs(delta) >= 60:
        return None
    minutes = (hour * 60 + delta) % _DAY
    return (hour, minutes, "quarter" if delta % 15 == 0 else "minute")


def _apply_period(period: str, stated_hour: int, minutes: int) -> int | None:
    """Put the time in the part of the day said: "9 de la noche" is 21:00, "2 ночи" 02:00."""
    hour, minute = divmod(minutes, 60)
    if period in ("am", "pm", "morning"):
        if not 1 <= stated_hour <= 12:
            return None  # "13pm", "0am"
        hour = hour % 12 + (12 if period == "pm" else 0)
    elif stated_hour <= 12:  # "20 Uhr abends" stays 20:00
        if period == "afternoon":
            hour = hour % 12 + 12
        elif period == "evening":
            hour = 0 if hour in (0, 12) else hour % 12 + 12
        elif hour >= 5:  # night: "11 at night" is 23:00, "2 at night" 02:00
            hour = 0 if hour == 12 else hour + 12
    return hour * 60 + minute


# --- data, loaded once -------------------------------------------------------------------------


@cache
def _words() -> _Words:
    """Read and check time_words.yaml; a bad edit fails loudly at first use, not silently."""
    path = resources.files("bot.services") / "data" / "time_words.yaml"
    data = yaml_files.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("time_words.yaml must map languages to word lists")
    phrases: dict[str, _Token] = {}
    glued: list[str] = []

    def add(phrase: object, token: _Token, language: str) -> None:
        if not isinstance(phrase, str):
            raise ValueError(f"time_words.yaml ({language}): {phrase!r} must be text")
        key = fold(phrase)
        if phrases.setdefault(key, token) != token:
            raise ValueError(f"time_words.yaml ({language}): {phrase!r} means two things")

    for language, section in data.items():
        if not isinstance(section, dict) or not set(section) <= {"numbers", "words", "glued"}:
            raise ValueError(f"time_words.yaml: {language} must have numbers/words/glued")
        for phrase, value in (section.get("numbers") or {}).items():
            if not isinstance(value, int) or not 0 <= value <= 59:
                raise ValueError(f"time_words.yaml ({language}): {phrase!r} must be 0-59")
            add(phrase, _Number(value), language)
        for phrase, role in (section.get("words") or {}).items():
            add(phrase, _parse_role(role, language), language)
        for start in section.get("glued") or ():
            if not isinstance(_lookup_role(phrases, start), _Role):
                raise ValueError(f"time_words.yaml ({language}): glued {start!r} needs a role")
            glued.append(fold(start))
    return _Words(phrases, tuple(glued))


def _lookup_role(phrases: dict[str, _Token], start: object) -> _Token | None:
    return phrases.get(fold(start)) if isinstance(start, str) else None


_ROLE = re.compile(r"(?P<role>at|before|after|morning|afternoon|evening) (?P<value>\S+)")


def _parse_role(role: object, language: str) -> _Role:
    if isinstance(role, str) and (role in _SIMPLE_ROLES or role in _PERIODS):
        return _Role(role)
    match = _ROLE.fullmatch(role) if isinstance(role, str) else None
    if match is not None and match["role"] not in ("before", "after"):
        hours, _, mins = match["value"].partition(":")
        if hours.isdigit() and mins.isdigit() and int(hours) < 24 and int(mins) < 60:
            return _Role(match["role"], int(hours) * 60 + int(mins))
    elif match is not None and re.fullmatch(r"[+-]\d{1,2}", match["value"]):
        delta = int(match["value"])
        if 0 < abs(delta) < 60:
            return _Role(match["role"], delta)
    raise ValueError(f"time_words.yaml ({language}): unknown role {role!r}")
