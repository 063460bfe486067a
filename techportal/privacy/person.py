"""Every row that holds the personal data of one email address: as a company's contact person,
as a teacher, as the owner of saved searches, and in the /beheer/ history about those rows.

An address is matched without regard to case. Staff accounts with the address are reported but
never part of an export or erasure: they are managed under Gebruikers in /beheer/.
"""

from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from events.models import Registration
from matching.models import Match, SignUp
from offers.models import OfferRequest, SavedSearch
from organisations.models import Contact

# The kinds of rows, in the order pages and exports list them: (attribute, label).
KINDS = (
    ("contacts", _("Contactpersoon van een bedrijf")),
    ("signups", _("Aanmeldingen")),
    ("offer_requests", _("Aanvragen van aanbod")),
    ("matches", _("Matches")),
    ("registrations", _("Inschrijvingen voor evenementen")),
    ("saved_searches", _("Bewaarde zoekopdrachten")),
    ("log_entries", _("Wijzigingen in /beheer/")),
)


@dataclass(frozen=True)
class Person:
    email: str

    @property
    def contacts(self) -> QuerySet[Contact]:
        return Contact.objects.filter(email__iexact=self.email)

    @property
    def signups(self) -> QuerySet[SignUp]:
        return SignUp.objects.filter(contact__email__iexact=self.email)

    @property
    def offer_requests(self) -> QuerySet[OfferRequest]:
        return OfferRequest.objects.filter(teacher_email__iexact=self.email)

    @property
    def matches(self) -> QuerySet[Match]:
        return Match.objects.filter(
            Q(teacher_email__iexact=self.email) | Q(request__teacher_email__iexact=self.email)
        ).distinct()

    @property
    def registrations(self) -> QuerySet[Registration]:
        return Registration.objects.filter(teacher_email__iexact=self.email)

    @property
    def saved_searches(self) -> QuerySet[SavedSearch]:
        return SavedSearch.objects.filter(email__iexact=self.email)

    @property
    def log_entries(self) -> QuerySet[LogEntry]:
        """The /beheer/ history of the person's rows, and any entry that names the address."""
        about = Q(change_message__icontains=self.email) | Q(object_repr__icontains=self.email)
        for attribute in ("contacts", "signups", "offer_requests", "matches", "registrations"):
            about |= log_entries_q(getattr(self, attribute))
        return LogEntry.objects.filter(about)

    @property
    def staff_users(self) -> QuerySet:
        return get_user_model().objects.filter(email__iexact=self.email)

    def counts(self) -> dict[str, int]:
        return {attribute: getattr(self, attribute).count() for attribute, _label in KINDS}

    def summary(self) -> list[tuple[str, int]]:
        """(label, count) of each kind of row, for pages and commands."""
        counts = self.counts()
        return [(str(label), counts[attribute]) for attribute, label in KINDS]

    @property
    def found(self) -> bool:
        return any(self.counts().values())


def log_entries_q(rows: QuerySet[Model]) -> Q:
    """The admin history entries about `rows` (LogEntry names its object by type and id)."""
    content_type = ContentType.objects.get_for_model(rows.model)
    ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
    return Q(content_type=content_type, object_id__in=ids)


def person_find(email: str) -> Person:
    return Person(email=email.strip())
