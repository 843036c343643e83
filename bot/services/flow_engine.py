"""A small declarative flow engine: ask → validate → store → next, as pure transitions.

A guided conversation is a :class:`Flow` of :class:`Step` s. :func:`advance` takes the current
:class:`State` and one event (typed text or a tapped option) and returns a :class:`Transition`:
the next state, the answer to store, or the problem to explain. It touches no database and no
Telegram type, so every flow can be tested as plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

JsonValue = Any  # JSON-serialisable (str, int, float, bool, None, list, dict)

SKIP = "skip"


@dataclass(frozen=True)
class Accepted:
    """A valid answer: ``value`` is stored; ``shown`` echoes a typed one, ``label`` a tapped one."""

    value: JsonValue
    shown: str = ""
    label: str | None = None


@dataclass(frozen=True)
class Rejected:
    """An answer that cannot be used: ``problem`` is a content key, ``params`` fill it."""

    problem: str
    params: dict[str, str] = field(default_factory=dict)


TextParser = Callable[[str, datetime], Accepted | Rejected]


@dataclass(frozen=True)
class Option:
    """A button answer: ``value`` goes into callback data and storage.

    ``label`` is a content key, or the button's literal text when ``literal`` (e.g. "08:00").
    """

    value: str
    label: str
    literal: bool = False


@dataclass(frozen=True)
class Step:
    name: str
    prompt: str
    options: tuple[Option, ...] = ()
    parse_text: TextParser | None = None
    skippable: bool = False
    ends_on: frozenset[str] = frozenset()
    columns: int = 2

    def all_options(self) -> tuple[Option, ...]:
        skip = (Option(SKIP, "flow.skip"),) if self.skippable else ()
        return self.options + skip


@dataclass(frozen=True)
class Flow:
    """``code`` and ``version`` prefix callback data, so a stale button is recognised."""

    code: str
    version: int
    steps: tuple[Step, ...]

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"{self.code}: no step {name!r}")

    @property
    def first(self) -> str:
        return self.steps[0].name

    def after(self, name: str) -> str | None:
        names = [s.name for s in self.steps]
        index = names.index(name) + 1
        return names[index] if index < len(names) else None

    def callback_data(self, step: str, value: str) -> str:
        return f"{self.code}:{self.version}:{step}:{value}"


@dataclass(frozen=True)
class State:
    """JSON-round-trippable position in a flow; ``data["_only"]`` limits it to one step."""

    flow: str
    step: str
    data: dict[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True)
class TextEvent:
    text: str


@dataclass(frozen=True)
class ChoiceEvent:
    step: str
    value: str


Event = TextEvent | ChoiceEvent


@dataclass(frozen=True)
class Transition:
    """What an event did: ``state`` None means the flow has finished."""

    state: State | None
    step: str
    answer: Accepted | None = None
    problem: Rejected | None = None

    @property
    def finished(self) -> bool:
        return self.state is None


@dataclass(frozen=True)
class CallbackData:
    code: str
    version: int
    step: str
    value: str


def parse_callback(data: str) -> CallbackData | None:
    """``"ob:1:tz:skip"`` → parts; anything malformed → None (treated as stale)."""
    parts = data.split(":", 3)
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    return CallbackData(parts[0], int(parts[1]), parts[2], parts[3])


def advance(flow: Flow, state: State, event: Event, now: datetime) -> Transition:
    """Apply one event to ``state``. A problem leaves the state as it was."""
    step = flow.step(state.step)
    result = _interpret(step, event, now)
    if isinstance(result, Rejected):
        return Transition(state=state, step=step.name, problem=result)
    data = {**state.data, step.name: result.value}
    ends = state.data.get("_only") == step.name or result.value in step.ends_on
    next_name = None if ends else flow.after(step.name)
    next_state = None if next_name is None else replace(state, step=next_name, data=data)
    return Transition(state=next_state, step=step.name, answer=result)


def _interpret(step: Step, event: Event, now: datetime) -> Accepted | Rejected:
    if isinstance(event, ChoiceEvent):
        for option in step.all_options():
            if option.value == event.value:
                value = None if option.value == SKIP else option.value
                if option.literal:
                    return Accepted(value, shown=option.label)
                return Accepted(value, label=option.label)
        return Rejected("flow.stale_button")
    if step.parse_text is None:
        return Rejected("flow.tap_please")
    return step.parse_text(event.text, now)
