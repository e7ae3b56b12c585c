"""The widget in Debian's Chromium, as a visitor uses it: what they see, by mouse and keyboard."""

import json
import re
from pathlib import Path

import pytest
import requests
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.assistant

PROJECT = Path(__file__).resolve().parents[2]
GREETING = "Hallo! Ik ben de digitale assistent"
XSS = "<img src=x onerror=alert(1)>"
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE_RESULTS = {}


def history(visitor):
    response = requests.get(
        visitor.assistant.chat + "api/history",
        headers={"Authorization": f"Bearer {visitor.token()}"},
        timeout=30,
    )
    assert response.status_code == 200
    return response.json()["messages"]


def no_harm(visitor):
    assert visitor.dialogs == [], visitor.dialogs
    assert visitor.errors == [], visitor.errors
    assert visitor.page.locator("#rol-advies-chat img").count() == 0
    assert visitor.page.locator("img").count() == 0


def test_ask_a_question_on_the_demo_page(visitor):
    visitor.goto()
    expect(visitor.page).to_have_title(re.compile("2ASSISTU"))
    expect(visitor.launcher).to_have_attribute("aria-expanded", "false")
    visitor.open()
    expect(visitor.log).to_have_attribute("aria-live", "polite")
    expect(visitor.bubbles("bot")).to_have_count(1)
    expect(visitor.bubbles("bot").first).to_contain_text(GREETING)
    expect(visitor.input).to_be_focused()

    answer = visitor.ask("wat doet een office manager?")
    assert "kantoor" in " ".join(answer).lower(), answer
    assert visitor.texts("user") == ["wat doet een office manager?"]
    expect(visitor.bubbles("bot").nth(1)).to_contain_text("•")  # bullet lines kept as lines
    assert visitor.bubbles("bot").nth(1).evaluate("e => getComputedStyle(e).whiteSpace") == "pre-line"
    # everything came from the chat server itself, and the page's CSS did not reach the widget
    origin = visitor.assistant.chat.split("/chat/")[0]
    assert all(
        url.startswith(origin) or url.startswith("data:") for url in visitor.requests
    ), visitor.requests
    # (demo.css styles every button hot pink at 40 px; the widget's buttons do not notice)
    style = visitor.launcher.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).fontSize]"
    )
    assert style[0] != "rgb(255, 105, 180)" and style[1] == "16px", style
    no_harm(visitor)


def test_the_privacy_line_links_to_what_is_kept_how_long_and_why(visitor):
    visitor.goto().open()
    line = visitor.page.locator("#rol-advies-chat .privacy")
    expect(line).to_be_visible()
    expect(line).to_contain_text("We bewaren dit gesprek om je te kunnen helpen.")
    link = line.get_by_role("link", name="Privacy en bewaartermijn")
    expect(link).to_have_attribute("href", visitor.assistant.chat + "privacy")
    with visitor.context.expect_page() as opened:
        link.click()
    statement = opened.value
    expect(statement.locator("h1")).to_have_text("Privacy van de chatassistent")
    expect(statement.locator("main")).to_contain_text(
        "Gesprekken 90 dagen, onbeantwoorde vragen 90 dagen, " "aanvragen een jaar"
    )
    statement.close()
    no_harm(visitor)


def test_quick_replies_send_their_payload_and_show_their_title(visitor):
    visitor.goto().open()
    replies = visitor.page.get_by_role("group", name="Snelle antwoorden")
    expect(replies.get_by_role("button")).to_have_count(3)
    before = visitor.bubbles("bot").count()
    replies.get_by_role("button", name="Vacature doorgeven").click()
    answer = visitor.wait_for_answer(before)
    assert "Fijn dat je iemand zoekt!" in " ".join(answer), answer
    assert visitor.texts("user") == ["Vacature doorgeven"]
    expect(visitor.page.get_by_text("/hire_request")).to_have_count(0)
    # the used quick replies are gone; the conversation goes on by typing
    expect(visitor.page.get_by_role("button", name="Wat is het verschil?")).to_have_count(0)
    expect(visitor.input).to_be_focused()


def test_after_a_reload_the_same_conversation_comes_back(visitor):
    visitor.goto().open()
    visitor.ask("wat doet een office manager?")
    visitor.ask("en een secretaresse?")
    token = visitor.token()
    seen = visitor.texts()
    assert len(seen) >= 5
    visitor.page.reload()
    visitor.launcher.wait_for()
    visitor.open()
    expect(visitor.bubbles()).to_have_count(len(seen))
    assert visitor.texts() == seen
    assert visitor.token().split(".")[0] == token.split(".")[0]  # same session
    assert sum(GREETING in text for text in visitor.texts()) == 1  # one opening message
    # and the conversation goes on with its context
    answer = visitor.ask("welke opleiding is daarvoor nodig?")
    assert "secretaresse" in " ".join(answer).lower()


