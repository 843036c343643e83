"""The Emulator: a local Telegram Bot API server plus the people who talk to the bot through it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from bot.emulator.dispatch import Dispatcher
from bot.emulator.errors import ApiReject, too_many_requests
from bot.emulator.faults import Faults
from bot.emulator.limits import RateLimiter
from bot.emulator.methods.bot import default_admin_rights, scope_key
from bot.emulator.models import ApiCall, ApiError
from bot.emulator.server import ApiServer
from bot.emulator.sim import SimGroup, SimUser
from bot.emulator.state import ChatState, PendingQuery, State, UserInfo
from bot.emulator.updates import UpdateIds


def _chat_ids(update: dict[str, Any]) -> Iterator[int]:
    """Chats an arbitrary update is about (its object's chat, or its message's chat)."""
    for value in update.values():
        if not isinstance(value, dict):
            continue
        for holder in (value, value.get("message")):
            chat = holder.get("chat") if isinstance(holder, dict) else None
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                yield chat["id"]


class Emulator:
    """Serve the Bot API for one bot token on loopback and simulate the people it talks to.

    ``think_time`` is how many seconds each action of a simulated person (a message, a tap)
    counts for towards Telegram's flood limits: people read before they tap, so a test that
    taps instantly should not be judged as a burst no human could produce. 0 means no pause.

    ``group_privacy`` mirrors BotFather's privacy mode (on by default, as for new bots): in groups
    the bot then only receives commands meant for it, replies to its messages and service
    messages (not plain mentions of its @username), unless it is an administrator.

    ``faults`` (off by default) fails or delays a share of calls at random, as Telegram now and
    then does (see bot.emulator.faults); it can also be set later through :attr:`faults`.

    ``update_ids`` numbers the updates (see :class:`~bot.emulator.updates.UpdateIds`): from 1 by
    default; the demo keeps its numbering in a file so that it continues across runs.
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "rebound_test_bot",
        bot_first_name: str = "Rebound",
        rate_limits: bool = True,
        latency: float = 0.0,
        *,
        group_privacy: bool = True,
        think_time: float = 0.0,
        faults: Faults | None = None,
        update_ids: UpdateIds | None = None,
    ):
        self._state = State(
            token=token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            limiter=self._new_limiter() if rate_limits else None,
            group_privacy=group_privacy,
            update_ids=update_ids,
        )
        self._state.think_time = think_time
        self._dispatcher = Dispatcher(self._state, latency)
        self._dispatcher.chaos = faults
        self._server = ApiServer(self._dispatcher)
        self._api_url: str | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        bound = await self._server.start(host, port)
        shown_host = f"[{host}]" if ":" in host else host
        self._api_url = f"http://{shown_host}:{bound}"

    async def stop(self) -> None:
        await self._state.webhook.stop()
        await self._server.stop()
        self._api_url = None

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """``http://127.0.0.1:PORT``; the bot calls ``{api_url}/bot{token}/{method}``."""
        if self._api_url is None:
            raise RuntimeError("the emulator is not running; await emu.start() first")
        return self._api_url

    @property
    def latency(self) -> float:
        """The network round trip in seconds, for every Bot API call, getUpdates included: half
        before the call is handled, half before its answer leaves."""
        return self._dispatcher.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._dispatcher.latency = seconds

    @property
    def query_timeout(self) -> float | None:
        """Seconds within which a callback query must be answered (None: no limit)."""
        return self._state.query_timeout

    @query_timeout.setter
    def query_timeout(self, seconds: float | None) -> None:
        self._state.query_timeout = seconds

    @property
    def queries(self) -> dict[str, PendingQuery]:
        """Every tap (callback query) people made, by query id, with whether it was answered."""
        return self._state.queries

    def unanswered_queries(self) -> list[PendingQuery]:
        """Taps the bot never answered (or answered too late): each left a spinner on the
        person's button until Telegram gave up on it."""
        return [query for query in self._state.queries.values() if not query.answered]

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def bot_id(self) -> int:
        return self._state.bot_id

    @property
    def calls(self) -> list[ApiCall]:
        return self._state.calls

    @property
    def errors(self) -> list[ApiError]:
        return self._state.errors

    @property
    def warnings(self) -> list[str]:
        """Oddities Telegram tolerates silently, such as parameters it does not know."""
        return self._state.warnings

    @property
    def cut_labels(self) -> list[tuple[str, int]]:
        """Button labels a phone would cut off ("Another vers…"), with how many buttons share
        their row, for every keyboard the bot sent or edited in (Telegram itself takes them)."""
        return self._state.cut_labels

    def user(
        self,
        first_name: str = "Alex",
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
        started: bool = False,
    ) -> SimUser:
        """A new person; their private chat with the bot has the same id as they do.
        ``started``: they pressed Start in an earlier run (the demo's returning person), so
        the bot may write first, as Telegram lets it once a person has started it."""
        state = self._state
        user_id = user_id if user_id is not None else state.new_user_id()
        if user_id in state.users:
            raise ValueError(f"user {user_id} already exists")
        info = UserInfo(user_id, first_name, last_name, username, language_code)
        state.users[user_id] = info
        chat = ChatState(
            id=user_id, type="private", user=info, bot_status="member", bot_seen=started
        )
        state.chats[user_id] = chat
        return SimUser(state, info, chat)

    def group(
        self, title: str = "Job seekers", *, supergroup: bool = False, forum: bool = False
    ) -> SimGroup:
        """A new group (or supergroup, or forum supergroup) the bot is not yet a member of."""
        state = self._state
        is_super = supergroup or forum
        chat = ChatState(
            id=state.new_group_id(supergroup=is_super),
            type="supergroup" if is_super else "group",
            title=title,
            is_forum=forum,
        )
        state.chats[chat.id] = chat
        return SimGroup(state, chat)

    def inject_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (update_id kept if present, even a duplicate); returns its id."""
        for chat_id in _chat_ids(update):
            known = self._state.chats.get(chat_id)
            if known is not None:
                known.bot_seen = True
        return self._state.updates.push(update)

    def commands(
        self,
        scope_type: str = "default",
        language_code: str = "",
        *,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> list[tuple[str, str]]:
        """The command list setMyCommands stored for exactly this scope and language."""
        stored = self._state.commands.get((scope_key(scope_type, chat_id, user_id), language_code))
        return [(c["command"], c["description"]) for c in stored or []]

    def description(self, language_code: str = "") -> str:
        """What "What can this bot do?" shows a person whose app is in ``language_code``."""
        texts = self._state.descriptions
        return texts.get(language_code) or texts.get("", "")

    def short_description(self, language_code: str = "") -> str:
        """The bot's profile line (and the text sent with a shared link to it)."""
        texts = self._state.short_descriptions
        return texts.get(language_code) or texts.get("", "")

    def menu_button(self, chat_id: int | None = None) -> dict[str, Any]:
        """The menu button a private chat shows (getChatMenuButton's answer)."""
        chat = self._state.chats.get(chat_id) if chat_id is not None else None
        stored = chat.menu_button if chat is not None else None
        return dict(stored or self._state.default_menu_button or {"type": "default"})

    def default_administrator_rights(self, *, for_channels: bool = False) -> dict[str, Any]:
        """The admin rights Telegram suggests when someone adds the bot as an administrator."""
        return default_admin_rights(self._state, for_channels)

    def fail_next(
        self, method: str, error_code: int = 500, *, count: int = 1, retry_after: int | None = None
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with an error, as Telegram would:
        500 "Internal Server Error", 502 "Bad Gateway", or 429 with ``retry_after``. These
        land in ``injected_failures``, not in ``errors``."""
        if error_code == 429:
            reject = too_many_requests(retry_after or 1)
        else:
            description = {502: "Bad Gateway"}.get(error_code, "Internal Server Error")
            reject = ApiReject(error_code, description)
        self._dispatcher.faults.extend((method, reject) for _ in range(count))

    @property
    def injected_failures(self) -> list[ApiError]:
        """Calls answered with an error a test asked for (``fail_next``, ``faults``)."""
        return self._dispatcher.injected

    @property
    def faults(self) -> Faults | None:
        """Random 500/502 answers and late answers on a share of calls, e.g.
        ``Faults(fail=0.07, delay=0.03)``; None (the default) answers every call normally.
        Failures land in ``injected_failures``, not in ``errors``."""
        return self._dispatcher.chaos

    @faults.setter
    def faults(self, faults: Faults | None) -> None:
        self._dispatcher.chaos = faults

    @property
    def updates_fetched(self) -> int:
        """How many distinct updates the bot has been handed (getUpdates or webhook)."""
        return self._state.updates.fetched_total

    def limits_clock(self) -> float:
        """The seconds clock the flood limits run on: real time plus simulated thinking time.
        A bot under test may pace its sends by it, as a real bot's clock runs with people's."""
        return time.monotonic() + self._state.thought

    def set_rate_limits(self, enabled: bool) -> None:
        self._state.limiter = self._new_limiter() if enabled else None

    def _new_limiter(self) -> RateLimiter:
        """Flood limits on a clock that also counts simulated people's thinking time."""
        return RateLimiter(clock=self.limits_clock)

    async def wait_idle(self, quiet: float = 0.15, timeout: float = 10.0) -> None:
        """Wait until the bot fetched every update and made no call for ``quiet`` seconds.

        Long-poll getUpdates calls do not count as activity.
        """
        state = self._state
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            unfetched = state.updates.unfetched_count()
            busy = unfetched or state.in_flight
            quiet_left = state.last_activity + quiet - time.monotonic()
            if not busy and quiet_left <= 0:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._busy_report(timeout, unfetched))
            await state.activity.wait(remaining if busy else min(quiet_left, remaining))

    def _busy_report(self, timeout: float, unfetched: int) -> str:
        state = self._state
        if unfetched:
            return (
                f"bot not idle after {timeout}s: {unfetched} update(s) never fetched "
                "(is the bot polling getUpdates, or is its webhook answering?)"
            )
        recent = [call.method for call in state.calls[-5:]]
        return (
            f"bot not idle after {timeout}s: {state.in_flight} call(s) in progress, "
            f"recent calls: {recent}"
        )
