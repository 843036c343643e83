"""The database schema, as SQLAlchemy 2 typed models. Migrations in ``migrations/`` mirror it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from bot import crypto

JsonData = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite has no time zone type)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not UTC:  # the usual case (UTC already) skips the conversion
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EncryptedText(TypeDecorator[str]):
    """Free text, encrypted at rest when keys are configured (see bot.crypto)."""

    impl = Text()
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.cipher().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.cipher().decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document stored as (possibly encrypted) text: conversation state holds answers."""

    impl = Text()
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else crypto.cipher().encrypt(json.dumps(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(crypto.cipher().decrypt(value))


class Base(DeclarativeBase):
    pass


class User(Base):
    """A person who talks to the bot privately. The primary key is their Telegram user id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Telegram's, refreshed from every update; ``locale`` is the language they chose in
    # /settings, which no update changes. ``language`` is the one they read.
    language_code: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(16))
    # The language their first plainly written words were in (bot.services.own_language);
    # once set, no later words switch ``locale``.
    words_language: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    checkin_time: Mapped[time | None] = mapped_column(Time())
    checkin_frequency: Mapped[str | None] = mapped_column(String(16))
    # How they sign feedback requests; remembered so they type it once.
    signature_name: Mapped[str | None] = mapped_column(EncryptedText())
    # The next scheduled check-in and weekly review (UTC); the dispatcher polls these indexes.
    next_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    review_day: Mapped[int | None] = mapped_column(SmallInteger)  # 0 = Monday; None = off
    next_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None = until /resume
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The offer under their latest reply to typed words, so a typed "yes" or "not now" answers
    # it: {"yes": callback data, "no": callback data or absent, "at": ISO time}. No free text.
    offer: Mapped[dict[str, str] | None] = mapped_column(JsonData)
    # False once the person blocks the bot; /start sets it back.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def language(self) -> str | None:
        """The language they read: the one they chose, else their Telegram app's."""
        return self.locale or self.language_code


class FlowState(Base):
    """Where one person is in one guided conversation, per chat: survives restarts."""

    __tablename__ = "flow_states"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON(), default=dict)  # the answers
    # The run's bookkeeping beside them (bot.services.flow_engine.Run): a button token, step
    # names, ticked option values, a deep link's feature. No free text, so not encrypted.
    run: Mapped[dict[str, Any]] = mapped_column(JsonData, default=dict)
    # Incremented on every change: a second instance's stale write fails instead of winning.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The message asking the question of ``prompt_step``, noted after it is sent (a plain
    # UPDATE that neither checks nor bumps ``revision``): typing an answer removes its buttons.
    prompt_step: Mapped[str | None] = mapped_column(String(32))
    prompt_message_id: Mapped[int | None] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012


class Rejection(Base):
    """One "no" and the person's debrief of it. ``completed_at`` is None while in progress;
    ``answered`` lists the questions answered so far, so an interrupted debrief can continue."""

    __tablename__ = "rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    company: Mapped[str | None] = mapped_column(EncryptedText())
    role: Mapped[str | None] = mapped_column(EncryptedText())
    stage: Mapped[str | None] = mapped_column(String(24))
    mood: Mapped[int | None] = mapped_column(SmallInteger)
    went_well: Mapped[list[str]] = mapped_column(JsonData, default=list)
    went_well_note: Mapped[str | None] = mapped_column(EncryptedText())
    reasons: Mapped[list[str]] = mapped_column(JsonData, default=list)
    reasons_note: Mapped[str | None] = mapped_column(EncryptedText())
    # What the person typed during the debrief that answered no question (e.g. how they feel,
    # written where the company was asked): kept with the debrief, shown on its card.
    note: Mapped[str | None] = mapped_column(EncryptedText())
    outside: Mapped[list[str]] = mapped_column(JsonData, default=list)
    answered: Mapped[list[str]] = mapped_column(JsonData, default=list)
    # Filled in from news they typed and not opened as a debrief yet (see reflection.prefill).
    from_news: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    feedback_status: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PlanAction(Base):
    """One small next step in the person's plan. Its text is content ``actions.<reason>``,
    version ``variant``, so it reads in the person's language."""

    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    rejection_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("rejections.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(String(32))
    variant: Mapped[int] = mapped_column(SmallInteger)
    # The feedback's own words for a step made from it ("design systems at scale"), if any.
    focus: Mapped[str | None] = mapped_column(EncryptedText())
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ScheduledMessage(Base):
    """The outbox: a message due at ``due_at`` (UTC). One job claims what is due in batches.
    It is for a person (``user_id``) or a group (``group_id``)."""

    __tablename__ = "scheduled_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    # The record the message is about (e.g. a feedback request), so it can be cancelled.
    ref_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonData, default=dict)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # pending → claimed (leased until claimed_until) → sent; or cancelled, or parked after
    # too many failed attempts.
    status: Mapped[str] = mapped_column(String(12), default="pending")
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_scheduled_messages_status_due", "status", "due_at"),
        # A chat's replies not yet delivered, in order (see bot.services.outbox.REPLY): only
        # reply rows, which are deleted once delivered, so this stays small.
        Index(
            "ix_scheduled_messages_replies",
            "chat_id",
            "id",
            sqlite_where=text("kind = 'reply'"),
            postgresql_where=text("kind = 'reply'"),
        ),
    )


