"""The admin page's parts without a server: accounts and sessions (admin_db), the handled state of
requests and unanswered questions with their migrations, the grouping of questions and hiding
junk, the CSV for Dutch Excel, the return address after logging in, the list of conversations
and the figures read from a tracker store that Rasa's own SQLTrackerStore wrote, and the charts.
The pages themselves, in Chromium against the running assistant: tests/widget/test_admin_browser.py."""
import asyncio
import csv
import io
import re
import sqlite3
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores import leads, unanswered
from bot.office import admin_db, charts, conversations
from bot.office.admin import local_path
from bot.runtime.launcher import PROJECT
from tests.test_retention import request

PASSWORD = "een-lang-wachtwoord"


# ---- accounts, sessions, rate limit, audit log ---------------------------------------------------

def test_a_password_is_stored_as_a_salted_scrypt_hash_in_a_file_only_its_owner_reads(tmp_path):
    db = tmp_path / "admin.db"
    assert not admin_db.exists(db) and not db.exists()  # no account: the page is off, no file made
    assert admin_db.set_password("anna", PASSWORD, db) is True
    assert admin_db.exists(db)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with sqlite3.connect(db) as connection:
        (stored,) = connection.execute("SELECT password FROM accounts WHERE name = 'anna'").fetchone()
    assert stored.startswith("scrypt$32768$8$1$") and PASSWORD not in stored
    assert PASSWORD.encode() not in db.read_bytes()
    assert admin_db.check_password(PASSWORD, stored) and not admin_db.check_password(PASSWORD + "x", stored)
    assert admin_db.hash_password(PASSWORD) != admin_db.hash_password(PASSWORD)  # a salt per hash
    with pytest.raises(ValueError, match="minstens 12 tekens"):
        admin_db.set_password("anna", "kort", db)
    with pytest.raises(ValueError, match="Een naam"):
        admin_db.set_password("a b", PASSWORD, db)


def test_opening_the_file_keeps_the_locks_another_connection_holds(tmp_path):
    # The admin page opens the file from several threads at once (five charts load together).
    # Closing any descriptor of the file drops this process's POSIX locks on it, so a write
    # transaction open elsewhere in the process must still hold its lock afterwards.
    db = tmp_path / "admin.db"
    admin_db.set_password("anna", PASSWORD, db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    admin_db.connect(db).close()
    other = subprocess.run(
        [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=0); "
                               "c.execute('BEGIN IMMEDIATE')", str(db)],
        capture_output=True, text=True)
    holder.execute("ROLLBACK")
    assert other.returncode != 0 and "database is locked" in other.stderr


def test_sessions_end_when_idle_after_a_working_day_at_logout_and_with_a_new_password(tmp_path, monkeypatch):
    db = tmp_path / "admin.db"
    admin_db.set_password("anna", PASSWORD, db)
    start = time.time()
    assert admin_db.log_in("anna", "fout-wachtwoord!", "10.0.0.1", start, db) is None
    token, csrf = admin_db.log_in("anna", PASSWORD, "10.0.0.1", start, db)
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT token_hash FROM sessions").fetchone()[0] != token  # only its hash
    assert admin_db.session(token, start + 60, db) == admin_db.Session("anna", csrf)
    assert admin_db.session(token + "x", start + 60, db) is None
    # every request counts as activity: 25 minutes apart, for two hours, the session lives
    for minutes in range(25, 125, 25):
        assert admin_db.session(token, start + minutes * 60, db) is not None
    assert admin_db.session(token, start + 120 * 60 + admin_db.IDLE_SECONDS + 1, db) is None  # idle too long
    assert admin_db.session(token, start + 200 * 60, db) is None  # and gone

    monkeypatch.setenv("ADMIN_IDLE_MINUTES", "600")
    token, _ = admin_db.log_in("anna", PASSWORD, "10.0.0.1", start, db)
    moment = start
    while moment < start + admin_db.MAX_SESSION_SECONDS - 3600:
        moment += 3600
        assert admin_db.session(token, moment, db) is not None
    assert admin_db.session(token, start + admin_db.MAX_SESSION_SECONDS + 1, db) is None  # a working day at most

    token, _ = admin_db.log_in("anna", PASSWORD, "10.0.0.1", None, db)
    admin_db.log_out(token, db)
    assert admin_db.session(token, None, db) is None
    token, _ = admin_db.log_in("anna", PASSWORD, "10.0.0.1", None, db)
    admin_db.set_password("anna", PASSWORD + "2", db)  # a new password ends the sessions
    assert admin_db.session(token, None, db) is None
    actions = [action for _, name, _, action, _ in admin_db.recent(20, db) if name == "anna"]
    assert actions.count("ingelogd") == 4 and "inloggen mislukt" in actions and "wachtwoord gewijzigd" in actions


