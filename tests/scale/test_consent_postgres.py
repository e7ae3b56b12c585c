"""Declined consent on PostgreSQL (the scale profile): the personal answers of the intake are
removed from the stored conversation there too, as the admin page shows in Chromium."""

import subprocess
import sys

import pytest
from playwright.sync_api import sync_playwright

from tests import consent
from tests.e2e.assistant import PROJECT, Assistant
from tests.scale.test_scale_out import REDIS_PASSWORD, Redis, events_in_postgres
from tests.widget.conftest import CHROMIUM, CHROMIUM_ARGS

NAME, PASSWORD = "bram", "bram-zijn-wachtwoord-2026"


@pytest.fixture
def assistant(postgres_env, tmp_path_factory):
    redis = Redis().start()  # the scale profile's conversation locks
    env = dict(
        postgres_env, REDIS_HOST="127.0.0.1", REDIS_PORT=str(redis.port), REDIS_PASSWORD=REDIS_PASSWORD
    )
    try:
        running = Assistant(tmp_path_factory.mktemp("consent-pg"), env).start(420)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "admin-user",
                NAME,
                "--password-stdin",
                "--var-dir",
                str(running.var_dir),
            ],
            cwd=PROJECT,
            input=PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
            env=running.env,
        )
        yield running
        running.stop()
    finally:
        redis.stop()


def test_declined_consent_removes_the_personal_answers_from_postgresql(assistant, postgres):
    base = f"http://127.0.0.1:{assistant.rasa_port}/"
    session_id, reply = consent.decline_consent(base + "chat/")
    assert "je contactgegevens uit dit gesprek verwijderd" in reply
    stored = "\n".join(data for _, data in events_in_postgres(postgres, session_id))
    assert consent.REMOVED in stored
    for personal in consent.PERSONAL:
        assert personal not in stored
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="nl-NL").new_page()
        consent.log_in(page, base + "admin/", NAME, PASSWORD)
        consent.assert_transcript_without_personal_data(page, base + "admin/", session_id)
        browser.close()
