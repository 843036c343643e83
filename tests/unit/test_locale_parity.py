"""Every language Rebound answers in gets as much variety as English (issue 16 §7).

Variants are picked least-recently-used per person from English's count and wrapped round a
locale's own list (bot.services.variants.size, bot.content.Texts.render), so a locale with
fewer versions repeats a sentence sooner. Placeholders are compared with English for every
variant when the content loads (bot.content._check_against_default): that is not repeated here,
only shown to hold for a variant other than the first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import DEFAULT_LOCALE, Content, ContentError, load_content

CONTENT = load_content()
# Files a translated locale ships whole: every English key is there. Other files a locale ships
# (e.g. flow.yaml, where the button labels stay English until the flows are translated) may
# hold some keys, each with full variety.
COMPLETE_FILES = ("listen",)


def shortfalls(content: Content) -> list[str]:
    """Each key where a locale has fewer versions than English, or lacks a key of a file it
    must ship whole, as ``locale:key have/want``."""
    english = content.catalogs[content.default_locale].texts
    found = []
    for locale, catalog in content.catalogs.items():
        if locale == content.default_locale:
            continue
        files = {key.split(".")[0] for key in catalog.texts}
        for key, variants in english.items():
            if key in content.catalogs[content.default_locale].plurals:
                continue  # one text in several forms (test_content checks each language's)
            stem = key.split(".")[0]
            have = catalog.texts.get(key)
            whole = stem in files and stem in COMPLETE_FILES and locale not in content.care_only
            if have is None and not whole:  # a care-only locale ships its care keys only
                continue
            count = len(have or ())
            if count < len(variants):
                found.append(f"{locale}:{key} {count}/{len(variants)}")
    return sorted(found)


def repeats(content: Content) -> list[str]:
    """Keys whose versions include the same text twice (padding, not variety). A plural's
    forms may repeat: Russian "few" and "many" read the same after a preposition."""
    found = []
    for locale, catalog in content.catalogs.items():
        for key, variants in catalog.texts.items():
            if key in catalog.plurals:
                continue
            normalised = [" ".join(v.split()) for v in variants]
            if len(set(normalised)) < len(normalised):
                found.append(f"{locale}:{key}")
    return sorted(found)


def test_translated_locales_exist() -> None:
    assert {"es", "de", "ru"} <= set(CONTENT.catalogs) - {DEFAULT_LOCALE}


def test_every_locale_has_as_many_versions_as_english() -> None:
    assert shortfalls(CONTENT) == []


def test_no_key_repeats_a_version() -> None:
    assert repeats(CONTENT) == []


def _write(root: Path, locale: str, name: str, text: str) -> None:
    (root / locale).mkdir(exist_ok=True)
    (root / locale / name).write_text(text, encoding="utf-8")


def test_the_checks_catch_fewer_versions_missing_keys_and_repeats(tmp_path: Path) -> None:
    _write(tmp_path, "en", "listen.yaml", "hi: [Hi, Hello, Hey]\nbye: [Bye, See you]\nok: Fine\n")
    _write(tmp_path, "en", "flow.yaml", "skip: Skip\ndone: Done\n")
    _write(tmp_path, "es", "listen.yaml", "hi: [Hola, Buenas]\nok: Vale\n")
    _write(tmp_path, "es", "flow.yaml", "skip: Saltar\n")  # a partial file: done stays English
    german = "hi: [Hallo, Hi, Hallo]\nbye: [Tschüss, Bis bald]\nok: Ok\n"
    _write(tmp_path, "de", "listen.yaml", german)
    content = load_content(tmp_path)
    assert shortfalls(content) == ["es:listen.bye 0/2", "es:listen.hi 2/3"]
    assert repeats(content) == ["de:listen.hi"]


def test_a_later_version_with_other_placeholders_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "en", "listen.yaml", "sorry: ['About {company}.', 'Oh, {company}.']\n")
    _write(tmp_path, "es", "listen.yaml", "sorry: ['Lo de {company}.', 'Lo de {empresa}.']\n")
    with pytest.raises(ContentError, match=r"es: listen\.sorry placeholders"):
        load_content(tmp_path)
