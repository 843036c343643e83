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
