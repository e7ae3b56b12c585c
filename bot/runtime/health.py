"""GET /health on the Rasa server: a channel (credentials.yml), Rasa's supported seam for routes
of one's own.

200 once the model is loaded, else 503 (the launcher waits for it), with the Rasa version, the
active changes to Rasa (bot/runtime/rasa_changes.py) and the tracker store's speedups that are
switched on; whichever other channels are on. Rasa registers a channel's blueprint under
urljoin("/webhooks/", url_prefix()): an absolute "/" puts the route at /health.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.runtime import rasa_changes


def status(app: Any) -> dict:
    agent = getattr(app.ctx, "agent", None)
    return {
        "status": "ok" if agent is not None and agent.is_ready() else "loading",  # the model is loaded
        "rasa": rasa_changes.rasa_version(),
        "changes": rasa_changes.active(),
        "store_speedups": [name for name in rasa_changes.STORE_SPEEDUPS if rasa_changes.switched_on(name)],
    }


class HealthInput(InputChannel):
    """GET /health (see the module's docstring); takes no messages."""

    @classmethod
    def name(cls) -> Text:
        return "health"

    def url_prefix(self) -> Text:
        return "/"  # absolute: urljoin("/webhooks/", "/") == "/"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("health_channel", __name__)

        @health.route("/health", methods=["GET"])
        async def report(request: Request) -> HTTPResponse:
            body = status(request.app)
            return response.json(body, status=200 if body["status"] == "ok" else 503)

        return health
