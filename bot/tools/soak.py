"""Soak test: many visitors for a long time against the real assistant.

`python -m bot soak` (make soak; not part of `make test`, which runs a 60-second version in
tests/e2e/test_load.py) starts both servers with the launcher on free ports and a temporary
var dir (bot/runtime/instance.py), lets --users visitors (16) talk at once for --minutes (30), each
repeating the five-turn conversation of bot/tools/bench.py with a new sender for every
conversation, and reports
messages, errors, empty and wrong replies, latency, and the resident memory (RSS) of the Rasa
server and the action server over time. Progress every 30 s on stderr; the report on stdout
(and --out). The exit code is 1 when anything went wrong: an error (not 200, a broken
connection, a timeout), an empty or a wrong reply, a server that was restarted, or memory
growth of 10 % or more after the warm-up. With --rasa-port and --action-port it soaks an
assistant that already runs on those ports instead (the tests do, on their warmed servers).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

from bot.runtime.instance import Instance, StartError, memory_mb
from bot.tools import bench

SAMPLE_SECONDS = 5.0
PROGRESS_SECONDS = 30.0
MAX_GROWTH = 0.10
# Memory is compared between the end of the warm-up and the end of the run, not with the
# server at rest: a server's first minutes under load grow its memory once (TensorFlow traces
# its graphs for each new input shape, caches and the allocator's arenas fill up, one buffer
# per open connection) and that is not a leak. A leak grows with the traffic, so it shows in
# the rest of the run. The warm-up is the first 10 % of the run, at most one minute: long
# enough to reach full load and the steady working set (a few hundred messages), and it
# leaves at least 90 % of the run, at least 29 minutes of the default 30, to show growth.
WARM_UP_SHARE, WARM_UP_MAX = 0.10, 60.0
SERVERS = ("rasa", "actions")


def progress(message: str) -> None:
    print(f"[soak] {message}", file=sys.stderr, flush=True)


def clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def warm_up(seconds: float) -> float:
    return min(WARM_UP_MAX, WARM_UP_SHARE * seconds)


@dataclass
class Sample:
    at: float  # seconds since the start of the load
    rss: Dict[str, float]  # current resident memory in MB, per server
    pids: Dict[str, Tuple[int, ...]]


@dataclass
class Result:
    users: int
    seconds: float  # the planned duration
    wall: float = 0.0  # the real one: the last conversations finish after the deadline
    tally: bench.Tally = field(default_factory=bench.Tally)
    samples: List[Sample] = field(default_factory=list)

    @property
    def messages(self) -> int:
        return len(self.tally.latencies)

    def count(self, outcome: str) -> int:
        return self.tally.outcomes[outcome]

    @property
    def restarts(self) -> int:
        """How often a server's processes changed (the launcher restarts a server that died)."""
        return sum(
            a.pids[name] != b.pids[name] for a, b in zip(self.samples, self.samples[1:]) for name in SERVERS
        )

    def warm_sample(self) -> Sample:
        at = warm_up(self.seconds)
        return next((s for s in self.samples if s.at >= at), self.samples[-1])

    def growth(self, name: str) -> float:
        warm, end = self.warm_sample().rss[name], self.samples[-1].rss[name]
        return end / warm - 1 if warm else float("nan")

    def latency(self, share: float) -> float:
        return bench.percentile(self.tally.latencies, share)

    def problems(self) -> List[str]:
        found = [
            f"{self.count(o)} {label}"
            for o, label in (("error", "errors"), ("empty", "empty replies"), ("wrong", "wrong replies"))
            if self.count(o)
        ]
        if self.restarts:
            found.append(f"{self.restarts} server restart(s)")
        for name in SERVERS:
            growth = self.growth(name)
            if not growth < MAX_GROWTH:  # NaN (no memory figure) fails too
                found.append(f"RSS {name} grew {growth:.1%} (limit {MAX_GROWTH:.0%})")
        if not self.messages:
            found.append("no messages")
        return found

    def report(self) -> str:
        warm, end = self.warm_sample(), self.samples[-1]
        rows = [
            ("users", f"{self.users}"),
            ("minutes", f"{self.seconds / 60:.1f}"),
            ("messages", f"{self.messages}"),
            ("msg/s", f"{self.messages / max(self.wall, 1e-9):.1f}"),
            ("errors", f"{self.count('error')}"),
            ("empty replies", f"{self.count('empty')}"),
            ("wrong replies", f"{self.count('wrong')}"),
            ("server restarts", f"{self.restarts}"),
            ("p50 ms", f"{self.latency(0.50):.1f}"),
            ("p95 ms", f"{self.latency(0.95):.1f}"),
            ("p99 ms", f"{self.latency(0.99):.1f}"),
            ("memory samples", f"{len(self.samples)}"),
        ]
        rows += [("warm-up ends at s", f"{warm.at:.0f}"), ("run ends at s", f"{end.at:.0f}")]
        for name in SERVERS:
            rows += [
                (f"RSS {name} MB after warm-up", f"{warm.rss[name]:.1f}"),
                (f"RSS {name} MB at the end", f"{end.rss[name]:.1f}"),
                (f"RSS {name} growth %", f"{100 * self.growth(name):.1f}"),
            ]
        problems = self.problems()
        lines = [f"{key:<30}{value:>12}" for key, value in rows]
        lines.append("verdict: " + ("OK" if not problems else "FAILED: " + "; ".join(problems)))
        if self.tally.problems:
            lines += ["", "what went wrong, most frequent first"]
            lines += [
                f"{count:>8}  {outcome}: {detail}"
                for (outcome, detail), count in self.tally.problems.most_common(10)
            ]
        lines += ["", "RSS over time, MB", f"{'s':>8}{'rasa':>10}{'actions':>10}"]
        lines += [f"{s.at:>8.0f}{s.rss['rasa']:>10.1f}{s.rss['actions']:>10.1f}" for s in self.timeline()]
        return "\n".join(lines)

    def timeline(self, rows: int = 10) -> List[Sample]:
        """About one sample per tenth of the run, the warm-up one and the last one included."""
        marks = [
            next((s for s in self.samples if s.at >= k * self.seconds / rows), None) for k in range(rows)
        ]
        chosen = {id(s): s for s in marks + [self.warm_sample(), self.samples[-1]] if s is not None}
        return sorted(chosen.values(), key=lambda s: s.at)


