"""Last-resort search over the knowledge file, and role advice from a described need.

Every entry of the knowledge file becomes a small document of Dutch lemmas (spaCy's Dutch
tokenizer and lemma table, as the NLU has them: bot/components/lemmas.py). A question is scored with BM25; a match only
counts as an answer when it covers most of the question's own content words, so "wat is het
salaris van een secretaresse" (salaris: nowhere in the file) is not answered with a fact.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

import spacy

from actions.knowledge import Knowledge, fold
from actions.language import ENGLISH_WORDS, FILLER, MEANINGFUL, SHARED_WORDS
from bot.components.lemmas import table

MIN_PREFIX = 5  # "opleiding" matches "opleidingsniveau": Dutch glues words together
K1, B = 1.5, 0.75


@lru_cache(maxsize=1)
def _nlp():
    return spacy.blank("nl")  # spaCy's Dutch tokenizer; the lemmas come from bot/components/lemmas.py


def _lemma(word: str) -> str:
    found = table()
    return found.lemma(word) if found else word.lower()  # without the table: still searchable, less well


def lemma_of(word: str) -> str:
    """The lemma of one word, by the lookup table ("notuleert" → "notuleren")."""
    doc = _nlp()(word.lower())
    return _lemma(doc[0].text) if len(doc) else word


def lemmas(text: str) -> List[str]:
    """Content lemmas of a text: folded, without stop words, numbers and punctuation."""
    doc = _nlp()(text.lower())
    stop = _nlp().Defaults.stop_words - MEANINGFUL
    out = []
    for token in doc:
        if token.is_punct or token.is_space or token.like_num or token.text in stop:
            continue
        # a hyphenated compound is its parts: "hbo-opleiding" is about hbo and opleiding
        parts = token.text.split("-") if "-" in token.text.strip("-") else [token.text]
        for part in parts:
            lemma = fold(_lemma(part))
            if len(lemma) > 1 and lemma not in stop and lemma not in FILLER:
                out.append(lemma)
    return out


@lru_cache(maxsize=1 << 15)  # the same pairs come back at every question (under 10 MB when full)
def same_word(a: str, b: str) -> bool:
    """Equal, one a short inflection of the other ("mens"/"mensen", "team"/"teams"), or sharing
    a long enough start: "archief"/"archivering", "opleiding"/"opleidingsniveau"."""
    return word_match(a, b) > 0


# A word that only shares its start with another ("personeel" in "personeelsdossier") counts
# for this much of a match: a Dutch compound is a kind of its last part, not of its first.
PARTIAL = 0.75


def word_match(a: str, b: str) -> float:
    """1 for the same word or a short inflection of it, PARTIAL for a shared long start, else 0."""
    if a == b:
        return 1.0
    if a[:4] != b[:4]:  # both rules below need a shared start of four letters at least
        return 0.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and long.startswith(short) and len(long) - len(short) <= 3:
        return 1.0
    shared = 0
    for x, y in zip(a, b):
        if x != y:
            break
        shared += 1
    return PARTIAL if shared >= MIN_PREFIX and shared >= 0.7 * min(len(a), len(b)) else 0.0


@dataclass(frozen=True)
class Document:
    kind: str  # "role", "difference" or "agency"
    key: Tuple[str, ...]  # (role, aspect), (dimension,) or (topic,)
    terms: Tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    document: Document
    score: float
    coverage: float  # share of the question's content words found in the document


class KnowledgeSearch:
    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        # Role names are everywhere in the file; they pick the role, not the entry.
        self.role_words = {
            w
            for role in knowledge.roles.values()
            for alias in role.aliases + (fold(role.name),)
            for w in re.findall(r"\w+", alias)
        }
        self.documents = self._documents()
        self.vocabulary = {t for d in self.documents for t in d.terms}
        self.avg_len = sum(len(d.terms) for d in self.documents) / len(self.documents)
        df = Counter(t for d in self.documents for t in set(d.terms))
        n = len(self.documents)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._file_terms: Dict[str, Tuple[str, ...]] = {}  # a text of the file -> its terms (role_fit)

    def _documents(self) -> List[Document]:
        k = self.knowledge
        docs = []
        for role in k.roles.values():
            for aspect, entry in role.aspects.items():
                text = " ".join((aspect, entry.text) + entry.items)
                docs.append(Document("role", (role.key, aspect), tuple(self._terms(text))))
        for comparison in k.comparisons.values():
            text = " ".join(
                [comparison.title, comparison.both] + [line.text for line in comparison.lines.values()]
            )
            docs.append(Document("difference", (comparison.key,), tuple(self._terms(text))))
        for topic, entry in k.agency.items():
            text = " ".join((topic, entry.text) + entry.items)
            docs.append(Document("agency", (topic,), tuple(self._terms(text))))
        return docs

    def _terms(self, text: str) -> List[str]:
        return [t for t in lemmas(text) if t not in self.role_words]

    def _score(self, query: List[str], doc: Document) -> Tuple[float, float]:
        score, found = 0.0, 0
        for q in set(query):
            tf = sum(1 for t in doc.terms if same_word(q, t))
            if not tf:
                continue
            found += 1
            idf = max((self.idf[t] for t in doc.terms if same_word(q, t)), default=0.0)
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(doc.terms) / self.avg_len))
        return score, found / len(set(query))

    def search(self, text: str, roles: Optional[List[str]] = None) -> List[Hit]:
        """Documents ranked by BM25; role documents of other roles than `roles` are left out."""
        query = self._terms(text)
        if not query:
            return []
        hits = []
        for doc in self.documents:
            if roles and doc.kind == "role" and doc.key[0] not in roles:
                continue
            score, coverage = self._score(query, doc)
            if score > 0:
                hits.append(Hit(doc, score, coverage))
        return sorted(hits, key=lambda h: (h.score, h.coverage), reverse=True)

    def is_off_topic(self, text: str) -> bool:
        """True when the text has content words and at most a few of them occur anywhere in
        the knowledge file ("wie wordt er dit jaar kampioen?"). Role names are not counted."""
        query = set(self._terms(text))
        if not query:
            return False
        known = sum(1 for q in query if any(same_word(q, t) for t in self.vocabulary))
        return known / len(query) < 0.5

    def best_answer(
        self, text: str, roles: Optional[List[str]] = None, min_coverage: float = 0.6, min_score: float = 1.5
    ) -> Optional[Hit]:
        """The top hit if it is a strong match, else None (then we say we don't know)."""
        hits = self.search(text, roles)
        if hits and hits[0].coverage >= min_coverage and hits[0].score >= min_score:
            return hits[0]
        return None

    def role_fit(self, clauses: List[Tuple[str, bool]]) -> "Fit":
        """For a described need or person, given as clauses with whether each is negated
        (actions/direct.py `clauses`): per role, the items of its tasks, duties and competencies
        that share words with a clause (the reasons to recommend it), and what speaks against
        it: items a negated clause names ("geen leidinggevende taken"), an entry whose `denies`
        a clause names ("mbo" against the office manager's education) or whose `requires` a
        negated clause names ("geen ervaring"); an entry whose `requires` a clause names without
        negation ("ik heb hbo") is a reason."""
        fit = Fit(
            {key: [] for key in self.knowledge.roles},
            {key: [] for key in self.knowledge.roles},
            {key: [] for key in self.knowledge.roles},
        )
        for clause, negated in clauses:
            query = set(self._terms(clause))
            for role in self.knowledge.roles.values():
                found = fit.against[role.key] if negated else fit.reasons[role.key]
                for aspect in (a for a in self.knowledge.aspects.values() if a.advice):
                    for item in role.aspects[aspect.key].items:
                        if item not in found and self._shares(query, item):
                            found.append(item)
                for entry in role.aspects.values():
                    if entry.text in fit.against[role.key]:
                        continue
                    denied = (
                        not negated and entry.summary and self._shares(query, " ".join(entry.summary.denies))
                    )
                    required = self._shares(query, " ".join(entry.requires))
                    if denied or (negated and required):
                        fit.against[role.key].append(entry.text)
                    elif required and entry.text not in fit.reasons[role.key]:  # "ik heb hbo"
                        fit.reasons[role.key].append(entry.text)
                        fit.met[role.key].append(entry.text)
        return fit

    def _shares(self, query: set, text: str) -> bool:
        """Whether a question's terms share a word with a text of the knowledge file; the file's
        terms are lemmatised once, not at every message."""
        terms = self._file_terms.get(text)
        if terms is None:
            terms = self._file_terms[text] = tuple(self._terms(text))
        return any(same_word(q, t) for q in query for t in terms)


@dataclass
class Fit:
    """What a described need or person says for and against each role (by role key)."""

    reasons: Dict[str, List[str]]
    against: Dict[str, List[str]]
    met: Dict[str, List[str]]  # the reasons that are a requirement the person meets ("ik heb hbo")

    def score(self, role: str) -> int:
        # a requirement she meets ("ik heb hbo") weighs as much as one against: more than a shared word
        return len(self.reasons[role]) + len(self.met[role]) - 2 * len(self.against[role])

    def convincing(self, best: str, runner_up: str) -> bool:
        """Enough to recommend `best`: it scores higher, and more than one shared word speaks for
        it ("druk kantoor" alone is no reason), or a requirement met, or something against the other."""
        return self.score(best) > self.score(runner_up) and bool(
            len(self.reasons[best]) > 1 or self.met[best] or self.against[runner_up]
        )


def looks_like_gibberish(text: str) -> bool:
    """True when (almost) no word of the text is a known Dutch or English word form."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if not words:
        return True
    known = sum(1 for w in words if _is_known_word(w))
    return known / len(words) < 0.4


def _is_known_word(word: str) -> bool:
    nlp = _nlp()
    if word in nlp.Defaults.stop_words or word in ENGLISH_WORDS:
        return True
    if "lemmatizer" in nlp.pipe_names:  # the lookup table holds every inflected Dutch form
        return word in nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return False


def is_english(text: str) -> bool:
    """A rough test: most words are common English words and few are Dutch words."""
    if text.startswith("/"):  # a button payload such as /ask_definition{"role": "office manager"}
        return False
    words = [w for w in re.findall(r"[a-z']+", text.lower().replace("’", "'")) if w not in SHARED_WORDS]
    english = sum(1 for w in words if w in ENGLISH_WORDS or w.rstrip("'s") in ENGLISH_WORDS)
    dutch = sum(1 for w in words if w not in ENGLISH_WORDS and _is_known_word(w))
    return english >= 2 and english > 2 * dutch
