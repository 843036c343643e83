"""The scheduler engine: N people due in the same minute.

What is measured, per database and size (each pass in a fresh subprocess, so memory is its own;
sizes N=100 and 10k by default, also 100k with ``full``):

* bookkeeping: ``schedule.materialize`` in transactions until nothing is due, then
  ``outbox.claim_due`` + ``outbox.record_sent`` (batch size as ``bot.dispatch`` uses)
  until nothing is claimable. No Telegram sending: that is rate-limited by design.
* the floor for the same work, measured in the same run on a copy of the same database: the
  bare SQL a perfect engine could not avoid (bulk UPDATE of next_checkin_at by primary key, bulk
  INSERT into the outbox, UPDATE ... SET status='sent' per batch of ids), no ORM, no time zones.
* the event loop's worst stall during the burst (a task sleeping 10 ms records its lateness).
* RSS after the pass at N vs at N=100 (fresh interpreters).
* the dispatcher as it runs in production (``bot.dispatch.dispatch_due``) with a bot whose
  ``send_message`` returns at once and its pacing off (bench/sending.py measures real sending):
  adds the per-message work (load the person, count check-ins,
  render the message) to the bookkeeping.
* the peer design, one PTB ``JobQueue.run_daily`` job per person in their time zone: start-up
  time (scheduling every job, starting the scheduler) and RSS, against Rebound's start-up
  (build the application: one repeating job, nothing per person).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from bench.common import (
    Row,
    StallMonitor,
    create_database,
    drop_database,
    emit,
    fmt,
    new_database_name,
    postgres_available,
    report,
    rss_kib,
    run_worker,
)

NAME = "scheduling"
MODULE = "bench.scheduling"
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/St_Johns",  # UTC-3:30
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",  # UTC+5:30
    "Asia/Kathmandu",  # UTC+5:45
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Adelaide",  # UTC+10:30 in January
    "Pacific/Auckland",
)
# Everyone is due between 12:00:00 and 12:00:59 UTC; the pass runs at 12:01:00.
DUE = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
NOW = DUE + timedelta(minutes=1)
FIRST_ID = 10_000_000
TARGET_PER_SECOND = {"sqlite": 10_000, "postgres": 5_000}  # issue 10, item 3
STALL_LIMIT = 0.100  # seconds: the event loop never stalls longer during the burst
RSS_LIMIT = 1.2
PASS_BUDGET = 45.0  # seconds of claiming per pass; beyond it the rest is extrapolated


# --- Setting up N people -----------------------------------------------------------------------


def _people(start: int, count: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(start, start + count):
        zone = ZONES[i % len(ZONES)]
        due = DUE + timedelta(seconds=i % 60)
        rows.append(
            {
                "id": FIRST_ID + i,
                "language_code": "en",
                "timezone": zone,
                "checkin_time": due.astimezone(ZoneInfo(zone)).time(),
                "checkin_frequency": "daily",
                "next_checkin_at": due,
                "paused": False,
                "consented_at": DUE - timedelta(days=30),
                "onboarded_at": DUE - timedelta(days=30),
                "active": True,
                "created_at": DUE - timedelta(days=30),
                "updated_at": DUE - timedelta(days=30),
            }
        )
    return rows


async def populate(url: str, n: int) -> float:
    """Migrate and insert N people due in the same minute; returns the seconds it took."""
    from sqlalchemy import insert

    from bot.db.engine import create_engine
    from bot.db.migrate import upgrade
    from bot.db.models import User

    started = time.perf_counter()
    engine = create_engine(url)
    try:
        await upgrade(engine)
        chunk = 10_000
        for start in range(0, n, chunk):
            async with engine.begin() as conn:
                await conn.execute(insert(User), _people(start, min(chunk, n - start)))
    finally:
        await engine.dispose()
    return time.perf_counter() - started


def _remove_sqlite_files(paths: list[str]) -> None:
    for path in paths:
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)


class Database:
    """One populated database per backend and size, copied for each measurement."""

    def __init__(self, backend: str, n: int, workdir: Path) -> None:
        self.backend, self.n, self.workdir = backend, n, workdir
        self.template: str = ""
        self.copies: list[str] = []
        self.setup_seconds = 0.0

    async def __aenter__(self) -> Database:
        if self.backend == "sqlite":
            path = self.workdir / f"template-{self.n}.db"
            self.template = str(path)
            self.setup_seconds = await populate(f"sqlite+aiosqlite:///{path}", self.n)
        else:
            self.template = new_database_name(f"tpl{self.n}")
            url = await create_database(self.template)
            self.setup_seconds = await populate(url, self.n)
        return self

    async def copy(self) -> str:
        """A fresh copy's URL."""
        index = len(self.copies)
        if self.backend == "sqlite":
            target = self.workdir / f"copy-{self.n}-{index}.db"
            shutil.copyfile(self.template, target)
            self.copies.append(str(target))
            return f"sqlite+aiosqlite:///{target}"
        name = new_database_name(f"c{self.n}")
        self.copies.append(name)
        return await create_database(name, template=self.template)

    async def __aexit__(self, *_exc: object) -> None:
        if self.backend == "sqlite":
            _remove_sqlite_files([self.template, *self.copies])
            return
        for name in [*self.copies, self.template]:
            await drop_database(name)


