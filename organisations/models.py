from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import IntegerRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Greatest, Least, Lower
from django.utils.translation import gettext_lazy as _

from techportal.choices import Level, Province, World
from techportal.fields import (
    ChoiceArrayField,
    KvKNumberField,
    PhoneField,
    PostcodeField,
    VestigingscodeField,
)

PC4_VALIDATORS = [MinValueValidator(1000), MaxValueValidator(9999)]


class Region(models.Model):
    """A Sterk Techniekonderwijs region, defined by the PC4 postcode ranges it covers."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.CharField(_("provincie"), max_length=2, choices=Province.choices)

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostcodeRange(models.Model):
    """PC4 areas `start`–`end` (both inclusive) that belong to one region.

    The database refuses overlapping ranges, so every postcode has at most one region.
    """

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="postcode_ranges", verbose_name=_("regio")
    )
    start = models.PositiveSmallIntegerField(_("van PC4"), validators=PC4_VALIDATORS)
    end = models.PositiveSmallIntegerField(_("tot en met PC4"), validators=PC4_VALIDATORS)

    class Meta:
        verbose_name = _("postcodegebied")
        verbose_name_plural = _("postcodegebieden")
        ordering = ["start"]
        indexes = [models.Index(fields=["start", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=F("end")),
                name="postcoderange_start_before_end",
                violation_error_message=_("Het begin van het bereik mag niet na het einde liggen."),
            ),
            ExclusionConstraint(
                name="postcoderange_no_overlap",
                expressions=[
                    (
                        Func(
                            # LEAST/GREATEST keep a backwards range from erroring here, so
                            # the check constraint above can report it instead.
                            Least("start", "end"),
                            Greatest("start", "end"),
                            Value("[]"),
                            function="int4range",
                            output_field=IntegerRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    )
                ],
                violation_error_message=_(
                    "Dit postcodebereik overlapt met een bereik van een andere regio."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


class PostcodeArea(models.Model):
    """The centre of one PC4 area: where distances from a postcode are measured from."""

    pc4 = models.PositiveSmallIntegerField(
        _("PC4"), primary_key=True, validators=PC4_VALIDATORS
    )
    latitude = models.FloatField(
        _("breedtegraad"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("lengtegraad"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    place = models.CharField(_("plaats"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("PC4-gebied")
        verbose_name_plural = _("PC4-gebieden")
        ordering = ["pc4"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="postcodearea_coordinates_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pc4} {self.place}".strip()


class Organisation(models.Model):
    """A company, school location, network or event organiser."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Bedrijf")
        SCHOOL = "school", _("Schoollocatie")
        NETWORK = "network", _("Netwerk")
        ORGANISER = "organiser", _("Evenementorganisator")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("naam"), max_length=200)
    kvk_number = KvKNumberField(unique=True, null=True, blank=True)
    vestigingscode = VestigingscodeField(unique=True, null=True, blank=True)
    school_levels = ChoiceArrayField(
        models.CharField(max_length=20, choices=Level.choices),
        verbose_name=_("onderwijsniveaus"),
        default=list,
        blank=True,
        help_text=_("Voor scholen: de niveaus die op deze locatie worden gegeven."),
    )
    street_address = models.CharField(_("adres"), max_length=200, blank=True)
    postcode = PostcodeField(blank=True)
    city = models.CharField(_("plaats"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="organisations",
        verbose_name=_("regio"),
        help_text=_("Volgt uit de postcode."),
    )
    worlds = ChoiceArrayField(
        models.CharField(max_length=40, choices=World.choices),
        verbose_name=_("werelden van techniek"),
        default=list,
        blank=True,
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "region"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="company") | Q(kvk_number__isnull=False),
                name="organisation_company_has_kvk",
                violation_error_message=_("Een bedrijf heeft een KvK-nummer."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="school") | Q(vestigingscode__isnull=False),
                name="organisation_school_has_vestigingscode",
                violation_error_message=_("Een schoollocatie heeft een vestigingscode."),
            ),
            # The fields normalise every value Django writes; these guard raw SQL and imports.
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[1-9][0-9]{3}[A-Z]{2}$"),
                name="organisation_postcode_normalised",
            ),
            models.CheckConstraint(
                condition=Q(kvk_number__isnull=True) | Q(kvk_number__regex=r"^[0-9]{8}$"),
                name="organisation_kvk_number_normalised",
            ),
            models.CheckConstraint(
                condition=Q(vestigingscode__isnull=True)
                | Q(vestigingscode__regex=r"^[0-9]{2}[A-Z]{2}[0-9]{2}$"),
                name="organisation_vestigingscode_normalised",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})" if self.city else self.name

    def save(self, *args, **kwargs) -> None:
        from .queries import region_for_postcode

        self.region = region_for_postcode(self.postcode)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "region"}
        super().save(*args, **kwargs)

    @property
    def brin(self) -> str:
        return (self.vestigingscode or "")[:4]


class Contact(models.Model):
    """A person at an organisation whom Techportal may contact."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisatie"),
    )
    name = models.CharField(_("naam"), max_length=150)
    role = models.CharField(_("functie"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"))
    phone = PhoneField(blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                name="contact_unique_email_per_organisation",
                violation_error_message=_(
                    "Deze organisatie heeft al een contactpersoon met dit e-mailadres."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Coordinator(models.Model):
    """A staff user who triages sign-ups for the regions they cover.

    A coordinator on the national desk handles postcodes outside every region, and regions
    without an active coordinator; they see every region in /beheer/.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator",
        verbose_name=_("gebruiker"),
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="coordinators", verbose_name=_("regio's")
    )
    is_national_desk = models.BooleanField(
        _("landelijke desk"),
        default=False,
        help_text=_("Behandelt aanmeldingen die buiten alle regio's vallen, en ziet alle regio's."),
    )
    is_active = models.BooleanField(
        _("actief"),
        default=True,
        help_text=_("Alleen actieve coördinatoren krijgen nieuwe aanmeldingen toegewezen."),
    )
    # Breaks ties in routing: of two equally busy coordinators, the one waiting longest gets it.
    last_assigned_at = models.DateTimeField(
        _("laatst toegewezen"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("coördinator")
        verbose_name_plural = _("coördinatoren")
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
