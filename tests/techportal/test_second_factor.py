"""/beheer/ asks staff for a second factor after the password: a code from an authenticator
app, or a one-time backup code. These tests use a plain Client, which does not pass it."""

import datetime
import re
from base64 import b32encode
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.services import coordinator_group_ensure, programme_lead_group_ensure
from tests.factories import CoordinatorFactory, UserFactory
from tests.otp import (
    BACKUP_CODES,
    ENROL,
    VERIFY,
    code_login,
    current_code,
    password_login,
)

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/beheer/",
    "/beheer/matching/signup/",
    "/beheer/organisations/organisation/add/",
    "/beheer/impact/",
    "/beheer/impact/csv/leerlingen/",
    "/beheer/password_change/",
    "/beheer/autocomplete/?app_label=matching&model_name=signup&field_name=coordinator",
    "/beheer/jsi18n/",
    "/beheer/auth/user/",
    "/beheer/bestaat-niet/",
]


@pytest.fixture(autouse=True)
def moment():
    """A fixed moment, so a test can use a second code (or wait out throttling) by moving on."""
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, 5, tzinfo=datetime.UTC)) as t:
        yield t


@pytest.fixture
def coordinator(region_a):
    coordinator = CoordinatorFactory(user__username="coordinator-a", regions=[region_a])
    coordinator.user.groups.add(coordinator_group_ensure(), programme_lead_group_ensure())
    return coordinator.user


@pytest.fixture
def app(coordinator) -> TOTPDevice:
    return TOTPDevice.objects.create(user=coordinator, name="telefoon", confirmed=True)


@pytest.fixture
def backup_codes(coordinator) -> list[str]:
    device = StaticDevice.objects.create(user=coordinator, name="Reservecodes", confirmed=True)
    codes = ["abcd2345", "efgh6723"]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return codes


@pytest.fixture
def password_only(coordinator) -> Client:
    """A coordinator who entered the right password, and nothing more yet."""
    client = Client()
    response = password_login(client, "coordinator-a")
    assert response.status_code == 302, response.content
    return client


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are not the device's code right now."""
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


def post_code(client: Client, url: str, code: str):
    return client.post(url, {"code": code})


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def path_of(url: str) -> str:
    return urlsplit(url).path


# --- without the second factor, nothing under /beheer/ ------------------------------------------


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_with_only_a_password_are_sent_to_the_second_factor_from_every_beheer_page(
    password_only, app, page
):
    response = password_only.get(page)

    assert response.status_code == 302
    assert path_of(response.url) == VERIFY
    assert query(response.url)["next"] == [page]


@pytest.mark.parametrize("page", ["/beheer/", "/beheer/auth/user/", "/beheer/impact/"])
def test_a_superuser_needs_the_second_factor_too(page):
    superuser = UserFactory(username="baas", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)

    response = client.get(page)

    assert response.status_code == 302
    assert path_of(response.url) == VERIFY


def test_the_password_leads_to_the_code_page_keeping_where_the_user_was_going(coordinator, app):
    client = Client()
    response = password_login(client, "coordinator-a", next_path="/beheer/matching/signup/")

    assert response.status_code == 302
    assert path_of(response.url) == VERIFY
    assert query(response.url)["next"] == ["/beheer/matching/signup/"]
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Tweestapsverificatie" in page.content.decode()
    assert "authenticator-app" in page.content.decode()


def test_the_code_page_shows_no_menu_of_the_admin(password_only, app):
    page = password_only.get(VERIFY).content.decode()

    assert "Techportal-beheer" in page
    assert "/beheer/matching/signup/" not in page
    assert 'id="nav-sidebar"' not in page


def test_the_login_page_sends_a_user_halfway_on_to_the_code(password_only, app):
    response = password_only.get("/beheer/login/?next=/beheer/impact/")

    assert path_of(response.url) == VERIFY
    assert query(response.url)["next"] == ["/beheer/impact/"]


# --- the code from the app ---------------------------------------------------------------------


def test_a_code_from_the_app_opens_beheer_under_a_new_session_key(password_only, app):
    before = password_only.session.session_key

    response = code_login(password_only, current_code(app), next_path="/beheer/matching/signup/")

    assert response.status_code == 302
    assert response.url == "/beheer/matching/signup/"
    assert password_only.session.session_key != before
    assert password_only.get("/beheer/matching/signup/").status_code == 200
    assert password_only.get("/beheer/impact/").status_code == 200


def test_a_wrong_code_is_refused_in_dutch_and_nothing_opens(password_only, app):
    response = code_login(password_only, wrong_code(app))

    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert password_only.get("/beheer/").status_code == 302


def test_after_a_wrong_code_the_next_try_must_wait_a_moment(password_only, app, moment):
    code_login(password_only, wrong_code(app))

    too_soon = code_login(password_only, current_code(app))
    assert "Te veel onjuiste codes achter elkaar" in too_soon.content.decode()
    assert password_only.get("/beheer/").status_code == 302

    moment.shift(datetime.timedelta(seconds=3))
    assert code_login(password_only, current_code(app)).status_code == 302
    assert password_only.get("/beheer/").status_code == 200


