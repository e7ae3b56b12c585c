"""Advice: which role fits a need or a person, with reasons; the way from one role to the other."""

from typing import Any, Dict, List

from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge as kb
from actions.loaded import KNOWLEDGE
from actions.search import Fit
from actions.turn import Turn, focus_events


def recommend(
    out: CollectingDispatcher, turn: Turn, fit: Fit, best: str, runner_up: str, candidate: bool
) -> List[Dict[str, Any]]:
    """The role whose facts match the described need or person, with those facts as reasons,
    and why not the other when something was said against it ("geen ervaring")."""
    name = KNOWLEDGE.roles[best].name
    opening = KNOWLEDGE.phrase("fit_candidate" if candidate else "fit_employer", name=name)
    if fit.reasons[best]:
        out.utter_message(
            text=kb.bullets(f"{opening} {KNOWLEDGE.phrase('fit_reasons')}", fit.reasons[best][:4])
        )
    else:
        out.utter_message(text=opening)
    # a requirement of the role itself she does not meet ("maar ik heb geen hbo"): said, not left out
    topics = {entry.text for entry in KNOWLEDGE.roles[best].aspects.values()}
    unmet = [text for text in fit.against[best] if text in topics]
    if unmet:
        out.utter_message(text=kb.bullets(KNOWLEDGE.phrase("best_but", name=name), unmet[:2]))
    other = KNOWLEDGE.roles[runner_up].name
    if fit.against[runner_up]:
        out.utter_message(
            text=kb.bullets(KNOWLEDGE.phrase("not_fit", name=other), fit.against[runner_up][:2])
        )
    elif fit.reasons[runner_up]:
        out.utter_message(text=KNOWLEDGE.phrase("runner_up", name=name, runner_up=other))
    return focus_events(best, "taken") + next_step(out, candidate)


def general_advice(out: CollectingDispatcher, turn: Turn, candidate: bool) -> List[Dict[str, Any]]:
    """No need described: when to choose which role (employer) or how they differ (candidate)."""
    if candidate:
        out.utter_message(text=KNOWLEDGE.difference_answer("algemeen"))
        out.utter_message(
            text=KNOWLEDGE.phrase("advice_ask"),
            buttons=[{"title": KNOWLEDGE.phrase("quiz_offer"), "payload": "/career_quiz"}],
        )
    else:
        out.utter_message(
            text=kb.bullets(
                KNOWLEDGE.phrase("advice_intro"),
                [f"{kb.capitalize(r.name)}: {r.advice}" for r in KNOWLEDGE.roles.values()],
            )
        )
        out.utter_message(text=KNOWLEDGE.phrase("advice_ask"))
        return [SlotSet("comparing", True), SlotSet("aspect", "definitie")] + next_step(out, candidate=False)
    return [SlotSet("comparing", True), SlotSet("aspect", "definitie")]


def growth(out: CollectingDispatcher, turn: Turn, path: kb.GrowthPath) -> List[Dict[str, Any]]:
    """From one role to the other: what changes and what it takes."""
    target = KNOWLEDGE.roles[path.to_role]
    heading = KNOWLEDGE.phrase(
        "growth_heading", from_name=KNOWLEDGE.roles[path.from_role].name, to_name=target.name
    )
    changes = [KNOWLEDGE.comparisons[c].lines[path.to_role].text for c in path.changes]
    out.utter_message(
        text=kb.bullets(
            kb.titled(kb.capitalize(heading), f"{path.text}\n" f"{KNOWLEDGE.phrase('growth_changes')}"),
            changes,
        )
    )
    needs = [kb.bullets(target.aspects[a].text, target.aspects[a].items) for a in path.needs]
    out.utter_message(
        text=KNOWLEDGE.phrase("growth_needs") + "\n" + "\n".join(needs),
        buttons=[
            {"title": KNOWLEDGE.phrase("quiz_offer"), "payload": "/career_quiz"},
            KNOWLEDGE.more_button(path.to_role, "opleiding"),
        ],
    )
    return focus_events(path.to_role, "opleiding")


def contract_kinds(out: CollectingDispatcher, turn: Turn) -> List[Dict[str, Any]]:
    """ "Vast of tijdelijk?": what the agency offers; the choice depends on the situation."""
    out.utter_message(text=KNOWLEDGE.agency_answer("posities"))
    out.utter_message(response="utter_contract_depends")
    out.utter_message(text=KNOWLEDGE.agency_answer("contact"))
    return []


def next_step(out: CollectingDispatcher, candidate: bool) -> List[Dict[str, Any]]:
    """A candidate gets the contact details; an employer the offer to leave a request, as its
    own response so that a typed "ja" or "nee" answers it (data/rules.yml)."""
    if candidate:
        out.utter_message(text=KNOWLEDGE.agency_answer("contact"))
        return []
    return [FollowupAction("utter_offer_request")]
