from django.urls import path

from .views import public, registrations

app_name = "events"
urlpatterns = [
    path("evenementen/", public.event_list, name="list"),
    path("evenementen/feed.ics", public.feed_ics, name="feed"),
    path("evenementen/<slug:slug>.ics", public.event_ics, name="ics"),
    path("evenementen/<slug:slug>/", registrations.event_detail, name="detail"),
    path(
        "evenementen/inschrijving/<str:token>/",
        registrations.registration_status,
        name="registration_status",
    ),
]
