"""ChatOrderedProcessor, through process_update (the entry point PTB's Application calls): a
chat's updates do their database work one after another and send in the order they came; a
chat's next update may work while the previous one sends; a chat's backlog never holds up other
chats, and an update waiting to send holds no slot."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

from telegram import Chat, Message, Update
from telegram.ext import ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest, RequestData

from bot.update_processor import (
    ChatOrderedProcessor,
    coalesce_replies,
    handoff,
    sent,
    superseded,
)

DATE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
Step = Coroutine[Any, Any, None]


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, DATE, chat, text="hi"))


def step(name: str, log: list[str], hold: asyncio.Event | None = None) -> Coroutine[Any, Any, None]:
    """A handler's shape: starts, waits (the database, a send) until ``hold`` is set, ends."""

    async def run() -> None:
        log.append(f"{name} starts")
        if hold is not None:
            await hold.wait()
        else:
            await asyncio.sleep(0)
        log.append(f"{name} ends")

    return run()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_chats_backlog_does_not_delay_another_chat() -> None:
    """With 2 slots, four slow updates of chat 5 are queued first; chat 6's update still runs at
    once (with PTB's stock order, slot first, chat 5's backlog took both slots)."""
    processor = ChatOrderedProcessor(2)
    log: list[str] = []
    hold = asyncio.Event()
    backlog = [
        asyncio.create_task(processor.process_update(update(i, 5), step(f"5.{i}", log, hold)))
        for i in range(1, 5)
    ]
    await settle()
    await asyncio.wait_for(processor.process_update(update(9, 6), step("6", log)), 1)
    assert log == ["5.1 starts", "6 starts", "6 ends"]
    assert processor.current_concurrent_updates == 1  # chat 5 holds one slot, not two
    hold.set()
    await asyncio.wait_for(asyncio.gather(*backlog), 1)
    assert log[3:] == ["5.1 ends"] + [f"5.{i} {w}" for i in range(2, 5) for w in ("starts", "ends")]
    assert processor.handled == 5
    assert processor.current_concurrent_updates == 0


async def test_the_global_bound_still_holds() -> None:
    processor = ChatOrderedProcessor(2)
    log: list[str] = []
    hold = asyncio.Event()
    tasks = [
        asyncio.create_task(processor.process_update(update(i, i), step(str(i), log, hold)))
        for i in range(1, 5)
    ]
    await settle()
    assert log == ["1 starts", "2 starts"]  # chats 3 and 4 wait for a slot
    assert processor.current_concurrent_updates == 2
    hold.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 1)
    assert sorted(log) == sorted(f"{i} {w}" for i in range(1, 5) for w in ("starts", "ends"))


async def test_a_chats_updates_run_one_at_a_time_in_order() -> None:
    processor = ChatOrderedProcessor(8)
    log: list[str] = []
    holds = [asyncio.Event() for _ in range(3)]
    tasks = [
        asyncio.create_task(processor.process_update(update(i, 5), step(str(i), log, holds[i])))
        for i in range(3)
    ]
    await settle()
    assert log == ["0 starts"]  # free slots, but the chat's next waits for its turn
    for hold in reversed(holds):  # the later ones are released first: order still holds
        hold.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 1)
    assert log == [f"{i} {w}" for i in range(3) for w in ("starts", "ends")]


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

    return run()


async def test_next_update_sends_while_the_previous_one_finishes_its_bookkeeping() -> None:
    processor = ChatOrderedProcessor(8)
    log: list[str] = []
    hold = asyncio.Event()
    first = asyncio.create_task(
        processor.process_update(update(1, 5), turn("first", log, bookkeeping=hold))
    )
    second = asyncio.create_task(processor.process_update(update(2, 5), turn("second", log)))
    await asyncio.wait_for(second, 1)  # done although the first is still busy
    assert not first.done()
    assert log == ["first works", "first sends", "second works", "second sends"]
    hold.set()
    await asyncio.wait_for(first, 1)
    assert log[-1] == "first noted its question"
    assert processor.handled == 2


