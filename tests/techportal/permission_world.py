"""The cast and the data of the permission matrix (test_permission_matrix.py), built once.

Two mirrored sides: side A lies in region Amsterdam with event X (organiser X), side B in region
Utrecht with event Y (organiser Y). Each side has a company with a contact, a sign-up with a
draft offer, a published offer, a school, a teacher's request, a match, an event with one class
registered, and a saved search. Every side's private data carries a marker string that only
those allowed to see it may ever find in a response body.

The roles, one logged-in (or anonymous) test client each:

- anon: a stranger without an account or a link (or a link holder who edits their link to
  name another object: that is what every role without its own link sends);
- user: a logged-in user who is not staff;
- pw: coordinator A after the password, before the second factor;
- teacher: holds side A's teacher links (request status, registration status, match page of
  the school side, saved search), no account;
- company: holds side A's company links (sign-up status and thanks page, request answer, match
  page of the company side), no account;
- cd_a / cd_b: the coordinators of region A / region B ("Coördinatoren" group);
- org_x / org_y: staff of organiser X / organiser Y ("Organisatoren" group);
- desk: the national desk; super: a superuser.

Staff log in with force_login of tests.otp.VerifiedClient, which also passes the second factor.
"""

import datetime
import json
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User
from django.core import signing
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from events.models import Event, OrganiserStaff, Registration, TimeSlot
from events.queries import registration_status_token
from matching.match_queries import match_token
from matching.models import Match, SignUp
from matching.queries import status_token, thanks_token
from offers.models import Offer, OfferRequest, SavedSearch
from offers.queries import request_answer_token, request_status_token
from offers.services.saved_searches import confirm_token, unsubscribe_token
from organisations.models import Contact, Coordinator, Organisation, Region
from organisations.services import coordinator_group_ensure, organiser_group_ensure
from techportal.choices import Level
from tests.events.conftest import make_event, register
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    CoordinatorFactory,
    MatchFactory,
    OfferFactory,
    PostcodeRangeFactory,
    RegionFactory,
    SchoolFactory,
    SignUpFactory,
    UserFactory,
)
from tests.otp import VerifiedClient

ROLES = (
    "anon",
    "user",
    "pw",
    "teacher",
    "company",
    "cd_a",
    "cd_b",
    "org_x",
    "org_y",
    "desk",
    "super",
)
LINK_ROLES = ("teacher", "company")

# The marker strings of each side. PRIVATE ones are never public: only staff in scope and the
# link holders see them. NAMES are public on the site (catalogue, event pages, school picker)
# but must not turn up in the /beheer/ of staff outside the scope.
MARKERS = {
    "A": {
        "signup": "TP-2025-10001",
        "contact": "alfa.contact@bedrijf.example.nl",
        "draft_offer": "Alfa conceptstage lastechniek",
        "request": "alfa.aanvraag@school.example.nl",
        "match": "alfa.match@school.example.nl",
        "company": "Alfa Windtechniek",
        "school": "Alfa Vakcollege",
    },
    "B": {
        "signup": "TP-2025-20002",
        "contact": "bravo.contact@bedrijf.example.nl",
        "draft_offer": "Bravo conceptstage zonnepanelen",
        "request": "bravo.aanvraag@school.example.nl",
        "match": "bravo.match@school.example.nl",
        "company": "Bravo Zonnetechniek",
        "school": "Bravo Lyceum",
    },
    "X": {
        "registration": "Xander Inschrijver",
        "event": "Xray Techniekdag",
        "organiser": "Xray Techniekpact",
    },
    "Y": {
        "registration": "Yara Inschrijver",
        "event": "Yankee Techniekdag",
        "organiser": "Yankee Techniekpact",
    },
}
PRIVATE = {"signup", "contact", "draft_offer", "request", "match", "registration"}


def private(*groups: str) -> frozenset[str]:
    return frozenset(
        text for group in groups for name, text in MARKERS[group].items() if name in PRIVATE
    )


def public_names(*groups: str) -> frozenset[str]:
    return frozenset(
        text for group in groups for name, text in MARKERS[group].items() if name not in PRIVATE
    )


