"""Understand how a person on a phone tells us their time zone during onboarding.

People type a city, a country, an IANA name, a UTC offset, or just the time on their clock.
`parse_timezone` turns that into one stored value (an IANA name, or a fixed "UTC±HH:MM" when
all we know is an offset) or a problem code the conversation layer turns into a kind re-ask.
The other helpers turn a stored value back into a tzinfo and display labels.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache, lru_cache
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from bot import yaml_files
from bot.services.time_of_day import TimeReading, fold, read_time_of_day

__all__ = [
    "ZoneChoice",
    "ZoneProblem",
    "is_valid_zone_name",
    "local_now",
    "parse_timezone",
    "utc_offset_label",
    "zone_for",
]


@dataclass(frozen=True)
class ZoneChoice:
    """What we understood: the value to store and what to read back for confirmation."""

    name: str
    kind: Literal["iana", "offset"]
    matched: str


@dataclass(frozen=True)
class ZoneProblem:
    """Why we could not understand the answer, plus close matches for a kind re-ask."""

    code: Literal["empty", "unknown", "ambiguous", "offset_out_of_range", "bad_clock_time"]
    suggestions: tuple[str, ...] = ()


# Nobody types a time zone this long; refusing early keeps pathological input cheap.
_MAX_INPUT = 100
_MIN_OFFSET = -12 * 60
_MAX_OFFSET = 14 * 60
_OFFSET_STEP = 15
_MAX_SUGGESTIONS = 3

_UTC_WORDS = frozenset({"utc", "gmt", "z"})
# The areas of real places; legacy links such as "US/Eastern" or "Canada/Pacific" would turn
# words like "eastern" or "pacific" into guesses.
_PLACE_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
# Legacy names whose last part is a plain word rather than a place.
_NOT_PLACES = frozenset({"Australia/North", "Australia/South", "Australia/West"})
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})

_OFFSET_INPUT = re.compile(
    r"(?:(?P<prefix>utc|gmt)\s*)?(?P<sign>[+-])?\s*(?P<hours>\d{1,2})(?:[:.]?(?P<minutes>\d{2}))?",
    re.ASCII,
)
_OFFSET_NAME = re.compile(r"UTC(?P<sign>[+-])(?P<hours>\d{2}):(?P<minutes>\d{2})", re.ASCII)

_MAX_HERE_WORDS = 4
_TIME_SHAPED = re.compile(r"[\d\s:.h]*\d[\d\s:.hapm]*", re.ASCII)

_PUNCTUATION = str.maketrans(
    {"−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "’": "'", "‘": "'", "ʼ": "'", "`": "'"}
)
# Letters NFKD does not decompose, so "Łódź" and "Malmø" still fold to ASCII.
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i", "þ": "th"})


@dataclass(frozen=True)
class _Place:
    zone: str
    display: str


@dataclass(frozen=True)
class _Index:
    places: dict[str, _Place]  # folded key -> zone; aliases win over zone cities and names
    ambiguous: dict[str, tuple[str, ...]]  # folded key -> suggestions
    suggestion_keys: tuple[str, ...]  # what difflib compares against
    suggestion_display: dict[str, str]  # folded key -> display name
    before: tuple[str, ...]  # folded phrases before a place, longest first
    after: tuple[str, ...]  # folded phrases after a place, longest first
    endings: tuple[tuple[str, str], ...]  # folded (case ending, dictionary ending)


def parse_timezone(text: str, now_utc: datetime) -> ZoneChoice | ZoneProblem:
    """Understand a free-text time zone answer; `now_utc` anchors "it's 14:30 here"."""
    _require_aware(now_utc)
    stripped = text.strip()
    if not stripped:
        return ZoneProblem("empty")
    if len(stripped) > _MAX_INPUT:
        return ZoneProblem("unknown")
    cleaned = _trim(_normalize(stripped))
    if not cleaned or len(cleaned) > _MAX_INPUT:
        return ZoneProblem("unknown")

    for step in (_parse_offset, _lookup_place, _parse_clock_phrase):
        result = step(cleaned, now_utc)
        if result is not None:
            return result
    return ZoneProblem("unknown", _suggest(cleaned))


def warm_up() -> None:
    """Read the time-zone database and build the place index now (~40 ms), at start-up,
    rather than on the event loop with the first time zone someone types or is due in."""
    _index()


def zone_for(name: str) -> tzinfo:
    """Turn a stored value into a tzinfo; ValueError when it is not one we would store."""
    if name in _iana_names():
        return ZoneInfo(name)
    minutes = _offset_name_minutes(name)
    if minutes is None:
        raise ValueError("not a stored time zone value")
    return timezone(timedelta(minutes=minutes), name)


def is_valid_zone_name(name: str) -> bool:
    """True for values `parse_timezone` can produce: IANA names and canonical offsets."""
    return name in _iana_names() or _offset_name_minutes(name) is not None


def local_now(name: str, now_utc: datetime) -> datetime:
    """The wall-clock time in zone `name` at the instant `now_utc`."""
    _require_aware(now_utc)
    return now_utc.astimezone(zone_for(name))


def utc_offset_label(name: str, now_utc: datetime) -> str:
    """The zone's offset at `now_utc` ("UTC+01:00" in a Berlin winter, "UTC+02:00" in summer).

    Uses the same format as stored offsets, so a fixed offset's label is its stored name.
    """
    offset = local_now(name, now_utc).utcoffset()
    if offset is None:  # pragma: no cover - zone_for only returns zones with offsets
        raise ValueError("zone has no UTC offset")
    return _offset_name(round(offset.total_seconds() / 60))


@cache
def _called() -> dict[str, str]:
    return _load_places().called


def known_as(name: str) -> str | None:
    """How people name zone ``name``'s time where its offset alone would mislead ("UK time"
    for Europe/London, whose winter offset is UTC's own): a key of the content's
    ``onboarding.zone_called``, from places.yaml's ``called``; None for other zones."""
    return _called().get(name)


