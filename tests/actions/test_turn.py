"""One message read once (actions/turn.py): the roles it names or points back at, the question
it asks, and what it adds to the conversation."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerRole, ActionNotInKnowledge
from tests.helpers import first, run, tracker
from tests.rendered import rendered, texts


def test_role_found_in_text_when_entity_missed():
    messages, _ = run(ActionAnswerRole(), tracker("taken van een directiesecretaresse", "ask_tasks"))
    assert texts(messages).startswith("De taken van een secretaresse")


@pytest.mark.parametrize("text, intent, heading", [
    ("wat doet een offfice manger", "ask_definition", "Wat doet een office manager?"),
    ("taken secr?", "ask_tasks", "De taken van een secretaresse"),
])
def test_misspelled_roles_are_our_roles(text, intent, heading):
    messages, _ = run(ActionAnswerRole(), text, intent)
    assert first(messages).startswith(heading)


@pytest.mark.parametrize("text", ["en de ander?", "hoe zit dat bij de andere functie?", "en voor de andere rol"])
def test_the_other_role_is_the_one_not_in_focus(text):
    messages, events = run(ActionAnswerRole(), tracker(text, "inform_role", aspect="opleiding", role="secretaresse"))
    assert texts(messages).startswith("Opleiding en ervaring van een office manager")
    assert SlotSet("role", "office_manager") in events
    messages, _ = run(ActionAnswerRole(), tracker(text, "inform_role", aspect="opleiding", role="office_manager"))
    assert texts(messages).startswith("Opleiding en ervaring van een secretaresse")


def test_die_after_a_verb_points_back_at_the_role_in_focus():
    messages, _ = run(ActionNotInKnowledge(), "wat doet die verder nog?", "out_of_scope", role="secretaresse")
    assert "secretaresse" in first(messages).lower() and "niet in mijn kennis" not in first(messages)


def test_a_short_message_names_its_topic_in_its_words():
    tracker = Tracker(sender_id="test", slots={}, latest_message={
        "text": "om leiding?", "intent": {"name": "ask_education", "confidence": 0.9},
        "entities": [{"entity": "role", "value": "office_manager", "start": 0, "end": 2}]},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name=None)
    dispatcher = CollectingDispatcher()
    ActionAnswerRole().run(dispatcher, tracker, domain={})
    # the NLU's entity "om" counts at the start of a short message, and "leiding" names the topic
    assert rendered(dispatcher.messages)[0]["text"].startswith("Competenties van een office manager")
