"""The bot token never reaches a log line, whatever logs it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import MaskSecrets

TOKEN = "123456:AAE-secret-token-value"


def test_token_is_masked_in_messages_and_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("rebound.test.masking")
    caplog.handler.addFilter(MaskSecrets(TOKEN))
    with caplog.at_level(logging.INFO, logger="rebound.test.masking"):
        logger.error("POST https://api.telegram.org/bot%s/getMe failed", TOKEN)
        logger.warning(f"InvalidToken: The token `{TOKEN}` was rejected")
        logger.info("nothing secret here: %d", 42)
    assert TOKEN not in caplog.text
    assert caplog.text.count("***") == 2
    assert "nothing secret here: 42" in caplog.text


def test_token_is_masked_in_tracebacks_in_both_formats() -> None:
    from bot.cli import JsonFormatter

    for formatter in (logging.Formatter("%(message)s"), JsonFormatter()):
        try:
            raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
        except RuntimeError:
            record = logging.getLogger("rebound.test").makeRecord(
                "rebound.test", logging.ERROR, __file__, 1, "start-up failed", None, sys.exc_info()
            )
        record.stack_info = f"Stack (most recent call last):\n  token={TOKEN}"
        assert MaskSecrets(TOKEN).filter(record)
        written = formatter.format(record)
        assert TOKEN not in written
        assert "RuntimeError: POST https://api.telegram.org/bot***/getMe failed" in written.replace(
            "\\n", "\n"
        )


CRASH = """
import sys
import bot.serve

async def crash(settings, token):
    raise RuntimeError(f"InvalidUrlClientError: http://127.0.0.1:99999/bot{token}/getMe")

bot.serve.serve = crash
from bot.cli import main
sys.exit(main(["run"]))
"""


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.slow
def test_a_crash_at_start_up_never_prints_the_token(tmp_path: Path, log_format: str) -> None:
    """An unexpected error ends `rebound run` through the log (masked), never through Python's
    own traceback printer (which printed the token twice, whatever the log format)."""
    env = {
        **os.environ,
        "REBOUND_BOT_TOKEN": TOKEN,
        "REBOUND_LOG_FORMAT": log_format,
        "REBOUND_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", CRASH], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert TOKEN not in done.stderr + done.stdout
    assert "run stopped by an unexpected error" in done.stderr
    assert "bot***/getMe" in done.stderr
