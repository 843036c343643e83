"""Feedback requests: a ready-to-send draft, a check some business days after it was sent,
and the reply turned into next steps. Templates are content; this module only chooses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FEEDBACK_HELD, FeedbackRequest, PlanAction, Rejection, User
from bot.services import checkins, matching, outbox, plan, reflection, strengths
from bot.services.business_days import business_days_later
from bot.services.callback_data import MENU, REQUEST, MenuTap, RequestTap
from bot.services.feedback_tags import TAGS, focus, read_feedback
from bot.services.feedback_tags import Reading as FeedbackReading
from bot.services.flow_engine import Accepted, Flow, Step, free_text, options
from bot.services.flows import FlowContext
from bot.services.history import short_date
from bot.services.names import PersonName, greeting_name
from bot.services.replies import Button, Ref, RefList, Say

RECIPIENTS = ("hr", "interviewer", "agency")
CHANNELS = ("email", "linkedin")
TONES = ("warm", "brief", "formal")
KINDS = ("ask", "keep_in_touch", "turn_around", "followup")
CHECK = "feedback_check"
CHECK_AFTER_BUSINESS_DAYS = 5
NAME_LIMIT = 80
REPLY_LIMIT = 2000
SHOWN = 8
TAG_ACTIONS = {
    "technical": "tech_depth",
    "examples": "examples",
    "communication": "communication",
    "experience": "experience",
    "fit": "fit",
    "research": "research",
    "nerves": "nerves",
}
OPEN = ("sent", "followed_up")


REQUEST_FLOW = Flow(
    "fb",
    1,
    (
        Step(
            "company",
            "feedback.ask_company",
            parse_text=free_text(reflection.COMPANY_LIMIT, "reflection.trimmed"),
            skippable=True,
            when=lambda data: data.get("rejection_id") is None,
        ),
        Step(
            "recipient",
            "feedback.ask_recipient",
            options=options("feedback.recipient", RECIPIENTS),
            columns=1,
        ),
        Step(
            "their_name",
            "feedback.ask_their_name",
            parse_text=PersonName(NAME_LIMIT, "reflection.trimmed"),
            skippable=True,
        ),
        Step(
            "your_name",
            "feedback.ask_your_name",
            parse_text=PersonName(NAME_LIMIT, "reflection.trimmed"),
            when=lambda data: not data.get("_has_name"),
        ),
        Step("channel", "feedback.ask_channel", options=options("feedback.channel", CHANNELS)),
        Step("tone", "feedback.ask_tone", options=options("feedback.tone", TONES), columns=3),
    ),
    back=True,
)

LOG_FLOW = Flow(
    "fl",
    1,
    (
        Step("reply", "feedback.ask_log", parse_text=free_text(REPLY_LIMIT, "reflection.trimmed")),
        Step("tags", "feedback.tags_prompt", options=options("feedback.tag", TAGS), multi=True),
    ),
)


# --- Drafts -----------------------------------------------------------------------------------


def template_key(request: FeedbackRequest) -> str:
    """Every kind has a long and a short form in each tone (a LinkedIn message is short)."""
    short = request.short or request.channel == "linkedin"
    tone = request.tone if request.tone in TONES else "warm"
    return f"feedback.templates.{request.kind}.{'short' if short else 'long'}.{tone}"


def _greeting(request: FeedbackRequest) -> Ref:
    tone = request.tone if request.tone in TONES else "warm"
    name = " ".join((request.their_name or "").split())
    if name:
        return Ref(f"feedback.greeting.named.{tone}", {"name": greeting_name(name, tone)})
    if tone == "formal":
        return Ref(f"feedback.greeting.unnamed.formal.{_recipient(request)}")
    return Ref(f"feedback.greeting.unnamed.{tone}")


def _recipient(request: FeedbackRequest) -> str:
    return request.recipient if request.recipient in RECIPIENTS else "hr"


def _phrase(family: str, went_well: Sequence[str]) -> Ref:
    """Something they said went well, as a phrase for the draft (or a neutral default)."""
    return Ref(f"feedback.{family}.{went_well[0] if went_well else 'default'}")


def draft_params(
    request: FeedbackRequest, signature: str, went_well: Sequence[str]
) -> dict[str, object]:
    tone = request.tone if request.tone in TONES else "warm"
    who = _recipient(request)
    role = request.role or Ref("feedback.role_fallback")
    company = request.company or Ref(f"feedback.draft_company.{who}")
    return {
        "greeting": _greeting(request),
        "thanks": Ref(f"feedback.thanks.{who}.{tone}", {"role": role, "company": company}),
        "request": Ref(f"feedback.request.{who}.{tone}", {"company": company}),
        "role": role,
        "company": company,
        "valued": _phrase("valued", went_well),
        "strength": _phrase("strength", went_well),
        "signoff": Ref(f"feedback.signoff.{tone}"),
        "your_name": signature,
    }


def draft_parts(
    request: FeedbackRequest, signature: str, went_well: Sequence[str]
) -> tuple[Ref, Ref | None]:
    """The draft's body, and its subject line when it goes by email (the chat shows both in
    one message; the Mini App copies each)."""
    params = draft_params(request, signature, went_well)
    body = Ref(template_key(request), params, variant=request.version)
    if request.channel != "email":
        return body, None
    subject = Ref(
        f"feedback.subjects.{request.kind}",
        {"role": params["role"], "company": params["company"]},
        variant=request.version,
    )
    return body, subject


def draft_view(request: FeedbackRequest, signature: str, went_well: Sequence[str]) -> Say:
    """The draft, easy to copy on a phone, with buttons to reshape it or mark it sent."""
    body, subject = draft_parts(request, signature, went_well)
    email = subject is not None
    first: list[Button] = [
        Button(
            "feedback.buttons.longer" if request.short else "feedback.buttons.shorter",
            data=REQUEST.pack(RequestTap(request.id, "length")),
        )
    ]
    if request.tone != "warm":
        first.append(
            Button("feedback.buttons.warmer", data=REQUEST.pack(RequestTap(request.id, "warmer")))
        )
    first.append(
        Button("feedback.buttons.another", data=REQUEST.pack(RequestTap(request.id, "another")))
    )
    if not email:
        first = first[1:]  # a LinkedIn message is already the short version
    kinds: tuple[Button, ...] = ()
    if request.kind == "ask":
        kinds = (
            Button(
                "feedback.buttons.keep_in_touch",
                data=REQUEST.pack(RequestTap(request.id, "keep_in_touch")),
            ),
            Button(
                "feedback.buttons.turn_around",
                data=REQUEST.pack(RequestTap(request.id, "turn_around")),
            ),
        )
    elif request.kind != "followup":
        kinds = (
            Button(
                "feedback.buttons.back_to_ask", data=REQUEST.pack(RequestTap(request.id, "ask"))
            ),
        )
    last = (
        Button("feedback.buttons.sent", data=REQUEST.pack(RequestTap(request.id, "sent"))),
        Button("feedback.buttons.not_now", data=REQUEST.pack(RequestTap(request.id, "not_now"))),
    )
    rows = tuple(row for row in (tuple(first), kinds, last) if row)
    params_out: dict[str, object] = {"kind": Ref(f"feedback.kind.{request.kind}"), "body": body}
    if subject is not None:
        params_out["subject"] = subject
    return Say("feedback.draft_email" if email else "feedback.draft_message", params_out, rows)


async def went_well_of(session: AsyncSession, request: FeedbackRequest) -> list[str]:
    if request.rejection_id is None:
        return []
    record = await session.get(Rejection, request.rejection_id)
    return list(record.went_well) if record else []


async def view(session: AsyncSession, user: User, request: FeedbackRequest) -> Say:
    went_well = await went_well_of(session, request)
    return draft_view(request, user.signature_name or "", went_well)


def check_message(request: FeedbackRequest) -> Say:
    """Did they reply? Asked some business days after sending."""
    return Say(
        "feedback.check",
        {"company": request.company or Ref("feedback.company_fallback")},
        (
            (Button("feedback.buttons.log", data=REQUEST.pack(RequestTap(request.id, "log"))),),
            (
                Button(
                    "feedback.buttons.not_yet", data=REQUEST.pack(RequestTap(request.id, "not_yet"))
                ),
                Button(
                    "feedback.buttons.let_go", data=REQUEST.pack(RequestTap(request.id, "let_go"))
                ),
            ),
        ),
    )


async def mine(session: AsyncSession, user_id: int, request_id: int) -> FeedbackRequest | None:
    request = await session.get(FeedbackRequest, request_id)
    return request if request is not None and request.user_id == user_id else None


# --- Changing a request -------------------------------------------------------------------------


def reshape(request: FeedbackRequest, action: str, now: datetime) -> bool:
    """Apply a draft button (shorter, warmer, another version, another kind). False if unknown."""
    if action == "length":
        request.short = not request.short
    elif action == "warmer":
        request.tone = "warm"
    elif action == "another":
        request.version += 1
    elif action in ("ask", "keep_in_touch", "turn_around"):
        request.kind, request.version = action, 0
    else:
        return False
    request.updated_at = now
    return True


async def mark_sent(
    session: AsyncSession, user: User, request: FeedbackRequest, now: datetime
) -> datetime:
    """Record the send and schedule "did they reply?" for some business days later."""
    request.status = "followed_up" if request.kind == "followup" else "sent"
    request.sent_at = request.updated_at = now
    await outbox.cancel(session, user.id, CHECK, request.id)
    due = business_days_later(
        now, user.timezone or "UTC", user.checkin_time, CHECK_AFTER_BUSINESS_DAYS
    )
    await outbox.schedule(session, user, CHECK, due, now, ref_id=request.id)
    return due


async def let_go(session: AsyncSession, request: FeedbackRequest, now: datetime) -> None:
    request.status, request.updated_at = "closed", now
    await outbox.cancel(session, request.user_id, CHECK, request.id)


def start_followup(request: FeedbackRequest, now: datetime) -> None:
    request.kind, request.version, request.updated_at = "followup", 0, now


# --- Overview -----------------------------------------------------------------------------------


async def recent_requests(session: AsyncSession, user_id: int) -> list[FeedbackRequest]:
    query = (
        select(FeedbackRequest)
        .where(FeedbackRequest.user_id == user_id, FeedbackRequest.status != TOLD)
        .order_by(FeedbackRequest.updated_at.desc(), FeedbackRequest.id.desc())
        .limit(SHOWN)
    )
    return list((await session.execute(query)).scalars())


def _company(request: FeedbackRequest) -> object:
    return request.company or Ref("feedback.company_fallback")


async def overview(session: AsyncSession, user: User) -> Say:
    requests = await recent_requests(session, user.id)
    new = (Button("feedback.buttons.new", data=MENU.pack(MenuTap("new"))),)
    if not requests:
        return Say("feedback.overview_empty", buttons=(new,))
    zone = user.timezone or "UTC"
    lines = tuple(
        Ref(
            "feedback.overview_line",
            {
                "company": _company(r),
                "state": Ref(f"feedback.state.{r.status}"),
                "date": short_date(r.updated_at, zone),
            },
        )
        for r in requests
    )
    buttons = tuple(
        (
            Button(
                "feedback.buttons.open",
                data=MENU.pack(MenuTap("open", r.id)),
                params={"company": _company(r), "state": Ref(f"feedback.state.{r.status}")},
            ),
        )
        for r in requests
    )
    return Say("feedback.overview", {"lines": RefList(lines, separator="\n")}, (*buttons, new))


async def recent_debriefs(session: AsyncSession, user_id: int, limit: int = 3) -> list[Rejection]:
    """The debriefs a request may be for, newest first: finished ones, and ones not finished
    that name the company (news told, a debrief left halfway): "Brightwell said no", then "should
    I ask them why?" offers Brightwell rather than asking for the company again."""
    query = (
        select(Rejection)
        .where(
            Rejection.user_id == user_id,
            or_(Rejection.completed_at.is_not(None), Rejection.company.is_not(None)),
        )
        .order_by(
            func.coalesce(Rejection.completed_at, Rejection.updated_at).desc(),
            Rejection.id.desc(),
        )
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


def which_debrief(debriefs: Sequence[Rejection]) -> Say:
    buttons = tuple(
        (
            Button(
                r.company or "reflection.history.unnamed",
                data=MENU.pack(MenuTap("for", r.id)),
                literal=bool(r.company),
            ),
        )
        for r in debriefs
    )
    return Say(
        "feedback.ask_which",
        buttons=(*buttons, (Button("feedback.another", data=MENU.pack(MenuTap("for"))),)),
    )


def request_data(user: User, record: Rejection | None) -> dict[str, object]:
    data: dict[str, object] = {"_has_name": bool(user.signature_name)}
    if record is not None:
        data.update(rejection_id=record.id, company_name=record.company, role_name=record.role)
    return data


# --- Flow hooks ---------------------------------------------------------------------------------


class RequestSpec:
    """Who, how and in what tone; the draft is made when the last question is answered."""

    flow = REQUEST_FLOW

    async def apply(self, ctx: FlowContext, step: str, answer: Accepted) -> None:
        if step == "company":
            company, role = reflection.split_company_role(answer.value or "")
            ctx.data["company_name"], ctx.data["role_name"] = company, role
        elif step == "your_name" and answer.value:
            ctx.user.signature_name = answer.value

    def acknowledge(self, ctx: FlowContext, step: str, answer: Accepted) -> list[Say]:
        return []

    def prompt_params(self, ctx: FlowContext, step: str) -> dict[str, object]:
        return {}

    async def finish(self, ctx: FlowContext) -> list[Say]:
        data = ctx.data
        request = FeedbackRequest(
            user_id=ctx.user.id,
            rejection_id=data.get("rejection_id"),
            company=data.get("company_name"),
            role=data.get("role_name"),
            recipient=data.get("recipient") or "hr",
            their_name=data.get("their_name"),
            channel=data.get("channel") or "email",
            tone=data.get("tone") or "warm",
            kind="ask",
            version=0,
            short=False,
            status="draft",
            tags=[],
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(request)
        await ctx.session.flush()
        return [await view(ctx.session, ctx.user, request)]


def steps_added(actions: Sequence[PlanAction]) -> RefList:
    """The steps just added, as /plan shows them (in the feedback's own words where it named
    something specific)."""
    return RefList(tuple(plan.action_text(a) for a in actions), separator="\n", prefix="• ")


async def praised(session: AsyncSession, user: User, reply: str) -> list[Ref]:
    """Strengths the feedback praised that are not on the person's list yet (labels)."""
    found = matching.praised_skills(reply, strengths.language(user))
    if not found:
        return []
    have = {s.skill for s in await strengths.listed(session, user.id)}
    return [strengths.label(skill) for skill, _ in found.most_common(3) if skill not in have]


async def awaiting(session: AsyncSession, user_id: int) -> FeedbackRequest | None:
    """The request most recently sent that still waits for a reply, if any."""
    query = (
        select(FeedbackRequest)
        .where(FeedbackRequest.user_id == user_id, FeedbackRequest.status.in_(OPEN))
        .order_by(FeedbackRequest.updated_at.desc(), FeedbackRequest.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


def unasked(user: User, now: datetime) -> FeedbackRequest:
    """A record for feedback the person was given without a request of theirs ("the recruiter
    told me to work on my SQL"), so it is kept and turned into steps like any reply."""
    return FeedbackRequest(
        user_id=user.id,
        recipient="hr",
        channel="email",
        tone="warm",
        kind="ask",
        status="draft",
        created_at=now,
        updated_at=now,
    )


# Feedback told in words outside any flow ("the recruiter said my SQL was weak"), held for the
# [Log this feedback] under the reply, so the tap does not ask for the words again. Held as a
# request of its own with this status, shown nowhere, and only the latest one per person; the
# tap turns it into the reply (see :func:`take_told`).
TOLD = FEEDBACK_HELD


async def hold_told(
    session: AsyncSession, user: User, now: datetime, words: str
) -> FeedbackRequest:
    """Keep ``words`` (typed as feedback) for the [Log this feedback] tap; an earlier hold of
    theirs goes (only the latest words are offered)."""
    held = unasked(user, now)
    held.status, held.reply_text = TOLD, words[:REPLY_LIMIT]
    session.add(held)
    await session.flush()
    # Removed after the new row has its id, so SQLite never hands the old id (still on an older
    # button) to the new words.
    await session.execute(
        delete(FeedbackRequest).where(
            FeedbackRequest.user_id == user.id,
            FeedbackRequest.status == TOLD,
            FeedbackRequest.id != held.id,
        )
    )
    return held


async def take_told(
    session: AsyncSession, user: User, held_id: int, now: datetime
) -> tuple[FeedbackRequest, FeedbackReading] | None:
    """The held words as the reply they were: to the request still waiting for one if there is
    one (the hold then goes), else to a record of their own. None when nothing is held under
    ``held_id`` any more (a newer hold replaced it)."""
    held = await mine(session, user.id, held_id)
    if held is None or held.status != TOLD:
        return None
    target = await awaiting(session, user.id) or held
    if target is not held:
        target.reply_text = held.reply_text
        await session.delete(held)
    reading = read_feedback(target.reply_text or "")
    target.status, target.replied_at, target.updated_at = "replied", now, now
    target.tags = list(reading.tags)
    await outbox.cancel(session, user.id, CHECK, target.id)
    return target, reading


class LogSpec:
    """What they heard back: stored, tagged by keywords the person corrects, turned into steps.
    Without a ``request_id`` (feedback told in words, no request sent), the reply gets a record
    of its own (:func:`unasked`) when it is typed."""

    flow = LOG_FLOW

    async def apply(self, ctx: FlowContext, step: str, answer: Accepted) -> None:
        if ctx.data.get("request_id") is None and step == "reply":
            fresh = unasked(ctx.user, ctx.now)
            ctx.session.add(fresh)
            await ctx.session.flush()
            ctx.data["request_id"] = fresh.id
        if ctx.data.get("request_id") is None:
            return
        request = await mine(ctx.session, ctx.user.id, int(ctx.data["request_id"]))
        if request is None:
            return
        if step == "reply":
            reading = read_feedback(answer.value)
            request.reply_text = answer.value
            request.status, request.replied_at, request.updated_at = "replied", ctx.now, ctx.now
            await outbox.cancel(ctx.session, ctx.user.id, CHECK, request.id)
            ctx.run = ctx.run.with_selected("tags", reading.tags)
            ctx.data["generic"] = reading.generic
        elif step == "tags":
            request.tags = list(answer.value or [])

    def acknowledge(self, ctx: FlowContext, step: str, answer: Accepted) -> list[Say]:
        return []

    def prompt_params(self, ctx: FlowContext, step: str) -> dict[str, object]:
        if step != "tags":
            return {}
        found = ctx.run.selected("tags")
        if not found:
            return {"found": Ref("feedback.tags_none")}
        names = RefList.of([f"feedback.tag.{tag}" for tag in found])
        return {"found": Ref("feedback.tags_found", {"tags": names})}

    async def finish(self, ctx: FlowContext) -> list[Say]:
        if ctx.data.get("request_id") is None:
            return []
        request = await mine(ctx.session, ctx.user.id, int(ctx.data["request_id"]))
        if request is None:
            return []
        used = await reflection.actions_used(ctx.session, ctx.user.id)
        tags = [tag for tag in TAGS if tag in request.tags][: reflection.MAX_ACTIONS]
        added = [
            PlanAction(
                user_id=ctx.user.id,
                rejection_id=request.rejection_id,
                reason=TAG_ACTIONS[tag],
                variant=used[TAG_ACTIONS[tag]] % reflection.ACTION_VARIANTS,
                focus=focus(request.reply_text or "", tag),
                status="open",
                created_at=ctx.now,
            )
            for tag in tags
        ]
        ctx.session.add_all(added)
        replies = [
            Say("feedback.logged", {"steps": steps_added(added)})
            if added
            else Say("feedback.logged_none")
        ]
        praise = await praised(ctx.session, ctx.user, request.reply_text or "")
        if praise:
            replies.append(Say("feedback.praised", {"skills": RefList(tuple(praise))}))
        if ctx.data.get("generic") and request.recipient != "interviewer":
            replies.append(
                Say(
                    "feedback.generic_reply",
                    buttons=(
                        (
                            Button(
                                "feedback.buttons.ask_interviewer",
                                data=REQUEST.pack(RequestTap(request.id, "interviewer")),
                            ),
                        ),
                    ),
                )
            )
        return replies


async def check_for(
    session: AsyncSession, user: User, request_id: int | None, due_at: datetime
) -> Say | None:
    """The scheduled "did they reply?" message, unless the request has moved on since. While
    check-ins are paused it waits for the first check-in after the pause (None now)."""
    request = await session.get(FeedbackRequest, request_id) if request_id else None
    if request is None or request.status not in OPEN:
        return None
    if checkins.paused_at(user, due_at):
        later = checkins.after_pause(user)
        if later is not None:
            await outbox.schedule(session, user, CHECK, later, due_at, ref_id=request_id)
        return None
    return check_message(request)
