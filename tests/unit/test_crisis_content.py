"""The crisis texts in every language (issue 21): complete, buttons that fit a phone, and
helplines whose numbers and links are exactly the English file's. Only the words around a
helpline are translated; a digit or a link that differs from English is a wrong number given to
someone in crisis, so it fails here."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

import pytest

from bot.content import DEFAULT_LOCALE, load_content
from bot.services.crisis import care

CONTENT = load_content()
ENGLISH = CONTENT.catalogs[DEFAULT_LOCALE].texts
HELPLINES = "crisis.helplines."
TALK_LINES = "crisis.talk_lines."
CRISIS_LOCALES = ("es", "de", "ru", "fr", "pt", "hi", "uk")
# Sections each locale translates: where the language is spoken, among the English file's; the
# care-only languages (fr, pt, hi, uk) translate every country's labels, so someone reading
# French in the US is not handed English words around the numbers in a crisis.
EVERY_COUNTRY = {k.removeprefix(HELPLINES) for k in ENGLISH if k.startswith(HELPLINES)}
TRANSLATED = {
    "es": {"INTL", "ES", "MX", "AR", "US"},
    "de": {"INTL", "DE", "AT", "CH", "BE"},
    "ru": {"INTL", "UA", "RU"},
    "fr": EVERY_COUNTRY,
    "pt": EVERY_COUNTRY,
    "hi": EVERY_COUNTRY,
    "uk": EVERY_COUNTRY,
}
# Buttons that share a row (care.safety_buttons, care.check_message): 20 characters each.
PAIRED = {"safe", "not_safe", "day_better", "day_same"}
PAIR_LIMIT, ROW_LIMIT = 20, 30

_DIGITS = re.compile(r"\d+")
_LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.DOTALL)
_HREF = re.compile(r"""href=["']([^"']*)["']""")
_BARE_URL = re.compile(r"https?://[^\s\"'<>]+")


def fingerprint(text: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """What must not change in translation: digit runs, link targets, whole links (target and
    shown address or service name), and any address written out."""
    return (
        Counter(_DIGITS.findall(text)),
        Counter(_HREF.findall(text)),
        Counter(_LINK.findall(text) + _BARE_URL.findall(_LINK.sub("", text))),
    )


def helpline_mismatches(
    english: Mapping[str, tuple[str, ...]], other: Mapping[str, tuple[str, ...]]
) -> list[str]:
    """Each helplines (or talk_lines) key of ``other`` whose numbers or links differ from
    English's."""
    found = []
    for key, variants in other.items():
        if not key.startswith((HELPLINES, TALK_LINES)):
            continue
        want = english.get(key)
        if want is None:
            found.append(f"{key}: not in English")
            continue
        if [fingerprint(v) for v in variants] != [fingerprint(v) for v in want]:
            found.append(key)
    return found


@pytest.mark.parametrize("locale", CRISIS_LOCALES)
def test_helpline_numbers_and_links_are_the_english_ones(locale: str) -> None:
    texts = CONTENT.catalogs[locale].texts
    present = {k.removeprefix(HELPLINES) for k in texts if k.startswith(HELPLINES)}
    assert present == TRANSLATED[locale]
    talk = {k.removeprefix(TALK_LINES) for k in texts if k.startswith(TALK_LINES)}
    assert talk == TRANSLATED[locale]
    assert helpline_mismatches(ENGLISH, texts) == []


def test_the_helpline_check_catches_a_changed_number_or_link() -> None:
    english = {f"{HELPLINES}XX": ('Line: <b>116 123</b> (<a href="https://a.org">a.org</a>)',)}
    same = {
        f"{HELPLINES}XX": ('Línea: <b>116 123</b>, gratis (<a href="https://a.org">a.org</a>)',)
    }
    assert helpline_mismatches(english, same) == []
    for wrong in (
        'Línea: <b>116 124</b> (<a href="https://a.org">a.org</a>)',
        'Línea: <b>116 123</b> (<a href="https://b.org">a.org</a>)',
        'Línea: <b>116 123</b> (<a href="https://a.org">b.org</a>)',
        'Línea: <b>116 123</b>, 24/7 (<a href="https://a.org">a.org</a>)',
        'Línea: <b>116 123</b> (<a href="https://a.org">a.org</a>) https://c.org',
    ):
        assert helpline_mismatches(english, {f"{HELPLINES}XX": (wrong,)}) == [f"{HELPLINES}XX"]
    assert helpline_mismatches(english, {f"{HELPLINES}YY": ("Otra",)}) == [
        f"{HELPLINES}YY: not in English"
    ]


