"""The phrase lists (``data/crisis_phrases.yaml``): explicit and veiled wordings of suicide and
self-harm, each enough on its own for a crisis, with guards for venting idioms.

Matching is at each word start, trying only the patterns that can begin with that word's first
letter (one compiled alternation per letter; a named group per language tells which list fired).
A match that overlaps a guard (a venting idiom with crisis words, "die of embarrassment") does
not count; a real crisis phrase elsewhere in the same message still does.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.services.crisis.normalise import fold

DATA = Path(__file__).resolve().parent.parent / "data"
PHRASES = DATA / "crisis_phrases.yaml"

_ESCAPE = re.compile(r"\\.|%[a-z0-9_]+%|[^\\%]+|%", re.DOTALL)
# Word boundaries. Normalisation deletes combining marks (Devanagari vowel signs included), so every
# letter left is a \w character and these work for all the scripts in the lists.
LEFT = r"(?<!\w)"
RIGHT = r"(?!\w)"


class PhraseError(ValueError):
    """The phrase file is malformed; the message says where."""


def prepare_pattern(source: str, macros: Mapping[str, str]) -> str:
    """Expand ``%macro%`` names and fold the literal parts exactly like messages are folded.

    Escapes such as ``\\w`` and macros are kept as written; the rest is casefolded, stripped of
    accents and apostrophes, so patterns can be written naturally ("möchte", "d’en finir").
    """
    out: list[str] = []
    for piece in _ESCAPE.findall(source):
        if piece.startswith("\\"):
            out.append(piece)
        elif len(piece) > 2 and piece.startswith("%") and piece.endswith("%"):
            name = piece[1:-1]
            if name not in macros:
                raise PhraseError(f"unknown macro %{name}% in {source!r}")
            out.append(macros[name])
        else:
            out.append(fold(piece))
    return "".join(out)


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, or None when any (or unknown).

    Used only to skip patterns that cannot match at a word; None is always safe. Reads the
    pattern with the standard library's own regex parser when it is available.
    """
    try:
        parser = importlib.import_module("re._parser")
        constants = importlib.import_module("re._constants")
        items = parser.parse(pattern)
    except Exception:  # another Python's internals, or a pattern re.compile will report
        return None
    chars, nullable = _first(items, constants)
    return None if chars is None or nullable else frozenset(chars)


def _first(items: Any, c: Any) -> tuple[set[str] | None, bool]:
    """First characters of a parsed sequence, and whether the sequence can match empty."""
    result: set[str] = set()
    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}
    for op, av in items:
        if op is c.LITERAL:
            return result | {chr(av)}, False
        if op is c.IN:
            for kind, value in av:
                if kind is c.LITERAL:
                    result.add(chr(value))
                elif kind is c.RANGE and value[1] - value[0] < 512:
                    result.update(chr(cp) for cp in range(value[0], value[1] + 1))
                else:
                    return None, False
            return result, False
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: only narrows what follows
        if op is c.SUBPATTERN:
            alternatives, can_skip = [av[3]], False
        elif op is c.BRANCH:
            alternatives, can_skip = av[1], False
        elif op in repeats:
            alternatives, can_skip = [av[2]], av[0] == 0
        else:
            return None, False
        for alternative in alternatives:
            chars, nullable = _first(alternative, c)
            if chars is None:
                return None, False
            result |= chars
            can_skip = can_skip or nullable
        if not can_skip:
            return result, False
    return result, True


@dataclass(frozen=True)
class Rules:
    by_first_char: dict[str, re.Pattern[str]]  # the patterns that can start with that character
    other: re.Pattern[str] | None  # the patterns that can start with anything
    guard: re.Pattern[str] | None
    languages: tuple[str, ...]


def strings(node: Any, where: str) -> list[str]:
    if node is None:
        return []
    if not isinstance(node, list) or not all(isinstance(item, str) for item in node):
        raise PhraseError(f"{where} must be a list of strings")
    return list(node)


