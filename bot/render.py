"""Turns service replies (content keys, parameters, buttons) into what Telegram shows: messages
with buttons, the words on a chart, the export's files. Shared by the handlers, the dispatcher
(bot.dispatch) and the Mini App's API."""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.content import Markup, Texts
from bot.services import charts, privacy
from bot.services.reflection import REASONS, STAGES
from bot.services.replies import Button, Ref, RefList, Say

# Joined replies stay well inside Telegram's 4096 characters (HTML tags count here, not there).
MERGE_LIMIT = 3500


# How many letters of a button label a phone shows before cutting it, by buttons in the row
# (Telegram shares the chat's width evenly between them); an emoji takes the room of two.
PHONE_LABEL_CHARS = {1: 30, 2: 20, 3: 13, 4: 9, 5: 6}


def label_width(label: str) -> int:
    """A label's width in letters as a phone draws it (wide characters and emoji count 2)."""
    if label.isascii():  # most labels: no wide, combining or joining character among them
        return len(label)
    width = 0
    for char in label:
        point = ord(char)
        if char in "\u200d\ufe0e\ufe0f" or 0x1F3FB <= point <= 0x1F3FF:
            continue  # joiners, variation selectors and skin tones add nothing
        if unicodedata.combining(char):
            continue
        wide = unicodedata.east_asian_width(char) in "WF" or 0x1F000 <= point <= 0x1FAFF
        width += 2 if wide else 1
    return width


def fit_rows(rows: Sequence[Sequence[InlineKeyboardButton]]) -> list[list[InlineKeyboardButton]]:
    """The rows as given, except that a row whose labels a phone would cut off is split, in
    order, into the fewest even rows narrow enough for them (down to one button a row)."""
    fitted: list[list[InlineKeyboardButton]] = []
    for row in rows:
        for count in range(1, len(row) + 1):
            chunks = _even_chunks(list(row), count)
            if count == len(row) or all(_fits(chunk) for chunk in chunks):
                fitted.extend(chunks)
                break
    return fitted


def _even_chunks(row: list[InlineKeyboardButton], count: int) -> list[list[InlineKeyboardButton]]:
    """``row`` split in order into ``count`` rows whose lengths differ by one at most."""
    size, extra = divmod(len(row), count)
    chunks, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < extra else 0)
        chunks.append(row[start:end])
        start = end
    return chunks


def _fits(row: Sequence[InlineKeyboardButton]) -> bool:
    limit = PHONE_LABEL_CHARS.get(len(row), 5)
    return len(row) == 1 or all(label_width(button.text) <= limit for button in row)


ButtonsKey = tuple[tuple[tuple[str, str | None, str | None], ...], ...] | None


def buttons_key(markup: InlineKeyboardMarkup | None) -> ButtonsKey:
    """What a keyboard shows, as a plain value (None: no buttons; an empty keyboard is none)."""
    if markup is None or not any(markup.inline_keyboard):
        return None
    return tuple(
        tuple(
            (
                b.text,
                b.callback_data if isinstance(b.callback_data, str) else None,
                b.url or (b.web_app.url if b.web_app else None),
            )
            for b in row
        )
        for row in markup.inline_keyboard
    )


def buttons_key_of(markup: Mapping[str, Any] | None) -> ButtonsKey:
    """:func:`buttons_key` of a keyboard as Bot API JSON (``InlineKeyboardMarkup.to_dict()``,
    as a reply's calls keep it), without building PTB objects from it again."""
    keyboard = markup.get("inline_keyboard") if markup else None
    if not keyboard or not any(keyboard):
        return None
    return tuple(
        tuple(
            (
                b["text"],
                b.get("callback_data") if isinstance(b.get("callback_data"), str) else None,
                b.get("url") or (b["web_app"].get("url") if b.get("web_app") else None),
            )
            for b in row
        )
        for row in keyboard
    )


@dataclass(frozen=True)
class Message:
    text: str
    markup: InlineKeyboardMarkup | None = None
    prompt_of: str | None = None