# What each role must never find in a response: (anywhere, and on /beheer/ pages also). An
# organiser sees the schools registered for their own event (and the companies hosting its
# workshops), so the public names of their own region are not forbidden to them. Neither
# side's sign-up offers a workshop at an event: the hosts page of an event (which shows an
# organiser the sign-ups and contacts of the companies that do) lists none of them.
NEVER_SEEN: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "anon": (private("A", "B", "X", "Y"), frozenset()),
    "user": (private("A", "B", "X", "Y"), frozenset()),
    "pw": (private("A", "B", "X", "Y"), public_names("A", "B", "X", "Y")),
    "cd_a": (private("B", "Y"), public_names("B", "Y")),
    "cd_b": (private("A", "X"), public_names("A", "X")),
    "org_x": (private("A", "B", "Y"), public_names("B", "Y")),
    "org_y": (private("A", "B", "X"), public_names("A", "X")),
}


@dataclass
class Side:
    """One side's rows."""

    region: Region
    coordinator: Coordinator
    company: Organisation
    contact: Contact
    signup: SignUp
    draft_offer: Offer
    offer: Offer
    school: Organisation
    request: OfferRequest
    match: Match
    organiser: Organisation
    organiser_user: User
    staff: OrganiserStaff
    event: Event
    registration: Registration
    saved_search: SavedSearch
    static_device: StaticDevice


@dataclass
class World:
    a: Side
    b: Side
    users: dict[str, User]
    clients: dict[str, Client] = field(default_factory=dict)
    # django-axes' records of logins (a failed attempt, its log, a logged login).
    login_records: dict[str, Model] = field(default_factory=dict)
    # The links the teacher and the company hold, by URL name; and each of them edited to
    # name side B's object instead (what any role without its own link sends).
    links: dict[str, dict[str, str]] = field(default_factory=dict)
    edited: dict[str, str] = field(default_factory=dict)

    def fresh_client(self, role: str) -> Client:
        """A new client logged in as `role` (staff with their second factor, except `pw`)."""
        client = Client() if role == "pw" else VerifiedClient()
        if self.users.get(role) is not None:
            client.force_login(self.users[role])
        return client


