"""The admin page's figures, list of conversations and transcripts on PostgreSQL (the scale
profile, DB_HOST set): the same SQL as on SQLite, on conversations that Rasa's own
SQLTrackerStore wrote into a throwaway PostgreSQL cluster, read in read-only transactions."""

from datetime import datetime

import pytest

from bot.office import conversations
from tests.stored import talks


def test_the_admin_page_reads_conversations_from_postgresql(rasa_store, postgres_env, tmp_path):
    env = postgres_env
    reader = conversations.TrackerReader.from_env(env)
    assert reader.url.drivername == "postgresql"
    assert conversations.overview(reader, tmp_path / "leads.db", 7).conversations == 0  # no table yet
    store = rasa_store()
    today = datetime.now(conversations.LOCAL).date()
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=conversations.LOCAL)
    talks(store, noon.timestamp())
    store.engine.dispose()

    reader = conversations.TrackerReader.from_env(env)
    found = conversations.overview(reader, tmp_path / "leads.db", 7, noon)
    assert (found.conversations, found.messages, found.fallbacks) == (2, 5, 2)
    assert found.chart("berichten-per-gesprek").values == [0, 1, 1, 0, 0, 0]
    assert found.chart("terugval-per-dag").values[-1] == 50.0
    assert conversations.overview(reader, tmp_path / "leads.db", 90, noon).conversations == 3
    listed = conversations.summaries(reader, tmp_path / "leads.db", 7, noon)
    assert [(s.sender, s.messages, s.outcome) for s in listed] == [
        ("tweede", 2, "onbeantwoord"),
        ("eerste", 3, "onbeantwoord"),
    ]
    assert [s.sender for s, _ in conversations.search(listed, "Office MANAGER")] == ["eerste"]
    messages, channel = conversations.conversation(reader, "eerste")
    assert channel == "widget" and ("user", "Taken van een secretaresse") in [
        (m.who, m.text) for m in messages
    ]
    with pytest.raises(Exception, match="read-only transaction"):
        with reader.engine().begin() as connection:
            connection.exec_driver_sql("DELETE FROM events")
    reader.close()
