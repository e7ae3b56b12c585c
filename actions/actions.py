"""Custom actions: every factual answer is composed from the knowledge file.

The file is loaded once, at import; a broken file stops the action server with the
path and the key that is wrong (see actions/knowledge.py).
"""
import re
from typing import Any, Dict, List, NamedTuple, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge as kb
from actions import privacy, unanswered
from actions.direct import (OTHER_ROLE, FactFinder, clauses, Match, asks_less, compares, fact_lines, label_of,
                            question_form, section_of)
from actions.search import Fit, KnowledgeSearch, is_english, looks_like_gibberish
from actions.language import FROM_MARKERS, GROWING, GROWTH_WORDS, REFERS_BACK, TO_MARKERS

KNOWLEDGE = kb.load()
SEARCH = KnowledgeSearch(KNOWLEDGE)
FACTS = FactFinder(KNOWLEDGE)

INTENT_TO_ASPECT = KNOWLEDGE.intent_to_aspect

# The quick replies under "I don't know that": what each role does, and the difference.
SUGGESTIONS = [{"title": KNOWLEDGE.heading(role, "definitie"),
                "payload": f'/{KNOWLEDGE.aspects["definitie"].intent}{{"role": "{role}"}}'}
               for role in KNOWLEDGE.roles] + [{"title": KNOWLEDGE.phrase("difference_button"),
                                                "payload": "/ask_difference"}]


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def role_mentions(tracker: Tracker) -> List[str]:
    text = latest_text(tracker)
    return [str(e.get("value", "")) for e in (tracker.latest_message or {}).get("entities") or []
            if e.get("entity") == "role" and not is_the_word_om(text, e)]


def is_the_word_om(text: str, entity: dict) -> bool:
    """The NLU sometimes tags the everyday word "om" ("om secretaresse te worden") as the
    abbreviation OM; lower case "om" only counts after an article ("een om")."""
    start, end = entity.get("start"), entity.get("end")
    if start is None or end is None or text[start:end] != "om":
        return False
    before = text[:start].split()
    return not (before and before[-1].lower() in ("een", "de", "als", "naar", "tot", "die"))


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
    if len(keys) < 2 and OTHER_ROLE.search(latest_text(tracker)):
        # "en de ander?": the role not in focus; "een secretaresse ... dan de andere functie": both
        named = keys[0] if keys else remembered_role(tracker)
        others = [key for key in KNOWLEDGE.roles if key != named]
        if named and len(others) == 1:
            keys = keys + others
    return keys


def asks_who(tracker: Tracker) -> bool:
    """A question for the role that does something ("wie regelt hr"), without naming one."""
    return question_form(latest_text(tracker), FACTS.role_words) == "who"


def unknown_role_mention(tracker: Tracker) -> Optional[str]:
    """A job asked about that is not one of ours ("hr manager"): tagged as a role by the NLU,
    or one of the knowledge file's other jobs."""
    if roles_asked(tracker):
        return None
    return (next((m for m in role_mentions(tracker) if m and not KNOWLEDGE.role_key(m)), None)
            or KNOWLEDGE.other_job_in_text(latest_text(tracker)))


def off_topic(tracker: Tracker) -> bool:
    """A knowledge intent whose words are not about our roles: the NLU guessed too boldly
    ("wie wordt er kampioen?" as a comparison). Such a turn goes to the fallback instead."""
    text = latest_text(tracker)
    if text.startswith("/") or roles_asked(tracker) or role_mentions(tracker):
        return False
    return not KNOWLEDGE.dimension_in_text(text) and SEARCH.is_off_topic(text)


