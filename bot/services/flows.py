"""Runs declared flows over the database: state per chat, answers stored as they arrive.

Each call works inside the caller's transaction; the handler commits before it replies, so an
answer the person saw acknowledged is never lost, and a restart resumes at the same step.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Literal, Protocol, cast, runtime_checkable

from sqlalchemy import (
    JSON,
    BigInteger,
    Integer,
    String,
    Table,
    Update,
    bindparam,
    column,
    func,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.selectable import Subquery, TableValuedAlias

from bot.db.models import FlowState, User
from bot.services.flow_engine import (
    BACK,
    SKIP,
    Accepted,
    ChoiceEvent,
    Event,
    Flow,
    JsonValue,
    Run,
    State,
    Step,
    TextEvent,
    Transition,
    advance,
    new_run,
)
from bot.services.names import PersonName
from bot.services.replies import Button, Ref, Say, rows

_FLOW_STATES = cast(Table, FlowState.__table__)

# PostgreSQL's read of the conversation, locked (see load_state); refreshed if already loaded.
_LOCKED_STATE = (
    select(FlowState)
    .where(FlowState.chat_id == bindparam("chat"), FlowState.user_id == bindparam("user"))
    .with_for_update()
    .execution_options(populate_existing=True)
)
# session.info: the conversation rows this session's transaction has locked (load_state).
_LOCKED_IN = "flows.locked"
_REMEMBER_PROMPT = (
    update(_FLOW_STATES)
    .where(
        _FLOW_STATES.c.chat_id == bindparam("chat"),
        _FLOW_STATES.c.user_id == bindparam("user"),
        _FLOW_STATES.c.flow == bindparam("at_flow"),
        _FLOW_STATES.c.step == bindparam("at_step"),
    )
    .values(prompt_step=bindparam("at_step"), prompt_message_id=bindparam("message"))
)
# A step taken (see _save): the row moves on only from the revision this turn read.
_SAVE_STATE = (
    update(_FLOW_STATES)
    .where(
        _FLOW_STATES.c.chat_id == bindparam("chat"),
        _FLOW_STATES.c.user_id == bindparam("user"),
        _FLOW_STATES.c.revision == bindparam("read"),
    )
    .values(
        step=bindparam("to_step"),
        data=bindparam("to_data", type_=_FLOW_STATES.c.data.type),
        run=bindparam("to_run", type_=_FLOW_STATES.c.run.type),
        revision=bindparam("to_revision"),
        updated_at=bindparam("at", type_=_FLOW_STATES.c.updated_at.type),
    )
)


@dataclass
class FlowContext:
    """What a flow's hooks may use: the transaction, the person, the answers (which hooks may
    add to, e.g. the id of a record they created) and the run (e.g. options to tick)."""

    session: AsyncSession
    user: User
    chat_id: int
    now: datetime
    data: dict[str, JsonValue]
    run: Run


class FlowSpec(Protocol):
    """A flow plus what its answers mean for the person's records."""

    flow: Flow

    async def apply(self, ctx: FlowContext, step: str, answer: Accepted) -> None:
        """Store one accepted answer on the person's records."""

    def acknowledge(self, ctx: FlowContext, step: str, answer: Accepted) -> list[Say]:
        """Messages confirming an answer, shown before the next question."""

    def prompt_params(self, ctx: FlowContext, step: str) -> dict[str, object]:
        """Parameters the question for ``step`` needs."""

    async def finish(self, ctx: FlowContext) -> list[Say]:
        """Close the flow: final records and the closing messages."""


@runtime_checkable
class KeepsNotes(Protocol):
    """A flow with a record to keep words typed beside its questions (e.g. the debrief)."""

    async def keep_note(self, ctx: FlowContext, text: str) -> bool:
        """Keep ``text``; False when there was nowhere to keep it."""


@runtime_checkable
class TakesReasons(Protocol):
    """A flow with a multi-select question a typed reason can tick in advance (the debrief's
    "What was outside your control?" for "they went with an internal candidate")."""

    def reason_step(self, reason: str) -> str | None:
        """The step whose options hold ``reason``; None when no step has it."""


Choice = Literal["answer", "fill", "aside", "skip", "pick", "stop"]


