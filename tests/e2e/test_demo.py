"""`rebound demo < script` prints the whole conversation: the demo itself is tested."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.e2e.harness import label, leads, shown

SCRIPT = """\
/start
1
Berlin
2
1
:clock +1d
/settings
:sticker
9
:restart
/help
:quit
"""


def test_scripted_demo_prints_the_conversation(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REBOUND_")}
    env["REBOUND_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--fresh"],
        input=SCRIPT,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert "you › /start" in out
    assert "bot › Hi, I'm Rebound" in out
    assert "[1] Sounds good   [2] Not now" in out
    assert "Berlin: it's" in out
    assert "[1] 08:00   [2] 09:00   [3] 12:30" in out
    assert "You're all set" in out
    assert "every day at 09:00 (Berlin, UTC+01:00)" in out
    assert leads("terminal.clock_moved")[0] in out
    # A day passes hour by hour: the 09:00 check-in comes on the way, not skipped as late.
    after_clock = out[out.index("you › :clock +1d") :]
    assert any(lead in after_clock for lead in leads("checkin.prompt"))
    assert "Time zone: Europe/Berlin" in out
    assert shown("fallback.not_read_sticker")[0] in out  # the script sends a sticker
    assert shown("terminal.no_buttons", number=9)[0] in out
    assert label("terminal.restarted") in out
    assert "Getting started" in out
    assert (tmp_path / "demo.db").exists()
    assert "Traceback" not in result.stderr


def _demo(data_dir: Path, script: str, *, fresh: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REBOUND_")}
    env["REBOUND_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", *(["--fresh"] if fresh else [])],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        cwd=data_dir,
        timeout=60,
        check=False,
    )


def test_a_second_demo_on_the_same_database_answers(tmp_path: Path) -> None:
    """The emulator numbers updates on from the last run (as Telegram does), so the inbox, which
    still remembers the first run's update ids, does not take the second run's for copies."""
    first = _demo(tmp_path, "/start\n1\nBerlin\n:quit\n", fresh=True)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "Berlin: it's" in first.stdout
    second = _demo(tmp_path, "/help\n/settings\n:quit\n", fresh=False)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "Getting started" in second.stdout
    assert "Time zone: Europe/Berlin" in second.stdout  # the same database: what was stored stays
    assert "Traceback" not in second.stderr


async def test_demo_prints_the_mini_app_address_for_the_demo_person(tmp_path: Path) -> None:
    """`:app` prints a loopback address whose fragment carries init data signed for the demo
    person: the page loads, and its API answers with their journey."""
    import io
    from urllib.parse import parse_qs, urlsplit

    import httpx

    from bot.config import load_settings
    from bot.content import load_content
    from bot.demo import Demo, demo_settings

    settings = demo_settings(load_settings(_env_file=None, data_dir=tmp_path), fresh=True)
    out = io.StringIO()
    demo = Demo(settings, load_content().texts(), out)
    await demo.start()
    try:
        await demo.handle("/start")
        await demo.handle(":app")
        [line] = [line for line in out.getvalue().splitlines() if "📖" in line]
        url = line.split()[-1]
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1" and parts.path == "/app/"
        [signed] = parse_qs(parts.fragment)["tgWebAppData"]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{parts.port}") as client:
            assert "telegram-web-app.js" in (await client.get("/app/")).text
            me = await client.get("/app/api/me", headers={"Authorization": f"tma {signed}"})
        assert me.status_code == 200
        assert me.json()["debriefs"] == []
    finally:
        await demo.stop()


def test_a_second_demo_continues_the_clock_where_the_first_left_it(tmp_path: Path) -> None:
    """A run that moved its clock a day ahead stored that day's check-in; the next run on the
    same database starts its clock there, not back at real time, so a mood typed at /checkin
    is taken as usual (it was ignored until `:clock +1d`: the stored day lay in the future)."""
    # /checkin after the jump: the latest scheduled check-in may have been sent on another
    # local day than the clock's (the demo's clock starts at real time), and a mood typed after
    # the person's midnight is no answer to yesterday's
    script = "/start\n1\nBerlin\n2\n1\n:clock +1d\n/checkin\nnot great\n:quit\n"
    first = _demo(tmp_path, script, fresh=True)
    assert first.returncode == 0, first.stderr[-2000:]
    low = shown("checkin.typed_mood", face=label("checkin.mood.2"))
    assert any(line in first.stdout for line in low)
    second = _demo(tmp_path, ":clock +1d\n/checkin\npretty good\n:quit\n", fresh=False)
    assert second.returncode == 0, second.stderr[-2000:]
    good = shown("checkin.typed_mood", face=label("checkin.mood.4"))
    assert any(line in second.stdout for line in good), second.stdout[-3000:]
    with sqlite3.connect(tmp_path / "demo.db") as db:
        moods = [mood for (mood,) in db.execute("SELECT mood FROM checkins ORDER BY id")]
    assert moods == [2, 4]
    assert "Traceback" not in second.stderr


def test_a_second_demo_brings_the_check_in_without_a_word_typed_first(tmp_path: Path) -> None:
    """The person started the bot in the first run: in the second, `:clock +1d` brings the
    morning check-in before they type anything. (The new run's emulator did not know their
    chat, answered the check-in 403 "bot can't initiate conversation", and the person was
    marked inactive: no check-ins ever again, the lead's demo run.)"""
    first = _demo(tmp_path, "/start\n1\nBerlin\n2\n1\n:quit\n", fresh=True)
    assert first.returncode == 0, first.stderr[-2000:]
    second = _demo(tmp_path, ":clock +1d\n:quit\n", fresh=False)
    assert second.returncode == 0, second.stderr[-2000:]
    after_clock = second.stdout[second.stdout.index("you › :clock +1d") :]
    assert any(lead in after_clock for lead in leads("checkin.prompt")), second.stdout[-2000:]
    with sqlite3.connect(tmp_path / "demo.db") as db:
        assert db.execute("SELECT active FROM users").fetchall() == [(1,)]
