"""What the listening tests share: replies as the person sees them, read from the content
catalogue (never copied English), and the debriefs a person has stored."""

from __future__ import annotations

from sqlalchemy import select

from bot.content import load_content
from bot.db.models import Rejection
from bot.emulator import BotMessage, SimUser
from bot.emulator.html import parse_html
from tests.e2e.harness import BotHarness

CONTENT = load_content()


def shown(key: str, locale: str = "en", **params: object) -> list[str]:
    """Every variant of ``key`` in ``locale`` as the person sees it (plain text)."""
    texts = CONTENT.texts(locale)
    return [parse_html(texts(key, variant=v, **params))[0] for v in range(texts.count(key))]


def first_lines(key: str, locale: str = "en", **params: object) -> list[str]:
    """The first line of every variant (the rest holds a varying tip)."""
    texts = CONTENT.texts(locale)
    return [
        texts.render(key, {**params, "tip": "\x00"}, variant=v).split("\n")[0]
        for v in range(texts.count(key))
    ]


def label(key: str, locale: str = "en") -> str:
    return CONTENT.texts(locale)(key, variant=0)


def one_of(text: str, candidates: list[str]) -> bool:
    return any(candidate in text for candidate in candidates)


async def debriefs(bot: BotHarness, user_id: int) -> list[Rejection]:
    async with bot.sessions() as session:
        query = select(Rejection).where(Rejection.user_id == user_id).order_by(Rejection.id)
        return list((await session.execute(query)).scalars())


async def open_debrief(user: SimUser, locale: str = "en") -> BotMessage:
    await user.send("/reflect")
    await user.next_message()
    await user.tap(label("reflection.buttons.start", locale))
    return await user.next_message()
