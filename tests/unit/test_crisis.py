"""Crisis detection: a labelled set, odd input, speed, privacy; helplines by place."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.content import Markup, load_content, placeholders
from bot.emulator.html import parse_html
from bot.services import crisis
from bot.services.crisis import (
    GROUP_REPLY_KEY,
    HELPLINES_SECTION,
    INTERNATIONAL,
    PRIVATE_SUPPORT_KEY,
    REPLY_KEY,
    RESUME_KEY,
    CrisisSignal,
    GroupCareLimiter,
    detect,
    helpline_countries,
    helplines_for,
    normalise,
)

CASES = crisis.load_cases()
HELD_OUT_FILE = Path(crisis.CASES).with_name("crisis_cases_heldout.yaml")
HELD_OUT = crisis.load_cases(HELD_OUT_FILE)
LANGUAGES = ("en", "es", "pt", "de", "fr", "ru", "uk")


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    crisis.warm_up()


# --- the labelled set --------------------------------------------------------------------------


def test_labelled_set_is_big_enough_and_covers_the_languages() -> None:
    positives = Counter(c.lang for c in CASES if c.crisis)
    negatives = Counter(c.lang for c in CASES if not c.crisis)
    assert sum(positives.values()) >= 120
    assert sum(negatives.values()) >= 120
    for lang in LANGUAGES:
        assert positives[lang] >= 10, lang
        assert negatives[lang] >= 8, lang
    assert len({c.text for c in CASES}) == len(CASES), "duplicate cases"


def test_precision_and_recall_on_the_labelled_set() -> None:
    result, missed, false_alarms = crisis.score(CASES)
    must_missed = [c.text for c in missed if c.must]
    assert must_missed == [], "explicit wording must always fire"
    assert result.must_recall == 1.0
    assert result.recall >= 0.95, [c.text for c in missed]
    assert result.precision >= 0.95, [c.text for c in false_alarms]


def test_held_out_set_is_separate_and_big_enough() -> None:
    """Written before the lists last changed and never used to tune them (see its header)."""
    assert {c.source for c in HELD_OUT} == {"heldout3"}
    positives = [c for c in HELD_OUT if c.crisis]
    assert sum(c.lang == "en" and not c.must for c in positives) >= 80  # indirect, English
    assert sum(not c.crisis for c in HELD_OUT) >= 120
    for lang in LANGUAGES:
        assert any(c.lang == lang for c in positives), lang
    tuning = {c.text.casefold() for c in CASES}
    assert not [c.text for c in HELD_OUT if c.text.casefold() in tuning]
    assert len({c.text for c in HELD_OUT}) == len(HELD_OUT), "duplicate cases"


def test_held_out_scores_stay_at_least_where_they_were_measured() -> None:
    """A floor, not a target: measured once at 0.974 precision, 0.916 recall. If a change to
    the lists drops below it, fix the lists; do not tune them on these sentences."""
    result, missed, _ = crisis.score(HELD_OUT)
    assert [c.text for c in missed if c.must] == []
    assert result.recall >= 0.9
    assert result.precision >= 0.95


@pytest.mark.parametrize(
    "text",
    [
        "there is no way out for me",
        "I won't be around much longer",
        "I want to kill myself",
        "thinking about suicide",
        "I want to end my life",
        "I want to die",
        "I've been self-harming",
        "I cut myself again",
        "I'm going to overdose",
        "Everyone would be better off without me",
        "I have no reason to live",
        "I can't go on",
        "I just want to end it all",
        "I want to say goodbye forever",
        "I'm tired of living",
        "I don't want to wake up",
    ],
)
def test_requirement_examples_fire(text: str) -> None:
    assert detect(text).matched


@pytest.mark.parametrize(
    "text",
    [
        "that interview was a massacre",
        "waiting for their email is torture",
        "I'm done with this company",
        "this rejection is killing me",
        "this job search is killing me",
        "I'm dead tired",
        "they killed my application",
        "I could die of shame",
        "I want to die of embarrassment",
        "the interview was brutal",
        "I'm done with job hunting for today",
        "kill the process",
        "suicide squad",
        "I killed it in the interview",
    ],
)
def test_requirement_venting_stays_quiet(text: str) -> None:
    assert not detect(text).matched


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I want to kill myself", "en"),
        ("quiero morirme", "es"),
        ("vou me matar", "pt"),
        ("ich will sterben", "de"),
        ("je veux mourir", "fr"),
        ("хочу умереть", "ru"),
        ("хочу померти", "uk"),
        ("main marna chahta hoon", "hi"),
    ],
)
def test_reports_which_list_fired(text: str, language: str) -> None:
    assert detect(text) == CrisisSignal(matched=True, language=language)


def test_a_guard_only_silences_its_own_words() -> None:
    assert not detect("that would be career suicide lol").matched
    assert detect("that would be career suicide lol. honestly I want to kill myself").matched
    assert detect("I could die of shame and I want to die").matched


def test_nothing_found_is_a_plain_no() -> None:
    assert detect("I had my final interview today") == CrisisSignal(matched=False, language=None)


# --- normalisation and odd input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("I CAN’T go on", "i cant go on"),
        ("k1ll my$elf", "kill myself"),
        ("I want to dieeeee!!!", "i want to die ."),
        ("Ich möchte STERBEN", "ich mochte sterben"),
        ("sui\u200bci\u200dde\ufeff", "suicide"),
        ("ｋｉｌｌ ｍｙｓｅｌｆ", "kill myself"),
        ("self-harm 😔", "self harm"),
        ("The office is 12 kms away", "the office is 12 kms away"),
        ("kіll myself", "kill myself"),  # Cyrillic і inside a Latin word
        ("хочу умерeть", "хочу умереть"),  # Latin e inside a Cyrillic word
        ("line one\nline two", "line one . line two"),
    ],
)
def test_normalise(raw: str, folded: str) -> None:
    assert normalise(raw) == folded


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\t",
        ".",
        "😭" * 2000,
        "\u200b" * 5000,
        "a" * 5000,
        "kill " * 1000,
        "I want to " * 500,
        ("lorem ipsum dolor sit amet " * 200)[:5000],
        "e\u0301" * 3000,  # combining accents
        "\ud800 lone surrogate",
        "\x00\x01\x02 control characters",
        "مرحبا بالعالم",
        "你好，我今天面试了",
        "🏳️‍🌈👨‍👩‍👧‍👦🇺🇦",
        "$$$ 1337 @@@ 0000",
        "%s %d {} {0} \\ \\n",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    signal = detect(text)
    assert isinstance(signal, CrisisSignal)


def test_emoji_and_zero_width_do_not_hide_a_crisis() -> None:
    assert detect("I 😭 want 😭 to 😭 die 😭").matched
    assert detect("I want to k\u200bi\u200cl\u200dl myself").matched
    assert detect("I WANT TO DIE 💔").matched


def test_huge_text_is_capped_and_fast() -> None:
    filler = "I had another interview today and it went fine. " * 40_000  # about 2 MB
    start = time.perf_counter()
    assert not detect(filler + "I want to kill myself").matched  # beyond the scanned prefix
    assert detect("I want to kill myself. " + filler).matched
    assert time.perf_counter() - start < 0.5


def test_ten_thousand_messages_in_under_a_second() -> None:
    sample = [c.text for c in CASES] + [
        "I had my final round today and they went with another candidate, pretty gutted",
        "ok",
        "Berlin",
        "it's 14:30 here",
    ]
    messages = (sample * (10_000 // len(sample) + 1))[:10_000]
    start = time.perf_counter()
    for message in messages:
        detect(message)
    assert time.perf_counter() - start < 1.0


def test_the_text_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    secret = "I want to kill myself tonight, zebra-42"
    with caplog.at_level(logging.DEBUG):
        signal = detect(secret)
    assert signal.matched
    assert "zebra" not in caplog.text
    assert "zebra" not in repr(signal)


# --- the phrase file -----------------------------------------------------------------------------


def _raw_patterns() -> list[str]:
    data = crisis.load_phrases()
    found = [
        p for code, node in data["languages"].items() for p in crisis._language_patterns(node, code)
    ]
    return found + [p for items in data["guards"].values() for p in items]


def test_phrase_file_follows_its_own_rules() -> None:
    data = crisis.load_phrases()
    assert set(LANGUAGES) <= set(data["languages"])
    assert set(LANGUAGES) <= set(data["guards"])
    for pattern in _raw_patterns():
        outside_classes = re.sub(r"\[[^\]]*\]", "", pattern)
        assert "-" not in outside_classes, (
            f"no hyphens (they are spaces after normalising): {pattern}"
        )
        assert "'" not in pattern, f"write ’ for an apostrophe: {pattern}"
        assert pattern == pattern.strip() and "  " not in pattern, pattern
        # Messages have 3+ repeats squeezed; regex syntax such as ")))" is not text.
        assert not re.search(r"(\w)\1\1", re.sub(r"\\.", "", pattern)), f"3 repeats: {pattern}"
    rules = crisis.compile_rules(data)
    assert rules.languages[0] == "en"


def test_phrase_file_errors_are_reported() -> None:
    with pytest.raises(crisis.PhraseError, match="macro"):
        crisis.compile_rules({"languages": {"en": ["%nope% x"]}})
    with pytest.raises(crisis.PhraseError, match="groups"):
        crisis.compile_rules({"languages": {"en": ["(x)"]}})
    with pytest.raises(crisis.PhraseError, match="language code"):
        crisis.compile_rules({"languages": {"EN": ["x"]}})


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("(?:want|wanna) to die", {"w"}),
        ("(?:me )?quiero", {"m", "q"}),
        ("(?:(?:just|so) )*die", {"j", "s", "d"}),
        (r"\w+ x", None),
        ("(?=x)y", {"y"}),
        ("[ab]c", {"a", "b"}),
        ("(?:x)?", None),
    ],
)
def test_first_chars(pattern: str, expected: set[str] | None) -> None:
    assert crisis.first_chars(pattern) == (None if expected is None else frozenset(expected))


def test_first_letter_dispatch_finds_what_a_plain_search_finds() -> None:
    """The speed-up (only patterns that can start with a word's first letter) loses nothing."""
    data = crisis.load_phrases()
    macros = data["macros"]
    plain = crisis._grouped(
        {
            code: [crisis.prepare_pattern(p, macros) for p in crisis._language_patterns(node, code)]
            for code, node in data["languages"].items()
        }
    )
    fast = crisis._rules()
    # The plain search sees every pattern at every word, so nothing depends on first letters.
    slow = crisis._Rules(by_first_char={}, other=plain, guard=fast.guard, languages=fast.languages)
    texts = [c.text for c in CASES + HELD_OUT] + ["", "x", "2 die", "i want 2 die", "ok . kill"]
    for text in texts:
        assert crisis._detect_with(fast, text) == crisis._detect_with(slow, text), text


# --- groups: one reply per member per cooldown ----------------------------------------------------


def test_group_limiter_allows_one_reply_per_member_per_cooldown() -> None:
    limiter = GroupCareLimiter(cooldown=100.0)
    assert limiter.allow(-1, 1, now=0.0)
    assert not limiter.allow(-1, 1, now=50.0)  # the same member, too soon
    assert limiter.allow(-1, 2, now=50.0)  # someone else
    assert limiter.allow(-2, 1, now=50.0)  # the same member in another group
    assert not limiter.allow(-1, 1, now=99.9)
    assert limiter.allow(-1, 1, now=100.0)  # the quiet period is over
    assert not limiter.allow(-1, 1, now=150.0)  # and a new one started


def test_group_limiter_stays_small() -> None:
    limiter = GroupCareLimiter(cooldown=10.0, max_entries=100)
    for member in range(1000):
        assert limiter.allow(-1, member, now=float(member))
        assert len(limiter) <= 100
    assert not limiter.allow(-1, 999, now=999.5)  # the newest are the ones kept
    for member in range(1000, 1300):  # everyone still quiet: the oldest make room
        limiter.allow(-1, member, now=1000.0)
        assert len(limiter) <= 100


# --- helplines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "language", "expected"),
    [
        ("Europe/Berlin", None, "DE"),
        ("America/Sao_Paulo", None, "BR"),
        ("America/Sao_Paulo", "de", "BR"),  # where you are beats the app language
        ("UTC+05:30", None, "IN"),
        (None, "hi", "IN"),
        (None, "pt-BR", "BR"),
        (None, "pt_br", "BR"),
        (None, "pt", "BR"),
        (None, "de", "DE"),
        (None, "uk", "UA"),
        (None, "en-GB", "GB"),
        (None, "es-MX", "MX"),
        (None, "es", INTERNATIONAL),  # spoken in too many countries to guess
        (None, "en", INTERNATIONAL),
        (None, "ru", INTERNATIONAL),
        (None, "es-CO", INTERNATIONAL),  # a country without a list of its own
        ("UTC", "de", "DE"),  # UTC says nothing about the place
        ("UTC+02:00", "fr", "FR"),
        ("Europe/Moscow", "uk", INTERNATIONAL),  # a known place without a list wins
        ("Mars/Olympus_Mons", None, INTERNATIONAL),
        (None, None, INTERNATIONAL),
        ("", "", INTERNATIONAL),
        ("Asia/Calcutta", None, "IN"),
        ("Europe/Kiev", None, "UA"),
        ("US/Pacific", None, "US"),
        ("America/Argentina/Buenos_Aires", None, "AR"),
        ("Atlantic/Canary", None, "ES"),
        ("Europe/London", "pt-BR", "GB"),
        ("Australia/Perth", None, "AU"),
    ],
)
def test_helplines_for(zone: str | None, language: str | None, expected: str) -> None:
    assert helplines_for(zone, language) == expected


