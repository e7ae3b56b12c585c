"""One message, read once: what the NLU found, what the words say, and the conversation so far.

Every answer is decided (actions/decide.py) and built (actions/answers/) from a `Turn`; no
answer reads the tracker itself. What the words say is worked out when first asked for and
kept for the rest of the turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.direct import DESCRIPTION_CHARS, compares, question_part
from actions.knowledge import fold
from actions.language import (
    ADVICE_WORDS,
    AFTER_VERB_DIE,
    ASKING_VERBS,
    ASKS_AMOUNT,
    ASKS_SPECIFIC,
    BOTH_ROLES,
    CONTINUING,
    FIRST_PERSON,
    FIRST_PERSON_PLURAL,
    FIRST_PERSON_SINGULAR,
    GROWTH_WORDS,
    LEAD_WORDS,
    LESS,
    MORE,
    OTHER_ROLE,
    QUESTION_WORDS,
    REFERS_BACK,
    SAME_QUESTION,
    WHICH_ROLE_IS_THIS,
    WORDS_BEFORE_OM,
)
from actions.loaded import FACTS, KNOWLEDGE, SEARCH
from actions.search import is_english, lemmas

# Messages with these intents tell about the visitor or her need, whatever their form.
DESCRIBING_INTENTS = {"tell_situation", "hire_advice", "career_advice"}
# Who a visitor is, shown by what she asks for.
VISITOR_OF_INTENT = {"hire_advice": "werkgever", "career_advice": "kandidaat", "ask_vacancies": "kandidaat"}
KEPT_TOLD = 6  # the visitor's last messages about herself that advice weighs


@dataclass
class Turn:
    text: str
    intent: Optional[str]
    entry: str  # the Rasa action that asked for an answer
    sender: str = ""
    entities: List[dict] = field(default_factory=list)
    ranking: List[dict] = field(default_factory=list)
    confidence: Optional[float] = None
    # the conversation so far
    focus: Optional[str] = None  # the role in focus ("die", "zo iemand")
    aspect: Optional[str] = None  # the topic in focus ("en een secretaresse?")
    comparing: bool = False  # the last answer compared the roles
    question_before: Optional[str] = None  # the yes/no question just answered
    told: List[str] = field(default_factory=list)  # what the visitor told before (DESCRIBING)
    visitor: Optional[str] = None  # werkgever or kandidaat, once shown

    @classmethod
    def read(cls, tracker: Tracker, entry: str, intent: Optional[str] = None) -> "Turn":
        """`intent` replaces the NLU's: a question answered in the middle of a form."""
        message: Dict[str, Any] = tracker.latest_message or {}
        found = message.get("intent") or {}
        return cls(
            text=message.get("text") or "",
            intent=intent or found.get("name"),
            entry=entry,
            sender=tracker.sender_id,
            entities=list(message.get("entities") or []),
            ranking=list(message.get("intent_ranking") or []),
            confidence=found.get("confidence"),
            focus=KNOWLEDGE.role_key(tracker.get_slot("role")),
            aspect=tracker.get_slot("aspect"),
            comparing=bool(tracker.get_slot("comparing")),
            question_before=tracker.get_slot("question"),
            told=list(tracker.get_slot("told") or []),
            visitor=tracker.get_slot("visitor"),
        )

    # ---- what the words say ----------------------------------------------------------------

    @cached_property
    def role_mentions(self) -> List[str]:
        """Roles the NLU tagged, known or not ("hr manager")."""
        return [
            str(e.get("value", ""))
            for e in self.entities
            if e.get("entity") == "role" and not self._is_the_word_om(e)
        ]

    def _is_the_word_om(self, entity: dict) -> bool:
        """The NLU sometimes tags the everyday word "om" ("om secretaresse te worden") as the
        abbreviation OM; lower case "om" only counts after an article ("een om") or at the
        start of a short message."""
        start, end = entity.get("start"), entity.get("end")
        if start is None or end is None or self.text[start:end] != "om":
            return False
        before = self.text[:start].split()
        if not before and self.is_short:  # "om leiding?": a phone message names the role first
            return False
        return not (before and before[-1].lower() in WORDS_BEFORE_OM)

    @cached_property
    def roles(self) -> List[str]:
        """Roles named in the message: entities first, then aliases in the text; "de ander"
        is the role not in focus (with one role named: both)."""
        keys: List[str] = []
        for mention in self.role_mentions:
            key = KNOWLEDGE.role_key(mention)
            if key and key not in keys:
                keys.append(key)
        keys += [key for key in KNOWLEDGE.roles_in_text(self.text) if key not in keys]
        if len(keys) < 2 and self.both:  # "moeten ze allebei ...?"
            return list(KNOWLEDGE.roles)
        if len(keys) < 2 and OTHER_ROLE.search(self.text):
            named = keys[0] if keys else self.focus
            others = [key for key in KNOWLEDGE.roles if key != named]
            if named and len(others) == 1:
                keys = keys + others
        return keys

    @property
    def both(self) -> bool:
        """ "allebei", "beide": both roles at once."""
        return bool(BOTH_ROLES.search(self.folded))

    @property
    def roles_or_focus(self) -> List[str]:
        return self.roles or ([self.focus] if self.focus else [])

    @cached_property
    def question(self) -> Tuple[str, str]:
        """The question's form and the part of the message that asks it (actions/direct.py)."""
        return question_part(self.text, FACTS.role_words)

    @property
    def form(self) -> str:
        """'yes_no', 'which', 'who' or 'open'."""
        return self.question[0]

    @property
    def question_text(self) -> str:
        """The part of the message that asks the question (its last sentence after a preamble)."""
        return self.question[1]

    @cached_property
    def dimension(self) -> Optional[str]:
        """The comparison the words name ("zelfstandigheid", "opleiding")."""
        return KNOWLEDGE.dimension_in_text(self.text)

    @cached_property
    def dimension_asked(self) -> Optional[str]:
        """The comparison a button or the NLU named as an entity."""
        return next(
            (
                e.get("value")
                for e in self.entities
                if e.get("entity") == "dimension" and e.get("value") in KNOWLEDGE.comparisons
            ),
            None,
        )

    @cached_property
    def english(self) -> bool:
        return is_english(self.text)

    @cached_property
    def compares(self) -> bool:
        return compares(self.text)

    @cached_property
    def unknown_role(self) -> Optional[str]:
        """A job asked about that is not one of ours: tagged as a role by the NLU, or one of
        the knowledge file's other jobs."""
        if self.roles or self.tells_only:  # "... de instructies van een manager opvolgen" asks nothing
            return None
        # a bare ending ("een manager", "de medewerkers") is someone at work, not a job asked about
        return next(
            (
                m
                for m in self.role_mentions
                if m and not KNOWLEDGE.role_key(m) and fold(m) not in KNOWLEDGE.other_job_endings
            ),
            None,
        ) or KNOWLEDGE.other_job_in_text(self.text)

    @cached_property
    def off_topic(self) -> bool:
        """A knowledge intent whose words are not about our roles: the NLU guessed too boldly
        ("wie wordt er kampioen?" as a comparison)."""
        if self.text.startswith("/") or self.roles or self.role_mentions:
            return False
        return not self.dimension and self.words_unknown

    @cached_property
    def words_unknown(self) -> bool:
        """Most of its content words occur nowhere in the knowledge file ("wie verdient het
        meest?", "heb je een rijbewijs nodig?"); role names and comparing words do not count."""
        if self.text.startswith("/"):
            return False
        words = re.findall(r"[\w'-]+", self.text)
        return SEARCH.is_off_topic(" ".join(w for w in words if fold(w.lower()) not in MORE | LESS))

    @cached_property
    def refers_back(self) -> bool:
        """ "daarvoor", "zo iemand", "zij": the message is about the role in focus."""
        return bool(REFERS_BACK.search(self.text.lower()) or AFTER_VERB_DIE.search(self.folded))

    @cached_property
    def describes(self) -> bool:
        """The visitor tells about herself, her organisation or what she needs: a message of a
        describing intent, or a statement (not a question) in the first person."""
        if self.text.startswith("/"):
            return False
        if self.intent in DESCRIBING_INTENTS or self.is_description:  # a pasted vacancy text
            return True
        return (
            self.form == "open"
            and not self.text.rstrip().endswith("?")
            and bool(set(self.folded.split()) & FIRST_PERSON)
        )

    @property
    def tells_only(self) -> bool:
        """A statement about herself that asks nothing ("ik heb mbo 4 gedaan"), not a question
        in disguise ("ik wil weten hoeveel ...")."""
        words = re.findall(r"[\w'-]+", self.folded)
        while words and words[0] in LEAD_WORDS:  # "hoi, ik ..."
            words = words[1:]
        return (
            self.describes
            and not self.text.rstrip().endswith("?")
            and bool(words)
            and words[0] not in ASKING_VERBS  # "kunt u mij iets vertellen over ..." asks
            and not set(words) & QUESTION_WORDS
            and not GROWTH_WORDS.search(self.folded)
        )  # "ik wil politieagent worden"

    @property
    def speaks_for_herself(self) -> bool:
        """ "ik ..." rather than "wij ...": a candidate more likely than an employer."""
        words = set(self.folded.split())
        return bool(words & FIRST_PERSON_SINGULAR) and not words & FIRST_PERSON_PLURAL

    @property
    def shown_as(self) -> Optional[str]:
        """Werkgever or kandidaat, as shown before or by what she asks now ("ik zoek een baan")."""
        return self.visitor or VISITOR_OF_INTENT.get(self.intent or "")

    @property
    def is_candidate(self) -> bool:
        """A candidate rather than an employer, as shown, else by speaking for herself."""
        return self.shown_as == "kandidaat" if self.shown_as else self.speaks_for_herself

    @property
    def all_told(self) -> str:
        """Everything the visitor told so far, this message included, for advice."""
        return " . ".join(self.told + [self.text])

    def remembered(self) -> List[Dict[str, Any]]:
        """What this message adds to the conversation's state: what she told, who she is."""
        events = []
        if self.describes:
            events.append(SlotSet("told", (self.told + [self.text])[-KEPT_TOLD:]))
        kind = VISITOR_OF_INTENT.get(self.intent or "")
        if kind and kind != self.visitor:
            events.append(SlotSet("visitor", kind))
        return events

    @property
    def asks_amount(self) -> bool:
        """ "hoe lang duurt de opleiding?", "hoeveel jaar ervaring?": a number is asked for."""
        return bool(ASKS_AMOUNT.search(self.folded))

    @property
    def asks_specific(self) -> bool:
        """ "welke hbo-opleiding precies?": one specific study or diploma."""
        return bool(ASKS_SPECIFIC.search(self.folded))

    @property
    def is_short(self) -> bool:
        """A phone message of a few words ("om leiding?"): its words say the topic better than
        the NLU, which learned most topics from whole questions."""
        return len(self.text.split()) <= 3

    @property
    def continues(self) -> bool:
        """ "en vriendelijk voor klanten?", "ook als het om geld gaat?": a short question that
        goes on from the last answer."""
        words = re.findall(r"[\w'-]+", self.folded)
        return (
            bool(words)
            and (words[0] in CONTINUING or words[-1] == "ook")
            and len(words) <= 12
            and self.text.rstrip().endswith("?")
        )

    @property
    def asks_which_role_fits(self) -> bool:
        """ "welke functie is dit?", "waarom geen secretaresse?" about what she told before."""
        return bool(self.told) and bool(WHICH_ROLE_IS_THIS.search(self.folded))

    @property
    def asks_which_role_is_this(self) -> bool:
        """ "kun jij zeggen welke functie dit is?", before any text was told."""
        return (
            not self.told
            and bool(WHICH_ROLE_IS_THIS.search(self.folded))
            and len(FACTS.weights(self.text)) <= 2
        )  # it says nothing of the work itself

    @property
    def asks_same_again(self) -> bool:
        """ "doet de office manager dat ook?": the question just answered, about another role."""
        return bool(SAME_QUESTION.search(self.folded)) and len(self.folded.split()) <= 12

    @property
    def detail_asked(self) -> Optional[str]:
        """The question, when its words name a detail of the file ("wat doet een secretaresse bij
        vergaderingen?"): kept, so that "doet de office manager dat ook?" can ask it again."""
        if self.describes:  # "ik heb mbo 4 gedaan" tells, it asks nothing to ask again
            return None
        named = FACTS.weights(self.question_text) and not SEARCH.is_off_topic(self.question_text)
        return self.question_text if named else None

    @property
    def asks_about_last_answer(self) -> bool:
        """A question without a word of its own ("voor wie?", "waarom?", "en verder?"): it asks
        more about the answer just given."""
        question = self.text.rstrip().endswith("?") or bool(set(self.folded.split()) & QUESTION_WORDS)
        return question and not lemmas(self.text) and not self.roles

    @property
    def last_sentence(self) -> str:
        """The last sentence of a longer message: a pasted text often ends with its question."""
        parts = [p for p in re.split(r"(?<=[.!?])\s+|\n+", self.text.strip()) if p.strip()]
        return parts[-1] if parts else self.text

    @property
    def is_description(self) -> bool:
        """A pasted vacancy text or a candidate's story: read as a whole, advised on."""
        return len(self.text) > DESCRIPTION_CHARS

    @property
    def advice_intent(self) -> str:
        """The advice she is after: a candidate's, once she showed she is one; else an employer's."""
        if self.visitor == "kandidaat" or (not self.visitor and self.intent == "career_advice"):
            return "career_advice"
        return "hire_advice"

    @property
    def asks_who(self) -> bool:
        """A question for the role that does something ("wie regelt hr", "welke van de twee
        stuurt personeel aan?"), without naming one."""
        if self.form == "which":  # ... but not "welke functie is voor mij het meest haalbaar?"
            return not set(self.folded.split()) & ADVICE_WORDS
        return self.form == "who"

    @property
    def folded(self) -> str:
        return fold(self.text)

    def guess(self, minimum: float = 0.25, skip: Tuple[str, ...] = ("nlu_fallback",)) -> Optional[str]:
        """The NLU's best intent after an unsure turn, if it is not a wild guess."""
        best = next((r for r in self.ranking if r.get("name") not in skip), {})
        return best.get("name") if (best.get("confidence") or 0) >= minimum else None

    def logged_guess(self) -> Tuple[Optional[str], Optional[float]]:
        """For the unanswered-question report: after a fallback the ranking's first entry is
        nlu_fallback; the second is the NLU's guess."""
        best = next(
            (r for r in self.ranking if r.get("name") != "nlu_fallback"),
            {"name": self.intent, "confidence": self.confidence},
        )
        return best.get("name"), best.get("confidence")  # type: ignore[return-value]  # (the NLU's types)


def focus_events(
    role: Optional[str], aspect: str, comparing: bool = False, question: Optional[str] = None
) -> List[Dict[str, Any]]:
    """What the next turn reads: the role and topic in focus, whether the roles were just
    compared, and the yes/no question just answered ("en een secretaresse?" asks it again)."""
    events = [SlotSet("aspect", aspect), SlotSet("comparing", comparing), SlotSet("question", question)]
    return events + ([SlotSet("role", role)] if role else [])
