"""One assistant (`python -m bot run --no-train`) on free ports, started and stopped from Python.

The tests, the benchmark and the soak all start the real assistant this way: the launcher
with its own var dir, environment and model, the log in `<var dir>/launcher.log`. Also here:
the process ids of its two servers and their memory, read from /proc.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

from bot.runtime import launcher

READY = b"De assistent draait"  # what launcher.serve() prints once both servers answer
# The command lines of the two servers that launcher.serve() starts.
SERVER_PROCESSES = {
    "rasa": "rasa run .*--port {port}( |$)",
    "actions": "bot.runtime.action_server --actions actions --port {port}( |$)",
}


class StartError(RuntimeError):
    """The assistant stopped or did not get ready in time; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_pids(rasa_port: int, action_port: int) -> Dict[str, List[int]]:
    """The process ids of the Rasa server and of the action server (several with Sanic workers)."""
    ports = {"rasa": rasa_port, "actions": action_port}
    return {
        name: [
            int(pid)
            for pid in subprocess.run(
                ["pgrep", "-f", pattern.format(port=ports[name])], capture_output=True, text=True
            ).stdout.split()
        ]
        for name, pattern in SERVER_PROCESSES.items()
    }


def memory_mb(pids: List[int], field: str = "VmHWM", combine: Callable[..., int] = max) -> float:
    """A memory figure of /proc/PID/status over `pids` in MB: VmHWM is the peak resident set,
    VmRSS the current one; `combine` is max (the largest process) or sum (all of them)."""
    values = [0]
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(rf"{field}:\s+(\d+) kB", status)
        values.append(int(match.group(1)) if match else 0)
    return combine(values) / 1024


def proportional_set_mb(pid: int) -> float:
    """/proc/PID/smaps_rollup's Pss: resident memory with each shared page split among its users."""
    try:
        match = re.search(r"^Pss:\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M)
    except OSError:
        return 0.0
    return int(match.group(1)) / 1024 if match else 0.0


class Instance:
    """One `python -m bot run` process (which owns the action server and the Rasa server).

    `env`: extra environment on top of this process's own (read now, not at start), e.g.
    DB_HOST for the scale profile. Ports not given are free ones. Without `start()` it
    describes an assistant that already runs on those ports (pids, memory, url)."""

    def __init__(
        self,
        var_dir: Path,
        env: Optional[dict] = None,
        model: Path = launcher.MODEL_FILE,
        rasa_port: Optional[int] = None,
        action_port: Optional[int] = None,
    ):
        self.var_dir, self.model = var_dir, model
        self.env = dict(os.environ, **(env or {}))
        self.rasa_port, self.action_port = rasa_port or free_port(), action_port or free_port()
        self.process: Optional[subprocess.Popen] = None
        self.output = var_dir / "launcher.log"

    @property
    def url(self) -> str:
        """The REST channel's webhook."""
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    def start(self, timeout: float = 300) -> "Instance":
        """Launch both servers and wait until the launcher says they answer."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        seen = self.output.stat().st_size if self.output.exists() else 0  # an earlier run's lines
        with open(self.output, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bot",
                    "run",
                    "--no-train",
                    "--model",
                    str(self.model),
                    "--rasa-port",
                    str(self.rasa_port),
                    "--action-port",
                    str(self.action_port),
                    "--var-dir",
                    str(self.var_dir),
                ],
                cwd=launcher.PROJECT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY in self.output.read_bytes()[seen:]:
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.process.kill()
        self.process.wait()
        raise StartError(
            f"the assistant did not start within {timeout:.0f} s; {self.output}:\n"
            + self.output.read_text(errors="replace")[-3000:]
        )

    def stop(self) -> int:
        """SIGTERM to the launcher, which stops both servers; its exit code."""
        assert self.process is not None, "stop() before start()"
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pids(self) -> Dict[str, List[int]]:
        return server_pids(self.rasa_port, self.action_port)

    def memory(self) -> Dict[str, float]:
        """Memory in MB: each server's peak resident set, summed over its processes (the Rasa
        server's main process and its workers), and `pss`: what all processes hold now with
        the pages they share (the workers share their parent's) counted once."""
        pids = self.pids()
        figures = {name: memory_mb(found, "VmHWM", sum) for name, found in pids.items()}
        figures["pss"] = sum(proportional_set_mb(pid) for found in pids.values() for pid in found)
        return figures
