"""Private parts of dependencies that Rebound still relies on (issue 17 is to remove them),
each checked against the releases it was written for. A newer release fails here first, so the
use is re-checked before it can break at run time."""

from __future__ import annotations

from importlib.metadata import version

import aiosqlite
import pytest
from telegram.ext import ExtBot


def release(package: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version(package).split(".")[:3] if part.isdigit())


@pytest.mark.parametrize(
    ("package", "lowest", "below", "uses"),
    [
        (
            "python-telegram-bot",
            (22, 5),
            (22, 9),
            "ExtBot._post (bot/telegram_bot.py), telegram._utils (bot/telegram_http.py)",
        ),
        ("aiosqlite", (0, 21), (0, 23), "Connection._execute, ._thread (bot/db/sqlite_driver.py)"),
    ],
)
def test_private_parts_are_used_only_on_releases_checked(
    package: str, lowest: tuple[int, ...], below: tuple[int, ...], uses: str
) -> None:
    installed = release(package)
    assert lowest <= installed < below, f"{package} {installed}: re-check {uses}"


def test_the_private_parts_still_exist() -> None:
    from telegram._utils.defaultvalue import DefaultValue
    from telegram._utils.types import ODVInput

    assert callable(ExtBot._post)
    assert callable(aiosqlite.Connection._execute)
    assert DefaultValue is not None and ODVInput is not None
