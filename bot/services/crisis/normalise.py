"""The form crisis signals are matched in: one normaliser for messages and patterns alike.

Cap the length, drop zero-width/format characters, casefold, strip accents (NFKD, which also
folds full-width and "fancy" letters), undo cheap leetspeak ("k1ll"), fix words that mix Latin
and Cyrillic look-alikes, squeeze characters repeated 3+ times ("dieeee"), delete apostrophes
("can't" -> "cant"), turn hyphens and symbols into spaces and clause punctuation into " . ",
laughter emoji into "lol", and read common phone misspellings as the word ("sucide", "tonite":
``data/crisis_spellings.yaml``).
Devanagari keeps its vowel signs inside a word, as letters (``_DEVANAGARI``), and drops them at a
word's end (inflection); the danda ends a clause.
Nothing here stores or logs the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

__all__ = ["MAX_SCAN_CHARS", "fold", "normalise"]

# Telegram messages are at most 4096 characters (captions 1024); anything longer is not a chat
# message, and scanning a bounded prefix keeps the worst case cheap.
MAX_SCAN_CHARS = 6000

_APOSTROPHES = "'’‘ʼ`´′ʹ＇"
_DROP_APOSTROPHES = str.maketrans(dict.fromkeys(_APOSTROPHES, ""))
# Clause punctuation becomes " . " (patterns may look for the end of a clause); other ASCII
# punctuation and symbols become spaces; anything else that is not a letter or digit (emoji,
# other scripts' symbols) is turned into a space by _NON_WORD. One character to one character,
# so str.translate takes its fast path; the dots get their spaces afterwards.
_CLAUSE_CHARS = '.!?;:,…()[]{}"«»„“”‹›<>|।॥\n\r\u2028\u2029'
_PUNCTUATION = str.maketrans(
    dict.fromkeys(_CLAUSE_CHARS, ".") | dict.fromkeys("#%&*+-/=\\^_~@$", " ")
)
_NON_WORD = re.compile(r"[^\w\s.]|_")
# Cheap leetspeak, only for a digit/symbol touching a letter and not another digit ("k1ll", "$elf"),
# so numbers like "12 kms" or "24/7" stay numbers.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_CHARS = re.compile(r"[013457@$]")
_LEET_RE = re.compile(r"(?<=[^\W\d_])[013457@$](?![0-9])|(?<![0-9])[013457@$](?=[^\W\d_])")
# A few emoji stand for a means or for death; they become words before symbols are dropped, so
# "💊💊 saved up" reads as "pills saved up". Laughter emoji (😂 🤣 😆 😹, and 💀 for "I'm dead
# (laughing)") become the token "lol", so the venting guards and the joke frame see the laughter
# ("I want to die 😂" reads as "i want to die lol"); before round crisis5 they were dropped.
_EMOJI_WORDS = str.maketrans(
    {
        "😂": " lol ",
        "🤣": " lol ",
        "😆": " lol ",
        "😹": " lol ",
        "💀": " lol ",
        "💊": " pills ",
        "🔫": " gun ",
        "🔪": " knife ",
        "🪢": " rope ",
        "⚰": " death ",
        "🪦": " death ",
    }
)
_REPEATS = re.compile(r"(.)\1{2,}")  # "dieeee", "!!!", "   "
_DOTS = re.compile(r"(?: \.)+")
_LATIN = re.compile(r"[a-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MIXED_WORD = re.compile(r"\w*(?:[a-z]\w*[\u0400-\u04ff]|[\u0400-\u04ff]\w*[a-z])\w*")
# Lower-case letters that look alike once casefolded (from either upper or lower case).
_CYR_TO_LAT = str.maketrans("аеорсухікмтнвјѕ", "aeopcyxikmthbjs")
_LAT_TO_CYR = str.maketrans("aeopcyxikmthb", "аеорсухікмтнв")


SPELLINGS = Path(__file__).resolve().parent.parent / "data" / "crisis_spellings.yaml"


@cache
def spellings(path: Path = SPELLINGS) -> dict[str, str]:
    """Misspelt word -> the word (whole words, normalised forms)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    table = data.get("spellings") or {}
    if not isinstance(table, dict):
        raise ValueError(f"{path.name}: spellings must be a mapping")
    return {str(k): str(v) for k, v in table.items() if str(k) != str(v)}


