"""A transparent keyword tagger for employer feedback: suggests themes the person confirms.

Also tells a generic "we went another direction" reply from one with something to work on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot import yaml_files

KEYWORDS = Path(__file__).with_name("data") / "feedback_keywords.yaml"
TAGS = ("technical", "examples", "communication", "experience", "fit", "research", "nerves")


MAX_FOCUS = 60  # characters of the feedback's own words shown in a step


@dataclass(frozen=True)
class Reading:
    tags: tuple[str, ...]  # in TAGS order
    generic: bool  # a form reply: asking the interviewer may get more


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    """Whole words or phrases; a "*" in a phrase stands for any letters ("erfahr*")."""
    escaped = (r"\w*".join(map(re.escape, _fold(p).split("*"))) for p in phrases)
    words = sorted(escaped, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


def _every_language(node: object) -> list[str]:
    """The words of all languages of one list (``{en: [...], de: [...]}``), a reply may mix them."""
    if not isinstance(node, dict) or not all(
        isinstance(words, list) and all(isinstance(w, str) and w for w in words)
        for words in node.values()
    ):
        raise ValueError("feedback_keywords.yaml: every list must map languages to words")
    return [w for words in node.values() for w in words]


@cache
def _keywords() -> dict[str, Any]:
    """feedback_keywords.yaml, read once for both the tags and the focus rules."""
    data: dict[str, Any] = yaml_files.safe_load(KEYWORDS.read_text(encoding="utf-8"))
    return data


@cache
def _patterns() -> tuple[dict[str, re.Pattern[str]], re.Pattern[str]]:
    data = _keywords()
    tags = {tag: _pattern(_every_language(data["tags"][tag])) for tag in TAGS}
    return tags, _pattern(_every_language(data["generic"]))


@dataclass(frozen=True)
class _Focus:
    connector: re.Pattern[str]
    stop: re.Pattern[str]
    vague: frozenset[str]
    drop_first: frozenset[str]
    not_first: frozenset[str]
    self_explained: frozenset[str]
    max_words: int


@cache
def _focus_rules() -> _Focus:
    data = _keywords()["focus"]
    words = {key: [_fold(w) for w in _every_language(data[key])] for key in _FOCUS_LISTS}
    connectors = sorted(words["connectors"], key=len, reverse=True)
    return _Focus(
        connector=re.compile(r"\s+(?:" + "|".join(map(re.escape, connectors)) + r")\s+"),
        stop=_pattern(words["stops"]),
        vague=frozenset(words["vague"]),
        drop_first=frozenset(words["drop_first"]),
        not_first=frozenset(words["not_first"]),
        self_explained=frozenset(words["self_explained"]),
        max_words=int(data["max_words"]),
    )


_FOCUS_LISTS = ("connectors", "stops", "vague", "drop_first", "not_first", "self_explained")


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """``_fold(text)`` and, for each of its characters, the index in ``text`` it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for piece in _fold(ch):
            out.append(piece)
            where.append(i)
    return "".join(out), where


_WORD = re.compile(r"[^\s\"']+(?:'[^\s\"']+)*")
_QUOTES = str.maketrans("", "", '"\u201c\u201d\u00ab\u00bb')
_CLAUSE_END = re.compile(r"[.;:!?()\n,\u2014\u2013]|\s-\s")


def focus(text: str, tag: str) -> str | None:
    """The feedback's own words for ``tag``, if it names something specific: "they wanted
    more experience with design systems at scale" -> "design systems at scale" (as written)."""
    if tag not in TAGS or not text:
        return None
    rules = _focus_rules()
    folded, where = _folded_with_positions(text[:5000])
    tag_patterns, _ = _patterns()
    for found in tag_patterns[tag].finditer(folded):
        if found.group(0) in rules.self_explained:
            return text[where[found.start()] : where[found.end() - 1] + 1]
        end = _CLAUSE_END.search(folded, found.end())
        clause_end = end.start() if end else len(folded)
        linked = rules.connector.match(folded, found.end(), clause_end)
        if linked is None:
            continue
        stop = rules.stop.search(folded, linked.end(), clause_end)
        spans = [
            w.span()
            for w in _WORD.finditer(folded, linked.end(), stop.start() if stop else clause_end)
        ]
        words = [folded[a:b] for a, b in spans]
        if words and words[0] in rules.drop_first:
            spans, words = spans[1:], words[1:]
        if not words or len(words) > rules.max_words or words[0] in rules.not_first:
            continue
        if all(word in rules.vague for word in words):
            continue
        written = text[where[spans[0][0]] : where[spans[-1][1] - 1] + 1]
        shown = " ".join(written.translate(_QUOTES).split())
        if len(shown) <= MAX_FOCUS:
            return shown
    return None


def read_feedback(text: str) -> Reading:
    folded = _fold(text)
    tag_patterns, generic = _patterns()
    tags = tuple(tag for tag in TAGS if tag_patterns[tag].search(folded))
    is_generic = bool(generic.search(folded)) and len(tags) <= 1
    return Reading(tags, is_generic)
