"""Names people type, and how a draft greets them. A name typed into a name question loses the
words around it ("her name is Julia Becker" is "Julia Becker", "it's julia" is "Julia"), so a
draft never greets someone as "Hi her,"; a title is never taken for a first name ("Hallo Frau,"
is wrong). Lead-ins, titles and patronymic endings are data (data/name_titles.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from bot import yaml_files
from bot.services.flow_engine import Accepted, FreeText, Rejected

_EDGE = " \t\"'“”„«»‘’.,;:!?-–—()"


@dataclass(frozen=True)
class _LeadIns:
    anywhere: re.Pattern[str]
    start: re.Pattern[str]


def _phrases(section: object, name: str) -> list[str]:
    if not isinstance(section, dict) or not all(
        isinstance(ws, list) and all(isinstance(w, str) for w in ws) for ws in section.values()
    ):
        raise ValueError(f"name_titles.yaml: lead_ins.{name} must map languages to phrase lists")
    phrases = {w.lower().strip() for ws in section.values() for w in ws}
    return sorted(phrases, key=len, reverse=True)  # the longest lead-in wins


def _alternation(phrases: list[str]) -> str:
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)


@cache
def _name_titles() -> object:
    """name_titles.yaml, read once for the titles, patronymics and lead-ins it holds."""
    path = resources.files("bot.services") / "data" / "name_titles.yaml"
    return yaml_files.safe_load(path.read_text(encoding="utf-8"))


@cache
def _lead_ins() -> _LeadIns:
    data = _name_titles()
    lead_ins = data.get("lead_ins") if isinstance(data, dict) else None
    if not isinstance(lead_ins, dict):
        raise ValueError("name_titles.yaml: lead_ins is missing")
    anywhere = _alternation(_phrases(lead_ins.get("anywhere"), "anywhere"))
    start = _alternation(_phrases(lead_ins.get("start"), "start"))
    # A phrase counts as whole words only: "name is" inside "surname is" does not.
    return _LeadIns(
        anywhere=re.compile(rf"(?<!\w)(?:{anywhere})(?!\w)\s*:?\s*", re.IGNORECASE),
        start=re.compile(rf"^(?:{start})(?!\w)\s*:?\s*(?=\w)", re.IGNORECASE),
    )


def clean_name(text: str) -> str:
    """The name in ``text``: lead-ins dropped ("her name is", "se llama", "это"), a trailing
    description after a comma dropped ("Julia Becker, the recruiter"), quotes and end marks
    trimmed, and an all-lowercase name capitalised ("julia" -> "Julia"). What is left when
    nothing name-like remains is the text as typed: a person's answer is never thrown away."""
    cleaned = " ".join(text.split())
    lead_ins = _lead_ins()
    # The last lead-in counts: "the hiring manager, her name is Julia".
    ends = [found.end() for found in lead_ins.anywhere.finditer(cleaned)]
    name = cleaned[ends[-1] :] if ends else cleaned
    name = lead_ins.start.sub("", name.strip(_EDGE), count=1)
    head, comma, tail = name.partition(",")
    if comma and head.strip() and tail.strip()[:1].islower():
        name = head  # "Julia Becker, the recruiter"; "Becker, Julia" stays
    name = name.strip(_EDGE)
    if not name:
        return cleaned
    if name == name.lower():
        name = " ".join(word[:1].upper() + word[1:] for word in name.split())
    return name


@dataclass(frozen=True)
class PersonName(FreeText):
    """A short free-text answer that is a name (see :func:`clean_name`)."""

    def __call__(self, text: str, now: datetime) -> Accepted | Rejected:
        return super().__call__(clean_name(text), now)


# --- Greeting a name: titles and patronymics (name_titles.yaml) -------------------------------


@dataclass(frozen=True)
class _NameWords:
    titles: frozenset[str]
    patronymic_endings: tuple[str, ...]


@cache
def _name_words() -> _NameWords:
    """Titles and patronymic endings of every language (name_titles.yaml)."""
    data = _name_titles()
    words: dict[str, list[str]] = {}
    for section in ("titles", "patronymic_endings"):
        per_language = data.get(section) if isinstance(data, dict) else None
        if not isinstance(per_language, dict) or not all(
            isinstance(ws, list) and all(isinstance(w, str) for w in ws)
            for ws in per_language.values()
        ):
            raise ValueError(f"name_titles.yaml: {section} must map languages to word lists")
        words[section] = [w.casefold() for ws in per_language.values() for w in ws]
    return _NameWords(frozenset(words["titles"]), tuple(words["patronymic_endings"]))


def _is_title(word: str) -> bool:
    return word.rstrip(".").casefold() in _name_words().titles


def first_name(name: str) -> str:
    """The first name for a warm greeting ("Maria Lopez", "Dr. Anna Chen" -> "Maria", "Anna");
    a title with only a surname stays whole ("Frau Müller"), never "Hallo Frau,"."""
    parts = name.split()
    rest = parts
    while rest and _is_title(rest[0]):
        rest = rest[1:]
    return rest[0] if len(rest) >= 2 else " ".join(parts)


def greeting_name(name: str, tone: str) -> str:
    """How the draft addresses `name` in `tone` (see name_titles.yaml for the choices)."""
    parts = name.split()
    endings = _name_words().patronymic_endings
    for i in range(1, len(parts)):
        if parts[i].casefold().endswith(endings) and not _is_title(parts[i - 1]):
            return f"{parts[i - 1]} {parts[i]}"  # "Мария Ивановна"
    if tone == "formal" or (tone == "brief" and len(parts) > 1 and _is_title(parts[0])):
        return " ".join(parts)
    return first_name(name)
