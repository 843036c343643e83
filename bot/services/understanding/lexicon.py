"""The word lists: ``data/understanding/<language>.yaml``, compiled once.

Each file holds regular expressions matched against the normalised message (see normalise.py),
grouped by kind and topic; the file's header says how to write them. A pattern is wrapped in
token boundaries (a space or the text's edge). ``~`` in front marks a weak pattern: it counts
1 instead of 3, so a weak hint or two ("rejections", "meh") never outweigh a clear phrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from rapidfuzz.distance import OSA

from bot import yaml_files
from bot.services.understanding.normalise import fold

DATA = Path(__file__).resolve().parent.parent / "data" / "understanding"
STRONG, WEAK = 3, 1  # three weak hints weigh one clear phrase
FUZZY_MIN = 5  # shorter words are not corrected: too many real words are one edit apart
SECTIONS = ("rejection", "good_news", "venting", "question", "greeting")
# A brighter side told with a "no" (``bright_side`` in the files): relief, or a close call.
BRIGHT_SIDES = ("relief", "close")
# The reason a "no" was given, told with it (``reason`` in the files): someone from inside, less
# experience than they wanted, or more ("overqualified"), the role itself (on hold, no budget).
REASONS = ("internal", "experience", "overqualified", "budget")
_ESCAPES = re.compile(r"(\\.)")


class _Loader(yaml_files.SafeLoader):  # type: ignore[misc,valid-type]
    """YAML without booleans: "no", "yes", "on" are words here, not False and True."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml_files.SafeLoader.yaml_implicit_resolvers.items()
}


class LexiconError(ValueError):
    """A word-list file is malformed; the message says where."""


