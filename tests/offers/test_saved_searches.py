"""Saved searches: save with double opt-in, the weekly digest, one-click unsubscribe and undo."""

import ipaddress
import threading
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail, signing
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone
from django.utils.html import escape

from offers.models import Offer, OfferKind, SavedSearch
from offers.services import saved_searches as services
from offers.tasks import send_saved_search_digests
from techportal.choices import Level
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

SAVE_URL = "/aanbod/bewaren/"
QUERY = "soort=gastles&niveau=vmbo_tl"
EMAIL = "docent@school.nl"
SCRIPT = "<script>alert('xss')</script>"


def unique_address() -> str:
    """An IP address no other test has posted from: its own rate-limit count."""
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


def save(client, *, email=EMAIL, query=QUERY, **extra):
    data = {"email": email, "query": query, "fax": ""} | extra
    return client.post(SAVE_URL, data, REMOTE_ADDR=unique_address())


def saved(*, email=EMAIL, query=QUERY, confirmed_at=None, last_sent_at=None) -> SavedSearch:
    return SavedSearch.objects.create(
        email=email, query=query, confirmed_at=confirmed_at, last_sent_at=last_sent_at
    )


def published(*, at, kind=OfferKind.GASTLES, levels=(Level.VMBO_TL,), **fields) -> Offer:
    return OfferFactory(
        kind=kind, levels=list(levels), status=Offer.Status.PUBLISHED, published_at=at, **fields
    )


def path_of(url: str) -> str:
    return urlsplit(url).path


def link_in(body: str, marker: str) -> str:
    """The first link in a plain-text email whose path contains `marker`."""
    return next(word for word in body.split() if word.startswith("http") and marker in word)


class OldSigner(signing.TimestampSigner):
    """Signs as if it were `age` seconds ago: how an expired link looks."""

    def __init__(self, *, age: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.age = age

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - self.age)


# --- saving --------------------------------------------------------------------------------------


