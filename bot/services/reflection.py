"""The post-rejection debrief: questions, the record it fills, and the plan it ends in.

Pure parts (company/role parsing, reframe and action choice, pattern detection) are plain
functions, tested without a database; the flow hooks store each answer as it is given.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, TextClause, Update, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import PlanAction, Rejection, User
from bot.services import checkins, variants
from bot.services.callback_data import MENU, REFLECT, MenuTap, ReflectTap
from bot.services.flow_engine import Accepted, Flow, JsonValue, Step, free_text, options
from bot.services.flows import FlowContext
from bot.services.plan import action_text
from bot.services.replies import Button, Ref, RefList, Say

STAGES = ("application", "phone_screen", "first_interview", "technical", "final_round", "offer")
WENT_WELL = ("rapport", "examples", "technical", "questions", "preparation", "calm", "presentation")
REASONS = (
    "off_guard",
    "tech_depth",
    "examples",
    "nerves",
    "research",
    "no_questions",
    "first_impression",
    "application",
    "not_sure",
)
OUTSIDE = ("internal", "experience", "budget", "gut", "unknown")
MOODS = ("1", "2", "3", "4", "5")
ACTION_VARIANTS = 3  # each content actions.<reason> lists this many different actions
MAX_ACTIONS = 3
COMPANY_LIMIT = 120
NOTE_LIMIT = 300
ASIDE_LIMIT = 600  # what was typed beside the questions (Rejection.note), joined, at most
CARD_NOTE_LIMIT = 160  # a note on the summary card is trimmed to this, at a word
PATTERN_MIN = 3
PATTERN_WINDOW = 5
REMINDER = "reflect_reminder"  # outbox kind: the once-only nudge after "Not now"


FLOW = Flow(
    "rf",
    1,
    (
        Step(
            "company",
            "reflection.ask_company",
            parse_text=free_text(COMPANY_LIMIT, "reflection.trimmed"),
            skippable=True,
        ),
        Step(
            "stage",
            "reflection.ask_stage",
            options=options("reflection.stage", STAGES),
            skippable=True,
        ),
        Step(
            "mood",
            "reflection.ask_mood",
            options=options("reflection.mood", MOODS),
            skippable=True,
            columns=5,
        ),
        Step(
            "went_well",
            "reflection.ask_went_well",
            options=options("reflection.went_well", WENT_WELL),
            multi=True,
            notes=free_text(NOTE_LIMIT, "reflection.trimmed"),
        ),
        Step(
            "differently",
            "reflection.ask_differently",
            options=options("reflection.reason", REASONS),
            multi=True,
            notes=free_text(NOTE_LIMIT, "reflection.trimmed"),
        ),
        Step(
            "outside",
            "reflection.ask_outside",
            options=options("reflection.outside", OUTSIDE),
            multi=True,
        ),
    ),
    back=True,
)

_ROLE_AT = re.compile(r"^(?P<role>.+?)\s+(?:at|@)\s+(?P<company>.+)$", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:,|\||\s[-–—]\s)\s*")


# Cheers around a typed name ("Acme!! 🚀", "🎯 Globex"): exclamation and question marks,
# commas, emoji and other symbols; a name keeps its own marks ("AT&T", "Umbrella <Corp>").
_CHEERS = frozenset("!?¡¿,;:…")
_SYMBOLS = frozenset({"So", "Sk", "Cf", "Mn"})  # emoji, their joiners and variation selectors


def split_company_role(text: str) -> tuple[str | None, str | None]:
    """ "Designer at Acme" / "Acme, designer" / "Acme!! 🚀" → (company, role), without the
    exclamation marks and emoji around them."""
    text = text.strip()
    if not text:
        return None, None
    match = _ROLE_AT.match(text)
    if match:
        return _bare(match["company"]), _bare(match["role"])
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return _bare(parts[0]), _bare(parts[1])
    return _bare(text), None


def _cheer(ch: str) -> bool:
    return ch.isspace() or ch in _CHEERS or unicodedata.category(ch) in _SYMBOLS


def _bare(name: str) -> str | None:
    """``name`` without the cheers around it (as typed when nothing else is left)."""
    start, end = 0, len(name)
    while start < end and _cheer(name[start]):
        start += 1
    while end > start and _cheer(name[end - 1]):
        end -= 1
    return name[start:end] or name.strip() or None


def choose_reframe(outside: Sequence[str], stage: str | None) -> str:
    """The content key of the one reframe that fits their own answers best."""
    for reason in ("internal", "budget", "experience", "gut"):
        if reason in outside:
            return f"reflection.reframe.{reason}"
    if stage == "final_round" or stage == "offer":
        return "reflection.reframe.final_round"
    if stage in ("application", "phone_screen"):
        return "reflection.reframe.early"
    if "unknown" in outside:
        return "reflection.reframe.unknown"
    return "reflection.reframe.generic"


@dataclass(frozen=True)
class DebriefFacts:
    """What pattern detection needs from one finished debrief."""

    stage: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Patterns:
    stage: tuple[str, int, int] | None  # (stage, count, out of how many recent debriefs)
    reasons: tuple[tuple[str, int], ...]  # (reason, count), most frequent first

    @property
    def any(self) -> bool:
        return self.stage is not None or bool(self.reasons)


def find_patterns(history: Sequence[DebriefFacts]) -> Patterns:
    """Repeats across debriefs (newest first). Needs at least three to say anything."""
    if len(history) < PATTERN_MIN:
        return Patterns(None, ())
    recent = history[:PATTERN_WINDOW]
    stages = Counter(d.stage for d in recent if d.stage)
    stage = None
    if stages:
        name, count = stages.most_common(1)[0]
        if count >= PATTERN_MIN:
            stage = (name, count, len(recent))
    reasons = Counter(r for d in history for r in d.reasons if r != "not_sure")
    repeated = tuple((r, n) for r, n in reasons.most_common() if n >= PATTERN_MIN)[:2]
    return Patterns(stage, repeated)


def choose_actions(
    reasons: Sequence[str], repeated: Sequence[str], used: Counter[str]
) -> list[tuple[str, int]]:
    """Up to three (reason, variant) next actions: repeats across debriefs first, then this
    debrief's reasons; a reason's variant rotates so the same action is not suggested again."""
    picked: list[str] = []
    for reason in [*repeated, *reasons]:
        if reason != "not_sure" and reason not in picked:
            picked.append(reason)
    if not picked:
        picked = ["not_sure" if "not_sure" in reasons else "general"]
    return [(reason, used[reason] % ACTION_VARIANTS) for reason in picked[:MAX_ACTIONS]]


def mood_band(mood: int) -> str:
    return "low" if mood <= 2 else "mid" if mood == 3 else "high"


# --- Records ------------------------------------------------------------------------------------


async def start_debrief(session: AsyncSession, user: User, now: datetime) -> Rejection:
    record = Rejection(
        user_id=user.id,
        went_well=[],
        reasons=[],
        outside=[],
        answered=[],
        created_at=now,
        updated_at=now,
    )
    session.add(record)
    await session.flush()
    return record


async def unfinished(session: AsyncSession, user_id: int) -> Rejection | None:
    """The newest debrief that was started and not finished."""
    query = (
        select(Rejection)
        .where(Rejection.user_id == user_id, Rejection.completed_at.is_(None))
        .order_by(Rejection.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def finished_count(session: AsyncSession, user_id: int) -> int:
    query = select(func.count()).where(
        Rejection.user_id == user_id, Rejection.completed_at.is_not(None)
    )
    return int((await session.execute(query)).scalar_one())


async def prefill(
    session: AsyncSession,
    user: User,
    now: datetime,
    company: str | None,
    stage: str | None,
    *,
    reason: str | None = None,
    words: str | None = None,
) -> Rejection:
    """A debrief started from rejection news, with the company and stage it named answered
    already (the flow then starts at the first question left). A reason the news gave is
    ticked in advance on the question that has it (OUTSIDE: "internal", "experience"), which
    is still asked; any other reason keeps ``words`` (what told it) as the debrief's note. An
    untouched one started this way before is reused rather than leaving several behind."""
    record = await unfinished(session, user.id)
    if record is None or not untouched(record):
        record = await start_debrief(session, user, now)
    answered = set(record.answered)
    if company:
        record.company, record.role = company[:COMPANY_LIMIT], None
        answered.add("company")
    if stage in STAGES:
        record.stage = stage
        answered.add("stage")
    record.answered = [step for step in ("company", "stage") if step in answered]
    if reason in OUTSIDE:
        record.outside = [v for v in OUTSIDE if v in {*record.outside, reason}]
    elif reason and words:
        record.note = joined_note(record.note, words)
    record.from_news = True
    record.updated_at = now
    await session.flush()
    return record


def joined_note(earlier: str | None, text: str, limit: int = ASIDE_LIMIT) -> str:
    """Another typed note added to what was kept before, within ``limit`` characters."""
    cleaned = " ".join(text.split())
    note = f"{earlier} / {cleaned}" if earlier else cleaned
    return note[:limit].rstrip()


def trimmed(text: str, limit: int = CARD_NOTE_LIMIT) -> str:
    """``text`` cut at a word boundary to fit ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-–—/") + "…"


