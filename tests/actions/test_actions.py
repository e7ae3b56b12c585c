"""Custom actions on trackers built in code: no server needed."""
import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.stores import unanswered
from tests.rendered import rendered, texts
from actions.actions import (ActionAnswerAgency, ActionAnswerDifference, ActionAnswerRole,
                             ActionNotInKnowledge, ActionRoleAdvice, KNOWLEDGE)
from tests.helpers import tracker


def run(action, t):
    """The messages as the visitor sees them (responses rendered through domain.yml)."""
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, domain={})
    return rendered(dispatcher.messages), events


def test_definition_of_office_manager():
    messages, events = run(ActionAnswerRole(), tracker("wat doet een office manager", "ask_definition",
                                                       roles=["office manager"]))
    assert "kantoor" in texts(messages)
    assert SlotSet("aspect", "definitie") in events
    assert SlotSet("role", "office_manager") in events  # the role's key


def test_bare_role_follow_up_keeps_the_aspect():
    messages, events = run(ActionAnswerRole(), tracker("en een secretaresse?", "inform_role",
                                                       roles=["secretaresse"], aspect="opleiding",
                                                       role="office manager"))
    answer = texts(messages)
    assert answer.startswith("Opleiding en ervaring van een secretaresse")
    assert "basale" in answer
    assert SlotSet("role", "secretaresse") in events


def test_aspect_question_without_role_uses_role_in_focus():
    messages, _ = run(ActionAnswerRole(), tracker("welke opleiding is daarvoor nodig?", "ask_education",
                                                  role="secretaresse"))
    assert "secretaresse" in texts(messages).splitlines()[0]


def test_role_found_in_text_when_entity_missed():
    messages, _ = run(ActionAnswerRole(), tracker("taken van een directiesecretaresse", "ask_tasks"))
    assert texts(messages).startswith("De taken van een secretaresse")


def test_two_roles_in_one_question_get_both_answers():
    messages, _ = run(ActionAnswerRole(), tracker("welke opleiding hebben office manager en secretaresse",
                                                  "ask_education"))
    assert len(messages) == 2 and "HBO" in texts(messages) and "basale" in texts(messages)


def test_naming_both_roles_and_nothing_else_compares_them_on_the_aspect_in_focus():
    messages, events = run(ActionAnswerRole(), tracker("officemanager vs secretaresse??", "inform_role",
                                                       roles=["office manager", "secretaresse"]))
    assert texts(messages).startswith("Het verschil tussen een office manager en een secretaresse")
    assert SlotSet("comparing", True) in events
    messages, _ = run(ActionAnswerRole(), tracker("en office manager en secretaresse?", "inform_role",
                                                  roles=["office manager", "secretaresse"], aspect="opleiding"))
    assert texts(messages).startswith("Het verschil in opleiding")


def test_no_role_at_all_asks_which_with_buttons():
    messages, _ = run(ActionAnswerRole(), tracker("welke competenties zijn nodig", "ask_competencies"))
    assert messages[0]["text"] == "Over welke functie wil je het weten?"
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ['/ask_competencies{"role": "office_manager"}',
                        '/ask_competencies{"role": "secretaresse"}']


@pytest.mark.parametrize("text, expected, aspect", [
    ("verschil in competenties", "leiderschap", "competenties"),
    ("wat is het verschil tussen die twee", "Office manager:", "definitie"),
])
def test_difference(text, expected, aspect):
    messages, events = run(ActionAnswerDifference(), tracker(text, "ask_difference"))
    assert expected in texts(messages)
    assert "Secretaresse:" in texts(messages)
    assert events == [SlotSet("aspect", aspect), SlotSet("comparing", True)]


def test_one_role_taken_for_a_comparison_is_answered_about_that_role():
    messages, events = run(ActionAnswerDifference(), tracker("aan wie rapporteert een office manager",
                                                             "ask_difference", roles=["office manager"]))
    assert texts(messages) == KNOWLEDGE.role_answer("office_manager", "definitie")
    assert SlotSet("role", "office_manager") in events