def add_english_note(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    if is_english(latest_text(tracker)):
        dispatcher.utter_message(response="utter_english_note")


def remembered_role(tracker: Tracker) -> Optional[str]:
    return KNOWLEDGE.role_key(tracker.get_slot("role"))


def focus_slots(role: Optional[str], aspect: str, comparing: bool = False,
                question: Optional[str] = None) -> List[Dict[Text, Any]]:
    """The context for the next turn: role and aspect in focus, whether a comparison was
    just made, and the yes/no question just answered ("en een secretaresse?" asks it again)."""
    events = [SlotSet("aspect", aspect), SlotSet("comparing", comparing), SlotSet("question", question)]
    return events + ([SlotSet("role", role)] if role else [])


class ActionAnswerRole(Action):
    """Answers "role × aspect" questions: a specific question with the facts that decide it,
    a whole topic with its section; a bare role ("en een secretaresse?") keeps the aspect;
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
            return not_in_knowledge(dispatcher, tracker, "utter_unknown_role",
                                    tried=f"onbekende functie '{mention}'", mention=mention)
        roles = roles_asked(tracker)
        asked_before = tracker.get_slot("question")
        if latest_intent(tracker) == "inform_role" and len(roles) == 1 and asked_before:
            # "stuurt een office manager mensen aan?" ... "en een secretaresse?"
            return answer_yes_no(dispatcher, tracker, roles[0], aspect, asked_before)
        if latest_intent(tracker) == "inform_role" and len(set(roles)) > 1:
            # "officemanager vs secretaresse??": naming two roles and nothing else compares them
            return answer_difference(dispatcher, tracker, KNOWLEDGE.aspects[aspect].comparison)
        direct = answer_directly(dispatcher, tracker, aspect)
        if direct is not None:
            return direct
        if not roles and tracker.get_slot("comparing"):
            dimension = (KNOWLEDGE.dimension_in_text(latest_text(tracker))
                         or KNOWLEDGE.aspects[aspect].comparison)
            return answer_difference(dispatcher, tracker, dimension)
        roles = roles or [r for r in [remembered_role(tracker)] if r]
        if not roles and KNOWLEDGE.names_agency(latest_text(tracker)):
            return answer_agency(dispatcher, tracker, "ask_agency")  # "wat doet dit bureau?"
        if not roles:
            ask_which_role(dispatcher, aspect)
            return [SlotSet("aspect", aspect)]

        add_english_note(dispatcher, tracker)
        for role in roles:
            dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, aspect))
        return focus_slots(roles[-1], aspect)


def ask_which_role(dispatcher: CollectingDispatcher, aspect: str) -> None:
    intent = KNOWLEDGE.aspects[aspect].intent
    buttons = [{"title": kb.capitalize(role.name),
                "payload": f"/{intent}{{\"role\": \"{role.key}\"}}"}
               for role in KNOWLEDGE.roles.values()]
    dispatcher.utter_message(response="utter_which_role", buttons=buttons)


def answer_difference(dispatcher: CollectingDispatcher, tracker: Tracker,
                      dimension: str) -> List[Dict[Text, Any]]:
    add_english_note(dispatcher, tracker)
    dispatcher.utter_message(text=KNOWLEDGE.difference_answer(dimension, roles_asked(tracker)))
    return [SlotSet("aspect", KNOWLEDGE.comparisons[dimension].aspect), SlotSet("comparing", True)]


# ---- direct answers: the first sentence answers the question ---------------------------------

def answer_directly(dispatcher: CollectingDispatcher, tracker: Tracker, aspect: Optional[str],
                    honest_unknown: bool = True, yes_no_only: bool = False
                    ) -> Optional[List[Dict[Text, Any]]]:
    """A yes/no question, "which of the two" or "who does ..." gets the facts that decide it,
    first. None when the question asks for a whole topic (or, with `honest_unknown` off, when
    no fact decides it), so the caller answers as usual."""
    text = latest_text(tracker)
    if is_english(text):  # the facts' words are Dutch: an English question gets the topic
        return None
    form = question_form(text, FACTS.role_words)
    if yes_no_only and form != "yes_no":
        return None
    roles = roles_asked(tracker)
    if form == "which":
        dimension = KNOWLEDGE.dimension_in_text(text) or (
            KNOWLEDGE.aspects[aspect].comparison if aspect else None)
        if dimension:
            return answer_which(dispatcher, tracker, dimension)
        form = "who"  # "welke van beide houdt het budget in de gaten?"
    if form == "who" and len(roles) != 1:
        match = FACTS.best(text, roles or None, aspect)
        if match:
            name = KNOWLEDGE.roles[match.fact.role].name
            return answer_fact(dispatcher, tracker, match, match.fact.role,
                               KNOWLEDGE.phrase("who_does", name=name),
                               KNOWLEDGE.phrase("which", name=name))
        return None
    if form != "yes_no":
        return None
    focus = roles or [r for r in [remembered_role(tracker)] if r]
    if len(focus) != 1:
        return None  # "moeten ze allebei ...?": the whole topic answers it
    return answer_yes_no(dispatcher, tracker, focus[0], aspect, text, honest_unknown)


def answer_yes_no(dispatcher: CollectingDispatcher, tracker: Tracker, role: str,
                  aspect: Optional[str], text: str, honest_unknown: bool = True
                  ) -> Optional[List[Dict[Text, Any]]]:
    """Ja or nee and the fact that decides it; the other role's fact when it is theirs;
    or honestly that the file does not say. `text` is the question (this turn's, or the one
    before for "en een secretaresse?"). A question of two parts joined by "en" gets an answer
    per part when the facts answer them only apart, and honesty about a part the file does
    not answer ("neemt ze de telefoon op en handelt ze de post af?")."""
    whole = decide_yes_no(text, role, aspect)
    parts = [(part, decide_yes_no(part, role, aspect)) for part in question_parts(text)]
    answers = [whole] if whole else []
    if not whole:  # each part's fact, the same fact once
        for _, decided in parts:
            if decided and decided.match.facts not in [a.match.facts for a in answers]:
                answers.append(decided)
    if answers:
        events = [answer_fact(dispatcher, tracker, a.match, role, a.opener_item, a.opener_sentence,
                              question=text) for a in answers]
        for part in (part for part, decided in parts if not decided):
            dispatcher.utter_message(text=KNOWLEDGE.phrase("unknown_part", part=part))
        return events[0]  # the focus of the first answer
    if not honest_unknown:
        return None
    log(tracker, "ja/nee-vraag: geen feit gevonden", "niet in kennis")
    add_english_note(dispatcher, tracker)
    section = aspect or "definitie"
    dispatcher.utter_message(text=KNOWLEDGE.phrase("unknown"),
                             buttons=[KNOWLEDGE.more_button(role, section)])
    return focus_slots(role, section, question=text)


class Decision(NamedTuple):
    """The fact that answers a yes/no question and the openers of the answer."""
    match: Match
    opener_item: str      # before a listed fact ("Ja, dat hoort bij de taken van ...:")
    opener_sentence: str  # before a fact that is a sentence ("Ja.")


def decide_yes_no(text: str, role: str, aspect: Optional[str]) -> Optional[Decision]:
    """What answers a yes/no question about `role`: its own fact (ja or nee), or the other
    role's ("zorgt een secretaresse voor het budget?"); None when the file does not say."""
    name = KNOWLEDGE.roles[role].name
    own = FACTS.best(text, [role], aspect)
    if own and own.denied:
        return Decision(own, KNOWLEDGE.phrase("no_sentence"), KNOWLEDGE.phrase("no_sentence"))
    if own:
        return Decision(own, KNOWLEDGE.phrase("yes_item", label=label_of(KNOWLEDGE, own.fact), name=name),
                        KNOWLEDGE.phrase("yes_sentence"))
    other = FACTS.best(text, KNOWLEDGE.other_roles(role), aspect)
    if other and not other.denied:
        other_name = KNOWLEDGE.roles[other.fact.role].name
        return Decision(other, KNOWLEDGE.phrase("other_role_item", name=name, other=other_name),
                        KNOWLEDGE.phrase("other_role_sentence", name=name, other=other_name))
    return None


def question_parts(text: str) -> List[str]:
    """The parts of a question joined by "en" ("neemt ze de telefoon op en handelt ze de post
    af?") that have words of their own (not "en zo"); none when there are fewer than two."""
    parts = [p.strip(" ?!.,") for p in re.split(r"\s+en\s+", text.strip(), flags=re.IGNORECASE)]
    parts = [p for p in parts if FACTS.weights(p)]
    return parts if len(parts) > 1 else []


def answer_fact(dispatcher: CollectingDispatcher, tracker: Tracker, match: Match, focus: str,
                opener_item: str, opener_sentence: str, question: Optional[str] = None
                ) -> List[Dict[Text, Any]]:
    """The opener and the deciding fact, with the whole section one click away."""
    add_english_note(dispatcher, tracker)
    section = section_of(KNOWLEDGE, match.fact)
    dispatcher.utter_message(text=fact_lines(match, opener_item, opener_sentence),
                             buttons=[KNOWLEDGE.more_button(match.fact.role, section)])
    return focus_slots(focus, section, question=question)


def answer_which(dispatcher: CollectingDispatcher, tracker: Tracker,
                 dimension: str) -> List[Dict[Text, Any]]:
    """ "Wie van de twee ... meer?": the role that has the most (or least) of it, and why."""
    comparison = KNOWLEDGE.comparisons[dimension]
    text = latest_text(tracker)
    winner = comparison.most
    if winner and asks_less(text):
        others = [r for r in comparison.lines if r != winner]
        winner = others[0] if len(others) == 1 else ""
    # "wie werkt er meer onder toezicht?": the words of one role's side decide
    named = {m.fact.role for m in FACTS.matches(text, list(comparison.lines))
             if m.fact.comparison == dimension and m.listed and not m.denied}
    if len(named) == 1:
        winner = named.pop()
    add_english_note(dispatcher, tracker)
    if not winner:
        text = KNOWLEDGE.phrase("which_same") + "\n" + KNOWLEDGE.difference_answer(dimension)
    else:
        lines = [f"{KNOWLEDGE.phrase('which', name=KNOWLEDGE.roles[winner].name)} "
                 f"{comparison.lines[winner].text}"]
        lines += [f"• {kb.capitalize(KNOWLEDGE.roles[r].name)}: {line.text}"
                  for r, line in comparison.lines.items() if r != winner]
        text = "\n".join(lines)
    dispatcher.utter_message(text=text, buttons=[KNOWLEDGE.comparison_button(dimension)])
    return focus_slots(winner or None, comparison.aspect, comparing=True)


class ActionAnswerDifference(Action):
    """Compares the roles, in general or on the dimension the visitor mentions; "which of
    the two has more ..." names the role."""

    def name(self) -> Text:
        return "action_answer_difference"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if off_topic(tracker):
            return fallback(dispatcher, tracker)
        asked = next((e.get("value") for e in (tracker.latest_message or {}).get("entities") or []
                      if e.get("entity") == "dimension" and e.get("value") in KNOWLEDGE.comparisons),
                     None)
        roles = roles_asked(tracker)
        if not asked and len(roles) == 1 and not compares(latest_text(tracker)):
            # one role and no comparing word: the NLU took a question about that role for a
            # comparison ("aan wie rapporteert een office manager?")
            return answer_one_role(dispatcher, tracker, roles[0])
        if not asked:
            direct = answer_directly(dispatcher, tracker, None, honest_unknown=False)
            if direct is not None:
                return direct
        dimension = asked or KNOWLEDGE.dimension_in_text(latest_text(tracker)) or "algemeen"
        return answer_difference(dispatcher, tracker, dimension)


def answer_one_role(dispatcher: CollectingDispatcher, tracker: Tracker,
                    role: str) -> List[Dict[Text, Any]]:
    """A question about one role: the facts that decide it, else the topic its words name."""
    dimension = KNOWLEDGE.dimension_in_text(latest_text(tracker))
    aspect = KNOWLEDGE.comparisons[dimension].aspect if dimension else "definitie"
    direct = answer_directly(dispatcher, tracker, aspect, honest_unknown=False)
    if direct is not None:
        return direct
    add_english_note(dispatcher, tracker)
    dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, aspect))
    return focus_slots(role, aspect)


