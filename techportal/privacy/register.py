"""The register of personal data (AVG art. 30): every model field that holds personal data, whose
it is, why we keep it, on what legal basis, and for how long.

`tests/techportal/test_privacy_register.py` walks every concrete field of every installed model:
a field that looks personal (techportal.privacy.audit) must be in `REGISTER` or in
`NOT_PERSONAL` with a reason, and every entry here must name a field that exists. /privacy/
renders the register as a table. Purposes and periods are Dutch (gettext) because people read
them; the reasons in `NOT_PERSONAL` are for developers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def setting_days(name: str) -> Callable[[], int]:
    """The retention in days, read from a setting when asked (tests may override it)."""
    return lambda: int(getattr(settings, name))


def _session_days() -> int:
    return ceil(settings.SESSION_COOKIE_AGE / 86400)


def _login_attempt_days() -> int:
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    return max(1, ceil(cooloff.total_seconds() / 86400)) if cooloff else 1


def retention_context() -> dict[str, Any]:
    """The numbers the retention texts name, from the settings of this installation."""
    return {
        "declined": settings.PRIVACY_DECLINED_SIGNUP_DAYS,
        "stale": settings.PRIVACY_STALE_SIGNUP_DAYS,
        "unconfirmed": settings.PRIVACY_UNCONFIRMED_SEARCH_DAYS,
        "teacher": settings.PRIVACY_TEACHER_DATA_DAYS,
        "admin_log": settings.PRIVACY_ADMIN_LOG_DAYS,
        "session": _session_days(),
        "login_failures": getattr(settings, "LOGIN_FAILURE_LOG_RETENTION_DAYS", 30),
    }


# Whose data a field holds.
CONTACT = _("contactpersoon van een bedrijf")
TEACHER = _("docent")
STAFF = _("medewerker met een beheeraccount")
VISITOR = _("wie inlogt op /beheer/")
SUBSCRIBER = _("ontvanger van een bewaarde zoekopdracht")

# Legal bases (AVG art. 6 lid 1).
CONSENT = _("toestemming (vinkje in het formulier)")
DOUBLE_OPT_IN = _("toestemming (bevestigd met een link in een e-mail)")
EMPLOYMENT = _("uitvoering van de samenwerking met de regio's (art. 6 lid 1b)")
LEGITIMATE_INTEREST = _("gerechtvaardigd belang: beveiliging en verantwoording (art. 6 lid 1f)")

SIGNUP_RETENTION = _(
    "Zolang het bedrijf via Techportal aanbod heeft. Een afgewezen aanmelding: %(declined)s "
    "dagen na de afwijzing. Een aanmelding die nooit is behandeld of zonder gepubliceerd aanbod "
    "is afgesloten: %(stale)s dagen na de laatste activiteit. Op verzoek eerder."
)
TEACHER_RETENTION = _(
    "Tot %(teacher)s dagen na afloop (antwoord, match of evenement); daarna worden naam, "
    "e-mailadres en teksten gewist. De aantallen blijven meetellen in de cijfers."
)
ACCOUNT_RETENTION = _("Zolang het account bestaat; een beheerder verwijdert het bij vertrek.")


@dataclass(frozen=True)
class Entry:
    """Fields of one model that hold the same kind of personal data for the same purpose."""

    model: str  # app_label.ModelName, as `Model._meta.label`
    fields: tuple[str, ...]
    subject: str | Promise
    purpose: str | Promise
    legal_basis: str | Promise
    retention: str | Promise  # may name the numbers of `retention_context()`
    days: Callable[[], int | None] = field(default=lambda: None)
    # What /privacy/ calls the data; the fields' own names when empty.
    label: str | Promise = ""

    @property
    def retention_days(self) -> int | None:
        """The retention in days, where one fixed period applies; None otherwise."""
        return self.days()

    def retention_text(self) -> str:
        return str(self.retention) % retention_context()

    def field_labels(self) -> list[str]:
        """The fields' names as people read them (their verbose names)."""
        model = apps.get_model(self.model)
        return [str(model._meta.get_field(name).verbose_name) for name in self.fields]

    def display(self) -> str:
        """The data, for the table on /privacy/."""
        return str(self.label) if self.label else ", ".join(self.field_labels()).capitalize()


