"""One Bot API request, end to end: decode, check, route, record, answer in Telegram's envelope."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import ApiReject, bad_request, not_found, unauthorized
from bot.emulator.faults import Faults
from bot.emulator.methods import METHODS, Described
from bot.emulator.methods.updates import get_updates
from bot.emulator.models import ApiCall, ApiError
from bot.emulator.spec import Upload
from bot.emulator.state import State
from bot.emulator.updates import Poll

logger = logging.getLogger(__name__)


@dataclass
class RawRequest:
    """The parts of an HTTP request the Bot API reads parameters from."""

    query: dict[str, list[bytes]]
    content_type: str
    body: bytes
    form: dict[str, list[bytes]]
    uploads: dict[str, Upload]


def decode_params(request: RawRequest) -> dict[str, Any]:
    """Merge query string and body (form fields or a JSON object), later values winning."""
    raw: dict[str, Any] = {k: v[-1].decode("utf-8", "replace") for k, v in request.query.items()}
    if request.content_type.split(";")[0].strip().lower() == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise bad_request("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        raw.update(body)
    else:
        raw.update({k: v[-1].decode("utf-8", "replace") for k, v in request.form.items()})
    return raw


class _Injected(Exception):
    """A failure a test asked for: answered like Telegram, not counted as the bot's mistake."""

    def __init__(self, reject: ApiReject):
        super().__init__(reject.description)
        self.reject = reject


class Dispatcher:
    def __init__(self, state: State, latency: float):
        self.state = state
        self.latency = latency
        self.stopping = asyncio.Event()
        # Failures a test asked for: (method, reject) answered before the real method runs.
        self.faults: list[tuple[str, ApiReject]] = []
        self.injected: list[ApiError] = []
        # Random failures and late answers on a share of calls (None: off; see faults.py).
        self.chaos: Faults | None = None

    async def handle(
        self,
        token: str,
        method: str,
        request: RawRequest,
        poll: Poll,
        client_gone: Callable[[], bool],
    ) -> tuple[int, dict[str, Any]]:
        """Answer one call; returns (HTTP status, JSON body)."""
        state = self.state
        name = state.spec.canonical_method(method) or method
        long_poll = name == "getUpdates"
        call = ApiCall(name, {})
        state.calls.append(call)
        if not long_poll:
            state.in_flight += 1
            state.note_activity()
        try:
            # The network round trip: half on the request's way in, half on the answer's way
            # out. So a message the bot sends shows in the chat half a round trip after the
            # call starts, and an update reaches a waiting long poll's client half a round
            # trip after it arrives; updates arriving meanwhile wait for the next poll.
            await self._delay()
            outcome = await self._outcome(token, method, request, poll, call, client_gone)
            await self._delay()
            return outcome
        finally:
            if not long_poll:
                state.in_flight -= 1
                state.note_activity()

    async def _outcome(
        self,
        token: str,
        method: str,
        request: RawRequest,
        poll: Poll,
        call: ApiCall,
        client_gone: Callable[[], bool],
    ) -> tuple[int, dict[str, Any]]:
        state = self.state
        try:
            return 200, await self._answer(token, method, request, poll, call)
        except _Injected as injected:
            return injected.reject.error_code, injected.reject.envelope()
        except ApiReject as reject:
            if not client_gone():
                state.errors.append(
                    ApiError(call.method, reject.error_code, reject.description, call.params)
                )
            return reject.error_code, reject.envelope()
        except Exception:
            logger.exception("emulator failed on %s", call.method)
            state.errors.append(ApiError(call.method, 500, "Internal Server Error", call.params))
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}

    async def _answer(
        self, token: str, method: str, request: RawRequest, poll: Poll, call: ApiCall
    ) -> dict[str, Any]:
        state = self.state
        call.params = decode_params(request)
        if token != state.token:
            raise unauthorized()
        if call.method not in METHODS and call.method != "getUpdates":
            if state.spec.is_telegram_method(method):
                raise not_found(f"method {method} is not emulated")
            raise not_found()
        params, unknown = state.spec.parse_params(call.method, call.params, request.uploads)
        call.params = params
        if unknown:
            state.warnings.append(
                f"{call.method}: unknown parameter(s) {', '.join(unknown)} (Telegram ignores them)"
            )
        fault = next((f for f in self.faults if f[0] == call.method), None)
        if fault is not None:
            self.faults.remove(fault)
            self.injected.append(
                ApiError(call.method, fault[1].error_code, fault[1].description, params)
            )
            raise _Injected(fault[1])
        drawn = self.chaos.draw(call.method) if self.chaos is not None else None
        if isinstance(drawn, ApiReject):
            self.injected.append(ApiError(call.method, drawn.error_code, drawn.description, params))
            raise _Injected(drawn)
        answer = await self._run(call.method, params, poll)
        if drawn:  # done, and the answer is slow to come back
            await self._wait(drawn)
        return answer

    async def _run(self, method: str, params: dict[str, Any], poll: Poll) -> dict[str, Any]:
        state = self.state
        if method == "getUpdates":
            return {"ok": True, "result": await get_updates(state, params, poll)}
        result = await METHODS[method](state, params)
        if isinstance(result, Described):
            return {"ok": True, "result": result.result, "description": result.description}
        return {"ok": True, "result": result}

    async def _delay(self) -> None:
        """One way of the configured round trip (half of it), cut short when the emulator
        stops."""
        await self._wait(self.latency / 2)

    async def _wait(self, seconds: float) -> None:
        if seconds > 0 and not self.stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), seconds)
