"""What both chat channels and the admin page share (bot/runtime/web.py): exact CORS origins, the
security headers, and the apology that replaces an empty reply."""

import logging

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.runtime.texts import response_text
from bot.runtime.web import drop_cors_headers, parse_origins, security_headers, with_apology


def test_origins_are_exact_lower_case_and_once_and_a_wildcard_is_refused_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="bot.runtime.web"):
        found = parse_origins(
            "https://WWW.2assistu.nl/ https://www.2assistu.nl,http://[::1]:8080 * "
            "https://a.b/pad javascript:alert(1)",
            "RASA_CORS_ORIGINS",
        )
    assert found == ("https://www.2assistu.nl", "http://[::1]:8080")
    refused = [r.getMessage() for r in caplog.records]
    assert len(refused) == 3 and all(m.startswith("RASA_CORS_ORIGINS: ") for m in refused)
    assert "'*'" in refused[0] and "'https://a.b/pad'" in refused[1]
    assert parse_origins(None) == parse_origins("  ") == ()


def test_each_route_decides_its_cors_headers_and_every_answer_gets_the_security_headers():
    headers = {
        "Access-Control-Allow-Origin": "*",
        "access-control-allow-credentials": "true",
        "Content-Type": "application/json",
    }
    drop_cors_headers(headers)
    assert headers == {"Content-Type": "application/json"}
    security_headers(headers, "no-referrer")
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"


def message(text="hallo"):
    return UserMessage(text, CollectingOutputChannel(), "bezoeker")


async def test_an_empty_reply_becomes_the_apology_and_a_reply_stays_as_it_is():
    async def silent(message):
        pass

    async def answers(message):
        await message.output_channel.send_text_message(message.sender_id, "Een antwoord.")

    quiet, answered = message(), message()
    await with_apology(silent)(quiet)
    await with_apology(answers)(answered)
    assert [m["text"] for m in quiet.output_channel.messages] == [response_text("utter_no_reply")]
    assert [m["text"] for m in answered.output_channel.messages] == ["Een antwoord."]


async def test_a_failing_turn_still_gets_the_apology_and_its_error_is_not_hidden():
    async def fails(message):
        raise RuntimeError("actieserver weg")

    failed = message()
    with pytest.raises(RuntimeError, match="actieserver weg"):
        await with_apology(fails)(failed)
    assert [m["text"] for m in failed.output_channel.messages] == [response_text("utter_no_reply")]
