"""A match's way: proposed → confirmed by both sides → carried out → closed; or cancelled.

Every transition locks the match's row and checks its status first, so two answers (a click
on the company's link while a coordinator cancels) never both win: the second gets a clear
Dutch `TransitionRefused`. Emails are Celery tasks queued on commit; each is sent once,
guarded by the row lock and a field saying it went out (`*_invited_at`, `notified_status`,
or a `MatchReminder` row).
"""

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offers.models import Offer, OfferKind
from organisations.models import Contact, Organisation
from techportal.forms import refuse_markup
from techportal.mail import send_templated_mail
from techportal.queueing import enqueue_on_commit

from .. import match_queries as queries
from ..models import Match, MatchReminder

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None

PUPILS_MIN = 1
PUPILS_MAX = 500
EVALUATION_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 1000
# A reported date further back than this is most likely a typo in the year.
CARRIED_OUT_MAX_DAYS_AGO = 366


class TransitionRefused(ValidationError):
    """The match is not (or no longer) in a status that allows this step."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="transition")


def _refuse(match: Match, step: str) -> TransitionRefused:
    return TransitionRefused(
        _("Deze match heeft de status ‘%(status)s’; %(step)s kan dan niet.")
        % {"status": match.get_status_display(), "step": step}
    )


def _lock(match: Match) -> Match:
    """The match's row, locked until the transaction ends, with what the emails need."""
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("offer__organisation", "school")
        .get(pk=match.pk)
    )


def _link_side(side: str) -> Match.Side:
    if side not in queries.LINK_SIDES:
        raise ValueError(f"not a side with a link: {side!r}")
    return Match.Side(side)


# --- checks shared with the forms ---------------------------------------------------------------


def clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Geef een reden op."), code="required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("Houd de reden korter dan %(max)d tekens.") % {"max": REASON_MAX_LENGTH},
            code="max_length",
        )
    refuse_markup(reason)
    return reason


def check_carried_out(*, date: datetime.date, pupils: int) -> None:
    """A reported date lies in the past year (not the future); pupils between 1 and 500."""
    today = timezone.localdate()
    if date > today:
        raise ValidationError(
            {"date": _("Deze datum ligt in de toekomst; meld de uitvoering als die geweest is.")},
            code="future",
        )
    if date < today - datetime.timedelta(days=CARRIED_OUT_MAX_DAYS_AGO):
        raise ValidationError(
            {"date": _("Deze datum ligt meer dan een jaar terug; klopt het jaartal?")},
            code="too_old",
        )
    if not PUPILS_MIN <= pupils <= PUPILS_MAX:
        raise ValidationError(
            {
                "pupils": _("Vul een aantal leerlingen tussen %(min)d en %(max)d in.")
                % {"min": PUPILS_MIN, "max": PUPILS_MAX}
            },
            code="pupils",
        )


def check_evaluation(*, rating: int, evaluation: str) -> str:
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Kies een waardering van 1 tot 5.")}, code="rating")
    evaluation = evaluation.strip()
    if len(evaluation) > EVALUATION_MAX_LENGTH:
        raise ValidationError(
            {
                "evaluation": _("Houd de evaluatie korter dan %(max)d tekens.")
                % {"max": EVALUATION_MAX_LENGTH}
            },
            code="max_length",
        )
    refuse_markup(evaluation)
    return evaluation


def check_proposal(*, offer: Offer, school: Organisation) -> None:
    """Why `offer` cannot be proposed to `school`, as a Dutch ValidationError (or nothing)."""
    if school.kind != Organisation.Kind.SCHOOL:
        raise ValidationError({"school": _("Kies een schoollocatie.")}, code="not_a_school")
    if offer.status in (Offer.Status.ARCHIVED, Offer.Status.PAUSED):
        raise ValidationError(
            {
                "offer": _("Dit aanbod is %(status)s en kan niet worden voorgesteld.")
                % {"status": offer.get_status_display().lower()}
            },
            code="unavailable",
        )
    if offer.kind == OfferKind.EVENT_WORKSHOP:
        raise ValidationError(
            {"offer": _("Een workshop op een evenement koppelt u via het evenement.")},
            code="event_workshop",
        )
    duplicate = Match.objects.filter(offer=offer, school=school).exclude(
        status=Match.Status.CANCELLED
    )
    if duplicate.exists():
        raise ValidationError(
            _("Deze school heeft al een match voor dit aanbod."), code="duplicate"
        )


