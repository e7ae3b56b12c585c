"""The widget on a phone (375 x 740) in Debian's Chromium: a heading of an answer is a bold
heading, and no message of the assistant is taller than the visible chat without "Meer lezen".

A long answer shows its short form first (whole lines, a fading last line) with a real
<button> "Meer lezen" under it (aria-expanded, aria-controls); tapping it shows the whole text
in place and the button then reads "Minder". The heading is the line of the answer that has a
line "---" under it (actions/knowledge.py, titled); the widget shows it as an <h3>.
"""

import base64
import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.assistant

PROJECT = Path(__file__).resolve().parents[2]
PHONE = {"width": 375, "height": 740}
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
XSS = "<img src=x onerror=alert(1)>"

# What each message of the assistant looks like, from the page: its height against the chat's.
MESSAGES = """() => {
  const root = document.getElementById('rol-advies-chat').shadowRoot;
  const log = root.querySelector('.log');
  return [...root.querySelectorAll('.msg-bot')].map(row => {
    const body = row.querySelector('.body'), more = row.querySelector('.more');
    return {
      text: body.textContent.slice(0, 60),
      height: row.getBoundingClientRect().height,
      area: log.clientHeight,
      clipped: body.scrollHeight > body.clientHeight + 1,
      control: !!more && !more.hidden && more.getBoundingClientRect().height > 0,
      expanded: more ? more.getAttribute('aria-expanded') : null,
    };
  });
}"""