@pytest.mark.parametrize("locale", CRISIS_LOCALES)
def test_every_crisis_text_is_translated_with_as_many_versions(locale: str) -> None:
    texts = CONTENT.catalogs[locale].texts
    wanted = [
        k for k in ENGLISH if k.startswith("crisis.") and not k.startswith((HELPLINES, TALK_LINES))
    ]
    assert [k for k in wanted if len(texts.get(k, ())) != len(ENGLISH[k])] == []
    # Not English left in place: the same text as English only where it is a name.
    assert [k for k in wanted if texts[k] == ENGLISH[k]] == []


@pytest.mark.parametrize("locale", [DEFAULT_LOCALE, *CRISIS_LOCALES])
def test_crisis_buttons_fit_a_phone(locale: str) -> None:
    texts = CONTENT.texts(locale)
    too_long = []
    for key in ENGLISH:
        if key.startswith("crisis.buttons."):
            name = key.removeprefix("crisis.buttons.")
            label = texts(key, variant=0)
            if len(label) > (PAIR_LIMIT if name in PAIRED else ROW_LIMIT):
                too_long.append(label)
    assert too_long == []


@pytest.mark.parametrize(
    ("text", "person", "expected"),
    [
        ("я больше не хочу жить, хочу покончить с собой", "en", "ru"),
        ("ya no quiero vivir, no le veo sentido a nada", "en", "es"),
        ("ich kann nicht mehr, ich will einfach nur verschwinden", "en", "de"),
        ("I don't want to be here anymore, I want to end my life", "de", "en"),
        ("me corto las venas", "en", "es"),  # too short for the model; the Spanish list fired
        ("ya no quiero vivir, no le veo sentido a nada", "es", None),  # their own language
        ("he pensado en suicidarme varias veces esta semana", "es", None),  # not "English"
        ("não quero mais viver, quero acabar com tudo", "en", "pt"),
        ("मैं अब और जीना नहीं चाहता, सब ख़त्म करना चाहता हूँ", "en", "hi"),
        ("я більше не хочу жити, хочу покінчити з собою", "en", "uk"),
        ("je ne veux plus vivre, je veux en finir avec tout", "en", "fr"),
        ("I want to end my life", "en", None),
    ],
)
def test_crisis_replies_follow_the_language_of_the_message(
    text: str, person: str, expected: str | None
) -> None:
    assert care.reply_locale(text, person, CONTENT) == expected


def _numbers_and_links(text: str) -> set[str]:
    digits, hrefs, links = fingerprint(text)
    return set(digits) | set(hrefs) | set(links)


def test_talk_lines_are_the_helplines_without_the_emergency_number() -> None:
    """ "Can I talk to someone?" names the same services as the crisis reply (every number and
    link is one of that country's helplines) but not the emergency line, which fits a crisis,
    not a wish to talk; every country with helplines has them."""
    helplines = {k.removeprefix(HELPLINES) for k in ENGLISH if k.startswith(HELPLINES)}
    talk = {k.removeprefix(TALK_LINES) for k in ENGLISH if k.startswith(TALK_LINES)}
    assert talk == helplines
    for code in sorted(talk):
        [lines] = ENGLISH[f"{TALK_LINES}{code}"]
        [crisis_lines] = ENGLISH[f"{HELPLINES}{code}"]
        assert _numbers_and_links(lines) <= _numbers_and_links(crisis_lines), code
        assert "Emergency" not in lines, code
        emergency = [line for line in crisis_lines.splitlines() if line.startswith("Emergency")]
        assert set(lines.splitlines()) == set(crisis_lines.splitlines()) - set(emergency), code
        # someone picks up: a number (or, for the directory, a link) is left to call
        assert "<b>" in lines or code == "INTL", code
