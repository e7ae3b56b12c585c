"""Real receivers for the delivery tests: an SMTP server (aiosmtpd) and an HTTP server that
records webhook POSTs. Both run in threads of the test process, on ports of their own."""

import asyncio
import email
import email.policy
import http.server
import json
import threading
import time
from typing import List

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.runtime.instance import free_port

SMTP_USER, SMTP_PASSWORD = "bureau", "geheim-wachtwoord"


class Mailbox:
    """An SMTP server that keeps every message it gets. `stop()` and `start()` take it down
    and bring it back on the same port; clearing `release` makes it wait before it answers
    DATA (a send that is in progress); a message whose sender is gone by then is not kept."""

    def __init__(self, port: int = 0):
        self.port = port or free_port()
        self.messages: List[email.message.EmailMessage] = []
        self.logins: List[str] = []
        self.controller = None
        self.entered = threading.Event()  # a message is being received
        self.release = threading.Event()  # let it be answered
        self.release.set()
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                mailbox.entered.set()
                while not mailbox.release.is_set():  # without blocking aiosmtpd's event loop
                    await asyncio.sleep(0.05)
                if server.transport is None or server.transport.is_closing():
                    return "451 sender gone"  # it died mid-send and never learns of this copy
                mailbox.messages.append(
                    email.message_from_bytes(envelope.content, policy=email.policy.default)
                )
                return "250 Message accepted for delivery"

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == SMTP_USER
                and auth_data.password.decode() == SMTP_PASSWORD
            )
            if ok:
                mailbox.logins.append(auth_data.login.decode())
            return AuthResult(success=ok)

        self.handler, self.authenticate = Handler(), authenticate

    def start(self) -> "Mailbox":
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self.authenticate,
            auth_require_tls=False,
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.release.set()
            self.controller.stop()
            self.controller = None

    def env(self) -> dict:
        return {
            "LEADS_EMAIL_TO": "vacatures@2assistu.nl",
            "LEADS_EMAIL_FROM": "chatassistent@2assistu.nl",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.port),
            "SMTP_SECURITY": "none",
            "SMTP_USER": SMTP_USER,
            "SMTP_PASSWORD": SMTP_PASSWORD,
        }

    def wait_for(self, count: int, timeout: float = 30) -> List[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} mails arrived"
        return self.messages


class WebhookReceiver:
    """An HTTP server that records each POST (headers and body) and answers `status`."""

    def __init__(self):
        self.port = free_port()
        self.posts: List[dict] = []
        self.status = 200
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts.append({"headers": self.headers, "body": body})  # names in any case
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/leads"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def payloads(self) -> List[dict]:
        return [json.loads(post["body"]) for post in self.posts]
