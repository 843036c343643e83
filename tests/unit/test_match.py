"""Job-description matching: real-looking descriptions in several languages, odd input that must
not crash, typed strengths recognised, and the speed the issue sets (< 200 ms, 1,500 words)."""

from __future__ import annotations

import random
import statistics
import time

import pytest

from bot.services import jobmatch, matching
from bot.services.matching import StrengthRef

ENGLISH = """Product Designer, Mobile (Remote, EU)

About us
We help 2 million people budget better. We offer a learning budget, training and 30 days off.

The role
- Own the end-to-end design of our iOS and Android apps
- Run user research and usability testing with real customers

What you'll bring
- 4+ years of product design experience, with a portfolio
- Expert in Figma and prototyping
- Strong communication skills and comfortable presenting to stakeholders
- Experience with design systems
- Fluent English

Benefits
- Home office budget, SQL course of your choice
"""

GERMAN = """Projektleiter (m/w/d) Logistik, Hamburg

Deine Aufgaben
- Planung und Steuerung von Kundenprojekten
- Abstimmung mit Stakeholdern im In- und Ausland

Das bringst du mit
- Abgeschlossenes Studium oder vergleichbare Ausbildung
- Erfahrung im Projektmanagement, idealerweise agil (Scrum)
- Sehr gute Kenntnisse in Excel und SQL
- Kommunikationsfähigkeit und Teamfähigkeit
- Führerschein Klasse B

Wir bieten
- 30 Tage Urlaub, Jobrad
"""

SPANISH = """Analista de Datos Junior - Madrid

Funciones
- Preparar informes y dashboards en Power BI

Requisitos
- Experiencia con SQL y Python
- Análisis de datos y estadística
- Trabajo en equipo y orientación al cliente
- Inglés avanzado
"""

JAPANESE = """【募集職種】データアナリスト

【業務内容】
・データ分析とレポート作成

【応募資格】
・SQLとPythonの実務経験
・コミュニケーション能力
・チームワークを大切にできる方
"""


def skills(result: matching.MatchResult) -> set[str]:
    return set(result.mentions)


def test_english_description_against_strengths() -> None:
    mine = [
        StrengthRef(1, "Figma", matching.identify("Figma")),
        StrengthRef(2, "public speaking", matching.identify("public speaking")),
        StrengthRef(3, "design systems at scale", None),
        StrengthRef(4, "Bookkeeping", matching.identify("Bookkeeping")),
    ]
    assert [s.skill for s in mine] == ["design_tools", "presentation", None, "finance"]
    result = matching.match(ENGLISH, mine)
    assert {"design_tools", "mobile", "ux_design", "communication", "stakeholder_management"} <= (
        skills(result)
    )
    assert "sql" not in skills(result)  # only mentioned under Benefits
    assert "teaching" not in skills(result)  # "training" is in About us
    asked = [s.text for s in result.asked]
    assert asked[:2] == ["Figma", "public speaking"]
    assert "Bookkeeping" not in asked
    assert "design systems at scale" not in asked  # close, but not what the line says
    assert "communication" in result.gaps and "design_tools" not in result.gaps
    assert result.other == [
        "4+ years of product design experience, with a portfolio",
        "Experience with design systems",
    ]


def test_own_words_strength_found_in_the_text() -> None:
    mine = [StrengthRef(1, "design systems", None), StrengthRef(2, "Usability-Testing", None)]
    result = matching.match(ENGLISH, mine)
    assert [s.text for s in result.asked] == ["design systems", "Usability-Testing"]
    assert "Experience with design systems" not in result.other  # covered by their strength


def test_german_description_with_german_stemming() -> None:
    lang = matching.stemmer_language("de-AT")
    assert lang == "german"
    result = matching.match(GERMAN, [StrengthRef(1, "SQL", "sql")], lang)
    assert {
        "project_management",
        "agile",
        "excel",
        "sql",
        "communication",
        "teamwork",
        "driving",
        "stakeholder_management",
    } <= skills(result)
    assert [s.text for s in result.asked] == ["SQL"]
    assert result.other == ["Abgeschlossenes Studium oder vergleichbare Ausbildung"]


