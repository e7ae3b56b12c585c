"""`python -m bot` (bot/__main__.py): every command keeps its name and options (argparse
subcommands), and the admin-user command reads a password without showing it."""

import subprocess
import sys
import time

import pytest

from bot.__main__ import build_parser
from bot.office import admin_db
from bot.runtime.launcher import PROJECT

PASSWORD = "een-lang-wachtwoord"


@pytest.mark.parametrize(
    "argv",
    [
        [
            "run",
            "--no-train",
            "--rasa-port",
            "1",
            "--action-port",
            "2",
            "--var-dir",
            "v",
            "--host",
            "h",
            "--model",
            "m",
        ],
        ["train", "--force"],
        ["check"],
        ["leads", "--since", "2027-01-01", "--db", "x", "--retry-failed"],
        ["purge", "--var-dir", "v", "--dry-run"],
        ["forget", "jan@bakker.nl", "--var-dir", "v", "--dry-run"],
        ["report", "--db", "x"],
        ["admin-user", "anna", "--password-stdin", "--remove", "--var-dir", "v"],
        ["admin-log", "--var-dir", "v", "--limit", "5"],
        ["bench", "--users", "1,2", "--seconds", "2", "--long", "6", "--out", "o", "--smoke"],
        ["soak", "--users", "3", "--minutes", "0.5", "--out", "o", "--rasa-port", "1", "--action-port", "2"],
        ["eval", "--ours-only"],
        ["answers", "--url", "http://localhost:5005", "--cases", "c", "--floor", "0.9"],
    ],
)
def test_every_command_parses_its_options(argv):
    args = build_parser().parse_args(argv)
    assert args.command == argv[0] and callable(args.handler)


def cli(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_admin_user_command_reads_the_password_from_stdin_and_refuses_a_short_one(tmp_path):
    made = cli("admin-user", "anna", "--password-stdin", "--var-dir", str(tmp_path), stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert "Account anna aangemaakt" in made.stdout
    short = cli("admin-user", "piet", "--password-stdin", "--var-dir", str(tmp_path), stdin="kort\n")
    assert short.returncode == 1 and "minstens 12 tekens" in short.stderr
    assert admin_db.log_in("anna", PASSWORD, "1.2.3.4", None, tmp_path / "admin.db") is not None
    log = cli("admin-log", "--var-dir", str(tmp_path))
    assert "anna" in log.stdout and "account aangemaakt" in log.stdout and "ingelogd" in log.stdout
    removed = cli("admin-user", "anna", "--remove", "--var-dir", str(tmp_path))
    assert removed.returncode == 0 and not admin_db.exists(tmp_path / "admin.db")


def test_admin_user_asks_the_password_twice_on_the_terminal_without_showing_it(tmp_path):
    import os
    import pty
    import select

    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command on a real terminal
        os.chdir(PROJECT)
        os.execv(
            sys.executable, [sys.executable, "-m", "bot", "admin-user", "bert", "--var-dir", str(tmp_path)]
        )
    seen = b""

    def until(text):
        nonlocal seen
        deadline = time.monotonic() + 60
        while text not in seen and time.monotonic() < deadline:
            if select.select([terminal], [], [], 0.5)[0]:
                try:
                    seen += os.read(terminal, 1024)
                except OSError:
                    break
        assert text in seen, seen

    until(b"(minstens 12 tekens): ")
    os.write(terminal, (PASSWORD + "\n").encode())
    until(b"Nog een keer: ")
    os.write(terminal, (PASSWORD + "\n").encode())
    until(b"Account bert aangemaakt")
    assert os.waitpid(pid, 0)[1] == 0
    assert PASSWORD.encode() not in seen  # not echoed
    assert admin_db.log_in("bert", PASSWORD, "1.2.3.4", None, tmp_path / "admin.db") is not None
