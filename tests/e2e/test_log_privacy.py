"""Issue 18 item 2: a database error never puts what someone typed into the log, whatever the
mode, database or log level. Failures are injected where the driver runs a statement (as a
dropped connection would fail it), on the webhook's inbox write and on a handler's own write;
the log is then searched for the person's words and name."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli import NOISY_LOGGERS
from bot.intake import SECRET_HEADER
from tests.e2e.harness import BotHarness, onboard
from tests.e2e.test_webhook import SECRET, private_update, webhook_service

WORDS = "Marguerite-told-me-about-the-layoffs-4417"
NAME = "Zebulon-Quintessa"


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The log as `rebound run` writes it at REBOUND_LOG_LEVEL=DEBUG."""
    caplog.set_level(logging.DEBUG)
    for name in NOISY_LOGGERS:
        caplog.set_level(logging.WARNING, logger=name)
    return caplog


def fail_statements(engine: AsyncEngine, table: str) -> Any:
    """Make the driver fail every INSERT or UPDATE on ``table``; returns the listener."""
    dbapi = engine.dialect.loaded_dbapi

    def fail(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE")) and table in statement:
            raise dbapi.OperationalError("connection was closed in the middle of operation")

    event.listen(engine.sync_engine, "before_cursor_execute", fail)
    return fail


async def test_failed_inbox_writes_do_not_log_the_update(
    harness_any_db: BotHarness, debug_log: pytest.LogCaptureFixture
) -> None:
    harness = harness_any_db
    service = webhook_service(harness)
    await service.start()
    assert service.webhook_server is not None
    listener = fail_statements(service.rt.engine, "inbox_updates")
    update = private_update(555_001, 7_000_777, WORDS)
    update["message"]["from"]["first_name"] = NAME  # type: ignore[index]
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"http://127.0.0.1:{service.webhook_server.port}/rebound",
            json=update,
            headers={SECRET_HEADER: SECRET},
        )
    assert answer.status_code == 500  # Telegram delivers it again later
    assert "could not store update 555001" in debug_log.text
    assert "OperationalError" in debug_log.text  # what failed is still said
    assert WORDS not in debug_log.text and NAME not in debug_log.text
    event.remove(service.rt.engine.sync_engine, "before_cursor_execute", listener)
    await service.stop()
    harness.instances.remove(service.app)


async def test_failed_handler_writes_do_not_log_the_answer(
    harness_any_db: BotHarness, debug_log: pytest.LogCaptureFixture
) -> None:
    harness = harness_any_db
    app = await harness.start()
    user = await onboard(harness, first_name=NAME)
    await user.send("/win")
    await user.next_message()
    fail_statements(app.wiring.runtime.engine, "wins")
    await user.send(WORDS)
    await user.next_message()  # the apology
    assert "error handling update" in debug_log.text
    assert WORDS not in debug_log.text and NAME not in debug_log.text