def offset_shown(name: str, now_utc: datetime) -> str:
    """:func:`utc_offset_label` as shown beside a place: never the bare "UTC" that a zone on
    UTC's offset gets, which reads as "you are set to UTC" ("UTC+00:00" instead)."""
    label = utc_offset_label(name, now_utc)
    return "UTC+00:00" if label == "UTC" else label


# --- offsets -----------------------------------------------------------------------------------


def _parse_offset(text: str, _now_utc: datetime) -> ZoneChoice | ZoneProblem | None:
    """Offsets like "UTC+5:30", "GMT-3", "+2", "-0330"; a bare "14" is a clock time instead."""
    match = _OFFSET_INPUT.fullmatch(text)
    if match is None or not (match["prefix"] or match["sign"]):
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    total = (hours * 60 + minutes) * (-1 if match["sign"] == "-" else 1)
    if minutes >= 60 or minutes % _OFFSET_STEP or not _MIN_OFFSET <= total <= _MAX_OFFSET:
        return ZoneProblem("offset_out_of_range")
    name = _offset_name(total)
    return ZoneChoice(name, "offset", name)


def _offset_name(minutes: int) -> str:
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _offset_name_minutes(name: str) -> int | None:
    """Minutes east of UTC for a canonical stored offset ("UTC+05:30"), else None."""
    match = _OFFSET_NAME.fullmatch(name)
    if match is None:
        return None
    minutes = int(match["hours"]) * 60 + int(match["minutes"])
    total = -minutes if match["sign"] == "-" else minutes
    if total == 0 or int(match["minutes"]) % _OFFSET_STEP:
        return None
    return total if _MIN_OFFSET <= total <= _MAX_OFFSET else None


# --- places ------------------------------------------------------------------------------------


def _lookup_place(text: str, now_utc: datetime) -> ZoneChoice | ZoneProblem | None:
    """The first reading that names a known place; case endings ("в Москве") only as a fallback."""
    index = _index()
    candidates = list(dict.fromkeys(_fold(c) for c in _place_candidates(text)))
    inflected = (v for c in candidates for v in _dictionary_forms(c, index.endings))
    for key in (*candidates, *inflected):
        if key in _UTC_WORDS:
            return ZoneChoice("UTC", "iana", "UTC")
        if key in index.ambiguous:
            return ZoneProblem("ambiguous", index.ambiguous[key])
        place = index.places.get(key)
        if place is not None:
            return ZoneChoice(place.zone, "iana", place.display)
    return None


def _place_candidates(text: str) -> Iterator[str]:
    """The answer as typed, then with "I'm in", "ich wohne in", "vivo en", "я живу в", "time zone:"
    or "... time" peeled off one word at a time (so "vivo en La Paz" still finds "La Paz"), then
    each comma-separated part."""
    yield text
    core = text
    for core in _cores(text):
        yield core
    if "," in core:
        yield from (part.strip() for part in core.split(","))