def test_spanish_description() -> None:
    result = matching.match(SPANISH, [], matching.stemmer_language("es"))
    assert {"sql", "python", "data_analysis", "statistics", "teamwork", "customer_focus"} <= (
        skills(result)
    )
    assert "bi_tools" in skills(result)


def test_japanese_description_without_spaces() -> None:
    result = matching.match(JAPANESE, [], matching.stemmer_language("ja"))
    assert {"sql", "python", "data_analysis", "communication", "teamwork"} <= skills(result)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t",
        "🙂" * 2000,
        "\u200b\u202e\u0000\ufeff" * 300,
        "ｓｑｌ" * 50,
        "a" * 20_000,
        "Требования:\n- опыт работы с SQL\n- английский язык",
        "متطلبات: خبرة في بايثون و SQL",
        "要求：熟悉 Python 和 SQL，良好的沟通能力",
        "ข้อกำหนด: มีประสบการณ์ SQL",
        "\ud800 lone surrogate? no: " + "x\u0301" * 100,
        "Requirements:\n" + "- \n" * 500,
        "ÄÖÜ ß İstanbul ǅ ﬁ ﬀ Ⅻ ⁵ ½",
    ],
)
def test_odd_text_never_crashes(text: str) -> None:
    for language in ("english", "german", "russian", "arabic", "english"):
        result = matching.match(text, [StrengthRef(1, "SQL", "sql")], language)
        assert result.words >= 0
        message = jobmatch.result_message(result, has_strengths=True, read_part=False)
        assert message.key in ("match.nothing_found", "common.lines")


def test_unknown_languages_fall_back_to_english() -> None:
    for code in (None, "", "xx", "ja", "zh-hans", "en-GB", "pt-BR"):
        assert matching.stemmer_language(code) in ("english", "portuguese")
    assert matching.stemmer_language("pt-BR") == "portuguese"


def test_identify_typed_strengths() -> None:
    assert matching.identify("stakeholder managment") == "stakeholder_management"
    assert matching.identify("Public Speaking") == "presentation"
    assert matching.identify("SQL reporting for the finance team") is None
    assert matching.identify("🙂") is None
    assert matching.identify("Kommunikationsfähigkeit", "german") == "communication"


def test_praise_in_feedback_suggests_only_strengths() -> None:
    text = "Your SQL was strong and we liked your communication. We needed more Python depth."
    assert set(matching.praised_skills(text)) == {"sql", "communication"}


def test_talking_points_are_two_or_three() -> None:
    mine = [
        StrengthRef(1, "Figma", "design_tools"),
        StrengthRef(2, "Public speaking", "presentation"),
    ]
    result = matching.match(ENGLISH, mine)
    points = jobmatch.talking_points(result)
    assert 2 <= len(points) <= 3
    assert [p.key for p in points] == [
        "match.point.strength",
        "match.point.strength",
        "match.point.gap",
    ]
    assert jobmatch.talking_points(matching.match(ENGLISH, []))[0].key == "match.point.gap"


def _description(words: int, seed: int) -> str:
    """A long, realistic-shaped description: headings, bullets, skills and filler."""
    rng = random.Random(seed)
    filler_text = (
        "we are a growing team that values ownership curiosity and kindness you will work "
        "closely with engineers designers and customers to ship features that matter across "
        "our platform and help shape how we build products in the years ahead"
    )
    filler = filler_text.split()
    skills_words = [
        "SQL",
        "Python",
        "stakeholder management",
        "communication skills",
        "Kubernetes",
        "A/B testing",
        "Figma",
        "project management",
        "attention to detail",
        "Power BI",
    ]
    lines = ["Senior Analyst", "", "What you'll do"]
    count = 0
    section = 0
    while count < words:
        if count > words * (section + 1) / 4 and section < 3:
            section += 1
            lines += ["", ("Requirements", "Nice to have", "Benefits")[section - 1]]
        size = rng.randint(8, 20)
        chunk = [rng.choice(filler) for _ in range(size)]
        chunk.insert(rng.randrange(size), rng.choice(skills_words))
        lines.append("- " + " ".join(chunk))
        count += size + 1
    return "\n".join(lines)


