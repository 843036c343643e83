"""Skills in free text: tokenising, the skills vocabulary, and matching a job description
against a person's strengths (issue 8).

Deterministic and explainable on purpose: a requirement is a vocabulary phrase found in the
text (an n-gram match on stemmed tokens), or a line under a "Requirements" heading. Tokens come
from ``regex``'s Unicode classes, so any script works; Chinese and Japanese (no spaces between
words) are matched character by character. Stemming uses Snowball in the person's language,
English when it has none; both sides of every comparison go through the same steps, so a
German stemmer on an English description still matches consistently. ``rapidfuzz`` only
compares a person's own wording of a strength with lines of the text (typos, word order).
Nothing here keeps the text it reads.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import regex  # type: ignore[import-untyped]
import snowballstemmer  # type: ignore[import-untyped]
from rapidfuzz import fuzz, process

from bot import yaml_files

VOCABULARY = Path(__file__).with_name("data") / "skills.yaml"
KINDS = ("hard", "soft", "other")
FUZZY_STRENGTH = 88  # rapidfuzz score (0-100) for "this line says the person's strength"
FUZZY_IDENTIFY = 90  # ... for "this typed strength is that vocabulary skill"
MAX_LINE = 90  # requirement lines are shown back at most this long
REQUIREMENT_WEIGHT = 2  # a skill under "Requirements" outranks one mentioned in passing
MAX_TEXT = 20_000  # characters read from one description (Telegram sends at most 4,096)

# Words, numbers, and "c++"/"c#"-style names. Scripts written without spaces are split per
# character afterwards.
_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:\+\+|#)?")
_UNSPACED = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\u30fc]"
)
_UNSPACED_RUNS = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\u30fc]"
    r"|[^\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\u30fc]+"
)
_BULLET = regex.compile(r"^\s*(?:[-*•·▪●◦‣–—>]|\d{1,2}[.)]|[a-z][.)]\s)\s*")
_SENTENCE = regex.compile(r"(?<=[.!?。！？;\n])\s*")

# ISO 639-1 codes → Snowball algorithms (only those the installed snowballstemmer has count).
_STEMMERS = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}


def stemmer_language(language_code: str | None) -> str:
    """The Snowball algorithm for a Telegram language code ("pt-BR" → portuguese), else English."""
    code = (language_code or "").lower().replace("_", "-").split("-")[0]
    name = _STEMMERS.get(code, "english")
    return name if name in snowballstemmer.algorithms() else "english"


class _Stemmer:
    """A Snowball stemmer with a word cache (descriptions repeat words a lot)."""

    def __init__(self, language: str) -> None:
        self._stemmer = snowballstemmer.stemmer(language)
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            if _UNSPACED.match(word) or len(word) > 40 or not word.isalpha():
                stem = word
            else:
                try:
                    stem = self._stemmer.stemWord(word)
                except Exception:  # a stemmer must never take a reply down with it
                    stem = word
            stem = _fold(stem)
            if len(self._cache) < 50_000:
                self._cache[word] = stem
        return stem


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _stemmer(language: str) -> _Stemmer:
    return _Stemmer(language)


def words(text: str) -> list[str]:
    """Lower-case tokens (NFKC, so full-width "ＳＱＬ" is "sql"), unspaced scripts per character."""
    out: list[str] = []
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()):
        if _UNSPACED.search(token):
            out.extend(run for run in _UNSPACED_RUNS.findall(token) if run and not run.isspace())
        else:
            out.append(token)
    return out


def tokens(text: str, language: str = "english") -> tuple[str, ...]:
    """Stemmed, accent-folded tokens of ``text`` (the unit every comparison uses)."""
    stem = _stemmer(language)
    return tuple(stem(word) for word in words(text))


def _surface(text: str) -> tuple[str, ...]:
    """The words of ``text`` as written (accent-folded), one per token of :func:`tokens`."""
    return tuple(_fold(word) for word in words(text))


# --- The vocabulary ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Skill:
    id: str
    kind: str
    label: str  # English; each language's is content/<locale>/skills.yaml
    phrases: tuple[str, ...]  # every language's


@dataclass(frozen=True)
class Vocabulary:
    skills: dict[str, Skill]
    went_well: dict[str, str]
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    headings: dict[str, tuple[str, ...]]
    endings: dict[str, frozenset[str]]  # per stemmer language: endings that make the same word


@cache
def vocabulary() -> Vocabulary:
    data: dict[str, Any] = yaml_files.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    skills = {sid: _skill(sid, entry) for sid, entry in data["skills"].items()}
    return Vocabulary(
        skills=skills,
        went_well=dict(data["went_well"]),
        positive=tuple(data["feedback"]["positive"]),
        negative=tuple(data["feedback"]["negative"]),
        headings={name: tuple(items) for name, items in data["headings"].items()},
        endings={
            language: frozenset(str(e) for e in items)
            for language, items in data.get("same_word_endings", {}).items()
        },
    )


def _skill(sid: str, entry: dict[str, Any]) -> Skill:
    """One skill; its German, Spanish and Russian phrases (``phrases_in``) count everywhere."""
    local: dict[str, list[object]] = entry.get("phrases_in", {})
    phrases = [*entry["phrases"], *(p for words in local.values() for p in words)]
    return Skill(sid, entry["kind"], str(entry["label"]), tuple(map(str, phrases)))


def same_word(a: str, b: str, endings: frozenset[str] | None) -> bool:
    """Are two words with the same stem the same word in another form ("test"/"testing"), not
    a different word that stems alike ("excel"/"excellent")? Without endings for the language,
    the stem alone decides."""
    if a == b or endings is None or not a.isalpha() or not b.isalpha():
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    if common == 0:
        return False
    rests = [a[common:], b[common:]]
    for i, rest in enumerate(rests):
        if len(rest) > 1 and rest[0] == a[common - 1]:  # planning / plan: a doubled consonant
            rests[i] = rest[1:]
    return all(rest in endings for rest in rests)


_Entry = tuple[tuple[str, ...], tuple[str, ...], str]  # stems, the words as written, id


@dataclass(frozen=True)
class _Index:
    """Phrases by first stem, longest first, for a greedy longest-match scan.

    A phrase matches where the stems match and every word is the same word as the phrase's
    (see :func:`same_word`), so "excellent" never reads as "Excel"."""

    by_first: dict[str, tuple[_Entry, ...]]
    endings: frozenset[str] | None

    def _at(self, toks: Sequence[str], surface: Sequence[str], i: int, end: int) -> list[_Entry]:
        """Phrases that match at ``i`` and end by ``end``, longest first."""
        out = []
        for entry in self.by_first.get(toks[i], ()):
            stems, written, _ = entry
            stop = i + len(stems)
            if stop > end or tuple(toks[i:stop]) != stems:
                continue
            if all(same_word(surface[i + k], written[k], self.endings) for k in range(len(stems))):
                out.append(entry)
        return out

    def scan(self, toks: Sequence[str], surface: Sequence[str]) -> list[tuple[int, int, str]]:
        """(start, end, id) of every match, longest first at each position, never overlapping."""
        found: list[tuple[int, int, str]] = []
        i, n = 0, len(toks)
        while i < n:
            entries = self._at(toks, surface, i, n)
            if entries:
                end = i + len(entries[0][0])
                found.append((i, end, entries[0][2]))
                i = end
            else:
                i += 1
        return found

    def inside(
        self, toks: Sequence[str], surface: Sequence[str], spans: Iterable[tuple[int, int, str]]
    ) -> set[str]:
        """Other ids whose phrases sit inside longer matches ("research" in "user research")."""
        nested: set[str] = set()
        for start, end, key in spans:
            for i in range(start, end):
                nested.update(e[2] for e in self._at(toks, surface, i, end) if e[2] != key)
        return nested


def _build_index(pairs: Iterable[_Entry], endings: frozenset[str] | None) -> _Index:
    grouped: dict[str, list[_Entry]] = {}
    for entry in pairs:
        if entry[0] and len(entry[0]) == len(entry[1]):
            grouped.setdefault(entry[0][0], []).append(entry)
    return _Index(
        {
            first: tuple(sorted(set(items), key=lambda item: -len(item[0])))
            for first, items in grouped.items()
        },
        endings,
    )


@dataclass(frozen=True)
class _Compiled:
    skills: _Index
    headings: _Index
    positive: frozenset[str]
    negative: frozenset[str]
    phrase_texts: tuple[str, ...]  # "stemmed phrase" strings, for fuzzy identification
    phrase_skills: tuple[str, ...]  # the skill of each entry above


@cache
def _compiled(language: str) -> _Compiled:
    vocab = vocabulary()
    endings = vocab.endings.get(language)
    skill_pairs = [
        (tokens(phrase, language), _surface(phrase), skill.id)
        for skill in vocab.skills.values()
        for phrase in (*skill.phrases, skill.label)
    ]
    heading_pairs = [
        (tokens(phrase, language), _surface(phrase), section)
        for section, phrases in vocab.headings.items()
        for phrase in phrases
    ]
    return _Compiled(
        skills=_build_index(skill_pairs, endings),
        headings=_build_index(heading_pairs, endings),
        positive=frozenset(t for p in vocab.positive for t in tokens(p, language)),
        negative=frozenset(t for p in vocab.negative for t in tokens(p, language)),
        phrase_texts=tuple(" ".join(toks) for toks, _, _ in skill_pairs),
        phrase_skills=tuple(sid for _, _, sid in skill_pairs),
    )


def skills_in(text: str, language: str = "english") -> Counter[str]:
    """Vocabulary skills mentioned in ``text``, with how often."""
    found = _compiled(language).skills.scan(tokens(text, language), _surface(text))
    return Counter(key for _, _, key in found)


def identify(text: str, language: str = "english") -> str | None:
    """The vocabulary skill a typed strength names ("stakeholder managment" → the skill), if any.

    Exact phrase first; then a close spelling of a whole phrase; a strength that merely
    mentions a skill among other words ("SQL reporting for finance") stays the person's own.
    """
    compiled = _compiled(language)
    toks = tokens(text, language)
    if not toks:
        return None
    found = compiled.skills.scan(toks, _surface(text))
    if len(found) == 1 and found[0][0] == 0 and found[0][1] == len(toks):
        return found[0][2]
    joined = " ".join(toks)
    if len(joined) < 4:
        return None
    best = process.extractOne(
        joined, compiled.phrase_texts, scorer=fuzz.ratio, score_cutoff=FUZZY_IDENTIFY
    )
    return compiled.phrase_skills[best[2]] if best is not None else None


def praised_skills(text: str, language: str = "english") -> Counter[str]:
    """Skills in sentences of employer feedback that praise (positive cue, no negative cue)."""
    compiled = _compiled(language)
    found: Counter[str] = Counter()
    for sentence in _SENTENCE.split(text[:MAX_TEXT]):
        toks = tokens(sentence, language)
        cues = set(toks)
        if cues & compiled.positive and not cues & compiled.negative:
            found.update(key for _, _, key in compiled.skills.scan(toks, _surface(sentence)))
    return found


# --- Job descriptions --------------------------------------------------------------------------


@dataclass(frozen=True)
class StrengthRef:
    """A person's strength as matching needs it."""

    id: int
    text: str
    skill: str | None


