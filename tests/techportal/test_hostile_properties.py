"""Property tests of the public forms with Hypothesis (hypothesis.extra.django.from_form).

For the sign-up, the request, the save-search and the class registration form: whatever is
posted, the view does what its form says. A valid form stores exactly one row and redirects
(302); an invalid one shows Dutch errors (400) and stores nothing; never an exception, never
an unescaped payload. Examples are from_form's own (mostly valid field by field) with up to two
fields swapped for hostile text; derandomized, so every run posts the same examples.
"""

import datetime
from collections.abc import Mapping

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_field, from_form

from events.forms import RegistrationForm
from events.models import Event, TimeSlot
from matching.forms import OfferDetailsForm, SignUpForm, SignUpSubmission
from offers.forms import OfferRequestForm, SaveSearchForm
from offers.models import OfferKind
from organisations.models import Organisation
from techportal.choices import Level
from techportal.forms import PlainTextField
from tests.events.conftest import make_event
from tests.factories import SchoolFactory
from tests.offers.requests_fixtures import contact, published_offer

from .hostile import (
    SHORT,
    Tables,
    assert_refused,
    assert_safe,
    encode,
    post_form,
    rolled_back,
)

pytestmark = pytest.mark.django_db

HOSTILE_TEXT = st.one_of(
    st.sampled_from([hostile.value for hostile in SHORT]),
    st.text(max_size=300),  # any code point but lone surrogates, NUL included
    st.text(max_size=3000),
)


def as_post(data: Mapping) -> dict:
    """A generated form's data as a browser would post it."""
    posted: dict[str, str | list[str]] = {}
    for name, value in data.items():
        if value is None or value is False:
            continue  # an unticked box or an empty choice is simply not sent
        if value is True:
            posted[name] = "on"
        elif isinstance(value, list | tuple):
            posted[name] = [str(item) for item in value]
        elif isinstance(value, datetime.date):
            posted[name] = value.isoformat()
        else:
            posted[name] = str(value)
    return posted


@st.composite
def with_hostile_fields(draw, form_data: st.SearchStrategy[dict], names: list[str]) -> dict:
    """Generated form data with up to two of `names` swapped for hostile text."""
    data = draw(form_data)
    for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
        data[name] = draw(HOSTILE_TEXT)
    return data


def posted_values(data: dict) -> list[str]:
    return [v for value in data.values() for v in (value if isinstance(value, list) else [value])]


def posted_as_the_form_says(client, url: str, data: dict, *, valid: bool, table: str) -> bool:
    """The property: valid → 302 and one new row in `table`; invalid → 400, nothing stored.

    Each example in a savepoint rolled back afterwards, so each starts from the same rows.
    """
    with rolled_back():
        tables = Tables()
        response = post_form(client, url, data)
        assert_safe(response, *posted_values(data))
        if valid:
            assert response.status_code == 302, response.status_code
            assert tables.new_rows()[table] == 1
        else:
            assert_refused(response, tables)
    return valid


def run(prop, *, max_examples: int) -> list[bool]:
    """Run a property (a function of one drawn `data`), return whether each example was valid.

    The property runs inside the test, so pytest's function-scoped fixtures are made once.
    """
    outcomes: list[bool] = []
    settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )(given(draw=st.data())(lambda draw: outcomes.append(prop(draw))))()
    # Both outcomes were posted: the examples are neither all refused nor all accepted.
    assert set(outcomes) == {True, False}, outcomes
    return outcomes


def forms_data(form: st.SearchStrategy[forms.Form]) -> st.SearchStrategy[dict]:
    """The data of from_form's forms, as posted."""
    return st.builds(lambda f: as_post(f.data), form)


def text_for(field: forms.Field):
    """Hypothesis infers Django's own fields only; for our PlainTextField what it would give a
    CharField: text within the length that passes the validators (the field may still refuse
    control characters or blank text)."""
    if not isinstance(field, PlainTextField):
        return from_field(field)

    def passes_validators(value: str) -> bool:
        try:
            field.run_validators(value)
        except ValidationError:
            return False
        return True

    sizes = {"min_size": int(field.required), "max_size": field.max_length or 100}
    printable = st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))
    text = st.text(printable, **sizes) | st.text(**sizes)  # mostly printable, sometimes not
    return text.filter(passes_validators)


def plain_texts(form: forms.Form) -> dict:
    return {
        name: text_for(field)
        for name, field in form.fields.items()
        if isinstance(field, PlainTextField)
    }


# --- the sign-up ---------------------------------------------------------------------------------

