from django.urls import path
from django.utils.translation import gettext_lazy as _

from techportal.views import coming_soon

app_name = "events"
urlpatterns = [
    path(
        "evenementen/",
        coming_soon(
            _("Evenementen"),
            _(
                "Binnenkort vindt u hier PET-events voor groep 6 tot en met 8, Tech Your Talent "
                "Events voor vmbo-2 en werkconferenties, en meldt u er uw klas voor aan."
            ),
        ),
        name="list",
    ),
]
