"""Telegram's HTML parse mode, rebuilt after TDLib's parser so content fails here as it would there.

``parse_html`` turns HTML into the plain text a person sees plus MessageEntity dicts with UTF-16
offsets, and raises ``HtmlError`` with Telegram's own wording (the part after
"Bad Request: can't parse entities: ") for anything Telegram refuses. Like Telegram, an "&" that
does not start a known entity is kept as typed; ``strict=True`` refuses it too, for content checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.emulator.text import utf16_len

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "a", "code", "pre", "blockquote", "tg-emoji"})
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,7})|([A-Za-z]{2,4}));")
_SPACES = frozenset(" \t\r\n\f\v")
_URL = re.compile(r"^(?:(?:https?|tg|ton|ftp)://\S+|[\w.-]+\.[A-Za-z]{2,}(?:[/?#]\S*)?)$")


class HtmlError(ValueError):
    """Text Telegram would refuse with "Bad Request: can't parse entities: <description>"."""

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_start: int
    text_start: int


def parse_html(text: str, *, strict: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) for Telegram HTML; raise HtmlError where Telegram would."""
    return _Parser(text, strict).run()


def _decode_entity(text: str, at: int) -> tuple[str, int] | None:
    """The character an HTML entity at ``at`` stands for and where it ends, if it is one."""
    match = _ENTITY.match(text, at)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return (char, match.end()) if char is not None else None
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


