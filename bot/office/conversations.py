"""Conversations as the admin page shows them: one conversation as the visitor saw it, the list
of the Gesprekken page (who, how long, how it ended, search), and the figures behind its charts.

Read with SQL from Rasa's tracker store, table `events` (sender_id, type_name, timestamp,
intent_name, action_name, data as JSON), read only: SQLite opened with mode=ro, PostgreSQL in
read-only transactions. The store is the one the servers use (bot/office/retention.py Stores: SQLite
TRACKER_DB, or PostgreSQL when DB_HOST is set). Days are days in the Netherlands.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy
from sqlalchemy import text

from bot.stores import leads

logger = logging.getLogger(__name__)

FALLBACK_ACTION = "action_not_in_knowledge"
# The topics of the chart "Meest gevraagde onderwerpen", by intent. Greetings, thanks and answers
# to a form's questions are not topics (a unit test checks that every intent is in one of both).
TOPICS = {
    "ask_definition": "Wat doet de functie",
    "ask_tasks": "Taken",
    "ask_responsibilities": "Verantwoordelijkheden",
    "ask_autonomy": "Zelfstandigheid",
    "ask_education": "Opleiding en ervaring",
    "ask_contacts": "Contacten",
    "ask_competencies": "Competenties",
    "ask_environment": "Werkomgeving",
    "ask_difference": "Verschil tussen de functies",
    "inform_role": "Dezelfde vraag over de andere functie",
    "ask_agency": "Over 2ASSISTU",
    "ask_contact": "Contact met 2ASSISTU",
    "ask_human": "Een medewerker spreken",
    "ask_vacancies": "Vacatures voor kandidaten",
    "out_of_scope": "Buiten het onderwerp",
    "hire_request": "Vacature doorgeven",
    "hire_advice": "Advies: wie aannemen",
    "career_advice": "Loopbaanadvies",
    "career_quiz": "Loopbaantest",
    "help": "Wat kan de assistent",
    "bot_challenge": "Ben je een robot?",
    "ask_privacy": "Privacy en bewaren",
    "ask_erasure": "Gegevens wissen",
    "nlu_fallback": "Niet begrepen (terugval)",
}
NOT_TOPICS = {
    "tell_situation",
    "greet",
    "goodbye",
    "thank",
    "inform",
    "affirm",
    "deny",
    "stop",
    "correct_vacancy",
}
# Who the visitor is, by the intents and forms of the conversation (the last one counts), else by
# the page the widget opened on (its data-audience, in the opening's metadata).
EMPLOYER, CANDIDATE, UNKNOWN = "werkgever", "kandidaat", "onbekend"
WHO = {EMPLOYER: "Werkgever", CANDIDATE: "Kandidaat", UNKNOWN: "Onbekend"}
WHO_BY_ACTION = {
    "action_start_intake": EMPLOYER,
    "vacancy_form": EMPLOYER,
    "action_start_quiz": CANDIDATE,
    "career_quiz_form": CANDIDATE,
}
# How a conversation ended, the weakest first: a conversation gets the strongest that happened
# (`stronger`). The live handoff adds "doorverbonden" here, and where it happened in `summaries`.
OUTCOMES = {
    "beantwoord": "Beantwoord",
    "onbeantwoord": "Onbeantwoord",
    "doorverbonden": "Doorverbonden",
    "aanvraag": "Aanvraag",
}
PAGE_SIZE = 25
MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
MESSAGE_BUCKETS = [
    (1, 1, "1"),
    (2, 2, "2"),
    (3, 5, "3–5"),
    (6, 10, "6–10"),
    (11, 20, "11–20"),
    (21, None, "meer dan 20"),
]


LOCAL = leads.LOCAL  # Dutch time


def local(moment: Any) -> datetime:
    """A unix time, an ISO 8601 UTC string or an aware datetime, in Dutch time."""
    if isinstance(moment, datetime):
        return moment.astimezone(LOCAL)
    if isinstance(moment, str):
        return datetime.fromisoformat(moment).astimezone(LOCAL)
    return datetime.fromtimestamp(float(moment), LOCAL)


def short_day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


# ---- the store ---------------------------------------------------------------------------------


class TrackerReader:
    """Read-only SQL on the tracker store."""

    def __init__(self, url: sqlalchemy.engine.URL):
        self.url = url
        self._engine: Optional[sqlalchemy.engine.Engine] = None

    @classmethod
    def from_env(cls, env: Dict[str, str]) -> "TrackerReader":
        from bot.office.retention import Stores

        return cls(Stores.from_env(env).tracker_url)

    def engine(self) -> Optional[sqlalchemy.engine.Engine]:
        """None while there is no conversation yet (no SQLite file, or no table)."""
        if self._engine is None:
            if self.url.drivername == "sqlite":
                path = Path(self.url.database)
                if not path.exists():
                    return None
                engine = sqlalchemy.create_engine(
                    f"sqlite:///file:{path}?mode=ro&uri=true", future=True, connect_args={"timeout": 30}
                )
            else:
                engine = sqlalchemy.create_engine(
                    self.url,
                    future=True,
                    pool_pre_ping=True,
                    connect_args={"options": "-c default_transaction_read_only=on"},
                )
            if not sqlalchemy.inspect(engine).has_table("events"):
                engine.dispose()
                return None
            self._engine = engine
        return self._engine

    def rows(self, sql: str, **params: Any) -> List[Any]:
        engine = self.engine()
        if engine is None:
            return []
        with engine.connect() as connection:
            return connection.execute(text(sql), params).fetchall()

    def events(self, sender: str) -> List[Dict[str, Any]]:
        return [
            json.loads(data)
            for (data,) in self.rows(
                "SELECT data FROM events WHERE sender_id = :sender ORDER BY id", sender=sender
            )
        ]

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


# ---- one conversation --------------------------------------------------------------------------


@dataclass
class Message:
    who: str  # "user" or "bot"
    text: str
    buttons: List[str]
    at: datetime
    staff: str = ""  # a bot message written by this staff member (the live handoff)


def conversation(reader: TrackerReader, sender: str) -> Tuple[List[Message], str]:
    """The messages as the visitor saw them (the widget's own transcript: a quick reply shows
    its title, the hidden opening is left out), and the channel ("widget", "rest", ...)."""
    from bot.runtime.channel import transcript

    messages, channel = [], ""
    for event in reader.events(sender):
        if event.get("event") == "user":
            channel = channel or event.get("input_channel") or ""
        for shown in transcript([event]):
            messages.append(
                Message(
                    shown["from"],
                    shown["text"],
                    [b["title"] for b in shown["buttons"]],
                    local(event.get("timestamp") or 0),
                    shown.get("staff") or "",
                )
            )
    return messages, channel


# ---- the list of the Gesprekken page ------------------------------------------------------------


@dataclass
class Summary:
    """One conversation in the list: what the visitor asked first, who, how long, how it ended."""

    sender: str
    last: datetime  # the visitor's last message
    first_question: str
    who: str  # a key of WHO
    messages: int  # the visitor's messages
    outcome: str  # a key of OUTCOMES
    texts: List[str] = field(default_factory=list)  # every message as the visitor saw it


def stronger(outcome: str, other: str) -> str:
    return max(outcome, other, key=list(OUTCOMES).index)


def who_by_intent(intent: Optional[str]) -> Optional[str]:
    if intent and (intent.startswith("hire_") or intent == "correct_vacancy"):
        return EMPLOYER
    if intent and intent.startswith("career_"):
        return CANDIDATE
    return None


def summaries(
    reader: TrackerReader, leads_db: Optional[Path], days: int, now: Optional[datetime] = None
) -> List[Summary]:
    """Every conversation in which the visitor wrote in the last `days` days, the latest first."""
    from bot.runtime.channel import transcript

    today = (now or datetime.now(timezone.utc)).astimezone(LOCAL).date()
    since = datetime.combine(today - timedelta(days=days - 1), datetime.min.time(), LOCAL).timestamp()
    with_request = {row["sender"] for row in leads.export_rows(None, leads_db)}
    actions = [FALLBACK_ACTION, *WHO_BY_ACTION]
    names = ", ".join(f":a{i}" for i in range(len(actions)))
    found: Dict[str, Summary] = {}
    for sender, kind, stamp, intent, action, data in reader.rows(
        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events WHERE sender_id IN "
        "(SELECT DISTINCT sender_id FROM events WHERE type_name = 'user' AND timestamp >= :since) "
        f"AND (type_name IN ('user', 'bot') OR (type_name = 'action' AND action_name IN ({names}))) "
        "ORDER BY sender_id, id",
        since=since,
        **{f"a{i}": a for i, a in enumerate(actions)},
    ):
        summary = found.get(sender)
        if summary is None:
            summary = found[sender] = Summary(
                sender, local(stamp), "", UNKNOWN, 0, "aanvraag" if sender in with_request else "beantwoord"
            )
        if kind == "action":
            summary.who = WHO_BY_ACTION.get(action, summary.who)
            if action == FALLBACK_ACTION:
                summary.outcome = stronger(summary.outcome, "onbeantwoord")
            continue
        event = json.loads(data)
        audience = ((event.get("metadata") or {}).get("widget") or {}) if kind == "user" else {}
        if isinstance(audience, dict) and audience.get("audience") in (EMPLOYER, CANDIDATE):
            summary.who = audience["audience"]
        for shown in transcript([event]):  # (nothing for the widget's hidden opening)
            summary.texts.append(shown["text"])
            if shown.get("staff"):  # a staff member answered in the chat
                summary.outcome = stronger(summary.outcome, "doorverbonden")
            if shown["from"] == "user":
                summary.messages += 1
                summary.last = local(stamp)
                summary.first_question = summary.first_question or shown["text"]
                summary.who = who_by_intent(intent) or summary.who
    listed = [s for s in found.values() if s.messages and s.last.timestamp() >= since]
    for summary in listed:
        if summary.sender in with_request:
            summary.who = EMPLOYER
    return sorted(listed, key=lambda s: s.last, reverse=True)


def folded(text: str) -> str:
    """Lower case without accents: 'Één' and 'een' are the same word to the search."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def search(
    listed: List[Summary], words: str = "", who: str = "", outcome: str = ""
) -> List[Tuple[Summary, str]]:
    """The conversations in which every word occurs (in any message), of this visitor and with
    this outcome, each with a piece of the first message that has the first word (or "")."""
    terms = folded(words).split()
    result = []
    for summary in listed:
        if (who and summary.who != who) or (outcome and summary.outcome != outcome):
            continue
        texts = [folded(text) for text in summary.texts]
        if all(any(term in text for text in texts) for term in terms):
            hit = next(
                (
                    excerpt(t, f.index(terms[0]))
                    for t, f in zip(summary.texts, texts)
                    if terms and terms[0] in f
                ),
                "",
            )
            result.append((summary, hit))
    return result