def _cores(text: str) -> Iterator[str]:
    """The folded answer with one more surrounding phrase (places.yaml `phrases`) removed each
    time; the last one is the bare place."""
    index = _index()
    core = _strip_after(_fold(text), index.after)
    while True:
        yield core
        rest = _strip_before(core, index.before)
        if rest is None:
            return
        core = _strip_after(rest, index.after)


def _strip_before(text: str, phrases: tuple[str, ...]) -> str | None:
    """`text` without its leading phrase (and a ":" or "=" after it), or None when none leads."""
    for phrase in phrases:
        rest = text.removeprefix(phrase)
        if rest != text and rest[:1] in (" ", ":", "="):
            rest = rest.lstrip(" :=")
            return rest or None
    return None


def _strip_after(text: str, phrases: tuple[str, ...]) -> str:
    """`text` without trailing words such as "time", "hora", "время"."""
    stripped = True
    while stripped:
        stripped = False
        for phrase in phrases:
            if text.endswith(" " + phrase):
                text, stripped = text[: -len(phrase) - 1].rstrip(), True
                break
    return text


def _dictionary_forms(key: str, endings: tuple[tuple[str, str], ...]) -> Iterator[str]:
    """Dictionary forms an inflected place may have ("москве" -> "москва")."""
    for ending, base in endings:
        if key.endswith(ending) and len(key) > len(ending) + 2:
            yield key[: len(key) - len(ending)] + base


def _suggest(text: str) -> tuple[str, ...]:
    """Up to three display names close to what was typed ("Berln" -> "Berlin")."""
    *_, core = _cores(text)
    key = core.split(",", 1)[0].strip().rsplit("/", 1)[-1]
    if not key:
        return ()
    index = _index()
    matches = difflib.get_close_matches(key, index.suggestion_keys, n=10, cutoff=0.75)
    displays = dict.fromkeys(index.suggestion_display[match] for match in matches)
    return tuple(displays)[:_MAX_SUGGESTIONS]


# --- "it's 9pm here" ---------------------------------------------------------------------------

# How far from the stated time the real one may be: "9pm" is often said at 20:47 or 21:20.
_TOLERANCE = {"hour": 30, "quarter": 8, "minute": 3}
_ABOUT_TOLERANCE = 15  # added for "around 9", "9ish"


def _parse_clock_phrase(text: str, now_utc: datetime) -> ZoneChoice | ZoneProblem | None:
    rest, intent = _strip_here_words(text)
    reading = read_time_of_day(rest) if rest else None
    if reading is not None:
        name = _offset_name(_offset_from_wall_clock(reading, now_utc))
        return ZoneChoice(name, "offset", name)
    if intent or _TIME_SHAPED.fullmatch(rest):
        return ZoneProblem("bad_clock_time")
    return None


def _strip_here_words(text: str) -> tuple[str, bool]:
    """Drop "it's", "here", "hier ist es", "у меня сейчас"; True when any was there."""
    words = [w for w in (w.strip(",;!?") for w in text.split()) if w]
    here = _here_words()
    kept: list[str] = []
    intent = False
    i = 0
    while i < len(words):
        for size in range(min(_MAX_HERE_WORDS, len(words) - i), 0, -1):
            if fold(" ".join(words[i : i + size])) in here:
                intent, i = True, i + size
                break
        else:
            kept.append(words[i])
            i += 1
    return " ".join(kept), intent


