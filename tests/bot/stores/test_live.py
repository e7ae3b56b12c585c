"""The live handoff's availability and store (bot/stores/live.py): office hours, who is in, a
handoff that waits, is answered and handed back, and what is purged or forgotten."""

from datetime import datetime

import pytest

from bot.stores import live
from bot.stores.leads import LOCAL

MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=LOCAL)  # a Monday


MONDAY_8 = datetime(2026, 11, 30, 8, 59, tzinfo=LOCAL)


FRIDAY_17 = datetime(2026, 12, 4, 17, 0, tzinfo=LOCAL)


SATURDAY_11 = datetime(2026, 12, 5, 11, 0, tzinfo=LOCAL)


def test_office_hours_are_read_from_the_words_visitors_read():
    [period] = live.parse_hours("maandag tot en met vrijdag van 9.00 tot 17.00 uur")
    assert period == live.Period(frozenset(range(5)), 9 * 60, 17 * 60)
    hours = live.parse_hours("ma t/m vr 08:30-17:30; za 10.00-12.00")
    assert live.within(hours, MONDAY_8) and live.within(hours, SATURDAY_11)
    assert not live.within(hours, datetime(2026, 12, 6, 11, 0, tzinfo=LOCAL))  # Sunday
    assert live.parse_hours("maandag, woensdag en vrijdag van 9 tot 12 uur")[0].days == frozenset({0, 2, 4})
    assert live.parse_hours("gesloten") == []
    assert live.within(live.parse_hours("altijd"), SATURDAY_11)
    for wrong in ("soms", "maandag", "ma-vr 17.00-09.00"):
        with pytest.raises(ValueError):
            live.parse_hours(wrong)


def test_the_contact_details_hours_are_the_office_hours_unless_configured():
    office = live.office_hours({})  # the knowledge file's agency.contact_details.hours
    assert live.within(office, MONDAY_10) and not live.within(office, MONDAY_8)
    assert not live.within(office, FRIDAY_17) and not live.within(office, SATURDAY_11)
    assert live.within(live.office_hours({"OFFICE_HOURS": "za 10.00-12.00"}), SATURDAY_11)
    assert live.office_hours({"OFFICE_HOURS": "onzin"}) == [live.Period(frozenset(range(5)), 540, 1020)]


def test_available_is_within_office_hours_and_someone_switched_on_whose_page_is_open(tmp_path):
    db, env = tmp_path / "handoff.db", {"OFFICE_HOURS": "ma-vr 9.00-17.00"}
    assert not live.available(MONDAY_10, env, db)  # nobody switched on
    live.set_available("anna", True, MONDAY_10.timestamp(), db)
    assert live.available(MONDAY_10, env, db)
    assert not live.available(SATURDAY_11, env, db)  # outside office hours
    later = datetime.fromtimestamp(MONDAY_10.timestamp() + 16 * 60, LOCAL)
    assert not live.available(later, env, db)  # her page closed a while
    assert live.seen("anna", later.timestamp(), db) and live.available(later, env, db)
    live.set_available("anna", False, later.timestamp(), db)
    assert not live.available(later, env, db) and not live.seen("anna", later.timestamp(), db)


def test_a_handoff_waits_is_answered_and_handed_back(tmp_path):
    db = tmp_path / "handoff.db"
    assert live.state("gesprek-1", db) is None and live.waiting_count(db) == (0, 0.0)
    live.ask("gesprek-1", 100.0, db)
    assert live.state("gesprek-1", db) == live.WAITING and live.waiting_count(db) == (1, 100.0)
    first = live.push("gesprek-1", "Goedemiddag, waarmee kan ik helpen?", "Anna", "anna", 110.0, db)
    assert live.state("gesprek-1", db) == live.ACTIVE and live.waiting_count(db)[0] == 0  # answered
    [row] = live.waiting(db)
    assert row.taken_by == "anna" and not row.unanswered
    live.visitor_wrote("gesprek-1", 120.0, db)
    assert live.waiting_count(db) == (1, 120.0)  # the visitor wrote again
    live.push("gesprek-2", "niet van dit gesprek", "Piet", "piet", 121.0, db)
    second = live.push("gesprek-1", "Je praat weer met de assistent.", None, now=130.0, path=db)
    assert live.pushed_since("gesprek-1", 0, db) == [
        {"id": first, "staff": "Anna", "text": "Goedemiddag, waarmee kan ik helpen?", "buttons": []},
        {"id": second, "staff": None, "text": "Je praat weer met de assistent.", "buttons": []},
    ]
    assert live.pushed_since("gesprek-1", first, db)[0]["id"] == second == live.last_pushed("gesprek-1", db)
    assert live.hand_back("gesprek-1", db) and live.state("gesprek-1", db) is None
    assert not live.hand_back("gesprek-1", db)


