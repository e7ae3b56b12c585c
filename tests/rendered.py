"""What a visitor sees of an action's messages: a message that names a domain response
(`dispatcher.utter_message(response=..., **values)`) rendered through domain.yml the way
Rasa 3.6 does it (rasa/core/actions/action.py `_utter_responses`): the response filled with
the slots and the values, buttons sent with it added after the response's own."""

from pathlib import Path
from typing import Dict, List, Optional

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain

DOMAIN = Domain.load(Path(__file__).resolve().parent.parent / "domain.yml")
NLG = TemplatedNaturalLanguageGenerator(DOMAIN.responses)


def rendered(messages: List[Dict], slots: Optional[Dict] = None) -> List[Dict]:
    shown = []
    for message in messages:
        message = dict(message)
        name = message.pop("response", None)
        draft = {}
        if name:
            draft = NLG.generate_from_slots(name, dict(slots or {}), "rest", **message)
            assert draft, f"domain.yml has no response {name!r}"
        buttons = message.pop("buttons", None) or []
        if buttons:
            draft["buttons"] = list(draft.get("buttons") or []) + list(buttons)
        draft.update({k: v for k, v in message.items() if v})
        shown.append(draft)
    return shown


def texts(messages: List[Dict]) -> str:
    """The texts of `messages` as the visitor sees them, one message per line."""
    return "\n".join(m.get("text") or "" for m in rendered(messages))
