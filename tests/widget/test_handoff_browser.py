"""The live handoff and the callback (issue 23) in Debian's Chromium, two browsers at once: a
visitor in the chat widget asks for a person, a logged-in staff member switched on
("beschikbaar") sees the conversation waiting under Wacht op antwoord, reads it, answers, and the
visitor has the answer within 2 s with the staff member's first name; while the staff member has
it the assistant is silent; handed back, the assistant answers again. Outside office hours
(a second assistant, OFFICE_HOURS=gesloten) the visitor is offered a callback, which is stored,
mailed (aiosmtpd) and listed on the admin page. axe on the new pages and widget states."""

import re
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from bot.stores import leads, live
from tests.e2e.assistant import PROJECT, Assistant
from tests.receivers import Mailbox

pytestmark = pytest.mark.assistant

STAFF, PASSWORD = "sanne.de.wit", "sanne-haar-wachtwoord-2026"
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def no_violations(page, state):
    result = Axe().run(page, options=WCAG)
    assert result.violations_count == 0, f"{state}:\n{result.generate_report()}"


def make_account(var_dir):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "admin-user", STAFF, "--password-stdin", "--var-dir", str(var_dir)],
        cwd=PROJECT,
        capture_output=True,
        timeout=120,
        input=PASSWORD.encode(),
    )
    assert result.returncode == 0, result.stderr.decode()


def staff_page(browser, rasa_port):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and page.errors.append(m.text))
    page.goto(f"http://127.0.0.1:{rasa_port}/admin/wachtrij")
    page.get_by_label("Naam").fill(STAFF)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wacht op antwoord")
    return page


