"""/history pages through past debriefs in place; /plan lists the next steps they created."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import Nudge, PlanAction, Rejection, ScheduledMessage
from bot.dispatch import dispatch_due
from bot.services import callback_data, nudges, plan
from bot.services.callback_data import PlanTap
from tests.e2e.harness import BotHarness, label, leads, onboard, one_of
from tests.e2e.test_reflection import finish_quickly, open_debrief, tap_through


async def test_history_and_plan_when_empty(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/history")
    assert "No debriefs yet" in (await user.next_message()).text
    await user.send("/plan")
    assert one_of((await user.next_message()).text, leads("plan.empty"))


async def test_history_pages_in_place_and_opens_cards(bot: BotHarness) -> None:
    user = await onboard(bot)
    for n in range(6):
        await open_debrief(user)
        await user.send(f"Company {n}")
        await user.next_message()
        await finish_quickly(user)
        bot.clock.advance(timedelta(days=1))
    await user.send("/history")
    first = await user.next_message()
    assert "page 1 of 2" in first.text
    assert first.text.index("Company 5") < first.text.index("Company 1")  # newest first
    assert "Company 0" not in first.text
    assert first.button_labels()[-1] == "Older →"
    await user.tap("Older →")
    await bot.settle()
    assert first.edited
    assert "page 2 of 2" in first.text
    assert "Company 0" in first.text
    assert first.button_labels()[-1] == "← Newer"
    await user.tap("Company 0", message=first)
    card = await user.next_message()
    assert "Your debrief: Company 0" in card.text
    await user.tap_data("hs:1:open:99999")
    await bot.settle()
    assert user.callback_answers[-1].text == label("toasts.debrief_gone")
    for stale in ("hs:0:page:1", "hs:1:page:x", "hs:1:jump:2"):
        await user.tap_data(stale)
        await bot.settle()
        assert "expired" in (user.callback_answers[-1].text or "")


async def test_history_shows_patterns_and_plan_lists_steps(bot: BotHarness) -> None:
    user = await onboard(bot)
    for _ in range(3):
        await tap_through(bot, user)
    await user.send("/history")
    page = await user.next_message()
    assert "A pattern" in page.text
    assert "Final round" in page.text
    await user.send("/plan")
    steps = await user.next_message()
    assert "Your next steps" in steps.text
    assert [line[:3] for line in steps.text.splitlines() if line[:1].isdigit()] == [
        "1. ",
        "2. ",
        "3. ",
    ]
    assert steps.button_labels()[:2] == ["✅ 1 Done", "⏰ 1 Tomorrow"]


async def seed_plan(bot: BotHarness, user_id: int, reasons: list[str]) -> list[int]:
    """Open steps as a debrief would leave them, oldest first."""
    ids = []
    async with bot.sessions() as session, session.begin():
        for n, reason in enumerate(reasons):
            action = PlanAction(
                user_id=user_id,
                reason=reason,
                variant=0,
                status="open",
                created_at=bot.clock.now() - timedelta(minutes=10 - n),
            )
            session.add(action)
            await session.flush()
            ids.append(action.id)
    return ids


async def stored_actions(bot: BotHarness, user_id: int) -> dict[int, str]:
    async with bot.sessions() as session:
        query = select(PlanAction).where(PlanAction.user_id == user_id)
        return {a.id: a.status for a in (await session.execute(query)).scalars()}


async def test_plan_steps_done_and_snoozed_in_place(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    app = await bot.start()
    user = await onboard(bot, "No check-ins")  # Berlin, 09:00
    nerves, research, tech = await seed_plan(bot, user.id, ["nerves", "research", "tech_depth"])
    await user.send("/plan")
    shown = await user.next_message()
    assert shown.button_labels() == [
        "✅ 1 Done",
        "⏰ 1 Tomorrow",
        "✅ 2 Done",
        "⏰ 2 Tomorrow",
        "✅ 3 Done",
        "⏰ 3 Tomorrow",
    ]
    first_step = shown.text.splitlines()[1]  # newest first: the technical step

    await user.tap("✅ 1 Done", message=shown)
    await bot.settle()
    assert user.callback_answers[-1].text is not None
    assert "✅" in user.callback_answers[-1].text
    assert shown.edited  # the same message, updated in place
    assert "Done today" in shown.text
    assert "✅ 3 Done" not in shown.button_labels()  # two open steps left
    assert first_step.split(" ", 1)[1] in shown.text.split("Done today")[1]
    assert (await stored_actions(bot, user.id))[tech] == "done"

    await user.tap("⏰ 2 Tomorrow", message=shown)
    await bot.settle()
    assert "tomorrow" in (user.callback_answers[-1].text or "")
    assert "back tomorrow" in shown.text
    assert "⏰ 2 Tomorrow" not in shown.button_labels()
    assert "✅ 2 Done" in shown.button_labels()  # a snoozed step can still be ticked off
    async with bot.sessions() as session:
        [waiting] = (
            await session.execute(
                select(ScheduledMessage).where(
                    ScheduledMessage.kind == nudges.SNOOZE, ScheduledMessage.status == "pending"
                )
            )
        ).scalars()
        nudge = await session.get(Nudge, waiting.ref_id)
        assert nudge is not None and nudge.action_id == nerves
    assert (await stored_actions(bot, user.id))[nerves] == "open"
    await user.tap_data(f"pl:1:snooze:{nerves}", message_id=shown.message_id)  # a double tap
    await bot.settle()
    assert "tomorrow" in (user.callback_answers[-1].text or "")

    # Tomorrow at 09:00 in Berlin the snoozed step comes back as a nudge with its buttons.
    bot.clock.current = waiting.due_at
    assert await dispatch_due(app) == 1
    back = await user.next_message()
    assert "⏰" in back.text
    assert back.button_labels()[:2] == ["✅ Done", "⏰ Snooze"]

    await user.tap_data(f"pl:1:done:{tech}", message_id=shown.message_id)  # already done
    await bot.settle()
    assert user.callback_answers[-1].text == label("plan.toasts.gone")
    await user.tap_data(f"pl:0:done:{research}", message_id=shown.message_id)  # an old release
    await bot.settle()
    assert "expired" in (user.callback_answers[-1].text or "")
    assert (await stored_actions(bot, user.id))[research] == "open"
    await user.tap_data("pl:1:done:99999", message_id=shown.message_id)  # not theirs
    await bot.settle()
    assert user.callback_answers[-1].text == label("plan.toasts.gone")


def test_plan_codec_round_trips_and_rejects_other_shapes() -> None:
    assert callback_data.PLAN.pack(PlanTap("snooze", 42)) == "pl:1:snooze:42"
    assert callback_data.PLAN.parse("pl:1:snooze:42") == PlanTap("snooze", 42)
    for stale in ("pl:0:done:1", "pl:1:drop:1", "pl:1:done:", "pl:1:done:1:2", "pl:1:done:x"):
        assert callback_data.PLAN.parse(stale) is None
    assert plan.SNOOZE_KIND == nudges.SNOOZE


async def test_history_shows_the_notes_typed_escaped_and_trimmed(bot: BotHarness) -> None:
    user = await onboard(bot)
    now = bot.clock.now()
    long_note = "I rambled about <script> & my " + "very " * 40 + "long answer"
    async with bot.sessions() as session, session.begin():
        session.add(
            Rejection(
                user_id=user.id,
                company="Acme",
                stage="final_round",
                mood=2,
                went_well=["rapport"],
                went_well_note="They liked my portfolio",
                reasons=["examples"],
                reasons_note=long_note,
                note="I've been applying for months",
                outside=[],
                answered=[],
                created_at=now,
                updated_at=now,
                completed_at=now,
            )
        )
        session.add(
            Rejection(
                user_id=user.id,
                company="Globex",
                stage="phone_screen",
                went_well=[],
                reasons=[],
                outside=[],
                answered=[],
                created_at=now - timedelta(days=1),
                updated_at=now - timedelta(days=1),
                completed_at=now - timedelta(days=1),
            )
        )
    await user.send("/history")
    page = await user.next_message()
    acme, globex = page.text.split("\n\n")[1:3]
    assert acme.splitlines()[1:] == [
        "   went well: “They liked my portfolio”",
        acme.splitlines()[2],
        "   you added: “I've been applying for months”",
    ]
    trimmed = acme.splitlines()[2]
    assert trimmed.startswith("   next time: “I rambled about <script> & my very")
    assert trimmed.endswith("…”") and len(trimmed) < 110
    assert page.html is not None and "&lt;script&gt; &amp; my" in page.html
    assert "Globex" in globex and len(globex.splitlines()) == 1  # no notes, no extra lines
