"""Helpers shared by the unit tests."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.rendered import rendered


def tracker(
    text, intent="inform", confidence=0.9, roles=(), entities=(), active_loop=None, ranking=None, **slots
):
    """A tracker built in code whose latest message is `text`: the intent with its confidence
    (and the NLU's `ranking`, a list of (intent, confidence), if given), a `role` entity per name
    in `roles` plus `entities`, and the form `active_loop` if any."""
    entities = [{"entity": "role", "value": r} for r in roles] + list(entities)
    message = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities}
    if ranking:
        message["intent_ranking"] = [{"name": name, "confidence": c} for name, c in ranking]
    return Tracker(
        sender_id="test",
        slots=slots,
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=None,
    )


def run(action, message, intent=None, **slots):
    """Run an action on `message` (a tracker, or a text for `tracker(text, intent, **slots)`):
    the messages as the visitor sees them (responses rendered through domain.yml), and the events."""
    if not isinstance(message, Tracker):
        message = tracker(message, intent, **slots)
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, message, domain={})
    return rendered(dispatcher.messages), events


def first(messages):
    return messages[0]["text"]


def buttons(messages):
    return [b["title"] for m in messages for b in m.get("buttons") or []]
