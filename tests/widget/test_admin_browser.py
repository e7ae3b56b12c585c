"""The admin page (/admin/) in Debian's Chromium against the running assistant, on data made by
real conversations through the REST channel and the widget's API: login, rate limit, the four
pages, marking handled, hiding junk, searching conversations, the CSV download for Dutch Excel,
the page asked for after logging in, CSRF, keyboard use and axe. It shares the assistant
and the browser of the widget tests (tests/widget/conftest.py)."""

import csv
import hashlib
import io
import re
import sqlite3
import subprocess
import sys
import uuid
from types import SimpleNamespace
from urllib.parse import quote

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from bot.office import admin_db
from bot.office.admin import ADMIN_CSP, CHART_CSP
from bot.stores import unanswered
from tests import consent
from tests.e2e.assistant import PROJECT
from tests.e2e.test_intake import fill_intake

pytestmark = pytest.mark.assistant

NAME, PASSWORD = "anna", "anna-haar-wachtwoord-2026"
OTHER, OTHER_PASSWORD = "piet", "piet-zijn-wachtwoord-2026"
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
PAGES = [
    "",
    "aanvragen",
    "aanvragen.csv",
    "vragen",
    "gesprekken",
    "gesprek?id=x",
    "grafiek/gesprekken-per-dag.svg",
]


def cli(*args, stdin=None, text=True):
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT,
        capture_output=True,
        timeout=120,
        input=stdin.encode() if stdin else None,
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode() if text else result.stdout


@pytest.fixture(scope="module")
def admin(assistant):
    """Accounts made with `python -m bot admin-user`, and conversations through the REST
    channel: an employer's request, questions the assistant cannot answer, a widget
    conversation with a quick reply."""
    base = f"http://127.0.0.1:{assistant.rasa_port}/admin/"
    assert requests.get(base + "login", timeout=10).status_code == 404  # off: no account yet
    for name, password in ((NAME, PASSWORD), (OTHER, OTHER_PASSWORD)):
        assert "aangemaakt" in cli(
            "admin-user", name, "--password-stdin", "--var-dir", str(assistant.var_dir), stdin=password + "\n"
        )
    assert requests.get(base + "login", timeout=10).status_code == 200  # on, without a restart

    tag = uuid.uuid4().hex[:6]
    employer = f"adm-werkgever-{tag}"
    fill_intake(assistant, employer)
    number = int(re.search(r"nummer (\d+)", assistant.ask(employer, "ja")).group(1))
    asked = {
        f"adm-a-{tag}": [
            "wat doet een office manager",
            "wat verdient een secretaresse?",
            "Wat verdient een secretaresse",
        ],
        f"adm-b-{tag}": ["hoeveel verdient een secretaresse eigenlijk"],
        f"adm-c-{tag}": ["wie wordt er kampioen?", "wat voor weer wordt het morgen?", "asdfgh qwerty"],
        f"adm-d-{tag}": [f"werkt een secretaresse ook in Dalfsen{tag}?"],
    }
    for sender, questions in asked.items():
        for question in questions:
            assert assistant.ask(sender, question)
    session = requests.post(assistant.chat + "api/session", timeout=60).json()
    reply = requests.post(
        assistant.chat + "api/message",
        timeout=60,
        headers={"Authorization": f"Bearer {session['token']}"},
        json={"text": "/ask_difference", "client_id": uuid.uuid4().hex, "display": "Wat is het verschil?"},
    )  # a quick reply of every opening
    assert reply.status_code == 200, reply.text
    return SimpleNamespace(
        base=base,
        var_dir=assistant.var_dir,
        employer=employer,
        number=number,
        asked=list(asked),
        widget_session=session["session_id"],
        tag=tag,
    )


def log_in(page, admin, target="aanvragen", name=NAME, password=PASSWORD):
    page.goto(admin.base + target)
    expect(page).to_have_url(re.compile(r"/admin/login\?volgende="))
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    return page