REGISTER: tuple[Entry, ...] = (
    # --- companies' contact persons -----------------------------------------------------------
    Entry(
        "organisations.Contact",
        ("name", "role", "email", "phone"),
        CONTACT,
        _(
            "De aanmelding behandelen: de coördinator neemt contact op en brengt het bedrijf in "
            "contact met scholen en evenementen; docenten krijgen antwoord op hun aanvraag."
        ),
        CONSENT,
        SIGNUP_RETENTION,
        label=_("Contactpersoon: naam, functie, e-mailadres, telefoonnummer"),
    ),
    Entry(
        "matching.SignUp",
        ("contact", "message", "decline_reason"),
        CONTACT,
        _("De aanmelding behandelen en het bedrijf laten weten waarom die is afgewezen."),
        CONSENT,
        SIGNUP_RETENTION,
        label=_("Aanmelding: contactpersoon, toelichting en reden van afwijzing"),
    ),
    Entry(
        "matching.SignUpEvent",
        ("actor", "message"),
        _("contactpersoon van een bedrijf; medewerker"),
        _("De historie van een aanmelding: wie wat deed en welke e-mail naar wie ging."),
        LEGITIMATE_INTEREST,
        SIGNUP_RETENTION,
        label=_("Historie van een aanmelding: wie, en een toelichting"),
    ),
    Entry(
        "matching.SignUpNote",
        ("author", "text"),
        _("contactpersoon van een bedrijf; medewerker"),
        _("Notities van coördinatoren bij een aanmelding, voor collega's."),
        LEGITIMATE_INTEREST,
        SIGNUP_RETENTION,
        label=_("Notities bij een aanmelding: auteur en tekst"),
    ),
    # --- teachers -----------------------------------------------------------------------------
    Entry(
        "offers.OfferRequest",
        ("teacher_name", "teacher_email", "message", "response_message"),
        TEACHER,
        _(
            "De aanvraag doorsturen aan het bedrijf en de coördinator, en de docent het antwoord "
            "van het bedrijf sturen."
        ),
        CONSENT,
        TEACHER_RETENTION,
        setting_days("PRIVACY_TEACHER_DATA_DAYS"),
        label=_("Aanvraag: naam en e-mailadres van de docent, bericht, antwoord"),
    ),
    Entry(
        "matching.Match",
        ("teacher_name", "teacher_email", "teacher_evaluation"),
        TEACHER,
        _("De match met de docent afstemmen, herinneringen sturen en de evaluatie vragen."),
        CONSENT,
        TEACHER_RETENTION,
        setting_days("PRIVACY_TEACHER_DATA_DAYS"),
        label=_("Match: naam, e-mailadres en evaluatie van de docent"),
    ),
    Entry(
        "matching.Match",
        ("company_evaluation", "cancel_reason"),
        _("contactpersoon van een bedrijf; docent"),
        _("De evaluatie van het bedrijf en de reden van een annulering, voor de coördinator."),
        CONSENT,
        TEACHER_RETENTION,
        setting_days("PRIVACY_TEACHER_DATA_DAYS"),
        label=_("Match: evaluatie van het bedrijf, reden van annulering"),
    ),
    Entry(
        "events.Registration",
        ("teacher_name", "teacher_email", "remarks"),
        TEACHER,
        _(
            "De inschrijving van een klas voor een evenement: bevestiging, wachtlijst, "
            "wijzigingen en wat de organisator moet weten over toegankelijkheid of vervoer."
        ),
        CONSENT,
        TEACHER_RETENTION,
        setting_days("PRIVACY_TEACHER_DATA_DAYS"),
        label=_("Inschrijving: naam en e-mailadres van de docent, opmerkingen"),
    ),
    Entry(
        "offers.SavedSearch",
        ("email",),
        SUBSCRIBER,
        _("Eens per week het nieuwe aanbod mailen dat bij de bewaarde zoekopdracht past."),
        DOUBLE_OPT_IN,
        _(
            "Tot afmelden (één klik in elke e-mail). Nooit bevestigd: %(unconfirmed)s dagen na "
            "het bewaren."
        ),
        setting_days("PRIVACY_UNCONFIRMED_SEARCH_DAYS"),
        label=_("Bewaarde zoekopdracht: e-mailadres"),
    ),
    # --- staff with an account for /beheer/ ------------------------------------------------------
    Entry(
        "auth.User",
        ("username", "first_name", "last_name", "email", "password", "last_login"),
        STAFF,
        _("Inloggen op /beheer/ en e-mail over toegewezen aanmeldingen en matches ontvangen."),
        EMPLOYMENT,
        ACCOUNT_RETENTION,
        label=_(
            "Beheeraccount: gebruikersnaam, naam, e-mailadres, wachtwoord (versleuteld), "
            "laatste aanmelding"
        ),
    ),
    Entry(
        "auth.User_groups",
        ("user",),
        STAFF,
        _("Welke rechten een medewerker in /beheer/ heeft."),
        EMPLOYMENT,
        ACCOUNT_RETENTION,
        label=_("Groepen (rollen) van een beheeraccount"),
    ),
    Entry(
        "auth.User_user_permissions",
        ("user",),
        STAFF,
        _("Welke rechten een medewerker in /beheer/ heeft."),
        EMPLOYMENT,
        ACCOUNT_RETENTION,
        label=_("Rechten van een beheeraccount"),
    ),
    Entry(
        "organisations.Coordinator",
        ("user",),
        STAFF,
        _("Aanmeldingen van de eigen regio's toewijzen aan een coördinator."),
        EMPLOYMENT,
        ACCOUNT_RETENTION,
        label=_("Coördinator: het account en de regio's"),
    ),
    Entry(
        "events.OrganiserStaff",
        ("user",),
        STAFF,
        _("Een medewerker van een organisator beheert de evenementen van die organisator."),
        EMPLOYMENT,
        ACCOUNT_RETENTION,
        label=_("Medewerker van een organisator: het account"),
    ),
    Entry(
        "matching.Match",
        ("proposed_by",),
        STAFF,
        _("Wie een match voorstelde: het bedrijf en de school kunnen die persoon antwoorden."),
        EMPLOYMENT,
        ACCOUNT_RETENTION,
        label=_("Match: wie die voorstelde"),
    ),
    Entry(
        "otp_totp.TOTPDevice",
        ("user", "name", "key"),
        STAFF,
        _("De tweede stap bij het inloggen: de authenticator-app van de medewerker."),
        LEGITIMATE_INTEREST,
        ACCOUNT_RETENTION,
        label=_("Authenticator-app: naam en geheime sleutel"),
    ),
    Entry(
        "otp_static.StaticDevice",
        ("user", "name"),
        STAFF,
        _("Reservecodes voor de tweede stap bij het inloggen."),
        LEGITIMATE_INTEREST,
        ACCOUNT_RETENTION,
        label=_("Reservecodes: naam"),
    ),
    Entry(
        "otp_static.StaticToken",
        ("token",),
        STAFF,
        _("Reservecodes voor de tweede stap bij het inloggen."),
        LEGITIMATE_INTEREST,
        ACCOUNT_RETENTION,
        label=_("Reservecodes: de codes"),
    ),
    Entry(
        "admin.LogEntry",
        ("user", "object_repr", "change_message"),
        _("medewerker; wie in de gewijzigde gegevens voorkomt"),
        _("Verantwoording: wie wat veranderde in /beheer/."),
        LEGITIMATE_INTEREST,
        _("%(admin_log)s dagen."),
        setting_days("PRIVACY_ADMIN_LOG_DAYS"),
        label=_("Wijzigingen in /beheer/: wie, welke rij en wat"),
    ),
    Entry(
        "sessions.Session",
        ("session_data",),
        STAFF,
        _("Ingelogd blijven op /beheer/ (welk account, of de tweede stap is gedaan)."),
        LEGITIMATE_INTEREST,
        _("Tot het uitloggen, hoogstens %(session)s dagen."),
        _session_days,
        label=_("Sessie van een ingelogde medewerker"),
    ),
    # --- login protection (django-axes); IP addresses are personal data ----------------------
    Entry(
        "axes.AccessAttempt",
        ("username", "ip_address", "user_agent", "get_data", "post_data"),
        VISITOR,
        _("Inlogpogingen tellen om wachtwoorden raden te stoppen."),
        LEGITIMATE_INTEREST,
        _("Tot de blokkering na te veel pogingen voorbij is."),
        _login_attempt_days,
        label=_("Inlogpogingen: gebruikersnaam, IP-adres, browser"),
    ),
    Entry(
        "axes.AccessFailureLog",
        ("username", "ip_address", "user_agent"),
        VISITOR,
        _("Mislukte inlogpogingen, om misbruik te kunnen onderzoeken."),
        LEGITIMATE_INTEREST,
        _("%(login_failures)s dagen."),
        setting_days("LOGIN_FAILURE_LOG_RETENTION_DAYS"),
        label=_("Mislukte inlogpogingen: gebruikersnaam, IP-adres, browser"),
    ),
    Entry(
        "axes.AccessLog",
        ("username", "ip_address", "user_agent", "session_hash"),
        VISITOR,
        _("Geslaagde inlogpogingen (staat uit: deze tabel blijft leeg)."),
        LEGITIMATE_INTEREST,
        _("%(login_failures)s dagen."),
        setting_days("LOGIN_FAILURE_LOG_RETENTION_DAYS"),
        label=_("Geslaagde inlogpogingen: gebruikersnaam, IP-adres, browser"),
    ),
)


