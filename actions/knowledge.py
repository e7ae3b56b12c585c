"""The knowledge file: loading, strict validation, and composing answers from it.

`knowledge/knowledge.yml` is the single source of every factual answer, and it describes
itself: the roles (any number), the aspects (heading, intent, comparison, label), the
comparisons as a map per role, the facts with their ids and visitors' words, the growth paths,
the quiz and the phrases that open a short answer. Every table the actions use (intent →
aspect, headings, buttons, aliases) is derived here. The file is loaded and validated once; a
broken file raises `KnowledgeError` naming the file and the key path, so the action server
(and the launcher, which checks first) refuses to start with bad facts.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import AbstractSet, Dict, List, NoReturn, Optional, Set, Tuple

import yaml

from actions.language import DEFINITE, INTRODUCERS, LIKENESS, POSSESSIVES, PREPOSITIONS
from bot.components.lemmas import table as lemma_table

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "knowledge.yml"
SCHEMA_VERSION = 2
# The wording of answers composed from facts (fixed texts are responses in domain.yml).
PHRASES = (
    "yes_item",
    "yes_sentence",
    "no_sentence",
    "other_role_item",
    "other_role_sentence",
    "unknown",
    "unknown_amount",
    "unknown_specific",
    "near",
    "human_button",
    "about_item",
    "about_sentence",
    "unknown_part",
    "which",
    "which_same",
    "who_does",
    "who_both",
    "more_comparison",
    "growth_heading",
    "growth_changes",
    "growth_needs",
    "quiz_offer",
    "advice_intro",
    "advice_ask",
    "fit_employer",
    "fit_candidate",
    "fit_reasons",
    "runner_up",
    "not_fit",
    "best_but",
    "quiz_best",
    "quiz_tie",
    "difference_button",
)
QUIZ_SLOTS = ("quiz_lead", "quiz_planning", "quiz_writing", "quiz_strategy", "quiz_education")
# 2ASSISTU's contact details (agency.contact_details): an agency topic's text names them as
# {phone}, {email}, {url}, {hours}; the contact topic names all four. The widget makes links of
# a Dutch phone number, an e-mail address and an https address (bot/static/widget.js, LINK).
CONTACT_DETAILS = ("phone", "email", "url", "hours")
PHONE = re.compile(r"(?:\+31[ -]?|0)[1-9](?:[ -]?[0-9]){8}")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
URL = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:[/?#][^\s<>\"']*)?")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# The line under a heading in an answer (see titled); bot/static/widget.js, HEADING_RULE.
HEADING_RULE = "---"


class KnowledgeError(ValueError):
    """The knowledge file is missing or does not match the schema."""

    def __init__(self, path: Path, key: str, problem: str):
        self.path, self.key, self.problem = path, key, problem
        where = f" bij '{key}'" if key else ""
        super().__init__(f"Kennisbestand {path}{where}: {problem}")


@dataclass(frozen=True)
class Fact:
    """One statement of the file. `words` are visitors' words that it confirms, `denies`
    words of a question that it answers with "nee". A fact belongs to a role; `aspect` or
    `comparison` says where it stands in the file."""

    id: str
    text: str
    role: str = ""
    aspect: str = ""
    comparison: str = ""
    words: Tuple[str, ...] = ()
    denies: Tuple[str, ...] = ()

    @property
    def is_sentence(self) -> bool:
        """A whole sentence ("Een secretaresse werkt ...") rather than a list item."""
        return self.text.rstrip().endswith((".", "!", "?"))


@dataclass(frozen=True)
class Entry:
    """An aspect of a role or a topic of the agency: an introduction and its listed facts.
    `summary` is the introduction as a fact of its own, with the aspect's words."""

    source: str
    text: str
    facts: Tuple[Fact, ...] = ()
    summary: Optional[Fact] = None
    # What a person needs for the role ("hbo", "ervaring"): a candidate who says she lacks it
    # ("geen ervaring") is advised against the role, with this entry's text as the reason.
    requires: Tuple[str, ...] = ()

    @property
    def items(self) -> Tuple[str, ...]:
        return tuple(f.text for f in self.facts)


@dataclass(frozen=True)
class Aspect:
    key: str
    heading: str
    intent: str
    comparison: str
    label: str
    more: str
    advice: bool  # its facts are reasons in role advice ("iemand die mijn agenda beheert")


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    aliases: tuple
    advice: str
    aspects: Dict[str, Entry]


