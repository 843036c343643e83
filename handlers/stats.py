"""/stats: a chart of the person's last 30 or 90 days (or all of it), with a one-line summary
as its caption and period buttons that redraw it in place. (The weekly review's small chart is
sent by the dispatcher, bot.dispatch.weekly_chart.)

Charts are drawn after the transaction commits, in the drawing process (``bot.drawing``). A
period button replaces the tapped message's picture, caption and buttons (editMessageMedia), so
the chat keeps one chart however often the person switches; the period already shown is not
drawn again. "Not much to draw yet" is a text message: it becomes the chart in place once there
is enough, and another period's "not much yet" replaces its text. Only a chart whose narrower
period has too little to draw is followed by a new text message (a photo cannot become text).
"""

from __future__ import annotations

import functools
from dataclasses import replace

from telegram import Message
from telegram.ext import CommandHandler, filters

from bot.render import chart_text
from bot.runtime import RuntimeApp
from bot.services import callback_data, charts, stats
from handlers import taps
from handlers.turn import Turn, handler, redirected_to_private


async def _chart(turn: Turn, period: str, *, tapped: Message | None = None) -> None:
    """The chart (or "not much yet") for ``period``: new, or in place of ``tapped``."""
    data = await stats.gather(turn.session, turn.person, turn.now, period)
    if not data.enough:
        little = stats.little_data(data)
        if tapped is not None and tapped.photo:  # a photo cannot become text: a new message
            turn.clear_tapped()
        elif tapped is not None:
            little = replace(little, replace=True)
        turn.say(little)
        return
    text = chart_text(turn.texts, f"stats.period.{data.period}")
    turn.attach(
        f"rebound-stats-{data.period}.png",
        functools.partial(charts.render_stats, data, text),
        caption=turn.with_app(stats.caption(data), "mood"),
        as_photo=True,
        in_place=tapped is not None,
    )


async def show(turn: Turn) -> None:
    if redirected_to_private(turn, "stats"):
        return
    await _chart(turn, stats.DEFAULT_PERIOD)


async def on_period(turn: Turn, tap: callback_data.WordTap) -> None:
    """The same chart over another period, in place of the tapped one."""
    query = turn.update.callback_query
    tapped = query.message if query is not None else None
    if not isinstance(tapped, Message):
        # A message too old to edit: its buttons are left as they are.
        taps.stale(turn)
        return
    await _chart(turn, tap.word, tapped=tapped)


def register(app: RuntimeApp) -> None:
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("stats", handler(show), filters=fresh))
    app.add_handler(taps.on(callback_data.PERIOD, on_period))
