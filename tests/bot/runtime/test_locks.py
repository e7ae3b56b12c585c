"""The SQLite lock store (bot/runtime/locks.py) is right across processes (Sanic workers are forked
processes): one holder at a time, in the order the messages came, a short wait."""

import asyncio
import multiprocessing
import time

from bot.runtime.locks import SQLiteLockStore

FORK = multiprocessing.get_context("fork")  # as Sanic starts its workers


def take_turns(db: str, started: float, slots: list, log: str) -> None:
    """In one process: for each slot, ask for the conversation's lock at `started + slot` and
    hold it 150 ms, writing when it got and left it."""
    store = SQLiteLockStore(db=db)

    async def message(slot: float) -> None:
        await asyncio.sleep(max(0.0, started + slot - time.time()))
        async with store.lock("bezoeker"):
            with open(log, "a") as out:
                out.write(f"in {slot:.2f} {time.time():.4f}\n")
            await asyncio.sleep(0.15)
            with open(log, "a") as out:
                out.write(f"out {slot:.2f} {time.time():.4f}\n")

    async def all_messages() -> None:
        await asyncio.gather(*(message(slot) for slot in slots))

    asyncio.run(all_messages())


def test_one_conversation_is_served_one_at_a_time_in_arrival_order_across_processes(tmp_path):
    db, log, started = str(tmp_path / "locks.db"), str(tmp_path / "log"), time.time() + 1.0
    # Two "workers" get the messages of one conversation alternately, 50 ms apart: each one
    # arrives while others still wait.
    workers = [
        FORK.Process(target=take_turns, args=(db, started, [i * 0.05 for i in range(k, 12, 2)], log))
        for k in (0, 1)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    lines = [line.split() for line in open(log)]
    assert [kind for kind, _slot, _at in lines] == ["in", "out"] * 12  # never two at once
    served = [slot for kind, slot, _at in lines if kind == "in"]
    assert served == sorted(served)  # first come, first served
    waits = [float(lines[i + 1][2]) - float(lines[i][2]) for i in range(1, len(lines) - 1, 2)]
    assert max(waits) < 0.5  # the next one gets in within the poll (Rasa's own: up to 1 s)


def test_a_waiting_message_reads_the_lock_and_writes_only_to_drop_an_expired_ticket(tmp_path):
    store = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    store.issue_ticket("bezoeker", lock_lifetime=60)
    waiting = store.issue_ticket("bezoeker", lock_lifetime=60)
    written = store.file.connection().total_changes
    for _ in range(5):  # Rasa updates the lock at every poll of a waiting message
        store.update_lock("bezoeker")
    assert store.file.connection().total_changes == written  # nothing written
    store.issue_ticket("anders", lock_lifetime=0.01)
    time.sleep(0.05)
    store.update_lock("anders")  # its ticket expired: dropped, and the empty lock with it
    assert store.get_lock("anders") is None
    assert [ticket.number for ticket in store.get_lock("bezoeker").tickets] == [0, waiting]
