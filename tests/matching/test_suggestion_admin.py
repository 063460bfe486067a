"""Suggestions in /beheer/: on the triage page, an offer and a school; one click proposes a match.

Tested from the outside: what a coordinator sees on the pages, what a forged proposal does.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match, SignUp
from offers.models import Offer, OfferKind
from organisations.models import PostcodeArea
from techportal.choices import Level, World
from tests.conftest import login_as_coordinator
from tests.factories import (
    ContactFactory,
    MatchFactory,
    OfferFactory,
    SchoolFactory,
    SignUpFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROPOSE = reverse("admin:matching_match_propose")


@pytest.fixture(autouse=True)
def centres(db):
    PostcodeArea.objects.create(pc4=1011, latitude=52.3731, longitude=4.9003, place="Amsterdam")
    PostcodeArea.objects.create(pc4=1102, latitude=52.3124, longitude=4.9466, place="Zuidoost")
    PostcodeArea.objects.create(pc4=3511, latitude=52.0927, longitude=5.1131, place="Utrecht")


@pytest.fixture
def school_near(region_a):
    school = SchoolFactory(
        name="Zuidoost College",
        postcode="1102AA",
        city="Amsterdam",
        school_levels=[Level.VMBO_BB],
        worlds=[World.ENERGY],
    )
    ContactFactory(organisation=school, name="Mevr. Bakker", email="bakker@zuidoost.example.nl")
    return school


@pytest.fixture
def signup_a(company_a):
    signup = SignUpFactory(organisation=company_a, status=SignUp.Status.IN_TRIAGE)
    OfferFactory(signup=signup, title="Gastles windenergie", levels=[Level.VMBO_BB])
    return signup


@pytest.fixture
def offer_b(company_b):
    return OfferFactory(
        organisation=company_b,
        status=Offer.Status.PUBLISHED,
        published_at=timezone.now(),
        title="Zonnepanelen in Utrecht",
    )


def test_the_triage_page_shows_ranked_schools_with_their_reasons(
    coordinator_a_client, signup_a, school_near
):
    response = coordinator_a_client.get(reverse("admin:matching_signup_change", args=[signup_a.pk]))

    page = response.content.decode()
    assert "Scholen die passen bij “Gastles windenergie”" in page
    assert "Zuidoost College, Amsterdam" in page
    assert "7 km · vmbo-BB · Energie, Water &amp; Veiligheid · nog geen match" in page
    assert ">Voorstellen</button>" in page


def test_one_click_proposes_a_match_and_returns_to_the_page(
    coordinator_a_client,
    coordinator_a,
    signup_a,
    school_near,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    offer = signup_a.offers.get()
    back = reverse("admin:matching_signup_change", args=[signup_a.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_a_client.post(
            PROPOSE, {"offer": offer.pk, "school": school_near.pk, "next": back}
        )

    assert response.status_code == 302
    assert response["Location"] == back
    match = Match.objects.get()
    assert (match.offer, match.school, match.status) == (offer, school_near, "proposed")
    assert match.teacher_email == "bakker@zuidoost.example.nl"  # the school's contact
    assert match.proposed_by == coordinator_a.user
    assert "bakker@zuidoost.example.nl" in {address for m in mailoutbox for address in m.to}
    # Proposed once: the school is no longer suggested for this offer.
    page = coordinator_a_client.get(back).content.decode()
    assert "Zuidoost College, Amsterdam" not in page


def test_a_school_page_lists_the_offers_that_fit_it(coordinator_a_client, school_near, company_a):
    OfferFactory(
        organisation=company_a,
        status=Offer.Status.PUBLISHED,
        published_at=timezone.now(),
        title="Lassen voor beginners",
        levels=[Level.VMBO_BB],
    )

    response = coordinator_a_client.get(
        reverse("admin:organisations_organisation_change", args=[school_near.pk])
    )

    page = response.content.decode()
    assert "Aanbod dat past bij deze school" in page
    assert "Lassen voor beginners" in page
    assert "nieuw bedrijf voor deze school" in page


def test_a_company_page_shows_no_school_suggestions(coordinator_a_client, company_a):
    response = coordinator_a_client.get(
        reverse("admin:organisations_organisation_change", args=[company_a.pk])
    )

    assert response.status_code == 200
    assert "Suggesties voor een match" not in response.content.decode()


def test_a_coordinator_cannot_propose_another_regions_offer(
    coordinator_a_client, offer_b, school_near
):
    response = coordinator_a_client.post(
        PROPOSE, {"offer": offer_b.pk, "school": school_near.pk}, follow=True
    )

    assert not Match.objects.exists()
    assert "Dit aanbod is voor u niet te zien." in response.content.decode()


def test_another_regions_offer_page_and_its_suggestions_stay_out_of_reach(
    coordinator_a_client, offer_b
):
    response = coordinator_a_client.get(reverse("admin:offers_offer_change", args=[offer_b.pk]))

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert "Zonnepanelen" not in coordinator_a_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Dit veld is verplicht."),
        ({"offer": "abc", "school": "x"}, "Dit aanbod is voor u niet te zien."),
        ({"offer": "999999", "school": "999999"}, "Deze school bestaat niet."),
        ({"offer": "1 OR 1=1", "school": "1; DROP TABLE matching_match"}, "niet te zien"),
    ],
)
def test_forged_or_empty_proposals_store_nothing_and_say_why(
    coordinator_a_client, signup_a, data, message
):
    response = coordinator_a_client.post(PROPOSE, data, follow=True)

    assert response.status_code == 200
    assert not Match.objects.exists()
    assert message in response.content.decode()


def test_a_company_cannot_be_proposed_as_school(coordinator_a_client, signup_a, company_a):
    offer = signup_a.offers.get()

    response = coordinator_a_client.post(
        PROPOSE, {"offer": offer.pk, "school": company_a.pk}, follow=True
    )

    assert not Match.objects.exists()
    assert "Deze school bestaat niet." in response.content.decode()


def test_proposing_the_same_match_twice_stores_one(coordinator_a_client, signup_a, school_near):
    data = {"offer": signup_a.offers.get().pk, "school": school_near.pk}

    coordinator_a_client.post(PROPOSE, data)
    response = coordinator_a_client.post(PROPOSE, data, follow=True)

    assert Match.objects.count() == 1
    assert "al" in response.content.decode()  # the service's Dutch refusal


def test_an_event_workshop_offer_cannot_be_proposed(coordinator_a_client, company_a, school_near):
    offer = OfferFactory(organisation=company_a, kind=OfferKind.EVENT_WORKSHOP)

    coordinator_a_client.post(PROPOSE, {"offer": offer.pk, "school": school_near.pk})

    assert not Match.objects.exists()


def test_the_way_back_never_leaves_the_site(coordinator_a_client, signup_a, school_near):
    response = coordinator_a_client.post(
        PROPOSE,
        {
            "offer": signup_a.offers.get().pk,
            "school": school_near.pk,
            "next": "https://evil.example.com/phish",
        },
    )

    assert response["Location"] == reverse("admin:matching_match_changelist")


def test_get_is_not_allowed_and_outsiders_never_reach_it(client, signup_a, school_near):
    staff = UserFactory(username="staff-without-rights", is_staff=True)
    data = {"offer": signup_a.offers.get().pk, "school": school_near.pk}

    client.force_login(staff)
    assert client.get(PROPOSE).status_code == 405
    assert client.post(PROPOSE, data).status_code == 403
    client.logout()
    assert client.post(PROPOSE, data).status_code == 302  # to the admin login
    assert not Match.objects.exists()


def test_a_school_without_an_email_gets_a_warning_to_fill_one_in(
    coordinator_a_client, signup_a, region_a
):
    school = SchoolFactory(postcode="1102AB", school_levels=[Level.VMBO_BB])

    response = coordinator_a_client.post(
        PROPOSE, {"offer": signup_a.offers.get().pk, "school": school.pk}, follow=True
    )

    assert Match.objects.get().teacher_email == ""
    assert "geen e-mailadres bekend" in response.content.decode()


def test_the_triage_page_needs_one_query_per_offer_for_its_suggestions(
    client, coordinator_a, company_a, django_assert_max_num_queries
):
    login_as_coordinator(client, coordinator_a)
    signup = SignUpFactory(organisation=company_a, status=SignUp.Status.IN_TRIAGE)
    url = reverse("admin:matching_signup_change", args=[signup.pk])
    OfferFactory(signup=signup)
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for n in range(3):
        OfferFactory(signup=signup)
        SchoolFactory(postcode="1102AA", name=f"School {n}")
    for _ in range(6):
        MatchFactory(school=SchoolFactory(postcode="1102AA"))

    with django_assert_max_num_queries(len(few.captured_queries) + 3 * 2):
        client.get(url)
