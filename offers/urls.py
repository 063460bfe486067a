from django.urls import path

from .views import catalogue, requests, saved_searches

app_name = "offers"
urlpatterns = [
    # The catalogue and one offer's page
    path("aanbod/", catalogue.catalogue, name="catalogue"),
    path("aanbod/<int:pk>/", catalogue.offer_detail, name="detail"),
    # A teacher requests an offer for a class; both sides follow it by a private link
    path("aanbod/<int:pk>/aanvragen/", requests.request_offer, name="request"),
    path("aanbod/scholen/", requests.school_search, name="school_search"),
    path("aanvraag/<str:token>/", requests.request_status, name="request_status"),
    path("aanvraag/antwoord/<str:token>/", requests.request_answer, name="request_answer"),
    # Saved searches: save (double opt-in), confirm, unsubscribe
    path("aanbod/bewaren/", saved_searches.save_search, name="save_search"),
    path(
        "aanbod/bewaren/bevestigen/<str:token>/",
        saved_searches.confirm_search,
        name="confirm_search",
    ),
    path("aanbod/bewaren/afmelden/<str:token>/", saved_searches.unsubscribe, name="unsubscribe"),
]