def flow_data(record: Rejection) -> dict[str, object]:
    return {"rejection_id": record.id, "company_name": record.company}


def ticked_ahead(record: Rejection) -> dict[str, list[str]]:
    """Options ticked before their question is asked (a reason told with the news)."""
    if record.outside and "outside" not in record.answered:
        return {"outside": list(record.outside)}
    return {}


def next_question(record: Rejection) -> str | None:
    """The first question this debrief has not answered yet."""
    return next((s.name for s in FLOW.steps if s.name not in record.answered), None)


def title(record: Rejection) -> Ref:
    if record.company:
        return Ref("reflection.title_with_company", {"company": record.company})
    return Ref("reflection.title")


def stage_label(stage: str | None) -> Ref:
    return Ref(f"reflection.stage.{stage}") if stage else Ref("common.nothing")


def mood_label(mood: int | None) -> Ref:
    return Ref(f"reflection.mood.{mood}") if mood else Ref("common.nothing")


def card_notes(record: Rejection) -> list[Ref]:
    """What the person typed during the debrief, in their words (trimmed for the card)."""
    notes = (
        ("reflection.card_note.went_well", record.went_well_note),
        ("reflection.card_note.differently", record.reasons_note),
        ("reflection.card_note.aside", record.note),
    )
    return [Ref(key, {"text": trimmed(text)}) for key, text in notes if text and text.strip()]