@dataclass
class MatchResult:
    """What a job description asks for, against the person's strengths.

    ``asked``: their strengths it asks for (most mentioned first); ``gaps``: vocabulary skills it
    asks for that are not on their list; ``other``: requirement lines that name no known skill
    and none of their strengths (shortened); ``mentions``: every skill found, with the number
    of lines naming it.
    """

    asked: list[StrengthRef] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    mentions: Counter[str] = field(default_factory=Counter)
    words: int = 0

    @property
    def requirements(self) -> int:
        return len(self.mentions) + len(self.other)


@dataclass(frozen=True)
class _Line:
    raw: str
    toks: tuple[str, ...]
    surface: tuple[str, ...]
    section: str | None  # requirements, duties, skip, or None before any heading
    heading: bool


def _heading(
    line: str, toks: tuple[str, ...], surface: tuple[str, ...], compiled: _Compiled
) -> str | None:
    """The section a heading line opens, or None if the line is not a heading."""
    if not toks or len(toks) > 8 or _BULLET.match(line) or any(t.isdigit() for t in toks):
        return None
    found = compiled.headings.scan(toks, surface)
    if not found:
        return None
    covered = sum(end - start for start, end, _ in found)
    colon = line.rstrip().rstrip("*_ ").endswith((":", "："))
    if covered / len(toks) >= 0.6 or (colon and len(toks) <= 8):
        return found[0][2]
    return None


