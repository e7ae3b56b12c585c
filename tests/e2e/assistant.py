"""The real assistant for tests: bot.runtime.instance.Instance, plus a checked `ask` and a test
failure (with the log) when it does not start."""

import pytest
import requests

from bot.runtime.instance import Instance, StartError
from bot.runtime.launcher import PROJECT  # noqa: F401  (imported from here by many tests)


class Assistant(Instance):
    def start(self, timeout: float = 240) -> "Assistant":
        try:
            return super().start(timeout)
        except StartError as error:
            pytest.fail(str(error))

    def ask(self, sender: str, message: str) -> str:
        response = requests.post(self.url, json={"sender": sender, "message": message}, timeout=30)
        assert response.status_code == 200
        messages = response.json()
        assert messages, f"empty reply to {message!r}"
        return "\n".join(m.get("text", "") for m in messages)
