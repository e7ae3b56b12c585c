"""The handoff actions (actions/handoff.py) on trackers built in code: asking who answers is
not asking for a person; a callback without consent keeps no personal answers."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionAskHuman, ActionCallbackResult
from tests.helpers import tracker


def test_a_callback_without_consent_has_its_personal_answers_removed():
    slots = {
        "contact_name": "Anna",
        "contact": "06 12345678",
        "callback_question": "over een vacature",
        "consent": False,
        "intake_id": "abc",
    }
    dispatcher = CollectingDispatcher()
    events = ActionCallbackResult().run(dispatcher, tracker("nee", "deny", **slots), {})
    removed = next(e for e in events if e.get("name") == "personal_data_removed")["value"]
    assert removed["intake_id"] == "abc" and {"contact_name", "contact", "callback_question"} <= set(
        removed["slots"]
    )
    said = [m.get("response") for m in dispatcher.messages]
    assert "utter_callback_not_stored" in said and "utter_personal_data_removed" in said


@pytest.mark.parametrize(
    "text, response",
    [
        ("spreek ik met een medewerker of met een bot?", "utter_bot_challenge"),
        ("Ben ik nu aan het chatten met een medewerker van 2ASSISTU?", "utter_bot_challenge"),
        (
            "kan ik een medewerker spreken?",
            "utter_callback_offer",
        ),  # nobody is in (tests/actions/conftest.py)
    ],
)
def test_asking_who_answers_is_not_asking_for_a_person(text, response):
    dispatcher = CollectingDispatcher()
    ActionAskHuman().run(dispatcher, tracker(text, "ask_human"), {})
    assert dispatcher.messages[0]["response"] == response
