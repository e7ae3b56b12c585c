"""The rate limit of both chat channels (bot/runtime/ratelimit.py): the limiter in memory, its
setting, and the limit shared by the Sanic workers (forked processes) through one SQLite file."""

import multiprocessing
from pathlib import Path

import pytest

from bot.runtime import ratelimit
from bot.runtime.ratelimit import RateLimiter, SharedRateLimiter

FORK = multiprocessing.get_context("fork")  # as Sanic starts its workers


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_limit_refuses_the_next_message_until_the_oldest_leaves_the_window():
    clock = Clock()
    limiter = ratelimit.RateLimiter(3, 60, clock=clock)
    assert limiter and len(limiter) == 0  # on, though nobody was seen yet
    for _ in range(3):
        assert limiter.hit("a") == 0.0
        clock.now += 1
    assert limiter.hit("a") == pytest.approx(57)  # the first was at 1000, now 1003
    assert limiter.hit("b") == 0.0  # another conversation is not affected
    clock.now = 1060.0  # the first message left the window
    assert limiter.hit("a") == 0.0
    assert limiter.hit("a") > 0  # 1001, 1002 and 1060 are in it


def test_refused_messages_do_not_extend_the_wait():
    clock = Clock()
    limiter = ratelimit.RateLimiter(1, 10, clock=clock)
    assert limiter.hit("a") == 0.0
    for _ in range(50):
        clock.now += 0.1
        assert limiter.hit("a") > 0
    clock.now = 1010.0
    assert limiter.hit("a") == 0.0


def test_memory_stays_bounded():
    clock = Clock()
    limiter = ratelimit.RateLimiter(5, 60, max_keys=100, clock=clock)
    for i in range(10_000):
        limiter.hit(f"session-{i}")
    assert len(limiter) == 100
    assert limiter.hit("session-9999") == 0.0  # the newest are kept
    # idle conversations go once their window has passed, without waiting for the cap
    clock.now += 61
    for i in range(20):
        limiter.hit(f"new-{i}")
    assert len(limiter) < 100


@pytest.mark.parametrize(
    "value, parsed",
    [
        (None, (20, 60.0)),
        ("", (20, 60.0)),
        ("20/60", (20, 60.0)),
        ("5", (5, 60.0)),
        (" 3/1.5 ", (3, 1.5)),
        ("0", None),
        ("off", None),
        ("0/60", None),
    ],
)
def test_the_setting(value, parsed):
    assert ratelimit.parse(value) == parsed


@pytest.mark.parametrize("value", ["veel", "20/", "20/0", "-1/60", "20/x", "20/999999"])
def test_a_wrong_setting_is_refused_in_dutch(value):
    with pytest.raises(ValueError, match="verwacht|moet"):
        ratelimit.parse(value, "WIDGET_RATE_LIMIT")


def test_from_env(monkeypatch):
    monkeypatch.setenv("WIDGET_RATE_LIMIT", "7/30")
    limiter = ratelimit.from_env("WIDGET_RATE_LIMIT")
    assert (limiter.limit, limiter.window) == (7, 30.0)
    monkeypatch.setenv("WIDGET_RATE_LIMIT", "0")
    assert ratelimit.from_env("WIDGET_RATE_LIMIT") is None
    assert ratelimit.retry_after(0.2) == "1" and ratelimit.retry_after(29.1) == "30"


def hit_many(path: str, times: int, allowed) -> None:
    limiter = SharedRateLimiter(20, 60, path=Path(path), name="WIDGET_RATE_LIMIT")
    for _ in range(times):
        if limiter.hit("sessie") == 0.0:
            with allowed.get_lock():
                allowed.value += 1


def test_the_rate_limit_counts_once_for_all_workers(tmp_path):
    allowed = FORK.Value("i", 0)
    workers = [FORK.Process(target=hit_many, args=(str(tmp_path / "rate.db"), 15, allowed)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    assert allowed.value == 20  # not 30 (15 each), not 40 (20 each)


def test_the_shared_limit_waits_like_the_one_in_memory(tmp_path):
    now = [1000.0]
    shared = SharedRateLimiter(2, 10, tmp_path / "rate.db", "REST_RATE_LIMIT", clock=lambda: now[0])
    memory = RateLimiter(2, 10, clock=lambda: now[0])
    for limiter in (shared, memory):
        assert [limiter.hit("a"), limiter.hit("a"), limiter.hit("b")] == [0.0, 0.0, 0.0]
        assert limiter.hit("a") == 10.0
    now[0] += 10.5
    assert shared.hit("a") == memory.hit("a") == 0.0


def test_more_than_one_worker_gets_the_shared_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_DB", str(tmp_path / "rate.db"))
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert isinstance(ratelimit.from_env("WIDGET_RATE_LIMIT"), SharedRateLimiter)
    monkeypatch.setenv("SANIC_WORKERS", "1")
    assert isinstance(ratelimit.from_env("WIDGET_RATE_LIMIT"), RateLimiter)
    monkeypatch.setenv("WIDGET_RATE_LIMIT", "0")
    assert ratelimit.from_env("WIDGET_RATE_LIMIT") is None
