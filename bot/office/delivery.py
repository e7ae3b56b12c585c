"""Delivery of stored vacancy requests to the agency: an e-mail, and optionally a webhook.

The jobs are the outbox rows that bot/stores/leads.py writes in the same transaction as the
request. A worker thread in the action server (bot/runtime/action_server.py) sends the due ones,
records every attempt, and retries a failed one with backoff until the retry window has
passed; then the job is `failed`, which the log and `make leads` report loudly. smtplib and
urllib block, so they run in this thread, never in the action server's event loop.

Only one worker sends from one leads.db at a time (an flock that the kernel releases when the
process dies), so an attempt that never finished was cut off by a crash: it is marked
`interrupted` at start and the job goes out again. That can reach the receiver twice (when
the crash came after the receiver had it); the receiver tells by the key: the mail's
Message-ID and subject carry the request number, the webhook its Idempotency-Key.

Settings (environment):
    LEADS_EMAIL_TO        the agency's address(es), comma-separated; without it nothing is
                          mailed and requests wait in var/leads.db (the log says so)
    LEADS_EMAIL_FROM      sender address (default: the first LEADS_EMAIL_TO)
    SMTP_HOST, SMTP_PORT  default localhost, and 587 / 465 / 25 by SMTP_SECURITY
    SMTP_SECURITY         starttls (default), tls or none
    SMTP_USER, SMTP_PASSWORD   login, when both are set
    LEADS_WEBHOOK_URL     optional: JSON POST to a CRM or ATS (https, or http to this machine)
    LEADS_WEBHOOK_SECRET  HMAC-SHA256 key for the signature (required with the URL, >= 16 chars)
    LEADS_RETRY_DELAYS    seconds between attempts, comma-separated, the last one repeats
                          (default 60,300,900,3600,7200: 1 min, 5 min, 15 min, 1 h, then every 2 h)
    LEADS_RETRY_HOURS     how long to keep trying after the first attempt (default 48)
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import html
import json
import logging
import os
import smtplib
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import IO, Dict, List, Mapping, Optional

from bot.stores import leads

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SIGNATURE_TOLERANCE = 300  # seconds a receiver should accept a timestamp off by
MAX_WAIT = 30.0  # the worker looks at the outbox at least this often


@dataclass
class Settings:
    email_to: List[str] = field(default_factory=list)
    email_from: str = ""
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    webhook_url: str = ""
    webhook_secret: str = ""
    retry_delays: List[float] = field(default_factory=lambda: [60, 300, 900, 3600, 7200])
    retry_hours: float = 48.0
    timeout: float = 30.0
    problems: List[str] = field(default_factory=list)  # why a channel cannot be used

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        values: Mapping[str, str] = os.environ if env is None else env
        get = lambda name, default="": (values.get(name) or default).strip()  # noqa: E731
        settings = cls(email_to=[a.strip() for a in get("LEADS_EMAIL_TO").split(",") if a.strip()])
        settings.email_from = get("LEADS_EMAIL_FROM") or (settings.email_to[0] if settings.email_to else "")
        settings.smtp_host = get("SMTP_HOST", "localhost")
        settings.smtp_security = get("SMTP_SECURITY", "starttls").lower()
        settings.smtp_user, settings.smtp_password = get("SMTP_USER"), values.get("SMTP_PASSWORD") or ""
        settings.webhook_url, settings.webhook_secret = get("LEADS_WEBHOOK_URL"), get("LEADS_WEBHOOK_SECRET")
        if settings.smtp_security not in DEFAULT_PORTS:
            settings.problems.append(f"SMTP_SECURITY={settings.smtp_security!r}: kies starttls, tls of none")
        try:
            settings.smtp_port = int(get("SMTP_PORT") or DEFAULT_PORTS.get(settings.smtp_security, 587))
            settings.retry_delays = [
                float(s) for s in get("LEADS_RETRY_DELAYS").split(",") if s.strip()
            ] or settings.retry_delays
            settings.retry_hours = float(get("LEADS_RETRY_HOURS") or settings.retry_hours)
        except ValueError as error:
            raise ValueError(
                f"SMTP_PORT, LEADS_RETRY_DELAYS of LEADS_RETRY_HOURS is geen getal: {error}"
            ) from None
        if settings.webhook_url:
            url = urllib.parse.urlsplit(settings.webhook_url)
            if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOOPBACK):
                settings.problems.append(
                    "LEADS_WEBHOOK_URL moet https:// zijn (http alleen naar deze machine)"
                )
            if len(settings.webhook_secret) < 16:
                settings.problems.append("LEADS_WEBHOOK_SECRET ontbreekt of is korter dan 16 tekens")
        return settings

    def channels(self) -> List[str]:
        """The channels that can send now; jobs of the others wait."""
        usable = []
        if self.email_to and not any(p.startswith("SMTP_SECURITY") for p in self.problems):
            usable.append("email")
        if self.webhook_url and not any(p.startswith("LEADS_WEBHOOK") for p in self.problems):
            usable.append("webhook")
        return usable

    def not_set_up(self) -> Optional[str]:
        """What staff and the operator must know when requests are not e-mailed, else None."""
        if self.email_to:
            return None
        return (
            "Aanvragen worden niet gemaild: de e-mail is niet ingesteld. Ze blijven bewaard en gaan "
            "pas weg als de beheerder LEADS_EMAIL_TO, LEADS_EMAIL_FROM en SMTP_HOST (met SMTP_PORT, "
            "SMTP_SECURITY, SMTP_USER en SMTP_PASSWORD) instelt en de assistent opnieuw start."
        )

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (1, 2, ...)."""
        return self.retry_delays[min(attempts, len(self.retry_delays)) - 1]


