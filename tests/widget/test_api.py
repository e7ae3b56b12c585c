"""The widget's HTTP side against the real assistant: pages, sessions, tokens, dedupe, CORS."""

import time
import uuid

import pytest
import requests

from bot.runtime.channel import Tokens
from bot.runtime.web import MAX_TEXT

pytestmark = pytest.mark.assistant

GREETING = "Hallo! Ik ben de digitale assistent"


def client_id():
    return uuid.uuid4().hex


def new_session(api, **kw):
    response = api.session(**kw)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_pages_are_served_from_the_chat_prefix(assistant):
    page = requests.get(assistant.chat, timeout=10)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/chat/widget.js"' in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    for name, kind in (("widget.js", "text/javascript"), ("widget.css", "text/css")):
        response = requests.get(assistant.chat + name, timeout=10)
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
        assert response.headers["x-content-type-options"] == "nosniff"
        again = requests.get(assistant.chat + name, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304
    assert requests.get(assistant.chat + "../credentials.yml", timeout=10).status_code == 404
    assert requests.get(assistant.chat + "index.html", timeout=10).status_code == 404


def test_a_new_session_has_a_server_made_id_and_one_opening_message(api):
    data = new_session(api)
    assert len(data["session_id"]) == 32 and data["token"].startswith(data["session_id"] + ".")
    assert data["expires_at"] > time.time() + 3600
    [opening] = data["messages"]
    assert opening["from"] == "bot" and opening["text"].startswith(GREETING)
    assert [b["title"] for b in opening["buttons"]] == [
        "Vacature doorgeven",
        "Welke functie past bij mij?",
        "Wat is het verschil?",
    ]
    history = api.history(data["token"]).json()["messages"]
    assert history == [opening]  # the opening payload itself is not shown
    # a second session is another conversation
    assert new_session(api)["session_id"] != data["session_id"]


@pytest.mark.parametrize(
    "body, first",
    [
        ({"audience": "werkgever"}, ["Vacature doorgeven", "/hire_request"]),
        ({"audience": "kandidaat"}, ["Welke functie past bij mij?", "/career_quiz"]),
        ({"audience": "<b>iets anders</b>"}, ["Vacature doorgeven", "/hire_request"]),  # the general opening
    ],
)
def test_the_opening_follows_the_audience_of_the_page(api, body, first):
    general = new_session(api)["messages"][0]
    [opening] = new_session(api, json=body)["messages"]
    assert opening["text"].startswith(GREETING)
    assert [opening["buttons"][0]["title"], opening["buttons"][0]["payload"]] == first
    assert (opening == general) == (body["audience"] not in ("werkgever", "kandidaat"))


def test_the_browser_cannot_choose_the_sender(api, assistant):
    victim = new_session(api)
    api.message(victim["token"], "wat doet een office manager?", client_id())
    # a body naming the victim's session, without its token, reads or writes nothing
    response = requests.post(
        api.base + "message",
        json={"text": "hoi", "client_id": client_id(), "sender": victim["session_id"]},
        timeout=30,
    )
    assert response.status_code == 401
    response = requests.post(api.base + "session", json={"sender": victim["session_id"]}, timeout=60)
    assert response.json()["session_id"] != victim["session_id"]
    assert len(api.history(victim["token"]).json()["messages"]) == 3


def test_a_message_gets_the_answer_and_the_history_keeps_it(api):
    session = new_session(api)
    response = api.message(session["token"], "wat doet een office manager?", client_id())
    assert response.status_code == 200
    answer = response.json()["messages"]
    assert answer and "kantoor" in answer[0]["text"].lower()
    history = api.history(session["token"]).json()["messages"]
    assert [m["from"] for m in history] == ["bot", "user"] + ["bot"] * len(answer)
    assert history[1]["text"] == "wat doet een office manager?"


def test_a_quick_reply_is_stored_with_its_title(api):
    session = new_session(api, json={"audience": "kandidaat"})
    button = session["messages"][0]["buttons"][2]
    response = api.message(session["token"], button["payload"], client_id(), display=button["title"])
    assert "telefoon" in " ".join(m["text"] for m in response.json()["messages"]).lower()
    history = api.history(session["token"]).json()["messages"]
    assert history[1] == {"from": "user", "text": "Wat doet een secretaresse?", "buttons": []}
    # display is only for payloads: typed text shows itself
    api.message(session["token"], "wat doet een office manager?", client_id(), display="iets anders")
    assert api.history(session["token"]).json()["messages"][-2]["text"] == "wat doet een office manager?"


def test_a_retried_message_is_handled_once(api):
    session = new_session(api)
    cid = client_id()
    first = api.message(session["token"], "wat doet een secretaresse?", cid).json()["messages"]
    again = api.message(session["token"], "wat doet een secretaresse?", cid).json()["messages"]
    assert again == first
    history = api.history(session["token"]).json()["messages"]
    assert [m["text"] for m in history if m["from"] == "user"] == ["wat doet een secretaresse?"]


def test_forged_altered_or_expired_tokens_get_401(api, assistant):
    session = new_session(api)
    api.message(session["token"], "wat doet een office manager?", client_id())
    sid, exp, sig = session["token"].split(".")
    secret = (assistant.var_dir / "widget-secret").read_text().strip().encode()
    expired, _ = Tokens(secret, ttl=-10).issue(sid)
    forged = [
        "",
        "nep",
        f"{sid}.{exp}.{'0' * 64}",
        f"{sid}.{int(exp) + 1}.{sig}",
        f"{uuid.uuid4().hex}.{exp}.{sig}",
        Tokens(b"x" * 64).issue(sid)[0],
        expired,
    ]
    for token in forged:
        for response in (api.history(token), api.message(token, "hoi", client_id())):
            assert response.status_code == 401, token
            body = response.json()
            assert body["error"] == "token" and "messages" not in body
    assert requests.get(api.base + "history", timeout=10).status_code == 401
    assert (
        requests.get(
            api.base + "history", headers={"Authorization": session["token"]}, timeout=10
        ).status_code
        == 401
    )  # not a Bearer token
    # the genuine token still works, and its history is still its own
    assert api.history(session["token"]).status_code == 200


def test_bad_messages_are_refused(api):
    token = new_session(api)["token"]
    assert api.message(token, "x" * (MAX_TEXT + 1), client_id()).status_code == 413
    assert api.message(token, "   ", client_id()).status_code == 400
    assert api.message(token, "hoi", "kort").status_code == 400
    response = requests.post(
        api.base + "message", data="geen json", timeout=10, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400


def test_cors_only_for_the_configured_site(api, site):
    allowed, other = f"http://127.0.0.1:{site.port}", f"http://localhost:{site.port}"
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    response = requests.options(api.base + "message", headers=dict(preflight, Origin=allowed), timeout=10)
    assert response.headers["access-control-allow-origin"] == allowed
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "POST" in response.headers["access-control-allow-methods"]
    response = requests.post(api.base + "session", headers={"Origin": allowed}, timeout=60)
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == allowed
    assert "origin" in response.headers["vary"].lower()

    for origin in (other, "https://evil.example", "null"):
        response = requests.options(api.base + "message", headers=dict(preflight, Origin=origin), timeout=10)
        assert "access-control-allow-origin" not in response.headers
        response = requests.post(api.base + "session", headers={"Origin": origin}, timeout=10)
        assert response.status_code == 403 and "access-control-allow-origin" not in response.headers
    # never a wildcard, on any of the widget's routes
    for path in ("", "widget.js", "api/history"):
        response = requests.get(api.base.replace("api/", "") + path, headers={"Origin": allowed}, timeout=10)
        assert response.headers.get("access-control-allow-origin") in (None, allowed)
