"""The one form both messages and word lists are matched in.

People type on phones: capitals or not, accents or not, "soooo tired", "!!!", "can't" or "cant",
emoji instead of words. Matching one folded form keeps the word lists short:

- at most MAX_SCAN_CHARS are read (a chat message is <= 4096; a pasted email says what it is in
  its first lines), control and format characters become spaces;
- casefold, strip accents and combining marks (NFKD: é -> e, ü -> u, й -> и; in Devanagari
  only the nukta), delete apostrophes ("can't" -> "cant") except after a French elided
  article or pronoun ("l'entretien" -> "l entretien");
- letters repeated 3+ times become one ("sooo" -> "so"), any other character repeated becomes
  one ("!!!" -> "!", "😭😭😭" -> "😭");
- ":(" and ":)" (and "((" / "))") become ☹ and 🙂; emoji and other symbols stay, as tokens of
  their own;
- "?" and "!" stay as tokens (questions, excitement); other clause punctuation (. , ; : …
  newlines) becomes "."; hyphens, slashes and the rest become spaces.

The result is tokens separated by single spaces, so a pattern's word boundary is a space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

MAX_SCAN_CHARS = 3000

_APOSTROPHES = "'’‘ʼ`´′ʹ＇"
_EMOTICONS = (
    (re.compile(r"[:;=]['’]?-?[(\[]+|\)-?[:=]"), " ☹ "),
    (re.compile(r"(?<!\w)[:;=]-?[)\]dp]+(?!\w)|\(-?[:=]"), " 🙂 "),
    (re.compile(r"<3+"), " ❤ "),
    (re.compile(r"\({2,}"), " ☹ "),  # Russian chat: "((" is a frown, "))" a smile
    (re.compile(r"\){2,}"), " 🙂 "),
)
# French (and Italian) elision: "l'entretien" -> "l entretien", so "entretien" is a word of its
# own; "can't", "I'm" keep their letters together ("cant", "im").
_ELISION = re.compile(r"(?<![^\W\d_])([ldjmtscnLDJMTSCN]|qu|Qu|QU)['’](?=[^\W\d_])")
_LETTER_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_OTHER_REPEATS = re.compile(r"([^\w\s])\1+")
_CLAUSE = re.compile(r"[.,;:…।॥\n\r\u2028\u2029]+")
_KEEP = re.compile(r"([?!¿¡])")
_SPACE_OUT = re.compile(r"[^\w\s.?!\u0900-\u0963\u0966-\u097f]|_")  # Devanagari signs stay
_SPACES = re.compile(r"\s+")


@cache
def _mark_table() -> dict[int, int | None]:
    """Combining marks (deleted) and apostrophes (deleted), for str.translate.

    Devanagari keeps its vowel signs (without them "हां" "yes" and "हूं" "am" are one word);
    only the nukta goes and chandrabindu becomes anusvara, the usual spelling variants."""
    ranges = (range(0x0300, 0x0900), range(0x0980, 0x2E00), range(0xFE00, 0xFE30))
    table: dict[int, int | None] = {
        cp: None for block in ranges for cp in block if unicodedata.category(chr(cp))[0] == "M"
    }
    table.update(dict.fromkeys(map(ord, _APOSTROPHES)))
    table[0x093C] = None  # nukta
    table[0x0901] = 0x0902  # chandrabindu -> anusvara
    return table


def fold(text: str) -> str:
    """Casefold, strip accents, marks and apostrophes; control characters become spaces."""
    if "'" in text or "’" in text:
        text = _ELISION.sub(r"\1 ", text)
    if text.isascii():
        if not text.isprintable():
            text = "".join(ch if ch.isprintable() else " " for ch in text)
        return text.casefold().translate(_mark_table())
    text = "".join(
        ch
        if unicodedata.category(ch)[0] != "C"
        else (" " if unicodedata.category(ch) == "Cc" else "")
        for ch in text
    )
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_mark_table())
    return text.casefold()


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "S"


def normalise(text: str) -> str:
    """Tokens separated by single spaces (see the module docstring)."""
    text = text[:MAX_SCAN_CHARS]
    for pattern, token in _EMOTICONS:
        if pattern.search(text):
            text = pattern.sub(token, text)
    text = fold(text)
    text = _LETTER_REPEATS.sub(r"\1", text)
    text = _OTHER_REPEATS.sub(r"\1", text)
    text = _CLAUSE.sub(" . ", text)
    text = _KEEP.sub(r" \1 ", text)
    text = _SPACE_OUT.sub(lambda m: f" {m.group(0)} " if _is_symbol(m.group(0)) else " ", text)
    text = text.replace("¿", " ").replace("¡", " ")
    return _SPACES.sub(" ", text).strip()
