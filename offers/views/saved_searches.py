"""Saved searches: save (double opt-in), confirm by a signed link, unsubscribe with one click.

Every page is private to whoever holds the link: kept out of search engines and caches.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from techportal.forms import error_links
from techportal.ratelimits import over_rate_limit
from techportal.views import private_page

from ..forms import SaveSearchForm
from ..services import saved_searches as services

QUERY_PARAM = "zoekopdracht"


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def save_search(request: HttpRequest) -> HttpResponse:
    """POST saves the search and redirects here (GET): "check your email"."""
    if request.method != "POST":
        return _sent_page(request)
    if over_rate_limit(
        request, group="offers.views.save_search", rate=settings.SAVED_SEARCH_RATE_LIMIT
    ):
        return render(request, "offers/saved_search_too_many.html", status=429)
    form = SaveSearchForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form)
    services.saved_search_create(email=form.cleaned_data["email"], query=form.cleaned_data["query"])
    # The same page whatever happened: nobody learns what an address has saved before.
    query = urlencode({QUERY_PARAM: form.cleaned_data["query"]})
    return redirect(f"{reverse('offers:save_search')}?{query}")


def _sent_page(request: HttpRequest) -> HttpResponse:
    query = services.normalise_query(request.GET.get(QUERY_PARAM, "")[:2000])
    return render(request, "offers/saved_search_sent.html", _search_context(query))


def _form_page(request: HttpRequest, form: SaveSearchForm) -> HttpResponse:
    """The form again, with what was wrong: the catalogue page is not re-rendered for it."""
    raw = form.data.get("query", "")
    query = form.cleaned_data.get("query") or services.normalise_query(raw[:2000])
    return render(
        request,
        "offers/saved_search_form.html",
        {"form": form, "errors": list(error_links(form))} | _search_context(query),
        status=400,
    )


def _search_context(query: str) -> dict:
    return {
        "query": query,
        "description": services.describe(query) if query else "",
        "search_url": services.search_url(query),
    }


@private_page
@require_safe
def confirm_search(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email: confirms (again, harmlessly) and shows the search."""
    saved_search = services.saved_search_for_confirm_token(token)
    if saved_search is None:
        raise Http404(_("Deze link klopt niet of is verlopen."))
    saved_search = services.saved_search_confirm(saved_search=saved_search)
    return render(
        request,
        "offers/saved_search_confirmed.html",
        {
            "saved_search": saved_search,
            "unsubscribe_token": services.unsubscribe_token(saved_search),
        }
        | _search_context(saved_search.query),
    )


@private_page
@csrf_exempt  # the signed link is the credential; mail programs post without a CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click deletes the saved search; the page offers to undo it.

    GET (the link in an email) and POST `List-Unsubscribe=One-Click` (RFC 8058, sent by mail
    programs) unsubscribe; POST `undo` (the button on the page) re-creates the search.
    """
    subscription = services.subscription_for_unsubscribe_token(token)
    if subscription is None:
        raise Http404(_("Deze link klopt niet."))
    if request.method == "POST" and "undo" in request.POST:
        services.saved_search_restore(subscription=subscription)
        return _subscription_page(request, "offers/saved_search_restored.html", subscription, token)
    if request.method == "POST" and not _is_one_click(request.POST):
        return HttpResponseBadRequest(_("Onbekende opdracht."))
    if request.method != "HEAD":
        services.saved_search_unsubscribe(subscription=subscription)
    return _subscription_page(request, "offers/saved_search_unsubscribed.html", subscription, token)


def _is_one_click(data: QueryDict) -> bool:
    return data.get("List-Unsubscribe") == "One-Click"


def _subscription_page(
    request: HttpRequest, template: str, subscription: services.Subscription, token: str
) -> HttpResponse:
    return render(
        request,
        template,
        {"email": subscription.email, "token": token} | _search_context(subscription.query),
    )
