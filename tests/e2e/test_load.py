"""Concurrency and a short soak against the real servers (issue #7, items 4 and 5).

Speed is not asserted anywhere here: the machine has two cores shared with other work, so
only errors, empty and wrong replies, order and memory growth are checked. The 30-minute
soak is `make soak` (bot/tools/soak.py); the 60-second version below runs the same command
against this module's servers (its verdict's unit tests: tests/bot/tools/test_soak.py).
"""

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
import uuid

import aiohttp

from tests.e2e.assistant import PROJECT

# Each answer depends on the message before it (the role in focus, the last aspect), so a
# message handled out of turn gets another heading: a swap of any two neighbours shows.
FIVE = [
    ("wat doet een office manager", "Wat doet een office manager?"),
    ("en een secretaresse?", "Wat doet een secretaresse?"),
    ("welke opleiding is daarvoor nodig?", "Opleiding en ervaring van een secretaresse"),
    ("en een office manager?", "Opleiding en ervaring van een office manager"),
    ("met wie heeft die contact?", "Met wie heeft een office manager contact?"),
]
STAGGER = 0.005  # seconds between the five sends: the order of arrival is defined


async def five_at_once(assistant, sender):
    """Five POSTs of one sender, each on its own open connection, started 5 ms apart.
    Returns (status, messages, sent, received) per message, in the order sent."""
    health = f"http://127.0.0.1:{assistant.rasa_port}/webhooks/rest/"
    connector = aiohttp.TCPConnector(limit=len(FIVE))
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def touch():  # opens the five connections first: no connect time in the race
            async with session.get(health) as response:
                await response.read()
                await asyncio.sleep(0.05)  # keeps this connection busy while the others open

        await asyncio.gather(*(touch() for _ in FIVE))

        async def send(index, text):
            await asyncio.sleep(index * STAGGER)
            sent = time.perf_counter()
            async with session.post(assistant.url, json={"sender": sender, "message": text}) as response:
                messages = await response.json() if response.status == 200 else None
                return response.status, messages, sent, time.perf_counter()

        return await asyncio.gather(*(send(i, text) for i, (text, _) in enumerate(FIVE)))


def conversation(var_dir, sender):
    """The user and bot events of `sender` in the SQLite tracker store, in stored order."""
    with sqlite3.connect(var_dir / "tracker.db") as db:
        rows = db.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? "
            "AND type_name IN ('user', 'bot') ORDER BY id",
            (sender,),
        ).fetchall()
    return [(kind, json.loads(data).get("text")) for kind, data in rows]


def test_one_sender_five_messages_at_once_are_handled_one_at_a_time_none_lost(assistant, var_dir):
    sender = f"five-{uuid.uuid4().hex[:8]}"
    results = asyncio.run(five_at_once(assistant, sender))

    replies = {}
    for (text, _), (status, messages, _, _) in zip(FIVE, results):
        assert status == 200, f"{text!r}: HTTP {status}"
        replies[text] = "\n".join(m.get("text") or "" for m in messages or [])
        assert replies[text].strip(), f"empty reply to {text!r}"
    # Really at once: the last message left before the first answer came back.
    assert results[-1][2] < results[0][3], "the first answer came before the last message was sent"

    # 1. None lost, and each answer stored right after its own question: the messages were
    #    handled one at a time. (In which order two messages a few milliseconds apart reach
    #    two workers is not defined: a worker busy with a turn reads its socket afterwards.)
    stored = conversation(var_dir, sender)
    handled = [text for kind, text in stored if kind == "user"]
    assert sorted(handled) == sorted(text for text, _ in FIVE)
    assert stored == [pair for text in handled for pair in (("user", text), ("bot", replies[text]))]
    # 2. Each reply answers its message in the context of the ones handled before it: the same
    #    messages sent one after another in that order get the same answers.
    again = f"again-{uuid.uuid4().hex[:8]}"
    assert [replies[text] for text in handled] == [assistant.ask(again, text) for text in handled]
    # 3. The HTTP replies came back in the order the messages were handled.
    received = {text: result[3] for (text, _), result in zip(FIVE, results)}
    assert [received[text] for text in handled] == sorted(received.values())
    # (When they happen to be handled in the order sent, the headings are these.)
    if handled == [text for text, _ in FIVE]:
        assert [replies[text].split("\n")[0] for text, _ in FIVE] == [heading for _, heading in FIVE]


def soak(assistant, users, tmp_path):
    """`python -m bot soak` for one minute against the module's running servers: its exit code
    and its report as {row: value}, with the verdict line under "verdict"."""
    out = tmp_path / f"soak-{users}.txt"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "soak",
            "--users",
            str(users),
            "--minutes",
            "1",
            "--rasa-port",
            str(assistant.rasa_port),
            "--action-port",
            str(assistant.action_port),
            "--out",
            str(out),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.exists(), result.stderr[-3000:]
    report = out.read_text()
    print(report)
    rows = {line[:30].strip(): line[30:].strip() for line in report.split("\n\n")[0].splitlines()}
    rows["verdict"] = next(line for line in report.splitlines() if line.startswith("verdict: "))
    return result.returncode, report, rows


def test_32_users_at_once_for_a_minute_get_no_errors_and_no_empty_or_wrong_replies(assistant, tmp_path):
    _, report, rows = soak(assistant, 32, tmp_path)
    assert int(rows["messages"]) >= 32 * 5  # everyone finished a five-turn conversation
    assert (rows["errors"], rows["empty replies"], rows["wrong replies"]) == ("0", "0", "0"), report


def test_soak_for_a_minute_16_users_no_errors_and_memory_growth_under_10_percent(assistant, tmp_path):
    """The 60-second version of `make soak`, on the servers already warmed by the test above."""
    code, report, rows = soak(assistant, 16, tmp_path)
    assert code == 0 and rows["verdict"] == "verdict: OK", report  # no problem found
    assert int(rows["memory samples"]) >= 10  # memory sampled along the way, not just twice