def sample(server: Instance, started: float) -> Sample:
    pids = server.pids()
    # All of a server's processes together (Sanic workers share the conversations).
    return Sample(
        time.monotonic() - started,
        {name: memory_mb(pids[name], "VmRSS", sum) for name in SERVERS},
        {name: tuple(sorted(pids[name])) for name in SERVERS},
    )


async def watch(server: Instance, result: Result, started: float, done: asyncio.Event) -> None:
    seen, next_progress = 0, PROGRESS_SECONDS
    while not done.is_set():
        result.samples.append(sample(server, started))
        elapsed = time.monotonic() - started
        if elapsed >= next_progress:
            recent = result.tally.latencies[seen:]
            seen = len(result.tally.latencies)
            now = result.samples[-1]
            progress(
                f"{clock(elapsed)}/{clock(result.seconds)}: {result.messages} berichten, "
                f"{result.count('error')} fouten, {result.count('empty')} leeg, "
                f"{result.count('wrong')} verkeerd; laatste {PROGRESS_SECONDS:.0f} s p50 "
                f"{bench.percentile(recent, 0.5):.0f} ms, p95 {bench.percentile(recent, 0.95):.0f} ms; "
                f"RSS rasa {now.rss['rasa']:.0f} MB, acties {now.rss['actions']:.0f} MB"
            )
            next_progress += PROGRESS_SECONDS
        try:
            await asyncio.wait_for(done.wait(), SAMPLE_SECONDS)
        except asyncio.TimeoutError:
            pass


async def drive(server: Instance, users: int, seconds: float) -> Result:
    result = Result(users, seconds)
    done = asyncio.Event()
    started = time.monotonic()
    watcher = asyncio.create_task(watch(server, result, started, done))
    try:
        await bench.load(server.url, users, seconds, result.tally)
    finally:
        done.set()
        await watcher
    result.wall = time.monotonic() - started
    result.samples.append(sample(server, started))
    return result


def run(server: Instance, users: int = 16, seconds: float = 1800) -> Result:
    """Soak a running assistant."""
    progress(
        f"{users} gebruikers, {clock(seconds)} minuten; geheugen vergeleken na "
        f"{warm_up(seconds):.0f} s opwarmen en aan het eind"
    )
    return asyncio.run(drive(server, users, seconds))


def main(args: argparse.Namespace) -> int:
    """`python -m bot soak` (options: bot/tools/cli.py)."""
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    # The per-sender rate limit stays on, as in production: its memory is soaked too.
    server = Instance(work / "var", rasa_port=args.rasa_port, action_port=args.action_port)
    failed = True
    try:
        if args.rasa_port is None:
            progress(f"servers starten (var: {work / 'var'})...")
            started = time.monotonic()
            try:
                server.start()
            except StartError as error:
                raise SystemExit(str(error)) from None
            progress(f"klaar na {time.monotonic() - started:.0f} s")
        result = run(server, args.users, args.minutes * 60)
        text = result.report()
        failed = bool(result.problems())
    finally:
        if server.running():
            server.stop()
        if failed and server.process:  # the logs tell why
            progress(f"logs bewaard in {work / 'var' / 'logs'}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if failed else 0
