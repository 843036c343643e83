"""Content is checked, not trusted: every key the code uses exists, every placeholder matches,
every text renders as valid Telegram HTML within Telegram's limits."""

from __future__ import annotations

import ast
import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import InlineKeyboardButton

from bot.content import (
    ContentError,
    Markup,
    content_root,
    load_content,
    placeholders,
    plural_categories,
)
from bot.emulator.html import HtmlError, parse_html
from bot.render import PHONE_LABEL_CHARS, fit_rows, label_width
from bot.runtime import flow_specs
from bot.services import matching
from bot.services.onboarding import FREQUENCIES, LANGUAGES
from bot.services.replies import Number, When

ROOT = Path(__file__).resolve().parents[2]
CONTENT = load_content()
PLAIN_PREFIXES = ("terminal.", "toasts.", "commands.")
ZONE_PROBLEMS = ("empty", "unknown", "ambiguous", "offset_out_of_range", "bad_clock_time")
ZONE_PROBLEMS_WITH_SUGGESTIONS = ("unknown", "ambiguous")
KEY_SHAPE = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
FILE_NAME = re.compile(r"\.(yaml|json|md|py|db|txt)$")


def _all_texts() -> list[tuple[str, str, str]]:
    return [
        (locale, key, text)
        for locale, catalog in CONTENT.catalogs.items()
        for key, variants in catalog.texts.items()
        for text in variants
    ]


@pytest.mark.parametrize(("locale", "key", "text"), _all_texts(), ids=lambda v: str(v)[:40])
def test_text_renders_within_telegram_limits(locale: str, key: str, text: str) -> None:
    sample = {name: f"Sample {name}" for name in placeholders(text)}
    rendered = text.format_map(sample)
    if key.startswith(PLAIN_PREFIXES):
        assert "<" not in rendered, f"{key} is shown as plain text"
        limit = {"toasts.": 200, "commands.": 256}.get(key.split(".")[0] + ".", 4096)
        assert 1 <= len(rendered) <= limit
        return
    try:
        plain, _entities = parse_html(rendered)
    except HtmlError as exc:
        pytest.fail(f"{locale}:{key} is not valid Telegram HTML: {exc}")
    assert 1 <= len(plain.strip()) <= 4096


def test_command_names_are_valid() -> None:
    for key in CONTENT.all_keys():
        if key.startswith("commands."):
            menu = r"commands\.(private|group|group_admins)\.[a-z0-9_]{1,32}"
            assert re.fullmatch(menu, key), key


def _literal_keys(folder: Path) -> set[tuple[str, str]]:
    stems = {p.stem for p in (content_root() / "en").glob("*.yaml")}
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and KEY_SHAPE.match(node.value)
                and not FILE_NAME.search(node.value)
                and node.value.split(".")[0] in stems
            ):
                found.add((str(path.relative_to(ROOT)), node.value))
    return found


@pytest.mark.slow
def test_every_key_used_in_code_exists() -> None:
    used = _literal_keys(ROOT / "bot") | _literal_keys(ROOT / "handlers")
    assert len(used) > 20  # the scan really finds the code's keys
    keys = CONTENT.all_keys()
    sections = {key.rsplit(".", 1)[0] for key in keys}
    missing = sorted(f"{path}: {key}" for path, key in used if key not in keys | sections)
    assert missing == []


def test_every_flow_key_and_built_key_exists() -> None:
    keys = CONTENT.all_keys()
    for spec in flow_specs().values():
        for step in spec.flow.steps:
            assert step.prompt in keys
            for option in step.all_options():
                assert option.literal or option.label in keys
    for code in ZONE_PROBLEMS:
        assert f"onboarding.timezone_problem.{code}" in keys
    for code in ZONE_PROBLEMS_WITH_SUGGESTIONS:
        assert f"onboarding.timezone_problem.{code}_suggest" in keys
    for frequency in FREQUENCIES:
        assert f"onboarding.frequency.{frequency}" in keys
        assert frequency == "off" or f"onboarding.frequency_phrase.{frequency}" in keys


