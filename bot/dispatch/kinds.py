"""What each kind of scheduled message says, registered by the feature that sends it (see
``register`` in handlers.checkin, .reflection, .feedback, .admin, .gatekeeping, .groups), so the
dispatcher knows none of them and a new kind is one registration in its own feature."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Group, User
from bot.services.outbox import Claimed
from bot.services.replies import Say

# A builder returns the message for a claimed outbox item, or None when it is no longer needed.
PersonBuilder = Callable[[AsyncSession, Claimed, User], Awaitable[Say | None]]
GroupBuilder = Callable[[AsyncSession, Claimed, Group], Awaitable[Say | None]]


@dataclass(frozen=True)
class PersonKind:
    build: PersonBuilder
    week_chart: bool = False  # sent as a photo of the person's week, the text its caption


@dataclass
class Kinds:
    """The builders by outbox kind: one table for people's messages, one for groups'."""

    people: dict[str, PersonKind] = field(default_factory=dict)
    groups: dict[str, GroupBuilder] = field(default_factory=dict)

    def person(self, kind: str, build: PersonBuilder, *, week_chart: bool = False) -> None:
        if kind in self.people:
            raise ValueError(f"scheduled kind {kind!r} is registered twice")
        self.people[kind] = PersonKind(build, week_chart)

    def group(self, kind: str, build: GroupBuilder) -> None:
        if kind in self.groups:
            raise ValueError(f"scheduled group kind {kind!r} is registered twice")
        self.groups[kind] = build
