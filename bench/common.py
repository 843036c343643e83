"""Shared plumbing: result rows, the table, JSON output, machine facts, RSS, loop stalls,
throw-away PostgreSQL databases and JSON-speaking worker subprocesses."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]

RESULTS = Path(__file__).with_name("results")
ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ENV = "REBOUND_BENCH_POSTGRES_URL"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@dataclass
class Row:
    """One measured number and what it is compared with."""

    name: str
    size: str
    value: float
    unit: str
    compare: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(title: str, rows: Sequence[Row]) -> str:
    head = ("benchmark", "size", "value", "unit", "comparison")
    body = [(r.name, r.size, fmt(r.value), r.unit, r.compare) for r in rows]
    widths = [max(len(str(line[i])) for line in [head, *body]) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(width) if i == 2 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(head))
    return "\n".join([title, rule, line(head), rule, *(line(b) for b in body), rule])


def machine() -> dict[str, Any]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError, ValueError):
        for text in Path("/proc/meminfo").read_text().splitlines():
            if text.startswith("MemTotal:"):
                mem_kb = int(text.split()[1])
    return {
        "load_average_1m": round(os.getloadavg()[0], 2),
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def machine_line() -> str:
    m = machine()
    return (
        f"machine: {m['nproc']} cores, {m['cpu']}, {m['memory_gib']} GiB RAM, "
        f"Python {m['python']}, {m['platform']}; 1-min load average at the end "
        f"{m['load_average_1m']} (other work on the machine skews absolute numbers, less so "
        "the same-run ratios)"
    )


def report(name: str, title: str, rows: Sequence[Row], notes: Sequence[str] = ()) -> None:
    """Print the table and write bench/results/<name>.json."""
    print()
    print(table(title, rows))
    for note in notes:
        print(f"  * {note}")
    print(f"  {machine_line()}")
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "benchmark": name,
        "title": title,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "rows": [asdict(r) for r in rows],
        "notes": list(notes),
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"  results written to {path.relative_to(ROOT)}")


def rss_kib() -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of this process, in KiB."""
    out = {"rss": 0, "hwm": 0}
    with contextlib.suppress(OSError):
        for text in Path("/proc/self/status").read_text().splitlines():
            if text.startswith("VmRSS:"):
                out["rss"] = int(text.split()[1])
            elif text.startswith("VmHWM:"):
                out["hwm"] = int(text.split()[1])
    return out


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class StallMonitor:
    """A task that sleeps ``tick`` seconds in a loop and records how late it wakes up: the
    longest time the event loop was blocked (give or take one tick)."""

    def __init__(self, tick: float = 0.010) -> None:
        self.tick = tick
        self.worst = 0.0
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(self.tick)
            late = loop.time() - started - self.tick
            self.samples += 1
            self.worst = max(self.worst, late)

    async def __aenter__(self) -> StallMonitor:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


# --- PostgreSQL ---------------------------------------------------------------------------------


def postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def with_database(url: str, database: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


async def postgres_available() -> str | None:
    """None when the admin URL answers, else why not."""
    try:
        conn = await asyncio.wait_for(asyncpg.connect(_dsn(postgres_admin_url())), 5)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"PostgreSQL unavailable at {postgres_admin_url()}: {type(exc).__name__}"
    await conn.close()
    return None


async def admin_sql(sql: str) -> None:
    conn = await asyncpg.connect(_dsn(postgres_admin_url()))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def new_database_name(tag: str) -> str:
    return f"rebound_bench_{tag}_{uuid.uuid4().hex[:8]}"


async def create_database(name: str, template: str | None = None) -> str:
    suffix = f" TEMPLATE {template}" if template else ""
    await admin_sql(f"CREATE DATABASE {name}{suffix}")
    return with_database(postgres_admin_url(), name)


async def drop_database(name: str) -> None:
    await admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.asynccontextmanager
async def postgres_database(tag: str) -> AsyncIterator[tuple[str, str]]:
    """A fresh database (name, url), dropped afterwards."""
    name = new_database_name(tag)
    url = await create_database(name)
    try:
        yield name, url
    finally:
        await drop_database(name)


# --- Worker subprocesses ------------------------------------------------------------------------


def run_worker(module: str, args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run ``python -m <module> <args>`` in a fresh interpreter; its last stdout line is JSON."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"worker {module} {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    result: dict[str, Any] = json.loads(lines[-1])
    result["_wall"] = time.perf_counter() - started
    return result


def emit(result: dict[str, Any]) -> None:
    """A worker's answer: one JSON line on stdout."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


async def serve_commands(
    emulator: Any, handle: Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
) -> None:
    """The emulator process's side of :class:`EmulatorProcess`: start ``emulator``, announce
    its URL, then answer one JSON command per stdin line with ``handle`` until "stop". An
    error is sent back as ``{"error": ...}`` for the bot's side to raise."""
    await emulator.start()
    emit({"api_url": emulator.api_url})
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = json.loads(line)
        name = command.pop("cmd")
        if name == "stop":
            break
        try:
            emit(await handle(name, command))
        except Exception as exc:
            emit({"error": f"{type(exc).__name__}: {exc}"})
    await emulator.stop()


class EmulatorProcess:
    """The bot's side of the emulator process: JSON commands over its stdin/stdout."""

    def __init__(self, module: str) -> None:
        self.module = module  # its ``python -m <module> emulator`` serves the commands
        self.proc: asyncio.subprocess.Process | None = None
        self.api_url = ""

    async def __aenter__(self) -> EmulatorProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.module,
            "emulator",
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**26,  # one reply line can carry a large result
        )
        self.api_url = (await self._read(30))["api_url"]
        return self

    async def _read(self, timeout: float) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not line:
            raise RuntimeError("the emulator process exited")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"emulator process: {answer['error']}")
        return answer

    async def call(self, cmd: str, timeout: float = 300, **args: Any) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write((json.dumps({"cmd": cmd, **args}) + "\n").encode())
        await self.proc.stdin.drain()
        return await self._read(timeout)

    async def __aexit__(self, *_exc: object) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        with contextlib.suppress(ConnectionError):
            self.proc.stdin.write(b'{"cmd": "stop"}\n')
            await self.proc.stdin.drain()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
