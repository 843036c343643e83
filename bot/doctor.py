"""``rebound doctor``: is this installation ready to run? One PASS/WARN/FAIL/SKIP line per check.

Meant for the person setting Rebound up (and, with ``--offline``, for container healthchecks):
each failing line says what is wrong and, where there is one, the command that fixes it. Secrets
never reach the output: the token is shown as ``1234…:***``, database passwords as ``***``, and
the printed table is scrubbed of every secret value once more before it is written.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings, SettingsError, load_settings
from bot.content import load_content
from bot.db.engine import create_engine
from bot.db.migrate import alembic_config, current_revision, head_revision

CHECK_NAMES = ("settings", "database", "migrations", "content", "token", "groups", "webhook")
# Telegram only delivers webhooks over HTTPS to these ports.
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
DEFAULT_TIMEOUT = 10.0


class Status(StrEnum):
    PASS = "PASS"
    WARN = "WARN"  # works, but probably not as intended; does not change the exit code
    FAIL = "FAIL"
    SKIP = "SKIP"  # could not be checked because an earlier check failed (or --offline)


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str


def mask_token(token: str) -> str:
    """``123456:ABC…`` → ``1234…:***``: enough to tell two bots apart, useless to an attacker."""
    bot_id, sep, _ = token.partition(":")
    return f"{bot_id[:4]}…:***" if sep else "***"


def mask_database_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is reported by the database check itself
        return "<unparsable database URL>"


def _token(settings: Settings) -> str | None:
    if settings.bot_token is None:
        return None
    return settings.bot_token.get_secret_value().strip() or None


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value the output must never contain."""
    values = [_token(settings)]
    if settings.webhook_secret is not None:
        values.append(settings.webhook_secret.get_secret_value())
    with contextlib.suppress(Exception):  # an unparsable URL holds no password we could find
        values.append(make_url(settings.effective_database_url).password)
    return [v for v in values if v]