@pytest.fixture
def phone(new_visitor):
    return new_visitor(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


def no_harm(visitor):
    assert visitor.dialogs == [], visitor.dialogs
    assert visitor.errors == [], visitor.errors
    assert visitor.page.locator("img").count() == 0


def axe_finds_nothing(visitor, state):
    result = Axe().run(visitor.page, options=WCAG)
    assert result.violations_count == 0, f"{state}:\n{result.generate_report()}"


def every_message_fits(visitor):
    """No message of the assistant is taller than the visible chat unless it has "Meer lezen"
    and is folded to fit; none hides text without that button. Returns the messages."""
    messages = visitor.page.evaluate(MESSAGES)
    for m in messages:
        if m["expanded"] == "true" and m["control"]:
            continue  # opened by the visitor: as long as it is
        assert m["height"] <= m["area"], f"taller than the chat ({m['area']} px) without Meer lezen: {m}"
        assert m["clipped"] == m["control"], f"text hidden without a Meer lezen, or a needless one: {m}"
        if m["control"]:
            assert m["expanded"] == "false", m
    return messages


def more_buttons(visitor):
    return visitor.page.locator("#rol-advies-chat .msg-bot .more:visible")


def folded_rows(visitor):
    return visitor.page.locator("#rol-advies-chat .msg-bot").filter(has=visitor.page.locator(".more:visible"))


def opens_and_closes(visitor, row):
    """Tapping "Meer lezen" shows the whole text in place; "Minder" folds it again."""
    button, body = row.locator(".more"), row.locator(".body")
    expect(button).to_have_text("Meer lezen")
    expect(button).to_have_attribute("aria-expanded", "false")
    assert button.get_attribute("aria-controls") == body.get_attribute("id")
    full = body.evaluate("e => e.textContent")
    button.tap()
    expect(button).to_have_text("Minder")
    expect(button).to_have_attribute("aria-expanded", "true")
    # the whole text, nothing cut off
    whole = (
        "e => e.scrollHeight <= e.clientHeight + 1"
        " && getComputedStyle(e).maxHeight === 'none' && getComputedStyle(e).overflow === 'visible'"
    )
    assert body.evaluate(whole)
    assert body.evaluate("e => e.textContent") == full
    button.scroll_into_view_if_needed()
    button.tap()
    expect(button).to_have_text("Meer lezen")
    expect(button).to_have_attribute("aria-expanded", "false")
    assert body.evaluate("e => e.scrollHeight > e.clientHeight")


# Every kind of long answer: a role's topic, the difference, a whole section after "Meer over ...",
# advice to an employer, the way from one role to the other, and a short answer that stays whole.
# (question, the quick reply to tap then, the start of the last answer, folded: True it must be,
# False it must not, None either way as long as it fits). At 375 x 740 the chat shows 585 px: the
# tasks (742 px, 557 px) and the competences of a secretaresse (557 px) fold; what a role does
# (441 px, 464 px) fits as it is.
MEER_OVER = re.compile(r"^(Meer over|Alle) ")
CASES = {
    "topic: wat doet een office manager": (
        "wat doet een office manager?",
        None,
        "Wat doet een office manager?",
        None,
    ),
    "topic: wat doet een secretaresse": (
        "wat doet een secretaresse?",
        None,
        "Wat doet een secretaresse?",
        None,
    ),
    "topic: all tasks": (
        "wat zijn de taken van een office manager?",
        None,
        "De taken van een office manager",
        True,
    ),
    "topic: competences": (
        "welke competenties heeft een secretaresse nodig?",
        None,
        "Competenties van een secretaresse",
        True,
    ),
    "difference": (
        "verschil tussen office manager en secretaresse",
        None,
        "Het verschil tussen een office manager en een secretaresse",
        None,
    ),
    "whole section after Meer over": (
        "maakt de secretaresse de notulen?",
        MEER_OVER,
        "De taken van een secretaresse",
        True,
    ),
    "employer advice": ("ik ben werkgever, ik zoek iemand voor de agenda en de post", None, "", None),
    "growth": ("kan ik doorgroeien van secretaresse naar office manager?", None, "", None),
    "education (short)": (
        "welke opleiding heeft een secretaresse nodig?",
        None,
        "Opleiding en ervaring van een secretaresse",
        False,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_no_message_is_taller_than_the_chat_without_meer_lezen(phone, case):
    question, button, start, folds = CASES[case]
    phone.goto().open()
    answer = phone.ask(question)
    if button:  # the quick reply to the whole section ("Alle taken van een secretaresse")
        before = phone.bubbles("bot").count()
        replies = phone.page.get_by_role("group", name="Snelle antwoorden")
        replies.get_by_role("button", name=button).first.tap()
        answer = phone.wait_for_answer(before)
    assert answer[-1].startswith(start), answer
    if case == "employer advice":
        assert "secretaresse" in answer[0] and "agenda" in answer[0].lower(), answer
    if case == "growth":
        heading = phone.bubbles("bot").get_by_role("heading", name="Van secretaresse naar office manager")
        expect(heading).to_be_visible()
    panel = phone.page.locator("#rol-advies-chat .panel").bounding_box()
    assert panel["width"] == PHONE["width"] and panel["height"] == PHONE["height"]  # the chat fills the phone
    messages = every_message_fits(phone)
    folded = [m for m in messages if m["control"]]
    if folds is not None:
        assert bool(folded) == folds, f"{case}: folded {folded}, expected {folds}: {messages}"
    if folded:
        opens_and_closes(phone, folded_rows(phone).last)
        every_message_fits(phone)
    no_harm(phone)


def test_headings_are_bold_headings(phone):
    phone.goto().open()
    phone.ask("welke opleiding heeft een secretaresse nodig?")
    bubble = phone.bubbles("bot").last
    heading = bubble.get_by_role("heading", name="Opleiding en ervaring van een secretaresse", level=3)
    expect(heading).to_be_visible()
    assert int(heading.evaluate("e => getComputedStyle(e).fontWeight")) >= 600
    # the same size and rhythm as the text, on a line of its own; the marking line is not shown
    style = heading.evaluate("e => [getComputedStyle(e).fontSize, getComputedStyle(e).display]")
    assert style == ["16px", "block"], style
    expect(bubble).not_to_contain_text("---")
    text = phone.texts("bot")[-1]
    assert text.startswith("Opleiding en ervaring van een secretaresse\nVoor een baan als secretaresse"), text

    phone.ask("en wat is het verschil?")
    heading = phone.bubbles("bot").last.get_by_role("heading", level=3)
    expect(heading).to_have_text(re.compile("^Het verschil"))
    assert int(heading.evaluate("e => getComputedStyle(e).fontWeight")) >= 600
    axe_finds_nothing(phone, "answers with headings")
    no_harm(phone)


def test_meer_lezen_works_with_the_keyboard_and_says_what_it_opens(phone):
    page = phone.goto().open().page
    phone.ask("wat zijn de taken van een office manager?")
    more = more_buttons(phone).last
    expect(more).to_be_visible()
    # its description is the answer's heading: "Meer lezen, De taken van een office manager"
    expect(more).to_have_accessible_description("De taken van een office manager")
    more.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(more).to_have_text("Minder")
    expect(more).to_be_focused()
    page.keyboard.press("Space")
    expect(more).to_have_attribute("aria-expanded", "false")
    # Tab from the input backwards reaches it (after the quick replies, if any)
    phone.input.focus()
    for _ in range(8):
        page.keyboard.press("Shift+Tab")
        if phone.focused() == "more":
            break
    assert phone.focused() == "more"


def test_axe_finds_nothing_on_a_folded_and_an_opened_answer(phone):
    phone.goto().open()
    axe_finds_nothing(phone, "phone, open")
    phone.ask("wat zijn de taken van een office manager?")
    more = more_buttons(phone).last
    expect(more).to_be_visible()
    axe_finds_nothing(phone, "phone, folded answer")
    more.tap()
    expect(more).to_have_attribute("aria-expanded", "true")
    axe_finds_nothing(phone, "phone, opened answer")


def test_after_a_reload_a_long_answer_is_folded_again(phone):
    phone.goto().open()
    phone.ask("wat zijn de taken van een secretaresse?")
    expect(more_buttons(phone)).to_have_count(1)
    seen = phone.texts()
    phone.page.reload()
    phone.open()
    expect(phone.bubbles()).to_have_count(len(seen))
    assert phone.texts() == seen
    expect(more_buttons(phone)).to_have_count(1)
    every_message_fits(phone)


def test_the_heading_mark_makes_no_html(phone):
    """Only a line with "---" under it becomes a heading, as text; everything else stays text."""

    def add_bot_text(route):
        response = route.fetch()
        data = response.json()
        data["messages"].append(
            {
                "from": "bot",
                "text": f"{XSS}\n---\n<script>alert(2)</script> **vet**\n"
                "<b>x</b>\n----\n• geen kop\n---\n---",
            }
        )
        route.fulfill(response=response, body=json.dumps(data))

    phone.goto().open()
    phone.page.route("**/chat/api/message", add_bot_text)
    phone.ask("hallo")
    bubble = phone.bubbles("bot").last
    headings = bubble.locator(".heading")
    expect(headings).to_have_text([XSS, "<b>x</b>"])
    expect(bubble).to_contain_text("<script>alert(2)</script> **vet**")
    expect(bubble).to_contain_text("• geen kop")  # a bullet is never a heading
    phone.page.wait_for_timeout(300)
    no_harm(phone)
    assert phone.page.locator("#rol-advies-chat :is(script, b, strong)").count() == 0


def test_screenshot_of_a_folded_and_an_opened_answer(phone, new_visitor):
    """docs/phone-meer-lezen.png: the same answer folded and opened, side by side, at 375 x 740."""
    phone.goto().open()
    phone.ask("wat zijn de taken van een office manager?")
    more = more_buttons(phone).last
    expect(more).to_be_visible()
    phone.input.evaluate("e => e.blur()")
    folded = phone.page.screenshot(scale="css")
    more.click()  # (a tap leaves Chromium's tap highlight in the picture)
    expect(more).to_have_attribute("aria-expanded", "true")
    more.evaluate("e => e.scrollIntoView({block: 'end'})")  # the end of the answer and "Minder"
    more.evaluate("e => e.blur()")
    phone.page.mouse.move(0, 0)
    opened = phone.page.screenshot(scale="css")

    sheet = new_visitor(viewport={"width": 2 * PHONE["width"] + 16, "height": PHONE["height"] + 32})
    pictures = "".join(
        f'<figure><img src="data:image/png;base64,{base64.b64encode(shot).decode()}" alt="">'
        f"<figcaption>{caption}</figcaption></figure>"
        for shot, caption in ((folded, "Eerst de korte vorm"), (opened, "Na “Meer lezen”"))
    )
    sheet.page.set_content(
        '<!doctype html><html lang="nl"><meta charset="utf-8"><style>body{margin:0;display:flex;gap:16px;'
        "background:#fff;font:14px system-ui,sans-serif}figure{margin:0}img{display:block;width:375px;"
        "height:740px}figcaption{height:32px;line-height:32px;text-align:center}</style>" + pictures
    )
    target = PROJECT / "docs" / "phone-meer-lezen.png"
    target.parent.mkdir(exist_ok=True)
    sheet.page.screenshot(path=str(target), full_page=True)
    assert 10_000 < target.stat().st_size < 400_000
