"""What the Rasa server itself says (not an action): its texts are responses in domain.yml,
next to every other sentence of the assistant, so a copywriter edits them in one place."""
import functools
from pathlib import Path

import yaml

DOMAIN = Path(__file__).resolve().parent.parent / "domain.yml"


@functools.lru_cache(maxsize=None)
def response_text(name: str) -> str:
    """The text of the domain's response `name` (its first variant)."""
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8")).get("responses") or {}
    try:
        return str(responses[name][0]["text"])
    except (KeyError, IndexError, TypeError):
        raise SystemExit(f"{DOMAIN.name}: de response '{name}' met een 'text' ontbreekt; "
                         "de server gebruikt die tekst zelf.") from None