def test_zone_table_works_without_tzdata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crisis, "_zone_tab", dict)
    assert helplines_for("Europe/Berlin", None) == "DE"
    assert helplines_for("America/Sao_Paulo", None) == "BR"
    assert helplines_for("Asia/Kolkata", None) == "IN"
    assert helplines_for("Europe/Moscow", "de") == "DE"  # unknown zone: the language decides


def test_tzdata_zone_tab_is_read() -> None:
    table = crisis._zone_tab()
    assert table.get("Europe/Berlin") == "DE"
    assert table.get("America/Sao_Paulo") == "BR"


# --- content ------------------------------------------------------------------------------------

CONTENT = load_content()
EN = CONTENT.texts("en")


def test_helpline_countries_match_the_content() -> None:
    keys = {
        k.rsplit(".", 1)[1] for k in CONTENT.all_keys() if k.startswith(HELPLINES_SECTION + ".")
    }
    assert INTERNATIONAL in keys
    assert helpline_countries() == keys - {INTERNATIONAL}
    assert {
        "US",
        "GB",
        "IE",
        "DE",
        "FR",
        "ES",
        "BR",
        "PT",
        "IN",
        "AU",
        "CA",
        "NZ",
        "NL",
        "UA",
    } <= keys
    for code in keys - {INTERNATIONAL}:
        assert re.fullmatch(r"[A-Z]{2}", code), code
    every_place = set(crisis._ZONE_COUNTRY.values()) | set(crisis._LANGUAGE_COUNTRY.values())
    assert every_place <= keys, "a mapped country without helplines"


