"""A teacher requests an offer for a class; the company answers and the teacher follows it.

Both private pages are reached by a signed link from an email: never cached, never indexed,
and they send no referrer, so the link never leaks to another site.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from matching.models import Match
from techportal.forms import error_links
from techportal.ratelimits import over_rate_limit
from techportal.views import private_page

from .. import queries
from ..forms import REQUEST_SUMMARY_LABELS, AnswerForm, OfferRequestForm, school_form_errors
from ..models import Offer, OfferRequest
from ..services import requests as services

# --- the request form ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """GET the form (with `school_zoek`: and the schools found); POST sends the request."""
    offer = get_object_or_404(queries.published_offers(), pk=pk)
    if request.method != "POST":
        form = OfferRequestForm.blank(offer=offer)
        return _render_form(request, offer, form, request.GET.get(queries.SCHOOL_QUERY))
    if over_rate_limit(
        request, group="offers.views.request_offer", rate=settings.OFFER_REQUEST_RATE_LIMIT
    ):
        return render(request, "offers/request_too_many.html", {"offer": offer}, status=429)
    form = OfferRequestForm(request.POST, offer=offer)
    query = request.POST.get(queries.SCHOOL_QUERY)
    if not form.is_valid():
        return _render_form(request, offer, form, query, status=400)
    try:
        offer_request, _created = services.offer_request_create(**form.request_arguments())
    except ValidationError as error:  # unpublished meanwhile, or not a school after all
        form.add_error(None, error)
        return _render_form(request, offer, form, query, status=400)
    return redirect("offers:request_status", token=queries.request_status_token(offer_request))


def _render_form(
    request: HttpRequest, offer: Offer, form: OfferRequestForm, query: str | None, status=200
) -> HttpResponse:
    query = queries.clean_school_query(query)
    return render(
        request,
        "offers/request_form.html",
        {
            "offer": offer,
            "form": form,
            "errors": school_form_errors(form, REQUEST_SUMMARY_LABELS) if form.is_bound else [],
            **queries.school_choices(query, chosen=form.chosen_school),
        },
        status=status,
    )


@require_safe
def school_search(request: HttpRequest) -> HttpResponse:
    """The radio choices for a typed name, place or BRIN (fetched by htmx while typing)."""
    query = queries.clean_school_query(request.GET.get(queries.SCHOOL_QUERY))
    response = render(request, "offers/_school_choices.html", queries.school_choices(query))
    response["Cache-Control"] = "private, max-age=60"
    return response


# --- the teacher's page ----------------------------------------------------------------------


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def request_status(request: HttpRequest, token: str) -> HttpResponse:
    """The teacher's private page: what was asked, the answer; POST withdraws the request."""
    offer_request = queries.offer_request_for_status_token(token)
    if offer_request is None:
        raise Http404(_("Deze link klopt niet of is verlopen."))
    if request.method == "POST":
        try:
            services.offer_request_withdraw(offer_request=offer_request)
        except services.AlreadyAnswered as error:
            return _status_page(request, offer_request, refusal=str(error.message), status=409)
        return redirect("offers:request_status", token=token)
    return _status_page(request, offer_request)


def _status_page(
    request: HttpRequest, offer_request: OfferRequest, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    offer_request.refresh_from_db(fields=["status", "response_message", "responded_at"])
    return render(
        request,
        "offers/request_status.html",
        {
            "offer_request": offer_request,
            "offer": offer_request.offer,
            "match": _match_of(offer_request),
            "refusal": refusal,
        },
        status=status,
    )


def _match_of(offer_request: OfferRequest) -> Match | None:
    return Match.objects.filter(request=offer_request).first()


# --- the company's page ----------------------------------------------------------------------


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def request_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The company's private page: the request, and accept (with a date) or decline (why)."""
    offer_request = queries.offer_request_for_answer_token(token)
    if offer_request is None:
        raise Http404(_("Deze link klopt niet of is verlopen."))
    if request.method != "POST":
        return _answer_page(request, offer_request, AnswerForm())
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _answer_page(request, offer_request, form, status=400)
    try:
        _answer(offer_request, form)
    except services.AlreadyAnswered as error:
        return _answer_page(request, offer_request, None, refusal=str(error.message), status=409)
    except ValidationError as error:
        form.add_error("message", error)
        return _answer_page(request, offer_request, form, status=400)
    return redirect("offers:request_answer", token=token)


def _answer(offer_request: OfferRequest, form: AnswerForm) -> None:
    data = form.cleaned_data
    if data["decision"] == AnswerForm.ACCEPT:
        services.offer_request_accept(
            offer_request=offer_request, message=data["message"], date=data["date"]
        )
    else:
        services.offer_request_decline(offer_request=offer_request, message=data["message"])


def _answer_page(
    request: HttpRequest,
    offer_request: OfferRequest,
    form: AnswerForm | None,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    offer_request.refresh_from_db(fields=["status", "response_message", "responded_at"])
    is_open = offer_request.status == OfferRequest.Status.REQUESTED
    return render(
        request,
        "offers/request_answer.html",
        {
            "offer_request": offer_request,
            "offer": offer_request.offer,
            "school": offer_request.school,
            "match": _match_of(offer_request),
            "form": form if is_open else None,
            "errors": list(error_links(form)) if form is not None and form.is_bound else [],
            "refusal": refusal,
            "over_group_size": bool(
                offer_request.offer.group_size
                and offer_request.pupils > offer_request.offer.group_size
            ),
        },
        status=status,
    )
