"""`python -m bot`: every command keeps its name and options (argparse subcommands)."""
import os

import pytest

from bot.__main__ import build_parser
from bot.runtime.instance import Instance, free_port, memory_mb, server_pids
from bot.runtime.launcher import port_in_use


@pytest.mark.parametrize("argv", [
    ["run", "--no-train", "--rasa-port", "1", "--action-port", "2", "--var-dir", "v", "--host", "h", "--model", "m"],
    ["train", "--force"], ["check"], ["leads", "--since", "2027-01-01", "--db", "x", "--retry-failed"],
    ["purge", "--var-dir", "v", "--dry-run"], ["forget", "jan@bakker.nl", "--var-dir", "v", "--dry-run"],
    ["report", "--db", "x"], ["admin-user", "anna", "--password-stdin", "--remove", "--var-dir", "v"],
    ["admin-log", "--var-dir", "v", "--limit", "5"],
    ["bench", "--users", "1,2", "--seconds", "2", "--long", "6", "--out", "o", "--smoke"],
    ["soak", "--users", "3", "--minutes", "0.5", "--out", "o", "--rasa-port", "1", "--action-port", "2"],
    ["eval", "--ours-only"], ["answers", "--url", "http://localhost:5005", "--cases", "c", "--floor", "0.9"],
])
def test_every_command_parses_its_options(argv):
    args = build_parser().parse_args(argv)
    assert args.command == argv[0] and callable(args.handler)


@pytest.mark.parametrize("argv", [["soak", "--users", "0"], ["soak", "--minutes", "-1"], ["bench", "--nope"]])
def test_wrong_tool_options_stop_with_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 2 and "usage:" in capsys.readouterr().err


def test_an_instance_that_is_not_started_has_free_ports_and_no_processes(tmp_path):
    instance = Instance(tmp_path)
    assert instance.rasa_port != instance.action_port and not port_in_use(instance.rasa_port)
    assert instance.url == f"http://127.0.0.1:{instance.rasa_port}/webhooks/rest/webhook"
    assert not instance.running() and instance.pids() == {"rasa": [], "actions": []}
    assert server_pids(free_port(), free_port()) == {"rasa": [], "actions": []}
    assert memory_mb([os.getpid()]) > 0 and memory_mb([os.getpid()], "VmRSS", sum) > 0
