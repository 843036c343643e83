"""PNG charts for /stats and the weekly review, drawn with matplotlib's object API (issue 8).

No pyplot and no global state: each call builds its own ``Figure`` on an Agg canvas, so
renders are safe to run anywhere (handlers draw them in a separate process, ``bot.drawing``,
after the transaction, so the bot keeps answering while a chart is drawn). The picture has its
own opaque, light card background with dark text, so it reads the same in Telegram's light and
dark themes, and it is sized for a phone: 1080×1350 px for /stats, 1080×720 for the week.
Every word on it comes from content (``ChartText``); this module only draws.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import regex  # type: ignore[import-untyped]
from babel.dates import format_skeleton

from bot.services.stats import StatsData, WeekData

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 150
STATS_SIZE = (7.2, 9.0)  # inches: 1080×1350 px at 150 dpi
WEEK_SIZE = (7.2, 4.8)  # 1080×720 px
BACKGROUND = "#F7F4EE"  # warm off-white card; opaque so both themes show it the same
INK = "#2B2B2B"
MUTED = "#6B6B6B"
GRID = "#DDD7CC"
MOOD = "#3867A8"
MOOD_DOTS = "#8FB0DA"
BARS = "#5B8C85"
REASONS = "#C7773A"
DONE = "#4E8F55"
WINS = "#D0A021"
# Emoji and other pictographs: the bundled font has no glyphs for them.
_PICTOGRAPHS = regex.compile(r"[\p{Extended_Pictographic}\p{So}\uFE0F\u200D]")


@dataclass(frozen=True)
class ChartText:
    """The words a chart shows, already in the reader's language (plain text)."""

    title: str
    mood: str
    mood_low: str
    mood_high: str
    no_mood: str
    stages: str
    no_debriefs: str
    reasons: str
    no_reasons: str
    progress: str
    done: str
    wins: str
    no_progress: str
    names: Mapping[str, str]  # stage and reason ids → labels
    weekdays: Sequence[str] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    locale: str = "en"  # the reader's: how dates on the axes are written


def plain(text: str) -> str:
    """A label the font can draw: no emoji, single spaces."""
    return " ".join(_PICTOGRAPHS.sub("", text).split())


def _figure(size: tuple[float, float]) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=DPI, facecolor=BACKGROUND)
    figure.set_layout_engine("constrained", h_pad=0.12, w_pad=0.12, hspace=0.08)
    return figure


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND)
    return buffer.getvalue()


def _style(axes: Axes, title: str) -> None:
    axes.set_facecolor(BACKGROUND)
    axes.set_title(plain(title), loc="left", fontsize=15, fontweight="bold", color=INK, pad=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GRID)
    axes.tick_params(colors=MUTED, labelsize=11, length=0)


def _empty(axes: Axes, note: str) -> None:
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.text(
        0.5,
        0.5,
        plain(note),
        ha="center",
        va="center",
        fontsize=13,
        color=MUTED,
        transform=axes.transAxes,
    )


def _date_label(day: date, locale: str) -> str:
    """ "7 Dec", "7 dic", "7. Dez.", "7 дек." (CLDR, through Babel)."""
    return format_skeleton("MMMd", day, locale=locale)


def rolling_mean(values: Sequence[float], window: int = 7) -> list[float]:
    """Mean of each value and up to ``window - 1`` before it (smooths day-to-day noise)."""
    out: list[float] = []
    for index in range(len(values)):
        part = values[max(0, index - window + 1) : index + 1]
        out.append(sum(part) / len(part))
    return out


