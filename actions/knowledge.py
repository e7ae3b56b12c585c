"""The knowledge file: loading, strict validation, and composing answers from it.

`knowledge/knowledge.yml` is the single source of every factual answer. It is loaded and
validated once; a broken file raises `KnowledgeError` naming the file and the key path, so
the action server (and the launcher, which checks first) refuses to start with bad facts.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "knowledge.yml"
SCHEMA_VERSION = 1

ROLES = ("office_manager", "secretaresse")
ASPECTS = (
    "definitie",
    "taken",
    "verantwoordelijkheden",
    "zelfstandigheid",
    "opleiding",
    "contacten",
    "competenties",
    "werkomgeving",
)
DIMENSIONS = (
    "algemeen",
    "taken",
    "verantwoordelijkheden",
    "zelfstandigheid",
    "opleiding",
    "interactie",
    "leiderschap",
    "strategisch_denken",
    "communicatie",
    "organisatie",
    "besluitvorming",
    "competenties",
)
AGENCY_TOPICS = ("kandidaten", "posities", "werkzaamheden", "contact")

# The role aspect that a comparison is about, so that a follow-up such as
# "en een secretaresse?" after "verschil in opleiding" answers that role's opleiding.
DIMENSION_TO_ASPECT = {
    "algemeen": "definitie",
    "taken": "taken",
    "verantwoordelijkheden": "verantwoordelijkheden",
    "zelfstandigheid": "zelfstandigheid",
    "opleiding": "opleiding",
    "interactie": "contacten",
    "leiderschap": "competenties",
    "strategisch_denken": "competenties",
    "communicatie": "competenties",
    "organisatie": "competenties",
    "besluitvorming": "competenties",
    "competenties": "competenties",
}

# Headings shown above a role answer; "{name}" is the role's display name.
ASPECT_HEADINGS = {
    "definitie": "Wat doet een {name}?",
    "taken": "De taken van een {name}",
    "verantwoordelijkheden": "Waar een {name} verantwoordelijk voor is",
    "zelfstandigheid": "Hoe zelfstandig werkt een {name}?",
    "opleiding": "Opleiding en ervaring van een {name}",
    "contacten": "Met wie heeft een {name} contact?",
    "competenties": "Competenties van een {name}",
    "werkomgeving": "Waar werkt een {name}?",
}


class KnowledgeError(ValueError):
    """The knowledge file is missing or does not match the schema."""

    def __init__(self, path: Path, key: str, problem: str):
        self.path, self.key, self.problem = path, key, problem
        where = f" bij '{key}'" if key else ""
        super().__init__(f"Kennisbestand {path}{where}: {problem}")


@dataclass(frozen=True)
class Entry:
    source: str
    text: str
    items: tuple = ()


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    aliases: tuple
    aspects: Dict[str, Entry]


@dataclass(frozen=True)
class Difference:
    key: str
    source: str
    title: str
    keywords: tuple
    office_manager: str
    secretaresse: str
    both: str = ""


@dataclass(frozen=True)
class Knowledge:
    path: Path
    roles: Dict[str, Role]
    differences: Dict[str, Difference]
    agency: Dict[str, Entry]

    # ---- understanding the visitor's words -------------------------------------------------

    def role_key(self, mention: Optional[str]) -> Optional[str]:
        """The role key for an entity value or alias ("OM", "secretaresses"), else None."""
        if not mention:
            return None
        folded = fold(mention)
        for role in self.roles.values():
            if folded == fold(role.key) or folded == fold(role.name) or folded in role.aliases:
                return role.key
        return None

    def roles_in_text(self, text: str) -> List[str]:
        """Role keys whose aliases occur as whole words in `text`, in order of appearance.

        Aliases of one or two letters ("om") are skipped: "om" is also an everyday Dutch
        word, so it only counts when the NLU tagged it as a role entity.
        """
        folded = fold(text)
        found = []
        for role in self.roles.values():
            positions = [m.start() for alias in role.aliases if len(alias) > 2
                         for m in re.finditer(rf"(?<!\w){re.escape(alias)}(?!\w)", folded)]
            if positions:
                found.append((min(positions), role.key))
        return [key for _, key in sorted(found)]

    def dimension_in_text(self, text: str) -> Optional[str]:
        """The comparison dimension whose keywords the text mentions most, else None."""
        words = re.findall(r"\w+", fold(text))
        joined = " ".join(words)
        best, best_hits = None, 0
        for diff in self.differences.values():
            hits = sum(1 for kw in diff.keywords
                       if (" " in kw and kw in joined) or any(w.startswith(kw) for w in words))
            if hits > best_hits:
                best, best_hits = diff.key, hits
        return best

    # ---- composing answers -----------------------------------------------------------------

    def role_answer(self, role_key: str, aspect: str) -> str:
        role = self.roles[role_key]
        entry = role.aspects[aspect]
        heading = ASPECT_HEADINGS[aspect].format(name=role.name)
        return _with_items(f"{heading}\n{entry.text}", entry.items)

    def difference_answer(self, dimension: str) -> str:
        diff = self.differences[dimension]
        om, se = self.roles["office_manager"].name, self.roles["secretaresse"].name
        lines = [diff.title, f"• {capitalize(om)}: {diff.office_manager}",
                 f"• {capitalize(se)}: {diff.secretaresse}"]
        if diff.both:
            lines.append(diff.both)
        return "\n".join(lines)

    def agency_answer(self, topic: str) -> str:
        entry = self.agency[topic]
        return _with_items(entry.text, entry.items)


def _with_items(text: str, items: tuple) -> str:
    return "\n".join([text] + [f"• {item}" for item in items])


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def fold(text: str) -> str:
    """Lower case without accents, so 'Coördinatie' and 'coordinatie' compare equal."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


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

    check = _Checker(path)
    top = check.mapping(raw, "", {"schema_version", "roles", "differences", "agency"})
    if top["schema_version"] != SCHEMA_VERSION:
        raise KnowledgeError(path, "schema_version",
                             f"verwacht {SCHEMA_VERSION}, gevonden {top['schema_version']!r}")

    roles_raw = check.mapping(top["roles"], "roles", set(ROLES))
    roles = {}
    for key in ROLES:
        where = f"roles.{key}"
        role_raw = check.mapping(roles_raw[key], where, {"name", "aliases", "aspects"})
        aspects_raw = check.mapping(role_raw["aspects"], f"{where}.aspects", set(ASPECTS))
        roles[key] = Role(
            key=key,
            name=check.text(role_raw["name"], f"{where}.name"),
            aliases=tuple(fold(a) for a in check.text_list(role_raw["aliases"], f"{where}.aliases")),
            aspects={a: check.entry(aspects_raw[a], f"{where}.aspects.{a}") for a in ASPECTS},
        )

    diffs_raw = check.mapping(top["differences"], "differences", set(DIMENSIONS))
    differences = {}
    for key in DIMENSIONS:
        where = f"differences.{key}"
        d = check.mapping(diffs_raw[key], where,
                          {"source", "title", "keywords", "office_manager", "secretaresse"},
                          optional={"both"})
        differences[key] = Difference(
            key=key,
            source=check.text(d["source"], f"{where}.source"),
            title=check.text(d["title"], f"{where}.title"),
            keywords=tuple(fold(k) for k in check.text_list(d["keywords"], f"{where}.keywords",
                                                             allow_empty=True)),
            office_manager=check.text(d["office_manager"], f"{where}.office_manager"),
            secretaresse=check.text(d["secretaresse"], f"{where}.secretaresse"),
            both=check.text(d["both"], f"{where}.both") if "both" in d else "",
        )

    agency_raw = check.mapping(top["agency"], "agency", set(AGENCY_TOPICS))
    agency = {t: check.entry(agency_raw[t], f"agency.{t}") for t in AGENCY_TOPICS}
    return Knowledge(path=path, roles=roles, differences=differences, agency=agency)


