"""Custom actions: every factual answer is composed from the knowledge file.

The file is loaded once, at import; a broken file stops the action server with the
path and the key that is wrong (see actions/knowledge.py).
"""
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge as kb
from actions import unanswered
from actions.search import KnowledgeSearch, is_english, looks_like_gibberish

KNOWLEDGE = kb.load()
SEARCH = KnowledgeSearch(KNOWLEDGE)

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
# The comparison a follow-up means after a comparison: "en qua zelfstandigheid?".
ASPECT_TO_DIMENSION = {
    "definitie": "algemeen", "taken": "taken", "verantwoordelijkheden": "verantwoordelijkheden",
    "zelfstandigheid": "zelfstandigheid", "opleiding": "opleiding", "contacten": "interactie",
    "competenties": "competenties", "werkomgeving": "algemeen",
}

WHICH_ROLE = "Over welke functie wil je het weten?"
NOT_IN_KNOWLEDGE = ("Sorry, daar kan ik je helaas niet mee helpen: dat staat niet in mijn kennis. "
                    "Ik weet alleen iets over de functies office manager en secretaresse en over "
                    "2ASSISTU. Dit kun je me bijvoorbeeld vragen:")
UNKNOWN_ROLE = ("Over de functie '{mention}' heb ik helaas geen informatie: ik weet alleen iets over "
                "de office manager en de secretaresse. Dit kun je me bijvoorbeeld vragen:")
REPHRASE = ("Dat begrijp ik niet helemaal. Kun je je vraag in andere woorden stellen? "
            "Je kunt ook een van deze vragen kiezen:")
SEARCH_LEAD = "Ik weet niet zeker of ik je goed begrijp, maar misschien helpt dit:"
ENGLISH_NOTE = ("(I answer in Dutch: my knowledge comes from a Dutch article. "
                "Feel free to keep asking in English.)")
SUGGESTIONS = [
    {"title": "Wat doet een office manager?", "payload": '/ask_definition{"role": "office manager"}'},
    {"title": "Wat doet een secretaresse?", "payload": '/ask_definition{"role": "secretaresse"}'},
    {"title": "Wat is het verschil?", "payload": "/ask_difference"},
]


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def role_mentions(tracker: Tracker) -> List[str]:
    return [str(e.get("value", "")) for e in (tracker.latest_message or {}).get("entities") or []
            if e.get("entity") == "role"]


def roles_asked(tracker: Tracker) -> List[str]:
    """Roles named in the latest message: entities first, then aliases in the text."""
    keys = []
    for mention in role_mentions(tracker):
        key = KNOWLEDGE.role_key(mention)
        if key and key not in keys:
            keys.append(key)
    for key in KNOWLEDGE.roles_in_text(latest_text(tracker)):
        if key not in keys:
            keys.append(key)
    return keys


def unknown_role_mention(tracker: Tracker) -> Optional[str]:
    """A job the NLU tagged as a role but that is not one of ours ("hr manager")."""
    if roles_asked(tracker):
        return None
    return next((m for m in role_mentions(tracker) if m and not KNOWLEDGE.role_key(m)), None)


def off_topic(tracker: Tracker) -> bool:
    """A knowledge intent whose words are not about our roles: the NLU guessed too boldly
    ("wie wordt er kampioen?" as a comparison). Such a turn goes to the fallback instead."""
    text = latest_text(tracker)
    if text.startswith("/") or roles_asked(tracker) or role_mentions(tracker):
        return False
    return not KNOWLEDGE.dimension_in_text(text) and SEARCH.is_off_topic(text)


def add_english_note(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    if is_english(latest_text(tracker)):
        dispatcher.utter_message(text=ENGLISH_NOTE)


class ActionAnswerRole(Action):
    """Answers "role × aspect" questions; a bare role ("en een secretaresse?") keeps the aspect;
    a question without a role right after a comparison continues the comparison."""

    def name(self) -> Text:
        return "action_answer_role"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if off_topic(tracker):
            return fallback(dispatcher, tracker)
        aspect = (INTENT_TO_ASPECT.get(latest_intent(tracker)) or tracker.get_slot("aspect")
                  or "definitie")
        mention = unknown_role_mention(tracker)
        if mention:
            return not_in_knowledge(dispatcher, tracker, UNKNOWN_ROLE.format(mention=mention),
                                    tried=f"onbekende functie '{mention}'")
        roles = roles_asked(tracker)
        if not roles and tracker.get_slot("comparing"):
            dimension = KNOWLEDGE.dimension_in_text(latest_text(tracker)) or ASPECT_TO_DIMENSION[aspect]
            return answer_difference(dispatcher, tracker, dimension)
        if not roles:
            remembered = KNOWLEDGE.role_key(tracker.get_slot("role"))
            roles = [remembered] if remembered else []
        if not roles:
            ask_which_role(dispatcher, aspect)
            return [SlotSet("aspect", aspect)]

        add_english_note(dispatcher, tracker)
        for role in roles:
            dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, aspect))
        return [SlotSet("aspect", aspect), SlotSet("role", KNOWLEDGE.roles[roles[-1]].name),
                SlotSet("comparing", False)]


