"""The vendored spec subset: complete for what the emulator implements, and true to the source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import make_spec_subset
from bot.emulator.errors import ApiReject
from bot.emulator.methods import METHODS
from bot.emulator.spec import BotApiSpec, SpecError, Upload

REPO_ROOT = Path(__file__).resolve().parents[2]
FULL_SPEC = REPO_ROOT.parent / "shared" / "telegram-bot-api.json"


def test_subset_covers_exactly_the_implemented_methods() -> None:
    spec = BotApiSpec.load()
    assert set(spec.methods) == set(make_spec_subset.METHODS)
    assert set(METHODS) | {"getUpdates"} == set(spec.methods)


def test_subset_matches_the_full_spec() -> None:
    if not FULL_SPEC.exists():
        pytest.skip(f"full Bot API spec not available at {FULL_SPEC}")
    full: dict[str, Any] = json.loads(FULL_SPEC.read_text(encoding="utf-8"))
    vendored = json.loads(make_spec_subset.SUBSET_PATH.read_text(encoding="utf-8"))
    assert vendored == make_spec_subset.build_subset(full), (
        "bot_api_subset.json is stale: run python -m bot.emulator.make_spec_subset"
    )


def test_form_values_are_decoded_by_declared_type() -> None:
    spec = BotApiSpec.load()
    params, unknown = spec.parse_params(
        "sendMessage",
        {
            "chat_id": "-100123",
            "text": "42",
            "disable_notification": "true",
            "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}',
            "colour": "blue",
        },
        {},
    )
    assert params == {
        "chat_id": -100123,
        "text": "42",
        "disable_notification": True,
        "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    }
    assert unknown == ["colour"]


def test_uploads_fill_input_file_fields_directly_or_by_attach_reference() -> None:
    spec = BotApiSpec.load()
    upload = Upload("cv.pdf", b"%PDF", "application/pdf")
    direct, _ = spec.parse_params("sendDocument", {"chat_id": "1"}, {"document": upload})
    attached, _ = spec.parse_params(
        "sendDocument", {"chat_id": "1", "document": "attach://file0"}, {"file0": upload}
    )
    assert direct["document"] is upload
    assert attached["document"] is upload


@pytest.mark.parametrize(
    ("method", "raw", "description"),
    [
        ("sendMessage", {"text": "hi"}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"chat_id": "1", "text": ""}, "Bad Request: message text is empty"),
        ("getUpdates", {"offset": "soon"}, "Bad Request: field offset must be of type Integer"),
        (
            "sendMessage",
            {"chat_id": "1", "text": "x", "reply_markup": "{oops"},
            "Bad Request: can't parse reply_markup JSON object",
        ),
        (
            "sendMessage",
            {"chat_id": "1", "text": "x", "reply_markup": '{"inline_keyboard": [[{"text": 5}]]}'},
            'Bad Request: can\'t parse inline keyboard button: Field "text" must be of type String',
        ),
        (
            "setMyCommands",
            {"commands": '[{"command": "start"}]'},
            "Bad Request: can't parse BotCommand: Can't find field \"description\"",
        ),
    ],
)
def test_bad_parameters_are_refused_like_telegram(
    method: str, raw: dict[str, Any], description: str
) -> None:
    with pytest.raises(ApiReject) as caught:
        BotApiSpec.load().parse_params(method, raw, {})
    assert caught.value.error_code == 400
    assert caught.value.description == description


def test_output_check_reports_unknown_and_missing_fields() -> None:
    spec = BotApiSpec.load()
    assert spec.check_output("User", {"id": 1, "is_bot": False, "first_name": "A"}) == []
    assert spec.check_output("User", {"id": 1, "is_bot": False, "nick": "A"}) == [
        "User.nick: not a field of User",
        "User.first_name: required field missing",
    ]
    with pytest.raises(SpecError):
        spec.check(["Array of BotCommand"], [{"command": 1, "description": "x"}])