def card(
    record: Rejection, actions: Sequence[PlanAction], seed: int, low: Ref | None = None
) -> Say:
    """The summary card: what they said (their own words too), one reframe, the next steps;
    on a low day (``low``: :func:`_low_ending`'s words) no steps, rest instead."""
    steps = tuple(action_text(a) for a in actions)
    notes = card_notes(record)
    extra: dict[str, object] = {}
    if notes:
        extra["notes"] = RefList(tuple(notes), separator="\n")
    key = "reflection.summary_with_notes" if notes else "reflection.summary"
    if low is not None:
        key, extra["ending"] = key.replace("summary", "summary_low"), low
    return Say(
        key,
        {
            **extra,
            "title": title(record),
            "stage": stage_label(record.stage),
            "mood": mood_label(record.mood),
            "went_well": RefList.of([f"reflection.went_well.{v}" for v in record.went_well]),
            "reasons": RefList.of([f"reflection.reason.{v}" for v in record.reasons]),
            "outside": RefList.of([f"reflection.outside.{v}" for v in record.outside]),
            "reframe": Ref(choose_reframe(record.outside, record.stage), variant=seed),
            "actions": RefList(steps, separator="\n", prefix="• "),
        },
    )


def pattern_message(patterns: Patterns, seed: int) -> Say | None:
    if not patterns.any:
        return None
    lines: list[Ref] = [Ref("reflection.patterns.intro")]
    if patterns.stage:
        stage, count, total = patterns.stage
        lines.append(
            Ref(
                "reflection.patterns.stage",
                {"count": count, "total": total, "stage": Ref(f"reflection.stage.{stage}")},
            )
        )
        lines.append(Ref("reflection.patterns.advice_stage", variant=seed))
    for reason, count in patterns.reasons:
        lines.append(
            Ref(
                "reflection.patterns.reason",
                {"reason": Ref(f"reflection.reason.{reason}"), "count": count},
            )
        )
    if patterns.reasons:
        lines.append(Ref("reflection.patterns.advice_reason", variant=seed))
    return Say("common.lines", {"lines": RefList(tuple(lines), separator="\n")})


async def history_facts(session: AsyncSession, user_id: int) -> list[DebriefFacts]:
    query = (
        select(Rejection.stage, Rejection.reasons)
        .where(Rejection.user_id == user_id, Rejection.completed_at.is_not(None))
        .order_by(Rejection.completed_at.desc(), Rejection.id.desc())
        .limit(50)
    )
    return [DebriefFacts(stage, tuple(reasons)) for stage, reasons in await session.execute(query)]


