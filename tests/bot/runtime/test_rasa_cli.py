"""The Rasa server's command line (bot/runtime/rasa_cli.py): the HTTP API's options, on only with a
strong token or secret; CORS only for exact origins; the API options for `rasa run` only
(tests/e2e/test_security.py runs them for real)."""

import pytest

from bot.runtime.rasa_cli import api_args, cors_args

TOKEN = "t" * 32


SECRET = "s" * 32


def test_the_api_is_off_without_a_token_or_secret():
    assert api_args({}) == []
    assert api_args({"RASA_API_TOKEN": "", "RASA_JWT_SECRET": "  "}) == []


def test_a_token_or_a_secret_switches_it_on_with_that_check():
    assert api_args({"RASA_API_TOKEN": TOKEN}) == ["--enable-api", "--auth-token", TOKEN]
    assert api_args({"RASA_JWT_SECRET": SECRET}) == [
        "--enable-api",
        "--jwt-secret",
        SECRET,
        "--jwt-method",
        "HS256",
    ]
    both = api_args({"RASA_API_TOKEN": TOKEN, "RASA_JWT_SECRET": SECRET, "RASA_JWT_METHOD": "hs512"})
    assert both == ["--enable-api", "--auth-token", TOKEN, "--jwt-secret", SECRET, "--jwt-method", "HS512"]


@pytest.mark.parametrize(
    "env",
    [
        {"RASA_API_TOKEN": "kort"},
        {"RASA_JWT_SECRET": "geheim"},
        {"RASA_JWT_SECRET": SECRET, "RASA_JWT_METHOD": "none"},
    ],
)
def test_a_weak_token_or_an_unknown_method_stops_the_start(env):
    with pytest.raises(SystemExit):
        api_args(env)


def test_cors_only_for_exact_origins():
    assert cors_args({}) == []
    assert cors_args({"RASA_CORS_ORIGINS": "*"}) == []
    assert cors_args({"RASA_CORS_ORIGINS": "https://www.2assistu.nl, *, javascript:alert(1)"}) == [
        "--cors",
        "https://www.2assistu.nl",
    ]


def test_the_api_settings_go_to_rasa_run_only():
    """`rasa train` runs through bot.runtime.rasa_cli too (with our changes); it takes no API options."""
    import subprocess
    import sys

    check = (
        "import sys, bot.runtime.rasa_cli as cli\n"
        "sys.modules['rasa.__main__'] = None  # stop where Rasa itself would start\n"
        "try:\n    cli.main(['rasa', sys.argv[1]])\nexcept ImportError:\n    pass\n"
        "print('--enable-api' in sys.argv)"
    )
    env = {**__import__("os").environ, "RASA_API_TOKEN": "t" * 20}
    for command, with_api in (("run", "True"), ("train", "False")):
        result = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", check, command],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.split()[-1] == with_api