def _mood(axes: Axes, data: StatsData, text: ChartText) -> None:
    _style(axes, text.mood)
    if not data.moods:
        _empty(axes, text.no_mood)
        return
    xs = [(day - data.start).days for day, _ in data.moods]
    ys = [float(mood) for _, mood in data.moods]
    axes.scatter(xs, ys, s=28, color=MOOD_DOTS, zorder=2)
    if len(ys) >= 2:
        axes.plot(xs, rolling_mean(ys), color=MOOD, linewidth=3, zorder=3)
    span = max((data.end - data.start).days, 1)
    axes.set_xlim(-0.5, span + 0.5)
    axes.set_ylim(0.6, 5.4)
    axes.set_yticks([1, 3, 5], [plain(text.mood_low), "3", plain(text.mood_high)])
    ticks = sorted({0, span // 2, span})
    axes.set_xticks(
        ticks, [_date_label(data.start + timedelta(days=t), text.locale) for t in ticks]
    )
    axes.grid(axis="y", color=GRID, linewidth=0.8)


def _hbars(
    axes: Axes,
    title: str,
    rows: Sequence[tuple[str, int]],
    names: Mapping[str, str],
    color: str,
    empty: str,
) -> None:
    _style(axes, title)
    if not any(count for _, count in rows):
        _empty(axes, empty)
        return
    labels = [plain(names.get(key, key)) for key, _ in rows][::-1]
    counts = [count for _, count in rows][::-1]
    bars = axes.barh(range(len(rows)), counts, color=color, height=0.62)
    axes.set_yticks(range(len(rows)), labels)
    axes.bar_label(
        bars, labels=[str(c) if c else "" for c in counts], padding=4, color=INK, fontsize=12
    )
    axes.set_xticks([])
    axes.spines["bottom"].set_visible(False)
    axes.set_xlim(0, max(counts) * 1.18)


def _progress(axes: Axes, data: StatsData, text: ChartText) -> None:
    _style(axes, text.progress)
    if not (data.done_total or data.wins_total):
        _empty(axes, text.no_progress)
        return
    xs = list(range(len(data.buckets)))
    width = 0.4
    axes.bar([x - width / 2 for x in xs], data.done, width, color=DONE, label=plain(text.done))
    axes.bar([x + width / 2 for x in xs], data.wins, width, color=WINS, label=plain(text.wins))
    step = max(1, len(xs) // 4)
    shown = xs[::step]
    axes.set_xticks(shown, [_date_label(data.buckets[x], text.locale) for x in shown])
    top = max([*data.done, *data.wins, 1])
    axes.set_yticks(sorted({0, top}))
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.legend(frameon=False, fontsize=11, labelcolor=INK, loc="upper left", ncols=2)
    axes.set_ylim(0, top * 1.35)


def render_stats(data: StatsData, text: ChartText) -> bytes:
    """The /stats picture: mood, where debriefs ended, reasons, steps and wins."""
    figure = _figure(STATS_SIZE)
    figure.suptitle(plain(text.title), x=0.02, ha="left", fontsize=18, fontweight="bold", color=INK)
    grid = figure.add_gridspec(4, 1, height_ratios=[1.2, 1.15, 1.0, 1.0])
    _mood(figure.add_subplot(grid[0]), data, text)
    _hbars(
        figure.add_subplot(grid[1]), text.stages, data.stages, text.names, BARS, text.no_debriefs
    )
    _hbars(
        figure.add_subplot(grid[2]),
        text.reasons,
        data.reasons,
        text.names,
        REASONS,
        text.no_reasons,
    )
    _progress(figure.add_subplot(grid[3]), data, text)
    return _png(figure)


def render_week(data: WeekData, text: ChartText) -> bytes:
    """The weekly review's small picture: each day's mood, steps done and wins."""
    figure = _figure(WEEK_SIZE)
    figure.suptitle(plain(text.title), x=0.02, ha="left", fontsize=17, fontweight="bold", color=INK)
    mood_axes, bar_axes = figure.subplots(2, 1, sharex=True, height_ratios=[1.3, 1.0])
    xs = list(range(len(data.days)))
    _style(mood_axes, text.mood)
    points = [(x, m) for x, m in zip(xs, data.moods, strict=True) if m is not None]
    if points:
        mood_axes.plot(
            *zip(*points, strict=True), color=MOOD, linewidth=3, marker="o", markersize=9
        )
        mood_axes.set_ylim(0.6, 5.4)
        mood_axes.set_yticks([1, 3, 5], [plain(text.mood_low), "3", plain(text.mood_high)])
        mood_axes.grid(axis="y", color=GRID, linewidth=0.8)
    else:
        _empty(mood_axes, text.no_mood)
    _style(bar_axes, text.progress)
    width = 0.38
    bar_axes.bar([x - width / 2 for x in xs], data.done, width, color=DONE, label=plain(text.done))
    bar_axes.bar([x + width / 2 for x in xs], data.wins, width, color=WINS, label=plain(text.wins))
    top = max([*data.done, *data.wins, 1])
    bar_axes.set_yticks(sorted({0, top}))
    bar_axes.set_ylim(0, top * 1.4)
    bar_axes.legend(frameon=False, fontsize=10, labelcolor=INK, loc="upper left", ncols=2)
    bar_axes.set_xticks(xs, [plain(text.weekdays[day.weekday()]) for day in data.days])
    return _png(figure)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (for tests and sanity checks)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
