"""Conversations as the admin page shows them (bot/office/conversations.py), read from a tracker
store that Rasa's own SQLTrackerStore wrote in tmp_path: one conversation as the visitor saw it,
the list with who, how long and how it ended, the search, and the figures behind the charts."""

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import pytest
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered

from bot.office import charts, conversations
from bot.runtime.launcher import PROJECT
from tests.stored import request, save, talks

DOMAIN = PROJECT / "domain.yml"


def test_the_figures_come_from_the_tracker_store_per_dutch_day(tmp_path):
    today = datetime.now(conversations.LOCAL).date()
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=conversations.LOCAL)
    now = noon.timestamp()  # (a test run just after midnight counts the same days)
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    talks(store, now)
    store.engine.dispose()
    reader = conversations.TrackerReader.from_env({"TRACKER_DB": str(tmp_path / "tracker.db")})
    number = request(tmp_path, "eerste", "Els", "els@oud.nl", None)
    request(tmp_path, "x", "Oud", "oud@oud.nl", None, days_ago=60)

    found = conversations.overview(reader, tmp_path / "leads.db", 7, noon)
    assert (found.conversations, found.messages, found.fallbacks, found.requests) == (2, 5, 2, 1)
    per_day = found.chart("gesprekken-per-dag")
    assert len(per_day.labels) == 7 and sum(per_day.values) == 2 and per_day.values[-1] == 1
    assert found.chart("berichten-per-gesprek").values == [0, 1, 1, 0, 0, 0]  # 2 and 3 messages (no opening)
    shares = found.chart("terugval-per-dag").values
    assert shares[-1] == 50.0 and shares[-3] == pytest.approx(33.3) and shares.count(None) == 5
    topics = dict(zip(found.chart("onderwerpen").labels, found.chart("onderwerpen").values))
    assert topics == {
        "Wat doet de functie": 1,
        "Buiten het onderwerp": 1,
        "Taken": 1,
        "Niet begrepen (terugval)": 1,
    }  # greetings are no topic, the opening is no message
    assert sum(found.chart("aanvragen-per-week").values) == 1
    assert "gemiddeld 2,5 berichten" in found.chart("berichten-per-gesprek").summary
    assert (
        len(
            conversations.overview(reader, tmp_path / "leads.db", 90, noon).chart("gesprekken-per-dag").labels
        )
        == 90
    )
    assert conversations.overview(reader, tmp_path / "leads.db", 90, noon).conversations == 3

    messages, channel = conversations.conversation(reader, "eerste")
    assert channel == "widget"
    assert [(m.who, m.text) for m in messages][:2] == [
        ("bot", "antwoord op /greet"),
        ("user", "wat doet een office manager"),
    ]
    assert ("user", "Taken van een secretaresse") in [
        (m.who, m.text) for m in messages
    ]  # the title, not the payload
    assert messages[0].buttons == ["Wat is het verschil?"] and messages[0].at.tzinfo is not None
    assert conversations.conversation(reader, "niemand") == ([], "")
    with pytest.raises(Exception, match="readonly|read-only|attempt to write"):  # read only
        with reader.engine().begin() as connection:
            connection.exec_driver_sql("DELETE FROM events")
    assert number == 1 and len(reader.events("eerste")) == 12


def test_without_a_tracker_store_there_is_nothing_yet(tmp_path):
    reader = conversations.TrackerReader.from_env({"TRACKER_DB": str(tmp_path / "nog-niet.db")})
    found = conversations.overview(reader, tmp_path / "leads.db", 30)
    assert (found.conversations, found.messages, found.requests) == (0, 0, 0)
    assert not (tmp_path / "nog-niet.db").exists()
    assert "Nog geen gegevens" in charts.svg(found.chart("onderwerpen"))


def test_every_intent_is_a_topic_or_said_not_to_be_one():
    intents = {
        i if isinstance(i, str) else next(iter(i)) for i in yaml.safe_load(DOMAIN.read_text())["intents"]
    }
    assert intents - set(conversations.TOPICS) - conversations.NOT_TOPICS == set()
    assert not set(conversations.TOPICS) & conversations.NOT_TOPICS


