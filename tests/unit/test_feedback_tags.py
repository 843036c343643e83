"""The feedback tagger: themes from real-sounding replies, and generic form replies."""

from __future__ import annotations

import pytest

from bot.services.feedback_tags import TAGS, focus, read_feedback


@pytest.mark.parametrize(
    ("reply", "tags", "generic"),
    [
        (
            "Your system design answers lacked depth and the examples were a bit vague.",
            ("technical", "examples"),
            False,
        ),
        (
            "The panel felt your answers were rambling; we'd like more concise, structured ones.",
            ("communication",),
            False,
        ),
        (
            "We were looking for someone more senior with 5+ years in fintech.",
            ("experience",),
            False,
        ),
        (
            "Thank you. We have decided to move forward with another candidate whose profile "
            "more closely matches our needs.",
            (),
            True,
        ),
        (
            "Many strong applicants; we went another direction, but your SQL skills impressed us.",
            ("technical",),
            True,
        ),
        ("Tu motivación y el fit cultural fueron buenos.", ("fit",), False),
        ("You seemed NERVOUS and unsure about our product.", ("research", "nerves"), False),
        ("", (), False),
    ],
)
def test_reading_feedback(reply: str, tags: tuple[str, ...], generic: bool) -> None:
    reading = read_feedback(reply)
    assert reading.tags == tags
    assert reading.generic is generic


def test_words_inside_other_words_do_not_match() -> None:
    assert read_feedback("The codename was fitting; startling energy").tags == ("nerves",)
    assert set(TAGS) == {
        "technical",
        "examples",
        "communication",
        "experience",
        "fit",
        "research",
        "nerves",
    }


def test_odd_unicode_and_huge_text_do_not_crash() -> None:
    assert read_feedback("🙂" * 5000 + "\u202e\u200d").tags == ()
    assert "technical" in read_feedback("Téchnical déPTH " * 2000).tags


@pytest.mark.parametrize(
    ("reply", "tag", "words"),
    [
        (
            "They wanted more experience with design systems at scale.",
            "experience",
            "design systems at scale",
        ),
        ("Your answers lacked depth in distributed systems.", "technical", "distributed systems"),
        ("Your system design answers lacked depth.", "technical", "system design"),
        ("More detail on the impact of your work would help.", "examples", "impact of your work"),
        (
            "We needed more examples of stakeholder management and conflict resolution.",
            "examples",
            "stakeholder management",
        ),
        (
            "Someone with hands-on experience in Kubernetes, and clearer answers.",
            "experience",
            "Kubernetes",
        ),
        ("Expérience with Größe-Planung, maybe.", "experience", "Größe-Planung"),
        ("Good communication, but more experience in this role.", "experience", None),
        ("Your research on our product was thin.", "research", None),
        ("The examples were vague.", "examples", None),
        ("More experience with " + "very " * 10 + "big things.", "experience", None),
        ("", "experience", None),
        ("experience with design", "no-such-tag", None),
    ],
)
def test_focus_in_the_feedbacks_own_words(reply: str, tag: str, words: str | None) -> None:
    assert focus(reply, tag) == words


# --- German, Spanish and Russian replies (issue 21) ------------------------------------------


@pytest.mark.parametrize(
    ("reply", "tags", "generic"),
    [
        (
            "Vielen Dank für Ihre Bewerbung. Leider haben wir uns für einen anderen Kandidaten "
            "entschieden, dessen Profil besser zu unseren Anforderungen passt.",
            (),
            True,
        ),
        (
            "Uns fehlte mehr Erfahrung mit Design-Systemen. Ihre Antworten waren sehr "
            "ausführlich, aber wenig strukturiert, und die Fachkenntnisse in SQL eher "
            "oberflächlich.",
            ("technical", "examples", "communication", "experience"),
            False,
        ),
        (
            "Gracias por participar. Hemos decidido continuar con otros candidatos cuyo perfil "
            "se ajusta más a lo que buscamos.",
            (),
            True,
        ),
        (
            "Te faltaron ejemplos concretos y nos hubiera gustado más profundidad técnica en "
            "arquitectura. Se te notaba nervioso.",
            ("technical", "examples", "nerves"),
            False,
        ),
        (
            "Спасибо за интерес к вакансии. К сожалению, мы решили продолжить с другим кандидатом.",
            (),
            True,
        ),
        (
            "Не хватило опыта работы с дизайн-системами, а ответам не хватало конкретных "
            "примеров. Было видно, что вы волновались.",
            ("examples", "experience", "nerves"),
            False,
        ),
    ],
)
def test_reading_feedback_in_other_languages(
    reply: str, tags: tuple[str, ...], generic: bool
) -> None:
    reading = read_feedback(reply)
    assert reading.tags == tags
    assert reading.generic is generic


@pytest.mark.parametrize(
    ("reply", "tag", "words"),
    [
        (
            "Uns fehlte mehr Erfahrung mit Design-Systemen im großen Maßstab.",
            "experience",
            "Design-Systemen im großen Maßstab",
        ),
        (
            "Nos faltó más experiencia con sistemas de diseño a gran escala.",
            "experience",
            "sistemas de diseño a gran escala",
        ),
        (
            "Не хватило опыта работы с дизайн-системами и крупными продуктами.",
            "experience",
            "дизайн-системами",
        ),
        # the employer's "our" is never taken as the person's step
        ("Es fehlte Wissen, Erfahrung mit unserem Produkt.", "experience", None),
        ("Не хватило опыта с нашим продуктом.", "experience", None),
    ],
)
def test_focus_in_other_languages(reply: str, tag: str, words: str | None) -> None:
    assert focus(reply, tag) == words


def test_a_star_in_the_keywords_is_a_word_ending_not_any_text() -> None:
    """ "erfahr*" reads "Erfahrungen", but "опыт*" must not read inside "неопытно" or "попытка"."""
    assert read_feedback("Ihre Erfahrungen passen.").tags[:1] == ("experience",)
    assert "experience" not in read_feedback("Это была хорошая попытка.").tags
