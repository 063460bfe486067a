"""factory-boy factories for the test suite. Names, emails and numbers are invented."""

import uuid

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from matching.models import Match, SignUp
from offers.models import Offer, OfferKind
from organisations.models import Contact, Coordinator, Organisation, PostcodeRange, Region
from techportal.choices import Level, Province, World


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Regio {n}")
    slug = factory.Sequence(lambda n: f"regio-{n}")
    province = Province.NOORD_HOLLAND


class PostcodeRangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostcodeRange

    region = factory.SubFactory(RegionFactory)
    start = 1000
    end = 1099


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.COMPANY
    name = factory.Sequence(lambda n: f"Techniekbedrijf {n} B.V.")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    street_address = "Industrieweg 1"
    postcode = "1011AB"
    city = "Amsterdam"
    worlds = factory.LazyFunction(lambda: [World.ENERGY])


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.SCHOOL
    name = factory.Sequence(lambda n: f"Technisch College {n}")
    vestigingscode = factory.Sequence(lambda n: f"{10 + n % 90:02d}XY{n % 100:02d}")
    street_address = "Schoolstraat 2"
    postcode = "1011AB"
    city = "Amsterdam"
    school_levels = factory.LazyFunction(lambda: [Level.VMBO_BB, Level.VMBO_KB])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Contact Persoon {n}")
    role = "HR-adviseur"
    email = factory.Sequence(lambda n: f"contact{n}@example.nl")
    phone = "+31201234567"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.nl")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.django.Password("correct horse battery staple")


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coordinator
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, is_staff=True)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


# --- sign-ups and offers ------------------------------------------------------------------------


class SignUpFactory(factory.django.DjangoModelFactory):
    """A routed sign-up of a company; its region follows the company's postcode."""

    class Meta:
        model = SignUp

    reference = factory.Sequence(lambda n: f"TP-2025-{90000 + n:05d}")
    submission_token = factory.LazyFunction(uuid.uuid4)
    status = SignUp.Status.ROUTED
    organisation = factory.SubFactory(CompanyFactory)
    contact = factory.SubFactory(
        ContactFactory, organisation=factory.SelfAttribute("..organisation")
    )
    postcode = factory.SelfAttribute("organisation.postcode")
    region = factory.SelfAttribute("organisation.region")
    consent_at = factory.LazyFunction(timezone.now)
    received_at = factory.LazyFunction(timezone.now)
    routed_at = factory.LazyAttribute(
        lambda signup: None if signup.status == SignUp.Status.RECEIVED else signup.received_at
    )


class OfferFactory(factory.django.DjangoModelFactory):
    """A draft offer; with a `signup`, of that sign-up's company."""

    class Meta:
        model = Offer

    signup = None
    organisation = factory.Maybe(
        "signup",
        yes_declaration=factory.SelfAttribute("signup.organisation"),
        no_declaration=factory.SubFactory(CompanyFactory),
    )
    kind = OfferKind.GASTLES
    title = factory.Sequence(lambda n: f"Gastles duurzame energie {n}")
    description = "Een gastles over windturbines en zonnepanelen."
    levels = factory.LazyFunction(lambda: [Level.VMBO_BB, Level.VMBO_KB])
    worlds = factory.LazyFunction(lambda: [World.ENERGY])


class MatchFactory(factory.django.DjangoModelFactory):
    """A match proposed by a coordinator: a published offer for a school, with a teacher."""

    class Meta:
        model = Match

    offer = factory.SubFactory(OfferFactory, status=Offer.Status.PUBLISHED)
    school = factory.SubFactory(SchoolFactory)
    teacher_name = "Docent Jansen"
    teacher_email = factory.Sequence(lambda n: f"docent{n}@school.example.nl")
    status = Match.Status.PROPOSED


class ConfirmedMatchFactory(MatchFactory):
    """A match both sides confirmed, planned for a date."""

    status = Match.Status.CONFIRMED
    company_confirmed_at = factory.LazyFunction(timezone.now)
    school_confirmed_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)
    date = factory.LazyFunction(timezone.localdate)
    pupils = 24


class CarriedOutMatchFactory(ConfirmedMatchFactory):
    """A match reported as carried out, not yet evaluated by either side."""

    status = Match.Status.CARRIED_OUT
    carried_out_at = factory.LazyFunction(timezone.now)
