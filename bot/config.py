"""Settings for Rebound, read from ``REBOUND_*`` environment variables and an optional ``.env``.

Nothing here runs at import time: call :func:`load_settings` (the CLI does) so that a bad value
stops start-up with one clear line instead of a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org"
# setWebhook's secret_token: "1-256 characters. Only characters A-Z, a-z, 0-9, _ and - are allowed."
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it and is fit to print as is."""


class Settings(BaseSettings):
    """Everything configurable about one Rebound process."""

    model_config = SettingsConfigDict(
        env_prefix="REBOUND_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather (needed by `rebound run`)."
    )
    api_url: str = Field(
        default=TELEGRAM_API_URL,
        description="Bot API server root; requests go to {api_url}/bot{token}/{method}.",
    )
    data_dir: Path = Field(default=Path("data"), description="Where the default SQLite file lives.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL; default sqlite+aiosqlite:///{data_dir}/rebound.db.",
    )
    encryption_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated Fernet keys; the first encrypts free text at rest.",
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated Telegram user ids of bot operators."
    )
    default_locale: str = Field(default="en", description="Locale used when a user's is missing.")
    webhook_url: AnyHttpUrl | None = Field(
        default=None, description="Public HTTPS URL; when set, `rebound run` uses a webhook."
    )
    webhook_listen: str = Field(default="127.0.0.1", description="Address the webhook binds to.")
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="Webhook port.")
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; unset, one is "
        "derived from the token (webhook mode never runs without one).",
    )
    webapp_url: AnyHttpUrl | None = Field(
        default=None,
        description="Public HTTPS URL of the Mini App's /app/ (proxied to the health port, or "
        "the webhook port in webhook mode); when set, the app is served and opened from the "
        "chat's menu button and the /plan, /history, /stats and summary card buttons.",
    )
    health_listen: str = Field(
        default="127.0.0.1", description="Address REBOUND_HEALTH_PORT binds to."
    )
    health_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Port for /healthz and /metrics (the only place they are served; the "
        "webhook port serves the webhook path alone); unset = not served.",
    )
    max_concurrent_updates: int = Field(
        default=16,
        ge=1,
        le=256,
        description="Chats handled side by side (one chat stays in order).",
    )
    send_pacing: bool = Field(
        default=True,
        description="Pace messages to Telegram's flood limits (per chat and overall); turn off "
        "only against a Bot API without them (tests that emulate none).",
    )
    nudge_repeat_days: int = Field(
        default=14, ge=1, le=365, description="Days before the same nudge may be offered again."
    )
    checkin_retention_days: int = Field(
        default=365, ge=7, description="Check-in moods older than this are deleted."
    )
    inactive_purge_days: int = Field(
        default=180, ge=1, description="People who blocked the bot are erased after this."
    )
    flood_limit: int = Field(
        default=30, ge=1, description="Messages per person per flood window before slowing down."
    )
    flood_window_seconds: float = Field(default=10.0, gt=0, description="The flood window.")
    group_edit_gap_seconds: float = Field(
        default=6.0,
        gt=0,
        description=(
            "A group's check-in counts are edited at most this often (6: half of Telegram's"
            " 20 messages a minute per group, the other half for replies)."
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Logging level."
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="`json` writes one JSON object per log line."
    )
    shutdown_timeout_seconds: float = Field(
        default=25.0,
        gt=0,
        description="On SIGTERM, how long in-flight updates may take to finish.",
    )

    @field_validator("admin_ids", "encryption_keys", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(
                "Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - only "
                "(try: openssl rand -hex 32)"
            )
        return value

    @field_validator("webapp_url")
    @classmethod
    def _check_webapp_url(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        """Telegram opens Mini Apps over HTTPS only (setChatMenuButton refuses anything else)."""
        if value is not None and value.scheme != "https":
            raise ValueError("must be an https:// URL (Telegram opens Mini Apps over HTTPS only)")
        return value

    @field_validator("api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        """Checked here, where a bad value is one line naming the setting: the first Bot API
        call would otherwise fail with a traceback quoting the URL, token and all."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - reading it checks it (0-65535)
        except ValueError as exc:
            raise ValueError(f"not a valid URL ({exc})") from None
        if not parts.hostname:
            raise ValueError("has no host")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("must be a plain server root, such as https://api.telegram.org")
        if any(ch.isspace() for ch in value):
            raise ValueError("must not contain spaces")
        return value.rstrip("/")

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or an SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'rebound.db'}"

    @field_validator("encryption_keys")
    @classmethod
    def _check_keys(cls, keys: list[SecretStr]) -> list[SecretStr]:
        from cryptography.fernet import Fernet

        for key in keys:
            try:
                Fernet(key.get_secret_value().encode())
            except ValueError:
                raise ValueError(
                    "each key must be a Fernet key (rebound new-key makes one)"
                ) from None
        return keys

    def key_values(self) -> list[str]:
        return [key.get_secret_value() for key in self.encryption_keys]

    def webhook_secret_value(self, token: str) -> str:
        """The secret Telegram must send with every webhook update: REBOUND_WEBHOOK_SECRET, or
        when it is unset one derived from the token (HMAC-SHA256). Webhook mode never runs
        without a secret. Derived rather than random so that every instance behind one URL, and
        every restart, registers the same one (a random one per process would lock the others
        out); nobody can compute it without the token, and a new token gives a new secret."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        return hmac.new(token.encode(), b"rebound webhook secret", hashlib.sha256).hexdigest()

    def token_value(self) -> str:
        """The bot token, or a clear error when `rebound run` has none."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise SettingsError(
                "REBOUND_BOT_TOKEN is not set: get a token from @BotFather "
                "(or try `make demo`, which needs none)."
            )
        return self.bot_token.get_secret_value().strip()


def load_settings(**overrides: object) -> Settings:
    """Read settings; turn pydantic's report into one line naming the first bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "REBOUND_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"Invalid setting {name}: {first['msg']}") from None