def test_params_are_escaped_and_markup_is_not() -> None:
    texts = CONTENT.texts("en")
    rendered = texts("onboarding.ack_zone", place="<b>x</b> & co", offset="UTC", local_time="09:00")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in rendered
    parse_html(rendered)
    kept = texts("onboarding.ack_zone", place=Markup("<i>Berlin</i>"), offset="UTC", local_time="1")
    assert "<i>Berlin</i>" in kept


def test_locale_fallback_and_placeholder_mismatch(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "greet.yaml").write_text("hello: Hi {name}\nbye: Bye\n")
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "greet.yaml").write_text("hello: Hallo {name}\n")
    content = load_content(tmp_path)
    assert content.texts("de-AT")("greet.hello", name="Ana") == "Hallo Ana"
    assert content.texts("de")("greet.bye") == "Bye"  # falls back to English
    assert content.texts("fr")("greet.hello", name="Ana") == "Hi Ana"
    (tmp_path / "de" / "greet.yaml").write_text("hello: Hallo {nom}\n")
    with pytest.raises(ContentError, match="placeholders"):
        load_content(tmp_path)
    (tmp_path / "de" / "greet.yaml").write_text("extra: Nur hier\n")
    with pytest.raises(ContentError, match="does not exist"):
        load_content(tmp_path)


def test_missing_parameter_is_an_error() -> None:
    with pytest.raises(ContentError, match="missing parameters"):
        CONTENT.texts("en")("onboarding.ack_zone", place="Berlin")


def test_flow_answer_buttons_fit_a_phone() -> None:
    """Every answer button of every flow, in every locale, fits its row on a phone as the flow
    lays it out (a ticked multi-select option shows "✓ " in front), so ticking one never
    reflows the keyboard."""
    content = CONTENT
    too_long = []
    for locale in content.catalogs:
        texts = content.texts(locale)
        for spec in flow_specs().values():
            for step in spec.flow.steps:
                limit = PHONE_LABEL_CHARS.get(step.columns, 5)
                for option in step.options:
                    label = option.label if option.literal else texts(option.label, variant=0)
                    if label_width(label) + (2 if step.multi else 0) > limit:
                        too_long.append((locale, spec.flow.code, step.name, label))
    assert too_long == []


def _button_label_keys() -> set[str]:
    """Every content key the code uses as a button label: ``Button("key", ...)``, and for
    ``Button(f"prefix.{x}")`` every key under the prefix."""
    keys = CONTENT.all_keys()
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "Button"
                    and node.args
                ):
                    continue
                if any(k.arg == "literal" for k in node.keywords):
                    continue
                label = node.args[0]
                if isinstance(label, ast.Constant) and isinstance(label.value, str):
                    found.add(label.value)
                elif isinstance(label, ast.JoinedStr) and isinstance(label.values[0], ast.Constant):
                    prefix = str(label.values[0].value)
                    found |= {key for key in keys if key.startswith(prefix)}
    return found


@pytest.mark.slow
def test_every_button_label_fits_a_phone_on_a_row_of_its_own() -> None:
    """A label wider than a phone's whole row is cut whatever the layout; narrower ones are
    laid out to fit (bot.render.fit_rows, checked on every keyboard the e2e tour shows)."""
    keys = _button_label_keys()
    assert {"feedback.buttons.another", "stats.buttons.all", "crisis.buttons.safe"} <= keys
    too_long = []
    for locale in CONTENT.catalogs:
        texts = CONTENT.texts(locale)
        for key in sorted(keys):
            for variant, text in enumerate(CONTENT.catalogs[locale].texts.get(key, ())):
                sample = dict.fromkeys(placeholders(text), "Acme")
                label = html.unescape(texts.render(key, sample, variant=variant))
                if label_width(label) > PHONE_LABEL_CHARS[1]:
                    too_long.append((locale, key, label))
    assert too_long == []


def _row(*labels: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label, callback_data=str(n)) for n, label in enumerate(labels)]


