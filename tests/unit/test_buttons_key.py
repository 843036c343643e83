"""A keyboard's plain value is the same whether read from PTB objects or from the Bot API JSON
a reply's calls keep (bot.delivery reads the JSON, so it builds no objects to compare)."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.render import buttons_key, buttons_key_of

KEYBOARDS = [
    InlineKeyboardMarkup([[InlineKeyboardButton("Skip", callback_data="rf:1:ab:company:skip")]]),
    InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="x:1"),
                InlineKeyboardButton("No", callback_data="x:0"),
            ],
            [InlineKeyboardButton("Open", url="https://t.me/rebound_bot?start=reflect")],
            [InlineKeyboardButton("App", web_app=WebAppInfo("https://example.org/app?tab=plan"))],
        ]
    ),
    InlineKeyboardMarkup([]),
    InlineKeyboardMarkup([[]]),
]


@pytest.mark.parametrize("markup", KEYBOARDS)
def test_the_key_of_the_json_is_the_key_of_the_objects(markup: InlineKeyboardMarkup) -> None:
    assert buttons_key_of(markup.to_dict()) == buttons_key(markup)


def test_no_keyboard_is_none() -> None:
    assert buttons_key_of(None) is None
    assert buttons_key_of({"inline_keyboard": [[]]}) is None
    assert buttons_key_of(KEYBOARDS[1].to_dict()) == (
        (("Yes", "x:1", None), ("No", "x:0", None)),
        (("Open", None, "https://t.me/rebound_bot?start=reflect"),),
        (("App", None, "https://example.org/app?tab=plan"),),
    )