class ActionAnswerAgency(Action):
    """What the agency offers, how to reach it, or (for candidates) open jobs: the topics of
    each intent are in the knowledge file."""

    def name(self) -> Text:
        return "action_answer_agency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return answer_agency(dispatcher, tracker, latest_intent(tracker))


def answer_agency(dispatcher: CollectingDispatcher, tracker: Tracker,
                  intent: str) -> List[Dict[Text, Any]]:
    """The intent's agency topics; honestly "not in my knowledge" for prices, history and
    the like ("zijn jullie duur?"), with the contact page."""
    # a contact question ("wat is jullie adres?") is answered by the contact page itself
    if intent != "ask_contact" and KNOWLEDGE.asks_not_known_of_agency(latest_text(tracker)):
        return not_in_knowledge(dispatcher, tracker, "utter_not_in_knowledge", tried="bureau: niet in kennis")
    for topic in KNOWLEDGE.agency_intents.get(intent) or KNOWLEDGE.agency_intents["ask_agency"]:
        dispatcher.utter_message(text=KNOWLEDGE.agency_answer(topic))
    return []


class ActionAnswerPrivacy(Action):
    """What is kept of the visitor and how long (ask_privacy), or how to have it erased
    (ask_erasure): the periods of actions/privacy.py, the same the consent question names."""

    def name(self) -> Text:
        return "action_answer_privacy"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        days = privacy.retention_days()
        values = {"conversations": privacy.period(days["conversations"]), "requests": privacy.period(days["requests"]),
                  "privacy": privacy.where_to_read_more()}
        erasure = latest_intent(tracker) == "ask_erasure"
        dispatcher.utter_message(response="utter_erasure" if erasure else "utter_privacy", **values)
        if erasure:
            dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
        return []


