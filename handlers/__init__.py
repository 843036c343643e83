"""Telegram-facing features. ``FEATURES`` is the one place that says the order handlers run in:
membership upkeep first, then commands, then flows, then the catch-alls. ``SENDERS`` are the
features that schedule messages; each registers the kinds it sends with the dispatcher
(bot.dispatch), which knows none of them itself."""

from __future__ import annotations

from telegram.ext import Application

from bot.dispatch import Kinds
from handlers import (
    admin,
    cancel,
    checkin,
    errors,
    fallback,
    feedback,
    flows,
    gatekeeping,
    groups,
    history,
    match,
    membership,
    privacy,
    reflection,
    settings,
    start,
    stats,
    strengths,
)
from handlers import help as help_feature

FEATURES = (
    gatekeeping,
    membership,
    groups,
    start,
    help_feature,
    settings,
    reflection,
    history,
    feedback,
    checkin,
    privacy,
    admin,
    stats,
    strengths,
    match,
    cancel,
    flows,
    fallback,
)

SENDERS = (checkin, reflection, feedback, admin, gatekeeping, groups)


def scheduled_kinds() -> Kinds:
    """Every kind of scheduled message, with what builds it."""
    kinds = Kinds()
    for feature in SENDERS:
        feature.scheduled(kinds)
    return kinds


def register_all(app: Application) -> None:  # type: ignore[type-arg]
    for feature in FEATURES:
        feature.register(app)
    errors.register(app)
