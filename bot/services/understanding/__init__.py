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

How a message is read (each step has its own module):

1. ``normalise``: one folded form (casefold, no accents, "sooo" -> "so", emoji kept as tokens).
2. ``language``: the script, py3langid and the person's Telegram language (``language_hint``,
   which wins on a word or two, where the model guesses).
3. ``lexicon``: the word lists of that language, the hint's and English (people mix) are each
   matched; a phrase counts 3, a weak hint (``~`` in the file) 1, and a good-news or venting
   phrase right after a negation ("didn't get the offer", "not tired") does not count. The
   language with the strongest reading wins.
4. Deciding: distress first; a question about something the bot helps with next, because the
   person asked: a message that opens like a question ("how", "should I") with any hint of a
   topic, a question mark or "any tips" anywhere with a clear topic, or a plain request for
   advice ("any advice?", "what should I do?", topic or not); then news when a
   clear phrase names it (rejection or good news; when both do, the one told last), so "rejected
   again 😭" is news told with feeling; otherwise the highest score among news, venting, "help"
   and the like without a question word, and greetings, in the order above on a tie ("hi,
   rough day" is venting).
5. A "no" told together with a brighter side is still a rejection, with ``also`` naming that
   side (BRIGHT_SIDES): relief or a close call ("got rejected but honestly relieved", "I was a
   close second") from the lists' ``bright_side``, helpful feedback ("they said no but the
   feedback was useful"), or good news told after it ("rejected by Airbnb but got an interview
   at Spotify": ``elsewhere``, with the good news's topic; an offer told last is good news).
   A "no" told with its reason ("they said I'm overqualified", "went with an internal
   candidate") carries it in ``reason`` (REASONS, from the lists' ``reason``).
   Nerves about an interview that is ahead ("interview tomorrow and I'm freaking out") are
   venting, not an invitation to celebrate.
6. ``extract``: the company and the stage, for news, venting and questions.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from bot.services import crisis, names
from bot.services.understanding import language as _language
from bot.services.understanding.extract import company_in, named_in, role_in, stage_in
from bot.services.understanding.lexicon import BRIGHT_SIDES as _TOLD_SIDES
from bot.services.understanding.lexicon import REASONS, STRONG, Lexicon, lexicon
from bot.services.understanding.normalise import MAX_SCAN_CHARS, fold, normalise

__all__ = [
    "BRIGHT_SIDES",
    "FEELINGS",
    "GOOD_NEWS_TOPICS",
    "KINDS",
    "LANGUAGES",
    "MOOD_WORDS",
    "QUESTION_TOPICS",
    "REASONS",
    "RECIPIENT_WORDS",
    "SOCIAL_TOPICS",
    "Kind",
    "Reading",
    "mood_in",
    "mood_in_clauses",
    "option_named",
    "options_in",
    "progress_in",
    "read",
    "recipient_of",
    "stage_of",
    "warm_up",
    "without_moments",
]

log = logging.getLogger(__name__)

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
# "interviewed": an interview that happened ("had my interview at Booking today").
# "progress": effort made, no news yet ("just applied to 10 jobs today", "sent 5 applications").
# "feedback": feedback told without a no ("they said my system design answer was weak", "the
# recruiter told me to work on my SQL"): something to work on, answered with [Log this feedback].
# "heard_back": they answered, the outcome not told yet ("so I finally heard back from
# Spotify"): asked how it went; listed last, so any outcome told with it wins.
# "declined": their own no to an offer ("I turned down their offer"): their decision, not a
# rejection of them; listed first, so it wins over "offer" where both are named.
GOOD_NEWS_TOPICS = (
    "declined",
    "offer",
    "new_job",
    "next_round",
    "interview",
    "reply",
    "went_well",
    "interviewed",
    "practised",
    "progress",
    "feedback",
    "heard_back",
)
# "new_job": starting it ("first day at the new job tomorrow, scared lol"): after "offer", so an
# offer told with its start date is the offer.
# "practised": getting ready done ("wrote out a STAR story for the conflict question"), effort
# like "progress" (applications sent), cheered as preparation.
EFFORT_TOPICS = ("practised", "progress")
# "so_so": neither good nor bad ("meh", "naja", "bueno pues", "ну такое"), not low. "bias": the
# worry that a no was about who they are ("is it my age?", "weil ich eine Frau bin"); listed first.
FEELINGS = ("bias", "exhausted", "frustrated", "sad", "self_doubt", "anxious", "so_so")
# "remind": a reminder at a time ("can you remind me at 5"), which Rebound answers with the
# daily check-in at the person's own time.
# "pause": a break from the check-ins ("stop messaging me", "pausa dos semanas").
# "resume": the check-ins back after a pause ("ok I'm back, start the check-ins again"): done.
# "talk": a person to talk to ("can I talk to someone?", "мне не с кем поговорить"), answered
# with the honest word that Rebound is a bot that listens, and free lines where people do.
# Listed first: asking for a person wins a tie ("help, I need someone to talk to").
# "plan_feedback", "plan_prepare": a plan told, not asked ("I should ask for feedback", "mujhe
# feedback maangna chahiye", "kal interview ki practice karunga"): acknowledged, with the action
# that fits; listed before "feedback" and "prepare", whose words they hold (the patterns are told
# plans only: "how do I ask for feedback?" stays a question).
# "idea", "bug": about the bot itself ("can you add reminders on weekends?", "found a bug: the
# button did nothing"), before "remind" so an idea about reminders is an idea.
QUESTION_TOPICS = (
    "talk",
    "vent",
    "idea",
    "bug",
    "plan_feedback",
    "plan_prepare",
    "feedback",
    "follow_up",
    "silence",
    "career_change",
    "reapply",
    "network",
    "after_no",
    "practice",
    "intro",
    "weakness",
    "salary",
    "gap",
    "prepare",
    "bot",
    "resume",
    "pause",
    "settings",
    "language",
    "remind",
)
# "settings" ("how do i change my checkin time"): /settings, the check-in time a tap away.
# "language" ("can you speak spanish?"): the languages, and the language question a tap away.
# "intro", "weakness", "salary", "gap": how to answer one interview question ("tell me about
# yourself", "your biggest weakness", salary expectations, a gap or a layoff); before "prepare",
# so a question naming one gets the answer to that one.
# "practice": no one to practise with ("i don't have anyone to do a mock interview with"), or how
# to practise alone: a need, not a question in form; before "prepare", whose words it holds.
# "vent": asking to let it out ("can I just vent?", "kann ich erstmal einfach nur reden?"):
# answered "go ahead, I'm listening", no task; after "talk" (a person to talk to) on a tie.
# Topics that are a question even when not asked as one ("help", "I just need to talk", and
# a plan told: "mujhe feedback maangna chahiye", "kal interview ki practice karunga").
_REQUESTS = (
    "talk",
    "vent",
    "idea",
    "bug",
    "bot",
    "pause",
    "resume",
    "remind",
    "plan_feedback",
    "plan_prepare",
    "practice",
    "silence",
    "career_change",
    "network",
    "settings",
    "language",
)
# "silence" (told, not asked: "the recruiter hasn't replied in 2 weeks"): waiting, and when to
# follow up. "career_change" ("i think i need to change careers"): a big decision for a calmer
# day, tested small. "reapply": whether to apply to the same company again. "network" ("everyone
# says network but i don't know anyone"): two people, one small question each.
# "ack": a short acknowledgement ("ok", "no", "👍"), not a question about how the bot is.
# "at_bot": lashing out at the bot ("you're useless", "du bist nutzlos"); listed first, so a
# hello in the same message does not hide it. "praise": kind words about the bot ("this bot is
# great"), before "hello" so "hi, love this bot" is praise; "thanks, so helpful" stays thanks (two
# clear phrases to one).
SOCIAL_TOPICS = ("at_bot", "praise", "hello", "thanks", "bye", "small_talk", "ack")
# The brighter side of a "no" (Reading.also): relief, a close call, helpful feedback, good news
# from elsewhere told after it.
BRIGHT_SIDES = (*_TOLD_SIDES, "feedback", "elsewhere")
# Languages read (the crisis detector's, which include every locale Rebound ships or plans).
LANGUAGES = ("en", "de", "es", "ru", "pt", "fr", "uk", "hi")


@dataclass(frozen=True)
class Reading:
    """What a message is. ``company`` is as the person wrote it (trimmed, <= 120 chars);
    ``stage`` is one of bot.services.reflection.STAGES; ``language`` one of LANGUAGES (the
    language of the text, else the hint, else "en"). ``feeling`` is one of FEELINGS when the
    message also voices one but is read as something else ("rejected again, so tired" is a
    rejection with feeling "exhausted"); for venting it equals ``topic``. ``clear`` is True
    when a clear phrase decided the kind, False when only weak hints did ("meh", "ok",
    "rejections"): inside a flow, an unclear reading is better taken as the answer typed.
    ``also`` is one of BRIGHT_SIDES for a rejection told with a brighter side (for
    ``elsewhere``, ``topic`` is the good news's); ``ahead`` is True when the message puts an
    interview in the future ("tomorrow"); ``unknown`` when the whole message says the person
    does not know or remember ("idk", "no me acuerdo", "keine Ahnung", "не помню"), which
    skips a question that can be skipped. ``reason`` is one of REASONS for a rejection told
    with why ("they said I'm too junior"); ``again`` is True for a rejection told as one more
    of several ("rejected again", "otra vez me rechazaron", "schon wieder", "опять отказ")."""

    kind: Kind
    language: str = "en"
    topic: str | None = None
    company: str | None = None
    stage: str | None = None
    feeling: str | None = None
    clear: bool = False
    also: str | None = None
    ahead: bool = False
    unknown: bool = False
    reason: str | None = None
    again: bool = False


# Kinds whose phrases a negation just before them cancels ("not tired", "no offer yet").
_NEGATABLE = frozenset({"good_news", "venting"})
_NEWS = frozenset({"rejection", "good_news"})
_SIBLINGS = {"ru": "uk", "uk": "ru"}
_CLAUSE_END = frozenset({".", "?", "!"})
_NEGATION_REACH = 3  # words looked at before a phrase
_ORDER: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
# Which facts a kind carries.
_WITH_FACTS = frozenset({"rejection", "good_news", "venting", "question"})

Scores = dict[str, dict[str | None, int]]
# Where in the text the last clear phrase of a kind starts: when a message tells both a "no"
# and good news, the later one is how things stand ("the final went well, but they said no").
_LAST = "_last"


def _negated(text: str, start: int, lex: Lexicon) -> bool:
    before = text[max(0, start - 60) : start].split()
    for word in reversed(before[-_NEGATION_REACH:]):
        if word in _CLAUSE_END or word in lex.clause_breaks:
            return False
        if word in lex.negations:
            return True
    return False


def _not_news(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Where the text talks about rejection or offers without telling the writer's news."""
    if lex.not_news is None:
        return []
    return [(m.start(), m.end()) for m in lex.not_news.finditer(text)]


def _about_bot(text: str, lex: Lexicon, topic: str) -> list[tuple[int, int]]:
    """Where the text speaks of the bot: lashing out ("you're useless", ``at_bot``), where a
    feeling word inside is not the writer's own, or praise ("este bot es genial", ``praise``),
    where a good-news word inside is no news of theirs."""
    return [
        (m.start(), m.end())
        for rule in lex.rules
        if rule.kind == "greeting" and rule.topic == topic
        for m in rule.pattern.finditer(text)
    ]


def _scores(text: str, lex: Lexicon, weak: bool) -> Scores:
    """Each kind's topics and their points; ``weak`` False skips the weak entries (for a list
    of another language than the text's, where a short word like "no" means something else)."""
    scores: Scores = {}
    text = lex.corrected(text)
    others = _not_news(text, lex)
    at_bot = _about_bot(text, lex, "at_bot")
    praise = _about_bot(text, lex, "praise")
    for rule in lex.rules:
        if rule.weight < STRONG and not weak:
            continue
        for match in rule.pattern.finditer(text):
            if rule.kind in _NEGATABLE and _negated(text, match.start(), lex):
                continue
            if rule.kind in _NEWS and any(a <= match.start() < b for a, b in others):
                continue  # "a book about rejection", "my friend got rejected": not their news
            if rule.kind == "venting" and any(a <= match.start() < b for a, b in at_bot):
                continue  # "du bist nutzlos", "eres inútil": about the bot, not themselves
            if (rule.kind == "good_news" or rule.topic == "bot") and any(
                a <= match.start() < b for a, b in praise
            ):
                continue  # "este bot es genial": kind words about the bot, not news or a question
            topics = scores.setdefault(rule.kind, {})
            topics[rule.topic] = topics.get(rule.topic, 0) + rule.weight
            if rule.weight >= STRONG:
                last = scores.setdefault(_LAST, {})
                last[rule.kind] = max(last.get(rule.kind, -1), match.start())
    return scores


def _best_topic(topics: dict[str | None, int], allowed: tuple[str, ...]) -> str | None:
    """The topic with the most clear phrases; on a tie, the one listed first in ``allowed``
    (weak hints only break a tie between topics that have none)."""
    named = [
        (score // STRONG, -allowed.index(t), score, t)
        for t, score in topics.items()
        if t in allowed and score
    ]
    return max(named)[3] if named else None


def _decide(scores: Scores) -> tuple[tuple[int, int], Kind, str | None]:
    """(strength, kind, topic) for one language's scores; strength compares languages."""
    total = {kind: sum(topics.values()) for kind, topics in scores.items() if kind != _LAST}
    last = scores.get(_LAST, {})
    questions = dict(scores.get("question", {}))
    cue = questions.pop("cue", 0)
    opener = questions.pop("opener", 0)
    asks = questions.pop(None, 0)  # "any advice?", "what should I do?": asking, topic or not
    topic = _best_topic(questions, QUESTION_TOPICS)
    if topic and ((cue and questions[topic] >= STRONG) or opener):
        return (3, cue + opener + questions[topic]), "question", topic
    if asks >= STRONG:
        return (3, asks + (questions[topic] if topic else 0)), "question", topic
    news = max(total.get("rejection", 0), total.get("good_news", 0))
    if scores.get("good_news", {}).get("declined", 0) >= STRONG:
        # "Ich habe ihr Angebot abgelehnt", "я отказался от оффера": their own no to an offer,
        # told with the very word a "no" from them would use; the phrase says whose it was.
        return (2, news), "good_news", "declined"
    if news >= STRONG:
        kind: Kind = "rejection" if total.get("rejection", 0) >= news else "good_news"
        if "rejection" in last and "good_news" in last:  # both told clearly: the later one
            kind = "rejection" if last["rejection"] >= last["good_news"] else "good_news"
            if _best_topic(scores.get("good_news", {}), GOOD_NEWS_TOPICS) is None:
                kind = "rejection"  # "3 rechazos en un día. genial todo": no news, sarcasm
        return (2, news), kind, _best_topic(scores.get(kind, {}), GOOD_NEWS_TOPICS)
    # Without any question form only a request is a question ("help", "remind me at 5").
    requested = [(questions.get(t, 0), -i, t) for i, t in enumerate(_REQUESTS)]
    score, _, named = max(requested)
    if named == "talk" and score >= STRONG:
        # Loneliness said plainly ("I feel so alone", "мне не с кем поговорить") is answered
        # with someone to talk to, even where a sad word ties with it.
        return (1, score + total.get("venting", 0)), "question", named
    total["question"], topic = (score, named) if score >= STRONG else (0, topic)
    candidates = [(score, -_ORDER[k], k) for k, score in total.items() if score > 0]
    if not candidates:
        return (0, 0), "unsure", None
    score, _, best = max(candidates)
    chosen: Kind = best  # type: ignore[assignment]
    allowed = {
        "good_news": GOOD_NEWS_TOPICS,
        "venting": FEELINGS,
        "question": QUESTION_TOPICS,
        "greeting": SOCIAL_TOPICS,
    }.get(chosen, ())
    found = _best_topic(scores.get(chosen, {}), allowed)
    if chosen == "greeting" and found is None:
        found = "small_talk"
    return (1, score), chosen, found


def _read(text: str, language_hint: str | None, distress: bool | None = None) -> Reading:
    language, guess = _language.detect_with_guess(text, language_hint)
    if crisis.detect(text).matched if distress is None else distress:
        return Reading("distress", language, clear=True)
    normal = normalise(text)
    # Weak hints count only in the text's language and the person's own; the model's unsure
    # guess and English (people mix) are tried for clear phrases.
    own = {language, _language.hint_language(language_hint) or language}
    # Russian and Ukrainian share a script and many words, and the model mistakes one for the
    # other on a few words ("я так втомився"): the sibling's lists are tried too.
    sibling = _SIBLINGS.get(language)
    order = dict.fromkeys([language, *sorted(own), "en", guess, *([sibling] if sibling else [])])
    lexicons = [lex for code in order if (lex := lexicon(code)) is not None]
    best: tuple[tuple[int, int], Kind, str | None, Scores] = ((0, 0), "unsure", None, {})
    hinted = _language.hint_language(language_hint)
    for lex in lexicons:
        scores = _scores(normal, lex, weak=lex.language in own)
        strength, kind, topic = _decide(scores)
        if strength > best[0]:
            best = (strength, kind, topic, scores)
            if lex.language in (guess, sibling) and lex.language not in own:
                language = lex.language  # read where the text's and the hint's lists did not
            elif lex.language == hinted and hinted != language and hinted != "en":
                # Read by the person's own lists where the model's language read nothing: "цей
                # бот класний" from someone with Ukrainian Telegram is Ukrainian, not Russian.
                language = hinted
    (tier, score), kind, topic, scores = best
    clear = tier >= 2 or score >= STRONG
    if sibling is not None and language != sibling:  # its names and endings are not the text's
        lexicons = [lex for lex in lexicons if lex.language != sibling]
    if kind not in _WITH_FACTS:
        return Reading(kind, language, topic, clear=clear, unknown=_unknown(normal, lexicons))
    feeling = topic if kind == "venting" else _best_topic(scores.get("venting", {}), FEELINGS)
    ahead = any(lex.ahead is not None and lex.ahead.search(normal) for lex in lexicons)
    also = None
    declined = kind == "good_news" and topic == "declined"
    if kind in ("rejection", "good_news") and not declined and "rejection" in scores.get(_LAST, {}):
        also, good = _brighter_side(normal, lexicons, scores)
        if also is not None:
            kind, topic = "rejection", good
    elif kind == "good_news" and topic in _AHEAD_NEWS and _anxious(scores):
        kind, topic, feeling = "venting", "anxious", "anxious"  # "interview tomorrow, so nervous"
    return Reading(
        kind,
        language,
        topic,
        company=company_in(text, lexicons, lowercase=kind in ("rejection", "good_news")),
        stage=stage_in(normal, lexicons),
        feeling=feeling,
        clear=clear,
        also=also,
        ahead=ahead,
        reason=_reason(normal, lexicons) if kind == "rejection" else None,
        again=kind == "rejection" and _again(normal, lexicons),
    )


def _again(normal: str, lexicons: list[Lexicon]) -> bool:
    """The "no" is told as one more of several ("another no", "опять отказ")."""
    return any(
        lex.again is not None and lex.again.search(lex.corrected(normal)) for lex in lexicons
    )


def _reason(normal: str, lexicons: list[Lexicon]) -> str | None:
    """The reason a "no" was given, as the message tells it (the first found)."""
    for lex in lexicons:
        text = lex.corrected(normal)
        for rule in lex.reasons:
            if rule.pattern.search(text) and rule.topic in REASONS:
                return rule.topic
    return None


# Good news of something still to come, which nerves can outweigh.
_AHEAD_NEWS = frozenset({"interview", "next_round"})
# Good news told after a "no" that is news of its own, not part of the story of the no (an offer
# told last outweighs the no: it is good news, as before).
_ELSEWHERE = frozenset({"interview", "next_round"})


def _unknown(normal: str, lexicons: list[Lexicon]) -> bool:
    """The whole message says the person does not know or remember ("idk", "хз")."""
    return any(
        lex.dont_know is not None and lex.dont_know.search(lex.corrected(normal))
        for lex in lexicons
    )


def _anxious(scores: Scores) -> bool:
    return scores.get("venting", {}).get("anxious", 0) >= STRONG


def _brighter_side(
    normal: str, lexicons: list[Lexicon], scores: Scores
) -> tuple[str | None, str | None]:
    """(BRIGHT_SIDES entry, good-news topic) of a message that clearly tells a "no"."""
    for lex in lexicons:
        text = lex.corrected(normal)
        for rule in lex.bright:
            for match in rule.pattern.finditer(text):
                if not _negated(text, match.start(), lex):
                    return rule.topic, None
    last = scores.get(_LAST, {})
    if "good_news" not in last:
        return None, None
    good = _best_topic(scores.get("good_news", {}), GOOD_NEWS_TOPICS)
    if good == "reply":  # helpful feedback is a brighter side; criticism told with a no is not
        return "feedback", None
    if good in _ELSEWHERE and last["good_news"] > last["rejection"]:
        return "elsewhere", good
    return None, None


def read(text: str, language_hint: str | None = None, *, distress: bool | None = None) -> Reading:
    """What ``text`` is (see the module docstring). ``distress``: whether the crisis check
    found a crisis in it, when the caller has run it already (the gate before every private
    message, handlers.gatekeeping); None to run it here. Never raises: on a bug it logs the
    error's type (never the text) and answers ``unsure``."""
    try:
        return _read(text if isinstance(text, str) else "", language_hint, distress)
    except Exception as exc:  # a reply must still go out; the words are never logged
        log.error("understanding failed: %s", type(exc).__name__)
        return Reading("unsure", _language.hint_language(language_hint) or "en")


# A check-in answered in words is short: "not great tbh", "ganz gut eigentlich", "так себе".
MOOD_WORDS = 6
# A mood as a number: "3", "3/5", "4 out of 5", "2 из 5".
_MOOD_NUMBER = re.compile(r"([1-5])(?: (?:\S+ ){0,2}5)?(?: [.!])*")


def mood_in(text: str, language_hint: str | None = None) -> int | None:
    """The mood (1-5) a short message gives, when it is read as the answer to "how are you
    today?" (the caller knows a check-in question is waiting): a number, a mood face, or the
    words of the lists' ``mood`` (the longest match wins: "not great" over "great"). None when
    the message is long or names no mood. Crisis words are the caller's to check first."""
    normal = normalise(text if isinstance(text, str) else "")
    if not normal or len(normal.split()) > MOOD_WORDS:
        return None
    number = _MOOD_NUMBER.fullmatch(normal)
    if number:
        return int(number.group(1))
    found: list[tuple[int, int, int]] = []  # (start, end, mood)
    for lex in _short_answer_lists(text, language_hint):
        corrected = lex.corrected(normal)
        for mood, pattern in lex.moods:
            found += [(m.start(), m.end(), mood) for m in pattern.finditer(corrected)]
    # A match inside a longer one gives way to it ("not great" over "great"); what is left
    # naming both a low and a good day is a mixed one ("better than yesterday but still sad").
    said = [
        (s, e, mood)
        for s, e, mood in found
        if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, _ in found)
    ]
    return _one_mood([mood for _, _, mood in sorted(said, key=lambda m: (m[0] - m[1], m[0]))])


def _one_mood(moods: list[int]) -> int | None:
    """The first mood named (the longest phrase first), or 3 when both a low (1-2) and a good
    (4-5) one are."""
    if not moods:
        return None
    return MIXED_MOOD if min(moods) <= 2 and max(moods) >= 4 else moods[0]


MIXED_MOOD = 3


_CLAUSE_MARKS = frozenset({".", "?", "!", ",", ";", ":", "-", "–", "—", "…"})


def mood_in_clauses(text: str, language_hint: str | None = None) -> int | None:
    """The mood (1-5) of the first clause that names one, in a message too long for
    :func:`mood_in` ("honestly still a bit raw about zalando but I applied to two more places
    today": 2); 3 when the clauses name both a low and a good day. Clauses end at punctuation
    and at the lists' ``but`` words; a clause longer than ``MOOD_WORDS`` names none."""
    moods = [mood_in(" ".join(clause), language_hint) for clause in _clauses(text, language_hint)]
    return _one_mood([mood for mood in moods if mood is not None])


def _clauses(text: str, language_hint: str | None) -> Iterator[list[str]]:
    """The message's clauses (normalised words; none empty), ending at punctuation and at the
    lists' ``but`` words."""
    normal = normalise(text if isinstance(text, str) else "")
    lists = _short_answer_lists(text, language_hint)
    breaks = set().union(*(lex.clause_breaks for lex in lists)) | _CLAUSE_MARKS
    clause: list[str] = []
    for word in [*normal.split(), "."]:
        if word not in breaks:
            clause.append(word)
        elif clause:
            yield clause
            clause = []


def progress_in(text: str, language_hint: str | None = None, whole: Reading | None = None) -> bool:
    """Whether the message, or one of its clauses, tells effort made (good news ``progress``):
    "honestly still a bit raw about zalando but I applied to two more places today" tells a
    mood in its first clause and effort in its second. Clauses end as in
    :func:`mood_in_clauses`. ``whole``: the message's reading, where the caller has it (it is
    not read, nor checked for a crisis, again)."""
    whole = read(text, language_hint) if whole is None else whole
    if whole.kind == "good_news" and whole.topic in EFFORT_TOPICS:
        return True
    if whole.kind == "distress":
        return False
    for clause in _clauses(text, language_hint):
        if len(clause) > 1:
            part = read(" ".join(clause), whole.language)
            if part.kind == "good_news" and part.topic in EFFORT_TOPICS:
                return True
    return False


def without_moments(text: str, language_hint: str | None = None) -> str | None:
    """``text`` (normalised) with what it tells happened in an interview cut out ("I froze when
    they asked about salary"; see the lists' ``moment``), to read what is left; None when it
    tells no such moment."""
    normal = normalise(text if isinstance(text, str) else "")
    rest, found = normal, False
    for lex in _short_answer_lists(text, language_hint):
        if lex.moments is not None:
            rest, cuts = lex.moments.subn(" ", lex.corrected(rest))
            found = found or cuts > 0
    return " ".join(rest.split()) if found else None


def stage_of(text: str, language_hint: str | None = None) -> str | None:
    """The stage a short typed answer names ("phone screen", "la final", "финал", "i did a take
    home and then one call with the manager"), whatever else the message reads as; None for a
    long one or none named."""
    normal = normalise(text if isinstance(text, str) else "")
    if not normal or len(normal.split()) > STAGE_WORDS:
        return None
    return stage_in(normal, _short_answer_lists(text, language_hint))


# "did a take home and then one call with the manager": the way there, told in a sentence.
STAGE_WORDS = 16
# "the hiring manager, her name is Julia Becker": who, then perhaps a word more about them.
RECIPIENT_WORDS = 12


# A name told in a clause of its own beside whom to write is at most this many words.
NAME_WORDS = 3
_NAME_CLAUSES = re.compile(r"[,.;:!?\n()]+|\s[-–—]\s")


def name_with(text: str, language_hint: str | None = None) -> str | None:
    """A person's name told with whom a feedback request goes to ("the hiring manager, priya",
    "HR, her name is Julia Becker"), as typed: the first clause after the one naming them that
    is only a name (a lead-in such as "her name is" dropped), never a word the lists know as
    no name ("she was really nice"), a hello or thanks, or "not sure"."""
    if not isinstance(text, str) or recipient_of(text, language_hint) is None:
        return None
    lexicons = _short_answer_lists(text, language_hint)
    not_names = frozenset().union(*(lex.not_names for lex in lexicons))
    clauses = [c.strip() for c in _NAME_CLAUSES.split(text[:MAX_SCAN_CHARS]) if c.strip()]
    for clause in clauses[1:]:
        name = names.clean_name(clause)
        words = name.split()
        if not 1 <= len(words) <= NAME_WORDS or recipient_of(clause, language_hint):
            continue
        if not all(w.replace("-", "").replace("'", "").isalpha() for w in words):
            continue
        if any(fold(w) in not_names for w in words) or read(name, language_hint).kind != "unsure":
            continue
        if any(lex.dont_know and lex.dont_know.search(normalise(name)) for lex in lexicons):
            continue
        return name
    return None


def recipient_of(text: str, language_hint: str | None = None) -> str | None:
    """Whom a feedback request goes to, as a short typed answer names them ("the hiring
    manager", "el reclutador", "Personalabteilung", "эйчар"): the one named first (the longer
    words where two start together: "recruitment agency"); None for a
    long message or none named."""
    normal = normalise(text if isinstance(text, str) else "")
    if not normal or len(normal.split()) > RECIPIENT_WORDS:
        return None
    first: tuple[int, int, str] | None = None  # (start, -length, recipient)
    for lex in _short_answer_lists(text, language_hint):
        corrected = lex.corrected(normal)
        for who, pattern in lex.recipients:
            match = pattern.search(corrected)
            if match is None:
                continue
            found = (match.start(), match.start() - match.end(), who)
            first = found if first is None or found[:2] < first[:2] else first
    return first[2] if first else None


def option_named(step: str, text: str, language_hint: str | None = None) -> str | None:
    """The button of tap question ``step`` that a short typed answer names ("sure" at "Shall we
    set up?", "every day is fine", "auf Deutsch bitte"; see the lists' ``choice``); None for a
    long message, none named, or two named ("sure, later": better asked again)."""
    normal = normalise(text if isinstance(text, str) else "")
    if not normal or len(normal.split()) > RECIPIENT_WORDS:
        return None
    named: set[str] = set()
    tried = _short_answer_lists(text, language_hint)
    for lex in tried:
        corrected = lex.corrected(normal)
        named.update(value for value, words in lex.choices.get(step, ()) if words.search(corrected))
    if not named:
        # A word or two is often too short to tell its language ("sí, vale" reads as English to
        # the model): the other languages' lists, when none of those named a button.
        for code in LANGUAGES:
            other = lexicon(code)
            if other is None or any(other is seen for seen in tried):
                continue
            corrected = other.corrected(normal)
            named.update(v for v, words in other.choices.get(step, ()) if words.search(corrected))
    return named.pop() if len(named) == 1 else None


# A note typed at a multi-select question is read for the options it names up to this long.
OPTIONS_WORDS = 40


@dataclass(frozen=True)
class OptionsTold:
    """The options of a multi-select question that typed words name (``values``, in the order
    first named), and how many words are left once those are cut out (``rest``): a few ("the
    rapport was good") say nothing more; many are a note of their own."""

    values: tuple[str, ...]
    rest: int


def options_in(step: str, text: str, language_hint: str | None = None) -> OptionsTold:
    """Every option of multi-select question ``step`` the words name ("we really clicked and
    my examples landed" at "What went well?": rapport, examples; see the lists' ``choice``),
    one not named after a negation ("I wasn't prepared"). Nothing for a long message."""
    normal = normalise(text if isinstance(text, str) else "")
    words = len([w for w in normal.split() if any(c.isalnum() for c in w)])
    if not normal or words > OPTIONS_WORDS:
        return OptionsTold((), words)
    found: dict[str, tuple[int, int]] = {}
    for lex in _short_answer_lists(text, language_hint):
        corrected = lex.corrected(normal)
        for value, pattern in lex.choices.get(step, ()):
            if value in found:
                continue
            for match in pattern.finditer(corrected):
                if not _negated(corrected, match.start(), lex):
                    found[value] = (match.start(), match.end())
                    break
        if found:  # the first list that names any (the text's language, then the person's)
            cut = corrected
            for start, end in sorted(found.values(), reverse=True):
                cut = cut[:start] + " " + cut[end:]
            rest = len([w for w in cut.split() if any(c.isalnum() for c in w)])
            ordered = sorted(found, key=lambda v: found[v])
            return OptionsTold(tuple(ordered), rest)
    return OptionsTold((), words)


# "the Shopify one. PM role": a few words naming which job the news just told was about.
DETAILS_WORDS = 12


@dataclass(frozen=True)
class Details:
    """Which job news was about, told in a message of its own: the company and the job title
    as typed, the stage one of bot.services.reflection.STAGES. At least one is set."""

    company: str | None = None
    role: str | None = None
    stage: str | None = None


def details_of(text: str, language_hint: str | None = None) -> Details | None:
    """The company, job title and stage a short message names, when it reads as nothing else
    ("the Shopify one. PM role", "bei Zalando, Produktmanager", "в Яндексе, на позицию
    аналитика"): said right after news, it tells which job that was. None for a long
    message or one that names none of them. The caller checks that news came just before."""
    text = text if isinstance(text, str) else ""
    normal = normalise(text)
    if not normal or len(normal.split()) > DETAILS_WORDS:
        return None
    lexicons = _short_answer_lists(text, language_hint)
    role = role_in(text, lexicons)
    stage = stage_in(normal, lexicons)
    company = company_in(text, lexicons, lowercase=False)
    company = company or named_in(text, lexicons, lone=bool(role or stage))
    if company and role and fold(role).startswith(fold(company) + " "):
        role = role[len(company) + 1 :]  # "the Shopify PM role": Shopify is the company
    if company and role and fold(role).endswith(" " + fold(company)):
        kept = role.split()[: -len(company.split()) - 1]  # "Produktmanager bei Zalando"
        role = " ".join(kept) or None
    if company and role and fold(company) == fold(role):
        company = None
    if not (company or role or stage):
        return None
    return Details(company, role, stage)


def _short_answer_lists(text: str, language_hint: str | None) -> list[Lexicon]:
    """The lists a short answer is read with: its language's, the person's, English."""
    language = _language.detect(text, language_hint)
    codes = dict.fromkeys([language, _language.hint_language(language_hint) or language, "en"])
    return [lex for code in codes if (lex := lexicon(code)) is not None]


def warm_up() -> None:
    """Load word lists and the language model now, not on someone's first message."""
    _language.warm_up()
    crisis.warm_up()
    for code in LANGUAGES:
        lexicon(code)
