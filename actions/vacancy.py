"""Parsing and validating the answers of the vacancy intake, one pure function per field.

Each `parse_*` returns the clean value, or raises `Invalid` naming the domain response that
explains the problem; the form shows it before asking again. No Rasa here, so every rule is
unit-tested directly. `INTAKE` at the end is the one definition of the intake's questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, Dict, Optional, Tuple

from actions.knowledge import Knowledge, fold
from actions.language import AGREE, ASAP, DISAGREE, MONTHS, NOTHING_TO_ADD, NUMBER_WORDS


class Invalid(ValueError):
    """An answer the form cannot use. `response` names the domain response that says why
    (in Dutch, editable in domain.yml); the form shows it before asking again."""

    def __init__(self, response: str):
        super().__init__(response)
        self.response = response


def _clean(text: Optional[str]) -> str:
    return " ".join(str(text or "").split())


def _folded(text: Optional[str]) -> str:
    return fold(_clean(text)).strip(" .!?")


def parse_role(text: str, knowledge: Knowledge) -> str:
    answer = re.sub(r"^(een|de|het|graag|liefst)\s+", "", _folded(text))  # "een OM"
    key = knowledge.role_key(answer) or next(iter(knowledge.roles_in_text(_clean(text))), None)
    if not key:
        raise Invalid("utter_invalid_role")
    return key


def parse_contract(text: str) -> str:
    words = _folded(text)
    if re.search(
        r"\b(tijdelijk\w*|interim|uitzend\w*|invallen|invalkracht|vervang\w*|tijdje|"
        r"project\w*|detacher\w*|temporary|temp)\b",
        words,
    ):
        return "tijdelijk"
    if re.search(r"\b(vast\w*|permanent\w*|loondienst|onbepaalde tijd|in dienst)\b", words):
        return "vast"
    raise Invalid("utter_invalid_contract")


def parse_hours(text: str) -> int:
    words = _folded(text)
    if re.search(r"\bfull ?-?time\b|\bvoltijd\w*\b", words):
        return 40
    numbers = [int(n) for n in re.findall(r"\d+", words)]
    numbers += [v for w, v in NUMBER_WORDS.items() if re.search(rf"\b{w}\b", words)]
    days = re.search(r"(\d+|een|twee|drie|vier|vijf)\s*dag(en)?\b", words)
    if days and not re.search(r"\buur\b", words):
        count = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5}.get(days.group(1)) or int(
            days.group(1)
        )
        numbers = [count * 8]
    if not numbers:
        raise Invalid("utter_invalid_hours")
    hours = max(numbers) if "tot" in words or "-" in words else numbers[0]
    if not 1 <= hours <= 60:
        raise Invalid("utter_invalid_hours_range")
    return hours


def parse_start_date(text: str, today: Optional[date] = None) -> str:
    """An ISO date, or 'zo snel mogelijk'. Understands '1 maart', '01-03-2027', 'volgende maand'."""
    today = today or date.today()
    words = _folded(text)
    if any(phrase in words for phrase in ASAP):
        return "zo snel mogelijk"
    if "volgende week" in words:
        return (today + timedelta(days=7 - today.weekday())).isoformat()
    if "volgende maand" in words:
        return date(today.year + today.month // 12, today.month % 12 + 1, 1).isoformat()
    if "morgen" in words and "overmorgen" not in words:
        return (today + timedelta(days=1)).isoformat()
    weeks = re.search(r"over (\d+|een|twee|drie|vier|zes|acht) (week|weken)", words)
    if weeks:
        n = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "zes": 6, "acht": 8}.get(weeks.group(1)) or int(
            weeks.group(1)
        )
        return (today + timedelta(weeks=n)).isoformat()

    found: Optional[Tuple[int, int, Optional[int]]] = None
    iso = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", words)
    numeric = None if iso else re.search(r"\b(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?\b", words)
    named = re.search(r"\b(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?\b", words)
    month_only = re.search(r"\b(?:begin|per|in|vanaf|eind)?\s*([a-z]+)(?:\s+(\d{4}))?$", words)
    try:
        if iso:
            found = (int(iso.group(3)), int(iso.group(2)), int(iso.group(1)))
        elif numeric:
            day, month, year = int(numeric.group(1)), int(numeric.group(2)), numeric.group(3)
            found = (day, month, int(year) + (2000 if len(year) == 2 else 0) if year else None)
        elif named and named.group(2) in MONTHS:
            found = (
                int(named.group(1)),
                MONTHS[named.group(2)],
                int(named.group(3)) if named.group(3) else None,
            )
        elif month_only and month_only.group(1) in MONTHS:
            found = (
                1,
                MONTHS[month_only.group(1)],
                int(month_only.group(2)) if month_only.group(2) else None,
            )
        if found:
            day, month, year = found
            start = date(year or today.year, month, day)
            if year is None and start < today:  # "1 maart" in April means next year
                start = date(today.year + 1, month, day)
            if start < today:
                raise Invalid("utter_invalid_date_past")
            if start > today + timedelta(days=2 * 365):
                raise Invalid("utter_invalid_date_far")
            return start.isoformat()
    except ValueError as error:
        if isinstance(error, Invalid):
            raise
        raise Invalid("utter_invalid_date") from None
    raise Invalid("utter_invalid_start_date")


def parse_text(text: str, invalid: str, minimum: int = 2, maximum: int = 100) -> str:
    """Free text of a sensible length with at least one letter; else Invalid(`invalid`)."""
    value = _clean(text)
    if not minimum <= len(value) <= maximum or not re.search(r"[^\W\d_]", value):
        raise Invalid(invalid)
    return value


EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def parse_email(text: str) -> str:
    match = re.search(r"\S+@\S+", _clean(text))
    value = match.group(0).strip(".,;:<>()") if match else ""
    if not EMAIL.match(value) or ".." in value or len(value) > 254:
        raise Invalid("utter_invalid_email")
    return value.lower()


def parse_phone(text: str) -> str:
    """A Dutch number (06, landline or +31/0031), returned as +31 followed by nine digits."""
    digits = re.sub(r"^(\+|00)31\s*\(0\)", "+31", _clean(text))  # "+31 (0)6 ..."
    digits = re.sub(r"[\s\-().]", "", digits)
    if digits.startswith("+31"):
        digits = "0" + digits[3:]
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        raise Invalid("utter_invalid_phone")
    return "+31" + digits[1:]


def parse_contact(text: str) -> dict:
    """E-mail and/or phone from one answer; at least one of the two must be valid."""
    found = {}
    try:
        found["email"] = parse_email(text)
    except Invalid:
        pass
    phone_like = re.sub(r"\S+@\S+", " ", _clean(text))
    for candidate in re.findall(r"[+\d][\d\s\-().]{8,}\d", phone_like):
        try:
            found["phone"] = parse_phone(candidate)
            break
        except Invalid:
            continue
    if not found:
        raise Invalid("utter_invalid_contact")
    return found


def parse_description(text: str) -> str:
    value = _clean(text)
    if _folded(value) in NOTHING_TO_ADD:
        return ""
    if len(value) > 500:
        raise Invalid("utter_invalid_description")
    return value


def parse_consent(text: str) -> bool:
    words = _folded(text)
    if words in AGREE or words.startswith("ja"):
        return True
    if words in DISAGREE or words.startswith("nee"):
        return False
    raise Invalid("utter_invalid_consent")


# ---- the intake's questions ------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One question of the intake, in the order asked: the form's slot (asked by the domain
    response `utter_ask_<slot>`, or the action `action_ask_<slot>`), how its answer is read,
    and the stored request's columns with their labels for the recruiters (None: the column is
    the slot, under `label`). A field with columns is shown in the summary and can be
    corrected."""

    slot: str
    label: str
    parse: Callable[[str, Knowledge], Any]
    columns: Optional[Dict[str, str]] = None
    # Personal data: how a sentence names it ("je naam"); removed from the conversation when
    # the visitor does not give consent (bot/runtime/tracker_store.py).
    personal: Optional[str] = None

    @property
    def stored(self) -> Dict[str, str]:
        return {self.slot: self.label} if self.columns is None else self.columns


