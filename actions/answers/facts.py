"""The facts that decide a question, first: yes/no ("stuurt ze mensen aan?") and "who does ..."."""

from typing import Any, Dict, List, Optional

from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge as kb
from actions.decide import Decision
from actions.direct import Match, fact_lines, label_of, section_of
from actions.loaded import KNOWLEDGE
from actions.turn import Turn, focus_events


def yes_no(
    out: CollectingDispatcher,
    turn: Turn,
    role: str,
    answers: List[Decision],
    question: str,
    unknown_parts: List[str],
) -> List[Dict[str, Any]]:
    """Each deciding fact with its opener; a part of the question no fact answers, honestly."""
    events = [show_fact(out, a.match, role, a.opener_item, a.opener_sentence, question) for a in answers]
    for part in unknown_parts:
        out.utter_message(text=KNOWLEDGE.phrase("unknown_part", part=part))
    return events[0]  # the focus of the first answer


def yes_no_unknown(
    out: CollectingDispatcher, turn: Turn, role: str, aspect: str, question: str
) -> List[Dict[str, Any]]:
    """No fact decides it: the file does not say, and the whole section one tap away."""
    out.utter_message(text=KNOWLEDGE.phrase("unknown"), buttons=[KNOWLEDGE.more_button(role, aspect)])
    return focus_events(role, aspect, question=question)


def near(
    out: CollectingDispatcher, turn: Turn, role: str, match: Match, question: str
) -> List[Dict[str, Any]]:
    """No fact decides the yes/no question, but one of the topic comes near: that, honestly."""
    return show_fact(out, match, role, KNOWLEDGE.phrase("near"), KNOWLEDGE.phrase("near"), question)


def about(out: CollectingDispatcher, turn: Turn, role: str, match: Match) -> List[Dict[str, Any]]:
    """ "en wat moet ze met het gebouw?": the fact of the role in focus that the words name."""
    name = KNOWLEDGE.roles[role].name
    return show_fact(
        out,
        match,
        role,
        KNOWLEDGE.phrase("about_item", label=label_of(KNOWLEDGE, match.fact), name=name),
        KNOWLEDGE.phrase("about_sentence"),
        turn.detail_asked,
    )


def who(out: CollectingDispatcher, turn: Turn, match: Match) -> List[Dict[str, Any]]:
    """ "Wie maakt de notulen?": the role whose fact it is."""
    name = KNOWLEDGE.roles[match.fact.role].name
    return show_fact(
        out,
        match,
        match.fact.role,
        KNOWLEDGE.phrase("who_does", name=name),
        KNOWLEDGE.phrase("which", name=name),
        turn.detail_asked,  # "doet de secretaresse dat ook?" asks it of her
    )


def who_both(out: CollectingDispatcher, turn: Turn, matches: List[Match]) -> List[Dict[str, Any]]:
    """ "Wie doet de agenda?" when both roles have a fact of it: each role's fact, the first role
    in focus."""
    lines = [KNOWLEDGE.phrase("who_both")]
    for match in matches:
        texts = match.texts or tuple(f.text for f in match.facts)
        lines.append(f"• {kb.capitalize(KNOWLEDGE.roles[match.fact.role].name)}: {texts[0]}")
    first = matches[0].fact
    out.utter_message(
        text="\n".join(lines), buttons=[KNOWLEDGE.more_button(first.role, section_of(KNOWLEDGE, first))]
    )
    return focus_events(first.role, section_of(KNOWLEDGE, first), question=turn.detail_asked)


def show_fact(
    out: CollectingDispatcher,
    match: Match,
    focus: str,
    opener_item: str,
    opener_sentence: str,
    question: Optional[str] = None,
) -> List[Dict[str, Any]]:
    """The opener and the deciding fact, with the whole section one tap away."""
    section = section_of(KNOWLEDGE, match.fact)
    out.utter_message(
        text=fact_lines(match, opener_item, opener_sentence),
        buttons=[KNOWLEDGE.more_button(match.fact.role, section)],
    )
    return focus_events(focus, section, question=question)
