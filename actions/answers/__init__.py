"""The answer of each kind that actions/decide.py can choose, one module per kind."""

from typing import Any, Callable, Dict, List

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import advice, assistant, comparison, facts, role_topic, unknown
from actions.decide import Plan
from actions.turn import Turn
from bot.stores import unanswered

BUILDERS: Dict[str, Callable[..., List[Dict[str, Any]]]] = {
    "topic": role_topic.topic,
    "which_role": role_topic.which_role,
    "what_it_takes": role_topic.what_it_takes,
    "yes_no": facts.yes_no,
    "yes_no_unknown": facts.yes_no_unknown,
    "who": facts.who,
    "who_both": facts.who_both,
    "near": facts.near,
    "about": facts.about,
    "paste_text": assistant.paste_text,
    "which": comparison.which,
    "one_side": comparison.one_side,
    "difference": comparison.difference,
    "recommend": advice.recommend,
    "general_advice": advice.general_advice,
    "growth": advice.growth,
    "contract_kinds": advice.contract_kinds,
    "agency": assistant.agency,
    "privacy": assistant.privacy,
    "situation": assistant.situation,
    "what_else": assistant.what_else,
    "not_in_knowledge": unknown.not_in_knowledge,
    "search_hit": unknown.search_hit,
}


def each(out: CollectingDispatcher, turn: Turn, plans: List[Plan]) -> List[Dict[str, Any]]:
    """Answers one after the other: one per role ("moeten ze allebei ...?"), or advice and the
    question at the end of a pasted text; what each leaves for the next turn, the last one winning."""
    events: List[Dict[str, Any]] = []
    for plan in plans:
        events += BUILDERS[plan.kind](out, turn, **plan.args)
    if len({plan.args.get("role") for plan in plans} - {None}) > 1:
        # an answer per role: "en qua opleiding?" next compares them, as after a comparison
        events.append(SlotSet("comparing", True))
    return events


BUILDERS["each"] = each


def build(out: CollectingDispatcher, turn: Turn, plan: Plan) -> List[Dict[str, Any]]:
    """The answer `plan` asks for, and what the turn adds to the conversation's state. A turn
    the assistant could not answer outright is logged for the staff's report of unanswered
    questions; an English message gets a note first."""
    if plan.note:
        tried, outcome = plan.note
        intent, confidence = turn.logged_guess()
        unanswered.record(turn.sender, turn.text, intent, confidence, tried, outcome)
    if turn.english:
        out.utter_message(response="utter_english_note")
    return BUILDERS[plan.kind](out, turn, **plan.args) + turn.remembered()
