"""Loads ``content/<locale>/*.yaml`` once, validates it, and renders texts safely.

Every user-facing sentence lives in those files. A text is a string, a list of variants (for
messages sent repeatedly), or a plural: a mapping from CLDR plural categories to texts, chosen by
the ``count`` parameter with the language's own rules (Babel), e.g. ``{one: "{count} день",
few: "{count} дня", many: "{count} дней", other: "{count} дня"}``. Keys are the file name plus
the nested path, e.g. ``help.intro``. Parameters are HTML-escaped when rendered, because all
messages use Telegram's HTML parse mode.
"""

from __future__ import annotations

import functools
import html
import random
import re
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import yaml
from babel import Locale
from babel.numbers import format_decimal
from pydantic import BaseModel, ConfigDict, field_validator

from bot import yaml_files

DEFAULT_LOCALE = "en"
# Which content/<locale>/ folders are whole interfaces, and which hold only the care moments.
# One place, read by everything that offers or picks a language:
# - INTERFACE_LOCALES: every screen is written in them. /settings, onboarding, group settings
#   and the Mini App offer them (in this order), a Telegram language resolves to them
#   (Content.resolve_locale), the command menus and profile are published in them.
# - CARE_ONLY_LOCALES: languages the crisis detector reads, with only the care moments written
#   (CARE_KEYS: the crisis reply and all that follows it, "can I talk to someone?"). Never
#   offered and never anyone's interface: a Ukrainian speaker reads the English interface
#   exactly as before, and the care moments in Ukrainian (Content.care_locale, reply_texts).
INTERFACE_LOCALES = ("en", "es", "de", "ru")
CARE_ONLY_LOCALES = ("fr", "pt", "hi", "uk")
# The keys a care-only catalogue may hold (a key, or a section ending in "."): the messages
# of a care moment and every text they show (buttons, helplines). Anything else there would
# leak into the interface of someone who reads English, so the content check refuses it.
CARE_KEYS = (
    "crisis.",
    "listen.question.talk",
    "listen.in_flow.question.talk",
    "listen.group.talk",
    "listen.buttons.vent",
    "listen.buttons.check_in",
    "listen.buttons.set_up",
    "listen.vent",
    "start.buttons.open_private",
)


def is_care_key(key: str) -> bool:
    """Whether ``key`` is one of the care moments' texts (CARE_KEYS)."""
    return any(key == k or (k.endswith(".") and key.startswith(k)) for k in CARE_KEYS)


_FORMATTER = string.Formatter()
# CLDR's plural categories; a mapping with only these keys, ``other`` among them, is a plural.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
PLURAL_PARAM = "count"
# Counts Rebound shows stay below this: a category only bigger numbers reach (Spanish "many",
# for millions) is not asked of a translator.
_COUNTS_SHOWN = range(1000)


class ContentError(Exception):
    """The content files are inconsistent; the message says which file and key."""


