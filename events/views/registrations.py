"""One event's page with its registration form, and the teacher's private registration page.

Drafts are 404 to the public; a cancelled event stays visible with a banner and no form. The
registration form GETs and POSTs the event's own URL; the school picker is the offers app's.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from offers import queries as offer_queries
from offers.forms import school_form_errors
from techportal.choices import Level
from techportal.ratelimits import over_rate_limit
from techportal.views import private_page

from .. import queries
from ..forms import SUMMARY_LABELS, RegistrationForm
from ..models import Event, Registration
from ..services import registrations as services

# --- the event's page and its form ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The event, its programme with places left, and (while open) the registration form.

    GET with `school_zoek` lists the schools found (the picker without JavaScript).
    """
    event = get_object_or_404(queries.public_events(), slug=slug)
    if request.method != "POST":
        form = RegistrationForm.blank(event=event) if queries.registration_is_open(event) else None
        return _render(request, event, form, request.GET.get(offer_queries.SCHOOL_QUERY))
    if not queries.registration_is_open(event):
        return _render(request, event, None, None, status=400)
    if over_rate_limit(
        request, group="events.views.event_detail", rate=settings.EVENT_REGISTRATION_RATE_LIMIT
    ):
        return render(request, "events/registration_too_many.html", {"event": event}, status=429)
    form = RegistrationForm(request.POST, event=event)
    query = request.POST.get(offer_queries.SCHOOL_QUERY)
    if not form.is_valid():
        return _render(request, event, form, query, status=400)
    try:
        registration, _created = services.registration_create(**form.registration_arguments())
    except services.RegistrationClosed:  # closed or cancelled while the teacher filled it in
        event.refresh_from_db()
        return _render(request, event, None, None, status=400)
    except ValidationError as error:
        form.add_error(None, error)
        return _render(request, event, form, query, status=400)
    return redirect(
        "events:registration_status", token=queries.registration_status_token(registration)
    )


def _render(
    request: HttpRequest,
    event: Event,
    form: RegistrationForm | None,
    query: str | None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "event": event,
        "slots": list(queries.slots_with_places(event)),
        "workshops": list(event.workshops.select_related("host").order_by("title", "pk")),
        "form": form,
        "closed_reason": _closed_reason(event),
        "level_labels": [Level(value).label for value in event.levels],
        "errors": school_form_errors(form, SUMMARY_LABELS)
        if form is not None and form.is_bound
        else [],
    }
    if form is not None:
        chosen = form.chosen_school
        context |= offer_queries.school_choices(
            offer_queries.clean_school_query(query), chosen=chosen
        )
        context["chosen_slot_id"] = form.chosen_slot_id
    return render(request, "events/detail.html", context, status=status)


def _closed_reason(event: Event) -> str:
    """Why the form is not shown, in Dutch; empty while registration is open."""
    now = timezone.now()
    if event.status == Event.Status.CANCELLED:
        return _("Dit evenement is geannuleerd. Inschrijven kan niet meer.")
    if now < event.registration_opens_at:
        return _("De inschrijving is nog niet open. Inschrijven kan vanaf %(date)s.") % {
            "date": _local(event.registration_opens_at)
        }
    if now > event.registration_deadline:
        return _("De inschrijving is gesloten: inschrijven kon tot %(date)s.") % {
            "date": _local(event.registration_deadline)
        }
    return ""


def _local(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i")


# --- the teacher's private page ------------------------------------------------------------------


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def registration_status(request: HttpRequest, token: str) -> HttpResponse:
    """The registration, its status and place in line; POST cancels it."""
    registration = queries.registration_for_status_token(token)
    if registration is None:
        raise Http404(_("Deze link klopt niet of is verlopen."))
    if request.method == "POST":
        if not _can_cancel(registration):
            return _status_page(request, registration, status=409)
        services.registration_cancel(registration=registration)
        return redirect("events:registration_status", token=token)
    return _status_page(request, registration)


def _can_cancel(registration: Registration) -> bool:
    return (
        registration.status != Registration.Status.CANCELLED
        and registration.event.status == Event.Status.PUBLISHED
        and registration.event.date >= timezone.localdate()
    )


def _status_page(
    request: HttpRequest, registration: Registration, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "events/registration_status.html",
        {
            "registration": registration,
            "event": registration.event,
            "slot": registration.slot,
            "waitlist_position": queries.waitlist_position(registration),
            "can_cancel": _can_cancel(registration),
            "refused": status != 200,
        },
        status=status,
    )
