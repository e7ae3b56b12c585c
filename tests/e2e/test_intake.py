"""The vacancy intake and the career quiz over HTTP, against the real servers, and the
stored requests as the agency sees them (`python -m bot leads`)."""

import csv
import io
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

from bot.runtime.texts import response_text
from tests.e2e.assistant import PROJECT, Assistant


def leads_csv(var_dir, *args):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "leads", "--db", str(var_dir / "leads.db"), *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    return list(csv.DictReader(io.StringIO(result.stdout)))


def fill_intake(assistant, sender, consent="ja"):
    """Walk the intake up to the summary; returns the summary text."""
    ask = lambda text: assistant.ask(sender, text)  # noqa: E731
    assert "vaste of een tijdelijke" in ask("wij zoeken een office manager")
    assert "uur per week" in ask("vast")
    assert "Vanaf wanneer" in ask("32 uur")
    assert "naam van je organisatie" in ask("1 maart")
    assert "Wat is je naam" in ask("Bakker & Zonen BV")
    assert "e-mailadres" in ask("Jan Jansen")
    invalid = ask("jan at bakker punt nl")
    assert "e-mailadres" in invalid  # explained and asked again
    assert "kort iets over de functie" in ask("jan@bakker.nl of 06 12345678")
    assert "bewaren" in ask("nee")
    return ask(consent)


def test_employer_goes_from_request_to_stored_and_exported_lead(assistant, var_dir):
    sender = f"intake-{uuid.uuid4().hex[:8]}"
    summary = fill_intake(assistant, sender)
    for shown in (
        "office manager",
        "vast",
        "32 uur",
        "Bakker & Zonen BV",
        "Jan Jansen",
        "jan@bakker.nl",
        "+31612345678",
        "Klopt alles?",
    ):
        assert shown in summary
    stored = assistant.ask(sender, "ja")
    assert "opgeslagen onder nummer" in stored
    rows = [
        r for r in leads_csv(var_dir) if r["contact_name"] == "Jan Jansen" and r["email"] == "jan@bakker.nl"
    ]
    assert len(rows) == 1
    assert rows[0]["role"] == "office manager" and rows[0]["hours"] == "32" and rows[0]["contract"] == "vast"
    assert rows[0]["start_date"].endswith("-03-01") and rows[0]["phone"] == "+31612345678"
    assert leads_csv(var_dir, "--since", "2999-01-01") == []


def test_question_in_between_is_answered_and_the_intake_resumes(assistant):
    sender = f"intake-{uuid.uuid4().hex[:8]}"
    assert "vaste of een tijdelijke" in assistant.ask(sender, "ik zoek een secretaresse")
    answer = assistant.ask(sender, "wat doet een office manager eigenlijk?")
    assert "kantoor" in answer and "vaste of een tijdelijke" in answer
    assert "uur per week" in assistant.ask(sender, "tijdelijk")


def test_stop_cancels_and_says_so(assistant, var_dir):
    sender = f"intake-{uuid.uuid4().hex[:8]}"
    assistant.ask(sender, "wij willen een secretaresse aannemen")
    reply = assistant.ask(sender, "laat maar")
    assert "geen aanvraag opgeslagen" in reply and "verwijderd" not in reply  # no personal data was given
    # back to normal questions afterwards
    assert "HBO" in assistant.ask(sender, "welke opleiding heeft een office manager nodig")


def stored_conversation(var_dir, sender):
    with sqlite3.connect(var_dir / "tracker.db") as db:
        return [
            data
            for (data,) in db.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,))
        ]


def test_without_consent_no_request_is_stored_and_the_personal_answers_are_removed(assistant, var_dir):
    before = len(leads_csv(var_dir))
    sender = f"intake-{uuid.uuid4().hex[:8]}"
    reply = fill_intake(assistant, sender, consent="nee")
    assert "geen aanvraag opgeslagen" in reply and "contact" in reply.lower()
    assert (
        "Ik heb de naam van je organisatie, je naam en je contactgegevens uit dit gesprek verwijderd" in reply
        and "bewaren we 90 dagen" in reply
    )  # the description was skipped: nothing said of it
    assert len(leads_csv(var_dir)) == before
    stored = "\n".join(stored_conversation(var_dir, sender))
    for personal in ("Bakker", "Jan Jansen", "jan@bakker.nl", "jan at bakker", "+31612345678"):
        assert personal not in stored
    assert "[verwijderd: geen toestemming]" in stored
    assert "32 uur" in stored and "wij zoeken een office manager" in stored  # the rest is kept, as said
    # and the conversation goes on
    assert "HBO" in assistant.ask(sender, "welke opleiding heeft een office manager nodig")


