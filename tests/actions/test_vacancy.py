"""Validators of the vacancy intake: good, bad and odd answers."""

import re
from contextlib import contextmanager
from datetime import date

import pytest

from actions import knowledge as kb
from actions.vacancy import (
    Invalid,
    parse_consent,
    parse_contact,
    parse_contract,
    parse_description,
    parse_email,
    parse_hours,
    parse_phone,
    parse_role,
    parse_start_date,
    parse_text,
)
from tests.rendered import texts

TODAY = date(2026, 11, 27)


@contextmanager
def explained(pattern):
    """The answer is refused, with an explanation (the domain response, as the visitor sees
    it) that matches `pattern`."""
    with pytest.raises(Invalid) as refused:
        yield
    shown = texts([{"response": refused.value.response}])
    assert re.search(pattern, shown), shown


KNOWLEDGE = kb.load(kb.DEFAULT_PATH)


@pytest.mark.parametrize(
    "answer, role",
    [  # the role's key
        ("office manager", "office_manager"),
        ("een OM", "office_manager"),
        ("Officemanager!", "office_manager"),
        ("secretaresse", "secretaresse"),
        ("een directiesecretaresse graag", "secretaresse"),
    ],
)
def test_role(answer, role):
    assert parse_role(answer, KNOWLEDGE) == role


@pytest.mark.parametrize("answer", ["boekhouder", "", "weet ik niet"])
def test_role_rejected(answer):
    with explained("office manager of een secretaresse"):
        parse_role(answer, KNOWLEDGE)


@pytest.mark.parametrize(
    "answer, contract",
    [
        ("vast", "vast"),
        ("Een vaste baan", "vast"),
        ("in loondienst", "vast"),
        ("tijdelijk", "tijdelijk"),
        ("interim, voor een paar maanden", "tijdelijk"),
        ("ter vervanging van zwangerschapsverlof", "tijdelijk"),
    ],
)
def test_contract(answer, contract):
    assert parse_contract(answer) == contract


def test_contract_rejected():
    with explained("'vast' of 'tijdelijk'"):
        parse_contract("geen idee")


@pytest.mark.parametrize(
    "answer, hours",
    [
        ("32", 32),
        ("32 uur", 32),
        ("fulltime", 40),
        ("voltijds", 40),
        ("24-32 uur", 32),
        ("drie dagen", 24),
        ("tweeendertig uur", 32),
        ("ongeveer 20 uur per week", 20),
    ],
)
def test_hours(answer, hours):
    assert parse_hours(answer) == hours


@pytest.mark.parametrize(
    "answer, message",
    [
        ("0", "tussen 1 en 60"),
        ("100", "tussen 1 en 60"),
        ("veel", "Een getal"),
        ("", "Een getal"),
    ],
)
def test_hours_rejected(answer, message):
    with explained(message):
        parse_hours(answer)


@pytest.mark.parametrize(
    "answer, start",
    [
        ("1 maart", "2027-03-01"),
        ("1 maart 2027", "2027-03-01"),
        ("01-03-2027", "2027-03-01"),
        ("15/1", "2027-01-15"),
        ("28 november", "2026-11-28"),
        ("volgende maand", "2026-12-01"),
        ("begin februari", "2027-02-01"),
        ("zo snel mogelijk", "zo snel mogelijk"),
        ("per direct!", "zo snel mogelijk"),
        ("ZSM", "zo snel mogelijk"),
        ("2027-03-01", "2027-03-01"),
        ("volgende week", "2026-11-30"),
        ("over 2 weken", "2026-12-11"),
    ],
)
def test_start_date(answer, start):
    assert parse_start_date(answer, TODAY) == start


def test_next_month_in_december_is_january():
    assert parse_start_date("volgende maand", date(2026, 12, 15)) == "2027-01-01"


@pytest.mark.parametrize(
    "answer, message",
    [
        ("31 februari", "bestaat niet"),
        ("1 januari 2020", "verleden"),
        ("gisteren", "Vanaf wanneer"),
        ("1 januari 2035", "binnen twee jaar"),
        ("31-13-2027", "bestaat niet"),
    ],
)
def test_start_date_rejected(answer, message):
    with explained(message):
        parse_start_date(answer, TODAY)


@pytest.mark.parametrize(
    "answer, email",
    [
        ("jan@bedrijf.nl", "jan@bedrijf.nl"),
        ("mijn mail is Jan.Jansen@Bedrijf.NL.", "jan.jansen@bedrijf.nl"),
        ("<info@kantoor-west.com>", "info@kantoor-west.com"),
        ("a.b+vacature@sub.domein.nl", "a.b+vacature@sub.domein.nl"),
    ],
)
def test_email(answer, email):
    assert parse_email(answer) == email


@pytest.mark.parametrize(
    "answer",
    [
        "jan@bedrijf",
        "jan@@bedrijf.nl",
        "jan at bedrijf.nl",
        "@bedrijf.nl",
        "jan..piet@bedrijf.nl",
        "jan@bedrijf.n",
        "",
    ],
)
def test_email_rejected(answer):
    with explained("naam@bedrijf.nl"):
        parse_email(answer)


@pytest.mark.parametrize(
    "answer, phone",
    [
        ("06 12345678", "+31612345678"),
        ("06-12345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("+31 (0)6 12345678", "+31612345678"),
        ("0031 20 123 4567", "+31201234567"),
        ("020-1234567", "+31201234567"),
        ("(010) 123 45 67", "+31101234567"),
    ],
)
def test_phone(answer, phone):
    assert parse_phone(answer) == phone


@pytest.mark.parametrize(
    "answer", ["12345", "06-123", "+44 20 1234 5678", "0012345678", "06 1234 56789", "bel me"]
)
def test_phone_rejected(answer):
    with explained("tien cijfers"):
        parse_phone(answer)


def test_contact_takes_email_and_or_phone():
    assert parse_contact("jan@bedrijf.nl of 06 12345678") == {
        "email": "jan@bedrijf.nl",
        "phone": "+31612345678",
    }
    assert parse_contact("bel me op 020 123 4567") == {"phone": "+31201234567"}
    assert parse_contact("mail naar jan@bedrijf.nl") == {"email": "jan@bedrijf.nl"}
    with explained("e-mailadres of Nederlands telefoonnummer"):
        parse_contact("jan at bedrijf punt nl")


def test_names_and_organisations():
    assert parse_text("  Acme   B.V. ", "utter_invalid_organisation") == "Acme B.V."
    for bad in ["", "x", "12345", "a" * 101]:
        with explained("geen geldige naam"):
            parse_text(bad, "utter_invalid_contact_name")


def test_description_is_optional_and_capped():
    assert parse_description("nee") == "" and parse_description("Overslaan") == ""
    assert (
        parse_description("Vooral agendabeheer voor twee directeuren")
        == "Vooral agendabeheer voor twee directeuren"
    )
    with explained("500 tekens"):
        parse_description("x" * 501)


@pytest.mark.parametrize(
    "answer, consent",
    [("ja", True), ("Ja, akkoord", True), ("akkoord", True), ("nee", False), ("liever niet", False)],
)
def test_consent(answer, consent):
    assert parse_consent(answer) is consent


def test_consent_must_be_explicit():
    with explained("'ja' of 'nee'"):
        parse_consent("misschien")