def language_patterns(node: Any, where: str) -> list[str]:
    """A language's patterns: a list, or a mapping of named lists (direct, indirect, ...)."""
    if isinstance(node, Mapping):
        return [p for key, value in node.items() for p in strings(value, f"{where}.{key}")]
    return strings(node, where)


def alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def grouped(by_language: Mapping[str, list[str]]) -> re.Pattern[str]:
    groups = [f"(?P<{code}>{alternation(ps)})" for code, ps in by_language.items() if ps]
    return re.compile("(?:" + "|".join(groups) + ")" + RIGHT)


def load_phrases(path: Path = PHRASES) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise PhraseError(f"{path.name}: expected a mapping")
    return data


def compile_rules(data: Mapping[str, Any]) -> Rules:
    """Check and compile the phrase file: one regex per possible first character of a match."""
    raw_macros = data.get("macros") or {}
    if not isinstance(raw_macros, Mapping):
        raise PhraseError("macros must be a mapping")
    macros = {str(k): str(v) for k, v in raw_macros.items()}
    languages = data.get("languages")
    if not isinstance(languages, Mapping) or not languages:
        raise PhraseError("languages must be a non-empty mapping")
    prepared: dict[str, list[tuple[str, frozenset[str] | None]]] = {}
    for code, node in languages.items():
        if not re.fullmatch(r"[a-z]{2,3}", str(code)):
            raise PhraseError(f"language code {code!r} must be 2-3 lower-case letters")
        patterns = [prepare_pattern(p, macros) for p in language_patterns(node, str(code))]
        if not patterns:
            raise PhraseError(f"languages.{code} has no patterns")
        for pattern in patterns:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise PhraseError(f"languages.{code}: {pattern!r}: {exc}") from None
            if compiled.groups:
                raise PhraseError(f"languages.{code}: {pattern!r}: use (?:...) groups only")
        prepared[str(code)] = [(p, first_chars(p)) for p in patterns]
    keys = sorted({ch for items in prepared.values() for _, chars in items for ch in chars or ()})
    by_first_char = {
        ch: grouped(
            {
                code: [p for p, chars in items if chars is None or ch in chars]
                for code, items in prepared.items()
            }
        )
        for ch in keys
    }
    anywhere = {
        code: [p for p, chars in items if chars is None] for code, items in prepared.items()
    }
    guards_node = data.get("guards") or {}
    if not isinstance(guards_node, Mapping):
        raise PhraseError("guards must be a mapping of lists")
    guards = [
        prepare_pattern(p, macros)
        for key, value in guards_node.items()
        for p in strings(value, f"guards.{key}")
    ]
    return Rules(
        by_first_char=by_first_char,
        other=grouped(anywhere) if any(anywhere.values()) else None,
        guard=re.compile(f"{LEFT}(?:{alternation(guards)}){RIGHT}") if guards else None,
        languages=tuple(prepared),
    )


@cache
def _rules() -> Rules:
    return compile_rules(load_phrases())


def compiled() -> Rules:
    return _rules()


def guard_spans(rules: Rules, folded: str) -> list[tuple[int, int]]:
    return [g.span() for g in rules.guard.finditer(folded)] if rules.guard else []


def match(rules: Rules, folded: str) -> str | None:
    """The language of the leftmost phrase that does not overlap a venting idiom (a guard),
    or None. ``folded`` is the normalised message."""
    guards: list[tuple[int, int]] | None = None
    position = 0
    for word in folded.split(" "):
        regex = rules.by_first_char.get(word[:1], rules.other)
        found = regex.match(folded, position) if regex is not None else None
        position += len(word) + 1
        if found is None:
            continue
        if guards is None:
            guards = guard_spans(rules, folded)
        start, end = found.span()
        if not any(g_start < end and start < g_end for g_start, g_end in guards):
            return found.lastgroup
    return None
