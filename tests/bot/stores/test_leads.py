"""The leads database (bot/stores/leads.py): requests with a handled state, the CSV for Dutch
Excel, a callback request stored and delivered as a request of its own kind, and the migrations
of older files."""

import csv
import io
import sqlite3
import uuid
from datetime import datetime, timezone

from bot.office import delivery
from bot.stores import leads, privacy
from tests.receivers import Mailbox, WebhookReceiver
from tests.stored import REQUEST, request


def test_requests_get_a_handled_state_and_an_old_database_is_migrated(tmp_path):
    path = tmp_path / "leads.db"
    number = request(tmp_path, "gesprek-1", "Els", "els@oud.nl", None)
    with sqlite3.connect(path) as db:  # back to schema 2, as issue 12 left it
        db.execute("ALTER TABLE vacancy_requests DROP COLUMN handled_at")
        db.execute("ALTER TABLE vacancy_requests DROP COLUMN handled_by")
        db.execute("PRAGMA user_version = 2")
    [row] = leads.export_rows(path=path)
    assert row["contact_name"] == "Els" and row["handled_at"] is None and row["sender"] == "gesprek-1"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == leads.SCHEMA_VERSION == 4
    assert leads.mark_handled(number, "anna", path) and not leads.mark_handled(999, "anna", path)
    [row] = leads.export_rows(path=path)
    assert row["handled_by"] == "anna" and row["handled_at"].startswith(str(datetime.now(timezone.utc).year))
    assert ",anna" in leads.export_csv(path=path).splitlines()[1]
    assert leads.export_csv(path=path).splitlines()[0].endswith(",handled_at,handled_by")
    leads.mark_handled(number, None, path)
    assert leads.export_rows(path=path)[0]["handled_at"] is None


def test_the_csv_for_dutch_excel_has_a_bom_semicolons_dutch_headers_and_dutch_times(tmp_path):
    path = tmp_path / "leads.db"
    number = request(tmp_path, "gesprek-1", '=HYPERLINK("https://x")', "els@oud.nl", "+31612345678")
    with sqlite3.connect(path) as db:  # received on a summer evening, handled on a winter one (UTC)
        db.execute(
            "UPDATE vacancy_requests SET created_at = '2026-07-01T22:30:00+00:00', "
            "description = 'Twee regels;\nmet een puntkomma', handled_at = '2026-12-03T17:05:00+00:00', "
            "handled_by = 'anna' WHERE id = ?",
            (number,),
        )
    body = leads.export_excel(path=path, states={"pending": "wacht op verzending"})
    assert body.startswith("\ufeff") and body.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))
    assert list(rows[0]) == [
        "Nummer",
        "Ontvangen",
        "Functie",
        "Vast of tijdelijk",
        "Uren per week",
        "Startdatum",
        "Organisatie",
        "Naam",
        "E-mail",
        "Telefoon",
        "Omschrijving",
        "Toestemming gegeven",
        "Bezorging",
        "Pogingen",
        "Fout bij bezorgen",
        "Bezorgd op",
        "Afgehandeld op",
        "Afgehandeld door",
        "Soort",
    ]
    [row] = rows
    assert (row["Nummer"], row["Ontvangen"], row["Afgehandeld op"]) == (
        str(number),
        "02-07-2026 00:30",
        "03-12-2026 18:05",
    )  # CEST, CET
    assert (row["Startdatum"], row["Uren per week"], row["Bezorging"]) == (
        "01-01-2027",
        "24",
        "wacht op verzending",
    )
    assert row["Omschrijving"] == "Twee regels;\nmet een puntkomma"
    assert (
        row["Naam"] == '\'=HYPERLINK("https://x")' and row["Telefoon"] == "'+31612345678"
    )  # no formula runs
    assert leads.export_excel(since="2999-01-01", path=path).count("\n") == 1  # only the headers
    assert leads.export_csv(path=path).startswith("id,created_at,")  # make leads prints its own format


