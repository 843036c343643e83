"""A python-telegram-bot request backend on aiohttp, for less CPU per Bot API call.

PTB's stock :class:`telegram.request.HTTPXRequest` (httpx + httpcore + h11 + anyio, all pure
Python) spends most of a Bot API call's client-side CPU in the HTTP layer: httpcore's pool scans
every connection on each request and asks anyio for socket details to check that each one is
still readable. aiohttp parses HTTP in C and keeps its pool bookkeeping small.

Measured with the Bot API emulator in its own process on loopback, ``time.process_time()`` of the
client process per call (medians of 3 alternating rounds of 3,000 calls, 2-core machine,
aiohttp 3.14.5 against httpx 0.28.1 / httpcore 1.0.9 / anyio 4.16.0, PTB 22.8):

* ``bot.send_message``, 16 concurrent: 0.98 ms CPU per call with HTTPXRequest, 0.18 ms with
  this class (-82%); one call at a time 0.75 ms against 0.21 ms (-72%); 64 concurrent 1.23 ms
  against 0.18 ms (-85%); ``edit_message_reply_markup`` 1.18 ms against 0.26 ms;
* the HTTP layer alone (``do_request``, 16 concurrent): 0.87 ms against 0.10 ms.

:class:`AiohttpRequest` implements PTB's documented extension point
(:class:`telegram.request.BaseRequest`) with HTTPXRequest's constructor arguments and defaults,
and raises the same errors: :exc:`telegram.error.TimedOut` for any timeout and
:exc:`telegram.error.NetworkError` for connection and protocol failures (PTB turns HTTP error
statuses into BadRequest, Forbidden, RetryAfter, ... itself). Where aiohttp's timeouts differ:

* ``pool_timeout`` + ``connect_timeout`` bound waiting for a pooled connection and opening a new
  one together (aiohttp has one budget for both); ``connect_timeout`` alone bounds the TCP connect.
* ``read_timeout`` is the longest silence while waiting for the response, as in httpx.
* aiohttp has no per-write timeout, so for a request with a body ``write_timeout`` (or
  ``media_write_timeout`` for uploads) becomes part of a deadline for the whole call:
  pool + connect + write + read, when all four are finite.
* proxies: ``proxy`` if given, else the environment as httpx (PTB's default) reads it:
  ``HTTPS_PROXY`` for https URLs (``HTTP_PROXY`` for http), else ``ALL_PROXY``, and none for
  hosts ``NO_PROXY`` lists (lower-case names work too). Looked up once per scheme and host, not
  on every request. aiohttp's own ``trust_env=True`` would cover ``HTTP(S)_PROXY`` and
  ``NO_PROXY`` but not ``ALL_PROXY``, and it looks them up on every request. Only HTTP proxies
  (``http://``, or ``https://`` to the proxy) work: a SOCKS proxy (``socks5://...``, common in
  ``ALL_PROXY``) raises :exc:`ProxyNotSupported` with a clear message instead of quietly going
  direct. (httpx needs its ``socks`` extra for SOCKS, which is not installed here either.)
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import urllib.request
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.ext import ApplicationBuilder
from telegram.request import BaseRequest, RequestData

_FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
# aiohttp warns about (and writes in one piece) bytes bodies above 1 MiB; it streams BytesIO.
_STREAM_ABOVE = 1024 * 1024


Builder = TypeVar("Builder", bound=ApplicationBuilder)  # type: ignore[type-arg]


def _no_proxy(host: str, no_proxy: str) -> bool:
    """``NO_PROXY`` as httpx reads it: "*", host names (covering their subdomains, with or
    without a leading dot), IP addresses and networks (``10.0.0.0/8``)."""
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):
                return True
            continue
        except ValueError:
            pass
        name = entry.lstrip(".")
        if host.lower() == name or host.lower().endswith("." + name):
            return True
    return False


class ProxyNotSupported(ValueError):
    """The environment names a proxy this client cannot use (SOCKS); the message says which
    variable, without the proxy's address or credentials."""


