"""bot.services.typed_text: which characters go, which stay, and entities that follow."""

from __future__ import annotations

from bot.services.typed_text import clean_update


def message(text: str, **extra: object) -> dict[str, object]:
    return {"update_id": 1, "message": {"message_id": 1, "text": text, **extra}}


def test_nothing_to_clean_copies_nothing() -> None:
    update = message("Plain words,\ttabs and\nnew lines; émoji 🌱 and ünïcode")
    assert clean_update(update) is None


def test_control_characters_go_newline_and_tab_stay() -> None:
    every = "".join(chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)])
    cleaned = clean_update(message(f"a{every}b"))
    assert cleaned is not None
    assert cleaned["message"]["text"] == "a\t\nb"  # type: ignore[index]


def test_every_string_is_cleaned_not_only_the_text() -> None:
    update = {
        "update_id": 2,
        "message": {
            "from": {"id": 5, "first_name": "Al\x00ex"},
            "caption": "pic\x07",
            "reply_to_message": {"text": "quoted\x1b"},
        },
    }
    cleaned = clean_update(update)
    assert cleaned is not None
    part = cleaned["message"]
    assert (part["from"]["first_name"], part["caption"]) == ("Alex", "pic")
    assert part["reply_to_message"]["text"] == "quoted"
    assert update["message"]["from"]["first_name"] == "Al\x00ex"  # type: ignore[index]


def test_entities_move_with_their_text() -> None:
    # "🌱" counts two UTF-16 units, as Telegram's offsets do.
    text = "🌱\x00 see \x00\x00/help and https://x.org\x07 now"
    entities = [
        {"type": "bot_command", "offset": 10, "length": 5},
        {"type": "url", "offset": 20, "length": 13},
        {"type": "bold", "offset": 2, "length": 1},  # only the NUL: nothing left to mark
    ]
    cleaned = clean_update(message(text, entities=entities))
    assert cleaned is not None
    got = cleaned["message"]
    assert got["text"] == "🌱 see /help and https://x.org now"
    units = got["text"].encode("utf-16-le")

    def marked(entity: dict[str, int]) -> str:
        start, end = entity["offset"] * 2, (entity["offset"] + entity["length"]) * 2
        return units[start:end].decode("utf-16-le")

    assert [marked(e) for e in got["entities"]] == ["/help", "https://x.org"]


def test_caption_entities_move_too() -> None:
    update = {
        "update_id": 3,
        "message": {
            "caption": "\x00\x00bold",
            "caption_entities": [{"type": "bold", "offset": 2, "length": 4}],
        },
    }
    cleaned = clean_update(update)
    assert cleaned is not None
    assert cleaned["message"]["caption_entities"] == [{"type": "bold", "offset": 0, "length": 4}]
