from django.contrib import admin
from django.urls import include, path

from matching.impact import views as impact_views

from . import views
from .privacy import admin_views as privacy_admin_views

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("health/", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "beheer/impact/",
        admin.site.admin_view(impact_views.impact_dashboard),
        name="impact_dashboard",
    ),
    path(
        "beheer/impact/csv/<slug:table>/",
        admin.site.admin_view(impact_views.impact_csv),
        name="impact_csv",
    ),
    path(
        "beheer/privacy/persoon/",
        admin.site.admin_view(privacy_admin_views.person_page),
        name="privacy_person",
    ),
    path("beheer/", admin.site.urls),
    path("", include("matching.urls")),
    path("", include("offers.urls")),
    path("", include("events.urls")),
]
