"""Intake and quiz actions on trackers built in code."""

import functools

import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import (
    ActionCorrectVacancy,
    ActionOfferDeclined,
    ActionQuizResult,
    ActionStartIntake,
    ActionStoreVacancy,
    ActionVacancySummary,
    ValidateVacancyForm,
)
from bot.stores import leads
from tests import helpers
from tests.rendered import DOMAIN, rendered

tracker = functools.partial(helpers.tracker, active_loop="vacancy_form")


FORM = ValidateVacancyForm()
DONE = dict(
    vacancy_role="office_manager",
    contract="vast",
    hours=32,
    start_date="2027-03-01",
    organisation="Bakker BV",
    contact_name="Jan Jansen",
    contact="jan@bakker.nl",
    email="jan@bakker.nl",
    phone=None,
    description="",
    consent=True,
    intake_status="confirming",
    intake_id="abc",
)


def test_the_forms_questions_are_the_intakes_one_definition():
    from actions.vacancy import INTAKE

    assert DOMAIN.forms["vacancy_form"]["required_slots"] == [f.slot for f in INTAKE]
    assert leads.FIELDS == [
        "role",
        "contract",
        "hours",
        "start_date",
        "organisation",
        "contact_name",
        "email",
        "phone",
        "description",
    ]
    for field in INTAKE:  # each question is asked by a response, or by an action of its own
        assert (
            f"utter_ask_{field.slot}" in DOMAIN.responses or f"action_ask_{field.slot}" in DOMAIN.user_actions
        ), field.slot


def test_contact_answer_fills_email_and_phone():
    d = CollectingDispatcher()
    result = FORM.validate_contact(
        "jan@bakker.nl of 06 12345678",
        d,
        tracker("jan@bakker.nl of 06 12345678", requested_slot="contact"),
        {},
    )
    assert result == {
        "contact": "jan@bakker.nl en +31612345678",
        "email": "jan@bakker.nl",
        "phone": "+31612345678",
    }


def test_invalid_answer_is_explained_and_counted():
    d = CollectingDispatcher()
    result = FORM.validate_hours("veel", d, tracker("veel", requested_slot="hours"), {})
    assert result == {"hours": None, "intake_misses": {"hours": 1}}
    assert "Een getal" in rendered(d.messages)[0]["text"]


def test_third_miss_gives_up():
    result = FORM.validate_hours(
        "veel",
        CollectingDispatcher(),
        tracker("veel", intake_misses={"hours": 2}, requested_slot="hours"),
        {},
    )
    assert result["intake_status"] == "gave_up"


def test_question_in_between_is_answered_and_the_slot_stays_empty():
    d = CollectingDispatcher()
    t = tracker(
        "wat doet een office manager eigenlijk?",
        "ask_definition",
        entities=[{"entity": "role", "value": "office manager"}],
        requested_slot="contract",
    )
    result = FORM.validate_contract("wat doet een office manager eigenlijk?", d, t, {})
    assert result["contract"] is None
    assert result["role"] == "office_manager"  # in focus: "heeft die ook ...?" next is about her
    assert "kantoor" in rendered(d.messages)[0]["text"]


def test_a_question_without_question_mark_that_is_no_answer_is_answered():
    d = CollectingDispatcher()
    t = tracker("verschil in zelfstandigheid", "ask_difference", requested_slot="vacancy_role")
    assert FORM.validate_vacancy_role("verschil in zelfstandigheid", d, t, {})["vacancy_role"] is None
    assert rendered(d.messages)[0]["text"].startswith("Het verschil in zelfstandigheid")
    assert rendered(d.messages)[-1]["text"] == "Dan ga ik verder met de vraag waar we waren:"


def test_a_question_the_nlu_was_unsure_of_is_answered_with_its_best_guess():
    d = CollectingDispatcher()
    t = tracker(
        "waar is een secretaresse eigenlijk allemaal mee bezig",
        "nlu_fallback",
        0.5,
        requested_slot="contract",
    )
    t.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_tasks", "confidence": 0.41},
    ]
    assert FORM.validate_contract(t.latest_message["text"], d, t, {})["contract"] is None
    assert rendered(d.messages)[0]["text"].startswith("De taken van een secretaresse")


