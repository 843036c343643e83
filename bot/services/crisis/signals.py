"""Crisis signals (``data/crisis_signals.yaml``): the warning signs clinicians screen for, as
per-language word patterns, combined by rules into a level.

Each category (means, plan, intent, preparation, self_harm, hopeless, finality, burden,
disappear, farewell, death) is one compiled alternation with a named group per language. The
normalised message is cut into clauses at " . "; a rule holds when all its categories occur
within ``window`` consecutive clauses. ``levels.crisis`` rules decide "crisis", then
``levels.unsure`` rules "unsure". A signal overlapping a guard (a venting idiom, from this file
or the phrase file) does not count. A "crisis" in a harmless frame (``frames``: someone else, the
news, an everyday purpose, ...) is lowered to "unsure" (``framed``).

Only category names and clause numbers are kept while deciding: never the words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.services.crisis.phrases import (
    LEFT,
    RIGHT,
    PhraseError,
    alternation,
    first_chars,
    load_phrases,
    prepare_pattern,
    strings,
)

Level = Literal["crisis", "unsure", "none"]
SIGNALS = Path(__file__).resolve().parent.parent / "data" / "crisis_signals.yaml"
CATEGORIES = (
    "wish_dead",
    "final_act",
    "wish",
    "thinking",
    "relief",
    "method",
    "means",
    "place",
    "act",
    "gone",
    "self_harm_act",
    "veiled_act",
    "accident",
    "trapped",
    "plan",
    "intent",
    "preparation",
    "self_harm",
    "hopeless",
    "finality",
    "burden",
    "disappear",
    "farewell",
    "death",
    "resolve",
    "when",
    "settle",
    "after_me",
    "parting",
    "goodbye",
    "last_word",
    "serious",
    "no_need",
    "ingest",
    "injure",
    "body",
    "prefer",
    "how_much",
    "lethal",
    "sleeves",
    "marks",
    "plan_made",
    "calm",
    "date_set",
    "literal",
    # Round crisis5: hitting oneself, scars of cuts, "then" closing a plan, a time set by the
    # others being away, "you won't have to worry about me", a place chosen or stared at.
    "self_hit",
    "scars",
    "then_end",
    "when_away",
    "no_worry",
    "chose",
    "stare",
    "not_by",
    "quick_end",
    "height",
    "erase",
    "erase_sched",
    "all_done",
    "arranged",
    "secret",
    "not_born",
    "bye_all",
    "only_cant",
    "at_hand",
    "tried_before",
    "again_think",
    # Round crisis7: not safe tonight and a call asked for, methods searched, medicine saved up,
    # a cover for a plan, a goodbye the loved one did not understand, not coming back with a
    # cover story, the house emptied for a plan, the right moment awaited, "next time I won't
    # stop", a death benefit as the only way out, bought everything needed, one thing left.
    "unsafe",
    "call_me",
    "method_search",
    "hoard",
    "not_suspect",
    "last_time",
    "unaware",
    "no_return",
    "told_cover",
    "alone_for",
    "waiting_moment",
    "next_time",
    "insurance",
    "only_way",
    "prepared",
    "one_left",
    "identify",
    "divine_take",
    "rejoin",
    "cease",
    # Round crisis9: oneself as the problem, and the problem removed; not afraid of dying;
    # farewell or last messages written; help no longer needed; explicit acts as what one will
    # do; medicine collected; the blade out again; death the better option; a painless way
    # searched; no reason to wake up.
    "self_problem",
    "remove_problem",
    "fearless_death",
    "farewell_note",
    "no_more_help",
    "act_future",
    "collect_meds",
    "blade_again",
    "better_dead",
    "search_ways",
    "no_wake",
    "bye_word",
    "sorry_all",
    "decided",
    "last_ever",
    "height_enough",
    "voice_says",
    "found_by",
    "why_tell",
    "little_left",
    "plan_end",
)


@dataclass(frozen=True)
class Found:
    """One signal in a message: its category, clause and word number and language (never its
    words)."""

    category: str
    clause: int
    word: int
    language: str  # the first language whose list matched
    languages: frozenset[str]  # every language whose list matches here ("remedios": es, pt)


@dataclass(frozen=True)
class Rule:
    """One or two categories that together decide a level: found in one language, within the
    window of clauses, and (with ``near``) their first words at most ``near`` words apart; with
    ``ordered``, the first category's word comes first ("want ... to die", not "dead. they
    want")."""

    categories: tuple[str, ...]
    near: int | None = None
    ordered: bool = False

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.categories)

    def holds(self, found: Sequence[Found]) -> Found | None:
        """The first signal of a combination that satisfies the rule, or None."""
        first = self.categories[0]
        second = self.categories[-1]
        for a in found:
            if a.category != first:
                continue
            if len(self.categories) == 1:
                return a
            for b in found:
                if (
                    b.category == second
                    and not a.languages.isdisjoint(b.languages)
                    and (self.near is None or abs(b.word - a.word) <= self.near)
                    and (not self.ordered or a.word <= b.word)
                ):
                    return a if a.word <= b.word else b
        return None


