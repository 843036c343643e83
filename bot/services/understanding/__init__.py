"""Understanding free text: what a message a person typed *is*, and what it names.

``read(text, language_hint)`` returns a :class:`Reading`. It runs on every typed message that
is not a command, in and out of flows, so it must stay cheap (median <= 1 ms) and never
raise. It touches no database and no Telegram type, and it never stores, logs or returns the
text itself, only the category and the few facts picked up (company, stage, topic).

Categories (``Reading.kind``), checked in this order:

- ``distress``: words of crisis or self-harm (bot.services.crisis decides); always first.
- ``rejection``: news of a "no" ("they went with another candidate", a pasted
  "Unfortunately we have decided..."), with ``company`` and ``stage`` where the text names them.
- ``good_news``: an offer, a next round, an invitation, a helpful reply, "it went well";
  ``topic`` says which (see GOOD_NEWS_TOPICS).
- ``venting``: frustration, exhaustion, self-doubt, crying emoji; not a crisis. ``topic``
  names the feeling where one is clear (see FEELINGS).
- ``question``: something the bot can help with; ``topic`` says what (see QUESTION_TOPICS).
- ``greeting``: hello, thanks, goodbye, small talk; ``topic`` says which (see SOCIAL_TOPICS).
- ``unsure``: none of the above with any confidence.

Word lists and patterns are data, one file per language under ``data/understanding/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["distress", "rejection", "good_news", "venting", "question", "greeting", "unsure"]
KINDS: tuple[Kind, ...] = (
    "distress",
    "rejection",
    "good_news",
    "venting",
    "question",
    "greeting",
    "unsure",
)
# Reading.topic per kind (None when no finer reading is clear):
GOOD_NEWS_TOPICS = ("offer", "next_round", "interview", "reply", "went_well")
FEELINGS = ("exhausted", "frustrated", "sad", "self_doubt", "anxious")
QUESTION_TOPICS = ("feedback", "after_no", "prepare", "bot")
SOCIAL_TOPICS = ("hello", "thanks", "bye", "small_talk")
# Languages read (the crisis detector's, which include every locale Rebound ships or plans).
LANGUAGES = ("en", "de", "es", "ru", "pt", "fr", "uk", "hi")


@dataclass(frozen=True)
class Reading:
    """What a message is. ``company`` is as the person wrote it (trimmed, <= 120 chars);
    ``stage`` is one of bot.services.reflection.STAGES; ``language`` one of LANGUAGES (the
    language of the text, else the hint, else "en")."""

    kind: Kind
    language: str = "en"
    topic: str | None = None
    company: str | None = None
    stage: str | None = None


def read(text: str, language_hint: str | None = None) -> Reading:
    """Read ``text`` (placeholder until the classifier lands: everything is ``unsure``)."""
    return Reading("unsure", (language_hint or "en").split("-")[0].lower())


def warm_up() -> None:
    """Load word lists and the language model now, not on someone's first message."""
