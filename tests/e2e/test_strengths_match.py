"""/strengths and /match end to end: an empty start, suggestions from what the person already
told Rebound, typing and removing strengths, and a real-looking job description matched (and
not stored), on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import FeedbackRequest, FlowState, Rejection, Strength
from bot.emulator import SimUser
from tests.e2e.harness import CONTENT, BotHarness, label, leads, onboard, one_of, shown

ADD = label("strengths.buttons.add")
# The answer's headings, where its parts begin.
ASKED, GAPS, POINTS = (leads(f"match.{part}")[0] for part in ("asked", "gaps", "points"))
JOB = """Senior Data Analyst (m/f/d), Acme Analytics, Berlin

About us
We're a friendly team of 40 building tools for logistics companies. We offer training,
a learning budget and flexible hours.

What you'll do
- Build dashboards in Tableau and share insights with stakeholders across the business
- Run A/B tests with the product team and explain the results clearly

What you'll bring
- 3+ years of experience with SQL and Python
- Strong stakeholder management and communication skills
- Experience with dbt or Airflow is a plus
- A degree in a quantitative field, or equivalent experience
- Comfortable presenting to senior leadership

Benefits
- 30 days of holiday, bike leasing
"""


async def stored_strengths(bot: BotHarness, user_id: int) -> list[Strength]:
    async with bot.sessions() as session:
        query = select(Strength).where(Strength.user_id == user_id).order_by(Strength.id)
        return list((await session.execute(query)).scalars())


async def seed_reflections(bot: BotHarness, user_id: int) -> None:
    """A debrief where rapport and staying calm went well, and feedback that praised SQL."""
    now = bot.clock.now()
    async with bot.sessions() as session, session.begin():
        session.add(
            Rejection(
                user_id=user_id,
                stage="technical",
                went_well=["rapport", "calm"],
                reasons=["tech_depth"],
                outside=[],
                answered=[],
                created_at=now,
                updated_at=now,
                completed_at=now,
            )
        )
        session.add(
            FeedbackRequest(
                user_id=user_id,
                recipient="hr",
                channel="email",
                tone="warm",
                status="replied",
                reply_text="Your SQL skills were strong. We needed more depth in Python.",
                tags=[],
                created_at=now,
                updated_at=now,
            )
        )


async def test_zero_data_strengths_and_match(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("/strengths")
    empty = await user.next_message()
    assert "Nothing listed yet" in empty.text
    assert empty.button_labels() == [ADD]

    await user.send("/match")
    ask = await user.next_message()
    assert one_of(ask.text, shown("match.ask"))
    await user.send(JOB)
    answer = await user.next_message()
    assert one_of(answer.text, shown("match.no_strengths"))
    assert one_of(answer.text, leads("match.asks_for"))
    for skill in ("SQL", "Python", "Stakeholder management", "Communication"):
        assert skill in answer.text
    assert "Benefits" not in answer.text and "bike" not in answer.text
    assert "A degree in a quantitative field, or equivalent experience" in answer.text
    assert POINTS in answer.text
    assert one_of(answer.text, shown("match.not_stored"))
    assert ask.buttons == []  # answered by typing: the Skip button went away
    assert await bot.flow_state(user.id) is None  # the text is not kept anywhere
    async with bot.sessions() as session:
        assert (await session.execute(select(FlowState))).first() is None
    assert await stored_strengths(bot, user.id) == []


async def test_build_a_list_from_suggestions_and_typing(bot: BotHarness) -> None:
    user = await onboard(bot)
    await seed_reflections(bot, user.id)
    await user.send("/strengths")
    listing = await user.next_message()
    assert one_of(listing.text, shown("strengths.suggest_hint"))
    labels = listing.button_labels()
    assert "➕ SQL" in labels
    assert "➕ Empathy / rapport" in labels
    assert "➕ Working under pressure" in labels
    assert "➕ Python" not in labels  # the feedback asked for more Python: not a strength

    await user.tap("➕ SQL", message=listing)
    await bot.settle()
    assert user.callback_answers[-1].text == label("strengths.toast_added")
    assert "Hard skills" in listing.text and "• SQL" in listing.text  # refreshed in place
    assert "➕ SQL" not in listing.button_labels()

    await user.tap(ADD, message=listing)
    assert one_of((await user.next_message()).text, shown("strengths.ask_add"))
    await user.send("Stakeholder managment, explaining complex things simply\nSQL")
    added = await user.next_message()
    assert "Added ✅ Stakeholder managment, explaining complex things simply" in added.text
    assert "Soft skills" in added.text and "In your words" in added.text
    stored = await stored_strengths(bot, user.id)
    assert [(s.text, s.skill, s.kind, s.source) for s in stored] == [
        ("SQL", "sql", "hard", "suggested"),
        ("Stakeholder managment", "stakeholder_management", "soft", "typed"),
        ("explaining complex things simply", None, "other", "typed"),
    ]

    await user.tap(label("strengths.buttons.copy"), message=added)
    plain = await user.next_message()
    assert "ready to copy" in plain.text
    assert plain.text.endswith("SQL\nStakeholder managment\nexplaining complex things simply")

    await user.tap(label("strengths.buttons.remove"), message=added)
    await bot.settle()
    assert one_of(added.text, shown("strengths.remove_page"))
    await user.tap("✖ SQL", message=added)
    await bot.settle()
    assert user.callback_answers[-1].text == label("strengths.toast_removed")
    assert "✖ SQL" not in added.button_labels()
    await user.tap("Done", message=added)
    await bot.settle()
    assert "💪 Your strengths (2)" in added.text
    assert [s.text for s in await stored_strengths(bot, user.id)] == [
        "Stakeholder managment",
        "explaining complex things simply",
    ]


async def test_match_shows_strengths_gaps_and_talking_points(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/strengths")
    await user.tap(ADD, message=await user.next_message())
    await user.next_message()
    await user.send("SQL, public speaking, explaining complex things simply")
    await user.next_message()

    await user.send(f"/match {JOB}")  # straight away, without the question
    answer = await user.next_message()
    text = answer.text
    asked = text.split(ASKED)[1].split(GAPS)[0]
    assert "SQL" in asked and "public speaking" in asked
    assert "explaining complex things simply" not in asked
    gaps = text.split(GAPS)[1].split(POINTS)[0]
    assert "Python" in gaps and "Stakeholder management" in gaps
    assert "SQL" not in gaps
    points = text.split(POINTS)[1]
    assert points.count("• ") >= 2
    assert "SQL" in points or "public speaking" in points
    assert "➕ Stakeholder management" in answer.button_labels()

    await user.tap("➕ Python", message=answer)
    await bot.settle()
    assert user.callback_answers[-1].text == label("strengths.toast_added")
    assert "➕ Python" not in answer.button_labels()
    assert answer.text == text  # the answer itself stays as it was
    assert "python" in [s.skill for s in await stored_strengths(bot, user.id)]

    await user.tap("🔎 Match another", message=answer)
    assert one_of((await user.next_message()).text, shown("match.ask"))
    await user.send("🙂🙂🙂 ok")
    nothing = await user.next_message()
    assert "couldn't find requirements" in nothing.text


DESIGN_JOB = """Senior Product Designer, Globex

