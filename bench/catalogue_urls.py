"""The whole site plus the bare catalogue view (bench/views.py), for `make bench-catalogue`."""

from django.urls import include, path

from bench.views import catalogue_bare

urlpatterns = [
    path("bench/catalogue/", catalogue_bare),
    path("", include("techportal.urls")),
]