# --- proposing ---------------------------------------------------------------------------------


@transaction.atomic
def match_propose(
    *,
    offer: Offer,
    school: Organisation,
    actor: "Actor",
    teacher_name: str = "",
    teacher_email: str = "",
) -> Match:
    """A coordinator proposes `offer` to `school`; both sides get an invitation with a link.

    Without a teacher's address the school's first contact is invited; with neither, the
    school gets nothing until a coordinator fills in the address (see `match_update`).
    """
    # One proposal at a time per offer, so two coordinators cannot both make the same match.
    locked_offer = Offer.objects.select_for_update().get(pk=offer.pk)
    check_proposal(offer=locked_offer, school=school)
    teacher_name, teacher_email = teacher_name.strip(), teacher_email.strip()
    if teacher_email:
        validate_email(teacher_email)
    else:
        contact = Contact.objects.filter(organisation=school).order_by("pk").first()
        if contact is not None:
            teacher_email = contact.email
            teacher_name = teacher_name or contact.name
    match = Match.objects.create(
        offer=locked_offer,
        school=school,
        teacher_name=teacher_name,
        teacher_email=teacher_email,
        status=Match.Status.PROPOSED,
        proposed_by=actor if isinstance(actor, User) else None,
    )
    _queue_invitations(match)
    return match


def _queue_invitations(match: Match) -> None:
    from ..tasks import send_match_invitation

    enqueue_on_commit(send_match_invitation, match.pk, Match.Side.COMPANY.value)
    if match.teacher_email:
        enqueue_on_commit(send_match_invitation, match.pk, Match.Side.SCHOOL.value)


@transaction.atomic
def match_update(
    *,
    match: Match,
    teacher_name: str,
    teacher_email: str,
    date: datetime.date | None,
    pupils: int | None,
) -> Match:
    """A coordinator fills in the teacher or the planned date and pupils of an open match.

    When the school had no address yet, its invitation goes out now.
    """
    locked = _lock(match)
    if not locked.is_open:
        raise _refuse(locked, _("gegevens wijzigen"))
    if locked.request_id is None:  # a request's teacher stays the one who asked
        locked.teacher_name = teacher_name.strip()
        locked.teacher_email = teacher_email.strip()
    locked.date = date
    locked.pupils = pupils
    locked.save(update_fields=["teacher_name", "teacher_email", "date", "pupils", "updated_at"])
    if (
        locked.status == Match.Status.PROPOSED
        and locked.teacher_email
        and locked.school_invited_at is None
    ):
        from ..tasks import send_match_invitation

        enqueue_on_commit(send_match_invitation, locked.pk, Match.Side.SCHOOL.value)
    return locked


# --- the sides answer through their links ------------------------------------------------------


@transaction.atomic
def match_confirm(*, match: Match, side: str, date: datetime.date | None = None) -> Match:
    """One side says yes (perhaps with a date); with both, the match is confirmed."""
    side = _link_side(side)
    locked = _lock(match)
    if locked.status != Match.Status.PROPOSED:
        raise _refuse(locked, _("bevestigen"))
    field = queries.CONFIRMED_AT[side]
    if getattr(locked, field) is not None:
        raise TransitionRefused(_("U heeft deze match al bevestigd."))
    now = timezone.now()
    setattr(locked, field, now)
    if date is not None:
        locked.date = date
    if locked.company_confirmed_at and locked.school_confirmed_at:
        locked.status = Match.Status.CONFIRMED
        locked.confirmed_at = now
        _queue_status_email(locked)
    locked.save(update_fields=[field, "date", "status", "confirmed_at", "updated_at"])
    return locked


@transaction.atomic
def match_decline(*, match: Match, side: str, reason: str) -> Match:
    """One side says no, and why: the match is cancelled and both sides hear of it."""
    side = _link_side(side)
    reason = clean_reason(reason)
    locked = _lock(match)
    if locked.status != Match.Status.PROPOSED:
        raise _refuse(locked, _("afwijzen"))
    if getattr(locked, queries.CONFIRMED_AT[side]) is not None:
        raise TransitionRefused(
            _(
                "U heeft deze match al bevestigd. Lukt het toch niet? Neem contact op met de "
                "coördinator."
            )
        )
    return _cancel(locked, by=side, reason=reason)


