"""The launcher's environments for both servers (bot/runtime/launcher.py): where the action server
listens, and each server gets only the settings it needs."""

import pytest

from bot.runtime import launcher

TOKEN = "t" * 32


SECRET = "s" * 32


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
    assert launcher.rasa_server_env({"SANIC_REQUEST_MAX_SIZE": ""})["SANIC_REQUEST_MAX_SIZE"] == str(
        64 * 1024
    )
