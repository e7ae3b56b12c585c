"""The log of unanswered questions (bot/stores/unanswered.py): the report, the groups of questions
with nearly the same words, the handled state and junk, and the migrations of older logs."""

import sqlite3

import pytest

from bot.stores import unanswered


def ask(db, sender, question, when="2026-12-01T10:00:00+00:00", outcome="niet in kennis"):
    unanswered.record(sender, question, "out_of_scope", 0.9, "buiten het onderwerp", outcome, db)
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE unanswered SET asked_at = ? WHERE id = (SELECT max(id) FROM unanswered)", (when,)
        )


def test_report_counts_repeated_questions_once_most_frequent_first(tmp_path):
    db = tmp_path / "u.db"
    for question in ["Salaris?", "salaris", "pensioen", "SALARIS "]:
        unanswered.record("s", question, "out_of_scope", 0.9, "buiten het onderwerp", "niet in kennis", db)
    rows = unanswered.most_frequent(db)
    assert [(r[0], r[1]) for r in rows] == [(3, "SALARIS "), (1, "pensioen")]
    assert "pensioen" in unanswered.report(db)


def test_questions_with_nearly_the_same_words_are_one_group_most_frequent_first(tmp_path):
    db = tmp_path / "unanswered.db"
    for sender, question in [
        ("a", "wat verdient een secretaresse?"),
        ("a", "Wat verdient een secretaresse"),
        ("b", "hoeveel verdient een secretaresse eigenlijk"),
        ("c", "wat verdiend een secretaresse"),
        ("c", "wat verdient een office manager"),
        ("d", "wie wordt er kampioen?"),
        ("d", "wat is het salaris van een secretaresse"),
        ("e", "kan een secretaresse parttime werken"),
        ("e", "kan een office manager parttime werken"),
    ]:
        ask(db, sender, question)
    ask(db, "f", "wat doet een office manager", outcome="zoekantwoord")  # answered by the search: not listed
    groups = unanswered.groups("open", db)
    assert [(g.count, g.question) for g in groups] == [
        (4, "Wat verdient een secretaresse"),
        (1, "kan een office manager parttime werken"),
        (1, "kan een secretaresse parttime werken"),
        (1, "wat is het salaris van een secretaresse"),
        (1, "wat verdient een office manager"),
        (1, "wie wordt er kampioen?"),
    ]
    salary = groups[0]
    assert sorted(salary.wordings) == [
        "Wat verdient een secretaresse",
        "hoeveel verdient een secretaresse eigenlijk",
        "wat verdiend een secretaresse",
    ]
    assert sorted(sender for sender, _ in salary.senders) == ["a", "b", "c"]
    assert unanswered.most_frequent(db)[0][:2] == (4, "Wat verdient een secretaresse")

    assert unanswered.mark(salary.ids, "added", "anna", db) == 4
    assert [g.count for g in unanswered.groups("open", db)] == [1] * 5
    [done] = unanswered.groups("done", db)
    assert (done.count, done.status, done.handled_by) == (4, "added", "anna")
    assert "verdient een secretaresse" not in unanswered.report(db)  # the report lists open questions
    unanswered.mark(done.ids, "open", "anna", db)
    assert unanswered.groups("open", db)[0].count == 4 and unanswered.groups("done", db) == []
    with pytest.raises(ValueError):
        unanswered.mark(done.ids, "weg", "anna", db)


def test_an_unanswered_log_from_before_the_admin_page_is_migrated(tmp_path):
    db = tmp_path / "unanswered.db"
    with sqlite3.connect(db) as connection:  # the table as issue 12 left it, without a version
        connection.execute(
            "CREATE TABLE unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, "
            "sender TEXT NOT NULL, question TEXT NOT NULL, intent TEXT, confidence REAL, "
            "tried TEXT NOT NULL, outcome TEXT NOT NULL)"
        )
        connection.execute(
            "INSERT INTO unanswered (asked_at, sender, question, tried, outcome) VALUES "
            "('2026-11-01T09:00:00+00:00', 's', 'wat is het salaris', 'zoeken', 'niet in kennis')"
        )
    [group] = unanswered.groups("open", db)
    assert (group.question, group.status, group.senders[0][0]) == ("wat is het salaris", "open", "s")
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == unanswered.SCHEMA_VERSION


