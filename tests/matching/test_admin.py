"""Triage in /beheer/: a coordinator sees and handles only the sign-ups of their own regions."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching.models import SignUp, SignUpEvent, SignUpNote
from offers.models import Offer, OfferKind
from organisations.services import coordinator_group_ensure
from tests.factories import (
    CompanyFactory,
    CoordinatorFactory,
    OfferFactory,
    SignUpFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIGNUP_LIST = "/beheer/matching/signup/"


def signup_url(signup: SignUp, page: str = "change") -> str:
    return f"{SIGNUP_LIST}{signup.pk}/{page}/"





@pytest.fixture
def signup_a(coordinator_a):
    company = CompanyFactory(
        name="Amsterdamse Windtechniek", postcode="1011AB", kvk_number="11111111"
    )
    signup = SignUpFactory(
        reference="TP-2025-00001",
        organisation=company,
        contact__email="anna@windtechniek.nl",
        coordinator=coordinator_a,
        received_at=timezone.now() - timedelta(days=3, hours=2),
        routed_at=timezone.now(),  # not overdue
    )
    OfferFactory(signup=signup, kind=OfferKind.GASTLES, title="Gastles windenergie")
    return signup


@pytest.fixture
def signup_b(coordinator_b):
    company = CompanyFactory(
        name="Utrechtse Zonnepanelen", postcode="3511AB", city="Utrecht", kvk_number="33333333"
    )
    signup = SignUpFactory(
        reference="TP-2025-00002",
        organisation=company,
        contact__email="bram@zonnepanelen.nl",
        coordinator=coordinator_b,
    )
    OfferFactory(signup=signup, kind=OfferKind.STAGE, title="Snuffelstage zonnepanelen")
    return signup


# What of sign-up B must never reach coordinator A.
SIGNUP_B_TRACES = ["TP-2025-00002", "Utrechtse Zonnepanelen", "33333333", "bram@zonnepanelen.nl"]


def listed(response) -> set[str]:
    return {signup.reference for signup in response.context["cl"].result_list}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def act(client, action: str, *signups: SignUp, **data):
    """Choose an action on the changelist for `signups`, as the action bar does."""
    return client.post(
        SIGNUP_LIST,
        {"action": action, "index": 0, "_selected_action": [s.pk for s in signups]} | data,
        follow=True,
    )


def confirm(client, action: str, *signups: SignUp, **data):
    """Submit an action's intermediate page (it posts without `index`, with `apply`)."""
    return client.post(
        SIGNUP_LIST,
        {"action": action, "apply": "1", "_selected_action": [s.pk for s in signups]} | data,
        follow=True,
    )


def state(signup: SignUp) -> tuple:
    """Everything an action could change about a sign-up."""
    signup.refresh_from_db()
    return (
        signup.status,
        signup.coordinator_id,
        signup.decline_reason,
        signup.triage_started_at,
        signup.closed_at,
        sorted(signup.offers.values_list("status", flat=True)),
        signup.events.count(),
    )


# --- the list -----------------------------------------------------------------------------------


def test_coordinator_a_lists_only_region_a_signups(coordinator_a_client, signup_a, signup_b):
    response = coordinator_a_client.get(SIGNUP_LIST)
    assert listed(response) == {"TP-2025-00001"}
    page = response.content.decode()
    assert "Amsterdamse Windtechniek" in page
    for trace in [*SIGNUP_B_TRACES, "Utrecht"]:
        assert trace not in page


def test_the_list_shows_kinds_region_status_age_and_the_overdue_mark(
    coordinator_a_client, signup_a
):
    late = SignUpFactory(
        organisation=signup_a.organisation,
        routed_at=timezone.now() - timedelta(days=10),
        received_at=timezone.now() - timedelta(days=10),
    )
    response = coordinator_a_client.get(SIGNUP_LIST)
    page = response.content.decode()
    for text in ["TP-2025-00001", "Gastles", "Amsterdam", "Doorgestuurd", "3\xa0dagen"]:
        assert text in page
    overdue = {s.reference: s.is_overdue for s in response.context["cl"].result_list}
    assert overdue == {"TP-2025-00001": False, late.reference: True}


def test_the_national_desk_sees_every_signup_including_those_without_region(
    national_desk_client, signup_a, signup_b
):
    nowhere = SignUpFactory(organisation=CompanyFactory(postcode="9999ZZ", city="Nergens"))
    assert nowhere.region is None
    response = national_desk_client.get(SIGNUP_LIST)
    assert listed(response) == {"TP-2025-00001", "TP-2025-00002", nowhere.reference}


