"""Delivery of stored requests (bot/office/delivery.py) to a real SMTP server (aiosmtpd) and a real
HTTP receiver, both in this process; the outbox in a real SQLite file."""

import csv
import hashlib
import hmac
import io
import json
import logging
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest

from bot.office import delivery
from bot.runtime.launcher import PROJECT
from bot.stores import leads, privacy
from tests.receivers import SMTP_USER, Mailbox, WebhookReceiver
from tests.stored import REQUEST

SECRET = "webhook-geheim-" + uuid.uuid4().hex


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADS_DB", str(tmp_path / "leads.db"))
    monkeypatch.setenv("LEADS_RETRY_DELAYS", "0.3")
    for name in ("LEADS_WEBHOOK_URL", "PRIVACY_URL", "RETENTION_REQUESTS_DAYS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "leads.db"


@pytest.fixture
def mailbox(monkeypatch):
    box = Mailbox().start()
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)
    yield box
    box.stop()


@pytest.fixture
def receiver(monkeypatch):
    hook = WebhookReceiver()
    monkeypatch.setenv("LEADS_WEBHOOK_URL", hook.url)
    monkeypatch.setenv("LEADS_WEBHOOK_SECRET", SECRET)
    yield hook
    hook.stop()


def store(person: str = "Jan Jansen", **changes) -> int:
    return leads.store(
        dict(REQUEST, contact_name=person, **changes),
        uuid.uuid4().hex,
        "gesprek-1",
        privacy.consent_question(),
    )


def rows(path):
    return list(csv.DictReader(io.StringIO(leads.export_csv(path=path))))


def test_the_mail_and_the_webhook_carry_every_field_the_consent_and_the_number(outbox, mailbox, receiver):
    number = store()
    delivery.Worker().send_due()

    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == f"Vacatureaanvraag {number}: office manager, Bakker & Zonen <BV>"
    assert mail["From"] == "chatassistent@2assistu.nl" and mail["To"] == "vacatures@2assistu.nl"
    assert mail["Reply-To"] == "Jan Jansen <jan@bakker.nl>"
    assert mail["Message-ID"].startswith(f"<vacatureaanvraag-{number}.") and mail["X-Aanvraagnummer"] == str(
        number
    )
    again = delivery.compose_mail(leads.request(number), delivery.Settings.from_env())
    assert again["Message-ID"] == mail["Message-ID"]  # a copy sent again after a crash has the same key
    assert mailbox.logins == [SMTP_USER]  # SMTP_USER and SMTP_PASSWORD were used
    text = mail.get_body(("plain",)).get_content()
    page = mail.get_body(("html",)).get_content()
    stored = leads.request(number)
    for line in (
        f"Aanvraagnummer: {number}",
        "Functie: office manager",
        "Vast of tijdelijk: vast",
        "Uren per week: 32 uur",
        "Startdatum: 1 maart 2027",
        "Organisatie: Bakker & Zonen <BV>",
        "Naam: Jan Jansen",
        "E-mail: jan@bakker.nl",
        "Telefoon: +31612345678",
        "Omschrijving: Iemand die het kantoor regelt",
        privacy.consent_question(),
        f"(versie {privacy.consent_version(privacy.consent_question())})",
    ):
        assert line in text, line
    assert delivery.local_time(stored["consent_at"]) in text and "Toestemming gegeven op" in text
    assert "Bakker &amp; Zonen &lt;BV&gt;" in page and "<BV>" not in page  # escaped in the HTML part
    assert "90 dagen" in page and "Vacatureaanvraag " + str(number) in page

    [post] = receiver.posts
    timestamp, signed = post["headers"]["X-2ASSISTU-Timestamp"], post["headers"]["X-2ASSISTU-Signature"]
    expected = (
        "sha256="
        + hmac.new(SECRET.encode(), f"{timestamp}.".encode() + post["body"], hashlib.sha256).hexdigest()
    )
    assert hmac.compare_digest(signed, expected) and abs(time.time() - int(timestamp)) < 60
    assert post["headers"]["Idempotency-Key"] == str(number)
    body = json.loads(post["body"])
    assert {k: body[k] for k in REQUEST} == REQUEST
    assert body["request_number"] == number and body["consent"]["text"] == privacy.consent_question()

    [row] = rows(outbox)
    assert row["delivery_state"] == "delivered" and row["attempts"] == "2" and row["last_error"] == ""


def test_the_receiver_can_refuse_replays_and_altered_bodies():
    body = b'{"request_number": 1}'
    stamp = str(int(time.time()))
    signed = delivery.signature(SECRET, stamp, body)
    assert delivery.verify(SECRET, stamp, body, signed)
    assert not delivery.verify(SECRET, stamp, body.replace(b"1", b"2"), signed)
    assert not delivery.verify("ander-geheim-123456", stamp, body, signed)
    old = str(int(time.time()) - 3600)  # a captured request sent again an hour later
    assert not delivery.verify(SECRET, old, body, delivery.signature(SECRET, old, body))


