"""The nightly purge (Celery beat, `techportal.tasks.purge_personal_data`): what is past its
retention period goes. Each step is a service of its own; running them again removes nothing
more (a row once purged no longer matches), so a repeated or doubled beat does no harm.

- Declined sign-ups: PRIVACY_DECLINED_SIGNUP_DAYS after they were declined (`closed_at`).
- Stale sign-ups, PRIVACY_STALE_SIGNUP_DAYS after
  - the last activity of a sign-up still open (received, routed or in triage): its receipt, the
    newest step in its history or the newest note, whichever is latest; or
  - the closing of a sign-up closed without any of its offers ever published.
  Purging a sign-up deletes its history and notes, its offers that were never published (and
  never requested or matched), and its contact person once they have no other sign-up.
- Saved searches never confirmed: PRIVACY_UNCONFIRMED_SEARCH_DAYS after saving.
- Teachers' data on finished rows, PRIVACY_TEACHER_DATA_DAYS after: requests answered or
  withdrawn, matches last changed, registrations for events held. Name, address and texts are
  erased (as by `person_erase`); the rows stay, for the impact figures.
- The /beheer/ change history older than PRIVACY_ADMIN_LOG_DAYS, and expired sessions.
Login records (django-axes) are purged by `techportal.auth.purge_login_records`.
"""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Greatest
from django.utils import timezone

from events.models import Registration
from matching.models import Match, SignUp, SignUpEvent, SignUpNote
from offers.models import Offer, OfferRequest, SavedSearch
from organisations.models import Contact

from .person import log_entries_q
from .placeholders import ERASED_DOMAIN, ERASED_NAME, REDACTED


def _days_ago(now: datetime.datetime, setting: str) -> datetime.datetime:
    return now - datetime.timedelta(days=getattr(settings, setting))


# --- sign-ups ---------------------------------------------------------------------------------


def declined_signups(now: datetime.datetime) -> QuerySet[SignUp]:
    return SignUp.objects.filter(
        status=SignUp.Status.DECLINED,
        closed_at__lt=_days_ago(now, "PRIVACY_DECLINED_SIGNUP_DAYS"),
    )


def stale_signups(now: datetime.datetime) -> QuerySet[SignUp]:
    cutoff = _days_ago(now, "PRIVACY_STALE_SIGNUP_DAYS")
    newest_step = SignUpEvent.objects.filter(signup=OuterRef("pk")).order_by("-at").values("at")
    newest_note = (
        SignUpNote.objects.filter(signup=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")
    )
    ever_published = Offer.objects.filter(signup=OuterRef("pk"), published_at__isnull=False)
    return SignUp.objects.alias(
        # PostgreSQL's GREATEST skips NULLs: a sign-up without steps or notes has its receipt.
        last_activity=Greatest("received_at", Subquery(newest_step[:1]), Subquery(newest_note[:1])),
    ).filter(
        Q(status__in=SignUp.OPEN_STATUSES, last_activity__lt=cutoff)
        | (Q(status=SignUp.Status.CLOSED, closed_at__lt=cutoff) & ~Exists(ever_published))
    )


@transaction.atomic
def signups_purge(signups: QuerySet[SignUp]) -> int:
    """Delete `signups` with what only they needed; returns how many sign-ups went."""
    ids = list(signups.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return 0
    doomed = SignUp.objects.filter(pk__in=ids)
    contact_ids = set(doomed.values_list("contact_id", flat=True))
    Offer.objects.filter(signup__in=ids, published_at__isnull=True).exclude(
        Exists(OfferRequest.objects.filter(offer=OuterRef("pk")))
    ).exclude(Exists(Match.objects.filter(offer=OuterRef("pk")))).delete()
    LogEntry.objects.filter(log_entries_q(doomed)).delete()
    doomed.delete()
    # Locked first: a sign-up arriving now for one of these contacts waits, and is then seen.
    list(Contact.objects.select_for_update().filter(pk__in=contact_ids))
    orphans = Contact.objects.filter(pk__in=contact_ids).exclude(
        Exists(SignUp.objects.filter(contact=OuterRef("pk")))
    )
    LogEntry.objects.filter(log_entries_q(orphans)).delete()
    orphans.delete()
    return len(ids)


# --- saved searches ---------------------------------------------------------------------------


@transaction.atomic
def saved_searches_purge_unconfirmed(now: datetime.datetime) -> int:
    doomed = SavedSearch.objects.filter(
        confirmed_at__isnull=True,
        created_at__lt=_days_ago(now, "PRIVACY_UNCONFIRMED_SEARCH_DAYS"),
    )
    LogEntry.objects.filter(log_entries_q(doomed)).delete()
    return doomed.delete()[1].get(SavedSearch._meta.label, 0)


# --- teachers' data on finished rows ----------------------------------------------------------


def _placeholder(kind: str) -> Concat:
    """The SQL for `placeholder_email(kind, id)`, so one UPDATE anonymises many rows."""
    return Concat(
        Value(f"verwijderd-{kind}-"),
        Cast("id", CharField()),
        Value(f"@{ERASED_DOMAIN}"),
        output_field=CharField(),
    )


def _not_yet_anonymised(rows: QuerySet) -> QuerySet:
    return rows.exclude(teacher_email__iendswith=f"@{ERASED_DOMAIN}")


@transaction.atomic
def teacher_data_purge(now: datetime.datetime) -> int:
    """Erase teachers' names, addresses and texts from rows finished long enough ago."""
    cutoff = _days_ago(now, "PRIVACY_TEACHER_DATA_DAYS")
    erased = {"teacher_name": Value(ERASED_NAME)}
    count = (
        _not_yet_anonymised(OfferRequest.objects.all())
        .exclude(status=OfferRequest.Status.REQUESTED)
        .filter(responded_at__lt=cutoff)
        .update(**erased, teacher_email=_placeholder("aanvraag"), message="", response_message="")
    )
    count += (
        _not_yet_anonymised(Match.objects.all())
        .filter(updated_at__lt=cutoff)
        .update(
            **erased,
            teacher_email=_placeholder("match"),
            teacher_evaluation="",
            company_evaluation="",
            # A cancelled match keeps a reason (a constraint), just no longer the words.
            cancel_reason=Case(When(cancel_reason="", then=Value("")), default=Value(REDACTED)),
        )
    )
    count += (
        _not_yet_anonymised(Registration.objects.all())
        .filter(event__date__lt=timezone.localdate(cutoff))
        .update(**erased, teacher_email=_placeholder("inschrijving"), remarks="")
    )
    return count


# --- logs -------------------------------------------------------------------------------------


def admin_log_purge(now: datetime.datetime) -> int:
    old = LogEntry.objects.filter(action_time__lt=_days_ago(now, "PRIVACY_ADMIN_LOG_DAYS"))
    return old.delete()[0]


def sessions_purge(now: datetime.datetime) -> int:
    """Expired sessions (Django's `clearsessions`), with a count."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        store.clear_expired()  # kept elsewhere (a cache): expires by itself
        return 0
    return store.get_model_class().objects.filter(expire_date__lt=now).delete()[0]


def personal_data_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Every step of the purge; returns how many rows each removed or anonymised."""
    now = now or timezone.now()
    return {
        "declined_signups": signups_purge(declined_signups(now)),
        "stale_signups": signups_purge(stale_signups(now)),
        "unconfirmed_saved_searches": saved_searches_purge_unconfirmed(now),
        "teacher_data": teacher_data_purge(now),
        "admin_log_entries": admin_log_purge(now),
        "sessions": sessions_purge(now),
    }