def test_days_are_dutch_days():
    midnight_utc = datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc)  # 00:30 in Amsterdam (summer time)
    assert conversations.local(midnight_utc.timestamp()).date().isoformat() == "2026-07-02"
    assert conversations.local("2026-12-31T23:30:00+00:00").date().isoformat() == "2027-01-01"
    assert conversations.short_day((midnight_utc + timedelta(days=1)).date()) == "2 jul"


def test_the_list_says_who_how_long_and_how_each_conversation_ended_and_searches_its_words(tmp_path):
    today = datetime.now(conversations.LOCAL).date()
    now = datetime(today.year, today.month, today.day, 12, tzinfo=conversations.LOCAL).timestamp()
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    talks(store, now)  # "eerste" (a fallback among answers), "tweede" (gibberish), "oud" (40 days ago)
    save(
        store,
        "werkgever",
        [
            (now - 300, "/greet", "greet", "utter_greet", {"opening": True}),
            (now - 290, "Wij zoeken een secretaresse in Zwolle", "hire_request", "action_start_intake", {}),
            (now - 280, "Bakker & Zonen", "inform", "vacancy_form", {}),
        ],
    )
    save(
        store,
        "kandidaat",
        [
            (now - 200, "welke functie past bij mij?", "career_quiz", "action_start_quiz", {}),
            (now - 190, "ja, ik plan graag", "affirm", "career_quiz_form", {}),
        ],
    )
    save(
        store,
        "antwoord",
        [(now - 100, "Wat doet een secretaresse?", "ask_definition", "action_answer_role", {})],
    )
    save(
        store,
        "kandidatenpagina",
        [
            (now - 400, "/greet", "greet", "utter_greet", {"opening": True, "audience": "kandidaat"}),
            (now - 390, "wat verdient een secretaresse", "out_of_scope", "action_not_in_knowledge", {}),
        ],
    )
    store.engine.dispose()
    reader = conversations.TrackerReader.from_env({"TRACKER_DB": str(tmp_path / "tracker.db")})
    request(tmp_path, "werkgever", "Els", "els@bakker.nl", None)

    listed = conversations.summaries(
        reader, tmp_path / "leads.db", 7, datetime.fromtimestamp(now, timezone.utc)
    )
    seen = {s.sender: (s.first_question, s.who, s.messages, s.outcome) for s in listed}
    assert seen == {
        "tweede": ("hoi", "onbekend", 2, "onbeantwoord"),
        "antwoord": ("Wat doet een secretaresse?", "onbekend", 1, "beantwoord"),
        "kandidaat": ("welke functie past bij mij?", "kandidaat", 2, "beantwoord"),
        "werkgever": (
            "Wij zoeken een secretaresse in Zwolle",
            "werkgever",
            2,
            "aanvraag",
        ),  # the opening is no message
        "kandidatenpagina": ("wat verdient een secretaresse", "kandidaat", 1, "onbeantwoord"),  # by the page
        "eerste": ("wat doet een office manager", "onbekend", 3, "onbeantwoord"),
    }  # 40 days ago is not listed
    assert [s.sender for s in listed] == [
        "tweede",
        "antwoord",
        "kandidaat",
        "werkgever",
        "kandidatenpagina",
        "eerste",
    ]  # latest first

    def found(*args):
        return [s.sender for s, _ in conversations.search(listed, *args)]

    assert found("zwolle") == ["werkgever"]  # a word of the visitor
    assert found("ZONEN bakker") == ["werkgever"]  # every word, in any message, any case
    assert found("antwoord op sdfsdf") == ["tweede"]  # the assistant's words too
    assert found("secretaresse taken") == ["eerste"]  # a quick reply's title, not its payload
    assert found("kampioen") == [] and found("zwolle kampioen") == []
    assert found("één") == found("een") != []  # accents do not matter
    assert found("", "kandidaat") == ["kandidaat", "kandidatenpagina"]
    assert found("", "", "onbeantwoord") == ["tweede", "kandidatenpagina", "eerste"]
    assert found("secretaresse", "werkgever", "aanvraag") == ["werkgever"]
    [(_, hit)] = conversations.search(listed, "zwolle")
    assert hit == "Wij zoeken een secretaresse in Zwolle"
    assert conversations.excerpt("a" * 300 + " Zwolle " + "b" * 300, 301).startswith("…a")
    assert len(conversations.summaries(reader, tmp_path / "leads.db", 90)) == 7
    assert (
        conversations.stronger("aanvraag", "onbeantwoord")
        == conversations.stronger("onbeantwoord", "aanvraag")
        == "aanvraag"
    )  # a request counts, even after a question it could not answer


