"""Benchmark: our configuration against Rasa's stock one, same data, same machine, same run.

`python -m bot bench` (make bench) trains both from clean, starts each with the launcher on
free ports and measures: cold start, per-turn latency and throughput at 1, 8 and 32
concurrent users (each user its own sender and a five-turn conversation with follow-ups),
turn 1 against turn 50 of one long conversation, the memory of both servers, and whether
every reply was the expected one. Progress goes to stderr; the table to stdout (and --out).
"Stock" is stock Rasa: Rasa's default configuration (bot/tools/data/stock_full_config.yml)
and the Rasa server without our changes (RASA_SPEEDUPS=0, see bot/runtime/rasa_changes.py) in one
process (SANIC_WORKERS=1: stock Rasa's in-memory lock store allows no more); same channels and
actions. Ours runs as `make run` starts it (a worker per core, at most two). Both start through
bot/runtime/instance.py, as the tests' assistant does. Memory: the peak resident set of each server,
summed over its processes, and the proportional set (shared pages counted once) of all.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import aiohttp
import requests

from bot.runtime import launcher
from bot.runtime.instance import Instance, StartError
from bot.tools import DATA

STOCK_CONFIG = DATA / "stock_full_config.yml"
# One visitor's conversation: (message, any of these in the reply).
CONVERSATION = [
    ("wat doet een office manager", ("kantoor",)),
    ("en een secretaresse?", ("telefoon",)),
    ("welke opleiding is daarvoor nodig?", ("basale",)),
    ("verschil in competenties", ("leiderschap",)),
    ("bedankt!", ("graag gedaan", "geen dank")),
]


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else float("nan")
    )


def train(config: Path, out: Path, name: str) -> Tuple[Path, float]:
    progress(f"{name}: trainen vanaf nul met {config.name} (enkele minuten)...")
    started = time.monotonic()
    # Ours trains as `make train` does (bot.runtime.rasa_cli, with our changes to Rasa), stock as plain `rasa`.
    rasa = [launcher.venv_bin("rasa")]
    if "stock" not in name:
        rasa = [sys.executable, "-m", "bot.runtime.rasa_cli", *rasa]
    subprocess.run(
        [*rasa, "train", "--config", str(config), "--out", str(out), "--fixed-model-name", name, "--force"],
        cwd=launcher.PROJECT,
        env=launcher.base_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return out / f"{name}.tar.gz", time.monotonic() - started


def first_answer(url: str, timeout: float = 60) -> None:
    """The first reply of a freshly started assistant (which may still be warming up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            reply = requests.post(url, json={"sender": "cold-start", "message": "hallo"}, timeout=30)
            if reply.status_code == 200 and reply.json():
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"de assistent antwoordde niet binnen {timeout:.0f} s")


async def ask(
    session: aiohttp.ClientSession, url: str, sender: str, text: str, expected: Tuple[str, ...]
) -> Tuple[float, str, str]:
    """Milliseconds until the reply, the outcome and what went wrong. The outcome: "ok";
    "wrong", an answer without any of the expected words (the detail is the answer); "empty",
    a 200 without any text; "error", another status, a broken connection, a body that is not
    JSON or a timeout (the detail says which)."""
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            messages = await response.json() if response.status == 200 else f"HTTP {response.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        messages = type(error).__name__
    elapsed = (time.perf_counter() - started) * 1000
    if not isinstance(messages, list):
        return elapsed, "error", str(messages)
    reply = " ".join(m.get("text") or "" for m in messages if isinstance(m, dict))
    if not reply.strip():
        return elapsed, "empty", ""
    found = any(e in reply.lower() for e in expected)
    return elapsed, "ok" if found else "wrong", "" if found else f"{text!r} -> {reply[:100]!r}"


class Tally:
    """What a load run saw, turn by turn; readable while the run goes on (python -m bot soak)."""

    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.outcomes: collections.Counter = collections.Counter()
        self.problems: collections.Counter = collections.Counter()  # (outcome, detail) -> count

    def add(self, elapsed: float, outcome: str, detail: str = "") -> None:
        self.latencies.append(elapsed)
        self.outcomes[outcome] += 1
        if outcome != "ok" and (len(self.problems) < 50 or (outcome, detail) in self.problems):
            self.problems[outcome, detail] += 1  # bounded: a soak runs for half an hour

    @property
    def failures(self) -> int:
        return len(self.latencies) - self.outcomes["ok"]


