"""Custom actions on trackers built in code: no server needed."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (ActionAnswerAgency, ActionAnswerDifference, ActionAnswerRole,
                             ActionNotInKnowledge)


def tracker(text, intent, roles=(), **slots):
    entities = [{"entity": "role", "value": r} for r in roles]
    return Tracker(
        sender_id="test", slots=slots, latest_message={
            "text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name=None)


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, domain={})
    return dispatcher.messages, events


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def test_definition_of_office_manager():
    messages, events = run(ActionAnswerRole(), tracker("wat doet een office manager", "ask_definition",
                                                       roles=["office manager"]))
    assert "kantoor" in texts(messages)
    assert SlotSet("aspect", "definitie") in events
    assert SlotSet("role", "office manager") in events


def test_bare_role_follow_up_keeps_the_aspect():
    messages, events = run(ActionAnswerRole(), tracker("en een secretaresse?", "inform_role",
                                                       roles=["secretaresse"], aspect="opleiding",
                                                       role="office manager"))
    answer = texts(messages)
    assert answer.startswith("Opleiding en ervaring van een secretaresse")
    assert "basale" in answer
    assert SlotSet("role", "secretaresse") in events


def test_aspect_question_without_role_uses_role_in_focus():
    messages, _ = run(ActionAnswerRole(), tracker("welke opleiding is daarvoor nodig?", "ask_education",
                                                  role="secretaresse"))
    assert "secretaresse" in texts(messages).splitlines()[0]


def test_role_found_in_text_when_entity_missed():
    messages, _ = run(ActionAnswerRole(), tracker("taken van een directiesecretaresse", "ask_tasks"))
    assert texts(messages).startswith("De taken van een secretaresse")


def test_two_roles_in_one_question_get_both_answers():
    messages, _ = run(ActionAnswerRole(), tracker("welke opleiding hebben office manager en secretaresse",
                                                  "ask_education"))
    assert len(messages) == 2 and "HBO" in texts(messages) and "basale" in texts(messages)


def test_no_role_at_all_asks_which_with_buttons():
    messages, _ = run(ActionAnswerRole(), tracker("welke competenties zijn nodig", "ask_competencies"))
    assert messages[0]["text"] == "Over welke functie wil je het weten?"
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ['/ask_competencies{"role": "office manager"}',
                        '/ask_competencies{"role": "secretaresse"}']


@pytest.mark.parametrize("text, expected, aspect", [
    ("verschil in competenties", "leiderschap", "competenties"),
    ("wie heeft meer autonomie?", "toezicht", "zelfstandigheid"),
    ("wat is het verschil tussen die twee", "Office manager:", "definitie"),
])
def test_difference(text, expected, aspect):
    messages, events = run(ActionAnswerDifference(), tracker(text, "ask_difference"))
    assert expected in texts(messages)
    assert "Secretaresse:" in texts(messages)
    assert events == [SlotSet("aspect", aspect), SlotSet("comparing", True)]


def test_agency_contact_and_offer():
    contact, _ = run(ActionAnswerAgency(), tracker("hoe bereik ik jullie", "ask_contact"))
    offer, _ = run(ActionAnswerAgency(), tracker("wat doen jullie", "ask_agency"))
    assert "contact" in texts(contact).lower()
    assert "tijdelijk" in texts(offer).lower()


def test_not_in_knowledge_is_honest_and_offers_questions_and_contact():
    messages, _ = run(ActionNotInKnowledge(), tracker("wat verdient een secretaresse", "out_of_scope"))
    assert "niet in mijn kennis" in messages[0]["text"]
    assert len(messages[0]["buttons"]) == 3
    assert "contact" in messages[1]["text"].lower()
