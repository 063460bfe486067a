from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _coordinator_group_ensure(sender, **kwargs) -> None:
    from .services import (
        coordinator_group_ensure,
        organiser_group_ensure,
        programme_lead_group_ensure,
    )

    coordinator_group_ensure()
    organiser_group_ensure()
    programme_lead_group_ensure()


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisaties en regio's")

    def ready(self) -> None:
        # A deploy's `migrate` gives the coordinator group the permissions of new models.
        post_migrate.connect(_coordinator_group_ensure, sender=self)