# Fields that look personal to the audit (by type or name) but are not; each says why.
NOT_PERSONAL: dict[tuple[str, str], str] = {
    ("admin.LogEntry", "object_id"): "the primary key of the changed row, as text",
    ("auth.Permission", "name"): "the name of a permission, defined in code",
    ("auth.Group", "name"): "the name of a role (e.g. Coördinatoren)",
    ("organisations.Region", "name"): "the name of an STO region",
    ("organisations.Organisation", "name"): (
        "a company's or school's name, public in the KvK or DUO registers; the people at an "
        "organisation are Contacts"
    ),
    ("organisations.Organisation", "street_address"): "a business or school address, public",
    ("offers.Offer", "description"): (
        "a public description of what a company offers; its help text forbids pupil data"
    ),
    ("events.Event", "venue_name"): "the name of the place where an event is held",
    ("events.Event", "street_address"): "the address of the event's venue",
    ("events.Event", "description"): "the public description of an event",
    ("events.Event", "cancel_reason"): "the organiser's public reason for cancelling an event",
    ("events.Workshop", "description"): "the public description of a workshop",
    ("axes.AccessAttempt", "http_accept"): "the browser's Accept header, the same for everyone",
}


# Free text that people fill in, other than TextFields: each must warn against pupil data.
PUPIL_FREE_TEXT_CHARFIELDS: tuple[tuple[str, str], ...] = (
    ("offers.OfferRequest", "group"),
    ("offers.OfferRequest", "preferred_period"),
    ("events.Registration", "group"),
)

# TextFields of the project's own models nobody types into; each says why.
PUPIL_TEXT_EXEMPT: dict[tuple[str, str], str] = {
    ("matching.SignUpEvent", "message"): (
        "written by the system (steps, emails sent), or a copy of a decline reason, whose own "
        "field carries the warning"
    ),
}


def registered_fields() -> set[tuple[str, str]]:
    return {(entry.model, name) for entry in REGISTER for name in entry.fields}


def entries_for(model_label: str) -> list[Entry]:
    return [entry for entry in REGISTER if entry.model == model_label]


def purposes_of(model_label: str) -> dict[str, dict[str, Any]]:
    """For the export: each registered field of the model with its purpose and retention."""
    return {
        name: {
            "doel": str(entry.purpose),
            "grondslag": str(entry.legal_basis),
            "bewaartermijn": entry.retention_text(),
            "bewaartermijn_dagen": entry.retention_days,
        }
        for entry in entries_for(model_label)
        for name in entry.fields
    }
