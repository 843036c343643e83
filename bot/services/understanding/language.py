"""Which language a message is in: the script first, then py3langid, then the person's own.

py3langid ships its model in the wheel (nothing downloads) and answers in ~0.1-0.3 ms, but on a
word or two it guesses ("hi" comes out German, "hola" English). So:

- Devanagari is Hindi; Cyrillic is Ukrainian when it has і ї є ґ, Russian when it has ы э ъ ё,
  else the model's answer when it is fairly sure, else the hint when it is one of the two, else
  Russian (a Ukrainian text of any length nearly always shows one of its own letters; "Привет"
  is Russian, though the model leans Ukrainian on it);
- Latin script with a confident model answer (and enough letters to trust it) is that language;
- else a mark only one of our Latin-script languages uses (¿ ¡ ñ; ß ä ö ü; ã õ; è ù œ) names it
  in a short text ("Hola, ¿qué tal?" from someone whose Telegram is in English), or when the
  model leans the same way;
- otherwise the hint (the person's Telegram language) when it is a Latin-script language we
  read, else the model's best guess, else English.

The caller also matches English and the hint's lists, because people mix languages.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

LATIN_LANGUAGES = ("en", "de", "es", "pt", "fr")
CYRILLIC_LANGUAGES = ("ru", "uk")
ALL_LANGUAGES = (*LATIN_LANGUAGES, *CYRILLIC_LANGUAGES, "hi")
CONFIDENT = 0.9
FAIRLY_SURE = 0.8  # Russian or Ukrainian with neither one's own letters: the model, if this sure
MIN_LETTERS = 12  # below this many letters the model is a guess; the hint wins when confident fails
MAX_MODEL_CHARS = 400  # the start of a message says which language it is in

_MENTION = re.compile(r"@\w+")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN = re.compile(r"[ыэъёЫЭЪЁ]")
# Marks that, among the Latin-script languages read here, only one language uses.
_OWN_MARKS = (
    ("es", re.compile(r"[¿¡ñÑ]")),
    ("de", re.compile(r"[ßäöüÄÖÜ]")),
    ("pt", re.compile(r"[ãõÃÕ]")),
    ("fr", re.compile(r"[èùœÈÙŒ]")),
)

_lock = threading.Lock()
_models: dict[str, Any] = {}


def _model(languages: tuple[str, ...]) -> Any:
    """A py3langid identifier limited to ``languages``, loaded once (the load takes ~0.7 s)."""
    key = ",".join(languages)
    model = _models.get(key)
    if model is None:
        with _lock:
            model = _models.get(key)
            if model is None:
                from py3langid.langid import (  # type: ignore[import-untyped]
                    MODEL_FILE,
                    LanguageIdentifier,
                )

                model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                model.set_languages(list(languages))
                _models[key] = model
    return model


def warm_up() -> None:
    _model(LATIN_LANGUAGES)
    _model(CYRILLIC_LANGUAGES)


def _classify(text: str, languages: tuple[str, ...]) -> tuple[str, float]:
    language, probability = _model(languages).classify(text[:MAX_MODEL_CHARS])
    return str(language), float(probability)


# Two words of Hindi typed in Latin letters (the hi lists' ``romanised``) make a message Hindi.
ROMANISED_WORDS = 2
_WORD = re.compile(r"[a-z]+")


def _romanised_hindi(sample: str) -> bool:
    from bot.services.understanding.lexicon import lexicon  # the lists import this module's kin

    hindi = lexicon("hi")
    if hindi is None or not hindi.romanised:
        return False
    words = set(_WORD.findall(sample.casefold()))
    return len(words & hindi.romanised) >= ROMANISED_WORDS


def hint_language(hint: str | None) -> str | None:
    """ "pt-br" -> "pt"; None when the hint is not a language we read."""
    if not hint:
        return None
    code = hint.replace("_", "-").split("-")[0].lower()
    return code if code in ALL_LANGUAGES else None


def detect(text: str, hint: str | None) -> str:
    """The language of ``text`` (one of ALL_LANGUAGES); see the module docstring."""
    return detect_with_guess(text, hint)[0]


def detect_with_guess(text: str, hint: str | None) -> tuple[str, str]:
    """The language of ``text``, and the model's own best guess (the same when it is sure).

    When the hint wins over an unsure model, the guess is still worth trying: a person whose
    Telegram is in English may write "fui rejeitada" all the same."""
    hint = hint_language(hint)
    # "@rebound_bot спасибо": a username is Latin letters in any language.
    sample = _MENTION.sub(" ", text[:MAX_MODEL_CHARS])
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if _DEVANAGARI.search(sample) and len(_DEVANAGARI.findall(sample)) >= latin:
        return "hi", "hi"
    if cyrillic > latin:
        if _UKRAINIAN.search(sample):
            return "uk", "uk"
        if _RUSSIAN.search(sample):
            return "ru", "ru"
        language, probability = _classify(sample, CYRILLIC_LANGUAGES)
        if probability >= FAIRLY_SURE:
            return language, language
        return (hint if hint in CYRILLIC_LANGUAGES else "ru"), language
    if latin == 0:
        return hint or "en", hint or "en"
    if _romanised_hindi(sample):  # "kal interview ki practice karunga"
        return "hi", "hi"
    language, probability = _classify(sample, LATIN_LANGUAGES)
    if probability >= CONFIDENT and latin >= MIN_LETTERS:
        return language, language
    marked = [code for code, marks in _OWN_MARKS if marks.search(sample)]
    if len(marked) == 1 and (latin < MIN_LETTERS or language == marked[0]):
        return marked[0], marked[0]  # (a longer text may only name a place: "Zürich office")
    if hint in LATIN_LANGUAGES:
        return hint, language
    return (language if probability >= CONFIDENT else "en"), language


# --- The language a person plainly writes in -----------------------------------------------------

_WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "language_words.yaml"
_NOT_A_WORD = re.compile(r"[^\w\s]")


@cache
def _plain_words() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(language -> whole messages that say it, language -> its everyday words), from
    data/language_words.yaml."""
    from bot import yaml_files

    data = yaml_files.safe_load(_WORDS_FILE.read_text(encoding="utf-8")) or {}

    def lists(section: str) -> dict[str, frozenset[str]]:
        return {code: frozenset(str(w) for w in words) for code, words in data[section].items()}

    return lists("whole"), lists("common")