async def actions_used(session: AsyncSession, user_id: int) -> Counter[str]:
    query = (
        select(PlanAction.reason, func.count())
        .where(PlanAction.user_id == user_id)
        .group_by(PlanAction.reason)
    )
    return Counter({reason: count for reason, count in (await session.execute(query)).all()})


async def actions_of(session: AsyncSession, record_id: int) -> list[PlanAction]:
    query = select(PlanAction).where(PlanAction.rejection_id == record_id).order_by(PlanAction.id)
    return list((await session.execute(query)).scalars())


_REJECTIONS = cast(Table, Rejection.__table__)
# ``answered`` with ``:step`` added unless it is there already, in the UPDATE itself (no read
# of the record first): JSON text on SQLite (json_insert's '$[#]' needs SQLite 3.31), JSONB on
# PostgreSQL.
_ADD_ANSWERED = {
    "sqlite": text(
        "CASE WHEN EXISTS (SELECT 1 FROM json_each(coalesce(answered, '[]')) WHERE value = :step)"
        " THEN answered ELSE json_insert(coalesce(answered, '[]'), '$[#]', :step) END"
    ),
    "postgresql": text(
        "CASE WHEN coalesce(answered, '[]'::jsonb) @> jsonb_build_array(CAST(:step AS text))"
        " THEN answered"
        " ELSE coalesce(answered, '[]'::jsonb) || jsonb_build_array(CAST(:step AS text)) END"
    ),
}


def _answer_columns(step: str, value: JsonValue, data: dict[str, JsonValue]) -> dict[str, object]:
    """What one answer sets on the Rejection record."""
    if step == "company":
        company, role = split_company_role(str(value)) if value else (None, None)
        return {"company": company, "role": role}
    if step == "stage":
        return {"stage": value}
    if step == "mood":
        return {"mood": int(str(value)) if value else None}
    if step == "went_well":
        return {"went_well": list(value or []), "went_well_note": data.get("went_well_note")}
    if step == "differently":
        return {"reasons": list(value or []), "reasons_note": data.get("differently_note")}
    if step == "outside":
        return {"outside": list(value or [])}
    return {}


@functools.cache
def _record_answer(columns: frozenset[str], dialect: str) -> Update:
    """The UPDATE setting ``columns`` and adding the step to ``answered``: one per step and
    database, built once (building a statement costs more CPU than running it)."""
    answered: TextClause = _ADD_ANSWERED[dialect]
    return (
        update(_REJECTIONS)
        .where(_REJECTIONS.c.id == bindparam("record"))
        .values({**{column: bindparam(column) for column in sorted(columns)}, "answered": answered})
    )


class ReflectionSpec:
    """Each answer lands on the Rejection record the moment it is given."""

    flow = FLOW

    async def apply(self, ctx: FlowContext, step: str, answer: Accepted) -> None:
        """One Core UPDATE, not an ORM load and flush (every answer of every debrief passes
        here; the ORM cost three times as much, py-spy) nor a read of ``answered`` first (the
        UPDATE adds the step itself: one statement, four hand-overs to aiosqlite's thread,
        fewer per answer)."""
        record_id = ctx.data["rejection_id"]
        values = _answer_columns(step, answer.value, ctx.data)
        values["updated_at"] = ctx.now
        dialect = ctx.session.get_bind().dialect.name
        statement = _record_answer(frozenset(values), dialect)
        result = await ctx.session.execute(statement, {"record": record_id, "step": step, **values})
        if not result.rowcount:  # type: ignore[attr-defined]  # erased meanwhile (/forget)
            return
        if "company" in values:
            ctx.data["company_name"] = values["company"]

    def reason_step(self, reason: str) -> str | None:
        """A reason typed in the debrief ("they went with an internal candidate") is ticked on
        "What was outside your control?" when it has a box there (flows.TakesReasons)."""
        return "outside" if reason in OUTSIDE else None

    async def keep_note(self, ctx: FlowContext, text: str) -> bool:
        """Words typed beside a question (an aside) are kept with this debrief."""
        record = await ctx.session.get(Rejection, ctx.data["rejection_id"])
        if record is None:
            return False
        record.note = joined_note(record.note, text)
        record.updated_at = ctx.now
        return True

    def acknowledge(self, ctx: FlowContext, step: str, answer: Accepted) -> list[Say]:
        if step == "mood" and answer.value:
            return [Say(f"reflection.mood_reply.{mood_band(int(answer.value))}")]
        return []

    def prompt_params(self, ctx: FlowContext, step: str) -> dict[str, object]:
        if step == "stage":
            company = ctx.data.get("company_name")
            return {"company": company or Ref("reflection.this_company")}
        return {}

    async def finish(self, ctx: FlowContext) -> list[Say]:
        record = await ctx.session.get(Rejection, ctx.data["rejection_id"])
        if record is None:
            return []
        record.completed_at = ctx.now
        record.feedback_status = "offered"
        await ctx.session.flush()
        facts = await history_facts(ctx.session, ctx.user.id)
        patterns = find_patterns(facts)
        used = await actions_used(ctx.session, ctx.user.id)
        actions = [
            PlanAction(
                user_id=ctx.user.id,
                rejection_id=record.id,
                reason=reason,
                variant=variant,
                status="open",
                created_at=ctx.now,
            )
            for reason, variant in choose_actions(
                record.reasons, [r for r, _ in patterns.reasons], used
            )
        ]
        # A low day (a mood of 1-2 here, or today's check-ins say so): no tasks; the steps
        # rest, kept for when the mood lifts (bot.services.checkins.lift_rest).
        low = await _low_ending(ctx, record)
        if low is not None:
            for action in actions:
                action.status = checkins.RESTING
        else:
            await checkins.lift_rest(ctx.session, ctx.user.id)
        ctx.session.add_all(actions)
        seed = len(facts)
        replies = [card(record, actions, seed, low)]
        pattern = pattern_message(patterns, seed)
        if pattern is not None:
            replies.append(pattern)
        replies.append(feedback_offer(record))
        return replies


