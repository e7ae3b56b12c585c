"""The knowledge file: the real one loads, broken ones fail clearly, answers hold the facts."""

import copy
import itertools
import re
from pathlib import Path

import pytest
import yaml

from actions import knowledge as kb

REAL = kb.load(kb.DEFAULT_PATH)
RAW = yaml.safe_load(kb.DEFAULT_PATH.read_text(encoding="utf-8"))


def write(tmp_path, data, name="knowledge.yml"):
    path = tmp_path / name
    path.write_text(
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    return path


def broken(mutate):
    data = copy.deepcopy(RAW)
    mutate(data)
    return data


# ---- loading -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mutate, key, problem",
    [
        (
            lambda d: d["roles"]["secretaresse"]["aspects"].pop("opleiding"),
            "roles.secretaresse.aspects.opleiding",
            "ontbreekt",
        ),
        (
            lambda d: d["roles"]["office_manager"].update(salaris="veel"),
            "roles.office_manager.salaris",
            "onbekende sleutel",
        ),
        (
            lambda d: d["roles"]["office_manager"]["aspects"]["taken"].update(text=""),
            "roles.office_manager.aspects.taken.text",
            "niet-lege tekst",
        ),
        (
            lambda d: d["roles"]["office_manager"]["aspects"]["taken"].update(facts="budget"),
            "roles.office_manager.aspects.taken.facts",
            "lijst",
        ),
        (
            lambda d: d["roles"]["secretaresse"]["aspects"]["taken"]["facts"].append({"id": "x", "text": 42}),
            "roles.secretaresse.aspects.taken.facts[",
            "tekst",
        ),
        (
            lambda d: d["roles"]["secretaresse"]["aspects"]["taken"]["facts"].append(
                {"id": "om-budget", "text": "Nog een budget"}
            ),
            "om-budget",
            "staat ook bij",
        ),
        (
            lambda d: d["comparisons"]["leiderschap"].pop("source"),
            "comparisons.leiderschap.source",
            "ontbreekt",
        ),
        (
            lambda d: d["comparisons"]["opleiding"].update(most="directeur"),
            "comparisons.opleiding.most",
            "bestaat niet",
        ),
        (
            lambda d: d["aspects"]["taken"].update(comparison="salaris"),
            "aspects.taken.comparison",
            "bestaat niet",
        ),
        (
            lambda d: d["comparisons"]["taken"]["roles"].pop("secretaresse"),
            "comparisons.taken.roles",
            "minstens twee",
        ),
        (lambda d: d["agency"]["topics"].update(contact=["bel ons"]), "agency.topics.contact", "mapping"),
        (
            lambda d: d["agency"]["intents"].update(ask_contact=["telefoonboek"]),
            "agency.intents.ask_contact[0]",
            "bestaat niet",
        ),
        (lambda d: d["growth"][0].update(to="piloot"), "growth[0].to", "bestaat niet"),
        (lambda d: d["phrases"].pop("yes_sentence"), "phrases.yes_sentence", "ontbreekt"),
        (lambda d: d["phrases"].pop("quiz_best"), "phrases.quiz_best", "ontbreekt"),
        (lambda d: d["phrases"].update(fit_reasons=""), "phrases.fit_reasons", "niet-lege tekst"),
        (lambda d: d.update(schema_version=1), "schema_version", "verwacht 2"),
        (lambda d: d.pop("comparisons"), "comparisons", "ontbreekt"),
        (lambda d: d["other_jobs"].update(words=["kok"]), "other_jobs.words", "onbekende sleutel"),
    ],
)
def test_broken_file_names_path_and_key(tmp_path, mutate, key, problem):
    path = write(tmp_path, broken(mutate))
    with pytest.raises(kb.KnowledgeError) as error:
        kb.load(path)
    message = str(error.value)
    assert str(path) in message
    assert key in message
    assert problem in message


def test_missing_file(tmp_path):
    with pytest.raises(kb.KnowledgeError, match="bestaat niet"):
        kb.load(tmp_path / "nergens.yml")


def test_invalid_yaml_gives_line(tmp_path):
    path = write(tmp_path, "roles:\n  office_manager: [unclosed\n")
    with pytest.raises(kb.KnowledgeError, match=r"geen geldige YAML \(regel \d+"):
        kb.load(path)


def test_file_that_is_not_a_mapping(tmp_path):
    with pytest.raises(kb.KnowledgeError, match="mapping"):
        kb.load(write(tmp_path, "- alleen\n- een lijst\n"))


