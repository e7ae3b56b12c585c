"""Same-run comparison of two checkouts of this project: latency at one user and throughput at
32 users, interleaved (A B B A) so that a busy machine weighs on both alike.

    python -m bot.tools.compare /path/to/base/checkout [/path/to/new/checkout]

Each checkout needs its own trained model (`make train` there; a git worktree with a link to
this .venv will do). Both are started as `make run` starts them, on free ports; the table ends
with the ratio new / base. Issue 21 asked for p50 at one user and throughput at 32 users within
10 % of the base.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

from bot.tools.bench import load

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 20


def start(checkout: Path, port: int, var: Path) -> subprocess.Popen:
    log = var / "run.log"
    process = subprocess.Popen(
        [
            str(checkout / ".venv/bin/python"),
            "-m",
            "bot",
            "run",
            "--no-train",
            "--rasa-port",
            str(port),
            "--action-port",
            str(port + 50),
            "--var-dir",
            str(var),
        ],
        cwd=checkout,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=dict(os.environ, PYTHONPATH=str(checkout), RASA_TELEMETRY_ENABLED="false"),
        start_new_session=True,
    )
    for _ in range(180):
        if "De assistent draait" in log.read_text(errors="replace"):
            return process
        if process.poll() is not None:
            break
        time.sleep(1)
    raise SystemExit(f"{checkout} did not start:\n{log.read_text(errors='replace')[-2000:]}")


def main() -> int:
    base = Path(sys.argv[1]).resolve()
    new = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else ROOT
    results: Dict[str, Dict[int, List[Dict[str, float]]]] = {"base": {1: [], 32: []}, "new": {1: [], 32: []}}
    with tempfile.TemporaryDirectory() as tmp:
        servers = {}
        for name, checkout, port in (("base", base, 5301), ("new", new, 5401)):
            var = Path(tmp, name)
            var.mkdir()
            servers[name] = (start(checkout, port, var), port)
        try:
            for order in (("base", "new"), ("new", "base")):
                for name in order:
                    for users in (1, 32):
                        url = f"http://127.0.0.1:{servers[name][1]}/webhooks/rest/webhook"
                        result = asyncio.run(load(url, users, SECONDS))
                        results[name][users].append(result)
                        print(
                            f"[compare] {name} {users} users: p50 {result['p50']:.1f} ms, "
                            f"{result['throughput']:.0f} msg/s, {result['errors']} errors",
                            file=sys.stderr,
                            flush=True,
                        )
        finally:
            for process, _ in servers.values():
                os.killpg(process.pid, signal.SIGINT)
    print("| | base | new | new / base |\n|---|---|---|---|")
    for users, key, label in (
        (1, "p50", "p50 at 1 user (ms)"),
        (32, "throughput", "throughput at 32 users (msg/s)"),
        (32, "p50", "p50 at 32 users (ms)"),
    ):
        b = statistics.mean(r[key] for r in results["base"][users])
        n = statistics.mean(r[key] for r in results["new"][users])
        print(f"| {label} | {b:.1f} | {n:.1f} | {n / b:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
