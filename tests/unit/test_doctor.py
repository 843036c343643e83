"""`rebound doctor` on real SQLite files and against the Bot API emulator over loopback HTTP."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.cli import main as cli_main
from bot.config import Settings
from bot.db.engine import create_engine
from bot.db.migrate import head_revision, upgrade
from bot.doctor import Check, Status, exit_code, format_table, mask_token, run_checks
from bot.emulator import Emulator

TOKEN = "123456:TopSecretDoctorToken"
SECRET_PART = "TopSecretDoctorToken"
MASKED = "1234…:***"


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator(token=TOKEN, rate_limits=False)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


def settings(db_url: str, api_url: str = "http://127.0.0.1:9", **extra: Any) -> Settings:
    values: dict[str, Any] = {"bot_token": TOKEN, "api_url": api_url, "database_url": db_url}
    values.update(extra)
    return Settings(_env_file=None, **values)


async def doctor(s: Settings, **kwargs: Any) -> tuple[str, int, dict[str, Check]]:
    checks = await run_checks(s, timeout=5.0, **kwargs)
    output = format_table(checks)
    assert SECRET_PART not in output
    return output, exit_code(checks), {c.name: c for c in checks}


def line(output: str, name: str) -> str:
    (found,) = [row for row in output.splitlines() if row[6:].startswith(name + " ")]
    return found


async def set_webhook(emu: Emulator, url: str) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        answer = await client.post(f"{emu.api_url}/bot{TOKEN}/setWebhook", json={"url": url})
    assert answer.json()["ok"], answer.text


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.slow
async def test_everything_passes_on_a_migrated_database(sqlite_url: str, emu: Emulator) -> None:
    output, code, checks = await doctor(settings(sqlite_url, emu.api_url))
    assert code == 0, output
    assert [c.name for c in checks.values()] == [
        "settings",
        "database",
        "migrations",
        "content",
        "token",
        "groups",
        "webhook",
    ]
    assert all(c.status is Status.PASS for c in checks.values() if c.name != "groups"), output
    assert line(output, "database") == f"PASS  database   {sqlite_url} reachable"
    assert line(output, "migrations") == f"PASS  migrations at head {head_revision()}"
    assert line(output, "token") == (
        f"PASS  token      {MASKED} is @rebound_test_bot (id 123456) via {emu.api_url}"
    )
    assert line(output, "webhook") == (
        "PASS  webhook    no webhook set (polling mode); 0 pending update(s)"
    )
    assert line(output, "content").startswith("PASS  content    ")
    assert "polling mode" in line(output, "settings")
    assert MASKED in line(output, "settings")


async def test_unmigrated_database_fails_with_the_fix(sqlite_db: str, emu: Emulator) -> None:
    engine = create_engine(sqlite_db)  # an empty file: reachable, but no schema
    async with engine.connect() as conn:
        await conn.exec_driver_sql("SELECT 1")
    await engine.dispose()
    output, code, _ = await doctor(settings(sqlite_db, emu.api_url))
    assert code == 1
    assert line(output, "database") == f"PASS  database   {sqlite_db} reachable"
    assert line(output, "migrations") == (
        f"FAIL  migrations no schema yet (head is {head_revision()}); run `rebound migrate`"
    )


async def test_database_behind_head_fails_with_the_fix(sqlite_db: str, emu: Emulator) -> None:
    engine = create_engine(sqlite_db)
    await upgrade(engine, "0001")
    await engine.dispose()
    output, code, _ = await doctor(settings(sqlite_db, emu.api_url))
    assert code == 1
    assert line(output, "migrations") == (
        f"FAIL  migrations behind: at 0001, head is {head_revision()}; run `rebound migrate`"
    )


async def test_missing_sqlite_file_is_reported_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "rebound.db"
    output, code, checks = await doctor(settings(f"sqlite+aiosqlite:///{path}"), offline=True)
    assert code == 1
    assert checks["database"].status is Status.FAIL
    assert "does not exist; run `rebound migrate`" in checks["database"].detail
    assert line(output, "migrations") == "SKIP  migrations needs a reachable database"
    assert not path.parent.exists()


async def test_unreachable_postgres_fails_without_showing_the_password() -> None:
    url = f"postgresql+asyncpg://rebound:hunter2@127.0.0.1:{closed_port()}/rebound"
    checks = await run_checks(settings(url), offline=True, timeout=5.0)
    output = format_table(checks)
    assert "hunter2" not in output
    assert line(output, "database").startswith(
        "FAIL  database   postgresql+asyncpg://rebound:***@127.0.0.1:"
    )
    assert "unreachable" in line(output, "database")
    assert exit_code(checks) == 1


async def test_no_token_is_a_clear_failure(sqlite_url: str, emu: Emulator) -> None:
    output, code, _ = await doctor(settings(sqlite_url, emu.api_url, bot_token=None))
    assert code == 1
    assert (
        line(output, "token")
        == "FAIL  token      REBOUND_BOT_TOKEN not set (get one from @BotFather)"
    )
    assert line(output, "webhook") == "SKIP  webhook    needs a token"
    assert emu.calls == []


async def test_rejected_token_fails_and_stays_masked(sqlite_url: str, emu: Emulator) -> None:
    wrong = "999999:TopSecretDoctorTokenButWrong"
    output, code, _ = await doctor(settings(sqlite_url, emu.api_url, bot_token=wrong))
    assert code == 1
    assert line(output, "token") == (
        "FAIL  token      9999…:***: getMe refused: 401 Unauthorized (is the token right?)"
    )
    assert line(output, "webhook") == "SKIP  webhook    needs a working token"
    assert wrong not in output


@pytest.mark.slow
async def test_unreachable_api_fails(sqlite_url: str) -> None:
    api = f"http://127.0.0.1:{closed_port()}"
    output, code, _ = await doctor(settings(sqlite_url, api))
    assert code == 1
    assert line(output, "token").startswith(f"FAIL  token      {MASKED}: cannot reach {api}: ")


@pytest.mark.slow
async def test_webhook_set_while_polling_warns(sqlite_url: str, emu: Emulator) -> None:
    await set_webhook(emu, "http://127.0.0.1:8443/elsewhere")
    output, code, checks = await doctor(settings(sqlite_url, emu.api_url))
    assert code == 0, "a warning is not a failure"
    assert checks["webhook"].status is Status.WARN
    assert line(output, "webhook").startswith(
        "WARN  webhook    a webhook is set to http://127.0.0.1:8443/elsewhere "
        "but REBOUND_WEBHOOK_URL is not (polling mode)"
    )


@pytest.mark.slow
async def test_webhook_configured_but_not_set_warns(sqlite_url: str, emu: Emulator) -> None:
    s = settings(
        sqlite_url, emu.api_url, webhook_url="https://bot.example.org/rebound", webhook_secret="s3"
    )
    output, code, checks = await doctor(s)
    assert code == 0
    assert checks["settings"].status is Status.PASS
    assert line(output, "webhook").startswith(
        "WARN  webhook    no webhook set although REBOUND_WEBHOOK_URL is "
        "https://bot.example.org/rebound"
    )


@pytest.mark.slow
async def test_webhook_mode_matches_then_reports_delivery_errors(
    sqlite_url: str, emu: Emulator
) -> None:
    hook = f"http://127.0.0.1:{closed_port()}/rebound"
    await set_webhook(emu, hook)
    s = settings(sqlite_url, emu.api_url, webhook_url=hook)
    output, code, checks = await doctor(s)
    assert code == 0
    assert line(output, "webhook") == f"PASS  webhook    {hook} set; 0 pending update(s)"
    # Plain http on an odd port: fine for the emulator, not for Telegram.
    assert checks["settings"].status is Status.WARN
    assert "not https" in checks["settings"].detail
    # No secret set: not a warning, the bot derives one (tests/e2e/test_webhook.py).
    assert "REBOUND_WEBHOOK_SECRET" not in checks["settings"].detail
    assert "webhook secret derived from the token" in checks["settings"].detail

    await emu.user().send("hello")  # nobody listens at the hook: delivery fails
    for _ in range(100):
        output, code, checks = await doctor(s)
        if checks["webhook"].status is Status.WARN:
            break
        await asyncio.sleep(0.05)
    assert code == 0
    assert line(output, "webhook").startswith(
        f"WARN  webhook    {hook} set, but Telegram's last delivery failed: Connection failed"
    )
    assert line(output, "webhook").endswith("; 1 pending update(s)")


def test_webhook_secret_telegram_refuses_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.doctor import main

    monkeypatch.setenv("REBOUND_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("REBOUND_WEBHOOK_SECRET", "has space!")
    assert main(offline=True) == 1
    output = capsys.readouterr().out
    assert line(output, "settings").startswith(
        "FAIL  settings   Invalid setting REBOUND_WEBHOOK_SECRET: "
    )
    assert "1-256 characters of A-Z, a-z, 0-9, _ and -" in output
    assert "has space!" not in output and SECRET_PART not in output


@pytest.mark.slow
async def test_offline_makes_no_bot_api_calls(sqlite_url: str, emu: Emulator) -> None:
    output, code, _ = await doctor(settings(sqlite_url, emu.api_url), offline=True)
    assert code == 0, output
    assert line(output, "token") == f"PASS  token      {MASKED} set; getMe skipped (--offline)"
    assert line(output, "webhook") == "SKIP  webhook    getWebhookInfo skipped (--offline)"
    assert emu.calls == []


@pytest.mark.slow
async def test_groups_line_reports_privacy_mode_from_get_me(sqlite_url: str) -> None:
    for privacy, expected in (
        (
            True,
            "WARN  groups     can_read_all_group_messages false (privacy mode on): where Rebound"
            " is not an admin it sees only commands, so the group crisis check sees nothing;",
        ),
        (
            False,
            "PASS  groups     can_read_all_group_messages true (privacy mode off): sees every"
            " group message",
        ),
    ):
        async with Emulator(token=TOKEN, rate_limits=False, group_privacy=privacy) as emu:
            output, code, _ = await doctor(settings(sqlite_url, emu.api_url))
        assert code == 0, output  # a warning: groups work, crisis care there does not
        assert line(output, "groups").startswith(expected)
        assert line(output, "groups").endswith("re-add it (deploy/README.md)") is privacy


def test_mask_token() -> None:
    assert mask_token("1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") == "1234…:***"
    assert mask_token("no-colon-at-all") == "***"


def test_table_scrubs_secrets_it_is_given() -> None:
    checks = [Check("token", Status.FAIL, f"weird error mentioning {TOKEN}")]
    assert format_table(checks, [TOKEN]) == "FAIL  token      weird error mentioning ***"


# --- through the command line ---------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No stray REBOUND_* variables or .env file from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("REBOUND_") and name != "REBOUND_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_doctor_offline_passes_and_never_prints_the_token(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{clean_env / 'data' / 'rebound.db'}"

    async def migrate() -> None:
        engine = create_engine(url)
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(migrate())
    monkeypatch.setenv("REBOUND_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("REBOUND_DATABASE_URL", url)
    monkeypatch.setenv("REBOUND_WEBHOOK_SECRET", "webhook-secret-value")
    assert cli_main(["doctor", "--offline", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert f"PASS  database   {url} reachable" in out.splitlines()
    assert "REBOUND_BOT_TOKEN=1234…:***" in out.splitlines()
    assert "REBOUND_WEBHOOK_SECRET=***" in out.splitlines()
    assert SECRET_PART not in out
    assert "webhook-secret-value" not in out


def test_cli_doctor_reports_a_bad_setting_as_a_failure(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REBOUND_WEBHOOK_PORT", "99999")
    assert cli_main(["doctor"]) == 1
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("FAIL  settings   Invalid setting REBOUND_WEBHOOK_PORT")
    assert rows[1] == "SKIP  database   settings did not load"
    assert len(rows) == 7


@pytest.mark.slow
async def test_migrated_database_passes_on_each_backend(db_url: str) -> None:
    output, code, _ = await doctor(settings(db_url), offline=True)
    assert code == 0, output
    assert line(output, "database").endswith(" reachable")
    assert line(output, "migrations") == f"PASS  migrations at head {head_revision()}"
