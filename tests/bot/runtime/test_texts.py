"""What the Rasa server itself says (bot/runtime/texts.py): domain.yml's responses, read by name."""

import pytest
import yaml

from bot.runtime import texts


def test_a_response_is_its_first_variants_text_and_its_quick_replies():
    responses = yaml.safe_load(texts.DOMAIN.read_text(encoding="utf-8"))["responses"]
    assert texts.response_text("utter_no_reply") == responses["utter_no_reply"][0]["text"]
    with_buttons = next(name for name, variants in responses.items() if variants[0].get("buttons"))
    buttons = texts.response_buttons(with_buttons)
    assert [b["title"] for b in buttons] == [b["title"] for b in responses[with_buttons][0]["buttons"]]
    assert all("{{" not in b["payload"] for b in buttons)  # the domain's escaped braces, as sent
    assert texts.response_buttons("utter_no_reply") == ()


def test_a_missing_response_stops_the_server_with_its_name():
    with pytest.raises(SystemExit, match="de response 'utter_bestaat_niet' met een 'text' ontbreekt"):
        texts.response_text("utter_bestaat_niet")
    with pytest.raises(SystemExit, match="utter_bestaat_ook_niet"):
        texts.response_buttons("utter_bestaat_ook_niet")
