"""Start and stop the real assistant (`python -m bot run`) on free ports, for tests."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

PROJECT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Assistant:
    """One `python -m bot run` process (which owns the action server and the Rasa server)."""

    def __init__(self, var_dir: Path, env: dict = None):
        self.var_dir = var_dir
        self.env = dict(os.environ, **(env or {}))  # e.g. DB_HOST for the scale profile
        self.rasa_port, self.action_port = free_port(), free_port()
        self.process = None
        self.output = var_dir / "launcher.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    def start(self, timeout: float = 240) -> "Assistant":
        seen = self.output.stat().st_size if self.output.exists() else 0  # an earlier run's lines
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--no-train", "--rasa-port", str(self.rasa_port),
             "--action-port", str(self.action_port), "--var-dir", str(self.var_dir)],
            cwd=PROJECT, env=self.env, stdout=open(self.output, "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b"De assistent draait" in self.output.read_bytes()[seen:]:
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        self.process.kill()
        pytest.fail("assistant did not start:\n" + self.output.read_text(errors="replace")[-3000:])

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def ask(self, sender: str, message: str) -> str:
        response = requests.post(self.url, json={"sender": sender, "message": message}, timeout=30)
        assert response.status_code == 200
        messages = response.json()
        assert messages, f"empty reply to {message!r}"
        return "\n".join(m.get("text", "") for m in messages)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


