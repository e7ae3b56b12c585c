"""How long visitors' data is kept and the consent question that says so (bot/stores/privacy.py)."""

import pytest

from bot.stores import privacy


def test_the_periods_are_the_defaults_unless_set_and_a_wrong_setting_is_refused_by_name():
    assert privacy.retention_days({}) == {"conversations": 90, "unanswered": 90, "requests": 365}
    assert privacy.retention_days({"RETENTION_REQUESTS_DAYS": " 730 ", "RETENTION_UNANSWERED_DAYS": ""}) == {
        "conversations": 90,
        "unanswered": 90,
        "requests": 730,
    }
    for wrong in ("0", "-5", "een week", "1.5"):
        with pytest.raises(ValueError, match=f"RETENTION_CONVERSATIONS_DAYS='{wrong}': verwacht een aantal"):
            privacy.retention_days({"RETENTION_CONVERSATIONS_DAYS": wrong})


@pytest.mark.parametrize(
    "days, said", [(1, "een dag"), (30, "30 dagen"), (365, "een jaar"), (730, "2 jaar"), (400, "400 dagen")]
)
def test_a_period_is_said_in_words(days, said):
    assert privacy.period(days) == said


def test_the_consent_question_names_the_periods_and_the_statement_when_there_is_one():
    env = {"RETENTION_CONVERSATIONS_DAYS": "30", "RETENTION_REQUESTS_DAYS": "730"}
    question = privacy.consent_question(env)
    assert "We bewaren je aanvraag 2 jaar en dit gesprek 30 dagen" in question
    assert "privacyverklaring" not in question
    assert privacy.where_to_read_more(env).startswith("Meer lees je onder 'Privacy en bewaartermijn'")
    env["PRIVACY_URL"] = " https://www.2assistu.nl/privacy "
    assert privacy.consent_question(env).endswith(
        "Meer in onze privacyverklaring: https://www.2assistu.nl/privacy"
    )
    assert (
        privacy.where_to_read_more(env) == "Meer in onze privacyverklaring: https://www.2assistu.nl/privacy"
    )


def test_another_wording_of_the_question_is_another_consent_version():
    first = privacy.consent_question({})
    assert privacy.consent_version(first) == privacy.consent_version(first)
    assert len(privacy.consent_version(first)) == 12
    assert privacy.consent_version(first) != privacy.consent_version(
        privacy.consent_question({"RETENTION_CONVERSATIONS_DAYS": "30"})
    )