def test_logins_are_limited_per_name_and_per_address(tmp_path):
    db = tmp_path / "admin.db"
    admin_db.set_password("anna", PASSWORD, db)
    now = time.time()
    for attempt in range(admin_db.MAX_FAILS_PER_NAME):
        assert admin_db.wait_before_login("anna", "10.0.0.1", now + attempt, db) == 0
        assert admin_db.log_in("Anna", "geraden-wachtwoord", "10.0.0.1", now + attempt, db) is None
    wait = admin_db.wait_before_login("anna", "10.0.0.9", now + 10, db)  # another address: still refused
    assert 0 < wait <= admin_db.LOGIN_WINDOW
    assert admin_db.wait_before_login("piet", "10.0.0.1", now + 10, db) == 0  # another name: not yet
    assert admin_db.wait_before_login("anna", "10.0.0.1", now + admin_db.LOGIN_WINDOW + 1, db) == 0
    # one address that tries many names
    for number in range(admin_db.MAX_FAILS_PER_ADDRESS):
        admin_db.log_in(f"naam{number}", "geraden-wachtwoord", "10.0.0.2", now + 20, db)
    assert admin_db.wait_before_login("bert", "10.0.0.2", now + 21, db) > 0
    assert admin_db.wait_before_login("bert", "10.0.0.3", now + 21, db) == 0
    failed = [(name, address) for _, name, address, action, _ in admin_db.recent(100, db)
              if action == "inloggen mislukt"]
    assert ("Anna", "10.0.0.1") in failed and len(failed) == admin_db.MAX_FAILS_PER_NAME + admin_db.MAX_FAILS_PER_ADDRESS


