"""A learned tier: logistic regression over character n-grams and words of the normalised message.

The rules (``phrases``, ``signals``) decide clear cases; word lists keep chasing each new
author's phrasing. This model reads the message's shape instead: character 2- to 5-grams of each
word with boundary marks (``<pill``, ``ills>``), plus words and word pairs, hashed with
``zlib.crc32`` (stable across processes, unlike ``hash``) into ``2**BITS`` buckets, plus the rules'
cues (the signal categories found, and "guard" when a guard matched: the same feature in every
language, so one author's wording teaches the model about another language). The score is a
logistic regression over those bucket indices (present or not, scaled as ``MIN_COUNT`` says).

Trained OFFLINE by ``python -m bench.crisis --train`` (plain full-batch gradient descent with L2,
``fit`` below, numpy only) on the tuning sets, the spent held-out sets and the everyday
messages of the understanding classifier's tuning set; stored in ``data/crisis_model.npz``
(float16 weights) with the thresholds chosen by cross-validation (see ``bench/crisis.py``).
Nothing downloads; the file is read once at warm-up.

What it may decide (``assess`` in ``__init__``): only when the rules said ``none``. At or above
``unsure`` the bot asks "Are you safe right now?"; a message whose crisis words a guard explained
("killing me lol", "a rope for climbing") needs ``guarded`` instead; ``crisis`` is the threshold
for telling rather than asking (above 1.0 means never).

Privacy: features are bucket numbers computed in memory; nothing keeps, logs or returns the text.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt

MODEL = Path(__file__).resolve().parent.parent / "data" / "crisis_model.npz"
BITS = 18
MASK = (1 << BITS) - 1
CHAR_SIZES = (2, 3, 4, 5)
# Features come from the first characters of the normalised message: enough for any chat
# message's meaning, and a bound on the cost of a pasted essay.
MAX_CHARS = 1500
# Each present bucket counts 1/sqrt(max(count, MIN_COUNT)): a long message does not win by
# length, and a two-word greeting is not blown up by its few features (cross-validated: fewer
# everyday messages asked at the same recall than with 1/sqrt(count)).
MIN_COUNT = 100

Indices = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Model:
    weights: npt.NDArray[np.float32]
    bias: float
    unsure: float  # probability at or above which a message the rules left alone is "unsure"
    guarded: float  # the same when a guard explained the message's crisis words
    crisis: float  # at or above: "crisis" (above 1.0: never)
    fingerprint: str  # of the training data, so a test can tell the file is in step


def keys(folded: str, cues: Iterable[str] = ()) -> set[str]:
    """The feature strings of a normalised message: char n-grams of each word, words, pairs, and
    the ``cues`` (the signal categories found, "guard" when a guard matched): the same key in
    every language, so what one author's wording teaches carries over to another language."""
    words = [w for w in folded[:MAX_CHARS].split(" ") if w and w != "."]
    found: set[str] = {"c " + cue for cue in cues}
    for word in words:
        found.update(_word_keys(word))
    found.update(f"b {a} {b}" for a, b in pairwise(words))
    return found


def _word_keys(word: str) -> list[str]:
    """A word's own feature strings: the word and its char n-grams with boundary marks."""
    found = ["w " + word]
    padded = f"<{word}>"
    length = len(padded)
    for size in CHAR_SIZES:
        if size > length:
            break
        found.extend(padded[i : i + size] for i in range(length - size + 1))
    return found


@lru_cache(maxsize=8192)
def _word_buckets(word: str) -> frozenset[int]:
    """Bucket numbers of a word's own features (cached: words repeat across a message's parts
    and across messages)."""
    return frozenset(zlib.crc32(key.encode("utf-8")) & MASK for key in _word_keys(word))


def features(folded: str, cues: Iterable[str] = ()) -> Indices:
    """Sorted, distinct bucket numbers of a normalised message (and its cues, see ``keys``);
    the same buckets as hashing ``keys``."""
    words = [w for w in folded[:MAX_CHARS].split(" ") if w and w != "."]
    buckets: set[int] = set()
    for word in words:
        buckets |= _word_buckets(word)
    buckets.update(zlib.crc32(f"b {a} {b}".encode()) & MASK for a, b in pairwise(words))
    buckets.update(zlib.crc32(f"c {cue}".encode()) & MASK for cue in cues)
    return np.fromiter(sorted(buckets), dtype=np.int64, count=len(buckets))


