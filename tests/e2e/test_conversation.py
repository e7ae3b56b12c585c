"""Whole conversations against the real servers (issue 21): a situation told first, a
follow-up that points back, a pasted vacancy text, a candidate who describes herself."""

import uuid


def talk(assistant, *messages):
    sender = f"conv-{uuid.uuid4().hex[:8]}"
    return [assistant.ask(sender, message) for message in messages]


def test_a_situation_first_then_the_work_then_a_question_about_zo_iemand(assistant):
    first, advice, follow_up = talk(
        assistant,
        "wij zijn een klein notariskantoor",
        "de notaris heeft hulp nodig bij zijn agenda, de post en het uitwerken van brieven. geen leidinggevende taken.",
        "kan zo iemand later ook het secretariaat aansturen?",
    )
    assert "Waarmee kan ik je helpen?" in first and "niet mee helpen" not in first
    assert "Vaste of een tijdelijke" not in first  # telling is not asking for the intake
    assert advice.startswith("Dat klinkt als een secretaresse.")
    assert "office manager" in follow_up and "leiding" in follow_up.lower()


def test_the_other_role(assistant):
    _, other, back = talk(
        assistant,
        "welke opleiding vraagt men voor een secretaresse?",
        "en de ander?",
        "hoe zit dat bij de andere functie?",
    )
    assert other.startswith("Opleiding en ervaring van een office manager")
    assert back.startswith("Opleiding en ervaring van een secretaresse")


def test_a_pasted_vacancy_text(assistant):
    vacancy = (
        "Kunnen jullie zeggen welke functie dit is? Voor ons architectenbureau zoeken we een collega die de "
        "spil van het kantoor wordt. Je beheert het kantoorbudget en de inkoop, onderhoudt de contacten met "
        "leveranciers en het schoonmaakbedrijf, werft nieuwe collega's en stuurt het secretariaat aan. Je "
        "hebt een hbo-opleiding en een aantal jaren ervaring, je werkt zelfstandig en neemt beslissingen. "
        "Wij bieden een mooi salaris, een fijne werkplek en goede secundaire arbeidsvoorwaarden. "
    ) * 3
    assert 1000 < len(vacancy) <= 4000
    [answer] = talk(assistant, vacancy)
    assert answer.startswith("Dat klinkt als een office manager.") and "Over het andere deel" not in answer


def test_a_candidate_with_mbo_and_no_experience(assistant):
    [answer] = talk(
        assistant, "ik heb mbo 4 gedaan en nog geen kantoorervaring, welke functie past het best bij mij?"
    )
    assert answer.startswith("Dan past de functie secretaresse goed bij je.")
    assert "Een office manager past minder bij wat je vertelt" in answer


def test_what_a_candidate_told_over_several_messages_weighs_in_the_advice(assistant):
    first, second, advice = talk(
        assistant,
        "hoi, ik heb mbo niveau 4 gedaan",
        "ik hou van plannen en alles netjes regelen, maar mensen aansturen lijkt me niks",
        "welke functie past bij mij?",
    )
    assert "niet mee helpen" not in first and "niet in mijn kennis" not in first
    assert advice.startswith("Dan past de functie secretaresse goed bij je.")
    assert "office manager past minder" in advice  # the mbo told in the first message speaks against it


def test_a_typed_yes_to_the_offer_of_a_request_starts_the_intake(assistant):
    advice, yes = talk(
        assistant, "we zoeken iemand die de agenda bijhoudt en notuleert, wat past daarbij?", "ja graag"
    )
    assert (
        advice.startswith("Dat klinkt als een secretaresse.")
        and "Wil je dat 2ASSISTU iemand voor je zoekt?" in advice
    )
    assert "Voor welke functie zoek je iemand?" in yes  # the intake's first question
    assert "niet mee helpen" not in yes


def test_a_typed_no_to_the_offer_is_taken_for_an_answer(assistant):
    _, no, question = talk(
        assistant,
        "we zoeken iemand die het kantoor runt en het team aanstuurt, welke functie is dat?",
        "nee hoor",
        "wat doet een secretaresse?",
    )
    assert no.startswith("Prima, dan niet.")
    assert question.startswith("Wat doet een secretaresse?")


def test_a_yes_to_nothing_asked_is_not_taken_for_a_question(assistant):
    _, yes = talk(assistant, "wat doet een secretaresse", "ja")
    assert yes.startswith("Waarmee kan ik je verder helpen?")
