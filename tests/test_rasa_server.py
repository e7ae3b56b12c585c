"""The Rasa-server changes in bot/rasa_server.py keep Rasa's behaviour."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_server import validate_action_result


def test_the_action_result_check_still_accepts_good_and_rejects_bad_replies():
    action = RemoteAction("action_answer_role", None)
    good = {"events": [{"event": "slot", "name": "role", "value": "secretaresse"}],
            "responses": [{"text": "Wat doet een secretaresse?", "buttons": []}]}
    assert RemoteAction._validate_action_result is validate_action_result
    assert action._validate_action_result(good)
    for bad in ({"events": "geen lijst"}, {"events": [{"name": "role"}]}, {"responses": [1]}):
        with pytest.raises(ValidationError):
            action._validate_action_result(bad)


def test_sqlite_connections_write_ahead(tmp_path):
    import sqlalchemy

    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_event_classes_are_still_found_by_name():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    with pytest.raises(ValueError):
        Event.resolve_by_type("geen_event")