def test_knowledge_file_env_var_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("KNOWLEDGE_FILE", str(tmp_path / "weg.yml"))
    with pytest.raises(kb.KnowledgeError, match="weg.yml"):
        kb.load()


# ---- answer composition ------------------------------------------------------------------


@pytest.mark.parametrize("role, aspect", list(itertools.product(REAL.roles, REAL.aspects)))
def test_every_role_aspect_answer(role, aspect):
    answer = REAL.role_answer(role, aspect)
    entry = REAL.roles[role].aspects[aspect]
    assert REAL.roles[role].name in answer.splitlines()[0]  # heading names the role
    assert entry.text in answer
    for item in entry.items:
        assert f"• {item}" in answer
    assert "<" not in answer and "{" not in answer  # plain text, no leftover template


@pytest.mark.parametrize("dimension", list(REAL.comparisons))
def test_every_dimension_answer_is_the_title_and_a_line_per_role(dimension):
    # That every comparison has a line for at least two roles is the loader's job (see
    # test_broken_file_names_path_and_key: comparisons.taken.roles); this is the composing.
    answer = REAL.difference_answer(dimension)
    comparison = REAL.comparisons[dimension]
    assert answer.startswith(comparison.title)
    for role, line in comparison.lines.items():
        assert f"• {kb.capitalize(REAL.roles[role].name)}: {line.text}" in answer


@pytest.mark.parametrize(
    "role, aspect, facts",
    [
        ("office_manager", "definitie", ["kantoor", "coördineert", "organiseren"]),
        ("secretaresse", "definitie", ["telefoon", "e-mail", "agenda", "afspraken"]),
        (
            "office_manager",
            "taken",
            ["personele zaken", "facilitaire zaken", "secretariaat", "werving", "budget", "beleid"],
        ),
        ("secretaresse", "taken", ["notul", "correspondentie", "afdelingen", "agenda"]),
        ("office_manager", "opleiding", ["HBO"]),
        ("secretaresse", "opleiding", ["basale", "certificering"]),
        (
            "office_manager",
            "competenties",
            ["nauwkeurig", "kritisch", "taalgevoel", "klantgericht", "besluitvaardig"],
        ),
        (
            "secretaresse",
            "competenties",
            ["organisatorisch", "communicatie", "software", "probleemoplossend"],
        ),
        ("secretaresse", "werkomgeving", ["overheid", "scholen", "ziekenhuizen", "non-profit"]),
        ("office_manager", "contacten", ["hoger management", "klanten", "leveranciers"]),
    ],
)
def test_answers_hold_the_article_facts(role, aspect, facts):
    answer = REAL.role_answer(role, aspect).lower()
    for fact in facts:
        assert fact.lower() in answer, fact


def test_competence_difference_contrasts_leadership_with_operational_work():
    answer = REAL.difference_answer("competenties").lower()
    assert "leiderschap" in answer and "strategisch" in answer and "operationeel" in answer


def test_agency_contact_gives_the_contact_details_of_the_file_and_nothing_invented():
    answer = REAL.agency_answer("contact")
    details = RAW["agency"]["contact_details"]
    for name in ("phone", "email", "url", "hours"):
        assert details[name] in answer, name
    assert "{" not in answer
    assert answer.count("@") == 1 and answer.count("http") == 1  # no other address


def test_an_editor_changes_a_contact_detail_in_one_place(tmp_path):
    data = copy.deepcopy(RAW)
    data["agency"]["contact_details"].update(phone="+31 10 765 4321", email="werk@2assistu.example")
    data["agency"]["topics"]["vacatures"]["text"] += " Mail je cv naar {email}."
    changed = kb.load(write(tmp_path, data))
    assert "+31 10 765 4321" in changed.agency_answer("contact")
    assert "020 123 4567" not in changed.agency_answer("contact")
    assert changed.agency_answer("vacatures").endswith("Mail je cv naar werk@2assistu.example.")


@pytest.mark.parametrize(
    "name, value, problem",
    [
        ("phone", "bel ons", "Nederlands telefoonnummer"),
        ("phone", "123", "Nederlands telefoonnummer"),
        ("email", "info-at-2assistu.nl", "e-mailadres"),
        ("url", "http://www.2assistu.example/contact", "https://"),
        ("url", "www.2assistu.example", "https://"),
        ("hours", "", "niet-lege tekst"),
    ],
)
def test_a_wrong_contact_detail_names_its_key(tmp_path, name, value, problem):
    path = write(tmp_path, broken(lambda d: d["agency"]["contact_details"].update({name: value})))
    with pytest.raises(kb.KnowledgeError) as error:
        kb.load(path)
    assert f"agency.contact_details.{name}" in str(error.value)
    assert problem in str(error.value)


