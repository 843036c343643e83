"""The per-chat pipeline of ChatOrderedProcessor: a chat's updates do their database work one
after another, send in the order they came, and a chat's next update may send as soon as the
previous one's replies are out, while that one still finishes its bookkeeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from telegram import Chat, Message, Update

from bot.update_processor import ChatOrderedProcessor, handoff, sent

DATE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, DATE, chat, text="hi"))


Step = Callable[[], Coroutine[Any, Any, None]]


def turn(name: str, log: list[str], *, bookkeeping: asyncio.Event | None = None) -> Step:
    """A handler's shape: database work, handoff, send, sent(), then optional bookkeeping that
    waits for ``bookkeeping`` to be set."""

    async def run() -> None:
        log.append(f"{name} works")
        await asyncio.sleep(0)
        await handoff()
        log.append(f"{name} sends")
        await asyncio.sleep(0)
        sent()
        if bookkeeping is not None:
            await bookkeeping.wait()
            log.append(f"{name} noted its question")

    return run


async def test_next_update_sends_while_the_previous_one_finishes_its_bookkeeping() -> None:
    processor = ChatOrderedProcessor(8)
    log: list[str] = []
    hold = asyncio.Event()
    first = asyncio.create_task(
        processor.do_process_update(update(1, 5), turn("first", log, bookkeeping=hold)())
    )
    second = asyncio.create_task(processor.do_process_update(update(2, 5), turn("second", log)()))
    await asyncio.wait_for(second, 1)  # done although the first is still busy
    assert not first.done()
    assert log == ["first works", "first sends", "second works", "second sends"]
    hold.set()
    await asyncio.wait_for(first, 1)
    assert log[-1] == "first noted its question"
    assert processor.handled == 2


async def test_without_sent_the_next_update_waits_for_the_whole_previous_turn() -> None:
    processor = ChatOrderedProcessor(8)
    log: list[str] = []
    hold = asyncio.Event()

    async def slow_sender() -> None:
        log.append("first works")
        await handoff()
        log.append("first sends")
        await hold.wait()  # still on the network, replies not out
        log.append("first sent")

    first = asyncio.create_task(processor.do_process_update(update(1, 5), slow_sender()))
    second = asyncio.create_task(processor.do_process_update(update(2, 5), turn("second", log)()))
    for _ in range(5):
        await asyncio.sleep(0)
    # The second did its database work during the first's send, but may not send before it.
    assert log == ["first works", "first sends", "second works"]
    hold.set()
    await asyncio.wait_for(asyncio.gather(first, second), 1)
    assert log == ["first works", "first sends", "second works", "first sent", "second sends"]


async def test_other_chats_do_not_wait() -> None:
    processor = ChatOrderedProcessor(8)
    log: list[str] = []
    hold = asyncio.Event()
    blocked = asyncio.create_task(
        processor.do_process_update(update(1, 5), turn("chat 5", log, bookkeeping=hold)())
    )
    await asyncio.sleep(0)
    await asyncio.wait_for(processor.do_process_update(update(2, 6), turn("chat 6", log)()), 1)
    assert "chat 6 sends" in log and not blocked.done()
    hold.set()
    await asyncio.wait_for(blocked, 1)
