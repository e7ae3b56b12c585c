"""The running Rasa server says which of our changes to Rasa are active (GET /health, a channel:
bot/runtime/health.py), and what moved to Rasa's seams works there."""

import requests

from bot.runtime.rasa_changes import CHANGES, STORE_SPEEDUPS


def test_the_running_server_lists_every_change_to_rasa_as_active(assistant):
    health = requests.get(f"http://127.0.0.1:{assistant.rasa_port}/health", timeout=10)
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and body["rasa"] == "3.6.21"
    assert body["changes"] == [change.name for change in CHANGES]
    assert body["store_speedups"] == list(STORE_SPEEDUPS)
    # and the seams work there: an empty message is answered (the classifier component), not apologised for
    assert "andere woorden" in assistant.ask("leeg", "   ")
