"""What the Rasa server itself says (not an action): its texts are responses in domain.yml,
next to every other sentence of the assistant, so a copywriter edits them in one place."""

import functools
from pathlib import Path

import yaml

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"


@functools.lru_cache(maxsize=None)
def response_text(name: str) -> str:
    """The text of the domain's response `name` (its first variant)."""
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8")).get("responses") or {}
    try:
        return str(responses[name][0]["text"])
    except (KeyError, IndexError, TypeError):
        raise SystemExit(
            f"{DOMAIN.name}: de response '{name}' met een 'text' ontbreekt; "
            "de server gebruikt die tekst zelf."
        ) from None


@functools.lru_cache(maxsize=None)
def response_buttons(name: str) -> tuple:
    """The quick replies of the domain's response `name` (its first variant): ({title, payload}, ...)."""
    response_text(name)  # (says so when the response is missing)
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8")).get("responses") or {}
    return tuple(
        {"title": str(b["title"]), "payload": str(b["payload"]).replace("{{", "{").replace("}}", "}")}
        for b in responses[name][0].get("buttons") or []
    )