def test_a_code_from_the_app_works_only_once(coordinator, app):
    code = current_code(app)
    first, second = Client(), Client()
    password_login(first, "coordinator-a")
    password_login(second, "coordinator-a")

    assert code_login(first, code).status_code == 302
    assert "Deze code klopt niet" in code_login(second, code).content.decode()


# --- backup codes ------------------------------------------------------------------------------


def test_a_backup_code_opens_beheer_once(coordinator, app, backup_codes, moment):
    client = Client()
    password_login(client, "coordinator-a")

    assert code_login(client, backup_codes[0].upper()).status_code == 302
    assert client.get("/beheer/").status_code == 200
    assert not StaticToken.objects.filter(token=backup_codes[0]).exists()

    again = Client()
    password_login(again, "coordinator-a")
    moment.shift(datetime.timedelta(seconds=5))
    refused = code_login(again, backup_codes[0])
    assert "Deze code klopt niet" in refused.content.decode()
    assert again.get("/beheer/").status_code == 302


def test_a_wrong_backup_code_does_not_slow_down_the_app(password_only, app, backup_codes):
    code_login(password_only, "zzzz9999")

    assert code_login(password_only, current_code(app)).status_code == 302


# --- setting up the app -----------------------------------------------------------------------


def enrol_page(client: Client) -> tuple[str, TOTPDevice]:
    response = client.get(ENROL)
    assert response.status_code == 200
    return response.content.decode(), TOTPDevice.objects.get(confirmed=False)


def test_without_a_device_the_code_page_sends_staff_to_set_up_the_app(password_only):
    response = password_only.get(f"{VERIFY}?next=/beheer/impact/")

    assert path_of(response.url) == ENROL
    assert query(response.url)["next"] == ["/beheer/impact/"]


def test_the_set_up_page_shows_a_qr_code_and_the_key_to_type(password_only, coordinator):
    page, device = enrol_page(password_only)

    assert device.user == coordinator
    assert re.search(r'<svg [^>]*class="otp-qr"', page)
    assert "style=" not in page
    secret = b32encode(device.bin_key).decode()
    typed = re.search(r'<code class="otp-secret" id="otp-sleutel">([A-Z2-7 ]+)</code>', page)
    assert typed and typed.group(1).replace(" ", "") == secret
    _, same = enrol_page(password_only)
    assert same == device  # a reload keeps the QR code that was scanned


def test_setting_up_the_app_confirms_it_and_shows_ten_backup_codes_once(password_only, moment):
    _, device = enrol_page(password_only)
    before = password_only.session.session_key

    wrong = post_code(password_only, ENROL, wrong_code(device))
    assert "Deze code klopt niet" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    moment.shift(datetime.timedelta(seconds=3))
    response = post_code(password_only, f"{ENROL}?next=/beheer/impact/", current_code(device))
    assert path_of(response.url) == BACKUP_CODES
    device.refresh_from_db()
    assert device.confirmed
    assert password_only.session.session_key != before

    shown = password_only.get(response.url)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown.content.decode())
    assert len(set(codes)) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert "no-store" in shown["Cache-Control"]
    assert 'href="/beheer/impact/"' in shown.content.decode()
    assert password_only.get(BACKUP_CODES).status_code == 302  # shown once
    assert password_only.get("/beheer/impact/").status_code == 200


def test_a_password_alone_cannot_set_up_another_app(password_only, app):
    response = password_only.get(ENROL)

    assert path_of(response.url) == VERIFY
    assert TOTPDevice.objects.count() == 1
    refused = post_code(password_only, ENROL, current_code(app))
    assert path_of(refused.url) == VERIFY
    assert TOTPDevice.objects.count() == 1


# --- where the code page may send the user -------------------------------------------------------


@pytest.mark.parametrize(
    "next_path",
    ["https://evil.example/", "//evil.example/beheer/", "/\\evil.example", "javascript:alert(1)"],
)
def test_after_the_code_only_pages_of_this_site_are_next(password_only, app, next_path):
    response = password_only.post(VERIFY, {"code": current_code(app), "next": next_path})

    assert response.status_code == 302
    assert response.url == "/beheer/"


# --- who never gets in -------------------------------------------------------------------------


def test_an_account_that_is_not_staff_never_reaches_the_code_or_beheer():
    UserFactory(username="docent", is_staff=False)
    client = Client()

    response = password_login(client, "docent")

    assert response.status_code == 200  # the login form again, with its error
    assert "_auth_user_id" not in client.session
    client.force_login(UserFactory(username="docent-2", is_staff=False))
    for url in (VERIFY, ENROL, BACKUP_CODES, "/beheer/"):
        refused = client.get(url)
        assert path_of(refused.url) == "/beheer/login/", url
    assert not TOTPDevice.objects.exists()


def test_anonymous_visitors_of_the_code_pages_go_to_the_login():
    for url in (VERIFY, ENROL, BACKUP_CODES):
        response = Client().get(url)
        assert path_of(response.url) == "/beheer/login/", url


def test_staff_halfway_can_log_out(password_only, app):
    response = password_only.post("/beheer/logout/")

    assert response.status_code == 200
    assert "_auth_user_id" not in password_only.session
    assert path_of(password_only.get(VERIFY).url) == "/beheer/login/"


def test_the_suites_client_fixture_passes_the_second_factor_for_staff(client, coordinator):
    client.force_login(coordinator)

    assert client.get("/beheer/").status_code == 200
