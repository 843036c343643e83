"""A person whose Telegram is in Spanish meets Rebound in Spanish (issue 21): the welcome, the
time zone question, the time, how often and the all-set message, each compared with the Spanish
catalogue and checked to differ from the English one, on both databases."""

from __future__ import annotations

from datetime import time

from tests.e2e.harness import CONTENT, BotHarness, seen


async def test_a_spanish_speaker_is_onboarded_in_spanish(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    es, en = CONTENT.texts("es"), CONTENT.texts("en")
    user = bot.user(language_code="es-MX")  # a regional variant: Spanish all the same

    await user.send("/start")
    welcome = await user.next_message()
    assert welcome.text == seen(es("onboarding.welcome"))
    assert "No soy terapeuta" in welcome.text and "not a therapist" not in welcome.text
    assert welcome.button_labels() == ["Sí, empecemos", "Ahora no"]
    await user.tap(es("onboarding.buttons.agree"))

    ask_zone = await user.next_message()
    assert ask_zone.text == seen(es("onboarding.ask_timezone"))
    assert ask_zone.text != seen(en("onboarding.ask_timezone"))

    await user.send("Madrid")
    ask_time = await user.next_message()
    ack = es("onboarding.ack_zone", place="Madrid", local_time="13:00", offset="UTC+01:00")
    ask = es("onboarding.ask_time", local_time="13:00")
    assert ask_time.text == seen(ack + "\n\n" + ask)
    assert ask_time.button_labels()[:5] == ["08:00", "09:00", "12:30", "18:00", "20:00"]

    await user.tap("20:00")
    ask_freq = await user.next_message()
    assert ask_freq.text == seen(es("onboarding.ask_frequency"))
    labels = [es(f"onboarding.frequency.{k}") for k in ("daily", "weekdays", "off")]
    assert ask_freq.button_labels() == labels == ["Cada día", "Entre semana", "Sin check-ins"]

    await user.tap("Entre semana")
    done = await user.next_message()
    phrase = es("onboarding.frequency_phrase.weekdays")
    expected = es(
        "onboarding.done", frequency=phrase, checkin_time="20:00", timezone="Madrid, UTC+01:00"
    )
    assert done.text == seen(expected)
    assert done.text.startswith("¡Listo! ✅ Haré el check-in de lunes a viernes a las 20:00")
    assert "all set" not in done.text

    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.timezone == "Europe/Madrid"
    assert stored.checkin_time == time(20, 0) and stored.checkin_frequency == "weekdays"
    assert stored.onboarded_at == bot.clock.now()