def test_one_role_with_a_comparing_word_is_still_compared():
    messages, _ = run(ActionAnswerDifference(), tracker("wat is het verschil met een secretaresse",
                                                        "ask_difference", roles=["secretaresse"]))
    assert texts(messages).startswith("Het verschil")


def test_a_price_asked_of_the_agency_is_honest_and_offers_contact(log_db):
    messages, _ = run(ActionAnswerAgency(), tracker("zijn jullie duur?", "ask_agency"))
    assert "niet in mijn kennis" in messages[0]["text"]
    assert "contact" in texts(messages).lower() and "hospitality" not in texts(messages)


def test_a_question_about_the_agency_without_a_role_is_answered_about_the_agency():
    messages, _ = run(ActionAnswerRole(), tracker("wat doet dit bureau eigenlijk", "ask_definition"))
    assert "2ASSISTU" in texts(messages) and "over welke functie" not in texts(messages).lower()


def test_agency_contact_and_offer():
    contact, _ = run(ActionAnswerAgency(), tracker("hoe bereik ik jullie", "ask_contact"))
    offer, _ = run(ActionAnswerAgency(), tracker("wat doen jullie", "ask_agency"))
    assert "contact" in texts(contact).lower()
    assert "tijdelijk" in texts(offer).lower()


def test_not_in_knowledge_is_honest_and_offers_questions_and_contact():
    messages, _ = run(ActionNotInKnowledge(), tracker("wat verdient een secretaresse", "out_of_scope"))
    assert "niet in mijn kennis" in messages[0]["text"]
    assert len(messages[0]["buttons"]) == 3
    assert "contact" in messages[1]["text"].lower()


# ---- context across turns ----------------------------------------------------------------

def test_aspect_without_role_after_a_comparison_compares_again():
    messages, events = run(ActionAnswerRole(), tracker("en qua zelfstandigheid?", "ask_autonomy",
                                                       role="secretaresse", comparing=True))
    assert texts(messages).startswith("Het verschil in zelfstandigheid")
    assert SlotSet("comparing", True) in events


def test_naming_a_role_after_a_comparison_answers_that_role():
    messages, events = run(ActionAnswerRole(), tracker("en de office manager?", "inform_role",
                                                       roles=["office manager"], aspect="zelfstandigheid",
                                                       comparing=True))
    assert texts(messages).startswith("Hoe zelfstandig werkt een office manager?")
    assert SlotSet("comparing", False) in events


def test_dimension_from_a_button_payload():
    t = tracker("/ask_difference", "ask_difference")
    t.latest_message["entities"] = [{"entity": "dimension", "value": "competenties"}]
    messages, _ = run(ActionAnswerDifference(), t)
    assert texts(messages).startswith("Het verschil in competenties")


# ---- honest answers and the fallback -----------------------------------------------------

@pytest.fixture
def log_db(tmp_path, monkeypatch):
    path = tmp_path / "unanswered.db"
    monkeypatch.setenv("UNANSWERED_DB", str(path))
    return path


def test_other_job_tagged_as_role_is_not_answered_with_our_facts(log_db):
    messages, _ = run(ActionAnswerRole(), tracker("wat zijn de taken van een hr manager", "ask_tasks",
                                                  roles=["hr manager"], role="secretaresse"))
    assert "'hr manager'" in messages[0]["text"] and "geen informatie" in messages[0]["text"]
    assert "De taken van" not in texts(messages)
    assert unanswered.most_frequent(log_db)[0][1] == "wat zijn de taken van een hr manager"