INTAKE: Tuple[Field, ...] = (
    Field("vacancy_role", "Functie", parse_role, columns={"role": "Functie"}),  # the role's key
    Field("contract", "Vast of tijdelijk", lambda text, _: parse_contract(text)),
    Field("hours", "Uren per week", lambda text, _: parse_hours(text)),
    Field("start_date", "Startdatum", lambda text, _: parse_start_date(text)),
    Field(
        "organisation",
        "Organisatie",
        lambda text, _: parse_text(text, "utter_invalid_organisation"),
        personal="de naam van je organisatie",
    ),
    Field(
        "contact_name",
        "Naam",
        lambda text, _: parse_text(text, "utter_invalid_contact_name", maximum=80),
        personal="je naam",
    ),
    # one answer, two columns: the form's validator splits it into the slots email and phone
    Field(
        "contact",
        "Bereikbaar via",
        lambda text, _: parse_contact(text),
        columns={"email": "E-mail", "phone": "Telefoon"},
        personal="je contactgegevens",
    ),
    Field(
        "description",
        "Omschrijving",
        lambda text, _: parse_description(text),
        personal="je omschrijving van de functie",
    ),
    # kept with the request as the question asked (consent_text), not as a column of its own
    Field("consent", "Toestemming", lambda text, _: parse_consent(text), columns={}),
)