Requirements:
- Excellent communication with engineers and product managers
- Experience running user research and usability tests
- Figma, Python and SQL for prototyping with data
- Kubernetes and Terraform knowledge
"""


async def test_match_reads_whole_words_and_frames_gaps_as_preparation(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/strengths")
    await user.tap(ADD, message=await user.next_message())
    await user.next_message()
    await user.send("Research, Bookkeeping")
    await user.next_message()

    await user.send(f"/match {DESIGN_JOB}")
    text = (await user.next_message()).text
    asked = text.split(ASKED)[1].split(GAPS)[0]
    assert "Research" in asked  # "user research" asks for it
    gaps = text.split(GAPS)[1].split(POINTS)[0]
    assert "Communication" in gaps
    assert "Excel" not in text  # "Excellent communication" is not a spreadsheet skill
    assert "prepare those first" in text  # most of it is new to them: what to prepare first
    assert "stretch" not in text.lower()
    assert "right target" not in text.lower()


async def test_match_reads_other_languages_and_odd_text(bot: BotHarness) -> None:
    user: SimUser = await onboard(bot, language_code="de")
    german = (
        "Wir suchen eine Datenanalystin (m/w/d)\n\nDas bringst du mit\n"
        "- Sehr gute Kenntnisse in SQL und Python\n- Ausgeprägte Kommunikationsfähigkeit\n"
        "- Erfahrung im Projektmanagement\n- Fließend Deutsch und Englisch\n"
    )
    await user.send(f"/match {german}")
    answer = await user.next_message()
    de = CONTENT.texts("de")
    for skill in ("sql", "python", "communication", "project_management"):
        assert de(f"skills.{skill}") in answer.text  # "Kommunikation", "Projektmanagement"
    await user.send("/match " + "\u200b\u202e" * 200 + "ｓｑｌ" + "🙂" * 500)
    odd = await user.next_message()
    assert CONTENT.texts("de")("match.nothing_found") in odd.text


async def test_strengths_and_match_in_a_group_point_to_private(bot: BotHarness) -> None:
    admin = await onboard(bot)
    group = bot.emulator.group("Job hunters")
    group.add_member(admin, admin=True)
    await group.add_bot(admin)
    await bot.settle()
    for command, payload in (("/strengths", "strengths"), ("/match", "match")):
        before = len(group.messages)
        await group.send(admin, command)
        await bot.settle()
        reply = group.messages[before:][-1]
        assert reply.buttons[0][0].url == f"https://t.me/rebound_test_bot?start={payload}"
    await admin.send("/start match")
    assert one_of((await admin.next_message()).text, shown("match.ask"))
