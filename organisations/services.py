"""Writes that span rows: keeping each organisation's region in step with the postcode ranges."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from events.models import Event, Registration, TimeSlot, Workshop
from matching.models import Match, SignUp, SignUpEvent, SignUpNote
from offers.models import Offer, OfferRequest

from .models import Contact, Coordinator, Organisation, PostcodeRange, Region
from .queries import region_of_postcode_column

COORDINATOR_GROUP_NAME = "Coördinatoren"

# What a coordinator may do in /beheer/: keep organisations and their contacts up to date, look
# up (not change) the regions, postcode ranges and coordinators they route by, and triage the
# sign-ups and offers of their regions. Nobody in the group deletes: sign-ups are declined or
# closed, offers archived, and history is never edited.
COORDINATOR_PERMISSIONS = {
    Organisation: ("view", "add", "change"),
    Contact: ("view", "add", "change"),
    Region: ("view",),
    PostcodeRange: ("view",),
    Coordinator: ("view",),
    SignUp: ("view", "change"),
    SignUpNote: ("view", "add"),
    SignUpEvent: ("view",),
    Offer: ("view", "change"),
    # Requests are answered by the company; coordinators follow them and the matches they make.
    OfferRequest: ("view",),
    # Coordinators propose matches (from the suggestions) and follow them up, and see the
    # impact dashboard (matching.view_impact) of their regions.
    Match: ("view", "add", "change", "view_impact"),
    # Events in their regions, to follow them (organisers manage them).
    Event: ("view",),
    TimeSlot: ("view",),
    Workshop: ("view",),
    Registration: ("view",),
}

ORGANISER_GROUP_NAME = "Organisatoren"

# What an event organiser may do in /beheer/ (scoped to their own events by the admin): manage
# events with their slots and workshops, and follow and correct class registrations. Nobody in
# the group deletes: an event is cancelled, a registration cancelled through its service.
ORGANISER_PERMISSIONS = {
    Event: ("view", "add", "change"),
    TimeSlot: ("view", "add", "change"),
    Workshop: ("view", "add", "change"),
    Registration: ("view", "change"),
}


PROGRAMME_LEAD_GROUP_NAME = "Programmaleiders"

# What a programme lead may do in /beheer/: read the impact figures of every region (they have
# no coordinator profile, so nothing scopes them) and look up what lies behind them. Read only.
PROGRAMME_LEAD_PERMISSIONS = {
    SignUp: ("view",),
    Offer: ("view",),
    Match: ("view", "view_impact"),
    Event: ("view",),
}


@transaction.atomic
def organisations_assign_regions(*, ids: list[int] | None = None) -> None:
    """Recompute the region of organisations (all, or those in `ids`) from their postcodes.

    Two UPDATE statements, however many rows: run it after postcode ranges change or after a
    bulk import that bypassed `Organisation.save()`.
    """
    rows = Organisation.objects.all() if ids is None else Organisation.objects.filter(pk__in=ids)
    rows.filter(postcode="").update(region=None)
    rows.exclude(postcode="").update(region=region_of_postcode_column())


def _permissions(wanted_permissions: dict) -> list[Permission]:
    content_types = ContentType.objects.get_for_models(*wanted_permissions)
    wanted = Q(pk__in=[])
    for model, actions in wanted_permissions.items():
        custom = {codename for codename, _name in model._meta.permissions}
        # An action is "view", "add"…, or a custom permission's own codename ("view_impact").
        codenames = [
            action if action in custom else f"{action}_{model._meta.model_name}"
            for action in actions
        ]
        wanted |= Q(content_type=content_types[model], codename__in=codenames)
    return list(Permission.objects.filter(wanted))


def _group_ensure(name: str, wanted_permissions: dict) -> Group:
    """The group `name`, created if missing, with exactly `wanted_permissions`.

    Permissions another admin added to the group by hand are removed again.
    """
    group, _created = Group.objects.get_or_create(name=name)
    permissions = _permissions(wanted_permissions)
    expected = sum(len(actions) for actions in wanted_permissions.values())
    if len(permissions) != expected:
        # Only when the post_migrate signal has not (yet) created them, e.g. a bare test schema.
        for app_label in sorted({model._meta.app_label for model in wanted_permissions}):
            create_permissions(apps.get_app_config(app_label), verbosity=0)
        permissions = _permissions(wanted_permissions)
    group.permissions.set(permissions)
    return group


@transaction.atomic
def coordinator_group_ensure() -> Group:
    """The "Coördinatoren" group, created if missing, with exactly COORDINATOR_PERMISSIONS.

    Permissions another admin added to the group by hand are removed again.
    """
    return _group_ensure(COORDINATOR_GROUP_NAME, COORDINATOR_PERMISSIONS)


@transaction.atomic
def organiser_group_ensure() -> Group:
    """The "Organisatoren" group, created if missing, with exactly ORGANISER_PERMISSIONS."""
    return _group_ensure(ORGANISER_GROUP_NAME, ORGANISER_PERMISSIONS)


@transaction.atomic
def programme_lead_group_ensure() -> Group:
    """The "Programmaleiders" group, created if missing, with exactly PROGRAMME_LEAD_PERMISSIONS."""
    return _group_ensure(PROGRAMME_LEAD_GROUP_NAME, PROGRAMME_LEAD_PERMISSIONS)
