"""Production settings pass `check --deploy`; every kind of page carries the security headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test import Client

from matching.match_queries import match_token
from tests.factories import MatchFactory, UserFactory
from tests.stack import database_url

ROOT = Path(__file__).resolve().parents[2]

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    directives = (part.strip() for part in response["Content-Security-Policy"].split(";"))
    return dict(d.split(" ", 1) if " " in d else (d, "") for d in directives if d)


def assert_secure_headers(response) -> None:
    found = policy(response)
    for directive, sources in CSP.items():
        assert found[directive] == sources, directive
    assert not any("unsafe" in sources for sources in found.values()), found
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


# --- manage.py check --deploy ------------------------------------------------------------------


@pytest.mark.django_db
def test_production_settings_pass_check_deploy_without_a_single_warning():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SECRET_KEY", "DEBUG", "EMAIL_URL"))
    } | {
        "DJANGO_SETTINGS_MODULE": "techportal.settings.base",
        "TECHPORTAL_ENV_FILE": os.devnull,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "techportal.nl,www.techportal.nl",
        "EMAIL_URL": "smtp+tls://mailer.example.nl:587",
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


# --- the headers of each kind of page ------------------------------------------------------------


@pytest.mark.django_db
def test_a_public_page_has_every_security_header():
    response = Client().get("/aanbod/", secure=True)

    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.django_db
def test_a_beheer_page_has_every_security_header(client):
    client.force_login(UserFactory(username="baas", is_staff=True, is_superuser=True))

    response = client.get("/beheer/auth/user/", secure=True)

    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.django_db
def test_a_private_link_page_has_every_security_header_and_stays_unindexed():
    match = MatchFactory()

    response = Client().get(f"/match/{match_token(match, 'company')}/", secure=True)

    assert response.status_code == 200
    assert_secure_headers(response)
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_session_and_csrf_cookies_are_httponly_secure_and_lax(settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    user = UserFactory(username="baas", is_staff=True, is_superuser=True)
    client = Client()
    client.get("/beheer/login/", secure=True)
    client.post(
        "/beheer/login/",
        {"username": user.username, "password": "correct horse battery staple"},
        secure=True,
    )

    session, csrf = client.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert csrf["secure"] and csrf["samesite"] == "Lax"


# --- https ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_except_the_health_check(settings):
    settings.SECURE_SSL_REDIRECT = True  # on in production (settings/base.py), off in tests

    page = Client().get("/aanbod/")
    health = Client().get("/health/")

    assert page.status_code == 301
    assert page.url == "https://testserver/aanbod/"
    assert health.status_code in (200, 503)
    assert "Strict-Transport-Security" not in health  # only ever sent over https


@pytest.mark.django_db
def test_behind_the_proxy_a_forwarded_https_request_is_secure(settings):
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get("/aanbod/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert "max-age=31536000" in response["Strict-Transport-Security"]


# --- no inline styles in the error page ----------------------------------------------------------


def test_the_500_page_has_no_inline_style_and_links_its_own_stylesheet():
    html = get_template("500.html").render({})

    assert "style=" not in html and "<style" not in html and "<script" not in html
    assert 'href="/static/css/error.css"' in html
    assert (ROOT / "static" / "css" / "error.css").is_file()
