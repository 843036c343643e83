"""The weekly review as a photo of the person's week, its text the caption."""

from __future__ import annotations

import functools
import logging

from telegram import Bot, InputFile
from telegram.constants import ParseMode

from bot.drawing import Drawing
from bot.render import Renderer, chart_text
from bot.services import charts, stats
from bot.services.replies import Say

log = logging.getLogger("rebound.stats")
CAPTION_LIMIT = 900  # Telegram allows 1,024 characters of caption; keep a margin for tags


async def send_review_with_chart(
    bot: Bot,
    drawing: Drawing,
    chat_id: int,
    renderer: Renderer,
    review: Say,
    data: stats.WeekData,
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
        text = chart_text(renderer.texts, "stats.chart.week_title")
        png = await drawing.draw(functools.partial(charts.render_week, data, text))
    except Exception:
        log.exception("weekly chart could not be drawn")
        return False
    await bot.send_photo(
        chat_id,
        InputFile(png, filename="rebound-week.png"),
        caption=messages[0].text,
        parse_mode=ParseMode.HTML,
        reply_markup=messages[0].markup,
    )
    return True
