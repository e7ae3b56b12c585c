"""A cache of conversations in front of the SQL tracker store, in each Rasa worker, and what a
kept conversation keeps with it. Imports nothing of ours: the tracker store
(bot/runtime/tracker_store.py) uses the cache, the registry of changes to Rasa
(bot/runtime/rasa_changes.py) installs the three functions below.

Rasa reads a conversation's events from the store and replays them at every message, and the
cost grows with the conversation (a fifth of the CPU at turn 100). So the store keeps, in each
worker, the trackers it saved last (`TrackerCache`), each with a stamp of what the store held
right after the save: the number of the conversation's rows and the highest row id. A message
takes its tracker from the cache only when the store's stamp is still the same, so a turn that
another worker (or another server on the same database) answered, a purge and a restart all
read from the store as before. The stamp is one indexed query instead of reading and replaying
every event.

A tracker is handed out once (`take`): if the message fails before the save, the next one
reads from the store. Only trackers that equal what the store would return are kept (no
second session inside, no cut-off event history).

The policies then ask, several times a turn, for the events Rasa applies
(`DialogueStateTracker.applied_events`) and for the dialogue state before every action
(`Domain.states_for_tracker_history`), which Rasa rebuilds from the first event each time, and
Rasa copies the tracker (replaying every event) before every action. A tracker that came through
the store carries a `derived_memo` (set by the store); for such a tracker the functions below
(`applied_events_continued`, `states_continued`, `copy_without_replay`, each made from the Rasa
3.6.21 function it replaces) extend the lists with the events added since, as long as those only
append (a restart, an undo or a form's later step can drop earlier ones: then everything is
computed again). The results are Rasa's: tests/bot/runtime/test_rasa_changes.py compares them with stock
Rasa's, event by event.
"""

from __future__ import annotations

import copy as copying
import itertools
import operator
import os
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Hashable, List, Optional, Tuple

SIZE = int(os.environ.get("TRACKER_CACHE_SIZE", "100"))  # conversations per worker


class TrackerCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._entries: "OrderedDict[str, Tuple[Hashable, Any]]" = OrderedDict()
        self.hits = self.misses = 0

    def take(self, sender_id: str, stamp: Hashable) -> Optional[Any]:
        """The tracker saved with this stamp, removed from the cache; None when the store has
        changed since (or it was never here)."""
        entry = self._entries.pop(sender_id, None)
        if entry is None or entry[0] != stamp:
            self.misses += 1
            return None
        self.hits += 1
        return entry[1]

    def put(self, sender_id: str, stamp: Hashable, tracker: Any) -> None:
        self._entries.pop(sender_id, None)
        if self.size <= 0 or not same_as_stored(tracker):
            return
        self._entries[sender_id] = (stamp, tracker)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)  # the conversation left alone longest


def same_as_stored(tracker: Any) -> bool:
    """True when reading the store would give this tracker's events: the store returns one
    session (the events from its latest SessionStarted on), and a tracker that keeps only its
    last N events no longer holds them all."""
    from rasa.shared.core.events import SessionStarted

    if getattr(tracker, "_max_event_history", None) is not None:
        return False
    return not any(
        isinstance(event, SessionStarted) for index, event in enumerate(tracker.events) if index > 1
    )


# ---- what a kept conversation keeps with it ---------------------------------------------------


@dataclass
class AppliedSoFar:
    """Rasa's applied events of a tracker's first `seen` events."""

    events: List[Any]
    seen: int = 0
    last_seen: Any = None  # the last of them (a tracker only ever appends)
    loop_names: frozenset = frozenset()


@dataclass
class StatesSoFar:
    """Where `Domain.states_for_tracker_history`'s loop stood after `events` (applied ones)."""

    replay: Any  # the tracker rebuilt up to here (Rasa's prior tracker)
    events: List[Any] = field(default_factory=list)
    states: List[Dict[str, Any]] = field(default_factory=list)
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False