def cli(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT, input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_admin_user_command_reads_the_password_from_stdin_and_refuses_a_short_one(tmp_path):
    made = cli("admin-user", "anna", "--password-stdin", "--var-dir", str(tmp_path), stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert "Account anna aangemaakt" in made.stdout
    short = cli("admin-user", "piet", "--password-stdin", "--var-dir", str(tmp_path), stdin="kort\n")
    assert short.returncode == 1 and "minstens 12 tekens" in short.stderr
    assert admin_db.log_in("anna", PASSWORD, "1.2.3.4", None, tmp_path / "admin.db") is not None
    log = cli("admin-log", "--var-dir", str(tmp_path))
    assert "anna" in log.stdout and "account aangemaakt" in log.stdout and "ingelogd" in log.stdout
    removed = cli("admin-user", "anna", "--remove", "--var-dir", str(tmp_path))
    assert removed.returncode == 0 and not admin_db.exists(tmp_path / "admin.db")


# ---- handled state: requests and unanswered questions ------------------------------------------

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


def ask(db, sender, question, when="2026-12-01T10:00:00+00:00", outcome="niet in kennis"):
    unanswered.record(sender, question, "out_of_scope", 0.9, "buiten het onderwerp", outcome, db)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE unanswered SET asked_at = ? WHERE id = (SELECT max(id) FROM unanswered)", (when,))


def test_questions_with_nearly_the_same_words_are_one_group_most_frequent_first(tmp_path):
    db = tmp_path / "unanswered.db"
    for sender, question in [("a", "wat verdient een secretaresse?"), ("a", "Wat verdient een secretaresse"),
                             ("b", "hoeveel verdient een secretaresse eigenlijk"), ("c", "wat verdiend een secretaresse"),
                             ("c", "wat verdient een office manager"), ("d", "wie wordt er kampioen?"),
                             ("d", "wat is het salaris van een secretaresse"),
                             ("e", "kan een secretaresse parttime werken"),
                             ("e", "kan een office manager parttime werken")]:
        ask(db, sender, question)
    ask(db, "f", "wat doet een office manager", outcome="zoekantwoord")  # answered by the search: not listed
    groups = unanswered.groups("open", db)
    assert [(g.count, g.question) for g in groups] == [
        (4, "Wat verdient een secretaresse"), (1, "kan een office manager parttime werken"),
        (1, "kan een secretaresse parttime werken"), (1, "wat is het salaris van een secretaresse"),
        (1, "wat verdient een office manager"), (1, "wie wordt er kampioen?")]
    salary = groups[0]
    assert sorted(salary.wordings) == ["Wat verdient een secretaresse", "hoeveel verdient een secretaresse eigenlijk",
                                       "wat verdiend een secretaresse"]
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
        connection.execute("CREATE TABLE unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, "
                           "sender TEXT NOT NULL, question TEXT NOT NULL, intent TEXT, confidence REAL, "
                           "tried TEXT NOT NULL, outcome TEXT NOT NULL)")
        connection.execute("INSERT INTO unanswered (asked_at, sender, question, tried, outcome) VALUES "
                           "('2026-11-01T09:00:00+00:00', 's', 'wat is het salaris', 'zoeken', 'niet in kennis')")
    [group] = unanswered.groups("open", db)
    assert (group.question, group.status, group.senders[0][0]) == ("wat is het salaris", "open", "s")
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == unanswered.SCHEMA_VERSION


# ---- figures from a real tracker store, and the charts ------------------------------------------

DOMAIN = PROJECT / "domain.yml"


def save(store, sender, turns):
    """turns: [(unix time, text, intent, action after it, widget metadata)]"""
    events = []
    for moment, text, intent, action, meta in turns:
        events.append(UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=moment,
                                  metadata={"widget": meta} if meta else None, input_channel="widget"))
        events.append(ActionExecuted(action, timestamp=moment + 0.1))
        events.append(BotUttered(f"antwoord op {text}", {"buttons": [{"title": "Wat is het verschil?",
                                                                       "payload": "/ask_difference"}]},
                                 timestamp=moment + 0.2))
    tracker = DialogueStateTracker.from_events(sender, events)
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, also beside Playwright's in one pytest run
        thread.submit(asyncio.run, store.save(tracker)).result()


def talks(store, now):
    day = 24 * 3600
    save(store, "eerste", [(now - 2 * day, "/greet", "greet", "utter_greet", {"opening": True}),
                           (now - 2 * day + 5, "wat doet een office manager", "ask_definition", "action_answer_role", {}),
                           (now - 2 * day + 9, "wat verdient ze?", "out_of_scope", "action_not_in_knowledge", {}),
                           (now - 2 * day + 20, '/ask_tasks{"role": "secretaresse"}', "ask_tasks",
                            "action_answer_role", {"display": "Taken van een secretaresse"})])
    save(store, "tweede", [(now - 60, "hoi", "greet", "utter_greet", {}),
                           (now - 50, "sdfsdf", "nlu_fallback", "action_not_in_knowledge", {})])
    save(store, "oud", [(now - 40 * day, "wat doet een secretaresse", "ask_definition", "action_answer_role", {})])


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
    assert topics == {"Wat doet de functie": 1, "Buiten het onderwerp": 1, "Taken": 1,
                      "Niet begrepen (terugval)": 1}  # greetings are no topic, the opening is no message
    assert sum(found.chart("aanvragen-per-week").values) == 1
    assert "gemiddeld 2,5 berichten" in found.chart("berichten-per-gesprek").summary
    assert len(conversations.overview(reader, tmp_path / "leads.db", 90, noon).chart("gesprekken-per-dag").labels) == 90
    assert conversations.overview(reader, tmp_path / "leads.db", 90, noon).conversations == 3

    messages, channel = conversations.conversation(reader, "eerste")
    assert channel == "widget"
    assert [(m.who, m.text) for m in messages][:2] == [("bot", "antwoord op /greet"),
                                                      ("user", "wat doet een office manager")]
    assert ("user", "Taken van een secretaresse") in [(m.who, m.text) for m in messages]  # the title, not the payload
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
    intents = {i if isinstance(i, str) else next(iter(i)) for i in yaml.safe_load(DOMAIN.read_text())["intents"]}
    assert intents - set(conversations.TOPICS) - conversations.NOT_TOPICS == set()
    assert not set(conversations.TOPICS) & conversations.NOT_TOPICS


@pytest.mark.parametrize("kind", ["bar", "line", "hbar"])
def test_a_chart_has_one_element_per_value_and_loads_nothing(kind):
    values = [3, None, 0, 12.5, 7] if kind == "line" else [3, 0, 5, 1]
    chart = conversations.Chart("x", "Titel", kind, [f"dag {i}" for i in range(len(values))], values, "Aantal",
                                unit="%" if kind == "line" else "")
    drawing = charts.svg(chart)
    assert drawing.startswith("<svg") and drawing.count("tooltip-trigger") == sum(v is not None for v in values)
    assert not re.search(r"(href|src)=\"(https?:)?//", drawing)  # nothing from another site
    assert "dag 3" in drawing


def test_days_are_dutch_days():
    midnight_utc = datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc)  # 00:30 in Amsterdam (summer time)
    assert conversations.local(midnight_utc.timestamp()).date().isoformat() == "2026-07-02"
    assert conversations.local("2026-12-31T23:30:00+00:00").date().isoformat() == "2027-01-01"
    assert conversations.short_day((midnight_utc + timedelta(days=1)).date()) == "2 jul"