@dataclass(frozen=True)
class Rule:
    kind: str
    topic: str | None  # None: the kind without a finer reading
    weight: int
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    language: str
    rules: tuple[Rule, ...]
    negations: frozenset[str]  # a rule negated by one of these words just before it is dropped
    clause_breaks: frozenset[str]  # words that end the reach of a negation ("but")
    stages: tuple[tuple[str, re.Pattern[str]], ...]
    company_before: re.Pattern[str] | None  # a lead-in followed by a capitalised name
    company_before_lower: re.Pattern[str] | None  # lead-ins after which a lowercase word is a name
    company_after: re.Pattern[str] | None  # a capitalised name followed by a lead-out
    # the message's first word, lowercase, followed by one of these ("shopify passed")
    company_first_lower: re.Pattern[str] | None
    not_names: frozenset[str]
    title_words: frozenset[
        str
    ]  # "the Data Analyst role": a capitalised run before these is a title
    # Case endings a one-word name takes after a lead-in ("в Яндексе", "от Сбера"), dropped to
    # give the name as it is called ("Яндекс", "Сбер"); empty where names do not decline.
    oblique_endings: tuple[str, ...] = ()
    # Key words a typo of which still counts ("recahzaron", "absge", "откзали"): a word one
    # edit (or one swap of neighbours) away is read as the key word; ``fuzzy_not`` are real
    # words that close ("ansage" is not "absage").
    fuzzy: frozenset[str] = frozenset()
    fuzzy_not: frozenset[str] = frozenset()
    # Chat spellings read as the word they stand for ("u" -> "you", "q" -> "que", "спс" ->
    # "спасибо"), so the patterns need not list every shorthand.
    spellings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Job titles ("Analyst", "Analista", "Werkstudentin"): a capitalised run holding one, or
    # right after one ("Analista de Datos"), is a role, never the company.
    role_words: frozenset[str] = frozenset()
    # Words of this language as people type it in Latin letters ("mujhe", "karunga", "chahiye"):
    # two of them in a Latin-script message make it this language (understanding.language).
    romanised: frozenset[str] = frozenset()
    # The words that join a title to what specifies it ("de" in "puesto de Marketing").
    title_of: frozenset[str] = frozenset()
    # A one-word adjectival name's case endings and the ending it is called by ("Касперском"
    # -> "Касперский"), tried before ``oblique_endings``.
    oblique_adjectives: tuple[tuple[str, str], ...] = ()
    # The brighter side of a "no" (relief, a close call: BRIGHT_SIDES), matched like the rules.
    bright: tuple[Rule, ...] = ()
    # Why a "no" was given, as told ("they said I'm overqualified"): the topic is one of REASONS.
    reasons: tuple[Rule, ...] = ()
    # Words that put an interview ahead ("tomorrow", "mañana", "morgen", "завтра").
    ahead: re.Pattern[str] | None = None
    # Talk about rejection or offers that is not the writer's news ("reading a book about
    # rejection", "my friend got rejected"): a news phrase starting inside one does not count.
    not_news: re.Pattern[str] | None = None
    # A whole message saying the person does not know or remember ("idk", "keine Ahnung").
    dont_know: re.Pattern[str] | None = None
    # A "no" that is one more of several ("rejected again", "otra vez", "schon wieder", "опять").
    again: re.Pattern[str] | None = None
    # A check-in answered in words: (mood 1-5, its words), e.g. (2, "not great|rough").
    moods: tuple[tuple[int, re.Pattern[str]], ...] = ()
    # Who a feedback request goes to, typed instead of tapped ("the hiring manager"): (one of
    # the request's recipients, its words), e.g. ("interviewer", "hiring manager|team lead").
    recipients: tuple[tuple[str, re.Pattern[str]], ...] = ()
    # The button a typed answer names on other tap questions, per step: step -> ((option
    # value, its words), ...), e.g. "freq" -> (("daily", "every day|daily"), ...).
    choices: Mapping[str, tuple[tuple[str, re.Pattern[str]], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # What happened in an interview, told as a fact ("I froze", "my mind went blank", "I
    # rambled", "couldn't answer the salary question"): an answer to "what would you do
    # differently?", not a feeling about oneself.
    moments: re.Pattern[str] | None = None
    # A pasted email's signature: the sign-off line ("Best regards,", "Mit freundlichen Grüßen"),
    # matched whole against the folded line; words of a team line ("Talent Team",
    # "Personalabteilung", "HR-отдел"); legal forms that make a line a firm ("SE", "GmbH", "ООО").
    sign_off: re.Pattern[str] | None = None
    team_words: frozenset[str] = frozenset()
    legal_forms: frozenset[str] = frozenset()

    def corrected(self, text: str) -> str:
        """``text`` with chat spellings and near-misses of the key words replaced by the words
        they stand for (see ``spellings`` and ``fuzzy``)."""
        if not self.fuzzy and not self.spellings:
            return text
        words = text.split(" ")
        changed = False
        for i, word in enumerate(words):
            spelled = self.spellings.get(word)
            if spelled is not None:
                words[i], changed = spelled, True
                continue
            if len(word) < FUZZY_MIN or word in self.fuzzy or word in self.fuzzy_not:
                continue
            for key in self.fuzzy:
                if (
                    key[0] == word[0]
                    and abs(len(key) - len(word)) <= 1
                    and OSA.distance(word, key, score_cutoff=1) <= 1
                ):
                    words[i], changed = key, True
                    break
        return " ".join(words) if changed else text


def fold_pattern(source: str) -> str:
    """Fold the literal parts of a pattern like messages are folded; escapes stay as written."""
    return "".join(
        piece if piece.startswith("\\") else fold(piece) for piece in _ESCAPES.split(source)
    )


def _strings(node: Any, where: str) -> list[str]:
    if node is None:
        return []
    if not isinstance(node, list):
        raise LexiconError(f"{where} must be a list of strings")
    for item in node:
        if not isinstance(item, str):  # usually an unquoted "(?: x" read as a mapping
            raise LexiconError(f"{where}: {item!r} is not a string (quote it)")
    return list(node)


def _compile(patterns: list[str], where: str) -> re.Pattern[str]:
    body = "|".join(f"(?:{fold_pattern(p)})" for p in patterns)
    try:
        return re.compile(f"(?<!\\S)(?:{body})(?!\\S)")
    except re.error as exc:
        raise LexiconError(f"{where}: {exc}") from exc


def _rules(kind: str, node: Any, where: str) -> list[Rule]:
    """A section is a list (no topic) or a mapping topic -> list; "other" means no topic."""
    groups: Mapping[str, Any] = {"other": node} if isinstance(node, list) else node or {}
    if not isinstance(groups, Mapping):
        raise LexiconError(f"{where} must be a list or a mapping of lists")
    out: list[Rule] = []
    for topic, items in groups.items():
        patterns = _strings(items, f"{where}.{topic}")
        for weight in (STRONG, WEAK):
            chosen = [
                p[1:].strip() if p.startswith("~") else p
                for p in patterns
                if p.startswith("~") == (weight == WEAK)
            ]
            if chosen:
                name = None if topic == "other" else str(topic)
                out.append(Rule(kind, name, weight, _compile(chosen, f"{where}.{topic}")))
    return out


def _raw(patterns: list[str], template: str, flags: int = 0) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile(template.replace("LEAD", "|".join(f"(?:{p})" for p in patterns)), flags)


# A name as typed: capitalised words (or digits), up to four, "AT&T", "Booking.com", "O'Reilly".
_CAP = r"[A-Z0-9\u00c0-\u00de\u0400-\u042f\u0490\u0404\u0406\u0407](?:[\w&+'’-]|\.(?=\w))*"
NAME = rf"(?P<name>{_CAP}(?: {_CAP}){{0,3}})"
_ARTICLE = (
    r"(?:(?i:the|die|der|das|den|dem|la|le|el|los|las|a|o|os|as) )?"  # "from the Revolut team"
)
_LOWER = r"(?P<name>[^\W\d_][\w&+-]*(?:\.[a-z]{2,3})?)"


def load(language: str, path: Path | None = None) -> Lexicon:
    path = path or DATA / f"{language}.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    where = path.name
    rules: list[Rule] = []
    for kind in SECTIONS:
        rules += _rules(kind, data.get(kind), f"{where}:{kind}")
    stage_node = data.get("stage") or {}
    stages = tuple(
        (str(stage), _compile(_strings(items, f"{where}:stage.{stage}"), f"{where}:stage"))
        for stage, items in stage_node.items()
    )
    company = data.get("company") or {}
    before = _strings(company.get("before"), f"{where}:company.before")
    lower = _strings(company.get("lowercase_after"), f"{where}:company.lowercase_after")
    after = _strings(company.get("after"), f"{where}:company.after")
    first = _strings(company.get("lowercase_first"), f"{where}:company.lowercase_first")
    return Lexicon(
        language=language,
        rules=tuple(rules),
        negations=frozenset(fold(w) for w in _strings(data.get("negation"), f"{where}:negation")),
        clause_breaks=frozenset(fold(w) for w in _strings(data.get("but"), f"{where}:but")),
        stages=stages,
        company_before=_raw(before, rf"(?<!\w)(?i:LEAD) {_ARTICLE}{NAME}"),
        company_before_lower=_raw(lower, rf"(?<!\w)(?:LEAD) {_LOWER}", re.IGNORECASE),
        company_after=_raw(after, rf"(?<!\w){NAME} (?i:LEAD)(?!\w)"),
        company_first_lower=_raw(first, rf"^{_LOWER} (?:LEAD)(?!\w)", re.IGNORECASE),
        not_names=frozenset(
            fold(w) for w in _strings(company.get("not_names"), f"{where}:company.not_names")
        ),
        title_words=frozenset(
            fold(w) for w in _strings(company.get("title_words"), f"{where}:company.title_words")
        ),
        oblique_endings=tuple(
            _strings(company.get("oblique_endings"), f"{where}:company.oblique_endings")
        ),
        fuzzy=frozenset(fold(w) for w in _strings(data.get("fuzzy"), f"{where}:fuzzy")),
        fuzzy_not=frozenset(fold(w) for w in _strings(data.get("fuzzy_not"), f"{where}:fuzzy_not")),
        spellings=MappingProxyType(_pairs(data.get("spellings"), f"{where}:spellings", fold)),
        role_words=frozenset(
            fold(w) for w in _strings(company.get("role_words"), f"{where}:company.role_words")
        ),
        romanised=frozenset(fold(w) for w in _strings(data.get("romanised"), f"{where}:romanised")),
        title_of=frozenset(
            fold(w) for w in _strings(company.get("title_of"), f"{where}:company.title_of")
        ),
        oblique_adjectives=tuple(
            _pairs(company.get("oblique_adjectives"), f"{where}:company.oblique_adjectives").items()
        ),
        bright=tuple(_rules("bright_side", data.get("bright_side"), f"{where}:bright_side")),
        reasons=tuple(_rules("reason", data.get("reason"), f"{where}:reason")),
        ahead=(
            _compile(_strings(data.get("ahead"), f"{where}:ahead"), f"{where}:ahead")
            if data.get("ahead")
            else None
        ),
        not_news=(
            _compile(_strings(data.get("not_news"), f"{where}:not_news"), f"{where}:not_news")
            if data.get("not_news")
            else None
        ),
        moods=tuple(
            (int(mood), _compile(_strings(items, f"{where}:mood.{mood}"), f"{where}:mood"))
            for mood, items in (data.get("mood") or {}).items()
        ),
        recipients=tuple(
            (str(who), _compile(_strings(items, f"{where}:recipient.{who}"), f"{where}:recipient"))
            for who, items in (data.get("recipient") or {}).items()
        ),
        choices=MappingProxyType(
            {
                str(step): tuple(
                    (
                        str(value),
                        _compile(
                            _strings(items, f"{where}:choice.{step}.{value}"),
                            f"{where}:choice.{step}",
                        ),
                    )
                    for value, items in (values or {}).items()
                )
                for step, values in (data.get("choice") or {}).items()
            }
        ),
        moments=(
            _compile(_strings(data.get("moment"), f"{where}:moment"), f"{where}:moment")
            if data.get("moment")
            else None
        ),
        dont_know=(
            _compile(_strings(data.get("dont_know"), f"{where}:dont_know"), f"{where}:dont_know")
            if data.get("dont_know")
            else None
        ),
        again=(
            _compile(_strings(data.get("again"), f"{where}:again"), f"{where}:again")
            if data.get("again")
            else None
        ),
        sign_off=_whole_line(_strings(company.get("sign_offs"), f"{where}:company.sign_offs")),
        team_words=frozenset(
            fold(w) for w in _strings(company.get("team_words"), f"{where}:company.team_words")
        ),
        legal_forms=frozenset(
            fold(w) for w in _strings(company.get("legal_forms"), f"{where}:company.legal_forms")
        ),
    )


def _whole_line(patterns: list[str]) -> re.Pattern[str] | None:
    """Patterns matched against a whole folded line (``fullmatch``)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fold_pattern(p)})" for p in patterns))


def _pairs(node: Any, where: str, how: Callable[[str], str] = str) -> dict[str, str]:
    """A mapping of words to words (``how`` folds them where they are matched folded)."""
    if node is None:
        return {}
    if not isinstance(node, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in node.items()
    ):
        raise LexiconError(f"{where} must map words to words")
    return {how(k): how(v) for k, v in node.items()}


@cache
def lexicon(language: str) -> Lexicon | None:
    """The compiled lists for ``language``, or None when there is no file."""
    path = DATA / f"{language}.yaml"
    return load(language, path) if path.exists() else None