def test_a_conversation_a_staff_member_answered_in_is_handed_over_and_shows_her_name(tmp_path):
    now = datetime.now(timezone.utc).timestamp()
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    save(
        store,
        "overgenomen",
        [
            (now - 120, "kan ik iemand spreken?", "ask_human", "action_ask_human", {}),
            (now - 100, "wat verdient ze?", "out_of_scope", "action_not_in_knowledge", {}),
        ],
    )

    async def staff_answers():  # the live handoff: a message written by Anna, not by the assistant
        tracker = await store.retrieve("overgenomen")
        tracker.update(BotUttered("Goedemiddag, met Anna.", metadata={"staff": "Anna"}, timestamp=now - 90))
        await store.save(tracker)

    with ThreadPoolExecutor(1) as thread:  # a loop of its own, as tests.stored.save does
        thread.submit(asyncio.run, staff_answers()).result()
    store.engine.dispose()
    reader = conversations.TrackerReader.from_env({"TRACKER_DB": str(tmp_path / "tracker.db")})

    [listed] = conversations.summaries(reader, tmp_path / "leads.db", 7)
    assert (listed.outcome, listed.messages) == ("doorverbonden", 2)  # stronger than the unanswered question
    messages, _ = conversations.conversation(reader, "overgenomen")
    assert [(m.who, m.text, m.staff) for m in messages][-1] == ("bot", "Goedemiddag, met Anna.", "Anna")
    assert [m.staff for m in messages[:-1]] == [""] * (len(messages) - 1)


@pytest.mark.parametrize(
    "intent, who",
    [
        ("hire_request", "werkgever"),
        ("hire_advice", "werkgever"),
        ("correct_vacancy", "werkgever"),
        ("career_quiz", "kandidaat"),
        ("career_advice", "kandidaat"),
        ("ask_tasks", None),
        (None, None),
    ],
)
def test_who_the_visitor_is_by_what_she_asks(intent, who):
    assert conversations.who_by_intent(intent) == who


def test_requests_are_counted_per_iso_week_of_the_period_only(tmp_path):
    old = request(tmp_path, "a", "Els", "els@oud.nl", None)
    request(tmp_path, "b", "Jan", "jan@oud.nl", None)
    request(tmp_path, "c", "Piet", "piet@oud.nl", None)
    with sqlite3.connect(tmp_path / "leads.db") as db:  # a Tuesday in week 2, a Sunday in week 3, before
        for number, created in (
            (old, "2026-12-28T10:00:00+00:00"),
            (old + 1, "2027-01-05T10:00:00+00:00"),
            (old + 2, "2027-01-17T22:30:00+00:00"),
        ):  # (23:30 in Amsterdam: still Sunday)
            db.execute("UPDATE vacancy_requests SET created_at = ? WHERE id = ?", (created, number))
    result = conversations.Overview(14, date(2027, 1, 4), date(2027, 1, 17))
    chart = conversations.requests_per_week(tmp_path / "leads.db", result.first, result.last, result)
    assert (chart.labels, list(chart.values), result.requests) == (["week 1", "week 2"], [1, 1], 2)
    assert chart.summary.endswith("week 1 tot en met week 2: 2 in totaal.")
    assert conversations.dutch_number(2.25) == "2,2" and conversations.dutch_number(33.35) == "33,4"
