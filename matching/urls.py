from django.urls import path

from . import views
from .views.impact import impact

app_name = "matching"
urlpatterns = [
    path("aanmelden/", views.signup, name="signup"),
    path("aanmelden/bedankt/<str:token>/", views.thanks, name="thanks"),
    path("aanmelden/status/<str:token>/", views.status, name="status"),
    path("match/<str:token>/", views.match_page, name="match"),
    path("impact/", impact, name="impact"),
]
