"""Telegram's HTML subset: plain text, UTF-16 entity offsets and Telegram's error wording."""

from __future__ import annotations

import pytest

from bot.emulator.html import HtmlError, parse_html


def test_nested_tags_give_outer_entity_first() -> None:
    text, entities = parse_html("<b>bold <i>both</i></b> plain")
    assert text == "bold both plain"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
    ]


@pytest.mark.parametrize(
    ("tag", "entity_type"),
    [
        ("b", "bold"),
        ("strong", "bold"),
        ("i", "italic"),
        ("em", "italic"),
        ("u", "underline"),
        ("ins", "underline"),
        ("s", "strikethrough"),
        ("strike", "strikethrough"),
        ("del", "strikethrough"),
        ("tg-spoiler", "spoiler"),
        ("code", "code"),
        ("pre", "pre"),
        ("blockquote", "blockquote"),
    ],
)
def test_each_simple_tag_maps_to_its_entity(tag: str, entity_type: str) -> None:
    assert parse_html(f"<{tag}>x</{tag}>") == (
        "x",
        [{"type": entity_type, "offset": 0, "length": 1}],
    )


def test_tag_names_are_case_insensitive() -> None:
    assert parse_html("<B>x</b>")[1] == [{"type": "bold", "offset": 0, "length": 1}]


def test_span_spoiler_link_emoji_and_expandable_quote() -> None:
    text, entities = parse_html(
        '<span class="tg-spoiler">s</span><a href="https://example.org/?a=1&amp;b=2">l</a>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        "<blockquote expandable>q</blockquote>"
    )
    assert text == "sl👍q"
    assert entities == [
        {"type": "spoiler", "offset": 0, "length": 1},
        {"type": "text_link", "offset": 1, "length": 1, "url": "https://example.org/?a=1&b=2"},
        {
            "type": "custom_emoji",
            "offset": 2,
            "length": 2,
            "custom_emoji_id": "5368324170671202286",
        },
        {"type": "expandable_blockquote", "offset": 4, "length": 1},
    ]


def test_pre_with_code_language_is_one_pre_entity() -> None:
    text, entities = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert text == "x = 1"
    assert entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


def test_formatting_inside_code_is_dropped() -> None:
    assert parse_html("<code><b>x</b></code>")[1] == [{"type": "code", "offset": 0, "length": 1}]


def test_html_entities_decode_and_unknown_ampersands_stay_as_typed() -> None:
    text, entities = parse_html("&lt;a&gt; &amp; &quot;q&quot; &#65;&#x42; Tom & Jerry &nbsp;")
    assert text == '<a> & "q" AB Tom & Jerry &nbsp;'
    assert entities == []


def test_offsets_count_utf16_code_units() -> None:
    text, entities = parse_html("😀 <b>ü</b> 👩‍💻<i>x</i>")
    assert text == "😀 ü 👩‍💻x"
    # 😀 is 2 code units; 👩‍💻 is 5 (two surrogate pairs and a joiner).
    assert entities == [
        {"type": "bold", "offset": 3, "length": 1},
        {"type": "italic", "offset": 10, "length": 1},
    ]


def test_empty_tags_make_no_entity() -> None:
    assert parse_html("a<b></b>c") == ("ac", [])


def test_closing_tag_may_omit_its_name() -> None:
    assert parse_html("<b>x</>") == ("x", [{"type": "bold", "offset": 0, "length": 1}])


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("a <br> b", 'Unsupported start tag "br" at byte offset 2'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("ü <p>", 'Unsupported start tag "p" at byte offset 3'),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ('<a href="x', "Unclosed start tag at byte offset 0"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a ="x">y</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
        (
            "<a href>y</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<a href=x/y>z</a>", "Unexpected end of name token at byte offset 8"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">👍</tg-emoji>', "Invalid custom emoji identifier specified"),
    ],
)
def test_errors_use_telegrams_wording(html: str, description: str) -> None:
    with pytest.raises(HtmlError) as caught:
        parse_html(html)
    assert caught.value.description == description


def test_strict_mode_refuses_a_bare_ampersand() -> None:
    assert parse_html("Tom & Jerry")[0] == "Tom & Jerry"
    with pytest.raises(HtmlError, match='Character "&" at byte offset 4'):
        parse_html("Tom & Jerry", strict=True)
    assert parse_html("Tom &amp; Jerry", strict=True)[0] == "Tom & Jerry"