def test_admin_user_asks_the_password_twice_on_the_terminal_without_showing_it(tmp_path):
    import os
    import pty
    import select

    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command on a real terminal
        os.chdir(PROJECT)
        os.execv(sys.executable, [sys.executable, "-m", "bot", "admin-user", "bert", "--var-dir", str(tmp_path)])
    seen = b""

    def until(text):
        nonlocal seen
        deadline = time.monotonic() + 60
        while text not in seen and time.monotonic() < deadline:
            if select.select([terminal], [], [], 0.5)[0]:
                try:
                    seen += os.read(terminal, 1024)
                except OSError:
                    break
        assert text in seen, seen

    until(b"(minstens 12 tekens): ")
    os.write(terminal, (PASSWORD + "\n").encode())
    until(b"Nog een keer: ")
    os.write(terminal, (PASSWORD + "\n").encode())
    until(b"Account bert aangemaakt")
    assert os.waitpid(pid, 0)[1] == 0
    assert PASSWORD.encode() not in seen  # not echoed
    assert admin_db.log_in("bert", PASSWORD, "1.2.3.4", None, tmp_path / "admin.db") is not None


# ---- a day's work: the list of conversations, junk, notes, the CSV, the return address -----------

def test_the_list_says_who_how_long_and_how_each_conversation_ended_and_searches_its_words(tmp_path):
    today = datetime.now(conversations.LOCAL).date()
    now = datetime(today.year, today.month, today.day, 12, tzinfo=conversations.LOCAL).timestamp()
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    talks(store, now)  # "eerste" (a fallback among answers), "tweede" (gibberish), "oud" (40 days ago)
    save(store, "werkgever", [(now - 300, "/greet", "greet", "utter_greet", {"opening": True}),
                              (now - 290, "Wij zoeken een secretaresse in Zwolle", "hire_request",
                               "action_start_intake", {}),
                              (now - 280, "Bakker & Zonen", "inform", "vacancy_form", {})])
    save(store, "kandidaat", [(now - 200, "welke functie past bij mij?", "career_quiz", "action_start_quiz", {}),
                              (now - 190, "ja, ik plan graag", "affirm", "career_quiz_form", {})])
    save(store, "antwoord", [(now - 100, "Wat doet een secretaresse?", "ask_definition", "action_answer_role", {})])
    save(store, "kandidatenpagina", [(now - 400, "/greet", "greet", "utter_greet", {"opening": True, "audience": "kandidaat"}),
                                     (now - 390, "wat verdient een secretaresse", "out_of_scope",
                                      "action_not_in_knowledge", {})])
    store.engine.dispose()
    reader = conversations.TrackerReader.from_env({"TRACKER_DB": str(tmp_path / "tracker.db")})
    request(tmp_path, "werkgever", "Els", "els@bakker.nl", None)

    listed = conversations.summaries(reader, tmp_path / "leads.db", 7, datetime.fromtimestamp(now, timezone.utc))
    seen = {s.sender: (s.first_question, s.who, s.messages, s.outcome) for s in listed}
    assert seen == {
        "tweede": ("hoi", "onbekend", 2, "onbeantwoord"),
        "antwoord": ("Wat doet een secretaresse?", "onbekend", 1, "beantwoord"),
        "kandidaat": ("welke functie past bij mij?", "kandidaat", 2, "beantwoord"),
        "werkgever": ("Wij zoeken een secretaresse in Zwolle", "werkgever", 2, "aanvraag"),  # the opening is no message
        "kandidatenpagina": ("wat verdient een secretaresse", "kandidaat", 1, "onbeantwoord"),  # by the page
        "eerste": ("wat doet een office manager", "onbekend", 3, "onbeantwoord")}  # 40 days ago is not listed
    assert [s.sender for s in listed] == ["tweede", "antwoord", "kandidaat", "werkgever", "kandidatenpagina",
                                          "eerste"]  # latest first

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
    assert conversations.stronger("aanvraag", "onbeantwoord") == conversations.stronger("onbeantwoord", "aanvraag") \
        == "aanvraag"  # a request counts, even after a question it could not answer


