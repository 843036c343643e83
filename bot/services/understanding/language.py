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
