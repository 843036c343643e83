"""Feedback drafts: every recipient x channel x tone x kind renders as plain text, greets by first
name, the warm and formal versions differ in greeting and body, and no draft says the same
thing twice."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest

from bot.content import load_content
from bot.db.models import FeedbackRequest
from bot.render import Renderer
from bot.services import feedback, names
from bot.services.callback_data import MENU, REQUEST, MenuTap, RequestTap

RENDER = Renderer(load_content().texts("en"))
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
# Ideas that belong once in a message: said twice, the draft reads like a form.
ONCE = {
    "no pressure": r"no pressure|no worries|do not feel obliged|understand if",
    "candid": r"candid|honest",
    "call": r"\bcall\b",
    "busy": r"\bbusy\b|how full things get",
    "value": r"\bvalu(?:e|ed)\b",
    "appreciate": r"\bappreciated?\b",
    "perspective": r"\bperspective\b",
    "wish": r"\bwish(?:es|ing)?\b",
    "all the best": r"all the best",
}


def request(
    recipient: str, channel: str, tone: str, kind: str, *, version: int = 0, name: str | None = None
) -> FeedbackRequest:
    return FeedbackRequest(
        id=1,
        user_id=1,
        company="Acme",
        role="Product Designer",
        recipient=recipient,
        their_name=name,
        channel=channel,
        tone=tone,
        kind=kind,
        version=version,
        short=False,
        status="draft",
        tags=[],
        created_at=NOW,
        updated_at=NOW,
    )


WENT_WELL = ("rapport", "examples", "technical", "questions", "preparation", "calm", "presentation")
SAME_NAMES = {"designer", "product"}  # the role's own words may come back


def repeated_words(text: str) -> set[str]:
    """Longer words said twice in one draft: a sign the same thing is said twice."""
    words = [w for w in re.findall(r"[a-z']+", text.lower()) if len(w) >= 6]
    return {w for w in words if words.count(w) > 1} - SAME_NAMES


def body(req: FeedbackRequest, went_well: tuple[str, ...] = ("rapport",)) -> str:
    view = feedback.draft_view(req, "Alex Kim", list(went_well))
    return RENDER.text(view).split("<pre>")[1].split("</pre>")[0]


def variants(kind: str, channel: str, tone: str) -> int:
    short = "short" if channel == "linkedin" else "long"
    return RENDER.texts.count(f"feedback.templates.{kind}.{short}.{tone}")


COMBOS = list(
    itertools.product(feedback.RECIPIENTS, feedback.CHANNELS, feedback.TONES, feedback.KINDS)
)


@pytest.mark.parametrize(("recipient", "channel", "tone", "kind"), COMBOS)
def test_every_draft_renders_and_reads_well(
    recipient: str, channel: str, tone: str, kind: str
) -> None:
    for version in range(variants(kind, channel, tone)):
        for name in ("Maria Lopez", None):
            text = body(request(recipient, channel, tone, kind, version=version, name=name))
            assert "{" not in text and "<" not in text
            assert text.rstrip().endswith("Alex Kim")
            assert "Product Designer" in text and "Acme" in text
            sentences = [s.strip().casefold() for s in SENTENCE.split(text) if s.strip()]
            assert len(sentences) == len(set(sentences)), text
            for idea, pattern in ONCE.items():
                assert len(re.findall(pattern, text, re.IGNORECASE)) <= 1, (idea, text)
            for went_well in [(), *((w,) for w in WENT_WELL)]:
                with_phrase = body(
                    request(recipient, channel, tone, kind, version=version), went_well
                )
                assert repeated_words(with_phrase) == set(), with_phrase
            if name and tone != "formal":
                assert text.startswith("Hello Maria,") or text.startswith("Hi Maria,")
                assert "Lopez" not in text
            if name and tone == "formal":
                assert text.startswith("Dear Maria Lopez,")
            if channel == "linkedin":
                assert len(text) < 800  # a message, not a letter
            if kind in ("ask", "followup") and recipient == "agency":
                assert "pass it on" in text or "share any feedback with you" in text


@pytest.mark.parametrize(
    ("recipient", "channel", "kind"),
    list(itertools.product(feedback.RECIPIENTS, feedback.CHANNELS, feedback.KINDS)),
)
def test_warmer_changes_greeting_and_body_not_only_the_sign_off(
    recipient: str, channel: str, kind: str
) -> None:
    formal = body(request(recipient, channel, "formal", kind, name="Maria Lopez"))
    warm = body(request(recipient, channel, "warm", kind, name="Maria Lopez"))
    greeting_formal, *rest_formal = formal.split("\n")
    greeting_warm, *rest_warm = warm.split("\n")
    assert greeting_formal != greeting_warm
    body_formal = "\n".join(rest_formal[:-2])  # without sign-off and name
    body_warm = "\n".join(rest_warm[:-2])
    assert body_formal != body_warm
    assert not set(SENTENCE.split(body_formal)) & set(SENTENCE.split(body_warm)) - {""}


def test_names_and_unnamed_greetings() -> None:
    assert names.first_name("Maria Lopez") == "Maria"
    assert names.first_name("  Sam ") == "Sam"
    assert names.first_name("Dr. Anna Chen") == "Anna"
    assert names.first_name("Dr. Chen") == "Dr. Chen"
    unnamed_formal = body(request("agency", "email", "formal", "ask"))
    assert unnamed_formal.startswith("Dear Recruitment Team,")
    assert body(request("hr", "email", "warm", "ask")).startswith("Hi there,")


@pytest.mark.parametrize(
    ("locale", "name", "tone", "addressed"),
    [
        # A title is never taken for a first name: "Hallo Frau," would be rude and wrong.
        ("de", "Frau Müller", "warm", "Frau Müller"),
        ("de", "Frau Anna Müller", "warm", "Anna"),
        ("de", "Herr Dr. Schmidt", "brief", "Herr Dr. Schmidt"),
        ("de", "Frau Müller", "formal", "Frau Müller"),
        ("es", "Sra. García", "warm", "Sra. García"),
        ("es", "Sr. Pérez", "formal", "Sr. Pérez"),
        ("es", "Doña Carmen Ruiz", "warm", "Carmen"),
        ("ru", "г-жа Иванова", "warm", "г-жа Иванова"),
        ("ru", "Господин Петров", "brief", "Господин Петров"),
        # a Russian name with a patronymic: name and patronymic, in any order typed
        ("ru", "Петрова Мария Ивановна", "formal", "Мария Ивановна"),
        ("ru", "Мария Ивановна", "warm", "Мария Ивановна"),
        ("en", "Dr. Chen", "warm", "Dr. Chen"),
        ("en", "Dr. Anna Chen", "formal", "Dr. Anna Chen"),
    ],
)
def test_a_name_with_a_title_is_greeted_properly_in_every_language(
    locale: str, name: str, tone: str, addressed: str
) -> None:
    """The title words come from name_titles.yaml, the greetings from each locale's catalogue."""
    texts = load_content().texts(locale)
    view = feedback.draft_view(request("hr", "email", tone, "ask", name=name), "Alex", [])
    draft = Renderer(texts).text(view).split("<pre>")[1].split("</pre>")[0]
    greeting = texts(f"feedback.greeting.named.{tone}", name=addressed)
    assert draft.split("\n", 1)[0] == greeting
    assert not re.search(r"(?:Frau|Herr|Sra?|г-жа|Господин)[.,!:]?$", greeting.rstrip(",!:"))


