"""Update ids as Telegram numbers them: sequential, continued across runs, random after a week."""

from __future__ import annotations

import random
from pathlib import Path

from bot.emulator import Emulator, UpdateIds
from bot.emulator.updates import RESTART_AFTER_S


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_without_a_file_each_run_starts_at_one() -> None:
    ids = UpdateIds()
    assert [ids.take(), ids.take(), ids.take()] == [1, 2, 3]
    assert UpdateIds().take() == 1


def test_a_second_run_continues_where_the_first_stopped(tmp_path: Path) -> None:
    path = tmp_path / "ids.json"
    clock = Clock()
    first = UpdateIds(path, clock=clock)
    assert [first.take() for _ in range(5)] == [1, 2, 3, 4, 5]
    clock.now += 6 * 24 * 3600  # six days later: still within the week
    second = UpdateIds(path, clock=clock)
    assert second.take() == 6


def test_after_a_week_without_updates_numbering_restarts_at_random(tmp_path: Path) -> None:
    path = tmp_path / "ids.json"
    clock = Clock()
    first = UpdateIds(path, clock=clock)
    for _ in range(40):
        first.take()
    clock.now += RESTART_AFTER_S
    second = UpdateIds(path, clock=clock, rng=random.Random(7))
    restarted = second.take()
    assert restarted == random.Random(7).randint(1, 2**30)
    assert restarted != 41
    assert second.take() == restarted + 1  # then sequential again


def test_a_week_of_silence_within_one_run_restarts_too() -> None:
    clock = Clock()
    ids = UpdateIds(clock=clock, rng=random.Random(3))
    assert ids.take() == 1
    clock.now += RESTART_AFTER_S - 1
    assert ids.take() == 2
    clock.now += RESTART_AFTER_S
    assert ids.take() == random.Random(3).randint(1, 2**30)


def test_an_unreadable_file_starts_as_a_new_bot(tmp_path: Path) -> None:
    path = tmp_path / "ids.json"
    path.write_text("not json")
    assert UpdateIds(path).take() == 1
    assert UpdateIds(path).take() == 2  # and it is written properly from then on


async def test_the_emulator_numbers_on_from_a_previous_run(tmp_path: Path) -> None:
    path = tmp_path / "ids.json"
    async with Emulator(update_ids=UpdateIds(path)) as emulator:
        alex = emulator.user("Alex")
        await alex.send("one")
        await alex.send("two")
        injected = emulator.inject_update({"update_id": 90, "message": {"text": "x"}})
    async with Emulator(update_ids=UpdateIds(path)) as emulator:
        update_id = emulator.inject_update({"message": {"text": "three"}})
    assert injected == 90
    assert update_id == 91