# ---- advice -----------------------------------------------------------------------------------


def growth_path(text: str) -> Optional[kb.GrowthPath]:
    """The growth path a candidate asks about: "ik ben nu secretaresse" names where they
    come from, "naar office manager" / "office manager worden" where they want to go (or the
    path from their role, when they only say they want to grow)."""
    folded = kb.fold(text)
    if not GROWTH_WORDS.search(folded):
        return None
    words = re.findall(r"[\w-]+", folded)
    origin = goal = None
    for index, size, role in KNOWLEDGE.role_positions(text):
        before, after = set(words[max(0, index - 3):index]), words[index + size:index + size + 1]
        if before & TO_MARKERS or set(after) & {"worden", "te"}:
            goal = role
        elif before & FROM_MARKERS:
            origin = role
    if not origin and not goal and len(KNOWLEDGE.growth) == 1 and GROWING.search(folded):
        return KNOWLEDGE.growth[0]  # "ik wil doorgroeien": the one way up there is
    if not origin:  # "hoe word ik office manager?" asks what it takes, not about a step
        return None
    return next((p for p in KNOWLEDGE.growth
                 if origin == p.from_role and goal in (None, p.to_role)), None)


def answer_growth(dispatcher: CollectingDispatcher, path: kb.GrowthPath) -> List[Dict[Text, Any]]:
    k = KNOWLEDGE
    target = k.roles[path.to_role]
    heading = k.phrase("growth_heading", from_name=k.roles[path.from_role].name, to_name=target.name)
    changes = [k.comparisons[c].lines[path.to_role].text for c in path.changes]
    dispatcher.utter_message(text=kb.bullets(f"{kb.capitalize(heading)}\n{path.text}\n"
                                             f"{k.phrase('growth_changes')}", changes))
    needs = [kb.bullets(target.aspects[a].text, target.aspects[a].items) for a in path.needs]
    dispatcher.utter_message(text=k.phrase("growth_needs") + "\n" + "\n".join(needs),
                             buttons=[{"title": k.phrase("quiz_offer"), "payload": "/career_quiz"},
                                      k.more_button(path.to_role, "opleiding")])
    return focus_slots(path.to_role, "opleiding")


