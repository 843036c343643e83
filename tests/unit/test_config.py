"""Settings: defaults, env parsing, and one clear line for a bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings


def test_defaults_use_sqlite_under_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REBOUND_DATABASE_URL", raising=False)
    settings = load_settings(_env_file=None, data_dir=Path("/tmp/rb"))
    assert settings.effective_database_url == "sqlite+aiosqlite:////tmp/rb/rebound.db"
    assert settings.api_url == "https://api.telegram.org"


def test_env_values_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REBOUND_ADMIN_IDS", "12, 34")
    monkeypatch.setenv("REBOUND_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("REBOUND_LOG_LEVEL", "debug")
    settings = load_settings(_env_file=None)
    assert settings.admin_ids == [12, 34]
    assert settings.api_url == "http://127.0.0.1:8081"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REBOUND_WEBHOOK_PORT", "99999"),
        ("REBOUND_ADMIN_IDS", "12,abc"),
        ("REBOUND_API_URL", "ftp://example"),
        ("REBOUND_LOG_LEVEL", "LOUD"),
        ("REBOUND_WEBHOOK_SECRET", "has spaces in it"),
        ("REBOUND_WEBHOOK_SECRET", "x" * 257),
        ("REBOUND_WEBHOOK_SECRET", "pa$$word"),
        ("REBOUND_WEBHOOK_SECRET", ""),  # Telegram would take "" as no secret at all
    ],
)
def test_bad_setting_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(f"Invalid setting {name}")
    assert "\n" not in message


def test_missing_token_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REBOUND_BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="REBOUND_BOT_TOKEN"):
        load_settings(_env_file=None).token_value()


def test_cli_prints_one_line_for_bad_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    monkeypatch.setenv("REBOUND_WEBHOOK_PORT", "nope")
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rebound: Invalid setting REBOUND_WEBHOOK_PORT")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "secret",
    ["A", "x" * 256, "Az09_-", "x" * 257, "with space", "dot.ted", "pa$$", "ünï", "a/b"],
)
async def test_webhook_secret_rule_is_telegrams(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    """Start-up accepts exactly the secrets setWebhook accepts (the emulator follows the Bot API
    documentation), so a bad one stops `rebound run` at once instead of at setWebhook."""
    from telegram import Bot
    from telegram.error import BadRequest
    from telegram.request import HTTPXRequest

    from bot.emulator import Emulator

    monkeypatch.setenv("REBOUND_WEBHOOK_SECRET", secret)
    refusal = ""
    try:
        load_settings(_env_file=None)
    except SettingsError as exc:
        refusal = str(exc)
    start_up_accepts = not refusal
    if refusal:
        assert refusal.startswith("Invalid setting REBOUND_WEBHOOK_SECRET: ")
        assert "1-256 characters of A-Z, a-z, 0-9, _ and -" in refusal
        assert len(secret) < 4 or secret not in refusal  # a secret is never printed
    plain = HTTPXRequest(httpx_kwargs={"trust_env": False})
    async with (
        Emulator() as emu,
        Bot(emu.token, base_url=f"{emu.api_url}/bot", request=plain) as bot,
    ):
        try:
            await bot.set_webhook("http://127.0.0.1:9/hook", secret_token=secret)
            telegram_accepts = True
        except BadRequest:
            telegram_accepts = False
    assert start_up_accepts == telegram_accepts


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:99999", "Port out of range"),
        ("http://[::1", "Invalid IPv6 URL"),
        ("http://:8081", "has no host"),
        ("https://api.telegram.org?x=1", "plain server root"),
        ("http://local host", "spaces"),
    ],
)
def test_a_malformed_api_url_stops_start_up_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, why: str
) -> None:
    """Caught in settings, before the first Bot API call could fail with a traceback that quotes
    the URL with the token in it."""
    from bot.cli import main

    monkeypatch.setenv("REBOUND_BOT_TOKEN", "123456:AAE-secret-token-value")
    monkeypatch.setenv("REBOUND_API_URL", url)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rebound: Invalid setting REBOUND_API_URL: ")
    assert why in err
    assert len(err.splitlines()) == 1
    assert "AAE-secret" not in err


def test_api_url_forms_that_work_are_kept() -> None:
    for url in ("http://127.0.0.1:8081", "http://[::1]:8081", "https://tg.example.org/api/"):
        assert load_settings(_env_file=None, api_url=url).api_url == url.rstrip("/")


def test_the_mini_app_url_must_be_https() -> None:
    assert load_settings(_env_file=None).webapp_url is None
    on = load_settings(_env_file=None, webapp_url="https://rebound.example/app/")
    assert str(on.webapp_url) == "https://rebound.example/app/"
    with pytest.raises(SettingsError, match=r"REBOUND_WEBAPP_URL.*https"):
        load_settings(_env_file=None, webapp_url="http://rebound.example/app/")