@pytest.mark.parametrize(
    "mutate, key, problem",
    [
        (lambda d: d["agency"].pop("contact_details"), "agency.contact_details", "ontbreekt"),
        (lambda d: d["agency"]["contact_details"].pop("hours"), "agency.contact_details.hours", "ontbreekt"),
        (
            lambda d: d["agency"]["contact_details"].update(fax="020 123 4568"),
            "agency.contact_details.fax",
            "onbekende sleutel",
        ),
        (lambda d: d["agency"]["topics"].pop("contact"), "agency.topics.contact", "ontbreekt"),
        (
            lambda d: d["agency"]["topics"]["contact"].update(text="Bel ons op {phone}."),
            "agency.topics.contact.text",
            "noemt {email} niet",
        ),
        (
            lambda d: d["agency"]["topics"]["posities"].update(text="Bel {telefoon}."),
            "agency.topics.posities.text",
            "onbekende plaatshouder {telefoon}",
        ),
    ],
)
def test_the_contact_answer_and_its_placeholders_are_checked(tmp_path, mutate, key, problem):
    with pytest.raises(kb.KnowledgeError) as error:
        kb.load(write(tmp_path, broken(mutate)))
    assert key in str(error.value) and problem in str(error.value)


@pytest.mark.parametrize(
    "phone",
    ["020 123 4567", "0201234567", "020-1234567", "+31 20 123 4567", "06 12 34 56 78", "+31612345678"],
)
def test_dutch_phone_numbers_are_accepted(tmp_path, phone):
    data = broken(lambda d: d["agency"]["contact_details"].update(phone=phone))
    assert phone in kb.load(write(tmp_path, data)).agency_answer("contact")


# ---- understanding the visitor's words ---------------------------------------------------


@pytest.mark.parametrize(
    "mention, key",
    [
        ("office manager", "office_manager"),
        ("OM", "office_manager"),
        ("Office-Manager", "office_manager"),
        ("officemanager", "office_manager"),
        ("secretaresses", "secretaresse"),
        ("directiesecretaresse", "secretaresse"),
        ("secretaris", "secretaresse"),
        ("piloot", None),
        ("", None),
        ("offfice manger", "office_manager"),
        ("secr", "secretaresse"),
        ("sekretaresse", "secretaresse"),
        ("receptioniste", None),
        ("hr manager", None),
        ("secretariaat", None),
    ],
)
def test_role_key_resolves_aliases(mention, key):
    assert REAL.role_key(mention) == key


def test_roles_in_text_keeps_order_and_skips_the_word_om():
    assert REAL.roles_in_text("verschil tussen secretaresse en office manager") == [
        "secretaresse",
        "office_manager",
    ]
    assert REAL.roles_in_text("wat heb je nodig om secretaresse te worden") == ["secretaresse"]


@pytest.mark.parametrize(
    "text, roles",
    [
        ("wat doet een offfice manger", ["office_manager"]),  # two typos
        ("taken secr?", ["secretaresse"]),  # abbreviation
        ("ofis manager en sekretaresse", ["office_manager", "secretaresse"]),
        ("secretaressen en office-managers", ["secretaresse", "office_manager"]),  # plurals
        ("wat doet een receptioniste", []),  # really another job
        ("leiding geven aan het secretariaat", []),  # the department, not the role
        ("wat doet een hr manager", []),
    ],
)
def test_roles_in_text_reads_typos_and_abbreviations(text, roles):
    assert REAL.roles_in_text(text) == roles


@pytest.mark.parametrize(
    "text, dimension",
    [
        ("verschil in competenties", "competenties"),
        ("wie heeft meer autonomie?", "zelfstandigheid"),
        ("wie is zelfstandiger", "zelfstandigheid"),
        ("zit er verschil in opleidingsniveau?", "opleiding"),
        ("hebben ze met andere mensen contact?", "interactie"),
        ("wie geeft er leiding", "leiderschap"),
        ("wie denkt strategischer", "strategisch_denken"),
        ("verschil in verantwoordelijkheden", "verantwoordelijkheden"),
        ("hoe nemen ze beslissingen", "besluitvorming"),
        ("wat is het verschil tussen office manager en secretaresse", None),
    ],
)
def test_dimension_in_text(text, dimension):
    assert REAL.dimension_in_text(text) == dimension


