"""The flow engine as pure data: no database, no Telegram."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.services.flow_engine import (
    Accepted,
    ChoiceEvent,
    Flow,
    Option,
    Rejected,
    State,
    Step,
    TextEvent,
    advance,
    parse_callback,
)

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def _number(text: str, _now: datetime) -> Accepted | Rejected:
    return Accepted(int(text), shown=text) if text.isdigit() else Rejected("test.not_a_number")


FLOW = Flow(
    "t",
    3,
    (
        Step(
            "go",
            "test.go",
            options=(Option("yes", "test.yes"), Option("no", "test.no")),
            ends_on=frozenset({"no"}),
        ),
        Step("age", "test.age", parse_text=_number, skippable=True),
        Step("colour", "test.colour", options=(Option("red", "test.red"),)),
    ),
)


def test_linear_flow_collects_answers_and_finishes() -> None:
    state = State("t", "go")
    step1 = advance(FLOW, state, ChoiceEvent("go", "yes"), NOW)
    assert step1.state == State("t", "age", {"go": "yes"})
    step2 = advance(FLOW, step1.state, TextEvent("41"), NOW)
    assert step2.answer == Accepted(41, shown="41")
    assert step2.state is not None and step2.state.step == "colour"
    step3 = advance(FLOW, step2.state, ChoiceEvent("colour", "red"), NOW)
    assert step3.finished
    assert step3.answer == Accepted("red", label="test.red")


def test_state_round_trips_through_json() -> None:
    state = advance(FLOW, State("t", "go"), ChoiceEvent("go", "yes"), NOW).state
    assert state is not None
    again = State(**json.loads(json.dumps(state.__dict__)))
    assert advance(FLOW, again, TextEvent("7"), NOW).answer == Accepted(7, shown="7")


def test_bad_text_keeps_state_and_explains() -> None:
    state = State("t", "age", {"go": "yes"})
    result = advance(FLOW, state, TextEvent("old"), NOW)
    assert result.state == state
    assert result.problem == Rejected("test.not_a_number")
    assert result.answer is None


def test_text_on_tap_only_step_asks_to_tap() -> None:
    result = advance(FLOW, State("t", "go"), TextEvent("yes please"), NOW)
    assert result.problem == Rejected("flow.tap_please")


def test_skip_stores_none_and_unknown_option_is_stale() -> None:
    state = State("t", "age")
    skipped = advance(FLOW, state, ChoiceEvent("age", "skip"), NOW)
    assert skipped.answer == Accepted(None, label="flow.skip")
    assert skipped.state is not None and skipped.state.data == {"age": None}
    forged = advance(FLOW, State("t", "colour"), ChoiceEvent("colour", "blue"), NOW)
    assert forged.problem == Rejected("flow.stale_button")


def test_ends_on_and_single_step_mode_finish_early() -> None:
    assert advance(FLOW, State("t", "go"), ChoiceEvent("go", "no"), NOW).finished
    single = State("t", "age", {"_only": "age"})
    assert advance(FLOW, single, TextEvent("3"), NOW).finished


def test_callback_data_round_trip_and_malformed() -> None:
    data = FLOW.callback_data("age", "skip")
    assert data == "t:3:age:skip"
    parsed = parse_callback(data)
    assert parsed is not None and (parsed.code, parsed.version, parsed.step, parsed.value) == (
        "t",
        3,
        "age",
        "skip",
    )
    assert parse_callback("t:3:time:08:00") is not None
    assert parse_callback("t:3:time:08:00").value == "08:00"  # type: ignore[union-attr]
    for bad in ("", "garbage", "t:x:age:1", "t:3:age"):
        assert parse_callback(bad) is None


def test_every_callback_fits_telegram_limit() -> None:
    from bot.runtime import flow_specs

    for spec in flow_specs().values():
        for step in spec.flow.steps:
            for option in step.all_options():
                data = spec.flow.callback_data(step.name, option.value)
                assert 1 <= len(data.encode()) <= 64, data