def test_a_description_that_reads_like_a_question_is_kept():
    text = "wie het kantoor regelt en de directie ondersteunt"
    result = FORM.validate_description(
        text, CollectingDispatcher(), tracker(text, "ask_definition", requested_slot="description"), {}
    )
    assert result == {"description": text}


def test_an_answer_read_as_a_question_is_still_an_answer():
    # "office manager" answers the role question even when the NLU calls it ask_definition
    result = FORM.validate_vacancy_role(
        "office manager",
        CollectingDispatcher(),
        tracker("office manager", "ask_definition", requested_slot="vacancy_role"),
        {},
    )
    assert result == {"vacancy_role": "office_manager"}


@pytest.mark.parametrize("text, intent", [("laat maar", "inform"), ("stop", "stop"), ("Annuleren!", "deny")])
def test_cancel(text, intent):
    result = FORM.validate_hours(
        text, CollectingDispatcher(), tracker(text, intent, requested_slot="hours"), {}
    )
    assert result["intake_status"] == "cancelled"


def test_earlier_answers_are_kept_when_the_form_starts_again_for_a_correction():
    t = tracker('/correct_vacancy{"field": "hours"}', "correct_vacancy", requested_slot=None)
    assert FORM.validate_consent(True, CollectingDispatcher(), t, {}) == {"consent": True}
    assert FORM.validate_start_date("2026-12-01", CollectingDispatcher(), t, {}) == {
        "start_date": "2026-12-01"
    }


@pytest.mark.asyncio
async def test_cancelled_form_requires_nothing_more():
    slots = await FORM.required_slots(
        ["hours"], CollectingDispatcher(), tracker("x", intake_status="cancelled"), {}
    )
    assert slots == []


def test_start_intake_takes_the_role_from_the_request():
    events = ActionStartIntake().run(
        CollectingDispatcher(), tracker("wij zoeken een office manager", "hire_request"), {}
    )
    assert SlotSet("vacancy_role", "office_manager") in events  # the role's key


