"""Which version of a repeated text a person reads next: the one they saw least recently.

Texts sent day after day (check-in prompts, mood replies, nudge intros, "done" replies, wins,
low-day messages) have many versions in ``content/``. A counter or a random pick repeats them
within days; here each person's last use of each version is stored (``variant_uses``) and the
next pick is a version they have never seen (at random among those), else the one seen longest
ago. With N versions and one message a day, nothing repeats for N days. The use is written in
the caller's transaction, so a message that is never sent (rolled back) is not counted.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import DEFAULT_LOCALE, Content, load_content
from bot.db.models import VariantUse
from bot.services.replies import Button, Ref, Say

_RNG = random.Random()


@functools.cache
def _content() -> Content:
    return load_content()


def warm_up() -> None:
    """Read the content once at start-up, not during someone's first check-in."""
    _content()


@functools.cache
def size(key: str) -> int:
    """How many versions ``key`` has in the complete (English) content; other locales may hold
    fewer, and the renderer wraps the number round."""
    return len(_content().variants(key, DEFAULT_LOCALE))


def least_recent(
    count: int, last_used: Mapping[int, datetime], rng: random.Random | None = None
) -> int:
    """A version never used (at random), else one of those used longest ago (at random)."""
    choices = range(count)
    never = [v for v in choices if v not in last_used]
    if never:
        return (rng or _RNG).choice(never)
    oldest = min(last_used[v] for v in choices)
    return (rng or _RNG).choice([v for v in choices if last_used[v] == oldest])


async def last_uses(session: AsyncSession, user_id: int, key: str) -> dict[int, datetime]:
    query = select(VariantUse.variant, VariantUse.used_at).where(
        VariantUse.user_id == user_id, VariantUse.key == key
    )
    return {variant: used_at for variant, used_at in (await session.execute(query)).all()}


async def record(
    session: AsyncSession, user_id: int, key: str, variant: int, now: datetime
) -> None:
    """Remember that the person saw ``variant`` of ``key`` at ``now`` (one row per version)."""
    values = {"user_id": user_id, "key": key, "variant": variant, "used_at": now}
    dialect = session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = make(VariantUse).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "key", "variant"], set_={"used_at": now}
    )
    await session.execute(statement)


async def pick(
    session: AsyncSession,
    user_id: int,
    key: str,
    now: datetime,
    *,
    count: int | None = None,
    rng: random.Random | None = None,
) -> int:
    """The version of ``key`` this person saw least recently, recorded as used at ``now``."""
    total = count if count is not None else size(key)
    if total <= 1:
        return 0
    variant = least_recent(total, await last_uses(session, user_id, key), rng)
    await record(session, user_id, key, variant, now)
    return variant


async def say(
    session: AsyncSession,
    user_id: int,
    key: str,
    now: datetime,
    params: dict[str, object] | None = None,
    buttons: tuple[tuple[Button, ...], ...] = (),
) -> Say:
    """``Say(key)`` in the version this person saw least recently."""
    variant = await pick(session, user_id, key, now)
    return Say(key, params or {}, buttons, variant=variant)


async def ref(
    session: AsyncSession,
    user_id: int,
    key: str,
    now: datetime,
    params: dict[str, object] | None = None,
) -> Ref:
    """``Ref(key)`` (a part of a message) in the version seen least recently."""
    return Ref(key, params or {}, variant=await pick(session, user_id, key, now))
