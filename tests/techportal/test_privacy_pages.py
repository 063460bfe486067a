"""The privacy statement (with the register) and the accessibility statement, in Dutch."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from techportal.privacy.register import REGISTER

pytestmark = pytest.mark.django_db


def headings(html: str, level: int) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, re.S)
    ]


@override_settings(PRIVACY_CONTACT_EMAIL="avg@voorbeeld.nl", PRIVACY_DECLINED_SIGNUP_DAYS=200)
def test_the_privacy_statement_says_who_what_why_how_long_and_the_rights(client):
    response = client.get("/privacy/")

    html = response.content.decode()
    assert response.status_code == 200
    assert headings(html, 1) == ["Privacyverklaring"]
    assert headings(html, 2) == [
        "Wie is verantwoordelijk",
        "Welke gegevens",
        "Waarvoor en op welke grondslag",
        "Register: welke gegevens, waarom en hoe lang",
        "Hoe lang",
        "Uw rechten",
        "Zo gebruikt u uw rechten",
    ]
    for right in ("inzage", "correctie", "verwijdering", "bezwaar", "Autoriteit Persoonsgegevens"):
        assert right in html
    assert 'href="mailto:avg@voorbeeld.nl"' in html
    assert "afgewezen aanmeldingen na 200 dagen" in " ".join(html.split())


def test_the_privacy_statement_shows_every_register_entry_in_a_table(client):
    html = client.get("/privacy/").content.decode()

    table = html[html.index("<table") : html.index("</table>")]
    assert table.count('<th scope="row">') == len(REGISTER)
    with translation.override("nl"):
        for entry in REGISTER:
            assert escape(entry.display()) in table
    assert "Tot 730 dagen na afloop" in table


def test_the_accessibility_statement_names_the_target_the_checks_and_the_limits(client):
    with override_settings(ACCESSIBILITY_CONTACT_EMAIL="hulp@voorbeeld.nl"):
        response = client.get(reverse("accessibility"))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("accessibility") == "/toegankelijkheid/"
    assert headings(html, 1) == ["Toegankelijkheidsverklaring"]
    assert headings(html, 2) == [
        "Ons doel",
        "Hoe wij dat controleren",
        "Wat nog niet goed is",
        "Loopt u ergens tegenaan?",
        "Over deze verklaring",
    ]
    text = " ".join(html.split())
    for fact in ("WCAG", "2.1", "niveau AA", "axe-core", "toetsenbord", "320 pixels", "/beheer/"):
        assert fact in text
    assert 'href="mailto:hulp@voorbeeld.nl"' in html
    assert "22 november 2026" in text


def test_every_page_links_both_statements_in_the_footer(client):
    html = client.get("/").content.decode()

    footer = html[html.index("<footer") :]
    assert 'href="/privacy/"' in footer
    assert 'href="/toegankelijkheid/"' in footer
