"""The pages between the password and /beheer/: verify a code, or set up the app first.

Each view takes the AdminSite (techportal/admin_site.py wires them under /beheer/) and is only
for active staff who passed the password; the others go to the login page.
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login

from .otp import (
    CodeForm,
    second_factor_check,
    second_factor_enrol,
    second_factor_enrolled,
    second_factor_pending,
    totp_device_pending,
    totp_qr_svg,
    totp_secret,
)

BACKUP_CODES_SESSION_KEY = "techportal_backup_codes"


def next_url(request: HttpRequest, site: admin.AdminSite) -> str:
    """Where to go after the second factor: a path on this site, else the admin's index."""
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index", current_app=site.name)


def redirect_with_next(url_name: str, site: admin.AdminSite, next_path: str) -> HttpResponse:
    url = reverse(url_name, current_app=site.name)
    return HttpResponseRedirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_path})}")


def _staff(request: HttpRequest) -> AbstractBaseUser | None:
    """The logged-in user, if active staff (who passed the password)."""
    user = request.user
    if isinstance(user, AbstractBaseUser) and user.is_active and getattr(user, "is_staff", False):
        return user
    return None


def _to_login(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    return redirect_with_next("admin:login", site, next_url(request, site))


def _render(request, site, template: str, context: dict) -> TemplateResponse:
    request.current_app = site.name
    return TemplateResponse(
        request,
        template,
        {
            **site.each_context(request),
            # No menu of apps before the second factor.
            "available_apps": [],
            "is_nav_sidebar_enabled": False,
            REDIRECT_FIELD_NAME: next_url(request, site),
            **context,
        },
    )


def _verified(request: HttpRequest, device) -> None:
    """Remember the device in the session, under a new session key (as a login does)."""
    request.session.cycle_key()
    otp_login(request, device)


def verify(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    if (user := _staff(request)) is None:
        return _to_login(request, site)
    if not second_factor_pending(request.user):
        return HttpResponseRedirect(next_url(request, site))
    if not second_factor_enrolled(user):
        return redirect_with_next("admin:second_factor_enrol", site, next_url(request, site))

    form = CodeForm(
        request.POST if request.method == "POST" else None,
        check=lambda code: second_factor_check(user=user, code=code),
    )
    if form.is_valid():
        _verified(request, form.result)
        return HttpResponseRedirect(next_url(request, site))
    return _render(
        request,
        site,
        "admin/second_factor/verify.html",
        {"title": _("Tweestapsverificatie"), "form": form},
    )


def enrol(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    if (user := _staff(request)) is None:
        return _to_login(request, site)
    if not second_factor_pending(request.user):
        return HttpResponseRedirect(next_url(request, site))
    if second_factor_enrolled(user):
        # A password alone never sets up another device: that takes the one already there.
        return redirect_with_next("admin:second_factor_verify", site, next_url(request, site))

    device = totp_device_pending(user)
    backup_codes: list[str] = []

    def confirm(code: str):
        backup_codes.extend(second_factor_enrol(device=device, code=code))
        return device

    form = CodeForm(request.POST if request.method == "POST" else None, check=confirm)
    if form.is_valid():
        _verified(request, device)
        request.session[BACKUP_CODES_SESSION_KEY] = backup_codes
        return redirect_with_next("admin:second_factor_backup_codes", site, next_url(request, site))
    return _render(
        request,
        site,
        "admin/second_factor/enrol.html",
        {
            "title": _("Tweestapsverificatie instellen"),
            "form": form,
            "qr_svg": totp_qr_svg(device),
            "secret": totp_secret(device),
        },
    )


def backup_codes(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    """The backup codes made at enrolment, shown once: a reload shows them no more."""
    if _staff(request) is None:
        return _to_login(request, site)
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if second_factor_pending(request.user) or not codes:
        return HttpResponseRedirect(next_url(request, site))
    return _render(  # never cached: the URL is wrapped in never_cache (admin_site.py)
        request,
        site,
        "admin/second_factor/backup_codes.html",
        {"title": _("Je reservecodes"), "codes": codes},
    )