@pytest.mark.parametrize(
    ("row", "laid_out"),
    [
        (("Shorter", "Warmer", "Another version"), [["Shorter", "Warmer"], ["Another version"]]),
        (("Shorter", "Warmer", "Try again"), [["Shorter", "Warmer", "Try again"]]),
        (
            ("Interviewer's gut feeling", "Too junior"),
            [["Interviewer's gut feeling"], ["Too junior"]],
        ),
        (("➕ Clear examples / storytelling",), [["➕ Clear examples / storytelling"]]),
        (("😣 5", "😕 6", "😐 6", "🙂 7", "😀 6"), [["😣 5", "😕 6", "😐 6", "🙂 7", "😀 6"]]),
        (("✓ 30 days", "90 days", "All"), [["✓ 30 days", "90 days", "All"]]),
        (
            ("Tomorrow", "Later today", "Done", "Snooze"),
            [["Tomorrow", "Later today"], ["Done", "Snooze"]],
        ),
    ],
)
def test_rows_are_laid_out_to_fit_a_phone(row: tuple[str, ...], laid_out: list[list[str]]) -> None:
    rows = fit_rows([_row(*row)])
    assert [[button.text for button in r] for r in rows] == laid_out
    assert all(
        label_width(b.text) <= PHONE_LABEL_CHARS[len(r)] or len(r) == 1 for r in rows for b in r
    )


def test_label_width_counts_an_emoji_as_two() -> None:
    assert label_width("➕ Clear") == 8
    assert label_width("😣 5") == 4
    assert label_width("👍🏽 ok") == 5  # a skin tone adds nothing
    assert label_width("✓ 30 days") == 9
    assert label_width("AT&T · sent") == 11


def test_plural_forms_follow_each_language(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "t.yaml").write_text(
        "days:\n  one: a day, {who}\n  other: '{count} days, {who}'\n"
    )
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "t.yaml").write_text(
        "days:\n  one: '{count} день, {who}'\n  few: '{count} дня, {who}'\n"
        "  many: '{count} дней, {who}'\n  other: '{count} дня, {who}'\n"
    )
    content = load_content(tmp_path)
    en, ru = content.texts("en"), content.texts("ru")
    assert [en("t.days", count=n, who="x") for n in (1, 2)] == ["a day, x", "2 days, x"]
    assert [ru("t.days", count=n, who="x") for n in (1, 2, 5, 21, 1.5)] == [
        "1 день, x",
        "2 дня, x",
        "5 дней, x",
        "21 день, x",
        "1,5 дня, x",
    ]
    assert en("t.days", count=1000, who="x") == "1,000 days, x"
    assert ru("t.days", count=1000, who="x") == "1\xa0000 дней, x"  # numbers as Russian writes them
    assert content.texts("de")("t.days", count=3, who="x") == "3 days, x"  # English, English rules
    with pytest.raises(ContentError, match="needs a number"):
        en("t.days", who="x")


@pytest.mark.parametrize(
    ("russian", "problem"),
    [
        ("days:\n  one: '{count} день'\n  many: '{count} дней'\n  other: '{count} дня'\n", "need"),
        (
            "days:\n  one: один день\n  few: '{count} дня'\n  many: '{count} дней'\n"
            "  other: '{count} дня'\n",
            "placeholders",
        ),  # "one" is 21 and 31 too: {count} needed
        ("days: '{count} дней'\n", "plural exactly where English is"),
    ],
)
def test_plural_checks_catch_missing_forms_and_counts(
    tmp_path: Path, russian: str, problem: str
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "t.yaml").write_text("days:\n  one: a day\n  other: '{count} days'\n")
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "t.yaml").write_text(russian)
    with pytest.raises(ContentError, match=problem):
        load_content(tmp_path)


def test_every_shipped_plural_has_each_form_its_language_needs() -> None:
    plurals = {
        (locale, key): set(forms)
        for locale, catalog in CONTENT.catalogs.items()
        for key, forms in catalog.plurals.items()
    }
    assert plurals, "no plural texts found"
    for (locale, key), forms in plurals.items():
        assert forms == plural_categories(locale), f"{locale}:{key}"
    assert plural_categories("ru") == {"one", "few", "many", "other"}
    assert plural_categories("es") == plural_categories("en") == {"one", "other"}
    english = CONTENT.catalogs[CONTENT.default_locale].plurals
    for locale, catalog in CONTENT.catalogs.items():
        translated = set(catalog.texts) & set(english)
        assert translated <= set(catalog.plurals), f"{locale}: {translated - set(catalog.plurals)}"


