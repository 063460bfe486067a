"""A match's private page, one link per side: the match, and the one form that fits now.

Proposed: confirm or decline. Confirmed: report that it took place. Carried out: evaluate.
A form posted for a step the match has already left is refused politely (409), with the page
as it is now; a tampered, expired or wrong-side link is a 404.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from techportal.forms import error_links
from techportal.views import private_page

from .. import match_queries as queries
from ..match_forms import AnswerForm, CarriedOutForm, EvaluationForm, StepForm
from ..models import Match
from ..services import matches as services

SUMMARY_LABELS = {"decision": gettext_lazy("Antwoord"), "stap": gettext_lazy("Formulier")}


def _form_class(match: Match, side: Match.Side) -> type[StepForm] | None:
    """The form this side fills in now, or None when it has nothing to do."""
    if match.status == Match.Status.PROPOSED:
        if getattr(match, queries.CONFIRMED_AT[side]) is None:
            return AnswerForm
        return None
    if match.status == Match.Status.CONFIRMED:
        return CarriedOutForm
    if match.status == Match.Status.CARRIED_OUT:
        prefix = queries.EVALUATION_PREFIX[side]
        if getattr(match, f"{prefix}_evaluated_at") is None:
            return EvaluationForm
    return None


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def match_page(request: HttpRequest, token: str) -> HttpResponse:
    link = queries.match_for_token(token)
    if link is None:
        raise Http404(_("Deze link klopt niet of is verlopen."))
    match, side = link.match, link.side
    form_class = _form_class(match, side)
    if request.method != "POST":
        return _page(request, match, side, form_class() if form_class else None)
    if form_class is None or StepForm.posted_step(request.POST) != form_class.STEP:
        return _page(
            request,
            match,
            side,
            form_class() if form_class else None,
            refusal=_("Deze stap is al gezet: hieronder ziet u hoe de match er nu voor staat."),
            status=409,
        )
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(request, match, side, form, status=400)
    try:
        _apply(match, side, form)
    except services.TransitionRefused as error:
        fresh = queries.matches().get(pk=match.pk)
        next_form = _form_class(fresh, side)
        return _page(
            request,
            fresh,
            side,
            next_form() if next_form else None,
            refusal=str(error.message),
            status=409,
        )
    except ValidationError as error:  # the service's own checks, should the form miss one
        form.add_error(None, error)
        return _page(request, match, side, form, status=400)
    return redirect("matching:match", token=token)


def _apply(match: Match, side: Match.Side, form: StepForm) -> None:
    data = form.cleaned_data
    if isinstance(form, AnswerForm):
        if data["decision"] == AnswerForm.CONFIRM:
            services.match_confirm(match=match, side=side, date=data["date"])
        else:
            services.match_decline(match=match, side=side, reason=data["reason"])
    elif isinstance(form, CarriedOutForm):
        services.match_report_carried_out(
            match=match,
            side=side,
            date=data["date"],
            pupils=data["pupils"],
            rating=data["rating"],
            evaluation=data["evaluation"],
        )
    else:
        services.match_evaluate(
            match=match, side=side, rating=data["rating"], evaluation=data["evaluation"]
        )


def _page(
    request: HttpRequest,
    match: Match,
    side: Match.Side,
    form: StepForm | None,
    *,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    prefix = queries.EVALUATION_PREFIX[side]
    return render(
        request,
        "matching/match_page.html",
        {
            "match": match,
            "offer": match.offer,
            "company": match.offer.organisation,
            "school": match.school,
            "side": side.value,
            "is_company": side == Match.Side.COMPANY,
            "confirmed_by_me": getattr(match, queries.CONFIRMED_AT[side]) is not None,
            "my_rating": getattr(match, f"{prefix}_rating"),
            "my_evaluation": getattr(match, f"{prefix}_evaluation"),
            "form": form,
            "step": form.STEP if form is not None else "",
            "errors": list(error_links(form, SUMMARY_LABELS))
            if form is not None and form.is_bound
            else [],
            "refusal": refusal,
        },
        status=status,
    )
