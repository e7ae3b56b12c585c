"""Security defaults without a server: the rate limiter, the HTTP API's options, the launcher's
environments for both servers (tests/e2e/test_security.py runs them for real)."""
import pytest

from bot.runtime import launcher, ratelimit
from bot.runtime.rasa_cli import api_args, cors_args

TOKEN = "t" * 32
SECRET = "s" * 32


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


# ---- the rate limiter --------------------------------------------------------------------------

def test_the_limit_refuses_the_next_message_until_the_oldest_leaves_the_window():
    clock = Clock()
    limiter = ratelimit.RateLimiter(3, 60, clock=clock)
    assert limiter and len(limiter) == 0                  # on, though nobody was seen yet
    for _ in range(3):
        assert limiter.hit("a") == 0.0
        clock.now += 1
    assert limiter.hit("a") == pytest.approx(57)          # the first was at 1000, now 1003
    assert limiter.hit("b") == 0.0                        # another conversation is not affected
    clock.now = 1060.0                                    # the first message left the window
    assert limiter.hit("a") == 0.0
    assert limiter.hit("a") > 0                           # 1001, 1002 and 1060 are in it


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
    assert limiter.hit("session-9999") == 0.0             # the newest are kept
    # idle conversations go once their window has passed, without waiting for the cap
    clock.now += 61
    for i in range(20):
        limiter.hit(f"new-{i}")
    assert len(limiter) < 100


@pytest.mark.parametrize("value, parsed", [
    (None, (20, 60.0)), ("", (20, 60.0)), ("20/60", (20, 60.0)), ("5", (5, 60.0)),
    (" 3/1.5 ", (3, 1.5)), ("0", None), ("off", None), ("0/60", None),
])
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


# ---- the HTTP API's options --------------------------------------------------------------------

def test_the_api_is_off_without_a_token_or_secret():
    assert api_args({}) == []
    assert api_args({"RASA_API_TOKEN": "", "RASA_JWT_SECRET": "  "}) == []


def test_a_token_or_a_secret_switches_it_on_with_that_check():
    assert api_args({"RASA_API_TOKEN": TOKEN}) == ["--enable-api", "--auth-token", TOKEN]
    assert api_args({"RASA_JWT_SECRET": SECRET}) == ["--enable-api", "--jwt-secret", SECRET,
                                                     "--jwt-method", "HS256"]
    both = api_args({"RASA_API_TOKEN": TOKEN, "RASA_JWT_SECRET": SECRET, "RASA_JWT_METHOD": "hs512"})
    assert both == ["--enable-api", "--auth-token", TOKEN, "--jwt-secret", SECRET, "--jwt-method", "HS512"]


@pytest.mark.parametrize("env", [{"RASA_API_TOKEN": "kort"}, {"RASA_JWT_SECRET": "geheim"},
                                 {"RASA_JWT_SECRET": SECRET, "RASA_JWT_METHOD": "none"}])
def test_a_weak_token_or_an_unknown_method_stops_the_start(env):
    with pytest.raises(SystemExit):
        api_args(env)


def test_cors_only_for_exact_origins():
    assert cors_args({}) == []
    assert cors_args({"RASA_CORS_ORIGINS": "*"}) == []
    assert cors_args({"RASA_CORS_ORIGINS": "https://www.2assistu.nl, *, javascript:alert(1)"}) == [
        "--cors", "https://www.2assistu.nl"]


# ---- the launcher ------------------------------------------------------------------------------

def test_the_action_server_listens_on_loopback_unless_configured():
    assert launcher.action_host({}) == "127.0.0.1"
    assert launcher.action_host({"ACTION_HOST": "localhost"}) == "127.0.0.1"
    assert launcher.action_host({"ACTION_HOST": "0.0.0.0"}) == "0.0.0.0"
    with pytest.raises(SystemExit, match="ACTION_HOST"):
        launcher.action_host({"ACTION_HOST": "192.0.2.7"})  # Rasa would not find it there


def test_each_server_gets_only_what_it_needs():
    env = {"RASA_API_TOKEN": TOKEN, "RASA_JWT_SECRET": SECRET, "WIDGET_SECRET": SECRET, "PATH": "/bin"}
    actions = launcher.action_server_env(dict(env, SANIC_REQUEST_MAX_SIZE="1000"), "127.0.0.1")
    assert actions == {"PATH": "/bin", "SANIC_HOST": "127.0.0.1"}
    rasa = launcher.rasa_server_env(dict(env, SMTP_PASSWORD="smtp", LEADS_WEBHOOK_SECRET="hook"))
    assert "SMTP_PASSWORD" not in rasa and "LEADS_WEBHOOK_SECRET" not in rasa  # the delivery worker's
    assert launcher.action_server_env(dict(env, SMTP_PASSWORD="smtp"), "127.0.0.1")["SMTP_PASSWORD"] == "smtp"
    assert rasa["SANIC_REQUEST_MAX_SIZE"] == str(64 * 1024) and rasa["SANIC_ACCESS_LOG"] == "false"
    assert rasa["RASA_API_TOKEN"] == TOKEN  # read by bot.runtime.rasa_cli inside the Rasa process
    assert launcher.rasa_server_env({"SANIC_REQUEST_MAX_SIZE": "2048"})["SANIC_REQUEST_MAX_SIZE"] == "2048"
    assert launcher.rasa_server_env({"SANIC_REQUEST_MAX_SIZE": ""})["SANIC_REQUEST_MAX_SIZE"] == str(64 * 1024)


def test_the_api_settings_go_to_rasa_run_only():
    """`rasa train` runs through bot.runtime.rasa_cli too (with our changes); it takes no API options."""
    import subprocess
    import sys

    check = ("import sys, bot.runtime.rasa_cli as cli\n"
             "sys.modules['rasa.__main__'] = None  # stop where Rasa itself would start\n"
             "try:\n    cli.main(['rasa', sys.argv[1]])\nexcept ImportError:\n    pass\n"
             "print('--enable-api' in sys.argv)")
    env = {**__import__("os").environ, "RASA_API_TOKEN": "t" * 20}
    for command, with_api in (("run", "True"), ("train", "False")):
        result = subprocess.run([sys.executable, "-W", "ignore", "-c", check, command], env=env,
                                capture_output=True, text=True, check=True)
        assert result.stdout.split()[-1] == with_api
