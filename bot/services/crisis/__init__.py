"""Crisis detection: words of suicide or self-harm get a caring reply with helplines, in any flow.

``assess(text)`` reads one message and says how worried to be:

- ``crisis``: reply with care and helplines at once. A phrase from ``data/crisis_phrases.yaml``
  (explicit or veiled wording, enough on its own), or a COMBINATION of signals from
  ``data/crisis_signals.yaml`` (C-SSRS categories: means with a plan, intent or preparatory act;
  hopelessness with finality; a burden or a farewell with finality or hopelessness; ...).
- ``unsure``: one weaker sign alone (hopelessness without finality, being a burden, wanting to
  disappear, final arrangements, a farewell without a last word), or, when nothing else fired
  and no guard explained the message's words, a message that reads like the labelled crisis
  messages (``similarity``), or that the learned n-gram model (``learned``, thresholds chosen by
  cross-validation) scores high enough: the bot asks gently "Are you safe right now?".
- ``none``.

``detect(text)`` is the older yes/no: ``matched`` is True for ``crisis`` only, with the language
whose list fired. ``helplines_for(timezone, language_code)`` picks whose helplines to show.

Privacy: the text is only normalised and matched in memory. Nothing here stores, logs or returns
any part of it; results carry a level, category names and a language code.

The package: ``normalise`` (one normaliser for messages and patterns), ``phrases`` (the phrase
lists), ``signals`` (the signal categories and the rules that combine them), ``helplines``
(country from zone or language, maps in ``data/helplines_countries.yaml``), ``care`` (the opt-in
check the next day). The scoring tool is ``python -m bench.crisis``.

In groups the handler answers publicly without repeating the words, at most once per member per
cooldown (`GroupCareLimiter`, in memory).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.crisis import learned, phrases, signals, similarity
from bot.services.crisis.helplines import (
    INTERNATIONAL,
    country_for_language,
    country_for_zone,
    helpline_countries,
    helplines_for,
)
from bot.services.crisis.normalise import MAX_SCAN_CHARS, normalise, spellings
from bot.services.crisis.signals import Level

__all__ = [
    "ASK_SAFE_KEY",
    "GROUP_REPLY_KEY",
    "HELPLINES_SECTION",
    "INTERNATIONAL",
    "MAX_SCAN_CHARS",
    "NEXT_STEPS_KEY",
    "PRIVATE_SUPPORT_KEY",
    "REPLY_KEY",
    "RESUME_KEY",
    "SAFE_KEY",
    "SUPPORT_PAYLOAD",
    "Assessment",
    "CrisisSignal",
    "GroupCareLimiter",
    "Level",
    "assess",
    "country_for_language",
    "country_for_zone",
    "detect",
    "helpline_countries",
    "helplines_for",
    "normalise",
    "warm_up",
]

# Content keys for the handler (content/en/crisis.yaml).
REPLY_KEY = "crisis.reply"  # care, with {helplines}
RESUME_KEY = "crisis.resume"  # after the care reply when a flow is open
NEXT_STEPS_KEY = "crisis.next_steps"  # after the care reply otherwise
ASK_SAFE_KEY = "crisis.ask_safe"  # "unsure": Are you safe right now?
SAFE_KEY = "crisis.safe"  # "I'm safe": a warm acknowledgement
HELPLINES_SECTION = "crisis.helplines"
# In a group: a reply that never repeats the words, with the international directory, and a
# button to t.me/<bot>?start=support, which opens PRIVATE_SUPPORT_KEY (with local helplines).
GROUP_REPLY_KEY = "crisis.group_reply"
PRIVATE_SUPPORT_KEY = "crisis.private_support"
SUPPORT_PAYLOAD = "support"


@dataclass(frozen=True)
class CrisisSignal:
    matched: bool
    language: str | None  # which list fired, e.g. "en"


@dataclass(frozen=True)
class Assessment:
    """How worried to be about one message. ``signals`` names the categories that decided
    ("phrase" when a phrase list fired); never any of the words."""

    level: Level
    language: str | None = None
    signals: frozenset[str] = frozenset()

    @property
    def crisis(self) -> bool:
        return self.level == "crisis"

    @property
    def worrying(self) -> bool:
        """``crisis`` or ``unsure``: the words go no further than the crisis check."""
        return self.level != "none"


NO_SIGNAL = CrisisSignal(matched=False, language=None)
NONE = Assessment("none")
PHRASE = frozenset({"phrase"})


class GroupCareLimiter:
    """At most one crisis reply per member of a group per ``cooldown`` seconds.

    A group is public: a second, third, tenth reply to the same person would put them on show
    and could become a loop. Kept in memory only (nothing about a crisis message is stored);
    after a restart a member may get one more reply, which is the safe side. Keys are
    (chat id, sender id) pairs and expire; the table is pruned so it stays small.
    """

    def __init__(self, cooldown: float = 1800.0, max_entries: int = 10_000) -> None:
        self.cooldown = cooldown
        self.max_entries = max_entries
        self._until: dict[tuple[int, int], float] = {}

    def allow(self, chat_id: int, sender_id: int, now: float) -> bool:
        """True (and the member's quiet period starts) when a reply may be sent now."""
        key = (chat_id, sender_id)
        until = self._until.get(key)
        if until is not None and now < until:
            return False
        if len(self._until) >= self.max_entries:
            self._prune(now)
        self._until[key] = now + self.cooldown
        return True

    def _prune(self, now: float) -> None:
        live = [(key, until) for key, until in self._until.items() if until > now]
        if len(live) >= self.max_entries:  # all still quiet: keep the newest
            live = sorted(live, key=lambda item: item[1])[len(live) - self.max_entries + 1 :]
        self._until = dict(live)

    def __len__(self) -> int:
        return len(self._until)


def warm_up() -> None:
    """Compile the phrase lists and signals now (a fraction of a second), not on a message."""
    spellings()
    phrases.compiled()
    signals.compiled()
    similarity.compiled()
    learned.compiled()


SIMILAR = frozenset({"similar"})
LEARNED = frozenset({"learned"})


def assess_with(
    phrase_rules: phrases.Rules,
    signal_rules: signals.SignalRules,
    text: str,
    model: similarity.Model | None = None,
    learned_model: learned.Model | None = None,
) -> Assessment:
    folded = normalise(text)
    language = phrases.match(phrase_rules, folded)
    if language is not None:
        return Assessment("crisis", language, PHRASE)
    found = signals.find(signal_rules, folded)
    level, rule, found_in = signals.decide(signal_rules, found)
    if level != "none":
        return Assessment(level, found_in, rule)
    # The similarity layer is for what no list names; a message whose crisis words a guard has
    # explained ("a rope for climbing", "sleeping pills on a long flight") is not asked.
    if model is None and learned_model is None:
        return NONE
    guarded = signals.guarded(signal_rules, folded)
    if model is not None and not guarded and similarity.similar(model, folded):
        return Assessment("unsure", None, SIMILAR)
    # The learned tier (n-grams, thresholds chosen by cross-validation): a guard's explanation
    # wins unless the model is surer than its guarded threshold; "crisis" only above its own.
    if learned_model is not None:
        chance = learned.probability(learned_model, folded, cues(found, guarded))
        if chance >= (learned_model.guarded if guarded else learned_model.unsure):
            sure = chance >= learned_model.crisis and not guarded
            return Assessment("crisis" if sure else "unsure", None, LEARNED)
    return NONE


def cues(found: Sequence[signals.Found], guarded: bool) -> frozenset[str]:
    """What the rules saw, for the learned tier: signal categories (never words), and "guard"."""
    return frozenset({f.category for f in found} | ({"guard"} if guarded else set()))


def assess(text: str) -> Assessment:
    """Crisis, unsure or none for one message. Never stores or logs the text."""
    if not isinstance(text, str) or not text:
        return NONE
    return assess_with(
        phrases.compiled(), signals.compiled(), text, similarity.compiled(), learned.compiled()
    )


def detect(text: str) -> CrisisSignal:
    """Does this message express suicidal thoughts or self-harm (level ``crisis``)?"""
    found = assess(text)
    return CrisisSignal(True, found.language) if found.crisis else NO_SIGNAL