def test_a_question_of_two_parts_gets_the_part_the_file_answers_and_honesty_about_the_other():
    messages, events = run(ActionAnswerRole(), tracker(
        "neemt een secretaresse de telefoon op en handelt ze de post af?", "ask_tasks"))
    assert messages[0]["text"].startswith("Ja") and "telefoon" in messages[0]["text"].lower()
    assert messages[1]["text"] == KNOWLEDGE.phrase("unknown_part", part="handelt ze de post af")
    assert SlotSet("role", "secretaresse") in events


def test_a_part_the_file_does_not_answer_is_named_also_when_the_rest_is_answered():
    messages, _ = run(ActionAnswerRole(), tracker(
        "heeft een office manager een hbo opleiding nodig en kan je het ook parttime doen?", "ask_education"))
    assert messages[0]["text"].startswith("Ja") and "hbo" in messages[0]["text"].lower()
    assert messages[-1]["text"] == KNOWLEDGE.phrase("unknown_part", part="kan je het ook parttime doen")


def test_a_question_of_two_parts_the_file_answers_together_is_answered_at_once():
    messages, _ = run(ActionAnswerRole(), tracker(
        "beheert een secretaresse de agenda en de correspondentie?", "ask_tasks"))
    assert len(messages) == 1 and messages[0]["text"].startswith("Ja")
    assert "agenda" in messages[0]["text"] and "correspondentie" in messages[0]["text"].lower()


@pytest.mark.parametrize("role_in_focus", [None, "secretaresse"])
def test_other_job_the_nlu_missed_is_not_answered_with_our_facts(log_db, role_in_focus):
    messages, _ = run(ActionAnswerRole(), tracker("wat doet een directeur eigenlijk de hele dag",
                                                  "ask_definition", role=role_in_focus))
    assert "'directeur'" in messages[0]["text"] and "geen informatie" in messages[0]["text"]
    assert "over welke functie" not in texts(messages).lower()


def test_a_person_in_the_story_does_not_hide_the_role_in_focus(log_db):
    messages, events = run(ActionAnswerRole(), tracker("en werkt ze dan voor de directeur?",
                                                       "ask_tasks", role="secretaresse"))
    assert "geen informatie over de functie" not in texts(messages)
    assert "secretaresse" in texts(messages).lower() and SlotSet("role", "secretaresse") in events


def test_unsure_nlu_with_strong_search_match_answers_from_the_file(log_db):
    messages, events = run(ActionNotInKnowledge(), tracker("waar zorgt een office manager voor het kantoorpand",
                                                           "nlu_fallback"))
    assert messages[0]["text"].startswith("Ik weet niet zeker")
    assert "office manager" in texts(messages[1:]) and "kantoorpand" in texts(messages[1:])
    assert SlotSet("role", "office_manager") in events  # the role's key


def test_unsure_nlu_asking_who_does_something_gets_whose_task_it_is(log_db):
    messages, events = run(ActionNotInKnowledge(), tracker("wie zorgt voor het kantoorpand", "nlu_fallback"))
    assert texts(messages).startswith("Dat doet de office manager:") and "kantoorpand" in texts(messages)
    assert SlotSet("role", "office_manager") in events
    assert unanswered.most_frequent(log_db) == []
    assert unanswered.most_frequent(log_db) == []  # answered, so not in the report


@pytest.mark.parametrize("question", ["wat is het salaris van een secretaresse",
                                      "wie heeft het voetbal gewonnen gisteren",
                                      "hoeveel vakantiedagen krijg je als office manager"])
def test_unsure_nlu_without_a_match_is_honest_and_logged(log_db, question):
    messages, _ = run(ActionNotInKnowledge(), tracker(question, "nlu_fallback"))
    assert "niet in mijn kennis" in messages[0]["text"]
    assert [b["title"] for b in messages[0]["buttons"]][0] == "Wat doet een office manager?"
    assert "contact" in messages[-1]["text"].lower()
    (count, logged, _, outcome), = unanswered.most_frequent(log_db)
    assert (count, logged, outcome) == (1, question, "niet in kennis")