@pytest.fixture(scope="module")
def desk(browser, admin):
    """One logged-in page of a recruiter."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and errors.append(message.text)
    )
    page.on(
        "response",
        lambda r: r.status >= 400
        and r.request.resource_type != "document"
        and errors.append(f"{r.status} {r.url}"),
    )  # (a page may be a 404 on purpose; its parts not)
    log_in(page, admin)
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanvragen")
    page.errors = errors
    yield page
    assert errors == [], errors  # no CSP violation, no failed load, no script error
    context.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context(locale="nl-NL", viewport={"width": 1100, "height": 900})
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def audit(admin):
    return admin_db.recent(200, admin.var_dir / "admin.db")


# ---- logging in ----------------------------------------------------------------------------------


def test_every_page_without_a_login_redirects_to_the_login(admin, new_page):
    for path in PAGES:
        response = requests.get(admin.base + path, allow_redirects=False, timeout=10)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/admin/login?volgende="), path
    refused = requests.post(
        admin.base + f"aanvragen/{admin.number}",
        data={"actie": "afgehandeld"},
        allow_redirects=False,
        timeout=10,
    )
    assert refused.status_code == 303 and refused.headers["location"].startswith("/admin/login")
    page = log_in(new_page(), admin, target="gesprekken?dagen=7")
    expect(page).to_have_url(admin.base + "gesprekken?dagen=7")  # back where the visitor wanted to go


def test_after_login_the_page_asked_for_opens_and_never_another_site(admin, new_page):
    asked = f"gesprekken?zoek=dalfsen{admin.tag}&uitkomst=beantwoord"
    page = log_in(new_page(), admin, target=asked)
    expect(page).to_have_url(admin.base + asked)
    expect(page.get_by_label("Zoeken in de berichten")).to_have_value(f"dalfsen{admin.tag}")
    expect(page.get_by_label("Uitkomst")).to_have_value("beantwoord")
    page = new_page()  # (the other kinds of addresses: tests/bot/office/test_admin.py)
    page.goto(admin.base + "login?volgende=" + quote("//aanvaller.example/admin/", safe=""))
    page.get_by_label("Naam").fill(NAME)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(admin.base + "aanvragen")  # the start page, never another site


def test_a_wrong_password_is_refused_and_repeated_failures_are_rate_limited(admin, new_page):
    page = new_page()
    for attempt in range(admin_db.MAX_FAILS_PER_NAME):
        with page.expect_response(
            lambda r: r.url.endswith("/admin/login") and r.request.method == "POST"
        ) as sent:
            log_in(page, admin, name=OTHER, password=f"fout-wachtwoord-{attempt}")
        assert sent.value.status == 401
        expect(page.get_by_role("alert")).to_have_text("Naam of wachtwoord klopt niet.")
        expect(page.get_by_label("Naam")).to_have_value(OTHER)
    with page.expect_response(
        lambda r: r.url.endswith("/admin/login") and r.request.method == "POST"
    ) as sent:
        log_in(page, admin, name=OTHER, password=OTHER_PASSWORD)  # the right one, but too late
    assert sent.value.status == 429 and 0 < int(sent.value.headers["retry-after"]) <= 900
    expect(page.get_by_role("alert")).to_contain_text(
        "Te veel mislukte pogingen. Probeer het over 15 minuten"
    )
    assert not [c for c in page.context.cookies() if c["name"] == "admin_sessie"]
    actions = [(name, action) for _, name, _, action, _ in audit(admin)]
    assert actions.count((OTHER, "inloggen mislukt")) == admin_db.MAX_FAILS_PER_NAME
    assert (OTHER, "inloggen geweigerd: te veel pogingen") in actions
    # the limit is per account name: another account still logs in
    other = log_in(new_page(), admin)
    expect(other.get_by_role("heading", level=1)).to_have_text("Aanvragen")


def test_the_session_cookie_is_httponly_strict_secure_behind_https_and_ends_at_logout(admin, new_page):
    page = log_in(new_page(), admin)
    expect(page.get_by_text(f"Ingelogd als {NAME}")).to_be_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "admin_sessie"]
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"], cookie["secure"]) == (
        True,
        "Strict",
        "/admin",
        False,
    )
    assert page.evaluate("document.cookie") == ""  # no script can read it
    # behind the TLS proxy (X-Forwarded-Proto: https) the cookie is Secure
    form = requests.get(admin.base + "login", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    assert "Secure" in form.headers["set-cookie"] and "HttpOnly" in form.headers["set-cookie"]
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    login_cookie = re.search(r"admin_login=([\w-]+)", form.headers["set-cookie"]).group(0)  # (a client
    logged = requests.post(
        admin.base + "login",
        allow_redirects=False,
        timeout=10,  # keeps a Secure one for https)
        headers={"X-Forwarded-Proto": "https", "Cookie": login_cookie},
        data={"csrf": token, "naam": NAME, "wachtwoord": PASSWORD},
    )
    assert logged.status_code == 303
    assert re.search(
        r"admin_sessie=[\w-]+; Path=/admin; HttpOnly; SameSite=Strict; Secure", logged.headers["set-cookie"]
    )
    # 30 minutes without a request: the session has ended
    with sqlite3.connect(admin.var_dir / "admin.db") as db:
        assert (
            db.execute(
                "UPDATE sessions SET seen_at = seen_at - ? WHERE token_hash = ?",
                (admin_db.IDLE_SECONDS + 60, hashlib.sha256(cookie["value"].encode()).hexdigest()),
            ).rowcount
            == 1
        )
    page.reload()
    expect(page.get_by_role("status")).to_have_text("Je sessie is verlopen of beëindigd. Log opnieuw in.")
    log_in(page, admin)
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.get_by_role("status")).to_have_text("Je bent uitgelogd.")
    page.goto(admin.base + "aanvragen")
    expect(page).to_have_url(re.compile(r"/admin/login"))
    assert "uitgelogd" in [action for _, name, _, action, _ in audit(admin) if name == NAME]


# ---- the pages -------------------------------------------------------------------------------------


def request_row(page, number):
    return page.locator(f"#aanvraag-{number}")


def test_a_request_marked_handled_stays_so_after_a_reload(admin, desk):
    desk.goto(admin.base + "aanvragen")
    row = request_row(desk, admin.number)
    for shown in (
        "office manager",
        "vast, 32 uur",
        "Bakker & Zonen BV",
        "Jan Jansen",
        "jan@bakker.nl",
        "+31612345678",
        "niet ingesteld",
        "Te behandelen",
    ):  # (no LEADS_EMAIL_TO here)
        expect(row).to_contain_text(shown)
    numbers = [int(n) for n in desk.locator("tbody tr td:first-child").all_inner_texts()]
    assert numbers == sorted(numbers, reverse=True)  # newest first
    row.get_by_role("button", name=f"Markeer als afgehandeld (aanvraag {admin.number})").click()
    expect(desk.get_by_role("status")).to_have_text(f"Aanvraag {admin.number} is gemarkeerd als afgehandeld.")
    expect(request_row(desk, admin.number)).to_contain_text(f"Afgehandeld door {NAME}")
    desk.reload()
    expect(request_row(desk, admin.number)).to_contain_text(f"Afgehandeld door {NAME}")
    desk.goto(admin.base + "aanvragen")
    expect(request_row(desk, admin.number)).to_contain_text(f"Afgehandeld door {NAME}")
    # filters: state and date
    desk.get_by_label("Status").select_option(label="Te behandelen")
    desk.get_by_role("button", name="Filteren").click()
    expect(request_row(desk, admin.number)).to_have_count(0)
    desk.get_by_label("Status").select_option(label="Afgehandeld")
    desk.get_by_role("button", name="Filteren").click()
    expect(request_row(desk, admin.number)).to_have_count(1)
    desk.goto(admin.base + "aanvragen?vanaf=2999-01-01")
    expect(desk.get_by_text("Geen aanvragen met dit filter.")).to_be_visible()
    desk.goto(admin.base + "aanvragen?tot=2000-01-01")
    expect(request_row(desk, admin.number)).to_have_count(0)
    # the conversation it came from
    desk.goto(admin.base + "aanvragen")
    request_row(desk, admin.number).get_by_role("link", name=f"Gesprek van aanvraag {admin.number}").click()
    expect(desk.locator(".msg-user .bubble").first).to_have_text("wij zoeken een office manager")
    rows = list(csv.DictReader(io.StringIO(cli("leads", "--db", str(admin.var_dir / "leads.db")))))
    [mine] = [r for r in rows if r["id"] == str(admin.number)]
    assert mine["handled_by"] == NAME and mine["handled_at"]
    assert (NAME, "aanvraag gemarkeerd", f"aanvraag {admin.number}: afgehandeld") in [
        (name, action, detail) for _, name, _, action, detail in audit(admin)
    ]


def test_the_csv_download_opens_in_dutch_excel(admin, desk):
    desk.goto(admin.base + "aanvragen")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Download als CSV").click()
    assert download.value.suggested_filename.startswith("aanvragen-")
    got = open(download.value.path(), "rb").read()
    assert got.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(got.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0])[:11] == [
        "Nummer",
        "Ontvangen",
        "Functie",
        "Vast of tijdelijk",
        "Uren per week",
        "Startdatum",
        "Organisatie",
        "Naam",
        "E-mail",
        "Telefoon",
        "Omschrijving",
    ]
    [mine] = [r for r in rows if r["Nummer"] == str(admin.number)]
    assert (mine["Functie"], mine["Organisatie"], mine["Naam"], mine["E-mail"]) == (
        "office manager",
        "Bakker & Zonen BV",
        "Jan Jansen",
        "jan@bakker.nl",
    )
    assert mine["Telefoon"] == "'+31612345678" and mine["Bezorging"] == "niet ingesteld"
    assert re.fullmatch(r"\d\d-\d\d-20\d\d \d\d:\d\d", mine["Ontvangen"])  # Dutch time, as Excel reads dates
    assert (NAME, "aanvragen gedownload (CSV)") in [(name, action) for _, name, _, action, _ in audit(admin)]


def test_unanswered_questions_are_grouped_link_to_their_conversations_and_are_marked(admin, desk):
    desk.goto(admin.base + "vragen")
    salary = desk.locator("tbody tr", has_text="verdient een secretaresse")
    expect(salary).to_have_count(1)  # three wordings, one group
    expect(salary.locator(".count")).to_have_text("3")
    expect(salary).to_contain_text("Ook gesteld als")
    expect(salary.get_by_role("link", name=re.compile("Gesprek van"))).to_have_count(2)
    counts = [int(n) for n in desk.locator("tbody .count").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 3  # most frequent first
    salary.get_by_role("link", name=re.compile("Gesprek van")).first.click()
    expect(desk.locator(".msg-user .bubble", has_text="verdient een secretaresse")).not_to_have_count(0)
    expect(desk.locator(".msg-bot .bubble", has_text="niet in mijn kennis")).not_to_have_count(0)
    desk.get_by_role("link", name="Terug").click()

    salary = desk.locator("tbody tr", has_text="verdient een secretaresse")
    salary.get_by_label(re.compile("^Notitie")).fill("Salaris: verwijst nu naar de vacaturepagina")
    salary.get_by_role("button", name=re.compile("Toegevoegd aan de kennis")).click()
    expect(desk.get_by_role("status")).to_contain_text("toegevoegd aan de kennis (3x gesteld)")
    expect(desk.locator("tbody tr", has_text="verdient een secretaresse")).to_have_count(0)
    desk.reload()
    expect(desk.locator("tbody tr", has_text="verdient een secretaresse")).to_have_count(0)
    desk.get_by_role("link", name="Afgehandeld").click()
    done = desk.locator("tbody tr", has_text="verdient een secretaresse")
    expect(done).to_contain_text(f"Toegevoegd aan de kennis door {NAME}")
    expect(done).to_contain_text("Notitie: Salaris: verwijst nu naar de vacaturepagina")
    assert not [
        q
        for _, q, _, _ in unanswered.most_frequent(admin.var_dir / "unanswered.db")
        if "verdient een secretaresse" in q.lower()
    ]  # `make report` lists open ones


def test_a_junk_question_is_hidden_and_no_longer_listed(admin, desk):
    desk.goto(admin.base + "vragen")
    junk = desk.locator("tbody tr", has_text="asdfgh qwerty")
    expect(junk).to_have_count(1)
    junk.get_by_role("button", name=re.compile("Verbergen als onzin")).click()
    expect(desk.get_by_role("status")).to_contain_text("verborgen als onzin")
    expect(desk.locator("tbody tr", has_text="asdfgh qwerty")).to_have_count(0)
    desk.reload()
    expect(desk.locator("tbody tr", has_text="asdfgh qwerty")).to_have_count(0)
    desk.get_by_role("link", name="Verborgen").click()
    expect(desk.locator("tbody tr", has_text="asdfgh qwerty")).to_contain_text(
        f"Verborgen als onzin door {NAME}"
    )
    assert "asdfgh" not in unanswered.report(admin.var_dir / "unanswered.db")


def test_search_finds_a_conversation_by_a_word_of_it_and_filters_by_who_and_outcome(admin, desk):
    desk.goto(admin.base + "gesprekken")
    desk.get_by_label("Zoeken in de berichten").fill(f"Dalfsen{admin.tag}")
    desk.get_by_role("button", name="Tonen").click()
    rows = desk.locator("table.conversations tbody tr")
    expect(rows).to_have_count(1)
    expect(desk.locator("table.conversations caption")).to_contain_text("1 gesprek gevonden")
    expect(rows).to_contain_text(f"werkt een secretaresse ook in Dalfsen{admin.tag}?")  # the first question
    expect(rows.locator("td").nth(2)).to_have_text("1")  # one message of the visitor
    rows.get_by_role("link").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Gesprek")
    expect(desk.locator(".msg-user .bubble")).to_have_text(
        [f"werkt een secretaresse ook in Dalfsen{admin.tag}?"]
    )
    desk.get_by_role("link", name="Terug").click()
    expect(desk.get_by_label("Zoeken in de berichten")).to_have_value(
        f"Dalfsen{admin.tag}"
    )  # the search kept
    # the employer: by the organisation's name, as an employer with a request
    desk.goto(admin.base + "gesprekken?zoek=zonen&wie=werkgever&uitkomst=aanvraag")
    employer = desk.locator(
        "table.conversations tbody tr", has=desk.locator(f'a[href*="{quote(admin.employer)}"]')
    )
    expect(employer).to_have_count(1)
    expect(employer).to_contain_text("wij zoeken een office manager")
    expect(employer).to_contain_text("Werkgever")
    expect(employer).to_contain_text("Aanvraag")
    expect(employer).to_contain_text("Gevonden: “Bakker & Zonen BV”")
    desk.get_by_label("Uitkomst").select_option(label="Onbeantwoord")
    desk.get_by_role("button", name="Tonen").click()
    expect(desk.get_by_text("Geen gesprekken gevonden met deze zoekopdracht of dit filter.")).to_be_visible()
    desk.goto(admin.base + "gesprekken?uitkomst=onbeantwoord")
    unanswered_rows = desk.locator("table.conversations tbody tr")
    expect(unanswered_rows.filter(has=desk.locator(f'a[href*="adm-c-{admin.tag}"]'))).to_contain_text(
        "Onbekend"
    )
    expect(unanswered_rows.filter(has=desk.locator(f'a[href*="{quote(admin.employer)}"]'))).to_have_count(0)


def test_the_conversations_page_draws_each_chart_with_a_text_alternative(admin, desk):
    desk.goto(admin.base + "gesprekken?dagen=7")
    expect(desk.get_by_label("Periode")).to_have_value("7")
    totals = dict(
        zip(desk.locator(".totals dt").all_inner_texts(), desk.locator(".totals dd").all_inner_texts())
    )
    assert int(totals["Gesprekken"]) >= 5 and int(totals["Vacatureaanvragen"]) >= 1
    assert int(totals["Berichten van bezoekers"]) >= 17 and int(totals["Terugval"].split()[0]) >= 1
    sections = desk.locator("section.chart")
    expect(sections).to_have_count(5)
    for index in range(5):
        section = sections.nth(index)
        image = section.get_by_role("img")
        expect(image).to_be_visible()
        assert image.evaluate("i => i.complete && i.naturalWidth") > 0  # the SVG loaded and was drawn
        assert len(image.get_attribute("alt")) > 60
        rows = section.locator("table tbody tr")
        values = section.locator("table tbody td").all_text_contents()
        assert rows.count() == len(values) > 0
        svg = desk.request.get(image.evaluate("i => i.src"))
        assert svg.status == 200 and svg.headers["content-type"].startswith("image/svg+xml")
        assert svg.headers["content-security-policy"] == CHART_CSP
        points = [v for v in values if v != "geen berichten"]
        assert svg.text().count("tooltip-trigger") == len(points)  # one bar or dot per value
    days = dict(
        zip(
            sections.nth(0).locator("tbody th").all_text_contents(),
            sections.nth(0).locator("tbody td").all_text_contents(),
        )
    )
    assert len(days) == 7 and int(list(days.values())[-1]) >= 5  # today
    topics = sections.nth(3).locator("tbody th").all_text_contents()
    assert {"Vacature doorgeven", "Wat doet de functie", "Buiten het onderwerp"} <= set(topics), topics
    weeks = sections.nth(4).locator("tbody td").all_text_contents()
    assert int(weeks[-1]) >= 1
    # the README's screenshot
    desk.set_viewport_size({"width": 1280, "height": 900})
    desk.goto(admin.base + "gesprekken?dagen=7")
    for image in desk.locator("section.chart img").all():
        image.evaluate("i => i.decode()")
    target = PROJECT / "docs" / "admin.png"
    desk.screenshot(path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1500})
    desk.set_viewport_size({"width": 1100, "height": 900})
    assert 20_000 < target.stat().st_size < 400_000


def test_the_conversations_list_pages_by_25(admin, desk, assistant):
    for number in range(26):
        assistant.ask(
            f"adm-pagina-{admin.tag}-{number}", f"hallo, ik ben bezoeker {number} van Pagina{admin.tag}"
        )
    desk.goto(admin.base + f"gesprekken?zoek=pagina{admin.tag}")
    expect(desk.locator("table.conversations caption")).to_contain_text("26 gesprekken gevonden")
    expect(desk.locator("table.conversations tbody tr")).to_have_count(25)
    expect(desk.locator("table.conversations tbody tr").first).to_contain_text("bezoeker 25 ")  # newest first
    desk.get_by_role("link", name="Volgende pagina").click()
    expect(desk).to_have_url(re.compile(r"pagina=2"))
    expect(desk.locator("table.conversations tbody tr")).to_have_count(1)
    expect(desk.locator("table.conversations tbody tr")).to_contain_text("bezoeker 0 ")
    expect(desk.locator(".pages")).to_contain_text("Pagina 2 van 2")
    desk.get_by_role("link", name="Vorige pagina").click()
    expect(desk.locator("table.conversations tbody tr")).to_have_count(25)


def test_one_conversation_reads_as_the_visitor_saw_it(admin, desk):
    desk.goto(admin.base + "gesprek?id=" + admin.widget_session)
    expect(desk.get_by_role("heading", level=1)).to_have_text("Gesprek")
    bubbles = desk.locator(".transcript .bubble")
    expect(bubbles.first).to_contain_text(
        "Hallo! Ik ben de digitale assistent"
    )  # the opening, without /greet
    expect(desk.locator(".msg-user .bubble")).to_have_text(
        ["Wat is het verschil?"]
    )  # the title, not the payload
    expect(desk.locator(".msg-bot .bubble").nth(1)).to_contain_text("secretaresse")
    expect(desk.locator(".msg-bot .bubble").nth(1).locator("strong.heading")).to_have_count(
        1
    )  # bold, as seen
    expect(desk.locator(".msg-bot .bubble").nth(1)).not_to_contain_text("---")
    expect(desk.locator(".msg-bot").first.locator(".buttons .button")).to_have_count(3)
    expect(desk.get_by_text("/ask_difference")).to_have_count(0)
    expect(desk.locator(".facts")).to_contain_text("chatwidget")
    expect(desk.locator("form")).to_have_count(1)  # only the logout: nothing to change here
    desk.goto(admin.base + "gesprek?id=bestaat-niet")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Gesprek niet gevonden")
    assert (NAME, "gesprek bekeken", admin.widget_session) in [
        (name, action, detail) for _, name, _, action, detail in audit(admin)
    ]


def test_a_forged_or_missing_csrf_token_is_refused(admin, desk):
    desk.goto(admin.base + "aanvragen")
    token = desk.locator('input[name="csrf"]').first.input_value()
    url, origin = admin.base + f"aanvragen/{admin.number}", admin.base.split("/admin/")[0]
    for form, headers in [
        ({"actie": "open"}, {"Origin": origin}),
        ({"actie": "open", "csrf": "vervalst-" + token[9:]}, {"Origin": origin}),
        ({"actie": "open", "csrf": token}, {"Origin": "https://aanvaller.example"}),
    ]:
        refused = desk.request.post(url, form=form, headers=headers, max_redirects=0)
        assert refused.status == 403 and "Actie geweigerd" in refused.text()
        assert refused.headers["content-security-policy"] == ADMIN_CSP
    desk.reload()
    expect(request_row(desk, admin.number)).to_contain_text(f"Afgehandeld door {NAME}")  # unchanged
    assert desk.request.post(admin.base + "uitloggen", form={}, max_redirects=0).status == 403
    desk.goto(admin.base + "aanvragen")
    expect(desk.get_by_text(f"Ingelogd als {NAME}")).to_be_visible()  # still logged in
    refusals = [
        action for _, name, _, action, _ in audit(admin) if name == NAME and action.startswith("geweigerd")
    ]
    assert len(refusals) >= 4
    # the login form has its own token
    assert (
        requests.post(
            admin.base + "login",
            data={"naam": NAME, "wachtwoord": PASSWORD},
            allow_redirects=False,
            timeout=10,
        ).status_code
        == 403
    )


def test_everything_works_with_the_keyboard_alone(admin, new_page):
    page = new_page()
    page.goto(admin.base + "vragen")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    page.keyboard.press("Tab")
    expect(page.get_by_label("Naam")).to_be_focused()
    page.keyboard.type(NAME)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Onbeantwoorde vragen")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    assert page.evaluate("document.activeElement.id") == "inhoud"
    target = page.locator("tbody tr", has_text="wie wordt er kampioen").get_by_role(
        "button", name=re.compile("^Afgehandeld")
    )
    for _ in range(80):
        page.keyboard.press("Tab")
        if target.evaluate("b => b === document.activeElement"):
            break
        assert (
            page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        )  # a visible focus
    else:
        pytest.fail("the button was not reached with Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("status")).to_contain_text("gemarkeerd als afgehandeld")
    expect(page.locator("tbody tr", has_text="wie wordt er kampioen")).to_have_count(0)
    page.get_by_role("link", name="Gesprekken").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gesprekken")
    page.locator("summary").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details").first.locator("table")).to_be_visible()


def test_axe_finds_no_wcag_a_or_aa_violations_on_any_admin_page(admin, desk, new_page):
    axe, results = Axe(), {}
    login = new_page()
    login.goto(admin.base + "login")
    results["login"] = axe.run(login, options=WCAG)
    log_in(login, admin, name=NAME, password="fout-maar-lang-genoeg")
    expect(login.get_by_role("alert")).to_be_visible()
    results["login, fout"] = axe.run(login, options=WCAG)
    for name, path in [
        ("aanvragen", "aanvragen"),
        ("vragen, open", "vragen"),
        ("vragen, afgehandeld", "vragen?weergave=afgehandeld"),
        ("vragen, verborgen", "vragen?weergave=verborgen"),
        ("gesprekken", "gesprekken"),
        ("gesprekken, gezocht", "gesprekken?zoek=zonen&wie=werkgever"),
        ("gesprekken, niets gevonden", "gesprekken?zoek=bestaatnergens"),
        ("gesprek", f"gesprek?id={admin.employer}"),
        ("niet gevonden", "gesprek?id=weg"),
    ]:
        desk.goto(admin.base + path)
        for details in desk.locator("details").all():
            details.evaluate("d => d.open = true")  # the tables behind the charts too
        results[name] = axe.run(desk, options=WCAG)
    print("axe WCAG 2.1 A/AA violations per admin page:", {k: r.violations_count for k, r in results.items()})
    for name, result in results.items():
        assert result.violations_count == 0, f"{name}:\n{result.generate_report()}"
    response = requests.get(admin.base + "login", timeout=10)
    assert response.headers["content-security-policy"] == ADMIN_CSP
    assert "unsafe-inline" not in ADMIN_CSP and "default-src 'none'" in ADMIN_CSP


def test_no_page_for_the_staff_mentions_a_terminal_command(admin, desk, new_page):
    pages = [
        (desk, target) for target in ("aanvragen", "vragen", "gesprekken", f"gesprek?id={admin.employer}")
    ]
    pages.append((new_page(), "login"))
    for page, target in pages:
        page.goto(admin.base + target)
        shown = page.locator("body").inner_text()
        for command in ("make ", "python", ".venv", "admin-user"):
            assert command not in shown, (target, command)


def test_every_page_says_that_requests_are_not_mailed_while_the_email_is_not_set_up(admin, desk):
    for target in ("aanvragen", "vragen", "gesprekken"):
        desk.goto(admin.base + target)
        warning = desk.locator("p.warning")
        expect(warning).to_contain_text("Aanvragen worden niet gemaild: de e-mail is niet ingesteld")
        expect(warning).to_contain_text("LEADS_EMAIL_TO")


def test_declined_consent_leaves_no_personal_data_in_the_transcript(admin, desk):
    session_id, reply = consent.decline_consent(admin.base.replace("/admin/", "/chat/"))
    assert "geen aanvraag opgeslagen" in reply and "je contactgegevens uit dit gesprek verwijderd" in reply
    consent.assert_transcript_without_personal_data(desk, admin.base, session_id)
