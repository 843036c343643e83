"""/start: onboarding for someone new, their settings for someone known, and deep links."""

from __future__ import annotations

import re

from telegram.ext import CommandHandler, filters

from bot.runtime import RuntimeApp
from bot.services import flows, groups, listening, onboarding
from bot.services.onboarding import summary
from bot.services.replies import Button, Say
from handlers import checkin as checkin_feature
from handlers import feedback as feedback_feature
from handlers import gatekeeping
from handlers import groups as group_handlers
from handlers import help as help_feature
from handlers import history as history_feature
from handlers import match as match_feature
from handlers import privacy as privacy_feature
from handlers import reflection as reflection_feature
from handlers import settings as settings_feature
from handlers import stats as stats_feature
from handlers import strengths as strengths_feature
from handlers.turn import Turn, TurnFn, handler

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


async def talk(turn: Turn) -> None:
    """``/start talk``: the free lines for the person's place and an open ear, at once."""
    replies = await listening.talk(turn.session, turn.person, turn.chat_id, turn.now)
    # A care moment: in the person's care language too (Ukrainian, Hindi...), where it is one.
    turn.say_all(listening.in_language(replies, gatekeeping.care_locale(turn)))


# Deep links: t.me/<bot>?start=<payload>. Later features add their flows here.
DEEP_LINKS: dict[str, TurnFn] = {
    "settings": settings_feature.show,
    "help": help_feature.show,
    "reflect": reflection_feature.show,
    "history": history_feature.show_history,
    "plan": history_feature.show_plan,
    "feedback": feedback_feature.show,
    "checkin": checkin_feature.show_checkin,
    "win": checkin_feature.start_win,
    "privacy": privacy_feature.show,
    "stats": stats_feature.show,
    "strengths": strengths_feature.show,
    "match": match_feature.show,
    "export": privacy_feature.export,
    "delete": privacy_feature.ask_delete,
    "support": gatekeeping.private_support,
    listening.TALK_PAYLOAD: talk,
}
# Deep links that must not wait for onboarding: crisis support from a group reply's button,
# and someone to talk to (the group's answer to "can I talk to someone?").
IMMEDIATE = frozenset({"support", listening.TALK_PAYLOAD})


def _payload(turn: Turn) -> str | None:
    args = turn.context.args or []
    if len(args) == 1 and PAYLOAD.match(args[0]) and args[0] in DEEP_LINKS:
        return args[0]
    return None


@handler
async def start(turn: Turn) -> None:
    if not turn.private:
        await group_start(turn)
        return
    user = turn.person
    payload = _payload(turn)
    if payload in IMMEDIATE:
        await DEEP_LINKS[payload](turn)
        return
    if user.onboarded_at is not None:
        if payload is not None:
            await DEEP_LINKS[payload](turn)
            return
        await flows.cancel(turn.session, turn.chat_id, user.id)
        turn.say(Say("start.welcome_back"), summary(user, turn.now))
        return
    await set_up(turn, payload)


async def set_up(turn: Turn, payload: str | None = None, *, chosen: bool = False) -> None:
    """Onboarding: resumed where it stopped, or begun (then on to ``payload``'s feature).
    ``chosen``: the person tapped [Set up] (or said yes to it), which is their yes to "Shall we
    set up?": the welcome is not asked again; one line says what the welcome would have."""
    user = turn.person
    if user.onboarded_at is not None:
        turn.say(summary(user, turn.now))
        return
    running = await flows.load_state(turn.session, turn.chat_id, user.id)
    if running is not None and running.flow == "ob":
        turn.say(
            Say("start.resume"),
            await flows.reask(turn.session, turn.rt.flows, user, turn.chat_id, turn.now),
        )
        return
    spec = turn.rt.flows["ob"]
    if chosen:
        turn.say_all(
            await onboarding.begin_chosen(
                turn.session, spec, user, turn.chat_id, turn.now, then=payload
            )
        )
        return
    turn.say(await flows.start(turn.session, spec, user, turn.chat_id, turn.now, then=payload))


async def group_start(turn: Turn) -> None:
    """In a group, personal set-up happens in private: offer the way there. "/start admin" is
    Telegram's app following the hello's [Make Rebound an admin] link (handlers.groups)."""
    if (turn.context.args or []) == [groups.ADMIN_LINK_PAYLOAD]:
        await group_handlers.made_admin(turn)
        return
    url = f"https://t.me/{turn.context.bot.username}?start=settings"
    turn.say(Say("start.group", buttons=((Button("start.buttons.open_private", url=url),),)))


async def follow_up(turn: Turn, payload: str) -> None:
    """Continue to what a deep link asked for, once onboarding is done."""
    if payload in DEEP_LINKS:
        await DEEP_LINKS[payload](turn)


def register(app: RuntimeApp) -> None:
    app.add_handler(CommandHandler("start", start, filters=~filters.UpdateType.EDITED))
