import uuid

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, Region
from techportal.choices import Level, World
from techportal.fields import ChoiceArrayField


class OfferKind(models.TextChoices):
    """What a company can offer; the order is the order of the aanmeldformulier."""

    STAGE = "stage", _("Stage")
    GASTLES = "gastles", _("Gastles")
    WORKSHOP = "workshop", _("Workshop")
    BEDRIJFSBEZOEK = "bedrijfsbezoek", _("Bedrijfsbezoek")
    TECHNASIUM = "technasium", _("Technasium-opdracht")
    DOCENTSTAGE = "docentstage", _("Docentstage")
    EVENT_WORKSHOP = "event_workshop", _("Workshop op een evenement")


class Location(models.TextChoices):
    COMPANY = "company", _("Bij het bedrijf")
    SCHOOL = "school", _("Op school")
    ONLINE = "online", _("Online")


# Where each kind usually takes place: the form's initial choice.
USUAL_LOCATION = {
    OfferKind.STAGE: Location.COMPANY,
    OfferKind.GASTLES: Location.SCHOOL,
    OfferKind.WORKSHOP: Location.SCHOOL,
    OfferKind.BEDRIJFSBEZOEK: Location.COMPANY,
    OfferKind.TECHNASIUM: Location.SCHOOL,
    OfferKind.DOCENTSTAGE: Location.COMPANY,
    OfferKind.EVENT_WORKSHOP: Location.COMPANY,
}