def request_offer(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(text=KNOWLEDGE.phrase("advice_offer"),
                             buttons=[{"title": KNOWLEDGE.phrase("request_button"), "payload": "/hire_request"}])


class ActionRoleAdvice(Action):
    """Which role fits a described need (employer) or a person (candidate), with reasons;
    the way from one role to the other; an employer gets an offer to leave a request, never
    the request itself."""

    def name(self) -> Text:
        return "action_role_advice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text, intent = latest_text(tracker), latest_intent(tracker)
        candidate = intent == "career_advice"
        path = growth_path(text)
        if path:
            add_english_note(dispatcher, tracker)
            return answer_growth(dispatcher, path)
        direct = answer_directly(dispatcher, tracker, None, honest_unknown=False, yes_no_only=True)
        if direct is not None:  # "kan een office manager leiding geven aan een team?"
            return direct
        add_english_note(dispatcher, tracker)
        roles = roles_asked(tracker)
        if candidate and roles and GROWTH_WORDS.search(kb.fold(text)):
            return what_it_takes(dispatcher, roles[-1])  # "hoe word ik office manager?"
        if re.search(r"\b(vast|vaste|tijdelijk\w*)\b", kb.fold(text)):
            # "vast of tijdelijk?": the knowledge says what is on offer, not which to choose
            dispatcher.utter_message(text=KNOWLEDGE.agency_answer("posities"))
            dispatcher.utter_message(response="utter_contract_depends")
            dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
            return []
        fit = SEARCH.role_fit(clauses(text))
        ranked = sorted(fit.reasons, key=fit.score, reverse=True)
        best, runner_up = ranked[0], ranked[1]
        if (fit.reasons[best] or fit.against[runner_up]) and fit.score(best) > fit.score(runner_up):
            return recommend(dispatcher, fit, best, runner_up, candidate)
        dimension = KNOWLEDGE.dimension_in_text(text)
        if dimension and dimension != "taken":  # "welk niveau vraag ik in de vacature?"
            return answer_difference(dispatcher, tracker, dimension)
        return general_advice(dispatcher, candidate)


def what_it_takes(dispatcher: CollectingDispatcher, role: str) -> List[Dict[Text, Any]]:
    dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, "opleiding"))
    dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, "competenties"),
                             buttons=[{"title": KNOWLEDGE.phrase("quiz_offer"), "payload": "/career_quiz"}])
    return focus_slots(role, "opleiding")