@dataclass(frozen=True)
class Dispatch:
    pattern: re.Pattern[str]
    groups: tuple[tuple[int, str, str], ...]  # (group number, category, language)


@dataclass(frozen=True)
class SignalRules:
    # first character of a word -> one pattern of optional lookaheads, one per (category,
    # language) whose alternatives can start with that character, and what each group is; ""
    # -> those that can start with anything. One match call per word finds them all.
    by_first_char: dict[str, Dispatch]
    guard: re.Pattern[str] | None
    # A harmless frame (``frames``: a joke, someone else, the news, long past, an everyday
    # purpose, work, an idiom): a crisis becomes a question ("Are you safe?"), see ``framed``.
    frame: re.Pattern[str] | None
    joke: re.Pattern[str] | None  # laughter, "just kidding": see ``framed``
    crisis: tuple[Rule, ...]
    unsure: tuple[Rule, ...]
    window: int
    languages: tuple[str, ...]


def load_signals(path: Path = SIGNALS) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise PhraseError(f"{path.name}: expected a mapping")
    return data


def _rules_of(node: Any, where: str) -> tuple[Rule, ...]:
    """A rule is ``[a]``, ``[a, b]`` or ``{all: [a, b], near: N, ordered: true}``."""
    if not isinstance(node, list):
        raise PhraseError(f"{where} must be a list of rules")
    found: list[Rule] = []
    for rule in node:
        near = None
        ordered = False
        if isinstance(rule, Mapping):
            near = rule.get("near")
            if near is not None and (not isinstance(near, int) or near < 1):
                raise PhraseError(f"{where}: {rule!r}: near must be a positive whole number")
            ordered = rule.get("ordered", False)
            if not isinstance(ordered, bool):
                raise PhraseError(f"{where}: {rule!r}: ordered must be true or false")
            rule = rule.get("all")
        names = strings(rule, where)
        unknown = [name for name in names if name not in CATEGORIES]
        if not 1 <= len(names) <= 2 or unknown:
            raise PhraseError(f"{where}: {rule!r}: one or two known categories")
        found.append(Rule(tuple(names), near, ordered))
    return tuple(found)


def compile_signals(data: Mapping[str, Any], phrase_data: Mapping[str, Any]) -> SignalRules:
    """Check and compile the signal file; the phrase file lends its macros and guards."""
    macros = {str(k): str(v) for k, v in (phrase_data.get("macros") or {}).items()}
    own = data.get("macros") or {}
    if not isinstance(own, Mapping):
        raise PhraseError("macros must be a mapping")
    macros |= {str(k): str(v) for k, v in own.items()}
    categories = data.get("categories")
    if not isinstance(categories, Mapping):
        raise PhraseError("categories must be a mapping")
    prepared_all: dict[str, dict[str, list[tuple[str, frozenset[str] | None]]]] = {}
    languages: set[str] = set()
    for category, by_language in categories.items():
        if category not in CATEGORIES:
            raise PhraseError(f"unknown category {category!r}")
        if not isinstance(by_language, Mapping):
            raise PhraseError(f"categories.{category} must map languages to lists")
        by_code: dict[str, list[tuple[str, frozenset[str] | None]]] = {}
        for code, node in by_language.items():
            if not re.fullmatch(r"[a-z]{2,3}", str(code)):
                raise PhraseError(f"language code {code!r} must be 2-3 lower-case letters")
            where = f"categories.{category}.{code}"
            prepared = [prepare_pattern(p, macros) for p in strings(node, where)]
            for pattern in prepared:
                try:
                    compiled = re.compile(pattern)
                except re.error as exc:
                    raise PhraseError(f"{where}: {pattern!r}: {exc}") from None
                if compiled.groups:
                    raise PhraseError(f"{where}: {pattern!r}: use (?:...) groups only")
            if prepared:
                by_code[str(code)] = [(p, first_chars(p)) for p in prepared]
                languages.add(str(code))
        prepared_all[str(category)] = by_code
    guard_sources = [
        prepare_pattern(p, macros)
        for node in (phrase_data.get("guards") or {}, data.get("guards") or {})
        for key, value in node.items()
        for p in strings(value, f"guards.{key}")
    ]
    frames = data.get("frames") or {}
    if not isinstance(frames, Mapping):
        raise PhraseError("frames must map kinds to languages to lists")
    frame_sources: dict[bool, list[str]] = {True: [], False: []}
    for kind, by_language in frames.items():
        for code, node in (by_language or {}).items():
            frame_sources[kind == "joke"].extend(
                prepare_pattern(p, macros) for p in strings(node, f"frames.{kind}.{code}")
            )
    levels = data.get("levels") or {}
    window = data.get("window", 2)
    if not isinstance(window, int) or window < 1:
        raise PhraseError("window must be a positive whole number")
    return SignalRules(
        by_first_char=_dispatch(prepared_all),
        guard=(
            re.compile(f"{LEFT}(?:{alternation(guard_sources)}){RIGHT}") if guard_sources else None
        ),
        frame=_either(frame_sources[False]),
        joke=_either(frame_sources[True]),
        crisis=_rules_of(levels.get("crisis") or [], "levels.crisis"),
        unsure=_rules_of(levels.get("unsure") or [], "levels.unsure"),
        window=window,
        languages=tuple(sorted(languages)),
    )