class _Parser:
    def __init__(self, text: str, strict: bool):
        self.text = text
        self.strict = strict
        self.pos = 0
        self.out: list[str] = []
        self.plain_len = 0
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "&":
                decoded = _decode_entity(text, self.pos)
                if decoded is not None:
                    self._emit(decoded[0])
                    self.pos = decoded[1]
                    continue
                if self.strict:
                    raise HtmlError(
                        f'Character "&" at byte offset {self._byte_offset(self.pos)} '
                        'must be escaped as "&amp;"'
                    )
            if char != "<":
                self._emit(char)
                self.pos += 1
            elif text.startswith("/", self.pos + 1):
                self._end_tag()
            else:
                self._start_tag()
        if self.stack:
            raise HtmlError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        return "".join(self.out), self._finish_entities()

    def _emit(self, chars: str) -> None:
        self.out.append(chars)
        self.plain_len += len(chars)
        self.utf16 += utf16_len(chars)

    def _byte_offset(self, index: int) -> int:
        return len(self.text[:index].encode("utf-8", "surrogatepass"))

    def _skip_spaces(self, at: int) -> int:
        while at < len(self.text) and self.text[at] in _SPACES:
            at += 1
        return at

    def _unclosed_start(self, begin: int) -> HtmlError:
        return HtmlError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")

    def _start_tag(self) -> None:
        text, begin = self.text, self.pos
        at = begin + 1
        while at < len(text) and text[at] not in _SPACES and text[at] != ">":
            at += 1
        if at >= len(text):
            raise self._unclosed_start(begin)
        name = text[begin + 1 : at].lower()
        if name not in SUPPORTED_TAGS:
            raise HtmlError(
                f'Unsupported start tag "{name}" at byte offset {self._byte_offset(begin)}'
            )
        argument = ""
        while text[at] != ">":
            at = self._skip_spaces(at)
            if at >= len(text):
                raise self._unclosed_start(begin)
            if text[at] == ">":
                break
            at, found = self._attribute(name, begin, at)
            argument = found if found is not None else argument
        if name == "span" and argument != "spoiler":
            raise HtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset(begin)}'
            )
        self.stack.append(_OpenTag(name, argument, self.utf16, self.plain_len))
        self.pos = at + 1

    def _attribute(self, tag: str, begin: int, at: int) -> tuple[int, str | None]:
        """Parse one attribute at ``at``; return where it ends and the tag argument it sets."""
        text = self.text
        name_start = at
        while at < len(text) and text[at] not in _SPACES and text[at] not in "=>":
            at += 1
        attribute = text[name_start:at].lower()
        if not attribute:
            raise HtmlError(
                f'Empty attribute name in the tag "{tag}" at byte offset {self._byte_offset(begin)}'
            )
        at = self._skip_spaces(at)
        if at >= len(text):
            raise self._unclosed_start(begin)
        if text[at] != "=":
            if tag == "blockquote" and attribute == "expandable":
                return at, "expandable"
            raise HtmlError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {self._byte_offset(begin)}'
            )
        at = self._skip_spaces(at + 1)
        if at >= len(text):
            raise self._unclosed_start(begin)
        if text[at] in "'\"":
            at, value = self._quoted_value(at)
        else:
            token_start = at
            while at < len(text) and _is_name_token_char(text[at]):
                at += 1
            value = text[token_start:at].lower()
            if at < len(text) and text[at] not in _SPACES and text[at] != ">":
                raise HtmlError(
                    f"Unexpected end of name token at byte offset {self._byte_offset(token_start)}"
                )
        if at >= len(text):
            raise self._unclosed_start(begin)
        return at, _tag_argument(tag, attribute, value)

    def _quoted_value(self, at: int) -> tuple[int, str]:
        text, quote = self.text, self.text[at]
        at += 1
        value: list[str] = []
        while at < len(text) and text[at] != quote:
            decoded = _decode_entity(text, at) if text[at] == "&" else None
            if decoded is not None:
                value.append(decoded[0])
                at = decoded[1]
            else:
                value.append(text[at])
                at += 1
        return min(at + 1, len(text)), "".join(value)

    def _end_tag(self) -> None:
        text, begin = self.text, self.pos
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        at = begin + 2
        while at < len(text) and text[at] not in _SPACES and text[at] != ">":
            at += 1
        end_name = text[begin + 2 : at].lower()
        at = self._skip_spaces(at)
        if at >= len(text) or text[at] != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        open_tag = self.stack[-1]
        if end_name and end_name != open_tag.name:
            raise HtmlError(
                f"Unmatched end tag at byte offset {self._byte_offset(begin)}, "
                f'expected "</{open_tag.name}>", found "</{end_name}>"'
            )
        self.stack.pop()
        if self.utf16 > open_tag.utf16_start:
            self._close_entity(open_tag)
        self.pos = at + 1

    def _close_entity(self, tag: _OpenTag) -> None:
        offset, length = tag.utf16_start, self.utf16 - tag.utf16_start
        entity: dict[str, Any] = {"offset": offset, "length": length}
        if tag.name in _SIMPLE_TAGS:
            entity["type"] = _SIMPLE_TAGS[tag.name]
        elif tag.name == "code":
            entity["type"] = "code"
            if tag.argument:
                entity["language"] = tag.argument
        elif tag.name == "pre":
            entity["type"] = "pre"
            inner = self.entities[-1] if self.entities else None
            if (
                inner
                and inner["type"] == "code"
                and (inner["offset"], inner["length"])
                == (
                    offset,
                    length,
                )
            ):
                self.entities.pop()
                if "language" in inner:
                    entity["language"] = inner["language"]
        elif tag.name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise HtmlError("Invalid custom emoji identifier specified")
            entity["type"] = "custom_emoji"
            entity["custom_emoji_id"] = tag.argument
        else:
            url = tag.argument or "".join(self.out)[tag.text_start :]
            if not _URL.match(url):
                return
            entity["type"] = "text_link"
            entity["url"] = url
        self.entities.append(entity)

    def _finish_entities(self) -> list[dict[str, Any]]:
        """Order entities as Telegram does and drop formatting Telegram ignores inside code."""
        code_spans = [
            (e["offset"], e["offset"] + e["length"])
            for e in self.entities
            if e["type"] in ("code", "pre")
        ]
        kept = [
            e
            for e in self.entities
            if e["type"] in ("code", "pre")
            or not any(s <= e["offset"] and e["offset"] + e["length"] <= t for s, t in code_spans)
        ]
        return sorted(kept, key=lambda e: (e["offset"], -e["length"]))


def _is_name_token_char(char: str) -> bool:
    """Characters allowed in an unquoted attribute value."""
    return char.isascii() and (char.isalnum() or char in ".-")


def _tag_argument(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    return None
