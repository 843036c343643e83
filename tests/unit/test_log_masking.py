"""The bot token never reaches a log line, whatever logs it."""

from __future__ import annotations

import logging

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