def ask_which_role(dispatcher: CollectingDispatcher, aspect: str) -> None:
    intent = ASPECT_TO_INTENT[aspect]
    buttons = [{"title": kb.capitalize(role.name),
                "payload": f"/{intent}{{\"role\": \"{role.name}\"}}"}
               for role in KNOWLEDGE.roles.values()]
    dispatcher.utter_message(text=WHICH_ROLE, buttons=buttons)


def answer_difference(dispatcher: CollectingDispatcher, tracker: Tracker,
                      dimension: str) -> List[Dict[Text, Any]]:
    add_english_note(dispatcher, tracker)
    dispatcher.utter_message(text=KNOWLEDGE.difference_answer(dimension))
    return [SlotSet("aspect", kb.DIMENSION_TO_ASPECT[dimension]), SlotSet("comparing", True)]


class ActionAnswerDifference(Action):
    """Compares the two roles, in general or on the dimension the visitor mentions."""

    def name(self) -> Text:
        return "action_answer_difference"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if off_topic(tracker):
            return fallback(dispatcher, tracker)
        asked = next((e.get("value") for e in (tracker.latest_message or {}).get("entities") or []
                      if e.get("entity") == "dimension" and e.get("value") in KNOWLEDGE.differences),
                     None)
        dimension = asked or KNOWLEDGE.dimension_in_text(latest_text(tracker)) or "algemeen"
        return answer_difference(dispatcher, tracker, dimension)


class ActionAnswerAgency(Action):
    """What the agency offers, or how to reach it."""

    def name(self) -> Text:
        return "action_answer_agency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        topics = (["contact"] if latest_intent(tracker) == "ask_contact"
                  else ["kandidaten", "posities", "werkzaamheden"])
        dispatcher.utter_message(text="\n\n".join(KNOWLEDGE.agency_answer(t) for t in topics))
        return []


class ActionRoleAdvice(Action):
    """Which role fits a described need (employer) or a person (candidate), with reasons."""

    def name(self) -> Text:
        return "action_role_advice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        add_english_note(dispatcher, tracker)
        roles = roles_asked(tracker)
        if latest_intent(tracker) == "career_advice" and roles:
            # "hoe word ik office manager?" / "van secretaresse naar office manager"
            target = roles[-1]
            dispatcher.utter_message(text=KNOWLEDGE.role_answer(target, "opleiding"))
            dispatcher.utter_message(text=KNOWLEDGE.role_answer(target, "competenties"))
            return [SlotSet("role", KNOWLEDGE.roles[target].name), SlotSet("aspect", "opleiding"),
                    SlotSet("comparing", False)]

        if re.search(r"\b(vast|vaste|tijdelijk\w*)\b", kb.fold(latest_text(tracker))):
            # "vast of tijdelijk?": the knowledge says what is on offer, not which to choose
            dispatcher.utter_message(text=KNOWLEDGE.agency_answer("posities"))
            dispatcher.utter_message(text="Welke van de twee past, hangt af van je situatie; "
                                          "bespreek het gerust met ons.")
            dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
            return []
        fit = SEARCH.role_fit(latest_text(tracker))
        ranked = sorted(fit, key=lambda key: len(fit[key]), reverse=True)
        best, other = ranked[0], ranked[1]
        if not fit[best] or len(fit[best]) == len(fit[other]):
            dimension = KNOWLEDGE.dimension_in_text(latest_text(tracker))
            if dimension and dimension != "taken":  # "welk niveau vraag ik in de vacature?"
                return answer_difference(dispatcher, tracker, dimension)
            dispatcher.utter_message(text=KNOWLEDGE.difference_answer("algemeen"))
            dispatcher.utter_message(
                text="Vertel me wat de functie moet inhouden (bijvoorbeeld agenda's beheren, "
                     "notuleren, leidinggeven of het budget beheren), dan zeg ik welke rol past.",
                buttons=[{"title": "Doe de korte test (5 vragen)", "payload": "/career_quiz"}]
                if latest_intent(tracker) == "career_advice" else [])
            return [SlotSet("comparing", True), SlotSet("aspect", "definitie")]
        name = KNOWLEDGE.roles[best].name
        reasons = "\n".join(f"• {item}" for item in fit[best][:4])
        opening = (f"Dan past de functie {name} goed bij je." if latest_intent(tracker) == "career_advice"
                   else f"Dat klinkt als een {name}.")
        dispatcher.utter_message(text=f"{opening} Dit hoort bij die functie en past bij wat je zegt:\n{reasons}")
        if fit[other]:
            dispatcher.utter_message(
                text=f"Een {KNOWLEDGE.roles[other].name} kan een deel hiervan ook, "
                     f"maar de {name} past het best bij deze combinatie.")
        dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
        return [SlotSet("role", name), SlotSet("aspect", "taken"), SlotSet("comparing", False)]