def _either(sources: Sequence[str]) -> re.Pattern[str] | None:
    return re.compile(f"{LEFT}(?:{alternation(sources)}){RIGHT}") if sources else None


def _dispatch(
    prepared: Mapping[str, Mapping[str, list[tuple[str, frozenset[str] | None]]]],
) -> dict[str, Dispatch]:
    """For each possible first character, the categories' alternatives that can start with it
    (as in bot.services.crisis.phrases: a message is matched only at word starts)."""
    keys = sorted(
        {
            ch
            for by_code in prepared.values()
            for items in by_code.values()
            for _, cs in items
            for ch in cs or ()
        }
    )
    table: dict[str, Dispatch] = {}
    for ch in [*keys, ""]:
        parts: list[str] = []
        groups: list[tuple[int, str, str]] = []
        for category, by_code in prepared.items():
            for code, items in by_code.items():
                alternatives = [p for p, cs in items if cs is None or (ch and ch in cs)]
                if alternatives:
                    groups.append((len(groups) + 1, category, code))
                    parts.append(f"(?:(?=({alternation(alternatives)}){RIGHT}))?")
        if groups:
            table[ch] = Dispatch(re.compile("".join(parts)), tuple(groups))
    return table


@cache
def compiled() -> SignalRules:
    return compile_signals(load_signals(), load_phrases())


def guarded(rules: SignalRules, folded: str) -> bool:
    """Does a venting idiom or an everyday use of crisis words (a guard) occur in the message?"""
    return rules.guard is not None and rules.guard.search(folded) is not None


# What laughter can make a figure of speech: a wish, death or intent words ("I want to die
# haha", "me mato jajaja"). Laughter next to anything else (means, a plan, an act on the body, a
# note, a thought that keeps coming) masks a fact, and the crisis stands.
HYPERBOLE = frozenset({"wish", "death", "intent", "relief", "prefer", "act", "veiled_act"})


def framed(rules: SignalRules, folded: str, found: Sequence[Found]) -> bool:
    """Is the message in a harmless frame (someone else, the news, long past, an everyday
    purpose, work, an idiom; or laughter, when the crisis words are only a wish or death words)
    and not said to be meant (``serious``: "not joking")? Such a message is asked about, not
    told: the words may still hide a crisis."""
    categories = {f.category for f in found}
    if "serious" in categories:
        return False
    if rules.frame is not None and rules.frame.search(folded) is not None:
        return True
    return (
        rules.joke is not None and categories <= HYPERBOLE and rules.joke.search(folded) is not None
    )


def guard_spans(rules: SignalRules, folded: str) -> list[tuple[int, int]]:
    """Where guards match in the normalised message (start, end)."""
    return [m.span() for m in rules.guard.finditer(folded)] if rules.guard is not None else []


def find(rules: SignalRules, folded: str) -> list[Found]:
    """Every signal in the normalised message that does not overlap a guard."""
    guards: list[tuple[int, int]] | None = None
    found: list[Found] = []
    table = rules.by_first_char
    anywhere = table.get("")
    clause = 0
    position = 0
    for number, word in enumerate(folded.split(" ")):
        if word == ".":
            clause += 1
        dispatch = table.get(word[:1], anywhere)
        m = dispatch.pattern.match(folded, position) if dispatch is not None else None
        if m is not None and m.lastindex is not None:
            languages: dict[str, list[str]] = {}
            for group, category, code in dispatch.groups:  # type: ignore[union-attr]
                end = m.end(group)
                if end < 0:
                    continue
                if guards is None:
                    guard = rules.guard
                    guards = [g.span() for g in guard.finditer(folded)] if guard else []
                if not any(g_start < end and position < g_end for g_start, g_end in guards):
                    languages.setdefault(category, []).append(code)
            for category, codes in languages.items():
                found.append(Found(category, clause, number, codes[0], frozenset(codes)))
        position += len(word) + 1
    return found


def decide(rules: SignalRules, found: Sequence[Found]) -> tuple[Level, frozenset[str], str | None]:
    """("crisis" | "unsure" | "none", the categories of the rule that held, its language)."""
    if not found:
        return "none", frozenset(), None
    last = max(f.clause for f in found)
    unsure: tuple[frozenset[str], str | None] | None = None
    for first in range(last + 1):
        window = [f for f in found if first <= f.clause < first + rules.window]
        for rule in rules.crisis:
            hit = rule.holds(window)
            if hit is not None:
                return "crisis", rule.names, hit.language
        if unsure is None:
            for rule in rules.unsure:
                hit = rule.holds(window)
                if hit is not None:
                    unsure = (rule.names, hit.language)
                    break
    if unsure is not None:
        return "unsure", unsure[0], unsure[1]
    return "none", frozenset(), None
