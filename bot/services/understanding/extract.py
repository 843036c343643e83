"""The company and the stage a message names, so a debrief can start with them filled in.

Company: as the person typed it, found next to the words that introduce one in the lists
("from Stripe", "at Acme", "bei SAP", "Google said no"). A capitalised run of words is taken
after any lead-in; a lowercase single word only in news (people type "rejected by google"), after
the lead-ins each list allows for it, or as a message's first word before the lead-outs it allows
("shopify passed"). Words that are never a company ("them", "the recruiter",
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
    text_lines = [line.strip() for line in text[:MAX_SCAN_CHARS].splitlines() if line.strip()]
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
    if found:
        return min(found)[1]
    signed = _signed(text_lines, lexicons, not_names, roles) if lowercase else None
    if signed is not None:
        return signed
    if lowercase:
        for lex in lexicons:
            first = lex.company_first_lower and lex.company_first_lower.match(text)
            name = _clean(first.group("name"), not_names) if first else None
            if name:  # "shopify passed after the phone screen"
                return name
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


# Between the parts of a signature line: "Talent Team | Monzo", "Recruiter, Monzo", "HR · Ozon".
_SIGNATURE_PARTS = re.compile(r"\s*(?:[|·•,/]|\s[-–—]\s)\s*")
_SIGNATURE_LINES = 4  # lines read after the sign-off
_LINE_END = re.compile(r"[\s.,;:!]+$")


def _signed(
    lines: list[str], lexicons: Sequence[Lexicon], not_names: frozenset[str], roles: frozenset[str]
) -> str | None:
    """The firm in a pasted email's signature, named without a lead-in ("Best regards, / Sarah
    / Talent Team | Monzo", "Mit freundlichen Grüßen / Personalabteilung / SAP SE"): a part
    with a legal form, else the name in a team line ("The Monzo Team"), else a part on a team
    line or after one, else the last name below the sender's (the first line after the
    sign-off is the person who wrote)."""
    sign_offs = [lex.sign_off for lex in lexicons if lex.sign_off is not None]
    teams = frozenset().union(*(lex.team_words for lex in lexicons))
    forms = frozenset().union(*(lex.legal_forms for lex in lexicons))
    start = max(
        (
            i
            for i, line in enumerate(lines)
            if any(p.fullmatch(_LINE_END.sub("", fold(line))) for p in sign_offs)
        ),
        default=None,
    )
    if start is None:
        return None
    ranked: list[tuple[int, int, str]] = []  # (rank, line, name): the best rank, then the last
    after_team = False
    for at, line in enumerate(lines[start + 1 : start + 1 + _SIGNATURE_LINES]):
        parts: list[str] = _SIGNATURE_PARTS.split(line)
        for part in filter(None, parts):
            words = [fold(_TRIM.sub("", w)) for w in re.split(r"[\s-]+", part)]
            if any(w in forms for w in words):
                return part.strip()[:MAX_COMPANY_CHARS]
            name = _clean(part, not_names | teams)
            if name is not None and any(fold(w) in roles for w in name.split()):
                name = None  # "Senior Recruiter"
            if any(w in teams for w in words):
                after_team = True
                name = _clean(part.replace("-", " "), not_names | teams)  # not "HR-отдел"
                if name is not None and name[0].isupper():
                    ranked.append((3, at, name))  # "The Monzo Team"
                continue
            if name is not None and name[0].isupper():
                ranked.append((2 if after_team else 1 if at else 0, at, name))
    best = max(ranked, default=None)
    return best[2] if best is not None and best[0] > 0 else None


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


MAX_ROLE_CHARS = 60
_ROLE_RUN = 4  # words of a job title before its "role" word ("senior data analyst position")
_CLAUSES = re.compile(r"[.,;:!?\n()]+|\s[-–—]\s")


def role_in(text: str, lexicons: Sequence[Lexicon]) -> str | None:
    """The job title a short message names, as typed: the words after a title word ("puesto
    de PM", "позицию аналитика") or before one ("PM role", "the data analyst position",
    "PM-Stelle"), or a run of role words ("Senior Designer", "аналитик"). A word the lists say
    is never a name ("the", "my") ends the run, except the one right next to the title word
    ("the PM role" -> "PM")."""
    not_names = frozenset().union(*(lex.not_names for lex in lexicons))
    titles = frozenset().union(*(lex.title_words for lex in lexicons))
    roles = frozenset().union(*(lex.role_words for lex in lexicons))
    joins = frozenset().union(*(lex.title_of for lex in lexicons))
    for clause in _CLAUSES.split(text[:MAX_SCAN_CHARS]):
        words = [w for w in (_TRIM.sub("", w) for w in re.split(r"[\s-]+", clause)) if w]
        folded = [fold(w) for w in words]
        for at, word in enumerate(folded):
            if word in titles:
                after = at + 2 if at + 2 < len(words) and folded[at + 1] in joins else at + 1
                if after < len(words) and (folded[after] in roles or after == at + 2):
                    start, end = after, after + 1  # "puesto de PM", "позицию аналитика"
                    while end < min(len(words), start + _ROLE_RUN) and folded[end] not in not_names:
                        end += 1
                elif at > 0:  # "the PM role": the word right before the title is the title
                    end, start = at, at - 1
                    while start > max(0, end - _ROLE_RUN) and folded[start - 1] not in not_names:
                        start -= 1
                else:
                    continue
            elif word in roles:  # "Senior Designer", "junior data analyst"
                start, end = at, at + 1
                while end < len(words) and folded[end] in roles:
                    end += 1
                while start > max(0, end - _ROLE_RUN) and folded[start - 1] not in not_names:
                    if folded[start - 1] in titles or folded[start - 1] in joins:
                        break
                    start -= 1
            else:
                continue
            found = " ".join(words[start:end])
            if found and fold(found) not in titles:
                return found[:MAX_ROLE_CHARS]
    return None


def named_in(text: str, lexicons: Sequence[Lexicon], lone: bool = False) -> str | None:
    """A company named without a lead-in in a short answer about which job it was ("the
    Shopify one", "it was Monzo, PM role"): a capitalised run, not a title, that some word
    the lists know as no name comes before or after in its clause ("the", "it", "one"). A
    lone capitalised word ("Brutal.") is taken only with ``lone`` (the message names a job
    title or a stage too: "Shopify, PM role"): alone it is as often a feeling as a firm."""
    not_names = frozenset().union(*(lex.not_names for lex in lexicons))
    titles = frozenset().union(*(lex.title_words for lex in lexicons))
    roles = frozenset().union(*(lex.role_words for lex in lexicons))
    for clause in _CLAUSES.split(text[:MAX_SCAN_CHARS]):
        words = [w for w in (_TRIM.sub("", w) for w in clause.split()) if w]
        folded = [fold(w) for w in words]
        at = 0
        while at < len(words):
            if not words[at][:1].isupper() or folded[at] in not_names:
                at += 1
                continue
            end = at
            while end < len(words) and words[end][:1].isupper() and folded[end] not in not_names:
                end += 1
            run = folded[at:end]
            titled = end < len(words) and folded[end] in titles
            framed = lone or (at > 0 and folded[at - 1] in not_names)
            framed = framed or (end < len(words) and folded[end] in not_names)
            if framed and not titled and not any(w in roles or w in titles for w in run):
                return " ".join(words[at:end])[:MAX_COMPANY_CHARS]
            at = end
    return None
