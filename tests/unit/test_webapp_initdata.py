"""The Mini App's init data check (bot.webapp.initdata), against init data made as Telegram
makes it: by the emulator's own signer (bot.emulator.webapp), and by hand from the documented
recipe for one fixed example."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.emulator.state import UserInfo
from bot.emulator.webapp import init_data
from bot.webapp.initdata import InitDataError, from_header, validate

TOKEN = "424242:TEST-TOKEN"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
ALEX = UserInfo(1001, "Alex", language_code="de")


def signed(moment: datetime = NOW, token: str = TOKEN) -> str:
    return init_data(token, ALEX, int(moment.timestamp()))


def test_valid_init_data_names_the_person() -> None:
    person = validate(signed(), TOKEN, NOW)
    assert (person.id, person.language_code) == (1001, "de")
    assert person.auth_date == NOW


def test_the_documented_recipe_by_hand() -> None:
    """secret_key = HMAC_SHA256(key="WebAppData", msg=token); hash = hex HMAC_SHA256(secret_key,
    the sorted key=value lines without hash)."""
    fields = {"auth_date": str(int(NOW.timestamp())), "user": '{"id":7,"first_name":"Q"}'}
    check = f"auth_date={fields['auth_date']}\nuser={fields['user']}"
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    assert validate(urlencode(fields), TOKEN, NOW).id == 7


def test_a_day_old_is_still_fine_a_day_and_a_second_is_not() -> None:
    assert validate(signed(NOW - timedelta(hours=24)), TOKEN, NOW).id == 1001
    with pytest.raises(InitDataError, match="too old"):
        validate(signed(NOW - timedelta(hours=24, seconds=1)), TOKEN, NOW)


def test_from_the_future_is_refused() -> None:
    with pytest.raises(InitDataError):
        validate(signed(NOW + timedelta(hours=1)), TOKEN, NOW)


def test_signed_for_another_bot_is_refused() -> None:
    with pytest.raises(InitDataError, match="hash"):
        validate(signed(token="777:OTHER-BOT"), TOKEN, NOW)


@pytest.mark.parametrize(
    ("field", "value"),
    [("user", '{"id":1002,"first_name":"Alex"}'), ("auth_date", "1768478401"), ("hash", "0" * 64)],
)
def test_any_field_changed_is_refused(field: str, value: str) -> None:
    fields = dict(parse_qsl(signed()))
    fields[field] = value
    with pytest.raises(InitDataError):
        validate(urlencode(fields), TOKEN, NOW)


@pytest.mark.parametrize("missing", ["hash", "user", "auth_date"])
def test_a_missing_field_is_refused(missing: str) -> None:
    fields = dict(parse_qsl(signed()))
    fields.pop(missing)
    if missing != "hash":  # re-signed without it: still refused, it says nobody or no time
        check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash")
        secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
        fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    with pytest.raises(InitDataError):
        validate(urlencode(fields), TOKEN, NOW)


@pytest.mark.parametrize("raw", ["", "garbage", "a=1&a=2&hash=00", "x" * 5000])
def test_malformed_init_data_is_refused(raw: str) -> None:
    with pytest.raises(InitDataError):
        validate(raw, TOKEN, NOW)


def test_a_field_twice_is_refused_even_if_one_copy_is_signed() -> None:
    with pytest.raises(InitDataError, match="twice"):
        validate(signed() + "&user=%7B%22id%22%3A1%7D", TOKEN, NOW)


@pytest.mark.parametrize("header", [None, "", "tma", "Bearer abc", "tma   "])
def test_the_header_must_be_tma(header: str | None) -> None:
    with pytest.raises(InitDataError):
        from_header(header)


def test_the_header_carries_the_init_data() -> None:
    raw = signed()
    assert from_header(f"tma {raw}") == raw
