from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Contact, Coordinator, Organisation, Region
from techportal.fields import PostcodeField


class SignUp(models.Model):
    """One submission of the aanmeldformulier: a company offering something to schools.

    Its way: `received` → (routing task) `routed` to a coordinator → `in_triage` → `closed` or
    `declined`. The database is the source of truth; the queue only says "route row N".
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Ontvangen")
        ROUTED = "routed", _("Doorgestuurd")
        IN_TRIAGE = "in_triage", _("In behandeling")
        CLOSED = "closed", _("Afgerond")
        DECLINED = "declined", _("Afgewezen")

    # A coordinator still has to act on these.
    OPEN_STATUSES = (Status.RECEIVED, Status.ROUTED, Status.IN_TRIAGE)

    reference = models.CharField(_("kenmerk"), max_length=20, unique=True, editable=False)
    # The hidden token of one rendered form: a second submit of the same form finds this row.
    submission_token = models.UUIDField(unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signups", verbose_name=_("bedrijf")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="signups", verbose_name=_("contactpersoon")
    )
    postcode = PostcodeField()
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signups",
        verbose_name=_("regio"),
    )
    coordinator = models.ForeignKey(
        Coordinator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signups",
        verbose_name=_("coördinator"),
    )
    wants_event_workshop = models.BooleanField(
        _("wil een workshop op een evenement verzorgen"), default=False
    )
    message = models.TextField(_("toelichting"), max_length=2000, blank=True)
    consent_at = models.DateTimeField(_("toestemming gegeven op"))

    received_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    routed_at = models.DateTimeField(_("doorgestuurd op"), null=True, blank=True)
    triage_started_at = models.DateTimeField(_("in behandeling sinds"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("herinnering verstuurd op"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("geëscaleerd op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    decline_reason = models.TextField(_("reden van afwijzing"), max_length=2000, blank=True)
    # Set when an email has gone out, so a repeated email task sends nothing twice.
    coordinator_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    company_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["status", "routed_at"]),
            models.Index(fields=["coordinator", "status"]),
            models.Index(fields=["region", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received") | Q(routed_at__isnull=False),
                name="signup_routed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="signup_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class SignUpEvent(models.Model):
    """One step in a sign-up's history, shown to the coordinator; never edited."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Ontvangen")
        ROUTED = "routed", _("Doorgestuurd")
        NOT_ROUTED = "not_routed", _("Niet doorgestuurd")
        REQUEUED = "requeued", _("Opnieuw in de wachtrij")
        EMAILED = "emailed", _("E-mail verstuurd")
        TRIAGE = "triage", _("In behandeling genomen")
        REASSIGNED = "reassigned", _("Overgedragen")
        REMINDED = "reminded", _("Herinnering")
        ESCALATED = "escalated", _("Geëscaleerd")
        PUBLISHED = "published", _("Aanbod gepubliceerd")
        DECLINED = "declined", _("Afgewezen")
        CLOSED = "closed", _("Afgerond")

    signup = models.ForeignKey(
        SignUp, on_delete=models.CASCADE, related_name="events", verbose_name=_("aanmelding")
    )
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    kind = models.CharField(_("stap"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    message = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("stap in de historie")
        verbose_name_plural = _("historie")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message}"


class SignUpNote(models.Model):
    """A coordinator's note on a sign-up, for colleagues and their future self."""

    signup = models.ForeignKey(
        SignUp, on_delete=models.CASCADE, related_name="notes", verbose_name=_("aanmelding")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    text = models.TextField(_("notitie"), max_length=2000)
    created_at = models.DateTimeField(_("geschreven op"), auto_now_add=True)

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Match(models.Model):
    """A company's offer carried out for a school's class: what the programme counts.

    Created when a company accepts a teacher's request (already `confirmed`, as both sides
    agreed), or proposed by a coordinator.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Voorgesteld")
        CONFIRMED = "confirmed", _("Bevestigd")
        CARRIED_OUT = "carried_out", _("Uitgevoerd")
        CLOSED = "closed", _("Afgesloten")
        CANCELLED = "cancelled", _("Geannuleerd")

    offer = models.ForeignKey(
        "offers.Offer", on_delete=models.PROTECT, related_name="matches", verbose_name=_("aanbod")
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="matches",
        verbose_name=_("school"),
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
    )
    request = models.OneToOneField(
        "offers.OfferRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="match",
        verbose_name=_("aanvraag"),
    )
    teacher_name = models.CharField(_("naam docent"), max_length=150, blank=True)
    teacher_email = models.EmailField(_("e-mailadres docent"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    pupils = models.PositiveSmallIntegerField(_("aantal leerlingen"), null=True, blank=True)
    date = models.DateField(_("datum"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.offer} — {self.school}"
