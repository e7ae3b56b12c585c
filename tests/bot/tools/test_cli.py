"""The tools' commands (bot/tools/cli.py): wrong options stop with a usage error."""

import pytest

from bot.__main__ import build_parser


@pytest.mark.parametrize("argv", [["soak", "--users", "0"], ["soak", "--minutes", "-1"], ["bench", "--nope"]])
def test_wrong_tool_options_stop_with_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 2 and "usage:" in capsys.readouterr().err