def test_it_saves_the_search_unconfirmed_and_emails_a_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = save(client)

    assert response.status_code == 302
    assert response["Location"] == f"{SAVE_URL}?zoekopdracht=soort%3Dgastles%26niveau%3Dvmbo_tl"
    search = SavedSearch.objects.get()
    assert (search.email, search.query, search.confirmed_at) == (EMAIL, QUERY, None)
    assert search.confirmation_sent_at is not None
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "Bevestig uw bewaarde zoekopdracht op Techportal"
    assert "Gastles · vmbo theoretische leerweg (TL)" in message.body
    assert link_in(message.body, "/bevestigen/").startswith(settings.SITE_URL)
    assert "/aanbod/bewaren/afmelden/" in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_the_check_your_email_page_shows_the_search_in_words(client):
    response = client.get(response_location := save(client)["Location"])

    assert response_location.startswith(SAVE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bevestig uw e-mailadres" in html
    assert "Gastles · vmbo theoretische leerweg (TL)" in html
    assert f'href="{settings.SITE_URL}/aanbod/?{escape(QUERY)}"' in html
    assert EMAIL not in html  # nothing personal in a page anyone with the URL sees
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_it_stores_the_search_as_the_catalogue_writes_it(client):
    save(client, query="niveau=vmbo_tl&soort=gastles&sorteer=nieuwste&page=3&onzin=1")

    assert SavedSearch.objects.get().query == QUERY


def test_the_search_in_words_names_text_filters_region_and_distance(region_a):
    query = "q=lassen&soort=stage&wereld=energie_water_veiligheid&regio=amsterdam&postcode=1011AB"

    assert services.describe(query) == (
        "“lassen” · Stage · Energie, Water & Veiligheid · regio Amsterdam · binnen 25 km van 1011AB"
    )


# --- bad input ------------------------------------------------------------------------------------

REQUIRED_EMAIL = "Vul uw e-mailadres in."
INVALID_EMAIL = "Vul een geldig e-mailadres in, zoals naam@school.nl."
EMPTY_QUERY = "Zoek eerst op een woord of kies een filter"
LONG_QUERY = "Deze zoekopdracht is te lang om te bewaren."

BAD_INPUT = [
    pytest.param({"email": ""}, REQUIRED_EMAIL, id="email-empty"),
    pytest.param({"email": "   "}, REQUIRED_EMAIL, id="email-spaces"),
    pytest.param(
        {"email": "a" * 250 + "@school.nl"},
        "Zorg dat deze waarde niet meer dan 254 tekens bevat (het zijn er nu 260).",
        id="email-too-long",
    ),
    pytest.param({"email": "docent@"}, INVALID_EMAIL, id="email-malformed"),
    pytest.param({"email": "docent school.nl"}, INVALID_EMAIL, id="email-space"),
    pytest.param({"email": f"{SCRIPT}@school.nl"}, INVALID_EMAIL, id="email-script"),
    pytest.param({"email": "x@school.nl' OR '1'='1"}, INVALID_EMAIL, id="email-sql"),
    pytest.param({"email": "x@school.nl\x00"}, "Null-tekens zijn niet toegestaan.", id="email-nul"),
    pytest.param({"query": ""}, EMPTY_QUERY, id="query-empty"),
    pytest.param({"query": "page=2&sorteer=nieuwste"}, EMPTY_QUERY, id="query-only-page-and-sort"),
    pytest.param(
        {"query": f"soort={SCRIPT}&niveau=' OR 1=1; DROP TABLE offers_offer; --"},
        EMPTY_QUERY,
        id="query-forged",
    ),
    pytest.param({"query": "soort=gastles&" + "x" * 5000}, LONG_QUERY, id="query-5000-chars"),
    pytest.param(
        {"fax": "+31 20 123 4567"},
        "Dit formulier kon niet worden verzonden. Laat het verborgen veld leeg.",
        id="honeypot",
    ),
    pytest.param(
        {"form_token": "geen-uuid"},
        "Dit formulier is onvolledig. Vernieuw de pagina en probeer het opnieuw.",
        id="form-token-forged",
    ),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_dutch_message_and_nothing_is_stored(
    client, django_capture_on_commit_callbacks, changes, message
):
    with django_capture_on_commit_callbacks(execute=True):
        response = save(client, **changes)

    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in html
    assert 'id="foutmeldingen"' in html  # the error summary
    assert "Terug naar de zoekresultaten" in html
    assert SavedSearch.objects.count() == 0
    assert mail.outbox == []


def test_what_was_typed_is_shown_again_escaped(client):
    response = save(client, email=f"{SCRIPT}@school.nl")

    html = response.content.decode()
    assert SCRIPT not in html
    assert escape(f"{SCRIPT}@school.nl") in html


def test_a_refused_form_still_shows_the_search_and_links_back_to_it(client):
    response = save(client, email="docent@")

    html = response.content.decode()
    assert "Gastles · vmbo theoretische leerweg (TL)" in html
    assert f'value="{escape(QUERY)}"' in html
    assert f'href="{settings.SITE_URL}/aanbod/?{escape(QUERY)}"' in html


def test_the_save_endpoint_is_rate_limited_per_address(client, settings):
    settings.SAVED_SEARCH_RATE_LIMIT = "2/h"
    address = unique_address()
    for number in range(2):
        data = {"email": f"docent{number}@school.nl", "query": QUERY}
        assert client.post(SAVE_URL, data, REMOTE_ADDR=address).status_code == 302

    response = client.post(SAVE_URL, {"email": EMAIL, "query": QUERY}, REMOTE_ADDR=address)

    assert response.status_code == 429
    assert "Uw laatste zoekopdracht is daarom niet bewaard." in response.content.decode()
    assert not SavedSearch.objects.filter(email=EMAIL).exists()


# --- saving again ---------------------------------------------------------------------------------


def test_saving_the_same_search_again_keeps_one_row_and_one_email(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = save(client)
        second = save(client, email=EMAIL.upper())

    assert first["Location"] == second["Location"]
    assert SavedSearch.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_unconfirmed_search_gets_its_confirmation_again_after_ten_minutes(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        search = services.saved_search_create(email=EMAIL, query=QUERY)
    SavedSearch.objects.filter(pk=search.pk).update(
        confirmation_sent_at=timezone.now() - timedelta(minutes=11)
    )

    with django_capture_on_commit_callbacks(execute=True):
        again = services.saved_search_create(email=EMAIL, query=QUERY)

    assert again.pk == search.pk
    assert len(mail.outbox) == 2


def test_saving_a_confirmed_search_again_sends_nothing_and_says_nothing_different(
    client, django_capture_on_commit_callbacks
):
    saved(confirmed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = save(client)

    assert response.status_code == 302
    assert response["Location"] == save(Client())["Location"]
    assert SavedSearch.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_make_one_row():
    """Both transactions insert; the second waits on the unique index, then finds the first."""
    barrier = threading.Barrier(2)
    found: list[int] = []

    def save_in_own_connection() -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                found.append(services.saved_search_create(email=EMAIL, query=QUERY).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=save_in_own_connection) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert SavedSearch.objects.count() == 1
    assert found == [SavedSearch.objects.get().pk] * 2


def test_a_repeated_confirmation_task_sends_once():
    search = saved()

    assert services.saved_search_send_confirmation(saved_search_id=search.pk) is True
    assert services.saved_search_send_confirmation(saved_search_id=search.pk) is False
    assert len(mail.outbox) == 1


# --- confirming -----------------------------------------------------------------------------------


def confirm(client, token: str):
    return client.get(f"/aanbod/bewaren/bevestigen/{token}/")


def test_the_link_in_the_email_confirms_the_search_and_shows_it(client):
    search = saved()
    services.saved_search_send_confirmation(saved_search_id=search.pk)
    link = link_in(mail.outbox[0].body, "/bevestigen/")

    response = client.get(path_of(link))

    assert response.status_code == 200
    search.refresh_from_db()
    assert search.confirmed_at is not None
    html = response.content.decode()
    assert "Uw zoekopdracht is bewaard" in html
    assert "Gastles · vmbo theoretische leerweg (TL)" in html
    assert f'href="{settings.SITE_URL}/aanbod/?{escape(QUERY)}"' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_confirming_again_changes_nothing(client):
    search = saved(confirmed_at=timezone.now() - timedelta(days=3))
    confirmed_at = search.confirmed_at

    response = confirm(client, services.confirm_token(search))

    assert response.status_code == 200
    search.refresh_from_db()
    assert search.confirmed_at == confirmed_at


def test_a_tampered_confirmation_link_is_not_found(client):
    search = saved()
    token = services.confirm_token(search)

    assert confirm(client, token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 404
    forged = signing.dumps(search.pk, salt=services.UNSUBSCRIBE_SALT)  # another link's salt
    assert confirm(client, forged).status_code == 404
    assert confirm(client, "geen-token").status_code == 404
    search.refresh_from_db()
    assert search.confirmed_at is None


def test_an_expired_confirmation_link_is_not_found(client):
    search = saved()
    old = OldSigner(age=settings.SAVED_SEARCH_CONFIRM_MAX_AGE + 60, salt=services.CONFIRM_SALT)

    response = confirm(client, old.sign_object(search.pk))

    assert response.status_code == 404
    search.refresh_from_db()
    assert search.confirmed_at is None


def test_the_confirmation_link_of_a_deleted_search_is_not_found(client):
    search = saved()
    token = services.confirm_token(search)
    search.delete()

    assert confirm(client, token).status_code == 404


# --- the weekly digest ----------------------------------------------------------------------------


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def digest(search: SavedSearch, now) -> int:
    return services.saved_search_send_digest(saved_search_id=search.pk, now=now)


def test_the_digest_lists_only_offers_published_since_the_opt_in_that_match(now):
    search = saved(confirmed_at=now - timedelta(days=7))
    new = published(at=now - timedelta(days=1), title="Gastles windenergie")
    published(at=now - timedelta(days=8), title="Gastles van vóór de aanmelding")
    published(at=now - timedelta(days=1), kind=OfferKind.WORKSHOP, title="Workshop solderen")
    published(at=now - timedelta(days=1), levels=[Level.HAVO], title="Gastles voor de havo")
    OfferFactory(title="Gastles nog in concept", levels=[Level.VMBO_TL])  # a draft
    published(at=now + timedelta(hours=1), title="Gastles van straks")

    assert digest(search, now) == 1

    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == (
        "1 nieuw aanbod voor uw zoekopdracht: Gastles · vmbo theoretische leerweg (TL)"
    )
    assert "Gastles windenergie" in message.body
    assert f"{settings.SITE_URL}/aanbod/{new.pk}/" in message.body
    for absent in ("vóór de aanmelding", "Workshop solderen", "havo", "concept", "straks"):
        assert absent not in message.body
    html = message.alternatives[0][0]
    assert "Gastles windenergie" in html
    search.refresh_from_db()
    assert search.last_sent_at == now


def test_the_digest_carries_one_click_unsubscribe_headers(now):
    search = saved(confirmed_at=now - timedelta(days=7))
    published(at=now - timedelta(days=1))

    digest(search, now)

    headers = mail.outbox[0].extra_headers
    url = services.unsubscribe_url(search)
    assert headers["List-Unsubscribe"] == f"<{url}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in mail.outbox[0].body
    assert (
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in mail.outbox[0].message().as_string()
    )


def test_the_next_digest_lists_only_what_is_new_since_the_last_one(now):
    search = saved(confirmed_at=now - timedelta(days=14), last_sent_at=now - timedelta(days=7))
    published(at=now - timedelta(days=8), title="Gastles al gemeld")
    published(at=now - timedelta(days=2), title="Gastles nieuw deze week")

    assert digest(search, now) == 1

    assert "Gastles nieuw deze week" in mail.outbox[0].body
    assert "al gemeld" not in mail.outbox[0].body


def test_without_new_offers_no_email_is_sent(now):
    search = saved(confirmed_at=now - timedelta(days=7))
    published(at=now - timedelta(days=9))

    assert digest(search, now) == 0

    assert mail.outbox == []
    search.refresh_from_db()
    assert search.last_sent_at == now  # the period looked at


def test_an_unconfirmed_search_gets_no_digest(now):
    search = saved()
    published(at=now - timedelta(days=1))

    assert digest(search, now) == 0

    assert mail.outbox == []


def test_a_repeated_digest_sends_nothing_twice(now):
    search = saved(confirmed_at=now - timedelta(days=7))
    published(at=now - timedelta(days=1))

    digest(search, now)
    later_offer_at = now + timedelta(days=1)
    published(at=later_offer_at)

    assert digest(search, now) == 0
    assert digest(search, now + timedelta(days=5)) == 0  # within the week: a repeat
    assert len(mail.outbox) == 1
    # A week on, the next digest has what came since.
    assert digest(search, now + timedelta(days=7)) == 1
    assert len(mail.outbox) == 2


def test_a_long_digest_lists_ten_then_links_to_the_rest_newest_first(now):
    search = saved(confirmed_at=now - timedelta(days=7))
    for hours in range(1, 13):
        published(at=now - timedelta(hours=hours), title=f"Gastles nummer {hours}")

    assert digest(search, now) == 12

    body = mail.outbox[0].body
    assert "Gastles nummer 1 " in body  # the newest first
    assert "Gastles nummer 10 " in body
    assert "Gastles nummer 11" not in body
    assert "En 2 meer:" in body
    assert f"{settings.SITE_URL}/aanbod/?{QUERY}&sorteer=nieuwste" in body
    assert "12 nieuwe aanbiedingen" in mail.outbox[0].subject


def test_the_digest_finder_takes_one_query_for_every_due_search(
    now, django_assert_num_queries, django_capture_on_commit_callbacks
):
    due = [
        saved(email=f"docent{n}@school.nl", confirmed_at=now - timedelta(days=7)) for n in range(5)
    ]
    due.append(
        saved(email="week@school.nl", confirmed_at=now, last_sent_at=now - timedelta(days=7))
    )
    saved(email="onbevestigd@school.nl")
    saved(email="recent@school.nl", confirmed_at=now, last_sent_at=now - timedelta(days=1))

    with django_assert_num_queries(1), django_capture_on_commit_callbacks() as callbacks:
        queued = send_saved_search_digests()

    assert queued == len(callbacks) == 6
    assert list(services.saved_searches_due(now=now)) == [search.pk for search in due]


def test_the_weekly_beat_emails_each_due_search_once(django_capture_on_commit_callbacks):
    now = timezone.now()
    matching = saved(confirmed_at=now - timedelta(days=7))
    saved(email="ander@school.nl", query="soort=stage", confirmed_at=now - timedelta(days=7))
    saved(email="onbevestigd@school.nl")
    published(at=now - timedelta(hours=1), title="Gastles robotica")

    for _ in range(2):  # a double beat
        with django_capture_on_commit_callbacks(execute=True):
            send_saved_search_digests()

    [message] = mail.outbox
    assert message.to == [matching.email]
    assert "Gastles robotica" in message.body


# --- unsubscribing and undo -----------------------------------------------------------------------


def unsubscribe_path(search: SavedSearch) -> str:
    return f"/aanbod/bewaren/afmelden/{services.unsubscribe_token(search)}/"


def test_one_click_on_the_link_deletes_the_search(client):
    search = saved(confirmed_at=timezone.now())

    response = client.get(unsubscribe_path(search))

    assert response.status_code == 200
    assert not SavedSearch.objects.exists()
    html = response.content.decode()
    assert "U bent afgemeld" in html
    assert "Ongedaan maken" in html
    assert EMAIL in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    # A second click is just as fine.
    assert client.get(unsubscribe_path(search)).status_code == 200


def test_a_mail_programs_one_click_post_deletes_the_search_without_a_csrf_token():
    search = saved(confirmed_at=timezone.now())
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        unsubscribe_path(search),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not SavedSearch.objects.exists()


def test_the_link_in_a_digest_unsubscribes(client):
    now = timezone.now()
    search = saved(confirmed_at=now - timedelta(days=7))
    published(at=now - timedelta(hours=1))
    digest(search, now)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")

    assert client.get(path_of(link)).status_code == 200

    assert not SavedSearch.objects.exists()


def test_the_link_in_the_confirmation_email_deletes_an_unconfirmed_search(client):
    search = saved()
    services.saved_search_send_confirmation(saved_search_id=search.pk)

    client.get(path_of(link_in(mail.outbox[0].body, "/afmelden/")))

    assert not SavedSearch.objects.exists()


def test_undo_brings_the_search_back_confirmed(client):
    search = saved(confirmed_at=timezone.now() - timedelta(days=30))
    path = unsubscribe_path(search)
    client.get(path)

    response = client.post(path, {"undo": "1"})

    assert response.status_code == 200
    assert "Uw zoekopdracht is weer bewaard" in response.content.decode()
    restored = SavedSearch.objects.get()
    assert (restored.email, restored.query) == (EMAIL, QUERY)
    assert restored.confirmed_at is not None
    # Undo again does not make a second one.
    client.post(path, {"undo": "1"})
    assert SavedSearch.objects.count() == 1


def test_a_post_that_is_neither_one_click_nor_undo_changes_nothing(client):
    search = saved(confirmed_at=timezone.now())

    response = client.post(unsubscribe_path(search), {"iets": "anders"})

    assert response.status_code == 400
    assert SavedSearch.objects.count() == 1


def test_a_head_request_of_a_link_checker_does_not_unsubscribe(client):
    search = saved(confirmed_at=timezone.now())

    assert client.head(unsubscribe_path(search)).status_code == 200

    assert SavedSearch.objects.count() == 1


def test_a_tampered_unsubscribe_link_is_not_found(client):
    search = saved(confirmed_at=timezone.now())
    token = services.unsubscribe_token(search)
    forged = signing.dumps({"e": "ander@school.nl", "q": QUERY}, salt="een andere salt")

    for bad in (
        token[:-2] + "xy",
        forged,
        "geen-token",
        signing.dumps(search.pk, salt=services.UNSUBSCRIBE_SALT),
    ):
        assert client.get(f"/aanbod/bewaren/afmelden/{bad}/").status_code == 404
        assert client.post(f"/aanbod/bewaren/afmelden/{bad}/", {"undo": "1"}).status_code == 404

    assert SavedSearch.objects.count() == 1


# --- the form on the catalogue page ---------------------------------------------------------------


def render_include(query: str) -> str:
    request = RequestFactory().get("/aanbod/")
    return render_to_string("offers/_save_search.html", {"query": query}, request=request)


def test_the_catalogue_form_posts_the_search_with_a_labelled_email_field():
    html = render_include(QUERY)

    assert 'action="/aanbod/bewaren/"' in html
    assert f'name="query" value="{escape(QUERY)}"' in html
    assert '<label for="bewaar-email"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="fax"' in html


def test_the_catalogue_form_is_not_shown_without_a_search():
    assert "<form" not in render_include("")


def test_the_catalogue_form_escapes_the_search():
    html = render_include('q="><script>')

    assert "<script>" not in html


def test_the_catalogue_page_offers_to_save_its_search(client):
    published(at=timezone.now())

    html = client.get("/aanbod/", {"niveau": "vmbo_tl", "soort": "gastles", "page": "1"}).content

    assert 'action="/aanbod/bewaren/"' in html.decode()
    assert f'name="query" value="{escape(QUERY)}"' in html.decode()
