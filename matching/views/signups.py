from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from techportal.ratelimits import over_rate_limit

from .. import queries
from ..forms import SignUpSubmission
from ..models import SignUp
from ..services import signup_create


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """The aanmeldformulier. A valid submit stores everything and redirects to a thank-you."""
    if request.method != "POST":
        return _render_form(request, SignUpSubmission.blank())
    if over_rate_limit(request, group="matching.views.signup", rate=settings.SIGNUP_RATE_LIMIT):
        return render(request, "matching/too_many.html", status=429)
    submission = SignUpSubmission(request.POST)
    if not submission.is_valid():
        return _render_form(request, submission, status=400)
    signup, _created = signup_create(**submission.signup_arguments())
    return redirect("matching:thanks", token=queries.thanks_token(signup))


def _render_form(request: HttpRequest, submission: SignUpSubmission, status: int = 200):
    return render(
        request,
        "matching/signup_form.html",
        {
            "submission": submission,
            "form": submission.form,
            "errors": list(submission.errors()) if submission.is_bound else [],
        },
        status=status,
    )


@never_cache
@require_safe
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    signup = queries.signup_for_thanks_token(token)
    if signup is None:
        raise Http404(_("Deze pagina bestaat niet (meer)."))
    return render(request, "matching/thanks.html", {"signup": signup})


@never_cache
@require_safe
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The company's private view of its sign-up, reached from the confirmation email."""
    signup = queries.signup_for_status_token(token)
    if signup is None:
        raise Http404(_("Deze link klopt niet of is verlopen."))
    response = render(
        request,
        "matching/status.html",
        {"signup": signup, "offers": signup.offers.order_by("pk"), "steps": _steps(signup)},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _steps(signup: SignUp) -> list[tuple[str, bool]]:
    """The way a sign-up goes, with the steps already taken, for the status page."""
    done = {
        SignUp.Status.RECEIVED: 1,
        SignUp.Status.ROUTED: 2,
        SignUp.Status.IN_TRIAGE: 3,
        SignUp.Status.CLOSED: 4,
        SignUp.Status.DECLINED: 4,
    }[SignUp.Status(signup.status)]
    names = [
        _("Ontvangen"),
        _("Doorgestuurd naar een coördinator"),
        _("In behandeling"),
        _("Afgerond"),
    ]
    return [(name, index < done) for index, name in enumerate(names)]
