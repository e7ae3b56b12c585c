"""What kind of answer a turn needs (actions/decide.py): decide() on Turns read from trackers built
in code, and the answers that show the decision through the answer actions (the same words get
the same kind of answer whichever action Rasa picked)."""

import pytest
from rasa_sdk.events import SlotSet

from actions.actions import (
    KNOWLEDGE,
    ActionAnswerAgency,
    ActionAnswerDifference,
    ActionAnswerRole,
    ActionAnswerSituation,
    ActionNotInKnowledge,
    ActionRoleAdvice,
)
from actions.decide import decide
from actions.turn import Turn
from tests.helpers import buttons, first, run, tracker
from tests.rendered import texts


def test_one_role_taken_for_a_comparison_is_answered_about_that_role():
    messages, events = run(
        ActionAnswerDifference(),
        tracker("aan wie rapporteert een office manager", "ask_difference", roles=["office manager"]),
    )
    assert texts(messages) == KNOWLEDGE.role_answer("office_manager", "definitie")
    assert SlotSet("role", "office_manager") in events


def test_a_person_in_the_story_does_not_hide_the_role_in_focus(log_db):
    messages, events = run(
        ActionAnswerRole(), tracker("en werkt ze dan voor de directeur?", "ask_tasks", role="secretaresse")
    )
    assert "geen informatie over de functie" not in texts(messages)
    assert "secretaresse" in texts(messages).lower() and SlotSet("role", "secretaresse") in events


@pytest.mark.parametrize(
    "text, role, start",
    [
        ("welke opleiding is daarvoor nodig?", "secretaresse", "Opleiding en ervaring van een secretaresse"),
        ("welke vaardigheden vraagt die functie", "office manager", "Competenties van een office manager"),
        ("welke competenties horen daar dan bij?", "secretaresse", "Competenties van een secretaresse"),
    ],
)
def test_off_topic_guess_for_a_follow_up_about_the_role_in_focus_is_answered(log_db, text, role, start):
    messages, events = run(ActionNotInKnowledge(), tracker(text, "out_of_scope", role=role))
    assert texts(messages).startswith(start)
    assert SlotSet("role", role.replace(" ", "_")) in events  # the key, also when the slot held the name


@pytest.mark.parametrize(
    "action, text, intent",
    [
        (
            ActionAnswerDifference(),
            "wie wordt er dit jaar kampioen van de eredivisie denk je?",
            "ask_difference",
        ),
        (ActionAnswerDifference(), "wie verdient er meer?", "ask_difference"),
        (ActionAnswerRole(), "wat vind je van de nieuwe regering", "ask_definition"),
    ],
)
def test_knowledge_intent_with_off_topic_words_gets_the_honest_answer(log_db, action, text, intent):
    messages, _ = run(action, tracker(text, intent, role="secretaresse"))
    assert "niet in mijn kennis" in messages[0]["text"]


def test_a_pasted_vacancy_text_is_read_as_a_description_not_as_yes_no_questions():
    vacancy = (
        "Welke functie is dit? Wij zoeken iemand die het kantoorbudget bewaakt, de inkoop en de contacten met "
        "leveranciers regelt, nieuwe collega's werft en het secretariaat aanstuurt. Heb je een hbo-diploma en "
        "een paar jaar ervaring? Dan zoeken we jou. Je bent zelfstandig, kunt goed plannen en communiceren, "
        "en je houdt van afwisseling. Wij bieden een fijne werkplek in het centrum van de stad."
    )
    messages, _ = run(ActionRoleAdvice(), tracker(vacancy, "hire_advice"))
    answer = texts(messages)
    assert answer.startswith("Dat klinkt als een office manager") and "Over het andere deel" not in answer


def test_a_fact_question_taken_for_advice_gets_the_fact():
    messages, _ = run(ActionRoleAdvice(), "kan een office manager leiding geven aan een team?", "hire_advice")
    assert first(messages).startswith("Ja")


def test_a_fact_question_taken_for_off_topic_gets_the_fact():
    messages, _ = run(ActionNotInKnowledge(), "doet een secretaresse ook de boekhouding?", "out_of_scope")
    assert "office manager" in first(messages) and "Budget" in first(messages)


