"""The emulator's latency models a network round trip: half on the way in, half on the way out."""

from __future__ import annotations

import asyncio
import time

import httpx

from bot.emulator import Emulator, SimUser

LATENCY = 0.6
HALF = LATENCY / 2
# Lower bounds are exact; upper bounds only need to tell "half" from "whole" on a busy machine
# (a round trip long enough that a loaded 2-core machine's scheduling, ~0.15 s seen, fits).
SLACK = 0.25


async def _first_message_at(user: SimUser) -> float:
    await user.next_message(timeout=5)
    return time.monotonic()


async def test_a_sent_message_shows_half_way_and_the_answer_after_the_round_trip() -> None:
    async with Emulator(latency=LATENCY) as emu, httpx.AsyncClient(trust_env=False) as client:
        user = emu.user()
        await user.send("hi")
        shown = asyncio.create_task(_first_message_at(user))
        started = time.monotonic()
        response = await client.post(
            f"{emu.api_url}/bot{emu.token}/sendMessage", json={"chat_id": user.id, "text": "yo"}
        )
        answered = time.monotonic()
        assert response.json()["ok"] is True
        shown_at = await shown
        assert HALF <= shown_at - started < HALF + SLACK
        assert answered - started >= LATENCY
        assert answered - shown_at >= HALF - 0.005


async def test_an_update_reaches_a_waiting_long_poll_half_a_round_trip_after_it_arrives() -> None:
    async with Emulator(latency=LATENCY) as emu, httpx.AsyncClient(trust_env=False) as client:
        user = emu.user()
        poll = asyncio.create_task(
            client.post(f"{emu.api_url}/bot{emu.token}/getUpdates", json={"timeout": 5})
        )
        await asyncio.sleep(HALF + 0.1)  # the request has arrived and is waiting
        sent = time.monotonic()
        await user.send("hi")
        updates = (await poll).json()["result"]
        delivered = time.monotonic() - sent
        assert [u["message"]["text"] for u in updates] == ["hi"]
        assert HALF <= delivered < HALF + SLACK


async def test_waiting_updates_still_cost_a_whole_round_trip() -> None:
    async with Emulator(latency=LATENCY) as emu, httpx.AsyncClient(trust_env=False) as client:
        user = emu.user()
        await user.send("hi")
        started = time.monotonic()
        response = await client.post(f"{emu.api_url}/bot{emu.token}/getUpdates")
        assert len(response.json()["result"]) == 1
        assert time.monotonic() - started >= LATENCY


async def test_rejected_calls_take_the_round_trip_too() -> None:
    async with Emulator(latency=LATENCY) as emu, httpx.AsyncClient(trust_env=False) as client:
        started = time.monotonic()
        response = await client.post(f"{emu.api_url}/bot{emu.token}/sendMessage", json={})
        assert response.status_code == 400
        assert time.monotonic() - started >= LATENCY
