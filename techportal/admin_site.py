"""/beheer/: Django's admin, for staff who passed both their password and a second factor.

Installed as the default admin site by techportal.apps.AdminConfig, so `admin.site` and every
`@admin.register` use it. The flow: the login page (password; django-axes locks an account
after repeated wrong ones) → set up an authenticator app if the account has none yet, or enter
a code → the page asked for. Superusers too; accounts that are not staff never get in.
"""

from functools import update_wrapper

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from . import otp_views
from .forms import LoginForm
from .otp import second_factor_pending


class AdminSite(admin.AdminSite):
    site_header = _("Techportal-beheer")
    site_title = _("Techportal-beheer")
    index_title = _("Overzicht")
    login_form = LoginForm  # refuses an over-long username before django-axes logs it

    def has_permission(self, request: HttpRequest) -> bool:
        is_verified = getattr(request.user, "is_verified", None)  # from django-otp's middleware
        return super().has_permission(request) and bool(is_verified and is_verified())

    def admin_view(self, view, cacheable=False):
        """Staff between password and second factor go to the second factor with a `next`.

        Logging out works for them too (Django's own check would send them to the index).
        """
        checked = super().admin_view(view, cacheable)
        unchecked = csrf_protect(never_cache(view))

        def inner(request, *args, **kwargs):
            if second_factor_pending(request.user):
                if request.path == reverse("admin:logout", current_app=self.name):
                    return unchecked(request, *args, **kwargs)
                return otp_views.redirect_with_next(
                    "admin:second_factor_verify", self, request.get_full_path()
                )
            return checked(request, *args, **kwargs)

        return update_wrapper(inner, view)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.method == "GET" and second_factor_pending(request.user):
            return otp_views.redirect_with_next(
                "admin:second_factor_verify", self, otp_views.next_url(request, self)
            )
        response = super().login(request, extra_context)
        if isinstance(response, HttpResponseRedirect) and second_factor_pending(request.user):
            # The password was right; LoginView checked that `next` stays on this site.
            return otp_views.redirect_with_next("admin:second_factor_verify", self, response.url)
        return response

    def get_urls(self):
        def second_factor(view):
            def inner(request, *args, **kwargs):
                return view(request, self, *args, **kwargs)

            return csrf_protect(never_cache(update_wrapper(inner, view)))

        return [
            path(
                "tweestapsverificatie/",
                second_factor(otp_views.verify),
                name="second_factor_verify",
            ),
            path(
                "tweestapsverificatie/instellen/",
                second_factor(otp_views.enrol),
                name="second_factor_enrol",
            ),
            path(
                "tweestapsverificatie/reservecodes/",
                second_factor(otp_views.backup_codes),
                name="second_factor_backup_codes",
            ),
            *super().get_urls(),
        ]