def test_a_question_hidden_as_junk_leaves_the_list_and_stays_hidden_when_asked_again(tmp_path):
    db = tmp_path / "unanswered.db"
    for sender, question in [
        ("a", "<script>alert(1)</script>"),
        ("b", "asdfgh qwerty"),
        ("c", "asdfgh qwerty"),
        ("d", "wat verdient een secretaresse"),
    ]:
        ask(db, sender, question)
    junk = [g for g in unanswered.groups("open", db) if g.question == "asdfgh qwerty"][0]
    assert unanswered.groups("open", db)[0] is not None and junk.count == 2
    assert unanswered.mark(junk.ids, "junk", "anna", db) == 2
    assert [g.question for g in unanswered.groups("open", db)] == [
        "<script>alert(1)</script>",
        "wat verdient een secretaresse",
    ]
    [hidden] = unanswered.groups("junk", db)
    assert (hidden.question, hidden.count, hidden.status, hidden.handled_by) == (
        "asdfgh qwerty",
        2,
        "junk",
        "anna",
    )
    assert unanswered.groups("done", db) == [] and "asdfgh" not in unanswered.report(db)
    ask(db, "e", "Asdfgh, qwerty!")  # the same words again: hidden at once
    assert unanswered.groups("junk", db)[0].count == 3
    assert "asdfgh qwerty" not in [g.question for g in unanswered.groups("open", db)]
    unanswered.mark(unanswered.groups("junk", db)[0].ids, "open", "anna", db)  # shown again
    assert unanswered.groups("open", db)[0].count == 3 and unanswered.groups("junk", db) == []

    salary = [g for g in unanswered.groups("open", db) if "verdient" in g.question][0]
    unanswered.mark(
        salary.ids, "added", "anna", db, note="  Salaris staat nu onder 'werkomgeving'. " + "x" * 600
    )
    [added] = unanswered.groups("done", db)
    assert added.note.startswith("Salaris staat nu onder") and len(added.note) == unanswered.NOTE_LENGTH
    unanswered.mark(added.ids, "open", "anna", db)
    assert unanswered.groups("open", db)[-1].note is None


def test_an_unanswered_log_of_version_1_gets_notes_and_keeps_its_rows(tmp_path):
    db = tmp_path / "unanswered.db"
    with sqlite3.connect(db) as connection:  # the table as the first admin page left it
        connection.execute(
            "CREATE TABLE unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, "
            "sender TEXT NOT NULL, question TEXT NOT NULL, intent TEXT, confidence REAL, "
            "tried TEXT NOT NULL, outcome TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', "
            "handled_at TEXT, handled_by TEXT)"
        )
        connection.execute(
            "INSERT INTO unanswered (asked_at, sender, question, tried, outcome, status, handled_at, "
            "handled_by) VALUES ('2026-11-01T09:00:00+00:00', 's', 'wat is het salaris', 'zoeken', "
            "'niet in kennis', 'added', '2026-11-02T09:00:00+00:00', 'anna'), "
            "('2026-11-03T09:00:00+00:00', 't', 'hoe laat is het', 'zoeken', 'niet in kennis', "
            "'open', NULL, NULL)"
        )
        connection.execute("PRAGMA user_version = 1")
    [done] = unanswered.groups("done", db)
    assert (done.question, done.status, done.handled_by, done.note) == (
        "wat is het salaris",
        "added",
        "anna",
        None,
    )
    assert [g.question for g in unanswered.groups("open", db)] == ["hoe laat is het"]
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == unanswered.SCHEMA_VERSION == 2
        assert connection.execute("SELECT count(*) FROM unanswered").fetchone()[0] == 2
