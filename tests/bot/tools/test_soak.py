"""The soak's verdict, its report and its exit code, without servers (the 60-second soak
against real servers: tests/e2e/test_load.py)."""

from bot.__main__ import main
from bot.tools import soak


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
    result = made_up(
        outcomes=[
            ("ok", ""),
            ("error", "HTTP 500"),
            ("empty", ""),
            ("wrong", "'hoi' -> 'Sorry'"),
            ("wrong", "'hoi' -> 'Sorry'"),
        ],
        restart=True,
    )
    assert result.problems() == ["1 errors", "1 empty replies", "2 wrong replies", "1 server restart(s)"]
    report = result.report()
    assert "verdict: FAILED" in report and "2  wrong: 'hoi' -> 'Sorry'" in report


def test_soak_command_exits_non_zero_on_a_problem_and_writes_the_report(monkeypatch, tmp_path):
    class FakeServer:
        def __init__(self, *args, **kwargs):
            self.process, self.stopped = None, False

        def start(self):
            self.process = "started"
            return self

        def running(self):
            return self.process is not None and not self.stopped

        def stop(self):
            self.stopped = True

    monkeypatch.setattr(soak, "Instance", FakeServer)
    monkeypatch.setattr(soak.tempfile, "mkdtemp", lambda prefix: str(tmp_path / "work"))  # kept on failure
    for end, code in ((1000.0, 0), (1200.0, 1)):
        seen = {}

        def run(server, users, seconds, seen=seen, end=end):
            seen.update(users=users, seconds=seconds, server=server)
            return made_up(rasa_end=end)

        monkeypatch.setattr(soak, "run", run)
        out = tmp_path / "soak.txt"
        assert main(["soak", "--users", "3", "--minutes", "0.5", "--out", str(out)]) == code
        assert (seen["users"], seen["seconds"]) == (3, 30) and seen["server"].stopped
        verdict = "verdict: OK" if code == 0 else "verdict: FAILED: RSS rasa grew 20.0% (limit 10%)"
        assert verdict in out.read_text().splitlines()
