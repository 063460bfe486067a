"""One person in every kind of row, for the export and erasure tests.

Fenna is a company's contact person (with a sign-up whose message, history, notes and decline
reason name her) and, with the same address, a teacher: a request (accepted, so also a match), a
match a coordinator proposed, a class registration and a saved search. The /beheer/ history
names her, and so do django-axes' login records. Everything goes through the real services,
with the emails they send.
"""

import base64
import contextlib
import datetime
import json
import uuid
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from events.models import Registration
from events.services.registrations import registration_create
from matching import services as matching_services
from matching.models import Match, SignUp, SignUpNote
from offers.models import OfferRequest, SavedSearch
from offers.services import requests as request_services
from offers.services import saved_searches
from offers.services.search_words import search_words_rebuild
from organisations.models import Contact, Organisation
from techportal.choices import Level, World
from tests.events.conftest import make_event
from tests.factories import ContactFactory, MatchFactory, SchoolFactory
from tests.offers.requests_fixtures import published_offer

NAME = "Fenna Zwartkruis-Ödegaard"
EMAIL = "Fenna.Zwartkruis@voorbeeld-avg.nl"
PHONE = "+31687654329"
# What must be gone after the erasure, in any table, in any form (the JSON-escaped surname
# is how Django's admin history stores it).
TRACES = [
    "fenna",
    "zwartkruis",
    "ödegaard",
    "\\u00f6degaard",
    "voorbeeld-avg",
    "87654329",
]


@dataclass
class PersonRows:
    contact: Contact
    signup: SignUp
    offer_request: OfferRequest
    request_match: Match
    proposed_match: Match
    registration: Registration
    saved_search: SavedSearch
    other_contact: Contact


def person_everywhere(*, company, other_company, coordinator, region, capture) -> PersonRows:
    """`capture` is pytest-django's `django_capture_on_commit_callbacks`: each step's queued
    tasks (routing, emails) run when it ends, as they would after a commit."""
    with capture(execute=True):
        signup, _new = _signup(company)
    contact = signup.contact
    with capture(execute=True):
        SignUpNote.objects.create(
            signup=signup, author=coordinator.user, text="Fenna belde: ze komt in maart."
        )
        matching_services.signup_take_in_triage(signup=signup, actor=coordinator.user)
        matching_services.signup_publish_offers(signup=signup, actor=coordinator.user)
        search_words_rebuild()  # the hourly task: her name is a word of a published offer
        matching_services.signup_decline(
            signup=signup, reason="Sorry Fenna, dit past niet in de regio.", actor=coordinator.user
        )
    with capture(execute=True):
        teacher_rows = _as_teacher(other_company, region)
    saved_search = teacher_rows.pop("saved_search")
    _history(company, contact, coordinator)
    signup.refresh_from_db()
    return PersonRows(contact=contact, signup=signup, saved_search=saved_search, **teacher_rows)


def _signup(company):
    return matching_services.signup_create(
        submission_token=uuid.uuid4(),
        company=matching_services.CompanyDetails(
            name=company.name,
            kvk_number=company.kvk_number,
            street_address=company.street_address,
            postcode=company.postcode,
            city=company.city,
            worlds=[World.ENERGY],
        ),
        contact=matching_services.ContactDetails(
            name=NAME, email=EMAIL, role="Stagecoördinator", phone=PHONE
        ),
        offers=[
            matching_services.OfferDetails(
                kind="gastles",
                title="Gastles windenergie",
                description=f"Gegeven door {NAME}.",
                levels=[Level.VMBO_KB],
                location="school",
            )
        ],
        message=f"Groet, {NAME}. Bel gerust: 06-87654329.",
    )


def _as_teacher(other_company, region) -> dict:
    """A request (accepted: a match), a proposed match, a registration and a saved search."""
    school = SchoolFactory(name="Het Technisch Lyceum", vestigingscode="31QQ00")
    other_contact = ContactFactory(organisation=other_company, email="info@zon.example.nl")
    offer = published_offer(other_company, title="Bedrijfsbezoek zonnepanelen")
    offer_request, _new = request_services.offer_request_create(
        submission_token=uuid.uuid4(),
        offer=offer,
        school=school,
        teacher_name=NAME,
        teacher_email=EMAIL,
        group="3 vmbo-KB",
        level=Level.VMBO_KB,
        pupils=24,
        preferred_period="Na de herfstvakantie",
        message="Groeten van Fenna, docent techniek.",
    )
    request_match = request_services.offer_request_accept(
        offer_request=offer_request, message="Dag Fenna, welkom op 12 maart!"
    )
    proposed_match = MatchFactory(
        offer=offer,
        school=school,
        teacher_name=NAME,
        teacher_email=EMAIL.lower(),
        teacher_evaluation="Fenna vond het geweldig.",
    )

    organiser = Organisation.objects.create(
        kind=Organisation.Kind.ORGANISER, name="Techniekpact", postcode="1012LG"
    )
    event = make_event(
        organiser=organiser,
        region=region,
        date=timezone.localdate() + datetime.timedelta(days=30),
        levels=[Level.VMBO_KB],
    )
    slot = event.slots.create(starts_at=datetime.time(9), ends_at=datetime.time(11), capacity=100)
    registration, _new = registration_create(
        event=event,
        slot=slot,
        school=school,
        teacher_name=NAME,
        teacher_email=EMAIL,
        group="2 vmbo-KB",
        level=Level.VMBO_KB,
        pupils=22,
        remarks="Fenna komt met de bus; bel 06-87654329.",
        submission_token=uuid.uuid4(),
    )
    return {
        "offer_request": offer_request,
        "request_match": request_match,
        "proposed_match": proposed_match,
        "registration": registration,
        "saved_search": saved_searches.saved_search_create(email=EMAIL, query="soort=gastles"),
        "other_contact": other_contact,
    }


