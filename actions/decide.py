"""What kind of answer a turn needs: decided here, in one place, and nowhere else.

The NLU says what a message is about; Rasa's rules pick one of the answer actions by it
(`Turn.entry`). From there the words decide: the form of the question (yes/no, which of the
two, who), the roles it names or points back at, the conversation so far. The result is a
`Plan`: the kind of answer and what it is about. actions/answers/ builds the text of each kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from actions import knowledge as kb
from actions.direct import (
    MIN_COVERAGE,
    MIN_COVERAGE_NEAR,
    MIN_COVERAGE_PART,
    MIN_COVERAGE_WHO,
    Match,
    clauses,
    compares,
    label_of,
    question_form,
    section_of,
)
from actions.language import (
    BOTH_ROLES,
    CONTRACT_KINDS,
    COUNT_WORDS,
    FROM_MARKERS,
    GOAL_AFTER,
    GROWING,
    GROWTH_WORDS,
    TO_MARKERS,
)
from actions.loaded import FACTS, INTENT_TO_ASPECT, KNOWLEDGE, SEARCH
from actions.search import looks_like_gibberish
from actions.turn import Turn

ADVICE_INTENTS = ("hire_advice", "career_advice")


@dataclass
class Plan:
    kind: str  # a key of actions.answers.BUILDERS
    args: Dict[str, Any] = field(default_factory=dict)
    note: Optional[Tuple[str, str]] = None  # (what was tried, outcome) for the unanswered report


def plan(kind: str, note: Optional[Tuple[str, str]] = None, **args: Any) -> Plan:
    return Plan(kind, args, note)


def decide(turn: Turn) -> Plan:
    if (turn.is_description or turn.asks_which_role_fits) and turn.entry != "action_answer_privacy":
        # a pasted vacancy text or a candidate's story, or "welke functie is dit?" / "waarom niet
        # office manager?" after one, is advised on whatever the NLU made of it
        found = advice(replace(turn, intent=turn.advice_intent))
        asked = KNOWLEDGE.dimension_in_text(turn.last_sentence) if turn.is_description else None
        if found.kind == "recommend" and asked:  # "... welk opleidingsniveau vragen we?" at its end
            topic = plan("topic", roles=[found.args["best"]], aspect=KNOWLEDGE.comparisons[asked].aspect)
            return plan("each", plans=[found, topic])
        return found
    return ENTRIES[turn.entry](turn)


# ---- per answer action ------------------------------------------------------------------------


def about_a_role(turn: Turn) -> Plan:
    """A topic of a role ("wat doet een office manager?"), or a bare role ("en een
    secretaresse?") that keeps the topic, or the question, in focus."""
    if turn.off_topic:
        return unsure(turn)
    if turn.tells_only and not turn.roles:  # "ik ben nauwkeurig, kritisch en klantgericht"
        return a_situation(turn)
    aspect = INTENT_TO_ASPECT.get(turn.intent or "") or turn.aspect or "definitie"
    if (
        turn.asks_same_again and turn.aspect and not turn.question_before
    ):  # "secr ook?" after a topic: that topic
        aspect = turn.aspect
    if turn.is_short and turn.dimension and turn.roles:  # "om leiding?"
        aspect = KNOWLEDGE.comparisons[turn.dimension].aspect
    if turn.unknown_role:
        return not_known(
            f"onbekende functie '{turn.unknown_role}'",
            response="utter_unknown_role",
            mention=turn.unknown_role,
        )
    roles = turn.roles
    asked_before = turn.question_before
    if len(roles) == 1 and asked_before and (turn.asks_same_again or turn.intent == "inform_role"):
        # "stuurt een office manager mensen aan?" ... "en een secretaresse?" / "doet de office manager
        # dat ook?", also after an open question ("wat doet een secretaresse bij vergaderingen?");
        # "en een office manager?" after an open question asks for that topic of hers, unless the
        # file could not answer the question ("wat verdient een secretaresse?" ... "en een OM?")
        found = yes_no(turn, roles[0], aspect, asked_before)
        asks_again = turn.asks_same_again or question_form(asked_before) != "open"
        if found and (asks_again or SEARCH.is_off_topic(asked_before)):  # "wat verdient een ...?" too
            return found
    if turn.intent == "inform_role" and len(set(roles)) > 1:
        # "officemanager vs secretaresse??": naming two roles and nothing else compares them
        return plan("difference", dimension=KNOWLEDGE.aspects[aspect].comparison)
    direct = directly(turn, aspect)
    if direct:
        return direct
    if not roles and turn.comparing:  # "en qua opleiding?" right after a comparison
        return plan("difference", dimension=turn.dimension or KNOWLEDGE.aspects[aspect].comparison)
    roles = turn.roles_or_focus
    side = one_side(turn, roles, aspect)
    if side:
        return side
    if not roles and KNOWLEDGE.names_agency(turn.text):
        return about_the_agency(turn, "ask_agency")  # "wat doet dit bureau?"
    if not roles:
        return plan("which_role", aspect=aspect)
    if turn.asks_amount and not any(gives_number(KNOWLEDGE.role_answer(role, aspect)) for role in roles):
        # "hoe lang duurt de opleiding?": honestly not known, and what the topic does say
        return plan(
            "topic",
            roles=roles,
            aspect=aspect,
            unknown="unknown_amount",
            note=("vraag naar een aantal of duur", "niet in kennis"),
        )
    if turn.asks_specific and aspect == "opleiding":
        # "welke hbo-opleiding precies?": the article names a level, never a study
        return plan(
            "topic",
            roles=roles,
            aspect=aspect,
            unknown="unknown_specific",
            note=("vraag naar een specifieke opleiding", "niet in kennis"),
        )
    return plan("topic", roles=roles, aspect=aspect)


def a_comparison(turn: Turn) -> Plan:
    """The difference, in general or on the dimension named; "which of the two ..." names the
    role; one role and no comparing word is a question about that role."""
    if turn.off_topic:
        return unsure(turn)
    asked = turn.dimension_asked
    if not asked and turn.form == "which" and not turn.dimension and turn.words_unknown:
        # "wie verdient het meest van de twee?"
        return not_known("vergelijking: woorden niet in kennis")
    if not asked and len(turn.roles) == 1 and not turn.compares:
        # the NLU took a question about one role for a comparison ("aan wie rapporteert ...?")
        aspect = KNOWLEDGE.comparisons[turn.dimension].aspect if turn.dimension else "definitie"
        return directly(turn, aspect, honest_unknown=False) or plan(
            "topic", roles=turn.roles[:1], aspect=aspect
        )
    if not asked:
        direct = directly(turn, None, honest_unknown=False)
        if direct:
            return direct
    if not asked and not turn.dimension and turn.aspect and not FACTS.weights(turn.text):
        # "en de andere functie vraagt meer?": the topic in focus, compared
        asked = KNOWLEDGE.aspects[turn.aspect].comparison
    return plan("difference", dimension=asked or turn.dimension or "algemeen")


def advice(turn: Turn) -> Plan:
    """Which role fits a described need (employer) or person (candidate); the way from one
    role to the other. An employer is offered a request, never given one."""
    candidate = turn.intent == "career_advice"
    # a pasted text names contracts and growth as the employer's offer, not as a question
    path = None if turn.is_description else growth_path(turn.text)
    if path:
        return plan("growth", path=path)
    direct = directly(turn, None, honest_unknown=False, yes_no_only=True)
    if direct:  # "kan een office manager leiding geven aan een team?"
        return direct
    if candidate and turn.roles and GROWTH_WORDS.search(turn.folded):
        return plan("what_it_takes", role=turn.roles[-1])  # "hoe word ik office manager?"
    if CONTRACT_KINDS.search(turn.folded) and not turn.is_description:
        return plan("contract_kinds")  # the knowledge says what is on offer, not which to choose
    fit = SEARCH.role_fit(clauses(turn.all_told))  # all she told, also in earlier messages
    best, runner_up = sorted(fit.reasons, key=fit.score, reverse=True)[:2]
    if turn.dimension and turn.focus and asks_a_topic_of_the_advice(turn):
        # "en wat zet ik bij de opleidingseisen?" after advice: that topic of the role advised
        advised = best if fit.convincing(best, runner_up) else turn.focus
        return plan("topic", roles=[advised], aspect=KNOWLEDGE.comparisons[turn.dimension].aspect)
    if fit.convincing(best, runner_up):
        return plan("recommend", fit=fit, best=best, runner_up=runner_up, candidate=candidate)
    if turn.dimension and turn.dimension != "taken":  # "welk niveau vraag ik in de vacature?"
        return plan("difference", dimension=turn.dimension)
    return plan("general_advice", candidate=candidate)


def asks_a_topic_of_the_advice(turn: Turn) -> bool:
    """After advice, a question that names a topic and tells nothing new ("welk
    opleidingsniveau kan ik het beste invullen?"): about the role advised, not advice again."""
    if not (turn.told and turn.focus and turn.dimension) or turn.is_description or turn.roles:
        return False
    if turn.asks_which_role_fits or turn.form != "open" or not turn.text.rstrip().endswith("?"):
        return False  # a yes/no question is answered by its facts; a statement tells
    said = SEARCH.role_fit(clauses(turn.text))
    return not any(said.reasons.values()) and not any(said.against.values())


def about_the_agency(turn: Turn, intent: Optional[str] = None) -> Plan:
    """The intent's agency topics; honestly "not in my knowledge" for prices, history, the
    address and the like ("zijn jullie duur?"), with the contact details."""
    intent = intent or turn.intent
    if turn.intent == "ask_vacancies" and turn.tells_only:  # "ik zoek een nieuwe baan op kantoor"
        return a_situation(turn)
    if KNOWLEDGE.asks_not_known_of_agency(turn.text):
        return not_known("bureau: niet in kennis")
    return plan(
        "agency", topics=KNOWLEDGE.agency_intents.get(intent or "") or KNOWLEDGE.agency_intents["ask_agency"]
    )


def about_privacy(turn: Turn) -> Plan:
    return plan("privacy", erasure=turn.intent == "ask_erasure")


def a_situation(turn: Turn) -> Plan:
    """Who she is or what is going on, told before any question: kept for the advice, and
    advice at once when what she told so far makes one role clearly fit ("ik heb mbo 4 en geen
    kantoorervaring")."""
    if turn.continues:  # "en in een ziekenhuis?" goes on from the last answer
        found = follow_up(turn)
        if found:
            return found
    fit = SEARCH.role_fit(clauses(turn.all_told))
    best, runner_up = sorted(fit.reasons, key=fit.score, reverse=True)[:2]
    # unasked, advice needs more than a word or two in common ("14 man personeel" is a size, not a need)
    decisive = fit.met[best] or fit.against[runner_up] or len(fit.reasons[best]) >= 3
    if fit.convincing(best, runner_up) and decisive:
        return plan("recommend", fit=fit, best=best, runner_up=runner_up, candidate=turn.is_candidate)
    return plan("situation", again=bool(turn.told), candidate=turn.shown_as == "kandidaat")


def told_or_asked(turn: Turn) -> Plan:
    """What the NLU took for a situation: a question after all ("moet die al eerder zulk werk
    gedaan hebben?") is read as the NLU being unsure."""
    if turn.form != "open" and not turn.is_description:
        return unsure(turn)
    return a_situation(turn)


def off_the_subject(turn: Turn) -> Plan:
    """Out of scope, or Rasa unsure of the next action: a role named or "wie ..." may still
    be answered by a fact; a question pointing back by the role in focus; a "ja" or "nee"
    to nothing asked gets what the assistant can do."""
    if turn.intent == "nlu_fallback":
        return unsure(turn)
    if turn.tells_only and not turn.is_short:  # "maar ik heb geen hbo, alleen mbo" (read as "stop")
        return a_situation(turn)
    if turn.intent in ("affirm", "deny", "stop"):  # "ik wil stoppen" with nothing going on
        return plan("what_else")
    if turn.roles or turn.asks_who:  # "doet een secretaresse ook de boekhouding?"
        direct = directly(turn, None, honest_unknown=False)
        if direct:
            return direct
    found = follow_up(turn)
    if found:
        return found
    if turn.tells_only:
        return a_situation(turn)
    if KNOWLEDGE.asks_not_known_of_agency(turn.text):  # "en wat kost dat?"
        return not_known("bureau: niet in kennis")
    if CONTRACT_KINDS.search(turn.folded) and not turn.roles:  # "tijdelijk kan?"
        return plan(
            "agency", topics=["posities"], note=("buiten het onderwerp: vast of tijdelijk", "zoekantwoord")
        )
    return not_known("buiten het onderwerp")


def unsure(turn: Turn) -> Plan:
    """The NLU was unsure (or guessed a topic the words are not about): the context, a fact, a
    section the search finds; else honestly not known, or a request to rephrase gibberish."""
    named = turn.roles
    if turn.dimension and turn.comparing and not named:
        # "en wat betreft strategisch denken?" right after a comparison
        return plan(
            "difference",
            dimension=turn.dimension,
            note=(f"context: vergelijking op '{turn.dimension}'", "zoekantwoord"),
        )
    found = follow_up(turn)  # "welke competenties horen daar dan bij?"
    if found:
        return found
    if named or turn.asks_who:  # "wie regelt hr?": whose task it is, when a fact says so
        # a yes/no question: the fact, or one that comes near; not "not known", the NLU was unsure
        direct = directly(turn, None, honest_unknown=False, near=True)
        if direct:
            return direct
    if turn.asks_which_role_is_this:  # ... before it: ask for the text
        return plan("paste_text")
    if (
        named
        and turn.form != "open"
        and not turn.dimension
        and turn.words_unknown
        and not question_parts(turn.question_text)  # a part the file does answer is answered
    ):
        # "heb je een rijbewijs nodig als office manager?": no word of it is in the file
        return plan(
            "yes_no_unknown",
            role=named[0],
            aspect=turn.aspect or "definitie",
            question=turn.question_text,
            note=("onzeker: woorden niet in kennis", "niet in kennis"),
        )
    guess = turn.guess()
    if guess in ADVICE_INTENTS or guess == "tell_situation":
        # "ik heb mbo 4 ..., welke functie is voor mij het meest haalbaar?"
        found = advice(replace(turn, intent=guess)) if guess in ADVICE_INTENTS else a_situation(turn)
        if found.kind in ("recommend", "growth"):  # only a clear recommendation, not a guess at one
            found.note = found.note or (f"onzeker: beste gok '{guess}'", "zoekantwoord")
            return found
    side = one_side(turn, turn.roles, None)
    if side:  # "wat houdt strategisch denken in bij een office manager?"
        side.note = ("onzeker: onderdeel van een onderwerp", "zoekantwoord")
        return side
    if turn.tells_only:  # "ik heb 10 jaar ervaring als secretaresse": kept, and advice when it is clear
        return a_situation(turn)
    if named:
        if guess in INTENT_TO_ASPECT:  # "wat houdt het werk van een secretaresse globaal in?"
            return plan(
                "topic",
                roles=named,
                aspect=INTENT_TO_ASPECT[guess],
                lead=True,
                note=(f"onzeker: beste gok '{guess}'", "zoekantwoord"),
            )
        if len(named) > 1:  # "officemanager vs secretaresse??": both roles, side by side
            return plan(
                "difference",
                dimension=turn.dimension or "algemeen",
                note=("onzeker, twee functies: vergelijking", "zoekantwoord"),
            )
    if KNOWLEDGE.names_agency(turn.text) and KNOWLEDGE.asks_not_known_of_agency(turn.text):
        return not_known("bureau: niet in kennis")  # "sinds wanneer bestaat 2assistu"
    if CONTRACT_KINDS.search(turn.folded) and KNOWLEDGE.asks_not_known_of_agency(turn.text):
        return not_known("bureau: niet in kennis")  # "wat kost een tijdelijke kracht?"
    if CONTRACT_KINDS.search(turn.folded) and not named:  # "ook tijdelijk?"
        return plan("agency", topics=["posities"], note=("onzeker: vast of tijdelijk", "zoekantwoord"))
    roles = turn.roles_or_focus or None
    hit = SEARCH.best_answer(turn.text, roles)
    if hit:
        doc = hit.document
        return plan(
            "search_hit",
            document=doc,
            note=(
                f"zoeken: '{'.'.join(doc.key)}' score {hit.score:.2f}, dekking {hit.coverage:.0%}",
                "zoekantwoord",
            ),
        )
    if turn.focus and turn.asks_about_last_answer:  # "voor wie?", "waarom?", "wat nog meer?"
        note = ("vraag over het vorige antwoord", "zoekantwoord")
        if turn.comparing and turn.aspect:
            return plan("difference", dimension=KNOWLEDGE.aspects[turn.aspect].comparison, note=note)
        return plan("topic", roles=[turn.focus], aspect=turn.aspect or "definitie", note=note)
    if looks_like_gibberish(turn.text) and not SEARCH.search(turn.text):
        return plan(
            "not_in_knowledge",
            response="utter_rephrase",
            offer_contact=False,
            values={},
            note=("zoeken: geen woorden herkend", "herformuleren"),
        )
    return not_known(describe_search(turn.text, roles))


ENTRIES: Dict[str, Callable[[Turn], Plan]] = {
    "action_answer_role": about_a_role,
    "action_answer_difference": a_comparison,
    "action_role_advice": advice,
    "action_answer_agency": about_the_agency,
    "action_answer_privacy": about_privacy,
    "action_answer_situation": told_or_asked,
    "action_not_in_knowledge": off_the_subject,
}


# ---- shared steps -----------------------------------------------------------------------------


def not_known(tried: str, response: str = "utter_not_in_knowledge", **values: Any) -> Plan:
    return plan(
        "not_in_knowledge",
        response=response,
        offer_contact=True,
        values=values,
        note=(tried, "niet in kennis"),
    )


def one_side(turn: Turn, roles: List[str], aspect: Optional[str]) -> Optional[Plan]:
    """One role and a comparison within a topic ("welke leiderschapsvaardigheden heeft een
    office manager nodig?"): that role's side of it. Only when the topic asked (if any) is the
    comparison's own: "wat moet een secretaresse schrijven?" asks for tasks, not communication."""
    dimension = turn.dimension
    if turn.tells_only or turn.form != "open":  # "leidinggeven lijkt me niks" is advised on
        return None
    if len(roles) != 1 or not dimension or not KNOWLEDGE.is_narrow(dimension):
        return None
    if aspect not in (None, "definitie", KNOWLEDGE.comparisons[dimension].aspect):
        return None
    return plan("one_side", role=roles[0], dimension=dimension)


def follow_up(turn: Turn) -> Optional[Plan]:
    """A message that points back at the role in focus and names one of its topics (in the
    knowledge file's words, or as the NLU's best guess) is about that role; None otherwise
    (a salary stays unknown)."""
    role = turn.focus
    if not role or turn.role_mentions or turn.roles:
        return None
    if turn.continues and not turn.refers_back:
        # "moet een office manager ver vooruit kunnen denken?" ... "en vriendelijk voor klanten?"
        found = yes_no(
            turn, role, None if turn.question_before else turn.aspect, turn.text, honest_unknown=False
        )
        if found:
            return found
    if not turn.refers_back:
        return None
    aspect = (
        KNOWLEDGE.comparisons[turn.dimension].aspect
        if turn.dimension
        else INTENT_TO_ASPECT.get(turn.guess(skip=("nlu_fallback", "out_of_scope")) or "")
    )
    if not aspect:  # "en wat moet ze met het gebouw?": a fact of hers the words name
        match = FACTS.best(turn.text, [role], None)
        return (
            plan("about", role=role, match=match, note=(f"vervolgvraag over '{role}'", "zoekantwoord"))
            if match
            else None
        )
    note = (f"vervolgvraag over '{role}': '{aspect}'", "zoekantwoord")
    # the NLU's topic first; then any of hers ("en moet die tot in de puntjes precies werken?")
    direct = directly(turn, aspect, honest_unknown=False) or directly(turn, None, honest_unknown=False)
    if direct:
        direct.note = direct.note or note
        return direct
    if turn.form == "yes_no":  # "kan zo iemand ook thuiswerken?": a fact near it, or honestly not known
        return yes_no(turn, role, aspect, turn.question_text)
    return plan("topic", roles=[role], aspect=aspect, note=note)


def directly(
    turn: Turn,
    aspect: Optional[str],
    honest_unknown: bool = True,
    yes_no_only: bool = False,
    near: bool = False,
) -> Optional[Plan]:
    """A yes/no question, "which of the two" or "who does ..." gets the facts that decide it,
    first. None when the question asks for a whole topic (or, with `honest_unknown` off, when
    no fact decides it)."""
    if turn.english:  # the facts' words are Dutch: an English question gets the topic
        return None
    form = turn.form
    if yes_no_only and form != "yes_no":
        return None
    roles = turn.roles
    minimum = MIN_COVERAGE_WHO
    if form == "which":
        dimension = turn.dimension or (KNOWLEDGE.aspects[aspect].comparison if aspect else None)
        if dimension:
            return plan("which", dimension=dimension)
        form = "who"  # "welke van beide houdt het budget in de gaten?"
        minimum = MIN_COVERAGE  # ... with a comparing word that named no comparison: the full measure
    if form == "who":  # "wie begeleidt secretaresses ...?": a role named as the object counts no one out
        match = FACTS.best(turn.question_text, roles if len(roles) > 1 else None, aspect, minimum=minimum)
        if not match:
            return None
        other = FACTS.best(
            turn.question_text, KNOWLEDGE.other_roles(match.fact.role), aspect, minimum=minimum
        )
        if (
            other
            and other.coverage >= max(match.coverage, MIN_COVERAGE)
            and not (other.denied or match.denied)
        ):
            # "wie doet de agenda?": both have a fact of it; a listed task first, then the other's
            both = sorted([match, other], key=lambda m: section_of(KNOWLEDGE, m.fact) != "taken")
            return plan("who_both", matches=both)
        return plan("who", match=match)
    if form != "yes_no":
        return None
    focus = turn.roles_or_focus
    if len(focus) == 1:
        return yes_no(turn, focus[0], aspect, turn.question_text, honest_unknown, near or honest_unknown)
    if turn.both and not compares(BOTH_ROLES.sub(" ", turn.folded)):  # "allebei" itself compares nothing
        # "moeten ze allebei goed kunnen plannen?": an answer per role, when a fact decides each
        each = [yes_no(turn, role, aspect, turn.text, honest_unknown=False) for role in focus]
        if all(each):
            return plan("each", plans=each)
    return None  # the whole topic, or the comparison, answers it


class Decision(NamedTuple):
    """The fact that answers a yes/no question and the openers of the answer."""

    match: Match
    opener_item: str  # before a listed fact ("Ja, dat hoort bij de taken van ...:")
    opener_sentence: str  # before a fact that is a sentence ("Ja.")


def yes_no(
    turn: Turn,
    role: str,
    aspect: Optional[str],
    question: str,
    honest_unknown: bool = True,
    near: bool = True,
) -> Optional[Plan]:
    """Ja or nee and the fact that decides it; the other role's fact when it is theirs; or
    honestly that the file does not say. `question` is this turn's, or the one before for
    "en een secretaresse?". A question of two parts joined by "en" gets an answer per part
    when the facts answer them only apart, and honesty about a part the file does not answer."""
    whole = decide_yes_no(question, role, aspect)
    # a part needs less: a short part is mostly one word or two ("de monteur als er iets kapot is")
    parts = [
        (part, decide_yes_no(part, role, aspect, MIN_COVERAGE_PART)) for part in question_parts(question)
    ]
    answers: List[Decision] = [whole] if whole else []
    if not whole:  # each part's fact, the same fact once
        for _, decided in parts:
            if decided and decided.match.facts not in [a.match.facts for a in answers]:
                answers.append(decided)
    if answers:
        return plan(
            "yes_no",
            role=role,
            answers=answers,
            question=question,
            unknown_parts=[part for part, decided in parts if not decided],
        )
    close = FACTS.best(question, [role], aspect, minimum=MIN_COVERAGE_NEAR) if near else None
    if close:  # "heeft die een bepaalde opleiding nodig?": what the article does say, honestly introduced
        return plan(
            "near",
            role=role,
            match=close,
            question=question,
            note=("ja/nee-vraag: alleen een feit dat in de buurt komt", "zoekantwoord"),
        )
    if not honest_unknown:
        return None
    return plan(
        "yes_no_unknown",
        role=role,
        aspect=aspect or "definitie",
        question=question,
        note=("ja/nee-vraag: geen feit gevonden", "niet in kennis"),
    )


def decide_yes_no(
    text: str, role: str, aspect: Optional[str], minimum: float = MIN_COVERAGE
) -> Optional[Decision]:
    """What answers a yes/no question about `role`: its own fact (ja or nee), or the other
    role's ("zorgt een secretaresse voor het budget?"); None when the file does not say."""
    name = KNOWLEDGE.roles[role].name
    own = FACTS.best(text, [role], aspect, minimum)
    if own and minimum < MIN_COVERAGE and not FACTS.names_exactly(text, own):
        own = None  # a part decided by a word's start only ("recht" in "rechtstreeks") is not decided
    if own and own.denied:
        return Decision(own, KNOWLEDGE.phrase("no_sentence"), KNOWLEDGE.phrase("no_sentence"))
    if own:
        return Decision(
            own,
            KNOWLEDGE.phrase("yes_item", label=label_of(KNOWLEDGE, own.fact), name=name),
            KNOWLEDGE.phrase("yes_sentence"),
        )
    other = FACTS.best(text, KNOWLEDGE.other_roles(role), aspect)  # "it is hers" needs the full measure
    if other and not other.denied:
        other_name = KNOWLEDGE.roles[other.fact.role].name
        return Decision(
            other,
            KNOWLEDGE.phrase("other_role_item", name=name, other=other_name),
            KNOWLEDGE.phrase("other_role_sentence", name=name, other=other_name),
        )
    return None


def question_parts(text: str) -> List[str]:
    """The parts of a question joined by "en" ("neemt ze de telefoon op en handelt ze de post
    af?") that have words of their own (not "en zo"); none when there are fewer than two."""
    parts = [p.strip(" ?!.,") for p in re.split(r"\s+en\s+", text.strip(), flags=re.IGNORECASE)]
    parts = [p for p in parts if FACTS.weights(p)]
    return parts if len(parts) > 1 else []


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
        before, after = set(words[max(0, index - 3) : index]), words[index + size : index + size + 1]
        if before & TO_MARKERS or set(after) & GOAL_AFTER:
            goal = role
        elif before & FROM_MARKERS:
            origin = role
    if not origin and not goal and len(KNOWLEDGE.growth) == 1 and GROWING.search(folded):
        return KNOWLEDGE.growth[0]  # "ik wil doorgroeien": the one way up there is
    if not origin:  # "hoe word ik office manager?" asks what it takes, not about a step
        return None
    return next((p for p in KNOWLEDGE.growth if origin == p.from_role and goal in (None, p.to_role)), None)


def gives_number(text: str) -> bool:
    return bool(re.search(r"\d", text)) or bool(set(re.findall(r"\w+", kb.fold(text))) & COUNT_WORDS)


def describe_search(text: str, roles: Optional[List[str]]) -> str:
    hits = SEARCH.search(text, roles)
    if not hits:
        return "zoeken: niets gevonden"
    top = hits[0]
    return (
        f"zoeken: beste '{'.'.join(top.document.key)}' score {top.score:.2f}, "
        f"dekking {top.coverage:.0%} (te zwak)"
    )