def test_each_language_is_offered_under_its_own_name() -> None:
    # Only the full interfaces are offered; the care-only catalogues never are
    # (tests/unit/test_care_languages.py).
    assert (
        set(LANGUAGES)
        == set(CONTENT.interface_locales)
        == set(CONTENT.catalogs)
        - {
            "fr",
            "pt",
            "hi",
            "uk",
        }
    )
    english = CONTENT.texts("en")
    for code in LANGUAGES:
        own_name = CONTENT.texts(code)("settings.this_language")
        assert own_name == english(f"settings.language.{code}")
        assert code == CONTENT.default_locale or own_name != english("settings.this_language")


def test_dates_and_numbers_are_written_the_readers_way() -> None:
    moment = datetime(2026, 12, 7, 13, 30, tzinfo=UTC)  # 14:30 in Berlin, a Monday
    shown = {
        locale: [
            When(moment, "Europe/Berlin", style).localized(locale)  # type: ignore[arg-type]
            for style in ("day_month", "date", "weekday_time", "date_time")
        ]
        for locale in ("en", "es", "de", "ru")
    }
    assert shown["en"] == ["Dec 7", "Mon, Dec 7", "Mon 14:30", "Mon, Dec 7, 14:30"]
    assert shown["es"] == ["7 dic", "lun, 7 dic", "lun, 14:30", "lun, 7 dic, 14:30"]
    assert shown["de"] == ["7. Dez.", "Mo., 7. Dez.", "Mo., 14:30", "Mo., 7. Dez., 14:30"]
    assert shown["ru"] == ["7 дек.", "пн, 7 дек.", "пн 14:30", "пн, 7 дек., 14:30"]
    assert [Number(3.46, 1).localized(x) for x in ("en", "de")] == ["3.5", "3,5"]
    rendered = CONTENT.texts("es")("checkin.paused", date=When(moment, "America/Mexico_City"))
    assert "lun, 7 dic" in rendered and "Mon" not in rendered


def test_every_skill_has_a_name_in_each_language() -> None:
    """/strengths and /match show a vocabulary skill by content ``skills.<id>``: English's is the
    label the vocabulary matches (and stores a suggested strength under)."""
    vocabulary = matching.vocabulary().skills
    english = CONTENT.catalogs["en"].texts
    assert {k.removeprefix("skills.") for k in english if k.startswith("skills.")} == set(
        vocabulary
    )
    for skill in vocabulary.values():
        assert english[f"skills.{skill.id}"] == (skill.label,)
    for locale in ("es", "de", "ru"):
        names = CONTENT.catalogs[locale].texts
        assert all(f"skills.{skill}" in names for skill in vocabulary), locale
        assert names["skills.communication"] != english["skills.communication"]


@pytest.mark.parametrize("locale", ["ru", "de", "es", "en"])
def test_a_sentence_ending_on_an_abbreviated_date_has_one_full_stop(locale: str) -> None:
    """A date like "до чт, 29 янв." ends with its's own full stop; the sentence adds none."""
    date = When(datetime(2026, 1, 29, 9, 0, tzinfo=UTC), "UTC")
    text = CONTENT.texts(locale)("checkin.paused", date=date)
    assert date.localized(locale).rstrip(".") in html.unescape(text)
    assert not re.search(r"(?<!\.)\.(</[a-z]+>)*\.(?!\.)", text), text


def test_an_ellipsis_and_a_single_stop_are_left_alone() -> None:
    from bot.content import _one_full_stop

    assert _one_full_stop("Wait... then.") == "Wait... then."
    assert _one_full_stop("<b>29. Jan.</b>.") == "<b>29. Jan.</b>"
