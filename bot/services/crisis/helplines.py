"""Whose crisis helplines to show: a country from the time zone, else the app language.

The maps live in ``data/helplines_countries.yaml``; the helplines themselves in
``content/en/crisis.yaml`` under ``crisis.helplines.<CODE>`` (plus ``INTL``, a directory).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bot import yaml_files

__all__ = [
    "INTERNATIONAL",
    "Countries",
    "countries",
    "country_for_language",
    "country_for_zone",
    "helpline_countries",
    "helplines_for",
]

COUNTRIES_FILE = Path(__file__).resolve().parent.parent / "data" / "helplines_countries.yaml"
CONTENT_FILE = ("en", "crisis.yaml")
INTERNATIONAL = "INTL"


@dataclass(frozen=True)
class Countries:
    zones: dict[str, str]
    zone_prefixes: dict[str, str]
    offsets: dict[str, str]
    languages: dict[str, str]


def _mapping(data: dict[str, Any], name: str) -> dict[str, str]:
    node = data.get(name) or {}
    if not isinstance(node, dict):
        raise ValueError(f"{COUNTRIES_FILE.name}: {name} must be a mapping")
    table = {str(k): str(v) for k, v in node.items()}
    for key, code in table.items():
        if len(code) != 2 or not code.isupper():
            raise ValueError(f"{COUNTRIES_FILE.name}: {name}.{key}: {code!r} is not a country")
    return table


@cache
def countries() -> Countries:
    data = yaml_files.safe_load(COUNTRIES_FILE.read_text(encoding="utf-8")) or {}
    return Countries(
        zones=_mapping(data, "zones"),
        zone_prefixes=_mapping(data, "zone_prefixes"),
        offsets=_mapping(data, "offsets"),
        languages=_mapping(data, "languages"),
    )


@cache
def zone_tab() -> dict[str, str]:
    """IANA zone -> ISO country from tzdata's zone.tab, if that package ships it."""
    try:
        tab = resources.files("tzdata") / "zoneinfo" / "zone.tab"
        if not tab.is_file():
            return {}
        lines = tab.read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, OSError, UnicodeDecodeError):
        return {}
    table: dict[str, str] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3 and len(fields[0]) == 2:
            table[fields[2]] = fields[0]
    return table


def country_for_zone(timezone: str | None) -> str | None:
    """ISO country of an IANA zone name or a stored offset like "UTC+05:30"; None if unknown."""
    if not timezone:
        return None
    zone = timezone.strip()
    known = countries()
    if zone in known.offsets:
        return known.offsets[zone]
    found = zone_tab().get(zone) or known.zones.get(zone)
    if found:
        return found
    for prefix, country in known.zone_prefixes.items():
        if zone.startswith(prefix):
            return country
    return None


def country_for_language(language_code: str | None) -> str | None:
    """``pt-BR`` -> BR (an explicit region wins), ``de`` -> DE; None for en, es, ru, ..."""
    if not language_code:
        return None
    parts = language_code.strip().replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.isascii() and part.isalpha():
            return part.upper()
    return countries().languages.get(parts[0].lower())


@cache
def helpline_countries() -> frozenset[str]:
    """Countries with an entry under ``crisis.helplines`` in the English content."""
    from bot.content import content_root  # local: keeps this module importable on its own

    try:
        path = content_root().joinpath(*CONTENT_FILE)
        data = yaml_files.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, ValueError):
        return frozenset()
    helplines = data.get("helplines") if isinstance(data, dict) else None
    if not isinstance(helplines, dict):
        return frozenset()
    return frozenset(str(code) for code in helplines if str(code) != INTERNATIONAL)


def helplines_for(timezone: str | None, language_code: str | None) -> str:
    """Whose helplines to show: a country code under ``crisis.helplines``, or ``"INTL"``.

    The time zone decides when it names a country (a zone is where the person is; a language is
    only a guess), even if we have no list for that country. The language is used only when the
    zone says nothing (none, UTC, most fixed offsets).
    """
    covered = helpline_countries()
    from_zone = country_for_zone(timezone)
    if from_zone is not None:
        return from_zone if from_zone in covered else INTERNATIONAL
    from_language = country_for_language(language_code)
    if from_language is not None and from_language in covered:
        return from_language
    return INTERNATIONAL
