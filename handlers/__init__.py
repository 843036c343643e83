"""Telegram-facing features. ``FEATURES`` is the one place that says the order handlers run in:
membership upkeep first, then commands, then flows, then the catch-alls."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    admin,
    cancel,
    checkin,
    delivery,
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
    scheduled,
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
    scheduled,
)


def register_all(app: Application) -> None:  # type: ignore[type-arg]
    for feature in FEATURES:
        feature.register(app)
    delivery.register(app)
    errors.register(app)