class ActionNotInKnowledge(Action):
    """When the NLU is unsure or the question is off-topic: search the knowledge file and answer
    a strong match; otherwise say honestly that it is not known (or ask to rephrase gibberish).
    Every such turn is logged for the unanswered-question report."""

    def name(self) -> Text:
        return "action_not_in_knowledge"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if latest_intent(tracker) == "nlu_fallback":
            return fallback(dispatcher, tracker)
        return not_in_knowledge(dispatcher, tracker, NOT_IN_KNOWLEDGE, tried="buiten het onderwerp")


def fallback(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Search the knowledge file; answer a strong match, else ask to rephrase gibberish or
    say honestly that it is not known."""
    text = latest_text(tracker)
    dimension = KNOWLEDGE.dimension_in_text(text)
    if dimension and tracker.get_slot("comparing") and not roles_asked(tracker):
        # "en wat betreft strategisch denken?" right after a comparison
        log(tracker, f"context: vergelijking op '{dimension}'", "zoekantwoord")
        return answer_difference(dispatcher, tracker, dimension)
    remembered = KNOWLEDGE.role_key(tracker.get_slot("role"))
    roles = roles_asked(tracker) or ([remembered] if remembered else None)
    hit = SEARCH.best_answer(text, roles)
    if hit:
        return answer_search_hit(dispatcher, tracker, hit)
    if looks_like_gibberish(text) and not SEARCH.search(text):
        return not_in_knowledge(dispatcher, tracker, REPHRASE, tried="zoeken: geen woorden herkend",
                                outcome="herformuleren", offer_contact=False)
    return not_in_knowledge(dispatcher, tracker, NOT_IN_KNOWLEDGE, tried=describe_search(text, roles))


def describe_search(text: str, roles: Optional[List[str]]) -> str:
    hits = SEARCH.search(text, roles)
    if not hits:
        return "zoeken: niets gevonden"
    top = hits[0]
    return (f"zoeken: beste '{'.'.join(top.document.key)}' score {top.score:.2f}, "
            f"dekking {top.coverage:.0%} (te zwak)")


def answer_search_hit(dispatcher: CollectingDispatcher, tracker: Tracker, hit) -> List[Dict[Text, Any]]:
    doc = hit.document
    log(tracker, f"zoeken: '{'.'.join(doc.key)}' score {hit.score:.2f}, dekking {hit.coverage:.0%}",
        "zoekantwoord")
    dispatcher.utter_message(text=SEARCH_LEAD)
    if doc.kind == "role":
        role, aspect = doc.key
        dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, aspect))
        return [SlotSet("role", KNOWLEDGE.roles[role].name), SlotSet("aspect", aspect),
                SlotSet("comparing", False)]
    if doc.kind == "difference":
        dispatcher.utter_message(text=KNOWLEDGE.difference_answer(doc.key[0]))
        return [SlotSet("aspect", kb.DIMENSION_TO_ASPECT[doc.key[0]]), SlotSet("comparing", True)]
    dispatcher.utter_message(text=KNOWLEDGE.agency_answer(doc.key[0]))
    return []


def not_in_knowledge(dispatcher: CollectingDispatcher, tracker: Tracker, message: str, tried: str,
                     outcome: str = "niet in kennis", offer_contact: bool = True) -> List[Dict[Text, Any]]:
    log(tracker, tried, outcome)
    add_english_note(dispatcher, tracker)
    dispatcher.utter_message(text=message, buttons=SUGGESTIONS)
    if offer_contact:
        dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
    return []


def log(tracker: Tracker, tried: str, outcome: str) -> None:
    intent = (tracker.latest_message or {}).get("intent") or {}
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    # After a fallback the ranking's first entry is nlu_fallback; the second is the NLU's guess.
    guess = next((r for r in ranking if r.get("name") != "nlu_fallback"), intent)
    unanswered.record(tracker.sender_id, latest_text(tracker), guess.get("name"),
                      guess.get("confidence"), tried, outcome)
