"""The admin page for the agency's staff: a Rasa input channel on the Rasa server's own port.

Registered in credentials.yml as `bot.office.admin.AdminInput`; it mounts at /admin and is off (404)
until an account exists (`python -m bot admin-user NAME`, bot/office/admin_db.py):

    GET  /admin/login, POST /admin/login      the login form (rate limited)
    POST /admin/uitloggen                     log out
    GET  /admin/aanvragen                     vacancy requests, newest first (?vanaf=&tot=&status=)
    POST /admin/aanvragen/<nummer>            mark handled, or open again
    GET  /admin/aanvragen.csv                 the requests as a CSV for Dutch Excel (?vanaf=)
    GET  /admin/vragen                        unanswered questions, grouped, most frequent first
                                              (?weergave=afgehandeld|verborgen)
    POST /admin/vragen                        mark a group handled, "toegevoegd aan de kennis" (with a
                                              note) or hidden as junk, or open again
    GET  /admin/gesprekken                    the conversations of the last 7, 30 or 90 days (?dagen=),
                                              searched and filtered (?zoek=&wie=&uitkomst=&pagina=),
                                              then the charts of that period
    GET  /admin/grafiek/<naam>.svg            one chart (pygal, bot/office/charts.py)
    GET  /admin/gesprek?id=<conversation>     one conversation as the visitor saw it; while it waits
                                              for a person, with a field to answer and a button to
                                              hand it back to the assistant
    GET  /admin/wachtrij                      Wacht op antwoord: the conversations handed to a person,
                                              the office hours and the staff member's "beschikbaar" switch
    POST /admin/beschikbaar                   switch oneself on or off (actie=aan|uit)
    POST /admin/live                          answer the visitor (actie=antwoord, tekst) or hand the
                                              conversation back (actie=teruggeven); id=<conversation>
    GET  /admin/wachtrij.json                 {count, newest}: the menu's count, for admin.js
    GET  /admin/live.json?id=&n=              the conversation's messages after the first n, for admin.js
    GET  /admin/admin.js                      the one script: keeps the count in the menu and the
                                              page's title current, and adds a visitor's new messages
                                              to the open conversation (every page works without it)

Every page needs a session: a random token in the cookie `admin_sessie` (HttpOnly,
SameSite=Strict, Path=/admin, Secure behind HTTPS), ended after ADMIN_IDLE_MINUTES (30) without
a request and after 12 hours. Every POST carries the session's CSRF token and, from a browser,
an Origin of this server; the login form has a token of its own (a cookie and a field). Every
change, download, viewed conversation and login is written to the audit log with who and when.
Pages are plain HTML and CSS with one small script of this server (admin.js), under the chat
page's strict Content-Security-Policy (forms may post to this server only).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
import secrets
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Tuple
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import jinja2
from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.knowledge import HEADING_RULE
from bot.office import admin_db, charts, conversations, delivery
from bot.office.conversations import TrackerReader, conversation, local, overview, short_day
from bot.runtime.channel import append_events
from bot.runtime.texts import response_text
from bot.runtime.web import DEMO_PAGE_CSP, drop_cors_headers, security_headers
from bot.stores import leads, live, unanswered

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parents[1]  # bot/: its templates and static files
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "admin.css"
SCRIPT = HERE / "static" / "admin.js"
MAX_ANSWER = 2000  # characters of a staff member's answer in the chat
SESSION_COOKIE = "admin_sessie"
LOGIN_COOKIE = "admin_login"
# The chat page's policy; the admin's forms post to this server.
ADMIN_CSP = DEMO_PAGE_CSP.replace("form-action 'none'", "form-action 'self'")
# A chart is an image: no script, nothing from elsewhere; only pygal's inline style.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"
NAV = [
    ("/admin/wachtrij", "Wacht op antwoord"),
    ("/admin/aanvragen", "Aanvragen"),
    ("/admin/vragen", "Onbeantwoorde vragen"),
    ("/admin/gesprekken", "Gesprekken"),
]
PERIODS = (7, 30, 90)
REQUEST_STATES = {
    "": "Alle",
    "open": "Te behandelen",
    "afgehandeld": "Afgehandeld",
    "niet-bezorgd": "Niet bezorgd",
}
DELIVERY = {
    "pending": "wacht op verzending",
    "delivered": "bezorgd",
    "failed": "NIET bezorgd",
    "none": "van vóór de bezorging",
}


def delivery_settings() -> Optional[delivery.Settings]:
    try:
        return delivery.Settings.from_env()
    except ValueError:  # a number that is none: the action server says which in its log
        return None


def delivery_warning() -> Optional[str]:
    """The banner on every page while requests are not e-mailed."""
    settings = delivery_settings()
    return (
        settings.not_set_up() if settings else "De instellingen voor het mailen van aanvragen kloppen niet."
    )


def delivery_states() -> Dict[str, str]:
    """The delivery states as staff read them: a request that no channel can send is not
    "waiting", it is not set up."""
    settings = delivery_settings()
    if settings and settings.channels():
        return DELIVERY
    return dict(DELIVERY, pending="niet ingesteld")


NOTICES = {
    "afgehandeld": "Aanvraag {n} is gemarkeerd als afgehandeld.",
    "open": "Aanvraag {n} staat weer bij te behandelen.",
    "vraag-handled": "De vraag is gemarkeerd als afgehandeld ({n}x gesteld).",
    "vraag-added": "De vraag is gemarkeerd als toegevoegd aan de kennis ({n}x gesteld).",
    "vraag-junk": "De vraag is verborgen als onzin ({n}x gesteld). Je vindt hem onder \u201cVerborgen\u201d.",
    "vraag-open": "De vraag staat weer open ({n}x gesteld).",
    "beschikbaar-aan": "Je staat op beschikbaar: bezoekers die binnen kantoortijden een medewerker vragen, komen hier.",
    "beschikbaar-uit": "Je staat op niet beschikbaar.",
    "antwoord": "Je antwoord is verstuurd.",
    "teruggegeven": "Het gesprek is teruggegeven aan de assistent.",
}
QUESTION_VIEWS = {
    "open": "open",
    "afgehandeld": "done",
    "verborgen": "junk",
}  # ?weergave= -> unanswered.VIEWS
OVERVIEW_SECONDS = 30  # the page and its five charts share one reading of the store


async def run(function: Callable, *args: Any) -> Any:
    """Database work off the event loop: visitors' messages keep going meanwhile."""
    return await asyncio.to_thread(function, *args)