class Markup(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


class LocaleCatalog(BaseModel):
    """All texts of one locale, flattened to dotted keys."""

    model_config = ConfigDict(frozen=True)

    locale: str
    texts: dict[str, tuple[str, ...]]  # a plural's forms are its variants, in CLDR order
    plurals: dict[str, dict[str, str]] = {}  # key -> category -> text

    @field_validator("texts")
    @classmethod
    def _non_empty(cls, texts: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, variants in texts.items():
            if not variants or any(not v.strip() for v in variants):
                raise ValueError(f"{key}: empty text")
        return texts


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields a text expects."""
    return {name for _, name, _, _ in _FORMATTER.parse(text) if name}


def content_root() -> Path:
    """``content/`` next to the packages (a checkout), or the copy shipped inside the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "content", here / "_content"):
        if candidate.is_dir():
            return candidate
    raise ContentError("content/ folder not found")


def is_plural(node: object) -> bool:
    """A mapping of CLDR plural categories (``other`` and at least one more) to texts."""
    return (
        isinstance(node, Mapping)
        and len(node) > 1
        and "other" in node
        and all(key in PLURAL_CATEGORIES and isinstance(v, str) for key, v in node.items())
    )


@functools.cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@functools.cache
def plural_categories(locale: str) -> frozenset[str]:
    """The categories a plural text needs in ``locale``: each one a count Rebound shows can
    fall in (Russian: one, few, many), and ``other``, CLDR's fallback (Russian: fractions)."""
    rule = _locale(locale).plural_form
    return frozenset({rule(n) for n in _COUNTS_SHOWN} | {"other"})


@functools.cache
def _only_one_is_one(locale: str) -> bool:
    """Whether 1 is the only count Rebound shows in ``locale``'s "one" (English, not Russian's
    21, 31, ...). Cached: each plural asked it anew, most of the time spent loading content."""
    rule = _locale(locale).plural_form
    return [n for n in _COUNTS_SHOWN if rule(n) == "one"] == [1]


def _flatten(
    prefix: str,
    node: Any,
    out: dict[str, tuple[str, ...]],
    source: Path,
    plurals: dict[str, dict[str, str]],
) -> None:
    if is_plural(node):
        forms = {c: node[c].strip("\n") for c in PLURAL_CATEGORIES if c in node}
        plurals[prefix] = forms
        out[prefix] = tuple(forms.values())
    elif isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}", value, out, source, plurals)
    elif isinstance(node, str):
        out[prefix] = (node.strip("\n"),)
    elif isinstance(node, list) and all(isinstance(item, str) for item in node):
        out[prefix] = tuple(item.strip("\n") for item in node)
    else:
        raise ContentError(f"{source.name}: {prefix} must be text or a list of texts")


def _load_locale(folder: Path) -> LocaleCatalog:
    texts: dict[str, tuple[str, ...]] = {}
    plurals: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml_files.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ContentError(f"{path}: not valid YAML ({exc})") from None
        _flatten(path.stem, data, texts, path, plurals)
    return LocaleCatalog(locale=folder.name, texts=texts, plurals=plurals)


def _check_plural(catalog: LocaleCatalog, key: str, expected: set[str]) -> None:
    """Every category the language needs, no other; ``{count}`` in each form but a ``one``
    that only 1 reaches (English "one person"); no placeholder English does not have."""
    forms = catalog.plurals[key]
    try:
        needed = plural_categories(catalog.locale)
    except ValueError:
        raise ContentError(f"{catalog.locale}: not a locale Babel knows") from None
    if set(forms) != needed:
        raise ContentError(
            f"{catalog.locale}: {key} plural forms are {sorted(forms)}, need {sorted(needed)}"
        )
    only_one = _only_one_is_one(catalog.locale)
    for category, text in forms.items():
        names = placeholders(text)
        if not names <= expected or (
            PLURAL_PARAM not in names and not (category == "one" and only_one)
        ):
            raise ContentError(
                f"{catalog.locale}: {key} ({category}) placeholders are {sorted(names)}, "
                f"need {{{PLURAL_PARAM}}} and no other than {sorted(expected)}"
            )


def _check_against_default(default: LocaleCatalog, other: LocaleCatalog) -> None:
    for key, variants in other.texts.items():
        if key not in default.texts:
            raise ContentError(f"{other.locale}: {key} does not exist in {default.locale}")
        if (key in default.plurals) != (key in other.plurals):
            raise ContentError(f"{other.locale}: {key} must be a plural exactly where English is")
        if key in default.plurals:
            expected = set().union(*(placeholders(t) for t in default.texts[key]))
            _check_plural(other, key, expected)
            continue
        expected = placeholders(default.texts[key][0])
        for text in variants:
            if placeholders(text) != expected:
                raise ContentError(f"{other.locale}: {key} placeholders differ from {expected}")


