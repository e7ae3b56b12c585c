"""The vacancy intake (employers) and the career quiz (candidates): two Rasa forms.

The validation actions parse every answer with actions/vacancy.py. A question asked in the
middle ("wat doet een office manager eigenlijk?") is answered and the same question is asked
again; "stop" or "laat maar" ends the form; three invalid answers to one question end it with
the contact details instead.
"""

import re
import uuid
from abc import abstractmethod
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge as kb
from actions import vacancy as parse
from actions.actions import QUESTION_ENTRIES, answer
from actions.knowledge import QUIZ_SLOTS, fold
from actions.language import CANCEL, QUESTION_STARTS, QUIZ_NO, QUIZ_YES
from actions.loaded import FACTS, KNOWLEDGE
from actions.turn import Turn
from bot.stores import leads, privacy

INTAKE_SLOTS = [field.slot for field in parse.INTAKE]
# The answers with personal data, and how a sentence names each (actions/vacancy.py INTAKE).
PERSONAL = {field.slot: field.personal for field in parse.INTAKE if field.personal}
# The answers shown in the summary, which the employer can correct one by one.
SHOWN_FIELDS = {field.slot: field for field in parse.INTAKE if field.stored}
MAX_MISSES = 3
FOCUS_SLOTS = (
    "role",
    "aspect",
    "comparing",
    "question",
)  # the context an answer leaves (actions.turn.focus_events)

# An answer that does not fit the question is still taken for a question from this confidence on.
QUESTION_CONFIDENCE = 0.4  # the FallbackClassifier threshold in config.yml


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def is_cancel(tracker: Tracker) -> bool:
    return latest_intent(tracker) == "stop" or bool(CANCEL.match(fold(latest_text(tracker))))


