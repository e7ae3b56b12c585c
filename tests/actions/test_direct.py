"""Direct answers: the first sentence answers the question that was asked (no server needed)."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (KNOWLEDGE, ActionAnswerAgency, ActionAnswerDifference, ActionAnswerRole,
                             ActionNotInKnowledge, ActionRoleAdvice)
from actions.direct import question_form
from tests.rendered import rendered


def run(action, text, intent, **slots):
    tracker = Tracker(sender_id="test", slots=slots, latest_message={
        "text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name=None)
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, domain={})
    return rendered(dispatcher.messages), events


def first(messages):
    return messages[0]["text"]


def buttons(messages):
    return [b["title"] for m in messages for b in m.get("buttons") or []]


@pytest.fixture(autouse=True)
def log_db(tmp_path, monkeypatch):
    monkeypatch.setenv("UNANSWERED_DB", str(tmp_path / "unanswered.db"))


@pytest.mark.parametrize("text, form", [
    ("stuurt een office manager ook mensen aan?", "yes_no"),
    ("notuleert een secretaresse?", "yes_no"),                 # a verb the lemma table knows
    ("zet een secretaresse koffie?", "yes_no"),               # one it does not: the subject tells
    ("taken een secretaresse?", "open"),
    ("uitleg over de secretaresse", "open"),
    ("zeg eens, wat houdt de functie office manager in?", "open"),
    ("kun je me vertellen wat voor beroep secretaresse is?", "open"),
    ("waar werkt een office manager meestal, altijd op kantoor?", "open"),
    ("office manager, is dat hbo werk?", "yes_no"),
    ("welke functie werkt vooral in opdracht van een leidinggevende?", "who"),
    ("welke functie raad je ons aan?", "open"),
    ("is office manager een hbo functie", "yes_no"),
    ("en doet ze ook de notulen?", "yes_no"),
    ("wie van de twee werkt het meest zelfstandig?", "which"),
    ("voor welke functie moet je hoger opgeleid zijn?", "which"),
    ("wie maakt de notulen?", "who"),
    ("met wie heeft die contact?", "open"),
    ("wat doet een office manager", "open"),
    ("welke opleiding is daarvoor nodig?", "open"),
    ("verschil in zelfstandigheid", "open"),
    ("ik zoek iemand voor de telefoon", "open"),
    ('/ask_definition{"role": "office manager"}', "open"),
])
def test_question_form(text, form):
    assert question_form(text) == form


@pytest.mark.parametrize("text, intent, opening, fact", [
    ("stuurt een office manager ook mensen aan?", "ask_responsibilities", "Ja", "aansturen"),
    ("denkt een office manager strategisch?", "ask_definition", "Ja", "strategisch"),
    ("maakt de secretaresse de notulen?", "ask_tasks", "Ja", "notulen"),
    ("houdt een office manager zich bezig met werving en selectie?", "ask_tasks", "Ja", "werving"),
    ("is communicatie belangrijk voor een secretaresse?", "ask_competencies", "Ja", "communicatie"),
    ("is office manager een hbo functie", "ask_education", "Ja", "HBO"),
    ("werkt een secretaresse zelfstandig?", "ask_autonomy", "Nee", "toezicht"),
    ("hoort strategisch plannen bij het werk van een secretaresse?", "ask_autonomy", "Nee", "operationele"),
    ("moet een secretaresse hbo hebben?", "ask_education", "Nee", "basale"),
])
def test_yes_no_question_starts_with_ja_or_nee_and_the_fact(text, intent, opening, fact):
    messages, _ = run(ActionAnswerRole(), text, intent)
    assert first(messages).startswith(opening)
    assert fact in first(messages)
    assert len(messages) == 1  # not the whole section...
    assert buttons(messages)[0].startswith(("Meer over", "Alle"))  # ...which is one click away


@pytest.mark.parametrize("text, fact", [
    ("zorgt een secretaresse voor het budget van het kantoor?", "Budget en financieel beheer"),
    ("doet een secretaresse ook de boekhouding?", "Budget en financieel beheer"),
    ("geeft een secretaresse leiding aan een team?", "Leiding geven"),
])
def test_a_task_of_the_other_role_says_whose_it_is(text, fact):
    messages, events = run(ActionAnswerRole(), text, "ask_tasks")
    assert first(messages).startswith("Nee, dat hoort niet bij een secretaresse, maar bij de office manager")
    assert fact in first(messages)
    assert SlotSet("role", "secretaresse") in events  # the role asked about stays in focus


@pytest.mark.parametrize("text, intent", [
    ("kan een office manager parttime werken?", "ask_environment"),
    ("verdient een secretaresse goed?", "ask_tasks"),
])
def test_what_the_article_does_not_say_is_said_first(text, intent):
    messages, _ = run(ActionAnswerRole(), text, intent)
    assert first(messages).startswith("Dat staat niet in mijn kennis")
    assert len(buttons(messages)) == 1  # the section the question was about, one click away


@pytest.mark.parametrize("text, role, reason", [
    ("voor welke functie moet je hoger opgeleid zijn?", "office manager", "HBO"),
    ("wie heeft de meeste verantwoordelijkheden van de twee?", "office manager", "verantwoordelijkheden"),
    ("wie van de twee werkt het meest zelfstandig?", "office manager", "autonomie"),
    ("wie werkt er meer onder toezicht?", "secretaresse", "toezicht"),
    ("voor welke functie heb je minder opleiding nodig?", "secretaresse", "basale"),
    ("welke van de twee heeft meer contact met klanten?", "office manager", "klanten"),
])
def test_which_of_the_two_names_the_role_and_the_reason(text, role, reason):
    messages, events = run(ActionAnswerDifference(), text, "ask_difference")
    sentence = first(messages).split("\n")[0]
    assert sentence.startswith(f"Dat is de {role}.") and reason in sentence
    assert SlotSet("comparing", True) in events


def test_who_does_a_task_names_the_role():
    messages, _ = run(ActionAnswerRole(), "wie maakt de notulen?", "ask_tasks")
    assert first(messages).startswith("Dat doet de secretaresse")


def test_a_fact_question_taken_for_advice_gets_the_fact():
    messages, _ = run(ActionRoleAdvice(), "kan een office manager leiding geven aan een team?", "hire_advice")
    assert first(messages).startswith("Ja")


def test_a_fact_question_taken_for_off_topic_gets_the_fact():
    messages, _ = run(ActionNotInKnowledge(), "doet een secretaresse ook de boekhouding?", "out_of_scope")
    assert "office manager" in first(messages) and "Budget" in first(messages)


@pytest.mark.parametrize("text", [
    "ik ben nu secretaresse, hoe kan ik doorgroeien?",
    "ik ben secretaresse en wil meer verantwoordelijkheid, wat raad je aan?",
    "kan ik doorgroeien van secretaresse naar office manager?",
])
def test_growth_from_secretaresse_shows_the_way_to_office_manager(text):
    messages, events = run(ActionRoleAdvice(), text, "career_advice")
    answer = "\n".join(m["text"] for m in messages)
    assert first(messages).startswith("Van secretaresse naar office manager")
    assert "HBO" in answer and "leiding" in answer
    assert "Doe de korte test (5 vragen)" in buttons(messages)
    assert SlotSet("role", "office_manager") in events


def test_employer_asking_for_advice_gets_advice_and_an_offer_not_the_form():
    messages, events = run(ActionRoleAdvice(), "we hebben hulp nodig op kantoor, welke functie adviseer je?",
                           "hire_advice")
    answer = "\n".join(m["text"] for m in messages)
    assert "office manager" in answer.lower() and "secretaresse" in answer.lower()
    # the only way on is the offer, its own response so that a typed "ja" answers it (data/rules.yml)
    assert not [b for m in messages for b in m.get("buttons") or []]
    assert FollowupAction("utter_offer_request") in events


def test_advice_with_a_described_need_offers_a_request():
    messages, _ = run(ActionRoleAdvice(), "iemand die mijn agenda beheert en de telefoon aanneemt", "hire_advice")
    messages, events = run(ActionRoleAdvice(), "iemand die mijn agenda beheert en de telefoon aanneemt", "hire_advice")
    assert first(messages).startswith("Dat klinkt als een secretaresse.")
    assert FollowupAction("utter_offer_request") in events


def test_a_candidate_gets_the_contact_details_not_the_offer_of_a_request():
    messages, events = run(ActionRoleAdvice(), "ik plan graag agenda's en maak graag notulen, wat past bij mij?",
                           "career_advice")
    assert first(messages).startswith("Dan past de functie secretaresse goed bij je.")
    assert FollowupAction("utter_offer_request") not in events


def test_what_the_visitor_told_before_weighs_in_the_advice():
    told = ["ik heb mbo niveau 4 gedaan", "ik hou van plannen, maar mensen aansturen lijkt me niks"]
    messages, events = run(ActionRoleAdvice(), "welke functie past bij mij?", "career_advice", told=told)
    assert first(messages).startswith("Dan past de functie secretaresse goed bij je.")
    assert "office manager past minder" in "\n".join(m["text"] for m in messages)
    assert SlotSet("told", told + ["welke functie past bij mij?"]) in events
    assert SlotSet("visitor", "kandidaat") in events


def test_a_statement_about_herself_the_nlu_was_unsure_of_is_kept_not_refused():
    messages, events = run(ActionNotInKnowledge(), "hoi, ik heb een hbo-diploma en werk graag met mensen", "nlu_fallback")
    assert "niet in mijn kennis" not in first(messages)
    assert SlotSet("told", ["hoi, ik heb een hbo-diploma en werk graag met mensen"]) in events


def test_a_yes_to_nothing_asked_gets_what_the_assistant_can_do():
    messages, _ = run(ActionNotInKnowledge(), "ja", "affirm")
    assert first(messages).startswith("Waarmee kan ik je verder helpen?")


def test_candidate_asking_for_jobs_gets_an_honest_answer_and_the_contact():
    from actions.actions import ActionAnswerAgency
    messages, _ = run(ActionAnswerAgency(), "zijn er bij jullie banen als secretaresse vrij in Amsterdam?",
                      "ask_vacancies")
    assert "niet in mijn kennis" in first(messages)
    assert "contact" in messages[-1]["text"]


@pytest.mark.parametrize("text, intent, heading", [
    ("wat doet een offfice manger", "ask_definition", "Wat doet een office manager?"),
    ("taken secr?", "ask_tasks", "De taken van een secretaresse"),
])
def test_misspelled_roles_are_our_roles(text, intent, heading):
    messages, _ = run(ActionAnswerRole(), text, intent)
    assert first(messages).startswith(heading)


def test_dutch_with_english_looking_words_gets_no_english_note():
    messages, _ = run(ActionAnswerRole(), "is office manager een hbo functie", "ask_education")
    assert not any(m["text"].startswith("(I answer in Dutch") for m in messages)


def test_the_english_check_never_fires_on_dutch_questions():
    """Every held-out and training question with a Dutch function word is Dutch, however
    many English-looking words it has ("is office manager een hbo functie")."""
    import re
    from pathlib import Path

    import yaml

    from actions.search import is_english

    dutch_words = {"de", "het", "een", "ik", "je", "wat", "hoe", "welke", "van", "voor", "en", "ook",
                   "niet", "bij", "wie", "waar", "jullie", "mijn", "ze", "heeft", "doet", "moet"}
    root = Path(__file__).resolve().parent.parent
    checked, wrong = 0, []
    for path in [*sorted((root / "bot" / "tools" / "data").glob("nlu_*.yml")),
                 *sorted((root / "data").rglob("*.yml"))]:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:])
                if set(re.findall(r"[a-z']+", text.lower())) & dutch_words:
                    checked += 1
                    if is_english(text):
                        wrong.append(text)
    assert checked > 1000 and not wrong, wrong
    assert is_english("does a secretary need a degree?")  # and English is still English


@pytest.mark.parametrize("question, opening, fact", [
    ("stuurt een office manager ook mensen aan?",
     "Nee, dat hoort niet bij een secretaresse, maar bij de office manager", "aansturen"),
    ("mag een office manager zelf beslissingen nemen?", "Nee, meestal niet.", "instructies"),
    ("moet een office manager strategisch kunnen denken?", "Nee, meestal niet.", "operationele"),
])
def test_a_role_named_after_a_yes_no_question_gets_the_same_question(question, opening, fact):
    first_answer, events = run(ActionAnswerRole(), question, "ask_responsibilities")
    assert first(first_answer).startswith("Ja") and SlotSet("question", question) in events
    slots = {e["name"]: e["value"] for e in events}
    messages, _ = run(ActionAnswerRole(), "en een secretaresse?", "inform_role", **slots)
    assert first(messages).startswith(opening) and fact in first(messages)


def test_an_unsure_nlu_with_a_role_named_answers_its_best_guess_and_says_so():
    tracker = Tracker(sender_id="test", slots={}, latest_message={
        "text": "Wat houdt het werk van een secretaresse globaal in? Ik ken die functie niet zo goed.",
        "intent": {"name": "nlu_fallback", "confidence": 0.5}, "entities": [],
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5},
                           {"name": "ask_definition", "confidence": 0.28}]},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name=None)
    dispatcher = CollectingDispatcher()
    ActionNotInKnowledge().run(dispatcher, tracker, domain={})
    assert rendered(dispatcher.messages)[0]["text"].startswith("Ik weet niet zeker of ik je goed begrijp")
    assert rendered(dispatcher.messages)[1]["text"].startswith("Wat doet een secretaresse?")


# ---- what a word of the question matches ----------------------------------------------------

def test_a_compound_matches_the_fact_that_names_it_over_one_that_shares_its_start():
    # "personeel" starts "personeelsdossiers" but the dossiers are the werving fact's
    messages, _ = run(ActionAnswerRole(), "regelt een office manager ook de personeelsdossiers?", "ask_tasks")
    assert "personeelsdossiers" in first(messages)


def test_a_paraphrase_of_working_under_pressure_is_found():
    messages, _ = run(ActionAnswerRole(), "moet een secretaresse het werk aankunnen als het druk is?",
                      "ask_competencies")
    assert first(messages).startswith("Ja") and "onder druk" in first(messages)


@pytest.mark.parametrize("text, role", [
    ("hoeveel jaar duurt de opleiding voor secretaresse?", "secretaresse"),
    ("hoe lang duurt de opleiding van een office manager?", "office manager"),
])
def test_a_number_the_topic_does_not_give_is_honestly_unknown_with_what_it_does_say(text, role):
    messages, _ = run(ActionAnswerRole(), text, "ask_education")
    assert first(messages).startswith("Dat staat niet in mijn kennis")
    assert messages[1]["text"].startswith(f"Opleiding en ervaring van een {role}")


def test_a_topic_question_without_a_number_asked_gets_the_topic():
    messages, _ = run(ActionAnswerRole(), "welke opleiding heeft een secretaresse nodig?", "ask_education")
    assert first(messages).startswith("Opleiding en ervaring van een secretaresse")


def test_one_shared_word_is_no_reason_to_recommend_a_role():
    # "druk" is in the secretaresse's competence, but a busy office says nothing about whom to hire
    messages, _ = run(ActionRoleAdvice(), "we hebben een druk kantoor en zoeken hulp, welke functie raad je ons aan?",
                      "hire_advice")
    assert "office manager" in first(messages).lower() and "secretaresse" in first(messages).lower()


def test_die_after_a_verb_points_back_at_the_role_in_focus():
    messages, _ = run(ActionNotInKnowledge(), "wat doet die verder nog?", "out_of_scope", role="secretaresse")
    assert "secretaresse" in first(messages).lower() and "niet in mijn kennis" not in first(messages)


def test_a_word_of_degree_does_not_hide_the_fact_that_answers():
    messages, _ = run(ActionAnswerRole(), "werkt een secretaresse helemaal zelfstandig?", "ask_autonomy")
    assert first(messages).startswith("Nee") and "toezicht" in first(messages)


def test_a_specific_study_is_honestly_unknown_with_the_level_the_article_gives():
    messages, _ = run(ActionAnswerRole(), "welke hbo-opleiding precies heeft een office manager nodig?", "ask_education")
    assert first(messages).startswith("Welke opleiding precies, staat niet in mijn kennis")
    assert "HBO-niveau" in messages[1]["text"]


def test_a_short_message_names_its_topic_in_its_words():
    tracker = Tracker(sender_id="test", slots={}, latest_message={
        "text": "om leiding?", "intent": {"name": "ask_education", "confidence": 0.9},
        "entities": [{"entity": "role", "value": "office_manager", "start": 0, "end": 2}]},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name=None)
    dispatcher = CollectingDispatcher()
    ActionAnswerRole().run(dispatcher, tracker, domain={})
    # the NLU's entity "om" counts at the start of a short message, and "leiding" names the topic
    assert rendered(dispatcher.messages)[0]["text"].startswith("Competenties van een office manager")


def test_the_address_is_honestly_unknown_with_the_contact_details():
    from actions.actions import ActionAnswerAgency
    messages, _ = run(ActionAnswerAgency(), "wat is jullie adres? wil ff langskomen", "ask_contact")
    text = "\n".join(m["text"] for m in messages)
    assert "niet in mijn kennis" in text and "020" in text


def test_allebei_gets_an_answer_per_role():
    messages, _ = run(ActionAnswerRole(), "moeten ze allebei goed kunnen plannen?", "ask_competencies",
                      role="secretaresse")
    texts = [m["text"] for m in messages]
    assert len(texts) == 2 and all(t.startswith("Ja") for t in texts)
    assert "office manager" in texts[0] and "secretaresse" in texts[1]


def test_a_determiner_does_not_hide_the_fact_that_answers():
    messages, _ = run(ActionAnswerRole(), "heeft die ook een bepaalde opleiding nodig?", "ask_education",
                      role="office_manager")
    assert first(messages).startswith("Ja.") and "HBO" in first(messages)


def test_a_fact_that_comes_near_is_shown_as_such_not_denied():
    # "net als een directeur" is a word the article does not use: no fact decides it, one comes near
    messages, _ = run(ActionAnswerRole(), "moet een office manager net als een directeur strategisch denken?",
                      "ask_competencies")
    assert first(messages).startswith(KNOWLEDGE.phrase("near")) and "strategisch" in first(messages)


def test_the_question_just_answered_asked_about_the_other_role():
    messages, _ = run(ActionAnswerRole(), "doet de office manager dat ook?", "ask_tasks", role="secretaresse",
                      question="maakt een secretaresse de notulen?")
    assert first(messages).startswith("Nee") and "notul" in first(messages).lower()


def test_which_role_is_this_before_any_text_asks_for_the_text():
    messages, _ = run(ActionNotInKnowledge(), "ik heb een vacature, kun jij zeggen welke functie dit is?", "nlu_fallback")
    assert first(messages).startswith("Plak de vacaturetekst")


def test_a_pasted_text_is_advised_on_whatever_the_nlu_made_of_it():
    text = ("Wij zoeken een collega die de agenda van de directeur beheert, vergaderingen voorbereidt en notuleert, "
            "de telefoon aanneemt en de correspondentie verzorgt. Je werkt onder aansturing van de directeur. ") * 3
    messages, events = run(ActionAnswerAgency(), text + "Wat voor rol is dit?", "ask_agency")
    assert first(messages).startswith("Dat klinkt als een secretaresse.")


def test_why_not_the_other_role_after_advice_gets_the_advice_with_its_reasons():
    told = ["ik heb mbo niveau 4 en geen kantoorervaring"]
    messages, _ = run(ActionAnswerRole(), "Waarom niet office manager dan?", "ask_definition", told=told,
                      visitor="kandidaat")
    assert first(messages).startswith("Dan past de functie secretaresse")
    assert "office manager past minder" in "\n".join(m["text"] for m in messages)


def test_a_price_asked_off_the_subject_is_the_agency_honesty():
    messages, _ = run(ActionNotInKnowledge(), "en wat kost dat?", "out_of_scope")
    assert "niet in mijn kennis" in first(messages)


def test_a_word_that_only_places_the_question_weighs_less():
    messages, _ = run(ActionAnswerRole(), "doet een secretaresse bij een advocatenkantoor ook de correspondentie met clienten",
                      "ask_tasks")
    assert "niet in mijn kennis" not in first(messages) and "correspondentie" in first(messages)


@pytest.mark.parametrize("text, role, known", [
    ("schrijft een secretaresse zakelijke brieven en maakt ze ook de wc's schoon?", "secretaresse", "brieven"),
    ("krijgt een office manager een bonus en heeft die recht op 30 vakantiedagen?", "office_manager", None),
])
def test_a_part_is_decided_only_by_a_word_of_the_fact_itself(text, role, known):
    messages, _ = run(ActionAnswerRole(), text, "ask_tasks")
    whole = "\n".join(m["text"] for m in messages)
    assert "maar bij de office manager" not in whole and "rechtstreeks" not in whole
    if known:
        assert known in first(messages)


@pytest.mark.parametrize("text, role", [
    ("sorry kat op toetsenbord 😅 wie plant de vergaderingen?", "secretaresse"),
    ("ik bedoel: en wie beheert het kantoorbudget?", "office manager"),
    ("wie begeleidt secretaresses bij hun groei?", "office manager"),
])
def test_a_who_question_after_a_preamble_or_naming_a_role_as_its_object(text, role):
    messages, _ = run(ActionNotInKnowledge(), text, "nlu_fallback")
    assert first(messages).startswith((f"Dat doet de {role}", f"Dat is de {role}"))


def test_a_comparing_word_is_not_the_subject_of_a_who_question():
    messages, _ = run(ActionNotInKnowledge(), "wie van de twee krijgt het hoogste loon?", "nlu_fallback")
    assert "niet in mijn kennis" in first(messages)


def test_why_after_advice_gets_the_reasons_again():
    told = ["ik heb mbo niveau 4 en geen kantoorervaring"]
    messages, _ = run(ActionNotInKnowledge(), "waarom?", "nlu_fallback", told=told, visitor="kandidaat")
    assert first(messages).startswith("Dan past de functie secretaresse")


def test_a_role_and_ook_asks_the_question_just_answered_about_her():
    messages, _ = run(ActionAnswerRole(), "secr ook?", "ask_tasks", role="office_manager",
                      question="beheert een office manager het budget?")
    assert first(messages).startswith("Nee")


def test_what_is_not_known_stays_not_known_for_the_other_role():
    _, events = run(ActionNotInKnowledge(), "wat verdient een office manager?", "out_of_scope")
    assert SlotSet("question", "wat verdient een office manager?") in events


def test_a_word_of_an_alias_that_a_fact_lists_is_still_asked_about():
    # "kantoor" is in the alias "kantoor manager" and in the secretaresse's workplace
    messages, _ = run(ActionAnswerRole(), "zo iemand, werkt die altijd op een kantoor?", "ask_environment",
                      role="secretaresse")
    assert "niet in mijn kennis" not in first(messages) and "kantoor" in first(messages)


def test_an_accented_word_is_found_as_typed():
    messages, _ = run(ActionAnswerRole(), "moet die persoon ook secretariële taken kunnen doen?", "ask_tasks",
                      role="secretaresse")
    assert first(messages).startswith("Ja")
