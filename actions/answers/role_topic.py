"""A topic of a role: its section of the knowledge file ("wat doet een office manager?")."""

from typing import Any, Dict, List, Optional

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge as kb
from actions.loaded import KNOWLEDGE
from actions.turn import Turn, focus_events


def topic(
    out: CollectingDispatcher,
    turn: Turn,
    roles: List[str],
    aspect: str,
    lead: bool = False,
    unknown: Optional[str] = None,
) -> List[Dict[str, Any]]:
    """Each role's section; `lead` says first that this is what the search found, `unknown`
    (a phrase) that the detail asked for is not in it."""
    if lead:
        out.utter_message(response="utter_search_lead")
    if unknown:
        out.utter_message(text=KNOWLEDGE.phrase(unknown))
    for role in roles:
        out.utter_message(text=KNOWLEDGE.role_answer(role, aspect))
    if len(roles) > 1:  # both roles side by side: "en qua opleiding?" next compares them
        return focus_events(roles[-1], aspect, comparing=True)
    return focus_events(roles[-1], aspect, question=turn.detail_asked)


def which_role(out: CollectingDispatcher, turn: Turn, aspect: str) -> List[Dict[str, Any]]:
    """No role named and none in focus: ask which, with a button per role."""
    intent = KNOWLEDGE.aspects[aspect].intent
    buttons = [
        {"title": kb.capitalize(role.name), "payload": f'/{intent}{{"role": "{role.key}"}}'}
        for role in KNOWLEDGE.roles.values()
    ]
    out.utter_message(response="utter_which_role", buttons=buttons)
    return [SlotSet("aspect", aspect)]


def what_it_takes(out: CollectingDispatcher, turn: Turn, role: str) -> List[Dict[str, Any]]:
    """ "Hoe word ik office manager?": the education and the competences, and the quiz."""
    out.utter_message(text=KNOWLEDGE.role_answer(role, "opleiding"))
    out.utter_message(
        text=KNOWLEDGE.role_answer(role, "competenties"),
        buttons=[{"title": KNOWLEDGE.phrase("quiz_offer"), "payload": "/career_quiz"}],
    )
    return focus_events(role, "opleiding")
