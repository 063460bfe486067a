"""Who may see the impact figures, and of which regions."""

from django.db.models import QuerySet

from organisations.models import Region

PERMISSION = "matching.view_impact"


def may_view_impact(user) -> bool:
    """Staff with the view_impact permission (coordinators, programme leads, superusers)."""
    return bool(user.is_active and user.is_staff and user.has_perm(PERMISSION))


def impact_regions_visible_to(user) -> QuerySet[Region] | None:
    """The regions whose figures `user` may see; None means every region (and none at all).

    Superusers, the national desk and programme leads (the permission without a coordinator
    profile) see everything; a coordinator sees only their own regions.
    """
    if user.is_superuser:
        return None
    coordinator = getattr(user, "coordinator", None)
    if coordinator is None or coordinator.is_national_desk:
        return None
    return coordinator.regions.all()