@pytest.mark.parametrize("text, role, start", [
    ("welke opleiding is daarvoor nodig?", "secretaresse", "Opleiding en ervaring van een secretaresse"),
    ("welke vaardigheden vraagt die functie", "office manager", "Competenties van een office manager"),
    ("welke competenties horen daar dan bij?", "secretaresse", "Competenties van een secretaresse"),
])
def test_off_topic_guess_for_a_follow_up_about_the_role_in_focus_is_answered(log_db, text, role, start):
    messages, events = run(ActionNotInKnowledge(), tracker(text, "out_of_scope", role=role))
    assert texts(messages).startswith(start)
    assert SlotSet("role", role.replace(" ", "_")) in events  # the key, also when the slot held the name


@pytest.mark.parametrize("text", ["en wat verdienen ze?", "welke opleiding heeft een piloot nodig"])
def test_off_topic_question_with_a_role_in_focus_stays_honest(log_db, text):
    messages, _ = run(ActionNotInKnowledge(), tracker(text, "out_of_scope", role="secretaresse"))
    assert "niet in mijn kennis" in messages[0]["text"]


def test_unsure_nlu_with_two_roles_named_compares_them(log_db):
    messages, events = run(ActionNotInKnowledge(), tracker("officemanager vs secretaresse??", "nlu_fallback",
                                                           roles=["office manager", "secretaresse"]))
    assert texts(messages).startswith("Het verschil tussen een office manager en een secretaresse")
    assert SlotSet("comparing", True) in events


def test_gibberish_asks_to_rephrase(log_db):
    messages, _ = run(ActionNotInKnowledge(), tracker("sdfkj qwpoeiru zxcmvn", "nlu_fallback"))
    assert "andere woorden" in messages[0]["text"]
    assert unanswered.most_frequent(log_db)[0][3] == "herformuleren"


def test_english_question_gets_a_note_in_english():
    messages, _ = run(ActionAnswerDifference(), tracker(
        "what's the difference between an office manager and a secretary?", "ask_difference",
        roles=["office manager", "secretaresse"]))
    assert messages[0]["text"].startswith("(I answer in Dutch")
    assert "strategisch" in texts(messages[1:])


def test_report_counts_repeated_questions_once_most_frequent_first(tmp_path):
    db = tmp_path / "u.db"
    for question in ["Salaris?", "salaris", "pensioen", "SALARIS "]:
        unanswered.record("s", question, "out_of_scope", 0.9, "buiten het onderwerp", "niet in kennis", db)
    rows = unanswered.most_frequent(db)
    assert [(r[0], r[1]) for r in rows] == [(3, "SALARIS "), (1, "pensioen")]
    assert "pensioen" in unanswered.report(db)


# ---- advice ------------------------------------------------------------------------------

@pytest.mark.parametrize("need, role", [
    ("iemand die mijn agenda beheert en de telefoon aanneemt", "secretaresse"),
    ("iemand die het kantoor runt, het budget beheert en het secretariaat aanstuurt", "office manager"),
    ("ik maak graag notulen en verzorg de correspondentie", "secretaresse"),
    ("ik wil personeel werven en beleid maken", "office manager"),
])
def test_role_advice_recommends_with_reasons(need, role):
    messages, events = run(ActionRoleAdvice(), tracker(need, "hire_advice"))
    assert messages[0]["text"].startswith(f"Dat klinkt als een {role}.")
    assert "•" in messages[0]["text"]
    assert SlotSet("role", role.replace(" ", "_")) in events


def test_becoming_an_office_manager_gives_education_and_competencies():
    messages, _ = run(ActionRoleAdvice(), tracker("hoe word ik office manager?", "career_advice"))
    assert "HBO" in texts(messages) and "Competenties van een office manager" in texts(messages)


