"""Direct answers: the first sentence answers the question that was asked.

The NLU says what a question is about (an aspect, a comparison, advice); the form of the
question says what kind of answer it wants, and Dutch shows that form in its first words:
- a yes/no question starts with the verb ("stuurt een office manager ook mensen aan?");
- "welke van de twee / wie ... meer, hoger" asks which role, on one comparison;
- "wie doet ...?" asks whose fact it is;
- everything else ("wat doet een office manager?") asks for a whole topic.

`FactFinder` finds the facts of the knowledge file that decide a question: each fact is a
small set of lemmas (its text and the visitors' `words` of the file) and a question's content
words are weighed by how rare they are in the file, so a word the file never uses
("parttime") keeps a question from being answered by a fact that happens to share a common
word ("werken").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import AbstractSet, Any, Dict, List, Optional, Sequence, Set, Tuple

from actions.knowledge import Fact, Knowledge, fold
from actions.language import (
    ADVICE_WORDS,
    ASKING_VERBS,
    CLAUSE_BREAK,
    COMPARING,
    LEAD_WORDS,
    LESS,
    MORE,
    NEGATIONS,
    NOT_A_VERB,
    OTHER_ROLE,
    PARTICLES,
    QUESTION_FILLER,
    QUESTION_WORDS,
    ROLE_NOUNS,
    SETTING_PREPOSITIONS,
    SUBJECTS,
    WHICH_OF_THE_TWO,
    YES_NO_VERBS,
)
from actions.search import lemma_of as lemmas_of
from actions.search import lemmas, same_word, word_match

MIN_COVERAGE = 0.6  # the deciding facts cover this share of the question's weight
# "wie bestelt nieuwe pennen, printerpapier en nietjes?": a question for whose task something is
# names the task in several words of its own; the fact shown with the role lets the visitor judge.
MIN_COVERAGE_WHO = 0.35
MIN_COVERAGE_PART = 0.5  # one part of a two-part question ("en de monteur als er iets kapot is?")
SETTING_WEIGHT = 0.5  # a word in a prepositional phrase weighs half (setting_words)
# A fact of the topic that covers this much of a yes/no question comes near enough to show,
# introduced as not quite the answer ("heeft die een bepaalde opleiding nodig?").
MIN_COVERAGE_NEAR = 0.4
VERB_WEIGHT = 1.0  # the opening verb weighs this much (a rare word about 4.5)
NEAR = 0.15  # coverage this close to the best still counts as a tie


def setting_words(words: List[str]) -> List[str]:
    """The words of a prepositional phrase ("bij een advocatenkantoor", "met clienten"): they
    place the question, the thing asked is elsewhere ("doet ze ook de correspondentie")."""
    found, after = [], 0
    for word in words:
        if word in SETTING_PREPOSITIONS:
            after = 3
        elif after:
            found.append(word)
            after -= 1
    return found


def words_of(text: str) -> List[str]:
    return re.findall(r"[\w'-]+", fold(text))


# A message this long (a pasted vacancy text, a candidate's story) describes work or a person:
# it is read as a whole ("open"), not as a yes/no question, whatever questions sit in it.
DESCRIPTION_CHARS = 400


def question_form(text: str, role_words: AbstractSet[str] = frozenset()) -> str:
    """'yes_no', 'which', 'who' or 'open' (see the module's docstring). A question after a
    comma, a colon or an emoji counts too: "office manager, is dat hbo werk?", "ik bedoel: en
    wie beheert het budget?"."""
    return question_part(text, role_words)[0]


def question_part(text: str, role_words: AbstractSet[str] = frozenset()) -> Tuple[str, str]:
    """The form of the question and the part of the message that asks it: the whole message,
    what follows its first comma, or its last sentence ("Onze manager stopt. Wie regelt dan
    de inkoop?")."""
    if len(text) > DESCRIPTION_CHARS:
        return "open", text
    form = clause_form(text, role_words)
    if form == "open" and "," in text:
        after = text.split(",", 1)[1]
        form = clause_form(after, role_words)
        # "ik neem makkelijk besluiten, heb hbo en ...": a verb without a subject after it, in a
        # message that does not end with "?", goes on telling rather than asking
        subject = set(words_of(after)[1:2]) & (SUBJECTS | {"ik", "we", "wij", "jullie", "het", "er"})
        if form != "open" and (text.rstrip().endswith("?") or subject):
            return form, text  # the words before the comma name what is asked about
        form = "open"
    last = [part for part in SENTENCE_BREAK.split(text) if words_of(part)][-1:]
    if form == "open" and last and last[0].strip() != text.strip():
        question = last[0].strip() + ("?" if text.rstrip().endswith("?") else "")
        form = clause_form(question, role_words)
        if form != "open":
            return form, question
    return form, text


# Where a message's last sentence starts: after . : ; ! ? or a symbol such as an emoji.
SENTENCE_BREAK = re.compile(r"[.:;!?…]+|[^\w\s',-]+")


def clause_form(text: str, role_words: AbstractSet[str]) -> str:
    words = words_of(text)
    while words and words[0] in LEAD_WORDS:
        words = words[1:]
    if not words or text.startswith("/"):
        return "open"
    first = words[0]
    head = words[1] if first in {"voor", "bij", "met", "van", "in"} and len(words) > 1 else first
    if head == "wie" and head != first:
        return "open"  # "met wie heeft die contact?" asks about the role in focus
    if head in {"wie", "welke", "welk"}:
        comparing = any(w in MORE or w in LESS for w in words) or re.search(
            r"\b(van (de|die) (twee|beide)|van beide|wie van)\b", " ".join(words)
        )
        if comparing:
            return "which"
        names_a_role = head == "wie" or (
            len(words) > words.index(head) + 1 and words[words.index(head) + 1] in ROLE_NOUNS
        )
        return "who" if names_a_role and not set(words) & ADVICE_WORDS else "open"
    if first in QUESTION_WORDS or first in NOT_A_VERB or first in role_words:
        return "open"
    if first in ASKING_VERBS and set(words[1:]) & QUESTION_WORDS:
        return "open"  # "kun je me vertellen wat een secretaresse doet?"
    if first in YES_NO_VERBS or (text.rstrip().endswith("?") and is_inflected_verb(first)):
        return "yes_no"
    if text.rstrip().endswith("?") and len(words) > 2 and words[1] in SUBJECTS:
        return "yes_no"  # a verb the lemma table does not know: "zet een secretaresse koffie?"
    if text.rstrip().endswith("?") and len(words) > 2 and words[1] in role_words and first.endswith("en"):
        return "yes_no"  # a plural verb before the roles: "werken secretaresses ook op scholen?"
    return "open"


def is_inflected_verb(word: str) -> bool:
    """A finite verb such as "notuleert" or "regelt": the lemma table turns it into an
    infinitive ("notuleren")."""
    lemma = fold(lemmas_of(word))
    return lemma != word and lemma.endswith("en")


def clauses(text: str) -> List[Tuple[str, bool]]:
    """The text's clauses, each with whether it is negated. A word or two joined by "en" to the
    next clause is part of it: "strategie en beleid vind ik niks" says niks of both."""
    parts = CLAUSE_BREAK.split(text)
    breaks = CLAUSE_BREAK.findall(text)
    found: List[Tuple[str, bool]] = []
    carried = ""
    for index, part in enumerate(parts):
        part = f"{carried} en {part}" if carried else part
        carried = ""
        joined_by_en = index < len(breaks) and breaks[index].strip().lower() == "en"
        if joined_by_en and 0 < len(words_of(part)) <= 2 and not set(words_of(part)) & NEGATIONS:
            carried = part.strip()
            continue
        if part.strip():
            found.append((part, bool(set(words_of(part)) & NEGATIONS)))
    return found


def compares(text: str) -> bool:
    words = set(words_of(OTHER_ROLE.sub(" ", text)))  # "de ander" names a role, it does not compare
    return bool(words & (COMPARING | MORE | LESS))


def asks_less(text: str) -> bool:
    return any(w in LESS for w in words_of(text))


@dataclass(frozen=True)
class Match:
    """The facts that decide a question: one fact, or up to three of one role's topic when
    each covers a part ("in een ziekenhuis of op een school?")."""

    facts: Tuple[Fact, ...]
    coverage: float  # share of the question's weight that the facts cover
    denied: bool  # a matched word is one the facts answer with "nee"
    listed: int  # question words found among the facts' own `words`/`denies`
    texts: Tuple[str, ...] = ()  # what to show of each fact: the sentences that hold the words

    @property
    def fact(self) -> Fact:
        return self.facts[0]


class FactFinder:
    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self.role_words = {
            w
            for role in knowledge.roles.values()
            for alias in role.aliases + (fold(role.name),)
            for w in re.findall(r"\w+", alias)
        }
        # "kantoor" of the alias "kantoor manager" is also a word visitors ask about ("werkt ze op
        # een kantoor?"): a word of an alias that a fact lists, and no role's name has, is content.
        listed = {w for f in knowledge.facts for phrase in f.words for w in re.findall(r"\w+", fold(phrase))}
        named = {w for role in knowledge.roles.values() for w in re.findall(r"\w+", fold(role.name))}
        self.role_words -= listed - named
        self.terms = {f.id: set(self._terms(" ".join((f.text,) + f.words))) for f in knowledge.facts}
        self.word_terms = {f.id: set(self._terms(" ".join(f.words))) for f in knowledge.facts}
        self.deny_terms = {f.id: set(self._terms(" ".join(f.denies))) for f in knowledge.facts}
        df = Counter(t for f in knowledge.facts for t in self.terms[f.id] | self.deny_terms[f.id])
        n = len(knowledge.facts)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.unknown_weight = math.log(1 + n)  # a word the file never uses weighs most
        self.order = {f.id: i for i, f in enumerate(knowledge.facts)}
        self._term_weights: Dict[str, float] = {}

    def _terms(self, text: str) -> List[str]:
        return [t for t in lemmas(text) if t not in self.role_words and t not in QUESTION_FILLER]

    def weights(self, text: str) -> Dict[str, float]:
        """The question's content words and their weights. The verb that opens a yes/no
        question weighs little ("houdt ... zich bezig met het budget?"): it is the question's
        form more than its subject."""
        words = words_of(text)
        # "wie krijgt het hoogste loon?": a comparing word is the question's form, not its subject
        # (the words as typed: the lemma table knows "secretariële", not "secretariele")
        query = set(
            self._terms(
                " ".join(
                    w
                    for w in re.findall(r"[\w'-]+", text)
                    if fold(w.lower()) not in MORE and fold(w.lower()) not in LESS
                )
            )
        )
        # the verb: the first word of a yes/no question, the one after "wie" / "welke functie"
        # the first word after "welke (van de twee)": "welke van de twee stuurt ..." opens with "stuurt"
        asking = [
            w for w in words if w not in QUESTION_WORDS and w not in ROLE_NOUNS and w not in WHICH_OF_THE_TWO
        ]
        opening = self._terms(" ".join(asking[:1]))
        if len(words) > 2 and words[-1] in PARTICLES and opening:
            query |= set(self._terms(words[-1] + opening[0]))  # "stuurt ... aan" → aansturen
        query -= PARTICLES  # a particle on its own ("schrijft er mee") says nothing of the subject
        setting = set(self._terms(" ".join(setting_words(words))))
        return {
            term: VERB_WEIGHT
            if term in opening
            else self.term_weight(term) * (SETTING_WEIGHT if term in setting else 1.0)
            for term in query
        }

    def term_weight(self, term: str) -> float:
        """The weight of the rarest word of the file that `term` is a form of."""
        if term not in self._term_weights:  # the same words come back in every question
            if len(self._term_weights) > 4096:  # visitors' words are unbounded
                self._term_weights.clear()
            known = [self.idf[t] for t in self.idf if same_word(term, t)]
            self._term_weights[term] = max(known) if known else self.unknown_weight
        return self._term_weights[term]

    def matches(
        self, text: str, roles: Optional[Sequence[str]] = None, weights: Optional[Dict[str, float]] = None
    ) -> List[Match]:
        """Single facts (of `roles`, or of every role) ranked by how much of the question they
        cover (`weights`: the question's, when the caller has them already)."""
        weights = weights or self.weights(text)
        total = sum(weights.values())
        found = []
        for fact in self.knowledge.facts:
            if (roles and fact.role not in roles) or fact.text.endswith(":"):
                continue  # an introduction to a list ("Dit zijn de taken:") decides nothing
            confirmed, denied, listed = self._covers(fact, weights)
            if confirmed or denied:
                found.append(
                    Match(
                        (fact,),
                        covered_weight({**confirmed, **denied}, weights) / total,
                        bool(denied),
                        listed,
                    )
                )
        return sorted(found, key=lambda m: (-m.coverage, -m.listed, self.order[m.fact.id]))

    def _covers(self, fact: Fact, weights: Dict[str, float]):
        """The question's words the fact confirms and denies, each with how well it matches
        (word_match), and how many are among the fact's own `words`/`denies`."""
        confirmed = strengths(weights, self.terms[fact.id])
        denied = strengths(weights, self.deny_terms[fact.id])
        listed = sum(1 for q in weights if any(same_word(q, t) for t in self.word_terms[fact.id]))
        return confirmed, denied, listed + len(denied)

    def names_exactly(self, text: str, match: Match) -> bool:
        """Whether a word of the question is a word of the facts itself, not only its start."""
        terms = set().union(*(self.terms[f.id] | self.deny_terms[f.id] for f in match.facts))
        return any(strengths({q: 1.0}, terms).get(q) == 1.0 for q in self.weights(text))

    def excerpt(self, fact: Fact, terms: Set[str]) -> str:
        """A long fact shortened to its sentences that hold the question's words: "Ja. Ze
        neemt de telefoon op, ..." rather than the whole paragraph."""
        sentences = re.split(r"(?<=[.!?])\s+", fact.text)
        if len(sentences) < 2:
            return fact.text
        keep = [s for s in sentences if any(same_word(q, t) for q in terms for t in self._terms(s))]
        return " ".join(keep) if keep else fact.text

    def best(
        self,
        text: str,
        roles: Optional[Sequence[str]] = None,
        aspect: Optional[str] = None,
        minimum: float = MIN_COVERAGE,
    ) -> Optional[Match]:
        """The facts of one role's topic that cover most of the question, if enough. Nearly
        equal coverage goes to the topic asked about (`aspect`); equal coverage to the
        comparison the words name, then to facts whose own words name it, then to the fact
        listed first."""
        weights = self.weights(text)
        if not weights:
            return None
        total = sum(weights.values())
        dimension = self.knowledge.dimension_in_text(text)
        groups: Dict[tuple, List[Match]] = {}
        for match in self.matches(text, roles, weights):
            groups.setdefault((match.fact.role, section_of(self.knowledge, match.fact)), []).append(match)
        candidates = []
        for (_, section), singles in groups.items():
            chosen: List[Any] = []
            covered: Dict[str, Any] = {}
            denied, listed = False, 0
            for single in singles:  # best first; keep a fact only for the content it adds
                confirmed, denies, names = self._covers(single.fact, weights)
                found = {**confirmed, **denies}
                adds = sum(
                    weights[q] * (s - covered.get(q, 0)) for q, s in found.items() if s > covered.get(q, 0)
                )
                if (not chosen or adds > VERB_WEIGHT) and len(chosen) < 3:
                    chosen.append(single.fact)
                    covered = {q: max(s, covered.get(q, 0)) for q, s in {**covered, **found}.items()}
                    denied, listed = denied or bool(denies), listed + names
            match = Match(
                tuple(chosen),
                covered_weight(covered, weights) / total,
                denied,
                listed,
                tuple(self.excerpt(fact, set(covered)) for fact in chosen),
            )
            candidates.append(
                (
                    match.coverage,
                    section == aspect,
                    match.fact.comparison == dimension,
                    listed,
                    -self.order[match.fact.id],
                    match,
                )
            )
        if not candidates:
            return None
        top = max(c[0] for c in candidates)
        # Nearly as good and about the topic asked: that one; then the best covering.
        near = [c for c in candidates if c[0] >= top - NEAR]
        best = max(near, key=lambda c: (c[1], round(c[0], 2), c[2], c[3], c[4]))[5]
        return best if best.coverage >= minimum else None


def strengths(weights: Dict[str, float], terms: Set[str]) -> Dict[str, float]:
    """Each question word found among `terms`, with its best word_match."""
    found = {}
    for q in weights:
        if q in terms:
            found[q] = 1.0
            continue
        best = 0.0
        for t in terms:
            best = max(best, word_match(q, t))
            if best == 1.0:
                break
        if best:
            found[q] = best
    return found


def covered_weight(found: Dict[str, float], weights: Dict[str, float]) -> float:
    return sum(weights[q] * strength for q, strength in found.items())


# ---- composing ------------------------------------------------------------------------------


def fact_lines(match: Match, opener_item: str, opener_sentence: str) -> str:
    """The opener, then the facts: sentences follow the opener, list items go below it."""
    texts = match.texts or tuple(f.text for f in match.facts)
    sentences = [t for f, t in zip(match.facts, texts) if f.is_sentence]
    items = [f"• {t}" for f, t in zip(match.facts, texts) if not f.is_sentence]
    head = f"{opener_sentence} {' '.join(sentences)}" if sentences else opener_item
    return "\n".join([head] + items)


def label_of(knowledge: Knowledge, fact: Fact) -> str:
    return knowledge.aspects[section_of(knowledge, fact)].label


def section_of(knowledge: Knowledge, fact: Fact) -> str:
    """The aspect a fact belongs to, for the quick reply to the whole section."""
    return fact.aspect or knowledge.comparisons[fact.comparison].aspect
