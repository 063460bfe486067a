"""What the /beheer/ admins of every app share: the intermediate page of an action."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpRequest
from django.template.response import TemplateResponse


def action_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    action: str,
    objects: Sequence[Any],
    form: forms.Form,
    title: str,
    intro: str,
    submit: str,
) -> TemplateResponse:
    """The page an action shows when it needs input (a reason, a date, a coordinator).

    It renders the admin's `action_template` (one extending templates/admin/action_form.html),
    which posts back to the changelist with the same action, the chosen ids and `apply`.
    """
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "intro": intro,
        "submit": submit,
        "form": form,
        "media": model_admin.media + form.media,
        "objects": objects,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, model_admin.action_template, context)  # type: ignore[attr-defined]
