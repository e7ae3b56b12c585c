"""Rasa's REST channel with its input checked first, registered as `rest` in credentials.yml.

Stock Rasa answers 200 with an empty list to a missing or non-text message, and spends many
seconds (blocking every other visitor) on a 100 kB one. Here such requests get a clear 4xx
with a Dutch explanation, and control characters are removed before the NLU sees the text.
A body above the server's size limit (SANIC_REQUEST_MAX_SIZE, set by the launcher) gets the
same Dutch 413 as a message that is too long, and one sender may send at most
REST_RATE_LIMIT messages ("N/S", default "20/60", "0" for none; bot/runtime/ratelimit.py) before a
429 with a Dutch message.
"""

import re
from typing import Any, Optional

from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request

from bot.runtime import ratelimit
from bot.runtime.web import MAX_TEXT, with_apology

MAX_SENDER = 128
SENDER = re.compile(r"^[\w.:@-]+$")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
TOO_LONG = f"Je bericht is te lang: hoogstens {MAX_TEXT} tekens, stel je vraag korter."


def problem(body: Any) -> Optional[str]:
    """What is wrong with a webhook request body, in Dutch, or None."""
    if not isinstance(body, dict):
        return "Stuur een JSON-object met 'sender' en 'message'."
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER or not SENDER.match(sender):
        return f"'sender' moet tekst zijn van 1 tot {MAX_SENDER} letters, cijfers of . : @ - _."
    if not isinstance(message, str):
        return "'message' ontbreekt of is geen tekst."
    return None


class CheckedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message) -> Blueprint:
        blueprint = super().blueprint(with_apology(on_new_message))
        limiter = ratelimit.from_env("REST_RATE_LIMIT")  # None: no limit

        @blueprint.exception(PayloadTooLarge)
        async def too_large(request: Request, _exception: Exception):
            return response.json({"error": TOO_LONG}, status=413)

        @blueprint.middleware("request")
        async def check(request: Request):
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            try:
                body = request.json
            except Exception:  # Sanic's own error for broken JSON or bytes
                return response.json({"error": "Ongeldige JSON."}, status=400)
            wrong = problem(body)
            if wrong:
                return response.json({"error": wrong}, status=400)
            if len(body["message"]) > MAX_TEXT:
                return response.json({"error": TOO_LONG}, status=413)
            wait = limiter.hit(body["sender"]) if limiter else 0.0
            if wait:
                return response.json(
                    {"error": ratelimit.TOO_MANY},
                    status=429,
                    headers={"Retry-After": ratelimit.retry_after(wait)},
                )
            body["message"] = CONTROL.sub(" ", body["message"])
            return None

        return blueprint
