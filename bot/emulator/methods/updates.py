"""Getting updates: long polling, and the webhook settings that exclude it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.emulator.errors import bad_request
from bot.emulator.methods.base import Described, Method
from bot.emulator.state import State
from bot.emulator.updates import Poll, WebhookConfig
from bot.emulator.webhook import LOOPBACK_HOSTS

_SECRET_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


async def get_updates(state: State, params: dict[str, Any], poll: Poll) -> list[dict[str, Any]]:
    """getUpdates needs its connection (``poll``) to tell a hung-up client from a rival poller."""
    state.updates.set_allowed(params.get("allowed_updates"))
    return await state.updates.get_updates(
        offset=params.get("offset"),
        limit=params.get("limit", 100),
        timeout=params.get("timeout", 0),
        poll=poll,
    )


async def set_webhook(state: State, params: dict[str, Any]) -> Any:
    url = params.get("url", "")
    if not url:
        return await delete_webhook(state, params)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
        raise bad_request("bad webhook: the emulator only delivers to http(s) loopback URLs")
    secret = params.get("secret_token")
    if secret is not None and not (1 <= len(secret) <= 256 and set(secret) <= _SECRET_CHARS):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.get("max_connections", 40)
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    if params.get("drop_pending_updates"):
        state.updates.drop_pending()
    state.updates.set_allowed(params.get("allowed_updates"))
    state.updates.webhook = WebhookConfig(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        allowed_updates=params.get("allowed_updates"),
        ip_address=params.get("ip_address"),
    )
    state.webhook.start()
    return Described(True, "Webhook was set")


async def delete_webhook(state: State, params: dict[str, Any]) -> Any:
    if params.get("drop_pending_updates"):
        state.updates.drop_pending()
    if state.updates.webhook is None:
        return Described(True, "Webhook is already deleted")
    state.updates.webhook = None
    await state.webhook.stop()
    return Described(True, "Webhook was deleted")


async def get_webhook_info(state: State, params: dict[str, Any]) -> Any:
    config = state.updates.webhook
    info: dict[str, Any] = {
        "url": config.url if config else "",
        "has_custom_certificate": False,
        "pending_update_count": state.updates.pending_count,
    }
    if config is not None:
        info["max_connections"] = config.max_connections
        if config.ip_address:
            info["ip_address"] = config.ip_address
        if config.allowed_updates is not None:
            info["allowed_updates"] = config.allowed_updates
        if config.last_error_date is not None:
            info["last_error_date"] = config.last_error_date
            info["last_error_message"] = config.last_error_message
    return info


METHODS: dict[str, Method] = {
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