def test_a_callback_is_stored_and_mailed_and_posted_as_a_request_of_its_own_kind(tmp_path, monkeypatch):
    path = tmp_path / "leads.db"
    box, hook = Mailbox().start(), WebhookReceiver()
    try:
        env = dict(
            box.env(), LEADS_WEBHOOK_URL=hook.url, LEADS_WEBHOOK_SECRET="x" * 20, LEADS_RETRY_DELAYS="0.3"
        )
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        intake = uuid.uuid4().hex
        number = leads.store_callback(
            "Els de Vries",
            None,
            "+31612345678",
            "Hebben jullie ook parttime werk?",
            intake,
            "gesprek-9",
            privacy.consent_question(),
            path,
        )
        assert (
            leads.store_callback("Els de Vries", None, "+31612345678", "x", intake, "gesprek-9", "", path)
            == number
        )
        worker = delivery.Worker(delivery.Settings.from_env(), path)
        worker.start()
        try:
            [mail] = box.wait_for(1)
            deadline = __import__("time").monotonic() + 10
            while not hook.posts and __import__("time").monotonic() < deadline:
                __import__("time").sleep(0.1)
        finally:
            worker.stop()
        assert mail["Subject"] == f"Terugbelverzoek {number}: Els de Vries, +31612345678"
        body = mail.get_body(("plain",)).get_content()
        assert "Vraag: Hebben jullie ook parttime werk?" in body and "Functie" not in body
        assert hook.payloads()[0]["kind"] == "terugbelverzoek"
    finally:
        box.stop()
        hook.stop()
    [row] = leads.export_rows(path=path)
    assert (row["kind"], row["delivery_state"], row["contact_name"]) == (
        "terugbelverzoek",
        "delivered",
        "Els de Vries",
    )
    excel = leads.export_excel(path=path).splitlines()
    assert excel[0].endswith(";Soort") and excel[1].endswith(";Terugbelverzoek")
    assert leads.find(None, "+31612345678", path) == [(number, "gesprek-9")]  # erasure finds it too


def test_a_leads_file_of_schema_3_gets_the_kind_of_its_requests(tmp_path):
    path = tmp_path / "leads.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            leads.SCHEMA.replace("    kind TEXT NOT NULL DEFAULT 'vacature',  -- a key of KINDS\n", "")
        )
        db.execute(
            "INSERT INTO vacancy_requests (created_at, intake_id, sender, role, contract, hours, start_date, "
            "organisation, contact_name, email, consent_at) VALUES ('2026-12-01T10:00:00+00:00', 'i', 's', "
            "'office manager', 'vast', 32, '2027-01-01', 'Bakker', 'Jan', 'jan@bakker.nl', 'x')"
        )
        db.execute("PRAGMA user_version = 3")
    [row] = leads.export_rows(path=path)
    assert row["kind"] == "vacature"


def test_a_database_of_schema_1_is_upgraded_and_keeps_its_requests(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE vacancy_requests (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
            "intake_id TEXT NOT NULL UNIQUE, sender TEXT NOT NULL, role TEXT NOT NULL, contract TEXT NOT NULL, "
            "hours INTEGER NOT NULL, start_date TEXT NOT NULL, organisation TEXT NOT NULL, contact_name TEXT "
            "NOT NULL, email TEXT, phone TEXT, description TEXT NOT NULL DEFAULT '', consent_at TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO vacancy_requests VALUES (1, '2026-01-05T10:00:00+00:00', 'x', 's', 'secretaresse', "
            "'tijdelijk', 24, '2026-02-01', 'Oud BV', 'Els', 'els@oud.nl', NULL, '', '2026-01-05T10:00:00+00:00')"
        )
        db.execute("PRAGMA user_version = 1")
    [row] = list(csv.DictReader(io.StringIO(leads.export_csv(path=path))))
    assert row["organisation"] == "Oud BV" and row["delivery_state"] == "none"
    assert leads.store(REQUEST, "nieuw", "s", "vraag", path=path) == 2