def test_stopping_after_personal_data_removes_it_too(assistant, var_dir):
    sender = f"intake-{uuid.uuid4().hex[:8]}"
    for text in (
        "ik zoek een secretaresse",
        "tijdelijk",
        "20 uur",
        "zo snel mogelijk",
        "Tandartspraktijk Smit",
    ):
        assistant.ask(sender, text)
    reply = assistant.ask(sender, "stop")
    assert (
        "geen aanvraag opgeslagen" in reply and "Ik heb de naam van je organisatie uit dit gesprek" in reply
    )
    assert "Tandartspraktijk Smit" not in "\n".join(stored_conversation(var_dir, sender))


def test_career_quiz_ends_in_a_reasoned_recommendation(assistant):
    sender = f"quiz-{uuid.uuid4().hex[:8]}"
    assert "Vraag 1 van 5" in assistant.ask(sender, "ik wil de test doen")
    for answer, next_question in [
        ("ja", "Vraag 2"),
        ("nee", "Vraag 3"),
        ("nee", "Vraag 4"),
        ("ja", "Vraag 5"),
    ]:
        assert next_question in assistant.ask(sender, answer)
    result = assistant.ask(sender, "ja")
    assert "De functie office manager past het best bij je" in result and "•" in result


# Loaded into every Python process of the assistant started below: the first request stored
# kills its process right after the commit, before the visitor is told the number.
DIE_AFTER_STORE = """
import os, signal

try:
    from bot.stores import leads  # the project is on the path of the launcher's children only
except ImportError:
    leads = None


def store(*args, **kwargs):
    number = committed(*args, **kwargs)
    if not os.path.exists({marker!r}):
        open({marker!r}, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return number


if leads:
    committed, leads.store = leads.store, store
"""


def python_that_dies_after_storing(tmp_path: Path, marker: Path) -> Path:
    """A virtual environment on the same base interpreter that reads .venv's packages and
    loads DIE_AFTER_STORE at start-up (both through .pth files). The launcher starts its
    action server with the Python it runs on, so the fault needs no hook in the product."""
    real = Path(os.path.realpath(sys.executable))
    root = tmp_path / "python"
    site_packages = root / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    site_packages.mkdir(parents=True)
    (root / "bin").mkdir()
    (root / "bin" / "python").symlink_to(real)
    (root / "bin" / "rasa").symlink_to(Path(sys.executable).parent / "rasa")  # the launcher's venv_bin
    (root / "pyvenv.cfg").write_text(f"home = {real.parent}\ninclude-system-site-packages = false\n")
    venv_packages = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    (site_packages / "a_venv.pth").write_text(f"import site; site.addsitedir({venv_packages!r})\n")
    (site_packages / "die_after_store.py").write_text(DIE_AFTER_STORE.format(marker=str(marker)))
    (site_packages / "z_die_after_store.pth").write_text("import die_after_store\n")
    return root / "bin" / "python"


def test_request_survives_the_action_server_dying_between_commit_and_confirmation(tmp_path, monkeypatch):
    from tests.e2e.test_faults import wait_for  # (test_faults imports this module)

    marker = tmp_path / "died"
    with monkeypatch.context() as patched:  # Assistant.start runs the launcher on sys.executable
        patched.setattr(sys, "executable", str(python_that_dies_after_storing(tmp_path, marker)))
        running = Assistant(tmp_path).start()
    try:
        sender = f"crash-{uuid.uuid4().hex[:8]}"
        fill_intake(running, sender)
        assert running.ask(sender, "ja") == response_text("utter_no_reply")  # the confirmation never left
        assert marker.exists()
        rows = leads_csv(tmp_path)
        assert [r["contact_name"] for r in rows] == ["Jan Jansen"]  # ...but the request was committed
        wait_for(f"http://127.0.0.1:{running.action_port}/health")  # restarted by the launcher
        retry = running.ask(sender, "ja")  # the visitor tries again: the same request, its number
        assert f"opgeslagen onder nummer {rows[0]['id']}" in retry
        assert len(leads_csv(tmp_path)) == 1
    finally:
        running.stop()


def test_one_answer_can_be_corrected_before_confirming(assistant, var_dir):
    sender = f"intake-{uuid.uuid4().hex[:8]}"
    summary = fill_intake(assistant, sender)
    assert "32 uur" in summary
    assert "Wat wil je aanpassen?" in assistant.ask(sender, "/correct_vacancy")
    assert assistant.ask(sender, '/correct_vacancy{"field": "hours"}').strip() == "Hoeveel uur per week?"
    corrected = assistant.ask(sender, "24 uur")
    assert "24 uur" in corrected and "32 uur" not in corrected and "1 maart" in corrected
    assert "opgeslagen onder nummer" in assistant.ask(sender, "ja")
    assert any(r["hours"] == "24" for r in leads_csv(var_dir))