def test_the_staff_member_is_shown_by_her_first_name():
    assert [live.first_name(n) for n in ("anna", "anna.de.vries", "piet_j", "els@bureau.nl")] == [
        "Anna",
        "Anna",
        "Piet",
        "Els",
    ]


def test_a_wait_nobody_answers_ends_and_the_visitor_is_offered_a_callback_next_time(tmp_path):
    db, now, env = tmp_path / "handoff.db", __import__("time").time(), {"HANDOFF_WAIT_MINUTES": "5"}
    live.ask("gesprek-1", now - 200, db)
    assert not live.expire("gesprek-1", now, env, db) and live.state("gesprek-1", db) == live.WAITING
    assert live.expire("gesprek-1", now + 101, env, db) and not live.expire("gesprek-1", now + 102, env, db)
    assert live.state("gesprek-1", db) is None and live.missed("gesprek-1", db) and live.waiting(db) == []
    live.ask("gesprek-2", now - 400, db)
    live.push(
        "gesprek-2", "Ik kijk even mee.", "Anna", "anna", now - 390, db, [{"title": "Ja", "payload": "ja"}]
    )
    assert not live.expire("gesprek-2", now, env, db)  # someone answered: it stays hers
    assert live.pushed_since("gesprek-2", 0, db)[0]["buttons"] == [{"title": "Ja", "payload": "ja"}]
    live.ask("gesprek-1", now, db)  # (asked again after all: waits again)
    assert live.state("gesprek-1", db) == live.WAITING and not live.missed("gesprek-1", db)


def test_purge_and_forget_remove_the_handoff_of_a_day_ago_and_of_one_conversation(tmp_path):
    db, now = tmp_path / "handoff.db", __import__("time").time()
    live.ask("nu", now, db)  # (asking and answering clear out what is older than a day as well)
    live.push("nu", "vandaag", "Anna", "anna", now, db)
    live.ask("oud", now - 2 * live.KEEP_SECONDS, db)
    live.push("oud", "gisteren", "Anna", "anna", now - 2 * live.KEEP_SECONDS, db)
    live.hand_back("oud", db)
    live.ask("oud", now - 2 * live.KEEP_SECONDS, db)
    assert live.expire("oud", now, {}, db) and live.missed("oud", db) is False  # (more than a day ago)
    assert live.purge(now, db) == 2 and live.pushed_since("oud", 0, db) == [] and not live.missed("oud", db)
    assert (
        live.forget(["nu"], db) == 2 and live.state("nu", db) is None and live.pushed_since("nu", 0, db) == []
    )


def test_the_contact_hours_are_read_once_per_version_of_the_file(tmp_path):
    import os

    path = tmp_path / "knowledge.yml"
    path.write_text(
        "agency:\n  contact_details:\n    hours: maandag van 9.00 tot 12.00 uur\n", encoding="utf-8"
    )
    assert live.contact_hours(path) == "maandag van 9.00 tot 12.00 uur"
    path.write_text(
        "agency:\n  contact_details:\n    hours: dinsdag van 9.00 tot 12.00 uur\n", encoding="utf-8"
    )
    os.utime(path, (1, 1))  # a new version, even within the file system's time resolution
    assert live.contact_hours(path) == "dinsdag van 9.00 tot 12.00 uur"