def test_html_in_user_and_bot_text_stays_text(visitor):
    def add_bot_text(route):
        response = route.fetch()
        data = response.json()
        data["messages"].append(
            {
                "from": "bot",
                "text": f"{XSS}\n<script>alert(2)</script> [klik](javascript:alert(3)) javascript:alert(4)"
                " data:text/html,<b>x</b> http://example.com\nMail mailto:info@example.nl, bel"
                " tel:+31201234567 of kijk op https://example.com/vacatures.",
                "buttons": [{"title": XSS, "payload": "/greet"}],
            }
        )
        route.fulfill(response=response, body=json.dumps(data))

    visitor.goto().open()
    visitor.page.route("**/chat/api/message", add_bot_text)
    visitor.ask(XSS)
    expect(visitor.bubbles("user")).to_have_text([re.compile(re.escape(XSS))])
    bot = visitor.bubbles("bot").last
    expect(bot).to_contain_text(XSS)
    expect(bot).to_contain_text("<script>alert(2)</script>")
    expect(visitor.page.get_by_role("button", name=XSS)).to_be_visible()
    visitor.page.wait_for_timeout(300)
    no_harm(visitor)
    assert visitor.page.locator("#rol-advies-chat script, #rol-advies-chat b").count() == 0

    # only https:, mailto: and tel: become links, each with rel="noopener noreferrer"
    links = bot.get_by_role("link")
    expect(links).to_have_count(3)
    hrefs = [links.nth(i).get_attribute("href") for i in range(3)]
    assert hrefs == ["mailto:info@example.nl", "tel:+31201234567", "https://example.com/vacatures"]
    for i in range(3):
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
    # (in the messages: the privacy line's own link is plain http on this test server)
    assert (
        visitor.page.locator(
            "#rol-advies-chat .log a[href^='javascript'], #rol-advies-chat .log a[href^='data'],"
            " #rol-advies-chat .log a[href^='http:']"
        ).count()
        == 0
    )
    # a javascript: "link" is plain text: clicking it does nothing
    bot.get_by_text("javascript:alert(4)").click()
    visitor.page.wait_for_timeout(300)
    no_harm(visitor)

    # and after a reload the stored user text is still only text
    visitor.page.unroute("**/chat/api/message")
    visitor.page.reload()
    visitor.open()
    expect(visitor.bubbles("user").first).to_contain_text(XSS)
    visitor.page.wait_for_timeout(300)
    no_harm(visitor)


def test_html_in_the_history_stays_text(visitor):
    """The history path renders bot text the same safe way."""
    visitor.goto().open()

    def poisoned(route):
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {
                    "messages": [
                        {
                            "from": "bot",
                            "text": XSS + " <a href='javascript:alert(5)'>x</a>",
                            "buttons": [{"title": "<b>knop</b>", "payload": "/greet"}],
                        }
                    ]
                }
            ),
        )

    visitor.page.route("**/chat/api/history", poisoned)
    visitor.page.reload()
    visitor.open()
    expect(visitor.bubbles("bot").first).to_contain_text(XSS)
    expect(visitor.page.get_by_role("button", name="<b>knop</b>")).to_be_visible()
    visitor.page.wait_for_timeout(300)
    no_harm(visitor)
    assert visitor.page.locator("#rol-advies-chat .log a").count() == 0  # the privacy line's is the only link
    assert visitor.page.locator("#rol-advies-chat a").count() == 1


def test_offline_keeps_the_text_and_retry_sends_it_once(visitor):
    visitor.goto().open()
    visitor.context.set_offline(True)
    visitor.input.fill("wat doet een secretaresse?")
    visitor.input.press("Enter")
    expect(visitor.alert).to_contain_text("Geen verbinding")
    expect(visitor.input).to_have_value("wat doet een secretaresse?")
    expect(visitor.bubbles("user")).to_have_count(0)
    expect(visitor.page.get_by_role("group", name="Snelle antwoorden")).to_be_visible()  # not lost
    retry = visitor.page.get_by_role("button", name="Opnieuw versturen")
    expect(retry).to_be_visible()

    visitor.context.set_offline(False)
    before = visitor.bubbles("bot").count()
    retry.click()
    answer = visitor.wait_for_answer(before)
    assert "telefoon" in " ".join(answer).lower()
    expect(visitor.page.locator("#rol-advies-chat .error")).to_be_hidden()
    expect(visitor.input).to_have_value("")
    assert visitor.texts("user") == ["wat doet een secretaresse?"]
    assert [m["text"] for m in history(visitor) if m["from"] == "user"] == ["wat doet een secretaresse?"]


