"""Loads ``content/<locale>/*.yaml`` once, validates it, and renders texts safely.

Every user-facing sentence lives in those files. A text is a string or a list of variants (for
messages sent repeatedly). Keys are the file name plus the nested path, e.g. ``help.intro``.
Parameters are HTML-escaped when rendered, because all messages use Telegram's HTML parse mode.
"""

from __future__ import annotations

import html
import random
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

DEFAULT_LOCALE = "en"
_FORMATTER = string.Formatter()


class ContentError(Exception):
    """The content files are inconsistent; the message says which file and key."""


class Markup(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


class LocaleCatalog(BaseModel):
    """All texts of one locale, flattened to dotted keys."""

    model_config = ConfigDict(frozen=True)

    locale: str
    texts: dict[str, tuple[str, ...]]

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


def _flatten(prefix: str, node: Any, out: dict[str, tuple[str, ...]], source: Path) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}", value, out, source)
    elif isinstance(node, str):
        out[prefix] = (node.strip("\n"),)
    elif isinstance(node, list) and all(isinstance(item, str) for item in node):
        out[prefix] = tuple(item.strip("\n") for item in node)
    else:
        raise ContentError(f"{source.name}: {prefix} must be text or a list of texts")


def _load_locale(folder: Path) -> LocaleCatalog:
    texts: dict[str, tuple[str, ...]] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ContentError(f"{path}: not valid YAML ({exc})") from None
        _flatten(path.stem, data, texts, path)
    return LocaleCatalog(locale=folder.name, texts=texts)


def _check_against_default(default: LocaleCatalog, other: LocaleCatalog) -> None:
    for key, variants in other.texts.items():
        if key not in default.texts:
            raise ContentError(f"{other.locale}: {key} does not exist in {default.locale}")
        expected = placeholders(default.texts[key][0])
        for text in variants:
            if placeholders(text) != expected:
                raise ContentError(f"{other.locale}: {key} placeholders differ from {expected}")


@dataclass
class Content:
    """Every locale's catalog; English is complete and the fallback for every key."""

    catalogs: dict[str, LocaleCatalog]
    default_locale: str = DEFAULT_LOCALE
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.default_locale not in self.catalogs:
            raise ContentError(f"default locale {self.default_locale!r} has no content")
        default = self.catalogs[self.default_locale]
        for key, variants in default.texts.items():
            if len({frozenset(placeholders(v)) for v in variants}) > 1:
                raise ContentError(f"{key}: variants use different placeholders")
        for catalog in self.catalogs.values():
            _check_against_default(default, catalog)

    def resolve_locale(self, language_code: str | None) -> str:
        """``pt-BR`` → ``pt-br`` if present, else ``pt``, else the default."""
        if language_code:
            code = language_code.lower().replace("_", "-")
            for candidate in (code, code.split("-")[0]):
                if candidate in self.catalogs:
                    return candidate
        return self.default_locale

    def texts(self, language_code: str | None = None) -> Texts:
        return Texts(self, self.resolve_locale(language_code))

    def all_keys(self) -> set[str]:
        return set(self.catalogs[self.default_locale].texts)

    def variants(self, key: str, locale: str) -> tuple[str, ...]:
        catalog = self.catalogs.get(locale)
        if catalog is not None and key in catalog.texts:
            return catalog.texts[key]
        try:
            return self.catalogs[self.default_locale].texts[key]
        except KeyError:
            raise ContentError(f"unknown content key {key!r}") from None


@dataclass(frozen=True)
class Texts:
    """Content bound to one person's locale: ``texts("help.intro", name=...)``."""

    content: Content
    locale: str

    def __call__(self, key: str, /, *, variant: int | None = None, **params: object) -> str:
        return self.render(key, params, variant=variant)

    def render(self, key: str, params: Mapping[str, object], *, variant: int | None = None) -> str:
        """Render ``key``; a random variant unless ``variant`` picks one."""
        variants = self.content.variants(key, self.locale)
        if variant is None:
            template = self.content.rng.choice(variants)
        else:
            template = variants[variant % len(variants)]
        return _render(key, template, params)

    def count(self, key: str) -> int:
        return len(self.content.variants(key, self.locale))

    def section(self, prefix: str) -> dict[str, str]:
        """The texts directly under ``prefix``, in file order (e.g. a command list)."""
        lead = prefix + "."
        keys = [
            k
            for k in self.content.catalogs[self.content.default_locale].texts
            if k.startswith(lead)
        ]
        return {k[len(lead) :]: self(k, variant=0) for k in keys if "." not in k[len(lead) :]}


def _render(key: str, template: str, params: Mapping[str, object]) -> str:
    missing = placeholders(template) - set(params)
    if missing:
        raise ContentError(f"{key}: missing parameters {sorted(missing)}")
    safe = {
        name: value if isinstance(value, Markup) else html.escape(str(value), quote=False)
        for name, value in params.items()
    }
    return template.format_map(safe)


def load_content(root: Path | None = None, default_locale: str = DEFAULT_LOCALE) -> Content:
    """Read and validate every locale folder under ``root`` (default: the shipped content)."""
    base = root or content_root()
    catalogs = {
        folder.name: _load_locale(folder) for folder in sorted(base.iterdir()) if folder.is_dir()
    }
    return Content(catalogs=catalogs, default_locale=default_locale)
