"""The company and the stage a message names, so a debrief can start with them filled in.

Company: as the person typed it, found next to the words that introduce one in the lists
("from Stripe", "at Acme", "bei SAP", "Google said no"). A capitalised run of words is taken
after any lead-in; a lowercase single word only in news (people type "rejected by google"), after
the lead-ins each list allows for it. Words that are never a company ("them", "the recruiter",
"Friday", "LinkedIn") are refused, and dropped from either end of a run ("at Google I think",
"My Google interview"); a run followed by a job-title word is a title ("the Data Analyst
role"), and so is a run holding a role word or right after one ("el puesto de Analista de Datos
en BBVA" names BBVA). Greetings and sign-offs of a pasted email ("Estimada", "Mit freundlichen
Grüßen") are in the lists' ``not_names``.

Stage: the furthest of bot.services.reflection.STAGES the message names ("passed the
technical, failed the final round" -> final_round).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.services.reflection import STAGES
from bot.services.understanding.lexicon import Lexicon
from bot.services.understanding.normalise import MAX_SCAN_CHARS, fold

MAX_COMPANY_CHARS = 120
_TRIM = re.compile(r"^[\W_]+|[\W_]+$")
_POSSESSIVE = re.compile(r"['’]s$")
_NUMBER = re.compile(r"^\d+(?:st|nd|rd|th|x|k)?$", re.IGNORECASE)


def _clean(name: str, not_names: frozenset[str]) -> str | None:
    words = [_POSSESSIVE.sub("", _TRIM.sub("", w)) for w in name.split()]
    while words and (not words[-1] or fold(words[-1]) in not_names):
        words.pop()
    while words and fold(words[0]) in not_names:  # "My Google interview", "So Amazon said no"
        words.pop(0)
    if not words or (len(words[0]) < 2 and not words[0].isdigit()):
        return None
    if all(_NUMBER.match(w) for w in words):  # "my 40th application"
        return None
    return " ".join(words)[:MAX_COMPANY_CHARS]


_CYRILLIC_NAME = re.compile(r"^[\u0400-\u04ff-]+$")
_CONSONANT_END = re.compile(r"[бвгджзйклмнпрстфхцчшщґ]$", re.IGNORECASE)


def _as_called(
    name: str, endings: Sequence[str], adjectives: Sequence[tuple[str, str]] = ()
) -> str:
    """A one-word Cyrillic name after a lead-in, without its case ending: "Яндексе" ->
    "Яндекс", "Сбера" -> "Сбер", "Альфа-Банка" -> "Альфа-Банк", and an adjectival name with
    the ending it is called by ("Касперском" -> "Касперский"). Only where what is left ends in
    a consonant, so "Авито" and "МТС" stay; a feminine name ("в Ленте") can still come out
    short, which is why this is limited to the lead-ins."""
    if not endings or " " in name or not _CYRILLIC_NAME.match(name):
        return name
    for ending, called in sorted(adjectives, key=lambda pair: len(pair[0]), reverse=True):
        if name.lower().endswith(ending) and len(name) - len(ending) >= 3:
            return name[: -len(ending)] + called
    for ending in sorted(endings, key=len, reverse=True):
        stem = name[: -len(ending)]
        if name.lower().endswith(ending) and len(stem) >= 3 and _CONSONANT_END.search(stem):
            return stem
    return name


def company_in(text: str, lexicons: Sequence[Lexicon], lowercase: bool = True) -> str | None:
    """The company named in ``text`` (as typed), or None. ``lowercase`` False takes only
    capitalised names (for questions and feelings, where "at" is rarely followed by a firm)."""
    text = " ".join(text[:MAX_SCAN_CHARS].split())
    not_names = frozenset().union(*(lex.not_names for lex in lexicons))
    titles = frozenset().union(*(lex.title_words for lex in lexicons))
    roles = frozenset().union(*(lex.role_words for lex in lexicons))
    found: list[tuple[int, str]] = []
    for lex in lexicons:
        for pattern in (lex.company_before, lex.company_after):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                name = _clean(match.group("name"), not_names)
                following = text[match.end("name") :].split(maxsplit=1)
                if following and fold(_TRIM.sub("", following[0])) in titles:
                    continue  # "interest in the Data Analyst role"
                lead = text[match.start() : match.start("name")]
                if name and _a_role(name, text[: match.start()], lead, roles | titles, lex):
                    continue  # "el puesto de Analista de Datos en BBVA": not yet the firm
                if name:
                    if pattern is lex.company_before:
                        name = _as_called(name, lex.oblique_endings, lex.oblique_adjectives)
                    found.append((match.start("name"), name))
                    break
    if not found and lowercase:
        for lex in lexicons:
            if lex.company_before_lower is None:
                continue
            for match in lex.company_before_lower.finditer(text):
                name = _clean(match.group("name"), not_names)
                lead = text[match.start() : match.start("name")]
                if name and not _a_role(name, text[: match.start()], lead, roles, lex):
                    called = _as_called(name, lex.oblique_endings, lex.oblique_adjectives)
                    found.append((match.start("name"), called))
                    break
    return min(found)[1] if found else None


def _a_role(name: str, before: str, lead: str, roles: frozenset[str], lex: Lexicon) -> bool:
    """Whether a run is (part of) a job title: it holds a role word, or a title's "of" joins it
    to a role or title word ("Analista de Datos", "puesto de Marketing"; "role at Acme" is a
    firm)."""
    if any(fold(word) in roles for word in name.split()):
        return True
    joined = fold(lead).split()[:1]
    previous = before.split()[-1:]
    return bool(
        joined
        and joined[0] in lex.title_of
        and previous
        and fold(_TRIM.sub("", previous[0])) in roles
    )


def stage_in(normal: str, lexicons: Sequence[Lexicon]) -> str | None:
    """The furthest stage named in the normalised text, or None."""
    named = {
        stage
        for lex in lexicons
        for stage, pattern in lex.stages
        if stage in STAGES and pattern.search(normal)
    }
    return max(named, key=STAGES.index) if named else None
