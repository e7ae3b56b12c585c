"""Helpers shared by the unit tests."""
from rasa_sdk import Tracker


def tracker(text, intent="inform", confidence=0.9, roles=(), entities=(), active_loop=None, **slots):
    """A tracker built in code whose latest message is `text`: the intent with its confidence,
    a `role` entity per name in `roles` plus `entities`, and the form `active_loop` if any."""
    entities = [{"entity": "role", "value": r} for r in roles] + list(entities)
    return Tracker(
        sender_id="test", slots=slots, latest_message={
            "text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities},
        events=[], paused=False, followup_action=None, active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=None)
