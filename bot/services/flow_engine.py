"""A small declarative flow engine: ask → validate → store → next, as pure transitions.

A guided conversation is a :class:`Flow` of :class:`Step` s. :func:`advance` takes the current
:class:`State` and one event (typed text or a tapped option) and returns a :class:`Transition`:
the next state, the answer to store, or the problem to explain. It touches no database and no
Telegram type, so every flow can be tested as plain data.

A state holds the answers (JSON: each under its step's name, typed notes on a multi-select step
under ``<step>_note``) and, beside them, the :class:`Run`: the bookkeeping of this run of the
flow, which is no answer and never reaches the person's records or their export.
"""

from __future__ import annotations

import functools
import secrets
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from bot.services.callback_data import Codec, Token

JsonValue = Any  # JSON-serialisable (str, int, float, bool, None, list, dict)

SKIP, BACK, DONE = "skip", "back", "done"
NOTE_LIMIT = 600  # several typed notes on one step are joined, up to this many characters
_RUN_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True)
class Rejected:
    """An answer that cannot be used: ``problem`` is a content key, ``params`` fill it."""

    problem: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Accepted:
    """A valid answer: ``value`` is stored; ``shown`` echoes a typed one, ``label`` a tapped one.

    ``notice`` is a note to show with it (e.g. "I kept the first 300 characters").
    """

    value: JsonValue
    shown: str = ""
    label: str | None = None
    notice: Rejected | None = None


TextParser = Callable[[str, datetime], Accepted | Rejected]


@dataclass(frozen=True)
class FreeText:
    """A parser for optional free text: trimmed, capped at ``limit`` with a kind note.
    ``limit`` also says what the question wants: a short answer (a company, a name) or prose."""

    limit: int
    trimmed_notice: str

    def __call__(self, text: str, _now: datetime) -> Accepted | Rejected:
        cleaned = " ".join(text.split())
        if not cleaned:
            return Rejected("flow.empty_text")
        if len(cleaned) > self.limit:
            notice = Rejected(self.trimmed_notice, {"limit": str(self.limit)})
            return Accepted(cleaned[: self.limit].rstrip(), cleaned[: self.limit], notice=notice)
        return Accepted(cleaned, cleaned)


def free_text(limit: int, trimmed_notice: str) -> TextParser:
    """A parser for optional free text (see :class:`FreeText`)."""
    return FreeText(limit, trimmed_notice)


@dataclass(frozen=True)
class Option:
    """A button answer: ``value`` goes into callback data and storage.

    ``label`` is a content key, or the button's literal text when ``literal`` (e.g. "08:00").
    """

    value: str
    label: str
    literal: bool = False


def options(section: str, values: Sequence[str]) -> tuple[Option, ...]:
    """One button per value, labelled by content key ``<section>.<value>``."""
    return tuple(Option(value, f"{section}.{value}") for value in values)


@dataclass(frozen=True)
class Step:
    """One question. ``multi`` steps toggle options and finish with Done; with ``notes``,
    typed text on them is kept as a note instead of being refused."""

    name: str
    prompt: str
    options: tuple[Option, ...] = ()
    parse_text: TextParser | None = None
    skippable: bool = False
    ends_on: frozenset[str] = frozenset()
    columns: int = 2
    multi: bool = False
    notes: TextParser | None = None
    when: Callable[[dict[str, JsonValue]], bool] | None = None  # asked only if true
    # An offer to begin ("Shall we set up?"): words that answer it with news, feelings or a
    # question end it unanswered, and are answered as if no flow were open.
    invitation: bool = False

    def applies(self, data: dict[str, JsonValue]) -> bool:
        return self.when is None or self.when(data)

    def all_options(self) -> tuple[Option, ...]:
        done = (Option(DONE, "flow.done"),) if self.multi else ()
        skip = (Option(SKIP, "flow.skip"),) if self.skippable else ()
        return self.options + done + skip


@dataclass(frozen=True)
class Flow:
    """``code`` and ``version`` prefix callback data, so a stale button is recognised.

    With ``back``, every question after the first offers a Back button.
    """

    code: str
    version: int
    steps: tuple[Step, ...]
    back: bool = False

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"{self.code}: no step {name!r}")

    @property
    def first(self) -> str:
        return self.steps[0].name

    def first_for(self, data: dict[str, JsonValue]) -> str:
        """The first step that applies to ``data``."""
        return next(s.name for s in self.steps if s.applies(data))

    def after(self, name: str, data: dict[str, JsonValue] | None = None) -> str | None:
        """The next step that applies to ``data``, or None at the end."""
        names = [s.name for s in self.steps]
        for step in self.steps[names.index(name) + 1 :]:
            if data is None or step.applies(data):
                return step.name
        return None

    @functools.cached_property
    def taps(self) -> Codec[FlowTap]:
        """This flow's buttons: ``<code>:<version>:<run>:<step>:<value>`` (``ob:1:k3x9:tz:skip``;
        a value may hold colons, ``08:00``). Another flow's, or another version's, do not
        parse: the tap is stale."""
        return Codec(self.code, self.version, FlowTap, _RUN, _STEP, _VALUE)

    def callback_data(self, run: str, step: str, value: str) -> str:
        return self.taps.pack(FlowTap(run, step, value))


@dataclass(frozen=True)
class FlowTap:
    run: str  # which run of the flow sent the button (flow_engine.new_run)
    step: str
    value: str


_RUN = Token(r"[a-z0-9]{0,8}")  # empty in runs saved before runs had tokens
_STEP = Token()
_VALUE = Token(r"[A-Za-z0-9_:.+/-]{1,48}", rest=True)


