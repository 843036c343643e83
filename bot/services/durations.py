"""Read how long a person means: "two weeks", "10 days", "a month", "until Monday", "zwei Wochen".

Used by /pause. The words live per language in `data/durations.yaml`; here is only how they fit
together. A month counts as 30 days. Anything we are not sure about is None, so the caller can
show how to say it rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from bot import yaml_files
from bot.services.time_of_day import fold, longest_phrases

__all__ = ["MAX_DAYS", "parse_days", "read_days"]

MAX_DAYS = 365
_MAX_LEN = 60
_MAX_PHRASE_WORDS = 3
_GLUED = re.compile(r"(?P<number>\d{1,3})(?P<unit>[^\W\d_][^\d]*)")
_EDGE_PUNCTUATION = ',;!?.()"«»“”'
_KINDS = ("numbers", "units", "skip", "until", "weekdays", "tomorrow", "and")


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "unit", "skip", "until", "weekday", "tomorrow", "and"
    value: int = 0
    digits: bool = False  # "14" rather than "fourteen"


def parse_days(text: str, today: date, max_days: int = MAX_DAYS) -> int | None:
    """How many days `text` says, 1 to `max_days`; `today` (the person's date) anchors "until"."""
    days = read_days(text, today)
    return days if days is not None and days <= max_days else None


def read_days(text: str, today: date) -> int | None:
    """How many days `text` says (at least 1, no upper limit), or None when unsure."""
    text = text.strip()
    if not text or len(text) > _MAX_LEN:
        return None
    tokens = _tokenize(text)
    if tokens is None:
        return None
    days = _days(tokens, today)
    return days if days is not None and days >= 1 else None


def _tokenize(text: str) -> list[_Token] | None:
    words = _words()
    tokens = longest_phrases(
        fold(text),
        lambda parts: words.get(" ".join(parts)),
        lambda word: _word(word, words),
        longest=_MAX_PHRASE_WORDS,
        edges=_EDGE_PUNCTUATION,
    )
    return None if tokens is None else [t for t in tokens if t.kind != "skip"]


def _word(word: str, words: dict[str, _Token]) -> tuple[_Token, ...] | None:
    """Digits ("14"), or digits written onto a unit ("10d", "2weeks")."""
    if word.isdigit() and word.isascii():
        return (_Token("number", int(word), digits=True),)
    glued = _GLUED.fullmatch(word)
    if glued is not None:
        unit = words.get(glued["unit"])
        if unit is not None and unit.kind == "unit":
            return (_Token("number", int(glued["number"]), digits=True), unit)
    return None


def _days(tokens: list[_Token], today: date) -> int | None:
    kinds = [t.kind for t in tokens]
    if kinds in (["until", "weekday"], ["weekday"]):
        ahead = (tokens[-1].value - today.weekday()) % 7
        return ahead or 7  # "until Monday" on a Monday means next Monday
    if kinds in (["until", "tomorrow"], ["tomorrow"]):
        return 1
    if kinds == ["number"] and tokens[0].digits:
        return tokens[0].value  # "/pause 14": days, as before; "/pause a" is not a length
    total = 0
    groups = _split(tokens)
    if groups is None:
        return None
    for group in groups:
        group_kinds = [t.kind for t in group]
        if group_kinds == ["unit"] and len(groups) == 1:  # "a week" said as just "week"
            total += group[0].value
        elif group_kinds == ["number", "unit"]:
            total += group[0].value * group[1].value
        else:
            return None
    return total


def _split(tokens: list[_Token]) -> list[list[_Token]] | None:
    """ "a week and 3 days" -> [[a, week], [3, days]]; a group ends at its unit."""
    groups: list[list[_Token]] = [[]]
    for token in tokens:
        if token.kind == "and":
            if not groups[-1]:
                return None
            groups.append([])
            continue
        if groups[-1] and groups[-1][-1].kind == "unit":
            groups.append([])
        groups[-1].append(token)
    return groups if groups[-1] else None


@cache
def _words() -> dict[str, _Token]:
    """Read and check durations.yaml; a bad edit fails loudly at first use, not silently."""
    path = resources.files("bot.services") / "data" / "durations.yaml"
    data = yaml_files.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("durations.yaml must map languages to word lists")
    words: dict[str, _Token] = {}
    for language, section in data.items():
        if not isinstance(section, dict) or not set(section) <= set(_KINDS):
            raise ValueError(f"durations.yaml: {language} has an unknown section")
        for kind in _KINDS:
            entries = section.get(kind) or {}
            pairs = entries.items() if isinstance(entries, dict) else ((w, 0) for w in entries)
            singular = {"numbers": "number", "units": "unit", "weekdays": "weekday"}.get(kind, kind)
            for word, value in pairs:
                if not isinstance(word, str) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"durations.yaml ({language}/{kind}): bad entry {word!r}")
                token = _Token(singular, value)
                if words.setdefault(fold(word), token) != token:
                    raise ValueError(f"durations.yaml ({language}): {word!r} means two things")
    return words