def test_a_question_hidden_as_junk_leaves_the_list_and_stays_hidden_when_asked_again(tmp_path):
    db = tmp_path / "unanswered.db"
    for sender, question in [("a", "<script>alert(1)</script>"), ("b", "asdfgh qwerty"), ("c", "asdfgh qwerty"),
                             ("d", "wat verdient een secretaresse")]:
        ask(db, sender, question)
    junk = [g for g in unanswered.groups("open", db) if g.question == "asdfgh qwerty"][0]
    assert unanswered.groups("open", db)[0] is not None and junk.count == 2
    assert unanswered.mark(junk.ids, "junk", "anna", db) == 2
    assert [g.question for g in unanswered.groups("open", db)] == ["<script>alert(1)</script>",
                                                                    "wat verdient een secretaresse"]
    [hidden] = unanswered.groups("junk", db)
    assert (hidden.question, hidden.count, hidden.status, hidden.handled_by) == ("asdfgh qwerty", 2, "junk", "anna")
    assert unanswered.groups("done", db) == [] and "asdfgh" not in unanswered.report(db)
    ask(db, "e", "Asdfgh, qwerty!")  # the same words again: hidden at once
    assert unanswered.groups("junk", db)[0].count == 3
    assert "asdfgh qwerty" not in [g.question for g in unanswered.groups("open", db)]
    unanswered.mark(unanswered.groups("junk", db)[0].ids, "open", "anna", db)  # shown again
    assert unanswered.groups("open", db)[0].count == 3 and unanswered.groups("junk", db) == []

    salary = [g for g in unanswered.groups("open", db) if "verdient" in g.question][0]
    unanswered.mark(salary.ids, "added", "anna", db, note="  Salaris staat nu onder 'werkomgeving'. " + "x" * 600)
    [added] = unanswered.groups("done", db)
    assert added.note.startswith("Salaris staat nu onder") and len(added.note) == unanswered.NOTE_LENGTH
    unanswered.mark(added.ids, "open", "anna", db)
    assert unanswered.groups("open", db)[-1].note is None


