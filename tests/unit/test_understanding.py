"""Understanding free text (issue 16, section 1): what a typed message is, in eight languages,
what it names (company, stage), that it never raises or leaks the words, and how well it does
on the labelled sets."""

from __future__ import annotations

import logging
import statistics
import time
from collections import Counter

import pytest
import yaml

from bench import understanding as bench
from bot.services import understanding
from bot.services.reflection import STAGES
from bot.services.understanding import (
    FEELINGS,
    GOOD_NEWS_TOPICS,
    KINDS,
    LANGUAGES,
    QUESTION_TOPICS,
    SOCIAL_TOPICS,
    Reading,
    read,
    stage_of,
)
from bot.services.understanding.lexicon import DATA, STRONG, lexicon


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    understanding.warm_up()


# --- the issue's own examples ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "topic", "company"),
    [
        ("Just got the rejection email from Stripe", "rejection", None, "Stripe"),
        ("this job hunt is killing me lol", "venting", "exhausted", None),
        ("I got an offer!!!", "good_news", "offer", None),
        ("how do I ask for feedback after a rejection?", "question", "feedback", None),
        ("hi", "greeting", "hello", None),
        ("😭😭😭", "venting", "sad", None),
    ],
)
def test_the_issue_table(text: str, kind: str, topic: str | None, company: str | None) -> None:
    reading = read(text, "en")
    assert (reading.kind, reading.topic, reading.company) == (kind, topic, company)


def test_the_issue_in_flow_examples() -> None:
    hurt = read("I have been applying for six months now and this one really hurt…", "en")
    assert hurt.kind == "venting"
    assert hurt.company is None  # not a company name, whatever step it was typed at
    assert read("i can't do this anymore", "en").kind in ("venting", "distress")


# --- the tricky ones ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("I didn't get an offer", {"rejection"}),
        ("didn't get the job :(", {"rejection"}),
        ("didnt get the TD job", {"rejection"}),  # a name between "the" and "job"
        ("didnt get that internship at Shopify", {"rejection"}),
        ("omg shopify just emailed, they want to do a phone screen next week!!", {"good_news"}),
        ("I want to do a phone screen practice", {"unsure", "question"}),
        ("no luck again", {"rejection", "venting"}),
        ("hi, just got rejected by Google", {"rejection"}),
        ("thanks, that helped", {"greeting"}),
        ("hey, rough day", {"venting"}),
        ("rejected again 😭", {"rejection"}),
        ("so tired of this. how do I even ask them for feedback?", {"question"}),
        ("not tired at all, ready for tomorrow", {"unsure", "good_news"}),
        ("the final round went well, but then they said no", {"rejection"}),  # told last
        ("rejected by Stripe last week, but today I got an offer from Acme!", {"good_news"}),
        ("any advice?", {"question"}),  # asking, about nothing named: a question all the same
        ("got rejected again, any tips?", {"question"}),
        ("I will apply later", {"unsure"}),  # "later" ends it, but it is no goodbye
        ("jeden Tag dasselbe", {"unsure"}),  # German "Tag" is a day, not "hello"
        ("yo trabajo en marketing", {"unsure"}),  # Spanish "yo" is "I", not "yo!"
        ("пока нет ответа", {"unsure", "venting", "rejection"}),  # "пока" is "for now" here
        ("no offer yet", {"rejection", "unsure", "venting"}),
        ("Unfortunately, we have decided to move forward with other candidates.", {"rejection"}),
        (
            "Dear Alex,\n\nThank you for your interest in the Backend Engineer position. After "
            "careful consideration, we regret to inform you that we will not be moving forward "
            "with your application at this time.\n\nKind regards,\nThe Talent Team",
            {"rejection"},
        ),
        ("I got an offer after 12 rejections!!", {"good_news"}),
        ("what can you do?", {"question"}),
        ("thanks but they rejected me", {"rejection"}),
        ("I want to kill myself", {"distress"}),
        # a job wished for or missed is no offer, an answer missed no reply (were good news)
        ("I should have a job by now", {"venting"}),
        ("at my age I should have a job by now", {"venting"}),
        ("I'd love to have a job", {"unsure", "venting"}),
        ("I should have heard back by now", {"venting"}),
        ("I'm not employed yet", {"unsure", "venting"}),
        ("finally have a job", {"good_news"}),
        ("I'm employed again!", {"good_news"}),
    ],
)
def test_tricky_messages(text: str, kinds: set[str]) -> None:
    assert read(text, "en").kind in kinds