def local_path(value: Optional[str], default: str) -> str:
    """A return address on this admin page only: a path on this server under /admin/, never
    another site ('//elders.nl', '/\\elders.nl'), nor spaces or control characters."""
    if value and re.fullmatch(r"/admin/[\x21-\x7e]*", value) and "//" not in value and "\\" not in value:
        return value
    return default


def speaker(message: Any) -> str:
    """Who wrote a message of the transcript, as the staff read it."""
    if message.who == "user":
        return "Bezoeker"
    return f"{message.staff} (medewerker)" if message.staff else "Assistent"


def day_of(value: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def when(moment: Any) -> str:
    """'3 dec 2026, 14:05' in Dutch time."""
    moment = local(moment)
    return f"{short_day(moment.date())} {moment.year}, {moment:%H:%M}"


def heading_and_body(text: Any) -> Tuple[str, str]:
    """An answer's heading (the line above HEADING_RULE) and the rest, so that a transcript shows
    the heading in bold as the widget did; ("", text) for a message without one."""
    first, _, rest = str(text).partition("\n")
    if rest == HEADING_RULE or rest.startswith(HEADING_RULE + "\n"):
        return first, rest[len(HEADING_RULE) + 1 :]
    return "", str(text)


class AdminInput(InputChannel):
    """The admin page under /admin (see the module's docstring)."""

    @classmethod
    def name(cls) -> str:
        return "admin"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "AdminInput":
        return cls()

    def __init__(self, db: Optional[Path] = None) -> None:
        self.db = db or admin_db.db_path()
        self.leads_db = leads.db_path()
        self.unanswered_db = unanswered.db_path()
        self.reader = TrackerReader.from_env(dict(os.environ))
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined
        )
        self.templates.filters["when"] = when
        self.templates.filters["heading_and_body"] = heading_and_body
        self.templates.filters["quote"] = lambda value: quote(str(value), safe="")
        self.templates.globals["zip"] = zip
        self._overviews: Dict[int, Any] = {}

    def url_prefix(self) -> str:
        return "/admin"

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def address(request: Request) -> str:
        return str(request.remote_addr or request.ip or "?")

    @staticmethod
    def secure(request: Request) -> bool:
        forwarded = (request.headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
        return (
            request.scheme == "https"
            or forwarded == "https"
            or os.environ.get("ADMIN_COOKIE_SECURE", "").lower() in ("1", "true", "ja")
        )

    @staticmethod
    def same_origin(request: Request) -> bool:
        """A browser's POST says where its form was: it must be this server."""
        origin = (request.headers.get("origin") or "").lower()
        host = (request.headers.get("host") or "").lower()
        return not origin or origin.split("://", 1)[-1] == host

    def cookie(
        self,
        request: Request,
        resp: HTTPResponse,
        name: str,
        value: str,
        path: str,
        max_age: Optional[int] = None,
    ) -> None:
        resp.cookies[name] = value
        resp.cookies[name]["path"] = path
        resp.cookies[name]["httponly"] = True
        resp.cookies[name]["samesite"] = "Strict"
        if self.secure(request):
            resp.cookies[name]["secure"] = True
        if max_age is not None:
            resp.cookies[name]["max-age"] = max_age

    def page(self, request: Request, template: str, status: int = 200, **values: Any) -> HTTPResponse:
        values.setdefault("session", None)
        values.setdefault("notice", None)
        values.setdefault("current", request.path)
        values.setdefault("delivery_warning", delivery_warning())
        values.setdefault("waiting_count", getattr(request.ctx, "waiting_count", 0))
        body = self.templates.get_template(template).render(nav=NAV, **values)
        return response.html(body, status=status)

    def message(
        self, request: Request, status: int, title: str, text: str, session: Optional[admin_db.Session] = None
    ) -> HTTPResponse:
        return self.page(request, "message.html", status, title=title, text=text, session=session)

    def to_login(self, request: Request) -> HTTPResponse:
        target = request.path + (f"?{request.query_string}" if request.query_string else "")
        query = {"volgende": target if request.method == "GET" else "/admin/"}
        if request.cookies.get(SESSION_COOKIE):
            query["verlopen"] = "1"
        resp = response.redirect("/admin/login?" + urlencode(query), status=303)
        if request.cookies.get(SESSION_COOKIE):
            self.cookie(request, resp, SESSION_COOKIE, "", "/admin", max_age=0)
        return resp

    async def audit(self, session_name: str, request: Request, action: str, detail: str = "") -> None:
        logger.info("beheer: %s (%s) %s %s", session_name, self.address(request), action, detail)
        await run(admin_db.audit, session_name, self.address(request), action, detail, self.db)

    async def overview(self, days: int):
        cached = self._overviews.get(days)
        if cached and time.monotonic() - cached[0] < OVERVIEW_SECONDS:
            return cached[1]
        found = await run(overview, self.reader, self.leads_db, days)
        self._overviews[days] = (time.monotonic(), found)
        return found

    # -- routes --------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable) -> Blueprint:  # noqa: C901 - one route each
        admin = Blueprint("admin_channel", __name__)

        @admin.middleware("request")
        async def off_without_accounts(request: Request) -> Optional[HTTPResponse]:
            if not await run(admin_db.exists, self.db):
                return response.text("Not Found", status=404)
            return None

        @admin.middleware("response")
        async def headers(request: Request, resp: HTTPResponse) -> None:
            drop_cors_headers(resp.headers)  # never readable from another site
            resp.headers.setdefault("Content-Security-Policy", ADMIN_CSP)
            resp.headers.setdefault("Cache-Control", "no-store")  # personal data stays off disks
            resp.headers["X-Frame-Options"] = "DENY"
            # (with "no-referrer" a browser sends "Origin: null" on a form, and same_origin refuses it)
            security_headers(resp.headers, referrer_policy="same-origin")

        def route(path: str, *methods: str) -> Callable:
            """A route that answers a CORS preflight itself (204), so that the server-wide CORS
            layer (RASA_CORS_ORIGINS) never speaks for the admin page; the response middleware
            above removes whatever that layer adds."""

            def register(handler: Callable) -> Callable:
                async def handle(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                    if request.method == "OPTIONS":
                        return response.empty(status=204)
                    return await handler(request, *args, **kwargs)

                handle.__name__ = handler.__name__
                return admin.route(path, methods=[*methods, "OPTIONS"])(handle)

            return register

        def signed_in(handler: Callable) -> Callable:
            async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                session = await run(admin_db.session, request.cookies.get(SESSION_COOKIE), None, self.db)
                if session is None:
                    return self.to_login(request)
                if request.method == "POST":
                    sent = request.form.get("csrf") or ""
                    if not self.same_origin(request) or not hmac.compare_digest(sent, session.csrf):
                        await self.audit(
                            session.name, request, "geweigerd: ongeldig CSRF-token", request.path
                        )
                        return self.message(
                            request,
                            403,
                            "Actie geweigerd",
                            "Dit formulier is verlopen of kwam niet van deze pagina, dus er is "
                            "niets veranderd. Laad de pagina opnieuw en probeer het nog eens.",
                            session,
                        )
                # the page is open: counts for the staff member's availability, and shows the waiting count
                await run(live.seen, session.name)
                request.ctx.waiting_count = (await run(live.waiting_count))[0]
                return await handler(request, session, *args, **kwargs)

            guarded.__name__ = handler.__name__
            return guarded

        def polled(handler: Callable) -> Callable:
            """A JSON answer for admin.js: 401 without a session (no redirect, the cookie stays),
            and the request does not keep the session alive."""

            async def guarded(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                session = await run(
                    admin_db.session, request.cookies.get(SESSION_COOKIE), None, self.db, False
                )
                if session is None:
                    return response.json({"error": "sessie"}, status=401)
                await run(live.seen, session.name)
                return await handler(request, session, *args, **kwargs)

            guarded.__name__ = handler.__name__
            return guarded

        # ---- logging in and out ----

        @route("/login", "GET", "POST")
        async def login(request: Request) -> HTTPResponse:
            target = local_path(
                request.args.get("volgende") or request.form.get("volgende"), "/admin/aanvragen"
            )
            if request.method == "GET":
                if await run(admin_db.session, request.cookies.get(SESSION_COOKIE), None, self.db):
                    return response.redirect(target, status=303)
                notice = (
                    "Je sessie is verlopen of beëindigd. Log opnieuw in."
                    if request.args.get("verlopen")
                    else "Je bent uitgelogd."
                    if request.args.get("uitgelogd")
                    else None
                )
                return self.login_form(request, target, notice=notice)
            name, password = request.form.get("naam") or "", request.form.get("wachtwoord") or ""
            sent, expected = request.form.get("csrf") or "", request.cookies.get(LOGIN_COOKIE) or ""
            if not expected or not self.same_origin(request) or not hmac.compare_digest(sent, expected):
                return self.login_form(
                    request,
                    target,
                    status=403,
                    error="Het inlogformulier was verlopen. Probeer het nog eens.",
                )
            wait = await run(admin_db.wait_before_login, name, self.address(request), None, self.db)
            if wait:
                await self.audit(name[:64] or "?", request, "inloggen geweigerd: te veel pogingen")
                minutes = max(1, round(wait / 60))
                resp = self.login_form(
                    request,
                    target,
                    status=429,
                    name=name,
                    error=f"Te veel mislukte pogingen. Probeer het over {minutes} "
                    f"{'minuut' if minutes == 1 else 'minuten'} opnieuw.",
                )
                resp.headers["Retry-After"] = str(wait)
                return resp
            tokens = await run(admin_db.log_in, name, password, self.address(request), None, self.db)
            if tokens is None:
                logger.warning("beheer: inloggen mislukt voor %r vanaf %s", name[:64], self.address(request))
                return self.login_form(
                    request, target, status=401, name=name, error="Naam of wachtwoord klopt niet."
                )
            logger.info("beheer: %s ingelogd vanaf %s", name, self.address(request))
            resp = response.redirect(target, status=303)
            self.cookie(request, resp, SESSION_COOKIE, tokens[0], "/admin")
            self.cookie(request, resp, LOGIN_COOKIE, "", "/admin/login", max_age=0)
            return resp

        @route("/uitloggen", "POST")
        @signed_in
        async def logout(request: Request, session: admin_db.Session) -> HTTPResponse:
            await run(admin_db.log_out, request.cookies.get(SESSION_COOKIE), self.db)
            await self.audit(session.name, request, "uitgelogd")
            resp = response.redirect("/admin/login?uitgelogd=1", status=303)
            self.cookie(request, resp, SESSION_COOKIE, "", "/admin", max_age=0)
            return resp

        @route("/", "GET")
        @signed_in
        async def start(request: Request, session: admin_db.Session) -> HTTPResponse:
            return response.redirect("/admin/aanvragen", status=303)

        @route("/admin.js", "GET")
        async def script(request: Request) -> HTTPResponse:
            return response.raw(
                SCRIPT.read_bytes(),
                content_type="text/javascript; charset=utf-8",
                headers={"Cache-Control": "no-cache"},
            )

        # ---- Wacht op antwoord (the live handoff) ----

        @route("/wachtrij", "GET")
        @signed_in
        async def waiting_page(request: Request, session: admin_db.Session) -> HTTPResponse:
            rows = []
            for row in await run(live.waiting):
                messages, _ = await run(conversation, self.reader, row.sender)
                said = [m.text for m in messages if m.who == "user"]
                rows.append({"row": row, "last": said[-1] if said else "", "count": len(said)})
            hours = live.contact_hours() if not os.environ.get("OFFICE_HOURS") else os.environ["OFFICE_HOURS"]
            return self.page(
                request,
                "wachtrij.html",
                title="Wacht op antwoord",
                session=session,
                rows=rows,
                available=await run(live.seen, session.name),
                others=await run(live.staff_available),
                hours=hours,
                open_now=live.within(live.office_hours()),
                notice=self.notice(request),
                moment=lambda stamp: local(stamp).strftime("%H:%M"),
            )

        @route("/wachtrij.json", "GET")
        @polled
        async def waiting_count(request: Request, session: admin_db.Session) -> HTTPResponse:
            count, newest = await run(live.waiting_count)
            return response.json({"count": count, "newest": newest})

        @route("/beschikbaar", "POST")
        @signed_in
        async def switch(request: Request, session: admin_db.Session) -> HTTPResponse:
            on = request.form.get("actie") == "aan"
            await run(live.set_available, session.name, on)
            await self.audit(
                session.name, request, "beschikbaar voor de chat" if on else "niet beschikbaar voor de chat"
            )
            return self.back(request, "/admin/wachtrij", "beschikbaar-aan" if on else "beschikbaar-uit", 1)

        @route("/live", "POST")
        @signed_in
        async def live_action(request: Request, session: admin_db.Session) -> HTTPResponse:
            sender, action = request.form.get("id") or "", request.form.get("actie") or ""
            if not sender or not await run(live.state, sender):
                return self.message(
                    request,
                    409,
                    "Niet meer doorverbonden",
                    "Dit gesprek wacht niet (meer) op een medewerker: de assistent antwoordt "
                    "de bezoeker weer.",
                    session,
                )
            back = "/admin/gesprek?" + urlencode({"id": sender, "terug": "/admin/wachtrij"})
            agent = request.app.ctx.agent
            from rasa.shared.core.events import BotUttered

            if action == "antwoord":
                text = (request.form.get("tekst") or "").strip()
                if not text or len(text) > MAX_ANSWER:
                    return self.message(
                        request,
                        400,
                        "Geen antwoord verstuurd",
                        f"Een antwoord is 1 tot {MAX_ANSWER} tekens.",
                        session,
                    )
                name = live.first_name(session.name)
                await append_events(agent, sender, [BotUttered(text, metadata={"staff": name})])
                await run(live.push, sender, text, name, session.name)
                await self.audit(session.name, request, "antwoord in de chat", sender)
                return self.back_to(back, "antwoord")
            if action == "teruggeven":
                text = response_text("utter_handoff_back")
                await append_events(agent, sender, [BotUttered(text)])
                await run(live.push, sender, text, None)
                await run(live.hand_back, sender)
                await self.audit(session.name, request, "gesprek teruggegeven aan de assistent", sender)
                return self.back_to(back, "teruggegeven")
            return self.message(request, 400, "Onjuist formulier", "Kies antwoorden of teruggeven.", session)

        @route("/live.json", "GET")
        @polled
        async def live_messages(request: Request, session: admin_db.Session) -> HTTPResponse:
            sender = request.args.get("id") or ""
            known = request.args.get("n") or "0"
            known = int(known) if known.isdigit() and len(known) < 9 else 0
            messages, _ = await run(conversation, self.reader, sender) if sender else ([], "")
            return response.json(
                {
                    "count": len(messages),
                    "handoff": await run(live.state, sender) if sender else None,
                    "messages": [
                        {
                            "who": m.who,
                            "label": speaker(m),
                            "staff": bool(m.staff),
                            "time": m.at.strftime("%H:%M"),
                            "datetime": m.at.isoformat(),
                            # the heading apart, as the transcript shows it (heading_and_body)
                            **dict(zip(("heading", "text"), heading_and_body(m.text))),
                        }
                        for m in messages[known:]
                    ],
                }
            )

        @route("/admin.css", "GET")
        async def stylesheet(request: Request) -> HTTPResponse:
            body = STYLESHEET.read_bytes()
            return response.raw(
                body, content_type="text/css; charset=utf-8", headers={"Cache-Control": "no-cache"}
            )

        # ---- Aanvragen ----

        @route("/aanvragen", "GET")
        @signed_in
        async def requests_page(request: Request, session: admin_db.Session) -> HTTPResponse:
            since, until = day_of(request.args.get("vanaf")), day_of(request.args.get("tot"))
            state = request.args.get("status") or ""
            state = state if state in REQUEST_STATES else ""
            rows = []
            for row in reversed(await run(leads.export_rows, None, self.leads_db)):
                created = local(row["created_at"]).date()
                if (since and created < since) or (until and created > until):
                    continue
                if (
                    (state == "open" and row["handled_at"])
                    or (state == "afgehandeld" and not row["handled_at"])
                    or (state == "niet-bezorgd" and row["delivery_state"] != "failed")
                ):
                    continue
                rows.append(row)
            query = {
                k: v
                for k, v in (
                    ("vanaf", since and since.isoformat()),
                    ("tot", until and until.isoformat()),
                    ("status", state),
                )
                if v
            }
            here = "/admin/aanvragen" + (f"?{urlencode(query)}" if query else "")
            return self.page(
                request,
                "aanvragen.html",
                title="Aanvragen",
                session=session,
                rows=rows,
                since=since,
                until=until,
                state=state,
                states=REQUEST_STATES,
                delivery=delivery_states(),
                shown=leads.shown,
                here=here,
                notice=self.notice(request),
                csv="/admin/aanvragen.csv" + (f"?vanaf={since.isoformat()}" if since else ""),
            )

        @route("/aanvragen/<number:int>", "POST")
        @signed_in
        async def mark_request(request: Request, session: admin_db.Session, number: int) -> HTTPResponse:
            handled = request.form.get("actie") == "afgehandeld"
            if not await run(leads.mark_handled, number, session.name if handled else None, self.leads_db):
                return self.message(request, 404, "Niet gevonden", f"Er is geen aanvraag {number}.", session)
            await self.audit(
                session.name,
                request,
                "aanvraag gemarkeerd",
                f"aanvraag {number}: {'afgehandeld' if handled else 'weer te behandelen'}",
            )
            return self.back(request, "/admin/aanvragen", "afgehandeld" if handled else "open", number)

        @route("/aanvragen.csv", "GET")
        @signed_in
        async def requests_csv(request: Request, session: admin_db.Session) -> HTTPResponse:
            since = day_of(request.args.get("vanaf"))
            body = await run(
                leads.export_excel, since.isoformat() if since else None, self.leads_db, delivery_states()
            )
            await self.audit(
                session.name,
                request,
                "aanvragen gedownload (CSV)",
                f"vanaf {since.isoformat()}" if since else "alle",
            )
            name = f"aanvragen-{date.today().isoformat()}.csv"
            return response.text(
                body,
                content_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )

        # ---- Onbeantwoorde vragen ----

        @route("/vragen", "GET", "POST")
        @signed_in
        async def questions_page(request: Request, session: admin_db.Session) -> HTTPResponse:
            if request.method == "POST":
                status = request.form.get("status") or ""
                ids = [int(i) for i in (request.form.get("ids") or "").split(",") if i.strip().isdigit()]
                if status not in unanswered.STATUSES or not ids or len(ids) > 10_000:
                    return self.message(
                        request, 400, "Onjuist formulier", "Kies een vraag en wat ermee gebeurd is.", session
                    )
                note = (request.form.get("notitie") or "").strip() if status == "added" else ""
                marked = await run(unanswered.mark, ids, status, session.name, self.unanswered_db, note)
                await self.audit(
                    session.name,
                    request,
                    "onbeantwoorde vraag gemarkeerd",
                    f"{marked} vraag/vragen: {unanswered.STATUSES[status]}",
                )
                return self.back(request, "/admin/vragen", f"vraag-{status}", marked)
            view = request.args.get("weergave") or "open"
            view = view if view in QUESTION_VIEWS else "open"
            groups = await run(unanswered.groups, QUESTION_VIEWS[view], self.unanswered_db)
            here = "/admin/vragen" + (f"?weergave={view}" if view != "open" else "")
            return self.page(
                request,
                "vragen.html",
                title="Onbeantwoorde vragen",
                session=session,
                groups=groups,
                view=view,
                here=here,
                statuses=unanswered.STATUSES,
                note_length=unanswered.NOTE_LENGTH,
                notice=self.notice(request),
            )

        # ---- Gesprekken ----

        @route("/gesprekken", "GET")
        @signed_in
        async def conversations_page(request: Request, session: admin_db.Session) -> HTTPResponse:
            days = self.period(request)
            words = " ".join((request.args.get("zoek") or "").split())[:200]
            who = request.args.get("wie") or ""
            who = who if who in conversations.WHO else ""
            outcome = request.args.get("uitkomst") or ""
            outcome = outcome if outcome in conversations.OUTCOMES else ""
            listed = await run(conversations.summaries, self.reader, self.leads_db, days)
            hits = conversations.search(listed, words, who, outcome)
            pages = max(1, -(-len(hits) // conversations.PAGE_SIZE))
            number = self.page_number(request, pages)
            query = {
                k: v
                for k, v in (
                    ("dagen", days if days != 30 else ""),
                    ("zoek", words),
                    ("wie", who),
                    ("uitkomst", outcome),
                )
                if v
            }

            def link(page_number: int) -> str:
                wanted = dict(query, **({"pagina": page_number} if page_number > 1 else {}))
                return "/admin/gesprekken" + (f"?{urlencode(wanted)}" if wanted else "")

            start = (number - 1) * conversations.PAGE_SIZE
            return self.page(
                request,
                "gesprekken.html",
                title="Gesprekken",
                session=session,
                overview=await self.overview(days),
                days=days,
                periods=PERIODS,
                words=words,
                who=who,
                outcome=outcome,
                whos=conversations.WHO,
                outcomes=conversations.OUTCOMES,
                hits=hits[start : start + conversations.PAGE_SIZE],
                total=len(hits),
                page_number=number,
                pages=pages,
                link=link,
                here=link(number),
                filtered=bool(words or who or outcome),
            )

        @route("/grafiek/<name:str>", "GET")
        @signed_in
        async def chart(request: Request, session: admin_db.Session, name: str) -> HTTPResponse:
            found = await self.overview(self.period(request))
            wanted = next((c for c in found.charts if f"{c.name}.svg" == name), None)
            if wanted is None:
                return self.message(request, 404, "Niet gevonden", "Deze grafiek bestaat niet.", session)
            return response.raw(
                charts.svg(wanted).encode(),
                content_type="image/svg+xml; charset=utf-8",
                headers={"Content-Security-Policy": CHART_CSP},
            )

        @route("/gesprek", "GET")
        @signed_in
        async def conversation_page(request: Request, session: admin_db.Session) -> HTTPResponse:
            sender = request.args.get("id") or ""
            messages, channel = await run(conversation, self.reader, sender) if sender else ([], "")
            if not messages:
                return self.message(
                    request,
                    404,
                    "Gesprek niet gevonden",
                    "Dit gesprek bestaat niet (meer): gesprekken worden na hun bewaartermijn " "gewist.",
                    session,
                )
            await self.audit(session.name, request, "gesprek bekeken", sender)
            requests_here = [
                row for row in await run(leads.export_rows, None, self.leads_db) if row["sender"] == sender
            ]
            handoff = await run(live.state, sender)
            return self.page(
                request,
                "gesprek.html",
                title="Gesprek",
                session=session,
                messages=messages,
                handoff=handoff,
                speaker=speaker,
                max_answer=MAX_ANSWER,
                notice=self.notice(request),
                channel={"widget": "chatwidget", "rest": "REST-koppeling"}.get(channel, channel),
                sender=sender,
                requests=requests_here,
                current="/admin/wachtrij" if handoff else "/admin/gesprekken",
                back=local_path(request.args.get("terug"), "/admin/gesprekken"),
            )

        return admin

    # -- pieces of pages -----------------------------------------------------------------------

    def login_form(
        self,
        request: Request,
        target: str,
        status: int = 200,
        name: str = "",
        error: Optional[str] = None,
        notice: Optional[str] = None,
    ) -> HTTPResponse:
        token = secrets.token_urlsafe(32)
        resp = self.page(
            request,
            "login.html",
            status,
            title="Inloggen",
            csrf=token,
            target=target,
            name=name,
            error=error,
            notice=notice,
        )
        self.cookie(request, resp, LOGIN_COOKIE, token, "/admin/login", max_age=3600)
        return resp

    @staticmethod
    def period(request: Request) -> int:
        try:
            days = int(request.args.get("dagen") or 30)
        except ValueError:
            days = 30
        return days if days in PERIODS else 30

    @staticmethod
    def page_number(request: Request, pages: int) -> int:
        try:
            return min(max(1, int(request.args.get("pagina") or 1)), pages)
        except ValueError:
            return 1

    @staticmethod
    def notice(request: Request) -> Optional[str]:
        found = re.fullmatch(r"([a-z-]+):(\d{1,9})", request.args.get("melding") or "")
        if not found or found.group(1) not in NOTICES:
            return None
        return NOTICES[found.group(1)].format(n=found.group(2))

    @staticmethod
    def back_to(target: str, notice: str) -> HTTPResponse:
        return response.redirect(f"{target}&melding={notice}:1", status=303)

    @staticmethod
    def back(request: Request, default: str, notice: str, number: int) -> HTTPResponse:
        """After a change: back to the page it was made on (POST, redirect, GET)."""
        target = urlsplit(local_path(request.form.get("terug"), default))
        query = [(k, v) for k, v in parse_qsl(target.query) if k != "melding"] + [
            ("melding", f"{notice}:{number}")
        ]
        return response.redirect(f"{target.path}?{urlencode(query)}", status=303)
