"""The admin page's parts without a server (bot/office/admin.py): the return address after logging
in, and the warning when requests are not mailed. The pages themselves, in Chromium against the
running assistant: tests/widget/test_admin_browser.py; accounts and sessions:
tests/bot/office/test_admin_db.py; the figures: tests/bot/office/test_conversations.py."""

import os
from unittest import mock

import pytest

from bot.office import admin, delivery
from bot.office.admin import local_path


@pytest.mark.parametrize(
    "asked, landed",
    [
        ("/admin/gesprekken?dagen=7&zoek=zwolle", "/admin/gesprekken?dagen=7&zoek=zwolle"),
        ("/admin/gesprek?id=abc&terug=%2Fadmin%2Fvragen", "/admin/gesprek?id=abc&terug=%2Fadmin%2Fvragen"),
        ("https://elders.example/admin/", "/admin/aanvragen"),
        ("//elders.example/admin/", "/admin/aanvragen"),
        ("/admin//elders.example", "/admin/aanvragen"),
        ("/admin/\\elders.example", "/admin/aanvragen"),
        ("/\\elders.example", "/admin/aanvragen"),
        ("/admin/x\r\nSet-Cookie: a=b", "/admin/aanvragen"),
        ("/chat/", "/admin/aanvragen"),
        ("admin/vragen", "/admin/aanvragen"),
        ("", "/admin/aanvragen"),
    ],
)
def test_after_login_only_a_page_of_the_admin_on_this_server_is_a_return_address(asked, landed):
    assert local_path(asked, "/admin/aanvragen") == landed


def test_staff_are_told_when_requests_are_not_mailed():
    from bot.office import admin

    assert "LEADS_EMAIL_TO" in delivery.Settings.from_env({}).not_set_up()
    assert delivery.Settings.from_env({"LEADS_EMAIL_TO": "vacatures@2assistu.nl"}).not_set_up() is None
    env = {"LEADS_EMAIL_TO": "vacatures@2assistu.nl"}
    with mock.patch.dict(os.environ, env):
        assert (
            admin.delivery_warning() is None and admin.delivery_states()["pending"] == "wacht op verzending"
        )
    with mock.patch.dict(os.environ, {"LEADS_EMAIL_TO": ""}):
        assert admin.delivery_states()["pending"] == "niet ingesteld"


def test_an_answers_heading_is_split_off_as_the_widget_shows_it():
    from actions.knowledge import titled

    assert admin.heading_and_body(titled("Taken van een secretaresse", "• a\n• b")) == (
        "Taken van een secretaresse",
        "• a\n• b",
    )
    # a message without the rule under its first line has no heading, even with "---" further on
    assert admin.heading_and_body("Ja.\nmeer\n---\nnog") == ("", "Ja.\nmeer\n---\nnog")
    assert admin.heading_and_body("---\ntekst") == ("", "---\ntekst")
