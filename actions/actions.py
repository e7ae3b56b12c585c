"""Custom actions: every factual answer is composed from the knowledge file.

The file is loaded once, at import; a broken file stops the action server with the
path and the key that is wrong (see actions/knowledge.py).
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge as kb

KNOWLEDGE = kb.load()

INTENT_TO_ASPECT = {
    "ask_definition": "definitie",
    "ask_tasks": "taken",
    "ask_responsibilities": "verantwoordelijkheden",
    "ask_autonomy": "zelfstandigheid",
    "ask_education": "opleiding",
    "ask_contacts": "contacten",
    "ask_competencies": "competenties",
    "ask_environment": "werkomgeving",
}
ASPECT_TO_INTENT = {aspect: intent for intent, aspect in INTENT_TO_ASPECT.items()}

WHICH_ROLE = "Over welke functie wil je het weten?"
NOT_IN_KNOWLEDGE = ("Sorry, daar kan ik je helaas niet mee helpen: dat staat niet in mijn kennis. "
                    "Ik weet alleen iets over de functies office manager en secretaresse en over "
                    "2ASSISTU. Dit kun je me bijvoorbeeld vragen:")
SUGGESTIONS = [
    ("Wat doet een office manager?", "/ask_definition{\"role\": \"office manager\"}"),
    ("Wat doet een secretaresse?", "/ask_definition{\"role\": \"secretaresse\"}"),
    ("Wat is het verschil?", "/ask_difference"),
]


def roles_asked(tracker: Tracker) -> List[str]:
    """Roles named in the latest message: entities first, then aliases in the text."""
    message = tracker.latest_message or {}
    keys = []
    for entity in message.get("entities") or []:
        if entity.get("entity") == "role":
            key = KNOWLEDGE.role_key(str(entity.get("value", "")))
            if key and key not in keys:
                keys.append(key)
    for key in KNOWLEDGE.roles_in_text(message.get("text") or ""):
        if key not in keys:
            keys.append(key)
    return keys


class ActionAnswerRole(Action):
    """Answers "role × aspect" questions; a bare role ("en een secretaresse?") keeps the aspect."""

    def name(self) -> Text:
        return "action_answer_role"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        aspect = INTENT_TO_ASPECT.get(intent) or tracker.get_slot("aspect") or "definitie"
        roles = roles_asked(tracker)
        if not roles:
            remembered = KNOWLEDGE.role_key(tracker.get_slot("role"))
            roles = [remembered] if remembered else []
        if not roles:
            ask_which_role(dispatcher, aspect)
            return [SlotSet("aspect", aspect)]

        for role in roles:
            dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, aspect))
        return [SlotSet("aspect", aspect), SlotSet("role", KNOWLEDGE.roles[roles[-1]].name)]


def ask_which_role(dispatcher: CollectingDispatcher, aspect: str) -> None:
    intent = ASPECT_TO_INTENT[aspect]
    buttons = [{"title": kb.capitalize(role.name),
                "payload": f"/{intent}{{\"role\": \"{role.name}\"}}"}
               for role in KNOWLEDGE.roles.values()]
    dispatcher.utter_message(text=WHICH_ROLE, buttons=buttons)


class ActionAnswerDifference(Action):
    """Compares the two roles, in general or on the dimension the visitor mentions."""

    def name(self) -> Text:
        return "action_answer_difference"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        dimension = KNOWLEDGE.dimension_in_text(text) or "algemeen"
        dispatcher.utter_message(text=KNOWLEDGE.difference_answer(dimension))
        return [SlotSet("aspect", kb.DIMENSION_TO_ASPECT[dimension])]


class ActionAnswerAgency(Action):
    """What the agency offers, or how to reach it."""

    def name(self) -> Text:
        return "action_answer_agency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        topics = ["contact"] if intent == "ask_contact" else ["kandidaten", "posities", "werkzaamheden"]
        dispatcher.utter_message(text="\n\n".join(KNOWLEDGE.agency_answer(t) for t in topics))
        return []


class ActionNotInKnowledge(Action):
    """The honest answer: not in the bot's knowledge, with questions it can answer and contact."""

    def name(self) -> Text:
        return "action_not_in_knowledge"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        buttons = [{"title": title, "payload": payload} for title, payload in SUGGESTIONS]
        dispatcher.utter_message(text=NOT_IN_KNOWLEDGE, buttons=buttons)
        dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
        return []
