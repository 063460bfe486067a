"""/beheer/privacy/persoon/: find a person by email address, download their data, erase them.

Export and erasure are the privacy officer's task: only superusers may use this page and the
matching actions on contact persons (`may_handle_personal_data`). Coordinators see a region's
rows; an export by address would show them every region's, and an erasure cannot be undone.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .erasure import ErasureReport, person_erase
from .export import dumps, person_export
from .person import person_find


def may_handle_personal_data(user) -> bool:
    return bool(user.is_active and user.is_superuser)


class PersonForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_("Van een contactpersoon of een docent; hoofdletters maken niet uit."),
        error_messages={
            "required": _("Vul een e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."),
        },
    )


class EraseForm(PersonForm):
    confirm = forms.BooleanField(
        label=_("Ik begrijp dat wissen niet ongedaan kan worden gemaakt."),
        error_messages={"required": _("Vink aan dat u begrijpt dat wissen definitief is.")},
    )


def export_response(exports: list[dict], filename: str) -> HttpResponse:
    body = dumps(exports[0] if len(exports) == 1 else exports)
    return HttpResponse(
        body,
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def export_filename() -> str:
    return f"persoonsgegevens-{timezone.localdate():%Y%m%d}.json"


def erasure_message(report: ErasureReport) -> str:
    if not report.changed_anything:
        return gettext("Over %(email)s stond niets (meer) in Techportal.") % {"email": report.email}
    return gettext(
        "De gegevens van %(email)s zijn gewist: %(deleted)d rijen verwijderd, %(anonymised)d "
        "geanonimiseerd en %(scrubbed)d teksten opgeschoond."
    ) % {
        "email": report.email,
        "deleted": sum(report.deleted.values()),
        "anonymised": sum(report.anonymised.values()),
        "scrubbed": sum(report.scrubbed.values()),
    }


def report_staff_accounts(request: HttpRequest, report: ErasureReport) -> None:
    if report.staff_accounts:
        messages.warning(
            request,
            gettext(
                "Dit e-mailadres hoort ook bij een beheeraccount. Dat account is niet gewijzigd: "
                "verwijder of wijzig het onder Gebruikers."
            ),
        )


@never_cache
def person_page(request: HttpRequest) -> HttpResponse:
    if not may_handle_personal_data(request.user):
        raise PermissionDenied
    if request.method == "POST":
        erase_form = EraseForm(request.POST)
        if erase_form.is_valid():
            report = person_erase(email=erase_form.cleaned_data["email"])
            messages.success(request, erasure_message(report))
            report_staff_accounts(request, report)
            query = urlencode({"email": report.email})
            return HttpResponseRedirect(f"{reverse('privacy_person')}?{query}")
        form = PersonForm(request.POST)
    else:
        form = PersonForm(request.GET or None)
        erase_form = None
    person = person_find(form.cleaned_data["email"]) if form.is_valid() else None
    if person is not None and request.GET.get("export") == "json":
        return export_response([person_export(person)], export_filename())
    if person is not None and erase_form is None:
        erase_form = EraseForm(initial={"email": person.email})
    context = {
        **admin.site.each_context(request),
        "title": _("Persoonsgegevens (AVG)"),
        "form": form,
        "erase_form": erase_form,
        "person": person,
        "summary": person.summary() if person else [],
        "found": person.found if person else False,
        "staff_accounts": person.staff_users.count() if person else 0,
    }
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "admin/privacy/person.html", context, status=status)
