"""Delivery of vacancy requests by the running assistant: a real SMTP server (aiosmtpd) and a
real HTTP receiver in this process, the assistant (`python -m bot run`) configured to use
them. The SMTP server goes down while requests are made, the action server is killed with
`kill -9` in the middle of a send, and a person's data is erased from the live stores."""

import csv
import hashlib
import hmac
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest
import requests

from bot.runtime.instance import server_pids
from tests.e2e.assistant import PROJECT, Assistant
from tests.e2e.test_faults import wait_for
from tests.receivers import Mailbox, WebhookReceiver

SECRET = "webhook-" + uuid.uuid4().hex
PRIVACY_URL = "https://www.2assistu.nl/privacyverklaring"


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def receiver():
    hook = WebhookReceiver()
    yield hook
    hook.stop()


@pytest.fixture(scope="module")
def assistant(var_dir, mailbox, receiver):
    env = dict(
        mailbox.env(),
        LEADS_WEBHOOK_URL=receiver.url,
        LEADS_WEBHOOK_SECRET=SECRET,
        LEADS_RETRY_DELAYS="1,2",
        PRIVACY_URL=PRIVACY_URL,
    )
    running = Assistant(var_dir, env).start()
    yield running
    if running.process.poll() is None:
        running.stop()


def intake(assistant, name, email):
    """A whole intake over HTTP; returns (request number, the consent question as shown)."""
    sender = f"lead-{uuid.uuid4().hex[:8]}"
    for text, next_question in [
        ("wij zoeken een office manager", "vaste of een tijdelijke"),
        ("vast", "uur per week"),
        ("32 uur", "Vanaf wanneer"),
        ("1 maart", "naam van je organisatie"),
        ("Bakker & Zonen BV", "Wat is je naam"),
        (name, "e-mailadres"),
        (email, "kort iets over de functie"),
    ]:
        reply = assistant.ask(sender, text)
        assert next_question in reply, (text, reply)
    consent = assistant.ask(sender, "nee")  # no description; then the consent question
    assert "Klopt alles?" in assistant.ask(sender, "ja")
    stored = assistant.ask(sender, "ja")
    return int(re.search(r"opgeslagen onder nummer (\d+)", stored).group(1)), consent


def leads_csv(var_dir):
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "leads", "--db", str(var_dir / "leads.db")],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    return shown.stdout, {int(r["id"]): r for r in csv.DictReader(io.StringIO(shown.stdout))}


def copies(mailbox, number):
    return [m for m in mailbox.messages if m["X-Aanvraagnummer"] == str(number)]


def test_a_confirmed_request_reaches_the_agency_by_mail_and_webhook(assistant, mailbox, receiver):
    number, consent = intake(assistant, "Jan Jansen", "jan@bakker.nl")
    assert "We bewaren je aanvraag een jaar en dit gesprek 90 dagen" in consent
    assert consent.endswith(f"Meer in onze privacyverklaring: {PRIVACY_URL}")

    deadline = time.monotonic() + 30
    while not (copies(mailbox, number) and receiver.posts) and time.monotonic() < deadline:
        time.sleep(0.2)
    [mail] = copies(mailbox, number)
    print("\n--- mail as the SMTP server received it ---\n" + mail.as_string()[:6000])
    text = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == f"Vacatureaanvraag {number}: office manager, Bakker & Zonen BV"
    assert mail["Reply-To"] == "Jan Jansen <jan@bakker.nl>"
    for line in (
        "Naam: Jan Jansen",
        "E-mail: jan@bakker.nl",
        "Uren per week: 32 uur",
        "Omschrijving: (geen)",
    ):
        assert line in text
    assert f'"{consent}"' in text  # the exact question the visitor answered

    [post] = [p for p in receiver.posts if p["headers"]["Idempotency-Key"] == str(number)]
    stamp = post["headers"]["X-2ASSISTU-Timestamp"]
    assert (
        post["headers"]["X-2ASSISTU-Signature"]
        == "sha256="
        + hmac.new(SECRET.encode(), stamp.encode() + b"." + post["body"], hashlib.sha256).hexdigest()
    )
    body = json.loads(post["body"])
    assert body["request_number"] == number and body["contact_name"] == "Jan Jansen"
    assert body["consent"]["text"] == consent

    page = requests.get(
        assistant.url.split("/webhooks")[0] + "/chat/privacy", allow_redirects=False, timeout=10
    )
    assert page.status_code == 302 and page.headers["Location"] == PRIVACY_URL