@pytest.mark.parametrize("action, text, intent", [
    (ActionAnswerDifference(), "wie wordt er dit jaar kampioen van de eredivisie denk je?", "ask_difference"),
    (ActionAnswerDifference(), "wie verdient er meer?", "ask_difference"),
    (ActionAnswerRole(), "wat vind je van de nieuwe regering", "ask_definition"),
])
def test_knowledge_intent_with_off_topic_words_gets_the_honest_answer(log_db, action, text, intent):
    messages, _ = run(action, tracker(text, intent, role="secretaresse"))
    assert "niet in mijn kennis" in messages[0]["text"]


@pytest.mark.parametrize("text, intent, start", [
    ("en qua opleiding?", "ask_education", "Opleiding en ervaring van een secretaresse"),
    ("wat houdt dat in?", "ask_definition", "Wat doet een secretaresse?"),
    ("waar kan ze werken?", "ask_environment", "Waar werkt een secretaresse?"),
])
def test_short_follow_ups_are_not_mistaken_for_off_topic(text, intent, start):
    messages, _ = run(ActionAnswerRole(), tracker(text, intent, role="secretaresse"))
    assert texts(messages).startswith(start)


def test_unsure_follow_up_after_a_comparison_compares_on_the_named_dimension(log_db):
    messages, events = run(ActionNotInKnowledge(), tracker("en wat betreft strategisch denken?", "nlu_fallback",
                                                           comparing=True, role="secretaresse"))
    assert texts(messages).startswith("Het verschil in strategisch denken")
    assert SlotSet("comparing", True) in events


def test_button_payloads_are_not_taken_for_english():
    messages, _ = run(ActionAnswerRole(), tracker('/ask_definition{"role": "office manager"}', "ask_definition",
                                                  roles=["office manager"]))
    assert not messages[0]["text"].startswith("(I answer in Dutch")


def test_permanent_or_temporary_advice_shows_what_is_on_offer():
    messages, _ = run(ActionRoleAdvice(), tracker("moet ik iemand vast of tijdelijk aannemen?", "hire_advice"))
    assert "vaste" in texts(messages).lower() and "tijdelijke" in texts(messages).lower()
    assert "contact" in messages[-1]["text"].lower()


def test_candidate_preferences_get_a_recommendation_not_a_comparison():
    messages, _ = run(ActionRoleAdvice(), tracker(
        "ik organiseer graag vergaderingen en schrijf graag brieven, welk beroep past bij mij?", "career_advice"))
    assert messages[0]["text"].startswith("Dan past de functie secretaresse goed bij je.")


def test_level_question_in_a_vacancy_gets_the_education_comparison():
    messages, _ = run(ActionRoleAdvice(), tracker("welk opleidingsniveau moet ik in de vacature vragen?", "hire_advice"))
    assert texts(messages).startswith("Het verschil in opleiding")


def test_privacy_is_answered_with_the_periods_the_consent_question_names(monkeypatch):
    from bot.stores import privacy
    from actions.actions import ActionAnswerPrivacy

    monkeypatch.setenv("RETENTION_CONVERSATIONS_DAYS", "30")
    monkeypatch.delenv("PRIVACY_URL", raising=False)
    said = lambda text, intent: "\n".join(m["text"] for m in run(ActionAnswerPrivacy(), tracker(text, intent=intent))[0])  # noqa: E731
    answer = said("hoe lang bewaren jullie mijn gegevens?", "ask_privacy")
    assert answer.startswith("We bewaren dit gesprek 30 dagen") and "een jaar" in answer
    assert "30 dagen" in privacy.consent_question()  # the same place
    assert "Privacy en bewaartermijn" in answer
    monkeypatch.setenv("PRIVACY_URL", "https://www.2assistu.nl/privacy")
    erase = said("verwijder mijn gegevens", "ask_erasure")
    assert erase.startswith("Dat kan: vraag het ons") and "https://www.2assistu.nl/privacy" in erase
    assert "contactpagina" in erase.splitlines()[-1]  # how to reach the agency, from the knowledge file