def question_intent(tracker: Tracker, minimum: float) -> Optional[str]:
    """The question intent of the latest message, if the NLU is sure enough of it."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return name if name in QUESTION_ENTRIES and (intent.get("confidence") or 0) >= minimum else None


def question_asked(tracker: Tracker) -> Optional[str]:
    """The question intent of a message that is clearly a question ("waar is een secretaresse
    mee bezig"), also when the NLU was unsure of it: then its best guess among the questions."""
    text = fold(latest_text(tracker))
    words = text.split()
    if not (text.endswith("?") or (words and words[0] in QUESTION_STARTS)):
        return None
    sure = question_intent(tracker, QUESTION_CONFIDENCE)
    if sure or latest_intent(tracker) != "nlu_fallback":
        return sure
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    return next((r["name"] for r in ranking if r.get("name") in QUESTION_ENTRIES), None)


class FormWithInterruptions(FormValidationAction):
    """Shared behaviour: answer questions in between, cancel, count invalid answers."""

    explain_once = False  # True: the explanation of an invalid answer is shown the first time only

    @abstractmethod
    def name(self) -> Text:
        """Abstract, so that the action server does not register this base class."""

    def interrupt(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Optional[Dict[Text, Any]]:
        if is_cancel(tracker):
            return {slot: None, "intake_status": "cancelled"}
        if slot == "description" and not latest_text(tracker).rstrip().endswith("?"):
            return None  # a description may well read like a question ("wie we zoeken: ...")
        question = question_asked(tracker)
        if question:
            return self.answer_question(question, slot, dispatcher, tracker, domain)
        return None

    @staticmethod
    def answer_question(
        intent: str, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Answer a question asked in the middle of the form; the form then asks `slot` again."""
        # with the question's intent, also when the NLU was unsure
        events = answer(dispatcher, tracker, QUESTION_ENTRIES[intent], intent)
        dispatcher.utter_message(response="utter_resume_form")
        # the answer's focus stays, so that "kan zo iemand ook ..." next is about that role
        focus = {
            e["name"]: e["value"] for e in events if e.get("event") == "slot" and e.get("name") in FOCUS_SLOTS
        }
        return {**focus, slot: None}

    def checked(
        self,
        slot: str,
        value: Any,
        parser: Callable[[str], Any],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if value is None:  # cleared by the start or a correction, not answered
            return {slot: None}
        if tracker.get_slot("requested_slot") != slot:
            # Re-validation of an earlier, already checked answer (Rasa re-validates every
            # filled slot when the form starts again for a correction): keep it as it is.
            return {slot: value}
        interrupted = self.interrupt(slot, dispatcher, tracker, domain)
        if interrupted is not None:
            return interrupted
        try:
            return {slot: parser(str(value))}
        except parse.Invalid as problem:
            question = question_intent(tracker, QUESTION_CONFIDENCE)
            if question:  # "verschil in zelfstandigheid" at "Voor welke functie zoek je iemand?"
                return self.answer_question(question, slot, dispatcher, tracker, domain)
            misses = dict(tracker.get_slot("intake_misses") or {})
            misses[slot] = misses.get(slot, 0) + 1
            if misses[slot] >= MAX_MISSES:
                return {slot: None, "intake_misses": misses, "intake_status": "gave_up"}
            if misses[slot] == 1 or not self.explain_once:
                dispatcher.utter_message(response=problem.response)
            return {slot: None, "intake_misses": misses}

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot("intake_status") in ("cancelled", "gave_up"):
            return []  # ends the form; the summary or result action says why
        return domain_slots


def question_instead_of_reply(tracker: Tracker) -> Optional[str]:
    """ "en klopt het dat we hbo vragen?" after the offer of a request: the NLU heard a yes or a
    no, but the message asks about what the knowledge file covers. Its best question intent."""
    text = latest_text(tracker)
    if not text.rstrip().endswith("?") or not FACTS.weights(text):
        return None
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    return next((r["name"] for r in ranking if r.get("name") in QUESTION_ENTRIES), None)


def answer_instead(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> List[Dict[Text, Any]]:
    """The question answered; the offer is left, the form not started."""
    return answer(dispatcher, tracker, QUESTION_ENTRIES[intent], intent) + [FollowupAction("action_listen")]


class ActionStartIntake(Action):
    def name(self) -> Text:
        return "action_start_intake"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        asked = question_instead_of_reply(tracker) if latest_intent(tracker) == "affirm" else None
        if asked:
            return answer_instead(dispatcher, tracker, asked)
        dispatcher.utter_message(response="utter_intake_start")
        events = reset_intake() + [SlotSet("intake_id", uuid.uuid4().hex)]
        roles = Turn.read(tracker, "").roles
        if roles:
            events.append(SlotSet("vacancy_role", roles[0]))
        return events


class ActionOfferDeclined(Action):
    """ "Nee" to the offer of a request; a question the NLU took for a no is answered."""

    def name(self) -> Text:
        return "action_offer_declined"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        asked = question_instead_of_reply(tracker)
        if asked:
            return answer_instead(dispatcher, tracker, asked)
        dispatcher.utter_message(response="utter_offer_declined")
        return []


class ValidateVacancyForm(FormWithInterruptions):
    """Validates each answer with its field's parser (actions/vacancy.py INTAKE); the
    `validate_<slot>` methods that Rasa calls are added below the class."""

    def name(self) -> Text:
        return "validate_vacancy_form"

    def validate_field(
        self,
        field: parse.Field,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        result = self.checked(
            field.slot, value, lambda text: field.parse(text, KNOWLEDGE), dispatcher, tracker, domain
        )
        found = result.get(field.slot)
        if isinstance(found, dict):  # the contact: e-mail and/or phone, each in a slot of its own
            shown = " en ".join(v for v in (found.get("email"), found.get("phone")) if v)
            return {field.slot: shown, "email": found.get("email"), "phone": found.get("phone")}
        return result


def validator(field: parse.Field):
    def validate(self, value, dispatcher, tracker, domain):
        return self.validate_field(field, value, dispatcher, tracker, domain)

    return validate


for _field in parse.INTAKE:
    setattr(ValidateVacancyForm, f"validate_{_field.slot}", validator(_field))


def intake_request(tracker: Tracker) -> Dict[str, Any]:
    """The request as stored (leads.FIELDS): each column is the slot of that name, except the
    role, stored by its display name, and the description, empty when skipped."""
    request = {column: tracker.get_slot(column) for column in leads.FIELDS}
    request["role"] = role_name(tracker.get_slot("vacancy_role"))
    request["description"] = request["description"] or ""
    return request


def role_name(value: Optional[str]) -> Optional[str]:
    """The display name of a role's key (or of a name, kept by a conversation from before
    vacancy_role held keys)."""
    key = KNOWLEDGE.role_key(value)
    return KNOWLEDGE.roles[key].name if key else None


def reset_intake() -> List[Dict[Text, Any]]:
    return [
        SlotSet(s, None)
        for s in INTAKE_SLOTS
        + ["email", "phone", "intake_misses", "intake_status", "intake_id", "consent_text"]
    ]


class ActionAskConsent(Action):
    """The consent question: what is kept, how long and why (bot/stores/privacy.py). The exact
    text shown is kept in a slot and stored with the request."""

    def name(self) -> Text:
        return "action_ask_consent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = privacy.consent_question()
        dispatcher.utter_message(response="utter_consent_question", consent_question=text)
        return [SlotSet("consent_text", text)]


class ActionVacancySummary(Action):
    """After the form: the summary to confirm, or why the intake ended early."""

    def name(self) -> Text:
        return "action_vacancy_summary"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        status = tracker.get_slot("intake_status")
        contact = KNOWLEDGE.agency_answer("contact")
        if status == "cancelled":
            dispatcher.utter_message(response="utter_intake_cancelled")
            return reset_intake() + remove_personal_data(dispatcher, tracker)
        if status == "gave_up":
            dispatcher.utter_message(response="utter_intake_gave_up")
            removed = remove_personal_data(dispatcher, tracker)
            dispatcher.utter_message(text=contact)
            return reset_intake() + removed
        if tracker.get_slot("consent") is not True:
            dispatcher.utter_message(response="utter_intake_no_consent")
            removed = remove_personal_data(dispatcher, tracker)
            dispatcher.utter_message(text=contact)
            return reset_intake() + removed
        lines = [
            f"• {field.label}: {display(slot, tracker.get_slot(slot))}"
            for slot, field in SHOWN_FIELDS.items()
        ]
        dispatcher.utter_message(response="utter_vacancy_summary", answers="\n".join(lines))
        return [SlotSet("intake_status", "confirming")] if intake_request(tracker)["role"] else []


def remove_personal_data(
    dispatcher: CollectingDispatcher, tracker: Tracker, personal: Optional[Dict[str, str]] = None
) -> List[Dict[Text, Any]]:
    """An intake (or a callback request, with its own `personal` answers) that ends without
    consent: the tracker store removes the answers with personal data from the conversation
    (bot/runtime/tracker_store.py), and the visitor is told which, and what is kept. Nothing is said
    when none were given."""
    personal = personal or PERSONAL
    misses = tracker.get_slot("intake_misses") or {}
    given = [name for slot, name in personal.items() if tracker.get_slot(slot) or misses.get(slot)]
    intake_id = tracker.get_slot("intake_id")
    if not (given and intake_id):
        return []
    removed = ", ".join(given[:-1]) + (" en " if len(given) > 1 else "") + given[-1]
    kept = privacy.period(privacy.retention_days()["conversations"])
    dispatcher.utter_message(response="utter_personal_data_removed", removed=removed, period=kept)
    return [
        SlotSet(
            "personal_data_removed",
            {
                "intake_id": intake_id,
                "reason": "geen toestemming",
                "slots": list(personal) + ["email", "phone"],
            },
        )
    ]


def display(slot: str, value: Any) -> str:
    if slot == "vacancy_role":
        return str(role_name(value))
    return leads.shown(slot, value)


class ActionStoreVacancy(Action):
    """Stores the confirmed request, and only then says so."""

    def name(self) -> Text:
        return "action_store_vacancy"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot("intake_status") != "confirming" or tracker.get_slot("consent") is not True:
            dispatcher.utter_message(response="utter_nothing_to_send")
            return []
        number = leads.store(
            intake_request(tracker),
            tracker.get_slot("intake_id") or uuid.uuid4().hex,
            tracker.sender_id,
            tracker.get_slot("consent_text") or privacy.consent_question(),
        )
        dispatcher.utter_message(response="utter_vacancy_stored", number=number)
        return reset_intake()


class ActionCorrectVacancy(Action):
    """Change one answer: ask which one, then clear it and let the form ask it again."""

    def name(self) -> Text:
        return "action_correct_vacancy"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot("intake_status") != "confirming":
            dispatcher.utter_message(response="utter_nothing_to_correct")
            return []
        field = next(
            (
                e.get("value")
                for e in tracker.latest_message.get("entities") or []
                if e.get("entity") == "field" and e.get("value") in SHOWN_FIELDS
            ),
            None,
        )
        if not field:
            dispatcher.utter_message(
                response="utter_which_answer",
                buttons=[
                    {"title": f.label, "payload": f'/correct_vacancy{{"field": "{slot}"}}'}
                    for slot, f in SHOWN_FIELDS.items()
                ],
            )
            return []
        cleared = [SlotSet(field, None)] + (
            [SlotSet("email", None), SlotSet("phone", None)] if field == "contact" else []
        )
        return cleared + [SlotSet("intake_status", None), FollowupAction("vacancy_form")]


# ---- career quiz ---------------------------------------------------------------------------


class ActionStartQuiz(Action):
    def name(self) -> Text:
        return "action_start_quiz"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_quiz_start")
        return reset_quiz()


def reset_quiz() -> List[Dict[Text, Any]]:
    return [SlotSet(s, None) for s in list(QUIZ_SLOTS) + ["intake_status", "intake_misses"]]


def parse_yes_no(value: str) -> bool:
    """'ja'/'nee', or a free answer read as one: "ik wil juist graag mensen aansturen" is a
    yes, "dat vind ik niks" a no."""
    try:
        return parse.parse_consent(value)
    except parse.Invalid:
        pass
    words = set(re.findall(r"[\w']+", fold(value)))
    if words & QUIZ_NO:
        return False
    if words & QUIZ_YES:
        return True
    raise parse.Invalid("utter_invalid_yes_no")


class ValidateCareerQuizForm(FormWithInterruptions):
    explain_once = True

    def name(self) -> Text:
        return "validate_career_quiz_form"

    def _yes_no(self, slot, value, dispatcher, tracker, domain):
        return self.checked(slot, value, parse_yes_no, dispatcher, tracker, domain)

    def validate_quiz_lead(self, value, dispatcher, tracker, domain):
        return self._yes_no("quiz_lead", value, dispatcher, tracker, domain)

    def validate_quiz_planning(self, value, dispatcher, tracker, domain):
        return self._yes_no("quiz_planning", value, dispatcher, tracker, domain)

    def validate_quiz_writing(self, value, dispatcher, tracker, domain):
        return self._yes_no("quiz_writing", value, dispatcher, tracker, domain)

    def validate_quiz_strategy(self, value, dispatcher, tracker, domain):
        return self._yes_no("quiz_strategy", value, dispatcher, tracker, domain)

    def validate_quiz_education(self, value, dispatcher, tracker, domain):
        return self._yes_no("quiz_education", value, dispatcher, tracker, domain)


class ActionQuizResult(Action):
    def name(self) -> Text:
        return "action_quiz_result"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        status = tracker.get_slot("intake_status")
        reset = reset_quiz()
        if status in ("cancelled", "gave_up"):
            dispatcher.utter_message(response="utter_quiz_stopped")
            return reset
        # What each "ja" says about a fit, with the comparison that gives the reason.
        reasons: Dict[str, List[str]] = {role: [] for role in KNOWLEDGE.roles}
        for slot, (role, comparison) in KNOWLEDGE.quiz.items():
            if tracker.get_slot(slot):
                reasons[role].append(KNOWLEDGE.comparisons[comparison].lines[role].text)
        ranked = sorted(reasons, key=lambda role: len(reasons[role]), reverse=True)
        best = ranked[0]
        if len(reasons[best]) == len(reasons[ranked[1]]):
            dispatcher.utter_message(
                text=KNOWLEDGE.phrase("quiz_tie") + " " + KNOWLEDGE.difference_answer("algemeen")
            )
        else:
            dispatcher.utter_message(
                text=kb.bullets(KNOWLEDGE.phrase("quiz_best", name=KNOWLEDGE.roles[best].name), reasons[best])
            )
            dispatcher.utter_message(text=KNOWLEDGE.role_answer(best, "opleiding"))
        dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
        return reset + [SlotSet("role", best)]