def test_a_statement_about_herself_the_nlu_was_unsure_of_is_kept_not_refused():
    messages, events = run(
        ActionNotInKnowledge(), "hoi, ik heb een hbo-diploma en werk graag met mensen", "nlu_fallback"
    )
    assert "niet in mijn kennis" not in first(messages)
    assert SlotSet("told", ["hoi, ik heb een hbo-diploma en werk graag met mensen"]) in events


@pytest.mark.parametrize(
    "question, opening, fact",
    [
        (
            "stuurt een office manager ook mensen aan?",
            "Nee, dat hoort niet bij een secretaresse, maar bij de office manager",
            "aansturen",
        ),
        ("mag een office manager zelf beslissingen nemen?", "Nee, meestal niet.", "instructies"),
        ("moet een office manager strategisch kunnen denken?", "Nee, meestal niet.", "operationele"),
    ],
)
def test_a_role_named_after_a_yes_no_question_gets_the_same_question(question, opening, fact):
    first_answer, events = run(ActionAnswerRole(), question, "ask_responsibilities")
    assert first(first_answer).startswith("Ja") and SlotSet("question", question) in events
    slots = {e["name"]: e["value"] for e in events}
    messages, _ = run(ActionAnswerRole(), "en een secretaresse?", "inform_role", **slots)
    assert first(messages).startswith(opening) and fact in first(messages)


def test_the_question_just_answered_asked_about_the_other_role():
    messages, _ = run(
        ActionAnswerRole(),
        "doet de office manager dat ook?",
        "ask_tasks",
        role="secretaresse",
        question="maakt een secretaresse de notulen?",
    )
    assert first(messages).startswith("Nee") and "notul" in first(messages).lower()


def test_a_role_and_ook_asks_the_question_just_answered_about_her():
    messages, _ = run(
        ActionAnswerRole(),
        "secr ook?",
        "ask_tasks",
        role="office_manager",
        question="beheert een office manager het budget?",
    )
    assert first(messages).startswith("Nee")


def test_a_pasted_text_is_advised_on_whatever_the_nlu_made_of_it():
    text = (
        "Wij zoeken een collega die de agenda van de directeur beheert, vergaderingen voorbereidt en notuleert, "
        "de telefoon aanneemt en de correspondentie verzorgt. Je werkt onder aansturing van de directeur. "
    ) * 3
    messages, events = run(ActionAnswerAgency(), text + "Wat voor rol is dit?", "ask_agency")
    assert first(messages).startswith("Dat klinkt als een secretaresse.")


def test_why_not_the_other_role_after_advice_gets_the_advice_with_its_reasons():
    told = ["ik heb mbo niveau 4 en geen kantoorervaring"]
    messages, _ = run(
        ActionAnswerRole(),
        "Waarom niet office manager dan?",
        "ask_definition",
        told=told,
        visitor="kandidaat",
    )
    assert first(messages).startswith("Dan past de functie secretaresse")
    assert "office manager past minder" in "\n".join(m["text"] for m in messages)


def test_why_after_advice_gets_the_reasons_again():
    told = ["ik heb mbo niveau 4 en geen kantoorervaring"]
    messages, _ = run(ActionNotInKnowledge(), "waarom?", "nlu_fallback", told=told, visitor="kandidaat")
    assert first(messages).startswith("Dan past de functie secretaresse")


def test_a_price_asked_off_the_subject_is_the_agency_honesty():
    messages, _ = run(ActionNotInKnowledge(), "en wat kost dat?", "out_of_scope")
    assert "niet in mijn kennis" in first(messages)


# ---- decide() on a Turn: the kind of plan and what it is about --------------------------------

ROLE, DIFFERENCE, ADVICE = "action_answer_role", "action_answer_difference", "action_role_advice"
AGENCY, PRIVACY, NOT_KNOWN = "action_answer_agency", "action_answer_privacy", "action_not_in_knowledge"
OM, SE = "office_manager", "secretaresse"
PASTED = (
    "Wij zoeken een collega die de agenda van de directeur beheert, vergaderingen voorbereidt en "
    "notuleert, de telefoon aanneemt en de correspondentie verzorgt. Je werkt onder aansturing van de "
    "directeur. "
) * 3


def decided(entry, text, intent, **slots):
    return decide(Turn.read(tracker(text, intent, **slots), entry))