# ---- the e-mail ------------------------------------------------------------------------------


def local_time(iso: str) -> str:
    """'2 december 2026 om 07:12' in Dutch time (UTC when the time zone data is missing)."""
    moment = datetime.fromisoformat(iso)
    try:
        from zoneinfo import ZoneInfo

        moment, zone = moment.astimezone(ZoneInfo("Europe/Amsterdam")), "Nederlandse tijd"
    except Exception:  # noqa: BLE001 - no tz database: UTC is still right
        zone = "UTC"
    return f"{moment.day} {leads.MONTH_NAMES[moment.month - 1]} {moment.year} om " f"{moment:%H:%M} ({zone})"


CALLBACK_LINES = {"contact_name": "Naam", "phone": "Telefoon", "email": "E-mail", "description": "Vraag"}


def is_callback(request: Dict) -> bool:
    return request.get("kind") == "terugbelverzoek"


def mail_lines(request: Dict) -> List[tuple]:
    head = [("Aanvraagnummer", str(request["id"])), ("Ontvangen", local_time(request["created_at"]))]
    if is_callback(request):  # a callback: who, how to reach her, her question
        return head + [(title, leads.shown(f, request[f])) for f, title in CALLBACK_LINES.items()]
    return head + [(leads.TITLES[f], leads.shown(f, request[f])) for f in leads.FIELDS]