# --- Workers (each runs in its own interpreter) -------------------------------------------------


def _settings(url: str, workdir: str) -> Any:
    from bot.config import load_settings

    return load_settings(_env_file=None, database_url=url, data_dir=Path(workdir))


async def worker_pass(
    url: str, n: int, workdir: str, budget: float, freeze: bool = False
) -> dict[str, Any]:
    """Build the app as `rebound run` would (no network), then one full bookkeeping pass
    (claiming stops after ``budget`` seconds: the rest is extrapolated and flagged)."""
    from bot.app import build_application
    from bot.dispatch.dispatcher import BATCH
    from bot.serve import freeze_startup
    from bot.services import outbox, schedule

    rss_imported = rss_kib()
    started = time.perf_counter()
    app = build_application(_settings(url, workdir), token="1:x", migrate=False)
    assert app.job_queue is not None
    await app.job_queue.start()
    startup = time.perf_counter() - started
    if freeze:  # start-up objects out of the collector's way, as `rebound run` does
        freeze_startup()
    # The real dispatch job would try to reach Telegram: only the bookkeeping is measured here.
    await app.job_queue.stop(wait=False)
    rss_started = rss_kib()
    rt = app.wiring.runtime
    materialized = sent = materialize_batches = claim_batches = 0
    async with StallMonitor() as monitor:
        t0 = time.perf_counter()
        while True:
            async with rt.sessions() as session, session.begin():
                result = await schedule.materialize(session, NOW)
            moved = result.checkins + result.reviews + result.stale + result.already_checked_in
            if not moved:
                break
            materialized += result.checkins + result.reviews
            materialize_batches += 1
        t1 = time.perf_counter()
        while True:
            async with rt.sessions() as session, session.begin():
                items = await outbox.claim_due(session, NOW, BATCH)
                ids = [item.id for item in items]
            if not ids:
                break
            async with rt.sessions() as session, session.begin():
                await outbox.record_sent(session, ids, NOW + timedelta(seconds=1))
            sent += len(ids)
            claim_batches += 1
            if time.perf_counter() - t0 > budget:
                break
        t2 = time.perf_counter()
    stall = monitor.worst
    await rt.engine.dispose()
    gc.collect()
    rss_after = rss_kib()
    capped = sent < n
    if materialized != n or not sent or sent > n:
        raise AssertionError(f"expected {n} materialized and sent, got {materialized}, {sent}")
    # Capped: the claim phase's time for all N, extrapolated from the part done. Each claim
    # costs more while more rows are pending, so this overestimates the time (rate: a floor).
    claim_s = (t2 - t1) * n / sent
    return {
        "n": n,
        "capped": capped,
        "sent_in_budget": sent,
        "materialize_s": t1 - t0,
        "claim_record_s": claim_s,
        "total_s": (t1 - t0) + claim_s,
        "materialize_batches": materialize_batches,
        "claim_batches": claim_batches,
        "stall_s": stall,
        "startup_s": startup,
        "rss_imported_kib": rss_imported["rss"],
        "rss_started_kib": rss_started["rss"],
        "rss_after_kib": rss_after["rss"],
        "hwm_kib": rss_after["hwm"],
    }


