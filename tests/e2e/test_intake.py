"""The vacancy intake and the career quiz over HTTP, against the real servers, and the
stored requests as the agency sees them (`python -m bot leads`)."""
import csv
import io
import os
import signal
import subprocess
import sys
import uuid


from tests.e2e.assistant import PROJECT, Assistant


def leads_csv(var_dir, *args):
    result = subprocess.run([sys.executable, "-m", "bot", "leads", "--db", str(var_dir / "leads.db"), *args],
                            cwd=PROJECT, capture_output=True, text=True, check=True)
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
    for shown in ("office manager", "vast", "32 uur", "Bakker & Zonen BV", "Jan Jansen",
                  "jan@bakker.nl", "+31612345678", "Klopt alles?"):
        assert shown in summary
    stored = assistant.ask(sender, "ja")
    assert "opgeslagen onder nummer" in stored
    rows = [r for r in leads_csv(var_dir) if r["contact_name"] == "Jan Jansen" and r["email"] == "jan@bakker.nl"]
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
    assert "niets opgeslagen" in assistant.ask(sender, "laat maar")
    # back to normal questions afterwards
    assert "HBO" in assistant.ask(sender, "welke opleiding heeft een office manager nodig")


def test_without_consent_nothing_is_stored(assistant, var_dir):
    before = len(leads_csv(var_dir))
    reply = fill_intake(assistant, f"intake-{uuid.uuid4().hex[:8]}", consent="nee")
    assert "niets opgeslagen" in reply and "contact" in reply.lower()
    assert len(leads_csv(var_dir)) == before


def test_career_quiz_ends_in_a_reasoned_recommendation(assistant):
    sender = f"quiz-{uuid.uuid4().hex[:8]}"
    assert "Vraag 1 van 5" in assistant.ask(sender, "ik wil de test doen")
    for answer, next_question in [("ja", "Vraag 2"), ("nee", "Vraag 3"), ("nee", "Vraag 4"), ("ja", "Vraag 5")]:
        assert next_question in assistant.ask(sender, answer)
    result = assistant.ask(sender, "ja")
    assert "De functie office manager past het best bij je" in result and "•" in result


def test_request_survives_killing_the_action_server_right_after_the_confirmation(tmp_path):
    running = Assistant(tmp_path).start()
    try:
        sender = f"crash-{uuid.uuid4().hex[:8]}"
        fill_intake(running, sender)
        assert "opgeslagen onder nummer" in running.ask(sender, "ja")
        actions = running.pids()["actions"]
        assert actions, "action server not found"
        for pid in actions:
            os.kill(int(pid), signal.SIGKILL)
    finally:
        running.stop()
    rows = leads_csv(tmp_path)
    assert [r["contact_name"] for r in rows] == ["Jan Jansen"]


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
