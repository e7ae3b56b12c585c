"""The agency and the assistant itself (actions/answers/assistant.py): what the agency offers and
how to reach it, what is kept of the visitor and how to have it erased, what the assistant can
do, the request for a pasted text. Through the answer actions."""

from actions.actions import ActionAnswerAgency, ActionAnswerRole, ActionNotInKnowledge
from tests.helpers import first, run, tracker
from tests.rendered import texts


def test_a_price_asked_of_the_agency_is_honest_and_offers_contact(log_db):
    messages, _ = run(ActionAnswerAgency(), tracker("zijn jullie duur?", "ask_agency"))
    assert "niet in mijn kennis" in messages[0]["text"]
    assert "contact" in texts(messages).lower() and "hospitality" not in texts(messages)


def test_a_question_about_the_agency_without_a_role_is_answered_about_the_agency():
    messages, _ = run(ActionAnswerRole(), tracker("wat doet dit bureau eigenlijk", "ask_definition"))
    assert "2ASSISTU" in texts(messages) and "over welke functie" not in texts(messages).lower()


def test_agency_contact_and_offer():
    contact, _ = run(ActionAnswerAgency(), tracker("hoe bereik ik jullie", "ask_contact"))
    offer, _ = run(ActionAnswerAgency(), tracker("wat doen jullie", "ask_agency"))
    assert "contact" in texts(contact).lower()
    assert "tijdelijk" in texts(offer).lower()


def test_candidate_asking_for_jobs_gets_an_honest_answer_and_the_contact():
    from actions.actions import ActionAnswerAgency

    messages, _ = run(
        ActionAnswerAgency(), "zijn er bij jullie banen als secretaresse vrij in Amsterdam?", "ask_vacancies"
    )
    assert "niet in mijn kennis" in first(messages)
    assert "contact" in messages[-1]["text"]


def test_the_address_is_honestly_unknown_with_the_contact_details():
    from actions.actions import ActionAnswerAgency

    messages, _ = run(ActionAnswerAgency(), "wat is jullie adres? wil ff langskomen", "ask_contact")
    text = "\n".join(m["text"] for m in messages)
    assert "niet in mijn kennis" in text and "020" in text


def test_privacy_is_answered_with_the_periods_the_consent_question_names(monkeypatch):
    from actions.actions import ActionAnswerPrivacy
    from bot.stores import privacy

    monkeypatch.setenv("RETENTION_CONVERSATIONS_DAYS", "30")
    monkeypatch.delenv("PRIVACY_URL", raising=False)

    def said(text, intent):
        return "\n".join(m["text"] for m in run(ActionAnswerPrivacy(), tracker(text, intent=intent))[0])

    answer = said("hoe lang bewaren jullie mijn gegevens?", "ask_privacy")
    assert answer.startswith("We bewaren dit gesprek 30 dagen") and "een jaar" in answer
    assert "30 dagen" in privacy.consent_question()  # the same place
    assert "Privacy en bewaartermijn" in answer
    monkeypatch.setenv("PRIVACY_URL", "https://www.2assistu.nl/privacy")
    erase = said("verwijder mijn gegevens", "ask_erasure")
    assert erase.startswith("Dat kan: vraag het ons") and "https://www.2assistu.nl/privacy" in erase
    assert "contactpagina" in erase.splitlines()[-1]  # how to reach the agency, from the knowledge file


def test_a_yes_to_nothing_asked_gets_what_the_assistant_can_do():
    messages, _ = run(ActionNotInKnowledge(), "ja", "affirm")
    assert first(messages).startswith("Waarmee kan ik je verder helpen?")


def test_which_role_is_this_before_any_text_asks_for_the_text():
    messages, _ = run(
        ActionNotInKnowledge(), "ik heb een vacature, kun jij zeggen welke functie dit is?", "nlu_fallback"
    )
    assert first(messages).startswith("Plak de vacaturetekst")
