"""The benchmark runs and produces figures (tiny numbers; `make bench` is the real run)."""

import re
import subprocess
import sys

from tests.e2e.assistant import PROJECT


def test_benchmark_smoke_run_prints_a_table_of_figures(tmp_path):
    out = tmp_path / "bench.txt"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "bench",
            "--smoke",
            "--users",
            "1,2",
            "--seconds",
            "2",
            "--long",
            "6",
            "--out",
            str(out),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    table = out.read_text()
    for row in (
        "cold start s",
        "p50 ms @1",
        "p95 ms @2",
        "msg/s @2",
        "turn 6 ms (long conv.)",
        "peak RSS rasa MB",
        "peak RSS actions MB",
        "wrong or empty replies",
    ):
        line = next(x for x in table.splitlines() if x.startswith(row))
        assert re.search(r"\d+\.\d", line), line
    wrong = next(x for x in table.splitlines() if x.startswith("wrong or empty replies"))
    assert wrong.split()[-1] == "0.0"
    assert "[bench]" in result.stderr  # progress is shown
