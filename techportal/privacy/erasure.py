"""Erasing one person (AVG art. 17): in one transaction, delete what can go and anonymise what the
impact figures still count.

- deleted: saved searches; contact persons without sign-ups; logins and sessions that name the
  address; the /beheer/ history of deleted rows.
- anonymised (name → "Verwijderd", address → a unique, undeliverable placeholder, phone and role
  blank, their own free text blank): contact persons on sign-ups (sign-ups and their offers stay),
  requests, matches and registrations (they are counted per status, per event and in pupils
  reached, so they stay; withdrawn requests too).
- scrubbed of the name, address and phone: the texts others wrote about them (decline reasons,
  history, notes, answers, evaluations, cancel reasons, offers' texts, and so the catalogue's
  "Bedoelde u …?" words) and the /beheer/ history.

Queued emails carry only row ids; when they run, `send_templated_mail` drops the placeholder,
and tasks of deleted rows find nothing. Staff accounts with the address are left alone.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import Model, Q, QuerySet

from events.models import Registration
from matching.models import Match, SignUp, SignUpEvent, SignUpNote
from offers.models import Offer, OfferRequest
from offers.services.search_words import search_words_rebuild
from organisations.models import Contact

from .person import Person, log_entries_q, person_find
from .placeholders import ERASED_NAME, REDACTED, placeholder_email
from .scrub import Terms, scrub, scrub_json_text

Pattern = re.Pattern[str] | None


@dataclass
class ErasureReport:
    email: str
    deleted: Counter[str] = field(default_factory=Counter)
    anonymised: Counter[str] = field(default_factory=Counter)
    scrubbed: Counter[str] = field(default_factory=Counter)
    staff_accounts: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.deleted or self.anonymised or self.scrubbed)


def _terms(person: Person) -> Terms:
    contacts = list(person.contacts.values_list("name", "email", "phone"))
    teachers: list[tuple[str, str]] = []
    for queryset in (person.offer_requests, person.matches, person.registrations):
        teachers += queryset.values_list("teacher_name", "teacher_email")
    return Terms.of(
        emails=[person.email] + [row[1] for row in contacts] + [row[1] for row in teachers],
        names=[row[0] for row in contacts] + [row[0] for row in teachers],
        phones=[row[2] for row in contacts],
    )


def _scrub_fields(
    rows: QuerySet[Model], names: tuple[str, ...], pattern: Pattern, report: ErasureReport
) -> None:
    """Scrub the text fields `names` of every row; save only the rows that changed."""
    for row in rows.select_for_update(of=("self",)):
        changed = []
        for name in names:
            before = getattr(row, name)
            after = _fit(row, name, scrub(before, pattern))
            if after != before:
                setattr(row, name, after)
                changed.append(name)
        if changed:
            row.save(update_fields=changed)
            report.scrubbed[row._meta.label] += 1


def _fit(row: Model, name: str, text: str) -> str:
    """`[verwijderd]` may be longer than what it replaced: keep within the column."""
    max_length = getattr(row._meta.get_field(name), "max_length", None)
    return text[:max_length] if max_length else text


def _anonymise_teacher_rows(
    rows: QuerySet[Model], kind: str, blank: tuple[str, ...], report: ErasureReport
) -> None:
    """Name → Verwijderd, address → placeholder, the teacher's own texts (`blank`) emptied."""
    for row in rows.select_for_update(of=("self",)):
        row.teacher_name = ERASED_NAME  # type: ignore[attr-defined]
        row.teacher_email = placeholder_email(kind, row.pk)  # type: ignore[attr-defined]
        for name in blank:
            setattr(row, name, "")
        row.save(update_fields=["teacher_name", "teacher_email", *blank])
        report.anonymised[row._meta.label] += 1


def _contacts_erase(
    person: Person, thorough: Pattern, strong: Pattern, report: ErasureReport
) -> None:
    contacts = list(person.contacts.select_for_update())
    signups = SignUp.objects.filter(contact__in=contacts)
    offers = Offer.objects.filter(signup__in=signups)
    # Their own text goes; what coordinators wrote about them is scrubbed.
    for signup in signups.select_for_update(of=("self",)):
        signup.message = ""
        signup.decline_reason = scrub(signup.decline_reason, thorough)
        signup.save(update_fields=["message", "decline_reason"])
        report.anonymised[SignUp._meta.label] += 1
    _scrub_fields(SignUpEvent.objects.filter(signup__in=signups), ("message",), thorough, report)
    _scrub_fields(SignUpNote.objects.filter(signup__in=signups), ("text",), thorough, report)
    # Public texts: only the full name, the address and the phone, never single name parts.
    _scrub_fields(offers, ("title", "description"), strong, report)
    if report.scrubbed[Offer._meta.label]:
        search_words_rebuild()  # "Bedoelde u …?" must not suggest their name
    _scrub_fields(
        OfferRequest.objects.filter(offer__in=offers),
        ("message", "response_message"),
        thorough,
        report,
    )
    _scrub_fields(
        Match.objects.filter(offer__in=offers),
        ("company_evaluation", "teacher_evaluation", "cancel_reason"),
        thorough,
        report,
    )
    for contact in contacts:
        if contact.signups.exists():
            contact.name = ERASED_NAME
            contact.role = ""
            contact.email = placeholder_email("contact", contact.pk)
            contact.phone = ""
            contact.save(update_fields=["name", "role", "email", "phone"])
            report.anonymised[contact._meta.label] += 1
        else:
            _delete(Contact.objects.filter(pk=contact.pk), report)