async def _low_ending(ctx: FlowContext, record: Rejection) -> Ref | None:
    """The end of a debrief on a low day (a mood of 1-2 given here, or none given and today a
    low day by the check-ins): rest, one self-care idea, an offer to talk to someone, and the
    word that the steps wait; None on any other day."""
    if record.mood is not None and int(record.mood) > checkins.LOW:
        return None
    if record.mood is None and not await checkins.low_day(ctx.session, ctx.user, ctx.now):
        return None
    uid, now = ctx.user.id, ctx.now
    return Ref(
        "reflection.low_ending",
        {
            "care": await variants.ref(ctx.session, uid, "checkin.self_care", now),
            "talk": await variants.ref(ctx.session, uid, "checkin.talk", now),
        },
    )


def feedback_offer(record: Rejection) -> Say:
    """Hand over to a feedback request for this debrief (see bot.services.feedback)."""
    return Say(
        "reflection.feedback_offer",
        buttons=(
            (
                Button("reflection.buttons.draft_now", data=MENU.pack(MenuTap("for", record.id))),
                Button("reflection.buttons.later", data=MENU.pack(MenuTap("later", record.id))),
            ),
        ),
    )


def opener(again: bool) -> Say:
    return Say(
        "reflection.opener_again" if again else "reflection.opener",
        buttons=(
            (
                Button("reflection.buttons.start", data=REFLECT.pack(ReflectTap("start"))),
                Button("reflection.buttons.not_now", data=REFLECT.pack(ReflectTap("later"))),
            ),
        ),
    )


def untouched(record: Rejection) -> bool:
    """Filled in from news the person typed and never opened as a debrief."""
    return record.from_news


def continue_or_fresh(record: Rejection) -> Say:
    """Pick up the open debrief, or start another. One the person never opened (filled from
    news they typed) is offered as that news, not as something they stopped partway."""
    params: dict[str, object] = {}
    if not untouched(record):
        key, params = "reflection.continue_or_fresh", {"title": title(record)}
        go_on, other = "reflection.buttons.continue", "reflection.buttons.fresh"
    else:
        key = "reflection.offer_from_news_plain"
        if record.company:
            key, params = "reflection.offer_from_news", {"company": record.company}
        go_on, other = "reflection.buttons.start", "reflection.buttons.another_no"
    return Say(
        key,
        params,
        (
            (
                Button(go_on, data=REFLECT.pack(ReflectTap("continue", record.id))),
                Button(other, data=REFLECT.pack(ReflectTap("fresh", record.id))),
            ),
        ),
    )


def reminder_message() -> Say:
    return Say(
        "reflection.reminder",
        buttons=(
            (
                Button("reflection.buttons.start", data=REFLECT.pack(ReflectTap("start"))),
                Button("reflection.buttons.not_now", data=REFLECT.pack(ReflectTap("dismiss"))),
            ),
        ),
    )
