"""Crisis detection: words of suicide or self-harm get a caring reply with helplines, in any flow.

`detect(text)` says whether a message expresses suicidal thoughts or self-harm, direct ("I want to
kill myself") or indirect ("there is no way out for me"), in the languages listed in
``data/crisis_phrases.yaml``. `helplines_for(timezone, language_code)` picks whose helplines to
show: a country code with an entry under ``crisis.helplines`` in ``content/en/crisis.yaml``, or
``"INTL"`` (an international directory) when we can't tell or have no list for that country.

Privacy: the text is only normalised and matched in memory. Nothing here stores, logs or returns
any part of it; a `CrisisSignal` carries a yes/no and the name of the phrase list that fired.

How matching works (the choices are documented at the top of the YAML file):

1. Normalise: cap the length, drop zero-width/format characters, casefold, strip accents (NFKD,
   which also folds full-width and "fancy" letters), undo cheap leetspeak ("k1ll"), fix words that
   mix Latin and Cyrillic look-alikes, squeeze characters repeated 3+ times ("dieeee"), delete
   apostrophes ("can't" -> "cant"), turn hyphens and symbols into spaces and clause punctuation
   into " . ".
2. Match at each word start, trying only the patterns that can begin with that word's first
   letter (one compiled alternation per letter; a named group per language tells which list
   fired). This keeps a typical message well under 100 µs.
3. Guards: a match that overlaps a venting idiom containing crisis words ("die of
   embarrassment", "career suicide", "shot myself in the foot") does not count; a real crisis
   phrase elsewhere in the same message still fires.

The false-positive cost is a kind message with helplines; the false-negative cost is far higher,
so the lists lean towards recall, while the everyday venting idioms stay quiet.

``python -m bot.services.crisis [file] [--counts]`` prints precision, recall and the confusion
counts on the labelled set in ``tests/unit/crisis_cases.yaml`` (the tuning set) or another file,
such as the held-out ``tests/unit/crisis_cases_heldout.yaml``; ``--counts`` hides the sentences,
so a held-out set can be scored without being read while the lists change.

In groups the handler answers publicly without repeating the words, at most once per member per
cooldown (`GroupCareLimiter`, in memory). The inbox copy of the words goes when the update is
marked handled, as every message's does (bot.services.inbox).
"""

from __future__ import annotations

import importlib
import re
import sys
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "GROUP_REPLY_KEY",
    "HELPLINES_SECTION",
    "INTERNATIONAL",
    "PRIVATE_SUPPORT_KEY",
    "REPLY_KEY",
    "RESUME_KEY",
    "SUPPORT_PAYLOAD",
    "CrisisSignal",
    "GroupCareLimiter",
    "detect",
    "helpline_countries",
    "helplines_for",
    "normalise",
    "warm_up",
]

PHRASES = Path(__file__).with_name("data") / "crisis_phrases.yaml"
CONTENT_FILE = ("en", "crisis.yaml")

# Content keys for the handler: reply (with {helplines}), the helplines of one country, resume.
REPLY_KEY = "crisis.reply"
RESUME_KEY = "crisis.resume"
HELPLINES_SECTION = "crisis.helplines"
INTERNATIONAL = "INTL"
# In a group: a reply that never repeats the words, with the international directory, and a
# button to t.me/<bot>?start=support, which opens PRIVATE_SUPPORT_KEY (with local helplines).
GROUP_REPLY_KEY = "crisis.group_reply"
PRIVATE_SUPPORT_KEY = "crisis.private_support"
SUPPORT_PAYLOAD = "support"

# Telegram messages are at most 4096 characters (captions 1024); anything longer is not a chat
# message, and scanning a bounded prefix keeps the worst case cheap.
MAX_SCAN_CHARS = 6000


@dataclass(frozen=True)
class CrisisSignal:
    matched: bool
    language: str | None  # which phrase list fired, e.g. "en"


NO_SIGNAL = CrisisSignal(matched=False, language=None)


