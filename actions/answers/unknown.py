"""Honest answers: the file does not say it (with what it can answer), a section the search
found for an unsure question, or a request to rephrase what could not be read."""

from typing import Any, Dict, List

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.loaded import KNOWLEDGE
from actions.turn import Turn, focus_events

# The quick replies under "I don't know that": what each role does, and the difference.
SUGGESTIONS = [
    {
        "title": KNOWLEDGE.heading(role, "definitie"),
        "payload": f'/{KNOWLEDGE.aspects["definitie"].intent}{{"role": "{role}"}}',
    }
    for role in KNOWLEDGE.roles
] + [{"title": KNOWLEDGE.phrase("difference_button"), "payload": "/ask_difference"}]


def not_in_knowledge(
    out: CollectingDispatcher, turn: Turn, response: str, offer_contact: bool, values: Dict[str, Any]
) -> List[Dict[str, Any]]:
    """The domain response `response` (filled with `values`) with the suggestions below it."""
    out.utter_message(response=response, buttons=SUGGESTIONS, **values)
    if offer_contact:
        out.utter_message(text=KNOWLEDGE.agency_answer("contact"))
    # "wat verdient een office manager?" ... "en een secretaresse?" asks the same, and gets the same honesty
    return [SlotSet("question", turn.text)] if turn.roles else []


def search_hit(out: CollectingDispatcher, turn: Turn, document) -> List[Dict[str, Any]]:
    """A section the search found, introduced as such."""
    out.utter_message(response="utter_search_lead")
    if document.kind == "role":
        role, aspect = document.key
        out.utter_message(text=KNOWLEDGE.role_answer(role, aspect))
        return focus_events(role, aspect)
    if document.kind == "difference":
        out.utter_message(text=KNOWLEDGE.difference_answer(document.key[0]))
        return [SlotSet("aspect", KNOWLEDGE.comparisons[document.key[0]].aspect), SlotSet("comparing", True)]
    out.utter_message(text=KNOWLEDGE.agency_answer(document.key[0]))
    return []
