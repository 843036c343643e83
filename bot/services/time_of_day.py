"""Parse the times of day people type on a phone ("8:15", "8am", "20h", "noon").

Used for reminder times and, by `bot.services.timezones`, for "it's 14:30 here".
The canonical display is 24-hour "HH:MM" so nobody has to guess am/pm.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time

# Anything longer than this is not a time of day; bail out before doing real work.
_MAX_LEN = 32

_WORDS = re.compile(r"(?:12\s*)?(?P<word>noon|midday|midnight)")
_WORD_TIMES = {"noon": time(12), "midday": time(12), "midnight": time(0)}

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


def _normalize(text: str) -> str:
    """Fold width/case and non-ASCII digits so "８ＡＭ" and "٨am" read like "8am"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    digits = (unicodedata.decimal(c, None) if not c.isascii() else None for c in text)
    text = "".join(c if d is None else str(d) for c, d in zip(text, digits, strict=True))
    return " ".join(text.split())


def parse_time_of_day(text: str) -> time | None:
    """Return the time of day in `text`, or None when it is not one we are sure about."""
    text = text.strip()
    if not text or len(text) > _MAX_LEN:
        return None
    text = _normalize(text)

    word = _WORDS.fullmatch(text)
    if word is not None:
        return _WORD_TIMES[word["word"]]

    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    meridiem = match["meridiem"]
    if match["packed"] is not None:
        packed = match["packed"]
        if len(packed) == 3 and meridiem is None:
            return None  # "815" is too easy to mistype; "830am" is clear enough.
        hour, minute = int(packed[:-2]), int(packed[-2:])
    else:
        if match["sep"] in (":", ".") and match["minute"] is None:
            return None
        hour, minute = int(match["hour"]), int(match["minute"] or 0)

    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def format_time_of_day(t: time) -> str:
    """Canonical 24-hour display, e.g. "08:15"."""
    return f"{t.hour:02d}:{t.minute:02d}"
