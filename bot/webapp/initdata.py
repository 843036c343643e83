"""The Mini App's init data, checked as Telegram documents it ("Validating data received via
the Mini App", core.telegram.org/bots/webapps):

    data_check_string = every received field but ``hash``, as ``key=value``, sorted by key,
                        joined with "\\n"
    secret_key        = HMAC_SHA256(key="WebAppData", msg=bot_token)
    hash              = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))

and ``auth_date`` no older than a day. Anything else (no header, a field twice, a hash that does
not match, no user) is refused the same way: the caller answers 401 and reads nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

MAX_AGE = timedelta(hours=24)
MAX_INIT_DATA_BYTES = 4096  # what Telegram sends is well under 1 KB
SCHEME = "tma"  # Authorization: tma <initData>


class InitDataError(Exception):
    """The init data is missing, malformed, forged or stale (the reason is for logs only)."""


@dataclass(frozen=True)
class WebAppUser:
    """Who opened the app, as Telegram vouches for it."""

    id: int
    language_code: str | None
    auth_date: datetime


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def from_header(header: str | None) -> str:
    """The init data from ``Authorization: tma <initData>``."""
    if not header:
        raise InitDataError("no Authorization header")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != SCHEME or not value.strip():
        raise InitDataError("not tma authorization")
    return value.strip()


def validate(init_data: str, bot_token: str, now: datetime) -> WebAppUser:
    """The person the init data names, if Telegram signed it for this bot within a day."""
    if len(init_data) > MAX_INIT_DATA_BYTES:
        raise InitDataError("too long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError("not a query string") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("a field appears twice")
    received = fields.get("hash", "")
    if not received:
        raise InitDataError("no hash")
    expected = hmac.new(
        secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, received.lower()):
        raise InitDataError("hash does not match")
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), tz=now.tzinfo)
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        raise InitDataError(f"missing or malformed field ({type(exc).__name__})") from None
    if now - auth_date > MAX_AGE or auth_date - now > timedelta(minutes=5):
        raise InitDataError("auth_date too old (or in the future)")
    language = user.get("language_code")
    return WebAppUser(user_id, language if isinstance(language, str) else None, auth_date)
