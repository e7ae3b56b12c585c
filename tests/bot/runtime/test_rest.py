"""The REST channel's checks (bot/runtime/rest.py), on a Sanic server of its own in this process: a
clear Dutch 4xx for a body that is not a message, too long or one too many, control characters
removed before the NLU sees the text, and the apology for an empty reply."""

import uuid

import aiohttp
import pytest
from sanic import Sanic

from bot.runtime import ratelimit
from bot.runtime.instance import free_port
from bot.runtime.rest import MAX_SENDER, TOO_LONG, CheckedRestInput, problem
from bot.runtime.texts import response_text
from bot.runtime.web import MAX_TEXT


@pytest.mark.parametrize(
    "body, wrong",
    [
        ({"sender": "bezoeker-1", "message": "hallo"}, None),
        ({"sender": "a.b:c@d_e-f", "message": ""}, None),  # an empty text is the NLU's to handle
        ([{"sender": "a", "message": "x"}], "JSON-object"),
        ({"message": "x"}, "'sender'"),
        ({"sender": "", "message": "x"}, "'sender'"),
        ({"sender": "a b", "message": "x"}, "'sender'"),
        ({"sender": "a" * (MAX_SENDER + 1), "message": "x"}, "'sender'"),
        ({"sender": 5, "message": "x"}, "'sender'"),
        ({"sender": "a"}, "'message'"),
        ({"sender": "a", "message": ["x"]}, "'message'"),
    ],
)
def test_what_is_wrong_with_a_body_is_said_in_dutch(body, wrong):
    found = problem(body)
    assert found is None if wrong is None else wrong in found


@pytest.fixture
async def webhook(monkeypatch):
    """The channel on a real Sanic server: (its webhook URL, the texts the assistant was given)."""
    monkeypatch.setenv("REST_RATE_LIMIT", "3/60")
    monkeypatch.delenv("SANIC_WORKERS", raising=False)
    monkeypatch.setattr(Sanic, "test_mode", True)  # Sanic then prepares its request handling anew per app
    given = []

    async def on_new_message(message):
        given.append(message.text)
        if message.text != "stil":
            await message.output_channel.send_text_message(message.sender_id, f"antwoord op {message.text}")

    app = Sanic(f"rest-{uuid.uuid4().hex[:8]}")
    app.config.REQUEST_MAX_SIZE = 20_000  # the launcher's SANIC_REQUEST_MAX_SIZE, smaller
    app.blueprint(CheckedRestInput().blueprint(on_new_message), url_prefix="/webhooks/rest")
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    await server.startup()
    yield f"http://127.0.0.1:{port}/webhooks/rest/webhook", given
    server.close()
    await server.wait_closed()


async def post(url, **body):
    async with aiohttp.ClientSession() as session, session.post(url, **body) as reply:
        return reply.status, await reply.json(), reply.headers.get("Retry-After")


async def test_a_message_is_answered_without_its_control_characters(webhook):
    url, given = webhook
    assert await post(url, json={"sender": "een", "message": "hallo\x00\x1bdaar\nen\tmeer"}) == (
        200,
        [{"recipient_id": "een", "text": "antwoord op hallo  daar\nen\tmeer"}],
        None,
    )
    assert given == ["hallo  daar\nen\tmeer"]  # new lines and tabs stay


async def test_an_empty_reply_is_the_apology(webhook):
    url, _ = webhook
    status, replies, _ = await post(url, json={"sender": "twee", "message": "stil"})
    assert status == 200 and [r["text"] for r in replies] == [response_text("utter_no_reply")]


async def test_what_is_not_a_message_never_reaches_the_assistant(webhook):
    url, given = webhook
    assert await post(url, data=b"{kapot") == (400, {"error": "Ongeldige JSON."}, None)
    status, body, _ = await post(url, json={"sender": "drie"})
    assert status == 400 and "'message'" in body["error"]
    assert await post(url, json={"sender": "drie", "message": "x" * (MAX_TEXT + 1)}) == (
        413,
        {"error": TOO_LONG},
        None,
    )
    assert await post(url, data=b"x" * 30_000) == (413, {"error": TOO_LONG}, None)  # above the server's limit
    assert given == []


async def test_one_sender_gets_a_429_with_retry_after_after_the_limit(webhook):
    url, given = webhook
    for number in range(3):
        assert (await post(url, json={"sender": "vier", "message": f"vraag {number}"}))[0] == 200
    status, body, retry_after = await post(url, json={"sender": "vier", "message": "nog een"})
    assert (status, body) == (429, {"error": ratelimit.TOO_MANY}) and 0 < int(retry_after) <= 60
    assert (await post(url, json={"sender": "vijf", "message": "ik mag"}))[0] == 200  # another sender may
    assert given == ["vraag 0", "vraag 1", "vraag 2", "ik mag"]