def recommend(dispatcher: CollectingDispatcher, fit: Fit, best: str, runner_up: str,
              candidate: bool) -> List[Dict[Text, Any]]:
    """The role whose facts match the described need or person, with those facts as reasons,
    and why not the other when something was said against it ("geen ervaring")."""
    name = KNOWLEDGE.roles[best].name
    opening = KNOWLEDGE.phrase("fit_candidate" if candidate else "fit_employer", name=name)
    if fit.reasons[best]:
        dispatcher.utter_message(text=kb.bullets(f"{opening} {KNOWLEDGE.phrase('fit_reasons')}",
                                                 fit.reasons[best][:4]))
    else:
        dispatcher.utter_message(text=opening)
    other = KNOWLEDGE.roles[runner_up].name
    if fit.against[runner_up]:
        dispatcher.utter_message(text=kb.bullets(KNOWLEDGE.phrase("not_fit", name=other), fit.against[runner_up][:2]))
    elif fit.reasons[runner_up]:
        dispatcher.utter_message(text=KNOWLEDGE.phrase("runner_up", name=name, runner_up=other))
    if candidate:
        dispatcher.utter_message(text=KNOWLEDGE.agency_answer("contact"))
    else:
        request_offer(dispatcher)
    return focus_slots(best, "taken")


def general_advice(dispatcher: CollectingDispatcher, candidate: bool) -> List[Dict[Text, Any]]:
    """No need described: when to choose which role (employer) or how they differ (candidate)."""
    if candidate:
        dispatcher.utter_message(text=KNOWLEDGE.difference_answer("algemeen"))
        dispatcher.utter_message(text=KNOWLEDGE.phrase("advice_ask"),
                                 buttons=[{"title": KNOWLEDGE.phrase("quiz_offer"), "payload": "/career_quiz"}])
    else:
        dispatcher.utter_message(text=kb.bullets(
            KNOWLEDGE.phrase("advice_intro"),
            [f"{kb.capitalize(r.name)}: {r.advice}" for r in KNOWLEDGE.roles.values()]))
        dispatcher.utter_message(text=KNOWLEDGE.phrase("advice_ask"))
        request_offer(dispatcher)
    return [SlotSet("comparing", True), SlotSet("aspect", "definitie")]


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
        if roles_asked(tracker) or asks_who(tracker):
            # "doet een secretaresse ook de boekhouding?", "wie regelt hr" taken as off-topic
            direct = answer_directly(dispatcher, tracker, None, honest_unknown=False)
            if direct is not None:
                return direct
        follow_up = answer_follow_up(dispatcher, tracker)  # "welke opleiding is daarvoor nodig?"
        if follow_up is not None:
            return follow_up
        return not_in_knowledge(dispatcher, tracker, "utter_not_in_knowledge", tried="buiten het onderwerp")