def test_a_role_topic_is_the_topic_of_the_role_named():
    plan = decided(ROLE, "wat doet een office manager", "ask_definition", roles=["office manager"])
    assert (plan.kind, plan.args, plan.note) == (
        "topic",
        {"roles": ["office_manager"], "aspect": "definitie"},
        None,
    )
    plan = decided(ROLE, "welke opleiding hebben office manager en secretaresse", "ask_education")
    assert (plan.kind, plan.args) == (
        "topic",
        {"roles": ["office_manager", "secretaresse"], "aspect": "opleiding"},
    )


def test_no_role_named_and_none_in_focus_asks_which():
    plan = decided(ROLE, "welke competenties zijn nodig", "ask_competencies")
    assert (plan.kind, plan.args) == ("which_role", {"aspect": "competenties"})


def test_a_bare_role_keeps_the_topic_or_the_yes_no_question_in_focus():
    plan = decided(
        ROLE,
        "en een secretaresse?",
        "inform_role",
        roles=["secretaresse"],
        aspect="opleiding",
        role="office_manager",
    )
    assert (plan.kind, plan.args) == ("topic", {"roles": ["secretaresse"], "aspect": "opleiding"})
    asked = "stuurt een office manager mensen aan?"
    plan = decided(
        ROLE,
        "en een secretaresse?",
        "inform_role",
        roles=["secretaresse"],
        aspect="opleiding",
        role="office_manager",
        question=asked,
    )
    assert (plan.kind, plan.args["role"], plan.args["question"]) == ("yes_no", "secretaresse", asked)
    [answer] = plan.args["answers"]
    assert answer.match.fact.role == "office_manager"  # not hers: the other role's fact says so


def test_two_roles_and_nothing_else_are_compared():
    plan = decided(
        ROLE, "officemanager vs secretaresse??", "inform_role", roles=["office manager", "secretaresse"]
    )
    assert (plan.kind, plan.args) == ("difference", {"dimension": "algemeen"})
    plan = decided(ROLE, "en qua opleiding?", "ask_education", role="secretaresse", comparing=True)
    assert (plan.kind, plan.args) == ("difference", {"dimension": "opleiding"})
    plan = decided(DIFFERENCE, "wie van de twee werkt het meest zelfstandig?", "ask_difference")
    assert (plan.kind, plan.args) == ("which", {"dimension": "zelfstandigheid"})


@pytest.mark.parametrize(
    "text, intent, role, fact_of, denied",
    [
        ("stuurt een office manager ook mensen aan?", "ask_responsibilities", OM, OM, False),
        ("werkt een secretaresse zelfstandig?", "ask_autonomy", SE, SE, True),
        (
            "zorgt een secretaresse voor het budget van het kantoor?",
            "ask_tasks",
            SE,
            OM,
            False,
        ),  # hers: "Nee"
    ],
)
def test_a_yes_no_question_is_decided_by_a_fact(text, intent, role, fact_of, denied):
    plan = decided(ROLE, text, intent)
    assert (plan.kind, plan.args["role"], plan.args["question"], plan.args["unknown_parts"]) == (
        "yes_no",
        role,
        text,
        [],
    )
    [answer] = plan.args["answers"]
    assert (answer.match.fact.role, answer.match.denied) == (fact_of, denied)


def test_a_yes_no_question_no_fact_decides_is_honestly_not_known_and_logged():
    plan = decided(ROLE, "kan een office manager parttime werken?", "ask_environment")
    assert plan.kind == "yes_no_unknown" and plan.args["role"] == "office_manager"
    assert plan.note == ("ja/nee-vraag: geen feit gevonden", "niet in kennis")


def test_allebei_is_a_yes_no_answer_per_role():
    plan = decided(ROLE, "moeten ze allebei goed kunnen plannen?", "ask_competencies", role="secretaresse")
    assert plan.kind == "each"
    assert [(p.kind, p.args["role"]) for p in plan.args["plans"]] == [
        ("yes_no", "office_manager"),
        ("yes_no", "secretaresse"),
    ]