class Listener(Protocol):
    """What was understood of a typed message (bot.services.listening.Heard): whether it
    answers the question at hand, and the words to acknowledge it with when it does not."""

    def choice(self, step: Step, text: str, now: datetime) -> Choice:
        """``answer``, ``fill`` (rejection news naming the company asked for), ``aside`` or
        ``skip`` (the person does not know or remember, at a question that can be skipped) or
        ``pick`` (typed words that name one of a tap question's options: "final round") or
        ``stop`` (a break asked for: "thanks, I think I need a break")."""

    def stopped(self, parked: Say) -> Say:
        """For ``stop``: a kind word that a break is fine, with ``parked`` (where the flow
        waits and the command that picks it up)."""

    def fill(self) -> tuple[str, str | None, Say]:
        """For ``fill``: the company, the stage if named, and the acknowledgement."""

    def aside(self, kept: bool) -> list[Say]:
        """For ``aside``: the acknowledgement shown before the question again."""

    def worth_keeping(self) -> bool:
        """Whether an aside belongs with the flow's notes (words aimed at the bot do not)."""

    def noted(self, step: Step | None = None) -> Say | None:
        """How a typed note on a multi-select ``step`` is acknowledged (None: as usual)."""

    def skipped(self) -> Say:
        """For ``skip`` ("no idea", "don't remember"): the word before the next question."""

    def picked(self, step: Step, text: str) -> str:
        """For ``pick`` ("final round" typed at the stage question): the option it names."""

    def name_told(self, step: Step, text: str) -> str | None:
        """For ``pick``: a person's name told with the option ("the hiring manager, priya")."""

    def reason(self) -> str | None:
        """The reason for a "no" the words tell ("an internal candidate"), if any."""

    def ticked(self, label: str, here: bool = False) -> Say:
        """The word that a told reason was ticked (``label``: the option's key), in advance or,
        ``here``, at the question that offers it."""

    def options_named(self, step: Step, text: str) -> tuple[list[str], bool]:
        """The options of multi-select ``step`` the words name ("we really clicked" at "What
        went well?": rapport), and whether they say more than that (kept as a note too); no
        options where the words voice a feeling, which is acknowledged as one instead."""

    def options_ticked(self, labels: list[str], noted: bool) -> Say:
        """The word that options named in typed words were ticked (``labels``: their keys);
        ``noted``: the words were kept as the step's note too."""


class AnswerAtFinish:
    """For a flow whose answers only matter once it ends: nothing stored per answer, nothing
    acknowledged, no question parameters. Subclasses define ``flow`` and ``finish``."""

    async def apply(self, ctx: FlowContext, step: str, answer: Accepted) -> None:
        return None

    def acknowledge(self, ctx: FlowContext, step: str, answer: Accepted) -> list[Say]:
        return []

    def prompt_params(self, ctx: FlowContext, step: str) -> dict[str, object]:
        return {}


@dataclass
class FlowResult:
    """What one event did. ``finished``: the flow just ended, and ``follow_up`` is the feature
    to open now (a deep link's, asked for before onboarding; see :attr:`Run.then`); ``edited``
    means the tapped question was updated in place (its buttons stay)."""

    replies: list[Say] = field(default_factory=list)
    finished: bool = False
    follow_up: str | None = None
    stale: bool = False
    edited: bool = False
    strip: int | None = None  # a question answered by typing, whose buttons can go now
    noted: bool = False  # typed words kept as a note on the question, which stays open
    above: bool = False  # "please tap": the question right above stays as it is, buttons too
    # The tapped question's buttons are removed by the turn that sent it (see handle_callback).
    leave_tapped: bool = False
    # An invitation answered with other words ("just got rejected again, can we talk?"): the
    # flow is gone, and the words are for whatever answers them outside a flow.
    released: bool = False


def ask(spec: FlowSpec, ctx: FlowContext, state: State, *, edit: bool = False) -> Say:
    """The question for the state's step, with its answer buttons (ticks on chosen options)."""
    flow, step = spec.flow, spec.flow.step(state.step)
    run = state.run.token
    chosen = set(state.selected(step.name))
    buttons = [
        Button(
            option.label,
            data=flow.callback_data(run, step.name, option.value),
            literal=option.literal,
            ticked=option.value in chosen,
        )
        for option in step.options
    ]
    layout = rows(buttons, step.columns)
    extras = [
        Button(option.label, data=flow.callback_data(run, step.name, option.value))
        for option in step.all_options()[len(step.options) :]
    ]
    if flow.back and state.can_go_back():
        extras.insert(0, Button("flow.back", data=flow.callback_data(run, step.name, BACK)))
    if extras:
        layout += (tuple(extras),)
    typed = _typed(step) and bool(layout)
    return Say(
        step.prompt,
        spec.prompt_params(ctx, step.name),
        layout,
        edit=edit,
        prompt_of=prompt_key(flow.code, step.name) if typed else None,
    )


