"""A visitor asks for a person (intent ask_human, or the quick reply "Spreek een medewerker").

- A person of 2ASSISTU is available (bot/stores/live.py: office hours and someone switched on)
  and the visitor is in the chat widget: "Ik zet je door ...", and the conversation waits on
  the admin page (Wacht op antwoord). From then on the widget's channel (bot/runtime/channel.py) keeps
  the visitor's messages for the staff and the assistant is silent, until a staff member hands
  the conversation back.
- Nobody answers within HANDOFF_WAIT_MINUTES: the assistant answers again and offers a callback.
- Nobody is available (or the visitor uses the REST channel, which cannot show live answers):
  a callback is offered. "Ja" starts `callback_form` (name, e-mail or phone, the question,
  consent), with the vacancy intake's questions, checks, consent question and removal of
  personal data without consent (actions/intake.py); the request is stored and delivered as a
  vacancy request is (bot/stores/leads.py, bot/office/delivery.py), of kind 'terugbelverzoek'.
"""

import uuid
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import vacancy as parse
from actions.intake import ValidateVacancyForm, is_cancel, remove_personal_data, reset_intake
from actions.knowledge import fold
from actions.language import ASKS_WHO_ANSWERS
from actions.loaded import KNOWLEDGE
from bot.stores import leads, live, privacy

# How a sentence names each answer with personal data (utter_personal_data_removed).
CALLBACK_PERSONAL = {
    "contact_name": "je naam",
    "contact": "je contactgegevens",
    "callback_question": "je vraag",
}


def reset_callback() -> List[Dict[Text, Any]]:
    return reset_intake() + [SlotSet("callback_question", None)]


class ActionAskHuman(Action):
    def name(self) -> Text:
        return "action_ask_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if ASKS_WHO_ANSWERS.search(fold((tracker.latest_message or {}).get("text") or "")):
            # "spreek ik met een medewerker of met een bot?": who answers, with the way to a person
            dispatcher.utter_message(response="utter_bot_challenge")
            return []
        if (
            tracker.get_latest_input_channel() == "widget"
            and live.available()
            and not live.missed(tracker.sender_id)
        ):
            live.ask(tracker.sender_id)
            dispatcher.utter_message(response="utter_handoff_start")
            return []
        dispatcher.utter_message(
            response="utter_callback_offer",
            hours=KNOWLEDGE.contact_details["hours"],
            phone=KNOWLEDGE.contact_details["phone"],
            email=KNOWLEDGE.contact_details["email"],
        )
        return []


class ActionStartCallback(Action):
    def name(self) -> Text:
        return "action_start_callback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_callback_start")
        return reset_callback() + [SlotSet("intake_id", uuid.uuid4().hex)]


class ActionCallbackDeclined(Action):
    def name(self) -> Text:
        return "action_callback_declined"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_callback_declined")
        dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
        return []


def parse_question(text: str) -> str:
    return parse.parse_text(text, "utter_invalid_callback_question", minimum=2, maximum=500)


class ValidateCallbackForm(ValidateVacancyForm):
    """The intake's checks of the name, the contact and the consent (ValidateVacancyForm), and
    the question, which may well be a question: only "stop" interrupts it."""

    def name(self) -> Text:
        return "validate_callback_form"

    def interrupt(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Optional[Dict[Text, Any]]:
        if slot == "callback_question":
            return {slot: None, "intake_status": "cancelled"} if is_cancel(tracker) else None
        return super().interrupt(slot, dispatcher, tracker, domain)

    def validate_callback_question(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.checked("callback_question", value, parse_question, dispatcher, tracker, domain)


class ActionCallbackResult(Action):
    """After the form: store the callback request, or say why not."""

    def name(self) -> Text:
        return "action_callback_result"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        status = tracker.get_slot("intake_status")
        if status in ("cancelled", "gave_up") or tracker.get_slot("consent") is not True:
            dispatcher.utter_message(response="utter_callback_not_stored")
            removed = remove_personal_data(dispatcher, tracker, CALLBACK_PERSONAL)
            if status != "cancelled":
                dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
            return reset_callback() + removed
        number = leads.store_callback(
            tracker.get_slot("contact_name"),
            tracker.get_slot("email"),
            tracker.get_slot("phone"),
            tracker.get_slot("callback_question"),
            tracker.get_slot("intake_id") or uuid.uuid4().hex,
            tracker.sender_id,
            tracker.get_slot("consent_text") or privacy.consent_question(),
        )
        dispatcher.utter_message(
            response="utter_callback_stored", number=number, hours=KNOWLEDGE.contact_details["hours"]
        )
        return reset_callback()