@pytest.mark.parametrize(
    "text, roles, mention",
    [
        ("wat doet een directeur eigenlijk de hele dag", [], "directeur"),
        ("wat zijn de taken van een hr manager", ["hr manager"], "hr manager"),
    ],
)
def test_a_job_that_is_not_ours_is_honestly_unknown(text, roles, mention):
    plan = decided(ROLE, text, "ask_definition", roles=roles, role="secretaresse")
    assert (plan.kind, plan.args["response"], plan.args["values"]) == (
        "not_in_knowledge",
        "utter_unknown_role",
        {"mention": mention},
    )
    assert plan.note == (f"onbekende functie '{mention}'", "niet in kennis") and plan.args["offer_contact"]


def test_the_agency_gets_its_topics_and_honesty_about_what_the_file_does_not_say():
    plan = decided(AGENCY, "wat doen jullie", "ask_agency")
    assert (plan.kind, list(plan.args["topics"])) == ("agency", list(KNOWLEDGE.agency_intents["ask_agency"]))
    assert list(decided(AGENCY, "hoe bereik ik jullie", "ask_contact").args["topics"]) == ["contact"]
    plan = decided(AGENCY, "zijn jullie duur?", "ask_agency")
    assert (plan.kind, plan.note) == ("not_in_knowledge", ("bureau: niet in kennis", "niet in kennis"))
    assert decided(PRIVACY, "verwijder mijn gegevens", "ask_erasure").args == {"erasure": True}


def test_an_unsure_nlu_gets_a_fact_a_section_or_honesty():
    plan = decided(NOT_KNOWN, "wie zorgt voor het kantoorpand", "nlu_fallback")
    assert plan.kind == "who" and plan.args["match"].fact.role == "office_manager"
    plan = decided(NOT_KNOWN, "waar zorgt een office manager voor het kantoorpand", "nlu_fallback")
    assert plan.kind == "search_hit" and plan.args["document"].key == ("office_manager", "taken")
    assert plan.note[1] == "zoekantwoord"
    plan = decided(NOT_KNOWN, "sdfkj qwpoeiru zxcmvn", "nlu_fallback")
    assert (plan.kind, plan.args["response"], plan.args["offer_contact"]) == (
        "not_in_knowledge",
        "utter_rephrase",
        False,
    )
    plan = decided(NOT_KNOWN, "wie wordt er kampioen?", "nlu_fallback")
    assert (plan.kind, plan.args["response"], plan.note) == (
        "not_in_knowledge",
        "utter_not_in_knowledge",
        ("zoeken: niets gevonden", "niet in kennis"),
    )
    assert decided(NOT_KNOWN, "ja", "affirm").kind == "what_else"


def test_advice_recommends_grows_or_says_what_it_takes():
    plan = decided(ADVICE, "iemand die mijn agenda beheert en de telefoon aanneemt", "hire_advice")
    assert (plan.kind, plan.args["best"], plan.args["runner_up"], plan.args["candidate"]) == (
        "recommend",
        "secretaresse",
        "office_manager",
        False,
    )
    plan = decided(ADVICE, "ik ben nu secretaresse, hoe kan ik doorgroeien?", "career_advice")
    assert plan.kind == "growth" and (plan.args["path"].from_role, plan.args["path"].to_role) == (
        "secretaresse",
        "office_manager",
    )
    assert decided(ADVICE, "hoe word ik office manager?", "career_advice").args == {"role": "office_manager"}


def test_a_pasted_text_is_advised_on_and_the_question_at_its_end_answered_except_for_privacy():
    plan = decided(AGENCY, PASTED + "Wat voor rol is dit?", "ask_agency")
    assert (plan.kind, plan.args["best"]) == ("recommend", "secretaresse")
    plan = decided(AGENCY, PASTED + "Welk opleidingsniveau vragen we?", "ask_agency")
    assert [p.kind for p in plan.args["plans"]] == ["recommend", "topic"]
    assert plan.args["plans"][1].args == {"roles": ["secretaresse"], "aspect": "opleiding"}
    assert decided(PRIVACY, PASTED + "hoe lang bewaren jullie dit?", "ask_privacy").kind == "privacy"


@pytest.mark.parametrize("intent", ["stop", "deny", "out_of_scope"])
def test_a_statement_about_herself_is_kept_whatever_the_nlu_made_of_it(intent):
    told = [
        "ik vind het leuk om dingen voor het hele kantoor te regelen: inkoop, leveranciers, de inrichting"
    ]
    messages, events = run(
        ActionNotInKnowledge(),
        tracker("maar ik heb geen hbo, alleen mbo", intent, told=told, visitor="kandidaat"),
    )
    assert "niet in mijn kennis" not in texts(messages) and "Waarmee kan ik je verder helpen" not in texts(
        messages
    )
    assert any(e.get("name") == "told" and len(e["value"]) == 2 for e in events)