def excerpt(text: str, at: int, width: int = 160) -> str:
    """About `width` characters of `text` around position `at`."""
    start = max(0, min(at - width // 3, len(text) - width))
    piece = " ".join(text[start : start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


# ---- the figures of the Gesprekken page --------------------------------------------------------


@dataclass
class Chart:
    """One chart and its text alternative: the same labels and values as a table."""

    name: str
    title: str
    kind: str  # "bar", "line" or "hbar"
    labels: List[str]
    values: Sequence[Optional[float]]  # None: nothing to measure (a day without messages)
    column: str  # the heading of the values' column in the table
    unit: str = ""  # "%" for shares
    summary: str = ""  # the chart in one sentence (the image's alt text)


@dataclass
class Overview:
    days: int
    first: date
    last: date
    conversations: int = 0
    messages: int = 0
    fallbacks: int = 0
    requests: int = 0
    charts: List[Chart] = field(default_factory=list)

    def chart(self, name: str) -> Chart:
        return next(c for c in self.charts if c.name == name)


def overview(
    reader: TrackerReader, leads_db: Optional[Path], days: int, now: Optional[datetime] = None
) -> Overview:
    """The last `days` days up to today: conversations per day, messages per conversation,
    the share of messages that fell back per day, the most asked topics, requests per week."""
    today = (now or datetime.now(timezone.utc)).astimezone(LOCAL).date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), LOCAL).timestamp()
    result = Overview(days, first, today)
    day_list = [first + timedelta(days=i) for i in range(days)]

    turns: List[Tuple[str, datetime, Optional[str]]] = []  # (conversation, when, intent) per visitor message
    fell_back: List[bool] = []
    for sender, kind, stamp, intent, data in reader.rows(
        "SELECT sender_id, type_name, timestamp, intent_name, data FROM events WHERE timestamp >= :since "
        "AND (type_name = 'user' OR (type_name = 'action' AND action_name = :fallback)) "
        "ORDER BY sender_id, id",
        since=since,
        fallback=FALLBACK_ACTION,
    ):
        if kind == "user":
            meta = (json.loads(data).get("metadata") or {}).get("widget") or {}
            if isinstance(meta, dict) and meta.get("opening"):
                continue  # the widget's hidden opening, not typed by the visitor
            turns.append((sender, local(stamp), intent))
            fell_back.append(intent == "nlu_fallback")
        elif turns and turns[-1][0] == sender:
            fell_back[-1] = True  # the turn ran the honest fallback

    per_day: Dict[date, set] = {day: set() for day in day_list}
    messages_per_day: Counter = Counter()
    fallbacks_per_day: Counter = Counter()
    per_conversation: Counter = Counter()
    topics: Counter = Counter()
    for (sender, moment, intent), fallback in zip(turns, fell_back):
        day = moment.date()
        if day not in per_day:
            continue
        per_day[day].add(sender)
        messages_per_day[day] += 1
        fallbacks_per_day[day] += fallback
        per_conversation[sender] += 1
        if intent and intent not in NOT_TOPICS:
            topics[TOPICS.get(intent, intent)] += 1
    result.conversations = len(per_conversation)
    result.messages = sum(messages_per_day.values())
    result.fallbacks = sum(fallbacks_per_day.values())

    labels = [short_day(day) for day in day_list]
    counts = [len(per_day[day]) for day in day_list]
    busiest = max(range(days), key=lambda i: counts[i])
    result.charts.append(
        Chart(
            "gesprekken-per-dag",
            "Gesprekken per dag",
            "bar",
            labels,
            counts,
            "Gesprekken",
            summary=f"Staafdiagram van het aantal gesprekken per dag, {labels[0]} tot en met {labels[-1]}: "
            f"{result.conversations} in totaal"
            + (f", de drukste dag {labels[busiest]} met {counts[busiest]}" if counts[busiest] else "")
            + ".",
        )
    )

    buckets = [
        sum(1 for n in per_conversation.values() if low <= n and (high is None or n <= high))
        for low, high, _ in MESSAGE_BUCKETS
    ]
    result.charts.append(
        Chart(
            "berichten-per-gesprek",
            "Berichten van de bezoeker per gesprek",
            "bar",
            [label for _, _, label in MESSAGE_BUCKETS],
            buckets,
            "Gesprekken",
            summary="Staafdiagram van het aantal gesprekken naar het aantal berichten van de bezoeker"
            + (
                f"; gemiddeld {dutch_number(result.messages / result.conversations)} berichten per gesprek."
                if result.conversations
                else "; nog geen gesprekken."
            ),
        )
    )

    shares = [
        round(100 * fallbacks_per_day[d] / messages_per_day[d], 1) if messages_per_day[d] else None
        for d in day_list
    ]  # None: no messages that day, no dot
    total_share = 100 * result.fallbacks / result.messages if result.messages else 0.0
    result.charts.append(
        Chart(
            "terugval-per-dag",
            "Aandeel berichten met terugval per dag",
            "line",
            labels,
            shares,
            "Terugval",
            unit="%",
            summary=f"Lijndiagram van het percentage berichten per dag dat de assistent niet kon plaatsen, "
            f"{labels[0]} tot en met {labels[-1]}, alleen op dagen met berichten; over de hele periode "
            f"{dutch_number(total_share)} %.",
        )
    )

    top = topics.most_common(10)
    result.charts.append(
        Chart(
            "onderwerpen",
            "Meest gevraagde onderwerpen",
            "hbar",
            [t for t, _ in top],
            [n for _, n in top],
            "Berichten",
            summary="Liggend staafdiagram van de tien meest gevraagde onderwerpen"
            + (f"; bovenaan {top[0][0]} met {top[0][1]} berichten." if top else "; nog geen vragen."),
        )
    )

    result.charts.append(requests_per_week(leads_db, first, today, result))
    return result


def requests_per_week(leads_db: Optional[Path], first: date, last: date, result: Overview) -> Chart:
    weeks: List[Tuple[int, int]] = []
    day = first - timedelta(days=first.weekday())
    while day <= last:
        weeks.append(day.isocalendar()[:2])
        day += timedelta(days=7)
    counts: Counter = Counter()
    for row in leads.export_rows(None, leads_db):
        created = local(row["created_at"]).date()
        if first <= created <= last:
            counts[created.isocalendar()[:2]] += 1
    result.requests = sum(counts.values())
    labels = [f"week {week}" for _, week in weeks]
    return Chart(
        "aanvragen-per-week",
        "Vacatureaanvragen per week",
        "bar",
        labels,
        [counts[w] for w in weeks],
        "Aanvragen",
        summary=f"Staafdiagram van het aantal vacatureaanvragen per week, {labels[0]} tot en met "
        f"{labels[-1]}: {result.requests} in totaal.",
    )


def dutch_number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")
