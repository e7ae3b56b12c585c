"""Security defaults against the real servers (docs/security.md): the HTTP API off unless a
token or JWT secret is set, and then 401 without it; CORS only for configured origins; a
request-body limit; a per-conversation rate limit with a Dutch message; the action server on
the loopback address only; secrets neither on a command line nor in a log."""

import socket
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests

from bot.runtime.ratelimit import TOO_MANY
from tests.e2e.assistant import Assistant

TOKEN = "token-" + uuid.uuid4().hex
JWT_SECRET = "jwt-" + uuid.uuid4().hex
ALLOWED = "https://www.2assistu.example"
FOREIGN = "https://evil.example"
API_ROUTES = [
    ("GET", "/status"),
    ("GET", "/version"),
    ("POST", "/model/parse"),
    ("GET", "/conversations/iemand/tracker"),
    ("POST", "/conversations/iemand/messages"),
    ("PUT", "/model"),
    ("POST", "/model/train"),
    ("GET", "/domain"),
]
# Everything the default assistant should be started with, whatever the developer's shell has.
DEFAULTS = {
    "RASA_API_TOKEN": "",
    "RASA_JWT_SECRET": "",
    "RASA_CORS_ORIGINS": "",
    "ACTION_HOST": "",
    "WIDGET_RATE_LIMIT": "",
    "REST_RATE_LIMIT": "",
    "SANIC_REQUEST_MAX_SIZE": "",
}


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """The assistant as `make run` starts it: nothing configured."""
    running = Assistant(tmp_path_factory.mktemp("plain"), env=DEFAULTS).start()
    running.base = f"http://127.0.0.1:{running.rasa_port}"
    yield running
    if running.process.poll() is None:
        running.stop()


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    """The HTTP API on with a token and a JWT secret, one CORS origin, a short rate window."""
    running = Assistant(
        tmp_path_factory.mktemp("secured"),
        env=dict(
            DEFAULTS,
            RASA_API_TOKEN=TOKEN,
            RASA_JWT_SECRET=JWT_SECRET,
            RASA_CORS_ORIGINS=ALLOWED,
            WIDGET_RATE_LIMIT="4/15",
        ),
    ).start()
    running.base = f"http://127.0.0.1:{running.rasa_port}"
    yield running
    if running.process.poll() is None:
        running.stop()