def test_summary_then_store(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADS_DB", str(tmp_path / "leads.db"))
    d = CollectingDispatcher()
    ActionVacancySummary().run(d, tracker("nee", **dict(DONE, intake_status=None)), {})
    summary = rendered(d.messages)[0]
    assert "Klopt alles?" in summary["text"] and "32 uur" in summary["text"]
    assert "• Functie: office manager" in summary["text"]  # the role's name, from the knowledge file
    assert [b["payload"] for b in summary["buttons"]] == ["/affirm", "/correct_vacancy"]
    d = CollectingDispatcher()
    ActionStoreVacancy().run(d, tracker("ja", "affirm", **DONE), {})
    assert "opgeslagen onder nummer 1" in rendered(d.messages)[0]["text"]
    ActionStoreVacancy().run(CollectingDispatcher(), tracker("ja", "affirm", **DONE), {})  # a retry
    assert leads.export_csv(path=tmp_path / "leads.db").count("Bakker BV") == 1
    assert (
        leads.request(1, path=tmp_path / "leads.db")["role"] == "office manager"
    )  # recruiters read the name


def test_a_conversation_from_before_the_key_still_shows_the_role():
    d = CollectingDispatcher()
    ActionVacancySummary().run(
        d, tracker("nee", **dict(DONE, vacancy_role="office manager", intake_status=None)), {}
    )
    assert "• Functie: office manager" in rendered(d.messages)[0]["text"]


def test_nothing_stored_without_a_confirmed_summary(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADS_DB", str(tmp_path / "leads.db"))
    d = CollectingDispatcher()
    ActionStoreVacancy().run(d, tracker("ja", "affirm", **dict(DONE, intake_status=None)), {})
    assert "geen aanvraag" in rendered(d.messages)[0]["text"]
    assert not (tmp_path / "leads.db").exists()


def test_correct_one_field():
    d = CollectingDispatcher()
    assert ActionCorrectVacancy().run(d, tracker("iets aanpassen", "correct_vacancy", **DONE), {}) == []
    which = rendered(d.messages)[0]
    assert which["text"] == "Wat wil je aanpassen?"
    assert [b["title"] for b in which["buttons"]][:3] == ["Functie", "Vast of tijdelijk", "Uren per week"]
    assert len(which["buttons"]) == 8
    events = ActionCorrectVacancy().run(
        CollectingDispatcher(),
        tracker(
            "/correct_vacancy", "correct_vacancy", entities=[{"entity": "field", "value": "hours"}], **DONE
        ),
        {},
    )
    assert SlotSet("hours", None) in events and FollowupAction("vacancy_form") in events


def test_quiz_result_recommends_with_reasons():
    d = CollectingDispatcher()
    ActionQuizResult().run(
        d,
        tracker(
            "nee",
            quiz_lead=False,
            quiz_planning=True,
            quiz_writing=True,
            quiz_strategy=False,
            quiz_education=False,
        ),
        {},
    )
    assert rendered(d.messages)[0]["text"].startswith("De functie secretaresse past het best bij je.")


# ---- the quiz reads free answers ----------------------------------------------------------

from actions.intake import ValidateCareerQuizForm  # noqa: E402

QUIZ = ValidateCareerQuizForm()


@pytest.mark.parametrize(
    "answer, value",
    [
        ("ja", True),
        ("nee", False),
        ("ik wil juist graag mensen aansturen", True),
        ("dat vind ik niks", False),
        ("klopt, ik heb een hbo diploma", True),
        ("liever niet", False),
        ("nee, dat doe ik niet graag", False),
    ],
)
def test_quiz_reads_a_free_answer_as_yes_or_no(answer, value):
    t = tracker(answer, "inform", requested_slot="quiz_lead")
    assert QUIZ.validate_quiz_lead(answer, CollectingDispatcher(), t, {}) == {"quiz_lead": value}


def test_quiz_explains_once_when_it_cannot_read_the_answer():
    first, second = CollectingDispatcher(), CollectingDispatcher()
    QUIZ.validate_quiz_lead("tja", first, tracker("tja", requested_slot="quiz_lead"), {})
    QUIZ.validate_quiz_lead(
        "hmm", second, tracker("hmm", requested_slot="quiz_lead", intake_misses={"quiz_lead": 1}), {}
    )
    assert "ja of nee" in rendered(first.messages)[0]["text"]
    assert second.messages == []  # the question itself comes again, without the lecture


@pytest.mark.parametrize(
    "action, text, intent",
    [
        (ActionStartIntake(), "en klopt het dat we hbo vragen?", "affirm"),
        (ActionOfferDeclined(), "nee maar moet die dan hbo hebben?", "deny"),
    ],
)
def test_a_question_after_the_offer_of_a_request_is_answered_not_taken_for_yes_or_no(action, text, intent):
    d = CollectingDispatcher()
    asked = helpers.tracker(
        text, intent, ranking=[(intent, 0.6), ("ask_education", 0.2)], role="office_manager"
    )
    events = action.run(d, asked, {})
    shown = " ".join(m["text"] or "" for m in rendered(d.messages))
    assert (
        "hbo" in shown.lower() and "Fijn dat je iemand zoekt" not in shown and "Prima, dan niet" not in shown
    )
    assert FollowupAction("action_listen") in events  # the form does not start


@pytest.mark.parametrize(
    "action, text, intent, shown",
    [
        (ActionStartIntake(), "ja graag", "affirm", "Fijn dat je iemand zoekt!"),
        (ActionOfferDeclined(), "nee hoor", "deny", "Prima, dan niet."),
    ],
)
def test_a_plain_yes_or_no_to_the_offer_still_starts_or_declines(action, text, intent, shown):
    d = CollectingDispatcher()
    action.run(d, helpers.tracker(text, intent, ranking=[(intent, 0.9)]), {})
    assert shown in " ".join(m["text"] or "" for m in rendered(d.messages))
