"""Replying to what people type: outside flows (news, venting, good news, questions, hellos)
and, inside a flow, telling an answer from words that are plainly not one.

Plain Python over the database, no Telegram types. :func:`listen` reads the person's
situation (a debrief in progress, a feedback request waiting for a reply, open plan steps,
never debriefed, set up or not) and returns the replies for one :class:`Reading`;
:func:`in_flow_choice` decides, for a typed message inside a flow, whether it answers the
question, fills it from rejection news, or is an aside to acknowledge before asking again.

Buttons carry callback data from one small codec (:func:`pack` / :func:`parse`):
``ls:<version>:<action>[:<argument>]``. A tap from an older version or an unknown action is
stale and answered kindly by the handler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FeedbackRequest, FlowState, PlanAction, Rejection, User
from bot.services import checkins, crisis, feedback, reflection, understanding, variants
from bot.services.callback_data import Codec, NotThisField, Number, Token, Word
from bot.services.crisis import care
from bot.services.flow_engine import DONE, FreeText, Rejected, Step
from bot.services.replies import Button, Ref, RefList, Say
from bot.services.understanding import (
    BRIGHT_SIDES,
    FEELINGS,
    GOOD_NEWS_TOPICS,
    QUESTION_TOPICS,
    SOCIAL_TOPICS,
    Reading,
)

# Tap actions (short: callback data is at most 64 bytes).
DEBRIEF = "db"  # start (or continue) a debrief; argument: a pre-filled debrief's id
LATER = "later"  # not now: one gentle reminder tomorrow
SAID = "said"  # "I just needed to say it"
CHECKIN = "ci"
WIN = "win"  # argument: which kind of good news (a GOOD_NEWS_TOPICS entry, or "win")
FEEDBACK = "fb"
PLAN = "plan"
MATCH = "match"
HELP = "help"
SETUP = "setup"
PREPARE = "prep"  # how to get ready for an interview that is coming
PAUSE = "pause"  # pause check-ins until /resume (asked for in words: "stop messaging me")
VENT = "vent"  # "I just want to vent": an invitation to keep writing
DECLINED = "no"  # "no thanks" typed to an offer that has no [Not now]: never a button
LOG_FEEDBACK = "fblog"  # feedback told in words ("they said my SQL was weak"): the log flow
LANGUAGE = "lang"  # back to the app's language after a switch to the words' (own_language)
ACTIONS = frozenset(
    {
        LANGUAGE,
        DEBRIEF,
        LATER,
        SAID,
        CHECKIN,
        WIN,
        FEEDBACK,
        PLAN,
        MATCH,
        HELP,
        SETUP,
        PREPARE,
        PAUSE,
        VENT,
        LOG_FEEDBACK,
    }
)

# Feedback requests still waiting for an answer (bot.services.feedback.OPEN).
_AWAITING = ("sent", "followed_up")
# Kinds that are plainly not an answer to a question that expects a short one.
ASIDES = frozenset({"venting", "rejection", "good_news", "question"})
# A typed answer to a short question (a company, a name) longer than this many words is a
# sentence about something else, whatever it reads as.
SHORT_ANSWER_WORDS = 10
SHORT_ANSWER_LIMIT = 120  # a free-text question capped at this many characters wants a short one


@dataclass(frozen=True)
class Tap:
    """A button under a reply to typed words: ``ls:1:<action>[:<argument>[:<said>]]``.
    ``said`` is the id of the person's message a [Log it as a win] answers (:func:`stamped`):
    that win is logged once, whether tapped or answered in words."""

    action: str
    argument: str | None = None
    said: str | None = None


def _said_fits(tap: Tap) -> bool:
    """Only [Log it as a win] carries the message it answers, and only as a number."""
    return tap.said is None or (tap.action == WIN and tap.said.isdigit())


TAP = Codec(
    "ls", 1, Tap, Word(*ACTIONS), Token(optional=True), Token(optional=True), valid=_said_fits
)


def pack(action: str, argument: str | int | None = None) -> str:
    """Callback data for a listening button: ``ls:1:db:42``."""
    return TAP.pack(Tap(action, None if argument is None else str(argument)))


def debrief_id(tap: Tap) -> int | None:
    """The pre-filled debrief a "Debrief now" button names, if it names one."""
    return _number(tap)


def held_id(tap: Tap) -> int | None:
    """The feedback words a [Log this feedback] button names, if it names any (held by
    bot.services.feedback.hold_told)."""
    return _number(tap)


def _number(tap: Tap) -> int | None:
    try:
        return Number().read(tap.argument or "")
    except NotThisField:
        return None


def told_feedback(reading: Reading, now: Situation) -> bool:
    """Feedback told in words (no no with it) by someone set up: answered with [Log this
    feedback]."""
    return now.onboarded and reading.kind == "good_news" and reading.topic == "feedback"


def log_win_buttons(kind: str) -> tuple[tuple[Button, ...], ...]:
    """[Log it as a win] for good news of ``kind`` (a GOOD_NEWS_TOPICS entry, or "win")."""
    return ((Button("listen.buttons.log_it", data=pack(WIN, kind)),),)


def win_kind(tap: Tap) -> str:
    return tap.argument if tap.argument in GOOD_NEWS_TOPICS else "win"


# How many wins logged from a reply's [Log it as a win] are remembered (their ``said`` ids, on
# the person's ``offer``): a stale tap on any of the last few is answered "already logged".
LOGGED_KEPT = 8
_LOGGED = "logged"  # the key in users.offer; kept when the offer itself is dropped
_TOLD = "told"  # the key in users.offer: good news whose win was just logged (:func:`note_told`)


def stamped(replies: list[Say], said: int | None) -> list[Say]:
    """``replies`` with each [Log it as a win] carrying ``said``, the id of the message they
    answer, so that one win is logged once however it is taken (:func:`logged_already`)."""
    if said is None:
        return replies
    out = []
    for reply in replies:
        rows = tuple(tuple(_stamp(button, said) for button in row) for row in reply.buttons)
        out.append(replace(reply, buttons=rows) if rows != reply.buttons else reply)
    return out


def _stamp(button: Button, said: int) -> Button:
    tap = TAP.parse(button.data) if button.data else None
    if tap is None or tap.action != WIN or tap.said is not None:
        return button
    return replace(button, data=TAP.pack(replace(tap, said=str(said))))


def logged_already(user: User, tap: Tap) -> bool:
    """Whether the win ``tap`` offers was logged already: tapped after "yes please" was typed
    (or tapped twice from two devices). A button without a ``said`` id is never refused."""
    return tap.said is not None and tap.said in (user.offer or {}).get(_LOGGED, "").split()


def note_logged(user: User, tap: Tap) -> None:
    """Remember that the win ``tap`` offers is logged (the last LOGGED_KEPT of them)."""
    if tap.said is None:
        return
    kept = [s for s in (user.offer or {}).get(_LOGGED, "").split() if s != tap.said]
    user.offer = {**(user.offer or {}), _LOGGED: " ".join([*kept, tap.said][-LOGGED_KEPT:])}


def drop_offer(user: User, offer: dict[str, str] | None = None) -> dict[str, str] | None:
    """Take the offer off the person (answered, tapped, or superseded by what they wrote
    next), or put ``offer`` in its place; the wins already logged stay remembered. Returns
    the offer that was there."""
    was = user.offer
    logged = (was or {}).get(_LOGGED)
    if offer is None and logged is None:
        user.offer = None
    else:
        user.offer = {**(offer or {}), **({_LOGGED: logged} if logged else {})}
    return was if was and ("yes" in was or _TOLD in was) else None


# --- The person's situation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Situation:
    """What is most useful to offer right now."""

    onboarded: bool
    flow: str | None = None  # the running flow's code
    unfinished_debrief: bool = False  # opened and left partway
    news_to_debrief: bool = False  # rejection news they typed, never opened as a debrief
    debriefs: int = 0  # finished
    awaiting_reply: bool = False  # a feedback request sent, no answer logged yet
    open_steps: int = 0


async def situation(session: AsyncSession, user: User, chat_id: int) -> Situation:
    if user.onboarded_at is None:
        return Situation(onboarded=False)
    flow = await session.scalar(
        select(FlowState.flow).where(FlowState.chat_id == chat_id, FlowState.user_id == user.id)
    )
    unfinished = await reflection.unfinished(session, user.id)
    finished = await reflection.finished_count(session, user.id)
    awaiting = await session.scalar(
        select(func.count()).where(
            FeedbackRequest.user_id == user.id, FeedbackRequest.status.in_(_AWAITING)
        )
    )
    steps = await session.scalar(
        select(func.count()).where(PlanAction.user_id == user.id, PlanAction.status == "open")
    )
    return Situation(
        onboarded=True,
        flow=flow,
        unfinished_debrief=unfinished is not None and not reflection.untouched(unfinished),
        news_to_debrief=unfinished is not None and reflection.untouched(unfinished),
        debriefs=finished,
        awaiting_reply=bool(awaiting),
        open_steps=int(steps or 0),
    )


def next_steps(now: Situation, limit: int = 3) -> list[Button]:
    """The two or three things most useful for this person right now, most useful first."""
    if not now.onboarded:
        return [Button("listen.buttons.set_up", data=pack(SETUP))]
    found: list[Button] = []
    if now.unfinished_debrief:
        found.append(Button("listen.buttons.continue_debrief", data=pack(DEBRIEF)))
    if now.awaiting_reply:
        found.append(Button("listen.buttons.replies", data=pack(FEEDBACK)))
    if now.open_steps:
        found.append(Button("listen.buttons.plan", data=pack(PLAN)))
    if not now.unfinished_debrief and (now.debriefs == 0 or now.news_to_debrief):
        found.append(Button("listen.buttons.debrief_first", data=pack(DEBRIEF)))
    found.append(Button("listen.buttons.check_in", data=pack(CHECKIN)))
    found.append(Button("listen.buttons.log_win", data=pack(WIN, "win")))
    return found[:limit]


def _stack(buttons: list[Button]) -> tuple[tuple[Button, ...], ...]:
    return tuple((b,) for b in buttons)


# --- Replies outside flows ------------------------------------------------------------------------


@dataclass(frozen=True)
class Quiet:
    """A topic answered with its own words only: no buttons, no cheer, no task. ``in_flow``:
    the words inside a flow (the question then asked again); ``group``: the key of
    ``listen.group`` said in a group."""

    in_flow: str
    group: str


# "so I finally heard back from Spotify": how did it go? No 🎉 before the outcome is told, in
# a group neither. "can I just vent?": yes, go ahead; nothing to do afterwards.
QUIET: dict[tuple[str, str | None], Quiet] = {
    ("good_news", "heard_back"): Quiet("listen.in_flow.heard_back", "unsure"),
    ("question", "vent"): Quiet("listen.in_flow.question.vent", "question"),
}


def respond(
    reading: Reading,
    now: Situation,
    prefilled: int | None = None,
    helplines: str = crisis.INTERNATIONAL,
    held: int | None = None,
    good: Tap | None = None,
) -> list[Say]:
    """The replies to one typed message outside any flow (pure: tested without a database).

    ``prefilled`` is the debrief already started from rejection news (company and stage
    filled where the message named them); for someone not set up yet, it waits for the end
    of onboarding (:func:`news_offer`). ``helplines`` is whose free lines to name when the
    person asks for someone to talk to (:func:`helplines_of`). ``held`` is the feedback told
    in these words, kept for [Log this feedback] (bot.services.feedback.hold_told).
    ``good`` is the [Log it as a win] of the good news told just before (:func:`good_news_before`;
    its ``said`` None once logged): "what do I do now?" after an offer or a next round asks what
    comes after that news, not after a no."""
    if _wants_a_person(reading):
        # Set up or not: an honest "I'm a bot, and I'm listening", and people who pick up.
        second = next_steps(now)[0] if not now.onboarded else _CHECK_IN
        return [Say(_key(reading), _talk_params(helplines), buttons=((_VENT,), (second,)))]
    if not now.onboarded:
        # A first hello (or words I could not read) gets who I am, not "here's what might
        # help" above a lone [Set up].
        first = reading.kind == "unsure" or (
            reading.kind == "greeting" and reading.topic in ("hello", "small_talk", "ack")
        )
        if prefilled is not None:
            # Rejection news kept for after set-up is promised back, not left behind; the
            # reply asked "now or later?", so both are offered ([Later]: :func:`setup_later`).
            return [
                Say(_key(reading), _params(reading)),
                Say("listen.setup_news", buttons=(_SET_UP_NOW_OR_LATER,)),
            ]
        return [
            Say("listen.first_hello") if first else Say(_key(reading), _params(reading)),
            Say("listen.setup", buttons=_stack(next_steps(now))),
        ]
    kind = reading.kind
    if kind == "rejection":
        buttons: tuple[tuple[Button, ...], ...] = (_debrief_now(prefilled),)
        if reading.also == "elsewhere":  # the good news told with the no is a win of its own
            win = reading.topic if reading.topic in GOOD_NEWS_TOPICS else "win"
            buttons += ((Button("listen.buttons.log_it", data=pack(WIN, win)),),)
        return [Say(_key(reading), _params(reading), buttons=buttons)]
    if kind == "venting" and _nervous_before_interview(reading):
        # Nerves about an interview that is coming: a debrief would not fit, getting ready does.
        return [
            Say(
                "listen.venting.before_interview",
                buttons=(
                    (Button("listen.buttons.just_saying", data=pack(SAID)),),
                    (
                        Button("listen.buttons.prepare", data=pack(PREPARE)),
                        Button("listen.buttons.check_in", data=pack(CHECKIN)),
                    ),
                ),
            )
        ]
    if kind == "venting" and reading.topic == "so_so":  # "meh", "naja": no debrief to offer
        return [
            Say(
                _key(reading),
                buttons=(
                    (Button("listen.buttons.just_saying", data=pack(SAID)),),
                    (Button("listen.buttons.check_in", data=pack(CHECKIN)),),
                ),
            )
        ]
    if kind == "venting":
        return [
            Say(
                _key(reading),
                buttons=(
                    (Button("listen.buttons.just_saying", data=pack(SAID)),),
                    (
                        Button("listen.buttons.check_in", data=pack(CHECKIN)),
                        Button("listen.buttons.debrief", data=pack(DEBRIEF)),
                    ),
                ),
            )
        ]
    if (kind, reading.topic) in QUIET:  # "finally heard back", "can I just vent?": no buttons
        return [Say(_key(reading))]
    if kind == "good_news" and reading.topic == "feedback":  # something to work on: keep it
        log = Button("listen.buttons.log_feedback", data=pack(LOG_FEEDBACK, held))
        return [Say(_key(reading), buttons=((log,),))]
    if kind == "good_news":
        topic = reading.topic if reading.topic in GOOD_NEWS_TOPICS else "win"
        rows: tuple[tuple[Button, ...], ...] = (
            (Button("listen.buttons.log_it", data=pack(WIN, topic)),),
        )
        if topic == "reply":  # they answered (a feedback request, often): what did they say?
            log = Button("listen.buttons.log_feedback", data=pack(LOG_FEEDBACK))
            rows = ((log,), *rows)
        if topic in _STILL_AHEAD:  # an interview to come: getting ready is the next step
            rows += ((Button("listen.buttons.prepare", data=pack(PREPARE)),),)
        if topic == "new_job" and now.onboarded:  # the search is over: a rest from check-ins
            rows += ((Button("listen.buttons.pause", data=pack(PAUSE)),),)
        return [Say(_key(reading), buttons=rows)]
    if kind == "question" and reading.topic == "after_no" and good is not None:
        # "what do I do now?" right after "I got an offer!": what comes after that news, with
        # its [Log it as a win] again (the same message's, so it logs once) until it is logged.
        topic = win_kind(good)
        after: tuple[tuple[Button, ...], ...] = ()
        if good.said is not None:
            after = ((Button("listen.buttons.log_it", data=TAP.pack(good)),),)
        if topic in _STILL_AHEAD:
            after = ((Button("listen.buttons.prepare", data=pack(PREPARE)),), *after)
        return [Say(f"listen.question.after_good.{topic}", buttons=after)]
    if kind == "question":
        return [Say(_key(reading), buttons=_stack(_answers(reading.topic, now)))]
    if kind == "greeting" and reading.topic == "at_bot":  # owned, then what I can do
        steps = [*next_steps(now, limit=2), Button("listen.buttons.help", data=pack(HELP))]
        return [Say(_key(reading), buttons=_stack(steps))]
    if kind == "greeting" and reading.topic == "bye":
        return [Say(_key(reading))]
    return [Say(_key(reading), buttons=_stack(next_steps(now)))]


# Good news that "what do I do now?" typed right after asks about (not the after-a-no answer).
_WHAT_NOW = frozenset({"offer", "next_round", "interview"})


def good_news_before(user: User, offer: dict[str, str] | None, now: datetime) -> Tap | None:
    """The [Log it as a win] of the good news told in the message just before (an offer, a
    next round, an interview), offered or just logged (:func:`note_told`), while fresh
    (OFFER_MINUTES); its ``said`` None when the win is logged already. None otherwise."""
    data = (offer or {}).get("yes") or (offer or {}).get(_TOLD)
    tap = TAP.parse(data) if data else None
    if tap is None or tap.action != WIN or tap.argument not in _WHAT_NOW or offer is None:
        return None
    if now - datetime.fromisoformat(offer["at"]) > timedelta(minutes=OFFER_MINUTES):
        return None
    return replace(tap, said=None) if logged_already(user, tap) else tap


def note_told(user: User, tap: Tap, now: datetime) -> None:
    """A win just logged from good news told in words: kept on the person for their next
    message only ("what do I do now?" asks what comes after that news)."""
    if tap.argument in _WHAT_NOW:
        user.offer = {**(user.offer or {}), _TOLD: TAP.pack(tap), "at": now.isoformat()}


# The actions a reply offers as its main next step ([Debrief it now], [Log it as a win],
# [Draft a feedback request]...): "yes" typed right after takes it, "not now" its [Not now].
_OFFERED = frozenset({DEBRIEF, WIN, LOG_FEEDBACK, FEEDBACK, PAUSE, PREPARE})
# Questions answered with one matching action: "how do I ask for feedback?" [Draft one]; a plan
# told ("I should ask for feedback") [Draft one], ("I'll practise tomorrow") [Help me prepare].
_OFFERING = frozenset({"feedback", "pause", "plan_feedback", "plan_prepare"})
# "ok thanks", "ok bye": a thank-you or a goodbye, not a yes.
_NOT_A_YES = frozenset({"thanks", "bye"})
# How long a typed "yes" still answers the offer: a chat's "yes" an hour later is about
# something else.
OFFER_MINUTES = 30


def offer_of(
    reading: Reading, replies: list[Say], now: datetime, locale: str | None = None
) -> dict[str, str] | None:
    """The offer among the replies to ``reading`` (kept on the person, :func:`answered_offer`):
    the first button when it is a next step someone says yes to, with [Not now] where there is
    one. A menu of next steps under a hello or words I could not read is no offer."""
    asked = reading.kind == "question" and reading.topic in _OFFERING
    if reading.kind not in ("rejection", "good_news") and not asked:
        return None
    taps = [b.data for r in replies for row in r.buttons for b in row if b.data is not None]
    first = TAP.parse(taps[0]) if taps else None
    if first is None or first.action not in _OFFERED:
        return None
    offer = {"yes": taps[0], "at": now.isoformat()}
    if locale is not None:  # the language it was made in: "ja, lass uns" is read in it
        offer["lang"] = locale
    later = next((d for d in taps if (t := TAP.parse(d)) is not None and t.action == LATER), None)
    return offer if later is None else {**offer, "no": later}


def opener_offer(now: datetime) -> dict[str, str]:
    """The offer under /reflect's "Shall we take 2 minutes?" ([Let's do it] / [Not now]), kept
    on the person like a reply's (:func:`drop_offer`): "yes", "давай" or "not now" typed next
    answers it as the tap would, instead of reading as words to answer on their own."""
    return {"yes": pack(DEBRIEF), "no": pack(LATER), "at": now.isoformat()}


def answered_offer(
    offer: dict[str, str] | None, reading: Reading, text: str, now: datetime
) -> Tap | None:
    """The tap a typed "yes" or "not now" stands for, answering ``offer``, the one under the
    person's last reply (:func:`offer_of`), while it is fresh; None when there is none or the
    words are something else ("yes it hurts" is venting, "ok so what now?" a question)."""
    if not offer or "yes" not in offer or reading.kind in _NOT_A_CHOICE:
        return None
    if reading.topic in _NOT_A_YES:
        return None
    made = datetime.fromisoformat(offer["at"])
    if now - made > timedelta(minutes=OFFER_MINUTES):
        return None
    said = understanding.option_named(YES_NO, text, offer.get("lang") or reading.language)
    if said == "yes":
        return TAP.parse(offer["yes"])
    if said == "no":
        return TAP.parse(offer["no"]) if "no" in offer else Tap(DECLINED)
    return None


# Readings a message of details can have: nothing clear ("the Shopify one. PM role"), or news
# only hinted at ("the final round at Monzo" after "didn't get it").
_DETAILS_KINDS = frozenset({"unsure", "rejection", "good_news"})


def news_details(
    offer: dict[str, str] | None, reading: Reading, text: str, now: datetime
) -> understanding.Details | None:
    """Which job the rejection news just told was about, when this message tells it ("didn't
    get the job", then "the Shopify one. PM role"): while the [Debrief it now] under that news
    is still open (OFFER_MINUTES), for a message that reads as nothing clear of its own and
    names a company, a job title or a stage. None otherwise."""
    if not offer or "yes" not in offer:
        return None
    tap = TAP.parse(offer["yes"])
    if tap is None or tap.action != DEBRIEF:
        return None
    if now - datetime.fromisoformat(offer["at"]) > timedelta(minutes=OFFER_MINUTES):
        return None
    if reading.kind not in _DETAILS_KINDS or (reading.kind != "unsure" and reading.clear):
        return None
    return understanding.details_of(text, offer.get("lang") or reading.language)


async def fill_in(
    session: AsyncSession,
    user: User,
    now: datetime,
    details: understanding.Details,
    offer: dict[str, str],
    locale: str | None = None,
) -> list[Say]:
    """Details of the news just told ("the Shopify one. PM role") filled into the debrief
    that news offered (started now if it had none), and a short word that names them, with
    [Debrief it now] / [Not now] again; the offer stays open as long as the first one."""
    record = await reflection.prefill(session, user, now, details.company, details.stage)
    if details.role:
        record.role = details.role[: reflection.COMPANY_LIMIT]
    parts = [
        name
        for name, value in (
            ("company", details.company),
            ("role", details.role),
            ("stage", details.stage),
        )
        if value
    ]
    named = Ref(
        f"listen.details.named.{'_'.join(parts)}",
        {
            "company": details.company or "",
            "role": details.role or "",
            "stage": reflection.stage_label(details.stage),
        },
    )
    reply = Say("listen.details.noted", {"named": named}, buttons=(_debrief_now(record.id),))
    kept = {**offer, "yes": pack(DEBRIEF, record.id), "no": pack(LATER)}
    drop_offer(user, kept)
    return in_language([await varied(session, user.id, reply, now)], locale)


# Offers answered with one message back ([Not now], a win logged, "no thanks"): said in the
# language of the offer (a flow started by a yes goes on in the person's own).
_ONE_REPLY = frozenset({LATER, WIN, DECLINED})


def answer_language(offer: dict[str, str] | None, tap: Tap) -> str | None:
    """The language to answer a typed "más tarde" in: the offer's, for a one-message answer."""
    return offer.get("lang") if offer and tap.action in _ONE_REPLY else None


async def talk(session: AsyncSession, user: User, chat_id: int, now: datetime) -> list[Say]:
    """The answer to "can I talk to someone?" on its own: the private chat opened from the
    group's reply (``/start talk``), where the person's own lines can be shown."""
    here = await situation(session, user, chat_id)
    asked = Reading("question", topic="talk", clear=True)
    return [
        await varied(session, user.id, r, now)
        for r in respond(asked, here, None, helplines_of(user))
    ]


def news_offer(record: Rejection) -> Say:
    """[Debrief it now] for news told before set-up, offered when onboarding ends."""
    params: dict[str, object] = {}
    key = "reflection.offer_from_news_plain"
    if record.company:
        key, params = "reflection.offer_from_news", {"company": record.company}
    return Say(key, params, buttons=(_debrief_now(record.id),))


def _debrief_now(prefilled: int | None) -> tuple[Button, Button]:
    """[Debrief it now] (the pre-filled debrief, where there is one) and [Not now]."""
    return (
        Button("listen.buttons.debrief_now", data=pack(DEBRIEF, prefilled)),
        Button("listen.buttons.not_now", data=pack(LATER)),
    )


# Under rejection news told before set-up: set up now, or later (the news kept either way).
_SET_UP_NOW_OR_LATER = (
    Button("listen.buttons.set_up_now", data=pack(SETUP)),
    Button("listen.buttons.later", data=pack(LATER)),
)


async def setup_later(session: AsyncSession, user: User) -> Say:
    """[Later] under news told before set-up: nothing asked, the news kept for /start (whose
    end offers it as a debrief, :func:`news_offer`)."""
    record = await reflection.unfinished(session, user.id)
    if record is not None and record.company:
        return Say("listen.setup_later", {"company": record.company})
    return Say("listen.setup_later_plain")


_VENT = Button("listen.buttons.vent", data=pack(VENT))
_CHECK_IN = Button("listen.buttons.check_in", data=pack(CHECKIN))


def _wants_a_person(reading: Reading) -> bool:
    """ "Can I talk to someone?": a question about a person to talk to, never a crisis (the
    crisis check runs first and answers those itself)."""
    return reading.kind == "question" and reading.topic == "talk"


def _talk_params(helplines: str) -> dict[str, object]:
    """The free lines of the person's country, framed as people to talk to: the crisis
    reply's services without the emergency number (crisis.talk_lines.<CODE>), or the
    directory where no country is known."""
    return {"helplines": Ref(f"{TALK_LINES_SECTION}.{helplines}")}


# People to talk to, per country (content/<lang>/crisis.yaml): crisis.helplines without the
# emergency number, which fits a crisis, not "can I talk to someone?".
TALK_LINES_SECTION = "crisis.talk_lines"


def helplines_of(user: User) -> str:
    """Whose free lines to name for ``user``: their country from the time zone, else the
    app language, else the international directory (bot.services.crisis.helplines_for)."""
    return crisis.helplines_for(user.timezone, user.language_code)


# Good news of an interview still to come.
_STILL_AHEAD = frozenset({"interview", "next_round"})
# Questions about the bot itself: an idea for it, something in it that did not work.
_ABOUT_ME = frozenset({"idea", "bug"})


def _nervous_before_interview(reading: Reading) -> bool:
    """Worry about an interview that is coming ("final round tomorrow and I'm terrified",
    "mañana tengo entrevista y estoy aterrada")."""
    return reading.feeling == "anxious" and (reading.stage is not None or reading.ahead)


# Opens the check-in time question of /settings (handlers.settings).
_CHECKIN_TIME = Button("listen.buttons.checkin_time", data="ss:1:time")
# Opens the language question of /settings.
_LANGUAGE = Button("listen.buttons.language", data="ss:1:lang")

_PREPARE_ACTIONS = (
    Button("listen.buttons.match", data=pack(MATCH)),
    Button("listen.buttons.plan", data=pack(PLAN)),
)


# Questions about getting ready for an interview: answered with the job-ad check and the plan.
_GETTING_READY = frozenset({"prepare", "practice", "intro", "weakness", "salary", "gap"})


def prepare_replies() -> list[Say]:
    """What "Help me prepare" shows: the short answer on getting ready, and its action."""
    return [Say("listen.question.prepare", buttons=_stack(list(_PREPARE_ACTIONS)))]


def _answers(topic: str | None, now: Situation) -> list[Button]:
    """The action that matches a question's topic (then what else is useful)."""
    if topic == "feedback":
        return [Button("listen.buttons.draft_feedback", data=pack(FEEDBACK))]
    if topic == "after_no":
        return [
            Button("listen.buttons.debrief_it", data=pack(DEBRIEF)),
            Button("listen.buttons.draft_feedback", data=pack(FEEDBACK)),
        ]
    if topic in _GETTING_READY:  # getting ready; practising alone; one interview question
        return list(_PREPARE_ACTIONS)
    if topic == "reapply":  # the same company again: a feedback request keeps the door open
        return [Button("listen.buttons.draft_feedback", data=pack(FEEDBACK)), *next_steps(now, 1)]
    if topic == "plan_feedback":  # "mujhe feedback maangna chahiye": drafting it is the step
        return [Button("listen.buttons.draft_feedback", data=pack(FEEDBACK))]
    if topic == "plan_prepare":  # "kal interview ki practice karunga"
        return [Button("listen.buttons.prepare", data=pack(PREPARE))]
    if topic == "pause" and now.onboarded:  # a break, asked for in words
        return [Button("listen.buttons.pause", data=pack(PAUSE))]
    if topic == "settings" and now.onboarded:  # "how do i change my checkin time"
        return [_CHECKIN_TIME, _LANGUAGE]
    if topic == "language" and now.onboarded:  # "can you speak spanish?"
        return [_LANGUAGE]
    if topic == "remind" and now.onboarded:  # the daily check-in, at the time they choose
        return [_CHECKIN_TIME, Button("listen.buttons.help", data=pack(HELP))]
    if topic in _ABOUT_ME:  # an idea or a bug report: nothing kept, the answer says so; /help
        return [Button("listen.buttons.help", data=pack(HELP))]
    if topic == "bot":  # the answer already says what I do: offer doing it, then the full list
        return [*next_steps(now, limit=2), Button("listen.buttons.help", data=pack(HELP))]
    return [*next_steps(now, limit=2), Button("listen.buttons.help", data=pack(HELP))]


def _key(reading: Reading) -> str:
    """The content key of the first words back (their words first: the company if named)."""
    kind, topic = reading.kind, reading.topic
    if kind == "rejection" and reading.also in BRIGHT_SIDES:
        return f"listen.rejection.mixed.{reading.also}"
    if kind == "rejection":
        return "listen.rejection.with_company" if reading.company else "listen.rejection.plain"
    if kind == "venting":
        return f"listen.venting.{topic if topic in FEELINGS else 'general'}"
    if kind == "good_news":
        return f"listen.good_news.{topic if topic in GOOD_NEWS_TOPICS else 'general'}"
    if kind == "question":
        return f"listen.question.{topic if topic in QUESTION_TOPICS else 'general'}"
    if kind == "greeting":
        return f"listen.greeting.{topic if topic in SOCIAL_TOPICS else 'hello'}"
    return "listen.unsure"


# Stages where a no means they came close: the reply says so instead of the general tip.
LATE_STAGES = frozenset({"final_round", "offer"})


def _params(reading: Reading) -> dict[str, object]:
    if reading.kind != "rejection" or reading.also in BRIGHT_SIDES:
        return {}  # a mixed reply speaks to both sides itself, without the rejection tip
    # A reason they were given ("overqualified") gets a word on that reason, a no at the last
    # stage a word on how close it was; otherwise the general tip.
    # A no told as one more ("rejected again") gets a word on how they stack up; one more at the
    # last stage, a word on both.
    tip = "listen.rejection.tip"
    if reading.reason:
        tip = f"listen.rejection.reason.{reading.reason}"
    elif reading.stage in LATE_STAGES and reading.again:  # "no again after the final round"
        tip = "listen.rejection.late_again"
    elif reading.stage in LATE_STAGES:
        tip = "listen.rejection.late_stage"
    elif reading.again:
        tip = "listen.rejection.again"
    params: dict[str, object] = {"tip": Ref(tip)}
    if reading.company:
        params["company"] = reading.company
    return params


def in_language(replies: list[Say], locale: str | None) -> list[Say]:
    """The replies in ``locale`` (the language the person wrote in), where one is set."""
    if locale is None:
        return replies
    return [replace(reply, locale=locale) for reply in replies]


async def listen(
    session: AsyncSession,
    user: User,
    chat_id: int,
    reading: Reading,
    now: datetime,
    locale: str | None = None,
    text: str | None = None,
    said: int | None = None,
    before: dict[str, str] | None = None,
) -> list[Say]:
    """Replies to a typed message when no flow is running (``said``: its message id, which a
    [Log it as a win] under the reply carries, :func:`stamped`; ``before``: the offer under the
    reply just before, which tells what "what do I do now?" follows). Rejection news naming a
    company, a stage or a reason starts an untouched debrief with those filled in, for [Debrief
    it now]: at once, or (someone not set up yet, whose first words are often their news) once
    onboarding ends. The company, the stage and the reason are kept, in the database: a reason
    the debrief has a box for ("internal candidate") is ticked there; any other ("overqualified")
    keeps ``text``, the words that told it, as the debrief's note. Feedback told without a no
    ("the recruiter said my SQL was weak") is held, encrypted and shown nowhere, for the [Log
    this feedback] under the reply, so the tap does not ask for the words again. Nothing else of
    the message."""
    here = await situation(session, user, chat_id)
    if reading.kind == "question" and reading.topic == "resume" and here.onboarded:
        # "ok I'm back, can we start the check-ins again?": done, as /resume would
        return in_language([checkins.resume(user, now)], locale)
    prefilled = None
    told = reading.company or reading.stage or reading.reason
    # Before set-up even a plain "rejected again" is kept: set-up's end offers it back.
    if reading.kind == "rejection" and (told or not here.onboarded):
        record = await reflection.prefill(
            session,
            user,
            now,
            reading.company,
            reading.stage,
            reason=reading.reason,
            words=text if reading.reason else None,
        )
        prefilled = record.id
    held = None
    if told_feedback(reading, here) and text:
        held = (await feedback.hold_told(session, user, now, text)).id
    good = good_news_before(user, before, now)
    answers = stamped(respond(reading, here, prefilled, helplines_of(user), held, good), said)
    drop_offer(user, offer_of(reading, answers, now, locale) if here.onboarded else None)
    replies = [await varied(session, user.id, r, now) for r in answers]
    return in_language(replies, locale)


async def vary_all(
    session: AsyncSession, user_id: int, replies: list[Say], now: datetime
) -> list[Say]:
    """Each of this module's texts among ``replies`` (e.g. an aside's acknowledgement inside a
    flow) in the version the person read least recently; other replies as they are."""
    return [
        await varied(session, user_id, r, now) if r.key.startswith("listen.") else r
        for r in replies
    ]


async def varied(session: AsyncSession, user_id: int, reply: Say, now: datetime) -> Say:
    """``reply`` (and a text inside it, like the rejection tip) in the version this person
    read least recently (bot.services.variants)."""
    params = dict(reply.params)
    for name, value in reply.params.items():
        if isinstance(value, Ref) and value.key.startswith("listen."):
            part = await variants.pick(session, user_id, value.key, now)
            params[name] = replace(value, variant=part)
    variant = reply.variant
    if variant is None:
        variant = await variants.pick(session, user_id, reply.key, now)
    return replace(reply, params=params, variant=variant)


def reply_locale(reading: Reading, person: str, shipped: frozenset[str] | set[str]) -> str | None:
    """Which language to answer in: the language the message is written in when Rebound has
    content for it, else None (the person's own, from Telegram). Someone whose Telegram is in
    English and who writes in Russian is answered in Russian."""
    language = reading.language
    if language in shipped and language != person:
        return language
    return None


# --- In groups -----------------------------------------------------------------------------------

# The private chat opened from the group's answer to "can I talk to someone?" (handlers.start):
# the talk reply with the person's own lines, before any set-up.
TALK_PAYLOAD = "talk"
# Where the private chat opens for each kind (handlers.start.DEEP_LINKS).
_GROUP_PAYLOADS = {"rejection": "reflect", "venting": "checkin", "good_news": "win"}
_GROUP_KINDS = frozenset({"rejection", "venting", "good_news", "question", "greeting"})
# Texts that teach "/win@{bot}".
_NAMES_THE_BOT = frozenset({"good_news", "greeting", "unsure"})


def group_reply(reading: Reading, bot: str, mentioned: bool = True) -> Say | None:
    """What to say in a group to a member who wrote to the bot (mentioned it, or answered one
    of its messages). Public on purpose: never their words, never a question about their case,
    nothing stored; anything personal is one tap away in the private chat (a deep link to the
    feature that fits). None for a bare "ok" or "👍", for an answer to one of its posts that
    says nothing it can read ("lol same" under the daily check-in: chat among members), and
    for distress, which the group crisis check has already answered."""
    kind, topic = reading.kind, reading.topic
    if kind == "distress" or (kind == "greeting" and topic == "ack"):
        return None
    if kind == "unsure" and not mentioned:
        return None
    if kind == "greeting" and topic in ("thanks", "bye", "praise"):
        return Say(f"listen.group.{topic}")
    if (kind, topic) == ("good_news", "feedback"):  # no cheer for criticism; steps in a DM
        url = f"https://t.me/{bot}?start=feedback"
        return Say(
            "listen.group.feedback", buttons=((Button("start.buttons.open_private", url=url),),)
        )
    if kind == "question" and topic in _ABOUT_ME:  # honest: nothing is passed on from here
        url = f"https://t.me/{bot}?start=help"
        return Say(
            "listen.group.product", buttons=((Button("start.buttons.open_private", url=url),),)
        )
    if kind == "greeting" and topic == "at_bot":  # owned in public, what I do one tap away
        url = f"https://t.me/{bot}?start=help"
        return Say(
            "listen.group.at_bot", buttons=((Button("start.buttons.open_private", url=url),),)
        )
    if _wants_a_person(reading):  # nothing about them in public: the lines are in a DM
        url = f"https://t.me/{bot}?start={TALK_PAYLOAD}"
        return Say("listen.group.talk", buttons=((Button("start.buttons.open_private", url=url),),))
    quiet = QUIET.get((kind, topic))
    key: str = quiet.group if quiet else kind if kind in _GROUP_KINDS else "unsure"
    payload = _GROUP_PAYLOADS.get(key, "feedback" if topic == "feedback" else "help")
    url = f"https://t.me/{bot}?start={payload}"
    return Say(
        f"listen.group.{key}",
        {"bot": bot} if key in _NAMES_THE_BOT else {},
        buttons=((Button("start.buttons.open_private", url=url),),),
    )


# --- The check-in question answered in words ----------------------------------------------------

# News and questions keep their own replies even right after "how are you today?".
_NOT_A_MOOD = frozenset({"distress", "rejection", "question"})
# The word lists (``choice``) of every question answered yes or no.
YES_NO = "yes_no"
# Typed words read as these are never taken as a tap ("what does weekdays mean?").
_NOT_A_CHOICE = frozenset({"distress", "rejection", "question", "venting"})


def typed_mood(reading: Reading, text: str, language_hint: str | None) -> int | None:
    """The mood (1-5) a message gives if it answers a waiting check-in question: its words
    ("not great tbh": 2, "meh": 3, "ganz gut": 4), else the first clause that names a mood, for
    a feeling or a message read as nothing clearer ("still a bit raw about zalando but I applied
    to two more places today": 2), else, for a feeling, so-so 3 and low 2 ("ugh. long day,
    recruiters ghosting me again"). None for news, questions and anything that names no mood."""
    if reading.kind in _NOT_A_MOOD:
        return None
    if reading.kind == "good_news" and reading.topic in (*understanding.EFFORT_TOPICS, "went_well"):
        # "ganz ok, aber heute 3 Bewerbungen verschickt", "meh. had a call with a recruiter that
        # went ok": the mood its first clause names (the effort is acknowledged after it);
        # effort alone ("sent 5 today") is news to cheer.
        return understanding.mood_in_clauses(text, language_hint)
    if reading.kind == "good_news" and reading.topic not in (None, "went_well"):
        return None  # "got the offer!" is news to celebrate, not a 5
    mood = _mood_named(reading, text, language_hint)
    if mood is None and reading.kind == "venting":  # a vent in answer to "how are you?"
        mood = 3 if reading.topic == "so_so" else 2
    return mood


def _mood_named(reading: Reading, text: str, language: str | None) -> int | None:
    """The mood the words name: the whole message's, else, for a feeling or words read as
    nothing clearer, its first clause's ("kinda meh, didn't sleep well but I did prep")."""
    mood = understanding.mood_in(text, language)
    if mood is None and (not reading.clear or reading.kind == "venting"):
        mood = understanding.mood_in_clauses(text, language)
    return mood


# The morning check after a crisis reply ("How are you doing right now?") answered in words:
# crisis.care's phrases first (en, es, de, ru), else the mood the words give in any language the
# understanding lists read (fr, pt, uk, hi too): 1-2 hard, 3 the same, 4-5 better.
_DAY_OF_MOOD = {1: "hard", 2: "hard", 3: "same", 4: "better", 5: "better"}


def day_answer(reading: Reading, text: str) -> str | None:
    """How typed words answer the morning check: a crisis.care.DAY_KEYS key, or None when they
    say neither (or are news or a question, which keep their own replies)."""
    told = care.day_answer(text)
    if told is not None or reading.kind in _NOT_A_MOOD:
        return told
    mood = understanding.mood_in(text, reading.language)
    return None if mood is None else _DAY_OF_MOOD[mood]


# --- Inside flows --------------------------------------------------------------------------------

Choice = Literal["answer", "fill", "aside", "skip", "pick", "stop"]


# A break asked for in the middle of a flow (the lists' ``choice.stop``).
STOP = "stop"


def in_flow_choice(reading: Reading, step: Step, text: str, now: datetime) -> Choice:
    """Whether typed text answers ``step``'s question (``answer``), fills it from rejection
    news (``fill``: the company question, when the news names one) or is plainly something
    else (``aside``: acknowledged, kept as a note where there is one, the question asked
    again). Real answers are never diverted: "Google", "Acme, designer", "Berlin", "09:00".
    """
    if reading.kind != "distress" and understanding.option_named(STOP, text) == STOP:
        return "stop"  # "thanks, I think I need a break": a pause asked for, not thanks
    # A reading decided only by weak hints ("meh", "ok") is taken as the answer typed.
    kind = reading.kind if reading.clear else "unsure"
    if step.multi and typed_option(reading, step, text) == DONE:
        return "pick"  # "done", "that's it": the Done button, never a note saying "done"
    if step.multi and step.notes is not None:
        # Every typed word on these steps is kept as the step's note, but words aimed at me
        # and a plain hello or thank-you.
        return "aside" if lashing_out(reading) or _social(reading) else "answer"
    prose = isinstance(step.parse_text, FreeText) and step.parse_text.limit > SHORT_ANSWER_LIMIT
    if reading.unknown and step.skippable and not prose:
        return "skip"  # "idk", "no me acuerdo", "не помню" where a name is asked: as if Skip
    if step.parse_text is None:  # a question answered by tapping
        if typed_option(reading, step, text) is not None:
            return "pick"  # "final round", "😕", "2": the button it names
        hello = kind == "greeting" and reading.topic != "ack"  # "good morning!", "danke dir"
        return "aside" if kind in ASIDES or hello or lashing_out(reading) else "answer"
    if step.name == "company" and reading.kind == "rejection" and reading.company:
        return "fill"  # "rejected by canva after 4 rounds": the name, however unsure the rest
    parser = step.parse_text
    if isinstance(parser, FreeText):
        if parser.limit > SHORT_ANSWER_LIMIT:
            return "answer"  # prose wanted (a win, a pasted reply): any words are an answer
        if mood_report(text, reading.language):
            return "aside"  # "pretty good, sent 3 applications": how the day goes, not a name
        if kind in ASIDES:
            return "answer" if answer_shaped(text, kind) else "aside"
        if reading.kind == "greeting" and not answer_shaped(text, "greeting"):
            return "aside"  # "hallo", "спасибо!", "ok": never stored as a company
        if reading.kind == "venting" and _faint_feeling(text):
            return "aside"  # "meh", "мда", "ugh": a feeling, even told faintly
        if len(text.split()) > 1 and text.strip().endswith("?"):
            return "aside"  # "what should I put here?": a question, never a name
        if len(text.split()) > SHORT_ANSWER_WORDS or _sentences(text):
            return "aside"  # "welp. rejected again 🙃": sentences, not a name
        return "answer"
    # A parser that understands a format (a time zone, a time): what it accepts is an answer;
    # what it refuses and reads as news, feelings or a hello ("hola!" at the time zone
    # question) is an aside rather than a format error.
    spoken = kind in ASIDES or (kind == "greeting" and reading.topic != "ack")
    if spoken and isinstance(parser(text, now), Rejected):
        return "aside"
    return "answer"


_NAMED = re.compile(r"\s(?:at|@|bei|en|в)\s|,|\s[-–—|]\s", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
# A sentence ending inside the text, then more words ("welp. rejected again"): "Booking.com",
# "J. Crew" or "Acme Inc." do not end one (a single letter or nothing follows).
_SENTENCE_BREAK = re.compile(r"[^\W\d_]{2,}[.!?…]+\s+\S+\s+\S")


# A hello, a thank-you, a goodbye, small talk: clear social words, nothing to keep.
_SOCIAL = frozenset({"hello", "thanks", "bye", "small_talk", "praise"})


def _social(reading: Reading) -> bool:
    return reading.kind == "greeting" and reading.clear and reading.topic in _SOCIAL


def lashing_out(reading: Reading) -> bool:
    """Words aimed at the bot ("you're useless"): owned, never kept as a note or an answer."""
    return reading.kind == "greeting" and reading.topic == "at_bot"


def typed_option(reading: Reading, step: Step, text: str) -> str | None:
    """The option of a tap question that typed words name: the stage ("final round", "la
    final", "финал"), the mood ("2", "meh", "not great"), whom a feedback request goes to
    ("the hiring manager, her name is Julia Becker", "el reclutador") or another button by its
    words ("sure", "every day is fine", "auf Deutsch"), when the step offers it."""
    values = {option.value for option in step.options}
    if step.multi and reading.kind != "distress" and understanding.option_named(DONE, text) == DONE:
        return DONE  # "done", "that's it", "listo", "готово": the Done under the options
    if step.name == "stage" and reading.kind != "distress":
        named = understanding.stage_of(text, reading.language)
    elif step.name == "mood" and reading.kind not in _NOT_A_MOOD:
        # "honestly about a 2. I'm 52 and starting to wonder if it's my age": 2
        mood = _mood_named(reading, text, reading.language)
        named = None if mood is None else str(mood)
    elif step.name == "recipient" and reading.kind != "distress":
        named = understanding.recipient_of(text, reading.language)
    elif reading.kind not in _NOT_A_CHOICE:
        lists = YES_NO if values == {"yes", "no"} else step.name
        named = understanding.option_named(lists, text, reading.language)
    else:
        return None
    return named if named in values else None


# Where a first clause ends: "pretty good, sent 3 applications", "not bad - applied to two".
_CLAUSE = re.compile(r"\s*(?:[,;:.!?…]+|\s[-–—]\s)\s*")
_MOOD_CLAUSE_WORDS = 4


def mood_report(text: str, language: str | None = None) -> bool:
    """Typed words that open with how the day goes ("pretty good, sent 3 applications", "meh
    tbh", "doing ok"), where a name is asked: a first clause of a few words that names a mood,
    not written as a name ("Good Eggs" is one, capitalised)."""
    first = _CLAUSE.split(text.strip(), maxsplit=1)[0]
    words = first.split()
    if not words or len(words) > _MOOD_CLAUSE_WORDS:
        return False
    if all(w[:1].isupper() for w in words if _LETTER.match(w)):
        return False  # "Good Eggs", "Fine Arts Ltd": a name, whatever its words mean
    return understanding.mood_in(first, language) is not None


def _faint_feeling(text: str) -> bool:
    """One lowercase word ("meh", "ugh", "мда"): a sigh, not a name ("Hard Rock Cafe" is one,
    though "hard" hints at a feeling)."""
    words = text.split()
    return len(words) == 1 and not words[0][:1].isupper()


def _sentences(text: str) -> bool:
    return bool(_SENTENCE_BREAK.search(text))


def answer_shaped(text: str, kind: str) -> bool:
    """Typed words that look like an answer to a short question, whatever else they read as:
    a name or two ("Rocket Lab", "Happy Socks") or a company and role ("Designer at Acme 🚀",
    "Acme, designer"). Feelings and questions of up to three words are not ("so tired",
    "why me?"), nor news in lowercase words ("they rejected me"), nor a greeting unless it is
    a capitalised name ("Hello Fresh"), nor emoji alone or a line ending in "?"."""
    cleaned = text.strip()
    words = len(cleaned.split())
    if not _LETTER.search(cleaned) or cleaned.endswith("?"):
        return False
    if words <= 3:
        if kind in ("venting", "question") or (words > 1 and cleaned.endswith("!")):
            return False
        capitalised = all(w[0].isupper() for w in cleaned.split() if _LETTER.match(w))
        shaped = capitalised or _NAMED.search(cleaned) is not None  # "Rocket Lab", "Acme, x"
        if kind == "greeting":  # "Hello Fresh", "Acme, designer"; not "hi", "Danke dir",
            # nor thanks with a comma ("спасибо, очень помогло")
            head = _CLAUSE.split(cleaned, maxsplit=1)[0]
            if head != cleaned and understanding.read(head).kind == "greeting":
                return False
            return words > 1 and shaped
        return words == 1 or shaped  # not "they rejected me", "Мне отказали 🙁"
    named = _NAMED.search(cleaned)
    if kind == "rejection" or words > 6 or named is None:
        return False
    after = cleaned[named.end() :].strip()
    if kind in ("venting", "question") and not after[:1].isupper():
        return False  # "начинаю сомневаться в себе": a feeling with a preposition, no firm
    # "Designer at Acme 🚀" is a role and a firm; "got a second interview at Revolut" is news.
    return not understanding.read(cleaned[: named.start()]).clear


def aside_replies(
    reading: Reading, kept: bool, helplines: str = crisis.INTERNATIONAL, mood: bool = False
) -> list[Say]:
    """The acknowledgement before the question is asked again (joined with it on screen);
    ``mood``: the words report how the day goes ("pretty good, sent 3 applications")."""
    kind = reading.kind
    if _wants_a_person(reading):  # the free lines right away, not after the debrief
        return [
            Say("listen.in_flow.question.talk", _talk_params(helplines)),
            Say("listen.in_flow.kept" if kept else "listen.in_flow.back_to_it"),
        ]
    if (kind, reading.topic) in QUIET:
        key = QUIET[(kind, reading.topic)].in_flow
    elif kind == "venting" and (reading.topic in FEELINGS or not mood):
        key = f"listen.in_flow.venting.{reading.topic if reading.topic in FEELINGS else 'general'}"
    elif kind == "venting":
        key = "listen.in_flow.mood"  # "ok i guess, applied to 20 jobs": how the day goes
    elif kind == "question":
        topic = reading.topic if reading.topic in QUESTION_TOPICS else "general"
        key = f"listen.in_flow.question.{topic}"
    elif kind == "rejection" and reading.also in BRIGHT_SIDES:
        key = "listen.in_flow.mixed"
    elif (kind, reading.topic) in (
        ("good_news", "progress"),
        ("good_news", "feedback"),
        ("greeting", "at_bot"),
    ):
        key = f"listen.in_flow.{reading.topic}"  # effort made; feedback heard; words aimed at me
    elif kind in ("rejection", "good_news") or (kind == "greeting" and reading.topic != "ack"):
        key = f"listen.in_flow.{kind}"
    elif mood:
        key = "listen.in_flow.mood"  # "pretty good", "doing ok, applied to 2 jobs"
    else:
        key = "listen.in_flow.other"
    replies = [Say(key)]
    replies.append(Say("listen.in_flow.kept" if kept else "listen.in_flow.back_to_it"))
    return replies


def filled_reply(reading: Reading) -> Say:
    return Say("listen.in_flow.filled", {"company": reading.company or ""})


def noted_reply(reading: Reading, helplines: str = crisis.INTERNATIONAL) -> Say | None:
    """A note told with feeling on a multi-select step is acknowledged as a feeling, not
    "Noted" (venting, or a question or news with a clear feeling in it); a question typed there
    gets the short word on it first ("this debrief ends with a feedback draft"), then "Noted"."""
    feeling = reading.feeling if reading.feeling in FEELINGS else None
    if reading.kind == "venting":
        feeling = feeling or (reading.topic if reading.topic in FEELINGS else "general")
    if feeling is None and reading.kind == "question" and reading.clear:
        topic = reading.topic if reading.topic in QUESTION_TOPICS else "general"
        params = _talk_params(helplines) if topic == "talk" else {}
        answer = Ref(f"listen.in_flow.question.{topic}", params)
        return Say("listen.in_flow.noted_question", {"answer": answer, "saved": Ref(_SAVED)})
    if feeling is None or reading.kind == "good_news":
        return None
    return Say(f"listen.in_flow.noted_feeling.{feeling}")


_SAVED = "flow.note_saved"
# Steps asking what happened or what to do next time: an interview moment told there ("I froze
# when they asked about salary") is an answer, acknowledged plainly, not as a feeling.
MOMENT_STEPS = frozenset({"differently"})


@dataclass(frozen=True)
class Heard:
    """A reading put to work inside a flow (bot.services.flows.Listener): replies come in
    ``locale`` where one is set; ``helplines`` is whose free lines to name if they ask for
    someone to talk to (:func:`helplines_of`)."""

    reading: Reading
    locale: str | None = None
    helplines: str = crisis.INTERNATIONAL
    text: str = ""  # the words, read here only (a mood report is acknowledged as one)

    def choice(self, step: Step, text: str, now: datetime) -> Choice:
        return in_flow_choice(self.reading, step, text, now)

    def stopped(self, parked: Say) -> Say:
        """A break asked for: fine, nothing more asked; ``parked`` says where the flow waits."""
        reply = Say("listen.in_flow.stop", {"parked": Ref(parked.key, parked.params)})
        return in_language([reply], self.locale)[0]

    def fill(self) -> tuple[str, str | None, Say]:
        assert self.reading.company is not None
        stage = self.reading.stage if self.reading.stage in reflection.STAGES else None
        [reply] = in_language([filled_reply(self.reading)], self.locale)
        return self.reading.company, stage, reply

    def aside(self, kept: bool) -> list[Say]:
        replies = aside_replies(
            self.reading, kept, self.helplines, mood_report(self.text, self.reading.language)
        )
        return in_language(replies, self.locale)

    def worth_keeping(self) -> bool:
        """Words aimed at me, and a hello or a thank-you ("привет", "спасибо"), are not kept
        as a note of the debrief: they say nothing about it."""
        return not lashing_out(self.reading) and not _social(self.reading)

    def noted(self, step: Step | None = None) -> Say | None:
        if step is not None and step.name in MOMENT_STEPS and self._only_a_moment():
            return None  # "I froze when they asked about salary": an answer, noted as one
        reply = noted_reply(self.reading, self.helplines)
        return None if reply is None else in_language([reply], self.locale)[0]

    def _only_a_moment(self) -> bool:
        """The words tell what happened in the interview ("I froze", "my mind went blank",
        "couldn't answer X") and, that cut out, no feeling about oneself is left."""
        rest = understanding.without_moments(self.text, self.reading.language)
        if rest is None:
            return False
        left = understanding.read(rest, self.reading.language)
        return left.kind not in ("venting", "distress", "question")

    def skipped(self) -> Say:
        return in_language([Say("listen.in_flow.skipped")], self.locale)[0]

    def picked(self, step: Step, text: str) -> str:
        value = typed_option(self.reading, step, text)
        assert value is not None
        return value

    def name_told(self, step: Step, text: str) -> str | None:
        if step.name not in _NAMES_WITH:
            return None
        return understanding.name_with(text, self.reading.language)

    def reason(self) -> str | None:
        """The reason a clearly told "no" gives ("they went with an internal candidate")."""
        told = self.reading
        return told.reason if told.kind == "rejection" and told.clear else None

    def ticked(self, label: str, here: bool = False) -> Say:
        key = "listen.in_flow.reason_ticked_here" if here else "listen.in_flow.reason_ticked"
        reply = Say(key, {"reason": Ref(label)})
        return in_language([reply], self.locale)[0]

    def options_named(self, step: Step, text: str) -> tuple[list[str], bool]:
        """Options named in a note typed at a multi-select question, where the words voice
        no feeling and are not aimed at me (bot.services.flows.Listener)."""
        if self.reading.kind in _NOT_A_TICK or lashing_out(self.reading):
            return [], False
        if self.noted(step) is not None:  # a feeling told there is acknowledged as one
            return [], False
        told = understanding.options_in(step.name, text, self.reading.language)
        return list(told.values), told.rest > _TICK_REST_WORDS

    def options_ticked(self, labels: list[str], noted: bool) -> Say:
        key = "listen.in_flow.options_ticked_noted" if noted else "listen.in_flow.options_ticked"
        reply = Say(key, {"options": RefList.of(labels)})
        return in_language([reply], self.locale)[0]


# Questions whose answer may come with a person's name ("the hiring manager, priya").
_NAMES_WITH = frozenset({"recipient"})
# Readings whose words never tick an option: distress, a question, rejection news.
_NOT_A_TICK = frozenset({"distress", "question", "rejection"})
# Words left over, once the options named are cut out, that make a note worth keeping too
# ("the rapport was good" leaves three: said by the tick alone).
_TICK_REST_WORDS = 5