def applied_events_continued(original: Callable[[Any], List[Any]]) -> Callable[[Any], List[Any]]:
    """DialogueStateTracker.applied_events that continues where it stopped, for trackers that
    came through the store (Rasa asks for it several times a turn, and walks every event each
    time); any other tracker gets `original`."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        ActiveLoop,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
    )

    def only_appends(event: Any, loop_names: frozenset) -> bool:
        """True when Rasa's `applied_events` just appends this event (trackers.py, 3.6.21)."""
        if isinstance(event, (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted)):
            return False
        if isinstance(event, ActiveLoop):
            return not event.name or event.name in loop_names
        return not (isinstance(event, ActionExecuted) and event.action_name in loop_names)

    def applied_events(self: Any) -> List[Any]:
        memo = getattr(self, "derived_memo", None)
        if memo is None or self._max_event_history is not None:
            return original(self)
        events, at = self.events, memo.get("applied")
        if (
            at is not None
            and len(events) >= at.seen
            and (at.seen == 0 or events[at.seen - 1] is at.last_seen)
        ):
            new = list(itertools.islice(events, at.seen, None))
            if all(only_appends(event, at.loop_names) for event in new):
                at.events.extend(new)
            else:
                at = None
        else:
            at = None
        if at is None:  # Rasa's own, over every event
            at = memo["applied"] = AppliedSoFar(
                original(self),
                loop_names=frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name),
            )
        at.seen, at.last_seen = len(events), (events[-1] if events else None)
        return list(at.events)

    applied_events.__doc__ = original.__doc__
    return applied_events


def copy_without_replay(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """DialogueStateTracker.copy, which replays every event into a new tracker (Rasa copies the
    tracker before every action), by copying the state itself, for trackers that came through
    the store: the events, each slot, the active loop and the latest action are copied, the rest
    is shared as replaying shares it (the same event objects). Any other tracker: `original`."""

    def copy(self: Any) -> Any:
        if getattr(self, "derived_memo", None) is None:
            return original(self)
        twin = copying.copy(self)
        del twin.derived_memo  # (the copy gets other events: it keeps nothing derived)
        twin.__dict__.pop("stored_events", None)
        twin.events = deque(self.events, maxlen=self.events.maxlen)
        twin.slots = type(self.slots)((name, copying.copy(slot)) for name, slot in self.slots.items())
        twin.active_loop = copying.copy(self.active_loop)
        twin.latest_action = dict(self.latest_action) if self.latest_action is not None else None
        return twin

    copy.__doc__ = original.__doc__
    return copy


def states_continued(original: Callable[..., List[Dict[str, Any]]]) -> Callable[..., List[Dict[str, Any]]]:
    """Domain.states_for_tracker_history that continues where it stopped, for trackers that came
    through the store; any other tracker (training, tests) gets `original`."""
    from rasa.shared.core.events import ActionExecuted

    def step(
        domain: Any,
        at: StatesSoFar,
        hide_rule_turn: bool,
        omit_unset_slots: bool,
        ignore_rule_only_turns: bool,
        rule_only_data: Optional[Dict[str, Any]],
    ) -> None:
        """The body of the loop in Rasa 3.6.21's Domain.states_for_tracker_history, for one prior tracker."""
        tr = at.replay
        if ignore_rule_only_turns:
            if not at.turn_was_hidden:
                at.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                at.turn_was_hidden = hide_rule_turn
            if at.turn_was_hidden:
                return
        state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if at.states:
                domain._substitute_rule_only_user_input(state, at.states[-1])
            if at.last_ml_action_sub_state:
                state["prev_action"] = at.last_ml_action_sub_state  # PREVIOUS_ACTION
        at.states.append(domain._clean_state(state))

    def states_for_tracker_history(
        self: Any,
        tracker: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: Optional[Dict[str, Any]] = None,
    ) -> List[Dict[str, Any]]:
        memo = getattr(tracker, "derived_memo", None)
        if memo is None or tracker._max_event_history is not None:
            return original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        key = (id(self), omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data))
        applied, at = tracker.applied_events(), memo.get(key)
        if at is None or len(at.events) > len(applied) or not all(map(operator.is_, at.events, applied)):
            at = memo[key] = StatesSoFar(replay=tracker.init_copy())  # (a form dropped earlier events)
        new = applied[len(at.events) :]
        args = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        for event in new:
            if isinstance(event, ActionExecuted):
                step(self, at, event.hide_rule_turn, *args)
            at.replay.update(event)
            at.events.append(event)
        last = StatesSoFar(
            at.replay,
            states=list(at.states),
            turn_was_hidden=at.turn_was_hidden,
            last_ml_action_sub_state=at.last_ml_action_sub_state,
        )
        step(self, last, False, *args)  # the tracker as it is now: not kept, it changes
        # The featurizers edit the states they get (text or intent dropped): copies, so
        # the kept ones stay as computed.
        return [{name: dict(sub) for name, sub in state.items()} for state in last.states]

    states_for_tracker_history.__doc__ = original.__doc__
    return states_for_tracker_history
