"""Concurrency and a short soak against the real servers (issue #7, items 4 and 5).

Speed is not asserted anywhere here: the machine has two cores shared with other work, so
only errors, empty and wrong replies, order and memory growth are checked. The 30-minute
soak is `make soak` (bot/soak.py); the 60-second version below uses the same code.
"""
import asyncio
import json
import sqlite3
import time
import uuid

import aiohttp

from bot import bench, soak

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
        rows = db.execute("SELECT type_name, data FROM events WHERE sender_id = ? "
                          "AND type_name IN ('user', 'bot') ORDER BY id", (sender,)).fetchall()
    return [(kind, json.loads(data).get("text")) for kind, data in rows]


def test_one_sender_five_messages_at_once_get_five_answers_in_order(assistant, var_dir):
    sender = f"five-{uuid.uuid4().hex[:8]}"
    results = asyncio.run(five_at_once(assistant, sender))

    replies = []
    for (text, heading), (status, messages, _, _) in zip(FIVE, results):
        assert status == 200, f"{text!r}: HTTP {status}"
        reply = "\n".join(m.get("text") or "" for m in messages or [])
        assert reply.strip(), f"empty reply to {text!r}"
        replies.append(reply)
    # Really at once: the last message left before the first answer came back.
    assert results[-1][2] < results[0][3], "the first answer came before the last message was sent"

    # 1. Each reply answers its own message, in the context of the ones sent before it: the
    #    five were handled one after another, in the order sent.
    assert [r.split("\n")[0] for r in replies] == [heading for _, heading in FIVE]
    # 2. The conversation is stored in that order, each answer right after its question, and
    #    the answer stored after message i is the reply that request i got.
    expected = []
    for (text, _), reply in zip(FIVE, replies):
        expected += [("user", text), ("bot", reply)]
    assert conversation(var_dir, sender) == expected
    # 3. The HTTP replies came back in the order sent (Rasa's lock serves one message of a
    #    conversation at a time, in the order the tickets were issued).
    received = [r[3] for r in results]
    assert received == sorted(received), f"replies arrived out of order: {received}"


def test_32_users_at_once_for_a_minute_get_no_errors_and_no_empty_or_wrong_replies(assistant):
    result = soak.run(assistant, users=32, seconds=60)
    print(result.report())
    assert result.messages >= 32 * len(bench.CONVERSATION)  # everyone finished a conversation
    assert (result.count("error"), result.count("empty"), result.count("wrong")) == (0, 0, 0), result.report()


def test_soak_for_a_minute_16_users_no_errors_and_memory_growth_under_10_percent(assistant):
    """The 60-second version of `make soak`, on the servers already warmed by the test above."""
    result = soak.run(assistant, users=16, seconds=60)
    print(result.report())
    assert result.problems() == [], result.report()
    assert len(result.samples) >= 10  # memory sampled along the way, not just twice


# ---- the soak's verdict and exit code, without servers -------------------------------------

def made_up(rasa_end=1000.0, outcomes=(("ok", ""),) * 10, restart=False):
    """A soak result of 100 s: warm-up ends at 10 s with 1000 MB for the Rasa server."""
    result = soak.Result(users=2, seconds=100, wall=100)
    for outcome, detail in outcomes:
        result.tally.add(100.0, outcome, detail)
    pids = {"rasa": (1,), "actions": (2,)}
    for at in range(0, 101, 5):
        rasa = 900.0 if at < 10 else 1000.0 if at < 100 else rasa_end
        moved = {"rasa": (3,), "actions": (2,)} if restart and at >= 50 else pids
        result.samples.append(soak.Sample(float(at), {"rasa": rasa, "actions": 500.0}, moved))
    return result


def test_soak_verdict_compares_memory_after_the_warm_up_with_the_end():
    assert made_up(rasa_end=1099.0).problems() == []  # +9.9 %; the growth during warm-up does not count
    assert made_up(rasa_end=1100.0).problems() == ["RSS rasa grew 10.0% (limit 10%)"]
    assert made_up(rasa_end=1099.0).warm_sample().at == 10


def test_soak_verdict_fails_on_errors_empty_and_wrong_replies_and_restarts():
    result = made_up(outcomes=[("ok", ""), ("error", "HTTP 500"), ("empty", ""), ("wrong", "'hoi' -> 'Sorry'"),
                               ("wrong", "'hoi' -> 'Sorry'")], restart=True)
    assert result.problems() == ["1 errors", "1 empty replies", "2 wrong replies", "1 server restart(s)"]
    report = result.report()
    assert "verdict: FAILED" in report and "2  wrong: 'hoi' -> 'Sorry'" in report


def test_soak_command_exits_non_zero_on_a_problem_and_writes_the_report(monkeypatch, tmp_path):
    class FakeServer:
        def __init__(self, *args, **kwargs):
            self.stopped = False

        def start(self):
            return 1.0

        def stop(self):
            self.stopped = True

    monkeypatch.setattr(bench, "Server", FakeServer)
    monkeypatch.setattr(soak.tempfile, "mkdtemp", lambda prefix: str(tmp_path / "work"))  # kept on failure
    for end, code in ((1000.0, 0), (1200.0, 1)):
        seen = {}
        monkeypatch.setattr(soak, "run", lambda server, users, seconds: seen.update(
            users=users, seconds=seconds, server=server) or made_up(rasa_end=end))
        out = tmp_path / "soak.txt"
        assert soak.main(["--users", "3", "--minutes", "0.5", "--out", str(out)]) == code
        assert (seen["users"], seen["seconds"]) == (3, 30) and seen["server"].stopped
        verdict = "verdict: OK" if code == 0 else "verdict: FAILED: RSS rasa grew 20.0% (limit 10%)"
        assert verdict in out.read_text().splitlines()
