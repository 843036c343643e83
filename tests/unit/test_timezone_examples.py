"""Every time zone example the bot shows, in every language, is one it understands (issue 21):
the Russian onboarding says to type «Москва», so «Москва» must set a zone, not get "unknown"."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.content import load_content
from bot.services.timezones import ZoneChoice, parse_timezone

CONTENT = load_content()
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

# Onboarding shows examples in italics; group settings show a command to copy.
_ONBOARDING_KEYS = ("onboarding.ask_timezone", "onboarding.timezone_problem.")
_ITALIC = re.compile(r"<i>(.+?)</i>")
_ZONE_COMMAND = re.compile(r"<code>/groupsettings@\{bot\} zone (.+?)</code>")


def _examples() -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for locale, catalog in sorted(CONTENT.catalogs.items()):
        for key, variants in sorted(catalog.texts.items()):
            for text in variants:
                if key.startswith(_ONBOARDING_KEYS):
                    found += [(locale, key, example) for example in _ITALIC.findall(text)]
                if key.startswith(("settings.", "group.", "onboarding.")):
                    found += [(locale, key, example) for example in _ZONE_COMMAND.findall(text)]
    return found


EXAMPLES = _examples()


def test_examples_are_found_in_every_locale() -> None:
    """Guards the extraction itself: a renamed key would otherwise check nothing."""
    locales = {locale for locale, _, _ in EXAMPLES}
    assert locales >= {"en", "de", "es", "ru"}
    assert ("ru", "onboarding.ask_timezone", "Москва") in EXAMPLES
    assert any(key.startswith("group.") for _, key, _ in EXAMPLES)


@pytest.mark.parametrize(("locale", "key", "example"), EXAMPLES)
def test_every_example_is_understood(locale: str, key: str, example: str) -> None:
    result = parse_timezone(example, NOW)
    assert isinstance(result, ZoneChoice), f"{locale} {key}: {example!r} gives {result}"
