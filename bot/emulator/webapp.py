"""Init data as Telegram hands it to a Mini App (``Telegram.WebApp.initData``), signed with the
bot's token the way Telegram documents for checking it: the fields but ``hash`` as sorted
``key=value`` lines, HMAC-SHA256 with the key HMAC-SHA256("WebAppData", token). Written here
on its own, not borrowed from the bot's checker, so that a test opening the app as a simulated
person checks one implementation against the other."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from urllib.parse import urlencode

from bot.emulator.objects import user_json
from bot.emulator.state import UserInfo


def init_data(token: str, user: UserInfo, auth_date: int, query_id: str | None = None) -> str:
    """The query string a Mini App opened by ``user`` from the bot's menu button receives."""
    # WebAppUser: the User fields, and whether the bot may write to them (it is their chat).
    person = {**user_json(user), "allows_write_to_pm": True}
    person.pop("is_bot")  # "Returns in the receiver field only"
    fields = {
        "query_id": query_id or "AA" + secrets.token_urlsafe(16),
        "user": json.dumps(person, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(auth_date),
    }
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)
