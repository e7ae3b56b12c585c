"""The widget channel without a server: tokens, secret, origins, transcripts."""

import stat

import pytest

from bot.runtime.channel import (
    DEFAULT_TTL,
    OpeningCollector,
    Tokens,
    WidgetInput,
    audience_of,
    load_secret,
    parse_origins,
    reply_to,
    transcript,
)

SID = "0123456789abcdef0123456789abcdef"


def test_a_token_names_its_session_and_nothing_else_passes():
    tokens = Tokens(b"s" * 32)
    token, expires = tokens.issue(SID, now=1000)
    assert expires == 1000 + DEFAULT_TTL
    assert tokens.verify(token, now=1001) == SID
    session, exp, sig = token.split(".")
    other = "f" * 32
    forged = [
        None,
        "",
        "abc",
        f"{other}.{exp}.{sig}",  # someone else's session id
        f"{session}.{int(exp) + 999}.{sig}",  # a longer life
        f"{session}.{exp}.{'0' * 64}",  # a made-up signature
        f"{session}.{exp}.{sig[:-1]}",
        f"{session}.{exp}.{sig}.x",
        Tokens(b"t" * 32).issue(SID, now=1000)[0],  # another server's secret
        f"{session.upper()}.{exp}.{sig}",
        f"../{session}.{exp}.{sig}",
        "x" * 500,
    ]
    for token in forged:
        assert tokens.verify(token, now=1001) is None, token


def test_an_expired_token_is_refused():
    tokens = Tokens(b"s" * 32, ttl=60)
    token, expires = tokens.issue(SID, now=1000)
    assert tokens.verify(token, now=expires - 1) == SID
    assert tokens.verify(token, now=expires) is None


def test_the_secret_is_made_once_and_survives_a_restart(tmp_path, monkeypatch):
    monkeypatch.delenv("WIDGET_SECRET", raising=False)
    first = WidgetInput(var_dir=tmp_path, allowed_origins=())
    token, _ = first.tokens.issue(SID)
    restarted = WidgetInput(var_dir=tmp_path, allowed_origins=())  # a new server process
    assert restarted.tokens.verify(token) == SID
    secret_file = tmp_path / "widget-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert len(secret_file.read_text().strip()) == 64
    assert WidgetInput(var_dir=tmp_path / "elsewhere", allowed_origins=()).tokens.verify(token) is None


def test_a_configured_secret_wins_and_must_be_long(tmp_path, monkeypatch):
    monkeypatch.setenv("WIDGET_SECRET", "k" * 40)
    assert load_secret(tmp_path) == b"k" * 40
    assert not (tmp_path / "widget-secret").exists()
    monkeypatch.setenv("WIDGET_SECRET", "kort")
    with pytest.raises(ValueError):
        load_secret(tmp_path)


def test_origins_are_exact_and_never_a_wildcard():
    assert parse_origins(None) == ()
    assert parse_origins("*") == ()
    assert parse_origins("https://www.2assistu.nl/, http://localhost:8080 *  ftp://x https://a.b/path") == (
        "https://www.2assistu.nl",
        "http://localhost:8080",
    )


def test_the_channel_mounts_at_chat_and_reads_origins_from_the_environment(tmp_path, monkeypatch):
    from urllib.parse import urljoin

    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", "https://www.2assistu.nl,*")
    channel = WidgetInput(var_dir=tmp_path)
    assert channel.name() == "widget"
    assert urljoin("/webhooks/", channel.url_prefix()) == "/chat"
    assert channel.allowed_origins == ("https://www.2assistu.nl",)


def test_from_credentials_uses_the_var_dir_of_the_launcher(tmp_path, monkeypatch):
    monkeypatch.setenv("WIDGET_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("WIDGET_SECRET", raising=False)
    WidgetInput.from_credentials(None)
    assert (tmp_path / "widget-secret").exists()


EVENTS = [
    {"event": "action", "name": "action_session_start"},
    {"event": "session_started"},
    {"event": "user", "text": "/greet", "metadata": {"widget": {"opening": True}}},
    {
        "event": "bot",
        "text": "Hallo!",
        "data": {
            "buttons": [
                {"title": "Wat doet een secretaresse?", "payload": '/ask_definition{"role": "secretaresse"}'}
            ]
        },
    },
    {
        "event": "user",
        "text": '/ask_definition{"role": "secretaresse"}',
        "metadata": {"widget": {"client_id": "c1c1c1c1", "display": "Wat doet een secretaresse?"}},
    },
    {"event": "bot", "text": "Een secretaresse ...", "data": {}},
    {"event": "bot", "text": "Nog iets?", "data": {"buttons": None}},
    {
        "event": "user",
        "text": "<img src=x onerror=alert(1)>",
        "metadata": {"widget": {"client_id": "c2c2c2c2"}},
    },
    {"event": "bot", "text": "", "data": {}},  # nothing to show
    {"event": "user", "text": "via REST", "metadata": {}},
]


def test_the_transcript_is_what_the_visitor_saw():
    assert transcript(EVENTS) == [
        {
            "from": "bot",
            "text": "Hallo!",
            "buttons": [
                {"title": "Wat doet een secretaresse?", "payload": '/ask_definition{"role": "secretaresse"}'}
            ],
        },
        {"from": "user", "text": "Wat doet een secretaresse?", "buttons": []},
        {"from": "bot", "text": "Een secretaresse ...", "buttons": []},
        {"from": "bot", "text": "Nog iets?", "buttons": []},
        {"from": "user", "text": "<img src=x onerror=alert(1)>", "buttons": []},
        {"from": "user", "text": "via REST", "buttons": []},
    ]


def test_a_handled_client_id_gets_its_stored_answer():
    assert [m["text"] for m in reply_to(EVENTS, "c1c1c1c1")] == ["Een secretaresse ...", "Nog iets?"]
    assert reply_to(EVENTS, "c2c2c2c2") == []
    assert reply_to(EVENTS, "nieuw123") is None


def test_the_privacy_page_names_the_periods_that_purge_applies(monkeypatch):
    from bot.runtime.channel import privacy_page

    monkeypatch.setenv("RETENTION_CONVERSATIONS_DAYS", "30")
    monkeypatch.delenv("RETENTION_REQUESTS_DAYS", raising=False)
    page = privacy_page()
    assert "Gesprekken 30 dagen" in page and "aanvragen een jaar" in page and 'lang="nl"' in page
    assert "<script" not in page


@pytest.mark.parametrize(
    "body, audience",
    [
        (b'{"audience": "werkgever"}', "werkgever"),
        (b'{"audience": "kandidaat"}', "kandidaat"),
        (b"", None),
        (b"{}", None),
        (b'{"audience": "Werkgever"}', None),
        (b'{"audience": "collector"}', None),
        (b'{"audience": ["werkgever"]}', None),
        (b'["werkgever"]', None),
        (b"geen json", None),
    ],
)
def test_the_opening_names_only_a_known_audience(body, audience):
    assert audience_of(body) == audience


def test_the_opening_is_collected_under_the_audience_s_name():
    # Rasa picks a response variation by the output channel's name (`channel: werkgever`).
    assert OpeningCollector("werkgever").name() == "werkgever"