@dataclass(frozen=True)
class Run:
    """One run of a flow, kept beside its answers. ``token`` ties buttons to this run;
    ``trail`` the steps answered so far (for Back); ``selections`` the options ticked so far
    on multi-select steps; ``only`` limits the run to one step; ``then`` is the deep link's
    feature to open once the flow ends (onboarding first, then what the link asked for)."""

    token: str = ""
    trail: tuple[str, ...] = ()
    selections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    only: str | None = None
    then: str | None = None

    def selected(self, step: str) -> list[str]:
        return list(self.selections.get(step, ()))

    def with_selected(self, step: str, values: Sequence[str]) -> Run:
        """This run with ``values`` ticked on ``step`` (e.g. tags found in a reply)."""
        return replace(self, selections={**self.selections, step: tuple(values)})

    def to_json(self) -> dict[str, JsonValue]:
        """As stored in ``flow_states.run``: only what is set."""
        stored: dict[str, JsonValue] = {"token": self.token}
        if self.trail:
            stored["trail"] = list(self.trail)
        if self.selections:
            stored["selections"] = {k: list(v) for k, v in self.selections.items()}
        if self.only is not None:
            stored["only"] = self.only
        if self.then is not None:
            stored["then"] = self.then
        return stored

    @classmethod
    def from_json(cls, stored: Mapping[str, JsonValue] | None) -> Run:
        stored = stored or {}
        return cls(
            str(stored.get("token", "")),
            tuple(stored.get("trail", ())),
            {k: tuple(v) for k, v in stored.get("selections", {}).items()},
            stored.get("only"),
            stored.get("then"),
        )


def new_run(*, only: str | None = None, then: str | None = None) -> Run:
    """A run with a short random token, unique enough to tell one run's buttons from
    another's."""
    return Run("".join(secrets.choice(_RUN_ALPHABET) for _ in range(4)), only=only, then=then)


@dataclass(frozen=True)
class State:
    """JSON-round-trippable position in a flow: the step, the answers so far, the run."""

    flow: str
    step: str
    data: dict[str, JsonValue] = field(default_factory=dict)
    run: Run = field(default_factory=Run)

    def selected(self, step: str) -> list[str]:
        return self.run.selected(step)

    def can_go_back(self) -> bool:
        return bool(self.run.trail) and self.run.only is None


@dataclass(frozen=True)
class TextEvent:
    text: str


@dataclass(frozen=True)
class ChoiceEvent:
    step: str
    value: str


Event = TextEvent | ChoiceEvent
Outcome = Literal["answered", "problem", "toggled", "noted", "back"]


@dataclass(frozen=True)
class Transition:
    """What an event did. ``state`` None means the flow has finished."""

    state: State | None
    step: str
    outcome: Outcome
    answer: Accepted | None = None
    problem: Rejected | None = None

    @property
    def finished(self) -> bool:
        return self.state is None


def advance(flow: Flow, state: State, event: Event, now: datetime) -> Transition:
    """Apply one event to ``state``. A problem leaves the state as it was."""
    step = flow.step(state.step)
    if isinstance(event, ChoiceEvent):
        if event.value == BACK and flow.back and state.can_go_back():
            trail = state.run.trail
            run = replace(state.run, trail=trail[:-1])
            return Transition(replace(state, step=trail[-1], run=run), step.name, "back")
        if step.multi and event.value not in (DONE, SKIP):
            return _toggle(step, state, event.value)
    elif step.multi and step.notes is not None:
        return _note(step, state, step.notes(event.text, now))
    result = _interpret(step, state, event, now)
    if isinstance(result, Rejected):
        return Transition(state, step.name, "problem", problem=result)
    data = {**state.data, step.name: result.value}
    run = replace(
        state.run,
        trail=(*state.run.trail, step.name),
        selections={k: v for k, v in state.run.selections.items() if k != step.name},
    )
    ends = state.run.only == step.name or (
        isinstance(result.value, str) and result.value in step.ends_on
    )
    next_name = None if ends else flow.after(step.name, data)
    next_state = None if next_name is None else State(state.flow, next_name, data, run)
    return Transition(next_state, step.name, "answered", answer=result)


def _toggle(step: Step, state: State, value: str) -> Transition:
    if value not in {option.value for option in step.options}:
        return Transition(state, step.name, "problem", problem=Rejected("flow.stale_button"))
    chosen = state.selected(step.name)
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    run = state.run.with_selected(step.name, chosen)
    return Transition(replace(state, run=run), step.name, "toggled")


def _note(step: Step, state: State, parsed: Accepted | Rejected) -> Transition:
    if isinstance(parsed, Rejected):
        return Transition(state, step.name, "problem", problem=parsed)
    key = f"{step.name}_note"
    earlier = state.data.get(key)
    note = f"{earlier} / {parsed.value}" if earlier else parsed.value
    data = {**state.data, key: note[:NOTE_LIMIT]}
    return Transition(replace(state, data=data), step.name, "noted", answer=parsed)


def _interpret(step: Step, state: State, event: Event, now: datetime) -> Accepted | Rejected:
    if isinstance(event, ChoiceEvent):
        if step.multi and event.value == DONE:
            order = [o.value for o in step.options]
            chosen = sorted(state.selected(step.name), key=order.index)
            return Accepted(chosen, label="flow.done")
        for option in step.all_options():
            if option.value == event.value and option.value != DONE:
                value = None if option.value == SKIP else option.value
                if option.literal:
                    return Accepted(value, shown=option.label)
                return Accepted(value, label=option.label)
        return Rejected("flow.stale_button")
    if step.parse_text is None:
        return Rejected("flow.tap_please")
    return step.parse_text(event.text, now)
