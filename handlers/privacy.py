"""/privacy (what is kept and why), /export (all of it, as files), /delete (all of it, gone)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import crypto
from bot.render import export_files
from bot.runtime import RuntimeApp
from bot.services import callback_data, privacy
from bot.services.replies import Button, Ref, Say
from handlers import taps
from handlers.turn import Context, Turn, handler, redirected_to_private

ERASE, KEEP = callback_data.WordTap("yes"), callback_data.WordTap("no")


async def show(turn: Turn) -> None:
    if redirected_to_private(turn, "privacy"):
        return
    settings = turn.rt.settings
    encrypted = crypto.cipher().enabled
    turn.say(
        Say(
            "privacy.summary",
            {
                "checkin_period": Ref(
                    "privacy.checkin_period", {"count": settings.checkin_retention_days}
                ),
                "inactive_period": Ref(
                    "privacy.inactive_period", {"count": settings.inactive_purge_days}
                ),
                "encryption": Ref("privacy.encryption." + ("on" if encrypted else "off")),
                "leftovers": Ref("privacy.leftovers." + ("on" if encrypted else "off")),
            },
        )
    )


async def export(turn: Turn) -> None:
    if redirected_to_private(turn, "export"):
        return
    document = await privacy.export(turn.session, turn.person, turn.now)
    # In a worker thread: for a year of daily use building the files is ~13 ms of pure-Python
    # work in one go, which on the event loop held every other chat; in a thread the loop gets
    # the GIL back every few milliseconds (issue 17).
    files = await asyncio.to_thread(export_files, turn.texts, document)
    (json_name, as_json), (md_name, as_markdown) = files
    turn.attach(json_name, as_json)
    turn.attach(md_name, as_markdown, caption=Say("privacy.export_caption"))


async def ask_delete(turn: Turn) -> None:
    if redirected_to_private(turn, "delete"):
        return
    buttons = (
        (Button("privacy.buttons.delete", data=callback_data.DELETE.pack(ERASE)),),
        (Button("privacy.buttons.keep", data=callback_data.DELETE.pack(KEEP)),),
    )
    turn.say(Say("privacy.delete_confirm", buttons=buttons))


@handler
async def on_delete(turn: Turn) -> None:
    tap = taps.read(turn, callback_data.DELETE)
    if tap is None:
        return
    turn.clear_tapped()
    if tap == ERASE:
        await privacy.erase(turn.session, turn.person.id)
        turn.forget_person()
        turn.say(Say("privacy.deleted"))
    else:
        turn.say(Say("privacy.kept"))


async def on_delete_tap(update: Update, context: Context) -> None:
    """The tap's turn commits (and answers) first; then, if it erased, SQLite's write-ahead log
    is emptied, outside any transaction."""
    await on_delete(update, context)
    query = update.callback_query
    if query is not None and callback_data.DELETE.parse(query.data) == ERASE:
        await privacy.checkpoint(context.runtime.engine)


def register(app: RuntimeApp) -> None:
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("privacy", handler(show), filters=fresh))
    app.add_handler(CommandHandler("export", handler(export), filters=fresh))
    app.add_handler(CommandHandler("delete", handler(ask_delete), filters=fresh))
    app.add_handler(CallbackQueryHandler(on_delete_tap, pattern=callback_data.DELETE.pattern))