def logit(model: Model, indices: Indices) -> float:
    if not len(indices):
        return -math.inf
    return model.bias + float(model.weights[indices].sum()) / math.sqrt(
        max(len(indices), MIN_COUNT)
    )


def probability(model: Model, folded: str, cues: Iterable[str] = ()) -> float:
    z = logit(model, features(folded, cues))
    if z == -math.inf:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


# --- training (offline, bench/crisis.py) -------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """Messages as a sparse matrix: row i holds indices[starts[i]:starts[i+1]], each valued as in
    ``logit``."""

    indices: Indices
    starts: Indices
    values: npt.NDArray[np.float64]

    @classmethod
    def of(cls, rows: list[Indices]) -> Rows:
        lengths = np.array([max(len(r), 1) for r in rows], dtype=np.int64)
        # an empty row gets one bucket with value 0 so reduceat stays aligned
        filled = [r if len(r) else np.zeros(1, dtype=np.int64) for r in rows]
        starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        values = np.concatenate(
            [
                np.full(len(r), 1.0 / math.sqrt(max(len(r), MIN_COUNT)) if len(o) else 0.0)
                for r, o in zip(filled, rows, strict=True)
            ]
        )
        return cls(np.concatenate(filled), starts, values)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def dot(self, weights: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        products = weights[self.indices] * self.values
        return np.add.reduceat(products, self.starts[:-1])

    def back(self, per_row: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        repeated = np.repeat(per_row, np.diff(self.starts)) * self.values
        summed = np.bincount(self.indices, weights=repeated, minlength=MASK + 1)
        return np.asarray(summed, dtype=np.float64)


def fit(
    rows: Rows,
    labels: npt.NDArray[np.float64],
    l2: float = 1e-4,
    epochs: int = 300,
    rate: float = 0.05,
) -> tuple[npt.NDArray[np.float64], float]:
    """L2 logistic regression by full-batch gradient descent with Adam steps (deterministic:
    zero start, no sampling). Positives and negatives weigh the same in total."""
    count = len(rows)
    positives = float(labels.sum())
    balance = np.where(
        labels > 0, count / (2 * max(positives, 1.0)), count / (2 * max(count - positives, 1.0))
    )
    weights = np.zeros(MASK + 1)
    bias = 0.0
    m, v = np.zeros_like(weights), np.zeros_like(weights)
    mb = vb = 0.0
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, epochs + 1):
        z = rows.dot(weights) + bias
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        error = (p - labels) * balance / count
        grad = rows.back(error) + l2 * weights
        grad_b = float(error.sum())
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        mb = beta1 * mb + (1 - beta1) * grad_b
        vb = beta2 * vb + (1 - beta2) * grad_b * grad_b
        correction1, correction2 = 1 - beta1**step, 1 - beta2**step
        weights -= rate * (m / correction1) / (np.sqrt(v / correction2) + eps)
        bias -= rate * (mb / correction1) / (math.sqrt(vb / correction2) + eps)
    return weights, bias


def dump(model: Model, path: Path = MODEL) -> None:
    np.savez_compressed(
        path,
        weights=model.weights.astype(np.float16),
        settings=np.array([model.bias, model.unsure, model.guarded, model.crisis, BITS]),
        fingerprint=np.array(model.fingerprint),
    )


@cache
def compiled(path: Path = MODEL) -> Model:
    with np.load(path, allow_pickle=False) as data:
        settings = data["settings"]
        if int(settings[4]) != BITS:
            raise ValueError(f"{path.name}: trained with {int(settings[4])} bits, code has {BITS}")
        return Model(
            weights=data["weights"].astype(np.float32),
            bias=float(settings[0]),
            unsure=float(settings[1]),
            guarded=float(settings[2]),
            crisis=float(settings[3]),
            fingerprint=str(data["fingerprint"]),
        )