@dataclass(frozen=True)
class Renderer:
    texts: Texts

    def _for(self, reply: Say) -> Renderer:
        """The renderer for this reply's language (its own ``locale``, else the person's; a
        care-only language only for a care moment's text, Content.reply_texts)."""
        if reply.locale is None or reply.locale == self.texts.locale:
            return self
        texts = self.texts.content.reply_texts(reply.locale, reply.key)
        return self if texts is None else Renderer(texts)

    def text(self, reply: Say) -> str:
        own = self._for(reply)
        params = {k: own._param(v) for k, v in reply.params.items()}
        return own.texts.render(reply.key, params, variant=reply.variant)

    def _param(self, value: object) -> object:
        if isinstance(value, Ref):
            params = {k: self._param(v) for k, v in value.params.items()}
            return Markup(self.texts.render(value.key, params, variant=value.variant))
        if isinstance(value, RefList):
            if not value.items:
                return Markup(self.texts(value.empty, variant=0))
            parts = [value.prefix + str(self._param(item)) for item in value.items]
            return Markup(value.separator.join(parts))
        return value

    def markup(self, reply: Say) -> InlineKeyboardMarkup | None:
        if not reply.buttons:
            return None
        own = self._for(reply)
        return InlineKeyboardMarkup(
            fit_rows([[own._button(b) for b in row] for row in reply.buttons])
        )

    def _button(self, button: Button) -> InlineKeyboardButton:
        if button.literal:
            label = button.label
        else:
            params = {k: self._param(v) for k, v in button.params.items()}
            # Labels are plain text on Telegram (no parse mode): the escaping that keeps a
            # message's HTML valid would show as "AT&amp;T" there.
            label = html.unescape(self.texts.render(button.label, params, variant=0))
        if button.ticked:
            label = f"✓ {label}"
        if button.url is not None:
            return InlineKeyboardButton(label, url=button.url)
        if button.web_app is not None:
            return InlineKeyboardButton(label, web_app=WebAppInfo(button.web_app))
        return InlineKeyboardButton(label, callback_data=button.data)

    def messages(self, replies: Sequence[Say]) -> list[Message]:
        """Replies as Telegram messages: a reply without buttons joins the next one, so
        "Got it" and the next question arrive as one message (one notification, fewer sends)."""
        out: list[Message] = []
        pending: list[str] = []
        for reply in replies:
            text = self.text(reply)
            if pending and len("\n\n".join([*pending, text])) > MERGE_LIMIT:
                out.append(Message("\n\n".join(pending)))
                pending = []
            pending.append(text)
            markup = self.markup(reply)
            if markup is not None:
                out.append(Message("\n\n".join(pending), markup, reply.prompt_of))
                pending = []
        if pending:
            out.append(Message("\n\n".join(pending)))
        return out


def _plain(texts: Texts, key: str) -> str:
    return html.unescape(texts(key, variant=0))


def chart_text(texts: Texts, title_key: str) -> charts.ChartText:
    """Every word a chart shows, in the reader's language."""
    names = {stage: _plain(texts, f"reflection.stage.{stage}") for stage in STAGES}
    names |= {reason: _plain(texts, f"reflection.reason.{reason}") for reason in REASONS}
    return charts.ChartText(
        title=_plain(texts, title_key),
        mood=_plain(texts, "stats.chart.mood"),
        mood_low=_plain(texts, "stats.chart.mood_low"),
        mood_high=_plain(texts, "stats.chart.mood_high"),
        no_mood=_plain(texts, "stats.chart.no_mood"),
        stages=_plain(texts, "stats.chart.stages"),
        no_debriefs=_plain(texts, "stats.chart.no_debriefs"),
        reasons=_plain(texts, "stats.chart.reasons"),
        no_reasons=_plain(texts, "stats.chart.no_reasons"),
        progress=_plain(texts, "stats.chart.progress"),
        done=_plain(texts, "stats.chart.done"),
        wins=_plain(texts, "stats.chart.wins"),
        no_progress=_plain(texts, "stats.chart.no_progress"),
        names=names,
        weekdays=tuple(_plain(texts, f"stats.chart.weekday.{day}") for day in range(7)),
        locale=texts.locale,
    )


def export_files(texts: Texts, document: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The export as /export and the Mini App send it: all of it as JSON, and the debriefs as
    Markdown in the person's language."""
    # The Markdown file is plain text: render the content, then undo the HTML escaping.
    renderer = Renderer(texts)
    readable = "\n\n".join(
        html.unescape(renderer.text(part)) for part in privacy.markdown(document)
    )
    return [
        ("rebound-export.json", privacy.export_json(document)),
        ("rebound-debriefs.md", readable.encode("utf-8")),
    ]
