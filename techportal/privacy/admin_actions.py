"""Actions on contact persons in /beheer/: export their data, erase them (superusers only).

Both act on the people behind the chosen rows, by email address: everything with that address
(as a contact at any company, as a teacher, saved searches) is exported or erased, as on
/beheer/privacy/persoon/.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techportal.admin_pages import action_page

from .admin_views import (
    EraseForm,
    erasure_message,
    export_filename,
    export_response,
    may_handle_personal_data,
    report_staff_accounts,
)
from .erasure import person_erase
from .export import person_export
from .person import person_find


class ConfirmForm(EraseForm):
    """The erasure's intermediate page asks only for the confirmation: the rows give the
    addresses."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["email"]


def _emails(queryset: QuerySet) -> list[str]:
    """The chosen contacts' addresses, each once whatever its case."""
    seen: dict[str, str] = {}
    for email in queryset.order_by("pk").values_list("email", flat=True):
        seen.setdefault(email.lower(), email)
    return list(seen.values())


class PersonalDataActions(admin.ModelAdmin):
    """Mixed into ContactAdmin: "Persoonsgegevens exporteren" and "… wissen"."""

    actions = ["export_personal_data", "erase_personal_data"]
    action_template = "admin/privacy/contact_action_form.html"

    def has_personal_data_permission(self, request: HttpRequest) -> bool:
        return may_handle_personal_data(request.user)

    @admin.action(
        description=_("Persoonsgegevens exporteren (AVG, JSON)"), permissions=["personal_data"]
    )
    def export_personal_data(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        exports = [person_export(person_find(email)) for email in _emails(queryset)]
        return export_response(exports, export_filename())

    @admin.action(description=_("Persoonsgegevens wissen (AVG)…"), permissions=["personal_data"])
    def erase_personal_data(
        self, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        contacts = list(queryset.select_related("organisation"))
        form = ConfirmForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            for contact in contacts:
                contact.person_summary = [  # for the page
                    (label, count) for label, count in person_find(contact.email).summary() if count
                ]
            return action_page(
                self,
                request,
                action="erase_personal_data",
                objects=contacts,
                form=form,
                title=gettext("Persoonsgegevens wissen"),
                intro=gettext(
                    "Alles over deze personen wordt gewist, op hun e-mailadres: als "
                    "contactpersoon, als docent en hun bewaarde zoekopdrachten. Wat meetelt in "
                    "de cijfers blijft, zonder naam, e-mailadres of telefoonnummer. Dit kan niet "
                    "ongedaan worden gemaakt."
                ),
                submit=gettext("Definitief wissen"),
            )
        for email in _emails(queryset):
            report = person_erase(email=email)
            self.message_user(request, erasure_message(report), messages.SUCCESS)
            report_staff_accounts(request, report)
        return None