def _typed(step: Step) -> bool:
    """A question that can be answered by typing as well as by its buttons: its message is
    remembered (``Say.prompt_of``) so its buttons go once it is answered. An invitation too:
    answered with news instead, it ends, and its buttons go with it."""
    return (step.parse_text is not None and not step.multi) or step.invitation


async def load_state(session: AsyncSession, chat_id: int, user_id: int) -> FlowState | None:
    """The conversation row, locked for this transaction on PostgreSQL (SQLite transactions
    are serial already): a turn of the same chat on another instance, or this chat's previous
    reply noting its question (:func:`remember_prompt`), waits until this turn commits."""
    if session.get_bind().dialect.name != "postgresql":
        # Found in the session when bot.services.users loaded it with the person.
        return await session.get(FlowState, (chat_id, user_id))
    # Locked once per transaction: until it commits, only this transaction can change the
    # row, and its changes are on the loaded object (the ORM's, and _save's), so a second look
    # in the same turn (a typed answer: set_aside_if_stale, then handle_text) finds it in the
    # session as SQLite's does, instead of reading and locking it again. The session's identity
    # map holds objects weakly: the locked rows are kept here for the transaction.
    transaction = session.sync_session.get_transaction()
    locked: dict[object, dict[tuple[int, int], FlowState]] = session.info.setdefault(_LOCKED_IN, {})
    if (chat_id, user_id) in locked.get(transaction, {}):
        return await session.get(FlowState, (chat_id, user_id))
    found = await session.execute(_LOCKED_STATE, {"chat": chat_id, "user": user_id})
    row = found.scalar_one_or_none()
    if row is not None and transaction is not None:
        if transaction not in locked:
            locked.clear()  # an earlier transaction of this session holds no lock any more
        locked.setdefault(transaction, {})[(chat_id, user_id)] = row
    return row


async def asking(
    session: AsyncSession, specs: Mapping[str, FlowSpec], chat_id: int, user_id: int
) -> Step | None:
    """The question a running flow is asking here, or None when no flow runs."""
    row = await load_state(session, chat_id, user_id)
    if row is None or row.flow not in specs:
        return None
    return specs[row.flow].flow.step(row.step)


def _state(row: FlowState) -> State:
    return State(row.flow, row.step, dict(row.data), Run.from_json(row.run))


def _context(
    session: AsyncSession, user: User, chat_id: int, now: datetime, row: FlowState
) -> FlowContext:
    return FlowContext(session, user, chat_id, now, dict(row.data), Run.from_json(row.run))


async def start(
    session: AsyncSession,
    spec: FlowSpec,
    user: User,
    chat_id: int,
    now: datetime,
    *,
    step: str | None = None,
    only: bool = False,
    data: dict[str, JsonValue] | None = None,
    then: str | None = None,
    ticked: Mapping[str, Sequence[str]] | None = None,
) -> Say:
    """Begin ``spec`` (replacing any running flow) and return its first question. ``then``
    is the feature to open once it ends (:attr:`FlowResult.follow_up`); ``ticked`` the
    options of multi-select steps chosen in advance (a reason told with the news)."""
    answers = dict(data or {})
    name = step or spec.flow.first_for(answers)
    run = new_run(only=name if only else None, then=then)
    for ticked_step, values in (ticked or {}).items():
        run = run.with_selected(ticked_step, values)
    row = await load_state(session, chat_id, user.id)
    if row is None:
        row = FlowState(chat_id=chat_id, user_id=user.id, data={})
        session.add(row)
    row.flow, row.step, row.updated_at = spec.flow.code, name, now
    row.data, row.run = answers, run.to_json()
    state = State(spec.flow.code, name, answers, run)
    return ask(spec, FlowContext(session, user, chat_id, now, answers, run), state)


async def cancel(session: AsyncSession, chat_id: int, user_id: int) -> str | None:
    """End any running flow; returns its code, or None when nothing was running."""
    stopped = await stop(session, chat_id, user_id)
    return None if stopped is None else stopped.flow


