"""bot.drawing: charts are drawn in one separate process, started at the first chart and
replaced if it dies (issue 17: matplotlib in a thread held the event loop through the GIL)."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
from concurrent.futures.process import BrokenProcessPool
from datetime import date, timedelta

import pytest

from bot.drawing import Drawing
from bot.services import charts, stats
from tests.unit.test_charts import TEXT


def pid() -> bytes:
    return str(os.getpid()).encode()


def die() -> bytes:
    os._exit(3)  # a worker killed mid-chart (out of memory, say)


@pytest.mark.slow
async def test_charts_are_drawn_in_one_other_process() -> None:
    drawing = Drawing()
    try:
        first, second = await drawing.draw(pid), await drawing.draw(pid)
        assert first == second != str(os.getpid()).encode()
        days = [date(2026, 1, 9) + timedelta(days=i) for i in range(7)]
        week = stats.WeekData(days, [3, None, 2, 4, None, 5, 4], [0] * 7, [1] + [0] * 6)
        png = await drawing.draw(functools.partial(charts.render_week, week, TEXT))
        assert charts.png_size(png) == (1080, 720)
    finally:
        await drawing.close()


@pytest.mark.slow
async def test_a_dead_worker_is_replaced() -> None:
    drawing = Drawing()
    try:
        before = await drawing.draw(pid)
        with pytest.raises(BrokenProcessPool):  # tried on a fresh worker once, dies again
            await drawing.draw(die)
        after = await drawing.draw(pid)
        assert after != before and after.isdigit()
    finally:
        await drawing.close()


@pytest.mark.slow
async def test_a_worker_killed_between_charts_is_replaced() -> None:
    drawing = Drawing()
    try:
        before = await drawing.draw(pid)
        os.kill(int(before), signal.SIGKILL)
        await asyncio.sleep(0.5)  # the pool notices its worker is gone
        after = await drawing.draw(pid)
        assert after != before and after.isdigit()
    finally:
        await drawing.close()


def niceness() -> bytes:
    return str(os.nice(0)).encode()


async def test_the_worker_draws_at_a_lower_priority_than_the_bot() -> None:
    """On a busy machine a chart must not take the event loop's core (issue 17)."""
    drawing = Drawing()
    try:
        assert int(await drawing.draw(niceness)) > os.nice(0)
    finally:
        await drawing.close()
