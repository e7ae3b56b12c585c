"""bot/tools/fuzz.py without servers: what it draws, and what it finds in the Rasa log."""

import random

from bot.components.turn_guard import LOOP_LOGGED
from bot.tools import fuzz


def test_the_same_seed_draws_the_same_conversations_from_every_source():
    material = fuzz.Material.load()
    assert all(material.sources.values()) and material.starters
    assert "/restart" in material.sources["noise"] and "/affirm" in material.sources["payload"]
    assert not any("](" in text for text in material.sources["example"])  # entity markup removed
    first = [fuzz.conversation(material, random.Random(7)) for _ in range(3)]
    assert first == [fuzz.conversation(material, random.Random(7)) for _ in range(3)]
    assert (
        fuzz.without_entities('ik zoek een [OM]{"entity": "role"} of [secretaresse](role)')
        == "ik zoek een OM of secretaresse"
    )


def test_the_log_names_conversations_that_looped_or_tripped_the_breaker(tmp_path):
    log = tmp_path / "rasa.log"
    log.write_text(
        "\n".join(
            [
                "old line: Circuit breaker tripped. Stopped predicting more actions for sender 'fuzz-1-old'.",
                "WARNING rasa.core.processor - Circuit breaker tripped. "
                "Stopped predicting more actions for sender 'fuzz-1-aa'.",
                "WARNING bot.components.turn_guard - " + LOOP_LOGGED % ("fuzz-1-bb", "action_x, action_x"),
                "WARNING bot.components.turn_guard - " + LOOP_LOGGED % ("someone-else", "action_x, action_x"),
            ]
        )
    )
    report = fuzz.Report(transcripts={"fuzz-1-aa": [("hoi", "...")]})
    fuzz.read_log(report, log, since=len(log.read_text().splitlines()[0]) + 1)
    assert [(f.kind, f.sender) for f in report.findings] == [
        ("circuit breaker", "fuzz-1-aa"),
        ("loop", "fuzz-1-bb"),
    ]
    assert report.findings[0].transcript == [("hoi", "...")]