def test_smtp_down_while_three_requests_are_made_then_up_all_three_arrive_once(assistant, mailbox, var_dir):
    mailbox.stop()
    try:
        numbers = [
            intake(assistant, name, f"{name.split()[0].lower()}@werkgever.nl")[0]
            for name in ("Anna de Vries", "Bob Smit", "Cas Peters")
        ]
        time.sleep(2)
        _, rows = leads_csv(var_dir)
        for number in numbers:
            assert (
                rows[number]["delivery_state"] == "pending"
                and "refused" in rows[number]["last_error"].lower()
            )
            assert copies(mailbox, number) == []
    finally:
        mailbox.start()
    deadline = time.monotonic() + 60
    while not all(copies(mailbox, n) for n in numbers) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # room for a double
    assert [len(copies(mailbox, n)) for n in numbers] == [1, 1, 1]
    shown, rows = leads_csv(var_dir)
    print("\n--- python -m bot leads ---\n" + shown)
    for number in numbers:
        assert rows[number]["delivery_state"] == "delivered" and int(rows[number]["attempts"]) >= 3


def test_kill_9_of_the_action_server_mid_send_the_request_arrives_after_the_restart(
    assistant, mailbox, var_dir
):
    mailbox.entered.clear()
    mailbox.release.clear()  # the SMTP server holds the message: the send is in progress
    try:
        number, _ = intake(assistant, "Dirk de Boer", "dirk@werkgever.nl")
        assert mailbox.entered.wait(30), "the worker did not start sending"
        for pid in server_pids(assistant.rasa_port, assistant.action_port)["actions"]:
            os.kill(pid, signal.SIGKILL)
        time.sleep(1)  # the SMTP server sees the connection die
    finally:
        mailbox.release.set()  # the cut-off copy is dropped (tests/receivers.py)
    wait_for(f"http://127.0.0.1:{assistant.action_port}/health")  # restarted by the launcher
    deadline = time.monotonic() + 60
    while not copies(mailbox, number) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # room for a double
    assert len(copies(mailbox, number)) == 1  # sent again by the restarted action server
    _, rows = leads_csv(var_dir)
    assert rows[number]["delivery_state"] == "delivered"
    with sqlite3.connect(var_dir / "leads.db") as db:
        outcomes = db.execute(
            "SELECT a.outcome FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id "
            "WHERE d.request_id = ? AND d.channel = 'email' ORDER BY a.id",
            (number,),
        ).fetchall()
    assert outcomes == [("interrupted",), ("ok",)]


def test_forget_erases_one_person_from_the_live_stores(assistant, var_dir):
    number, _ = intake(assistant, "Erik Visser", "erik@werkgever.nl")
    other = f"ander-{uuid.uuid4().hex[:8]}"
    assistant.ask(other, "wat doet een secretaresse")
    with sqlite3.connect(var_dir / "tracker.db") as db:
        [(sender,)] = db.execute(
            "SELECT DISTINCT sender_id FROM events WHERE data LIKE '%erik@werkgever.nl%'"
        )
    erased = subprocess.run(
        [sys.executable, "-m", "bot", "forget", "erik@werkgever.nl", "--var-dir", str(var_dir)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"aanvragen: 1 (nummers {number})" in erased and "gesprekken: 1" in erased
    with sqlite3.connect(var_dir / "tracker.db") as db:
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (other,)).fetchone()[0] > 0
    assert number not in leads_csv(var_dir)[1]
    assert "Fijn dat je iemand zoekt" in assistant.ask(sender, "wij zoeken een secretaresse")  # a fresh start
