"""The chat widget's Rasa input channel: the demo page, the widget files and a small JSON API.

Registered in credentials.yml as `bot.runtime.channel.WidgetInput`; it mounts at /chat on the Rasa
server's own port:

    GET  /chat/                 demo page (a page of the agency's site with the widget on it)
    GET  /chat/widget.js        the widget; one <script src=".../chat/widget.js"> embeds it
    GET  /chat/widget.css       its styles (loaded by widget.js inside its shadow root)
    GET  /chat/privacy          the widget's privacy link: a redirect to PRIVACY_URL, or without
                                it a short page on what is kept, how long and why
    POST /chat/api/session      new session: {session_id, token, expires_at, messages}; the
                                body may name the page's audience, {"audience": "werkgever"}
    GET  /chat/api/history      Authorization: Bearer <token> -> {session_id, token, messages}
    POST /chat/api/message      Authorization: Bearer <token>, {text, client_id, display?}
                                -> {token, messages, handoff, last}
    GET  /chat/api/poll?na=<n>  Authorization: Bearer <token> -> {handoff, messages, last}: while a
                                person of 2ASSISTU has the conversation, the messages pushed to
                                this conversation after number n (the staff's answers)

**The live handoff** (bot/stores/live.py, actions/handoff.py, the admin page): while a staff member
has the conversation (`handoff` is "wacht" or "actief"), a visitor's message is kept in the
conversation for the staff and the assistant does not answer it; the widget asks /api/poll
every 0.8 s for the staff's answers (marked with the staff member's first name) until the
conversation is handed back (`handoff` null). Only the token's own conversation is answered.
A wait that nobody answers in time ends with utter_handoff_no_answer (bot/stores/live.py expire).

The server picks the session id (uuid4) and signs it: token = "<id>.<expiry>.<hmac>", with
HMAC-SHA256 over "<id>.<expiry>" under a secret that never leaves the server. A forged,
altered or expired token gets 401, never someone else's conversation. Every answered call
returns a renewed token, so a conversation lives as long as the visitor comes back within
the token's lifetime.

A message carries a client id; a retried POST with the same client id (one that did reach
the server while the browser saw an error) is answered from the stored conversation instead
of being handled twice; one that arrives while the first is still running waits for it (a
lock of the Rasa server's lock store, so also when the two reach different Sanic workers).

Settings (environment variables, all optional):
    WIDGET_ALLOWED_ORIGINS  site origins that may call the API from the browser, separated by
                            commas or spaces, e.g. "https://www.2assistu.nl"; default none
                            (the chat page on the Rasa server itself is same-origin). "*" is
                            refused.
    WIDGET_SECRET           the token secret; default: generated once and kept in
                            <WIDGET_VAR_DIR>/widget-secret, so tokens survive a restart.
    WIDGET_VAR_DIR          where that file lives; the launcher sets it to its --var-dir.
    WIDGET_TOKEN_TTL        token lifetime in seconds; default 30 days.
    WIDGET_RATE_LIMIT       messages per session: "N/S" (N in S seconds), default "20/60";
                            "0" switches it off. More gets 429 with a Dutch message
                            (bot/runtime/ratelimit.py).
    PRIVACY_URL             the agency's privacy statement (https://...), see /chat/privacy.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import inspect
import json
import logging
import os
import re
import secrets
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Coroutine, Dict, Iterable, List, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.runtime import ratelimit
from bot.runtime.texts import response_buttons, response_text
from bot.runtime.web import (
    DEMO_PAGE_CSP,
    MAX_TEXT,
    drop_cors_headers,
    parse_origins,
    security_headers,
    with_apology,
)
from bot.stores import live, privacy

logger = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[2]
STATIC = PROJECT / "bot" / "static"

MAX_DISPLAY = 200  # characters of a quick reply's title
DEFAULT_TTL = 30 * 24 * 3600
OPENING_PAYLOAD = "/greet"
# The page's audience (the embed tag's data-audience): the opening is utter_greet's variation
# with `channel: werkgever` or `channel: kandidaat` in domain.yml; anything else gets the general one.
AUDIENCES = ("werkgever", "kandidaat")
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

# The files the channel serves, and nothing else (no path from the request reaches the disk).
STATIC_FILES = {
    "": ("index.html", "text/html; charset=utf-8"),
    "widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "widget.css": ("widget.css", "text/css; charset=utf-8"),
    "demo.css": ("demo.css", "text/css; charset=utf-8"),
}


# ---- settings ----------------------------------------------------------------------------------


def load_secret(var_dir: Path) -> bytes:
    """WIDGET_SECRET, or a random secret created once under the var dir (mode 600)."""
    configured = os.environ.get("WIDGET_SECRET")
    if configured:
        if len(configured) < 32:
            raise ValueError("WIDGET_SECRET moet minstens 32 tekens lang zijn")
        return configured.encode()
    path = var_dir / "widget-secret"
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise ValueError(f"{path} bevat geen bruikbaar geheim; verwijder het bestand")
    return secret.encode()


def privacy_page() -> Text:
    """What the chat keeps, how long and why: the page behind the widget's privacy link when
    no PRIVACY_URL is set. The periods are the ones `python -m bot purge` applies."""
    days = privacy.retention_days()
    items = [
        (
            "Wat we bewaren",
            "Je gesprek met de assistent. Als je een vacature doorgeeft en daarvoor "
            "toestemming geeft, ook je aanvraag met je naam, e-mailadres of telefoonnummer en je toestemming. "
            "Vragen die de assistent niet kon beantwoorden bewaren we om de assistent te verbeteren.",
        ),
        (
            "Waarom",
            "Om je vragen te beantwoorden, en om een recruiter van 2ASSISTU je aanvraag te "
            "laten behandelen en contact met je op te laten nemen.",
        ),
        (
            "Hoe lang",
            f"Gesprekken {privacy.period(days['conversations'])}, onbeantwoorde vragen "
            f"{privacy.period(days['unanswered'])}, aanvragen {privacy.period(days['requests'])}. "
            "Daarna worden ze automatisch gewist.",
        ),
        ("Wie het ziet", "Alleen medewerkers van 2ASSISTU die je vraag of aanvraag behandelen."),
        (
            "Eerder laten wissen",
            "Vraag het ons met het e-mailadres of telefoonnummer dat je in de chat gaf; "
            "dan wissen we je aanvraag en de gesprekken waarin je het gaf.",
        ),
    ]
    body = "".join(f"<h2>{title}</h2><p>{text}</p>" for title, text in items)
    return (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Privacy van de chatassistent | 2ASSISTU</title>"
        '<link rel="stylesheet" href="/chat/demo.css"></head><body><main class="wrap">'
        f"<h1>Privacy van de chatassistent</h1>{body}</main></body></html>"
    )


# ---- tokens ------------------------------------------------------------------------------------


class Tokens:
    def __init__(self, secret: bytes, ttl: int = DEFAULT_TTL):
        self.secret = secret
        self.ttl = ttl

    def _sign(self, session_id: Text, expires: int) -> Text:
        return hmac.new(self.secret, f"{session_id}.{expires}".encode(), hashlib.sha256).hexdigest()

    def issue(self, session_id: Text, now: Optional[float] = None) -> Tuple[Text, int]:
        expires = int(now if now is not None else time.time()) + self.ttl
        return f"{session_id}.{expires}.{self._sign(session_id, expires)}", expires

    def verify(self, token: Optional[Text], now: Optional[float] = None) -> Optional[Text]:
        """The session id of a genuine, unexpired token; None otherwise."""
        if not token or len(token) > 200:
            return None
        parts = token.split(".")
        if len(parts) != 3 or not SESSION_ID.match(parts[0]) or not parts[1].isdigit():
            return None
        session_id, expires = parts[0], int(parts[1])
        if not hmac.compare_digest(parts[2], self._sign(session_id, expires)):
            return None
        if expires <= (now if now is not None else time.time()):
            return None
        return session_id


# ---- transcripts -------------------------------------------------------------------------------


def _buttons(raw: Any) -> List[Dict[Text, Text]]:
    buttons = []
    for button in raw or []:
        if isinstance(button, dict) and button.get("title") is not None:
            buttons.append(
                {"title": str(button["title"]), "payload": str(button.get("payload") or button["title"])}
            )
    return buttons


def bot_message(text: Any, buttons: Any, staff: Any = None) -> Optional[Dict[Text, Any]]:
    text = "" if text is None else str(text)
    buttons = _buttons(buttons)
    if not text and not buttons:
        return None
    message = {"from": "bot", "text": text, "buttons": buttons}
    if staff:  # written by this staff member (the live handoff), not by the assistant
        message["staff"] = str(staff)
    return message


def staff_of(event: Dict[Text, Any]) -> Optional[Text]:
    staff = (event.get("metadata") or {}).get("staff")
    return staff if isinstance(staff, str) and staff else None


async def append_events(agent: Any, sender: Text, events: List[Any]) -> None:
    """Append events to a conversation as Rasa's own HTTP API does (POST .../tracker/events):
    under the conversation's lock, through the processor and the tracker store."""
    from rasa.server import update_conversation_with_events

    async with agent.lock_store.lock(sender):
        tracker = await update_conversation_with_events(sender, agent.processor, agent.domain, events)
        await agent.tracker_store.save(tracker)


