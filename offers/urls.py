from django.urls import path
from django.utils.translation import gettext_lazy as _

from techportal.views import coming_soon

app_name = "offers"
urlpatterns = [
    path(
        "aanbod/",
        coming_soon(
            _("Aanbod voor scholen"),
            _(
                "Binnenkort zoekt u hier naar gastlessen, workshops, bedrijfsbezoeken en stages "
                "bij technische bedrijven in de buurt van uw school."
            ),
        ),
        name="catalogue",
    ),
]
