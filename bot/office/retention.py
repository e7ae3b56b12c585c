"""Retention and erasure of visitors' data (AVG/GDPR): conversations, unanswered questions and
vacancy requests.

`python -m bot purge` (make purge), and the action server once a day, remove what is older
than its retention period (bot/stores/privacy.py). `python -m bot forget <e-mail or phone>`
removes one person's requests with their delivery jobs, the conversations they were given in,
and those conversations' unanswered questions; `--dry-run` shows it first.

Conversations are Rasa's tracker store, table `events` (sender_id, timestamp in unix seconds,
data as JSON): SQLite (TRACKER_DB) or PostgreSQL (DB_HOST ..., endpoints.scale.yml). The same
SQL runs on both through SQLAlchemy. An event older than the period goes, also from a
conversation that is still going on: nothing is kept longer than the period says.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

import sqlalchemy
from sqlalchemy import bindparam, text

from bot.stores import leads, live, privacy, unanswered

logger = logging.getLogger(__name__)
DAY = 24 * 3600


@dataclass
class Stores:
    tracker_url: sqlalchemy.engine.URL  # the tracker store: SQLite or PostgreSQL
    leads: Path
    unanswered: Path
    handoff: Optional[Path] = (
        None  # the live handoff (bot/stores/live.py), None: HANDOFF_DB or var/handoff.db
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Stores":
        """The stores the launcher gives the servers (bot/runtime/launcher.py base_env)."""
        if env.get("DB_HOST"):
            from bot.runtime.launcher import SCALE_DEFAULTS

            get = lambda name: env.get(name) or SCALE_DEFAULTS.get(name)  # noqa: E731
            url = sqlalchemy.engine.URL.create(
                "postgresql",
                username=get("DB_USER"),
                password=get("DB_PASSWORD") or None,
                host=env["DB_HOST"],
                port=int(get("DB_PORT") or 5432),
                database=get("DB_NAME"),
            )
        else:
            url = sqlalchemy.engine.make_url(
                f"sqlite:///{env.get('TRACKER_DB') or leads.DEFAULT_DB.with_name('tracker.db')}"
            )
        return cls(
            url,
            Path(env.get("LEADS_DB") or leads.DEFAULT_DB),
            Path(env.get("UNANSWERED_DB") or unanswered.DEFAULT_DB),
            Path(env["HANDOFF_DB"]) if env.get("HANDOFF_DB") else None,
        )

    def tracker(self) -> Optional[sqlalchemy.engine.Engine]:
        """The tracker store, or None when it does not exist yet (nothing to remove)."""
        sqlite = self.tracker_url.drivername == "sqlite"
        if sqlite and not Path(self.tracker_url.database).exists():
            return None  # do not create an empty one
        engine = sqlalchemy.create_engine(
            self.tracker_url, future=True, connect_args={"timeout": 30} if sqlite else {}
        )
        if not sqlalchemy.inspect(engine).has_table("events"):
            engine.dispose()
            return None
        return engine


# ---- retention -------------------------------------------------------------------------------


def purge(stores: Stores, dry_run: bool = False, now: Optional[float] = None) -> Dict[str, int]:
    """Remove everything older than its retention period; returns what (would have) gone."""
    days = privacy.retention_days()
    now = time.time() if now is None else now
    cutoff = lambda name: now - days[name] * DAY  # noqa: E731
    iso = lambda moment: datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="seconds")  # noqa: E731
    removed = {"events": 0}
    engine = stores.tracker()
    if engine is not None:
        with engine.begin() as connection:
            verb = "SELECT count(*) " if dry_run else "DELETE "
            result = connection.execute(
                text(verb + "FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff("conversations")}
            )
            removed["events"] = result.scalar() if dry_run else result.rowcount
        engine.dispose()
    removed["unanswered"] = unanswered.purge(iso(cutoff("unanswered")), dry_run, stores.unanswered)
    removed["requests"], removed["jobs"] = leads.purge(iso(cutoff("requests")), dry_run, stores.leads)
    if not dry_run:  # (the live handoff's answers and missed waits: one day, not a setting)
        live.purge(path=stores.handoff)
    return removed


def purge_report(removed: Dict[str, int], dry_run: bool) -> str:
    days = privacy.retention_days()
    return (
        f"Bewaartermijnen: gesprekken {privacy.period(days['conversations'])}, onbeantwoorde vragen "
        f"{privacy.period(days['unanswered'])}, aanvragen {privacy.period(days['requests'])}.\n"
        + ("Proefdraai, niets verwijderd. Zou verwijderen: " if dry_run else "Verwijderd: ")
        + f"{removed['events']} gebeurtenissen uit gesprekken, {removed['unanswered']} onbeantwoorde "
        f"vragen, {removed['requests']} aanvragen met {removed['jobs']} bezorgopdrachten."
    )


def start_daily(stores: Stores) -> threading.Thread:
    """Purge at start and then once a day, in a thread of the action server."""

    def loop() -> None:
        while True:
            try:
                logger.info(purge_report(purge(stores), dry_run=False).replace("\n", " "))
                pause = DAY
            except Exception:  # noqa: BLE001 - e.g. the database away: try again in an hour
                logger.exception("Bewaartermijnen toepassen mislukt")
                pause = 3600
            time.sleep(pause)

    thread = threading.Thread(target=loop, name="retention", daemon=True)
    thread.start()
    return thread


# ---- erasure ---------------------------------------------------------------------------------


def contact_of(value: str) -> Tuple[Optional[str], Optional[str]]:
    """(e-mail, phone) as the intake reads them: the phone as +31..., the e-mail matched in any case."""
    from actions.vacancy import Invalid, parse_contact

    try:
        found = parse_contact(value)
    except Invalid:
        raise ValueError(f"{value!r} is geen e-mailadres of Nederlands telefoonnummer") from None
    return (found.get("email") or "").lower() or None, found.get("phone")


def like(value: str) -> str:
    """A LIKE pattern that finds `value` literally, in any case."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", value.lower()) + "%"


