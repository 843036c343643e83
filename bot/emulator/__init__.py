"""A local Telegram Bot API emulator for end-to-end tests and ``rebound demo``.

The real python-telegram-bot Application talks to it over HTTP on loopback exactly as it would to
api.telegram.org, and it answers with Telegram's objects, limits and error messages, so a test
fails here where Telegram would refuse the call.

Where it knowingly differs from Telegram:

- parse_mode MarkdownV2/Markdown is refused with a 400 naming the emulator (Rebound uses HTML);
- webhooks may be plain http, but only to loopback addresses;
- parameters Telegram does not know are accepted, as Telegram does, and listed in
  ``Emulator.warnings``;
- an inline button with more than one action field is refused (the Bot API docs require exactly
  one; the real server quietly picks one);
- URLs in sendDocument/sendPhoto cannot be fetched (no network) and editing inline messages is
  refused, both with a 400; Bot API methods outside ``make_spec_subset.METHODS`` answer
  404 "Not Found: method ... is not emulated";
- editMessageMedia takes photos and documents only (Rebound sends no other media);
- Telegram takes any button label; the emulator also lists the ones a phone would cut off for
  their row's width (``Emulator.cut_labels``), and every tap with whether it was answered in
  time (``Emulator.queries``, ``Emulator.unanswered_queries()``);
- in groups, privacy mode is on (as for new bots): unless it is an administrator, the bot
  only hears commands meant for it (a bare "/cmd" only while it was the last bot to write),
  replies to its own messages and service messages, as core.telegram.org/bots/features lists
  them; a plain "@bot" mention does not reach it (``group_privacy=False`` turns this off).
"""

from bot.emulator.emulator import Emulator
from bot.emulator.faults import Faults
from bot.emulator.html import HtmlError, parse_html
from bot.emulator.models import ApiCall, ApiError, BotMessage, Button, CallbackAnswer, SentFile
from bot.emulator.sim import SimGroup, SimUser
from bot.emulator.updates import UpdateIds

__all__ = [
    "ApiCall",
    "ApiError",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "Emulator",
    "Faults",
    "HtmlError",
    "SentFile",
    "SimGroup",
    "SimUser",
    "UpdateIds",
    "parse_html",
]
