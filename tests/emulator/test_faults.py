"""Fault injection: a share of calls answered 500/502 (nothing done) or answered late (done)."""

from __future__ import annotations

import time

import httpx
import pytest

from bot.emulator import Emulator, Faults


async def _send(client: httpx.AsyncClient, emu: Emulator, chat_id: int, text: str) -> int:
    response = await client.post(
        f"{emu.api_url}/bot{emu.token}/sendMessage", json={"chat_id": chat_id, "text": text}
    )
    return response.status_code


async def test_off_by_default_every_call_is_answered() -> None:
    async with Emulator(rate_limits=False) as emu, httpx.AsyncClient(trust_env=False) as client:
        assert emu.faults is None
        user = emu.user()
        await user.send("hi")
        codes = [await _send(client, emu, user.id, f"m{i}") for i in range(30)]
        assert codes == [200] * 30
        assert len(user.messages) == 30 and emu.injected_failures == []


@pytest.mark.slow
async def test_a_share_fails_with_500_or_502_and_is_not_sent() -> None:
    faults = Faults(fail=0.3, seed=3)
    async with (
        Emulator(rate_limits=False, faults=faults) as emu,
        httpx.AsyncClient(trust_env=False) as client,
    ):
        user = emu.user()
        await user.send("hi")
        codes = [await _send(client, emu, user.id, f"m{i}") for i in range(200)]
        failed = [code for code in codes if code != 200]
        assert set(failed) == {500, 502}
        assert 40 <= len(failed) <= 80  # 30% of 200, give or take
        assert faults.failed == len(failed) == len(emu.injected_failures)
        assert len(user.messages) == 200 - len(failed)  # a failed call sent nothing
        assert emu.errors == []  # injected, not the bot's mistake
        # getUpdates is left alone unless named
        response = await client.post(f"{emu.api_url}/bot{emu.token}/getUpdates")
        assert response.status_code == 200


async def test_a_delayed_call_is_done_at_once_and_answered_late() -> None:
    faults = Faults(delay=1.0, delay_range=(0.4, 0.4), methods={"sendMessage"})
    async with (
        Emulator(rate_limits=False, faults=faults) as emu,
        httpx.AsyncClient(trust_env=False) as client,
    ):
        user = emu.user()
        await user.send("hi")
        started = time.monotonic()
        assert await _send(client, emu, user.id, "late") == 200
        assert time.monotonic() - started >= 0.4
        assert faults.delayed == 1 and [m.text for m in user.messages] == ["late"]
        emu.faults = None  # switched off again
        started = time.monotonic()
        assert await _send(client, emu, user.id, "on time") == 200
        assert time.monotonic() - started < 0.3


def test_shares_are_checked() -> None:
    with pytest.raises(ValueError, match="shares"):
        Faults(fail=0.8, delay=0.3)
    with pytest.raises(ValueError, match="delay_range"):
        Faults(delay=0.1, delay_range=(3.0, 1.0))
