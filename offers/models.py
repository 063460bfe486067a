from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
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
    description = models.TextField(_("omschrijving"), max_length=2000, blank=True)
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

    class Meta:
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbod")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "status"])]
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
