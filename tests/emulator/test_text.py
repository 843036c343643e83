"""Telegram's own text handling: trimming blanks (entities follow) and detecting commands."""

from __future__ import annotations

from bot.emulator.text import bot_command_entities, trim_formatted, utf16_len


def test_utf16_length_counts_surrogate_pairs() -> None:
    assert utf16_len("a😀") == 3


def test_trimming_moves_and_clips_entities() -> None:
    text, entities = trim_formatted(
        "\n  hi there \u200b",
        [
            {"type": "bold", "offset": 0, "length": 5},  # covers the blanks and "hi"
            {"type": "italic", "offset": 6, "length": 7},  # "there" plus trailing blanks
        ],
    )
    assert text == "hi there"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 3, "length": 5},
    ]


def test_blank_only_text_trims_to_nothing() -> None:
    assert trim_formatted(" \u200b\n", []) == ("", [])


def test_commands_are_found_anywhere_but_not_inside_words_or_paths() -> None:
    assert bot_command_entities("/start") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert bot_command_entities("try /help@rebound_bot now") == [
        {"type": "bot_command", "offset": 4, "length": 17}
    ]
    assert bot_command_entities("see a/b or /usr/bin") == []