def _delete(rows: QuerySet[Model], report: ErasureReport) -> None:
    """Delete `rows` and their /beheer/ history."""
    if not rows.exists():
        return
    LogEntry.objects.filter(log_entries_q(rows)).delete()
    _total, per_model = rows.delete()
    report.deleted.update({label: count for label, count in per_model.items() if count})


def _ids(rows: QuerySet[Model]) -> list[int]:
    return list(rows.values_list("pk", flat=True))


def _teacher_rows_erase(person: Person, thorough: Pattern, report: ErasureReport) -> None:
    # Read the ids first: anonymising changes the address the querysets look for.
    requests = OfferRequest.objects.filter(pk__in=_ids(person.offer_requests))
    matches = Match.objects.filter(pk__in=_ids(person.matches))
    registrations = Registration.objects.filter(pk__in=_ids(person.registrations))
    _scrub_fields(requests, ("response_message", "group", "preferred_period"), thorough, report)
    _anonymise_teacher_rows(requests, "aanvraag", ("message",), report)
    _scrub_fields(matches, ("company_evaluation", "cancel_reason"), thorough, report)
    _anonymise_teacher_rows(matches, "match", ("teacher_evaluation",), report)
    _scrub_fields(registrations, ("group",), thorough, report)
    _anonymise_teacher_rows(registrations, "inschrijving", ("remarks",), report)


def _log_entries_erase(
    about: set[int], terms: Terms, thorough: Pattern, strong: Pattern, report: ErasureReport
) -> None:
    """Rewrite the /beheer/ history: entries about the person's rows lose every trace of them,
    entries elsewhere that name them lose the name, address and phone."""
    named = Q(pk__in=about)
    for needle in terms.needles():
        named |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
    for entry in LogEntry.objects.filter(named).select_for_update():
        pattern = thorough if entry.pk in about else strong
        object_repr = _fit(entry, "object_repr", scrub(entry.object_repr, pattern))
        change_message = scrub_json_text(entry.change_message, pattern)
        if (object_repr, change_message) != (entry.object_repr, entry.change_message):
            entry.object_repr, entry.change_message = object_repr, change_message
            entry.save(update_fields=["object_repr", "change_message"])
            report.scrubbed[LogEntry._meta.label] += 1


def _sessions_erase(strong: Pattern, report: ErasureReport) -> None:
    """Sessions whose data names the person (the site keeps none such today; a guard)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if strong is None or not hasattr(store, "get_model_class"):
        return
    model = store.get_model_class()
    doomed = [
        session.pk
        for session in model.objects.iterator()
        if strong.search(repr(store().decode(session.session_data)))
    ]
    _delete(model.objects.filter(pk__in=doomed), report)


def _login_records_erase(email: str, report: ErasureReport) -> None:
    """django-axes' records of logins with the address as username."""
    if not apps.is_installed("axes"):
        return
    for name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
        model = apps.get_model("axes", name)
        named = Q(username__iexact=email)
        if name == "AccessAttempt":
            named |= Q(get_data__icontains=email) | Q(post_data__icontains=email)
        _delete(model._default_manager.filter(named), report)


@transaction.atomic
def person_erase(*, email: str) -> ErasureReport:
    """Erase every trace of the person with this address; running it again changes nothing."""
    person = person_find(email)
    report = ErasureReport(email=person.email, staff_accounts=person.staff_users.count())
    terms = _terms(person)
    thorough, strong = terms.pattern(thorough=True), terms.pattern()
    # The history of the rows about to change, while the address still finds them.
    about = set(person.log_entries.values_list("pk", flat=True))
    _delete(person.saved_searches, report)
    _teacher_rows_erase(person, thorough, report)
    _contacts_erase(person, thorough, strong, report)
    _log_entries_erase(about, terms, thorough, strong, report)
    _sessions_erase(strong, report)
    _login_records_erase(person.email, report)
    return report


__all__ = ["REDACTED", "ErasureReport", "person_erase"]
