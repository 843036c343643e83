"""Rebound in job-seeker groups: settings by admins, a daily check-in with anonymous counts,
celebrated wins, and a weekly recap. Nothing from anyone's private chat is ever used here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import INTERFACE_LOCALES as LANGUAGES  # the full interfaces only
from bot.db.models import Group, GroupCheckIn, GroupVote, GroupWin, ScheduledMessage, User
from bot.services.callback_data import GROUP_MOOD, GROUP_SETTINGS, GroupMoodTap, GroupSettingsTap
from bot.services.outbox import REPLY
from bot.services.recurrence import next_checkin, next_weekly
from bot.services.replies import Button, Ref, Say

DEFAULT_TIME = time(10, 0)
MOODS = (1, 2, 3, 4, 5)
TIMES = ("08:00", "09:00", "10:00", "12:00", "18:00", "20:00")
CHECKIN = "group_checkin"
RECAP = "group_recap"
RECAP_DAY = 6  # Sunday
WIN_LIMIT = 300
# The only administrator right Rebound asks for: being an admin at all (can_manage_chat is
# implied by any right) is what lets a bot under privacy mode see every message, which the
# crisis check needs. It deletes, pins, bans and invites nothing.
ADMIN_RIGHTS = ("manage_chat",)
# The startgroup parameter of that link: Telegram's app sends "/start@bot admin" in the group
# once the bot is added or promoted through it.
ADMIN_LINK_PAYLOAD = "admin"
# A group the bot joined this recently was just greeted: the link's "/start" adds nothing.
JUST_GREETED = timedelta(minutes=5)

# Why a group's scheduled posts are paused: Telegram refused one in a way that no retry fixes.
NO_RIGHTS = "no_rights"  # an admin took the bot's right to send messages
TOPIC_CLOSED = "topic_closed"  # the forum topic it posts in was closed
TOPIC_GONE = "topic_gone"  # ... or deleted
# Telegram's words for each (Bot API error descriptions, lower-cased; older servers and the
# MTProto names they pass through included).
_CANNOT_POST = (
    ("not enough rights to send", NO_RIGHTS),
    ("have no rights to send", NO_RIGHTS),
    ("chat_write_forbidden", NO_RIGHTS),
    ("chat_send_plain_forbidden", NO_RIGHTS),
    ("topic_closed", TOPIC_CLOSED),
    ("message thread not found", TOPIC_GONE),
    ("topic_deleted", TOPIC_GONE),
)
# Telegram's words for a group that is gone for the bot: deleted by its owner (a supergroup
# answers 400 "chat not found"; a basic group 403 "the group chat was deleted"), or the bot was
# removed (403 "bot was kicked", "bot is not a member"). Nothing there can succeed again until
# the bot is added back, which Telegram announces (my_chat_member).
_GONE = (
    "chat not found",
    "group chat was deleted",
    "bot was kicked",
    "bot is not a member",
)
# What the admins are told, privately (with the group's name) or in the group.
PAUSED_NOTICE = {
    NO_RIGHTS: "group.paused.no_rights",
    TOPIC_CLOSED: "group.paused.topic_closed",
    TOPIC_GONE: "group.paused.topic_gone",
}
PAUSED_HERE = {
    TOPIC_CLOSED: "group.paused_here.topic_closed",
    TOPIC_GONE: "group.paused_here.topic_gone",
}
TOLD_AT_MOST = 5  # admins told privately about one pause
# Bursts: a group gets one /cheer per CHEER_COOLDOWN and celebrates at most WIN_BURST wins in
# any WIN_WINDOW, so a busy moment (or someone holding the command down) never uses up the
# group's 20 messages a minute. Past that the group hears one short note, then nothing.
CHEER_COOLDOWN = timedelta(minutes=5)
WIN_BURST = 4
WIN_WINDOW = timedelta(minutes=1)
# Members' words to the bot (a reply to one of its posts, a mention): at most TALK_BURST public
# answers per group in any TALK_WINDOW (:class:`TalkBudget`).
TALK_BURST = 3
TALK_WINDOW = timedelta(minutes=1)


class TalkBudget:
    """At most :data:`TALK_BURST` public answers to members' words per group in any
    :data:`TALK_WINDOW`. Twenty-five members answering the daily check-in at once ("another
    no today", "feeling rough") would otherwise get twenty-five near-identical posts, paced by
    Telegram's 20 messages a minute per group over more than a minute, ahead of every /win and
    setting in that group. The first few answers carry the way to a private chat for all who
    read them; the rest of the burst gets none (nothing is lost: nothing they wrote is kept,
    and words of distress are answered by the crisis check, not from here). Kept in memory,
    like the flood gate: a restart forgives every group."""

    def __init__(
        self, burst: int = TALK_BURST, window: timedelta = TALK_WINDOW, max_groups: int = 10_000
    ) -> None:
        self.burst, self.window, self.max_groups = burst, window, max_groups
        self._said: dict[int, list[datetime]] = {}

    def allow(self, chat_id: int, now: datetime) -> bool:
        """True (and counted) when the group may hear one more answer now."""
        recent = [t for t in self._said.get(chat_id, ()) if now - t < self.window]
        if len(recent) >= self.burst:
            self._said[chat_id] = recent
            return False
        if chat_id not in self._said and len(self._said) >= self.max_groups:
            self._prune(now)
        self._said[chat_id] = [*recent, now]
        return True

    def _prune(self, now: datetime) -> None:
        live = {c: ts for c, ts in self._said.items() if ts and now - ts[-1] < self.window}
        if len(live) >= self.max_groups:  # all busy: keep the most recently answered
            newest = sorted(live.items(), key=lambda item: item[1][-1])
            live = dict(newest[len(live) - self.max_groups + 1 :])
        self._said = live

    def __len__(self) -> int:
        """Groups remembered."""
        return len(self._said)


async def by_chat(session: AsyncSession, chat_id: int) -> Group | None:
    return (
        await session.execute(select(Group).where(Group.chat_id == chat_id))
    ).scalar_one_or_none()


_LANGUAGE = select(Group.locale).where(Group.chat_id == bindparam("chat"))


async def language(session: AsyncSession, chat_id: int) -> str | None:
    """The language a group's admin chose (None: not set, or a group the bot does not know)."""
    return (await session.execute(_LANGUAGE, {"chat": chat_id})).scalar_one_or_none()


async def joined(
    session: AsyncSession,
    chat_id: int,
    thread_id: int | None,
    now: datetime,
    language: str | None = None,
) -> Group:
    """The bot was added (or came back). Schedules stay off until an admin turns them on.
    ``language`` (of whoever added it or set it up) becomes the group's until an admin picks
    another in /groupsettings."""
    group = await by_chat(session, chat_id)
    if group is None:
        group = Group(
            chat_id=chat_id,
            thread_id=thread_id,
            locale=language,
            active=True,
            timezone="UTC",
            checkin_time=DEFAULT_TIME,
            checkin_on=False,
            recap_on=False,
            created_at=now,
            updated_at=now,
        )
        session.add(group)
    if group.locale is None:
        group.locale = language
    if group.active is False:  # back after being removed: new membership, new rights
        group.paused, group.paused_told = None, False
        # ``created_at`` is when the bot (last) joined: just greeted again (made_admin), and
        # nothing changed by an admin since (migrated).
        group.created_at = now
    group.active, group.updated_at = True, now
    reschedule(group, now)
    await session.flush()
    return group


async def left(session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """Removed from the group, or it is gone (a 403 "kicked", a deleted group: :func:`gone`):
    every scheduled group message stops now, and so do replies still waiting to go there (each
    would be refused the same way). True when the group was still active (so it is marked gone
    once, however many refusals tell of it)."""
    await session.execute(
        delete(ScheduledMessage)
        .where(ScheduledMessage.kind == REPLY, ScheduledMessage.chat_id == chat_id)
        .execution_options(synchronize_session=False)
    )
    group = await by_chat(session, chat_id)
    if group is None:
        return False
    was_active = bool(group.active)
    group.active, group.updated_at = False, now
    group.next_checkin_at = group.next_recap_at = None
    await session.execute(
        update(ScheduledMessage)
        .where(
            ScheduledMessage.group_id == group.id,
            ScheduledMessage.status.in_(("pending", "claimed")),
        )
        .values(status="cancelled")
    )
    return was_active


async def migrated(
    session: AsyncSession, old_chat_id: int, new_chat_id: int, now: datetime
) -> Group | None:
    """Group → supergroup: same settings and schedule, new chat id (pending messages and
    replies still waiting to go to the old id follow).

    Telegram may deliver the bot's join event for the supergroup first, which made a row of its
    own (:func:`joined`); that row is folded into the old one. Its settings win only if an admin
    changed them since. Calling this again (both migration messages, a send that learned the
    new id) changes nothing."""
    await session.execute(
        update(ScheduledMessage)
        .where(ScheduledMessage.kind == REPLY, ScheduledMessage.chat_id == old_chat_id)
        .values(chat_id=new_chat_id)
        .execution_options(synchronize_session=False)
    )
    group = await by_chat(session, old_chat_id)
    fresh = await by_chat(session, new_chat_id)
    if group is None:
        return fresh
    if fresh is not None:
        for model in (GroupCheckIn, GroupWin, ScheduledMessage):
            await session.execute(
                update(model).where(model.group_id == fresh.id).values(group_id=group.id)
            )
        changed = fresh.updated_at > fresh.created_at or group.active != fresh.active
        if fresh.updated_at > fresh.created_at:
            for name in ("thread_id", "timezone", "checkin_time", "checkin_on", "recap_on"):
                setattr(group, name, getattr(fresh, name))
        group.active = fresh.active
        await session.delete(fresh)
        await session.flush()  # the supergroup's id is free before the old row takes it
        if changed:
            reschedule(group, now)
    group.chat_id, group.updated_at = new_chat_id, now
    await session.execute(
        update(ScheduledMessage)
        .where(
            ScheduledMessage.group_id == group.id,
            ScheduledMessage.status.in_(("pending", "claimed")),
        )
        .values(chat_id=new_chat_id)
    )
    await session.flush()
    return group


def cannot_post(description: str) -> str | None:
    """Why a group send that Telegram refused with ``description`` can never succeed as it
    is (:data:`NO_RIGHTS`, :data:`TOPIC_CLOSED`, :data:`TOPIC_GONE`), or None for a refusal
    that a retry may get past."""
    lowered = description.lower()
    return next((reason for words, reason in _CANNOT_POST if words in lowered), None)


def gone(description: str) -> bool:
    """Whether a group call that Telegram refused with ``description`` says the group is gone
    for the bot (deleted, or the bot removed): its posts stop (:func:`left`), no retry, no
    apology there."""
    lowered = description.lower()
    return any(words in lowered for words in _GONE)


async def pause(session: AsyncSession, group_id: int, reason: str, now: datetime) -> bool:
    """Stop the group's scheduled posts until an admin fixes ``reason`` (see :func:`resume`),
    instead of failing every day. True only for the call that paused it (one atomic update,
    so two refused sends at once tell the admins once)."""
    paused = await session.execute(
        update(Group)
        .where(Group.id == group_id, Group.active.is_(True), Group.paused.is_(None))
        .values(
            paused=reason,
            paused_told=False,
            next_checkin_at=None,
            next_recap_at=None,
            cheered_at=None,  # the refused /cheer was never seen: the next one is a cheer
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if paused.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await session.execute(
        update(ScheduledMessage)
        .where(ScheduledMessage.group_id == group_id, ScheduledMessage.status == "pending")
        .values(status="cancelled")
    )
    return True


def resume(group: Group, now: datetime, *, only: tuple[str, ...] | None = None) -> bool:
    """Start a paused group's posts again (for ``only`` these reasons, if given); True when
    it was paused."""
    if group.paused is None or (only is not None and group.paused not in only):
        return False
    group.paused, group.paused_told, group.updated_at = None, False, now
    reschedule(group, now)
    return True


async def admins_to_tell(session: AsyncSession, admin_ids: list[int]) -> list[User]:
    """The group's admins who have a private chat with the bot that they did not block:
    the only ones it can write to privately (at most :data:`TOLD_AT_MOST`)."""
    if not admin_ids:
        return []
    query = (
        select(User)
        .where(User.id.in_(admin_ids), User.active.is_(True))
        .order_by(User.id)
        .limit(TOLD_AT_MOST)
    )
    return list((await session.execute(query)).scalars())


async def told(session: AsyncSession, group_id: int) -> None:
    await session.execute(update(Group).where(Group.id == group_id).values(paused_told=True))


def paused_notice(reason: str, title: str, bot_username: str) -> Say:
    """The private message to an admin: which group, what stopped, how to start it again."""
    return Say(PAUSED_NOTICE[reason], {"group": title, "bot": bot_username})


def paused_here(group: Group, bot_username: str) -> Say | None:
    """Said once in the group, to the first admin who uses a command there, when no admin
    could be told privately (a closed or deleted topic: the rest of the group still works)."""
    if group.paused not in PAUSED_HERE or group.paused_told:
        return None
    group.paused_told = True
    return Say(PAUSED_HERE[group.paused], {"bot": bot_username})


def admin_link(bot_username: str) -> str:
    """Telegram's link that adds the bot to a group as an administrator with exactly
    :data:`ADMIN_RIGHTS` suggested (the person adding can still change them)."""
    rights = "+".join(ADMIN_RIGHTS)
    return f"https://t.me/{bot_username}?startgroup={ADMIN_LINK_PAYLOAD}&admin={rights}"


def made_admin(group: Group | None, now: datetime, *, reads_everything: bool) -> Say | None:
    """What "/start admin" (sent by Telegram's app after the admin link) gets: thanks and what
    changes, once the bot reads the group; nothing when the hello was just said (the bot was
    added through the link) or when the rights were not given after all."""
    if not reads_everything or (group is not None and now - group.created_at < JUST_GREETED):
        return None
    return Say("group.made_admin")


def demoted(group: Group, bot_username: str) -> Say | None:
    """Said once in the group when an admin takes the bot's admin rights and it stays a member
    that may post (Telegram's news of it comes once per change): under privacy mode it now
    gets only commands meant for it and replies to its messages, so the members learn how to
    reach it, and that it no longer notices distress. Nothing when it cannot post there now
    (removed, or not allowed to send messages). It goes to the main chat (General in a
    forum): a closed topic the posts went to is for admins only now."""
    if not group.active or group.paused == NO_RIGHTS:
        return None
    return Say("group.demoted", {"bot": bot_username}, locale=group.locale)


def hello(bot_username: str, *, reads_everything: bool) -> Say:
    """The one message when the bot is added. Without admin rights (privacy mode on), the
    admins learn in the same message what works as it is and what needs admin rights."""
    params: dict[str, object] = {"bot": bot_username}
    if reads_everything:
        return Say("group.joined", params)
    make_admin = Button("group.buttons.make_admin", url=admin_link(bot_username))
    return Say("group.joined_limited", params, ((make_admin,),))


def reschedule(group: Group, now: datetime) -> None:
    if not group.active or group.paused is not None:
        group.next_checkin_at = group.next_recap_at = None
        return
    group.next_checkin_at = (
        next_checkin(group.timezone, group.checkin_time, "daily", now) if group.checkin_on else None
    )
    group.next_recap_at = (
        next_weekly(group.timezone, group.checkin_time, RECAP_DAY, now) if group.recap_on else None
    )


def _on_off(flag: bool) -> Ref:
    return Ref("group.on" if flag else "group.off")


def settings_view(group: Group, bot_username: str, *, forum: bool = False) -> Say:
    """In the group's language, so a new choice shows in this very message. In a forum it
    also says where the scheduled posts go (the topic /groupsettings was sent in, or General)
    and how to move them."""
    times = tuple(
        Button(
            t,
            data=GROUP_SETTINGS.pack(GroupSettingsTap("time", t)),
            literal=True,
            ticked=group.checkin_time.strftime("%H:%M") == t,
        )
        for t in TIMES
    )
    languages = tuple(
        Button(
            f"settings.language.{code}",
            data=GROUP_SETTINGS.pack(GroupSettingsTap("lang", code)),
            ticked=group.locale == code,
        )
        for code in LANGUAGES
    )
    params: dict[str, object] = {
        "checkin": _on_off(group.checkin_on),
        "time": group.checkin_time.strftime("%H:%M"),
        "timezone": group.timezone,
        "recap": _on_off(group.recap_on),
        "bot": bot_username,
    }
    key = "group.settings"
    if forum:
        where = "group.posts_in.general" if group.thread_id is None else "group.posts_in.topic"
        params = {"settings": Ref(key, params), "where": Ref(where, {"bot": bot_username})}
        key = "group.settings_in_forum"
    return Say(
        key,
        params,
        (
            (
                Button(
                    "group.buttons.checkin", data=GROUP_SETTINGS.pack(GroupSettingsTap("checkin"))
                ),
                Button("group.buttons.recap", data=GROUP_SETTINGS.pack(GroupSettingsTap("recap"))),
            ),
            times[:3],
            times[3:],
            languages,
        ),
        locale=group.locale,
    )


def change(group: Group, action: str, value: str | None, now: datetime) -> bool:
    """Apply an admin's settings tap; False if it is not a known setting."""
    if action == "checkin":
        group.checkin_on = not group.checkin_on
    elif action == "recap":
        group.recap_on = not group.recap_on
    elif action == "time" and value in TIMES:
        group.checkin_time = time.fromisoformat(value)
    elif action == "lang" and value in LANGUAGES:
        group.locale = value
    else:
        return False
    group.updated_at = now
    reschedule(group, now)
    return True


# --- The daily group check-in -------------------------------------------------------------------


async def counts(session: AsyncSession, checkin_id: int) -> dict[str, int]:
    query = (
        select(GroupVote.mood, func.count())
        .where(GroupVote.checkin_id == checkin_id)
        .group_by(GroupVote.mood)
    )
    found = {str(mood): int(n) for mood, n in (await session.execute(query)).all()}
    return {str(m): found.get(str(m), 0) for m in MOODS}


def checkin_message(checkin: GroupCheckIn, tally: dict[str, int]) -> Say:
    """The check-in with anonymous counts only: how many tapped each mood, never who."""
    total = sum(tally.values())
    buttons = tuple(
        Button(
            "group.mood_count" if tally.get(str(m)) else "group.mood",
            data=GROUP_MOOD.pack(GroupMoodTap(checkin.id, m)),
            params={"mood": Ref(f"checkin.mood.{m}"), "count": tally.get(str(m), 0)},
        )
        for m in MOODS
    )
    key = "group.checkin_counted" if total else "group.checkin"
    return Say(key, {"count": total}, (buttons,), variant=checkin.id)


async def start_checkin(session: AsyncSession, group: Group, now: datetime) -> Say:
    checkin = GroupCheckIn(group_id=group.id, shown={}, created_at=now)
    session.add(checkin)
    await session.flush()
    return checkin_message(checkin, {str(m): 0 for m in MOODS})


async def vote(
    session: AsyncSession, checkin_id: int, chat_id: int, user_id: int, mood: int
) -> bool:
    """Count one member once (a second tap changes their mood). False if the check-in is gone
    or is another group's: a tap counts only in the chat it came from, whatever id its data
    names (a forged ``gc:1:<another group's check-in>`` would otherwise vote there)."""
    found = await session.execute(
        select(GroupCheckIn.id)
        .join(Group, Group.id == GroupCheckIn.group_id)
        .where(GroupCheckIn.id == checkin_id, Group.chat_id == chat_id)
    )
    if found.scalar_one_or_none() is None:
        return False
    existing = await session.get(GroupVote, (checkin_id, user_id))
    if existing is None:
        session.add(GroupVote(checkin_id=checkin_id, user_id=user_id, mood=mood))
    else:
        existing.mood = mood
    await session.flush()
    return True


async def refresh(session: AsyncSession, checkin_id: int, now: datetime) -> Say | None:
    """The updated message if the counts changed since it was last shown, else None — so an
    edit is never "message is not modified"."""
    checkin = await session.get(GroupCheckIn, checkin_id)
    if checkin is None:
        return None
    tally = await counts(session, checkin_id)
    if tally == checkin.shown:
        return None
    checkin.shown, checkin.edited_at = tally, now
    return checkin_message(checkin, tally)


# --- Wins and the weekly recap --------------------------------------------------------------------


@dataclass(frozen=True)
class Celebration:
    """What /win says, and the win it counted (None: not counted). The count stands only if
    the celebration is posted: a reply Telegram refuses takes it back (:func:`not_posted`)."""

    replies: list[Say]
    win_id: int | None = None


async def celebrate(
    session: AsyncSession, group: Group, name: str | Ref, text: str, now: datetime
) -> Celebration:
    """/win: the celebration, unless :data:`WIN_BURST` wins were celebrated in the last
    :data:`WIN_WINDOW`; then a note, once per such wait, that asks to share it again in a
    moment (the win is not counted, so nothing is lost by sharing it again), else nothing."""
    recent = await session.execute(
        select(func.min(GroupWin.created_at), func.count()).where(
            GroupWin.group_id == group.id, GroupWin.created_at > now - WIN_WINDOW
        )
    )
    oldest, in_window = recent.one()
    if in_window >= WIN_BURST:
        if group.win_noted_at is not None and group.win_noted_at >= oldest:
            return Celebration([])  # this wait was announced already
        group.win_noted_at = now
        return Celebration([Say("group.win_wait")])
    win = GroupWin(group_id=group.id, created_at=now)
    session.add(win)
    await session.flush()
    total = select(func.count()).where(GroupWin.group_id == group.id)
    count = int((await session.execute(total)).scalar_one())
    replies = [
        Say("group.win", {"name": name, "text": text[:WIN_LIMIT]}),
        Say("group.win_cheer", variant=count),
    ]
    return Celebration(replies, win.id)


async def not_posted(session: AsyncSession, reply_ids: list[int]) -> int:
    """Group replies Telegram refused for good (the bot removed, the chat gone, a closed
    topic, no right to send) or gave up on before their first message was posted: the wins
    they would have celebrated are taken back, so the weekly recap counts only wins the group
    saw celebrated. A reply row names its win in ``ref_id`` (handlers.turn). Returns how many
    were taken back."""
    if not reply_ids:
        return 0
    announced = select(ScheduledMessage.ref_id).where(
        ScheduledMessage.id.in_(reply_ids),
        ScheduledMessage.kind == REPLY,
        ScheduledMessage.ref_id.is_not(None),
    )
    taken = await session.execute(
        delete(GroupWin)
        .where(GroupWin.id.in_(announced))
        .execution_options(synchronize_session=False)
    )
    return int(taken.rowcount)  # type: ignore[attr-defined]


def cheer(group: Group, now: datetime) -> Say | None:
    """/cheer in a group: a cheer at most every :data:`CHEER_COOLDOWN` (it is still on screen);
    within it, one short note that it is just above, then nothing."""
    last = group.cheered_at
    if last is None or now - last >= CHEER_COOLDOWN:
        group.cheered_at = now
        return cheer_message(now)
    if group.cheer_noted_at is not None and group.cheer_noted_at >= last:
        return None
    group.cheer_noted_at = now
    return Say("group.cheer_wait")


def cheer_message(now: datetime) -> Say:
    return Say("group.cheer", variant=int(now.timestamp() // CHEER_COOLDOWN.total_seconds()))


async def recap(session: AsyncSession, group: Group, now: datetime) -> Say:
    since = now - timedelta(days=7)
    wins = await session.execute(
        select(func.count()).where(GroupWin.group_id == group.id, GroupWin.created_at >= since)
    )
    taps = await session.execute(
        select(func.count())
        .select_from(GroupVote)
        .join(GroupCheckIn, GroupCheckIn.id == GroupVote.checkin_id)
        .where(GroupCheckIn.group_id == group.id, GroupCheckIn.created_at >= since)
    )
    return Say(
        "group.recap",
        {"wins": int(wins.scalar_one()), "checkins": int(taps.scalar_one())},
        variant=now.toordinal(),
    )
