"""Runs declared flows over the database: state per chat, answers stored as they arrive.

Each call works inside the caller's transaction; the handler commits before it replies, so an
answer the person saw acknowledged is never lost, and a restart resumes at the same step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FlowState, User
from bot.services.flow_engine import (
    Accepted,
    ChoiceEvent,
    Event,
    Flow,
    JsonValue,
    State,
    Step,
    TextEvent,
    advance,
    parse_callback,
)
from bot.services.replies import Button, Say, rows


class FlowSpec(Protocol):
    """A flow plus what its answers mean for the person's records."""

    flow: Flow

    def apply(self, user: User, step: str, answer: Accepted, now: datetime) -> None:
        """Store one accepted answer on the person's records."""

    def acknowledge(self, user: User, step: str, answer: Accepted, now: datetime) -> list[Say]:
        """Messages confirming an answer, shown before the next question."""

    def prompt_params(self, user: User, step: str, now: datetime) -> dict[str, object]:
        """Parameters the question for ``step`` needs."""

    def finish(self, user: User, data: Mapping[str, JsonValue], now: datetime) -> list[Say]:
        """Close the flow: final records and the closing messages."""


@dataclass
class FlowResult:
    """What one event did. ``finished_data`` holds the answers when the flow just ended."""

    replies: list[Say] = field(default_factory=list)
    finished_data: dict[str, JsonValue] | None = None
    stale: bool = False


def ask(spec: FlowSpec, user: User, step: Step, now: datetime) -> Say:
    """The question for ``step`` with its answer buttons."""
    buttons = [
        Button(
            option.label,
            data=spec.flow.callback_data(step.name, option.value),
            literal=option.literal,
        )
        for option in step.all_options()
    ]
    return Say(step.prompt, spec.prompt_params(user, step.name, now), rows(buttons, step.columns))


async def load_state(session: AsyncSession, chat_id: int, user_id: int) -> FlowState | None:
    return await session.get(FlowState, (chat_id, user_id))


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
) -> Say:
    """Begin ``spec`` (replacing any running flow) and return its first question."""
    name = step or spec.flow.first
    payload = dict(data or {})
    if only:
        payload["_only"] = name
    row = await load_state(session, chat_id, user.id)
    if row is None:
        row = FlowState(chat_id=chat_id, user_id=user.id, data={})
        session.add(row)
    row.flow, row.step, row.data, row.updated_at = spec.flow.code, name, payload, now
    return ask(spec, user, spec.flow.step(name), now)


async def cancel(session: AsyncSession, chat_id: int, user_id: int) -> str | None:
    """End any running flow; returns its code, or None when nothing was running."""
    row = await load_state(session, chat_id, user_id)
    if row is None:
        return None
    await session.delete(row)
    return row.flow


async def reask(
    session: AsyncSession, specs: Mapping[str, FlowSpec], user: User, chat_id: int, now: datetime
) -> Say | None:
    """The current question again (after a restart, an odd message or /start mid-flow)."""
    row = await load_state(session, chat_id, user.id)
    if row is None or row.flow not in specs:
        return None
    spec = specs[row.flow]
    return ask(spec, user, spec.flow.step(row.step), now)


async def handle_text(
    session: AsyncSession,
    specs: Mapping[str, FlowSpec],
    user: User,
    chat_id: int,
    text: str,
    now: datetime,
) -> FlowResult | None:
    """Feed typed text to the running flow; None when no flow is running."""
    row = await load_state(session, chat_id, user.id)
    if row is None or row.flow not in specs:
        return None
    return await _apply(session, specs[row.flow], row, user, TextEvent(text), now)


async def handle_callback(
    session: AsyncSession,
    specs: Mapping[str, FlowSpec],
    user: User,
    chat_id: int,
    data: str,
    now: datetime,
) -> FlowResult:
    """Feed a tapped button; a button from an older step, flow or release is ``stale``."""
    parsed = parse_callback(data)
    row = await load_state(session, chat_id, user.id)
    if (
        parsed is None
        or row is None
        or parsed.code != row.flow
        or row.flow not in specs
        or parsed.version != specs[row.flow].flow.version
        or parsed.step != row.step
    ):
        return FlowResult(stale=True)
    return await _apply(
        session, specs[row.flow], row, user, ChoiceEvent(parsed.step, parsed.value), now
    )


async def _apply(
    session: AsyncSession, spec: FlowSpec, row: FlowState, user: User, event: Event, now: datetime
) -> FlowResult:
    state = State(flow=row.flow, step=row.step, data=dict(row.data))
    transition = advance(spec.flow, state, event, now)
    if transition.problem is not None:
        if transition.problem.problem == "flow.stale_button":
            return FlowResult(stale=True)
        problem = Say(transition.problem.problem, dict(transition.problem.params))
        return FlowResult([problem, ask(spec, user, spec.flow.step(row.step), now)])
    assert transition.answer is not None
    spec.apply(user, transition.step, transition.answer, now)
    user.updated_at = now
    replies = spec.acknowledge(user, transition.step, transition.answer, now)
    if transition.state is None:
        data = {**state.data, transition.step: transition.answer.value}
        await session.delete(row)
        replies += spec.finish(user, data, now)
        return FlowResult(replies, finished_data=data)
    row.step, row.data, row.updated_at = transition.state.step, transition.state.data, now
    replies.append(ask(spec, user, spec.flow.step(transition.state.step), now))
    return FlowResult(replies)