def test_a_rejection_also_carries_the_feeling_it_was_told_with() -> None:
    reading = read("got rejected by Monzo again, so exhausted", "en")
    assert (reading.kind, reading.company, reading.feeling) == ("rejection", "Monzo", "exhausted")
    venting = read("feeling really low today", "en")
    assert venting.feeling == venting.topic == "sad"


# --- every language, every kind ------------------------------------------------------------------

PER_LANGUAGE = {
    "en": [
        ("they went with someone else", "rejection"),
        ("I'm through to the next round!", "good_news"),
        ("honestly so drained", "venting"),
        ("should I ask for feedback?", "question"),
        ("thank you!", "greeting"),
        ("my dog is asleep", "unsure"),
    ],
    "de": [
        ("Ich habe eine Absage von Bosch bekommen", "rejection"),
        ("Ich hab die Zusage!!", "good_news"),
        ("ich bin total erschöpft", "venting"),
        ("Wie bereite ich mich auf die letzte Runde vor?", "question"),
        ("Hallo!", "greeting"),
        ("Ich gehe einkaufen", "unsure"),
    ],
    "es": [
        ("Me rechazaron en la entrevista final", "rejection"),
        ("¡Me ofrecieron el puesto!", "good_news"),
        ("estoy harto de buscar trabajo", "venting"),
        ("¿Cómo me preparo para la próxima entrevista?", "question"),
        ("muchas gracias", "greeting"),
        ("voy al supermercado", "unsure"),
    ],
    "ru": [
        ("Мне отказали после финального этапа", "rejection"),
        ("Мне сделали оффер!", "good_news"),
        ("я так устал от всего этого", "venting"),
        ("Как попросить обратную связь?", "question"),
        ("Привет!", "greeting"),
        ("иду в магазин", "unsure"),
    ],
    "pt": [
        ("Infelizmente não fui selecionado", "rejection"),
        ("Recebi uma proposta de emprego!", "good_news"),
        ("estou exausta", "venting"),
        ("Como peço feedback?", "question"),
        ("obrigado!", "greeting"),
        ("vou ao mercado", "unsure"),
    ],
    "fr": [
        ("J'ai reçu un refus ce matin", "rejection"),
        ("J'ai eu le poste !", "good_news"),
        ("je suis tellement fatiguée", "venting"),
        ("Comment demander un retour ?", "question"),
        ("Bonjour", "greeting"),
        ("je vais au marché", "unsure"),
    ],
    "uk": [
        ("Мені відмовили після співбесіди", "rejection"),
        ("Мені дали офер!", "good_news"),
        ("я дуже втомилася", "venting"),
        ("Як підготуватися до співбесіди?", "question"),
        ("Дякую!", "greeting"),
        ("йду в магазин", "unsure"),
    ],
    "hi": [
        ("मुझे रिजेक्ट कर दिया गया", "rejection"),
        ("मुझे नौकरी मिल गई!", "good_news"),
        ("मैं बहुत थक गई हूं", "venting"),
        ("फीडबैक कैसे मांगूं?", "question"),
        ("नमस्ते", "greeting"),
        ("मैं बाजार जा रही हूं", "unsure"),
    ],
}


