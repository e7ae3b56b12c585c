"""The two roles side by side: the difference on a dimension, or which of the two has more of it."""

from typing import Any, Dict, List

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge as kb
from actions.direct import asks_less
from actions.loaded import FACTS, KNOWLEDGE
from actions.turn import Turn, focus_events


def difference(out: CollectingDispatcher, turn: Turn, dimension: str) -> List[Dict[str, Any]]:
    out.utter_message(text=KNOWLEDGE.difference_answer(dimension, turn.roles))
    return [SlotSet("aspect", KNOWLEDGE.comparisons[dimension].aspect), SlotSet("comparing", True)]


def which(out: CollectingDispatcher, turn: Turn, dimension: str) -> List[Dict[str, Any]]:
    """ "Wie van de twee ... meer?": the role that has the most (or least) of it, and why."""
    comparison = KNOWLEDGE.comparisons[dimension]
    winner = comparison.most
    if winner and asks_less(turn.text):
        others = [r for r in comparison.lines if r != winner]
        winner = others[0] if len(others) == 1 else ""
    # "wie werkt er meer onder toezicht?": the words of one role's side decide
    named = {
        m.fact.role
        for m in FACTS.matches(turn.text, list(comparison.lines))
        if m.fact.comparison == dimension and m.listed and not m.denied
    }
    if len(named) == 1:
        winner = named.pop()
    if not winner:
        text = KNOWLEDGE.phrase("which_same") + "\n" + KNOWLEDGE.difference_answer(dimension)
    else:
        lines = [
            f"{KNOWLEDGE.phrase('which', name=KNOWLEDGE.roles[winner].name)} "
            f"{comparison.lines[winner].text}"
        ]
        lines += [
            f"• {kb.capitalize(KNOWLEDGE.roles[r].name)}: {line.text}"
            for r, line in comparison.lines.items()
            if r != winner
        ]
        text = "\n".join(lines)
    out.utter_message(text=text, buttons=[KNOWLEDGE.comparison_button(dimension)])
    return focus_events(winner or None, comparison.aspect, comparing=True)


def one_side(out: CollectingDispatcher, turn: Turn, role: str, dimension: str) -> List[Dict[str, Any]]:
    """ "Welke leiderschapsvaardigheden heeft een office manager nodig?": that role's side of a
    comparison within a topic, and the whole comparison one tap away."""
    comparison = KNOWLEDGE.comparisons[dimension]
    text = comparison.lines[role].text + (f" {comparison.both}" if comparison.both else "")
    out.utter_message(text=text, buttons=[KNOWLEDGE.comparison_button(dimension)])
    # kept as the question just answered: "en doet de ander daar ook aan?" asks it again
    return focus_events(role, comparison.aspect, question=turn.text)