class _Checker:
    """Type and key checks that report the dotted key path of the first problem."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, problem: str):
        raise KnowledgeError(self.path, key, problem)

    def mapping(self, value, key: str, required: set, optional: frozenset = frozenset()) -> dict:
        if not isinstance(value, dict):
            self.fail(key, f"verwacht een mapping (sleutel: waarde), gevonden {_kind(value)}")
        prefix = f"{key}." if key else ""
        for name in sorted(required - value.keys()):
            self.fail(prefix + name, "ontbreekt")
        for name in sorted(value.keys() - required - set(optional), key=str):
            self.fail(prefix + str(name), "onbekende sleutel")
        return value

    def text(self, value, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"verwacht niet-lege tekst, gevonden {_kind(value)}")
        return value.strip()

    def text_list(self, value, key: str, allow_empty: bool = False) -> List[str]:
        if not isinstance(value, list) or (not value and not allow_empty):
            self.fail(key, f"verwacht een lijst met tekst, gevonden {_kind(value)}")
        return [self.text(item, f"{key}[{i}]") for i, item in enumerate(value)]

    def entry(self, value, key: str) -> Entry:
        raw = self.mapping(value, key, {"source", "text"}, optional={"items"})
        items = self.text_list(raw["items"], f"{key}.items") if "items" in raw else []
        return Entry(source=self.text(raw["source"], f"{key}.source"),
                     text=self.text(raw["text"], f"{key}.text"), items=tuple(items))


def _kind(value) -> str:
    if value is None:
        return "niets"
    if isinstance(value, str):
        return "lege tekst" if not value.strip() else "tekst"
    return {dict: "een mapping", list: "een lijst", bool: "een ja/nee-waarde",
            int: "een getal", float: "een getal"}.get(type(value), type(value).__name__)


if __name__ == "__main__":  # `python -m actions.knowledge` checks the file
    knowledge = load()
    print(f"Kennisbestand in orde: {knowledge.path}")