@pytest.mark.parametrize(
    ("lang", "text", "kind"),
    [(lang, text, kind) for lang, cases in PER_LANGUAGE.items() for text, kind in cases],
)
def test_each_language_reads_each_kind(lang: str, text: str, kind: str) -> None:
    reading = read(text, lang)
    assert reading.kind == kind
    assert reading.language == lang


@pytest.mark.parametrize(
    ("text", "hint", "language"),
    [
        ("hi", "en", "en"),  # the model alone says German
        ("hola", "es", "es"),
        ("Ich habe heute leider eine Absage bekommen", "en", "de"),
        ("Just got the rejection email from Stripe", "ru", "en"),
        ("Мені відмовили", None, "uk"),
        ("Мне отказали", None, "ru"),
        ("नमस्ते", "en", "hi"),
        ("😭😭😭", "es", "es"),
        ("👍", None, "en"),
        ("hi", "pt-BR", "pt"),
        ("hi", "xx", "en"),
        ("Привет", "en", "ru"),  # no letter of either's own; the model alone leans Ukrainian
        ("Дякую!", "ru", "uk"),
        ("Hola, ¿qué tal?", "en", "es"),  # too short for the model; ¿ is Spanish only
        ("Grüß dich", "en", "de"),
        ("I was so nervous at the Zürich office", "en", "en"),  # a place, not the language
    ],
)
def test_language_from_script_model_and_hint(text: str, hint: str | None, language: str) -> None:
    assert read(text, hint).language == language


def test_a_language_other_than_the_persons_own_is_still_read() -> None:
    """Telegram says English, the message is Portuguese: the model's guess is tried too."""
    reading = read("fui rejeitada de novo", "en")
    assert (reading.kind, reading.language) == ("rejection", "pt")
    assert read("me rechazaron", "de").kind == "rejection"


def test_clear_says_whether_a_clear_phrase_decided() -> None:
    assert read("Just got the rejection email from Stripe", "en").clear
    assert read("hi", "en").clear
    assert not read("ok", "en").clear  # an acknowledgement, or the answer to a question
    assert not read("meh", "en").clear
    assert not read("Stripe", "en").clear


def test_a_language_mixed_with_english_is_still_read() -> None:
    assert read("got rejected by Siemens, echt frustrierend", "de").kind == "rejection"
    assert read("me rechazaron otra vez, I'm so done", "es").kind == "rejection"
    assert read("offer mil gaya!!", "hi").kind == "good_news"


# --- company and stage -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "company", "stage"),
    [
        ("Just got the rejection email from Stripe", "Stripe", None),
        ("didn't make it past the final round at Acme", "Acme", "final_round"),
        ("Spotify said no", "Spotify", None),
        ("rejected by google after the phone screen", "google", "phone_screen"),
        ("got rejected, heard from them this morning", None, None),
        ("heard back from the recruiter, it's a no", None, None),
        ("rejected at the final round on Friday", None, "final_round"),
        ("no from Goldman Sachs after the technical interview", "Goldman Sachs", "technical"),
        ("Booking.com rejected me", "Booking.com", None),
        ("my Google interview was a no", "Google", None),
        ("failed the take home at AT&T", "AT&T", "technical"),
        ("passed the technical but failed the final round", None, "final_round"),
        ("Absage von Zalando nach dem Telefoninterview", "Zalando", "phone_screen"),
        ("отказ от Яндекса после технического собеседования", "Яндекс", "technical"),
        ("me rechazaron en Mercado Libre", "Mercado Libre", None),
        ("got rejected from stripe", "stripe", None),  # lowercase, after a lead-in, in news
        ("shopify passed after the phone screen", "shopify", "phone_screen"),  # lowercase, first
        ("zalando hat abgesagt", "zalando", None),
        ("яндекс отказал после финала", "яндекс", "final_round"),
        ("time passed so slowly today", None, None),
        ("rejected by email at the last minute", None, None),
        ("how do i get better at behavioral interviews", None, None),  # a question: no guess
    ],
)
def test_company_and_stage(text: str, company: str | None, stage: str | None) -> None:
    reading = read(text, "en")
    assert (reading.company, reading.stage) == (company, stage)