class Offer(models.Model):
    """Something a company offers to schools: a guest lesson, an internship place, a visit…

    A sign-up creates its offers as drafts; a coordinator publishes them.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        PUBLISHED = "published", _("Gepubliceerd")
        PAUSED = "paused", _("Gepauzeerd")
        ARCHIVED = "archived", _("Gearchiveerd")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("bedrijf"),
        limit_choices_to={"kind": Organisation.Kind.COMPANY},
    )
    signup = models.ForeignKey(
        "matching.SignUp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("aanmelding"),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=OfferKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(
        _("omschrijving"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Wat gaan de leerlingen doen of zien? Vul geen namen of andere gegevens van "
            "leerlingen in."
        ),
    )
    levels = ChoiceArrayField(
        models.CharField(max_length=20, choices=Level.choices),
        verbose_name=_("onderwijsniveaus"),
        default=list,
        blank=True,
    )
    worlds = ChoiceArrayField(
        models.CharField(max_length=40, choices=World.choices),
        verbose_name=_("werelden van techniek"),
        default=list,
        blank=True,
    )
    group_size = models.PositiveSmallIntegerField(
        _("groepsgrootte"),
        null=True,
        blank=True,
        help_text=_("Het grootste aantal leerlingen (of docenten) per keer."),
    )
    on_request = models.BooleanField(
        _("op aanvraag"), default=True, help_text=_("Beschikbaar wanneer een school erom vraagt.")
    )
    available_from = models.DateField(_("beschikbaar vanaf"), null=True, blank=True)
    available_until = models.DateField(_("beschikbaar tot en met"), null=True, blank=True)
    location = models.CharField(
        _("locatie"), max_length=20, choices=Location.choices, default=Location.COMPANY
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    # The search projection: a database trigger (migration 0002) fills these from the offer and
    # its company on every write, and again when the company's name or postcode changes, so
    # they are current whichever way a row is written. Never set them in Python.
    search_vector = SearchVectorField(null=True, editable=False)
    pc4 = models.PositiveSmallIntegerField(null=True, editable=False)
    latitude = models.FloatField(null=True, editable=False)
    longitude = models.FloatField(null=True, editable=False)
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="offers",
        verbose_name=_("regio"),
    )

    class Meta:
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbod")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind", "status"]),
            GinIndex(fields=["search_vector"], name="offer_search_vector"),
            # The catalogue's default order, tie-breaker included: a page far down (page=50)
            # walks the index instead of sorting every published offer.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                name="offer_published_newest_id",
                condition=Q(status="published"),
            ),
            # Catalogue filters on niveau and wereld (array overlap, `&&`).
            GinIndex(
                fields=["levels"], name="offer_published_levels", condition=Q(status="published")
            ),
            GinIndex(
                fields=["worlds"], name="offer_published_worlds", condition=Q(status="published")
            ),
            models.Index(
                fields=["pc4"], name="offer_published_pc4", condition=Q(status="published")
            ),
            # Facet counts without a text filter read only this (an index-only scan), not the
            # wide rows with their search vectors (migration 0004).
            models.Index(
                fields=["kind"],
                include=["region", "pc4", "levels", "worlds"],
                name="offer_published_facets",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_request=True)
                | Q(available_from__isnull=False, available_until__isnull=False),
                name="offer_period_or_on_request",
                violation_error_message=_("Kies 'op aanvraag' of vul een begin- en einddatum in."),
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_from__lte=F("available_until")),
                name="offer_period_in_order",
                violation_error_message=_("De einddatum ligt vóór de begindatum."),
            ),
            models.CheckConstraint(
                condition=Q(group_size__isnull=True) | Q(group_size__gte=1),
                name="offer_group_size_positive",
                violation_error_message=_("Een groep heeft minstens 1 deelnemer."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OfferRequest(models.Model):
    """A teacher asks a company for one of its published offers, for one class."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Aangevraagd")
        ACCEPTED = "accepted", _("Geaccepteerd")
        DECLINED = "declined", _("Afgewezen")
        WITHDRAWN = "withdrawn", _("Ingetrokken")

    # The hidden token of one rendered form: a second submit of the same form finds this row.
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="requests", verbose_name=_("aanbod")
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="offer_requests",
        verbose_name=_("school"),
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
    )
    teacher_name = models.CharField(_("naam docent"), max_length=150)
    teacher_email = models.EmailField(_("e-mailadres docent"))
    group = models.CharField(
        _("klas of groep"),
        max_length=50,
        help_text=_("Bijvoorbeeld: 3 vmbo-TL of groep 7. Geen namen van leerlingen."),
    )
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices)
    pupils = models.PositiveSmallIntegerField(
        _("aantal leerlingen"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    preferred_period = models.CharField(
        _("voorkeursperiode"),
        max_length=200,
        help_text=_(
            "Bijvoorbeeld: na de herfstvakantie, bij voorkeur op dinsdag. Geen namen van "
            "leerlingen."
        ),
    )
    message = models.TextField(
        _("bericht aan het bedrijf"),
        max_length=2000,
        blank=True,
        help_text=_("Vertel kort wat de klas doet. Geen persoonsgegevens van leerlingen."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    response_message = models.TextField(
        _("antwoord van het bedrijf"),
        max_length=2000,
        blank=True,
        help_text=_("Vul geen namen of andere gegevens van leerlingen in."),
    )
    created_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    responded_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    company_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    coordinator_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    teacher_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["offer", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupils__gte=1, pupils__lte=500),
                name="offerrequest_pupils_in_range",
                violation_error_message=_("Vul een aantal leerlingen tussen 1 en 500 in."),
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(responded_at__isnull=False),
                name="offerrequest_answered_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} — {self.school}"


class SavedSearch(models.Model):
    """A teacher's catalogue search, mailed weekly with the offers that are new since.

    Confirmed by a link in an email (double opt-in); one click in any digest deletes it.
    """

    email = models.EmailField(_("e-mailadres"))
    # The normalised query string of the catalogue search (`q=…&soort=…`), without page/sort.
    query = models.CharField(_("zoekopdracht"), max_length=1000)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_sent_at = models.DateTimeField(_("laatste overzicht"), null=True, blank=True)

    class Meta:
        verbose_name = _("bewaarde zoekopdracht")
        verbose_name_plural = _("bewaarde zoekopdrachten")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "query",
                name="savedsearch_unique_per_email",
                violation_error_message=_("Deze zoekopdracht is al bewaard voor dit e-mailadres."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.query}"


class SearchWord(models.Model):
    """A word that occurs in published offers: the vocabulary for "Bedoelde u …?" suggestions.

    Rebuilt by a periodic task; only read when a search finds nothing.
    """

    word = models.CharField(max_length=100, unique=True)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [GinIndex(fields=["word"], name="searchword_trigram", opclasses=["gin_trgm_ops"])]

    def __str__(self) -> str:
        return self.word
