"""The Mini App's JSON API (/app/api/) against a real database and a running bot: 401 for
anything but init data Telegram signed for this bot within a day, before the database is
touched; the person's journey as the chat keeps it; changes through the same services as the
chat (the chat's /plan agrees at once); and nobody reaches another person's records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from bot.db.models import FeedbackRequest, PlanAction, ScheduledMessage, Strength, User
from bot.emulator import SimUser
from bot.emulator.webapp import init_data
from tests.e2e.harness import CONTENT, BotHarness, label, leads, onboard, one_of, seen
from tests.e2e.test_history_and_plan import seed_plan
from tests.e2e.test_reflection import tap_through
from tests.e2e.test_webhook import webhook_service
from tests.e2e.webapp import PUBLIC_URL, app_server, auth, enable_webapp, journey

ROUTES = [
    ("GET", "/app/api/me"),
    ("GET", "/app/api/debriefs/1"),
    ("POST", "/app/api/plan/1"),
    ("POST", "/app/api/feedback/1"),
    ("POST", "/app/api/strengths"),
    ("DELETE", "/app/api/strengths/1"),
    ("POST", "/app/api/settings"),
    ("POST", "/app/api/export"),
    ("POST", "/app/api/delete"),
    ("GET", "/app/api/nothing-here"),
]


@pytest.fixture
async def webapp_bot(harness_any_db: BotHarness) -> BotHarness:
    enable_webapp(harness_any_db)
    await harness_any_db.start()
    return harness_any_db


def _bad_headers(bot: BotHarness, user: SimUser) -> dict[str, dict[str, str]]:
    now = int(bot.clock.now().timestamp())
    fresh = user.web_app_init_data(now)
    return {
        "none": {},
        "not tma": {"Authorization": f"Bearer {fresh}"},
        "forged hash": {"Authorization": "tma " + fresh[: fresh.index("hash=") + 5] + "0" * 64},
        "other bot": {"Authorization": "tma " + init_data("777:OTHER", user.info, now)},
        "stale": {"Authorization": "tma " + user.web_app_init_data(now - 86_401)},
        "no user": {"Authorization": "tma auth_date=1&hash=" + "0" * 64},
    }


async def test_every_route_refuses_anything_but_fresh_signed_init_data(
    webapp_bot: BotHarness,
) -> None:
    bot = webapp_bot
    user = await onboard(bot)
    statements: list[str] = []
    app = bot.instances[-1]
    engine = app.wiring.runtime.engine
    # Quiet the bot's own database users (polling, scheduled jobs): what is counted below is
    # the API's alone.
    await bot.settle()
    await bot.stop_polling(app)
    assert app.job_queue is not None
    app.job_queue.scheduler.pause()

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    async with app_server(bot) as client:
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            for name, headers in _bad_headers(bot, user).items():
                for method, path in ROUTES:
                    answer = await client.request(method, path, headers=headers, json={})
                    assert answer.status_code == 401, (name, method, path, answer.text)
                    assert answer.json()["error"] == "unauthorized"
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        assert not statements, statements  # refused before the database was asked anything
        app.job_queue.scheduler.resume()
        good = auth(bot, user)
        assert (await client.get("/app/api/me", headers=good)).status_code == 200
        assert (await client.get("/app/api/nothing", headers=good)).status_code == 404


async def test_someone_who_never_started_the_bot_is_not_created(webapp_bot: BotHarness) -> None:
    bot = webapp_bot
    stranger = bot.user("Sam")
    async with app_server(bot) as client:
        answer = await client.get("/app/api/me", headers=auth(bot, stranger))
    assert (answer.status_code, answer.json()["error"]) == (404, "not_started")
    assert answer.json()["words"]["not_started"].startswith("Say /start")
    assert await bot.stored_user(stranger.id) is None


async def test_journey_shows_the_debrief_and_plan_done_in_the_app_shows_in_the_chat(
    webapp_bot: BotHarness,
) -> None:
    bot = webapp_bot
    user = await onboard(bot)
    card = await tap_through(bot, user)
    await seed_plan(bot, user.id, ["nerves"])
    async with app_server(bot) as client:
        headers = auth(bot, user)
        mine = await journey(client, headers)
        assert mine["locale"] == "en"
        assert mine["words"]["tabs.plan"] == "Plan"
        [debrief] = mine["debriefs"]
        assert debrief["stage_label"] == "Final round"
        assert debrief["mood"] == 3
        opened = await client.get(f"/app/api/debriefs/{debrief['id']}", headers=headers)
        assert "Your debrief" in opened.json()["card_html"]
        assert "Final round" in card.text and "Final round" in opened.json()["card_html"]
        steps = mine["plan"]
        assert len(steps) >= 2
        first, second = steps[0], steps[1]
        done = await client.post(
            f"/app/api/plan/{first['id']}", headers=headers, json={"action": "done"}
        )
        assert done.status_code == 200
        assert done.json()["notice"] in CONTENT.variants("plan.toasts.done", "en")
        assert first["id"] not in [s["id"] for s in done.json()["plan"]]
        dismissed = await client.post(
            f"/app/api/plan/{second['id']}", headers=headers, json={"action": "dismiss"}
        )
        assert second["id"] not in [s["id"] for s in dismissed.json()["plan"]]
        again = await client.post(
            f"/app/api/plan/{first['id']}", headers=headers, json={"action": "done"}
        )
        assert again.status_code == 404
        assert mine["stats"]["30"]["stages"][4] == ["Final round", 1]
    async with bot.sessions() as session:
        statuses = {
            a.id: a.status
            for a in (await session.execute(select(PlanAction))).scalars()
            if a.id in (first["id"], second["id"])
        }
    assert statuses == {first["id"]: "done", second["id"]: "dropped"}
    await user.send("/plan")
    shown = await user.next_message()
    assert f"✅ {seen(first['text_html'])}" in shown.text  # the chat agrees: done today
    assert seen(second["text_html"]) not in shown.text  # and not relevant is gone


async def test_nobody_reaches_another_persons_records(webapp_bot: BotHarness) -> None:
    bot = webapp_bot
    alex = await onboard(bot)
    await tap_through(bot, alex)
    sam = await onboard(bot, first_name="Sam")
    async with bot.sessions() as session, session.begin():
        theirs = Strength(
            user_id=alex.id, text="Listening", source="typed", created_at=bot.clock.now()
        )
        request = FeedbackRequest(
            user_id=alex.id, company="Acme", recipient="hr", channel="email", tone="warm",
            kind="ask", version=0, short=False, status="draft", tags=[],
            created_at=bot.clock.now(), updated_at=bot.clock.now(),
        )  # fmt: skip
        session.add_all([theirs, request])
    async with app_server(bot) as client:
        alexs = await journey(client, auth(bot, alex))
        debrief, step = alexs["debriefs"][0]["id"], alexs["plan"][0]["id"]
        as_sam = auth(bot, sam)
        assert (await journey(client, as_sam))["debriefs"] == []
        tries = [
            await client.get(f"/app/api/debriefs/{debrief}", headers=as_sam),
            await client.post(f"/app/api/plan/{step}", headers=as_sam, json={"action": "done"}),
            await client.post(
                f"/app/api/feedback/{request.id}", headers=as_sam, json={"action": "sent"}
            ),
            await client.delete(f"/app/api/strengths/{theirs.id}", headers=as_sam),
        ]
        assert [t.status_code for t in tries] == [404, 404, 404, 404]
        after = await journey(client, auth(bot, alex))
    assert [s["id"] for s in after["plan"]] == [s["id"] for s in alexs["plan"]]
    assert after["strengths"] == [{"id": theirs.id, "text": "Listening"}]
    assert after["feedback"][0]["status"] == "draft"


async def test_feedback_sent_and_replied_from_the_app(webapp_bot: BotHarness) -> None:
    bot = webapp_bot
    user = await onboard(bot)
    async with bot.sessions() as session, session.begin():
        request = FeedbackRequest(
            user_id=user.id, company="Acme", role="Designer", recipient="hr", channel="email",
            tone="warm", kind="ask", version=0, short=False, status="draft", tags=[],
            created_at=bot.clock.now(), updated_at=bot.clock.now(),
        )  # fmt: skip
        session.add(request)
    async with app_server(bot) as client:
        headers = auth(bot, user)
        [item] = (await journey(client, headers))["feedback"]
        assert item["can_send"] and not item["can_reply"]
        assert "Acme" in item["draft"] and "Designer" in item["subject"]
        path = f"/app/api/feedback/{request.id}"
        early = await client.post(path, headers=headers, json={"action": "replied"})
        assert early.status_code == 409
        sent = await client.post(path, headers=headers, json={"action": "sent"})
        [item] = sent.json()["feedback"]
        assert (item["status"], item["can_reply"]) == ("sent", True)
        async with bot.sessions() as session:
            checks = (
                await session.execute(
                    select(ScheduledMessage).where(ScheduledMessage.kind == "feedback_check")
                )
            ).scalars()
            assert [c.ref_id for c in checks] == [request.id]  # "did they reply?" is on its way
        replied = await client.post(path, headers=headers, json={"action": "replied"})
        assert replied.status_code == 200
    question = await user.next_message()
    assert one_of(
        question.text, leads("feedback.ask_log")
    )  # the chat asks, as its own button would
    await user.send("They said my portfolio was strong but I needed more system design depth.")
    assert "Technical depth" in (await user.next_message()).text  # the chat's log flow
    async with bot.sessions() as session:
        stored = await session.get(FeedbackRequest, request.id)
        assert stored is not None and stored.status == "replied"


async def test_strengths_and_settings_from_the_app(webapp_bot: BotHarness) -> None:
    bot = webapp_bot
    user = await onboard(bot)
    async with app_server(bot) as client:
        headers = auth(bot, user)
        added = await client.post(
            "/app/api/strengths", headers=headers, json={"text": "  Clear   writing "}
        )
        [strength] = added.json()["strengths"]
        assert strength["text"] == "Clear writing"
        twice = await client.post(
            "/app/api/strengths", headers=headers, json={"text": "clear writing"}
        )
        assert len(twice.json()["strengths"]) == 1
        assert (
            await client.post("/app/api/strengths", headers=headers, json={})
        ).status_code == 400
        removed = await client.delete(f"/app/api/strengths/{strength['id']}", headers=headers)
        assert removed.json()["strengths"] == []
        zone = await client.post("/app/api/settings", headers=headers, json={"timezone": "Tokyo"})
        assert zone.json()["settings"]["timezone"] == "Asia/Tokyo"
        wrong = await client.post("/app/api/settings", headers=headers, json={"timezone": "Qwzx"})
        assert wrong.status_code == 422
        assert wrong.json()["message"]  # the chat's own words for it
        at = await client.post("/app/api/settings", headers=headers, json={"checkin_time": "7:30"})
        assert at.json()["settings"]["checkin_time"] == "07:30"
        weekdays = await client.post(
            "/app/api/settings", headers=headers, json={"frequency": "weekdays"}
        )
        assert weekdays.json()["settings"]["frequency"] == "weekdays"
        bad = await client.post("/app/api/settings", headers=headers, json={"frequency": "hourly"})
        assert bad.status_code == 422
        paused = await client.post("/app/api/settings", headers=headers, json={"pause": 7})
        assert paused.json()["settings"]["paused"] is True
        resumed = await client.post("/app/api/settings", headers=headers, json={"resume": True})
        assert resumed.json()["settings"]["paused"] is False
        german = await client.post("/app/api/settings", headers=headers, json={"language": "de"})
        assert (german.json()["locale"], german.json()["words"]["tabs.plan"]) == ("de", "Plan")
        assert german.json()["words"]["tabs.strengths"] == "Stärken"
        nowhere = await client.post("/app/api/settings", headers=headers, json={"language": "xx"})
        assert nowhere.status_code == 422
    stored = await bot.stored_user(user.id)
    assert stored is not None
    assert (stored.timezone, stored.checkin_frequency) == ("Asia/Tokyo", "weekdays")
    assert stored.locale == "de"  # chosen: the chat now writes German too
    assert stored.next_checkin_at is not None
    local = stored.next_checkin_at + timedelta(hours=9)
    assert (local.hour, local.minute) == (7, 30)


async def test_export_goes_to_the_chat_and_delete_needs_the_confirmation(
    webapp_bot: BotHarness,
) -> None:
    bot = webapp_bot
    user = await onboard(bot)
    await tap_through(bot, user)
    async with app_server(bot) as client:
        headers = auth(bot, user)
        exported = await client.post("/app/api/export", headers=headers)
        assert exported.json()["notice"] == label("webapp.settings.exported")
        data_file, readable = user.messages[-2:]
        assert data_file.document is not None and readable.document is not None
        assert data_file.document.filename == "rebound-export.json"
        assert readable.document.filename == "rebound-debriefs.md"
        assert "To work on: Technical depth" in readable.document.content.decode()
        unconfirmed = await client.post("/app/api/delete", headers=headers, json={})
        assert unconfirmed.status_code == 400
        assert await bot.stored_user(user.id) is not None
        deleted = await client.post("/app/api/delete", headers=headers, json={"confirm": True})
        assert deleted.json()["deleted"] is True
        assert (await client.get("/app/api/me", headers=headers)).status_code == 404
    async with bot.sessions() as session:
        assert await session.get(User, user.id) is None
        assert list((await session.execute(select(PlanAction))).scalars()) == []


async def test_switched_on_it_sets_the_menu_button_and_both_ports_serve_it(
    harness: BotHarness,
) -> None:
    """REBOUND_WEBAPP_URL sets the menu button (a web_app one); the page is served on the health
    port and, in webhook mode, on the webhook port too, which still never shows /healthz."""
    enable_webapp(harness)
    service = webhook_service(harness)
    await service.start()
    try:
        button = harness.emulator.menu_button()
        assert button == {"type": "web_app", "text": "Journey", "web_app": {"url": PUBLIC_URL}}
        public, health = service.webhook_server, service.health_server
        assert public is not None and health is not None
        async with httpx.AsyncClient(timeout=10) as client:
            for server in (public, health):
                page = await client.get(f"http://127.0.0.1:{server.port}/app/")
                assert page.status_code == 200 and "telegram-web-app.js" in page.text
                policy = page.headers["Content-Security-Policy"]
                assert "script-src 'self' https://telegram.org;" in policy
            hidden = await client.get(f"http://127.0.0.1:{public.port}/healthz")
            assert hidden.status_code == 404
    finally:
        await service.stop()


async def test_switched_off_there_is_no_app(harness: BotHarness) -> None:
    await harness.start()
    assert harness.emulator.menu_button() == {"type": "default"}
    async with app_server(harness) as client:
        assert (await client.get("/app/")).status_code == 404
        assert (await client.get("/app/api/me")).status_code == 404