def test_a_retry_after_a_lost_answer_is_not_handled_twice(visitor):
    """The message reached the server but the answer never reached the browser."""
    visitor.goto().open()
    lost = []

    def lose_the_answer(route):
        if not lost:
            lost.append(route.fetch().json())  # the server handles it...
            route.abort("connectionreset")  # ...and the browser sees an error
        else:
            route.continue_()

    visitor.page.route("**/chat/api/message", lose_the_answer)
    visitor.input.fill("wat doet een office manager?")
    visitor.input.press("Enter")
    expect(visitor.alert).to_contain_text("Geen verbinding")
    assert lost and "kantoor" in lost[0]["messages"][0]["text"].lower()
    before = visitor.bubbles("bot").count()
    visitor.input.press("Enter")  # sending the kept text again is the same message
    visitor.wait_for_answer(before)
    assert visitor.texts("user") == ["wat doet een office manager?"]
    messages = history(visitor)
    assert [m["text"] for m in messages if m["from"] == "user"] == ["wat doet een office manager?"]
    assert sum("kantoor" in m["text"].lower() for m in messages if m["from"] == "bot") == 1


def test_a_server_error_is_shown_in_dutch(visitor):
    visitor.goto().open()
    visitor.page.route(
        "**/chat/api/message",
        lambda route: route.fulfill(status=500, content_type="application/json", body='{"error": "server"}'),
    )
    visitor.input.fill("wat doet een office manager?")
    visitor.input.press("Enter")
    expect(visitor.alert).to_contain_text("Er ging iets mis")
    expect(visitor.input).to_have_value("wat doet een office manager?")
    visitor.page.unroute("**/chat/api/message")
    before = visitor.bubbles("bot").count()
    visitor.page.get_by_role("button", name="Opnieuw versturen").click()
    visitor.wait_for_answer(before)
    assert visitor.texts("user") == ["wat doet een office manager?"]


def test_keyboard_only_open_send_and_close(visitor):
    page = visitor.goto().page
    for _ in range(30):
        page.keyboard.press("Tab")
        if visitor.focused() == "launcher":
            break
    assert visitor.focused() == "launcher"
    page.keyboard.press("Enter")
    expect(visitor.launcher).to_have_attribute("aria-expanded", "true")
    expect(visitor.bubbles("bot").first).to_contain_text(GREETING, timeout=60_000)
    expect(visitor.input).to_be_focused()

    # a quick reply with Space (Shift+Tab from the input reaches the last one)
    page.keyboard.press("Shift+Tab")
    assert visitor.focused() == "reply"
    before = visitor.bubbles("bot").count()
    page.keyboard.press("Space")
    visitor.wait_for_answer(before)
    assert visitor.texts("user") == ["Wat is het verschil?"]

    # typing and Enter
    expect(visitor.input).to_be_focused()
    before = visitor.bubbles("bot").count()
    page.keyboard.type("wat doet een office manager?")
    page.keyboard.press("Enter")
    visitor.wait_for_answer(before)

    # Esc closes and gives focus back to the launcher
    page.keyboard.press("Escape")
    expect(visitor.launcher).to_have_attribute("aria-expanded", "false")
    expect(visitor.page.get_by_role("log")).to_be_hidden()
    assert visitor.focused() == "launcher"
    # open again with Space: the conversation is still there; the close button works by keyboard
    page.keyboard.press("Space")
    expect(visitor.launcher).to_have_attribute("aria-expanded", "true")
    assert visitor.texts("user") == ["Wat is het verschil?", "wat doet een office manager?"]
    page.get_by_role("button", name="Chat sluiten").focus()
    page.keyboard.press("Enter")
    expect(visitor.launcher).to_have_attribute("aria-expanded", "false")
    assert visitor.focused() == "launcher"


def test_a_quick_reply_works_with_enter(visitor):
    visitor.goto().open()
    button = visitor.page.get_by_role("button", name="Wat is het verschil?")
    button.focus()
    before = visitor.bubbles("bot").count()
    visitor.page.keyboard.press("Enter")
    answer = visitor.wait_for_answer(before)
    assert "Het verschil tussen een office manager en een secretaresse" in " ".join(answer)
    assert visitor.texts("user") == ["Wat is het verschil?"]