def _cancel(locked: Match, *, by: str, reason: str) -> Match:
    locked.status = Match.Status.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = by
    locked.cancel_reason = reason
    locked.save(
        update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
    )
    _queue_status_email(locked)
    return locked


@transaction.atomic
def match_report_carried_out(
    *,
    match: Match,
    side: str,
    date: datetime.date,
    pupils: int,
    rating: int | None = None,
    evaluation: str = "",
) -> Match:
    """A side (or a coordinator) reports that the confirmed match took place.

    A side may add its evaluation at once; a coordinator reports only the facts.
    """
    side = Match.Side(side)
    check_carried_out(date=date, pupils=pupils)
    if rating is not None:
        evaluation = check_evaluation(rating=rating, evaluation=evaluation)
    elif evaluation.strip():
        raise ValidationError(
            {"rating": _("Geef bij uw evaluatie ook een waardering van 1 tot 5.")},
            code="rating",
        )
    locked = _lock(match)
    if locked.status != Match.Status.CONFIRMED:
        raise _refuse(locked, _("de uitvoering melden"))
    locked.status = Match.Status.CARRIED_OUT
    locked.date = date
    locked.pupils = pupils
    locked.carried_out_at = timezone.now()
    locked.save(update_fields=["status", "date", "pupils", "carried_out_at", "updated_at"])
    if rating is not None and side in queries.LINK_SIDES:
        _evaluate(locked, side=side, rating=rating, evaluation=evaluation)
    return locked


@transaction.atomic
def match_evaluate(*, match: Match, side: str, rating: int, evaluation: str = "") -> Match:
    """A side evaluates the carried-out match; once both did, the match is closed."""
    side = _link_side(side)
    evaluation = check_evaluation(rating=rating, evaluation=evaluation)
    locked = _lock(match)
    if locked.status != Match.Status.CARRIED_OUT:
        raise _refuse(locked, _("evalueren"))
    if getattr(locked, f"{queries.EVALUATION_PREFIX[side]}_evaluated_at") is not None:
        raise TransitionRefused(_("U heeft deze match al geëvalueerd. Dank u wel!"))
    _evaluate(locked, side=side, rating=rating, evaluation=evaluation)
    return locked


def _evaluate(locked: Match, *, side: Match.Side, rating: int, evaluation: str) -> None:
    prefix = queries.EVALUATION_PREFIX[side]
    now = timezone.now()
    setattr(locked, f"{prefix}_rating", rating)
    setattr(locked, f"{prefix}_evaluation", evaluation)
    setattr(locked, f"{prefix}_evaluated_at", now)
    fields = [f"{prefix}_rating", f"{prefix}_evaluation", f"{prefix}_evaluated_at", "updated_at"]
    if locked.company_evaluated_at and locked.teacher_evaluated_at:
        locked.status = Match.Status.CLOSED
        locked.closed_at = now
        fields += ["status", "closed_at"]
    locked.save(update_fields=fields)


# --- a coordinator in /beheer/ -----------------------------------------------------------------


@transaction.atomic
def match_close(*, match: Match, actor: "Actor") -> Match:
    """A coordinator closes a carried-out match without waiting for the evaluations."""
    locked = _lock(match)
    if locked.status != Match.Status.CARRIED_OUT:
        raise _refuse(locked, _("afsluiten"))
    locked.status = Match.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


@transaction.atomic
def match_cancel(*, match: Match, reason: str, actor: "Actor") -> Match:
    """A coordinator cancels a match that has not taken place yet; both sides hear why."""
    reason = clean_reason(reason)
    locked = _lock(match)
    if not locked.is_open:
        raise _refuse(locked, _("annuleren"))
    return _cancel(locked, by=Match.Side.COORDINATOR, reason=reason)


# --- emails ------------------------------------------------------------------------------------


def _queue_status_email(match: Match) -> None:
    from ..tasks import send_match_status

    enqueue_on_commit(send_match_status, match.pk)


def _for_email(match_id: int, **conditions) -> Match | None:
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("offer__organisation", "offer__signup__contact", "school", "proposed_by")
        .filter(pk=match_id, **conditions)
        .first()
    )