async def stop(session: AsyncSession, chat_id: int, user_id: int) -> Stopped | None:
    """/cancel: end any running flow and say whether anything had been answered in it (None
    when nothing was running), so "what you'd told me is saved" is only said when it was."""
    row = await load_state(session, chat_id, user_id)
    if row is None:
        return None
    run = Run.from_json(row.run)
    noted = any(key.endswith("_note") and value for key, value in (row.data or {}).items())
    answered = bool(run.trail or run.selections or noted)
    await session.delete(row)
    return Stopped(row.flow, answered)


@dataclass(frozen=True)
class Stopped:
    flow: str
    answered: bool  # any step answered, ticked or noted in this run before it was stopped


# The command that picks each flow up again; the debrief keeps every answer on its record.
HOME_COMMANDS = {
    "rf": "reflect",
    "ob": "start",
    "st": "settings",
    "fb": "feedback",
    "fl": "feedback",
    "wn": "win",
    "sa": "strengths",
    "mt": "match",
}
# Commands that start a conversation of their own, which sets a running flow aside. Others
# only show something (/help, /plan, /privacy, /export, ...) or settle the flow themselves
# (/start, /cancel, /delete): the question stays open.
SETS_ASIDE = frozenset({"reflect", "feedback", "checkin", "win", "strengths", "match", "settings"})
Snapshot = tuple[str, str]  # (flow code, run token)


async def snapshot(session: AsyncSession, chat_id: int, user_id: int) -> Snapshot | None:
    """Which flow is running (and which run of it), as stored right now."""
    await session.flush()
    query = select(_FLOW_STATES.c.flow, _FLOW_STATES.c.run).where(
        _FLOW_STATES.c.chat_id == chat_id, _FLOW_STATES.c.user_id == user_id
    )
    found = (await session.execute(query)).first()
    if found is None:
        return None
    flow, run = found
    return str(flow), Run.from_json(run).token


async def park(
    session: AsyncSession, chat_id: int, user_id: int, before: Snapshot, command: str
) -> Say | None:
    """After another command ran while flow ``before`` was open: set the flow aside and say
    so, with the command that picks it up ("Your debrief is saved; /reflect picks it up").
    Nothing to say when the command was the flow's own, only showed something, or ended the
    flow itself; set-up keeps running whatever else is looked at meanwhile."""
    code = before[0]
    home = HOME_COMMANDS.get(code)
    if home is None or code == "ob" or command not in SETS_ASIDE or command == home:
        return None
    after = await snapshot(session, chat_id, user_id)
    if after is None:
        return None
    if after == before:
        await cancel(session, chat_id, user_id)
    return parked(code)


def parked(code: str) -> Say:
    """Flow ``code`` set aside: "Your debrief is saved; /reflect picks it up"."""
    key = "flow.parked.debrief" if code == "rf" else "flow.parked.other"
    return Say(key, {"what": Ref(f"flow.parked_what.{code}"), "command": f"/{HOME_COMMANDS[code]}"})


# A question left this long is not what the next typed message answers ("I had an interview
# today at Booking", the morning after a debrief stopped at "What went well?").
STALE_AFTER = timedelta(hours=8)


@dataclass(frozen=True)
class SetAside:
    notice: Say
    prompt_message_id: int | None  # the old question if known, whose buttons no longer apply


async def set_aside_if_stale(
    session: AsyncSession, chat_id: int, user_id: int, now: datetime
) -> SetAside | None:
    """A flow nobody has touched for :data:`STALE_AFTER` is set aside (every answer kept; its
    command picks it up) before a typed message, so the message is read on its own. Set-up
    is never set aside: it is what everything else waits for."""
    row = await load_state(session, chat_id, user_id)
    if row is None or row.flow == "ob" or now - row.updated_at < STALE_AFTER:
        return None
    home = HOME_COMMANDS.get(row.flow)
    if home is None:
        return None
    prompt = row.prompt_message_id if row.prompt_step == row.step else None
    code = await cancel(session, chat_id, user_id)
    await session.flush()  # gone for the rest of this turn too (session.get would still find it)
    assert code is not None
    return SetAside(parked(code), prompt)


async def reask(
    session: AsyncSession, specs: Mapping[str, FlowSpec], user: User, chat_id: int, now: datetime
) -> Say | None:
    """The current question again (after a restart, an odd message or /start mid-flow)."""
    row = await load_state(session, chat_id, user.id)
    if row is None or row.flow not in specs:
        return None
    return ask(specs[row.flow], _context(session, user, chat_id, now, row), _state(row))