def test_stage_values_are_the_debriefs_stages_and_company_is_capped() -> None:
    reading = read("rejected by " + "A" * 500 + " after the onsite", "en")
    assert reading.stage in STAGES
    assert reading.company is None or len(reading.company) <= 120


# --- robustness and privacy ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t",
        "😭",
        "👍🏽👍🏽",
        "\x00\x01\x02 rejected \x7f",
        "\ud800 broken surrogate",
        "z\u0351\u0361a\u035c\u0322l\u0334g\u0315o\u0489",
        "ﬁnally ｇｏｔ ｔｈｅ ｏｆｆｅｒ",
        "a" * 10_000,
        "rejected " * 2_000,
        "((((((((((((((((((((((((((((((((((((((",
        "?" * 5000,
        "🏳️‍🌈" * 500,
        "\u202eevil rtl\u202c",
        "ab\u200bcd\u200d",
        "Мне отказали, ugh, मुझे रिजेक्ट कर दिया, 😭",
    ],
)
def test_never_raises_on_odd_input(text: str) -> None:
    reading = read(text, "en")
    assert isinstance(reading, Reading)
    assert reading.kind in KINDS
    assert reading.language in LANGUAGES


def test_odd_arguments_do_not_raise() -> None:
    assert read("hi", None).kind == "greeting"
    assert read("hi", "").kind == "greeting"
    assert read(None, "en").kind == "unsure"  # type: ignore[arg-type]


def test_a_long_message_is_read_quickly() -> None:
    text = "Unfortunately we decided to move forward with other candidates. " * 300
    started = time.process_time()  # CPU time: a busy machine slows the wall clock, not this
    assert read(text, "en").kind == "rejection"
    assert time.process_time() - started < 0.5