async def worker_floor(url: str, n: int) -> dict[str, Any]:
    """The same database work as bare SQL: what no engine can avoid."""
    from sqlalchemy import bindparam, insert, select, update

    from bot.db.engine import create_engine
    from bot.db.models import ScheduledMessage, User

    engine = create_engine(url)
    following = NOW + timedelta(days=1)
    t0 = time.perf_counter()
    chunk = 5_000
    async with engine.connect() as conn:
        ids = list((await conn.execute(select(User.id).order_by(User.id))).scalars())
        await conn.commit()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        async with engine.begin() as conn:
            await conn.execute(
                update(User)
                .where(User.id == bindparam("uid"))
                .values(next_checkin_at=bindparam("next")),
                [{"uid": uid, "next": following} for uid in part],
            )
            await conn.execute(
                insert(ScheduledMessage),
                [
                    {
                        "user_id": uid,
                        "chat_id": uid,
                        "kind": "checkin",
                        "payload": {},
                        "due_at": DUE,
                        "status": "pending",
                        "attempts": 0,
                        "created_at": NOW,
                    }
                    for uid in part
                ],
            )
    t1 = time.perf_counter()
    sm = ScheduledMessage
    while True:
        async with engine.begin() as conn:
            query = (
                select(sm.id)
                .where(sm.status == "pending", sm.due_at <= NOW)
                .order_by(sm.due_at)
                .limit(200)
            )
            batch = list((await conn.execute(query)).scalars())
            if not batch:
                break
            await conn.execute(
                update(sm)
                .where(sm.id.in_(batch))
                .values(status="claimed", claimed_until=NOW, attempts=sm.attempts + 1)
            )
        async with engine.begin() as conn:
            await conn.execute(
                update(sm).where(sm.id.in_(batch)).values(status="sent", sent_at=NOW)
            )
    t2 = time.perf_counter()
    await engine.dispose()
    return {"n": n, "materialize_s": t1 - t0, "claim_record_s": t2 - t1, "total_s": t2 - t0}


class _NoopBot:
    """Stands in for the Telegram bot: sending is rate-limited by design, not measured here."""

    sent = 0

    async def send_message(self, *_args: object, **_kwargs: object) -> None:
        _NoopBot.sent += 1


async def worker_dispatch(url: str, n: int, workdir: str) -> dict[str, Any]:
    """The dispatcher's run as the periodic job starts it, with a bot that sends nothing."""
    from telegram import Bot

    from bot.clock import FrozenClock
    from bot.content import load_content
    from bot.db.engine import create_engine, create_sessionmaker
    from bot.dispatch import Dispatcher
    from bot.runtime import Runtime, flow_specs
    from handlers import scheduled_kinds

    engine = create_engine(url)
    runtime = Runtime(
        settings=_settings(url, workdir),
        engine=engine,
        sessions=create_sessionmaker(engine),
        content=load_content(),
        clock=FrozenClock(NOW),
        flows=flow_specs(),
    )
    # No rate limiter behind this bot: this measures the dispatcher's own work, not
    # Telegram's 30 a second.
    dispatcher = Dispatcher(runtime, cast(Bot, _NoopBot()), scheduled_kinds())
    runs = 0
    async with StallMonitor() as monitor:
        t0 = time.perf_counter()
        while _NoopBot.sent < n and runs < n:
            await dispatcher.run()
            runs += 1
        elapsed = time.perf_counter() - t0
    await engine.dispose()
    if _NoopBot.sent != n:
        raise AssertionError(f"expected {n} messages, sent {_NoopBot.sent}")
    return {"n": n, "total_s": elapsed, "runs": runs, "stall_s": monitor.worst}


async def _noop_job(_context: object) -> None:
    """A check-in job's callback (never runs here)."""


async def worker_peer(n: int) -> dict[str, Any]:
    """The obvious peer design: one ``run_daily`` job per person, in their own time zone."""
    from datetime import time as clock_time

    from telegram.ext import ApplicationBuilder

    importlib.import_module("bot.app")  # Rebound's imports too, so RSS compares like with like
    gc.collect()
    rss_before = rss_kib()
    started = time.perf_counter()
    app = ApplicationBuilder().token("1:x").build()
    queue = app.job_queue
    assert queue is not None
    queue.set_application(app)
    # The people, as the peer would read them from its database, a thousand at a time.
    for chunk in range(0, n, 1000):
        for person in _people(chunk, min(1000, n - chunk)):
            at: clock_time = person["checkin_time"]
            queue.run_daily(
                _noop_job,
                at.replace(tzinfo=ZoneInfo(person["timezone"])),
                name=f"checkin:{person['id']}",
                chat_id=person["id"],
                user_id=person["id"],
            )
    scheduled = time.perf_counter()
    await queue.start()  # APScheduler adds the pending jobs (computing each next fire time)
    ready = time.perf_counter()
    jobs = len(queue.jobs())
    gc.collect()
    rss_after = rss_kib()
    await queue.stop(wait=False)
    if jobs != n:
        raise AssertionError(f"expected {n} jobs, got {jobs}")
    return {
        "n": n,
        "schedule_s": scheduled - started,
        "start_s": ready - scheduled,
        "startup_s": ready - started,
        "rss_before_kib": rss_before["rss"],
        "rss_after_kib": rss_after["rss"],
        "hwm_kib": rss_after["hwm"],
    }