class GroupCareLimiter:
    """At most one crisis reply per member of a group per ``cooldown`` seconds.

    A group is public: a second, third, tenth reply to the same person would put them on show
    and could become a loop. Kept in memory only (nothing about a crisis message is stored);
    after a restart a member may get one more reply, which is the safe side. Keys are
    (chat id, sender id) pairs and expire; the table is pruned so it stays small.
    """

    def __init__(self, cooldown: float = 1800.0, max_entries: int = 10_000) -> None:
        self.cooldown = cooldown
        self.max_entries = max_entries
        self._until: dict[tuple[int, int], float] = {}

    def allow(self, chat_id: int, sender_id: int, now: float) -> bool:
        """True (and the member's quiet period starts) when a reply may be sent now."""
        key = (chat_id, sender_id)
        until = self._until.get(key)
        if until is not None and now < until:
            return False
        if len(self._until) >= self.max_entries:
            self._prune(now)
        self._until[key] = now + self.cooldown
        return True

    def _prune(self, now: float) -> None:
        live = [(key, until) for key, until in self._until.items() if until > now]
        if len(live) >= self.max_entries:  # all still quiet: keep the newest
            live = sorted(live, key=lambda item: item[1])[len(live) - self.max_entries + 1 :]
        self._until = dict(live)

    def __len__(self) -> int:
        return len(self._until)


# --- normalisation -----------------------------------------------------------------------------

