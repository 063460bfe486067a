from django.urls import path
from django.utils.translation import gettext_lazy as _

from techportal.views import coming_soon

app_name = "matching"
urlpatterns = [
    path(
        "aanmelden/",
        coming_soon(
            _("Aanmelden als bedrijf"),
            _(
                "Binnenkort meldt u hier met één formulier uw stageplekken, gastlessen, workshops "
                "en bedrijfsbezoeken aan. De regionale coördinator neemt daarna contact met u op."
            ),
        ),
        name="signup",
    ),
]