async def worker_peer_burst(n: int) -> dict[str, Any]:
    """The peer design when everyone is due at the same instant: ``n`` run_daily jobs for one
    time of day, counting how many callbacks actually run and how many APScheduler reports
    as missed (its default misfire grace is one second)."""
    from datetime import UTC, datetime, timedelta

    from apscheduler.events import EVENT_JOB_MISSED  # type: ignore[import-untyped]
    from telegram.ext import ApplicationBuilder

    app = ApplicationBuilder().token("1:x").build()
    queue = app.job_queue
    assert queue is not None
    queue.set_application(app)
    fired = missed = 0

    async def check_in(_context: object) -> None:
        nonlocal fired
        fired += 1

    def on_missed(_event: object) -> None:
        nonlocal missed
        missed += 1

    # Room to add and start every job first (about 0.2 ms per job here), then all fire at once.
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=5 + n / 4000)
    for _ in range(n):
        queue.run_daily(check_in, due.timetz())
    await queue.start()
    queue.scheduler.add_listener(on_missed, EVENT_JOB_MISSED)
    ready = datetime.now(UTC)
    if ready >= due:
        raise AssertionError(f"setting up {n} jobs overran the due time by {ready - due}")
    await asyncio.sleep((due - ready).total_seconds() + 10 + n / 10000)
    await queue.stop(wait=False)
    return {"n": n, "fired": fired, "missed": missed}


def worker_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog=MODULE)
    parser.add_argument("role", choices=["pass", "floor", "dispatch", "peer", "burst"])
    parser.add_argument("--url", default="")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    parser.add_argument("--budget", type=float, default=600.0)
    parser.add_argument("--freeze", action="store_true")
    args = parser.parse_args(argv)
    import logging

    logging.disable(logging.INFO)
    jobs: dict[str, Callable[[], Coroutine[Any, Any, dict[str, Any]]]] = {
        "pass": lambda: worker_pass(args.url, args.n, args.workdir, args.budget, args.freeze),
        "floor": lambda: worker_floor(args.url, args.n),
        "dispatch": lambda: worker_dispatch(args.url, args.n, args.workdir),
        "peer": lambda: worker_peer(args.n),
        "burst": lambda: worker_peer_burst(args.n),
    }
    emit(asyncio.run(jobs[args.role]()))


# --- The benchmark -------------------------------------------------------------------------------


def _size(n: int) -> str:
    return f"N={n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"N={n}"


def _mib(kib: float) -> float:
    return kib / 1024


async def _run_worker(
    role: str, n: int, url: str = "", workdir: str = "", budget: float = 0, *extra: str
) -> dict[str, Any]:
    args = [role, "--n", str(n), *extra]
    if budget:
        args += ["--budget", str(budget)]
    if url:
        args += ["--url", url]
    if workdir:
        args += ["--workdir", workdir]
    return await asyncio.to_thread(run_worker, MODULE, args, 600)


