"""A transparent keyword tagger for employer feedback: suggests themes the person confirms.

Also tells a generic "we went another direction" reply from one with something to work on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

KEYWORDS = Path(__file__).with_name("data") / "feedback_keywords.yaml"
TAGS = ("technical", "examples", "communication", "experience", "fit", "research", "nerves")


@dataclass(frozen=True)
class Reading:
    tags: tuple[str, ...]  # in TAGS order
    generic: bool  # a form reply: asking the interviewer may get more


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    words = sorted((re.escape(_fold(p)) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


@cache
def _patterns() -> tuple[dict[str, re.Pattern[str]], re.Pattern[str]]:
    data = yaml.safe_load(KEYWORDS.read_text(encoding="utf-8"))
    tags = {tag: _pattern(data["tags"][tag]) for tag in TAGS}
    return tags, _pattern(data["generic"])


def read_feedback(text: str) -> Reading:
    folded = _fold(text)
    tag_patterns, generic = _patterns()
    tags = tuple(tag for tag in TAGS if tag_patterns[tag].search(folded))
    is_generic = bool(generic.search(folded)) and len(tags) <= 1
    return Reading(tags, is_generic)
