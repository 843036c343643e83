"""Callback data: one small codec per feature, so no handler splits strings.

A button's data is ``<prefix>:<version>:<field>:<field>...`` (``hs:1:page:2``). Each feature's
tap is a frozen dataclass with a :class:`Codec` (below) that names the prefix, the version and
one typed :class:`Field` per dataclass field, in order. ``pack`` writes a tap (refusing
anything over Telegram's 64 bytes), ``pattern`` is what the feature's handler listens for
(every version of the prefix, so an older button still reaches the feature and is answered
kindly), and ``parse`` gives the typed tap back, or None for data that is from another
version, of another shape or plain junk: a stale tap.

A release that changes a feature's data raises the version; the buttons already sitting in
people's chats keep working when the new codec lists the old layout in ``older`` (a codec of
the same tap type with the old version number).
"""

from __future__ import annotations

import dataclasses
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar

from bot.content import CARE_ONLY_LOCALES, INTERFACE_LOCALES


class DataclassInstance(Protocol):
    """What every dataclass instance has (typeshed's private ``_typeshed`` names it too)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


LIMIT = 64  # bytes of callback data Telegram accepts
SEPARATOR = ":"

T = TypeVar("T", bound=DataclassInstance)


class NotThisField(ValueError):
    """A value or a part of the data that is not what its field takes."""


class Field(ABC):
    """One part of the data. ``read`` raises NotThisField for text that is not this field's;
    an ``optional`` field may be left off the end (read as None, and not written when None)."""

    optional: bool = False

    @abstractmethod
    def read(self, text: str) -> Any: ...

    @abstractmethod
    def write(self, value: Any) -> str: ...

    @property
    def takes_rest(self) -> bool:
        """Whether the field runs to the end of the data (it may then contain ``:``)."""
        return False


class Word(Field):
    """One of a few fixed words (an action, a period, a mood name): a ``str``."""

    def __init__(self, *choices: str, optional: bool = False) -> None:
        self.choices = frozenset(choices)
        self.optional = optional

    def read(self, text: str) -> str:
        if text not in self.choices:
            raise NotThisField(f"not this field's: {text[:20]!r}")
        return text

    def write(self, value: Any) -> str:
        return self.read(str(value))


@dataclasses.dataclass(frozen=True)
class Number(Field):
    """A record id or a small number: an ``int`` of at most 12 digits, no sign. ``within``
    limits it (a mood 1-5); ``blank`` is a word that stands for None ("new")."""

    within: Collection[int] | None = None
    blank: str | None = None
    optional: bool = False

    def read(self, text: str) -> int | None:
        if self.blank is not None and text == self.blank:
            return None
        if not (text.isascii() and text.isdigit() and len(text) <= 12):
            raise NotThisField(f"not this field's: {text[:20]!r}")
        number = int(text)
        if self.within is not None and number not in self.within:
            raise NotThisField(f"not this field's: {text[:20]!r}")
        return number

    def readable(self, text: str) -> bool:
        try:
            self.read(text)
        except NotThisField:
            return False
        return True

    def write(self, value: Any) -> str:
        if value is None and self.blank is not None:
            return self.blank
        if not isinstance(value, int) or isinstance(value, bool):
            raise NotThisField(f"not this field's: {value!r}")
        text = str(value)
        self.read(text)
        return text


@dataclasses.dataclass(frozen=True)
class Token(Field):
    """A short identifier (a skill id, a flow's step name): a ``str`` matching ``shape``.
    With ``rest`` it is the last field and runs to the end, colons and all (a flow option's
    value such as ``09:00``)."""

    shape: str = r"[a-z0-9_]{1,24}"
    optional: bool = False
    rest: bool = False

    def read(self, text: str) -> str:
        if re.fullmatch(self.shape, text) is None:
            raise NotThisField(f"not this field's: {text[:20]!r}")
        return text

    def write(self, value: Any) -> str:
        return self.read(str(value))

    @property
    def takes_rest(self) -> bool:
        return self.rest


class Codec(Generic[T]):
    """Pack, match and parse one feature's taps (see the module docstring)."""

    def __init__(
        self,
        prefix: str,
        version: int,
        tap: Callable[..., T],
        *fields: Field,
        valid: Callable[[T], bool] | None = None,
        older: tuple[Codec[T], ...] = (),
    ) -> None:
        """``tap`` builds the tap from the fields' values, in order (a dataclass: fields past
        these take their defaults); ``valid`` turns down combinations the fields allow one by
        one (a verb that needs an id, without one); ``older`` are layouts still accepted."""
        self.prefix: str = prefix
        self.version: int = version
        if re.fullmatch(r"[a-z]{1,8}", prefix) is None or version < 0:
            raise ValueError(f"bad callback prefix or version: {prefix}:{version}")
        if any(f.takes_rest for f in fields[:-1]):
            raise ValueError("only the last field may run to the end")
        seen = False
        for f in fields:
            if seen and not f.optional:
                raise ValueError("optional fields come last")
            seen = seen or f.optional
        if any(o.prefix != prefix or o.version == version for o in older):
            raise ValueError("an older layout must have the same prefix and another version")
        self.fields = fields
        self._tap = tap
        self._valid = valid
        self._older = older

    @property
    def pattern(self) -> str:
        """For the feature's CallbackQueryHandler: the prefix at any version, so a tap on an
        older button reaches the feature (and ``parse`` says it is stale) rather than some
        other handler."""
        return rf"^{re.escape(self.prefix)}{SEPARATOR}"

    def pack(self, tap: T) -> str:
        """The data for a button that sends ``tap``; ValueError when a value is not its
        field's or the data would not fit in Telegram's 64 bytes."""
        values = [getattr(tap, f.name) for f in dataclasses.fields(tap)][: len(self.fields)]
        while values and values[-1] is None and self.fields[len(values) - 1].optional:
            values.pop()
        parts = [self.prefix, str(self.version)]
        parts += [f.write(value) for f, value in zip(self.fields, values, strict=False)]
        data = SEPARATOR.join(parts)
        if len(data.encode("utf-8")) > LIMIT:
            raise ValueError(f"callback data over {LIMIT} bytes: {data[:20]}...")
        if self.parse(data) != tap:
            raise ValueError(f"callback data would not read back: {data[:20]}...")
        return data

    def parse(self, data: object) -> T | None:
        """The tap, or None: another prefix or version, another shape, junk (stale)."""
        if not isinstance(data, str) or len(data.encode("utf-8")) > LIMIT:
            return None
        head = f"{self.prefix}{SEPARATOR}{self.version}"
        if data != head and not data.startswith(head + SEPARATOR):
            return next((t for o in self._older if (t := o.parse(data)) is not None), None)
        rest = data[len(head) + 1 :] if data != head else None
        tap = self._read(rest)
        if tap is None or (self._valid is not None and not self._valid(tap)):
            return None
        return tap

    def _read(self, rest: str | None) -> T | None:
        fields = self.fields
        if rest is None:
            parts: list[str] = []
        elif fields and fields[-1].takes_rest:
            parts = rest.split(SEPARATOR, len(fields) - 1)
        else:
            parts = rest.split(SEPARATOR)
        required = sum(1 for f in fields if not f.optional)
        if not required <= len(parts) <= len(fields):
            return None
        try:
            values = [f.read(part) for f, part in zip(fields, parts, strict=False)]
        except NotThisField:
            return None
        values += [None] * (len(fields) - len(parts))
        return self._tap(*values)


# --- Every feature's taps -------------------------------------------------------------------
# One place, so prefixes never clash and a feature can offer another's button (the debrief card
# offers /feedback's) without importing it. Flows' buttons are packed per flow (flow_engine);
# the listening replies' by bot.services.listening, whose actions are its own vocabulary.

MOODS = range(1, 6)  # the 1-5 mood scale of check-ins, private and in groups


@dataclass(frozen=True)
class HistoryTap:
    """/history: ``hs:1:page:<number>`` turns the page, ``hs:1:open:<id>`` opens a card."""

    verb: Literal["page", "open"]
    number: int


HISTORY = Codec("hs", 1, HistoryTap, Word("page", "open"), Number())


@dataclass(frozen=True)
class PlanTap:
    """/plan: ``pl:1:<done|snooze>:<plan action id>``."""

    verb: Literal["done", "snooze"]
    action_id: int


PLAN = Codec("pl", 1, PlanTap, Word("done", "snooze"), Number())


# What a draft's or a "did they reply?" message's buttons do.
DRAFT_ACTIONS = frozenset(
    {
        "length",
        "warmer",
        "another",
        "ask",
        "keep_in_touch",
        "turn_around",
        "sent",
        "not_now",
        "log",
        "not_yet",
        "let_go",
        "interviewer",
    }
)


@dataclass(frozen=True)
class RequestTap:
    """A feedback request's button: ``fd:1:<request id>:<action>`` (a DRAFT_ACTIONS word)."""

    request_id: int
    action: str


REQUEST = Codec("fd", 1, RequestTap, Number(), Word(*DRAFT_ACTIONS))


@dataclass(frozen=True)
class MenuTap:
    """/feedback's menu: ``fq:1:new``, ``fq:1:for[:<debrief id>]``, ``fq:1:later:<debrief
    id>``, ``fq:1:open:<request id>``. ``target`` None with "for" is a new debrief (written
    ``fq:1:for:new`` before this codec, which still reads)."""

    verb: Literal["new", "for", "later", "open"]
    target: int | None = None


MENU = Codec(
    "fq",
    1,
    MenuTap,
    Word("new", "for", "later", "open"),
    Number(blank="new", optional=True),
    valid=lambda tap: tap.verb == "for" or (tap.verb == "new") == (tap.target is None),
)


@dataclass(frozen=True)
class WordTap:
    """A tap that says one word: which period, which setting, yes or no."""

    word: str


PERIOD = Codec("sx", 1, WordTap, Word("30", "90", "all"))  # /stats redraws over that period
DELETE = Codec("dl", 1, WordTap, Word("yes", "no"))  # /delete: erase everything, or keep it
MATCH = Codec("mx", 1, WordTap, Word("start"))  # match another job description
# /settings: open that setting's question, or close
SETTINGS = Codec("ss", 1, WordTap, Word("tz", "time", "freq", "review", "lang", "done"))
ADMIN = Codec("ad", 1, WordTap, Word("send", "cancel"))  # a broadcast draft


@dataclass(frozen=True)
class StrengthsTap:
    """/strengths (handlers.strengths says what each does): ``sg:1:<action>[:<skill id or
    strength id>]``."""

    action: Literal["new", "add", "gap", "rmlist", "rm", "show", "list", "copy"]
    argument: str | None = None

    @property
    def strength_id(self) -> int:
        """The strength ``rm`` removes (the codec lets ``rm`` through with digits only)."""
        return int(self.argument or "0")


STRENGTHS = Codec(
    "sg",
    1,
    StrengthsTap,
    Word("new", "add", "gap", "rmlist", "rm", "show", "list", "copy"),
    Token(optional=True),
    valid=lambda tap: (
        (tap.argument is not None) == (tap.action in ("add", "gap", "rm"))
        and (tap.action != "rm" or Number().readable(tap.argument or ""))
    ),
)


@dataclass(frozen=True)
class ReflectTap:
    """/reflect's opener: ``rx:1:start``, ``rx:1:later``, ``rx:1:dismiss``, and for a debrief
    left open ``rx:1:continue:<id>`` or ``rx:1:fresh:<id>``."""

    action: Literal["start", "later", "dismiss", "continue", "fresh"]
    record_id: int | None = None


REFLECT = Codec(
    "rx",
    1,
    ReflectTap,
    Word("start", "later", "dismiss", "continue", "fresh"),
    Number(optional=True),
    valid=lambda tap: (tap.record_id is not None) == (tap.action in ("continue", "fresh")),
)


@dataclass(frozen=True)
class CheckinTap:
    """A check-in's ``ci:1:mood:<1-5>``, ``ci:1:win``, ``ci:1:interview``, ``ci:1:rejection``."""

    action: Literal["mood", "win", "interview", "rejection"]
    mood: int | None = None


CHECKIN = Codec(
    "ci",
    1,
    CheckinTap,
    Word("mood", "win", "interview", "rejection"),
    Number(within=MOODS, optional=True),
    valid=lambda tap: (tap.mood is not None) == (tap.action == "mood"),
)


@dataclass(frozen=True)
class NudgeTap:
    """A nudge's ``nd:1:<nudge id>:<done|snooze|drop>``, then ``today`` or ``tomorrow``."""

    nudge_id: int
    action: Literal["done", "snooze", "drop", "today", "tomorrow"]


NUDGE = Codec("nd", 1, NudgeTap, Number(), Word("done", "snooze", "drop", "today", "tomorrow"))


@dataclass(frozen=True)
class CareTap:
    """After a crisis reply: ``cr:2:<action>``, and ``cr:2:day:<better|same|hard>`` for the
    next day's check. ``cr:1:resume`` (buttons sent before version 2) still resumes.

    ``detail`` of any other action may name the language the buttons were shown in
    (``cr:2:safe:hi``): someone whose Telegram is in English who wrote in Hindi is answered
    in Hindi after the tap too. Only a language code; never any of their words."""

    action: Literal["resume", "notnow", "pause", "tomorrow", "safe", "notsafe", "day"]
    detail: str | None = None


CARE_DAYS = ("better", "same", "hard")
CARE_LANGUAGES = (*INTERFACE_LOCALES, *CARE_ONLY_LOCALES)


def _care_valid(tap: CareTap) -> bool:
    if tap.action == "day":
        return tap.detail in CARE_DAYS
    return tap.detail is None or tap.detail in CARE_LANGUAGES


CARE = Codec(
    "cr",
    2,
    CareTap,
    Word("resume", "notnow", "pause", "tomorrow", "safe", "notsafe", "day"),
    Word(*CARE_DAYS, *CARE_LANGUAGES, optional=True),
    valid=_care_valid,
    older=(Codec("cr", 1, CareTap, Word("resume")),),
)


@dataclass(frozen=True)
class GroupSettingsTap:
    """A group admin's ``gs:1:checkin``, ``gs:1:recap``, ``gs:1:time:<HH:MM>``,
    ``gs:1:lang:<code>`` (bot.services.groups.change says which values it takes)."""

    action: Literal["checkin", "recap", "time", "lang"]
    value: str | None = None


GROUP_SETTINGS = Codec(
    "gs",
    1,
    GroupSettingsTap,
    Word("checkin", "recap", "time", "lang"),
    Token(r"[a-z0-9:]{1,8}", optional=True, rest=True),
    valid=lambda tap: (tap.value is not None) == (tap.action in ("time", "lang")),
)


@dataclass(frozen=True)
class GroupMoodTap:
    """A group check-in's mood: ``gc:1:<check-in id>:<1-5>``."""

    checkin_id: int
    mood: int


GROUP_MOOD = Codec("gc", 1, GroupMoodTap, Number(), Number(within=MOODS))