@pytest.mark.parametrize("text", ["en de ander?", "hoe zit dat bij de andere functie?", "en voor de andere rol"])
def test_the_other_role_is_the_one_not_in_focus(text):
    messages, events = run(ActionAnswerRole(), tracker(text, "inform_role", aspect="opleiding", role="secretaresse"))
    assert texts(messages).startswith("Opleiding en ervaring van een office manager")
    assert SlotSet("role", "office_manager") in events
    messages, _ = run(ActionAnswerRole(), tracker(text, "inform_role", aspect="opleiding", role="office_manager"))
    assert texts(messages).startswith("Opleiding en ervaring van een secretaresse")


def test_a_pasted_vacancy_text_is_read_as_a_description_not_as_yes_no_questions():
    vacancy = ("Welke functie is dit? Wij zoeken iemand die het kantoorbudget bewaakt, de inkoop en de contacten met "
               "leveranciers regelt, nieuwe collega's werft en het secretariaat aanstuurt. Heb je een hbo-diploma en "
               "een paar jaar ervaring? Dan zoeken we jou. Je bent zelfstandig, kunt goed plannen en communiceren, "
               "en je houdt van afwisseling. Wij bieden een fijne werkplek in het centrum van de stad.")
    messages, _ = run(ActionRoleAdvice(), tracker(vacancy, "hire_advice"))
    answer = texts(messages)
    assert answer.startswith("Dat klinkt als een office manager") and "Over het andere deel" not in answer


@pytest.mark.parametrize("text, best, against", [
    ("ik heb mbo 4 gedaan en heb nog geen kantoorervaring, welke functie past bij mij?", "secretaresse", "HBO-niveau"),
    ("ik heb een hbo diploma en vijf jaar ervaring als teamleider, wat past bij mij?", "office manager", "basale"),
    ("ik plan graag en organiseer graag, maar leidinggeven lijkt me niks", "secretaresse", "Leiding geven"),
])
def test_a_candidate_is_advised_on_what_she_has_and_does_not_want(text, best, against):
    messages, _ = run(ActionRoleAdvice(), tracker(text, "career_advice"))
    answer = texts(messages)
    assert answer.startswith(f"Dan past de functie {best} goed bij je.")
    other = "office manager" if best == "secretaresse" else "secretaresse"
    assert f"Een {other} past minder bij wat je vertelt:" in answer and against in answer


def test_an_employer_who_rules_out_leading_gets_the_secretary():
    messages, _ = run(ActionRoleAdvice(), tracker(
        "de notaris heeft hulp nodig bij zijn agenda, de post en brieven. geen leidinggevende taken.", "hire_advice"))
    answer = texts(messages)
    assert answer.startswith("Dat klinkt als een secretaresse.") and "Leiding geven" in answer.split("past minder")[1]


def test_a_hyphenated_compound_is_read_as_its_parts():
    messages, _ = run(ActionAnswerRole(), tracker("heeft een office manager een hbo-opleiding nodig?", "ask_education",
                                                  roles=["office_manager"]))
    assert texts(messages).startswith("Ja. Voor een office manager wordt meestal een opleiding op HBO-niveau")


def test_an_employer_who_describes_the_work_is_advised():
    messages, _ = run(ActionRoleAdvice(), tracker(
        "onze praktijkmanager stopt en nu regelt niemand de inkoop, het pand en de leveranciers", "hire_advice"))
    assert texts(messages).startswith("Dat klinkt als een office manager.")


@pytest.mark.parametrize("intent", ["out_of_scope", "nlu_fallback"])
def test_who_does_something_is_answered_when_the_nlu_took_it_for_off_topic(intent):
    messages, _ = run(ActionNotInKnowledge(), tracker("wie regelt hr", intent, confidence=0.6))
    assert texts(messages).startswith("Dat doet de office manager")
    messages, _ = run(ActionNotInKnowledge(), tracker("wie wordt er kampioen?", intent, confidence=0.6))
    assert "niet in mijn kennis" in texts(messages)