# FeedbackRequest.status of words typed as feedback and held for the [Log this feedback] tap
# (bot.services.feedback.hold_told): not a request nor a reply yet, so shown and counted nowhere.
FEEDBACK_HELD = "told"


class FeedbackRequest(Base):
    """A feedback request to an employer, from draft to reply (or letting it go)."""

    __tablename__ = "feedback_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    rejection_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("rejections.id", ondelete="SET NULL"), index=True
    )
    company: Mapped[str | None] = mapped_column(EncryptedText())
    role: Mapped[str | None] = mapped_column(EncryptedText())
    recipient: Mapped[str] = mapped_column(String(16))
    their_name: Mapped[str | None] = mapped_column(EncryptedText())
    channel: Mapped[str] = mapped_column(String(16))
    tone: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="ask")
    version: Mapped[int] = mapped_column(SmallInteger, default=0)
    short: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    reply_text: Mapped[str | None] = mapped_column(EncryptedText())
    tags: Mapped[list[str]] = mapped_column(JsonData, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckIn(Base):
    """One day's check-in (the person's local date); answering again that day updates it."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date())
    mood: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_checkins_user_day"),)


class Win(Base):
    """A small victory the person logged (or an interview they had)."""

    __tablename__ = "wins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="win")
    text: Mapped[str | None] = mapped_column(EncryptedText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Nudge(Base):
    """A learning nudge that was offered: a plan action or a general idea, and what came of it.
    Recent rows keep the same nudge from coming back too soon."""

    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("plan_actions.id", ondelete="CASCADE")
    )
    idea: Mapped[str | None] = mapped_column(String(32))
    variant: Mapped[int] = mapped_column(SmallInteger, default=0)
    outcome: Mapped[str | None] = mapped_column(String(12))  # done, snoozed, dropped
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Group(Base):
    """A group chat the bot is in. Only settings and anonymous counts: no member's words."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)  # changes on supergroup migration
    thread_id: Mapped[int | None] = mapped_column(Integer)  # forum topic for scheduled posts
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    checkin_time: Mapped[time] = mapped_column(Time())
    checkin_on: Mapped[bool] = mapped_column(Boolean, default=False)
    recap_on: Mapped[bool] = mapped_column(Boolean, default=False)
    next_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    next_recap_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Why scheduled posts are paused (bot.services.groups: NO_RIGHTS, TOPIC_CLOSED,
    # TOPIC_GONE), None while they run; and whether an admin has been told.
    paused: Mapped[str | None] = mapped_column(String(16))
    paused_told: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Bursts (bot.services.groups.burst): the last /cheer, and when the group was last told
    # that /cheer or /win must wait a moment (told once per wait).
    cheered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cheer_noted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    win_noted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The group's language, chosen in /groupsettings; set from the admin who set it up.
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GroupCheckIn(Base):
    """One day's group check-in message and what it currently shows (to edit only on change)."""

    __tablename__ = "group_checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(Integer)
    shown: Mapped[dict[str, int]] = mapped_column(JsonData, default=dict)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GroupVote(Base):
    """A member's mood tap on a group check-in; kept only to count each member once."""

    __tablename__ = "group_votes"

    checkin_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("group_checkins.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    mood: Mapped[int] = mapped_column(SmallInteger)


class GroupWin(Base):
    """That a win was celebrated in a group (for the anonymous weekly recap; no text kept)."""

    __tablename__ = "group_wins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxUpdate(Base):
    """An incoming update, stored before Telegram is told it arrived (issue 9).

    ``processed_at`` is set in the same transaction as the handler's own writes, so an update
    is either fully handled or still here to be handled after a crash; the unique
    ``update_id`` makes a redelivered update a no-op. The payload holds what people typed:
    encrypted like every other free text, blanked once handled, the row pruned a day later.
    """

    __tablename__ = "inbox_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class Strength(Base):
    """One core strength the person listed (issue 8), in their own words, encrypted.

    ``skill`` is the id of the vocabulary entry it matches (bot/services/data/skills.yaml), so a
    job description that words it differently still finds it; None for a strength the
    vocabulary does not know, which is then matched by its own words.
    """

    __tablename__ = "strengths"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(EncryptedText())
    skill: Mapped[str | None] = mapped_column(String(48))
    kind: Mapped[str] = mapped_column(String(8), default="other")  # hard, soft, other
    source: Mapped[str] = mapped_column(String(16), default="typed")  # typed, suggested, match
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VariantUse(Base):
    """When a person last saw each version of a text sent again and again (check-in prompts,
    mood replies, nudge intros...): the next message picks the version seen least recently."""

    __tablename__ = "variant_uses"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    variant: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())