def test_a_failure_is_logged_without_the_words(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "my secret sentence about Stripe"

    def broken(text: str) -> str:
        raise ValueError(text)

    monkeypatch.setattr(understanding, "normalise", broken)
    with caplog.at_level(logging.ERROR):
        reading = read(secret, "de")
    assert reading == Reading("unsure", "de")
    assert "ValueError" in caplog.text
    assert "secret" not in caplog.text


def test_a_reading_never_carries_the_text() -> None:
    text = "I have been applying for six months now and this one really hurt"
    reading = read(text, "en")
    for value in (reading.topic, reading.company, reading.stage, reading.feeling):
        assert value is None or value not in text or len(value) < 40


# --- the word lists ----------------------------------------------------------------------------

ALLOWED_TOPICS = {
    "rejection": {"other"},
    "good_news": {*GOOD_NEWS_TOPICS, "other"},
    "venting": {*FEELINGS, "other"},
    "question": {*QUESTION_TOPICS, "cue", "opener", "other"},
    "greeting": set(SOCIAL_TOPICS),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_lists_for_every_kind(language: str) -> None:
    lex = lexicon(language)
    assert lex is not None
    raw = yaml.safe_load((DATA / f"{language}.yaml").read_text(encoding="utf-8"))
    for kind, allowed in ALLOWED_TOPICS.items():
        node = raw[kind]
        topics = {"other"} if isinstance(node, list) else set(node)
        assert topics <= allowed, (language, kind, topics - allowed)
        assert any(rule.kind == kind and rule.weight == STRONG for rule in lex.rules), kind
    assert set(raw["stage"]) <= set(STAGES)
    assert lex.negations


# --- the labelled sets -------------------------------------------------------------------------


@pytest.mark.slow
def test_the_tuning_set_covers_every_kind_in_every_language() -> None:
    cases = bench.load_cases(bench.TUNING)
    per = Counter((c.kind, c.lang) for c in cases)
    for kind in KINDS:
        assert sum(n for (k, _), n in per.items() if k == kind) >= 40, kind
        for lang in LANGUAGES:
            assert per[(kind, lang)] >= 1, (kind, lang)


@pytest.mark.slow
def test_accuracy_on_the_tuning_set() -> None:
    result = bench.score(bench.load_cases(bench.TUNING))
    assert result.overall.right / result.overall.total >= 0.95
    for kind, tally in result.by_kind.items():
        assert tally.right / tally.total >= 0.9, kind
    assert result.company.right / result.company.total >= 0.9
    assert result.stage.right / result.stage.total >= 0.9


@pytest.mark.slow
def test_the_second_tuning_file_is_read_right() -> None:
    """Round 4 of issue 16's QA (goodnights, so-so moods, reminders, email signatures): in
    sample, every kind, topic and company as labelled."""
    result = bench.score(bench.load_cases(bench.TUNING_B))
    assert result.overall.right == result.overall.total >= 50
    assert result.topic.right == result.topic.total
    assert result.company.right == result.company.total >= 8


@pytest.mark.slow
def test_the_third_tuning_file_is_read_right() -> None:
    """Round 7 of issue 16's QA (60 messages of a fresh pass as a new user, and the round's
    cases: a repeated no, feedback without a no, ideas, bugs, praise, loneliness)."""
    result = bench.score(bench.load_cases(bench.TUNING_C))
    assert result.overall.right == result.overall.total >= 90
    assert result.topic.right == result.topic.total
    assert result.company.right == result.company.total >= 10


HELD_OUT_FLOOR = 0.83  # measured 0.866 (322/372) on 2026-12-06; the crisis check decides distress


@pytest.mark.slow
def test_accuracy_on_the_held_out_set() -> None:
    """Written by someone who never saw the word lists; scored here, never tuned on."""
    if not bench.HELDOUT.exists():
        pytest.skip(f"{bench.HELDOUT.name} is not there yet")
    result = bench.score(bench.load_cases(bench.HELDOUT))
    assert result.overall.right / result.overall.total >= HELD_OUT_FLOOR


@pytest.mark.slow
def test_median_time_per_message() -> None:
    """The issue's bound is a 1 ms median; this generous bound only catches a blow-up on a
    shared machine (bench.understanding reports the real figure)."""
    texts = [case.text for case in bench.load_cases(bench.TUNING)]
    timings = []
    for text in texts:
        started = time.perf_counter()
        read(text, "en")
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.005


@pytest.mark.parametrize(
    ("text", "hint", "kind", "topic"),
    [
        # Everyday phrasings found by trying the bot as a person would (Spain's perfect tense,
        # the standard German rejection line, a qualified "failure").
        ("me acaban de rechazar en Telefónica", "es", "rejection", None),
        ("¡Me han ofrecido el puesto!", "es", "good_news", "offer"),
        ("Sie haben sich für jemand anderen entschieden", "de", "rejection", None),
        ("I feel like a total failure", "en", "venting", "self_doubt"),
        # The lead's demo run of 2026-12-07 (2nd session): "I'm in" is good news only alone
        # ("I'm in!"), never "I'm in a bad place" (was celebrated) nor "I'm in Manchester";
        # a wish to talk about the no is a question about what to do after one.
        ("i'm in a bad place", "en", "venting", "sad"),
        ("im in a really dark place rn", "en", "venting", "sad"),
        ("I'm in!!", "en", "good_news", None),
        ("I'm in Manchester", "en", "unsure", None),
        ("not now, can we just talk about the rejection?", "en", "question", "after_no"),
        ("i want to talk about what happened", "en", "question", "after_no"),
        ("I want to talk about my interview tomorrow", "en", "question", "prepare"),
        ("können wir über die Absage reden?", "de", "question", "after_no"),
        ("quiero hablar del rechazo", "es", "question", "after_no"),
        ("давай поговорим о том что случилось", "ru", "question", "after_no"),
        # "thanks." opening a rough day is not a thank-you (was: "Happy to help 🌱")
        (
            "thanks. honestly today was rough, the recruiter didn't even give a reason",
            "en",
            "venting",
            "frustrated",
        ),
        ("this week has been brutal", "en", "venting", "sad"),
        # "can you help" asks what the bot does, unless it names what with
        ("can you help me prepare? it's on thursday", "en", "question", "prepare"),
        ("can you help me?", "en", "question", "bot"),
        # An interview question to get ready for (a layoff), not feedback to ask for
        (
            "ugh they're going to ask why i got laid off, what do i even say",
            "en",
            "question",
            "gap",
        ),
        ("should i ask them why i was rejected", "en", "question", "feedback"),
        # Doing badly is a feeling about oneself until they say no (listen11's demo run: it
        # was read as a rejection)
        ("I bombed the technical interview", "en", "venting", "self_doubt"),
        ("tanked the final round lol", "en", "venting", "self_doubt"),
        ("i bombed the interview and they let me know today", "en", "rejection", None),
        ("I failed the technical test", "en", "rejection", None),
    ],
)
def test_common_phrasings_found_in_use(text: str, hint: str, kind: str, topic: str | None) -> None:
    reading = read(text, hint)
    assert (reading.kind, reading.topic) == (kind, topic)


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("мне отказали в Яндексе", "Яндекс"),  # a reply can say "Яндекс", not "с Яндексе"
        ("Мне пришёл отказ от Сбера", "Сбер"),
        ("отказ из Альфа-Банка", "Альфа-Банк"),
        ("меня не взяли в Авито", "Авито"),  # does not decline
        ("отказали в МТС", "МТС"),
        ("Яндекс отказал", "Яндекс"),  # already as it is called
        ("мені відмовили в Монобанку", "Монобанк"),
    ],
)
def test_a_declined_company_name_is_given_as_it_is_called(text: str, company: str) -> None:
    assert read(text, "ru").company == company