def test_reply_variants_and_resume() -> None:
    assert EN.count(REPLY_KEY) == 2
    for variant in range(2):
        template = CONTENT.variants(REPLY_KEY, "en")[variant]
        assert placeholders(template) == {"helplines"}
        assert template.count("{helplines}") == 1
    assert placeholders(CONTENT.variants(RESUME_KEY, "en")[0]) == set()


def test_group_reply_and_private_support() -> None:
    """The group reply is public: it shows the directory and names nothing."""
    variants = CONTENT.variants(GROUP_REPLY_KEY, "en")
    assert len(variants) >= 2
    directory = Markup(EN(f"{HELPLINES_SECTION}.{INTERNATIONAL}"))
    for variant, template in enumerate(variants):
        assert placeholders(template) == {"directory"}
        plain, _ = parse_html(EN(GROUP_REPLY_KEY, variant=variant, directory=directory))
        assert "Find A Helpline" in plain
        own_words, _ = parse_html(EN(GROUP_REPLY_KEY, variant=variant, directory=Markup("")))
        assert not re.search(r"suicid|self.?harm|kill|die\b|death|crisis", own_words, re.I)
    assert placeholders(CONTENT.variants(PRIVATE_SUPPORT_KEY, "en")[0]) == {"helplines"}
    assert EN("crisis.buttons.private_support")


@pytest.mark.parametrize("code", sorted(helpline_countries() | {INTERNATIONAL}))
def test_every_helpline_renders_inside_the_reply(code: str) -> None:
    lines = EN(f"{HELPLINES_SECTION}.{code}")
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;)", lines), "escape & as &amp;"
    assert "findahelpline.com" in lines
    for variant in range(2):
        rendered = EN(REPLY_KEY, variant=variant, helplines=Markup(lines))
        plain, _ = parse_html(rendered)
        assert len(plain) <= 4096
    for url in re.findall(r'href="([^"]+)"', lines):
        assert url.startswith("https://"), url


def test_the_content_file_is_plain_yaml() -> None:
    path = Path(crisis.__file__).resolve().parents[2] / "content" / "en" / "crisis.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert all(isinstance(code, str) for code in data["helplines"])  # "NO" stays Norway
