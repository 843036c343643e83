"""/strengths: the person's list of core strengths, typed freely or taken from suggestions.

Suggestions come from what they already told Rebound: the "went well" answers and notes of
their debriefs, employer feedback that praised something, and wins they logged. Each typed
strength is matched to the skills vocabulary when it names a known skill (so /match finds it
in any wording); otherwise it is kept, and matched, in the person's own words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import regex  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FEEDBACK_HELD, FeedbackRequest, Rejection, Strength, User, Win
from bot.services import matching
from bot.services.callback_data import MATCH, STRENGTHS, StrengthsTap, WordTap
from bot.services.flow_engine import Accepted, Flow, Rejected, Step
from bot.services.flows import AnswerAtFinish, FlowContext
from bot.services.replies import Button, Ref, RefList, Say

MAX_STRENGTHS = 40
TEXT_LIMIT = 80
TYPED_LIMIT = 1500  # one message of several strengths
SUGGESTIONS = 6
BUTTON_TEXT = 27  # a strength's text on a remove button ("✖ …") is cut to this: 30 fit a phone
_SPLIT = regex.compile(r"[,;\n•·]+|\s+[-–—]\s+")


def split_typed(text: str) -> list[str]:
    """ "SQL, public speaking; Figma" → three strengths (trimmed, de-duplicated, capped)."""
    out: list[str] = []
    seen: set[str] = set()
    for part in _SPLIT.split(text):
        clean = " ".join(part.split()).strip(" .-*")
        if not clean:
            continue
        if len(clean) > TEXT_LIMIT:
            clean = clean[:TEXT_LIMIT].rstrip()
        key = clean.casefold()
        if key not in seen:
            seen.add(key)
            out.append(clean)
    return out


def parse_typed(text: str, _now: datetime) -> Accepted | Rejected:
    """The add step's answer: at least one strength; newlines kept, so lists split."""
    if not split_typed(text[:TYPED_LIMIT]):
        return Rejected("flow.empty_text")
    return Accepted(text[:TYPED_LIMIT].strip(), "")


ADD_FLOW = Flow(
    "sa",
    1,
    (Step("text", "strengths.ask_add", parse_text=parse_typed, skippable=True),),
)


def language(user: User) -> str:
    return matching.stemmer_language(user.language)


async def listed(session: AsyncSession, user_id: int) -> list[Strength]:
    query = select(Strength).where(Strength.user_id == user_id).order_by(Strength.id)
    return list((await session.execute(query)).scalars())


def refs(strengths: Sequence[Strength]) -> list[matching.StrengthRef]:
    return [matching.StrengthRef(s.id, s.text, s.skill) for s in strengths]


async def add(
    session: AsyncSession, user: User, items: Sequence[str], source: str, now: datetime
) -> tuple[list[Strength], bool]:
    """Add strengths not already listed; returns (added, whether the list is now full)."""
    current = await listed(session, user.id)
    texts = {s.text.casefold() for s in current}
    skills = {s.skill for s in current if s.skill}
    vocab = matching.vocabulary().skills
    added: list[Strength] = []
    for item in items:
        if len(current) + len(added) >= MAX_STRENGTHS:
            return added, True
        skill = matching.identify(item, language(user))
        if item.casefold() in texts or (skill is not None and skill in skills):
            continue
        strength = Strength(
            user_id=user.id,
            text=item,
            skill=skill,
            kind=vocab[skill].kind if skill else "other",
            source=source,
            created_at=now,
        )
        session.add(strength)
        added.append(strength)
        texts.add(item.casefold())
        if skill:
            skills.add(skill)
    await session.flush()
    return added, len(current) + len(added) >= MAX_STRENGTHS


async def add_skill(
    session: AsyncSession, user: User, skill: str, source: str, now: datetime
) -> Strength | None:
    """Add a vocabulary skill by id (a suggestion or a gap tapped); None if unknown or there."""
    entry = matching.vocabulary().skills.get(skill)
    if entry is None:
        return None
    added, _ = await add(session, user, [entry.label], source, now)
    return added[0] if added else None


async def remove(session: AsyncSession, user_id: int, strength_id: int) -> bool:
    strength = await session.get(Strength, strength_id)
    if strength is None or strength.user_id != user_id:
        return False
    await session.delete(strength)
    await session.flush()
    return True


async def suggestions(session: AsyncSession, user: User) -> list[str]:
    """Skill ids their own records point to, most supported first, not yet on the list."""
    lang = language(user)
    vocab = matching.vocabulary()
    found: Counter[str] = Counter()
    debriefs = await session.execute(
        select(Rejection.went_well, Rejection.went_well_note).where(
            Rejection.user_id == user.id, Rejection.completed_at.is_not(None)
        )
    )
    for went_well, note in debriefs:
        found.update(vocab.went_well[v] for v in went_well if v in vocab.went_well)
        if note:
            found.update(matching.skills_in(note, lang))
    replies = await session.execute(
        select(FeedbackRequest.reply_text).where(
            FeedbackRequest.user_id == user.id,
            FeedbackRequest.reply_text.is_not(None),
            FeedbackRequest.status != FEEDBACK_HELD,
        )
    )
    for (reply,) in replies:
        found.update(matching.praised_skills(reply or "", lang))
    wins = await session.execute(
        select(Win.text).where(Win.user_id == user.id, Win.text.is_not(None))
    )
    for (text,) in wins:
        found.update(matching.skills_in(text or "", lang))
    have = {s.skill for s in await listed(session, user.id) if s.skill}
    ranked = sorted(
        (skill for skill in found if skill not in have and skill in vocab.skills),
        key=lambda skill: (-found[skill], skill),
    )
    return ranked[:SUGGESTIONS]


