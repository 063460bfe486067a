from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import run_checks
from .privacy.register import REGISTER, retention_context


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy statement, with the register of personal data as a table."""
    return render(
        request,
        "privacy.html",
        {
            "register": REGISTER,
            "retention": retention_context(),
            "contact_email": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (toegankelijkheidsverklaring)."""
    return render(
        request,
        "accessibility.html",
        {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL},
    )


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    results = run_checks()
    ok = all(result.ok for result in results.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable"}
        | {name: result.as_dict() for name, result in results.items()},
        status=200 if ok else 503,
    )


def coming_soon(title: str | Promise, intro: str | Promise):
    """A placeholder page for a part of the site that is still being built."""

    @require_safe
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, "coming_soon.html", {"title": title, "intro": intro})

    return view


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A Dutch explanation instead of Django's English CSRF page (the form was stale)."""
    return render(request, "csrf_failure.html", status=403)


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page reached by a private link: not cached, not indexed, its address never sent on.

    `same-origin` rather than `no-referrer`: with no referrer at all, browsers send `Origin:
    null` with the page's own forms, and Django's CSRF check then refuses them.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(wrapper)