def environment_proxy(url: str) -> str | None:
    """The proxy httpx's ``trust_env`` would pick for ``url``: ``<SCHEME>_PROXY``, else
    ``ALL_PROXY``; None when unset or ``NO_PROXY`` covers the host."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()  # lower-case keys: "https", "all", "no"
    host = parts.hostname or ""
    if not host or _no_proxy(host, proxies.get("no", "")):
        return None
    for key in (parts.scheme, "all"):
        proxy = proxies.get(key)
        if not proxy:
            continue
        if not proxy.lower().startswith(("http://", "https://")):
            scheme = proxy.split("://", 1)[0] if "://" in proxy else "an unknown"
            raise ProxyNotSupported(
                f"{key.upper()}_PROXY is a {scheme} proxy: the Bot API client speaks to HTTP "
                "proxies only (http:// or https://); set HTTPS_PROXY to one, or unset it"
            )
        return proxy
    return None


# How long a Bot API call may wait for Telegram's answer. PTB's default, 5 s, is short for a
# Bot API that is slow now and then: a message it took, answered after 6 s, counted as failed,
# and the person saw the reply *and* an apology. Past this the outcome is unknown (see
# bot.delivery for what Rebound then does).
CALL_READ_TIMEOUT = 15.0


def aiohttp_requests() -> tuple[AiohttpRequest, UpdatesRequest]:
    """:class:`AiohttpRequest` for a bot's calls, and an :class:`UpdatesRequest` for getUpdates
    (one connection: a single long poll at a time)."""
    return AiohttpRequest(read_timeout=CALL_READ_TIMEOUT), UpdatesRequest(connection_pool_size=1)


def use_aiohttp(builder: Builder) -> Builder:
    """``builder`` with :func:`aiohttp_requests`."""
    calls, updates = aiohttp_requests()
    return builder.request(calls).get_updates_request(updates)


def _given(value: object, default: float | None) -> float | None:
    """A timeout argument of :meth:`BaseRequest.do_request`: ``default`` when it was not passed
    (PTB's documented test, ``is BaseRequest.DEFAULT_NONE``), else seconds or None (no limit).
    Typed ``object`` because PTB types it with a private alias (``telegram._utils.types``)."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    if value is None or isinstance(value, int | float):
        return value
    raise TypeError(f"a timeout is seconds or None, not {type(value).__name__}")


def _sum(*parts: float | None) -> float | None:
    """The sum, or None (no limit) if any part has no limit."""
    total = 0.0
    for part in parts:
        if part is None:
            return None
        total += part
    return total


# The fields of a call's answer that its caller reads, when that is known (set around the call
# by :func:`answer_reads`; None: all of them). See :meth:`AiohttpRequest.parse_json_payload`.
_ANSWER_READS: ContextVar[frozenset[str] | None] = ContextVar("answer_reads", default=None)


@contextlib.contextmanager
def answer_reads(fields: frozenset[str]) -> Iterator[None]:
    """Within this block, a Bot API call's answer object (``result``) is handed to PTB with
    ``fields`` only. For calls whose caller reads one field of the Message PTB builds from the
    answer (the new message's id): building all of it, with the keyboard Telegram echoes back,
    cost ~0.2 ms of CPU per call under a burst (docs/performance.md)."""
    token = _ANSWER_READS.set(fields)
    try:
        yield
    finally:
        _ANSWER_READS.reset(token)


class AiohttpRequest(BaseRequest):
    """:class:`telegram.request.BaseRequest` on one :class:`aiohttp.ClientSession`.

    Arguments and defaults are HTTPXRequest's: ``connection_pool_size`` caps the open
    connections; the timeouts are seconds, ``None`` for no limit. The session is opened by
    :meth:`initialize` (or on the first request) and closed by :meth:`shutdown`.
    """

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_proxy",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        proxy: str | None = None,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._proxy = proxy
        self._proxies: dict[tuple[str, str], str | None] = {}  # (scheme, host) -> proxy
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (see :attr:`telegram.request.BaseRequest.read_timeout`)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after :meth:`shutdown`)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections; later requests raise RuntimeError."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def proxy_for(self, url: str) -> str | None:
        """The proxy for ``url``: the one given, else the environment's (looked up once)."""
        if self._proxy is not None:
            return self._proxy
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            self._proxies[key] = environment_proxy(url)
        return self._proxies[key]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP request; returns (status, body). See :meth:`BaseRequest.do_request`."""
        if self._session is None:
            await self.initialize()
        session = self._session
        assert session is not None
        if session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")

        read = _given(read_timeout, self._read_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        body: aiohttp.FormData | str | None = None
        headers: dict[str, str] | None = None
        total: float | None = None
        if request_data is not None:
            files = request_data.multipart_data
            if files:
                # Raw UTF-8 file names, as httpx and browsers send them (aiohttp would
                # percent-encode them by default, and Telegram would show "%D0%..." names).
                body = aiohttp.FormData(quote_fields=False)
                for name, value in request_data.json_parameters.items():
                    body.add_field(name, value)
                for name, (filename, content, mimetype) in files.items():
                    if isinstance(content, bytes) and len(content) > _STREAM_ABOVE:
                        content = io.BytesIO(content)
                    body.add_field(name, content, filename=filename, content_type=mimetype)
                write = _given(write_timeout, self._media_write_timeout)
            else:
                body = urlencode(request_data.json_parameters)
                headers = _FORM_HEADERS
                write = _given(write_timeout, self._write_timeout)
            total = _sum(pool, connect, write, read)
        timeout = aiohttp.ClientTimeout(
            total=total, connect=_sum(pool, connect), sock_connect=connect, sock_read=read
        )

        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
                proxy=self.proxy_for(url),
                allow_redirects=False,  # as httpx; Telegram does not redirect
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as exc:
            raise TimedOut(
                "Timed out getting a connection: all pooled connections busy for longer than "
                "pool_timeout, or connecting took longer than connect_timeout"
            ) from exc
        except aiohttp.SocketTimeoutError as exc:
            raise TimedOut(f"Timed out: no answer within read_timeout ({read}s)") from exc
        except TimeoutError as exc:
            raise TimedOut(f"Timed out: the call took longer than {total}s in all") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    # PTB declares the hook static and calls it on the instance (``self.parse_json_payload``).
    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        """PTB's documented hook for decoding an answer: decoded as PTB does, and inside
        :func:`answer_reads` an answer object keeps only the fields its caller reads. Errors
        (``ok`` false, their ``parameters``) and answers that are not objects are untouched."""
        data: dict[str, Any] = BaseRequest.parse_json_payload(payload)
        fields = _ANSWER_READS.get()
        if fields is not None and isinstance(data, dict) and data.get("ok") is True:
            result = data.get("result")
            if isinstance(result, dict):
                data["result"] = {key: result[key] for key in fields if key in result}
        return data


class UpdatesRequest(AiohttpRequest):
    """The getUpdates request (``get_updates_request``): an :class:`AiohttpRequest` that also
    keeps the updates of the last answer as the JSON objects Telegram sent, for the inbox
    (bot.intake), which would otherwise rebuild each from PTB's object with ``to_dict()``
    (~0.15-0.45 ms of CPU per update). It uses PTB's documented hook for decoding answers,
    :meth:`BaseRequest.parse_json_payload`, and changes nothing in what PTB gets."""

    __slots__ = ("_updates",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._updates: list[Any] = []

    # PTB declares the hook static and calls it on the instance (``self.parse_json_payload``);
    # if it ever stopped, nothing would be kept and the inbox would use ``to_dict()`` again.
    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        data: dict[str, Any] = BaseRequest.parse_json_payload(payload)
        result = data.get("result") if isinstance(data, dict) else None
        self._updates = result if isinstance(result, list) else []
        return data

    def take_updates(self) -> list[Any]:
        """The last answer's ``result`` as decoded (once; empty after an error or a second
        call). PTB's ``Update.de_json`` copies what it reads, so these are as Telegram sent
        them."""
        updates, self._updates = self._updates, []
        return updates
