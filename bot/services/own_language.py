"""The language a person's own words are in decides the one Rebound writes in, over their
Telegram app's: someone whose app is in English but who writes "hola, me rechazaron otra vez"
from their first message is set up and answered in Spanish, told so in one line, with a button
back to the app's language.

Only the first words written plainly in a language (understanding.language.plainly: never
"ok", "lol" or a place name) decide, once: their language is kept (``User.words_language``),
whether it switched anything or was the app's already, so an English speaker who later writes
"q puedes hacer tu" stays in English, and one message never flips the language back and forth.
Only while nothing has chosen yet (``User.locale`` empty: no choice in /settings), and before
set-up ends or on its first day; never words someone else wrote (a forwarded message), never an
answer to a question that is asked (a city at the time zone question). An explicit choice, in
/settings or by the button back, always wins.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from bot.db.models import User
from bot.services import listening
from bot.services.replies import Button, Say
from bot.services.understanding import language as languages

FIRST_DAY = timedelta(days=1)


def may_switch(user: User, now: datetime) -> bool:
    """Whether typed words may still choose the language: nothing chose it yet, no words were
    plainly in a language before, and these are the first messages (before set-up ends, or on
    its first day)."""
    if user.locale is not None or user.words_language is not None:
        return False
    return user.onboarded_at is None or now - user.onboarded_at <= FIRST_DAY


def switch(user: User, text: str, shown: str, interface: Collection[str]) -> str | None:
    """The interface language ``text`` is plainly written in when it is not ``shown`` (the
    language replies are in now), stored as the person's; None when nothing changes. Words
    plainly in any language are the first that were: their language is kept either way."""
    written = languages.plainly(text)
    if written is None:
        return None
    user.words_language = written  # the first plain words decide, once
    if written == shown or written not in interface:
        return None
    if written == "ru" and languages.hint_language(user.language_code) == "uk":
        return None  # Cyrillic from someone whose app is Ukrainian: never made Russian
    user.locale = written
    return written


def switched(before: str) -> Say:
    """The one line that says so (in the new language), with the way back to ``before``."""
    back = Button(f"settings.language.{before}", data=listening.pack(listening.LANGUAGE, before))
    return Say("listen.language_switched", buttons=((back,),))


def choose(user: User, chosen: str | None, interface: Collection[str]) -> str | None:
    """[English] under that line: the person's explicit choice, stored (no words change it
    after); None for a language the interface does not offer."""
    if chosen not in interface:
        return None
    user.locale = chosen
    return chosen