def _email_context(match: Match, side: Match.Side) -> dict:
    return {
        "match": match,
        "offer": match.offer,
        "company": match.offer.organisation,
        "school": match.school,
        "side": side.value,
        "is_company": side == Match.Side.COMPANY,
        "link": queries.match_url(match, side),
    }


def _reply_to(match: Match) -> list[str] | None:
    email = getattr(match.proposed_by, "email", "")
    return [email] if email else None


def _send(match: Match, side: Match.Side, template: str, **extra) -> bool:
    to = queries.side_email(match, side)
    if not to:
        return False
    send_templated_mail(
        template=template,
        to=[to],
        context=_email_context(match, side) | extra,
        reply_to=_reply_to(match),
    )
    return True


@transaction.atomic
def match_send_invitation(*, match_id: int, side: str) -> bool:
    """Invite one side of a proposed match, with its private link; once per side.

    A side without an address gets nothing and stays uninvited, so it can be invited later.
    """
    side = _link_side(side)
    field = queries.INVITED_AT[side]
    match = _for_email(match_id, status=Match.Status.PROPOSED, **{f"{field}__isnull": True})
    if match is None or not _send(match, side, "match_invitation"):
        return False
    setattr(match, field, timezone.now())
    match.save(update_fields=[field])
    return True


@transaction.atomic
def match_send_status(*, match_id: int) -> bool:
    """Tell both sides the match is confirmed, or cancelled (and why); once per status."""
    match = _for_email(match_id, status__in=[Match.Status.CONFIRMED, Match.Status.CANCELLED])
    if match is None or match.notified_status == match.status:
        return False
    for side in queries.LINK_SIDES:
        _send(match, side, f"match_{match.status}")
    match.notified_status = match.status
    match.save(update_fields=["notified_status"])
    return True


# --- reminders ---------------------------------------------------------------------------------

# Which sides each reminder goes to, and what must still hold for it to go out at all.
REMINDER_SIDES = {
    MatchReminder.Kind.CONFIRM_COMPANY: (Match.Side.COMPANY,),
    MatchReminder.Kind.CONFIRM_SCHOOL: (Match.Side.SCHOOL,),
    MatchReminder.Kind.REPORT: queries.LINK_SIDES,
    MatchReminder.Kind.EVALUATE_COMPANY: (Match.Side.COMPANY,),
    MatchReminder.Kind.EVALUATE_SCHOOL: (Match.Side.SCHOOL,),
}


def _still_due(match: Match, kind: MatchReminder.Kind) -> bool:
    """The reminder's reason still holds (the sender re-checks what the sweep found)."""
    Kind = MatchReminder.Kind
    if kind in (Kind.CONFIRM_COMPANY, Kind.CONFIRM_SCHOOL):
        side = REMINDER_SIDES[kind][0]
        return (
            match.status == Match.Status.PROPOSED
            and getattr(match, queries.CONFIRMED_AT[side]) is None
        )
    if kind == Kind.REPORT:
        return match.status == Match.Status.CONFIRMED
    side = REMINDER_SIDES[kind][0]
    prefix = queries.EVALUATION_PREFIX[side]
    return (
        match.status == Match.Status.CARRIED_OUT
        and getattr(match, f"{prefix}_evaluated_at") is None
    )


@transaction.atomic
def match_send_reminder(*, match_id: int, kind: str) -> bool:
    """Send one reminder about a match, once: the `MatchReminder` row is written first, in
    the same transaction, and its unique (match, kind) refuses a second one."""
    kind = MatchReminder.Kind(kind)
    match = _for_email(match_id)
    if match is None or not _still_due(match, kind):
        return False
    sides = [side for side in REMINDER_SIDES[kind] if queries.side_email(match, side)]
    if not sides:
        return False
    _reminder, created = MatchReminder.objects.get_or_create(match=match, kind=kind)
    if not created:
        return False
    for side in sides:
        _send(match, side, "match_reminder", kind=kind.value)
    return True


def matches_remind(*, now: datetime.datetime | None = None) -> int:
    """Queue every reminder due at `now` (the daily beat); returns how many were queued."""
    from ..tasks import send_match_reminder

    due = queries.reminders_due(now)
    for match_id, kind in due:
        enqueue_on_commit(send_match_reminder, match_id, kind)
    return len(due)