async def count(session: AsyncSession, user_id: int) -> int:
    query = select(func.count()).where(Strength.user_id == user_id)
    return int((await session.execute(query)).scalar_one())


# --- What the person sees ----------------------------------------------------------------------


def label(skill: str) -> Ref:
    """A vocabulary skill's name in the reader's language (content ``skills.<id>``)."""
    return Ref(f"skills.{skill}")


def shown(text: str, skill: str | None) -> object:
    """A strength as the reader sees it: a skill added from the vocabulary (stored under its
    English label) in their language; anything they typed, as typed."""
    entry = matching.vocabulary().skills.get(skill) if skill else None
    return label(entry.id) if entry is not None and text == entry.label else text


def _groups(strengths: Sequence[Strength]) -> RefList:
    parts: list[Ref] = []
    for kind in matching.KINDS:
        mine = [s for s in strengths if s.kind == kind]
        if mine:
            items = RefList(
                tuple(Ref("strengths.item", {"text": shown(s.text, s.skill)}) for s in mine),
                separator="\n",
            )
            parts.append(
                Ref("strengths.group", {"name": Ref(f"strengths.kind.{kind}"), "items": items})
            )
    return RefList(tuple(parts), separator="\n\n")


def suggestion_buttons(
    skills: Sequence[str], action: Literal["add", "gap"] = "add"
) -> list[tuple[Button, ...]]:
    """ "➕ SQL" buttons, two to a row: ``add`` on the list itself, ``gap`` under a /match."""
    buttons = [
        Button(
            "strengths.buttons.suggestion",
            data=STRENGTHS.pack(StrengthsTap(action, skill)),
            params={"label": label(skill)},
        )
        for skill in skills
    ]
    return [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]


def overview(
    strengths: Sequence[Strength], suggested: Sequence[str], *, replace: bool = False
) -> Say:
    """The list, grouped by kind, with suggestions to add in one tap and what to do next."""
    buttons: list[tuple[Button, ...]] = suggestion_buttons(suggested)
    actions = [Button("strengths.buttons.add", data=STRENGTHS.pack(StrengthsTap("new")))]
    if strengths:
        actions.append(
            Button("strengths.buttons.remove", data=STRENGTHS.pack(StrengthsTap("rmlist")))
        )
    buttons.append(tuple(actions))
    if strengths:
        buttons.append(
            (
                Button("strengths.buttons.copy", data=STRENGTHS.pack(StrengthsTap("copy"))),
                Button("strengths.buttons.match", data=MATCH.pack(WordTap("start"))),
            )
        )
    hint = Ref("strengths.suggest_hint") if suggested else Ref("strengths.match_hint")
    if not strengths:
        return Say("strengths.empty", {"hint": hint}, tuple(buttons), replace=replace)
    return Say(
        "strengths.overview",
        {"count": len(strengths), "groups": _groups(strengths), "hint": hint},
        tuple(buttons),
        replace=replace,
    )


def remove_page(strengths: Sequence[Strength], *, replace: bool = True) -> Say:
    """One button per strength; each tap removes one and shows the page again."""
    buttons: list[tuple[Button, ...]] = [
        (
            Button(
                "strengths.buttons.remove_item",
                data=STRENGTHS.pack(StrengthsTap("rm", str(s.id))),
                params={"text": shown(_cut(s.text), s.skill)},
            ),
        )
        for s in strengths
    ]
    buttons.append(
        (Button("strengths.buttons.finished", data=STRENGTHS.pack(StrengthsTap("show"))),)
    )
    key = "strengths.remove_page" if strengths else "strengths.remove_empty"
    return Say(key, buttons=tuple(buttons), replace=replace)


def _cut(text: str) -> str:
    return text if len(text) <= BUTTON_TEXT else text[: BUTTON_TEXT - 1].rstrip() + "…"


def plain_list(strengths: Sequence[Strength]) -> Say:
    """The list as plain lines, easy to copy into a CV or a cover letter."""
    lines = RefList(
        tuple(Ref("strengths.plain_item", {"text": shown(s.text, s.skill)}) for s in strengths),
        separator="\n",
    )
    return Say("strengths.plain", {"lines": lines})


class AddSpec(AnswerAtFinish):
    """One question: which strengths to add (several at once, comma or line separated)."""

    flow = ADD_FLOW

    async def finish(self, ctx: FlowContext) -> list[Say]:
        typed = ctx.data.get("text")
        replies: list[Say] = []
        if typed:
            added, full = await add(
                ctx.session, ctx.user, split_typed(str(typed)), "typed", ctx.now
            )
            if added:
                names = RefList(
                    tuple(
                        Ref("strengths.added_item", {"text": shown(s.text, s.skill)}) for s in added
                    )
                )
                replies.append(Say("strengths.added", {"items": names}))
            else:
                replies.append(Say("strengths.added_none"))
            if full:
                replies.append(Say("strengths.full", {"limit": MAX_STRENGTHS}))
        current = await listed(ctx.session, ctx.user.id)
        replies.append(overview(current, await suggestions(ctx.session, ctx.user)))
        return replies
