"""The Rasa actions that answer from the knowledge file: thin adapters over one pipeline.

Every one of them reads the message once (actions/turn.py), decides what kind of answer it
needs (actions/decide.py) and builds that answer (actions/answers/). Which action Rasa picked
is where the decision starts.
"""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import build
from actions.decide import decide
from actions.loaded import KNOWLEDGE
from actions.turn import Turn


def answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, entry: str, intent: Optional[str] = None
) -> List[Dict[Text, Any]]:
    """Read, decide, build. `intent` replaces the NLU's (a question in the middle of a form)."""
    turn = Turn.read(tracker, entry, intent)
    return build(dispatcher, turn, decide(turn))


class AnswersFromKnowledge:
    """Mixed into each answer action below; not an `Action` itself, so Rasa does not register it."""

    NAME = ""

    def name(self) -> Text:
        return self.NAME

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return answer(dispatcher, tracker, self.NAME)


class ActionAnswerRole(AnswersFromKnowledge, Action):
    """A topic of a role, a yes/no question about it, or a bare role that keeps the topic."""

    NAME = "action_answer_role"


class ActionAnswerDifference(AnswersFromKnowledge, Action):
    """The difference, in general or on one dimension; which of the two has more of it."""

    NAME = "action_answer_difference"


class ActionRoleAdvice(AnswersFromKnowledge, Action):
    """Which role fits a need (employer) or a person (candidate); from one role to the other."""

    NAME = "action_role_advice"


class ActionAnswerAgency(AnswersFromKnowledge, Action):
    """What the agency offers and how to reach it."""

    NAME = "action_answer_agency"


class ActionAnswerPrivacy(AnswersFromKnowledge, Action):
    """What is kept of the visitor and how long, or how to have it erased."""

    NAME = "action_answer_privacy"


class ActionAnswerSituation(AnswersFromKnowledge, Action):
    """A situation told before any question: kept, and what the assistant can do."""

    NAME = "action_answer_situation"


class ActionNotInKnowledge(AnswersFromKnowledge, Action):
    """Off the subject or unsure: a fact or section that answers it, else honestly not known."""

    NAME = "action_not_in_knowledge"


# The intents a question in the middle of a form can have, and the action that answers each.
QUESTION_ENTRIES = {
    **{intent: ActionAnswerRole.NAME for intent in KNOWLEDGE.intent_to_aspect},
    "inform_role": ActionAnswerRole.NAME,
    "ask_difference": ActionAnswerDifference.NAME,
    **{intent: ActionAnswerAgency.NAME for intent in KNOWLEDGE.agency_intents},
    "hire_advice": ActionRoleAdvice.NAME,
    "career_advice": ActionRoleAdvice.NAME,
    "ask_privacy": ActionAnswerPrivacy.NAME,  # "hoe lang bewaren jullie dit?" at the consent question
    "ask_erasure": ActionAnswerPrivacy.NAME,
    "out_of_scope": ActionNotInKnowledge.NAME,  # "en wat kost dat?" at "Voor welke functie zoek je iemand?"
}