def test_a_coordinator_does_not_see_signups_without_region(coordinator_a_client):
    SignUpFactory(organisation=CompanyFactory(postcode="9999ZZ", city="Nergens"))
    assert listed(coordinator_a_client.get(SIGNUP_LIST)) == set()


def test_a_staff_user_who_is_no_coordinator_sees_no_signups(client, signup_a):
    user = UserFactory(is_staff=True)
    user.groups.add(coordinator_group_ensure())
    client.force_login(user)
    assert listed(client.get(SIGNUP_LIST)) == set()


def test_an_outsider_is_sent_to_the_login(client, outsider, signup_a):
    client.force_login(outsider)
    for url in [SIGNUP_LIST, signup_url(signup_a)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/beheer/login/")


# --- change pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["change", "history", "delete"])
def test_coordinator_a_gets_404_for_region_b_signup(coordinator_a_client, signup_b, page):
    url = signup_url(signup_b, page)
    assert coordinator_a_client.get(url).status_code in (302, 403, 404)
    followed = coordinator_a_client.get(url, follow=True).content.decode()
    for trace in SIGNUP_B_TRACES:
        assert trace not in followed


def test_coordinator_a_cannot_add_a_note_to_region_b_signup(coordinator_a_client, signup_b):
    coordinator_a_client.post(signup_url(signup_b), note_form("Overgenomen"))
    assert not SignUpNote.objects.exists()


def test_the_change_page_shows_offers_with_links_and_the_history(coordinator_a_client, signup_a):
    SignUpEvent.objects.create(signup=signup_a, kind=SignUpEvent.Kind.ROUTED, message="Via test")
    offer = signup_a.offers.get()
    response = coordinator_a_client.get(signup_url(signup_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Gastles windenergie" in page
    assert f"/beheer/offers/offer/{offer.pk}/change/" in page
    assert "Via test" in page


def test_nobody_adds_signups_in_the_admin_and_coordinators_do_not_delete_them(
    coordinator_a_client, signup_a, admin_client
):
    assert coordinator_a_client.get(f"{SIGNUP_LIST}add/").status_code == 403
    assert admin_client.get(f"{SIGNUP_LIST}add/").status_code == 403
    assert coordinator_a_client.get(signup_url(signup_a, "delete")).status_code == 403
    coordinator_a_client.post(signup_url(signup_a, "delete"), {"post": "yes"})
    assert SignUp.objects.filter(pk=signup_a.pk).exists()


def note_form(text: str, **fields) -> dict:
    """The change form with one new note; the read-only inlines post no forms."""
    data = {
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "0",
        "notes-0-text": text,
    }
    for prefix in ["offers", "events"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | fields


def test_a_coordinator_adds_a_note_signed_with_their_name(
    coordinator_a_client, coordinator_a, signup_a
):
    before = state(signup_a)
    response = coordinator_a_client.post(signup_url(signup_a), note_form("Gebeld, komt rond."))
    assert response.status_code == 302
    note = SignUpNote.objects.get()
    assert (note.signup, note.author, note.text) == (
        signup_a,
        coordinator_a.user,
        "Gebeld, komt rond.",
    )
    assert state(signup_a) == before  # saving notes leaves the sign-up as it was


def test_the_rest_of_the_signup_cannot_be_changed_on_its_page(coordinator_a_client, signup_a):
    coordinator_a_client.post(
        signup_url(signup_a),
        note_form("", status="closed", decline_reason="Zomaar", coordinator=""),
    )
    signup_a.refresh_from_db()
    assert (signup_a.status, signup_a.decline_reason) == (SignUp.Status.ROUTED, "")
    assert signup_a.coordinator is not None


def test_existing_notes_cannot_be_changed(coordinator_a_client, signup_a, coordinator_b):
    note = SignUpNote.objects.create(signup=signup_a, author=coordinator_b.user, text="Eerste")
    data = note_form("", **{"notes-0-id": note.pk, "notes-0-text": "Herschreven"})
    data |= {"notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "1"}
    coordinator_a_client.post(signup_url(signup_a), data)
    note.refresh_from_db()
    assert (note.text, note.author) == ("Eerste", coordinator_b.user)
    assert SignUpNote.objects.count() == 1


# --- search and filters -------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["TP-2025-00002", "Utrechtse", "33333333", "bram@zonnepanelen"])
def test_coordinator_a_cannot_find_region_b_signup_by_search(
    coordinator_a_client, signup_a, signup_b, term
):
    response = coordinator_a_client.get(SIGNUP_LIST, {"q": term})
    assert listed(response) == set()
    for trace in SIGNUP_B_TRACES:
        if trace != term:  # the search box repeats the term
            assert trace not in response.content.decode()


@pytest.mark.parametrize("term", ["TP-2025-00001", "Windtechniek", "11111111", "anna@wind"])
def test_a_coordinator_finds_their_signup_by_reference_company_kvk_and_email(
    coordinator_a_client, signup_a, signup_b, term
):
    assert listed(coordinator_a_client.get(SIGNUP_LIST, {"q": term})) == {"TP-2025-00001"}


def test_the_region_filter_offers_only_the_coordinators_regions(
    coordinator_a_client, signup_a, signup_b
):
    response = coordinator_a_client.get(SIGNUP_LIST)
    region_filter = next(f for f in response.context["cl"].filter_specs if f.title == "regio")
    assert [title for _value, title in region_filter.lookup_choices] == ["Amsterdam"]
    other = coordinator_a_client.get(SIGNUP_LIST, {"region": signup_b.region_id})
    assert listed(other) == set()
    assert "Utrecht" not in other.content.decode()


def test_the_national_desk_can_filter_by_region_and_on_no_region(
    national_desk_client, signup_a, signup_b
):
    nowhere = SignUpFactory(organisation=CompanyFactory(postcode="9999ZZ", city="Nergens"))
    by_region = national_desk_client.get(SIGNUP_LIST, {"region": signup_b.region_id})
    assert listed(by_region) == {"TP-2025-00002"}
    assert listed(national_desk_client.get(SIGNUP_LIST, {"region": "none"})) == {nowhere.reference}


def test_the_kind_filter(national_desk_client, signup_a, signup_b):
    OfferFactory(signup=signup_a, kind=OfferKind.STAGE)
    assert listed(national_desk_client.get(SIGNUP_LIST, {"kind": "stage"})) == {
        "TP-2025-00001",
        "TP-2025-00002",
    }
    assert listed(national_desk_client.get(SIGNUP_LIST, {"kind": "gastles"})) == {"TP-2025-00001"}


def test_the_kind_filter_is_scoped(coordinator_a_client, signup_a, signup_b):
    assert listed(coordinator_a_client.get(SIGNUP_LIST, {"kind": "stage"})) == set()


def test_the_status_filter(coordinator_a_client, signup_a):
    closed = SignUpFactory(organisation=signup_a.organisation, status=SignUp.Status.CLOSED)
    assert listed(coordinator_a_client.get(SIGNUP_LIST, {"status__exact": "closed"})) == {
        closed.reference
    }


def test_the_overdue_filter(coordinator_a_client, signup_a, signup_b):
    long_ago = timezone.now() - timedelta(days=10)
    late = SignUpFactory(
        organisation=signup_a.organisation, received_at=long_ago, routed_at=long_ago
    )
    SignUp.objects.filter(pk=signup_b.pk).update(received_at=long_ago, routed_at=long_ago)
    assert listed(coordinator_a_client.get(SIGNUP_LIST, {"overdue": "yes"})) == {late.reference}
    assert listed(coordinator_a_client.get(SIGNUP_LIST, {"overdue": "no"})) == {"TP-2025-00001"}


# --- actions ------------------------------------------------------------------------------------


def test_taking_in_triage(coordinator_a_client, coordinator_a, signup_a):
    response = act(coordinator_a_client, "take_in_triage", signup_a)
    assert "1 aanmelding in behandeling genomen." in messages_of(response)
    signup_a.refresh_from_db()
    assert signup_a.status == SignUp.Status.IN_TRIAGE
    assert signup_a.events.get(kind=SignUpEvent.Kind.TRIAGE).actor == coordinator_a.user


def test_an_action_says_which_signups_it_left_alone(coordinator_a_client, signup_a):
    closed = SignUpFactory(organisation=signup_a.organisation, status=SignUp.Status.CLOSED)
    response = act(coordinator_a_client, "take_in_triage", signup_a, closed)
    assert messages_of(response) == [
        "1 aanmelding in behandeling genomen.",
        "1 aanmelding bleef ongewijzigd: die was al zo, of de status liet het niet toe.",
    ]


def test_publishing_the_draft_offers(coordinator_a_client, signup_a):
    response = act(coordinator_a_client, "publish_offers", signup_a)
    assert "1 × aanbod gepubliceerd." in messages_of(response)
    offer = signup_a.offers.get()
    assert offer.status == Offer.Status.PUBLISHED
    assert offer.published_at is not None


def test_closing(coordinator_a_client, signup_a):
    response = act(coordinator_a_client, "close", signup_a)
    assert "1 aanmelding afgerond." in messages_of(response)
    signup_a.refresh_from_db()
    assert signup_a.status == SignUp.Status.CLOSED


def test_reassigning_offers_only_coordinators_covering_the_region(
    coordinator_a_client, coordinator_a, coordinator_b, national_desk, region_a, signup_a
):
    colleague = CoordinatorFactory(regions=[region_a])
    CoordinatorFactory(regions=[region_a], is_active=False)
    response = act(coordinator_a_client, "reassign", signup_a)
    assert response.status_code == 200
    choices = set(response.context["form"].fields["coordinator"].queryset)
    assert choices == {coordinator_a, colleague, national_desk}


def test_reassigning_several_signups_offers_only_who_covers_all_their_regions(
    national_desk_client, coordinator_a, coordinator_b, national_desk, signup_a, signup_b
):
    response = act(national_desk_client, "reassign", signup_a, signup_b)
    assert set(response.context["form"].fields["coordinator"].queryset) == {national_desk}


def test_reassigning_to_a_colleague(
    coordinator_a_client, region_a, signup_a, django_capture_on_commit_callbacks
):
    colleague = CoordinatorFactory(regions=[region_a], user__first_name="Cor")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(coordinator_a_client, "reassign", signup_a, coordinator=colleague.pk)
    signup_a.refresh_from_db()
    assert signup_a.coordinator == colleague
    assert f"1 aanmelding overgedragen aan {colleague}." in messages_of(response)
    assert [m.to for m in mail.outbox] == [[colleague.user.email]]


def test_reassigning_to_a_coordinator_of_another_region_is_refused(
    coordinator_a_client, coordinator_a, coordinator_b, signup_a
):
    response = confirm(coordinator_a_client, "reassign", signup_a, coordinator=coordinator_b.pk)
    assert response.status_code == 200  # the page again, with the error
    assert "Deze coördinator behandelt niet alle gekozen regio" in response.content.decode()
    signup_a.refresh_from_db()
    assert signup_a.coordinator == coordinator_a


def test_declining_shows_a_page_asking_for_the_reason(coordinator_a_client, signup_a):
    response = act(coordinator_a_client, "decline", signup_a)
    page = response.content.decode()
    assert "Reden van afwijzing" in page
    assert "TP-2025-00001" in page
    assert "Geef een reden op" not in page  # no error before anything was submitted


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Geef een reden op; het bedrijf krijgt die te lezen."),
        ("   ", "Geef een reden op; het bedrijf krijgt die te lezen."),
        ("x" * 2001, "niet meer dan 2000 tekens"),
    ],
)
def test_declining_without_a_proper_reason_is_refused(
    coordinator_a_client, signup_a, reason, error
):
    before = state(signup_a)
    response = confirm(coordinator_a_client, "decline", signup_a, reason=reason)
    assert response.status_code == 200  # the page again, with the error
    assert error in response.content.decode()
    assert state(signup_a) == before


def test_declining_with_a_reason_emails_the_company(
    coordinator_a_client, coordinator_a, signup_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(
            coordinator_a_client, "decline", signup_a, reason="Geen scholen in de buurt."
        )
    assert "1 aanmelding afgewezen; het bedrijf krijgt een e-mail." in messages_of(response)
    signup_a.refresh_from_db()
    assert signup_a.status == SignUp.Status.DECLINED
    assert signup_a.decline_reason == "Geen scholen in de buurt."
    assert signup_a.events.get(kind=SignUpEvent.Kind.DECLINED).actor == coordinator_a.user
    assert signup_a.offers.get().status == Offer.Status.ARCHIVED
    assert [m.to for m in mail.outbox] == [["anna@windtechniek.nl"]]
    assert "Geen scholen in de buurt." in mail.outbox[0].body


@pytest.mark.parametrize(
    ("action", "submit", "fields"),
    [
        ("take_in_triage", act, {}),
        ("publish_offers", act, {}),
        ("close", act, {}),
        ("export_csv", act, {}),
        ("decline", confirm, {"reason": "Niet passend."}),
        ("reassign", confirm, {"coordinator": "national_desk"}),
    ],
)
def test_an_action_on_a_forged_id_of_region_b_leaves_that_signup_alone(
    coordinator_a_client, national_desk, signup_a, signup_b, action, submit, fields
):
    if fields.get("coordinator") == "national_desk":
        fields = {"coordinator": national_desk.pk}
    before = state(signup_b)
    response = submit(coordinator_a_client, action, signup_a, signup_b, **fields)
    assert response.status_code == 200
    assert state(signup_b) == before
    for trace in SIGNUP_B_TRACES:
        assert trace not in response.content.decode()


@pytest.mark.parametrize("action", ["close", "reassign", "decline"])
def test_an_action_on_only_a_forged_id_changes_nothing(
    coordinator_a_client, coordinator_b, signup_b, action
):
    before = state(signup_b)
    act(coordinator_a_client, action, signup_b)
    confirm(
        coordinator_a_client, action, signup_b, reason="Weg ermee", coordinator=coordinator_b.pk
    )
    assert state(signup_b) == before


# --- the CSV export -----------------------------------------------------------------------------


def export(client, *signups: SignUp) -> list[list[str]]:
    response = act(client, "export_csv", *signups)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="aanmeldingen-')
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_has_only_the_coordinators_own_rows(coordinator_a_client, signup_a, signup_b):
    header, *rows = export(coordinator_a_client, signup_a, signup_b)
    assert header[:4] == ["Kenmerk", "Bedrijf", "KvK-nummer", "E-mailadres contactpersoon"]
    assert [row[:8] for row in rows] == [
        [
            "TP-2025-00001",
            "Amsterdamse Windtechniek",
            "11111111",
            "anna@windtechniek.nl",
            "Gastles",
            "Amsterdam",
            str(signup_a.coordinator),
            "Doorgestuurd",
        ]
    ]


def test_the_export_defuses_spreadsheet_formulas(coordinator_a_client, signup_a):
    signup_a.organisation.name = '=HYPERLINK("https://example.com","Klik")'
    signup_a.organisation.save()
    signup_a.contact.email = "@evil@example.nl"
    signup_a.contact.save()
    _header, row = export(coordinator_a_client, signup_a)
    assert row[1] == '\'=HYPERLINK("https://example.com","Klik")'
    assert row[3] == "'@evil@example.nl"


# --- speed --------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_signups(n: int, coordinator) -> None:
    for _ in range(n):
        signup = SignUpFactory(
            organisation=CompanyFactory(postcode="1011AB"), coordinator=coordinator
        )
        OfferFactory(signup=signup, kind=OfferKind.GASTLES)
        OfferFactory(signup=signup, kind=OfferKind.STAGE)


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_the_list_uses_a_constant_number_of_queries(
    coordinator_a_client, admin_client, coordinator_a, who
):
    client = coordinator_a_client if who == "coordinator" else admin_client
    add_signups(3, coordinator_a)
    few = count_queries(client, SIGNUP_LIST)
    add_signups(27, coordinator_a)
    assert count_queries(client, SIGNUP_LIST) == few
    assert len(client.get(SIGNUP_LIST).context["cl"].result_list) == 30


# --- bad input in notes and decline reasons -----------------------------------------------------


def test_a_note_longer_than_2000_characters_is_refused_and_not_stored(
    coordinator_a_client, signup_a
):
    response = coordinator_a_client.post(signup_url(signup_a), note_form("x" * 2001))
    assert response.status_code == 200  # the page again, with the error
    assert "niet meer dan 2000 tekens" in response.content.decode()
    assert not SignUpNote.objects.exists()


def test_a_note_with_a_script_is_stored_as_text_and_shown_escaped(coordinator_a_client, signup_a):
    script = "<script>alert('x')</script>"
    coordinator_a_client.post(signup_url(signup_a), note_form(script))
    assert SignUpNote.objects.get().text == script
    page = coordinator_a_client.get(signup_url(signup_a)).content.decode()
    assert script not in page
    assert "&lt;script&gt;" in page


def test_a_decline_reason_with_a_script_reaches_the_company_escaped(
    coordinator_a_client, signup_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    script = "<script>alert('x')</script>"
    with django_capture_on_commit_callbacks(execute=True):
        confirm(coordinator_a_client, "decline", signup_a, reason=script)
    html, _mimetype = mail.outbox[0].alternatives[0]
    assert script not in html
    assert "&lt;script&gt;" in html
    assert script in mail.outbox[0].body  # plain text is plain text