async def handle_text(
    session: AsyncSession,
    specs: Mapping[str, FlowSpec],
    user: User,
    chat_id: int,
    text: str,
    now: datetime,
    heard: Listener | None = None,
) -> FlowResult | None:
    """Feed typed text to the running flow; None when no flow is running.

    With ``heard`` (what the text was understood to be), words that plainly do not answer the
    question are acknowledged, kept as a note where the flow has somewhere to keep them, and
    the question is asked again; rejection news at the company question fills it in."""
    row = await load_state(session, chat_id, user.id)
    if row is None or row.flow not in specs:
        return None
    spec = specs[row.flow]
    prompt = row.prompt_message_id if row.prompt_step == row.step else None
    asked = spec.flow.step(row.step)
    choice = heard.choice(asked, text, now) if heard else "answer"
    if heard is not None and choice == "stop":
        if row.flow != "ob" and row.flow in HOME_COMMANDS:
            # "thanks, I think I need a break": the flow waits, every answer kept, and nothing
            # more is asked. Set-up is never set aside: the words are an aside there.
            await session.delete(row)
            return FlowResult(replies=[heard.stopped(parked(row.flow))], strip=prompt)
        choice = "aside"
    if heard is not None and choice == "aside" and asked.invitation:
        await session.delete(row)  # nothing was begun: as if no flow were open
        return FlowResult(strip=prompt, released=True)
    ticked = await _tick_told_reason(session, spec, row, now, heard) if heard else None
    if heard is not None and choice == "aside":
        # The reason ticked at its own question: the words answered it, the tick says so.
        answered = ticked is not None and ticked.here
        result = await _aside(session, spec, row, user, text, now, heard, answered=answered)
    elif heard is not None and choice == "fill":
        result = await _fill(session, spec, row, user, now, heard)
    elif heard is not None and choice == "pick":
        value = heard.picked(asked, text)
        result = await _apply(session, spec, row, user, ChoiceEvent(row.step, value), now)
        taken = _taken(asked, value)
        if taken is not None and result.replies and not result.finished:
            result.replies.insert(0, taken)
        result = await _name_told_with(session, spec, row, user, now, heard, asked, text, result)
    elif heard is not None and choice == "skip":
        skipped = await _apply(session, spec, row, user, ChoiceEvent(row.step, SKIP), now)
        result = _acknowledged(heard.skipped(), skipped.replies, skipped)
    elif heard is not None and asked.multi and (told := heard.options_named(asked, text))[0]:
        result = await _tick_told_options(session, spec, row, user, text, now, heard, told)
    else:
        result = await _apply(session, spec, row, user, TextEvent(text), now)
        acknowledgement = heard.noted(asked) if heard is not None and result.noted else None
        if acknowledgement is not None:
            result.replies[-1] = acknowledgement
    if ticked is not None and result.replies:  # said before the question (or "noted") again
        result.replies.insert(len(result.replies) - 1, ticked.said)
    if prompt is not None and any(not r.edit for r in result.replies) and not result.noted:
        result.strip = None if result.above else prompt
    return result


def _taken(step: Step, value: str) -> Say | None:
    """The button typed words were taken as ("i did a take home, then a call" at the stage
    question: ✅ Technical / task), so the person sees what was kept; not for a yes or a no,
    whose next question says it."""
    option = next((o for o in step.options if o.value == value), None)
    if option is None or {o.value for o in step.options} == {"yes", "no"}:
        return None
    return Say("flow.typed_pick", {"option": option.label if option.literal else Ref(option.label)})


def _reason_step(spec: FlowSpec, heard: Listener) -> str | None:
    """The question offering the reason the words tell, if the flow has one."""
    reason = heard.reason()
    if reason is None or not isinstance(spec, TakesReasons):
        return None
    return spec.reason_step(reason)


@dataclass(frozen=True)
class _Tick:
    """A told reason ticked: the word saying so, and whether it was ticked at the question at
    hand (``here``: the words answered it)."""

    said: Say
    here: bool


async def _tick_told_reason(
    session: AsyncSession, spec: FlowSpec, row: FlowState, now: datetime, heard: Listener
) -> _Tick | None:
    """A reason told in typed words ("they went with an internal candidate") ticked on the
    question that offers it, when that question is still ahead or open (it is still asked, so
    it can be changed); None when nothing was ticked."""
    name = _reason_step(spec, heard)
    reason = heard.reason()
    if name is None or reason is None:
        return None
    state = _state(row)
    if name in state.run.trail or reason in state.selected(name):
        return None
    option = next((o for o in spec.flow.step(name).options if o.value == reason), None)
    if option is None:
        return None
    run = state.run.with_selected(name, [*state.selected(name), reason])
    await _save(session, row, replace(state, run=run), now)
    here = name == row.step
    return _Tick(heard.ticked(option.label, here=here), here)


