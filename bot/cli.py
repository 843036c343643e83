"""``rebound run | demo | migrate | doctor | backup | …``: the entry points people type."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import current_revision, upgrade

log = logging.getLogger("rebound")
# At INFO/DEBUG these would print request bodies or SQL parameters, i.e. what people wrote.
NOISY_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram",
    "apscheduler",
    "tornado.access",
    "aiosqlite",
    "sqlalchemy",
    "asyncpg",
)


def configure_logging(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the exception, if any).
    Only the fields Rebound itself writes; log calls never carry what people typed."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            # MaskSecrets leaves the masked traceback in exc_text; use it, as logging does.
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


class MaskSecrets(logging.Filter):
    """Replaces secrets (the bot token appears in Bot API URLs and some errors) in every record:
    its message, its traceback and its stack."""

    _formatter = logging.Formatter()

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = sorted((s for s in secrets if s), key=len, reverse=True)

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: the traceback is formatted once, here.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


def mask_secrets(*secrets: str) -> None:
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskSecrets(*secrets))


def cmd_run(settings: Settings) -> int:
    from bot.serve import serve

    token = settings.token_value()
    return asyncio.run(serve(settings, token))


def cmd_backup(settings: Settings, target: Path | None) -> int:
    from bot.backup import BackupError, backup_sqlite

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    try:
        written = backup_sqlite(settings.effective_database_url, target, stamp)
    except BackupError as exc:
        print(f"rebound: {exc}", file=sys.stderr)
        return 2
    print(f"backup written to {written}")
    return 0


async def _migrate(settings: Settings) -> str | None:
    from bot import crypto

    crypto.configure(settings.key_values())  # a migration may rewrite encrypted values
    engine = create_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        return await current_revision(engine)
    finally:
        await engine.dispose()


def cmd_migrate(settings: Settings) -> int:
    revision = asyncio.run(_migrate(settings))
    print(f"database is at revision {revision}")
    return 0


async def _rotate(settings: Settings) -> int:
    from bot import crypto
    from bot.services.encryption import rotate_all

    crypto.configure(settings.key_values())
    engine = create_engine(settings.effective_database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            return await rotate_all(session)
    finally:
        await engine.dispose()


def cmd_rotate_keys(settings: Settings) -> int:
    if not settings.encryption_keys:
        raise SettingsError("REBOUND_ENCRYPTION_KEYS is not set: nothing to encrypt with")
    print(f"re-encrypted {asyncio.run(_rotate(settings))} values with the first key")
    return 0


def cmd_demo(settings: Settings, fresh: bool) -> int:
    from bot.demo import demo_settings, run_demo

    return asyncio.run(run_demo(demo_settings(settings, fresh=fresh)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rebound", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot against Telegram (needs REBOUND_BOT_TOKEN)")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal, no token needed")
    demo.add_argument("--fresh", action="store_true", help="start from an empty demo database")
    sub.add_parser("migrate", help="bring the database schema up to date")
    backup = sub.add_parser("backup", help="copy the SQLite database safely while the bot runs")
    backup.add_argument("target", nargs="?", type=Path, help="file or folder (default: data dir)")
    sub.add_parser("new-key", help="print a new encryption key for REBOUND_ENCRYPTION_KEYS")
    sub.add_parser("rotate-keys", help="re-encrypt stored free text with the first key")
    doctor = sub.add_parser("doctor", help="check settings, database, content, token and webhook")
    doctor.add_argument("--offline", action="store_true", help="skip getMe and getWebhookInfo")
    doctor.add_argument("-v", "--verbose", action="store_true", help="also list every setting")
    args = parser.parse_args(argv)
    if args.command == "doctor":  # loads settings itself: a bad one is a FAIL line, not exit 2
        from bot.doctor import main as doctor_main

        configure_logging("WARNING")
        return doctor_main(offline=args.offline, verbose=args.verbose)
    try:
        settings = load_settings()
        level = settings.log_level if args.command == "run" else "WARNING"
        configure_logging(level, settings.log_format)
        if settings.bot_token is not None and (token := settings.bot_token.get_secret_value()):
            mask_secrets(token.strip(), settings.webhook_secret_value(token.strip()))
        if args.command == "run":
            return cmd_run(settings)
        if args.command == "demo":
            return cmd_demo(settings, args.fresh)
        if args.command == "new-key":
            from bot.crypto import new_key

            print(new_key())
            return 0
        if args.command == "rotate-keys":
            return cmd_rotate_keys(settings)
        if args.command == "backup":
            return cmd_backup(settings, args.target)
        return cmd_migrate(settings)
    except SettingsError as exc:
        print(f"rebound: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        # Through the log, not Python's own traceback printer: the log masks the token.
        log.critical("rebound %s stopped by an unexpected error", args.command, exc_info=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