# --- QA round 2: shapes people typed that were misread (fresh wording, every shipped language) -


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("sure", "en"),
        ("yeah", "en"),
        ("👌", "en"),
        ("nah", "en"),
        ("claro", "es"),
        ("jajaja", "es"),
        ("no", "es"),
        ("genau", "de"),
        ("jo", "de"),
        ("nein", "de"),
        ("ладно", "ru"),
        ("нет", "ru"),
        ("понятно", "ru"),
    ],
)
def test_a_short_acknowledgement_is_not_asked_how_the_bot_is(text: str, hint: str) -> None:
    reading = read(text, hint)
    assert (reading.kind, reading.topic) == ("greeting", "ack")
    assert not reading.clear  # inside a flow it stays the answer typed


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("cheers for nothing, Deliveroo", "en"),
        ("thank you so much 🙃", "en"),
        ("gracias por nada otra vez", "es"),
        ("gracias eh 🙄", "es"),
        ("danke für gar nichts", "de"),
        ("vielen Dank 🙃", "de"),
        ("спасибо за ничего, Озон", "ru"),
        ("ну спасибо", "ru"),
    ],
)
def test_sarcastic_thanks_are_frustration_not_thanks(text: str, hint: str) -> None:
    reading = read(text, hint)
    assert (reading.kind, reading.topic) == ("venting", "frustrated")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("thank you, that helped", "en"),
        ("gracias, me ayudó", "es"),
        ("danke, hat mir geholfen", "de"),
    ],
)
def test_sincere_thanks_are_still_thanks(text: str, hint: str) -> None:
    assert (read(text, hint).kind, read(text, hint).topic) == ("greeting", "thanks")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("the hiring manager ghosted me after three rounds", "en"),
        ("they went quiet after the take-home", "en"),
        ("still no reply from anyone", "en"),
        ("tras la entrevista final dejaron de contestar", "es"),
        ("sigo sin respuesta", "es"),
        ("nach dem Interview nie wieder gemeldet", "de"),
        ("bis heute keine Rückmeldung", "de"),
        ("после второго этапа перестали писать", "ru"),
        ("по-прежнему нет ответа", "ru"),
    ],
)
def test_silence_and_ghosting_are_frustration_never_good_news(text: str, hint: str) -> None:
    reading = read(text, hint)
    assert (reading.kind, reading.topic) == ("venting", "frustrated")