_APOSTROPHES = "'’‘ʼ`´′ʹ＇"
_DROP_APOSTROPHES = str.maketrans(dict.fromkeys(_APOSTROPHES, ""))
# Clause punctuation becomes " . " (patterns may look for the end of a clause); other ASCII
# punctuation and symbols become spaces; anything else that is not a letter or digit (emoji,
# other scripts' symbols) is turned into a space by _NON_WORD. One character to one character,
# so str.translate takes its fast path; the dots get their spaces afterwards.
_CLAUSE_CHARS = '.!?;:,…()[]{}"«»„“”‹›<>|\n\r\u2028\u2029'
_PUNCTUATION = str.maketrans(
    dict.fromkeys(_CLAUSE_CHARS, ".") | dict.fromkeys("#%&*+-/=\\^_~@$", " ")
)
_NON_WORD = re.compile(r"[^\w\s.]|_")
# Cheap leetspeak, only for a digit/symbol touching a letter and not another digit ("k1ll", "$elf"),
# so numbers like "12 kms" or "24/7" stay numbers.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_CHARS = re.compile(r"[013457@$]")
_LEET_RE = re.compile(r"(?<=[^\W\d_])[013457@$](?![0-9])|(?<![0-9])[013457@$](?=[^\W\d_])")
_REPEATS = re.compile(r"(.)\1{2,}")  # "dieeee", "!!!", "   "
_DOTS = re.compile(r"(?: \.)+")
_LATIN = re.compile(r"[a-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MIXED_WORD = re.compile(r"\w*(?:[a-z]\w*[\u0400-\u04ff]|[\u0400-\u04ff]\w*[a-z])\w*")
# Lower-case letters that look alike once casefolded (from either upper or lower case).
_CYR_TO_LAT = str.maketrans("аеорсухікмтнвјѕ", "aeopcyxikmthbjs")
_LAT_TO_CYR = str.maketrans("aeopcyxikmthb", "аеорсухікмтнв")


@cache
def _mark_table() -> dict[int, None]:
    """Every combining mark (categories Mn, Mc, Me) in the scripts we read, deleted by translate."""
    ranges = (range(0x0300, 0x2E00), range(0xFE00, 0xFE30))
    return {cp: None for block in ranges for cp in block if unicodedata.category(chr(cp))[0] == "M"}


def _fix_mixed_word(match: re.Match[str]) -> str:
    word = match.group(0)
    latin = len(_LATIN.findall(word))
    cyrillic = len(_CYRILLIC.findall(word))
    return word.translate(_CYR_TO_LAT if latin >= cyrillic else _LAT_TO_CYR)


def _fold(text: str) -> str:
    """Casefold, drop format characters, accents and apostrophes, fold compatibility forms."""
    if text.isascii():
        return text.lower().translate(_DROP_APOSTROPHES)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cs", "Co"))
    text = text.translate(_DROP_APOSTROPHES).casefold()
    text = unicodedata.normalize("NFKD", text).translate(_mark_table())
    # NFKD can surface capitals (ligatures, maths letters) and apostrophes (full-width forms).
    return text.casefold().translate(_DROP_APOSTROPHES)


def normalise(text: str) -> str:
    """The form both messages and patterns are matched in (see the module docstring)."""
    text = _fold(text[:MAX_SCAN_CHARS])
    if _LEET_CHARS.search(text):
        text = _LEET_RE.sub(lambda m: _LEET[m.group(0)], text)
    text = _REPEATS.sub(r"\1", text).translate(_PUNCTUATION).replace(".", " . ")
    if not text.isascii():
        if _LATIN.search(text) and _CYRILLIC.search(text):
            text = _MIXED_WORD.sub(_fix_mixed_word, text)
        text = _NON_WORD.sub(" ", text)
    text = " ".join(text.split())
    return _DOTS.sub(" .", text) if ". ." in text else text


# --- phrase lists ------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\.|%[a-z0-9_]+%|[^\\%]+|%", re.DOTALL)
# Word boundaries. Normalisation deletes combining marks (Devanagari vowel signs included), so every
# letter left is a \w character and these work for all the scripts in the lists.
_LEFT = r"(?<!\w)"
_RIGHT = r"(?!\w)"


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
            out.append(_fold(piece))
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
class _Rules:
    by_first_char: dict[str, re.Pattern[str]]  # the patterns that can start with that character
    other: re.Pattern[str] | None  # the patterns that can start with anything
    guard: re.Pattern[str] | None
    languages: tuple[str, ...]


def _strings(node: Any, where: str) -> list[str]:
    if node is None:
        return []
    if not isinstance(node, list) or not all(isinstance(item, str) for item in node):
        raise PhraseError(f"{where} must be a list of strings")
    return list(node)


def _language_patterns(node: Any, where: str) -> list[str]:
    """A language's patterns: a list, or a mapping of named lists (direct, indirect, ...)."""
    if isinstance(node, Mapping):
        return [p for key, value in node.items() for p in _strings(value, f"{where}.{key}")]
    return _strings(node, where)


def _alternation(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _grouped(by_language: Mapping[str, list[str]]) -> re.Pattern[str]:
    groups = [f"(?P<{code}>{_alternation(ps)})" for code, ps in by_language.items() if ps]
    return re.compile("(?:" + "|".join(groups) + ")" + _RIGHT)


def load_phrases(path: Path = PHRASES) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise PhraseError(f"{path.name}: expected a mapping")
    return data


def compile_rules(data: Mapping[str, Any]) -> _Rules:
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
        patterns = [prepare_pattern(p, macros) for p in _language_patterns(node, str(code))]
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
        ch: _grouped(
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
        for p in _strings(value, f"guards.{key}")
    ]
    return _Rules(
        by_first_char=by_first_char,
        other=_grouped(anywhere) if any(anywhere.values()) else None,
        guard=re.compile(f"{_LEFT}(?:{_alternation(guards)}){_RIGHT}") if guards else None,
        languages=tuple(prepared),
    )


@cache
def _rules() -> _Rules:
    return compile_rules(load_phrases())


def warm_up() -> None:
    """Compile the phrase lists now (about 0.1-0.3 s) rather than on the first message."""
    _rules()


def detect(text: str) -> CrisisSignal:
    """Does this message express suicidal thoughts or self-harm? Never stores or logs the text."""
    if not isinstance(text, str) or not text:
        return NO_SIGNAL
    return _detect_with(_rules(), text)


def _detect_with(rules: _Rules, text: str) -> CrisisSignal:
    """The leftmost crisis phrase that does not overlap a venting idiom (a guard) fires."""
    folded = normalise(text)
    guard_spans: list[tuple[int, int]] | None = None
    position = 0
    for word in folded.split(" "):
        regex = rules.by_first_char.get(word[:1], rules.other)
        match = regex.match(folded, position) if regex is not None else None
        position += len(word) + 1
        if match is None:
            continue
        if guard_spans is None:
            guard = rules.guard
            guard_spans = [g.span() for g in guard.finditer(folded)] if guard else []
        start, end = match.span()
        if not any(g_start < end and start < g_end for g_start, g_end in guard_spans):
            return CrisisSignal(matched=True, language=match.lastgroup)
    return NO_SIGNAL


# --- helplines ---------------------------------------------------------------------------------

# Main zones of the countries we cover, and old aliases zone.tab no longer lists. Used on top of
# tzdata's zone.tab (every canonical zone -> country) when that file ships, alone otherwise.
_ZONE_COUNTRY: dict[str, str] = {
    "America/New_York": "US",
    "America/Chicago": "US",
    "America/Denver": "US",
    "America/Phoenix": "US",
    "America/Los_Angeles": "US",
    "America/Anchorage": "US",
    "Pacific/Honolulu": "US",
    "America/Detroit": "US",
    "America/Indiana/Indianapolis": "US",
    "America/Toronto": "CA",
    "America/Vancouver": "CA",
    "America/Edmonton": "CA",
    "America/Winnipeg": "CA",
    "America/Halifax": "CA",
    "America/St_Johns": "CA",
    "America/Regina": "CA",
    "America/Montreal": "CA",
    "Europe/London": "GB",
    "Europe/Belfast": "GB",
    "Europe/Dublin": "IE",
    "Europe/Berlin": "DE",
    "Europe/Busingen": "DE",
    "Europe/Vienna": "AT",
    "Europe/Zurich": "CH",
    "Europe/Paris": "FR",
    "Europe/Brussels": "BE",
    "Europe/Amsterdam": "NL",
    "Europe/Madrid": "ES",
    "Atlantic/Canary": "ES",
    "Africa/Ceuta": "ES",
    "Europe/Lisbon": "PT",
    "Atlantic/Madeira": "PT",
    "Atlantic/Azores": "PT",
    "Europe/Rome": "IT",
    "Europe/Warsaw": "PL",
    "Europe/Stockholm": "SE",
    "Europe/Oslo": "NO",
    "Europe/Copenhagen": "DK",
    "Europe/Helsinki": "FI",
    "Europe/Kyiv": "UA",
    "Europe/Kiev": "UA",
    "Europe/Uzhgorod": "UA",
    "Europe/Zaporozhye": "UA",
    "America/Sao_Paulo": "BR",
    "America/Bahia": "BR",
    "America/Fortaleza": "BR",
    "America/Recife": "BR",
    "America/Belem": "BR",
    "America/Manaus": "BR",
    "America/Cuiaba": "BR",
    "America/Campo_Grande": "BR",
    "America/Porto_Velho": "BR",
    "America/Rio_Branco": "BR",
    "America/Maceio": "BR",
    "America/Araguaina": "BR",
    "America/Noronha": "BR",
    "America/Boa_Vista": "BR",
    "America/Santarem": "BR",
    "America/Mexico_City": "MX",
    "America/Monterrey": "MX",
    "America/Cancun": "MX",
    "America/Tijuana": "MX",
    "America/Merida": "MX",
    "America/Chihuahua": "MX",
    "America/Hermosillo": "MX",
    "America/Mazatlan": "MX",
    "America/Buenos_Aires": "AR",
    "America/Cordoba": "AR",
    "America/Mendoza": "AR",
    "America/Argentina/Buenos_Aires": "AR",
    "America/Argentina/Cordoba": "AR",
    "America/Argentina/Mendoza": "AR",
    "Asia/Kolkata": "IN",
    "Asia/Calcutta": "IN",
    "Australia/Sydney": "AU",
    "Australia/Melbourne": "AU",
    "Australia/Brisbane": "AU",
    "Australia/Perth": "AU",
    "Australia/Adelaide": "AU",
    "Australia/Hobart": "AU",
    "Australia/Darwin": "AU",
    "Australia/Canberra": "AU",
    "Australia/ACT": "AU",
    "Australia/NSW": "AU",
    "Pacific/Auckland": "NZ",
    "Pacific/Chatham": "NZ",
    "Asia/Singapore": "SG",
    "Africa/Johannesburg": "ZA",
    # Old backward-compatible names
    "GB": "GB",
    "GB-Eire": "GB",
    "Eire": "IE",
    "Poland": "PL",
    "Portugal": "PT",
    "Singapore": "SG",
    "NZ": "NZ",
    "NZ-CHAT": "NZ",
}
_PREFIX_COUNTRY = {
    "US/": "US",
    "Canada/": "CA",
    "Brazil/": "BR",
    "Mexico/": "MX",
    "Australia/": "AU",
}
# Fixed offsets that, in practice, mean one country. Others are shared by many countries.
_OFFSET_COUNTRY = {"UTC+05:30": "IN", "UTC+5:30": "IN"}
# Languages spoken mostly in one country we have helplines for; used only without a usable zone.
# Deliberately absent: en, es, ar, ru (spread over many countries -> the international list).
_LANGUAGE_COUNTRY = {
    "de": "DE",
    "fr": "FR",
    "pt": "BR",
    "uk": "UA",
    "hi": "IN",
    "nl": "NL",
    "it": "IT",
    "pl": "PL",
    "sv": "SE",
    "da": "DK",
    "nb": "NO",
    "nn": "NO",
    "no": "NO",
    "fi": "FI",
}


@cache
def _zone_tab() -> dict[str, str]:
    """IANA zone -> ISO country from tzdata's zone.tab, if that package ships it."""
    try:
        tab = resources.files("tzdata") / "zoneinfo" / "zone.tab"
        if not tab.is_file():
            return {}
        lines = tab.read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, OSError, UnicodeDecodeError):
        return {}
    table: dict[str, str] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3 and len(fields[0]) == 2:
            table[fields[2]] = fields[0]
    return table


def country_for_zone(timezone: str | None) -> str | None:
    """ISO country of an IANA zone name or a stored offset like "UTC+05:30"; None if unknown."""
    if not timezone:
        return None
    zone = timezone.strip()
    if zone in _OFFSET_COUNTRY:
        return _OFFSET_COUNTRY[zone]
    found = _zone_tab().get(zone) or _ZONE_COUNTRY.get(zone)
    if found:
        return found
    for prefix, country in _PREFIX_COUNTRY.items():
        if zone.startswith(prefix):
            return country
    return None


def country_for_language(language_code: str | None) -> str | None:
    """``pt-BR`` -> BR (an explicit region wins), ``de`` -> DE; None for en, es, ru, ..."""
    if not language_code:
        return None
    parts = language_code.strip().replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.isascii() and part.isalpha():
            return part.upper()
    return _LANGUAGE_COUNTRY.get(parts[0].lower())


@cache
def helpline_countries() -> frozenset[str]:
    """Countries with an entry under ``crisis.helplines`` in the English content."""
    from bot.content import content_root  # local: keeps this module importable on its own

    try:
        path = content_root().joinpath(*CONTENT_FILE)
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, ValueError):
        return frozenset()
    helplines = data.get("helplines") if isinstance(data, dict) else None
    if not isinstance(helplines, dict):
        return frozenset()
    return frozenset(str(code) for code in helplines if str(code) != INTERNATIONAL)