def _widget_meta(event: Dict[Text, Any]) -> Dict[Text, Any]:
    meta = (event.get("metadata") or {}).get("widget")
    return meta if isinstance(meta, dict) else {}


def transcript(events: Iterable[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """User and bot messages as the visitor saw them: a quick reply shows its title, and the
    hidden opening payload is left out."""
    messages = []
    for event in events:
        if event.get("event") == "user":
            meta = _widget_meta(event)
            if meta.get("opening"):
                continue
            messages.append(
                {"from": "user", "text": str(meta.get("display") or event.get("text") or ""), "buttons": []}
            )
        elif event.get("event") == "bot":
            message = bot_message(
                event.get("text"), (event.get("data") or {}).get("buttons"), staff_of(event)
            )
            if message:
                messages.append(message)
    return messages


def offered_title(events: List[Dict[Text, Any]], payload: Text, display: Any) -> Optional[Text]:
    """`display` when the assistant offered a quick reply with that title and this payload in
    this conversation ("Overslaan" for "nee"); None for typed text, or a title it never offered."""
    if not isinstance(display, str) or not display.strip():
        return None
    title = display.strip()[:MAX_DISPLAY]
    for event in reversed(events):
        if event.get("event") == "bot":
            for button in (event.get("data") or {}).get("buttons") or []:
                if str(button.get("payload")) == payload and str(button.get("title"))[:MAX_DISPLAY] == title:
                    return title
    return None


def reply_to(events: List[Dict[Text, Any]], client_id: Text) -> Optional[List[Dict[Text, Any]]]:
    """The bot's answer to the user message with this client id, if it was handled already."""
    for index, event in enumerate(events):
        if event.get("event") == "user" and _widget_meta(event).get("client_id") == client_id:
            answer = []
            for later in events[index + 1 :]:
                if later.get("event") == "user":
                    break
                if later.get("event") == "bot" and not staff_of(later):  # (the staff's come by /api/poll)
                    message = bot_message(later.get("text"), (later.get("data") or {}).get("buttons"))
                    if message:
                        answer.append(message)
            return answer
    return None


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class OpeningCollector(CollectingOutputChannel):
    """Collects the opening message; its name is the page's audience, so Rasa picks the
    response variation for that audience (Rasa's channel-specific responses)."""

    def __init__(self, audience: Text) -> None:
        super().__init__()
        self.audience = audience

    def name(self) -> Text:  # an instance's name, not the class's
        return self.audience


def audience_of(body: bytes) -> Optional[Text]:
    """The audience a new session's body names ("werkgever", "kandidaat"), or None."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return None
    audience = data.get("audience") if isinstance(data, dict) else None
    return audience if audience in AUDIENCES else None


# ---- the channel -------------------------------------------------------------------------------


class WidgetInput(InputChannel):
    """The chat widget: demo page, widget files and JSON API under /chat."""

    @classmethod
    def name(cls) -> Text:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WidgetInput":
        return cls()

    def __init__(
        self,
        allowed_origins: Optional[Iterable[Text]] = None,
        secret: Optional[bytes] = None,
        var_dir: Optional[Path] = None,
        token_ttl: Optional[int] = None,
    ) -> None:
        var_dir = var_dir or Path(os.environ.get("WIDGET_VAR_DIR") or PROJECT / "var")
        self.allowed_origins = (
            tuple(allowed_origins)
            if allowed_origins is not None
            else parse_origins(os.environ.get("WIDGET_ALLOWED_ORIGINS"))
        )
        self.tokens = Tokens(
            secret or load_secret(var_dir),
            token_ttl or int(os.environ.get("WIDGET_TOKEN_TTL") or DEFAULT_TTL),
        )
        self.rate_limiter = ratelimit.from_env("WIDGET_RATE_LIMIT")  # None: no limit

    def url_prefix(self) -> Text:
        return "/chat"  # absolute: urljoin("/webhooks/", "/chat") == "/chat"

    # -- CORS: the only place that sets Access-Control-* headers on these routes ----------------

    def origin_allowed(self, request: Request) -> bool:
        origin = (request.headers.get("origin") or "").lower()
        if not origin:
            return True  # not a cross-origin browser request
        if origin in self.allowed_origins:
            return True
        host = (request.headers.get("host") or "").lower()
        return origin.split("://", 1)[-1] == host  # same origin (scheme may differ behind a proxy)

    def apply_cors(self, request: Request, resp: HTTPResponse) -> None:
        drop_cors_headers(resp.headers)
        origin = (request.headers.get("origin") or "").lower()
        if origin and origin in self.allowed_origins:
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            resp.headers["Access-Control-Max-Age"] = "600"
        resp.headers["Vary"] = "Origin"

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def error(status: int, code: Text, message: Text) -> HTTPResponse:
        return response.json({"error": code, "message": message}, status=status)

    def session_of(self, request: Request) -> Optional[Text]:
        auth = request.headers.get("authorization") or ""
        scheme, _, token = auth.partition(" ")
        return self.tokens.verify(token.strip()) if scheme.lower() == "bearer" else None

    def token_fields(self, session_id: Text) -> Dict[Text, Any]:
        token, expires = self.tokens.issue(session_id)
        return {"session_id": session_id, "token": token, "expires_at": expires}

    @staticmethod
    async def events_of(request: Request, session_id: Text) -> List[Dict[Text, Any]]:
        store = request.app.ctx.agent.tracker_store
        retrieve = getattr(store, "retrieve_full_tracker", None) or store.retrieve
        tracker = await _maybe_await(retrieve(session_id))
        return [event.as_dict() for event in tracker.events] if tracker else []

    @staticmethod
    async def run_bot(
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: Text,
        session_id: Text,
        meta: Dict[Text, Any],
        channel: Text,
        collector: Optional[CollectingOutputChannel] = None,
    ) -> List[Dict[Text, Any]]:
        collector = collector or CollectingOutputChannel()
        await on_new_message(
            UserMessage(text, collector, session_id, input_channel=channel, metadata={"widget": meta})
        )
        return [
            m for m in (bot_message(msg.get("text"), msg.get("buttons")) for msg in collector.messages) if m
        ]

    @staticmethod
    def agent_ready(request: Request) -> bool:
        agent = getattr(request.app.ctx, "agent", None)
        return bool(agent and agent.is_ready())

    # -- routes --------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget = Blueprint("widget_channel", __name__)
        self.add_guards(widget)
        self.add_pages(widget)
        self.add_api(widget, with_apology(on_new_message))
        return widget

    def add_guards(self, widget: Blueprint) -> None:
        @widget.exception(PayloadTooLarge)
        async def too_large(request: Request, _exception: Exception) -> HTTPResponse:
            # A body above SANIC_REQUEST_MAX_SIZE (set by the launcher), refused before it is
            # read: the same answer as a message that is too long.
            return self.error(413, "too_long", f"Een bericht is hoogstens {MAX_TEXT} tekens.")

        @widget.middleware("request")
        async def refuse_foreign_origins(request: Request) -> Optional[HTTPResponse]:
            if request.method != "OPTIONS" and not self.origin_allowed(request):
                return self.error(403, "origin", "Deze website mag de chat niet gebruiken.")
            return None

        @widget.middleware("response")
        async def headers(request: Request, resp: HTTPResponse) -> None:
            self.apply_cors(request, resp)
            security_headers(resp.headers, referrer_policy="no-referrer")
            if resp.content_type and resp.content_type.startswith("application/json"):
                resp.headers["Cache-Control"] = "no-store"

    def add_pages(self, widget: Blueprint) -> None:
        """The demo page, the widget's files and the privacy page."""
        for name in STATIC_FILES:
            widget.add_route(
                self.static_file(name),
                f"/{name}",
                methods=["GET"],
                name=f"static_{name.replace('.', '_') or 'demo_page'}",
            )

        @widget.route("/privacy", methods=["GET"])
        async def privacy_statement(request: Request) -> HTTPResponse:
            url = privacy.privacy_url()
            if url.startswith("https://") or url.startswith("http://"):
                return response.redirect(url)
            return response.html(privacy_page(), headers={"Content-Security-Policy": DEMO_PAGE_CSP})

    @staticmethod
    def static_file(name: Text) -> Callable[[Request], Coroutine[Any, Any, HTTPResponse]]:
        filename, content_type = STATIC_FILES[name]

        async def serve(request: Request) -> HTTPResponse:
            body = (STATIC / filename).read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers = {"ETag": etag, "Cache-Control": "no-cache"}
            if name == "":
                headers["Content-Security-Policy"] = DEMO_PAGE_CSP
            if request.headers.get("if-none-match") == etag:
                return response.empty(status=304, headers=headers)
            return response.raw(body, content_type=content_type, headers=headers)

        return serve

    def add_api(self, widget: Blueprint, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        @widget.route("/api/session", methods=["POST", "OPTIONS"])
        async def new_session(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty()
            if not self.agent_ready(request):
                return self.error(503, "not_ready", "De assistent start nog op.")
            session_id = uuid.uuid4().hex  # the server chooses the sender id, never the browser
            audience = audience_of(request.body)
            meta = dict({"opening": True}, **({"audience": audience} if audience else {}))
            try:
                messages = await self.run_bot(
                    on_new_message,
                    OPENING_PAYLOAD,
                    session_id,
                    meta,
                    self.name(),
                    OpeningCollector(audience) if audience else None,
                )
            except Exception:  # noqa: BLE001 - the visitor gets a retry, the log the details
                logger.exception("widget: opening message failed")
                return self.error(500, "server", "De assistent kon het gesprek niet starten.")
            return response.json(dict(self.token_fields(session_id), messages=messages))

        @widget.route("/api/history", methods=["GET", "OPTIONS"])
        async def history(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty()
            session_id = self.session_of(request)
            if not session_id:
                return self.error(401, "token", "Dit gesprek bestaat niet of is verlopen.")
            if not self.agent_ready(request):
                return self.error(503, "not_ready", "De assistent start nog op.")
            handoff, _ = await self.handoff_now(request, session_id)
            events = await self.events_of(request, session_id)
            return response.json(dict(self.token_fields(session_id), messages=transcript(events), **handoff))

        @widget.route("/api/poll", methods=["GET", "OPTIONS"])
        async def poll(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty()
            session_id = self.session_of(request)
            if not session_id:
                return self.error(401, "token", "Dit gesprek bestaat niet of is verlopen.")
            after = request.args.get("na") or "0"
            after = int(after) if after.isdigit() and len(after) < 12 else 0
            await self.handoff_now(request, session_id, push=True)
            return response.json(await asyncio.to_thread(self.pushed, session_id, after))

        @widget.route("/api/message", methods=["POST", "OPTIONS"])
        async def message(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty()
            return await self.handle_message(request, on_new_message)

    async def handoff_now(
        self, request: Request, session_id: Text, push: bool = False
    ) -> Tuple[Dict[Text, Any], List[Dict[Text, Any]]]:
        """handoff_fields, after ending a wait that nobody answered in time: then the assistant
        says so in the conversation (and, with `push`, to the polling widget); that message is
        returned too."""
        said: List[Dict[Text, Any]] = []
        if await asyncio.to_thread(live.expire, session_id):
            from rasa.shared.core.events import BotUttered

            text, buttons = (
                response_text("utter_handoff_no_answer"),
                list(response_buttons("utter_handoff_no_answer")),
            )
            await append_events(
                request.app.ctx.agent, session_id, [BotUttered(text, data={"buttons": buttons})]
            )
            if push:
                await asyncio.to_thread(live.push, session_id, text, None, None, None, None, buttons)
            said = [m for m in [bot_message(text, buttons)] if m]
        return await asyncio.to_thread(self.handoff_fields, session_id), said

    @staticmethod
    def handoff_fields(session_id: Text) -> Dict[Text, Any]:
        """Whether a person has this conversation, and the number of its last pushed message."""
        return {"handoff": live.state(session_id), "last": live.last_pushed(session_id)}

    @staticmethod
    def pushed(session_id: Text, after: int) -> Dict[Text, Any]:
        found = live.pushed_since(session_id, after)
        messages = [m for m in (bot_message(p["text"], p["buttons"], p["staff"]) for p in found) if m]
        return {
            "handoff": live.state(session_id),
            "messages": messages,
            "last": found[-1]["id"] if found else after,
        }

    async def keep_for_staff(
        self, request: Request, session_id: Text, text: Text, meta: Dict[Text, Any]
    ) -> None:
        """A message while a person has the conversation: kept in the conversation as the
        visitor's (the staff read it there), and the assistant does not answer it."""
        from rasa.shared.core.events import ActionExecuted, UserUttered

        meta = dict(meta, handoff=True)
        await append_events(
            request.app.ctx.agent,
            session_id,
            [
                UserUttered(
                    text,
                    parse_data={"intent": {"name": None, "confidence": 0.0}, "entities": [], "text": text},
                    input_channel=self.name(),
                    metadata={"widget": meta},
                ),
                ActionExecuted("action_listen"),
            ],
        )
        await asyncio.to_thread(live.visitor_wrote, session_id)

    def refusal(self, request: Request, session_id: Optional[Text]) -> Tuple[Optional[HTTPResponse], Dict]:
        """Why a message request is not handled (401, 429, 400, 413, 503), or None; and its body."""
        if not session_id:
            return self.error(401, "token", "Dit gesprek bestaat niet of is verlopen."), {}
        wait = self.rate_limiter.hit(session_id) if self.rate_limiter else 0.0
        if wait:
            refused = self.error(429, "rate_limit", ratelimit.TOO_MANY)
            refused.headers["Retry-After"] = ratelimit.retry_after(wait)
            return refused, {}
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self.error(400, "body", "Verwacht een JSON-object."), {}
        text, client_id = body.get("text"), body.get("client_id")
        if not isinstance(text, str) or not text.strip():
            return self.error(400, "text", "Het bericht is leeg."), {}
        if len(text) > MAX_TEXT:
            return self.error(413, "too_long", f"Een bericht is hoogstens {MAX_TEXT} tekens."), {}
        if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
            return self.error(400, "client_id", "client_id ontbreekt of is ongeldig."), {}
        if not self.agent_ready(request):
            return self.error(503, "not_ready", "De assistent start nog op."), {}
        return None, body

    async def handle_message(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        session_id = self.session_of(request)
        refused, body = self.refusal(request, session_id)
        if refused:
            return refused
        assert session_id is not None  # refusal() refuses a request without a valid token
        text, client_id, display = body["text"], body["client_id"], body.get("display")
        meta: Dict[Text, Any] = {"client_id": client_id}

        # A retry of this message (same client id) waits here until the first one is answered,
        # in whichever Sanic worker it runs, and then gets the stored answer instead of a second.
        lock_store = request.app.ctx.agent.lock_store
        try:
            async with lock_store.lock(f"widget-message:{session_id}:{client_id}"):
                events = await self.events_of(request, session_id)
                answered = reply_to(events, client_id)
                if answered is None:
                    title = offered_title(events, text.strip(), display)
                    if title:  # a quick reply: the visitor saw (and the transcript shows) its title
                        meta["display"] = title
                    before, said = await self.handoff_now(request, session_id)
                    if before["handoff"]:  # a person has it: no answer now
                        await self.keep_for_staff(request, session_id, text.strip(), meta)
                        answered = []
                    else:  # (after a wait nobody answered: first that, then the assistant's answer)
                        answered = said + await self.run_bot(
                            on_new_message, text.strip(), session_id, meta, self.name()
                        )
                handoff = await asyncio.to_thread(self.handoff_fields, session_id)
        except Exception:  # noqa: BLE001 - the visitor gets a retry, the log the details
            logger.exception("widget: handling a message failed")
            return self.error(500, "server", "De assistent kon je bericht niet verwerken.")
        return response.json(dict(self.token_fields(session_id), messages=answered, **handoff))