def test_a_staff_member_answers_a_visitor_live_and_hands_back_to_the_assistant(
    assistant, browser, new_visitor
):
    make_account(assistant.var_dir)
    desk = staff_page(browser, assistant.rasa_port)
    desk.get_by_role("button", name="Zet mij op beschikbaar").click()
    expect(desk.get_by_role("status")).to_contain_text("Je staat op beschikbaar")
    expect(desk.get_by_text("Er wacht nu niemand op een medewerker.")).to_be_visible()
    no_violations(desk, "Wacht op antwoord, leeg")

    visitor = (
        new_visitor(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).goto().open()
    )
    [said] = visitor.ask("ik wil iemand spreken")
    assert said.startswith("Ik zet je door naar een medewerker van 2ASSISTU")
    handoff = visitor.page.locator("#rol-advies-chat .handoff")
    expect(handoff).to_have_text("Je wacht op een medewerker van 2ASSISTU. Je kunt je vraag alvast typen.")
    visitor.input.fill("Ik zoek een secretaresse voor drie dagen per week")
    visitor.input.press("Enter")
    expect(visitor.bubbles("user")).to_have_count(2)
    no_violations(visitor.page, "widget: waiting for a person")

    # the staff member's open page: the count in the menu and the title change by themselves
    count = desk.locator("#wachtrij-aantal")
    expect(count).to_have_text(re.compile(r"^1\s*gesprek$"), timeout=10_000)
    expect(desk).to_have_title(re.compile(r"^\(1\) Nieuw: Wacht op antwoord"))
    desk.get_by_role("link", name=re.compile("^Gesprek van")).click()  # (the list refreshed itself)
    bubbles = desk.locator(".transcript .bubble")
    expect(bubbles.filter(has_text="ik wil iemand spreken")).to_have_count(1)
    expect(bubbles.last).to_have_text("Ik zoek een secretaresse voor drie dagen per week")
    assert visitor.texts("bot")[-1] == said  # the assistant did not answer it
    no_violations(desk, "a conversation waiting for an answer")

    desk.get_by_label("Je antwoord aan de bezoeker").fill("Hallo, ik ben Sanne. Voor hoeveel uur precies?")
    started = time.monotonic()
    desk.get_by_role("button", name="Versturen").click()
    staff_bubble = visitor.page.locator("#rol-advies-chat .msg-staff .bubble")
    expect(staff_bubble).to_contain_text("Voor hoeveel uur precies?", timeout=2_000)
    assert time.monotonic() - started < 2.0
    expect(visitor.page.locator("#rol-advies-chat .msg-staff .who")).to_have_text("Sanne van 2ASSISTU")
    expect(handoff).to_have_text("Je chat met een medewerker van 2ASSISTU.")
    expect(desk.get_by_role("status")).to_have_text("Je antwoord is verstuurd.")
    expect(desk.locator(".transcript .who").last).to_contain_text("Sanne (medewerker)")
    no_violations(visitor.page, "widget: a staff member answered")
    # the README's screenshots: the visitor's phone, and the staff member's page
    visitor.page.screenshot(path=str(PROJECT / "docs" / "handoff-phone.png"))
    desk.screenshot(
        path=str(PROJECT / "docs" / "wachtrij.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1100, "height": 1500},
    )

    # the visitor's next message reaches the open conversation page without a reload
    visitor.input.fill("24 uur, vanaf maart")
    visitor.input.press("Enter")
    expect(bubbles.last).to_have_text("24 uur, vanaf maart", timeout=5_000)
    expect(visitor.bubbles("bot")).to_have_count(3)  # still no answer of the assistant

    desk.get_by_role("button", name="Teruggeven aan de assistent").click()
    expect(desk.get_by_role("status")).to_have_text("Het gesprek is teruggegeven aan de assistent.")
    expect(visitor.bubbles("bot").last).to_contain_text(
        "Je praat weer met de digitale assistent", timeout=3_000
    )
    expect(handoff).to_be_hidden()
    before = visitor.bubbles("bot").count()
    answer = " ".join(visitor.ask("wat doet een office manager?"))
    assert visitor.bubbles("bot").count() > before and "office manager" in answer.lower()
    desk.goto(desk.url.split("/admin/")[0] + "/admin/wachtrij")
    expect(desk.get_by_text("Er wacht nu niemand op een medewerker.")).to_be_visible()
    expect(count).to_be_hidden()
    desk.goto(
        desk.url.split("/admin/")[0] + "/admin/gesprekken?dagen=7&uitkomst=doorverbonden"
    )  # its outcome
    expect(desk.locator("td.preview a", has_text="ik wil iemand spreken")).to_have_count(1)
    assert desk.errors == [] and visitor.errors == []
    desk.context.close()


@pytest.fixture(scope="module")
def closed(tmp_path_factory):
    """A second assistant, outside office hours, that mails requests to a real SMTP server."""
    mailbox = Mailbox().start()
    var_dir = tmp_path_factory.mktemp("closed-var")
    running = Assistant(var_dir, env=dict(mailbox.env(), OFFICE_HOURS="gesloten")).start()
    running.chat = f"http://127.0.0.1:{running.rasa_port}/chat/"
    running.mailbox = mailbox
    yield running
    running.stop()
    mailbox.stop()


def test_outside_office_hours_a_callback_is_stored_mailed_and_listed(closed, browser, new_visitor):
    visitor = new_visitor().goto(closed.chat).open()
    visitor.ask("praat ik met een echt mens?")
    visitor.page.get_by_role(
        "button", name="Spreek een medewerker"
    ).click()  # the bot challenge's quick reply
    expect(visitor.bubbles("bot").last).to_contain_text("geen medewerker van 2ASSISTU beschikbaar")
    no_violations(visitor.page, "widget: the callback offered")
    before = visitor.bubbles("bot").count()
    visitor.page.get_by_role("button", name="Ja, bel me terug").click()
    assert "Wat is je naam" in " ".join(visitor.wait_for_answer(before))
    assert "bereiken" in " ".join(visitor.ask("Els de Vries"))
    assert "Waar gaat je vraag over" in " ".join(visitor.ask("06 12345678"))
    assert "bewaren" in " ".join(visitor.ask("Hebben jullie ook parttime werk voor secretaresses?"))
    stored = " ".join(visitor.ask("ja"))
    number = int(re.search(r"nummer (\d+)", stored).group(1))

    [mail] = closed.mailbox.wait_for(1)
    assert mail["Subject"] == f"Terugbelverzoek {number}: Els de Vries, +31612345678"
    assert (
        "Vraag: Hebben jullie ook parttime werk voor secretaresses?"
        in mail.get_body(("plain",)).get_content()
    )
    [row] = leads.export_rows(path=closed.var_dir / "leads.db")
    assert (row["kind"], row["contact_name"], row["phone"]) == (
        "terugbelverzoek",
        "Els de Vries",
        "+31612345678",
    )

    make_account(closed.var_dir)
    desk = staff_page(browser, closed.rasa_port)
    expect(desk.get_by_text("Het is nu buiten kantoortijd")).to_be_visible()
    desk.get_by_role("link", name="Aanvragen").click()
    listed = desk.locator(f"#aanvraag-{number}")
    expect(listed).to_contain_text("Terugbelverzoek")
    expect(listed).to_contain_text("Vraag: Hebben jullie ook parttime werk voor secretaresses?")
    expect(listed).to_contain_text("bezorgd")
    no_violations(desk, "Aanvragen with a callback")
    assert desk.errors == [] and visitor.errors == []
    desk.context.close()


def test_the_poll_answers_only_its_own_conversation_and_a_wait_nobody_answers_ends(assistant, api):
    db = assistant.var_dir / "handoff.db"
    live.set_available("piet", True, path=db)
    try:
        mine, other, slow = (api.session().json() for _ in range(3))

        def poll(session, after=0, token=None):
            return requests.get(
                api.base + f"poll?na={after}",
                timeout=10,
                headers={"Authorization": f"Bearer {token or session['token']}"},
            )

        reply = api.message(mine["token"], "ik wil iemand spreken", uuid.uuid4().hex).json()
        assert reply["handoff"] == "wacht" and reply["messages"][0]["text"].startswith("Ik zet je door")
        assert (
            api.message(mine["token"], "hallo?", uuid.uuid4().hex).json()["messages"] == []
        )  # kept, no answer
        number = live.push(mine["session_id"], "Alleen voor jou", "Anna", "anna", path=db)
        assert poll(mine).json() == {
            "handoff": "actief",
            "last": number,
            "messages": [{"from": "bot", "text": "Alleen voor jou", "buttons": [], "staff": "Anna"}],
        }
        assert poll(mine, number).json()["messages"] == []
        assert poll(other).json() == {
            "handoff": None,
            "messages": [],
            "last": 0,
        }  # another conversation: nothing
        assert poll(mine, token=mine["token"][:-4] + "0000").status_code == 401
        history = api.history(mine["token"]).json()
        assert (
            history["handoff"] == "actief" and history["last"] == number
        )  # (the staff's answer: its own test)
        assert [m["text"] for m in history["messages"] if m["from"] == "user"][-1] == "hallo?"

        # nobody answers the other one in time: the assistant takes over and offers a callback
        api.message(slow["token"], "ik wil iemand spreken", uuid.uuid4().hex)
        with sqlite3.connect(db) as connection:
            connection.execute(
                "UPDATE handoffs SET asked_at = asked_at - 3600 WHERE sender = ?", (slow["session_id"],)
            )
        got = poll(slow).json()
        assert got["handoff"] is None
        [said] = got["messages"]
        assert said["text"].startswith("Het lukt nu niet om je met een medewerker te verbinden")
        assert said["buttons"] == [{"title": "Terugbelverzoek doen", "payload": "/ask_human"}]
        offer = api.message(
            slow["token"], "/ask_human", uuid.uuid4().hex, display="Terugbelverzoek doen"
        ).json()
        assert (
            "zullen we je terugbellen?" in offer["messages"][0]["text"].lower() and offer["handoff"] is None
        )
    finally:
        live.set_available("piet", False, path=db)
        live.hand_back(mine["session_id"], db)
