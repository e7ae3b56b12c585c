"""A visitor who sends too many messages in a minute reads the server's Dutch explanation in
the widget, keeps the typed text and can send it again (the limit itself:
tests/e2e/test_security.py)."""

import uuid

import pytest
import requests
from playwright.sync_api import expect

from bot.runtime.ratelimit import TOO_MANY

pytestmark = pytest.mark.assistant


def test_the_21st_message_in_a_minute_shows_the_dutch_rate_limit_message(visitor, api):
    visitor.goto().open()
    token = visitor.token()
    assert token
    for i in range(20):  # the default limit is 20 a minute per conversation: use it up
        response = api.message(token, "hallo", uuid.uuid4().hex)
        assert response.status_code == 200, (i, response.text)

    bot_messages = visitor.bubbles("bot").count()
    visitor.input.fill("wat doet een office manager?")
    visitor.input.press("Enter")
    expect(visitor.alert).to_contain_text(TOO_MANY)
    expect(visitor.alert).to_be_visible()
    expect(visitor.input).to_have_value("wat doet een office manager?")  # nothing is lost
    expect(visitor.page.get_by_role("button", name="Opnieuw versturen")).to_be_visible()
    expect(visitor.bubbles("user")).to_have_count(0)
    assert visitor.bubbles("bot").count() == bot_messages
    assert not visitor.errors and not visitor.dialogs
    # the server really refused it (no answer was made)
    history = requests.get(
        api.base + "history", headers={"Authorization": f"Bearer {visitor.token()}"}, timeout=30
    ).json()["messages"]
    assert "wat doet een office manager?" not in [m["text"] for m in history if m["from"] == "user"]
