"""E2E tests compare what the person sees with the content catalogue, never with copied
sentences, so that rewording a message breaks no test (issue 20 §4). A string in a test under
tests/e2e that shares six words in a row with a text in content/ (any language, as the person
reads it) fails here. Docstrings describe behaviour in prose and are exempt."""

from __future__ import annotations

import ast
import functools
import html
import re
from collections.abc import Iterator
from pathlib import Path

from bot.content import load_content

WORDS = 6
E2E = Path(__file__).resolve().parents[1] / "e2e"
_EDGES = ".,!?;:()[]\"'«»„“”—–-…*•"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_TAG = re.compile(r"<[^>]*>")


def _words(text: str) -> list[str]:
    return [w for w in (word.strip(_EDGES).lower() for word in text.split()) if w]


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + WORDS]) for i in range(len(words) - WORDS + 1)}


@functools.cache
def content_runs() -> dict[tuple[str, ...], str]:
    """Every run of WORDS words in every text of every locale, as read, to the text's key.
    A parameter breaks a run: the words either side of it are not next to each other."""
    runs: dict[tuple[str, ...], str] = {}
    for catalog in load_content().catalogs.values():
        for key, variants in catalog.texts.items():
            for text in variants:
                plain = html.unescape(_TAG.sub("", _PLACEHOLDER.sub("\x00", text)))
                for piece in plain.split("\x00"):
                    for run in _runs(piece):
                        runs.setdefault(run, key)
    return runs


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def copied_sentences(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, string, content key) for each string in ``source`` that copies catalogue words."""
    tree = ast.parse(source)
    exempt = _docstrings(tree)
    runs = content_runs()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in exempt
        ):
            for run in _runs(node.value):
                if run in runs:
                    yield node.lineno, node.value, runs[run]
                    break


def test_no_e2e_test_copies_a_sentence_from_the_catalogue() -> None:
    offenders = [
        f"{path.name}:{line}: {text[:60]!r} copies {key}: use the catalogue (harness.shown, "
        "leads, label)"
        for path in sorted(E2E.glob("*.py"))
        for line, text, key in copied_sentences(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_check_finds_a_copied_sentence_and_spares_docstrings() -> None:
    sentence = load_content().texts("en")("toasts.stale_button")
    copied = (
        f'"""{sentence}"""\n\n\ndef test_x(text: str) -> None:\n    assert {sentence!r} == text\n'
    )
    assert [(line, key) for line, _, key in copied_sentences(copied)] == [
        (5, "toasts.stale_button")
    ]
    russian = load_content().texts("ru")("toasts.stale_button")
    assert [key for _, _, key in copied_sentences(f"X = {russian.upper()!r}\n")] == [
        "toasts.stale_button"
    ]
    assert list(copied_sentences('X = "a b c d e f"\n')) == []
