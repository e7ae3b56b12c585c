"""Fixtures for the chat widget tests.

They need the real assistant (a trained model) and Debian's Chromium; they run with
`make test-widget` (`pytest tests/widget`). `make test-unit` leaves this folder out.
"""

import html
import http.server
import os
import re
import threading
import urllib.parse
from pathlib import Path

import pytest
import requests

from bot.runtime.instance import free_port
from tests.e2e.assistant import Assistant

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LAUNCHER = "Chat met de assistent"  # the launcher's accessible name (it contains "chat")


def pytest_configure(config):
    config.addinivalue_line("markers", "assistant: needs the running assistant (make test-widget)")


def _targets_this_folder(config) -> bool:
    for arg in config.args:
        path = Path(str(arg).split("::")[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config, items):
    if _targets_this_folder(config):
        return
    deselected = [
        item
        for item in items
        if item.get_closest_marker("assistant") and HERE in Path(str(item.fspath)).parents
    ]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]


# ---- a second site that embeds the widget from the assistant's origin --------------------------


class Site:
    """A tiny web server on its own port: a page of 'the agency's site' that embeds the widget
    with one <script> tag from the assistant's origin (`?audience=werkgever`: a page for
    employers, whose tag says so with data-audience)."""

    def __init__(self, port: int):
        self.port = port
        self.widget_src = ""
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                audience = "".join(
                    f' data-audience="{html.escape(a)}"' for a in query.get("audience", [])[:1]
                )
                body = (
                    f'<!doctype html><html lang="nl"><head><meta charset="utf-8">'
                    f"<title>Site van het bureau</title></head><body><main><h1>Vacatures</h1>"
                    f"<p>Een pagina op een andere origin.</p></main>"
                    f'<script src="{site.widget_src}"{audience} defer></script></body></html>'
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/"


@pytest.fixture(scope="session")
def site():
    running = Site(free_port())
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, site):
    """The real assistant, with the second site's 127.0.0.1 origin allowed (its localhost
    origin is not), and always within office hours (a person answers when someone is switched
    on: tests/widget/test_handoff_browser.py)."""
    var_dir = tmp_path_factory.mktemp("widget-var")
    saved = {
        k: os.environ.get(k) for k in ("WIDGET_ALLOWED_ORIGINS", "RASA_TELEMETRY_ENABLED", "OFFICE_HOURS")
    }
    os.environ["WIDGET_ALLOWED_ORIGINS"] = f"http://127.0.0.1:{site.port}"
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    os.environ["OFFICE_HOURS"] = "altijd"
    try:
        running = Assistant(var_dir).start()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    running.chat = f"http://127.0.0.1:{running.rasa_port}/chat/"
    site.widget_src = running.chat + "widget.js"
    yield running
    if running.process.poll() is None:
        running.stop()


@pytest.fixture
def api(assistant):
    """Small client of the widget's JSON API."""

    class Api:
        base = assistant.chat + "api/"

        def session(self, **kw):
            return requests.post(self.base + "session", timeout=60, **kw)

        def history(self, token, **kw):
            return requests.get(
                self.base + "history", headers={"Authorization": f"Bearer {token}"}, timeout=30, **kw
            )

        def message(self, token, text, client_id, display=None, **kw):
            body = {"text": text, "client_id": client_id}
            if display:
                body["display"] = display
            return requests.post(
                self.base + "message",
                json=body,
                timeout=60,
                headers={"Authorization": f"Bearer {token}"},
                **kw,
            )

    return Api()


# ---- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)  # the machine is shared with training runs
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} ontbreekt: `make test-widget` installeert het " "(apt-get install -y chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visitor:
    """One browser page with what a visitor would see and do, plus what must never happen
    (dialogs, script errors)."""

    def __init__(self, context, assistant):
        self.context = context
        self.assistant = assistant
        self.page = context.new_page()
        self.dialogs = []
        self.errors = []
        self.requests = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))

    # locators (Playwright pierces the widget's open shadow root)
    @property
    def launcher(self):
        return self.page.get_by_role("button", name=LAUNCHER)

    @property
    def log(self):
        return self.page.get_by_role("log")

    @property
    def input(self):
        return self.page.get_by_role("textbox", name="Je vraag")

    @property
    def alert(self):
        return self.page.get_by_role("alert")

    def bubbles(self, who=None):
        selector = "#rol-advies-chat .msg" + (f".msg-{who}" if who else "") + " .bubble"
        return self.page.locator(selector)

    def texts(self, who=None):
        return [re.sub(r"^(Jij|Assistent):\s*", "", t) for t in self.bubbles(who).all_inner_texts()]

    def goto(self, url=None):
        self.page.goto(url or self.assistant.chat)
        self.launcher.wait_for()
        return self

    def open(self):
        from playwright.sync_api import expect

        launcher = self.page.locator("#rol-advies-chat .launcher")
        launcher.wait_for(state="attached")
        if launcher.get_attribute("aria-expanded") != "true":
            self.launcher.click()
        # (on a small screen the open panel covers the page and hides the launcher)
        expect(self.log).to_be_visible()
        expect(self.bubbles("bot").first).to_be_visible(timeout=60_000)
        return self

    def ask(self, text):
        """Type and send; wait for the answer. Returns the new bot texts."""
        before = self.bubbles("bot").count()
        self.input.fill(text)
        self.input.press("Enter")
        return self.wait_for_answer(before)

    def wait_for_answer(self, before):
        from playwright.sync_api import expect

        expect(self.bubbles("bot")).not_to_have_count(before, timeout=60_000)
        expect(self.page.locator("#rol-advies-chat .typing.on")).to_have_count(0, timeout=60_000)
        return self.texts("bot")[before:]

    def token(self):
        return self.page.evaluate(
            "() => { for (const k of Object.keys(localStorage))"
            " if (k.startsWith('rol-advies-chat:')) return localStorage.getItem(k); return null; }"
        )

    def focused(self):
        """Class of the element that has focus inside the widget, or None."""
        return self.page.evaluate(
            "() => { const h = document.activeElement;"
            " if (!h || h.id !== 'rol-advies-chat') return null;"
            " const e = h.shadowRoot.activeElement; return e ? e.className : null; }"
        )


@pytest.fixture
def new_visitor(browser, assistant):
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1100, "height": 760})
        context = browser.new_context(locale="nl-NL", **options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return Visitor(context, assistant)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def visitor(new_visitor):
    return new_visitor()
