"""Proposing a match from a suggestion: the `propose` URL of the match admin.

The suggestion lists under the change forms of a sign-up, an offer and a school are drawn by the
`match_suggestions` template tag (matching/templatetags/suggestions.py). Its "Voorstellen" button
posts to the `propose` URL added here to the match admin, which checks everything a coordinator
could forge again — the offer must be one they may see, the school a school, the way back a page
of this site — and calls `match_propose`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from offers.models import Offer
from organisations.models import Organisation

from ..services import match_propose


class ProposeForm(forms.Form):
    offer = forms.ModelChoiceField(
        queryset=Offer.objects.none(),
        error_messages={"invalid_choice": _("Dit aanbod is voor u niet te zien.")},
    )
    school = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.SCHOOL),
        error_messages={"invalid_choice": _("Deze school bestaat niet.")},
    )
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, offers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers  # type: ignore[attr-defined]


class ProposeMatchMixin:
    """Adds the `propose` URL to the match admin: one click on a suggestion proposes a match."""

    admin_site: admin.AdminSite

    def get_urls(self):
        urls = super().get_urls()  # type: ignore[misc]
        propose = path(
            "voorstellen/",
            self.admin_site.admin_view(self.propose_view),
            name="matching_match_propose",
        )
        return [propose, *urls]

    def propose_view(self, request: HttpRequest) -> HttpResponse:
        return _propose(self, request)


def _propose(match_admin, request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not match_admin.has_add_permission(request):
        return HttpResponse(status=403)
    offers = admin.site._registry[Offer].get_queryset(request)
    form = ProposeForm(request.POST, offers=offers)
    back = _safe_next(request, request.POST.get("next", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                match_admin.message_user(request, error, messages.ERROR)
        return HttpResponseRedirect(back)
    offer, school = form.cleaned_data["offer"], form.cleaned_data["school"]
    try:
        match = match_propose(offer=offer, school=school, actor=request.user)
    except ValidationError as error:
        match_admin.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(back)
    match_admin.message_user(
        request,
        gettext(
            "Match voorgesteld: %(offer)s voor %(school)s. Het bedrijf en de school krijgen een "
            "e-mail om te bevestigen."
        )
        % {"offer": offer.title, "school": school.name},
        messages.SUCCESS,
    )
    if match.teacher_email == "":
        match_admin.message_user(
            request,
            gettext(
                "Van deze school is geen e-mailadres bekend: vul bij de match het e-mailadres "
                "van een docent in, dan gaat de uitnodiging alsnog uit."
            ),
            messages.WARNING,
        )
    return HttpResponseRedirect(back)


def _safe_next(request: HttpRequest, url: str) -> str:
    """Back to the page the button was on, never to another site."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:matching_match_changelist")