def test_typing_indicator_and_unread_badge(visitor):
    visitor.goto().open()
    held = []
    visitor.page.route("**/chat/api/message", lambda route: held.append(route))
    visitor.input.fill("wat doet een secretaresse?")
    visitor.input.press("Enter")
    typing = visitor.page.get_by_role("status")
    expect(typing).to_have_text("De assistent typt…")
    expect(typing).to_be_visible()
    visitor.page.keyboard.press("Escape")  # close while the assistant is typing
    expect(visitor.launcher).to_have_attribute("aria-expanded", "false")
    badge = visitor.page.locator("#rol-advies-chat .badge")
    expect(badge).to_be_hidden()
    assert held
    held[0].continue_()
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("1")
    expect(visitor.launcher).to_have_accessible_name(re.compile(r"[Cc]hat.*1 nieuw bericht"))
    visitor.open()
    expect(badge).to_be_hidden()
    expect(visitor.page.locator("#rol-advies-chat .typing")).to_be_hidden()
    expect(visitor.bubbles("bot").last).to_contain_text("telefoon")


def test_a_forged_token_in_the_browser_starts_a_new_conversation(visitor, api):
    # someone else's conversation, and a token with their session id but not our signature
    other = api.session().json()
    api.message(other["token"], "wat doet een secretaresse?", "a" * 32)
    visitor.goto().open()
    sid, exp, sig = other["token"].split(".")
    visitor.page.evaluate(
        "t => { for (const k of Object.keys(localStorage)) if (k.startsWith('rol-advies-chat:'))"
        " localStorage.setItem(k, t); }",
        f"{sid}.{exp}.{'0' * 64}",
    )
    statuses = []
    visitor.page.on("response", lambda r: statuses.append(r.status) if "/api/history" in r.url else None)
    visitor.page.reload()
    visitor.open()
    assert 401 in statuses
    expect(visitor.bubbles("bot").first).to_contain_text("verlopen")
    expect(visitor.bubbles("bot").nth(1)).to_contain_text(GREETING)
    assert visitor.texts("user") == []
    assert visitor.token().split(".")[0] != sid


def test_usable_at_320_px(new_visitor):
    visitor = new_visitor(viewport={"width": 320, "height": 640})
    visitor.goto().open()
    panel = visitor.page.locator("#rol-advies-chat .panel").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 320
    visitor.ask("wat is het verschil in opleiding tussen een office manager en een secretaresse?")
    fits(visitor, 320, 640)
    visitor.page.get_by_role("button", name="Chat sluiten").click()
    expect(visitor.launcher).to_be_in_viewport()


def test_usable_at_200_percent_zoom(new_visitor):
    # A 1280x720 window at 200 % zoom lays out as 640x360 CSS pixels, twice as large.
    visitor = new_visitor(viewport={"width": 640, "height": 360}, device_scale_factor=2)
    visitor.goto().open()
    visitor.ask("wat doet een office manager?")
    fits(visitor, 640, 360)


def fits(visitor, width, height):
    for target in (
        visitor.input,
        visitor.page.get_by_role("button", name="Versturen"),
        visitor.page.get_by_role("button", name="Chat sluiten"),
    ):
        box = target.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, box
    log = visitor.log
    assert log.evaluate("e => e.scrollWidth <= e.clientWidth"), "the log scrolls sideways"
    for i in range(visitor.bubbles().count()):
        box = visitor.bubbles().nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width


def test_embedded_on_an_allowed_site_with_one_script_tag(visitor, site):
    visitor.goto(site.url("127.0.0.1"))
    visitor.open()
    answer = visitor.ask("wat doet een secretaresse?")
    assert "telefoon" in " ".join(answer).lower()
    no_harm(visitor)


def test_a_site_that_is_not_allowed_gets_no_chat(visitor, site):
    visitor.goto(site.url("localhost"))
    visitor.launcher.click()
    expect(visitor.alert).to_contain_text("De chat kon niet starten")
    expect(visitor.bubbles()).to_have_count(0)


def test_a_contact_answer_links_the_phone_number_the_e_mail_address_and_the_contact_page(visitor):
    details = yaml.safe_load((PROJECT / "knowledge" / "knowledge.yml").read_text(encoding="utf-8"))["agency"][
        "contact_details"
    ]
    visitor.goto().open()
    answer = visitor.ask("hoe kan ik contact met jullie opnemen?")
    assert details["hours"] in " ".join(answer), answer
    bubble = visitor.bubbles("bot").last
    phone = bubble.get_by_role("link", name=details["phone"])
    expect(phone).to_have_attribute("href", "tel:" + re.sub(r"[^0-9+]", "", details["phone"]))
    expect(bubble.get_by_role("link", name=details["email"])).to_have_attribute(
        "href", "mailto:" + details["email"]
    )
    page = bubble.get_by_role("link", name=details["url"])
    expect(page).to_have_attribute("href", details["url"])
    expect(page).to_have_attribute("target", "_blank")
    for link in bubble.get_by_role("link").all():
        assert link.get_attribute("rel") == "noopener noreferrer"
    expect(bubble.get_by_role("link")).to_have_count(3)
    axe_finds_nothing(visitor, "contact links")
    no_harm(visitor)


