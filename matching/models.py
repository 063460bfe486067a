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
    message = models.TextField(
        _("toelichting"),
        max_length=2000,
        blank=True,
        help_text=_("Vul geen namen of andere gegevens van leerlingen in."),
    )
    consent_at = models.DateTimeField(_("toestemming gegeven op"))

    received_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    routed_at = models.DateTimeField(_("doorgestuurd op"), null=True, blank=True)
    triage_started_at = models.DateTimeField(_("in behandeling sinds"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("herinnering verstuurd op"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("geëscaleerd op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    decline_reason = models.TextField(
        _("reden van afwijzing"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Het bedrijf krijgt deze reden te lezen. Vul geen namen of andere gegevens van "
            "leerlingen in."
        ),
    )
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
    text = models.TextField(
        _("notitie"),
        max_length=2000,
        help_text=_("Vul geen namen of andere gegevens van leerlingen in."),
    )
    created_at = models.DateTimeField(_("geschreven op"), auto_now_add=True)

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Match(models.Model):
    """A company's offer carried out for a school's class: what the programme counts.

    Its way: `proposed` (by a coordinator) → `confirmed` once the company and the school both
    said yes through their private links → `carried_out` (date, pupils reached) → `closed`
    after the evaluations; or `cancelled`, with a reason, before it was carried out. A match
    made from a teacher's request starts `confirmed`: both sides already agreed.
    Every transition is a service in `matching.services.matches`.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Voorgesteld")
        CONFIRMED = "confirmed", _("Bevestigd")
        CARRIED_OUT = "carried_out", _("Uitgevoerd")
        CLOSED = "closed", _("Afgesloten")
        CANCELLED = "cancelled", _("Geannuleerd")

    class Side(models.TextChoices):
        COMPANY = "company", _("bedrijf")
        SCHOOL = "school", _("school")
        COORDINATOR = "coordinator", _("coördinator")

    # Still to happen: a coordinator may cancel these, and reminders go out for them.
    OPEN_STATUSES = (Status.PROPOSED, Status.CONFIRMED)
    # Happened: these count as pupils reached.
    DONE_STATUSES = (Status.CARRIED_OUT, Status.CLOSED)

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
    pupils = models.PositiveSmallIntegerField(
        _("aantal leerlingen"),
        null=True,
        blank=True,
        help_text=_("Voor een uitgevoerde match: het aantal leerlingen dat is bereikt."),
    )
    date = models.DateField(_("datum"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voorgesteld door"),
    )
    company_confirmed_at = models.DateTimeField(
        _("bevestigd door het bedrijf op"), null=True, blank=True
    )
    school_confirmed_at = models.DateTimeField(
        _("bevestigd door de school op"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    carried_out_at = models.DateTimeField(_("als uitgevoerd gemeld op"), null=True, blank=True)
    company_evaluation = models.TextField(
        _("evaluatie van het bedrijf"),
        max_length=1000,
        blank=True,
        help_text=_("Geen namen of andere persoonsgegevens van leerlingen."),
    )
    company_rating = models.PositiveSmallIntegerField(
        _("waardering door het bedrijf"), null=True, blank=True
    )
    company_evaluated_at = models.DateTimeField(
        _("geëvalueerd door het bedrijf op"), null=True, blank=True
    )
    teacher_evaluation = models.TextField(
        _("evaluatie van de docent"),
        max_length=1000,
        blank=True,
        help_text=_("Geen namen of andere persoonsgegevens van leerlingen."),
    )
    teacher_rating = models.PositiveSmallIntegerField(
        _("waardering door de docent"), null=True, blank=True
    )
    teacher_evaluated_at = models.DateTimeField(
        _("geëvalueerd door de docent op"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True)
    cancelled_by = models.CharField(
        _("geannuleerd door"), max_length=20, choices=Side.choices, blank=True
    )
    cancel_reason = models.TextField(
        _("reden van annulering"),
        max_length=1000,
        blank=True,
        help_text=_("Vul geen namen of andere gegevens van leerlingen in."),
    )
    # Set when an email has gone out, so a repeated email task sends nothing twice.
    company_invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    school_invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The status whose email went out last (to both sides): confirmed, cancelled, ….
    notified_status = models.CharField(max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at"]
        permissions = [("view_impact", _("Kan de impactcijfers zien"))]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # "When did this school last have a match?" for the suggestions.
            models.Index(fields=["school", "created_at"], name="match_school_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="match_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["carried_out", "closed"])
                | Q(date__isnull=False, pupils__isnull=False),
                name="match_done_has_date_and_pupils",
            ),
            models.CheckConstraint(
                condition=Q(company_rating__isnull=True)
                | Q(company_rating__gte=1, company_rating__lte=5),
                name="match_company_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(teacher_rating__isnull=True)
                | Q(teacher_rating__gte=1, teacher_rating__lte=5),
                name="match_teacher_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} — {self.school}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class MatchReminder(models.Model):
    """One reminder sent about a match: each kind goes out once per match.

    The unique constraint is the guard: a beat run that repeats (or runs twice at once)
    cannot send the same reminder again.
    """

    class Kind(models.TextChoices):
        CONFIRM_COMPANY = "confirm_company", _("Bevestigen (bedrijf)")
        CONFIRM_SCHOOL = "confirm_school", _("Bevestigen (school)")
        REPORT = "report", _("Uitvoering melden")
        EVALUATE_COMPANY = "evaluate_company", _("Evalueren (bedrijf)")
        EVALUATE_SCHOOL = "evaluate_school", _("Evalueren (docent)")

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("match")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)

    class Meta:
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["match", "kind"], name="matchreminder_once_per_kind")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
