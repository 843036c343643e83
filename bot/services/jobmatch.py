"""/match: a pasted job description against the person's strengths (issue 8).

The description is read once and never stored: the flow's one question takes it as the answer
that ends the flow, so its state row (the only place it passes through) is deleted in the same
transaction. What the person gets back: which of their strengths it asks for, which skills it
asks for that are not on their list (framed as things to prepare, never "a stretch"), other
requirement lines, and two or three talking points for the interview.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.services import matching, strengths
from bot.services.callback_data import MATCH, STRENGTHS, StrengthsTap, WordTap
from bot.services.flow_engine import Accepted, Flow, Rejected, Step
from bot.services.flows import AnswerAtFinish, FlowContext
from bot.services.replies import Button, Ref, RefList, Say

TEXT_LIMIT = 4096  # one Telegram message; longer pastes arrive as several messages
LONG_TEXT = 3500  # a paste this long was probably split: say that only this part was read
MIN_WORDS = 12
SHOWN_GAPS = 6
GAP_BUTTONS = 4
PREPARE_FIRST_SHARE = 0.34  # fewer of its skills than this on their list: say what to prepare first
PREPARE_FIRST_MIN = 4


def parse_description(text: str, _now: datetime) -> Accepted | Rejected:
    cleaned = text.strip()
    if not cleaned:
        return Rejected("flow.empty_text")
    return Accepted(cleaned[:TEXT_LIMIT], "")


FLOW = Flow(
    "mt",
    1,
    (Step("text", "match.ask", parse_text=parse_description, skippable=True),),
)


def again_button() -> Button:
    return Button("match.buttons.again", data=MATCH.pack(WordTap("start")))


def talking_points(result: matching.MatchResult) -> list[Ref]:
    """Two or three concrete things to prepare, from what matched and what is missing."""
    points: list[Ref] = []
    for index, strength in enumerate(result.asked[:2]):
        shown = strengths.shown(strength.text, strength.skill)
        points.append(Ref("match.point.strength", {"strength": shown}, variant=index))
    if result.gaps:
        gap = strengths.label(result.gaps[0])
        points.append(Ref("match.point.gap", {"skill": gap}))
    if len(points) < 2 and result.other:
        points.append(Ref("match.point.requirement", {"line": result.other[0]}))
    if len(points) < 2:
        points.append(Ref("match.point.questions"))
    return points[:3]


def result_message(result: matching.MatchResult, has_strengths: bool, read_part: bool) -> Say:
    """The answer: what matched, what is missing, what to prepare."""
    if result.words < MIN_WORDS or not result.requirements:
        return Say("match.nothing_found", buttons=((again_button(),),))
    lines: list[Ref] = [Ref("match.title", {"count": result.requirements})]
    if result.asked:
        asked = RefList(
            tuple(
                Ref("match.item", {"text": strengths.shown(s.text, s.skill)}) for s in result.asked
            ),
            separator="\n",
        )
        lines.append(Ref("match.asked", {"items": asked}))
    elif has_strengths:
        lines.append(Ref("match.asked_none"))
    else:
        lines.append(Ref("match.no_strengths"))
    gaps = [strengths.label(skill) for skill in result.gaps[:SHOWN_GAPS]]
    if gaps:
        items = RefList(tuple(Ref("match.item", {"text": g}) for g in gaps), separator="\n")
        key = "match.gaps" if has_strengths else "match.asks_for"
        lines.append(Ref(key, {"items": items}))
    if result.other:
        other = RefList(
            tuple(Ref("match.item", {"text": line}) for line in result.other), separator="\n"
        )
        lines.append(Ref("match.other", {"items": other}))
    known = len(result.mentions)
    covered = sum(1 for s in result.asked if s.skill in result.mentions)
    if has_strengths and known >= PREPARE_FIRST_MIN and covered / known < PREPARE_FIRST_SHARE:
        lines.append(Ref("match.prepare_first"))
    points = RefList(tuple(talking_points(result)), separator="\n", prefix="• ")
    lines.append(Ref("match.points", {"points": points}))
    lines.append(Ref("match.not_stored"))
    if read_part:
        lines.append(Ref("match.long_text"))
    buttons: list[tuple[Button, ...]] = []
    gap_ids = result.gaps[:GAP_BUTTONS]
    if gap_ids:
        buttons.extend(strengths.suggestion_buttons(gap_ids, action="gap"))
    buttons.append(
        (
            again_button(),
            Button("match.buttons.strengths", data=STRENGTHS.pack(StrengthsTap("list"))),
        )
    )
    return Say("common.lines", {"lines": RefList(tuple(lines), separator="\n\n")}, tuple(buttons))


async def answer(session: AsyncSession, user: User, text: str) -> Say:
    """Match ``text`` against the person's strengths; nothing of the text is kept."""
    mine = await strengths.listed(session, user.id)
    result = matching.match(text, strengths.refs(mine), strengths.language(user))
    return result_message(result, bool(mine), len(text) >= LONG_TEXT)


class MatchSpec(AnswerAtFinish):
    """One question: paste the description. The answer ends the flow; the result follows."""

    flow = FLOW

    async def finish(self, ctx: FlowContext) -> list[Say]:
        text = ctx.data.pop("text", None)
        if not text:
            return [Say("match.skipped")]
        return [await answer(ctx.session, ctx.user, str(text))]
