"""Retention (`python -m bot purge`, what `make purge` runs) and erasure (`python -m bot forget`)
on real stores: conversations written by Rasa's own SQLTrackerStore, the unanswered-question
log and the leads database, all SQLite files in a var dir of their own."""

import sqlite3
import time

import pytest

from bot.stores import leads, unanswered
from tests.stored import DAY, cli, conversations, request


def events(tracker_db, sender=None):
    with sqlite3.connect(tracker_db) as db:
        query, params = "SELECT sender_id, timestamp FROM events", ()
        if sender:
            query, params = query + " WHERE sender_id = ?", (sender,)
        return db.execute(query, params).fetchall()


def question(var_dir, sender, text, days_ago):
    unanswered.record(
        sender, text, "nlu_fallback", 0.3, "zoeken", "niet in kennis", var_dir / "unanswered.db"
    )
    with sqlite3.connect(var_dir / "unanswered.db") as db:
        db.execute(
            "UPDATE unanswered SET asked_at = ? WHERE id = (SELECT max(id) FROM unanswered)",
            (time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - days_ago * DAY)),),
        )


def dump(var_dir):
    """Every row of every store, to prove what a command left alone."""
    rows = {}
    for name, tables in (
        ("tracker.db", ["events"]),
        ("unanswered.db", ["unanswered"]),
        ("leads.db", ["vacancy_requests", "deliveries", "delivery_attempts"]),
    ):
        with sqlite3.connect(var_dir / name) as db:
            for table in tables:
                rows[table] = db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    return rows


@pytest.fixture(autouse=True)
def default_periods(monkeypatch):
    for name in (
        "RETENTION_CONVERSATIONS_DAYS",
        "RETENTION_UNANSWERED_DAYS",
        "RETENTION_REQUESTS_DAYS",
        "DB_HOST",
        "LEADS_WEBHOOK_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def test_purge_removes_what_is_older_than_its_period_and_keeps_the_rest(tmp_path):
    tracker_db = tmp_path / "tracker.db"
    conversations(
        tracker_db,
        {
            "oud": [(120, "hallo", {}), (95, "wat doet een secretaresse", {})],
            "lopend": [(100, "hoi", {}), (10, "en een office manager?", {})],
            "nieuw": [(1, "verschil in opleiding", {})],
        },
    )
    question(tmp_path, "oud", "wat verdient een secretaresse", 100)
    question(tmp_path, "lopend", "werkt een office manager thuis", 89)
    old, new = (
        request(tmp_path, "oud", "Oud", "oud@x.nl", None, 400),
        request(tmp_path, "nieuw", "Nieuw", "n@x.nl", None, 300),
    )
    before = dump(tmp_path)

    trial = cli("purge", "--var-dir", str(tmp_path), "--dry-run")
    assert trial.returncode == 0, trial.stderr
    assert "Proefdraai" in trial.stdout and "6 gebeurtenissen" in trial.stdout, trial.stdout
    assert dump(tmp_path) == before

    done = cli("purge", "--var-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (
        "Verwijderd: 6 gebeurtenissen uit gesprekken, 1 onbeantwoorde vragen, 1 aanvragen met 1 "
        "bezorgopdrachten."
    ) in done.stdout
    assert "gesprekken 90 dagen, onbeantwoorde vragen 90 dagen, aanvragen een jaar" in done.stdout
    assert events(tracker_db, "oud") == []
    assert (
        len(events(tracker_db, "lopend")) == 2 and len(events(tracker_db, "nieuw")) == 2
    )  # the last 90 days
    assert all(stamp >= time.time() - 90 * DAY for _, stamp in events(tracker_db))
    with sqlite3.connect(tmp_path / "unanswered.db") as db:
        assert db.execute("SELECT sender FROM unanswered").fetchall() == [("lopend",)]
    assert [r["id"] for r in leads.export_rows(path=tmp_path / "leads.db")] == [new] and old != new
    with sqlite3.connect(tmp_path / "leads.db") as db:  # the request's jobs and attempts went with it
        assert db.execute("SELECT DISTINCT request_id FROM deliveries").fetchall() == [(new,)]
        assert db.execute("SELECT count(*) FROM delivery_attempts").fetchone() == (1,)

    shorter = cli("purge", "--var-dir", str(tmp_path), env={"RETENTION_CONVERSATIONS_DAYS": "7"})
    assert "Verwijderd: 2 gebeurtenissen" in shorter.stdout and len(events(tracker_db)) == 2
    wrong = cli("purge", "--var-dir", str(tmp_path), env={"RETENTION_REQUESTS_DAYS": "nooit"})
    assert wrong.returncode == 2 and "RETENTION_REQUESTS_DAYS='nooit'" in wrong.stderr


def test_forget_removes_exactly_one_persons_data(tmp_path):
    tracker_db = tmp_path / "tracker.db"
    conversations(
        tracker_db,
        {
            "jan-1": [
                (3, "wij zoeken een secretaresse", {}),
                (3, "jan@bakker.nl", {"email": "jan@bakker.nl"}),
            ],
            "jan-2": [
                (1, "Jan@Bakker.nl", {"email": "jan@bakker.nl"})
            ],  # gave it, did not consent: no request
            "piet": [(2, "piet@smit.nl of 06 98765432", {"email": "piet@smit.nl", "phone": "+31698765432"})],
            "anoniem": [(1, "wat doet een office manager", {})],
        },
    )
    jan = request(tmp_path, "jan-1", "Jan", "jan@bakker.nl", "+31612345678")
    piet = request(tmp_path, "piet", "Piet", "piet@smit.nl", "+31698765432")
    question(tmp_path, "jan-1", "mag ik bellen", 1)
    question(tmp_path, "piet", "mag ik mailen", 1)
    question(tmp_path, "anoniem", "is jan@bakker.nl bekend", 1)  # typed as a question elsewhere
    before = dump(tmp_path)

    trial = cli("forget", "JAN@bakker.nl", "--var-dir", str(tmp_path), "--dry-run")
    assert trial.returncode == 0, trial.stderr
    assert f"aanvragen: 1 (nummers {jan}), met 1 bezorgopdrachten" in trial.stdout, trial.stdout
    assert "gesprekken: 2 (8 gebeurtenissen)" in trial.stdout and "onbeantwoorde vragen: 2" in trial.stdout
    assert "Proefdraai" in trial.stdout and dump(tmp_path) == before

    done = cli("forget", "JAN@bakker.nl", "--var-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.startswith("Verwijderd voor JAN@bakker.nl")
        and "staan nog bij de ontvanger" in done.stdout
    )
    after = dump(tmp_path)
    assert after["events"] == [row for row in before["events"] if row[1] in ("piet", "anoniem")]
    assert [row[0] for row in after["vacancy_requests"]] == [piet]
    assert after["deliveries"] == [row for row in before["deliveries"] if row[1] == piet]
    assert len(after["delivery_attempts"]) == 1
    assert [row[2] for row in after["unanswered"]] == ["piet"]
    assert "jan" not in str(after).lower()

    by_phone = cli("forget", "06-98765432", "--var-dir", str(tmp_path))  # the same person by phone
    assert f"nummers {piet}" in by_phone.stdout and "gesprekken: 1" in by_phone.stdout
    assert {row[1] for row in dump(tmp_path)["events"]} == {"anoniem"}

    wrong = cli("forget", "niemand", "--var-dir", str(tmp_path))
    assert wrong.returncode == 2 and "geen e-mailadres of Nederlands telefoonnummer" in wrong.stderr
