"""GET /health (bot/runtime/health.py), a channel in credentials.yml (once a change to Rasa's
`configure_app`): on the route Rasa registers for it, 503 until the model is loaded, then 200,
with the Rasa version and the active changes. (The running server: tests/e2e/test_rasa_changes.py.)"""

import asyncio
import json
from types import SimpleNamespace


def test_health_is_a_channel_route_that_says_whether_the_model_is_loaded_and_what_is_changed():
    from rasa.core.run import configure_app

    from bot.runtime import rasa_changes
    from bot.runtime.health import HealthInput

    app = configure_app(input_channels=[HealthInput()], enable_api=False)
    app.router.finalize()
    route, handler, _ = app.router.get("/health", "GET", None)

    def ask(agent):
        answer = asyncio.run(handler(SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)))))
        return answer.status, json.loads(answer.body)

    assert ask(None) == (
        503,
        {
            "status": "loading",
            "rasa": "3.6.21",
            "changes": rasa_changes.active(),
            "store_speedups": list(rasa_changes.STORE_SPEEDUPS),
        },
    )
    status, body = ask(SimpleNamespace(is_ready=lambda: True))
    assert status == 200 and body["status"] == "ok"


def test_the_server_has_the_health_channel():
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[3] / "credentials.yml"
    credentials = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "bot.runtime.health.HealthInput" in credentials