async def _backend_rows(
    backend: str, sizes: list[int], dispatch_n: int, workdir: Path
) -> tuple[list[Row], dict[int, dict[str, Any]]]:
    rows: list[Row] = []
    passes: dict[int, dict[str, Any]] = {}
    dispatched: dict[str, Any] = {}
    for n in sorted({*sizes, dispatch_n} - {0}):
        async with Database(backend, n, workdir) as db:
            print(f"  {backend} {_size(n)}: {n} people inserted in {db.setup_seconds:.1f}s")
            if n in sizes:
                measured = await _run_worker("pass", n, await db.copy(), str(workdir), PASS_BUDGET)
                passes[n] = measured
                print(f"  {backend} {_size(n)}: bookkeeping {fmt(n / measured['total_s'])}/s")
                if n >= 1000:  # the small size is only the memory baseline
                    floor = await _run_worker("floor", n, await db.copy())
                    print(f"  {backend} {_size(n)}: bare SQL {fmt(n / floor['total_s'])}/s")
                    rows += _pass_rows(backend, n, measured, floor)
                if n == max(sizes):
                    frozen = await _run_worker(
                        "pass", n, await db.copy(), str(workdir), PASS_BUDGET, "--freeze"
                    )
                    rows.append(_frozen_row(backend, n, measured, frozen))
            if n == dispatch_n:
                dispatched = await _run_worker("dispatch", n, await db.copy(), str(workdir))
    if dispatched:
        rows.append(_dispatch_row(backend, dispatch_n, dispatched, passes))
    small = passes[min(passes)]
    for n in sorted(passes):
        if n == min(passes):
            continue
        ratio = passes[n]["rss_after_kib"] / small["rss_after_kib"]
        verdict = "ok" if ratio <= RSS_LIMIT else f"OVER the {RSS_LIMIT}x target"
        rows.append(
            Row(
                f"{backend}: RSS after the pass",
                _size(n),
                _mib(passes[n]["rss_after_kib"]),
                "MiB",
                f"{ratio:.2f}x RSS at {_size(min(passes))} "
                f"({_mib(small['rss_after_kib']):.0f} MiB): {verdict}; "
                f"peak {_mib(passes[n]['hwm_kib']):.0f} MiB",
                {"rss_small_kib": small["rss_after_kib"], **passes[n]},
            )
        )
    return rows, passes


def _dispatch_row(
    backend: str, dispatch_n: int, dispatched: dict[str, Any], passes: dict[int, dict[str, Any]]
) -> Row:
    """The production job against bookkeeping alone at the nearest size measured."""
    rate = dispatch_n / dispatched["total_s"]
    near = min((p for p in passes if p >= 1000), key=lambda p: abs(p - dispatch_n))
    return Row(
        f"{backend}: dispatch_due, no-op bot",
        _size(dispatch_n),
        rate,
        "msgs/s",
        f"{rate / (near / passes[near]['total_s']):.2f}x bookkeeping alone (at "
        f"{_size(near)}); worst stall {dispatched['stall_s'] * 1000:.0f} ms",
        dispatched,
    )


def _frozen_row(backend: str, n: int, measured: dict[str, Any], frozen: dict[str, Any]) -> Row:
    """The same pass with gc.freeze() after start-up: the stalls above are the cyclic garbage
    collector scanning every start-up object in a full collection."""
    stall = frozen["stall_s"]
    return Row(
        f"{backend}:   same, gc.freeze() after start-up",
        _size(n),
        stall * 1000,
        "ms",
        f"worst stall; target <= {STALL_LIMIT * 1000:.0f} ms: "
        f"{'meets' if stall <= STALL_LIMIT else 'OVER'}; bookkeeping "
        f"{fmt(n / frozen['total_s'])}/s (as shipped: {fmt(n / measured['total_s'])}/s)",
        frozen,
    )