def widget_session(base: str) -> str:
    response = requests.post(base + "/chat/api/session", timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def widget_message(base: str, token: str, text: str = "hallo") -> requests.Response:
    return requests.post(
        base + "/chat/api/message",
        timeout=60,
        json={"text": text, "client_id": uuid.uuid4().hex},
        headers={"Authorization": f"Bearer {token}"},
    )


def rest(base: str, sender: str, message: str = "hallo", **kw) -> requests.Response:
    return requests.post(
        base + "/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60, **kw
    )


def bearer(payload: dict, secret: str = JWT_SECRET) -> dict:
    return {
        "Authorization": "Bearer "
        + jwt.encode(dict(payload, exp=int(time.time()) + 300), secret, algorithm="HS256")
    }


# ---- the HTTP API --------------------------------------------------------------------------------


def test_the_http_api_is_off_by_default(plain):
    for method, path in API_ROUTES:
        response = requests.request(method, plain.base + path, json={"text": "hallo"}, timeout=30)
        assert response.status_code == 404, (method, path, response.status_code)
    assert "HTTP-API van Rasa: uit" in plain.output.read_text()
    # the channels are not part of the API and keep working
    assert rest(plain.base, f"s-{uuid.uuid4().hex[:8]}").status_code == 200
    assert requests.get(plain.base + "/chat/", timeout=30).status_code == 200


def test_with_a_token_requests_without_it_get_401(secured):
    for method, path in API_ROUTES:
        if path == "/version":
            continue  # Rasa answers its version to anyone (no data, no model)
        response = requests.request(method, secured.base + path, json={"text": "hallo"}, timeout=30)
        assert response.status_code == 401, (method, path, response.status_code)
        wrong = requests.request(
            method,
            secured.base + path,
            params={"token": TOKEN[:-1] + "x"},
            json={"text": "hallo"},
            timeout=30,
        )
        assert wrong.status_code == 401, (method, path, wrong.status_code)
    status = requests.get(secured.base + "/status", params={"token": TOKEN}, timeout=30)
    assert status.status_code == 200 and status.json()["model_file"]
    parsed = requests.post(
        secured.base + "/model/parse",
        params={"token": TOKEN},
        json={"text": "wat doet een office manager"},
        timeout=30,
    )
    assert parsed.status_code == 200 and parsed.json()["intent"]["name"] == "ask_definition"


def test_with_a_jwt_secret_only_signed_tokens_pass_and_a_user_sees_only_their_conversation(secured):
    url = secured.base + "/conversations/{}/tracker"
    rest(secured.base, "alice", "wat doet een secretaresse")
    assert (
        requests.get(
            url.format("alice"), headers=bearer({"user": {"username": "x", "role": "admin"}}), timeout=30
        ).status_code
        == 200
    )
    forged = bearer({"user": {"username": "x", "role": "admin"}}, secret="een-ander-geheim-" + "x" * 16)
    assert requests.get(url.format("alice"), headers=forged, timeout=30).status_code == 401
    alice = bearer({"user": {"username": "alice", "role": "user"}})
    assert requests.get(url.format("alice"), headers=alice, timeout=30).status_code == 200
    assert requests.get(url.format("bob"), headers=alice, timeout=30).status_code == 403


def test_the_secrets_are_on_no_command_line_and_in_no_log(secured):
    requests.get(secured.base + "/status", params={"token": TOKEN}, timeout=30)
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        assert TOKEN not in text and JWT_SECRET not in text, cmdline
    for log in (secured.var_dir / "logs").glob("*.log"):
        text = log.read_text(errors="replace")
        assert TOKEN not in text and JWT_SECRET not in text, log
    assert "HTTP-API van Rasa: aan" in secured.output.read_text()


# ---- CORS ----------------------------------------------------------------------------------------


def cors_headers(response: requests.Response) -> dict:
    return {k.lower(): v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


@pytest.mark.parametrize(
    "method, path",
    [
        ("POST", "/webhooks/rest/webhook"),
        ("OPTIONS", "/webhooks/rest/webhook"),
        ("POST", "/chat/api/session"),
        ("OPTIONS", "/chat/api/message"),
        ("GET", "/"),
    ],
)
def test_an_unknown_origin_gets_no_cors_header(plain, secured, method, path):
    for running in (plain, secured):
        response = requests.request(
            method,
            running.base + path,
            timeout=60,
            json={"sender": "cors", "message": "hallo"},
            headers={"Origin": FOREIGN, "Access-Control-Request-Method": "POST"},
        )
        assert cors_headers(response) == {}, (running.base, method, path)
        if path.startswith("/chat/api") and method != "OPTIONS":
            assert response.status_code == 403  # the widget refuses a page on a foreign site


def test_a_configured_origin_gets_cors_on_rasas_routes(secured):
    response = requests.post(
        secured.base + "/model/parse",
        params={"token": TOKEN},
        timeout=30,
        json={"text": "hallo"},
        headers={"Origin": ALLOWED},
    )
    assert response.headers.get("access-control-allow-origin") == ALLOWED


def test_the_admin_page_gets_no_cors_header_even_for_a_configured_origin(secured):
    import subprocess
    import sys

    from tests.e2e.assistant import PROJECT

    base = secured.base + "/admin/"
    assert requests.get(base + "login", timeout=30).status_code == 404  # off: no account
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "admin-user",
            "beheer",
            "--password-stdin",
            "--var-dir",
            str(secured.var_dir),
        ],
        input="een-lang-wachtwoord\n",
        text=True,
        cwd=PROJECT,
        check=True,
        capture_output=True,
    )
    for method, path in (
        ("GET", "login"),
        ("OPTIONS", "login"),
        ("OPTIONS", "aanvragen/1"),
        ("POST", "aanvragen/1"),
        ("GET", "aanvragen.csv"),
        ("GET", "grafiek/onderwerpen.svg"),
    ):
        response = requests.request(
            method,
            base + path,
            allow_redirects=False,
            timeout=30,
            headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
        )
        assert response.status_code in (200, 204, 303), (method, path, response.status_code)
        assert cors_headers(response) == {}, (method, path)


