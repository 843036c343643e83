"""A person's name as typed into a name question, without the words around it: "her name is
Julia Becker" is "Julia Becker", "it's julia" is "Julia". The lead-in words are data
(data/name_titles.yaml, ``lead_ins``), so a draft never greets someone as "Hi her,"."""

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
def _lead_ins() -> _LeadIns:
    path = resources.files("bot.services") / "data" / "name_titles.yaml"
    data = yaml_files.safe_load(path.read_text(encoding="utf-8"))
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