# Devanagari vowel signs carry the word ("मारना" kill, "मरना" die; "जीने" living, "जाने" going), but
# Python's \w does not match combining marks, so inside a word each sign becomes its independent
# vowel letter (a letter \w matches: "मारना" -> "मआरन", "जीने" -> "जइन", "जाने" -> "जआन"), while the
# signs that END a word are dropped: there they are mostly inflection (gender, number, case:
# "रहूँगा"/"रहूँगी", "मरना"/"मरने"), so the forms of one word stay one word. Long and short i and u
# fold together (phone typing mixes them), candrabindu and anusvara both become "ङ" (a nasal
# letter rarely written), and the nukta, virama and visarga are dropped ("ज़िंदगी" = "जिंदगी").
_DEVANAGARI_LETTER = re.compile(r"[\u0900-\u097f]")
_DEVANAGARI_END = re.compile(
    r"(?<=[\u0900-\u0963\u0966-\u097f])[\u0900-\u0903\u093a-\u094f]+(?![\u0900-\u0963\u0966-\u097f])"
)
_DEVANAGARI = {
    0x093E: "आ",  # ा
    0x093F: "इ",  # ि
    0x0940: "इ",  # ी
    0x0941: "उ",  # ु
    0x0942: "उ",  # ू
    0x0943: "ऋ",  # ृ
    0x0945: "ए",  # ॅ
    0x0946: "ए",
    0x0947: "ए",  # े
    0x0948: "ऐ",  # ै
    0x0949: "ओ",  # ॉ
    0x094A: "ओ",
    0x094B: "ओ",  # ो
    0x094C: "औ",  # ौ
    0x0901: "ङ",  # ँ
    0x0902: "ङ",  # ं
    0x0903: None,  # ः
    0x093C: None,  # ़
    0x094D: None,  # ्
    0x0908: "इ",  # ई
    0x090A: "उ",  # ऊ
}


@cache
def _mark_table() -> dict[int, str | None]:
    """Every combining mark (categories Mn, Mc, Me) in the scripts we read, deleted by translate;
    Devanagari's signs become letters (``_DEVANAGARI``)."""
    ranges = (range(0x0300, 0x2E00), range(0xFE00, 0xFE30))
    table: dict[int, str | None] = {
        cp: None for block in ranges for cp in block if unicodedata.category(chr(cp))[0] == "M"
    }
    return table | _DEVANAGARI


def _fix_mixed_word(match: re.Match[str]) -> str:
    word = match.group(0)
    latin = len(_LATIN.findall(word))
    cyrillic = len(_CYRILLIC.findall(word))
    return word.translate(_CYR_TO_LAT if latin >= cyrillic else _LAT_TO_CYR)


def fold(text: str) -> str:
    """Casefold, drop format characters, accents and apostrophes, fold compatibility forms."""
    if text.isascii():
        return text.lower().translate(_DROP_APOSTROPHES)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cs", "Co"))
    text = text.translate(_DROP_APOSTROPHES).casefold()
    text = unicodedata.normalize("NFKD", text)
    if _DEVANAGARI_LETTER.search(text):
        text = _DEVANAGARI_END.sub("", text)
    text = text.translate(_mark_table())
    # NFKD can surface capitals (ligatures, maths letters) and apostrophes (full-width forms).
    return text.casefold().translate(_DROP_APOSTROPHES)


def normalise(text: str) -> str:
    """The form both messages and patterns are matched in (see the module docstring)."""
    text = fold(text[:MAX_SCAN_CHARS])
    if _LEET_CHARS.search(text):
        text = _LEET_RE.sub(lambda m: _LEET[m.group(0)], text)
    text = _REPEATS.sub(r"\1", text).translate(_PUNCTUATION).replace(".", " . ")
    if not text.isascii():
        text = text.translate(_EMOJI_WORDS)
        if _LATIN.search(text) and _CYRILLIC.search(text):
            text = _MIXED_WORD.sub(_fix_mixed_word, text)
        text = _NON_WORD.sub(" ", text)
    table = spellings()
    text = " ".join(table.get(word, word) for word in text.split())
    return _DOTS.sub(" .", text) if ". ." in text else text