# ---- the request-body limit ----------------------------------------------------------------------


def test_a_body_over_the_limit_gets_413_and_the_server_keeps_answering(plain):
    big = "wat doet een office manager " * 4000  # 112 kB, above the 64 kB limit
    response = requests.post(
        plain.base + "/webhooks/rest/webhook", json={"sender": "big", "message": big}, timeout=30
    )
    assert response.status_code == 413 and "te lang" in response.json()["error"]

    # the limit is the launcher's 64 kB (Sanic reads SANIC_REQUEST_MAX_SIZE): below it a body
    # is read and refused by the channel (not JSON: 400), above it refused unread (413)
    for size, status in ((60_000, 400), (70_000, 413)):
        response = requests.post(
            plain.base + "/webhooks/rest/webhook",
            data=b"x" * size,
            timeout=30,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == status, (size, response.status_code, response.text[:200])

    def chunks():  # no Content-Length: the limit is counted while the body comes in
        for _ in range(200):
            yield b"x" * 1000

    response = requests.post(
        plain.base + "/webhooks/rest/webhook",
        data=chunks(),
        timeout=30,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413

    token = widget_session(plain.base)
    response = widget_message(plain.base, token, big)
    assert response.status_code == 413 and response.json()["error"] == "too_long"

    assert "kantoor" in plain.ask(f"s-{uuid.uuid4().hex[:8]}", "wat doet een office manager").lower()
    assert widget_message(plain.base, token, "wat doet een secretaresse").status_code == 200


# ---- the rate limit ------------------------------------------------------------------------------


def test_the_widgets_21st_message_within_a_minute_gets_429_in_dutch(plain):
    token, other = widget_session(plain.base), widget_session(plain.base)
    started = time.monotonic()
    for i in range(20):
        response = widget_message(plain.base, token)
        assert response.status_code == 200, (i, response.text)
    refused = widget_message(plain.base, token)
    assert time.monotonic() - started < 60
    assert refused.status_code == 429
    assert refused.json() == {"error": "rate_limit", "message": TOO_MANY}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers.get("x-content-type-options") == "nosniff"  # the channel's headers too
    assert widget_message(plain.base, other).status_code == 200  # another visitor is not affected


def test_the_rest_channel_limits_each_sender_the_same_way(plain):
    sender = f"rl-{uuid.uuid4().hex[:8]}"
    for i in range(20):
        assert rest(plain.base, sender).status_code == 200, i
    refused = rest(plain.base, sender)
    assert refused.status_code == 429 and refused.json() == {"error": TOO_MANY}
    assert int(refused.headers["Retry-After"]) >= 1
    assert rest(plain.base, f"rl-{uuid.uuid4().hex[:8]}").status_code == 200


def test_after_the_window_the_session_works_again(secured):
    token = widget_session(secured.base)  # WIDGET_RATE_LIMIT=4/15 here
    for i in range(4):
        assert widget_message(secured.base, token).status_code == 200, i
    refused = widget_message(secured.base, token)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 15
    time.sleep(wait + 0.5)
    answer = widget_message(secured.base, token, "wat doet een office manager")
    assert answer.status_code == 200 and "kantoor" in answer.json()["messages"][0]["text"].lower()


# ---- where the servers listen --------------------------------------------------------------------


def listening_addresses(port: int) -> set:
    """Local addresses of the sockets in LISTEN state on `port`, from the kernel's tables (no
    traffic: this workplace allows connections to loopback addresses only)."""
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            # the kernel prints each 32-bit word in host (little-endian) order
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(family, raw))
    return found


def test_the_action_server_and_rasa_listen_on_loopback_only(plain):
    for port in (plain.action_port, plain.rasa_port):
        addresses = listening_addresses(port)
        assert addresses == {"127.0.0.1"}, (port, addresses)
    # and it does answer there, so the check above looked at the right socket
    with socket.create_connection(("127.0.0.1", plain.action_port), timeout=5):
        pass
