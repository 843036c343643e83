"""Reply latency under a steady load, over a network like Telegram's: Rebound against a bare PTB
echo bot on the same emulator, same schedule, same run.

The emulator (its own process, as Telegram is a remote server) adds a 50 ms round trip to every
Bot API call: half on the request's way in, half on the answer's way out, getUpdates included.
People arrive open-loop at a steady 50 updates/s, scheduled by the clock and never waiting for
replies, spread over 200 private chats, in two arrangements (``MODES``): *independent*, each
slot the next person's, so a person writes every 4 s (the load the targets are set for); and
*pairs*, two slots in a row from the same person 20 ms apart, so each chat regularly has a
second update arriving while its first is still being handled: that is where per-chat order is
at stake (Rebound sends the second's reply only after Telegram has answered the first's).

* Rebound: everyone is onboarded and taken to the debrief's company question first (untimed,
  no latency). A person's updates alternate: a typed company name (stored; the stage question
  comes back, the old question's buttons are removed) and a tap on the stage question's Back
  (flow state stored, the company question asked again), so each update is a real step and
  each person ends where they began.
* Echo: plain texts, each answered with the same text. No database. This is the floor: the
  network and python-telegram-bot, nothing else.

Latency of one update: from the moment the emulator makes it available to getUpdates (the
person sends it) to the moment the emulator receives the bot's sendMessage in that chat, both
taken in the emulator's process. Replies are matched to updates in chat order, and checked:
Rebound's k-th reply in a chat must be the question that the k-th update leads to (stage after
a company name, company after Back); the echo bot's must repeat the k-th text.

Rebound's own overhead at a percentile = its latency minus the echo bot's at that percentile.
Rebound is measured at several ``max_concurrent_updates`` on the same database and people.

Where the time goes: the bot's update processor is timed too (when an update reaches it, gets
a slot under the concurrency bound, gets its chat's turn, finishes), and the emulator notes
when each call about a chat arrives. CLOCK_MONOTONIC is one clock for all processes on Linux,
so each update's time splits into delivery, waits, the turn's work before its first Bot API
call, and the rest of the turn up to the reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    EmulatorProcess,
    Row,
    StallMonitor,
    percentile,
    postgres_available,
    report,
    serve_commands,
)
from bench.updates import (
    COMPANIES,
    Bot,
    EmulatorSide,
    _postgres_url,
    _sqlite_url,
    echo_bot,
    rebound_bot,
)

NAME = "latency"
MODULE = "bench.latency"
LATENCY_S = 0.050  # the emulator's round trip per Bot API call
RATE = 50.0  # updates per second, open loop
PEOPLE = 200
WARMUP_S = 3.0  # scheduled like the rest, not counted (connection pools, caches)
TARGET_P99_S = 0.150
TARGET_OVERHEAD_P99_S = 0.025
CONCURRENCIES = (8, 16, 32)
SHIPPED_CONCURRENCY = 16  # Settings.max_concurrent_updates' default
ECHO_CONCURRENCY = 16
# How the 50 updates/s are spread over the people: "independent" = each slot the next person's
# (a person writes every 4 s: the load the targets are set for); "pairs" = two slots in a row
# from one person, 20 ms apart (the second's reply must wait for the first's: per-chat order).
MODES = {"independent": False, "pairs": True}
DRAIN_S = 60.0  # after the last update, how long replies may take before they count as missing


# --- The emulator process ------------------------------------------------------------------------


@dataclass
class _Sent:
    at: float  # time.monotonic() when the update became available
    update_id: int
    kind: str  # "company" or "back" (Rebound), or the text itself (echo)
    measured: bool  # outside the warm-up


@dataclass
class _Reply:
    at: float  # time.monotonic() when the sendMessage reached the emulator
    kind: str  # "stage", "company", "other" (Rebound) or the text (echo)


@dataclass
class _Window:
    sent: dict[int, list[_Sent]] = field(default_factory=lambda: defaultdict(list))
    replies: dict[int, list[_Reply]] = field(default_factory=lambda: defaultdict(list))
    # Arrival times of every call the bot makes about a chat (replies, edits, callback answers)
    calls: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))


def _reply_kind(message: dict[str, Any], reflect: bool) -> str:
    if not reflect:
        return str(message.get("text", ""))
    markup = message.get("reply_markup") or {}
    labels = [b.get("text", "") for row in markup.get("inline_keyboard", []) for b in row]
    if any("Back" in label for label in labels):
        return "stage"
    if "Skip" in labels:
        return "company"
    return "other"


class LatencySide(EmulatorSide):
    """The emulator's process: the people, their setup, and the open-loop schedule."""

    def __init__(self) -> None:
        super().__init__()
        from bot.emulator.methods import METHODS

        self.window: _Window | None = None
        self.reflect = False
        self.changed = asyncio.Event()
        send_message = METHODS["sendMessage"]

        async def recorded(state: Any, params: dict[str, Any]) -> Any:
            arrived = time.monotonic()  # the request has just reached "Telegram"
            result = await send_message(state, params)
            if self.window is not None:
                chat = int(params["chat_id"])
                self.window.calls[chat].append(arrived)
                self.window.replies[chat].append(_Reply(arrived, _reply_kind(result, self.reflect)))
                self.changed.set()
            return result

        METHODS["sendMessage"] = recorded
        for method in ("editMessageReplyMarkup", "answerCallbackQuery"):
            METHODS[method] = self._arrivals(METHODS[method])
        # Bench-only peek into the emulator: the update_id of each update a person sends, to
        # line it up with the bot's own timestamps.
        queue = self.emulator._state.updates
        push = queue.push
        self.last_update_id = 0

        def remembering(update: dict[str, Any]) -> int:
            self.last_update_id = push(update)
            return self.last_update_id

        queue.push = remembering  # type: ignore[method-assign]

    def _arrivals(self, method: Any) -> Any:
        """``method``, noting when each call about a chat reaches the emulator."""

        async def noted(state: Any, params: dict[str, Any]) -> Any:
            arrived = time.monotonic()
            if self.window is not None:
                query = state.queries.get(params.get("callback_query_id"))
                chat = params.get("chat_id") or (query.user_id if query is not None else None)
                if chat is not None:
                    self.window.calls[int(chat)].append(arrived)
            return await method(state, params)

        return noted

    async def run_window(
        self, seconds: float, warmup: float, rate: float, reflect: bool, seed: int, pairs: bool
    ) -> dict[str, Any]:
        """Push updates on the clock, 1/rate apart, and wait for the replies. ``pairs``: two
        slots in a row from one person; else each slot is the next person's (round robin, so a
        person's updates are len(people)/rate apart). Either way each person's updates
        alternate company name / Back, and every person ends where they began."""
        emulator = self.emulator
        users = list(self.users)
        random.Random(seed).shuffle(users)
        total = round((warmup + seconds) * rate)
        cycle = 2 if pairs else 2 * len(users)
        total += -total % cycle
        measured_from = round(warmup * rate)
        window = self.window = _Window()
        self.reflect = reflect
        calls_before = len(emulator.calls)
        errors_before = len(emulator.errors)
        lateness: list[float] = []
        start = time.monotonic() + 0.05
        for slot in range(total):
            due = start + slot / rate
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if pairs:
                pair, second = divmod(slot, 2)
                user = users[pair % len(users)]
            else:
                pair, second = slot, (slot // len(users)) % 2
                user = users[slot % len(users)]
            now = time.monotonic()
            lateness.append(now - due)
            if reflect and second:
                message_id, data = self.back_data[user.id]
                await user.tap_data(data, message_id=message_id)
                kind = "back"
            elif reflect:
                await user.send(f"{COMPANIES[pair % len(COMPANIES)]} {pair}")
                kind = "company"
            else:
                kind = f"echo {slot}"
                await user.send(kind)
            window.sent[user.id].append(
                _Sent(now, self.last_update_id, kind, slot >= measured_from)
            )
        pushed_s = time.monotonic() - start
        deadline = time.monotonic() + DRAIN_S
        while any(len(window.replies[c]) < len(s) for c, s in window.sent.items()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)
        self.window = None
        calls = Counter(call.method for call in emulator.calls[calls_before:])
        return {
            **_match(window, reflect),
            "updates": total,
            "pushed_s": pushed_s,
            "late_p99_s": percentile(lateness, 99),
            "late_max_s": max(lateness),
            "calls": dict(calls),
            "rejected_calls": len(emulator.errors) - errors_before,
        }

    async def set_latency(self, seconds: float) -> dict[str, Any]:
        self.emulator.latency = seconds
        return {"latency": seconds}


_LEADS_TO = {"company": "stage", "back": "company"}


def _match(window: _Window, reflect: bool) -> dict[str, Any]:
    """Latencies of the measured updates (k-th update to k-th reply per chat), and order."""
    latencies: list[float] = []
    # update_id, available, reply received, first call of its turn received
    samples: list[tuple[int, float, float, float]] = []
    chats_in_order = missing = extra = 0
    for chat, sent in window.sent.items():
        replies = window.replies.get(chat, [])
        in_order = len(replies) == len(sent)
        calls = sorted(window.calls.get(chat, []))
        previous = 0.0
        for update, reply in zip(sent, replies, strict=False):
            first = min((t for t in calls if previous < t <= reply.at), default=reply.at)
            previous = reply.at
            expected = _LEADS_TO[update.kind] if reflect else update.kind
            in_order = in_order and reply.kind == expected
            if update.measured:
                latencies.append(reply.at - update.at)
                samples.append((update.update_id, update.at, reply.at, first))
        chats_in_order += in_order
        missing += max(0, len(sent) - len(replies))
        extra += max(0, len(replies) - len(sent))
    return {
        "latencies_s": latencies,
        "samples": samples,
        "chats": len(window.sent),
        "chats_in_order": chats_in_order,
        "missing_replies": missing,
        "extra_replies": extra,
    }


async def _command(side: LatencySide, name: str, args: dict[str, Any]) -> dict[str, Any]:
    if name == "setup":
        return await side.setup(**args)
    if name == "latency":
        return await side.set_latency(**args)
    if name == "window":
        return await side.run_window(**args)
    if name == "fetched":
        return {"fetched": side.emulator.updates_fetched}
    raise ValueError(f"unknown command {name!r}")


async def emulator_main() -> None:
    logging.disable(logging.CRITICAL)
    side = LatencySide()
    await serve_commands(side.emulator, functools.partial(_command, side))


# --- The bot's side ------------------------------------------------------------------------------


@dataclass
class Sizes:
    seconds: float  # measured window per configuration
    sweep: tuple[int, ...]  # Rebound's max_concurrent_updates on SQLite
    postgres_sweep: tuple[int, ...]  # ...and on PostgreSQL


def _phases(samples: list[list[float]], marks: dict[int, Any]) -> dict[str, float]:
    """Where an update's time goes, p50 and p99 of each step, from the emulator's timestamps
    (available, reply received) and the bot's (processor got it, got a slot, turn began)."""
    steps: dict[str, list[float]] = {
        "delivery": [],
        "slot": [],
        "chat": [],
        "first_call": [],
        "turn": [],
    }
    for update_id, available, replied, first_call in samples:
        mark = marks.get(int(update_id))
        if mark is None:
            continue
        arrived, slot, started, _done = mark
        steps["delivery"].append(arrived - available)  # getUpdates (+ Rebound's inbox commit)
        steps["slot"].append(slot - arrived)  # waiting for the concurrency bound
        steps["chat"].append(started - slot)  # waiting for the same chat's earlier update
        steps["first_call"].append(first_call - started)  # work before its first Bot API call
        steps["turn"].append(replied - started)  # the handler until sendMessage arrives
    return {
        f"{name}_p{q}_s": percentile(values, q) for name, values in steps.items() for q in (50, 99)
    }


async def _window(
    emu: EmulatorProcess,
    bot: Bot,
    seconds: float,
    reflect: bool,
    pairs: bool,
    fetched_before: int = 0,
) -> dict[str, Any]:
    """One measured window with a started bot: the schedule, then the figures.
    ``fetched_before``: updates the emulator handed to earlier bots (not this one's count)."""
    fetched = (await emu.call("fetched"))["fetched"] - fetched_before
    await asyncio.wait_for(bot.wait_for(fetched), 120)  # nothing left over from before
    errors_before = Counter(bot.errors)
    del bot.service[:], bot.queued[:]
    bot.marks.clear()
    cpu = time.process_time()
    async with StallMonitor() as stalls:
        result = await emu.call(
            "window",
            timeout=seconds + WARMUP_S + DRAIN_S + 60,
            seconds=seconds,
            warmup=WARMUP_S,
            rate=RATE,
            reflect=reflect,
            seed=7,
            pairs=pairs,
        )
    cpu = time.process_time() - cpu
    lat = result.pop("latencies_s")
    phases = _phases(result.pop("samples"), bot.marks)
    errors = bot.errors - errors_before
    return {
        **result,
        **phases,
        "measured": len(lat),
        "p50_s": percentile(lat, 50),
        "p95_s": percentile(lat, 95),
        "p99_s": percentile(lat, 99),
        "max_s": max(lat, default=0.0),
        "bot_cpu_ms_per_update": cpu / result["updates"] * 1000,
        "bot_busy": cpu / (seconds + WARMUP_S),
        "loop_stall_max_s": stalls.worst,
        "whole_turn_p50_s": percentile(bot.service, 50),
        "whole_turn_p99_s": percentile(bot.service, 99),
        "errors": dict(errors),
    }


async def measure_echo(sizes: Sizes, pairs: bool) -> dict[str, Any]:
    async with EmulatorProcess(MODULE) as emu, echo_bot(emu.api_url, ECHO_CONCURRENCY) as bot:
        await emu.call("setup", people=PEOPLE, reflect=False)
        await emu.call("latency", seconds=LATENCY_S)
        return await _window(emu, bot, sizes.seconds, False, pairs)


Config = tuple[str, int]  # (arrival mode, max_concurrent_updates)


async def measure_rebound(
    database_url: str, sizes: Sizes, configs: list[Config]
) -> dict[Config, dict[str, Any]]:
    """One emulator, one database, one setup; a fresh bot per configuration."""
    results: dict[Config, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="rebound-bench-") as tmp:
        async with EmulatorProcess(MODULE) as emu:
            for number, (mode, concurrency) in enumerate(configs):
                fetched_before = (await emu.call("fetched"))["fetched"]
                async with rebound_bot(emu.api_url, database_url, Path(tmp), concurrency) as bot:
                    # Setup and measurement alike without the rate limiter: 50 updates/s need
                    # more than its 30 calls/s with a chat_id (see the notes).
                    bot.rate_limit(False)
                    if number == 0:
                        setup = await emu.call("setup", people=PEOPLE, reflect=True)
                        print(f"    setup: {setup['setup_s']:.0f}s", flush=True)
                        await emu.call("latency", seconds=LATENCY_S)
                    got = results[mode, concurrency] = await _window(
                        emu, bot, sizes.seconds, True, MODES[mode], fetched_before
                    )
                    print(
                        f"    {mode}, concurrency {concurrency}: p50 {_ms(got['p50_s'])}, "
                        f"p99 {_ms(got['p99_s'])}",
                        flush=True,
                    )
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _per_update(result: dict[str, Any], method: str) -> float:
    calls: int = result["calls"].get(method, 0)
    updates: int = result["updates"]
    return calls / updates


def _order(result: dict[str, Any]) -> str:
    text = f"order kept in {result['chats_in_order']}/{result['chats']} chats"
    if result["missing_replies"] or result["extra_replies"]:
        text += f", {result['missing_replies']} replies missing, {result['extra_replies']} extra"
    if result["errors"]:
        text += f", FAILED: {result['errors']}"
    if result["rejected_calls"]:
        text += f", {result['rejected_calls']} calls rejected by the emulator"
    return text


def _phase_text(result: dict[str, Any]) -> str:
    parts = {
        "delivery": "delivery",
        "slot": "slot wait",
        "chat": "chat wait",
        "first_call": "turn to its first call",
        "turn": "turn to reply",
        "whole_turn": "whole turn",
    }
    return ", ".join(
        f"{label} {_ms(result[f'{key}_p50_s'])}/{_ms(result[f'{key}_p99_s'])}"
        for key, label in parts.items()
    )


def _verdict(value: float, target: float) -> str:
    return "met" if value <= target else "MISSED"


def _rows(
    size: str, echoes: dict[str, dict[str, Any]], backend: str, results: dict[Config, Any]
) -> list[Row]:
    rows: list[Row] = []
    for (mode, concurrency), ours in results.items():
        echo = echoes[mode]
        label = f"{backend}, {mode}: Rebound, {concurrency} concurrent"
        overhead = {q: ours[f"p{q}_s"] - echo[f"p{q}_s"] for q in (50, 95, 99)}
        calls = ", ".join(
            f"{_per_update(ours, m):.2f} {m}"
            for m in ("sendMessage", "editMessageReplyMarkup", "answerCallbackQuery")
        )
        rows.append(
            Row(
                f"{label}: update to reply",
                size,
                ours["p99_s"] * 1000,
                "ms (p99)",
                f"target <= {_ms(TARGET_P99_S)}: {_verdict(ours['p99_s'], TARGET_P99_S)}; "
                f"p50 {_ms(ours['p50_s'])}, p95 {_ms(ours['p95_s'])}; "
                f"{ours['p99_s'] / echo['p99_s']:.2f}x echo's p99; {_order(ours)}",
                ours,
            )
        )
        rows.append(
            Row(
                f"{label}: own overhead (minus echo)",
                "p99 - echo p99",
                overhead[99] * 1000,
                "ms (p99)",
                f"target <= {_ms(TARGET_OVERHEAD_P99_S)}: "
                f"{_verdict(overhead[99], TARGET_OVERHEAD_P99_S)}; p50 +{_ms(overhead[50])}, "
                f"p95 +{_ms(overhead[95])}; per update {calls}; bot CPU "
                f"{ours['bot_cpu_ms_per_update']:.1f} ms/update (echo "
                f"{echo['bot_cpu_ms_per_update']:.1f}), worst loop stall "
                f"{_ms(ours['loop_stall_max_s'])}",
            )
        )
        rows.append(
            Row(
                f"{label}: where the time goes",
                "p50 / p99",
                ours["turn_p99_s"] * 1000,
                "ms (p99 turn to reply)",
                f"{_phase_text(ours)}; echo: {_phase_text(echo)}",
            )
        )
    return rows


def best_concurrency(results: dict[Config, dict[str, Any]], mode: str) -> int:
    """Lowest p99 in ``mode`` among the configurations that kept order and lost nothing."""
    in_mode = {c: r for (m, c), r in results.items() if m == mode}
    clean = {
        c: r
        for c, r in in_mode.items()
        if r["chats_in_order"] == r["chats"] and not r["errors"] and not r["missing_replies"]
    }
    pool = clean or in_mode
    return min(pool, key=lambda c: pool[c]["p99_s"])


async def run(full: bool) -> None:
    logging.getLogger("rebound").setLevel(logging.WARNING)
    sizes = (
        Sizes(120.0, CONCURRENCIES, CONCURRENCIES)
        if full
        else Sizes(20.0, CONCURRENCIES, (SHIPPED_CONCURRENCY,))
    )
    size = f"{sizes.seconds:.0f}s x {RATE:.0f}/s, {PEOPLE} chats"
    echoes: dict[str, dict[str, Any]] = {}
    rows: list[Row] = []
    for mode, pairs in MODES.items():
        echo = echoes[mode] = await measure_echo(sizes, pairs)
        print(f"  echo bot, {mode}: p50 {_ms(echo['p50_s'])}, p99 {_ms(echo['p99_s'])}", flush=True)
        rows.append(
            Row(
                f"echo bot (floor), {mode}: update to reply",
                size,
                echo["p99_s"] * 1000,
                "ms (p99)",
                f"p50 {_ms(echo['p50_s'])}, p95 {_ms(echo['p95_s'])}, max {_ms(echo['max_s'])}; "
                f"{_order(echo)}; {ECHO_CONCURRENCY} concurrent, no database",
                echo,
            )
        )
    notes = [
        f"emulator round trip {_ms(LATENCY_S)} per Bot API call (half in, half out, getUpdates "
        f"included), in its own process; open-loop arrivals on the clock, {1000 / RATE:.0f} ms "
        f"apart; first {WARMUP_S:.0f}s not counted",
        f"independent: each arrival is the next of the {PEOPLE} people's (a person writes every "
        f"{PEOPLE / RATE:.0f} s): the load the targets are set for; pairs: two arrivals in a row "
        f"from one person, {1000 / RATE:.0f} ms apart, so every second update finds its chat's "
        "first still in hand. Rebound sends a chat's replies in the order of its updates, so the "
        "second's reply waits for Telegram's answer to the first's (one round trip); the echo "
        "bot keeps no order (it holds here only because it has nothing to do between updates)",
        "update to reply: from the update becoming available to getUpdates to the bot's "
        "sendMessage reaching the emulator (both clocked there); own overhead = Rebound minus "
        "the echo bot at the same percentile, same arrivals, same run",
        "where the time goes (p50/p99 of each step, clocks of both processes): delivery = "
        "available to the bot's update processor (getUpdates; for Rebound also the inbox "
        "commit before the next poll), slot wait = for the concurrency bound, chat wait = for "
        "the same chat's previous update, turn to its first call = from the turn's start "
        "(its chat's lock taken) to its first Bot API call reaching the emulator (database work "
        "and commit, plus half a round trip), turn to reply = to its sendMessage reaching the "
        "emulator, whole turn = to the end of its last call",
        "the network alone costs an update half a round trip to reach a waiting poll (up to "
        "1.5 if it lands while the previous answer is on its way) plus half a round trip for "
        "the reply; every call the bot makes before sendMessage adds a whole round trip",
        "rate limiter switched to pass-through for both bots: 50 updates/s need more than "
        "the rate limiter's 30 messages/s, which would queue without bound",
    ]
    backends: list[tuple[str, Callable[[], contextlib.AbstractAsyncContextManager[str]], Any]] = [
        ("sqlite", _sqlite_url, sizes.sweep)
    ]
    unavailable = await postgres_available()
    if unavailable:
        notes.append(f"PostgreSQL rows skipped: {unavailable}")
    else:
        backends.append(("postgres", _postgres_url, sizes.postgres_sweep))
    for backend, url_factory, sweep in backends:
        print(f"  {backend}:", flush=True)
        configs = [("independent", c) for c in sweep] + [("pairs", SHIPPED_CONCURRENCY)]
        async with url_factory() as url:
            results = await measure_rebound(url, sizes, configs)
        rows += _rows(size, echoes, backend, results)
        if len(sweep) > 1:
            best = best_concurrency(results, "independent")
            ranked = ", ".join(
                f"{c}: p99 {_ms(r['p99_s'])}" for (m, c), r in results.items() if m == "independent"
            )
            notes.append(
                f"{backend}: best max_concurrent_updates = {best} by p99 update to reply, "
                f"independent arrivals ({ranked})"
            )
    report(NAME, "Reply latency at 50 updates/s over a 50 ms network: Rebound vs echo", rows, notes)


def main(full: bool = False) -> None:
    """Default: 20 s windows, the concurrency sweep on SQLite only; ``full``: 120 s, both."""
    asyncio.run(run(full))


if __name__ == "__main__":
    if sys.argv[1:2] == ["emulator"]:
        asyncio.run(emulator_main())
    else:
        main("--full" in sys.argv)
