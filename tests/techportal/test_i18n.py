"""Dutch by default, English only by choice, and an English catalogue with nothing left out.

The rendered-English tests read the compiled catalogue (locale/en/LC_MESSAGES/django.mo), which
is git-ignored: `make test` compiles it first; by hand, run
`DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv`.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

DUTCH_HEADING = "Technische bedrijven en scholen vinden elkaar"
ENGLISH_HEADING = "Where technical companies and schools find each other"


@pytest.fixture(autouse=True)
def _restore_active_language():
    # LanguageMiddleware activates a language and leaves it active on this thread; don't let
    # an English request leak into the tests that run after these.
    with translation.override(translation.get_language()):
        yield


def assert_dutch(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert DUTCH_HEADING in html
    assert ENGLISH_HEADING not in html
    assert response.headers["Content-Language"] == "nl"


def assert_english(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert ENGLISH_HEADING in html, f"no English heading; is {MO_FILE} compiled and up to date?"
    assert DUTCH_HEADING not in html
    assert response.headers["Content-Language"] == "en"


# --- which language a visitor gets -----------------------------------------------------------


def test_home_is_dutch_even_when_the_browser_asks_for_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert_dutch(response)
    assert "Cookie" in response.headers["Vary"]


def test_choosing_english_with_the_language_switch_makes_the_site_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert_english(response)
    # ...and it sticks for the next page, whatever the browser says.
    assert_english(client.get("/", HTTP_ACCEPT_LANGUAGE="nl"))


def test_choosing_dutch_again_switches_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"}, follow=True)

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert_dutch(response)


@pytest.mark.parametrize("value", ["xx", "de", "EN", "<script>alert(1)</script>", ""])
def test_an_unknown_language_cookie_falls_back_to_dutch(client, value):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = value

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert_dutch(response)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_language_switch_ignores_an_unknown_language(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"}, follow=True)

    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert_dutch(response)


# --- the English catalogue -------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: {"msgid", "msgid_plural", "msgstr": [...], "flags"}.

    Enough of the PO format for a makemessages catalogue: flags, msgctxt, plurals and
    continuation lines; obsolete (#~) entries are left out.
    """
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry:
                finish()
                entry = None
            entry = entry or {"flags": set(), "msgstr": {}}
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        keyword = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if keyword:
            name, index, quoted = keyword.groups()
            if name in {"msgctxt", "msgid"} and entry is not None and "msgid" in entry:
                finish()
                entry = None
            entry = entry or {"flags": set(), "msgstr": {}}
            if name.startswith("msgstr"):
                field = ("msgstr", int(index or 0))
                entry["msgstr"][field[1]] = ast.literal_eval(quoted)
            else:
                field = (name, None)
                entry[name] = ast.literal_eval(quoted)
        elif line.startswith('"') and field is not None:
            name, index = field
            if name == "msgstr":
                entry["msgstr"][index] += ast.literal_eval(line)
            else:
                entry[name] += ast.literal_eval(line)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def messages() -> list[dict]:
    return [entry for entry in read_po(PO_FILE) if entry["msgid"]]


def entries_with_translations() -> list[dict]:
    return [e for e in messages() if all(e["msgstr"].values())]


PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[a-zA-Z%]|\{[^{}]*\}|&\w+;")


def test_the_english_catalogue_is_complete():
    entries = messages()
    header = next(entry for entry in read_po(PO_FILE) if entry["msgid"] == "")

    assert len(entries) > 100, "the catalogue looks truncated"
    assert "fuzzy" not in header["flags"]
    assert "\nLanguage: en\n" in header["msgstr"][0]
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    assert untranslated == []
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert fuzzy == []
    wrong_plurals = [e["msgid"] for e in entries if "msgid_plural" in e and len(e["msgstr"]) != 2]
    assert wrong_plurals == []


def test_the_english_catalogue_keeps_every_placeholder_and_entity():
    mismatched = [
        (e["msgid"], text)
        for e in entries_with_translations()
        for text in e["msgstr"].values()
        if sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(text))
    ]

    assert mismatched == []


def test_the_compiled_english_catalogue_matches_the_po_file():
    assert MO_FILE.exists(), f"{MO_FILE} is missing: run compilemessages (make test does)"
    with MO_FILE.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    stale = [
        e["msgid"]
        for e in entries_with_translations()
        if "msgid_plural" not in e
        and "msgctxt" not in e
        and "fuzzy" not in e["flags"]
        and compiled.gettext(e["msgid"]) != e["msgstr"][0]
    ]

    assert stale == [], "the .mo is out of date: run compilemessages"
