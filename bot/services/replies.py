"""What services ask the bot to show: content keys, parameters and buttons, no Telegram types.

Handlers turn these into Telegram messages; services and tests reason about them as data.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
