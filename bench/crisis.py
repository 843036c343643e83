"""``python -m bench.crisis [file ...] [--counts]``: how well the crisis detector does on
labelled sets (bot.services.crisis).

Each file has ``positives`` (messages that need help) and ``negatives`` (venting, idioms), each
item ``{lang, text, must?}``. Without files: the tuning set and the held-out sets in
``bench/data``. Two conventions are reported for every file and language:

* crisis only: a positive counts as found when the level is ``crisis``; a negative is a false
  positive when the level is ``crisis``.
* crisis+unsure (the target's convention): a positive counts as found when the level is
  ``crisis`` or ``unsure`` (the bot replies with helplines, or asks "Are you safe?"); a negative
  is a false positive when the level is ``crisis`` or ``unsure`` (asking a venting person "Are you
  safe?" is a false alarm too).

``--train`` relearns the similarity weights (bot/services/crisis/similarity.py) from the tuning
set and writes them to bot/services/data/crisis_similarity.json; run it after changing the
tuning set (a unit test checks the two are in step).

``--counts`` prints only numbers, never a sentence: use it for a held-out set, so it can be
scored without being read while the lists change. Without it the missed positives and false
alarms of each file are listed (test-set sentences, never user messages).

Measured for issue 16 (recall / false-positive rate; "crisis+unsure" is the target's convention):

    set (positives/negatives)      before issue 16   crisis only     crisis+unsure
    crisis_tuning   (612/450)      0.804 / 0.000     0.967 / 0.000   0.989 / 0.000  (fit by design)
    crisis_heldout3 (166/177)      0.916 / 0.023     0.928 / 0.028   0.952 / 0.028
    crisis_heldout4 (237/235)      0.494 / 0.013     0.616 / 0.017   0.667 / 0.026

heldout4 was written by another helper who never saw the lists; it was scored --counts only,
seven times in all (six while the design was widened in general terms, one for the "before"
column), and never read. The last widening (tuning9, English) came after the last heldout4 run
and is not in its figures.

Widened for other authors' phrasing (H11). tuning_b (389/376, a second independent author, 8
languages) was scored once as it came (an honest out-of-sample figure for the design above:
crisis only 0.476 / 0.048, crisis+unsure 0.514 / 0.053), then read and tuned on; tuning_c is
H11's own batch of shapes and hard negatives (written by the same hand as the rules: it proves
little). Afterwards:

    set (positives/negatives)      crisis only     crisis+unsure
    crisis_tuning   (612/450)      0.972 / 0.000   0.995 / 0.000  (in-sample)
    crisis_tuning_b (389/376)      0.882 / 0.000   0.967 / 0.000  (in-sample since read)
    crisis_tuning_c (510/397)      0.849 / 0.005   0.980 / 0.008  (in-sample, same hand)
    crisis_heldout3 (166/177)      0.940 / 0.028   0.970 / 0.028  (counts only)
    crisis_heldout4 (237/235)      0.726 / 0.013   0.802 / 0.013  (counts only; before: 0.624 /
                                                                   0.017, 0.679 / 0.026)
    crisis_heldout5 (246/247)      0.687 / 0.032   0.756 / 0.040  (a third author; scored ONCE,
                                                                   counts only, after the last
                                                                   change; never read)

heldout4 was scored twice by H11 (before and after), heldout5 once. Target on held-out text:
recall >= 0.95, false positives <= 0.05: the false-positive side is met on every set, the recall
side is not (0.76-0.80 on the two newest authors). About 0.2 ms per message.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.services import crisis
from bot.services.crisis import similarity

DATA = Path(__file__).resolve().parent / "data"
TUNING = DATA / "crisis_tuning.yaml"
# Every tuning batch (read and tuned on; never a held-out set). The similarity weights are learnt
# from all of them.
TUNING_FILES = (TUNING, DATA / "crisis_tuning_b.yaml", DATA / "crisis_tuning_c.yaml")
HELD_OUT = (
    DATA / "crisis_heldout3.yaml",
    DATA / "crisis_heldout4.yaml",
    DATA / "crisis_heldout5.yaml",
)
DEFAULT_FILES = (*TUNING_FILES, *HELD_OUT)


@dataclass(frozen=True)
class Case:
    text: str
    crisis: bool
    lang: str
    must: bool
    source: str


def load_cases(path: Path = TUNING) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default_source = str(data.get("source", "tuning"))
    cases: list[Case] = []
    for section, positive in (("positives", True), ("negatives", False)):
        for item in data.get(section) or []:
            cases.append(
                Case(
                    text=str(item["text"]),
                    crisis=positive,
                    lang=str(item["lang"]),
                    must=bool(item.get("must", False)),
                    source=str(item.get("source", default_source)),
                )
            )
    return cases


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int
    must_total: int = 0
    must_found: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def fp_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def must_recall(self) -> float:
        return self.must_found / self.must_total if self.must_total else 1.0


@dataclass(frozen=True)
class Scored:
    case: Case
    level: crisis.Level


def assess_all(cases: Iterable[Case]) -> list[Scored]:
    return [Scored(case, crisis.assess(case.text).level) for case in cases]


def score(results: Iterable[Scored], with_unsure: bool) -> Scores:
    tp = fp = fn = tn = must_total = must_found = 0
    for result in results:
        hit = result.level == "crisis" or (with_unsure and result.level == "unsure")
        if result.case.crisis:
            must_total += result.case.must
            must_found += result.case.must and hit
            tp, fn = (tp + 1, fn) if hit else (tp, fn + 1)
        else:
            fp, tn = (fp + 1, tn) if hit else (fp, tn + 1)
    return Scores(tp, fp, fn, tn, must_total, must_found)


def _line(label: str, results: Sequence[Scored]) -> str:
    strict, loose = score(results, False), score(results, True)
    return (
        f"  {label:<8} pos={strict.tp + strict.fn:<4} neg={strict.fp + strict.tn:<4}"
        f" | crisis only: recall={strict.recall:.3f} fp={strict.fp_rate:.3f}"
        f" precision={strict.precision:.3f}"
        f" | crisis+unsure: recall={loose.recall:.3f} fp={loose.fp_rate:.3f}"
        f" precision={loose.precision:.3f}"
        f" (TP={loose.tp} FN={loose.fn} FP={loose.fp} TN={loose.tn})"
    )


def report(path: Path, counts_only: bool) -> None:
    cases = load_cases(path)
    start = time.perf_counter()
    results = assess_all(cases)
    elapsed = time.perf_counter() - start
    loose = score(results, True)
    print(f"{path.name}: {len(cases)} messages, {elapsed / max(len(cases), 1) * 1e6:.1f} µs each")
    print(_line("all", results))
    print(f"  must-recall (explicit wording, crisis only): {score(results, False).must_recall:.3f}")
    unsure_pos = sum(r.level == "unsure" and r.case.crisis for r in results)
    unsure_neg = sum(r.level == "unsure" and not r.case.crisis for r in results)
    print(f"  unsure: {unsure_pos} positives, {unsure_neg} negatives; {loose.fn} positives missed")
    for lang in sorted({c.lang for c in cases}):
        print(_line(lang, [r for r in results if r.case.lang == lang]))
    if counts_only:
        return
    for r in results:
        if r.case.crisis and r.level != "crisis":
            print(
                f"  {'unsure' if r.level == 'unsure' else 'MISSED'} [{r.case.lang}]: {r.case.text}"
            )
        elif not r.case.crisis and r.level != "none":
            print(f"  FALSE {r.level} [{r.case.lang}]: {r.case.text}")


def train() -> similarity.Model:
    examples = [
        (crisis.normalise(c.text), c.crisis)
        for path in TUNING_FILES
        if path.exists()
        for c in load_cases(path)
    ]
    return similarity.train(examples)


def main(argv: list[str]) -> int:
    if "--train" in argv:
        model = train()
        similarity.dump(model)
        names = ", ".join(p.name for p in TUNING_FILES if p.exists())
        print(f"{similarity.MODEL.name}: {len(model.weights)} weights from {names}")
        return 0
    counts_only = "--counts" in argv
    paths = [Path(arg) for arg in argv if not arg.startswith("-")] or [
        p for p in DEFAULT_FILES if p.exists()
    ]
    crisis.warm_up()
    for path in paths:
        # A held-out set is always scored counts-only when run without naming files.
        report(path, counts_only or (not argv and path in HELD_OUT) or path in HELD_OUT[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
