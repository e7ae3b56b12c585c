"""What the two chat channels (bot/runtime/rest.py, bot/runtime/channel.py) and the admin page share: the
length limit of a message, exact CORS origins, the security headers, and the apology that
replaces an empty reply. Light on purpose: bot/runtime/rasa_cli.py imports it before Rasa."""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Optional, Text, Tuple

from bot.runtime.texts import response_text

logger = logging.getLogger(__name__)

MAX_TEXT = 4000  # characters in one message, in both channels: a pasted vacancy text fits
# The demo page runs only its own files: no inline script or style, no other origin.
DEMO_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def parse_origins(value: Optional[Text], setting: Text = "WIDGET_ALLOWED_ORIGINS") -> Tuple[Text, ...]:
    """Exact origins ("scheme://host[:port]"); "*" and anything malformed are refused."""
    origins = []
    for item in re.split(r"[,\s]+", value or ""):
        item = item.strip().rstrip("/")
        if not item:
            continue
        if item == "*" or not ORIGIN.match(item):
            logger.warning("%s: %r is geen geldige origin en wordt genegeerd", setting, item)
            continue
        origins.append(item.lower())
    return tuple(dict.fromkeys(origins))


def drop_cors_headers(headers: Any) -> None:
    """Whatever a server-wide CORS layer added ("*" included): each route decides for itself."""
    for header in [h for h in headers.keys() if h.lower().startswith("access-control-")]:
        del headers[header]


def security_headers(headers: Any, referrer_policy: Text) -> None:
    """The headers every page and API answer of the widget and the admin page carries."""
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = referrer_policy


def with_apology(on_new_message: Callable[[Any], Awaitable[Any]]):
    """`on_new_message` for a channel that collects replies: an empty reply (an action failed
    or timed out, or Rasa raised) becomes the apology (domain response utter_no_reply)."""
    from rasa.core.channels.channel import CollectingOutputChannel

    async def handle(message) -> None:
        try:
            await on_new_message(message)
        finally:
            collector = message.output_channel
            if isinstance(collector, CollectingOutputChannel) and not collector.messages:
                logger.warning(
                    "No reply for %s (action server down or slow?); sent the apology.", message.sender_id
                )
                await collector.send_text_message(message.sender_id, response_text("utter_no_reply"))

    return handle
