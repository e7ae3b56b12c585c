"""The search over the knowledge file (actions/search.py): how a word matches, which role a
described need fits, and the check for English."""

from actions.actions import ActionRoleAdvice
from tests.helpers import first, run


def test_word_match_grades_a_shared_start_below_the_word_itself():
    from actions.search import PARTIAL, word_match

    assert word_match("personeelsdossier", "personeelsdossier") == 1.0
    assert word_match("teams", "team") == 1.0  # an inflection
    assert word_match("personeelsdossier", "personeel") == PARTIAL  # only the start
    assert word_match("goedemorgen", "beslissing") == 0.0


def test_one_shared_word_is_no_reason_to_recommend_a_role():
    # "druk" is in the secretaresse's competence, but a busy office says nothing about whom to hire
    messages, _ = run(
        ActionRoleAdvice(),
        "we hebben een druk kantoor en zoeken hulp, welke functie raad je ons aan?",
        "hire_advice",
    )
    assert "office manager" in first(messages).lower() and "secretaresse" in first(messages).lower()


def test_the_english_check_never_fires_on_dutch_questions():
    """Every held-out and training question with a Dutch function word is Dutch, however
    many English-looking words it has ("is office manager een hbo functie")."""
    import re

    import yaml

    from actions.search import is_english
    from bot.paths import PROJECT
    from bot.tools import NLU_CASES

    dutch_words = {
        "de",
        "het",
        "een",
        "ik",
        "je",
        "wat",
        "hoe",
        "welke",
        "van",
        "voor",
        "en",
        "ook",
        "niet",
        "bij",
        "wie",
        "waar",
        "jullie",
        "mijn",
        "ze",
        "heeft",
        "doet",
        "moet",
    }
    checked, wrong = 0, []
    for path in [*sorted(NLU_CASES.glob("nlu_*.yml")), *sorted((PROJECT / "data").rglob("*.yml"))]:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", line.strip()[2:])
                if set(re.findall(r"[a-z']+", text.lower())) & dutch_words:
                    checked += 1
                    if is_english(text):
                        wrong.append(text)
    assert checked > 1000 and not wrong, wrong
    assert is_english("does a secretary need a degree?")  # and English is still English