def redact(output: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        output = output.replace(secret, "***")
    return output


# --- the checks ------------------------------------------------------------------------------


def check_settings(settings: Settings) -> Check:
    """Settings already loaded (the caller did it); summarise them and flag risky webhook setups."""
    token = _token(settings)
    mode = "webhook" if settings.webhook_url is not None else "polling"
    parts = [
        f"{mode} mode",
        f"api {settings.api_url}",
        f"token {mask_token(token) if token else 'not set'}",
        f"locale {settings.default_locale}",
        f"{len(settings.admin_ids)} admin(s)",
        f"log {settings.log_level}",
    ]
    # A webhook secret Telegram would refuse never gets this far: load_settings refuses it.
    problems: list[str] = []
    warnings: list[str] = []
    url = settings.webhook_url
    if url is not None:
        if url.scheme != "https":
            warnings.append("REBOUND_WEBHOOK_URL is not https (Telegram requires HTTPS)")
        if url.port not in WEBHOOK_PORTS:
            warnings.append(f"Telegram only delivers to ports 443, 80, 88 or 8443, not {url.port}")
        if (
            settings.webhook_secret is None
        ):  # never runs without one (Settings.webhook_secret_value)
            parts.append("webhook secret derived from the token")
    status = Status.FAIL if problems else Status.WARN if warnings else Status.PASS
    return Check("settings", status, "; ".join(problems + warnings + parts))


def _missing_sqlite_file(url: str) -> Path | None:
    """Connecting would silently create an empty SQLite file; the doctor must not do that."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


async def check_database(engine: AsyncEngine, shown_url: str, timeout: float) -> Check:
    try:
        async with asyncio.timeout(timeout), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except TimeoutError:
        return Check("database", Status.FAIL, f"{shown_url} did not answer within {timeout:g}s")
    except Exception as exc:
        return Check("database", Status.FAIL, f"{shown_url} unreachable: {_describe(exc)}")
    return Check("database", Status.PASS, f"{shown_url} reachable")


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


async def check_migrations(engine: AsyncEngine, timeout: float) -> Check:
    head = head_revision()
    try:
        async with asyncio.timeout(timeout):
            current = await current_revision(engine)
    except Exception as exc:
        return Check("migrations", Status.FAIL, f"cannot read the revision: {_describe(exc)}")
    if current == head:
        return Check("migrations", Status.PASS, f"at head {head}")
    if current is None:
        return Check(
            "migrations", Status.FAIL, f"no schema yet (head is {head}); run `rebound migrate`"
        )
    try:
        known = current in _known_revisions()
    except CommandError:
        known = False
    if not known:
        return Check(
            "migrations",
            Status.FAIL,
            f"database is at {current}, which this version does not know (head is {head}): "
            "was it migrated by a newer Rebound?",
        )
    return Check(
        "migrations", Status.FAIL, f"behind: at {current}, head is {head}; run `rebound migrate`"
    )


def check_content(settings: Settings) -> Check:
    try:
        content = load_content(default_locale=settings.default_locale)
    except Exception as exc:  # ContentError, YAML or pydantic errors: all mean "will not start"
        return Check("content", Status.FAIL, _describe(exc))
    locales = ", ".join(sorted(content.interface_locales))
    care = sorted(set(content.catalogs) & content.care_only)
    if care:
        locales += f" (care moments also in {', '.join(care)})"
    texts = len(content.all_keys())
    detail = f"{texts} texts valid; locales {locales}; default {settings.default_locale}"
    return Check("content", Status.PASS, detail)


class _ApiError(Exception):
    pass


async def _call(client: httpx.AsyncClient, settings: Settings, token: str, method: str) -> Any:
    """One Bot API call; errors become one readable line (never containing the URL)."""
    try:
        response = await client.post(f"{settings.api_url}/bot{token}/{method}")
    except httpx.HTTPError as exc:
        raise _ApiError(f"cannot reach {settings.api_url}: {_describe(exc)}") from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _ApiError(f"{settings.api_url} answered HTTP {response.status_code}, not the Bot API")
    if not body.get("ok"):
        code = body.get("error_code", response.status_code)
        reason = body.get("description", "no description")
        hint = " (is the token right?)" if code in (401, 404) else ""
        raise _ApiError(f"{method} refused: {code} {reason}{hint}")
    return body.get("result")


async def check_telegram(settings: Settings, *, offline: bool, timeout: float) -> list[Check]:
    """The token line (getMe), what the bot sees in groups (getMe's flags) and the webhook
    line (getWebhookInfo)."""
    token = _token(settings)
    if token is None:
        return [
            Check("token", Status.FAIL, "REBOUND_BOT_TOKEN not set (get one from @BotFather)"),
            Check("groups", Status.SKIP, "needs a token"),
            Check("webhook", Status.SKIP, "needs a token"),
        ]
    if offline:
        return [
            Check("token", Status.PASS, f"{mask_token(token)} set; getMe skipped (--offline)"),
            Check("groups", Status.SKIP, "getMe skipped (--offline)"),
            Check("webhook", Status.SKIP, "getWebhookInfo skipped (--offline)"),
        ]
    async with httpx.AsyncClient(timeout=timeout) as client:
        try:
            me = await _call(client, settings, token, "getMe")
        except _ApiError as exc:
            return [
                Check("token", Status.FAIL, f"{mask_token(token)}: {exc}"),
                Check("groups", Status.SKIP, "needs a working token"),
                Check("webhook", Status.SKIP, "needs a working token"),
            ]
        who = f"{mask_token(token)} is @{me.get('username')} (id {me.get('id')})"
        token_check = Check("token", Status.PASS, f"{who} via {settings.api_url}")
        try:
            info = await _call(client, settings, token, "getWebhookInfo")
        except _ApiError as exc:
            return [token_check, groups_check(me), Check("webhook", Status.FAIL, str(exc))]
    return [token_check, groups_check(me), webhook_check(settings, info)]


def groups_check(me: dict[str, Any]) -> Check:
    """Privacy mode, from getMe: with it on (BotFather's default) a bot that is not a group's
    admin gets only commands, replies to it and service messages, so the group crisis check
    never sees an ordinary message there."""
    if not me.get("can_join_groups", True):
        return Check(
            "groups", Status.WARN, "can_join_groups false: @BotFather /setjoingroups is off"
        )
    if me.get("can_read_all_group_messages"):
        return Check(
            "groups",
            Status.PASS,
            "can_read_all_group_messages true (privacy mode off): sees every group message",
        )
    return Check(
        "groups",
        Status.WARN,
        "can_read_all_group_messages false (privacy mode on): where Rebound is not an admin it "
        "sees only commands, so the group crisis check sees nothing; make it an admin there, "
        "or turn privacy off in @BotFather and re-add it (deploy/README.md)",
    )


def webhook_check(settings: Settings, info: dict[str, Any]) -> Check:
    """Compare Telegram's webhook with the configured mode; a mismatch is a warning, because
    `rebound run` fixes it on start (setWebhook, or deleteWebhook before polling)."""
    actual = str(info.get("url") or "")
    pending = f"{info.get('pending_update_count', 0)} pending update(s)"
    configured = str(settings.webhook_url) if settings.webhook_url is not None else ""
    if not configured and not actual:
        return Check("webhook", Status.PASS, f"no webhook set (polling mode); {pending}")
    if not configured:
        return Check(
            "webhook",
            Status.WARN,
            f"a webhook is set to {actual} but REBOUND_WEBHOOK_URL is not (polling mode): "
            f"another instance in webhook mode? `rebound run` deletes it; {pending}",
        )
    if not actual:
        return Check(
            "webhook",
            Status.WARN,
            f"no webhook set although REBOUND_WEBHOOK_URL is {configured}: "
            f"`rebound run` sets it on start; {pending}",
        )
    if actual.rstrip("/") != configured.rstrip("/"):
        return Check(
            "webhook",
            Status.WARN,
            f"webhook is {actual} but REBOUND_WEBHOOK_URL is {configured}; {pending}",
        )
    error = info.get("last_error_message")
    if error:
        return Check(
            "webhook",
            Status.WARN,
            f"{actual} set, but Telegram's last delivery failed: {error}; {pending}",
        )
    return Check("webhook", Status.PASS, f"{actual} set; {pending}")


async def run_checks(
    settings: Settings, *, offline: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> list[Check]:
    """Every check, in a fixed order; never raises, whatever state the installation is in."""
    checks = [check_settings(settings)]
    url = settings.effective_database_url
    shown = mask_database_url(url)
    engine: AsyncEngine | None = None
    try:
        missing = _missing_sqlite_file(url)
        if missing is not None:
            checks.append(
                Check(
                    "database",
                    Status.FAIL,
                    f"{shown}: {missing} does not exist; run `rebound migrate` to create it",
                )
            )
        else:
            engine = create_engine(url)
    except Exception as exc:
        checks.append(Check("database", Status.FAIL, f"{shown}: {_describe(exc)}"))
    try:
        if engine is not None:
            checks.append(await check_database(engine, shown, timeout))
        if engine is not None and checks[-1].status is Status.PASS:
            checks.append(await check_migrations(engine, timeout))
        else:
            checks.append(Check("migrations", Status.SKIP, "needs a reachable database"))
    finally:
        if engine is not None:
            await engine.dispose()
    checks.append(check_content(settings))
    checks.extend(await check_telegram(settings, offline=offline, timeout=timeout))
    return checks


# --- output ----------------------------------------------------------------------------------


def format_table(checks: list[Check], secrets: Sequence[str] = ()) -> str:
    """``PASS  database   sqlite+aiosqlite:///data/rebound.db reachable``, one line per check."""
    lines = [f"{c.status.value}  {c.name:<10} {c.detail}".rstrip() for c in checks]
    return redact("\n".join(lines), list(secrets))


def format_settings(settings: Settings) -> str:
    """Every setting as ``REBOUND_NAME=value``, secrets masked (``doctor --verbose``)."""
    lines = []
    for name in type(settings).model_fields:
        value: object = getattr(settings, name)
        if name == "bot_token":
            token = _token(settings)
            shown = mask_token(token) if token else ""
        elif name == "database_url":
            shown = mask_database_url(value) if isinstance(value, str) else ""
        elif name == "webhook_secret":
            shown = "***" if value is not None else ""
        elif isinstance(value, list):
            shown = ",".join(str(item) for item in value)
        else:
            shown = "" if value is None else str(value)
        lines.append(f"REBOUND_{name.upper()}={shown}")
    return redact("\n".join(lines), secrets_of(settings))


def exit_code(checks: list[Check]) -> int:
    return 1 if any(c.status is Status.FAIL for c in checks) else 0


def _describe(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def main(*, offline: bool = False, verbose: bool = False) -> int:
    """Load settings, run every check, print the table; 0 when nothing failed, else 1."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        checks = [Check("settings", Status.FAIL, str(exc))]
        checks += [Check(name, Status.SKIP, "settings did not load") for name in CHECK_NAMES[1:]]
        print(format_table(checks))
        return 1
    checks = asyncio.run(run_checks(settings, offline=offline))
    print(format_table(checks, secrets_of(settings)))
    if verbose:
        print()
        print(format_settings(settings))
    return exit_code(checks)