def test_a_job_seeker_telling_her_situation_hears_what_to_tell_not_that_vacancies_are_unknown():
    messages, events = run(
        ActionAnswerAgency(), tracker("ik zoek een nieuwe baan op kantoor", "ask_vacancies")
    )
    assert "niet in mijn kennis" not in texts(messages)
    assert "opleiding" in first(messages) and "Welke functie past bij mij?" in buttons(messages)
    assert SlotSet("visitor", "kandidaat") in events
    messages, _ = run(ActionAnswerAgency(), tracker("welke vacatures hebben jullie open?", "ask_vacancies"))
    assert "niet in mijn kennis" in texts(messages)  # asked, it is honestly not known


def test_an_employer_telling_her_situation_gets_what_the_assistant_can_do():
    messages, _ = run(
        ActionAnswerSituation(),
        tracker("ik heb een fysiotherapiepraktijk met 7 therapeuten", "tell_situation"),
    )
    assert "Vacature doorgeven" in buttons(messages)


def test_a_question_the_nlu_took_for_a_situation_is_answered():
    messages, _ = run(
        ActionAnswerSituation(),
        tracker(
            "moet die ook al ervaring hebben?",
            "tell_situation",
            confidence=0.5,
            ranking=[("tell_situation", 0.5), ("ask_education", 0.3)],
            role="office_manager",
        ),
    )
    assert "ervaring" in texts(messages) and "Fijn dat je dat vertelt" not in texts(messages)


@pytest.mark.parametrize(
    "slots, start",
    [
        ({"role": "secretaresse", "aspect": "taken"}, "De taken van een secretaresse"),
        (
            {"role": "office_manager", "aspect": "zelfstandigheid", "comparing": True},
            "Het verschil in zelfstandigheid",
        ),
    ],
)
def test_a_question_without_words_of_its_own_gets_more_of_the_last_answer(slots, start):
    messages, _ = run(ActionNotInKnowledge(), tracker("voor wie?", "nlu_fallback", confidence=0.4, **slots))
    assert start in texts(messages)
    messages, _ = run(ActionNotInKnowledge(), tracker("wat verdient die?", "out_of_scope", **slots))
    assert "niet in mijn kennis" in texts(messages)  # a word of its own that the file lacks: honest


def test_a_follow_up_finds_the_fact_in_another_topic_than_the_nlus_guess():
    messages, _ = run(
        ActionNotInKnowledge(),
        tracker(
            "en moet die heel nauwkeurig werken?",
            "nlu_fallback",
            confidence=0.4,
            ranking=[("nlu_fallback", 0.4), ("ask_environment", 0.3)],
            role="office_manager",
        ),
    )
    assert "Nauwkeurig" in texts(messages)


def test_which_of_the_two_fits_after_she_told_about_herself_is_advice():
    told = [
        "ik werk nu als receptioniste in een ziekenhuis",
        "ik ben goed met computerprogramma's en blijf rustig als het druk is, maar strategie en beleid vind ik niks",
    ]
    messages, _ = run(
        ActionNotInKnowledge(),
        tracker("welke van de twee functies past het best?", "nlu_fallback", confidence=0.4, told=told),
    )
    # "strategie en beleid vind ik niks" says niks of both: against the office manager
    assert "secretaresse" in first(messages) and "Een office manager past minder" in texts(messages)


def test_a_statement_about_herself_at_a_topic_intent_is_kept_not_asked_which_role():
    messages, _ = run(
        ActionAnswerRole(), tracker("ik ben nauwkeurig, kritisch en klantgericht", "ask_competencies")
    )
    assert "Over welke functie" not in texts(messages)


