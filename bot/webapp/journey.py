"""The person's whole search as the Mini App shows it, read and changed through the same
services the chat uses (bot.services), so the chat and the app never disagree.

Everything here is plain data for JSON: texts are rendered from the content catalogue in the
person's language (``*_html`` fields are Telegram HTML as the chat shows it, params escaped;
the rest are plain text), and every record is looked up by the person's own id.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Texts
from bot.db.models import Rejection, User
from bot.render import Renderer
from bot.services import feedback, history, plan, reflection, stats, strengths
from bot.services.onboarding import FREQUENCIES, LANGUAGES
from bot.services.replies import Ref, Say, When
from bot.services.time_of_day import format_time_of_day

DEBRIEFS_SHOWN = 200  # a long search is a few dozen; the page scrolls


@dataclass(frozen=True)
class Words:
    """The person's catalogue, for rendering services' replies into the page."""

    texts: Texts

    @property
    def renderer(self) -> Renderer:
        return Renderer(self.texts)

    def html(self, reply: Say | Ref) -> str:
        if isinstance(reply, Ref):
            reply = Say(reply.key, reply.params, variant=reply.variant)
        return self.renderer.text(reply)

    def plain(self, reply: Say | Ref) -> str:
        """For text fields and the clipboard: no tags, entities decoded."""
        return html.unescape(_untagged(self.html(reply)))

    def when(self, moment: When) -> str:
        return moment.localized(self.texts.locale)

    def page(self) -> dict[str, str]:
        """Every word the page itself shows (content/<locale>/webapp.yaml), unrendered: the
        page fills ``{placeholders}`` with text, never with markup."""
        lead = "webapp."
        keys = [k for k in self.texts.content.all_keys() if k.startswith(lead)]
        return {k[len(lead) :]: self.texts.content.variants(k, self.texts.locale)[0] for k in keys}


def _untagged(text: str) -> str:
    out, inside = [], False
    for char in text:
        if char == "<":
            inside = True
        elif char == ">" and inside:
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out)


async def _debriefs(session: AsyncSession, user: User, words: Words) -> list[dict[str, Any]]:
    query = (
        select(Rejection)
        .where(Rejection.user_id == user.id, Rejection.completed_at.is_not(None))
        .order_by(Rejection.completed_at.desc(), Rejection.id.desc())
        .limit(DEBRIEFS_SHOWN)
    )
    zone = user.timezone or "UTC"
    out = []
    for record in (await session.execute(query)).scalars():
        assert record.completed_at is not None
        out.append(
            {
                "id": record.id,
                "company": record.company or words.plain(Ref("reflection.history.unnamed")),
                "role": record.role,
                "stage": record.stage,
                "stage_label": words.plain(reflection.stage_label(record.stage)),
                "date": record.completed_at.isoformat(),
                "date_label": words.when(history.short_date(record.completed_at, zone)),
                "mood": record.mood,
                "mood_label": words.plain(reflection.mood_label(record.mood)),
            }
        )
    return out


async def _patterns(session: AsyncSession, user: User, words: Words, seed: int) -> str | None:
    facts = await reflection.history_facts(session, user.id)
    found = reflection.pattern_message(reflection.find_patterns(facts), seed=seed)
    return None if found is None else words.html(found)


async def _plan(session: AsyncSession, user: User, words: Words) -> list[dict[str, Any]]:
    actions = await plan.open_actions(session, user.id)
    waiting = await plan.snoozed(session, user.id) if actions else set()
    return [
        {
            "id": action.id,
            "text_html": words.html(plan.action_text(action)),
            "snoozed": action.id in waiting,
        }
        for action in actions
    ]


async def _feedback(session: AsyncSession, user: User, words: Words) -> list[dict[str, Any]]:
    zone = user.timezone or "UTC"
    out = []
    for request in await feedback.recent_requests(session, user.id):
        item: dict[str, Any] = {
            "id": request.id,
            "company": request.company or words.plain(Ref("feedback.company_fallback")),
            "status": request.status,
            "state_label": words.plain(Ref(f"feedback.state.{request.status}")),
            "date_label": words.when(history.short_date(request.updated_at, zone)),
            "can_send": request.status == "draft",
            "can_reply": request.status in feedback.OPEN,
        }
        if request.status == "draft":
            went_well = await feedback.went_well_of(session, request)
            body, subject = feedback.draft_parts(request, user.signature_name or "", went_well)
            item["draft"] = words.plain(body)
            item["subject"] = None if subject is None else words.plain(subject)
        out.append(item)
    return out


def _stats(data: stats.StatsData, words: Words) -> dict[str, Any]:
    """The numbers /stats draws, for the page to draw (the same StatsData)."""
    return {
        "period": data.period,
        "enough": data.enough,
        "summary": words.plain(stats.summary(data)),
        "patterns": [words.plain(p) for p in stats.patterns(data)],
        "moods": [[day.isoformat(), mood] for day, mood in data.moods],
        "start": data.start.isoformat(),
        "end": data.end.isoformat(),
        "stages": [
            [words.plain(reflection.stage_label(stage)), count] for stage, count in data.stages
        ],
        "reasons": [
            [words.plain(Ref(f"reflection.reason.{reason}")), count]
            for reason, count in data.reasons
        ],
        "buckets": [day.isoformat() for day in data.buckets],
        "done": data.done,
        "wins": data.wins,
    }


def _settings(user: User, words: Words) -> dict[str, Any]:
    return {
        "timezone": user.timezone,
        "checkin_time": format_time_of_day(user.checkin_time) if user.checkin_time else None,
        "frequency": user.checkin_frequency or "off",
        "frequencies": [
            [value, words.plain(Ref(f"onboarding.frequency.{value}"))] for value in FREQUENCIES
        ],
        "language": words.texts.locale,
        "languages": [[code, words.plain(Ref(f"settings.language.{code}"))] for code in LANGUAGES],
        "paused": user.paused,
        "paused_until": user.paused_until.isoformat() if user.paused_until else None,
        "delete_confirm_html": words.html(Say("privacy.delete_confirm")),
        "delete_button": words.plain(Ref("privacy.buttons.delete")),
        "keep_button": words.plain(Ref("privacy.buttons.keep")),
    }


async def overview(
    session: AsyncSession, user: User, now: datetime, texts: Texts
) -> dict[str, Any]:
    """``GET /app/api/me``: the person's debriefs, plan, feedback requests, strengths, mood
    and activity (30 / 90 days / all) and settings, with the page's words."""
    words = Words(texts)
    debriefs = await _debriefs(session, user, words)
    periods = {
        period: _stats(await stats.gather(session, user, now, period), words)
        for period in stats.PERIODS
    }
    return {
        "locale": texts.locale,
        "words": words.page(),
        "debriefs": debriefs,
        "patterns_html": await _patterns(session, user, words, seed=len(debriefs)),
        "plan": await _plan(session, user, words),
        "feedback": await _feedback(session, user, words),
        "strengths": [
            {"id": s.id, "text": s.text} for s in await strengths.listed(session, user.id)
        ],
        "stats": periods,
        "settings": _settings(user, words),
    }
