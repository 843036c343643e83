"""How well bot.services.understanding reads typed messages, and how fast.

``python -m bench.understanding [file ...] [--counts]`` scores labelled sets (default: the
tuning set, bench/data/understanding_tuning.yaml, and the held-out set when present). A set is
YAML: ``cases: [{lang, kind, text, topic?, company?, stage?}]``; ``lang`` is also passed as the
language hint (a person's Telegram language is usually the one they type in).

Printed per file: accuracy of the kind overall, per expected kind and per language; the topic
where one is labelled (right kind and topic); company and stage extraction where labelled (exact,
case-insensitive) and how often one was given where none is labelled; a confusion table; the
median and p99 time of ``read`` per message (crisis check included, after ``warm_up``).

``--counts`` prints only figures, never a text, so the held-out set (written by someone who has
not seen the word lists) can be scored without anyone reading its misses while the lists change.
Without it, the misses are listed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.common import percentile

DATA = Path(__file__).with_name("data")
TUNING = DATA / "understanding_tuning.yaml"
# A second tuning file, not learnt by the crisis model (see its header).
TUNING_B = DATA / "understanding_tuning_b.yaml"
# A third (round 7 of issue 16's QA: a fresh pass as a new user, and the round's own cases).
TUNING_C = DATA / "understanding_tuning_c.yaml"
HELDOUT = DATA / "understanding_heldout.yaml"
TIMING_ROUNDS = 5


@dataclass(frozen=True)
class Case:
    lang: str
    kind: str
    text: str
    topic: str | None = None
    company: str | None = None
    stage: str | None = None


def load_cases(path: Path) -> list[Case]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = data.get("cases", []) if isinstance(data, dict) else []
    out = []
    for item in cases:
        fields = {k: (None if v is None else str(v)) for k, v in item.items()}
        out.append(
            Case(
                lang=fields.get("lang") or "en",
                kind=fields["kind"] or "",
                text=fields.get("text") or "",
                topic=fields.get("topic"),
                company=fields.get("company"),
                stage=fields.get("stage"),
            )
        )
    return out


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def __str__(self) -> str:
        share = self.right / self.total if self.total else 0.0
        return f"{share:6.1%}  ({self.right}/{self.total})"


@dataclass
class Result:
    overall: Tally
    by_kind: dict[str, Tally]
    by_lang: dict[str, Tally]
    topic: Tally
    company: Tally
    stage: Tally
    company_extra: int  # a company given where none is labelled
    stage_extra: int
    confusion: Counter[tuple[str, str]]
    misses: list[tuple[Case, Any]]
    median_ms: float
    p99_ms: float


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").casefold().strip() == (b or "").casefold().strip()


def score(cases: list[Case]) -> Result:
    from bot.services.understanding import read, warm_up

    warm_up()
    result = Result(Tally(), {}, {}, Tally(), Tally(), Tally(), 0, 0, Counter(), [], 0.0, 0.0)
    for case in cases:
        reading = read(case.text, case.lang)
        ok = reading.kind == case.kind
        result.overall.add(ok)
        result.by_kind.setdefault(case.kind, Tally()).add(ok)
        result.by_lang.setdefault(case.lang, Tally()).add(ok)
        result.confusion[(case.kind, reading.kind)] += 1
        if case.topic:
            result.topic.add(ok and reading.topic == case.topic)
        if case.company:
            result.company.add(_same(reading.company, case.company))
        elif reading.company:
            result.company_extra += 1
        if case.stage:
            result.stage.add(reading.stage == case.stage)
        elif reading.stage:
            result.stage_extra += 1
        wrong_fact = (case.company and not _same(reading.company, case.company)) or (
            case.stage and reading.stage != case.stage
        )
        if not ok or (case.topic and reading.topic != case.topic) or wrong_fact:
            result.misses.append((case, reading))
    timings = []
    for _ in range(TIMING_ROUNDS):
        for case in cases:
            started = time.perf_counter()
            read(case.text, case.lang)
            timings.append((time.perf_counter() - started) * 1000)
    result.median_ms = statistics.median(timings) if timings else 0.0
    result.p99_ms = percentile(timings, 99)
    return result


def _print(path: Path, result: Result, counts: bool) -> None:
    print(f"== {path.name}: {result.overall.total} messages")
    print(f"kind accuracy  {result.overall}")
    print("per kind:")
    for kind, tally in sorted(result.by_kind.items()):
        print(f"  {kind:<10} {tally}")
    print("per language:")
    for lang, tally in sorted(result.by_lang.items()):
        print(f"  {lang:<10} {tally}")
    print(f"topic (where labelled)    {result.topic}")
    print(
        f"company (where labelled)  {result.company}; given where none labelled: "
        f"{result.company_extra}"
    )
    print(
        f"stage (where labelled)    {result.stage}; given where none labelled: {result.stage_extra}"
    )
    print("confusion (expected -> read: count):")
    for (expected, got), count in sorted(result.confusion.items()):
        if expected != got:
            print(f"  {expected} -> {got}: {count}")
    print(
        f"time per message: median {result.median_ms:.3f} ms, p99 {result.p99_ms:.3f} ms "
        f"({TIMING_ROUNDS} rounds, crisis check included)"
    )
    if not counts and result.misses:
        print("misses (expected / read):")
        for case, reading in result.misses:
            print(
                f"  [{case.lang}] {case.kind}/{case.topic} c={case.company} s={case.stage}  "
                f"->  {reading.kind}/{reading.topic} c={reading.company} s={reading.stage}  "
                f"{case.text!r}"
            )
    print()


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.understanding", description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, help="labelled sets (default: both)")
    parser.add_argument("--counts", action="store_true", help="figures only, never a text")
    args = parser.parse_args(argv)
    defaults = (TUNING, TUNING_B, TUNING_C, HELDOUT)
    files = args.files or [path for path in defaults if path.exists()]
    for path in files:
        _print(path, score(load_cases(path)), args.counts)
    return 0


NAME = "understanding"


def main(full: bool = False) -> None:
    """For ``python -m bench``: both sets, figures only."""
    cli(["--counts"])


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