async def load(url: str, users: int, seconds: float, tally: Optional[Tally] = None) -> Dict[str, float]:
    """`users` visitors at once for `seconds`, each repeating CONVERSATION with a new sender."""
    tally = Tally() if tally is None else tally
    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=users)) as session:

        async def visitor() -> None:
            while time.monotonic() < deadline:
                sender = f"bench-{uuid.uuid4().hex[:10]}"
                for text, expected in CONVERSATION:
                    tally.add(*await ask(session, url, sender, text, expected))

        started = time.monotonic()
        await asyncio.gather(*(visitor() for _ in range(users)))
        wall = time.monotonic() - started
    latencies = tally.latencies
    return {
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "throughput": len(latencies) / wall,
        "turns": len(latencies),
        "errors": tally.failures,
    }


async def long_conversation(url: str, turns: int, repeats: int = 3) -> Tuple[float, float, int]:
    """Median latency of the first and the last five turns of `repeats` long conversations, one
    after another. A median, not a mean: on a shared machine one slow turn moved the mean of
    five by 10 ms."""
    first, last, errors = [], [], 0
    window = min(5, max(1, turns // 2))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        for _ in range(repeats):
            sender, latencies = f"bench-long-{uuid.uuid4().hex[:8]}", []
            for i in range(turns):
                text, expected = CONVERSATION[i % len(CONVERSATION)]
                elapsed, outcome, _ = await ask(session, url, sender, text, expected)
                latencies.append(elapsed)
                errors += outcome != "ok"
            first += latencies[:window]
            last += latencies[-window:]
    return statistics.median(first), statistics.median(last), errors


def measure(
    name: str,
    model: Path,
    train_seconds: Optional[float],
    users: List[int],
    seconds: float,
    long_turns: int,
    work: Path,
) -> Dict[str, float]:
    # Speed, not the per-sender rate limit: the long conversation sends 50 turns in a row.
    env = {"REST_RATE_LIMIT": "0"}
    if (
        name == "stock"
    ):  # stock Rasa also runs without our changes to the Rasa server (bot/runtime/rasa_changes.py),
        env["RASA_SPEEDUPS"] = "0"  # and, as its in-memory lock store makes it, in one process
        env["SANIC_WORKERS"] = "1"
    server = Instance(work / f"var-{name}", env, model)
    progress(f"{name}: servers starten...")
    figures: Dict[str, float] = {
        "training time s": train_seconds if train_seconds is not None else float("nan")
    }
    started = time.monotonic()
    try:
        server.start()
    except StartError as error:
        raise SystemExit(f"{name}: {error}") from None
    try:
        first_answer(server.url)
        figures["cold start s"] = time.monotonic() - started
        asyncio.run(load(server.url, 2, min(2.0, seconds)))  # warm-up, not counted
        errors = 0.0
        for count in users:
            progress(f"{name}: {count} gelijktijdige gebruiker(s), {seconds:.0f} s...")
            result = asyncio.run(load(server.url, count, seconds))
            errors += result["errors"]
            for key in ("p50", "p95", "p99"):
                figures[f"{key} ms @{count}"] = result[key]
            figures[f"msg/s @{count}"] = result["throughput"]
        progress(f"{name}: één lang gesprek van {long_turns} beurten...")
        first, last, long_errors = asyncio.run(long_conversation(server.url, long_turns))
        figures["turn 1 ms (long conv.)"] = first
        figures[f"turn {long_turns} ms (long conv.)"] = last
        memory = server.memory()
        figures["peak RSS rasa MB"] = memory["rasa"]  # main process and workers, summed
        figures["peak RSS actions MB"] = memory["actions"]
        figures["PSS all processes MB"] = memory["pss"]  # shared pages once
        figures["wrong or empty replies"] = errors + long_errors
    finally:
        server.stop()
    return figures


def table(results: Dict[str, Dict[str, float]]) -> str:
    names = list(results)
    keys = list(results[names[0]])
    lines = [f"{'':<26}" + "".join(f"{n:>12}" for n in names) + ("   ours/stock" if len(names) == 2 else "")]
    for key in keys:
        row = f"{key:<26}" + "".join(f"{results[n].get(key, float('nan')):>12.1f}" for n in names)
        if len(names) == 2:
            ours, stock = results[names[0]].get(key), results[names[1]].get(key)
            ratio = (
                ours / stock
                if ours is not None and stock and stock == stock and ours == ours
                else float("nan")
            )
            row += f"{ratio:>14.2f}"
        lines.append(row)
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """`python -m bot bench` (options: bot/tools/cli.py)."""
    users = [int(u) for u in args.users.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        results = {}
        if args.smoke:
            results["ours"] = measure("ours", launcher.MODEL_FILE, None, users, args.seconds, args.long, work)
        else:
            models = work / "models"
            for name, config in (("ours", launcher.PROJECT / "config.yml"), ("stock", STOCK_CONFIG)):
                model, seconds = train(config, models, f"bench-{name}")
                results[name] = measure(name, model, seconds, users, args.seconds, args.long, work)
        text = table(results)
        print(text)
        if args.out:
            args.out.write_text(text + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0