async def test_an_update_waiting_to_send_works_meanwhile_and_holds_no_slot() -> None:
    """With 2 slots: chat 5's first update is on the network (its send not done), its second
    did its database work and waits to send: neither holds a slot, so chats 6 and 7 run."""
    processor = ChatOrderedProcessor(2)
    log: list[str] = []
    network = asyncio.Event()

    async def slow_sender() -> None:
        log.append("first works")
        await handoff()
        log.append("first sends")
        await network.wait()  # still on the network (or paced): replies not out
        log.append("first sent")
        sent()

    first = asyncio.create_task(processor.process_update(update(1, 5), slow_sender()))
    second = asyncio.create_task(processor.process_update(update(2, 5), turn("second", log)))
    await settle()
    # The second did its database work during the first's send, but may not send before it.
    assert log == ["first works", "first sends", "second works"]
    assert processor.current_concurrent_updates == 0
    others = [processor.process_update(update(9 + c, c), step(str(c), log)) for c in (6, 7)]
    await asyncio.wait_for(asyncio.gather(*others), 1)
    network.set()
    await asyncio.wait_for(asyncio.gather(first, second), 1)
    assert log[-2:] == ["first sent", "second sends"]


class GetMeOnly(BaseRequest):
    """A Bot API that only answers getMe (all Application.initialize asks)."""

    ME = b'{"ok": true, "result": {"id": 1, "is_bot": true, "first_name": "B", "username": "b"}}'

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | None = None,
        write_timeout: float | None = None,
        connect_timeout: float | None = None,
        pool_timeout: float | None = None,
    ) -> tuple[int, bytes]:
        assert url.endswith("/getMe"), url
        return 200, self.ME


async def test_the_application_goes_through_our_process_update() -> None:
    """PTB marks process_update final; this checks that its Application still calls the one
    ChatOrderedProcessor defines, so chat 6 is answered while chat 5's backlog waits."""
    processor = ChatOrderedProcessor(2)
    hold = asyncio.Event()
    done: list[int] = []

    async def handle(upd: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert upd.effective_chat is not None
        if upd.effective_chat.id == 5:
            await hold.wait()
        done.append(upd.update_id)

    app = (
        ApplicationBuilder()
        .token("123:TEST")
        .request(GetMeOnly())
        .get_updates_request(GetMeOnly())
        .updater(None)
        .concurrent_updates(processor)
        .build()
    )
    app.add_handler(TypeHandler(Update, handle))
    async with app:
        await app.start()
        try:
            for i in range(1, 5):
                await app.update_queue.put(update(i, 5))
            await app.update_queue.put(update(9, 6))
            for _ in range(100):
                if done:
                    break
                await asyncio.sleep(0.01)
            assert done == [9]
            hold.set()
            await asyncio.wait_for(processor.wait_for(5), 2)
            assert done == [9, 1, 2, 3, 4]
        finally:
            hold.set()
            await app.stop()


async def test_only_a_coalesced_update_with_a_later_one_waiting_is_superseded() -> None:
    processor = ChatOrderedProcessor(8)
    seen: list[tuple[int, bool]] = []
    hold = asyncio.Event()

    async def handle(number: int, coalesce: bool) -> None:
        if number == 1:
            await hold.wait()
        if coalesce:
            coalesce_replies()
        seen.append((number, superseded()))

    tasks = [
        asyncio.create_task(processor.process_update(update(1, 5), handle(1, True))),
        asyncio.create_task(processor.process_update(update(2, 5), handle(2, False))),
        asyncio.create_task(processor.process_update(update(3, 5), handle(3, True))),
        asyncio.create_task(processor.process_update(update(4, 5), handle(4, True))),
    ]
    await settle()
    hold.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 1)
    # 1: flood control asked, 3 more came in; 2: not asked; 3: asked, 4 came; 4: the latest.
    assert seen == [(1, True), (2, False), (3, True), (4, False)]
    coalesce_replies()  # outside the processor: nothing to mark
    assert not superseded()