# Everyday words of one language (and none of another's) that name it with the model's lean.
COMMON_WORDS = 2


def plainly(text: str) -> str | None:
    """The language ``text`` is plainly written in, or None when it cannot be told for sure
    ("ok", "lol", "Acme", "Madrid", a name and an emoji). Stricter than :func:`detect`, which
    always answers: no hint decides here, so one short or ambiguous message names none.

    - a whole message that is one of a language's own words ("gracias", "danke", "привет");
    - Cyrillic: Ukrainian with its own letters, Russian with its own letters or the model
      fairly sure, on enough letters;
    - Latin script: the model confident on enough letters, or leaning to a language two of
      whose everyday words are there and no other's ("sí, claro, vamos"), or to the one whose
      own mark is there (¿ ¡ ñ, ß ä ö ü) with one of its everyday words."""
    from bot.services.understanding.normalise import normalise

    sample = _MENTION.sub(" ", text[:MAX_MODEL_CHARS])
    words = _NOT_A_WORD.sub(" ", normalise(sample).replace("'", "")).split()
    whole, common = _plain_words()
    for code, said in whole.items():
        if " ".join(words) in said:
            return code
    told = {code: sum(w in known for w in words) for code, known in common.items()}
    by_words = [code for code, count in told.items() if count]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if cyrillic > latin:
        if _UKRAINIAN.search(sample):
            return "uk"
        if _RUSSIAN.search(sample) and cyrillic >= MIN_LETTERS:
            return "ru"
        language, probability = _classify(sample, CYRILLIC_LANGUAGES)
        if probability >= FAIRLY_SURE and cyrillic >= MIN_LETTERS:
            return language
        return language if by_words == [language] and told[language] >= COMMON_WORDS else None
    if latin == 0 or _DEVANAGARI.search(sample) or _romanised_hindi(sample):
        return None
    language, probability = _classify(sample, LATIN_LANGUAGES)
    if probability >= CONFIDENT and latin >= MIN_LETTERS:
        return language
    if by_words == [language] and told[language] >= COMMON_WORDS:
        return language
    marked = [code for code, marks in _OWN_MARKS if marks.search(sample)]
    # "Zürich office" is no German: a mark, and an everyday word of the language with it.
    return language if marked == [language] and told.get(language, 0) else None
