"""The application factory: wires settings, database, content, clock and handlers together.

Nothing here runs at import time; :func:`build_application` is called by the CLI and tests.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable

from sqlalchemy.orm import configure_mappers
from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    ChatAdministratorRights,
    LinkPreviewOptions,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from bot import crypto
from bot.clock import Clock, SystemClock
from bot.config import Settings, SettingsError
from bot.content import Content, load_content
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import upgrade
from bot.delivery import Delivery
from bot.dispatch import Dispatcher
from bot.intake import InboxPoller, Intake
from bot.rate_limiter import Limits, ReboundRateLimiter
from bot.runtime import Runtime, RuntimeApp, flow_specs
from bot.services import groups, timezones, understanding
from bot.services.flood import FloodGate
from bot.telegram_bot import ReboundBot
from bot.telegram_http import ProxyNotSupported, aiohttp_requests, environment_proxy
from bot.update_processor import ChatOrderedProcessor
from bot.wiring import ReboundApplication, ReboundContext, Wiring
from handlers import register_all, scheduled_kinds

log = logging.getLogger("rebound")


def build_application(
    settings: Settings,
    *,
    token: str,
    clock: Clock | None = None,
    content: Content | None = None,
    migrate: bool = True,
    send_clock: Callable[[], float] = time.monotonic,
) -> ReboundApplication:
    """A ready-to-start Application talking to ``settings.api_url``. ``send_clock`` is the
    seconds clock the rate limiter paces sends by (tests share the emulator's)."""
    crypto.configure(settings.key_values())
    # Work done once per process that would otherwise land on the event loop with the first
    # message or the first scheduled pass (10-30 ms each on a 2-core machine, issue 17): the
    # ORM's mapper configuration and the time-zone tables.
    configure_mappers()
    timezones.warm_up()
    engine = create_engine(settings.effective_database_url)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessions=create_sessionmaker(engine),
        content=content or load_content(default_locale=settings.default_locale),
        clock=clock or SystemClock(),
        flows=flow_specs(),
    )

    async def post_init(app: RuntimeApp) -> None:
        if migrate:
            await upgrade(engine)
        # The crisis signals, the word lists and the language model take a second or more to
        # load (once per process). Loaded in a thread before the first update is taken, so no
        # message waits for them and the event loop never does.
        await asyncio.to_thread(understanding.warm_up)
        await register_commands(app, runtime.content)
        await register_menu_button(app, settings, runtime.content)

    async def post_shutdown(_app: RuntimeApp) -> None:
        await runtime.drawing.close()
        await engine.dispose()

    try:  # HTTPS_PROXY / ALL_PROXY are honoured as PTB's default does; SOCKS stops start-up here
        environment_proxy(settings.api_url)
    except ProxyNotSupported as exc:
        raise SettingsError(str(exc)) from None
    processor = ChatOrderedProcessor(settings.max_concurrent_updates, runtime.metrics)
    # aiohttp instead of PTB's stock httpx: a fifth of the CPU per Bot API call
    # (bot/telegram_http.py has the figures).
    calls, updates = aiohttp_requests()
    bot = ReboundBot(
        token,
        base_url=f"{settings.api_url}/bot",
        base_file_url=f"{settings.api_url}/file/bot",
        defaults=Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)),
        # Paced per chat and overall, replies before scheduled sends (bot/rate_limiter.py).
        rate_limiter=ReboundRateLimiter(
            runtime.metrics,
            limits=Limits() if settings.send_pacing else None,
            max_retries=3,
            clock=send_clock,
        ),
        request=calls,
        get_updates_request=updates,
    )
    app = (
        ApplicationBuilder()
        .application_class(ReboundApplication)
        .context_types(ContextTypes(context=ReboundContext))
        .bot(bot)
        .concurrent_updates(processor)
        .updater(None)  # updates come in through the inbox (bot.intake), never PTB's Updater
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    assert isinstance(app, ReboundApplication)  # application_class above
    intake = Intake(app, runtime)
    processor.after = intake.finish
    app.wiring = Wiring(
        runtime=runtime,
        intake=intake,
        delivery=Delivery(app, runtime),
        dispatcher=Dispatcher(runtime, app.bot, scheduled_kinds()),
        flood_gate=FloodGate(limit=settings.flood_limit, window=settings.flood_window_seconds),
        updates_request=updates,
    )
    register_all(app)
    if app.job_queue is not None:
        app.wiring.dispatcher.schedule(app.job_queue)
        app.wiring.delivery.schedule(app.job_queue)
        app.job_queue.run_repeating(_prune_inbox, interval=3600, first=60, name="inbox-prune")
    return app


async def _prune_inbox(context: ReboundContext) -> None:
    pruned = await context.intake.prune()
    if pruned:
        log.info("inbox: forgot %d updates handled over a day ago", pruned)


async def start_polling(app: ReboundApplication, *, timeout: int = 10) -> InboxPoller:
    """Replay what an earlier run left unhandled, then poll through the inbox."""
    updates = app.wiring.updates_request
    as_sent = updates.take_updates if updates is not None else None
    poller = InboxPoller(app.wiring.intake, timeout=timeout, as_sent=as_sent)
    await poller.start()
    app.wiring.poller = poller
    return poller


async def stop_polling(app: ReboundApplication) -> None:
    poller, app.wiring.poller = app.wiring.poller, None
    if poller is not None:
        await poller.stop()


def telegram_language(locale: str, content: Content) -> str | None:
    """The language_code Telegram files a locale's menus and profile under: "" for the default
    locale, the locale itself if it is a two-letter ISO 639-1 code (Telegram refuses anything
    else, such as "pt-br"), None to skip it."""
    if locale == content.default_locale:
        return ""
    return locale if re.fullmatch(r"[a-z]{2}", locale) else None


async def register_commands(app: RuntimeApp, content: Content) -> None:
    """Publish the command menus for private chats, groups and group admins (who alone see
    /groupsettings), and the bot's profile texts, in every shipped language."""
    for locale in content.interface_locales:  # not the care-only ones: no menus to write
        language = telegram_language(locale, content)
        if language is None:
            log.warning("locale %s: not a two-letter code, so no menus or profile for it", locale)
            continue
        texts = content.texts(locale)
        group = texts.section("commands.group")
        for scope, items in (
            (BotCommandScopeAllPrivateChats(), texts.section("commands.private")),
            (BotCommandScopeAllGroupChats(), group),
            (
                BotCommandScopeAllChatAdministrators(),
                {**group, **texts.section("commands.group_admins")},
            ),
        ):
            commands = [BotCommand(name, text) for name, text in items.items()]
            await app.bot.set_my_commands(commands, scope=scope, language_code=language or None)
        await register_profile(app, content, locale, language)
    await register_admin_rights(app)


async def register_menu_button(app: RuntimeApp, settings: Settings, content: Content) -> None:
    """With REBOUND_WEBAPP_URL set, the chat's menu button opens the Mini App (the default
    button for every private chat; Telegram shows it beside the message field). Unset, the
    button is left as it is."""
    if settings.webapp_url is None:
        return
    label = content.texts(content.default_locale)("webapp.menu_button", variant=0)
    button = MenuButtonWebApp(label, WebAppInfo(str(settings.webapp_url)))
    await app.bot.set_chat_menu_button(menu_button=button)


async def register_admin_rights(app: RuntimeApp) -> None:
    """What Telegram suggests when someone adds the bot to a group as an admin: only being an
    admin (see bot.services.groups.ADMIN_RIGHTS), nothing it would never use."""
    asked = set(groups.ADMIN_RIGHTS)
    rights = ChatAdministratorRights(
        is_anonymous=False,
        can_manage_chat="manage_chat" in asked,
        can_delete_messages="delete_messages" in asked,
        can_manage_video_chats="manage_video_chats" in asked,
        can_restrict_members="restrict_members" in asked,
        can_promote_members="promote_members" in asked,
        can_change_info="change_info" in asked,
        can_invite_users="invite_users" in asked,
        can_post_stories=False,
        can_edit_stories=False,
        can_delete_stories=False,
        can_pin_messages="pin_messages" in asked,
        can_manage_topics="manage_topics" in asked,
    )
    await app.bot.set_my_default_administrator_rights(rights)


async def register_profile(app: RuntimeApp, content: Content, locale: str, language: str) -> None:
    """The description ("What can this bot do?") and the short one, from content/*/profile.yaml.
    Other locales only set what they translate; the default covers everyone else."""
    own = content.catalogs[locale].texts
    if language == "" or "profile.description" in own:
        description = content.texts(locale)("profile.description", variant=0)
        await app.bot.set_my_description(description, language_code=language or None)
    if language == "" or "profile.short_description" in own:
        short = content.texts(locale)("profile.short_description", variant=0)
        await app.bot.set_my_short_description(short, language_code=language or None)


async def start_without_runner(app: RuntimeApp) -> None:
    """Initialise and start ``app`` inside an existing event loop (demo, tests).

    ``run_polling``/``run_webhook`` call ``post_init`` themselves; a hand-driven Application
    must do it, or migrations and the command menus would be skipped.
    """
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()


async def stop_without_runner(app: ReboundApplication) -> None:
    """The mirror of :func:`start_without_runner`; stops polling first if it runs."""
    await stop_polling(app)
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


async def settle(app: RuntimeApp, fetched: int) -> None:
    """Wait until ``app`` has finished handling ``fetched`` updates (demo and tests)."""
    processor = app.update_processor
    assert isinstance(processor, ChatOrderedProcessor)
    await processor.wait_for(fetched)