@dataclass(frozen=True)
class Comparison:
    key: str
    source: str
    title: str
    keywords: tuple
    lines: Dict[str, Fact]  # role key → that role's side of the comparison
    aspect: str  # the aspect a follow-up means ("en een secretaresse?")
    most: str = ""  # the role that has the most of it ("wie heeft meer ...?")
    both: str = ""


@dataclass(frozen=True)
class GrowthPath:
    from_role: str
    to_role: str
    source: str
    text: str
    changes: Tuple[str, ...]
    needs: Tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    path: Path
    aspects: Dict[str, Aspect]
    roles: Dict[str, Role]
    comparisons: Dict[str, Comparison]
    growth: Tuple[GrowthPath, ...]
    quiz: Dict[str, Tuple[str, str]]  # quiz slot → (role, comparison)
    agency: Dict[str, Entry]
    agency_intents: Dict[str, Tuple[str, ...]]
    phrases: Dict[str, str]
    other_jobs: Tuple[str, ...] = ()  # jobs we know nothing about ("boekhouder")
    other_job_endings: Tuple[str, ...] = ()  # their compound endings ("projectmanager")
    agency_names: Tuple[str, ...] = ()  # words that mean the agency ("jullie", "bureau")
    agency_not_known: Tuple[str, ...] = ()  # starts of words asking what the file does not say ("prijs")
    contact_details: Dict[str, str] = field(default_factory=dict)  # agency.contact_details: phone, email, ...
    intent_to_aspect: Dict[str, str] = field(init=False)
    facts: Tuple[Fact, ...] = field(init=False)
    # text → role positions, see role_positions (asked several times per message)
    _positions: Dict[str, List[Tuple[int, int, str]]] = field(
        init=False, default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self):
        object.__setattr__(self, "intent_to_aspect", {a.intent: a.key for a in self.aspects.values()})
        facts = []
        for role in self.roles.values():
            for entry in role.aspects.values():
                facts += [entry.summary] + list(entry.facts)
        for comparison in self.comparisons.values():
            facts += list(comparison.lines.values())
        object.__setattr__(self, "facts", tuple(facts))

    # ---- understanding the visitor's words -------------------------------------------------

    def role_key(self, mention: Optional[str]) -> Optional[str]:
        """The role key for an entity value or alias ("OM", "secretaresses", "offfice manger"),
        else None."""
        if not mention:
            return None
        folded = fold(mention)
        for role in self.roles.values():
            if folded in (fold(role.key), fold(role.name)) or folded in role.aliases:
                return role.key
        return next(
            (role.key for role in self.roles.values() for alias in role.aliases if is_typo_of(folded, alias)),
            None,
        )

    def roles_in_text(self, text: str) -> List[str]:
        """Role keys named in `text`, in order of appearance."""
        keys = []
        for _, _, key in self.role_positions(text):
            if key not in keys:
                keys.append(key)
        return keys

    def role_positions(self, text: str) -> List[Tuple[int, int, str]]:
        """(word index, number of words, role key) of every role named in `text`: aliases as
        whole words, or with a typo or two ("offfice manger"), in order of appearance.

        Aliases of one or two letters ("om") are skipped: "om" is also an everyday Dutch
        word, so it only counts when the NLU tagged it as a role entity.
        """
        if text in self._positions:  # asked several times per message; the typo scan is not free
            return self._positions[text]
        if len(self._positions) > 256:
            self._positions.clear()
        words = folded_words(text)
        # a Dutch word is no typo of a name: "secretariële" is not "secretarese"
        lemmas = lemma_table()
        real_words = {fold(w) for w in re.findall(r"\w+", text.lower()) if lemmas and lemmas.knows(w)}
        found = {}
        for role in self.roles.values():
            for alias in role.aliases:
                size = len(alias.split())
                if len(alias) <= 2:
                    continue
                for i in range(len(words) - size + 1):
                    window = " ".join(words[i : i + size])
                    typo = window not in real_words and is_typo_of(window, alias)
                    if (window == alias or typo) and i not in found:
                        found[i] = (i, size, role.key)
        # A longer name wins over a shorter one inside it ("directie secretaresse").
        taken: Set[int] = set()
        result: List[Tuple[int, int, str]] = []
        for i, size, key in sorted(found.values(), key=lambda f: -f[1]):
            if not taken & set(range(i, i + size)):
                taken |= set(range(i, i + size))
                result.append((i, size, key))
        self._positions[text] = sorted(result)
        return self._positions[text]

    def other_job_in_text(self, text: str) -> Optional[str]:
        """A job of `other_jobs` that the text asks about ("wat doet een boekhouder?", "als it
        manager"), else None. After "voor de", "met de", "haar" and the like a job is a person
        in the story ("werkt ze voor de directeur?"), after "een soort" or "net als" a likeness
        ("is ze een soort teamleider?"); neither is the job asked about. A bare ending
        ("manager") only counts as a job right after "een" or "als" ("een project manager")."""
        words = folded_words(text)
        for i, word in enumerate(words):
            before = words[max(0, i - 2) : i]
            if before[-1:] and (
                before[-1] in POSSESSIVES
                or (before[-1] in DEFINITE and before[:-1] and before[0] in PREPOSITIONS)
            ):
                continue
            if LIKENESS & set(words[max(0, i - 3) : i]):  # "is ze een soort teamleider?"
                continue
            pair, pair_before = " ".join(words[i : i + 2]), " ".join(words[max(0, i - 1) : i + 1])
            if pair in self.other_jobs:
                return pair
            if self.is_other_job(word):
                return word
            if word in self.other_job_endings:
                if before[-1:] and before[-1] in INTRODUCERS:
                    return word
                if len(before) == 2 and before[0] in INTRODUCERS and not self.role_key(pair_before):
                    return pair_before
        return None

    def is_other_job(self, word: str) -> bool:
        """A one-word job of `other_jobs`, or a compound with one of its endings that is not
        one of ours ("projectmanager", not "officemanager")."""
        return word in self.other_jobs or (
            any(word.endswith(e) and len(word) > len(e) + 1 for e in self.other_job_endings)
            and not self.role_key(word)
        )

    def dimension_in_text(self, text: str) -> Optional[str]:
        """The comparison whose keywords the text mentions most, else None."""
        words = re.findall(r"\w+", fold(text))
        joined = " ".join(words)
        best, best_hits = None, 0
        for comparison in self.comparisons.values():
            hits = sum(
                1
                for kw in comparison.keywords
                if (" " in kw and kw in joined) or any(w.startswith(kw) for w in words)
            )
            if hits > best_hits:
                best, best_hits = comparison.key, hits
        return best

    def other_roles(self, role: str) -> List[str]:
        return [key for key in self.roles if key != role]

    # ---- composing answers -----------------------------------------------------------------

    def phrase(self, key: str, **values) -> str:
        return self.phrases[key].format(**values)

    def heading(self, role_key: str, aspect: str) -> str:
        return self.aspects[aspect].heading.format(name=self.roles[role_key].name)

    def role_answer(self, role_key: str, aspect: str) -> str:
        entry = self.roles[role_key].aspects[aspect]
        return bullets(titled(self.heading(role_key, aspect), entry.text), entry.items)

    def more_button(self, role_key: str, aspect: str) -> dict:
        """The quick reply to a whole aspect of a role ("Alle taken van een office manager")."""
        return {
            "title": self.aspects[aspect].more.format(name=self.roles[role_key].name),
            "payload": f'/{self.aspects[aspect].intent}{{"role": "{role_key}"}}',
        }

    def is_narrow(self, dimension: str) -> bool:
        """A comparison within a topic ("leiderschap" within the competences), not the whole
        topic of an aspect: a role's side of it answers a question about that role."""
        return all(aspect.comparison != dimension for aspect in self.aspects.values())

    def comparison_button(self, dimension: str) -> dict:
        title = self.comparisons[dimension].title
        return {
            "title": self.phrase("more_comparison", title=title[:1].lower() + title[1:]),
            "payload": f'/ask_difference{{"dimension": "{dimension}"}}',
        }

    def difference_answer(self, dimension: str, roles: Optional[List[str]] = None) -> str:
        """The comparison on one dimension: a line per role (the roles asked about, or every
        role the comparison covers)."""
        comparison = self.comparisons[dimension]
        keys = [r for r in (roles or []) if r in comparison.lines]
        keys = keys if len(keys) >= 2 else list(comparison.lines)
        lines = [comparison.title, HEADING_RULE]
        lines += [f"• {capitalize(self.roles[k].name)}: {comparison.lines[k].text}" for k in keys]
        if comparison.both:
            lines.append(comparison.both)
        return "\n".join(lines)

    def names_agency(self, text: str) -> bool:
        """The text is about the agency ("wat doet dit bureau?", "wat doen jullie?")."""
        return bool(set(folded_words(text)) & set(self.agency_names))

    def asks_not_known_of_agency(self, text: str) -> bool:
        """The text asks what the file does not say about the agency ("zijn jullie duur?")."""
        return any(w.startswith(self.agency_not_known) for w in folded_words(text))

    def agency_answer(self, topic: str) -> str:
        entry = self.agency[topic]
        return bullets(entry.text, entry.items)