def compose_mail(request: Dict, settings: Settings) -> EmailMessage:
    number = request["id"]
    consent = (
        f"Toestemming gegeven op {local_time(request['consent_at'])} (versie "
        f"{request['consent_version']}), op deze vraag:"
    )
    note = (
        "Deze e-mail bevat persoonsgegevens. Bewaar hem niet langer dan nodig; de chatassistent "
        "wist de aanvraag zelf na de bewaartermijn."
    )
    message = EmailMessage()
    kind = leads.KINDS.get(request.get("kind") or "vacature", "Aanvraag")
    if is_callback(request):
        message["Subject"] = (
            f"{kind} {number}: {request['contact_name']}, {request['phone'] or request['email']}"
        )
    else:
        message["Subject"] = f"{kind} {number}: {request['role']}, {request['organisation']}"
    message["From"] = settings.email_from
    message["To"] = ", ".join(settings.email_to)
    if request.get("email"):
        message["Reply-To"] = formataddr((request["contact_name"], request["email"]))
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    # The same on every attempt: a mailbox that got the request twice can tell.
    domain = settings.email_from.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<vacatureaanvraag-{number}.{request['intake_id']}@{domain}>"
    message["X-Aanvraagnummer"] = str(number)
    intro = (
        "Nieuw terugbelverzoek via de chatassistent van 2ASSISTU: de bezoeker vroeg om een medewerker "
        "toen er niemand beschikbaar was."
        if is_callback(request)
        else "Nieuwe vacatureaanvraag via de chatassistent van 2ASSISTU."
    )
    text = [intro, ""]
    text += [f"{title}: {value}" for title, value in mail_lines(request)]
    text += ["", consent, f"\"{request['consent_text'] or ''}\"", "", note]
    message.set_content("\n".join(text) + "\n")
    rows = "".join(
        f'<tr><th align="left" valign="top">{html.escape(title)}</th>' f"<td>{html.escape(value)}</td></tr>"
        for title, value in mail_lines(request)
    )
    message.add_alternative(
        f'<!doctype html><html lang="nl"><body><h1>{html.escape(kind)} {number}</h1>'
        f"<p>{html.escape(intro)}</p>"
        f'<table cellpadding="4">{rows}</table>'
        f"<h2>Toestemming</h2><p>{html.escape(consent)}</p>"
        f"<blockquote>{html.escape(request['consent_text'] or '')}</blockquote>"
        f"<p><small>{html.escape(note)}</small></p></body></html>\n",
        subtype="html",
    )
    return message


def send_mail(message: EmailMessage, settings: Settings) -> None:
    context = ssl.create_default_context()
    if settings.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout)
    with smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


# ---- the webhook -----------------------------------------------------------------------------