@pytest.mark.slow
def test_match_is_fast_for_1500_words() -> None:
    text = _description(1500, seed=8)
    assert 1450 <= len(text.split()) <= 1700
    mine = [
        StrengthRef(i, t, matching.identify(t))
        for i, t in enumerate(
            [
                "SQL",
                "Python",
                "public speaking",
                "mentoring juniors",
                "Figma prototypes",
                "conflict resolution",
                "explaining complex things simply",
                "Excel",
                "Go",
            ]
        )
    ]
    for language in ("english", "german", "japanese"):
        matching.match(text, mine, matching.stemmer_language(language))  # warm the caches
    timings = []
    for seed in range(7):
        text = _description(1500, seed=seed)
        started = time.process_time()  # CPU time: other work on the machine does not count
        result = matching.match(text, mine)
        timings.append(time.process_time() - started)
        assert result.asked and result.gaps
    assert statistics.median(timings) < 0.2, timings
    assert max(timings) < 0.4, timings  # one slow run on a busy machine is not a failure
    cold_started = time.process_time()
    matching._compiled.cache_clear()
    matching.match(_description(1500, seed=99), mine, "spanish")  # vocabulary built on the way
    assert time.process_time() - cold_started < 0.4


DESIGNER = """Senior Product Designer

Requirements:
- Excellent communication with engineers and product managers
- Experience running user research and usability tests
- Operational excellence and a calm approach to deadlines
"""


def test_excellent_is_not_excel() -> None:
    result = matching.match(DESIGNER, [StrengthRef(1, "Communication", "communication")])
    assert "excel" not in skills(result)
    assert "excel" not in result.gaps
    assert [s.text for s in result.asked] == ["Communication"]
    assert matching.skills_in("Excellent communication") == {"communication": 1}
    assert matching.skills_in("Advanced Excel and spreadsheets") == {"excel": 2}
    assert set(matching.praised_skills("Your communication was excellent.")) == {"communication"}


def test_a_strength_inside_a_longer_phrase_counts() -> None:
    mine = [StrengthRef(1, "Research", matching.identify("Research"))]
    assert mine[0].skill == "research"
    result = matching.match(DESIGNER, mine)
    assert [s.text for s in result.asked] == ["Research"]
    assert "research" not in result.gaps  # it is theirs, and "user research" is still UX
    assert "ux_design" in result.gaps
    own_words = matching.match(DESIGNER, [StrengthRef(2, "user research", None)])
    assert [s.text for s in own_words.asked] == ["user research"]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("test", "testing", True),
        ("plan", "planning", True),
        ("communicate", "communication", True),
        ("wireframe", "wireframes", True),
        ("excel", "excellent", False),
        ("excel", "excellence", False),
        ("account", "accountant", False),
    ],
)
def test_same_word_in_another_form(a: str, b: str, same: bool) -> None:
    endings = matching.vocabulary().endings["english"]
    assert matching.same_word(a, b, endings) is same
    assert matching.same_word(a, b, None) is True  # a language without endings: stems decide


def test_gaps_are_framed_as_things_to_prepare() -> None:
    result = matching.match(ENGLISH, [StrengthRef(1, "Bookkeeping", "finance")])
    message = jobmatch.result_message(result, has_strengths=True, read_part=False)
    keys = [ref.key for ref in message.params["lines"].items]  # type: ignore[attr-defined]
    assert "match.prepare_first" in keys
    assert "match.gaps" in keys


# --- Skills in the person's language (issue 21) ------------------------------------------------