def test_an_unanswered_log_of_version_1_gets_notes_and_keeps_its_rows(tmp_path):
    db = tmp_path / "unanswered.db"
    with sqlite3.connect(db) as connection:  # the table as the first admin page left it
        connection.execute("CREATE TABLE unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, "
                           "sender TEXT NOT NULL, question TEXT NOT NULL, intent TEXT, confidence REAL, "
                           "tried TEXT NOT NULL, outcome TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', "
                           "handled_at TEXT, handled_by TEXT)")
        connection.execute("INSERT INTO unanswered (asked_at, sender, question, tried, outcome, status, handled_at, "
                           "handled_by) VALUES ('2026-11-01T09:00:00+00:00', 's', 'wat is het salaris', 'zoeken', "
                           "'niet in kennis', 'added', '2026-11-02T09:00:00+00:00', 'anna'), "
                           "('2026-11-03T09:00:00+00:00', 't', 'hoe laat is het', 'zoeken', 'niet in kennis', "
                           "'open', NULL, NULL)")
        connection.execute("PRAGMA user_version = 1")
    [done] = unanswered.groups("done", db)
    assert (done.question, done.status, done.handled_by, done.note) == ("wat is het salaris", "added", "anna", None)
    assert [g.question for g in unanswered.groups("open", db)] == ["hoe laat is het"]
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == unanswered.SCHEMA_VERSION == 2
        assert connection.execute("SELECT count(*) FROM unanswered").fetchone()[0] == 2


def test_the_csv_for_dutch_excel_has_a_bom_semicolons_dutch_headers_and_dutch_times(tmp_path):
    path = tmp_path / "leads.db"
    number = request(tmp_path, "gesprek-1", "=HYPERLINK(\"https://x\")", "els@oud.nl", "+31612345678")
    with sqlite3.connect(path) as db:  # received on a summer evening, handled on a winter one (UTC)
        db.execute("UPDATE vacancy_requests SET created_at = '2026-07-01T22:30:00+00:00', "
                   "description = 'Twee regels;\nmet een puntkomma', handled_at = '2026-12-03T17:05:00+00:00', "
                   "handled_by = 'anna' WHERE id = ?", (number,))
    body = leads.export_excel(path=path, states={"pending": "wacht op verzending"})
    assert body.startswith("\ufeff") and body.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))
    assert list(rows[0]) == ["Nummer", "Ontvangen", "Functie", "Vast of tijdelijk", "Uren per week", "Startdatum",
                             "Organisatie", "Naam", "E-mail", "Telefoon", "Omschrijving", "Toestemming gegeven",
                             "Bezorging", "Pogingen", "Fout bij bezorgen", "Bezorgd op", "Afgehandeld op",
                             "Afgehandeld door", "Soort"]
    [row] = rows
    assert (row["Nummer"], row["Ontvangen"], row["Afgehandeld op"]) == (str(number), "02-07-2026 00:30",
                                                                     "03-12-2026 18:05")  # CEST, CET
    assert (row["Startdatum"], row["Uren per week"], row["Bezorging"]) == ("01-01-2027", "24", "wacht op verzending")
    assert row["Omschrijving"] == "Twee regels;\nmet een puntkomma"
    assert row["Naam"] == "'=HYPERLINK(\"https://x\")" and row["Telefoon"] == "'+31612345678"  # no formula runs
    assert leads.export_excel(since="2999-01-01", path=path).count("\n") == 1  # only the headers
    assert leads.export_csv(path=path).startswith("id,created_at,")  # make leads prints its own format


@pytest.mark.parametrize("asked, landed", [
    ("/admin/gesprekken?dagen=7&zoek=zwolle", "/admin/gesprekken?dagen=7&zoek=zwolle"),
    ("/admin/gesprek?id=abc&terug=%2Fadmin%2Fvragen", "/admin/gesprek?id=abc&terug=%2Fadmin%2Fvragen"),
    ("https://elders.example/admin/", "/admin/aanvragen"), ("//elders.example/admin/", "/admin/aanvragen"),
    ("/admin//elders.example", "/admin/aanvragen"), ("/admin/\\elders.example", "/admin/aanvragen"),
    ("/\\elders.example", "/admin/aanvragen"), ("/admin/x\r\nSet-Cookie: a=b", "/admin/aanvragen"),
    ("/chat/", "/admin/aanvragen"), ("admin/vragen", "/admin/aanvragen"), ("", "/admin/aanvragen")])
def test_after_login_only_a_page_of_the_admin_on_this_server_is_a_return_address(asked, landed):
    assert local_path(asked, "/admin/aanvragen") == landed