def _check_care_only(catalog: LocaleCatalog) -> None:
    """A care-only catalogue holds the care moments' texts and nothing else (CARE_KEYS)."""
    for key in catalog.texts:
        if not is_care_key(key):
            raise ContentError(
                f"{catalog.locale}: {key} is not a care text, and {catalog.locale} is care-only"
            )


@dataclass
class Content:
    """Every locale's catalog; English is complete and the fallback for every key."""

    catalogs: dict[str, LocaleCatalog]
    default_locale: str = DEFAULT_LOCALE
    rng: random.Random = field(default_factory=random.Random)
    # Catalogues with the care moments only (CARE_ONLY_LOCALES): see the constants above.
    care_only: frozenset[str] = frozenset(CARE_ONLY_LOCALES)

    def __post_init__(self) -> None:
        if self.default_locale not in self.catalogs:
            raise ContentError(f"default locale {self.default_locale!r} has no content")
        default = self.catalogs[self.default_locale]
        for key, variants in default.texts.items():
            if key in default.plurals:
                expected = set().union(*(placeholders(t) for t in variants))
                _check_plural(default, key, expected | {PLURAL_PARAM})
            elif len({frozenset(placeholders(v)) for v in variants}) > 1:
                raise ContentError(f"{key}: variants use different placeholders")
        if self.default_locale in self.care_only:
            raise ContentError(f"default locale {self.default_locale!r} is care-only")
        for catalog in self.catalogs.values():
            _check_against_default(default, catalog)
            if catalog.locale in self.care_only:
                _check_care_only(catalog)

    @property
    def interface_locales(self) -> tuple[str, ...]:
        """The locales a person can read the whole interface in (INTERFACE_LOCALES' order
        first, then any other full catalogue, e.g. a test's)."""
        full = [code for code in self.catalogs if code not in self.care_only]
        order = {code: n for n, code in enumerate(INTERFACE_LOCALES)}
        return tuple(sorted(full, key=lambda code: (order.get(code, len(order)), code)))

    def _resolve(self, language_code: str | None, among: Collection[str]) -> str | None:
        if language_code:
            code = language_code.lower().replace("_", "-")
            for candidate in (code, code.split("-")[0]):
                if candidate in among:
                    return candidate
        return None

    def resolve_locale(self, language_code: str | None) -> str:
        """The interface language: ``pt-BR`` → ``pt-br`` if present, else ``pt``, else the
        default. A care-only catalogue is never an interface (``uk`` → the default)."""
        found = self._resolve(language_code, self.interface_locales)
        return found or self.default_locale

    def care_locale(self, language_code: str | None) -> str:
        """The language of a care moment: like :meth:`resolve_locale`, care-only catalogues
        included (``uk`` → ``uk``, ``pt-BR`` → ``pt``)."""
        return self._resolve(language_code, self.catalogs) or self.default_locale

    def reply_texts(self, language_code: str | None, key: str) -> Texts | None:
        """The texts for a reply that asks for its own language (bot.services.replies.Say's
        ``locale``): a care-only language only for a text it has (``key``), an interface
        language as :meth:`texts`; None when the reader's own language should stay (a
        care-only language without ``key``: the reply is not a care moment)."""
        care = self.care_locale(language_code)
        if care in self.care_only:
            return Texts(self, care) if key in self.catalogs[care].texts else None
        return self.texts(language_code)

    def texts(self, language_code: str | None = None) -> Texts:
        return Texts(self, self.resolve_locale(language_code))

    def all_keys(self) -> set[str]:
        return set(self.catalogs[self.default_locale].texts)

    def catalog(self, key: str, locale: str) -> LocaleCatalog:
        """The catalog that has ``key``: ``locale``'s, else the default's."""
        catalog = self.catalogs.get(locale)
        if catalog is not None and key in catalog.texts:
            return catalog
        default = self.catalogs[self.default_locale]
        if key not in default.texts:
            raise ContentError(f"unknown content key {key!r}")
        return default

    def variants(self, key: str, locale: str) -> tuple[str, ...]:
        return self.catalog(key, locale).texts[key]