# ---- the training data and the knowledge file agree --------------------------------------


def training_files():
    return sorted((Path(kb.DEFAULT_PATH).parent.parent / "data").rglob("*.yml"))


def test_role_names_in_the_training_data_are_aliases_in_the_knowledge_file():
    """Aliases live in the knowledge file; the NLU's synonyms, lookup table and annotated
    role entities must name the same roles, or the NLU and the actions disagree."""
    problems = []
    for path in training_files():
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            examples = [e[2:].strip() for e in str(block.get("examples", "")).splitlines() if e.strip()]
            if "synonym" in block:
                role = REAL.role_key(block["synonym"])
                problems += [f"{path.name}: synonym {block['synonym']!r} is no role"] if not role else []
                problems += [
                    f"{path.name}: {e!r} is not an alias of {role}"
                    for e in examples
                    if role and REAL.role_key(e) != role
                ]
            if block.get("lookup") == "role":
                problems += [
                    f"{path.name}: lookup {e!r} is no alias" for e in examples if not REAL.role_key(e)
                ]
            for example in examples:
                values = re.findall(r'"entity": "role", "value": "([^"]+)"', example)
                values += re.findall(r"\[([^\]]+)\]\(role\)", example)
                problems += [
                    f"{path.name}: role entity {v!r} in {example!r} is no role"
                    for v in values
                    if not REAL.role_key(v)
                ]
    assert not problems, "\n".join(problems)


# ---- jobs we know nothing about ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, job",
    [
        ("wat doet een directeur eigenlijk de hele dag", "directeur"),
        ("welke opleiding heeft een hr manager nodig", "hr manager"),
        ("taken projectmanager?", "projectmanager"),  # a compound with a known ending
        ("wat moet je kunnen als it manager", "it manager"),  # a bare ending after "als <word>"
        ("wat doet een proejctleider", "proejctleider"),  # a typo keeps its ending
        ("hoe word ik verpleegkundige", "verpleegkundige"),
    ],
)
def test_a_job_asked_about_that_is_not_ours(text, job):
    assert REAL.other_job_in_text(text) == job


@pytest.mark.parametrize(
    "text",
    [
        "wat doet een office manager",  # ours, split
        "kantoormanager taken",  # ours, a compound ending in "manager"
        "werkt ze voor de directeur?",  # a person in the story
        "en overlegt die ook met de boekhouder?",
        "doet ze de telefoon voor haar baas?",
        "is ze een soort teamleider?",  # a likeness
        "moet ze net als een directeur strategisch denken?",
        "werkt ze samen met andere medewerkers?",  # a bare ending not introduced as a job
        "hoe word ik een goede secretaresse",
    ],
)
def test_no_other_job_in_questions_about_ours(text):
    assert REAL.other_job_in_text(text) is None


def test_an_editor_adds_a_job_we_know_nothing_about(tmp_path):
    data = copy.deepcopy(RAW)
    data["other_jobs"]["names"].append("Imker")
    assert kb.load(write(tmp_path, data)).other_job_in_text("wat doet een imker?") == "imker"


def test_a_role_added_to_the_file_is_no_longer_another_job(tmp_path):
    assert REAL.other_job_in_text("wat doet een personal assistant?") == "personal assistant"
    data = copy.deepcopy(RAW)
    role = copy.deepcopy(data["roles"]["secretaresse"])
    role.update(name="personal assistant", aliases=["personal assistant"])
    role["aspects"] = {aspect: {"source": "test", "text": f"Over {aspect}."} for aspect in role["aspects"]}
    data["roles"]["personal_assistant"] = role
    assert kb.load(write(tmp_path, data)).other_job_in_text("wat doet een personal assistant?") is None


def test_an_editor_adds_what_the_file_does_not_say_about_the_agency(tmp_path):
    question = "is er een parkeerplaats bij jullie?"
    assert REAL.names_agency(question) and not REAL.asks_not_known_of_agency(question)
    data = copy.deepcopy(RAW)
    data["agency"]["not_known"].append("parkeer")
    assert kb.load(write(tmp_path, data)).asks_not_known_of_agency(question)


@pytest.mark.parametrize(
    "text, roles",
    [
        ("moet die persoon ook secretariële taken kunnen doen?", []),  # a Dutch word, no typo of a name
        ("wat doet een secretarese", ["secretaresse"]),
        ("wat doet een ofice manager", ["office_manager"]),
    ],
)
def test_a_typo_of_a_role_counts_a_dutch_word_does_not(text, roles):
    assert REAL.roles_in_text(text) == roles