def _pass_rows(backend: str, n: int, measured: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
    rate = n / measured["total_s"]
    floor_rate = n / floor["total_s"]
    target = TARGET_PER_SECOND[backend]
    verdict = "meets" if rate >= target else "BELOW"
    capped = (
        f" [claiming stopped after {PASS_BUDGET:.0f}s with {measured['sent_in_budget']:,} of "
        f"{n:,} done; time extrapolated, so the rate is a floor]"
        if measured["capped"]
        else ""
    )
    return [
        Row(
            f"{backend}: bookkeeping (materialize+claim+record)",
            _size(n),
            rate,
            "items/s",
            f"{rate / floor_rate:.2f}x bare SQL ({fmt(floor_rate)}/s); "
            f"{verdict} the {target:,}/s target{capped}",
            {"pass": measured, "floor": floor},
        ),
        Row(
            f"{backend}:   materialize only",
            _size(n),
            n / measured["materialize_s"],
            "items/s",
            f"{measured['materialize_s'] / floor['materialize_s']:.2f}x the bare SQL's time",
        ),
        Row(
            f"{backend}:   claim_due+record_sent only",
            _size(n),
            n / measured["claim_record_s"],
            "items/s",
            f"{measured['claim_record_s'] / floor['claim_record_s']:.2f}x the bare SQL's time",
        ),
        Row(
            f"{backend}: worst event-loop stall in the burst",
            _size(n),
            measured["stall_s"] * 1000,
            "ms",
            f"10 ms sleeper's max lateness; target <= {STALL_LIMIT * 1000:.0f} ms: "
            f"{'meets' if measured['stall_s'] <= STALL_LIMIT else 'OVER'}",
        ),
    ]


async def _peer_rows(sizes: list[int], passes: dict[int, dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    startups = [p["startup_s"] for p in passes.values()]
    rebound_startup = min(startups)
    started_rss = min(p["rss_started_kib"] for p in passes.values())
    rows.append(
        Row(
            "Rebound: start-up (build app, 1 repeating job)",
            "any N",
            rebound_startup * 1000,
            "ms",
            f"RSS after start-up {_mib(started_rss):.0f} MiB; nothing per person in memory",
            {"startups_s": startups},
        )
    )
    for n in sizes:
        peer = await _run_worker("peer", n)
        growth = peer["rss_after_kib"] - peer["rss_before_kib"]
        ours = passes.get(n)
        startup_vs = f"{peer['startup_s'] / rebound_startup:.0f}x Rebound's start-up"
        rows.append(
            Row(
                "peer: run_daily per person, start-up",
                _size(n),
                peer["startup_s"] * 1000,
                "ms",
                f"{startup_vs} (run_daily {peer['schedule_s']:.2f}s + scheduler start "
                f"{peer['start_s']:.2f}s)",
                peer,
            )
        )
        rss_vs = (
            f"Rebound after a full pass at {_size(n)}: {_mib(ours['rss_after_kib']):.0f} MiB "
            f"(+{_mib(ours['rss_after_kib'] - ours['rss_imported_kib']):.0f} MiB over imports)"
            if ours
            else "Rebound's RSS does not grow with N (see RSS rows)"
        )
        rows.append(
            Row(
                "peer: run_daily per person, RSS",
                _size(n),
                _mib(peer["rss_after_kib"]),
                "MiB",
                f"+{_mib(growth):.0f} MiB for the jobs; {rss_vs}",
            )
        )
        burst = await _run_worker("burst", n)
        sent = f"Rebound sends all {n:,} (bookkeeping above, then paced at 29.5/s)"
        rows.append(
            Row(
                "peer: check-ins that fire when all are due at once",
                _size(n),
                burst["fired"],
                "jobs",
                f"{burst['fired'] / n:.0%} of {n:,}; APScheduler reported {burst['missed']:,} "
                f"missed (misfire grace 1 s) and never runs them; {sent}",
                burst,
            )
        )
    return rows


async def run(full: bool) -> None:
    from bot.dispatch.dispatcher import BATCH
    from bot.services import schedule

    sizes = [100, 10_000, 100_000] if full else [100, 10_000]
    dispatch_n = 5_000
    peer_sizes = [10_000, 100_000] if full else [10_000]
    backends = ["sqlite"]
    notes = [
        f"bookkeeping: materialize ({schedule.BATCH:,} per transaction) until nothing is due, "
        f"then claim_due ({BATCH}) + record_sent until nothing is left; a fresh process per size",
        "bare SQL: the same writes with no ORM and no time-zone maths, on a copy of the "
        "same database in the same run",
        "dispatch_due: the production job with send_message returning at once; real "
        "sending is capped by Telegram (~30 msgs/s per bot), far below these rates",
        "peer start-up counts only scheduling (its database read is not included)",
    ]
    unavailable = await postgres_available()
    if unavailable:
        notes.append(f"PostgreSQL rows skipped: {unavailable}")
    else:
        backends.append("postgres")
    rows: list[Row] = []
    all_passes: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="rebound-bench-") as tmp:
        for backend in backends:
            backend_rows, passes = await _backend_rows(backend, sizes, dispatch_n, Path(tmp))
            rows += backend_rows
            if backend == "sqlite":
                all_passes = passes
        rows += await _peer_rows(peer_sizes, all_passes)
    report(NAME, "Scheduling: N people due in the same minute", rows, notes)


def main(full: bool = False) -> None:
    """Default: N=10k (a couple of minutes); ``full``: also N=100k."""
    asyncio.run(run(full))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("pass", "floor", "dispatch", "peer", "burst"):
        worker_main(sys.argv[1:])
    else:
        main("--full" in sys.argv)
