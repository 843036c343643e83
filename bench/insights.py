"""Charts and job-description matching (issue 8): how long a /stats picture takes to draw and a
/match takes to answer.

What is measured, in this process, after one warm-up each (the first render also imports
matplotlib and builds its font cache; that cold figure is reported apart):

* ``charts.render_stats`` for 30 and 90 days of daily check-ins (and debriefs, steps, wins), and
  ``charts.render_week`` for the weekly review: median and p95 over N renders. Handlers run
  these in a separate process (``bot.drawing``), so neither the event loop nor the GIL waits
  for them.
* ``matching.match`` on generated descriptions of 300 and 1,500 words (headings, bullets, skill
  phrases among filler) against nine strengths, in English and German stemming: median and
  p95 over N descriptions; compared with the issue's bound of 200 ms for 1,500 words.
"""

from __future__ import annotations

import functools
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from bench.common import Row, percentile, report

NAME = "insights"
FILLER_TEXT = (
    "we are a growing team that values ownership curiosity and kindness you will work closely "
    "with engineers designers and customers to ship features that matter across our platform "
    "and help shape how we build products in the years ahead"
)
FILLER = FILLER_TEXT.split()
SKILLS = (
    "SQL",
    "Python",
    "stakeholder management",
    "communication skills",
    "Kubernetes",
    "A/B testing",
    "Figma",
    "project management",
    "attention to detail",
    "Power BI",
)
STRENGTHS = (
    "SQL",
    "Python",
    "public speaking",
    "mentoring juniors",
    "Figma prototypes",
    "conflict resolution",
    "explaining complex things simply",
    "Excel",
    "Go",
)


def description(words: int, seed: int) -> str:
    """A realistic-shaped job description of about ``words`` words."""
    rng = random.Random(seed)
    lines, count, section = ["Senior Analyst", "", "What you'll do"], 0, 0
    while count < words:
        if count > words * (section + 1) / 4 and section < 3:
            section += 1
            lines += ["", ("Requirements", "Nice to have", "Benefits")[section - 1]]
        size = rng.randint(8, 20)
        chunk = [rng.choice(FILLER) for _ in range(size)]
        chunk.insert(rng.randrange(size), rng.choice(SKILLS))
        lines.append("- " + " ".join(chunk))
        count += size + 1
    return "\n".join(lines)


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _stats_data(days: int) -> object:
    from bot.services import stats
    from bot.services.reflection import STAGES

    end = date(2026, 1, 15)
    start = end - timedelta(days=days - 1)
    size, firsts = stats.buckets_for(start, end)
    rng = random.Random(days)
    return stats.StatsData(
        period=str(days),
        start=start,
        end=end,
        moods=[(start + timedelta(days=i), rng.randint(1, 5)) for i in range(days)],
        stages=[(s, rng.randint(0, 4)) for s in STAGES],
        reasons=[("tech_depth", 5), ("nerves", 3), ("examples", 2), ("research", 1)],
        bucket_days=size,
        buckets=firsts,
        done=[rng.randint(0, 4) for _ in firsts],
        wins=[rng.randint(0, 3) for _ in firsts],
        debriefs=9,
        feedback_sent_days_ago=12,
    )


def _chart_text() -> object:
    from bot.content import load_content
    from bot.render import chart_text

    return chart_text(load_content().texts("en"), "stats.period.30")


def main(full: bool = False) -> None:
    """Default: 15 renders and 30 descriptions per size; ``full``: 60 and 120."""
    from bot.services import charts, matching, stats

    renders, matches = (60, 120) if full else (15, 30)
    rows: list[Row] = []
    text = _chart_text()
    assert isinstance(text, charts.ChartText)
    month = _stats_data(30)
    assert isinstance(month, stats.StatsData)
    cold = _timed(lambda: charts.render_stats(month, text), 1)[0]
    rows.append(Row("stats chart, first render (imports)", "30 days", cold, "ms"))
    for days in (30, 90):
        data = _stats_data(days)
        assert isinstance(data, stats.StatsData)
        timings = _timed(functools.partial(charts.render_stats, data, text), renders)
        size = len(charts.render_stats(data, text))
        rows.append(
            Row(
                "stats chart render, median",
                f"{days} days",
                percentile(timings, 50),
                "ms",
                f"p95 {percentile(timings, 95):.0f} ms; PNG {size / 1024:.0f} KiB",
            )
        )
    week = stats.WeekData(
        [date(2026, 1, 9) + timedelta(days=i) for i in range(7)],
        [3, None, 2, 4, None, 5, 4],
        [0, 1, 0, 0, 2, 0, 1],
        [1, 0, 0, 0, 0, 0, 1],
    )
    timings = _timed(lambda: charts.render_week(week, text), renders)
    rows.append(
        Row(
            "weekly chart render, median",
            "7 days",
            percentile(timings, 50),
            "ms",
            f"p95 {percentile(timings, 95):.0f} ms",
        )
    )

    mine = [matching.StrengthRef(i, t, matching.identify(t)) for i, t in enumerate(STRENGTHS)]
    started = time.perf_counter()
    matching.match(description(1500, 0), mine, "spanish")  # builds that language's vocabulary
    rows.append(
        Row(
            "/match, first in a language (builds vocabulary)",
            "1,500 words",
            (time.perf_counter() - started) * 1000,
            "ms",
        )
    )
    for language in ("english", "german"):
        matching.match(description(300, 0), mine, language)
        for words in (300, 1500):
            texts = [description(words, seed) for seed in range(matches)]
            timings = []
            for body in texts:
                started = time.perf_counter()
                matching.match(body, mine, language)
                timings.append((time.perf_counter() - started) * 1000)
            compare = f"p95 {percentile(timings, 95):.1f} ms"
            if words == 1500:
                compare += f"; bound 200 ms ({200 / max(percentile(timings, 95), 1e-9):.0f}x under)"
            rows.append(
                Row(
                    f"/match median ({language} stemming)",
                    f"{words:,} words",
                    percentile(timings, 50),
                    "ms",
                    compare,
                )
            )
    report(
        NAME,
        "Charts and job-description matching",
        rows,
        notes=(
            "renders run in a worker thread in the bot (asyncio.to_thread), after the "
            "transaction commits",
        ),
    )


if __name__ == "__main__":
    main("--full" in sys.argv)
