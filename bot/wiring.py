"""What one Application holds beside PTB's own, as typed fields instead of ``bot_data`` keys.

:func:`bot.app.build_application` builds a :class:`ReboundApplication` and its :class:`Wiring`;
handlers and jobs read it through :class:`ReboundContext` (registered with
``ContextTypes(context=...)``, as python-telegram-bot's ``contexttypesbot.py`` example does),
everything else (bot.serve, bot.server, the Mini App's API) through ``app.wiring``.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.delivery import Delivery
from bot.dispatch import Dispatcher
from bot.intake import InboxPoller, Intake
from bot.runtime import Runtime
from bot.services.crisis import GroupCareLimiter
from bot.services.flood import FloodGate
from bot.services.groups import TalkBudget
from bot.telegram_http import UpdatesRequest


@dataclass
class CountEdits:
    """One group's check-in count edits: which messages are behind, and when the last edit
    started. Edits are at least ``group_edit_gap_seconds`` apart per group (the default keeps
    them to half of Telegram's 20 messages a minute per group, the rest is for replies);
    taps in between are shown together by the next edit, which reads the latest counts."""

    behind: dict[int, int] = field(default_factory=dict)  # check-in id -> message id
    last: float = -math.inf
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


# Whether a person is an admin of a group, by (chat id, user id), and until when that holds.
AdminCache = dict[tuple[int, int], tuple[bool, datetime]]


@dataclass
class Wiring:
    """The parts of one running bot, each built once by bot.app."""

    runtime: Runtime
    intake: Intake
    delivery: Delivery
    dispatcher: Dispatcher
    flood_gate: FloodGate  # a person's burst of messages (handlers.gatekeeping)
    group_care: GroupCareLimiter = field(default_factory=GroupCareLimiter)  # crisis replies
    admin_cache: AdminCache = field(default_factory=dict)  # handlers.groups.is_admin
    count_edits: dict[int, CountEdits] = field(default_factory=dict)  # by group chat id
    group_talk: TalkBudget = field(default_factory=TalkBudget)  # handlers.groups.written_to
    poller: InboxPoller | None = None  # while polling (bot.app.start_polling)
    # The bot's getUpdates request, which keeps the JSON of what it fetched for the inbox.
    updates_request: UpdatesRequest | None = None


class ReboundApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application, holding the :class:`Wiring` (built through
    ``ApplicationBuilder.application_class``)."""

    wiring: Wiring  # set by bot.app.build_application right after the build


class ReboundContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context every handler and job gets: the Wiring's parts as typed properties."""

    # (update id, text) of a message the crisis check read and found nothing in, so that the
    # turn's understanding does not read it for a crisis again (handlers.gatekeeping). PTB
    # builds one context per update for all its handler groups; a context built afresh has
    # None here, and the text is then read again, as before.
    crisis_clear: tuple[int, str] | None = None

    @property
    def app(self) -> ReboundApplication:
        """The application, typed as bot.app builds it (PTB types ``application`` loosely)."""
        app = self.application
        assert isinstance(app, ReboundApplication)
        return app

    @property
    def wiring(self) -> Wiring:
        return self.app.wiring

    @property
    def runtime(self) -> Runtime:
        return self.wiring.runtime

    @property
    def intake(self) -> Intake:
        return self.wiring.intake

    @property
    def delivery(self) -> Delivery:
        return self.wiring.delivery

    @property
    def dispatcher(self) -> Dispatcher:
        return self.wiring.dispatcher

    @property
    def flood_gate(self) -> FloodGate:
        return self.wiring.flood_gate

    @property
    def group_care(self) -> GroupCareLimiter:
        return self.wiring.group_care

    @property
    def admin_cache(self) -> AdminCache:
        return self.wiring.admin_cache

    def count_edits(self, chat_id: int) -> CountEdits:
        """The group's count edits (made on first use)."""
        return self.wiring.count_edits.setdefault(chat_id, CountEdits())