def test_a_version_offers_a_short_call_and_asks_about_strengths_too() -> None:
    texts = [
        body(request("hr", "email", tone, "ask", version=v))
        for tone in feedback.TONES
        for v in range(variants("ask", "email", tone))
    ]
    assert any("call" in t for t in texts)
    assert all(re.search(r"came across well|what worked|strength", t) for t in texts)


def test_warmer_button_reshapes_tone() -> None:
    req = request("hr", "email", "brief", "ask")
    assert feedback.reshape(req, "warmer", NOW)
    assert req.tone == "warm"


def test_callback_codecs_round_trip_and_reject_other_shapes() -> None:
    for tap in (RequestTap(7, "warmer"), RequestTap(123456, "let_go")):
        assert REQUEST.parse(REQUEST.pack(tap)) == tap
    for stale in ("fd:0:7:warmer", "fd:1:7:explode", "fd:1:x:sent", "fd:1:7", "fd:1:7:sent:1"):
        assert REQUEST.parse(stale) is None
    for menu in (
        MenuTap("new"),
        MenuTap("for"),
        MenuTap("for", 3),
        MenuTap("later", 3),
        MenuTap("open", 9),
    ):
        assert MENU.parse(MENU.pack(menu)) == menu
    assert MENU.pack(MenuTap("for", 3)) == "fq:1:for:3"  # as the debrief card sends it
    assert MENU.pack(MenuTap("later", 3)) == "fq:1:later:3"
    assert MENU.parse("fq:1:for:new") == MenuTap("for")  # as buttons before the codec said it
    for stale in ("fq:0:new", "fq:1:new:3", "fq:1:later:new", "fq:1:open", "fq:1:drop:3"):
        assert MENU.parse(stale) is None