def test_smtp_down_while_three_requests_are_made_then_up_all_three_arrive_once(outbox, monkeypatch):
    box = Mailbox()  # not started: its port refuses connections
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)
    numbers = [store(person) for person in ("Ann", "Bob", "Cas")]
    worker = delivery.Worker()
    worker.send_due()
    assert [r["delivery_state"] for r in rows(outbox)] == ["pending"] * 3
    assert all(
        "Connection refused" in r["last_error"] or "ConnectionRefused" in r["last_error"]
        for r in rows(outbox)
    )

    worker.start()
    try:
        time.sleep(1)  # a few more refused attempts
        box.start()
        mails = box.wait_for(3)
        time.sleep(1.5)  # room for a double
    finally:
        worker.stop()
        box.stop()
    assert sorted(int(m["X-Aanvraagnummer"]) for m in mails) == numbers  # each once
    assert all(r["delivery_state"] == "delivered" and int(r["attempts"]) >= 2 for r in rows(outbox))
    with sqlite3.connect(outbox) as db:
        outcomes = [o for (o,) in db.execute("SELECT outcome FROM delivery_attempts ORDER BY id")]
    assert outcomes.count("ok") == 3 and outcomes.count("error") >= 3 and None not in outcomes


def test_after_the_retry_window_a_request_is_failed_loudly_and_can_be_retried(outbox, monkeypatch, caplog):
    box = Mailbox()
    for name, value in box.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LEADS_RETRY_HOURS", str(1 / 3600))  # one second
    number = store()
    worker = delivery.Worker()
    with caplog.at_level(logging.WARNING, logger="bot.office.delivery"):
        deadline = time.monotonic() + 10
        while rows(outbox)[0]["delivery_state"] != "failed" and time.monotonic() < deadline:
            time.sleep(min(worker.send_due(), 0.3))
    assert rows(outbox)[0]["delivery_state"] == "failed"
    assert any(
        r.levelno == logging.ERROR and f"AANVRAAG {number} IS NIET BEZORGD" in r.getMessage()
        for r in caplog.records
    )

    cli = [sys.executable, "-m", "bot", "leads", "--db", str(outbox)]
    shown = subprocess.run(cli, cwd=PROJECT, capture_output=True, text=True, check=True)
    assert f"1 aanvraag is NIET bezorgd (nummers {number})" in shown.stderr
    assert list(csv.DictReader(io.StringIO(shown.stdout)))[0]["delivery_state"] == "failed"

    assert (
        "1 mislukte"
        in subprocess.run(
            cli + ["--retry-failed"], cwd=PROJECT, capture_output=True, text=True, check=True
        ).stdout
    )
    box.start()
    try:
        delivery.Worker().send_due()
        assert len(box.wait_for(1)) == 1
    finally:
        box.stop()
    assert rows(outbox)[0]["delivery_state"] == "delivered"


def test_an_attempt_cut_off_by_a_crash_is_marked_and_sent_again(outbox, mailbox):
    number = store()
    [(job, *_)] = leads.due_jobs(time.time(), ["email"])
    leads.begin_attempt(job, time.time())  # ...and then the process died: no outcome
    worker = delivery.Worker()
    assert worker.take_lock()
    assert leads.recover_interrupted() == 1
    worker.send_due()
    assert mailbox.wait_for(1)[0]["X-Aanvraagnummer"] == str(number)
    with sqlite3.connect(outbox) as db:
        assert [o for (o,) in db.execute("SELECT outcome FROM delivery_attempts ORDER BY id")] == [
            "interrupted",
            "ok",
        ]


def test_one_worker_per_outbox(outbox):
    first, second = delivery.Worker(), delivery.Worker()
    assert first.take_lock() and not second.take_lock()
    first.lock.close()
    assert second.take_lock()


def test_a_request_is_never_stored_without_its_jobs(outbox, monkeypatch):
    monkeypatch.setenv("LEADS_WEBHOOK_URL", "https://crm.example.nl/hook")
    intake = uuid.uuid4().hex
    number = leads.store(REQUEST, intake, "s")
    assert leads.store(REQUEST, intake, "s") == number  # a retried action stores once
    with sqlite3.connect(outbox) as db:
        assert sorted(c for (c,) in db.execute("SELECT channel FROM deliveries")) == ["email", "webhook"]
        db.execute(
            "CREATE TRIGGER no_jobs BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'kapot'); END"
        )
    with pytest.raises(sqlite3.IntegrityError):
        leads.store(REQUEST, uuid.uuid4().hex, "s")
    assert [r["id"] for r in rows(outbox)] == [str(number)]  # the request went with its job


def test_settings_refuse_what_would_leak_or_cannot_work():
    plain = delivery.Settings.from_env(
        {
            "LEADS_EMAIL_TO": "a@b.nl",
            "LEADS_WEBHOOK_URL": "http://crm.example.nl/x",
            "LEADS_WEBHOOK_SECRET": "kort",
        }
    )
    assert plain.channels() == ["email"] and plain.smtp_port == 587 and plain.smtp_security == "starttls"
    assert any("https" in p for p in plain.problems) and any("16 tekens" in p for p in plain.problems)
    wrong = delivery.Settings.from_env({"LEADS_EMAIL_TO": "a@b.nl", "SMTP_SECURITY": "ssl"})
    assert wrong.channels() == [] and "starttls, tls of none" in wrong.problems[0]
    assert delivery.Settings.from_env({"SMTP_SECURITY": "tls"}).smtp_port == 465
    assert delivery.Settings.from_env({}).channels() == []  # nothing configured: requests wait
    schedule = delivery.Settings.from_env({})
    assert [schedule.delay(n) for n in (1, 2, 3, 4, 5, 9)] == [60, 300, 900, 3600, 7200, 7200]
    assert schedule.retry_hours >= 24