def titled(heading: str, text: str) -> str:
    """An answer under its heading. The heading stays the first line; the line under it marks it
    as a heading (a markdown "setext" heading), which the chat widget shows in bold."""
    return f"{heading}\n{HEADING_RULE}\n{text}"


def bullets(text: str, items) -> str:
    return "\n".join([text] + [f"• {item}" for item in items])


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def folded_words(text: str) -> List[str]:
    """The words of `text`, folded; a hyphen stays inside a word ("hr-medewerker")."""
    return re.findall(r"[\w-]+", fold(text))


def fold(text: str) -> str:
    """Lower case without accents, so 'Coördinatie' and 'coordinatie' compare equal."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


def is_typo_of(word: str, alias: str) -> bool:
    """True when `word` is `alias` with a typo or two: one edit for names of 6 to 9 letters,
    two from 10 letters on; the first letter must match (people rarely mistype it) and short
    names must match exactly, so "sec" or "om" never stand for something else."""
    if len(alias) < 6 or not word or word[0] != alias[0] or word == alias:
        return False
    allowed = 1 if len(alias) < 10 else 2
    return abs(len(word) - len(alias)) <= allowed and edit_distance(word, alias) <= allowed


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (with swapped neighbours as one edit)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


# ---- loading and validation ----------------------------------------------------------------


def load(path: Optional[Path] = None) -> Knowledge:
    """Load and validate the knowledge file; raise KnowledgeError on any problem."""
    path = Path(path or os.environ.get("KNOWLEDGE_FILE") or DEFAULT_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeError(path, "", "het bestand bestaat niet") from None
    except UnicodeDecodeError:
        raise KnowledgeError(path, "", "het bestand is geen UTF-8-tekst") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (regel {mark.line + 1}, kolom {mark.column + 1})" if mark else ""
        raise KnowledgeError(path, "", f"geen geldige YAML{where}") from None
    return _Loader(path).knowledge(raw)


class _Loader:
    """Type, key and reference checks that report the dotted key path of the first problem."""

    def __init__(self, path: Path):
        self.path = path
        self.fact_ids: Dict[str, str] = {}

    def fail(self, key: str, problem: str) -> NoReturn:
        raise KnowledgeError(self.path, key, problem)

    def knowledge(self, raw) -> Knowledge:
        top = self.mapping(
            raw,
            "",
            {"schema_version", "aspects", "roles", "comparisons", "agency", "phrases"},
            optional={"growth", "quiz", "other_jobs"},
        )
        if top["schema_version"] != SCHEMA_VERSION:
            self.fail("schema_version", f"verwacht {SCHEMA_VERSION}, gevonden {top['schema_version']!r}")
        comparisons_raw = self.mapping(top["comparisons"], "comparisons")
        aspects = {
            key: self.aspect(key, value, comparisons_raw)
            for key, value in self.mapping(top["aspects"], "aspects").items()
        }
        roles_raw = self.mapping(top["roles"], "roles")
        if len(roles_raw) < 2:
            self.fail("roles", "verwacht minstens twee functies")
        roles = {key: self.role(key, value, aspects) for key, value in roles_raw.items()}
        comparisons = {
            key: self.comparison(key, value, roles, aspects) for key, value in comparisons_raw.items()
        }
        growth = tuple(
            self.growth_path(i, g, roles, comparisons, aspects)
            for i, g in enumerate(self.list(top.get("growth", []), "growth"))
        )
        quiz = self.quiz(top.get("quiz", {}), roles, comparisons)
        agency_raw = self.mapping(
            top["agency"], "agency", {"topics", "intents", "contact_details"}, optional={"names", "not_known"}
        )
        self.details = self.contact_details(agency_raw["contact_details"])
        topics_raw = self.mapping(agency_raw["topics"], "agency.topics", {"contact"})
        agency = {
            t: self.entry(self.with_details(v, f"agency.topics.{t}"), f"agency.topics.{t}", role="")
            for t, v in topics_raw.items()
        }
        self.uses_all_details(topics_raw["contact"], "agency.topics.contact.text")
        agency_intents = {}
        for intent, topics in self.mapping(agency_raw["intents"], "agency.intents").items():
            where = f"agency.intents.{intent}"
            agency_intents[intent] = tuple(
                self.one_of(t, f"{where}[{i}]", agency) for i, t in enumerate(self.text_list(topics, where))
            )
        phrases_raw = self.mapping(top["phrases"], "phrases", set(PHRASES), optional=())
        phrases = {k: self.text(v, f"phrases.{k}") for k, v in phrases_raw.items()}
        other_raw = self.mapping(top.get("other_jobs", {}), "other_jobs", optional={"names", "endings"})
        # A role added to the file wins over the same name in other_jobs ("personal assistant").
        ours = {fold(n) for r in roles.values() for n in (r.key, r.name, *r.aliases)}
        other_jobs = tuple(
            w for w in map(fold, self.words(other_raw, "names", "other_jobs")) if w not in ours
        )
        endings = tuple(fold(w) for w in self.words(other_raw, "endings", "other_jobs"))
        return Knowledge(
            path=self.path,
            aspects=aspects,
            roles=roles,
            comparisons=comparisons,
            growth=growth,
            quiz=quiz,
            agency=agency,
            agency_intents=agency_intents,
            phrases=phrases,
            other_jobs=other_jobs,
            other_job_endings=endings,
            agency_names=tuple(map(fold, self.words(agency_raw, "names", "agency"))),
            agency_not_known=tuple(map(fold, self.words(agency_raw, "not_known", "agency"))),
            contact_details=dict(self.details),
        )

    def aspect(self, key: str, raw, comparisons: dict) -> Aspect:
        where = f"aspects.{key}"
        a = self.mapping(
            raw, where, {"heading", "intent", "comparison", "label", "more"}, optional={"advice"}
        )
        return Aspect(
            key=key,
            heading=self.text(a["heading"], f"{where}.heading"),
            intent=self.text(a["intent"], f"{where}.intent"),
            comparison=self.one_of(a["comparison"], f"{where}.comparison", comparisons),
            label=self.text(a["label"], f"{where}.label"),
            more=self.text(a["more"], f"{where}.more"),
            advice=a.get("advice") is True,
        )

    def role(self, key: str, raw, aspects: Dict[str, Aspect]) -> Role:
        where = f"roles.{key}"
        r = self.mapping(raw, where, {"name", "aliases", "advice", "aspects"}, optional=())
        aspects_raw = self.mapping(r["aspects"], f"{where}.aspects", set(aspects), optional=())
        return Role(
            key=key,
            name=self.text(r["name"], f"{where}.name"),
            aliases=tuple(fold(a) for a in self.text_list(r["aliases"], f"{where}.aliases")),
            advice=self.text(r["advice"], f"{where}.advice"),
            aspects={a: self.entry(aspects_raw[a], f"{where}.aspects.{a}", key, a) for a in aspects},
        )

    def comparison(self, key: str, raw, roles: Dict[str, Role], aspects: Dict[str, Aspect]) -> Comparison:
        where = f"comparisons.{key}"
        c = self.mapping(
            raw, where, {"source", "title", "keywords", "roles"}, optional={"most", "both", "aspect"}
        )
        aspect = next((a.key for a in aspects.values() if a.comparison == key), None)
        if "aspect" in c:
            aspect = self.one_of(c["aspect"], f"{where}.aspect", aspects)
        elif not aspect:
            self.fail(f"{where}.aspect", "ontbreekt (geen onderwerp wijst naar deze vergelijking)")
        lines_raw = self.mapping(c["roles"], f"{where}.roles")
        if len(lines_raw) < 2:
            self.fail(f"{where}.roles", "verwacht een zin voor minstens twee functies")
        lines = {}
        for role, value in lines_raw.items():
            self.one_of(role, f"{where}.roles.{role}", roles)
            value = value if isinstance(value, dict) else {"text": value}
            lines[role] = self.fact(
                dict(value, id=f"{key}-{role}"), f"{where}.roles.{role}", role=role, comparison=key
            )
        return Comparison(
            key=key,
            source=self.text(c["source"], f"{where}.source"),
            title=self.text(c["title"], f"{where}.title"),
            keywords=tuple(
                fold(k) for k in self.text_list(c["keywords"], f"{where}.keywords", allow_empty=True)
            ),
            lines=lines,
            aspect=aspect,
            most=self.one_of(c["most"], f"{where}.most", lines) if "most" in c else "",
            both=self.text(c["both"], f"{where}.both") if "both" in c else "",
        )

    def growth_path(self, i: int, raw, roles, comparisons, aspects) -> GrowthPath:
        where = f"growth[{i}]"
        g = self.mapping(raw, where, {"from", "to", "source", "text", "changes", "needs"}, optional=())
        return GrowthPath(
            from_role=self.one_of(g["from"], f"{where}.from", roles),
            to_role=self.one_of(g["to"], f"{where}.to", roles),
            source=self.text(g["source"], f"{where}.source"),
            text=self.text(g["text"], f"{where}.text"),
            changes=tuple(
                self.one_of(c, f"{where}.changes", comparisons)
                for c in self.text_list(g["changes"], f"{where}.changes")
            ),
            needs=tuple(
                self.one_of(a, f"{where}.needs", aspects)
                for a in self.text_list(g["needs"], f"{where}.needs")
            ),
        )

    def quiz(self, raw, roles, comparisons) -> Dict[str, Tuple[str, str]]:
        quiz = {}
        for slot, value in self.mapping(raw, "quiz", optional=set(QUIZ_SLOTS)).items():
            q = self.mapping(value, f"quiz.{slot}", {"role", "comparison"}, optional=())
            quiz[slot] = (
                self.one_of(q["role"], f"quiz.{slot}.role", roles),
                self.one_of(q["comparison"], f"quiz.{slot}.comparison", comparisons),
            )
        return quiz

    def contact_details(self, raw) -> Dict[str, str]:
        """agency.contact_details: a Dutch phone number, an e-mail address, the https address of
        the contact page and the office hours, each checked so that the widget can link it."""
        key = "agency.contact_details"
        d = self.mapping(raw, key, set(CONTACT_DETAILS), optional=())
        details = {name: self.text(d[name], f"{key}.{name}") for name in CONTACT_DETAILS}
        checks = {
            "phone": (PHONE, "een Nederlands telefoonnummer, bijvoorbeeld 020 123 4567 of +31 20 123 4567"),
            "email": (EMAIL, "een e-mailadres, bijvoorbeeld info@2assistu.nl"),
            "url": (
                URL,
                "een webadres dat met https:// begint, bijvoorbeeld https://www.2assistu.nl/contact",
            ),
        }
        for name, (pattern, expected) in checks.items():
            if not pattern.fullmatch(details[name]):
                self.fail(f"{key}.{name}", f"verwacht {expected}, gevonden '{details[name]}'")
        return details

    def uses_all_details(self, raw: dict, key: str) -> None:
        """The contact answer gives every contact detail."""
        used = set(
            PLACEHOLDER.findall(
                raw["text"]
                + " ".join(str(f.get("text", "")) for f in raw.get("facts") or [] if isinstance(f, dict))
            )
        )
        for name in CONTACT_DETAILS:
            if name not in used:
                self.fail(key, f"noemt {{{name}}} niet: het contactantwoord geeft alle contactgegevens")

    def with_details(self, raw, key: str):
        """An agency topic with the contact details filled into its text and facts. (What is
        not a mapping or text is left to entry() to report.)"""
        if not isinstance(raw, dict):
            return raw
        topic = dict(raw)
        if "text" in raw:
            topic["text"] = self.fill_details(raw["text"], f"{key}.text")
        if isinstance(raw.get("facts"), list):
            topic["facts"] = [
                dict(f, text=self.fill_details(f["text"], f"{key}.facts[{i}].text"))
                if isinstance(f, dict) and "text" in f
                else f
                for i, f in enumerate(raw["facts"])
            ]
        return topic

    def fill_details(self, text, key: str):
        """{phone} and the like replaced by the contact detail; another {name} is a mistake."""
        if not isinstance(text, str):
            return text
        for name in PLACEHOLDER.findall(text):
            if name not in self.details:
                self.fail(
                    key,
                    f"onbekende plaatshouder {{{name}}}; kies uit: "
                    + ", ".join("{" + n + "}" for n in CONTACT_DETAILS),
                )
        return PLACEHOLDER.sub(lambda match: self.details[match.group(1)], text)

    def entry(self, raw, key: str, role: str, aspect: str = "") -> Entry:
        e = self.mapping(raw, key, {"source", "text"}, optional={"facts", "words", "denies", "requires"})
        facts = tuple(
            self.fact(f, f"{key}.facts[{i}]", role=role, aspect=aspect)
            for i, f in enumerate(self.list(e.get("facts", []), f"{key}.facts"))
        )
        text = self.text(e["text"], f"{key}.text")
        summary = Fact(
            id=f"{role}-{aspect}" if role else "",
            text=text,
            role=role,
            aspect=aspect,
            words=self.words(e, "words", key),
            denies=self.words(e, "denies", key),
        )
        return Entry(
            source=self.text(e["source"], f"{key}.source"),
            text=text,
            facts=facts,
            summary=summary,
            requires=self.words(e, "requires", key),
        )

    def fact(self, raw, key: str, role: str, aspect: str = "", comparison: str = "") -> Fact:
        f = self.mapping(raw, key, {"id", "text"}, optional={"words", "denies"})
        fact_id = self.text(f["id"], f"{key}.id")
        if fact_id in self.fact_ids:
            self.fail(f"{key}.id", f"id '{fact_id}' staat ook bij {self.fact_ids[fact_id]}")
        self.fact_ids[fact_id] = key
        return Fact(
            id=fact_id,
            text=self.text(f["text"], f"{key}.text"),
            role=role,
            aspect=aspect,
            comparison=comparison,
            words=self.words(f, "words", key),
            denies=self.words(f, "denies", key),
        )

    def words(self, raw: dict, name: str, key: str) -> Tuple[str, ...]:
        return tuple(self.text_list(raw[name], f"{key}.{name}")) if name in raw else ()

    def mapping(self, value, key: str, required: AbstractSet[str] = frozenset(), optional=None) -> dict:
        """A mapping with the required keys; with `optional` given, no other keys."""
        if not isinstance(value, dict):
            self.fail(key, f"verwacht een mapping (sleutel: waarde), gevonden {_kind(value)}")
        prefix = f"{key}." if key else ""
        for name in sorted(set(required) - value.keys()):
            self.fail(prefix + name, "ontbreekt")
        if optional is not None:
            for name in sorted(value.keys() - set(required) - set(optional), key=str):
                self.fail(prefix + str(name), "onbekende sleutel")
        return value

    def list(self, value, key: str) -> list:
        if not isinstance(value, list):
            self.fail(key, f"verwacht een lijst, gevonden {_kind(value)}")
        return value

    def one_of(self, value, key: str, known) -> str:
        if value not in known:
            self.fail(key, f"'{value}' bestaat niet; kies uit: {', '.join(map(str, known))}")
        return value

    def text(self, value, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"verwacht niet-lege tekst, gevonden {_kind(value)}")
        return value.strip()

    def text_list(self, value, key: str, allow_empty: bool = False) -> List[str]:
        if not isinstance(value, list) or (not value and not allow_empty):
            self.fail(key, f"verwacht een lijst met tekst, gevonden {_kind(value)}")
        return [self.text(item, f"{key}[{i}]") for i, item in enumerate(value)]


def _kind(value) -> str:
    if value is None:
        return "niets"
    if isinstance(value, str):
        return "lege tekst" if not value.strip() else "tekst"
    return {
        dict: "een mapping",
        list: "een lijst",
        bool: "een ja/nee-waarde",
        int: "een getal",
        float: "een getal",
    }.get(type(value), type(value).__name__)


if __name__ == "__main__":  # `python -m actions.knowledge` checks the file
    knowledge = load()
    print(
        f"Kennisbestand in orde: {knowledge.path} ({len(knowledge.roles)} functies, "
        f"{len(knowledge.aspects)} onderwerpen, {len(knowledge.comparisons)} vergelijkingen, "
        f"{len(knowledge.facts)} feiten)"
    )
