"""The agency and the assistant itself: what the agency offers, how to reach it, what is kept
of the visitor and how to have it erased; what the assistant can do for her."""

from typing import Any, Dict, List

from rasa_sdk.executor import CollectingDispatcher

from actions.loaded import KNOWLEDGE
from actions.turn import Turn
from bot.stores import privacy as kept


def agency(out: CollectingDispatcher, turn: Turn, topics: List[str]) -> List[Dict[str, Any]]:
    for topic in topics:
        # the contact details, and a person of the agency one tap away (actions/handoff.py)
        buttons = (
            [{"title": KNOWLEDGE.phrase("human_button"), "payload": "/ask_human"}]
            if topic == "contact"
            else []
        )
        out.utter_message(text=KNOWLEDGE.agency_answer(topic), buttons=buttons)
    return []


def privacy(out: CollectingDispatcher, turn: Turn, erasure: bool) -> List[Dict[str, Any]]:
    """The periods of bot/stores/privacy.py, the same the consent question names."""
    days = kept.retention_days()
    values = {
        "conversations": kept.period(days["conversations"]),
        "requests": kept.period(days["requests"]),
        "privacy": kept.where_to_read_more(),
    }
    out.utter_message(response="utter_erasure" if erasure else "utter_privacy", **values)
    if erasure:
        out.utter_message(text=KNOWLEDGE.agency_answer("contact"))
    return []


def situation(out: CollectingDispatcher, turn: Turn, again: bool, candidate: bool) -> List[Dict[str, Any]]:
    """What the assistant can do, after she told who she is; shorter when she tells more; for a
    candidate, what to tell so it can say which role fits her."""
    if again:
        out.utter_message(response="utter_ask_need_again")
    else:
        out.utter_message(response="utter_ask_need_candidate" if candidate else "utter_ask_need")
    return []


def what_else(out: CollectingDispatcher, turn: Turn) -> List[Dict[str, Any]]:
    out.utter_message(response="utter_what_else")
    return []


def paste_text(out: CollectingDispatcher, turn: Turn) -> List[Dict[str, Any]]:
    out.utter_message(response="utter_paste_text")
    return []
