"""/stats: a chart of the person's last 30 or 90 days (or all of it), with a one-line summary
as its caption and period buttons that redraw it in place; and the weekly review's small chart.

Charts are drawn after the transaction commits, in the drawing process (``bot.drawing``). A
period button replaces the tapped message's picture, caption and buttons (editMessageMedia), so
the chat keeps one chart however often the person switches; the period already shown is not
drawn again. "Not much to draw yet" is a text message: it becomes the chart in place once there
is enough, and another period's "not much yet" replaces its text. Only a chart whose narrower
period has too little to draw is followed by a new text message (a photo cannot become text).
"""

from __future__ import annotations

import functools
import html
import logging
from dataclasses import replace

from telegram import InputFile, Message
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, filters

from bot.content import Texts
from bot.runtime import Runtime, RuntimeApp
from bot.services import callback_data, charts, stats
from bot.services.reflection import REASONS, STAGES
from bot.services.replies import Say
from handlers import taps
from handlers.render import Renderer
from handlers.turn import Turn, handler, redirected_to_private

log = logging.getLogger("rebound.stats")
CAPTION_LIMIT = 900  # Telegram allows 1,024 characters of caption; keep a margin for tags


def _plain(texts: Texts, key: str) -> str:
    return html.unescape(texts(key, variant=0))


def chart_text(texts: Texts, title_key: str) -> charts.ChartText:
    """Every word a chart shows, in the reader's language."""
    names = {stage: _plain(texts, f"reflection.stage.{stage}") for stage in STAGES}
    names |= {reason: _plain(texts, f"reflection.reason.{reason}") for reason in REASONS}
    return charts.ChartText(
        title=_plain(texts, title_key),
        mood=_plain(texts, "stats.chart.mood"),
        mood_low=_plain(texts, "stats.chart.mood_low"),
        mood_high=_plain(texts, "stats.chart.mood_high"),
        no_mood=_plain(texts, "stats.chart.no_mood"),
        stages=_plain(texts, "stats.chart.stages"),
        no_debriefs=_plain(texts, "stats.chart.no_debriefs"),
        reasons=_plain(texts, "stats.chart.reasons"),
        no_reasons=_plain(texts, "stats.chart.no_reasons"),
        progress=_plain(texts, "stats.chart.progress"),
        done=_plain(texts, "stats.chart.done"),
        wins=_plain(texts, "stats.chart.wins"),
        no_progress=_plain(texts, "stats.chart.no_progress"),
        names=names,
        weekdays=tuple(_plain(texts, f"stats.chart.weekday.{day}") for day in range(7)),
        locale=texts.locale,
    )


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


async def send_review_with_chart(
    app: RuntimeApp, chat_id: int, renderer: Renderer, review: Say, data: stats.WeekData
) -> bool:
    """Send the weekly review as a photo of the week with the review as its caption (one
    message, so one notification and one send within the per-chat limit). False, with
    nothing sent, when there is nothing to draw, the text is too long for a caption, or the
    drawing failed: the caller then sends the review as text. Telegram errors propagate so the
    dispatcher records them as for any message."""
    messages = renderer.messages([review])
    if not data.enough or len(messages) != 1 or len(messages[0].text) > CAPTION_LIMIT:
        return False
    try:
        rt: Runtime = app.bot_data["runtime"]
        text = chart_text(renderer.texts, "stats.chart.week_title")
        png = await rt.drawing.draw(functools.partial(charts.render_week, data, text))
    except Exception:
        log.exception("weekly chart could not be drawn")
        return False
    await app.bot.send_photo(
        chat_id,
        InputFile(png, filename="rebound-week.png"),
        caption=messages[0].text,
        parse_mode=ParseMode.HTML,
        reply_markup=messages[0].markup,
    )
    return True


def register(app: RuntimeApp) -> None:
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("stats", handler(show), filters=fresh))
    app.add_handler(taps.on(callback_data.PERIOD, on_period))