@pytest.mark.parametrize(
    ("text", "hint", "topic"),
    [
        ("i'm really not okay", "en", "sad"),
        ("why even keep applying at all", "en", "sad"),
        ("no ando nada bien", "es", "sad"),
        ("para qué sigo buscando", "es", "sad"),
        ("mir geht es gar nicht gut", "de", "sad"),
        ("wozu das alles noch", "de", "sad"),
        ("мне очень нехорошо", "ru", "sad"),
        ("не понимаю зачем я вообще ищу", "ru", "sad"),
        ("was it my fault?", "en", "self_doubt"),
        ("¿será mi culpa?", "es", "self_doubt"),
        ("bin ich das Problem?", "de", "self_doubt"),
        ("наверное, я сама виновата", "ru", "self_doubt"),
    ],
)
def test_not_ok_hopelessness_and_blame_are_venting(text: str, hint: str, topic: str) -> None:
    reading = read(text, hint)
    assert (reading.kind, reading.topic) == ("venting", topic)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("rejceted by Bolt", "en"),
        ("me rechazraon en la primera entrevista", "es"),
        ("die absgae kam heute", "de"),
        ("снова оказали... то есть отказали", "ru"),  # the right word later still counts
        ("пришёл отказк", "ru"),
    ],
)
def test_a_typo_in_a_rejection_word_is_still_a_rejection(text: str, hint: str) -> None:
    assert read(text, hint).kind == "rejection"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("eine klare Ansage vom Chef", "de"),  # "Ansage" is a word, not a typo of "Absage"
        ("мне оказали помощь", "ru"),  # "оказали" (gave) is not "отказали"
        ("they ejected me from the game lol", "en"),
    ],
)
def test_real_words_near_a_rejection_word_are_not_corrected(text: str, hint: str) -> None:
    assert read(text, hint).kind != "rejection"


@pytest.mark.parametrize(
    ("text", "hint", "company"),
    [
        ("had my final interview with Monzo this afternoon", "en", "Monzo"),
        ("hoy hice la entrevista con Glovo", "es", "Glovo"),
        ("hatte gerade mein Interview bei Celonis", "de", "Celonis"),
        ("вчера было интервью в Т-Банке", "ru", None),
    ],
)
def test_an_interview_that_happened_is_good_news(text: str, hint: str, company: str | None) -> None:
    reading = read(text, hint)
    assert (reading.kind, reading.topic) == ("good_news", "interviewed")
    if company:
        assert reading.company == company


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("so what do you even do", "en"),
        ("а вы что умеете?", "ru"),
        ("чем ты вообще занимаешься?", "ru"),
    ],
)
def test_asking_what_the_bot_does(text: str, hint: str) -> None:
    assert (read(text, hint).kind, read(text, hint).topic) == ("question", "bot")


def test_a_mention_of_the_bot_does_not_make_a_message_english() -> None:
    """In a group "@rebound_bot спасибо" is Russian: the username's Latin letters are no clue."""
    assert read("@rebound_bot спасибо", "en").language == "ru"
    assert read("@rebound_bot danke dir!", "en").language == "de"


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        # The way there told in a sentence at "How far did you get?" (the lead's demo run: it
        # got "Please tap one of the buttons"); the furthest stage named is the one kept.
        ("i did a take home and then one call with the manager", "technical"),
        ("a call with the hiring manager", "first_interview"),
        ("got to the final round and they still said no, im gutted", "final_round"),
        ("I have been applying for six months now and this one really hurt", None),
    ],
)
def test_a_stage_told_in_a_sentence(text: str, stage: str | None) -> None:
    assert stage_of(text, "en") == stage
