"""What kind of answer a turn needs (actions/decide.py): decide() on Turns read from trackers built
in code, and the answers that show the decision through the answer actions (the same words get
the same kind of answer whichever action Rasa picked)."""
import pytest
from rasa_sdk.events import SlotSet

from actions.actions import (KNOWLEDGE, ActionAnswerAgency, ActionAnswerDifference, ActionAnswerRole,
                             ActionNotInKnowledge, ActionRoleAdvice)
from tests.helpers import first, run, tracker
from tests.rendered import texts


def test_one_role_taken_for_a_comparison_is_answered_about_that_role():
    messages, events = run(ActionAnswerDifference(), tracker("aan wie rapporteert een office manager",
                                                             "ask_difference", roles=["office manager"]))
    assert texts(messages) == KNOWLEDGE.role_answer("office_manager", "definitie")
    assert SlotSet("role", "office_manager") in events


def test_a_person_in_the_story_does_not_hide_the_role_in_focus(log_db):
    messages, events = run(ActionAnswerRole(), tracker("en werkt ze dan voor de directeur?",
                                                       "ask_tasks", role="secretaresse"))
    assert "geen informatie over de functie" not in texts(messages)
    assert "secretaresse" in texts(messages).lower() and SlotSet("role", "secretaresse") in events


@pytest.mark.parametrize("text, role, start", [
    ("welke opleiding is daarvoor nodig?", "secretaresse", "Opleiding en ervaring van een secretaresse"),
    ("welke vaardigheden vraagt die functie", "office manager", "Competenties van een office manager"),
    ("welke competenties horen daar dan bij?", "secretaresse", "Competenties van een secretaresse"),
])
def test_off_topic_guess_for_a_follow_up_about_the_role_in_focus_is_answered(log_db, text, role, start):
    messages, events = run(ActionNotInKnowledge(), tracker(text, "out_of_scope", role=role))
    assert texts(messages).startswith(start)
    assert SlotSet("role", role.replace(" ", "_")) in events  # the key, also when the slot held the name


@pytest.mark.parametrize("action, text, intent", [
    (ActionAnswerDifference(), "wie wordt er dit jaar kampioen van de eredivisie denk je?", "ask_difference"),
    (ActionAnswerDifference(), "wie verdient er meer?", "ask_difference"),
    (ActionAnswerRole(), "wat vind je van de nieuwe regering", "ask_definition"),
])
def test_knowledge_intent_with_off_topic_words_gets_the_honest_answer(log_db, action, text, intent):
    messages, _ = run(action, tracker(text, intent, role="secretaresse"))
    assert "niet in mijn kennis" in messages[0]["text"]


def test_a_pasted_vacancy_text_is_read_as_a_description_not_as_yes_no_questions():
    vacancy = ("Welke functie is dit? Wij zoeken iemand die het kantoorbudget bewaakt, de inkoop en de contacten met "
               "leveranciers regelt, nieuwe collega's werft en het secretariaat aanstuurt. Heb je een hbo-diploma en "
               "een paar jaar ervaring? Dan zoeken we jou. Je bent zelfstandig, kunt goed plannen en communiceren, "
               "en je houdt van afwisseling. Wij bieden een fijne werkplek in het centrum van de stad.")
    messages, _ = run(ActionRoleAdvice(), tracker(vacancy, "hire_advice"))
    answer = texts(messages)
    assert answer.startswith("Dat klinkt als een office manager") and "Over het andere deel" not in answer


def test_a_fact_question_taken_for_advice_gets_the_fact():
    messages, _ = run(ActionRoleAdvice(), "kan een office manager leiding geven aan een team?", "hire_advice")
    assert first(messages).startswith("Ja")


def test_a_fact_question_taken_for_off_topic_gets_the_fact():
    messages, _ = run(ActionNotInKnowledge(), "doet een secretaresse ook de boekhouding?", "out_of_scope")
    assert "office manager" in first(messages) and "Budget" in first(messages)


def test_a_statement_about_herself_the_nlu_was_unsure_of_is_kept_not_refused():
    messages, events = run(ActionNotInKnowledge(), "hoi, ik heb een hbo-diploma en werk graag met mensen", "nlu_fallback")
    assert "niet in mijn kennis" not in first(messages)
    assert SlotSet("told", ["hoi, ik heb een hbo-diploma en werk graag met mensen"]) in events


@pytest.mark.parametrize("question, opening, fact", [
    ("stuurt een office manager ook mensen aan?",
     "Nee, dat hoort niet bij een secretaresse, maar bij de office manager", "aansturen"),
    ("mag een office manager zelf beslissingen nemen?", "Nee, meestal niet.", "instructies"),
    ("moet een office manager strategisch kunnen denken?", "Nee, meestal niet.", "operationele"),
])
def test_a_role_named_after_a_yes_no_question_gets_the_same_question(question, opening, fact):
    first_answer, events = run(ActionAnswerRole(), question, "ask_responsibilities")
    assert first(first_answer).startswith("Ja") and SlotSet("question", question) in events
    slots = {e["name"]: e["value"] for e in events}
    messages, _ = run(ActionAnswerRole(), "en een secretaresse?", "inform_role", **slots)
    assert first(messages).startswith(opening) and fact in first(messages)


def test_the_question_just_answered_asked_about_the_other_role():
    messages, _ = run(ActionAnswerRole(), "doet de office manager dat ook?", "ask_tasks", role="secretaresse",
                      question="maakt een secretaresse de notulen?")
    assert first(messages).startswith("Nee") and "notul" in first(messages).lower()


def test_a_role_and_ook_asks_the_question_just_answered_about_her():
    messages, _ = run(ActionAnswerRole(), "secr ook?", "ask_tasks", role="office_manager",
                      question="beheert een office manager het budget?")
    assert first(messages).startswith("Nee")


def test_a_pasted_text_is_advised_on_whatever_the_nlu_made_of_it():
    text = ("Wij zoeken een collega die de agenda van de directeur beheert, vergaderingen voorbereidt en notuleert, "
            "de telefoon aanneemt en de correspondentie verzorgt. Je werkt onder aansturing van de directeur. ") * 3
    messages, events = run(ActionAnswerAgency(), text + "Wat voor rol is dit?", "ask_agency")
    assert first(messages).startswith("Dat klinkt als een secretaresse.")


def test_why_not_the_other_role_after_advice_gets_the_advice_with_its_reasons():
    told = ["ik heb mbo niveau 4 en geen kantoorervaring"]
    messages, _ = run(ActionAnswerRole(), "Waarom niet office manager dan?", "ask_definition", told=told,
                      visitor="kandidaat")
    assert first(messages).startswith("Dan past de functie secretaresse")
    assert "office manager past minder" in "\n".join(m["text"] for m in messages)


def test_why_after_advice_gets_the_reasons_again():
    told = ["ik heb mbo niveau 4 en geen kantoorervaring"]
    messages, _ = run(ActionNotInKnowledge(), "waarom?", "nlu_fallback", told=told, visitor="kandidaat")
    assert first(messages).startswith("Dan past de functie secretaresse")


def test_a_price_asked_off_the_subject_is_the_agency_honesty():
    messages, _ = run(ActionNotInKnowledge(), "en wat kost dat?", "out_of_scope")
    assert "niet in mijn kennis" in first(messages)
