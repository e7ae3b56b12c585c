"""How long visitors' data is kept, and the consent question that tells them so.

The one place for the retention periods, in days, read from the environment:

    RETENTION_CONVERSATIONS_DAYS  conversations (the tracker store's events)   default 90
    RETENTION_UNANSWERED_DAYS     the unanswered-question log                  default 90
    RETENTION_REQUESTS_DAYS       vacancy requests and their delivery jobs     default 365

`python -m bot purge` (and the action server, once a day) removes what is older; the consent
question of the intake names the same periods, and PRIVACY_URL, the agency's privacy statement.
"""

from __future__ import annotations

import hashlib
import os
from typing import Dict

RETENTION_DEFAULTS = {"conversations": 90, "unanswered": 90, "requests": 365}


def retention_days(env=None) -> Dict[str, int]:
    env = os.environ if env is None else env
    days = {}
    for name, default in RETENTION_DEFAULTS.items():
        variable = f"RETENTION_{name.upper()}_DAYS"
        value = (env.get(variable) or "").strip() or str(default)
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"{variable}={value!r}: verwacht een aantal dagen (1 of meer)")
        days[name] = int(value)
    return days


def privacy_url(env=None) -> str:
    return ((os.environ if env is None else env).get("PRIVACY_URL") or "").strip()


def period(days: int) -> str:
    """90 -> '90 dagen', 365 -> 'een jaar', 730 -> '2 jaar'."""
    if days % 365 == 0:
        return "een jaar" if days == 365 else f"{days // 365} jaar"
    return "een dag" if days == 1 else f"{days} dagen"


def consent_question(env=None) -> str:
    """What is kept, for how long and why: asked before anything is stored."""
    days = retention_days(env)
    text = (
        "Mogen we deze gegevens bewaren om je aanvraag te behandelen? We sturen je aanvraag, met "
        "je naam en contactgegevens, naar een recruiter van 2ASSISTU, die contact met je opneemt. "
        f"We bewaren je aanvraag {period(days['requests'])} en dit gesprek "
        f"{period(days['conversations'])}; daarna wissen we ze. Wil je dat we ze eerder wissen, "
        "laat het ons dan weten."
    )
    statement = privacy_statement(env)
    return text + (f" {statement}" if statement else "")


def privacy_statement(env=None) -> str:
    """The sentence that links the agency's privacy statement, or "" without PRIVACY_URL."""
    url = privacy_url(env)
    return f"Meer in onze privacyverklaring: {url}" if url else ""


def where_to_read_more(env=None) -> str:
    """The last sentence of an answer about privacy: the statement's link, or the widget's."""
    return (
        privacy_statement(env) or "Meer lees je onder 'Privacy en bewaartermijn', onder in het chatvenster."
    )


def consent_version(text: str) -> str:
    """A short fingerprint of the exact question: another wording is another version."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]