def helplines_for(timezone: str | None, language_code: str | None) -> str:
    """Whose helplines to show: a country code under ``crisis.helplines``, or ``"INTL"``.

    The time zone decides when it names a country (a zone is where the person is; a language is
    only a guess), even if we have no list for that country. The language is used only when the
    zone says nothing (none, UTC, most fixed offsets).
    """
    covered = helpline_countries()
    from_zone = country_for_zone(timezone)
    if from_zone is not None:
        return from_zone if from_zone in covered else INTERNATIONAL
    from_language = country_for_language(language_code)
    if from_language is not None and from_language in covered:
        return from_language
    return INTERNATIONAL


# --- measurement -------------------------------------------------------------------------------

CASES = Path(__file__).resolve().parents[2] / "tests" / "unit" / "crisis_cases.yaml"


@dataclass(frozen=True)
class Case:
    text: str
    crisis: bool
    lang: str
    must: bool
    source: str  # "tuning" (written with the lists), "holdout", "holdout2" (written afterwards)


def load_cases(path: Path = CASES) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default_source = str(data.get("source", "tuning"))
    cases: list[Case] = []
    for section, crisis in (("positives", True), ("negatives", False)):
        for item in data[section]:
            cases.append(
                Case(
                    text=str(item["text"]),
                    crisis=crisis,
                    lang=str(item["lang"]),
                    must=bool(item.get("must", False)),
                    source=str(item.get("source", default_source)),
                )
            )
    return cases


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int
    must_total: int
    must_found: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def must_recall(self) -> float:
        return self.must_found / self.must_total if self.must_total else 1.0