def _history(company, contact, coordinator) -> None:
    """The /beheer/ history: a change of the contact, and one of the company whose inline
    named her (Django stores non-ASCII in change messages JSON-escaped)."""
    LogEntry.objects.create(
        user=coordinator.user,
        content_type=ContentType.objects.get_for_model(Contact),
        object_id=str(contact.pk),
        object_repr=str(contact)[:200],
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Telefoonnummer"]}}]),
    )
    LogEntry.objects.create(
        user=coordinator.user,
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(company.pk),
        object_repr=str(company),
        action_flag=CHANGE,
        change_message=json.dumps(
            [{"changed": {"name": "contactpersoon", "object": str(contact), "fields": ["Naam"]}}]
        ),
    )


def login_records(email: str) -> None:
    """django-axes: someone tried to log in to /beheer/ with the address."""
    from axes.models import AccessAttempt, AccessFailureLog

    common = {"user_agent": "Firefox", "ip_address": "192.0.2.7", "http_accept": "*/*"}
    AccessFailureLog.objects.create(username=email, path_info="/beheer/login/", **common)
    AccessAttempt.objects.create(
        username=email,
        path_info="/beheer/login/",
        get_data="",
        post_data=f"username={email}",
        failures_since_start=1,
        **common,
    )


# --- looking for traces everywhere -------------------------------------------------------------


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def database_traces(terms: list[str]) -> list[str]:
    """`table.column` of every column, of every table, whose text holds one of `terms`;
    sessions are decoded first (their data is signed base64)."""
    from django.contrib.sessions.models import Session
    from django.db import connection

    quote = connection.ops.quote_name
    patterns = [_like(term) for term in terms]
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "JOIN information_schema.tables USING (table_schema, table_name) "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
            "AND data_type <> 'bytea' ORDER BY table_name, column_name"
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f"SELECT count(*) FROM {quote(table)} "  # noqa: S608 -- names from the catalog
                f"WHERE {quote(column)}::text ILIKE ANY(%s)",
                [patterns],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    for session in Session.objects.all():
        decoded = json.dumps(session.get_decoded(), default=str).lower()
        if any(term.lower() in decoded for term in terms):
            found.append(f"django_session {session.pk} (decoded)")
    return found


def _redis_values(client, key: bytes) -> list[bytes]:
    kind = client.type(key)
    if kind == b"string":
        return [client.get(key) or b""]
    if kind == b"list":
        return client.lrange(key, 0, -1)
    if kind == b"set":
        return list(client.smembers(key))
    if kind == b"hash":
        return [part for pair in client.hgetall(key).items() for part in pair]
    if kind == b"zset":
        return client.zrange(key, 0, -1)
    return []


def _expanded(blob: bytes) -> str:
    """The text of a value, with a queued Celery message's base64 body decoded."""
    text = blob.decode("utf-8", errors="replace")
    try:
        message = json.loads(text)
    except ValueError:
        return text
    if isinstance(message, dict) and isinstance(message.get("body"), str):
        with contextlib.suppress(ValueError):
            text += base64.b64decode(message["body"]).decode("utf-8", errors="replace")
    return text


def redis_traces(terms: list[str]) -> list[str]:
    """Keys of the test Redis databases (broker and cache) whose name or value holds a term."""
    import redis
    from django.conf import settings

    found = []
    for url in sorted({settings.CELERY_BROKER_URL, settings.CACHES["default"]["LOCATION"]}):
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(count=1000):
            texts = [_expanded(key)] + [_expanded(v) for v in _redis_values(client, key)]
            if any(term.lower() in text.lower() for text in texts for term in terms):
                found.append(f"{url} {key!r}")
    return found