def axe_finds_nothing(visitor, state):
    result = AXE_RESULTS[state] = Axe().run(visitor.page, options=WCAG)
    assert result.violations_count == 0, f"{state}:\n{result.generate_report()}"


@pytest.mark.parametrize(
    "audience, first, answer",
    [
        ("werkgever", "Vacature doorgeven", "Fijn dat je iemand zoekt!"),
        ("kandidaat", "Welke functie past bij mij?", "Vijf korte vragen"),
    ],
)
def test_the_opening_follows_the_audience_of_the_page(new_visitor, site, audience, first, answer):
    visitor = new_visitor().goto(site.url() + "?audience=" + audience).open()  # data-audience="..."
    expect(visitor.bubbles("bot")).to_have_count(1)
    expect(visitor.bubbles("bot").first).to_contain_text(GREETING)
    replies = visitor.page.get_by_role("group", name="Snelle antwoorden").get_by_role("button")
    expect(replies.first).to_have_text(first)  # the page's main goal comes first
    others = {"werkgever": "Welke functie past bij mij?", "kandidaat": "Vacature doorgeven"}
    expect(visitor.page.get_by_role("button", name=others[audience])).to_have_count(0)
    axe_finds_nothing(visitor, f"opening for {audience}s")
    before = visitor.bubbles("bot").count()
    replies.first.click()
    assert answer in " ".join(visitor.wait_for_answer(before))
    no_harm(visitor)


def test_axe_finds_no_wcag_a_or_aa_violations(visitor):
    axe = Axe()
    visitor.goto()
    AXE_RESULTS["closed"] = axe.run(visitor.page, options=WCAG)
    visitor.open()
    AXE_RESULTS["open"] = axe.run(visitor.page, options=WCAG)
    # axe really looks inside the widget's shadow root (its targets there are nested lists)
    passes = axe.run(visitor.page, options=dict(WCAG, resultTypes=["passes"])).response["passes"]
    checked = {
        rule["id"]
        for rule in passes
        for node in rule["nodes"]
        if isinstance(node["target"][0], list) and node["target"][0][0] == "#rol-advies-chat"
    }
    assert {"button-name", "label", "color-contrast", "aria-allowed-attr"} <= checked, checked
    visitor.ask("wat doet een office manager?")
    AXE_RESULTS["conversation"] = axe.run(visitor.page, options=WCAG)
    visitor.page.route(
        "**/chat/api/message",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {
                    "messages": [
                        {
                            "from": "bot",
                            "text": "Kies maar:",
                            "buttons": [
                                {"title": "Wat doet een office manager?", "payload": "/greet"},
                                {"title": "Wat is het verschil?", "payload": "/greet"},
                            ],
                        }
                    ]
                }
            ),
        ),
    )
    visitor.ask("knoppen")
    expect(visitor.page.get_by_role("group", name="Snelle antwoorden")).to_be_visible()
    AXE_RESULTS["buttons"] = axe.run(visitor.page, options=WCAG)
    visitor.page.unroute("**/chat/api/message")
    visitor.context.set_offline(True)
    visitor.input.fill("wat doet een secretaresse?")
    visitor.input.press("Enter")
    expect(visitor.alert).to_contain_text("Geen verbinding")
    AXE_RESULTS["error"] = axe.run(visitor.page, options=WCAG)
    visitor.context.set_offline(False)

    report = {state: result.violations_count for state, result in AXE_RESULTS.items()}
    print("axe WCAG 2.1 A/AA violations per state:", report)
    for state, result in AXE_RESULTS.items():
        assert result.violations_count == 0, f"{state}:\n{result.generate_report()}"


def test_screenshot_for_the_readme(visitor):
    """docs/widget.png in the README is made here, by the test run."""
    visitor.page.set_viewport_size({"width": 900, "height": 700})
    visitor.goto().open()
    visitor.ask("wat is het verschil in opleiding?")
    visitor.page.mouse.move(0, 0)
    visitor.input.evaluate("e => e.blur()")
    target = PROJECT / "docs" / "widget.png"
    target.parent.mkdir(exist_ok=True)
    visitor.page.screenshot(path=str(target), clip={"x": 420, "y": 0, "width": 480, "height": 700})
    assert target.stat().st_size < 200_000
