"""Prometheus metrics for one Rebound process (served on /metrics, see bot.server).

Each Application gets its own registry, so several instances in one test process (or a
benchmark) never mix their figures. Labels are fixed, small sets: an update type, an API
method, a status code — never anything a person wrote.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from telegram import Update

# Bot API methods that put something in front of a person (counted by bot.rate_limiter).
SENDS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup"}
)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "rebound_updates",
            "Updates handled, by type.",
            ["type"],
            registry=self.registry,
        )
        self.handler_seconds = Histogram(
            "rebound_handler_seconds",
            "Time from taking an update off the queue to its replies being sent.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.messages_sent = Counter(
            "rebound_messages_sent",
            "Messages sent or edited through the Bot API, by method.",
            ["method"],
            registry=self.registry,
        )
        self.api_errors = Counter(
            "rebound_api_errors",
            "Bot API answers that were not a success: 429 (flood wait), 403 (blocked/kicked).",
            ["code"],
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "rebound_outbox_depth",
            "Scheduled messages that are due and not yet sent.",
            registry=self.registry,
        )
        self.outbox_lag = Gauge(
            "rebound_outbox_lag_seconds",
            "How overdue the oldest due scheduled message is.",
            registry=self.registry,
        )
        self.inbox_depth = Gauge(
            "rebound_inbox_depth",
            "Incoming updates stored and not yet handled.",
            registry=self.registry,
        )
        self.dispatcher_age = Gauge(
            "rebound_dispatcher_age_seconds",
            "Seconds since the scheduled-message dispatcher last finished a run.",
            registry=self.registry,
        )

    def count_update(self, update: object) -> None:
        self.updates.labels(update_type(update)).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


def update_type(update: object) -> str:
    """``message``, ``callback_query``, ``my_chat_member``… (the field Telegram filled)."""
    if isinstance(update, Update):
        for name in Update.ALL_TYPES:
            if getattr(update, name, None) is not None:
                return str(name)
    return "other"