def webhook_body(request: Dict) -> bytes:
    payload = {
        "request_number": request["id"],
        "idempotency_key": str(request["id"]),
        "kind": request.get("kind") or "vacature",
        "created_at": request["created_at"],
        "intake_id": request["intake_id"],
        **{f: request[f] for f in leads.FIELDS},
        "consent": {
            "given_at": request["consent_at"],
            "text": request["consent_text"],
            "version": request["consent_version"],
        },
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>": the timestamp is signed too, so an old request
    cannot be replayed with a fresh one."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signed: str, now: Optional[float] = None) -> bool:
    """What a receiver checks: the signature, and a timestamp at most 5 minutes off."""
    try:
        fresh = abs((now if now is not None else time.time()) - int(timestamp)) <= SIGNATURE_TOLERANCE
    except ValueError:
        return False
    return fresh and hmac.compare_digest(signature(secret, timestamp, body), signed)


def post_webhook(request: Dict, settings: Settings) -> None:
    body = webhook_body(request)
    timestamp = str(int(time.time()))
    post = urllib.request.Request(
        settings.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "2assistu-chatassistent",
            "Idempotency-Key": str(request["id"]),
            "X-2ASSISTU-Timestamp": timestamp,
            "X-2ASSISTU-Signature": signature(settings.webhook_secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(post, timeout=settings.timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:  # any status outside 2xx
        raise RuntimeError(f"HTTP {error.code}: {error.read(200).decode(errors='replace')}") from None


# ---- the worker ------------------------------------------------------------------------------

SENDERS = {"email": lambda request, s: send_mail(compose_mail(request, s), s), "webhook": post_webhook}


class Worker:
    def __init__(self, settings: Optional[Settings] = None, path: Optional[Path] = None):
        self.settings = settings or Settings.from_env()
        self.path = path or leads.db_path()
        self.lock: Optional[IO[str]] = None
        self.stopped = threading.Event()

    def take_lock(self) -> bool:
        """True when this is now the only worker of the file (until the process ends)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path.with_name(self.path.name + ".worker-lock"), "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.lock = handle
        return True

    def announce(self) -> None:
        for problem in self.settings.problems:
            logger.error("Bezorging van aanvragen: %s", problem)
        if not self.settings.email_to:  # a choice of the operator (a demo, a test), not an error
            logger.warning(
                "LEADS_EMAIL_TO is niet ingesteld: vacatureaanvragen worden NIET gemaild en "
                "wachten in %s tot de bezorging is ingesteld.",
                self.path,
            )
        logger.info(
            "Bezorging van aanvragen via: %s; nieuwe pogingen na %s s, tot %s uur na de eerste.",
            ", ".join(self.settings.channels()) or "niets",
            ",".join(f"{d:g}" for d in self.settings.retry_delays),
            f"{self.settings.retry_hours:g}",
        )

    def send_due(self) -> float:
        """Send every due job; returns the seconds until the next one is due."""
        channels = self.settings.channels()
        for job, number, channel, attempts, first in leads.due_jobs(time.time(), channels, self.path):
            self.send(job, number, channel, attempts + 1, first)
        due = leads.next_due(channels, self.path)
        return MAX_WAIT if due is None else min(MAX_WAIT, max(0.0, due - time.time()))

    def send(self, job: int, number: int, channel: str, attempt_no: int, first: Optional[float]) -> None:
        started = time.time()
        attempt = leads.begin_attempt(job, started, self.path)
        request = leads.request(number, self.path)
        if attempt is None or request is None:
            return  # erased meanwhile
        try:
            SENDERS[channel](request, self.settings)
        except Exception as error:  # noqa: BLE001 - whatever went wrong, the job is retried
            reason = f"{type(error).__name__}: {error}"[:500]
            retry_at = time.time() + self.settings.delay(attempt_no)
            if retry_at > (first or started) + self.settings.retry_hours * 3600:
                leads.end_attempt(job, attempt, reason, None, self.path)
                logger.error(
                    "AANVRAAG %s IS NIET BEZORGD via %s: %d pogingen in %.1f uur mislukt, laatste "
                    "fout: %s. Zie `make leads`; na het oplossen: python -m bot leads --retry-failed",
                    number,
                    channel,
                    attempt_no,
                    (time.time() - (first or started)) / 3600,
                    reason,
                )
            else:
                leads.end_attempt(job, attempt, reason, retry_at, self.path)
                logger.warning(
                    "Aanvraag %s niet bezorgd via %s (poging %d): %s; nieuwe poging over %.0f s",
                    number,
                    channel,
                    attempt_no,
                    reason,
                    retry_at - time.time(),
                )
            return
        leads.end_attempt(job, attempt, "", None, self.path)
        logger.info("Aanvraag %s bezorgd via %s (poging %d)", number, channel, attempt_no)

    def run(self) -> None:
        while not self.take_lock():  # another worker sends from this file; take over when it stops
            if self.stopped.wait(MAX_WAIT):
                return
        interrupted = leads.recover_interrupted(self.path)
        if interrupted:
            logger.warning(
                "%d verzendpoging(en) werden onderbroken (proces gestopt); ze gaan opnieuw uit.", interrupted
            )
        self.announce()
        while not self.stopped.is_set():
            try:
                wait = self.send_due()
            except Exception:  # noqa: BLE001 - e.g. the database locked for too long: try again
                logger.exception("Bezorging van aanvragen: fout in de wachtrij")
                wait = MAX_WAIT
            leads.NEW_REQUEST.wait(wait)
            leads.NEW_REQUEST.clear()

    def start(self) -> threading.Thread:
        self.thread = threading.Thread(target=self.run, name="lead-delivery", daemon=True)
        self.thread.start()
        return self.thread

    def stop(self) -> None:
        """For tests; the action server's worker runs until the process ends."""
        self.stopped.set()
        leads.NEW_REQUEST.set()
        self.thread.join(timeout=60)
        if self.lock:
            self.lock.close()