def _offset_from_wall_clock(reading: TimeReading, now_utc: datetime) -> int:
    """Offset in minutes that makes `now_utc` read the stated time locally.

    People round: "9pm" at 12:13 UTC means UTC+09:00, not UTC+08:45. So the offsets considered
    are whole hours plus the :30 and :45 offsets some place uses right now, and a whole hour
    wins whenever it is within what the person's rounding allows (about half an hour for "9pm",
    a few minutes for "8:47"). Otherwise the closest offset wins. The stated time may be on the
    day before or after UTC's date; near the date line two offsets fit (UTC+13 or UTC-11), and
    the one more places use right now wins.
    """
    now = now_utc.astimezone(UTC).replace(tzinfo=None)
    in_use = _offsets_in_use(now_utc)
    offsets = set(range(_MIN_OFFSET, _MAX_OFFSET + 1, 60)) | set(in_use)
    tolerance = _TOLERANCE[reading.precision] + (_ABOUT_TOLERANCE if reading.approximate else 0)
    scored: list[tuple[float, int]] = []
    for days in (-1, 0, 1):
        local = datetime.combine(now.date() + timedelta(days=days), reading.time)
        exact = (local - now).total_seconds() / 60
        scored.extend((abs(offset - exact), offset) for offset in offsets)
    close = [(error, offset) for error, offset in scored if error <= tolerance]
    if close:
        return min(close, key=lambda c: (c[1] % 60 != 0, -in_use[c[1]], c[0], abs(c[1])))[1]
    return min(scored, key=lambda c: (c[0], c[1] % 60 != 0, -in_use[c[1]], abs(c[1])))[1]


def _offsets_in_use(now_utc: datetime) -> Counter[int]:
    """How many real places sit at each offset (in minutes) at `now_utc` (per UTC hour)."""
    hour = now_utc.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return _offsets_in_use_at(hour)


@lru_cache(maxsize=8)
def _offsets_in_use_at(now_utc: datetime) -> Counter[int]:
    counts: Counter[int] = Counter()
    for zone in _place_zones():
        offset = now_utc.astimezone(zone).utcoffset()
        if offset is not None:
            counts[round(offset.total_seconds() / 60)] += 1
    return counts


@cache
def _place_zones() -> tuple[ZoneInfo, ...]:
    """Every real place's zone, loaded once (ZoneInfo only weakly caches what it loads)."""
    names = sorted(n for n in _iana_names() if n.split("/", 1)[0] in _PLACE_AREAS)
    return tuple(ZoneInfo(name) for name in names)


# --- text handling -----------------------------------------------------------------------------


def _normalize(text: str) -> str:
    """NFKC, lower case, ASCII digits and plain dashes/apostrophes, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION).casefold()
    digits = (unicodedata.decimal(c, None) if not c.isascii() else None for c in text)
    text = "".join(c if d is None else str(d) for c, d in zip(text, digits, strict=True))
    return " ".join(text.split())


def _trim(text: str) -> str:
    """Drop surrounding punctuation and emoji, keeping a leading sign for "+2"."""
    start, end = 0, len(text)
    while start < end and not (text[start].isalnum() or text[start] in "+-"):
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]


def _fold(text: str) -> str:
    """Matching key: no accents or case; "_", "-", spaces alike; dots and apostrophes gone."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = re.sub(r"[_\-‐‑–—]+", " ", text)
    text = re.sub(r"[.'’`]", "", text)
    text = re.sub(r"\s*/\s*", "/", text)
    return " ".join(text.split())


def _pretty(zone: str) -> str:
    """Readable place for a zone: "America/Sao_Paulo" -> "Sao Paulo", "Etc/GMT+3" -> offset."""
    area, _, city = zone.rpartition("/")
    if area.split("/", 1)[0] in _PLACE_AREAS:
        return city.replace("_", " ")
    if area == "Etc":
        # Fixed zones, so any instant gives the label ("Etc/GMT+3" is UTC-03:00).
        return utc_offset_label(zone, datetime(2000, 1, 1, tzinfo=UTC))
    return zone.replace("_", " ")


def _require_aware(now_utc: datetime) -> None:
    if now_utc.tzinfo is None or now_utc.utcoffset() is None:
        raise ValueError("now_utc must be timezone-aware")


# --- data, loaded once -------------------------------------------------------------------------


@cache
def _here_words() -> frozenset[str]:
    """Read time_words_here.yaml: per language, the words around "it's 9pm here"."""
    path = resources.files("bot.services") / "data" / "time_words_here.yaml"
    data = yaml_files.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(words, list) and all(isinstance(w, str) for w in words)
        for words in data.values()
    ):
        raise ValueError("time_words_here.yaml must map languages to lists of words")
    return frozenset(fold(w) for words in data.values() for w in words)


@cache
def _iana_names() -> frozenset[str]:
    return frozenset(available_timezones() - _NOT_ZONES)


@dataclass(frozen=True)
class _PlacesFile:
    aliases: dict[str, str]
    ambiguous: dict[str, tuple[str, ...]]
    abbreviations: dict[str, tuple[str, ...]]
    before: tuple[str, ...]
    after: tuple[str, ...]
    endings: tuple[tuple[str, str], ...]
    called: dict[str, str]


