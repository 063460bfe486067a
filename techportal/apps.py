from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TechportalConfig(AppConfig):
    name = "techportal"
    verbose_name = "Techportal"

    def ready(self) -> None:
        # auth: ends a deactivated user's sessions; registers the task that purges login records.
        # middleware: connects the receiver behind the 503 page before any other receiver.
        from . import auth, middleware  # noqa: F401


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose default site asks staff for a second factor."""

    default = False  # `techportal` in INSTALLED_APPS means TechportalConfig
    default_site = "techportal.admin_site.AdminSite"
