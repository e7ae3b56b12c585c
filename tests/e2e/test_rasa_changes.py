"""The running Rasa server says which of our changes to Rasa are active (GET /health)."""
import requests

from bot.runtime.rasa_changes import CHANGES


def test_the_running_server_lists_every_change_to_rasa_as_active(assistant):
    health = requests.get(f"http://127.0.0.1:{assistant.rasa_port}/health", timeout=10)
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and body["rasa"] == "3.6.21"
    assert body["changes"] == [change.name for change in CHANGES]
    # and the changes work there: an empty message is answered, not apologised for
    assert "andere woorden" in assistant.ask("leeg", "   ")
