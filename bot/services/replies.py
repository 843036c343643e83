"""What services ask the bot to show: content keys, parameters and buttons, no Telegram types.

Handlers turn these into Telegram messages; services and tests reason about them as data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

# How a moment reads (CLDR skeletons; each language orders and spells them its own way).
_SKELETONS = {
    "day_month": "MMMd",  # Dec 7 · 7 dic · 7. Dez. · 7 дек.
    "date": "MMMEd",  # Mon, Dec 7 · lun, 7 dic · Mo., 7. Dez. · пн, 7 дек.
    "weekday_time": "EHm",  # Mon 14:30 · lun, 14:30 · Mo., 14:30 · пн 14:30
    "day_month_year": "yMMMd",  # Dec 7, 2026 · 7 dic 2026 · 7. Dez. 2026 · 7 дек. 2026 г.
}


@dataclass(frozen=True)
class Ref:
    """A parameter that is itself a content text, rendered in the reader's language.

    ``variant`` picks one of several versions (services rotate it so repeats vary).
    """

    key: str
    params: dict[str, object] = field(default_factory=dict)
    variant: int = 0


@dataclass(frozen=True)
class RefList:
    """A parameter made of several texts, rendered and joined (e.g. the reasons chosen)."""

    items: tuple[Ref, ...]
    separator: str = ", "
    prefix: str = ""
    empty: str = "common.nothing"

    @classmethod
    def of(cls, keys: list[str] | tuple[str, ...], **kwargs: str) -> RefList:
        return cls(tuple(Ref(key) for key in keys), **kwargs)


@dataclass(frozen=True)
class When:
    """A parameter that is a moment (or a day), written in the reader's language, in ``zone``
    (the person's time zone). ``style`` "date_time" is the date and a 24-hour time together."""

    moment: datetime | date
    zone: str = "UTC"
    style: Literal["day_month", "date", "weekday_time", "day_month_year", "date_time"] = "date"

    def localized(self, locale: str) -> str:
        moment = self.moment
        if isinstance(moment, datetime):
            moment = moment.astimezone(ZoneInfo(self.zone))
        if self.style != "date_time":
            return format_skeleton(_SKELETONS[self.style], moment, locale=locale)
        day = format_skeleton("MMMEd", moment, locale=locale)
        clock = format_skeleton("Hm", moment, locale=locale)
        return str(Locale.parse(locale).datetime_formats["short"]).format(clock, day)


@dataclass(frozen=True)
class Number:
    """A parameter that is a number with ``digits`` decimals: "3.4" · "3,4"; "1,234" · "1 234"."""

    value: float
    digits: int = 0

    def localized(self, locale: str) -> str:
        pattern = "#,##0" + ("." + "0" * self.digits if self.digits else "")
        return format_decimal(self.value, format=pattern, locale=locale)


@dataclass(frozen=True)
class Button:
    """A tap (``data`` is callback data), a link (``url``) or the Mini App (``web_app``, its
    URL; private chats only). ``label`` is a content key unless ``literal`` is set."""

    label: str
    data: str | None = None
    url: str | None = None
    web_app: str | None = None
    literal: bool = False
    params: dict[str, object] = field(default_factory=dict)
    ticked: bool = False  # a chosen option on a multi-select question


@dataclass(frozen=True)
class Say:
    """One message: the text of content ``key`` rendered with ``params``, and button rows.

    ``edit`` replaces the buttons of the message that was tapped instead of sending anew;
    ``replace`` replaces its text and buttons (e.g. turning a page).
    ``prompt_of`` names the flow question (``flows.prompt_key``) this asks when it can also be
    answered by typing: its message id is remembered so its buttons can be removed once
    answered.
    ``locale`` renders this message (text and buttons) in that language instead of the
    person's own, e.g. a reply in the language they just wrote in.
    """

    key: str
    params: dict[str, object] = field(default_factory=dict)
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit: bool = False
    replace: bool = False
    prompt_of: str | None = None
    variant: int | None = None  # which version of the text; None picks one at random
    locale: str | None = None


def rows(buttons: list[Button], columns: int) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out ``columns`` to a row, which reads well on a phone."""
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))
