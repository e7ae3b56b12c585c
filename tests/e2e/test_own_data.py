"""The visitor asks about her own data (issue 21): answered from bot/stores/privacy.py, the place
the consent question takes its periods from, also in the middle of the intake."""

import uuid

import pytest


@pytest.mark.parametrize(
    "question",
    [
        "worden mijn berichten bewaard?",
        "hoe lang bewaren jullie mijn gegevens?",
        "slaan jullie dit chatgesprek ergens op",
    ],
)
def test_what_is_kept_and_how_long(assistant, question):
    reply = assistant.ask(f"own-{uuid.uuid4().hex[:8]}", question)
    assert reply.startswith("We bewaren dit gesprek 90 dagen") and "een jaar" in reply


@pytest.mark.parametrize(
    "question", ["ik wil dat jullie mijn gegevens wissen", "hoe laat ik mijn gegevens verwijderen?"]
)
def test_how_to_have_it_erased(assistant, question):
    reply = assistant.ask(f"own-{uuid.uuid4().hex[:8]}", question)
    assert reply.startswith("Dat kan: vraag het ons") and "contactpagina" in reply


def test_a_person_or_a_bot(assistant):
    assert "digitale assistent" in assistant.ask(f"own-{uuid.uuid4().hex[:8]}", "praat ik met een robot?")


def test_asked_at_the_consent_question_it_is_answered_and_the_question_asked_again(assistant):
    sender = f"own-{uuid.uuid4().hex[:8]}"
    for text in (
        "ik zoek een secretaresse",
        "vast",
        "32",
        "1 maart",
        "Bakkerij Smit",
        "Els Smit",
        "els@smit.nl",
        "nee",
    ):
        reply = assistant.ask(sender, text)
    assert "Mogen we deze gegevens bewaren" in reply
    reply = assistant.ask(sender, "hoe lang bewaren jullie dit?")
    assert "We bewaren dit gesprek 90 dagen" in reply and "Mogen we deze gegevens bewaren" in reply