async def _tick_told_options(
    session: AsyncSession,
    spec: FlowSpec,
    row: FlowState,
    user: User,
    text: str,
    now: datetime,
    heard: Listener,
    told: tuple[list[str], bool],
) -> FlowResult:
    """Options of the multi-select question at hand named in typed words ("the rapport was
    good" at "What went well?") ticked, as a tap would, and the question asked again to show
    them; the words kept as its note too when they say more. Options ticked already stay."""
    values, more = told
    asked = spec.flow.step(row.step)
    noted = more and asked.notes is not None
    if noted:
        kept = await _apply(session, spec, row, user, TextEvent(text), now)
        if not kept.noted:  # refused as a note (nothing to keep): tick all the same
            noted = False
    state = _state(row)
    chosen = state.selected(asked.name)
    offered = {option.value: option.label for option in asked.options}
    new = [v for v in values if v in offered and v not in chosen]
    state = replace(state, run=state.run.with_selected(asked.name, [*chosen, *new]))
    await _save(session, row, state, now)
    ctx = _context(session, user, row.chat_id, now, row)
    labels = [offered[v] for v in new or values if v in offered]
    return FlowResult([heard.options_ticked(labels, noted), ask(spec, ctx, state)])


async def _aside(
    session: AsyncSession,
    spec: FlowSpec,
    row: FlowState,
    user: User,
    text: str,
    now: datetime,
    heard: Listener,
    *,
    answered: bool = False,
) -> FlowResult:
    """Acknowledge words that answer nothing, keep them if the flow can, ask again;
    ``answered``: they did answer it after all (a reason ticked), so only the question again."""
    ctx = _context(session, user, row.chat_id, now, row)
    kept = (
        isinstance(spec, KeepsNotes) and heard.worth_keeping() and await spec.keep_note(ctx, text)
    )
    said = [] if answered else heard.aside(kept)
    return FlowResult([*said, ask(spec, ctx, _state(row))])


async def _fill(
    session: AsyncSession,
    spec: FlowSpec,
    row: FlowState,
    user: User,
    now: datetime,
    heard: Listener,
) -> FlowResult:
    """Rejection news at the company question: the company it names is the answer, and the
    stage too when the next question asks it and the news names one."""
    company, stage, acknowledgement = heard.fill()
    first = await _apply(session, spec, row, user, TextEvent(company), now)
    if stage is None or row.step != "stage" or first.finished:
        return _acknowledged(acknowledgement, first.replies, first)
    second = await _apply(session, spec, row, user, ChoiceEvent("stage", stage), now)
    if second.stale:
        return _acknowledged(acknowledgement, first.replies, first)
    asked_stage = first.replies[:-1]  # the stage question is answered already
    return _acknowledged(acknowledgement, [*asked_stage, *second.replies], second)


async def _name_told_with(
    session: AsyncSession,
    spec: FlowSpec,
    row: FlowState,
    user: User,
    now: datetime,
    heard: Listener,
    asked: Step,
    text: str,
    picked: FlowResult,
) -> FlowResult:
    """A name told with the option picked ("the hiring manager, priya"): when the next
    question asks for a name, it is answered too, and shown, instead of being asked."""
    name = heard.name_told(asked, text)
    nxt = spec.flow.step(row.step) if not picked.finished and row.step != asked.name else None
    if name is None or nxt is None or not isinstance(nxt.parse_text, PersonName):
        return picked
    named = await _apply(session, spec, row, user, TextEvent(name), now)
    if named.stale or row.step == nxt.name:  # refused as a name: the question stays asked
        return picked
    shown = Say("flow.typed_pick", {"option": name})
    return FlowResult(
        [*picked.replies[:-1], shown, *named.replies], named.finished, named.follow_up
    )


def _acknowledged(acknowledgement: Say, replies: list[Say], outcome: FlowResult) -> FlowResult:
    return FlowResult([acknowledgement, *replies], outcome.finished, outcome.follow_up)


def prompt_key(flow: str, step: str) -> str:
    """What a question's message is remembered by (``Say.prompt_of``)."""
    return f"{flow}:{step}"


