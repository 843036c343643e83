"""The flow engine as pure data: no database, no Telegram."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.services.flow_engine import (
    Accepted,
    ChoiceEvent,
    Flow,
    FlowTap,
    FreeText,
    Option,
    Rejected,
    Run,
    State,
    Step,
    TextEvent,
    advance,
    free_text,
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
    assert step1.state == State("t", "age", {"go": "yes"}, Run(trail=("go",)))
    step2 = advance(FLOW, step1.state, TextEvent("41"), NOW)
    assert step2.answer == Accepted(41, shown="41")
    assert step2.state is not None and step2.state.step == "colour"
    step3 = advance(FLOW, step2.state, ChoiceEvent("colour", "red"), NOW)
    assert step3.finished
    assert step3.answer == Accepted("red", label="test.red")


def test_state_round_trips_through_json() -> None:
    state = advance(FLOW, State("t", "go"), ChoiceEvent("go", "yes"), NOW).state
    assert state is not None
    answers, run = json.loads(json.dumps(state.data)), json.loads(json.dumps(state.run.to_json()))
    again = State(state.flow, state.step, answers, Run.from_json(run))
    assert again == state
    assert advance(FLOW, again, TextEvent("7"), NOW).answer == Accepted(7, shown="7")


def test_a_run_keeps_its_bookkeeping_out_of_the_answers() -> None:
    run = Run("k3x9", ("go", "age"), {"pick": ("a", "c")}, only="age", then="reflect")
    assert Run.from_json(json.loads(json.dumps(run.to_json()))) == run
    assert Run.from_json({}) == Run() and Run.from_json(None) == Run()
    assert Run("k3x9").to_json() == {"token": "k3x9"}  # only what is set is stored
    done = advance(FLOW, State("t", "age", {"go": "yes"}, run), TextEvent("7"), NOW)
    assert done.finished  # ``only`` ends the run at its step
    moved = advance(
        FLOW, State("t", "go", {}, Run("k3x9", then="plan")), ChoiceEvent("go", "yes"), NOW
    )
    assert moved.state is not None
    assert moved.state.data == {"go": "yes"}
    assert moved.state.run == Run("k3x9", ("go",), then="plan")


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
    assert skipped.state is not None
    assert skipped.state.data == {"age": None}
    assert skipped.state.run.trail == ("age",)
    forged = advance(FLOW, State("t", "colour"), ChoiceEvent("colour", "blue"), NOW)
    assert forged.problem == Rejected("flow.stale_button")


def test_ends_on_and_single_step_mode_finish_early() -> None:
    assert advance(FLOW, State("t", "go"), ChoiceEvent("go", "no"), NOW).finished
    single = State("t", "age", {}, Run(only="age"))
    assert advance(FLOW, single, TextEvent("3"), NOW).finished


def test_callback_data_round_trip_and_malformed() -> None:
    data = FLOW.callback_data("r1", "age", "skip")
    assert data == "t:3:r1:age:skip"
    assert FLOW.taps.parse(data) == FlowTap("r1", "age", "skip")
    time_choice = FLOW.taps.parse("t:3:r1:time:08:00")
    assert time_choice is not None
    assert time_choice.value == "08:00"
    # Junk, another version of this flow, another flow: all stale.
    for bad in ("", "garbage", "t:x:r:age:1", "t:3:age:1", "t:2:r1:age:skip", "u:3:r1:age:skip"):
        assert FLOW.taps.parse(bad) is None


def test_every_callback_fits_telegram_limit() -> None:
    from bot.runtime import flow_specs

    for spec in flow_specs().values():
        for step in spec.flow.steps:
            for option in step.all_options():
                data = spec.flow.callback_data("abcd", step.name, option.value)
                assert 1 <= len(data.encode()) <= 64, data


MULTI = Flow(
    "m",
    1,
    (
        Step(
            "pick",
            "test.pick",
            options=(Option("a", "test.a"), Option("b", "test.b"), Option("c", "test.c")),
            multi=True,
            notes=free_text(10, "test.trimmed"),
        ),
        Step("last", "test.last", options=(Option("x", "test.x"),), skippable=True),
    ),
    back=True,
)


def test_multi_select_toggles_then_done_keeps_option_order() -> None:
    state = State("m", "pick", {}, Run("r"))
    for value in ("c", "a", "b", "b"):
        moved = advance(MULTI, state, ChoiceEvent("pick", value), NOW)
        assert moved.outcome == "toggled"
        assert moved.state is not None
        state = moved.state
    assert state.selected("pick") == ["c", "a"]
    done = advance(MULTI, state, ChoiceEvent("pick", "done"), NOW)
    assert done.outcome == "answered"
    assert done.answer == Accepted(["a", "c"], label="flow.done")
    assert done.state is not None
    assert done.state.data == {"pick": ["a", "c"]}
    assert done.state.run == Run("r", ("pick",))  # the ticks are the answer now


def test_typed_text_on_a_multi_step_is_a_trimmed_note() -> None:
    state = State("m", "pick")
    noted = advance(MULTI, state, TextEvent("  first   words  "), NOW)
    assert noted.outcome == "noted"
    assert noted.state is not None
    again = advance(MULTI, noted.state, TextEvent("a very long second note"), NOW)
    assert again.state is not None
    assert again.state.data["pick_note"] == "first word / a very lon"
    assert again.answer is not None
    assert again.answer.notice == Rejected("test.trimmed", {"limit": "10"})
    empty = advance(MULTI, state, TextEvent("   "), NOW)
    assert empty.problem == Rejected("flow.empty_text")


def test_back_returns_to_the_previous_question_and_forged_toggle_is_stale() -> None:
    state = State("m", "pick")
    at_last = advance(MULTI, state, ChoiceEvent("pick", "done"), NOW).state
    assert at_last is not None
    assert at_last.can_go_back()
    back = advance(MULTI, at_last, ChoiceEvent("last", "back"), NOW)
    assert back.outcome == "back"
    assert back.state is not None
    assert back.state.step == "pick"
    assert back.state.run.trail == ()
    assert not back.state.can_go_back()
    stale = advance(MULTI, state, ChoiceEvent("pick", "zzz"), NOW)
    assert stale.problem == Rejected("flow.stale_button")


def test_free_text_says_how_long_an_answer_it_wants() -> None:
    short, prose = free_text(120, "test.trimmed"), free_text(2000, "test.trimmed")
    assert isinstance(short, FreeText) and short.limit == 120
    assert isinstance(prose, FreeText) and prose.limit == 2000
    assert short("  Acme ,  designer ", NOW) == Accepted("Acme , designer", "Acme , designer")
    assert short("   ", NOW) == Rejected("flow.empty_text")
