"""Care moments in every language the crisis detector reads (issue 16 §2/§4): French,
Portuguese, Hindi and Ukrainian have the crisis reply and all that follows it, and the answer to
"can I talk to someone?", but no interface. Those catalogues are care-only (bot.content
CARE_ONLY_LOCALES): never offered, never anyone's interface, used only for a care text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import (
    CARE_ONLY_LOCALES,
    INTERFACE_LOCALES,
    ContentError,
    Markup,
    Texts,
    is_care_key,
    load_content,
    placeholders,
)
from bot.render import Renderer
from bot.services import listening
from bot.services.callback_data import CARE, CareTap
from bot.services.crisis import care
from bot.services.onboarding import LANGUAGES
from bot.services.replies import Button, Ref, Say
from bot.services.understanding import Reading

CONTENT = load_content()
ENGLISH = CONTENT.catalogs["en"].texts
NEW = ("fr", "pt", "hi", "uk")
# Every care text English has; the helplines of other countries stay English (only the
# sections where each language is spoken are translated: test_crisis_content.TRANSLATED).
CARE_TEXTS = sorted(
    k
    for k in ENGLISH
    if is_care_key(k) and not k.startswith(("crisis.helplines.", "crisis.talk_lines."))
)
# Words that may stay as they are: names and a number.
SAME_AS_ENGLISH = {"crisis.helplines.INTL", "crisis.talk_lines.INTL"}


def care_texts(locale: str) -> Texts:
    """A care-only language's texts (CONTENT.texts(locale) would give the interface's)."""
    return Texts(CONTENT, locale)


def test_the_new_languages_are_care_only_and_no_others() -> None:
    assert set(CARE_ONLY_LOCALES) == set(NEW)
    assert set(CONTENT.catalogs) == set(INTERFACE_LOCALES) | set(CARE_ONLY_LOCALES)
    assert CONTENT.interface_locales == INTERFACE_LOCALES == LANGUAGES
    assert CARE_TEXTS, "no care texts found"
    # the messages of a care moment are among them
    for key in ("crisis.reply", "crisis.ask_safe", "crisis.buttons.safe", "listen.question.talk"):
        assert key in CARE_TEXTS


@pytest.mark.parametrize("locale", NEW)
def test_every_care_text_is_written_with_as_many_versions(locale: str) -> None:
    own = CONTENT.catalogs[locale].texts
    missing = [k for k in CARE_TEXTS if len(own.get(k, ())) != len(ENGLISH[k])]
    assert missing == []
    untranslated = [k for k in CARE_TEXTS if own[k] == ENGLISH[k] and k not in SAME_AS_ENGLISH]
    assert untranslated == []


@pytest.mark.parametrize("locale", NEW)
@pytest.mark.parametrize("key", CARE_TEXTS)
def test_every_care_text_renders_in_the_language(locale: str, key: str) -> None:
    """Each version renders with English's parameters, in the language's own catalogue."""
    texts = care_texts(locale)
    params: dict[str, object] = {
        name: Markup("<b>LINES</b>") if name in ("helplines", "directory") else "10:00"
        for name in placeholders(ENGLISH[key][0])
    }
    for variant in range(texts.count(key)):
        text = texts(key, variant=variant, **params)
        assert text == text.strip() and text
        assert text != CONTENT.texts("en")(key, variant=variant, **params)
        for value in params.values():
            assert str(value) in text
    assert CONTENT.catalog(key, locale).locale == locale


def test_hindi_is_written_in_devanagari_and_ukrainian_in_cyrillic() -> None:
    def share(text: str, low: int, high: int) -> float:
        letters = [c for c in text if c.isalpha()]
        return sum(low <= ord(c) <= high for c in letters) / len(letters)

    for key in ("crisis.reply", "crisis.ask_safe", "listen.question.talk"):
        for text in CONTENT.catalogs["hi"].texts[key]:
            assert share(text.replace("{helplines}", ""), 0x0900, 0x097F) > 0.9, key
        for text in CONTENT.catalogs["uk"].texts[key]:
            assert share(text.replace("{helplines}", ""), 0x0400, 0x04FF) > 0.9, key
            assert not set(text) & set("ыэъё"), key  # Russian letters, not Ukrainian


def test_a_care_only_language_is_never_an_interface() -> None:
    for code in (*NEW, "pt-BR", "uk-UA", "hi-IN", "fr-CA"):
        assert CONTENT.resolve_locale(code) == "en"
        assert CONTENT.texts(code).locale == "en"
    assert CONTENT.care_locale("uk") == "uk"
    assert CONTENT.care_locale("pt-BR") == "pt"
    assert CONTENT.care_locale("hi-IN") == "hi"
    assert CONTENT.care_locale("ru") == "ru"
    assert CONTENT.care_locale("ja") == "en"


def test_a_reply_in_a_care_only_language_is_that_language_only_for_a_care_text() -> None:
    assert (texts := CONTENT.reply_texts("uk", "crisis.reply")) is not None
    assert texts.locale == "uk"
    assert CONTENT.reply_texts("pt-BR", "listen.question.talk").locale == "pt"  # type: ignore[union-attr]
    # Not a care text: the reader's own language stays (None), never English forced on a
    # Russian reader because they wrote a line of French.
    assert CONTENT.reply_texts("uk", "listen.venting.general") is None
    assert CONTENT.reply_texts("fr", "settings.summary") is None
    # Interface languages as before.
    assert CONTENT.reply_texts("ru", "listen.venting.general").locale == "ru"  # type: ignore[union-attr]
    assert CONTENT.reply_texts("ja", "crisis.reply").locale == "en"  # type: ignore[union-attr]


def test_the_renderer_keeps_the_interface_for_anything_but_a_care_text() -> None:
    english = Renderer(CONTENT.texts("en"))
    russian = Renderer(CONTENT.texts("ru"))
    venting = Say(
        "listen.venting.general",
        buttons=((Button("listen.buttons.check_in", data="x"),),),
        variant=0,
    )
    for renderer in (english, russian):
        as_is = renderer.messages([venting])
        for code in NEW:
            assert renderer.messages([Say(**{**venting.__dict__, "locale": code})]) == as_is
    talk = Say(
        "listen.question.talk",
        {"helplines": Ref("crisis.talk_lines.UA")},
        buttons=((Button("listen.buttons.vent", data="v"),),),
        variant=0,
        locale="uk",
    )
    [message] = english.messages([talk])
    uk = care_texts("uk")
    assert message.text.startswith(uk("listen.question.talk", variant=0, helplines="X")[:40])
    assert uk("crisis.talk_lines.UA", variant=0) in message.text
    assert message.markup is not None
    assert message.markup.inline_keyboard[0][0].text == uk("listen.buttons.vent", variant=0)


def test_a_care_only_catalogue_with_an_interface_text_does_not_load(tmp_path: Path) -> None:
    for locale, text in (("en", "hello: Hi\ncrisis:\n  reply: Care\n"), ("uk", "hello: Привіт\n")):
        (tmp_path / locale).mkdir()
        (tmp_path / locale / "x.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=r"uk: x\.hello is not a care text"):
        load_content(tmp_path)


def test_the_care_language_follows_the_words_then_the_person() -> None:
    assert care.care_locale(None, "uk", CONTENT) == "uk"  # a tap, a scheduled check
    assert care.care_locale(None, "pt-BR", CONTENT) == "pt"
    assert care.care_locale(None, "en", CONTENT) is None  # the interface's own
    assert care.care_locale(None, "ru", CONTENT) is None
    hindi = "मैं अब और जीना नहीं चाहता, सब ख़त्म करना चाहता हूँ"
    ukrainian = "я більше не хочу жити, хочу покінчити з собою"
    assert care.care_locale(hindi, "en", CONTENT) == "hi"
    assert care.care_locale(ukrainian, "uk", CONTENT) == "uk"
    assert care.care_locale(ukrainian, "en", CONTENT) == "uk"
    assert care.care_locale(ukrainian, "ru", CONTENT) == "uk"
    # English words from a Ukrainian Telegram: answered in English, as written.
    assert care.care_locale("I want to end my life", "uk", CONTENT) is None


def test_care_buttons_carry_the_language_and_only_that() -> None:
    for action in ("safe", "notsafe", "notnow", "pause", "tomorrow", "resume"):
        data = CARE.pack(CareTap(action, "hi"))
        assert data == f"cr:2:{action}:hi"
        assert CARE.parse(data) == CareTap(action, "hi")  # type: ignore[arg-type]
    assert CARE.parse("cr:2:safe") == CareTap("safe")  # buttons sent before still work
    assert CARE.parse("cr:2:day:better") == CareTap("day", "better")
    assert CARE.parse("cr:2:day:hi") is None
    assert CARE.parse("cr:2:safe:better") is None
    assert CARE.parse("cr:2:safe:xx") is None
    [[safe, not_safe]] = care.safety_buttons("uk")
    assert (safe.data, not_safe.data) == ("cr:2:safe:uk", "cr:2:notsafe:uk")
    assert [b.data for [b] in care.next_step_buttons(None, None, True, "hi")] == [  # type: ignore[arg-type]
        "cr:2:resume:hi",
        "cr:2:notnow:hi",
        "cr:2:tomorrow:hi",
    ]
    assert care.safety_buttons()[0][0].data == "cr:2:safe"


def test_a_tap_is_answered_in_the_language_of_the_message_it_was_under() -> None:
    assert care.tapped_locale(CareTap("safe", "hi"), "en", CONTENT) == "hi"
    assert care.tapped_locale(CareTap("safe", "en"), "en", CONTENT) is None
    assert care.tapped_locale(CareTap("safe"), "uk", CONTENT) == "uk"  # an older button
    assert care.tapped_locale(CareTap("day", "hard"), "uk", CONTENT) == "uk"
    assert care.tapped_locale(CareTap("day", "hard"), "en", CONTENT) is None


def test_the_talk_reply_names_people_to_talk_to_not_the_emergency_number() -> None:
    situation = listening.Situation(onboarded=True)
    asked = Reading("question", topic="talk", clear=True)
    [reply] = listening.respond(asked, situation, None, "UA")
    helplines = reply.params["helplines"]
    assert isinstance(helplines, Ref) and helplines.key == "crisis.talk_lines.UA"
    for locale in ("uk", "ru", "en"):
        text = Renderer(CONTENT.texts("en")).text(replace_locale(reply, locale))
        assert "7333" in text and "112" not in text


def replace_locale(reply: Say, locale: str) -> Say:
    return Say(reply.key, reply.params, reply.buttons, variant=0, locale=locale)