def _lines(text: str, compiled: _Compiled, language: str) -> list[_Line]:
    out: list[_Line] = []
    section: str | None = None
    for raw in text.splitlines():
        toks = tokens(raw, language)
        if not toks:
            continue
        surface = _surface(raw)
        opened = _heading(raw, toks, surface, compiled)
        if opened is not None:
            section = opened
        out.append(_Line(raw.strip(), toks, surface, section, opened is not None))
    return out


def _shorten(line: str) -> str:
    clean = " ".join(_BULLET.sub("", line).split()).strip(" ;,.")
    if len(clean) <= MAX_LINE:
        return clean
    return clean[: MAX_LINE - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _says(strength: StrengthRef, lines: Sequence[_Line], texts: Sequence[str], lang: str) -> bool:
    """Does any line say this (vocabulary-less) strength, in its words or close to them?"""
    toks = tokens(strength.text, lang)
    if not toks:
        return False
    width = len(toks)
    surface = _surface(strength.text)
    endings = vocabulary().endings.get(lang)
    for line in lines:
        for i in range(len(line.toks) - width + 1):
            if line.toks[i : i + width] == toks and all(
                same_word(line.surface[i + k], surface[k], endings) for k in range(width)
            ):
                return True
    joined = " ".join(toks)
    if len(joined) < 5 or not texts:
        return False
    best = process.extractOne(joined, texts, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_STRENGTH)
    return best is not None


def match(
    text: str, strengths: Sequence[StrengthRef], language: str = "english", *, max_other: int = 3
) -> MatchResult:
    """Read a job description against the person's strengths (see :class:`MatchResult`)."""
    compiled = _compiled(language)
    lines = [
        line
        for line in _lines(text[:MAX_TEXT], compiled, language)
        if line.section != "skip" and not line.heading
    ]
    mentions: Counter[str] = Counter()
    weight: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    inside: set[str] = set()  # skills named only within a longer phrase ("user research")
    uncovered: list[_Line] = []
    for line in lines:
        spans = compiled.skills.scan(line.toks, line.surface)
        inside |= compiled.skills.inside(line.toks, line.surface, spans)
        found = dict.fromkeys(key for _, _, key in spans)
        for key in found:
            mentions[key] += 1  # lines that mention it, so a list of tools counts once
            weight[key] += REQUIREMENT_WEIGHT if line.section == "requirements" else 1
            first_seen.setdefault(key, len(first_seen))
        if line.section == "requirements" and not found:
            uncovered.append(line)
    line_texts = [" ".join(line.toks) for line in lines]
    order = sorted(mentions, key=lambda key: (-weight[key], first_seen[key]))
    asked: list[tuple[int, StrengthRef]] = []
    covered_skills: set[str] = set()
    for strength in strengths:
        if strength.skill is not None and strength.skill in mentions:
            asked.append((order.index(strength.skill), strength))
            covered_skills.add(strength.skill)
        elif (
            strength.skill in inside
            if strength.skill is not None
            else _says(strength, lines, line_texts, language)
        ):
            asked.append((len(order), strength))
    other: list[str] = []
    own = [(s, tokens(s.text, language)) for s in strengths if s.skill is None and s.text.strip()]
    for line in uncovered:
        joined = " ".join(line.toks)
        if any(" ".join(t) in joined for _, t in own if t):
            continue
        shortened = _shorten(line.raw)
        if shortened and shortened not in other:
            other.append(shortened)
        if len(other) >= max_other:
            break
    return MatchResult(
        asked=[s for _, s in sorted(asked, key=lambda pair: pair[0])],
        gaps=[key for key in order if key not in covered_skills],
        other=other,
        mentions=mentions,
        words=len(words(text[:MAX_TEXT])),
    )