RUSSIAN_AD = """Продуктовый дизайнер

Требования:
- опыт работы с дизайн-системами
- навыки управления проектами и работы со стейкхолдерами
- уверенное владение Figma
- английский язык на уровне B2
"""
GERMAN_AD = """Projektleiter (m/w/d)

Dein Profil:
- Erfahrung im Projektmanagement
- Sehr gute Kommunikationsfähigkeit und Teamfähigkeit
- Kenntnisse in SQL und Datenanalyse
"""
SPANISH_AD = """Analista de operaciones

Requisitos:
- Experiencia en gestión de proyectos
- Dominio de Excel y análisis de datos
- Capacidad de trabajo en equipo y orientación al cliente
"""


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            RUSSIAN_AD,
            "russian",
            {
                "ux_design",
                "project_management",
                "stakeholder_management",
                "design_tools",
                "languages",
            },
        ),
        (
            GERMAN_AD,
            "german",
            {"project_management", "communication", "teamwork", "sql", "data_analysis"},
        ),
        (
            SPANISH_AD,
            "spanish",
            {
                "project_management",
                "excel",
                "data_analysis",
                "teamwork",
                "customer_focus",
                "operations",
            },
        ),
    ],
)
def test_job_ads_in_russian_german_and_spanish(
    text: str, language: str, expected: set[str]
) -> None:
    assert set(matching.skills_in(text, language)) == expected


@pytest.mark.parametrize(
    ("typed", "language", "skill"),
    [
        ("управление проектами", "russian", "project_management"),
        ("дизайн-системы", "russian", "ux_design"),
        ("стрессоустойчивость", "russian", "resilience"),
        ("Projektmanagement", "german", "project_management"),
        ("Belastbarkeit", "german", "resilience"),
        ("gestión de proyectos", "spanish", "project_management"),
        ("trabajo en equipo", "spanish", "teamwork"),
    ],
)
def test_strengths_typed_in_other_languages_are_recognised(
    typed: str, language: str, skill: str
) -> None:
    assert matching.identify(typed, language) == skill


def test_a_german_job_ad_shows_its_gaps_in_german() -> None:
    """Phrases from phrases_in find the skills; the labels are the German catalogue's."""
    from bot.content import load_content
    from bot.render import Renderer

    result = matching.match(GERMAN_AD, [StrengthRef(1, "SQL", "sql")], "german")
    assert "project_management" in result.gaps
    message = jobmatch.result_message(result, has_strengths=True, read_part=False)
    de = load_content().texts("de")
    text = Renderer(de).text(message)
    assert de("skills.project_management") in text and "Project management" not in text


def test_a_function_word_is_never_a_skill() -> None:
    """Short phrases stem to words like "и" (and): none may make a sentence of them a skill."""
    sentences = {
        "russian": "и в с на по о а но или от до для",
        "german": "und in mit auf von zu der die das ein",
        "spanish": "y en con de la el los las un una por para",
    }
    for language, text in sentences.items():
        assert not matching.skills_in(text, language), language


@pytest.mark.parametrize(
    ("reply", "language", "praised"),
    [
        (
            "Нам очень понравилось, как вы провели презентацию. Но не хватило опыта в "
            "управлении проектами.",
            "russian",
            {"presentation"},
        ),
        (
            "Сильная сторона — коммуникация и работа в команде.",
            "russian",
            {"communication", "teamwork"},
        ),
        (
            "Ihre Kommunikation war überzeugend. Leider fehlte uns Erfahrung im Projektmanagement.",
            "german",
            {"communication"},
        ),
        (
            "Destacamos tu trabajo en equipo. Sin embargo, faltó experiencia en gestión de "
            "proyectos.",
            "spanish",
            {"teamwork"},
        ),
    ],
)
def test_praise_in_other_languages_names_only_what_went_well(
    reply: str, language: str, praised: set[str]
) -> None:
    """The "they also named what worked" line: the sentence with a gap is never read as praise."""
    assert set(matching.praised_skills(reply, language)) == praised