@cache
def _index() -> _Index:
    """Build every lookup table once: aliases, IANA cities, full IANA names, fuzzy pool."""
    data = _load_places()
    names = _iana_names()
    places: dict[str, _Place] = {}

    for display, zone in data.aliases.items():
        places.setdefault(_fold(display), _Place(zone, display))
    # Prefer "America/Argentina/Buenos_Aires" over its legacy link "America/Buenos_Aires".
    cities = sorted(
        (n for n in names if n.split("/", 1)[0] in _PLACE_AREAS and n not in _NOT_PLACES),
        key=lambda n: (-n.count("/"), n),
    )
    for zone in cities:
        places.setdefault(_fold(zone.rsplit("/", 1)[1]), _Place(zone, _pretty(zone)))
    suggestions = {key: place.display for key, place in places.items()}
    suggestions.update({_fold(place): place for place in data.ambiguous})
    for zone in sorted(names):
        places.setdefault(_fold(zone), _Place(zone, _pretty(zone)))

    ambiguous = {_fold(k): v for k, v in (data.ambiguous | data.abbreviations).items()}
    return _Index(
        places,
        ambiguous,
        tuple(suggestions),
        suggestions,
        _longest_first(data.before),
        _longest_first(data.after),
        tuple((_fold(end), _fold(base)) for end, base in data.endings),
    )


def _longest_first(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({_fold(p) for p in phrases}, key=lambda p: (-len(p), p)))


def _load_places() -> _PlacesFile:
    """Read and check places.yaml; a bad edit fails loudly at first use, not silently."""
    raw = (resources.files("bot.services") / "data" / "places.yaml").read_text(encoding="utf-8")
    data = yaml_files.safe_load(raw)
    if not isinstance(data, dict):
        raise ValueError("places.yaml must be a mapping")
    names = _iana_names()
    aliases = data.get("aliases")
    if not isinstance(aliases, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v in names for k, v in aliases.items()
    ):
        raise ValueError("places.yaml: aliases must map names to known IANA zones")
    phrases = data.get("phrases")
    if not isinstance(phrases, dict) or not all(
        isinstance(sides, dict)
        and set(sides) <= {"before", "after"}
        and all(_is_word_list(words) for words in sides.values())
        for sides in phrases.values()
    ):
        raise ValueError("places.yaml: phrases must map languages to before/after word lists")
    endings = data.get("endings")
    if not isinstance(endings, dict) or not all(
        isinstance(pairs, list)
        and all(_is_word_list(pair, allow_empty=True) and len(pair) == 2 for pair in pairs)
        for pairs in endings.values()
    ):
        raise ValueError("places.yaml: endings must map languages to [ending, base] pairs")
    called = data.get("called")
    if not isinstance(called, dict) or not all(
        isinstance(k, str) and k in names and isinstance(v, str) and re.fullmatch(r"[a-z_]+", v)
        for k, v in called.items()
    ):
        raise ValueError("places.yaml: called must map known IANA zones to lowercase names")
    return _PlacesFile(
        aliases,
        _suggestion_table(data, "ambiguous"),
        _suggestion_table(data, "abbreviations"),
        tuple(w for sides in phrases.values() for w in sides.get("before", ())),
        tuple(w for sides in phrases.values() for w in sides.get("after", ())),
        tuple((end, base) for pairs in endings.values() for end, base in pairs),
        called,
    )


def _is_word_list(words: object, *, allow_empty: bool = False) -> bool:
    return isinstance(words, list) and all(
        isinstance(w, str) and (allow_empty or w.strip()) for w in words
    )


def _suggestion_table(data: dict[object, object], section: str) -> dict[str, tuple[str, ...]]:
    table = data.get(section)
    if not isinstance(table, dict):
        raise ValueError(f"places.yaml: {section} must be a mapping")
    result: dict[str, tuple[str, ...]] = {}
    for key, cities in table.items():
        if (
            not isinstance(key, str)
            or not isinstance(cities, list)
            or not 0 < len(cities) <= _MAX_SUGGESTIONS
            or not all(isinstance(city, str) for city in cities)
        ):
            raise ValueError(f"places.yaml: {section} must map names to 1-3 city names")
        result[key] = tuple(cities)
    return result