def fallback(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Search the knowledge file; answer a strong match, else ask to rephrase gibberish or
    say honestly that it is not known."""
    text = latest_text(tracker)
    dimension = KNOWLEDGE.dimension_in_text(text)
    if dimension and tracker.get_slot("comparing") and not roles_asked(tracker):
        # "en wat betreft strategisch denken?" right after a comparison
        log(tracker, f"context: vergelijking op '{dimension}'", "zoekantwoord")
        return answer_difference(dispatcher, tracker, dimension)
    follow_up = answer_follow_up(dispatcher, tracker)  # "welke competenties horen daar dan bij?"
    if follow_up is not None:
        return follow_up
    named = roles_asked(tracker)
    if named or asks_who(tracker):  # "wie regelt hr?": whose task it is, when a fact says so
        direct = answer_directly(dispatcher, tracker, None, honest_unknown=False)
        if direct is not None:
            return direct
    if named:
        guess = nlu_guess(tracker)
        if guess in INTENT_TO_ASPECT:  # "wat houdt het werk van een secretaresse globaal in?"
            log(tracker, f"onzeker: beste gok '{guess}'", "zoekantwoord")
            add_english_note(dispatcher, tracker)
            dispatcher.utter_message(response="utter_search_lead")
            for role in named:
                dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, INTENT_TO_ASPECT[guess]))
            return focus_slots(named[-1], INTENT_TO_ASPECT[guess])
        if len(named) > 1:  # "officemanager vs secretaresse??": both roles, side by side
            log(tracker, "onzeker, twee functies: vergelijking", "zoekantwoord")
            return answer_difference(dispatcher, tracker, KNOWLEDGE.dimension_in_text(text) or "algemeen")
    remembered = remembered_role(tracker)
    roles = named or ([remembered] if remembered else None)
    hit = SEARCH.best_answer(text, roles)
    if hit:
        return answer_search_hit(dispatcher, tracker, hit)
    if looks_like_gibberish(text) and not SEARCH.search(text):
        return not_in_knowledge(dispatcher, tracker, "utter_rephrase", tried="zoeken: geen woorden herkend",
                                outcome="herformuleren", offer_contact=False)
    return not_in_knowledge(dispatcher, tracker, "utter_not_in_knowledge", tried=describe_search(text, roles))


def answer_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker
                     ) -> Optional[List[Dict[Text, Any]]]:
    """An unsure or off-topic turn that points back at the role in focus and names one of its
    topics (in the knowledge file's words, or as the NLU's best guess) is answered about that
    role; None otherwise (a salary stays unknown)."""
    text = latest_text(tracker)
    role = remembered_role(tracker)
    if (not role or role_mentions(tracker) or roles_asked(tracker)
            or not REFERS_BACK.search(text.lower())):
        return None
    dimension = KNOWLEDGE.dimension_in_text(text)
    aspect = KNOWLEDGE.comparisons[dimension].aspect if dimension else INTENT_TO_ASPECT.get(
        nlu_guess(tracker, skip=("nlu_fallback", "out_of_scope")))
    if not aspect:
        return None
    log(tracker, f"vervolgvraag over '{role}': '{aspect}'", "zoekantwoord")
    direct = answer_directly(dispatcher, tracker, aspect, honest_unknown=False)
    if direct is not None:
        return direct
    dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, aspect))
    return focus_slots(role, aspect)


def nlu_guess(tracker: Tracker, minimum: float = 0.25, skip: Tuple[str, ...] = ("nlu_fallback",)
              ) -> Optional[str]:
    """The NLU's best intent after an unsure turn (nlu_fallback), if it is not a wild guess."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    guess = next((r for r in ranking if r.get("name") not in skip), {})
    return guess.get("name") if (guess.get("confidence") or 0) >= minimum else None


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
    dispatcher.utter_message(response="utter_search_lead")
    if doc.kind == "role":
        role, aspect = doc.key
        dispatcher.utter_message(text=KNOWLEDGE.role_answer(role, aspect))
        return focus_slots(role, aspect)
    if doc.kind == "difference":
        dispatcher.utter_message(text=KNOWLEDGE.difference_answer(doc.key[0]))
        return [SlotSet("aspect", KNOWLEDGE.comparisons[doc.key[0]].aspect), SlotSet("comparing", True)]
    dispatcher.utter_message(text=KNOWLEDGE.agency_answer(doc.key[0]))
    return []


def not_in_knowledge(dispatcher: CollectingDispatcher, tracker: Tracker, response: str, tried: str,
                     outcome: str = "niet in kennis", offer_contact: bool = True,
                     **values: Any) -> List[Dict[Text, Any]]:
    """The domain response `response` (filled with `values`) with the suggestions below it."""
    log(tracker, tried, outcome)
    add_english_note(dispatcher, tracker)
    dispatcher.utter_message(response=response, buttons=SUGGESTIONS, **values)
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