@dataclass
class Found:
    requests: List[int]
    jobs: int
    conversations: List[str]
    events: int
    unanswered: int


def forget(stores: Stores, value: str, dry_run: bool = False) -> Found:
    """Remove one person's data: their requests (with delivery jobs and attempts), every
    conversation that holds their e-mail address or phone number or one of their requests,
    and those conversations' unanswered questions."""
    email, phone = contact_of(value)
    patterns = [like(v) for v in (email, phone) if v]
    requests = leads.find(email, phone, stores.leads)
    senders = {sender for _, sender in requests}
    events = 0
    engine = stores.tracker()
    if engine is not None:
        with engine.begin() as connection:
            for pattern in patterns:
                senders |= set(
                    connection.execute(
                        text("SELECT DISTINCT sender_id FROM events WHERE lower(data) LIKE :p ESCAPE '\\'"),
                        {"p": pattern},
                    ).scalars()
                )
            if senders:
                verb = "SELECT count(*) " if dry_run else "DELETE "
                result = connection.execute(
                    text(verb + "FROM events WHERE sender_id IN :senders").bindparams(
                        bindparam("senders", expanding=True)
                    ),
                    {"senders": sorted(senders)},
                )
                events = result.scalar() if dry_run else result.rowcount
        engine.dispose()
    questions = unanswered.forget(sorted(senders), patterns, dry_run, stores.unanswered)
    numbers = [number for number, _ in requests]
    _, jobs = leads.delete(numbers, dry_run, stores.leads)
    if not dry_run:
        live.forget(sorted(senders), stores.handoff)
    return Found(numbers, jobs, sorted(senders), events, questions)


def forget_report(value: str, found: Found, dry_run: bool) -> str:
    numbers = ", ".join(str(n) for n in found.requests)
    lines = [
        ("Proefdraai, niets verwijderd. Gevonden" if dry_run else "Verwijderd") + f" voor {value}:",
        f"  aanvragen: {len(found.requests)}"
        + (f" (nummers {numbers})" if numbers else "")
        + f", met {found.jobs} bezorgopdrachten",
        f"  gesprekken: {len(found.conversations)} ({found.events} gebeurtenissen)",
        f"  onbeantwoorde vragen: {found.unanswered}",
    ]
    if dry_run:
        lines.append("Zonder --dry-run wordt dit verwijderd.")
    if found.requests:
        lines.append(
            f"Let op: al bezorgde e-mails en webhookberichten van aanvraag {numbers} staan nog bij "
            "de ontvanger (mailbox, CRM); verwijder ze daar ook."
        )
    return "\n".join(lines)
