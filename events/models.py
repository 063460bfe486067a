"""Events where classes meet technical companies: PET events (groep 6–8), Tech Your Talent
events (vmbo-2), werkconferenties. An organiser publishes an event with time slots (rounds) and
workshops; teachers register classes into a slot; a class that does not fit waits in line.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, Region
from techportal.choices import Level
from techportal.fields import ChoiceArrayField, PostcodeField


class OrganiserStaff(models.Model):
    """A staff user who manages the events of one organiser organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organiser_memberships",
        verbose_name=_("gebruiker"),
    )
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="staff",
        verbose_name=_("organisator"),
        limit_choices_to={"kind": Organisation.Kind.ORGANISER},
    )

    class Meta:
        verbose_name = _("medewerker van een organisator")
        verbose_name_plural = _("medewerkers van organisatoren")
        constraints = [
            models.UniqueConstraint("user", "organiser", name="organiserstaff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organiser}"


class Event(models.Model):
    class Kind(models.TextChoices):
        PET = "pet", _("PET-event (groep 6–8)")
        TECH_YOUR_TALENT = "tyt", _("Tech Your Talent Event (vmbo-2)")
        WORK_CONFERENCE = "werkconferentie", _("Werkconferentie")
        OTHER = "other", _("Ander evenement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        PUBLISHED = "published", _("Gepubliceerd")
        CANCELLED = "cancelled", _("Geannuleerd")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("organisator"),
        limit_choices_to={"kind": Organisation.Kind.ORGANISER},
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("regio"),
    )
    venue_name = models.CharField(_("locatie"), max_length=200)
    street_address = models.CharField(_("adres"), max_length=200)
    postcode = PostcodeField()
    city = models.CharField(_("plaats"), max_length=100)
    date = models.DateField(_("datum"))
    starts_at = models.TimeField(_("begintijd"))
    ends_at = models.TimeField(_("eindtijd"))
    registration_opens_at = models.DateTimeField(_("inschrijving open vanaf"))
    registration_deadline = models.DateTimeField(_("inschrijven kan tot"))
    levels = ChoiceArrayField(
        models.CharField(max_length=20, choices=Level.choices),
        verbose_name=_("doelgroep"),
        default=list,
        blank=True,
    )
    description = models.TextField(
        _("omschrijving"),
        max_length=5000,
        blank=True,
        help_text=_("Vul geen namen of andere gegevens van leerlingen in."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True)
    cancel_reason = models.TextField(
        _("reden van annulering"),
        max_length=2000,
        blank=True,
        help_text=_("Vul geen namen of andere gegevens van leerlingen in."),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("evenement")
        verbose_name_plural = _("evenementen")
        ordering = ["date", "starts_at"]
        indexes = [models.Index(fields=["status", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="event_starts_before_it_ends",
                violation_error_message=_("De begintijd ligt niet vóór de eindtijd."),
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__lt=F("registration_deadline")),
                name="event_registration_opens_before_deadline",
                violation_error_message=_(
                    "De inschrijving moet opengaan vóór de uiterste inschrijfdatum."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TimeSlot(models.Model):
    """A round of an event: classes arrive (PET) or take part (workshops) in this slot."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="slots", verbose_name=_("evenement")
    )
    starts_at = models.TimeField(_("begintijd"))
    ends_at = models.TimeField(_("eindtijd"))
    capacity = models.PositiveIntegerField(
        _("plaatsen (leerlingen)"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )

    class Meta:
        verbose_name = _("tijdvak")
        verbose_name_plural = _("tijdvakken")
        ordering = ["event", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="timeslot_starts_before_it_ends",
                violation_error_message=_("De begintijd ligt niet vóór de eindtijd."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="timeslot_capacity"),
            models.UniqueConstraint("event", "starts_at", name="timeslot_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Workshop(models.Model):
    """A workshop of an event, hosted by a company, run in each round with its own capacity."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("evenement")
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(
        _("omschrijving"),
        max_length=2000,
        blank=True,
        help_text=_("Vul geen namen of andere gegevens van leerlingen in."),
    )
    host = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_workshops",
        verbose_name=_("bedrijf"),
        limit_choices_to={"kind": Organisation.Kind.COMPANY},
    )
    capacity_per_round = models.PositiveIntegerField(
        _("plaatsen per ronde (leerlingen)"),
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    host_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["event", "title"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    """A class registered for one slot of an event: confirmed, waiting in line, or cancelled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Bevestigd")
        WAITLISTED = "waitlisted", _("Op de wachtlijst")
        CANCELLED = "cancelled", _("Geannuleerd")

    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("evenement")
    )
    slot = models.ForeignKey(
        TimeSlot, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("tijdvak")
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name=_("school"),
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
    )
    teacher_name = models.CharField(_("naam docent"), max_length=150)
    teacher_email = models.EmailField(_("e-mailadres docent"))
    group = models.CharField(
        _("klas of groep"),
        max_length=50,
        help_text=_("Bijvoorbeeld: groep 7 of 2 vmbo-KB. Geen namen van leerlingen."),
    )
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices)
    pupils = models.PositiveSmallIntegerField(
        _("aantal leerlingen"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    remarks = models.TextField(
        _("toegankelijkheid of vervoer"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Bijvoorbeeld: rolstoeltoegankelijk nodig, of we komen met de bus. "
            "Geen persoonsgegevens van leerlingen."
        ),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("ingeschreven op"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True)
    # The last status the teacher was emailed about: each change is mailed once.
    notified_status = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("inschrijving")
        verbose_name_plural = _("inschrijvingen")
        ordering = ["slot", "created_at", "id"]
        indexes = [models.Index(fields=["slot", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupils__gte=1, pupils__lte=200),
                name="registration_pupils_in_range",
                violation_error_message=_("Vul een aantal leerlingen tussen 1 en 200 in."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} — {self.event}"
