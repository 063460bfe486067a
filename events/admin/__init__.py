"""/beheer/ for events: organisers manage their own events, coordinators follow their regions'.

Scoping lives in `scoping.EventScopedAdmin.get_queryset`; the organiser's pages (registrations per
slot, CSV export, day schedule, workshop hosts) are views of `EventAdmin`.
"""

from .events import EventAdmin
from .registrations import OrganiserStaffAdmin, RegistrationAdmin

__all__ = ["EventAdmin", "OrganiserStaffAdmin", "RegistrationAdmin"]