DETAILS = OfferDetailsForm(kind=OfferKind.GASTLES)
SIGNUP_DATA = st.builds(
    lambda main, details: as_post(main.data) | as_post(details),
    from_form(
        SignUpForm,
        **plain_texts(SignUpForm()),
        form_token=st.uuids(),
        fax=st.just(""),
        kvk_number=st.from_regex(r"\A[0-9]{4} ?[0-9]{4}\Z") | st.text(max_size=12),
        postcode=st.from_regex(r"\A[1-9][0-9]{3} ?[A-Z]{2}\Z") | st.text(max_size=8),
        contact_phone=st.sampled_from(["020 123 4567", "06 1234 5678", "+31 30 123 4567", "12"]),
        kinds=st.just([OfferKind.GASTLES.value]) | st.lists(st.sampled_from(OfferKind.values)),
    ),
    st.fixed_dictionaries(
        {DETAILS.add_prefix(name): text_for(field) for name, field in DETAILS.fields.items()}
    ),
)
SIGNUP_TEXT = [
    *(
        name
        for name, field in SignUpForm().fields.items()
        if type(field) in (forms.CharField, PlainTextField)
    ),
    "gastles-description",
]


def test_the_signup_view_does_what_its_form_says(client, region_a):
    def prop(draw) -> bool:
        data = draw.draw(with_hostile_fields(SIGNUP_DATA, SIGNUP_TEXT))
        valid = SignUpSubmission(QueryDict(encode(data))).is_valid()
        table = "matching_signup"
        return posted_as_the_form_says(client, "/aanmelden/", data, valid=valid, table=table)

    run(prop, max_examples=30)


# --- a teacher's request -------------------------------------------------------------------------


@pytest.fixture
def offer(company_a):
    contact(company_a, "anna@windtechniek.nl")
    return published_offer(company_a, levels=[Level.VMBO_KB])


@pytest.fixture
def schools(region_a, company_a) -> list[str]:
    """Ids to choose from: two schools, a company (no school) and one that does not exist."""
    one = SchoolFactory(name="Technisch College", vestigingscode="12AB01")
    two = SchoolFactory(name="Lyceum Noord", vestigingscode="12AB02")
    return [str(one.pk), str(two.pk), str(company_a.pk), str(two.pk + 1000)]


def test_the_request_view_does_what_its_form_says(client, offer, schools):
    form = from_form(
        OfferRequestForm,
        form_kwargs={"offer": offer},
        **plain_texts(OfferRequestForm(offer=offer)),
        form_token=st.uuids(),
        fax=st.just(""),
        school=st.sampled_from(schools),
    )
    names = ["teacher_name", "teacher_email", "group", "preferred_period", "message", "pupils"]
    url = f"/aanbod/{offer.pk}/aanvragen/"

    def prop(draw) -> bool:
        data = draw.draw(with_hostile_fields(forms_data(form), names))
        valid = OfferRequestForm(QueryDict(encode(data)), offer=offer).is_valid()
        return posted_as_the_form_says(client, url, data, valid=valid, table="offers_offerrequest")

    run(prop, max_examples=30)


# --- saving a search -----------------------------------------------------------------------------

QUERIES = st.one_of(
    st.sampled_from(["q=lassen", "soort=gastles&niveau=vmbo_kb", "postcode=1011AB&afstand=10"]),
    st.builds(
        lambda q, soort: encode({"q": q, "soort": soort}),
        HOSTILE_TEXT,
        st.sampled_from(["gastles", "x"]),
    ),
    HOSTILE_TEXT,
)


SAVE_DATA = with_hostile_fields(
    forms_data(
        from_form(SaveSearchForm, **plain_texts(SaveSearchForm()), query=QUERIES, fax=st.just(""))
    ),
    ["email"],
)


def test_the_save_search_view_does_what_its_form_says(client, db):
    def prop(draw) -> bool:
        data = draw.draw(SAVE_DATA)
        valid = SaveSearchForm(QueryDict(encode(data))).is_valid()
        table = "offers_savedsearch"
        return posted_as_the_form_says(client, "/aanbod/bewaren/", data, valid=valid, table=table)

    run(prop, max_examples=30)


# --- registering a class -------------------------------------------------------------------------


@pytest.fixture
def event(region_a) -> Event:
    organiser = Organisation.objects.create(
        kind=Organisation.Kind.ORGANISER, name="Techniekpact", postcode="1012LG", city="Amsterdam"
    )
    return make_event(
        organiser=organiser, region=region_a, date=datetime.date.today() + datetime.timedelta(30)
    )


@pytest.fixture
def slot_ids(event) -> list[str]:
    slot = TimeSlot.objects.create(
        event=event, starts_at=datetime.time(9), ends_at=datetime.time(10), capacity=60
    )
    return [str(slot.pk), str(slot.pk + 1000)]


def test_the_registration_view_does_what_its_form_says(client, event, slot_ids, schools):
    form = from_form(
        RegistrationForm,
        form_kwargs={"event": event},
        **plain_texts(RegistrationForm(event=event)),
        form_token=st.uuids(),
        fax=st.just(""),
        school=st.sampled_from(schools),
        slot=st.sampled_from(slot_ids),
        level=st.sampled_from(["", *Level.values]),
    )
    names = ["teacher_name", "teacher_email", "group", "remarks", "pupils"]
    url = f"/evenementen/{event.slug}/"

    def prop(draw) -> bool:
        data = draw.draw(with_hostile_fields(forms_data(form), names))
        valid = RegistrationForm(QueryDict(encode(data)), event=event).is_valid()
        return posted_as_the_form_says(client, url, data, valid=valid, table="events_registration")

    run(prop, max_examples=30)