def score(cases: Iterable[Case]) -> tuple[Scores, list[Case], list[Case]]:
    """Confusion counts, plus the missed positives and the false alarms."""
    tp = fp = fn = tn = must_total = must_found = 0
    missed: list[Case] = []
    false_alarms: list[Case] = []
    for case in cases:
        hit = detect(case.text).matched
        if case.crisis:
            must_total += case.must
            must_found += case.must and hit
            if hit:
                tp += 1
            else:
                fn += 1
                missed.append(case)
        elif hit:
            fp += 1
            false_alarms.append(case)
        else:
            tn += 1
    return Scores(tp, fp, fn, tn, must_total, must_found), missed, false_alarms


def _print_scores(label: str, result: Scores) -> None:
    print(
        f"  {label}: TP={result.tp} FN={result.fn} FP={result.fp} TN={result.tn}  "
        f"precision={result.precision:.3f} recall={result.recall:.3f} f1={result.f1:.3f}  "
        f"must-recall={result.must_recall:.3f} ({result.must_found}/{result.must_total})"
    )


def _main(argv: list[str]) -> int:
    """``[cases.yaml] [--counts]``: --counts hides the sentences (for a held-out set)."""
    paths = [arg for arg in argv if not arg.startswith("-")]
    path = Path(paths[0]) if paths else CASES
    counts_only = "--counts" in argv
    cases = load_cases(path)
    warm_up()
    start = time.perf_counter()
    result, missed, false_alarms = score(cases)
    elapsed = time.perf_counter() - start
    positives = sum(c.crisis for c in cases)
    print(
        f"crisis detector on {path.name}: {positives} positives, {len(cases) - positives} negatives"
    )
    print(f"  confusion: TP={result.tp}  FN={result.fn}  FP={result.fp}  TN={result.tn}")
    print(
        f"  precision={result.precision:.3f}  recall={result.recall:.3f}  f1={result.f1:.3f}  "
        f"must-recall={result.must_recall:.3f} ({result.must_found}/{result.must_total})"
    )
    print(f"  {elapsed / max(len(cases), 1) * 1e6:.1f} µs per message")
    print("by language:")
    for lang in sorted({c.lang for c in cases}):
        _print_scores(lang, score(c for c in cases if c.lang == lang)[0])
    print("by batch:")
    for source in sorted({c.source for c in cases}):
        _print_scores(source, score(c for c in cases if c.source == source)[0])
    if counts_only:
        return 0
    # Test-set sentences only (never user messages): shown to help tune the lists.
    for label, items in (("missed", missed), ("false alarm", false_alarms)):
        for case in items:
            print(f"  {label} [{case.lang}]: {case.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