@pytest.mark.parametrize(
    "action, text, intent, roles",
    [
        (
            ActionNotInKnowledge(),
            "heb je een rijbewijs nodig als office manager?",
            "nlu_fallback",
            ["office manager"],
        ),
        (
            ActionNotInKnowledge(),
            "wordt het beroep secretaresse straks vervangen door AI?",
            "nlu_fallback",
            ["secretaresse"],
        ),
        (ActionAnswerDifference(), "en wie verdient het meest van de twee?", "ask_difference", []),
    ],
)
def test_a_question_whose_words_the_file_never_uses_is_honestly_not_known(action, text, intent, roles):
    messages, _ = run(
        action, tracker(text, intent, confidence=0.4 if intent == "nlu_fallback" else 0.9, roles=roles)
    )
    assert "niet in mijn kennis" in texts(messages)
    assert "Ik weet niet zeker" not in texts(messages) and "Het verschil" not in texts(messages)


def test_a_general_comparison_in_other_words_is_still_the_difference():
    messages, _ = run(
        ActionAnswerDifference(),
        tracker(
            "en een office manager, is dat niet gewoon hetzelfde?",
            "ask_difference",
            roles=["office manager"],
            role="secretaresse",
        ),
    )
    assert texts(messages).startswith("Het verschil tussen een office manager en een secretaresse")


VACANCY = (
    "Wij zoeken per direct een collega voor ons bestuurskantoor. Je beheert het kantoorbudget, geeft leiding "
    "aan het secretariaat, verdeelt de taken en beoordeelt prestaties. Je voert nieuw beleid en procedures in en "
    "rapporteert aan de directie. Wij bieden een vast contract en volop doorgroeimogelijkheden. Hbo-niveau en "
    "ervaring in administratief management zijn een must. Je onderhoudt het contact met leveranciers en "
    "zorgt dat het pand en de inrichting op orde zijn. Welke functie is dit?"
)
assert len(VACANCY) > 400  # a pasted text (actions/direct.py DESCRIPTION_CHARS)


def test_a_pasted_vacancy_naming_its_contract_and_growth_is_advised_on():
    messages, _ = run(ActionRoleAdvice(), tracker(VACANCY, "hire_advice"))
    assert first(messages).startswith("Dat klinkt als een office manager")


def test_a_topic_asked_after_advice_is_that_topic_of_the_role_advised():
    messages, _ = run(
        ActionRoleAdvice(),
        tracker("en wat zet ik bij de opleidingseisen?", "hire_advice", told=[VACANCY], role="secretaresse"),
    )
    assert first(messages).startswith("Opleiding en ervaring van een office manager")


def test_a_yes_no_follow_up_without_a_fact_is_honest_not_the_whole_topic():
    messages, _ = run(
        ActionNotInKnowledge(),
        tracker(
            "kan zo iemand ook thuiswerken?",
            "nlu_fallback",
            confidence=0.4,
            ranking=[("nlu_fallback", 0.4), ("ask_environment", 0.39)],
            role="office_manager",
        ),
    )
    assert first(messages).startswith("Dat staat niet in mijn kennis")


def test_the_same_question_asked_of_the_other_role_after_an_open_question_with_a_detail():
    asked = "Wat doet een secretaresse bij vergaderingen?"
    messages, events = run(ActionAnswerRole(), tracker(asked, "ask_tasks", roles=["secretaresse"]))
    assert SlotSet("question", asked) in events  # the detail is kept ...
    messages, _ = run(
        ActionAnswerRole(),
        tracker(
            "doet de office manager dat ook?",
            "ask_tasks",
            roles=["office manager"],
            question=asked,
            aspect="taken",
        ),
    )
    assert first(messages).startswith("Ja") and "vergaderingen" in first(messages)  # ... and asked again
    messages, _ = run(
        ActionAnswerRole(),
        tracker(
            "en een office manager?", "inform_role", roles=["office manager"], question=asked, aspect="taken"
        ),
    )
    assert first(messages).startswith("De taken van een office manager")  # her topic, not "Ja"


def test_a_question_without_a_detail_is_not_kept():
    _, events = run(
        ActionAnswerRole(),
        tracker("haha ok, wat doet een office manager?", "ask_definition", roles=["office manager"]),
    )
    assert SlotSet("question", None) in events


def test_a_situation_with_a_word_or_two_in_common_with_a_role_is_no_advice_yet():
    messages, _ = run(
        ActionAnswerSituation(),
        tracker("Hallo, ik run een tandartspraktijk met 14 man personeel.", "tell_situation"),
    )
    assert "Waarmee kan ik je helpen?" in texts(messages) and "Dat klinkt als" not in texts(messages)