@dataclass(frozen=True)
class Texts:
    """Content bound to one person's locale: ``texts("help.intro", name=...)``."""

    content: Content
    locale: str

    def __call__(self, key: str, /, *, variant: int | None = None, **params: object) -> str:
        return self.render(key, params, variant=variant)

    def render(self, key: str, params: Mapping[str, object], *, variant: int | None = None) -> str:
        """Render ``key``; a random variant unless ``variant`` picks one; a plural's form by
        its ``count``, which is written as the language writes numbers ("1 000", "1.000")."""
        catalog = self.content.catalog(key, self.locale)
        forms = catalog.plurals.get(key)
        if forms is not None:
            count = params.get(PLURAL_PARAM)
            if not isinstance(count, int | float) or isinstance(count, bool):
                raise ContentError(f"{key}: a plural needs a number as {PLURAL_PARAM!r}")
            category = _locale(catalog.locale).plural_form(count)
            template = forms.get(category, forms["other"])
            number = format_decimal(count, locale=catalog.locale)
            return _render(key, template, {**params, PLURAL_PARAM: number}, catalog.locale)
        variants = catalog.texts[key]
        if variant is None:
            template = self.content.rng.choice(variants)
        else:
            template = variants[variant % len(variants)]
        return _render(key, template, params, catalog.locale)

    def count(self, key: str) -> int:
        """How many versions ``key`` has (a plural is one text, whatever its forms)."""
        catalog = self.content.catalog(key, self.locale)
        return 1 if key in catalog.plurals else len(catalog.texts[key])

    def section(self, prefix: str) -> dict[str, str]:
        """The texts directly under ``prefix``, in file order (e.g. a command list)."""
        lead = prefix + "."
        keys = [
            k
            for k in self.content.catalogs[self.content.default_locale].texts
            if k.startswith(lead)
        ]
        return {k[len(lead) :]: self(k, variant=0) for k in keys if "." not in k[len(lead) :]}


@runtime_checkable
class Localized(Protocol):
    """A parameter written the reader's way (a date, a number): bot.services.replies.When."""

    def localized(self, locale: str) -> str: ...


def _render(key: str, template: str, params: Mapping[str, object], locale: str) -> str:
    missing = placeholders(template) - set(params)
    if missing:
        raise ContentError(f"{key}: missing parameters {sorted(missing)}")
    safe = {
        name: value
        if isinstance(value, Markup)
        else html.escape(_localized(value, locale), quote=False)
        for name, value in params.items()
    }
    return _one_full_stop(template.format_map(safe))


def _localized(value: object, locale: str) -> str:
    """A parameter as text. Plain strings and numbers skip the protocol check (an isinstance
    against a runtime-checkable Protocol costs ~10 µs; every rendered message has a few)."""
    if type(value) in (str, int):
        return str(value)
    return value.localized(locale) if isinstance(value, Localized) else str(value)


# An abbreviated date ends with its own full stop ("29 янв.", "29. Jan."); a sentence that
# ends on it must not add a second one. A real ellipsis ("...") is left alone.
_DOUBLE_STOP = re.compile(r"(?<![.])\.((?:</[a-z]+>)*)\.(?![.])")


def _one_full_stop(text: str) -> str:
    return _DOUBLE_STOP.sub(r".\1", text)


def load_content(root: Path | None = None, default_locale: str = DEFAULT_LOCALE) -> Content:
    """Read and validate every locale folder under ``root`` (default: the shipped content)."""
    base = root or content_root()
    catalogs = {
        folder.name: _load_locale(folder) for folder in sorted(base.iterdir()) if folder.is_dir()
    }
    return Content(catalogs=catalogs, default_locale=default_locale)