def _side(
    letter: str, *, region: Region, postcode: str, city: str, kvk: str, brin: str, event_letter: str
) -> Side:
    markers, event_markers = MARKERS[letter], MARKERS[event_letter]
    coordinator = CoordinatorFactory(
        user__username=f"coordinator-{letter.lower()}", regions=[region]
    )
    coordinator.user.groups.add(coordinator_group_ensure())
    company = CompanyFactory(name=markers["company"], postcode=postcode, city=city, kvk_number=kvk)
    contact = ContactFactory(organisation=company, email=markers["contact"])
    signup = SignUpFactory(
        reference=markers["signup"], organisation=company, contact=contact, coordinator=coordinator
    )
    draft_offer = OfferFactory(signup=signup, title=markers["draft_offer"])
    offer = OfferFactory(
        organisation=company,
        title=f"Gastles {city}",
        status=Offer.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    school = SchoolFactory(
        name=markers["school"], vestigingscode=brin, postcode=postcode, city=city
    )
    request = OfferRequest.objects.create(
        offer=offer,
        school=school,
        teacher_name=f"Docent {city}",
        teacher_email=markers["request"],
        group="3 vmbo-KB",
        level=Level.VMBO_KB,
        pupils=24,
        preferred_period="Na de herfstvakantie",
    )
    match = MatchFactory(offer=offer, school=school, teacher_email=markers["match"])
    organiser = Organisation.objects.create(
        kind=Organisation.Kind.ORGANISER,
        name=event_markers["organiser"],
        postcode=postcode,
        city=city,
    )
    organiser_user = UserFactory(username=f"organisator-{event_letter.lower()}", is_staff=True)
    organiser_user.groups.add(organiser_group_ensure())
    staff = OrganiserStaff.objects.create(user=organiser_user, organiser=organiser)
    event = make_event(
        organiser=organiser,
        region=region,
        date=timezone.localdate() + datetime.timedelta(days=30),
        title=event_markers["event"],
        slug=event_markers["event"].lower().replace(" ", "-"),
        city=city,
    )
    slot = TimeSlot.objects.create(
        event=event, starts_at=datetime.time(9), ends_at=datetime.time(10), capacity=50
    )
    registration = register(slot, school, teacher_name=event_markers["registration"])
    saved_search = SavedSearch.objects.create(
        email=f"{letter.lower()}.bewaard@school.example.nl", query="q=wind"
    )
    static_device = StaticDevice.objects.create(user=coordinator.user, name="reservecodes")
    return Side(
        region=region,
        coordinator=coordinator,
        company=company,
        contact=contact,
        signup=signup,
        draft_offer=draft_offer,
        offer=offer,
        school=school,
        request=request,
        match=match,
        organiser=organiser,
        organiser_user=organiser_user,
        staff=staff,
        event=event,
        registration=registration,
        saved_search=saved_search,
        static_device=static_device,
    )


def edit_token(token: str, payload: object) -> str:
    """`token` with its signed value replaced by `payload`: a link edited by hand."""
    _value, timestamp, signature = token.rsplit(":", 2)
    data = json.dumps(payload, separators=(",", ":")).encode()
    return f"{signing.b64_encode(data).decode()}:{timestamp}:{signature}"


def build_world() -> World:
    region_a = RegionFactory(name="Amsterdam", slug="amsterdam")
    PostcodeRangeFactory(region=region_a, start=1000, end=1109)
    region_b = RegionFactory(name="Utrecht", slug="utrecht")
    PostcodeRangeFactory(region=region_b, start=3500, end=3585)
    a = _side(
        "A",
        region=region_a,
        postcode="1011AB",
        city="Amsterdam",
        kvk="11111111",
        brin="11AA00",
        event_letter="X",
    )
    b = _side(
        "B",
        region=region_b,
        postcode="3511AB",
        city="Utrecht",
        kvk="22222222",
        brin="22BB00",
        event_letter="Y",
    )
    desk = CoordinatorFactory(user__username="landelijke-desk", is_national_desk=True)
    desk.user.groups.add(coordinator_group_ensure())
    users: dict[str, User] = {
        "user": UserFactory(username="buitenstaander"),
        "pw": a.coordinator.user,
        "cd_a": a.coordinator.user,
        "cd_b": b.coordinator.user,
        "org_x": a.organiser_user,
        "org_y": b.organiser_user,
        "desk": desk.user,
        "super": UserFactory(username="beheerder", is_staff=True, is_superuser=True),
    }
    world = World(a=a, b=b, users=users)
    login = {"username": "onbekende-gebruiker", "ip_address": "192.0.2.1", "user_agent": "Firefox"}
    world.login_records = {
        "accessattempt": AccessAttempt.objects.create(
            **login, get_data="", post_data="", failures_since_start=1
        ),
        "accessfailurelog": AccessFailureLog.objects.create(**login),
        "accesslog": AccessLog.objects.create(**login),
    }
    world.clients = {role: world.fresh_client(role) for role in ROLES}

    unsubscribe_b = {"e": b.saved_search.email, "q": b.saved_search.query}
    teacher = {
        "offers:request_status": request_status_token(a.request),
        "events:registration_status": registration_status_token(a.registration),
        "matching:match": match_token(a.match, Match.Side.SCHOOL),
        "offers:confirm_search": confirm_token(a.saved_search),
        "offers:unsubscribe": unsubscribe_token(a.saved_search),
    }
    company = {
        "matching:status": status_token(a.signup),
        "matching:thanks": thanks_token(a.signup),
        "offers:request_answer": request_answer_token(a.request),
        "matching:match": match_token(a.match, Match.Side.COMPANY),
    }
    world.links = {"teacher": teacher, "company": company}
    world.edited = {
        "offers:request_status": edit_token(teacher["offers:request_status"], b.request.pk),
        "events:registration_status": edit_token(
            teacher["events:registration_status"], b.registration.pk
        ),
        "matching:match": edit_token(teacher["matching:match"], [b.match.pk, "school"]),
        "offers:confirm_search": edit_token(teacher["offers:confirm_search"], b.saved_search.pk),
        "offers:unsubscribe": edit_token(teacher["offers:unsubscribe"], unsubscribe_b),
        "matching:status": edit_token(company["matching:status"], b.signup.pk),
        "matching:thanks": edit_token(company["matching:thanks"], b.signup.pk),
        "offers:request_answer": edit_token(
            company["offers:request_answer"], [b.request.pk, b.company.pk]
        ),
    }
    return world
