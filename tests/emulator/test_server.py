"""The HTTP surface: URL layout, parameter encodings, and Telegram's answer envelope."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import httpx

from bot.emulator import Emulator
from tests.emulator.helpers import assert_shape


async def test_get_me_answers_in_telegrams_envelope(http: httpx.AsyncClient) -> None:
    response = await http.get("/getMe")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["ok"] is True
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True
    assert body["result"]["username"] == "rebound_test_bot"


async def test_method_names_are_case_insensitive(http: httpx.AsyncClient) -> None:
    assert (await http.post("/GETME")).json()["ok"] is True


async def test_wrong_token_is_unauthorized(emu: Emulator) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(f"{emu.api_url}/bot999:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert emu.errors[-1].error_code == 401


async def test_unknown_and_unemulated_methods_are_not_found(
    http: httpx.AsyncClient, emu: Emulator
) -> None:
    unknown = await http.post("/sendTelepathy")
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    real = (await http.post("/sendPoll")).json()
    assert real["description"] == "Not Found: method sendPoll is not emulated"
    async with httpx.AsyncClient(trust_env=False) as client:
        elsewhere = await client.get(f"{emu.api_url}/favicon.ico")
    assert elsewhere.status_code == 404


async def test_parameters_arrive_by_query_form_or_json(
    http: httpx.AsyncClient, emu: Emulator
) -> None:
    user = emu.user()
    await user.send("hi")
    by_query = await http.get("/sendMessage", params={"chat_id": user.id, "text": "query"})
    by_form = await http.post("/sendMessage", data={"chat_id": str(user.id), "text": "form"})
    by_json = await http.post("/sendMessage", json={"chat_id": user.id, "text": "json"})
    assert [r.json()["result"]["text"] for r in (by_query, by_form, by_json)] == [
        "query",
        "form",
        "json",
    ]
    assert [m.text for m in user.messages] == ["query", "form", "json"]


async def test_json_body_may_hold_nested_objects_or_json_strings(
    http: httpx.AsyncClient, emu: Emulator
) -> None:
    user = emu.user()
    await user.send("hi")
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    for markup in (keyboard, json.dumps(keyboard)):
        body = {"chat_id": user.id, "text": "x", "reply_markup": markup}
        result = (await http.post("/sendMessage", json=body)).json()["result"]
        assert result["reply_markup"] == keyboard


async def test_missing_parameter_is_recorded_as_an_error(
    http: httpx.AsyncClient, emu: Emulator
) -> None:
    response = await http.post("/sendMessage", data={"text": "hi"})
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: chat_id is empty"
    assert [(e.method, e.error_code) for e in emu.errors] == [("sendMessage", 400)]
    assert emu.calls[-1].method == "sendMessage"


async def test_unknown_parameters_are_tolerated_but_reported(
    http: httpx.AsyncClient, emu: Emulator
) -> None:
    assert (await http.post("/getMe", data={"colour": "blue"})).json()["ok"] is True
    assert emu.warnings == ["getMe: unknown parameter(s) colour (Telegram ignores them)"]


async def test_set_webhook_answers_with_a_description(http: httpx.AsyncClient) -> None:
    body = (await http.post("/deleteWebhook")).json()
    assert body == {"ok": True, "result": True, "description": "Webhook is already deleted"}


async def test_latency_delays_each_call() -> None:
    async with Emulator(latency=0.05) as emu, httpx.AsyncClient(trust_env=False) as client:
        started = time.monotonic()
        await client.post(f"{emu.api_url}/bot{emu.token}/getMe")
        assert time.monotonic() - started >= 0.05


async def test_stop_ends_pending_calls_and_leaves_no_tasks() -> None:
    before = asyncio.all_tasks()
    emu = Emulator()
    await emu.start()
    async with httpx.AsyncClient(base_url=f"{emu.api_url}/bot{emu.token}", trust_env=False) as c:
        long_poll = asyncio.create_task(c.post("/getUpdates", data={"timeout": 30}))
        await asyncio.sleep(0.02)
        await c.post("/setWebhook", data={"url": "http://127.0.0.1:9/hook"})
        emu.latency = 5.0
        slow_call = asyncio.create_task(c.post("/getMe"))
        await asyncio.sleep(0.02)
        started = time.monotonic()
        await emu.stop()
        assert time.monotonic() - started < 1
        for call in (long_poll, slow_call):
            with contextlib.suppress(httpx.HTTPError):
                await call
    assert asyncio.all_tasks() - before == {asyncio.current_task()} - before


async def test_start_and_stop_release_the_port() -> None:
    emu = Emulator()
    await emu.start()
    url = emu.api_url
    await emu.stop()
    async with httpx.AsyncClient(trust_env=False) as client:
        try:
            await client.get(f"{url}/bot{emu.token}/getMe", timeout=1)
        except httpx.ConnectError:
            refused = True
        else:
            refused = False
    assert refused


async def test_results_are_shaped_like_the_spec_says(
    http: httpx.AsyncClient, emu: Emulator
) -> None:
    user = emu.user()
    await user.send("hi")
    group = emu.group(supergroup=True)
    group.add_member(user, creator=True)
    await group.add_bot(user, as_admin=True)
    document = await http.post(
        "/sendDocument", data={"chat_id": user.id}, files={"document": ("a.txt", b"a")}
    )
    file_id = document.json()["result"]["document"]["file_id"]
    checks = {
        "getMe": ({}, "User"),
        "getChat": ({"chat_id": group.id}, "ChatFullInfo"),
        "getChatMember": ({"chat_id": group.id, "user_id": user.id}, "ChatMember"),
        "getFile": ({"file_id": file_id}, "File"),
        "getWebhookInfo": ({}, "WebhookInfo"),
        "sendPhoto": (
            {"chat_id": user.id, "photo": "attach://pic", "caption": "c"},
            "Message",
        ),
    }
    assert_shape("Message", document.json()["result"])
    for method, (params, type_name) in checks.items():
        files = {"pic": ("p.png", b"\x89PNG\r\n\x1a\n")} if method == "sendPhoto" else None
        body = (await http.post(f"/{method}", data=params, files=files)).json()
        assert body["ok"] is True, body
        assert_shape(type_name, body["result"])
    admins = (await http.post("/getChatAdministrators", data={"chat_id": group.id})).json()
    for admin in admins["result"]:
        assert_shape("ChatMember", admin)
    assert emu.errors == []


async def test_an_emulator_can_be_started_again_and_keeps_its_state() -> None:
    emu = Emulator()
    await emu.start()
    user = emu.user()
    await user.send("before restart")
    await emu.stop()
    await emu.start()
    async with httpx.AsyncClient(base_url=f"{emu.api_url}/bot{emu.token}", trust_env=False) as c:
        body = (await c.post("/getUpdates", data={"timeout": 1})).json()
    await emu.stop()
    assert [u["message"]["text"] for u in body["result"]] == ["before restart"]
