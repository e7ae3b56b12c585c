"""A visitor who goes through the intake in the chat widget and declines consent, and what the
agency's staff then see of that conversation on the admin page (issue 22). Shared by the
SQLite (tests/widget) and PostgreSQL (tests/scale) tests."""

import re

import requests
from playwright.sync_api import expect

# What the visitor types, and taps (a quick reply's title), in the widget.
ANSWERS = [
    "ik zoek een secretaresse",
    "vast",
    "32",
    "1 maart",
    "Notariskantoor Visser",
    "Petra Visser",
    "petra.visser@notarisvisser.nl 06 87654321",
    "tap:Overslaan",
    "tap:Nee",
]
PERSONAL = ["Visser", "petra.visser", "87654321", "+31687654321"]
REMOVED = "[verwijderd: geen toestemming]"


def decline_consent(chat_base: str) -> tuple:
    """Walk the intake through the widget's API as the widget does (a tapped quick reply sends
    its payload and its title). Returns the session id and the last reply's text."""
    api = chat_base + "api/"
    session = requests.post(api + "session", timeout=60).json()
    token, buttons, text = session["token"], [], ""
    for index, answer in enumerate(ANSWERS):
        body = {"text": answer, "client_id": f"consent-{index:04d}"}
        if answer.startswith("tap:"):
            button = next(b for b in buttons if b["title"] == answer[4:])
            body = dict(body, text=button["payload"], display=button["title"])
        reply = requests.post(
            api + "message", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        assert reply.status_code == 200, reply.text
        messages = reply.json()["messages"]
        token = reply.json()["token"]
        buttons = [b for m in messages for b in m.get("buttons") or []]
        text = "\n".join(m["text"] for m in messages)
    return session["session_id"], text


def log_in(page, base: str, name: str, password: str, target: str = "") -> None:
    page.goto(base + target)
    expect(page).to_have_url(re.compile(r"/admin/login"))
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def assert_transcript_without_personal_data(page, base: str, session_id: str) -> None:
    """The admin page's transcript of that conversation: what the visitor saw, with the
    personal answers replaced by the marker."""
    page.goto(base + "gesprek?id=" + session_id)
    expect(page.get_by_role("heading", level=1)).to_have_text("Gesprek")
    user = page.locator(".msg-user .bubble")
    expect(user).to_have_text(
        ["ik zoek een secretaresse", "vast", "32", "1 maart", REMOVED, REMOVED, REMOVED, REMOVED, "Nee"]
    )  # "Overslaan" was the answer to the description: removed too
    shown = page.locator("main").inner_text()
    for personal in PERSONAL:
        assert personal not in shown
    expect(page.locator(".msg-bot .bubble", has_text="uit dit gesprek verwijderd")).to_have_count(1)