async def remember_prompt(
    session: AsyncSession, chat_id: int, user_id: int, key: str, message_id: int
) -> bool:
    """Note which message asks the question ``key`` (see :func:`prompt_key`), if the
    conversation is still at that question. False when it has moved on (the person answered
    before this message was noted): the caller removes the message's buttons itself."""
    flow, _, step = key.partition(":")
    result = await session.execute(  # Core: no version check, no ORM bookkeeping
        _REMEMBER_PROMPT,
        {"chat": chat_id, "user": user_id, "at_flow": flow, "at_step": step, "message": message_id},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# A question's message to note: (chat id, person's id, question key, message id).
Prompt = tuple[int, int, str, int]


async def remember_prompts(session: AsyncSession, prompts: Sequence[Prompt]) -> list[Prompt]:
    """:func:`remember_prompt` for several questions at once (the delivery notes of a burst
    share a transaction): one UPDATE for every conversation noted once here, returning the rows
    it noted, instead of one UPDATE each. A conversation with two or more notes here is noted
    one by one, in order, as before (the later note wins). Returns the prompts not noted
    because their conversation has moved on, in the order given."""
    times = Counter((chat_id, user_id) for chat_id, user_id, _key, _message in prompts)
    once = [p for p in prompts if times[(p[0], p[1])] == 1]
    batched = set(once) if len(once) > 1 else set()
    stale: set[Prompt] = set()
    if batched:
        dialect = session.get_bind().dialect.name
        rows = [
            {
                "c": chat_id,
                "u": user_id,
                "f": key.partition(":")[0],
                "s": key.partition(":")[2],
                "m": message_id,
            }
            for chat_id, user_id, key, message_id in once
        ]
        value: Any = rows if dialect == "postgresql" else json.dumps(rows)
        result = await session.execute(_remembering(dialect), {"prompts": value})
        noted = {(chat_id, user_id) for chat_id, user_id in result}
        stale.update(p for p in once if (p[0], p[1]) not in noted)
    for prompt in prompts:
        if prompt in batched:
            continue
        chat_id, user_id, key, message_id = prompt
        if not await remember_prompt(session, chat_id, user_id, key, message_id):
            stale.add(prompt)
    return [p for p in prompts if p in stale]


@cache
def _remembering(dialect: str) -> Update:
    """Built once per dialect: note the messages of many questions, each only while its
    conversation is still at that question (as :data:`_REMEMBER_PROMPT` does for one); the
    prompts come as one JSON array of {c: chat, u: person, f: flow, s: step, m: message}."""
    table = _FLOW_STATES
    given: TableValuedAlias | Subquery
    if dialect == "postgresql":
        given = (
            func.jsonb_to_recordset(bindparam("prompts", type_=JSONB))
            .table_valued(
                column("c", BigInteger),
                column("u", BigInteger),
                column("f", String),
                column("s", String),
                column("m", Integer),
            )
            .render_derived(name="n", with_types=True)
        )
    else:
        value = column("value", JSON)
        given = (
            select(*(func.json_extract(value, f"$.{k}").label(k) for k in "cufsm"))
            .select_from(func.json_each(bindparam("prompts")))
            .subquery("n")
        )
    c, u, f, s, m = (given.c[k] for k in "cufsm")
    return (
        update(table)
        .where(table.c.chat_id == c, table.c.user_id == u, table.c.flow == f, table.c.step == s)
        .values(prompt_step=s, prompt_message_id=m)
        .returning(table.c.chat_id, table.c.user_id)
    )


async def handle_callback(
    session: AsyncSession,
    specs: Mapping[str, FlowSpec],
    user: User,
    chat_id: int,
    data: str,
    now: datetime,
    tapped: int | None = None,
) -> FlowResult:
    """Feed a tapped button; one from another run, step, flow or release is ``stale``.

    ``tapped`` is the id of the message whose button it was. When that message asks a question
    that can also be typed and the turn that sent it has not noted it yet (:func:`remember_prompt`
    runs after the send, and this tap may come first), ``leave_tapped`` says to leave its
    buttons to that turn, which removes them once it sees the question answered: removing
    them here too would be a second, refused edit."""
    row = await load_state(session, chat_id, user.id)
    parsed = specs[row.flow].flow.taps.parse(data) if row and row.flow in specs else None
    unnoted = (
        row is not None
        and row.flow in specs
        and _typed(specs[row.flow].flow.step(row.step))
        and not (row.prompt_step == row.step and row.prompt_message_id == tapped)
    )
    if (
        parsed is None
        or row is None
        or parsed.run != Run.from_json(row.run).token
        or parsed.step != row.step
    ):
        return FlowResult(stale=True)
    event = ChoiceEvent(parsed.step, parsed.value)
    result = await _apply(session, specs[row.flow], row, user, event, now)
    result.leave_tapped = unnoted and tapped is not None
    return result


async def _apply(
    session: AsyncSession, spec: FlowSpec, row: FlowState, user: User, event: Event, now: datetime
) -> FlowResult:
    state = _state(row)
    transition = advance(spec.flow, state, event, now)
    ctx = _context(session, user, row.chat_id, now, row)
    if transition.outcome == "problem":
        return _problem(spec, ctx, state, transition)
    if transition.outcome in ("toggled", "noted", "back"):
        assert transition.state is not None
        await _save(session, row, transition.state, now)
        ctx.data, ctx.run = dict(transition.state.data), transition.state.run
        if transition.outcome == "toggled":
            return FlowResult([ask(spec, ctx, transition.state, edit=True)], edited=True)
        if transition.outcome == "noted":
            notice = transition.answer.notice if transition.answer else None
            replies = [Say(notice.problem, dict(notice.params))] if notice else []
            return FlowResult([*replies, Say("flow.note_saved")], noted=True)
        return FlowResult([ask(spec, ctx, transition.state)])
    return await _answered(spec, ctx, row, state, transition)


async def _save(session: AsyncSession, row: FlowState, state: State, now: datetime) -> None:
    """Move the conversation to ``state``, checking and bumping ``revision`` (the mapper's
    ``version_id_col``): a turn of the same chat elsewhere that got there first makes this
    turn fail with ``StaleDataError``, before anything is sent.

    Every step of every flow passes here: one Core UPDATE, and the loaded row told the new
    values as committed ones, instead of the ORM's unit of work flushing the row (its change
    tracking, version check and flush cost more than the statement). A row with other
    changes not yet flushed, or not yet in the database, takes the ORM's way."""
    run = state.run.to_json()
    found = inspect(row)
    if not found.persistent or found.modified:
        row.step, row.data, row.run, row.updated_at = state.step, state.data, run, now
        return
    values = {
        "step": state.step,
        "data": state.data,
        "run": run,
        "revision": row.revision + 1,
        "updated_at": now,
    }
    result = await session.execute(
        _SAVE_STATE,
        {
            "chat": row.chat_id,
            "user": row.user_id,
            "read": row.revision,
            "to_step": values["step"],
            "to_data": values["data"],
            "to_run": values["run"],
            "to_revision": values["revision"],
            "at": now,
        },
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDataError(
            f"flow_states row ({row.chat_id}, {row.user_id}) moved on from revision {row.revision}"
        )
    for key, value in values.items():
        set_committed_value(row, key, value)


def _problem(spec: FlowSpec, ctx: FlowContext, state: State, transition: Transition) -> FlowResult:
    assert transition.problem is not None
    if transition.problem.problem == "flow.stale_button":
        return FlowResult(stale=True)
    problem = Say(transition.problem.problem, dict(transition.problem.params))
    if transition.problem.problem == "flow.tap_please":
        return FlowResult([problem], above=True)  # the question and its buttons are right above
    return FlowResult([problem, ask(spec, ctx, state)])


async def _answered(
    spec: FlowSpec, ctx: FlowContext, row: FlowState, state: State, transition: Transition
) -> FlowResult:
    answer = transition.answer
    assert answer is not None
    if transition.state is not None:
        ctx.data, ctx.run = dict(transition.state.data), transition.state.run
    else:
        ctx.data = {**state.data, transition.step: answer.value}
    await spec.apply(ctx, transition.step, answer)
    replies = []
    if answer.notice is not None:
        replies.append(Say(answer.notice.problem, dict(answer.notice.params)))
    replies += spec.acknowledge(ctx, transition.step, answer)
    if transition.state is None:
        await ctx.session.delete(row)
        replies += await spec.finish(ctx)
        return FlowResult(replies, finished=True, follow_up=ctx.run.then)
    next_state = State(row.flow, transition.state.step, ctx.data, ctx.run)
    await _save(ctx.session, row, next_state, ctx.now)
    replies.append(ask(spec, ctx, next_state))
    return FlowResult(replies)
